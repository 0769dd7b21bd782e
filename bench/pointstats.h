/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the C benchmarks: timing, peak RSS, and the minimum pair
 * distance of a point set (grid buckets) for Lagae & Dutre's rho. */
#ifndef SMP_BENCH_POINTSTATS_H
#define SMP_BENCH_POINTSTATS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline double bench_peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

/* Smallest distance between two of n points (x, y interleaved), with
 * buckets of side `cell` (at least the expected minimum distance). */
static inline double bench_min_distance(const double *xy, size_t n, double w, double h, double cell)
{
    size_t gw = (size_t)(w / cell) + 1, gh = (size_t)(h / cell) + 1;
    size_t *head = malloc(gw * gh * sizeof *head), *next = malloc((n + 1) * sizeof *next);
    if (!head || !next)
        return NAN;
    for (size_t i = 0; i < gw * gh; i++)
        head[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)(xy[2 * i + 1] / cell) * gw + (size_t)(xy[2 * i] / cell);
        next[i] = head[g];
        head[g] = i;
    }
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        long gx = (long)(xy[2 * i] / cell), gy = (long)(xy[2 * i + 1] / cell);
        for (long y = gy - 1; y <= gy + 1; y++)
            for (long x = gx - 1; x <= gx + 1; x++) {
                if (x < 0 || y < 0 || x >= (long)gw || y >= (long)gh)
                    continue;
                for (size_t j = head[(size_t)y * gw + (size_t)x]; j != SIZE_MAX; j = next[j])
                    if (j > i) {
                        double d = hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]);
                        best = d < best ? d : best;
                    }
            }
    }
    free(head);
    free(next);
    return best;
}

/* rho = minimum distance / the hexagonal packing distance for that count. */
static inline double bench_rho(double min_dist, size_t n, double area)
{
    return min_dist / sqrt(2.0 * area / (sqrt(3.0) * (double)n));
}

#endif
