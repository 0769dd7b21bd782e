/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_sampler: smpsim's sampler on a square holding about N dots at
 * 100 dots/cm², uniform or variable (a smooth field times a step).
 * Usage: bench_sampler N uniform|variable THREADS
 * Prints one row: dots, seconds, M dots/s, peak RSS, bytes/dot, rho.
 * `bench_sampler radius` prints the spacing rule at 100 dots/cm² (mm),
 * which the peers are given. */
#include "pointstats.h"
#include "sample.h"

#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "radius")) {
        printf("%.6f\n", smp__exclusion_mm(100));
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: bench_sampler N uniform|variable THREADS\n");
        return 1;
    }
    const double n_want = atof(argv[1]);
    const int variable = !strcmp(argv[2], "variable");
#ifdef _OPENMP
    omp_set_num_threads(atoi(argv[3]));
#endif
    /* The variable field averages ~0.56 of the peak: enlarge the square. */
    const double side = sqrt(n_want / (variable ? 0.5625 : 1.0)); /* mm: 1 dot/mm² at 100/cm² */
    smp_coverage cov = {0};
    const double cov_ppm = 0.25; /* one coverage pixel per 4 mm: the field is smooth */
    if (variable) {
        cov.w = cov.gw = (uint32_t)ceil(side * cov_ppm);
        cov.h = cov.gh = cov.w;
        cov.cell = 1;
        cov.c = malloc((size_t)cov.gw * cov.gh);
        for (uint32_t y = 0; y < cov.gh; y++)
            for (uint32_t x = 0; x < cov.gw; x++) {
                double smooth = 0.75 + 0.25 * sin(2 * 3.14159265358979 * y / cov.gh * 4);
                double step = x < cov.gw / 2 ? 0.5 : 1.0;
                cov.c[(size_t)y * cov.gw + x] = (uint8_t)lrint(255 * smooth * step);
            }
    }
    smp_sample_in in = {.w_mm = side, .h_mm = side, .density_cm2 = 100, .seed = 1, .layer = 1,
                        .cov = variable ? &cov : NULL, .cov_px_per_mm = cov_ppm};
    smp_spts pts;
    char msg[SMP_MSG_LEN];
    double t0 = bench_now();
    if (smp__sample(&in, &pts, msg) != SMP_OK) {
        fprintf(stderr, "bench_sampler: %s\n", msg);
        return 1;
    }
    double secs = bench_now() - t0, rss = bench_peak_rss_mb();
    double rho = NAN;
    if (!variable) {
        double *xy = malloc(pts.n * 2 * sizeof *xy);
        for (size_t i = 0; i < pts.n; i++) {
            xy[2 * i] = pts.p[i].x;
            xy[2 * i + 1] = pts.p[i].y;
        }
        rho = bench_rho(bench_min_distance(xy, pts.n, side, side, smp__exclusion_mm(100)), pts.n,
                        side * side);
        free(xy);
    }
    printf("%zu %.4f %.3f %.1f %.1f %.4f\n", pts.n, secs, pts.n / secs / 1e6, rss,
           rss * 1048576.0 / pts.n, rho);
    smp__spts_free(&pts);
    free(cov.c);
    return 0;
}
