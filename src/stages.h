/* Interfaces between the pipeline's stages (mask -> sample -> render). */
#ifndef SMP_STAGES_H
#define SMP_STAGES_H

#include "internal.h"

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
/* Coverage at a point in photo pixels (bilinear); 0 outside the photo. */
double smp__coverage_at(const smp_coverage *cov, double x, double y);

/* Notes go to the result, so the caller decides whether to show them. */
typedef struct smp_notes {
    char **items;
    size_t count;
} smp_notes;
void smp__note(smp_notes *notes, const char *fmt, ...) SMP_PRINTF(2, 3);
void smp__notes_clear(smp_notes *notes);

/* Builds the coverage from a decoded mask for a photo of w x h pixels shown
 * with the given EXIF orientation. Resamples a mask of the same aspect. */
smp_status smp__coverage_from_mask(smp_coverage *cov, const smp_image *mask, uint32_t w, uint32_t h,
                                   uint32_t cell, int photo_orientation, smp_notes *notes, char *msg);
/* Blurs the coverage so density ramps across the mask edge over about
 * width_px (10-90 %), with three box passes approximating a Gaussian. */
smp_status smp__coverage_feather(smp_coverage *cov, double width_px, char *msg);
void smp__coverage_free(smp_coverage *cov);

/* A sampled dot, in mm, with the exclusion radius it was placed with. */
typedef struct smp_spt {
    double x, y;
    float excl;
    uint8_t layer;
} smp_spt;

typedef struct smp_spts {
    smp_spt *p;
    size_t n;
} smp_spts;
void smp__spts_free(smp_spts *pts);

typedef struct smp_sample_in {
    double x0_mm, y0_mm;       /* the domain's corner; coverage and output share this frame */
    double w_mm, h_mm;         /* the domain's size */
    double density_cm2;        /* where coverage is 255 */
    const smp_coverage *cov;   /* NULL: uniform density */
    double cov_px_per_mm;      /* coverage pixels per mm */
    uint64_t seed;
    uint8_t layer;
    const smp_spt *existing;   /* earlier layers' dots, respected, not output */
    size_t n_existing;
} smp_sample_in;

/* Variable-density maximal Poisson-disk dots (see sample.c). */
smp_status smp__sample(const smp_sample_in *in, smp_spts *out, char *msg);

/* Exclusion radius (mm) at full coverage for a density, from the sampler's
 * own calibrated packing. */
double smp__exclusion_mm(double density_cm2);

/* Draws dots (mm, at px_per_mm) into an RGB image in linear light; pixels
 * no dot reaches keep their bytes. sigma_px is the pigment's Gaussian edge. */
smp_status smp__render(smp_image *rgb, const smp_dot *dots, size_t n, double px_per_mm,
                       const uint8_t pigment[3], double sigma_px, char *msg);

#endif
