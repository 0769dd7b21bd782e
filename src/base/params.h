/* SPDX-License-Identifier: BSD-2-Clause */
/* The parameters handle, the accepted scales and the checks on them (params.c, sizes.c). */
#ifndef SMP_PARAMS_H
#define SMP_PARAMS_H

#include "internal.h"
#include "image.h"

/* The scales smp_params_set_px_per_mm accepts; an assumed scale is kept in
 * the same range. */
#define SMP_MIN_PX_PER_MM 0.5
#define SMP_MAX_PX_PER_MM 1000.0
/* Without a scale, assume the frame's shorter side spans this much: a phone
 * photo of a crown or hairline taken at arm's length. */
#define SMP_ASSUMED_SHORT_SIDE_MM 200.0
/* The scale assumed for a w x h photo: its shorter side spanning
 * SMP_ASSUMED_SHORT_SIDE_MM, kept within the accepted scales; *clamped
 * (if not NULL) says whether the range moved it. */
double smp__assumed_px_per_mm(uint32_t w, uint32_t h, int *clamped);
/* SMP_ERR_LIMIT when density_cm2 over area_mm2 expects more than
 * SMP_MAX_DOTS dots; checked before sampling, with what to check. */
smp_status smp__check_dot_count(double density_cm2, double area_mm2, double px_per_mm, char *msg);

struct smp_render_job; /* render.h */

/* A setting added here that shapes the outputs goes into smp_params_key too. */
struct smp_params {
    uint64_t seed;
    double density;      /* dots per cm² where the mask is white */
    double dot_mm;       /* healed dot diameter */
    double px_per_mm;    /* 0 = assume from the frame */
    double feather_mm;
    double opacity;
    uint8_t pigment[3];
    uint64_t max_pixels;
    int jpeg_quality;
    int overwrite;
    int threads;          /* 0: OpenMP's default */
    int n_layers;
    double layers[SMP_MAX_LAYERS]; /* cumulative % of the density, rising, last one 100 */
    int density_auto;     /* choose the density for a tone match (default) */
    int dot_auto;         /* choose the dot size with it (default) */
    double regularity;    /* the pattern's min distance over the hexagonal spacing */
    int measures;         /* compute the realism measures after rendering */
    int no_tone_after;    /* leave the treated core's tone after rendering unmeasured */
    int no_spacing;       /* leave the dots' spacing and the close-up's focus unmeasured */
    double dilution;      /* < 0: from the hair colour */
    int pigment_set;      /* the pigment was given: no dilution model */
    smp_edge edge;
    int show_session;     /* 0: all sessions */
    double age_years;     /* < 0 fresh, 0 healed */
    smp_cast cast;
    const smp_image *reference, *scars, *density_map; /* borrowed */
    double range_min, range_max; /* density map scale, dots/cm²; max 0: white = density, black = none */
    smp_progress_fn progress;
    void *progress_user;
    /* Previews (preview.c, html.c). */
    smp_layout layout;
    double split_at;      /* split layout: the divider's place across the width */
    uint32_t max_size;    /* long side of the output, px; 0 = full size */
    char caption[256], date[32]; /* UTF-8 */
    smp_loupe loupe;
    double loupe_x, loupe_y; /* SMP_LOUPE_AT: centre in photo pixels */
    double loupe_zoom;       /* over the panel; 0 = a 10 mm field */
    /* Which of the render's bands a run draws [*first, *end), asked with
     * its inputs once they are made (NULL: all): the studio's glue hands
     * the rest to a second worker (web/studio/glue.c). */
    void (*render_bands)(void *ctx, const struct smp_render_job *job, int *first, int *end);
    void *render_bands_ctx;
    char msg[SMP_MSG_LEN];
};

/* SMP_ERR_ARG when a loupe placed at a point lies outside a w x h photo. */
smp_status smp__check_loupe(const smp_params *p, uint32_t w, uint32_t h, char *msg);

#endif
