/* SPDX-License-Identifier: BSD-2-Clause */
/* The client's own stubble next to the treated area: how many follicles
 * show per cm², how large and how dark they look (see follicles.c). */
#ifndef SMP_FOLLICLES_H
#define SMP_FOLLICLES_H

#include "internal.h"
#include "image.h"

/* Below this scale single follicles (0.08-0.15 mm) are not resolved. */
#define SMP_FOLLICLES_MIN_PPM 6.0
/* Nor where the photo's own blur (Gaussian sigma) is above both of these:
 * 0.2 mm blurs a 0.1 mm follicle into its surroundings, and an in-focus
 * photo reads up to ~1.5 px (focus.h), which is more than 0.2 mm below
 * 7.5 px/mm: there the photo is soft, not out of focus. */
#define SMP_FOLLICLES_MAX_BLUR_MM 0.2
#define SMP_FOLLICLES_MAX_BLUR_PX 2.0

/* The client's own stubble in a region: visible follicles (dark blobs) and their look. */
typedef struct smp_follicles {
    int resolved;        /* 1 when the photo resolves single follicles (about 6 px/mm or more) */
    double area_cm2;     /* the region measured */
    double per_cm2;      /* visible follicles per cm² (0 when not resolved) */
    double diameter_mm;  /* their median apparent diameter */
    double contrast;     /* median darkening of a follicle's centre against its surround, 0..1, linear luminance */
    double tone_l;       /* the region's mean CIELAB L* at the viewing scale (its blurred luminance) */
} smp_follicles;

/* region: gw x gh cells of cell_px x cell_px photo pixels (the shade
 * analysis's grid), non-zero = measure there. rgb: the photo as RGB 8-bit.
 * Resolved: area_cm2 is the region eroded by the filters' reach (where
 * follicles are counted); otherwise the whole region, and only tone_l is
 * measured besides. Deterministic for any thread count (0: OpenMP's default). */
smp_status smp__measure_follicles(const smp_image *rgb, const uint8_t *region, uint32_t gw, uint32_t gh,
                                  uint32_t cell_px, double px_per_mm, smp_follicles *out, int threads, char *msg);

#endif
