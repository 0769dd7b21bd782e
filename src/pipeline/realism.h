/* SPDX-License-Identifier: BSD-2-Clause */
/* Measures of realism: how a render changed a photo, judged against the
 * photo's own untreated scalp (see realism.c for the exact definitions). */
#ifndef SMP_REALISM_H
#define SMP_REALISM_H

#include "render.h"
#include "shade.h"
#include "image.h"

typedef struct smp_realism {
    double core_darkening;  /* 1 - mean(after/before) of linear luminance, core's ordinary pixels; NAN: none */
    double shine_darkening; /* the same over the core's shine; NAN when it has none */
    size_t core_px, shine_px; /* the pixels each of the two means is over */
    double contrast_core_before, contrast_core_after, contrast_reference,
        contrast_ratio;     /* ratio = core_after / reference; NAN when either region is empty */
    double strand_max_diff; /* 8-bit levels; NAN when no strand map */
    size_t strand_px;       /* pixels wholly hair (strand map 255) inside the treated area */
    double blur_px[2];      /* the photo's own blur (sigma) over core and reference; NAN: unknown */
} smp_realism;

/* before/after: same-size images (any channel count 1-4: the RGB view, grey
 * standing for all three channels, alpha ignored); sh: the shade analysis of
 * the before image (its grid, core, accept) at px_per_mm; skin: NULL or the
 * skin maps, whose strands are the hair's share of each pixel's light
 * (>= 128: a strand pixel, out of the darkening; 255: wholly hair). blur_px: NULL or the
 * photo's own blur (Gaussian sigma, px) over the core and the reference,
 * so that their contrasts are compared at the same blur (NAN: unknown,
 * compared as photographed). threads: 0 = OpenMP's default; the figures
 * are identical for any count. */
smp_status smp__measure_realism(const smp_image *before, const smp_image *after, const smp_shade *sh,
                                double px_per_mm, const smp_skin_maps *skin, const double *blur_px,
                                smp_realism *out, int threads, char *msg);

/* The extra blur (sigma, px) that brings the core to the reference's blur
 * where that is the larger (the reference is never blurred: realism.c);
 * 0 otherwise or when either blur is unknown (NAN). */
double smp__texture_core_blur(const double blur_px[2]);

/* The follicle-scale contrast alone (as above) of img, blurred by extra_px
 * (sigma, px) more, over up to two regions, cells of sh->grid selected by
 * sel0 and sel1 (either may be NULL); out[q] is NAN for an empty region. */
smp_status smp__texture_contrast(const smp_image *img, const smp_shade *sh, const uint8_t *sel0, const uint8_t *sel1,
                                 double px_per_mm, double extra_px, int threads, double out[2], char *msg);

#endif
