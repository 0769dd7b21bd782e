/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_render: the dot renderer on a 24 MP image (6000 x 4000 at 15 px/mm,
 * 100 dots/cm² over the whole frame) against one memcpy of the image.
 * Usage: bench_render THREADS...
 * Prints one row per thread count: threads, dots, seconds, MP/s, M dots/s,
 * memcpy seconds, ratio to memcpy, peak RSS. */
#include "pointstats.h"
#include "render.h"
#include "sample.h"

#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define REPEATS 5

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const uint32_t W = 6000, H = 4000;
    const double ppm = 15;
    smp_image *img = smp_image_new(), *orig = smp_image_new();
    if (smp_image_alloc(img, W, H, 3) != SMP_OK || smp_image_alloc(orig, W, H, 3) != SMP_OK)
        return 1;
    uint8_t *o = smp_image_data(orig);
    for (size_t i = 0; i < (size_t)W * H * 3; i++)
        o[i] = (uint8_t)(150 + (i * 2654435761u >> 28));
    smp_sample_in in = {.w_mm = W / ppm, .h_mm = H / ppm, .density_cm2 = 100, .seed = 1, .layer = 1};
    smp_spts pts;
    char msg[SMP_MSG_LEN];
    if (smp__sample(&in, &pts, msg) != SMP_OK)
        return 1;
    smp_dot *dots = malloc(pts.n * sizeof *dots);
    for (size_t i = 0; i < pts.n; i++)
        dots[i] = (smp_dot){pts.p[i].x, pts.p[i].y, 0.28, 0.85f, 1, 1.0f, 0, 0};
    const float od[1][3] = {{2.8f, 2.5f, 2.3f}}; /* undiluted carbon black */
    smp_optics optics;
    double look_size, look_load;
    smp__optics_for_look(&optics, 0, SMP_CAST_NONE, &look_size, &look_load);
    const size_t bytes = (size_t)W * H * 3;
    double tm[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        double a = bench_now();
        memcpy(smp_image_data(img), o, bytes);
        tm[r] = bench_now() - a;
    }
    qsort(tm, REPEATS, sizeof *tm, cmp);
    for (int a = 1; a < argc; a++) {
        int threads = atoi(argv[a]);
#ifdef _OPENMP
        omp_set_num_threads(threads);
#endif
        double t[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            memcpy(smp_image_data(img), o, bytes);
            double b = bench_now();
            if (smp__render(img, dots, pts.n, ppm, &optics, od, 1, 0, NULL, 0, msg) != SMP_OK)
                return 1;
            t[r] = bench_now() - b;
        }
        qsort(t, REPEATS, sizeof *t, cmp);
        double s = t[REPEATS / 2], mp = W * (double)H / 1e6;
        printf("%d %zu %.4f %.1f %.3f %.4f %.2f %.1f\n", threads, pts.n, s, mp / s, pts.n / s / 1e6,
               tm[REPEATS / 2], s / tm[REPEATS / 2], bench_peak_rss_mb());
    }
    free(dots);
    smp__spts_free(&pts);
    smp_image_free(img);
    smp_image_free(orig);
    return 0;
}
