/* SPDX-License-Identifier: BSD-2-Clause */
/* The sampler: variable-density Poisson-disk dots in mm (sample.c). */
#ifndef SMP_SAMPLE_H
#define SMP_SAMPLE_H

#include "mask.h"

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
    int threads;               /* 0: OpenMP's default */
} smp_sample_in;

/* Variable-density maximal Poisson-disk dots (see sample.c). */
smp_status smp__sample(const smp_sample_in *in, smp_spts *out, char *msg);

/* Exclusion radius (mm) at full coverage for a density, from the sampler's
 * own calibrated packing. */
double smp__exclusion_mm(double density_cm2);

#endif
