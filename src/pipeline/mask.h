/* SPDX-License-Identifier: BSD-2-Clause */
/* The mask as coverage: how much of the density each point gets (mask.c). */
#ifndef SMP_MASK_H
#define SMP_MASK_H

#include "notes.h"
#include "image.h"

/* A coverage field: how much of the full density each point gets, 0..255,
 * after mask resampling and feathering. Density is a low-frequency field
 * (dots are about 1 mm apart), so it lives on a grid of cells about
 * 0.25 mm wide (never under a pixel), each the mask's average over it, and
 * is read with bilinear interpolation. */
typedef struct smp_coverage {
    uint8_t *c;      /* gw x gh cells */
    uint32_t gw, gh;
    uint32_t cell;   /* cell side, px */
    uint32_t w, h;   /* photo size, px */
} smp_coverage;

/* Cell side in px for a scale: 0.25 mm, at least 1 px. */
uint32_t smp__coverage_cell(double px_per_mm);
/* The part of the photo with any coverage, in mm at px_per_mm, one
 * coverage cell wider all round; false when nothing is covered. Sampling
 * only there keeps the work with the treated area, not the frame. */
bool smp__coverage_extent(const smp_coverage *cov, double px_per_mm, double box[4]);
/* The share of a mask that is treated (its mean coverage, 0..1): one pass
 * over the mask at its own size, on threads (0: OpenMP's own). */
double smp__mask_share(const smp_image *mask, int threads);
/* The covered area in mm² at px_per_mm: the coverage's sum, at most the photo. */
double smp__coverage_area_mm2(const smp_coverage *cov, double px_per_mm);
/* Coverage at a point in photo pixels (bilinear); 0 outside the photo.
 * Inline: the sampler asks it at every dart and box corner. */
static inline double smp__coverage_at(const smp_coverage *cov, double x, double y)
{
    if (!(x >= 0 && y >= 0 && x < cov->w && y < cov->h))
        return 0;
    double gx = x / cov->cell - 0.5, gy = y / cov->cell - 0.5;
    gx = gx < 0 ? 0 : gx > cov->gw - 1 ? cov->gw - 1 : gx;
    gy = gy < 0 ? 0 : gy > cov->gh - 1 ? cov->gh - 1 : gy;
    uint32_t x0 = (uint32_t)gx, y0 = (uint32_t)gy;
    uint32_t x1 = x0 + 1 < cov->gw ? x0 + 1 : x0, y1 = y0 + 1 < cov->gh ? y0 + 1 : y0;
    double ax = gx - x0, ay = gy - y0;
    const uint8_t *r0 = cov->c + (size_t)y0 * cov->gw, *r1 = cov->c + (size_t)y1 * cov->gw;
    return (r0[x0] * (1 - ax) + r0[x1] * ax) * (1 - ay) + (r1[x0] * (1 - ax) + r1[x1] * ax) * ay;
}

/* smp__coverage_at taken apart, for a lattice of points (its columns and
 * rows read once each): one axis's reading at photo coordinate v (of
 * extent px, n cells), then the value at a column's and a row's readings,
 * the same double to the bit as smp__coverage_at's at that point. */
typedef struct smp_cov_axis {
    int in; /* inside the photo along this axis */
    uint32_t c0, c1;
    double a;
} smp_cov_axis;
static inline smp_cov_axis smp__coverage_axis(const smp_coverage *cov, double v, uint32_t extent, uint32_t n)
{
    smp_cov_axis r = {v >= 0 && v < extent, 0, 0, 0};
    double g = v / cov->cell - 0.5;
    g = g < 0 ? 0 : g > n - 1 ? n - 1 : g;
    r.c0 = (uint32_t)g;
    r.c1 = r.c0 + 1 < n ? r.c0 + 1 : r.c0;
    r.a = g - r.c0;
    return r;
}
static inline double smp__coverage_mix(const smp_coverage *cov, const smp_cov_axis *x, const smp_cov_axis *y)
{
    if (!(x->in && y->in))
        return 0;
    const uint8_t *r0 = cov->c + (size_t)y->c0 * cov->gw, *r1 = cov->c + (size_t)y->c1 * cov->gw;
    return (r0[x->c0] * (1 - x->a) + r0[x->c1] * x->a) * (1 - y->a) + (r1[x->c0] * (1 - x->a) + r1[x->c1] * x->a) * y->a;
}

/* Builds the coverage from a decoded mask for a photo of w x h pixels shown
 * with the given EXIF orientation. Resamples a mask of the same aspect. */
smp_status smp__coverage_from_mask(smp_coverage *cov, const smp_image *mask, uint32_t w, uint32_t h,
                                   uint32_t cell, int photo_orientation, smp_notes *notes, char *msg);
/* The same on threads (0: OpenMP's own); the same bytes whatever their number. */
smp_status smp__coverage_from_mask_mt(smp_coverage *cov, const smp_image *mask, uint32_t w, uint32_t h,
                                      uint32_t cell, int photo_orientation, int threads, smp_notes *notes,
                                      char *msg);
/* Blurs the coverage so density ramps across the mask edge over about
 * width_px (10-90 %), with three box passes approximating a Gaussian. */
smp_status smp__coverage_feather(smp_coverage *cov, double width_px, int threads, char *msg);
/* The box passes' radius smp__coverage_feather takes for width_px (below 1: none). */
int smp__feather_radius(double width_px, uint32_t cell);
/* smp__coverage_feather's bytes over the cells [q[0], q[2]) x [q[1], q[3])
 * only, read from cov as it is before the feather, into out (q's size, row
 * by row): the same bytes, reading only 3 passes' reach around q. False
 * when out of memory. */
bool smp__coverage_feather_part(const smp_coverage *cov, double width_px, const uint32_t q[4], uint8_t *out);
void smp__coverage_free(smp_coverage *cov);
/* out = a copy of cov. */
smp_status smp__coverage_copy(smp_coverage *out, const smp_coverage *cov, char *msg);
/* Scales coverage by a density map on the same grid: each cell's share of
 * the top density is min/max + (1 - min/max) * map / 255 (max 0: map / 255).
 * only_inside keeps zero cells zero (render: the mask bounds the area);
 * otherwise the map alone sets the coverage (points). */
void smp__scale_by_map(smp_coverage *cov, const smp_coverage *map, double min_cm2, double max_cm2, int only_inside);

/* A mask "has real transparency" when its alpha channel is not all opaque:
 * then alpha is the painted area (mask.c, maskcheck.c). */
int smp__mask_has_alpha(const smp_image *m);

#endif
