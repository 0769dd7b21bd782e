/* SPDX-License-Identifier: BSD-2-Clause */
/* The shade analysis: tone, skin, reference and hair colour (shade.c). */
#ifndef SMP_SHADE_H
#define SMP_SHADE_H

#include "mask.h"
#include "image.h"

/* What of the shade analysis the photo alone sets, not the mask: kept by
 * the analysis cache so that a mask edit on the same photo skips it. On
 * the analysis grid gw x gh of cell px (whose it is). */
typedef struct smp_shade_photo {
    uint32_t gw, gh, cell;
    float *tone, *view;      /* 3 a cell: smp_shade's */
    double *tone_l, *view_l; /* their L* */
    uint32_t *skin_arg;      /* each cell's lightest within 2 mm (the local skin's) */
} smp_shade_photo;
void smp__shade_photo_free(smp_shade_photo *part);
/* A part is kept only up to this size (44 bytes an analysis cell: 8 MB
 * for the studio's 2000 x 1500 at its assumed 7.5 px/mm; at under 2 px/mm
 * every pixel is a cell, 132 MB, and the analysis is made again instead). */
#define SMP_SHADE_PART_MAX_BYTES ((size_t)48 << 20)

/* What the photo says about shade (see shade.c). Colours are CIELAB (D65). */
typedef struct smp_shade {
    smp_coverage grid;    /* the analysis grid: coverage over cells of about 0.5 mm */
    int k;                /* coverage cells per analysis cell, per side */
    float *tone;          /* per analysis cell: mean linear RGB */
    float *view;          /* the same blurred to the viewing scale */
    float *dist_out;      /* mm to the treated area */
    uint8_t *core;        /* the fully treated core, 3 mm inside the mask */
    uint8_t *core_mid;    /* its cells about its median tone (MID_LO-MID_HI of L*), whose
                           * darkening the median's is predicted from (match.h) */
    uint8_t *accept;      /* reference cells kept */
    float *lskin;         /* per cell: local bare skin (lightest within 2 mm) */
    double *tone_l, *view_l; /* per cell: L* of tone (during the analysis only) and view (until the hair factor) */
    double texture_l;     /* how far bare skin's view falls below its local skin (L) */
    size_t core_cells, ref_cells, ref_accepted;
    int have_reference;
    float skin_lin[3], core_before_lin[3];
    double skin_lab[3], hair_lab[3], core_before_lab[3];
    double ref_raw_lab[3]; /* the reference's viewing-scale tone as photographed */
    double ref_lab[3];     /* the same under the core's light: the target */
    int threads;           /* for the tone map and blurs (0: OpenMP's own) */
    /* During the analysis only: the photo's part to take (NULL, or one of
     * another grid: none) or to fill (NULL: none kept). */
    const smp_shade_photo *given;
    smp_shade_photo *keep;
} smp_shade;

/* A frontal hairline: the mask ends on bare skin, cells within
 * SMP_HAIRLINE_BAND_MM outside it lighter than smp__bare_skin_l of the
 * untreated core's and the reference's L*, on at least SMP_HAIRLINE_SHARE of
 * that band (the zones and the reference band both use it). */
#define SMP_HAIRLINE_BAND_MM 5.0
#define SMP_HAIRLINE_SHARE 0.15
/* Lighter than both by half their difference: bare skin. */
static inline double smp__bare_skin_l(double core_l, double ref_l)
{
    const double hi = core_l > ref_l ? core_l : ref_l, lo = core_l > ref_l ? ref_l : core_l;
    return hi + 0.5 * (hi - lo);
}

/* Tone map, distances, skin, reference tone and hair colour from a photo
 * and its (unfeathered) coverage; reference, if given, replaces the band. */
smp_status smp__shade_analyze(smp_shade *sh, const smp_image *photo, const smp_coverage *cov,
                              const smp_coverage *reference, double px_per_mm, int threads, char *msg);
/* The same taking the photo's part from given when it is on this grid,
 * else making it and, when keep is given (empty), a copy into keep; the
 * same analysis either way. */
smp_status smp__shade_analyze_part(smp_shade *sh, const smp_image *photo, const smp_coverage *cov,
                                   const smp_coverage *reference, double px_per_mm, int threads,
                                   const smp_shade_photo *given, smp_shade_photo *keep, char *msg);
void smp__shade_free(smp_shade *sh);
/* The core's viewing-scale tone in another image of the same size. */
smp_status smp__core_tone(const smp_shade *sh, const smp_image *img, double px_per_mm, int threads, double lab[3],
                          char *msg);
/* Lowers the coverage where hair already darkens the treated area. */
smp_status smp__existing_hair_factor(const smp_shade *sh, smp_coverage *cov, int threads, char *msg);

#endif
