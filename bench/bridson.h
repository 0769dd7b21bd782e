/* SPDX-License-Identifier: BSD-2-Clause */
/* The textbook serial Bridson sampler: k = 30 candidates in the annulus
 * [r, 2r] around a random active point, background grid of side r / sqrt 2.
 * Shared by the benchmark baseline (bench/bridson.c) and the analyze
 * validation test (tests/test_analyze.c). */
#ifndef SMP_BENCH_BRIDSON_H
#define SMP_BENCH_BRIDSON_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* A uniform number in [0, 1); stream 1 picks the active point, 2 the
 * angle, 3 the distance (a counter-based source may use it, others not). */
typedef double (*bridson_u01)(void *rng, int stream);

/* Fills xy (room for cap points, x y interleaved) over a side x side
 * square from (x0, y0); returns the count, 0 when out of memory. */
static inline size_t bridson_fill(double side, double r, double x0, double y0, bridson_u01 u01, void *rng,
                                  double *xy, size_t cap)
{
    const double cell = r / sqrt(2.0);
    const size_t gw = (size_t)ceil(side / cell);
    int32_t *grid = malloc(gw * gw * sizeof *grid);
    uint32_t *active = malloc(cap * sizeof *active);
    if (!grid || !active || !cap) {
        free(grid);
        free(active);
        return 0;
    }
    for (size_t i = 0; i < gw * gw; i++)
        grid[i] = -1;
    size_t n = 1, n_active = 1;
    xy[0] = x0;
    xy[1] = y0;
    grid[(size_t)(y0 / cell) * gw + (size_t)(x0 / cell)] = 0;
    active[0] = 0;
    while (n_active && n < cap) {
        size_t k = (size_t)(u01(rng, 1) * n_active);
        double px = xy[2 * active[k]], py = xy[2 * active[k] + 1];
        int found = 0;
        for (int t = 0; t < 30 && !found; t++) {
            double a = 2 * 3.14159265358979323846 * u01(rng, 2), d = r * (1 + u01(rng, 3));
            double x = px + d * cos(a), y = py + d * sin(a);
            if (x < 0 || y < 0 || x >= side || y >= side)
                continue;
            long gx = (long)(x / cell), gy = (long)(y / cell);
            int ok = 1;
            for (long j = gy - 2; j <= gy + 2 && ok; j++)
                for (long i = gx - 2; i <= gx + 2 && ok; i++)
                    if (i >= 0 && j >= 0 && i < (long)gw && j < (long)gw) {
                        int32_t q = grid[(size_t)j * gw + (size_t)i];
                        ok = q < 0 || hypot(xy[2 * q] - x, xy[2 * q + 1] - y) >= r;
                    }
            if (!ok)
                continue;
            xy[2 * n] = x;
            xy[2 * n + 1] = y;
            grid[(size_t)gy * gw + (size_t)gx] = (int32_t)n;
            active[n_active++] = (uint32_t)n++;
            found = 1;
        }
        if (!found)
            active[k] = active[--n_active];
    }
    free(grid);
    free(active);
    return n;
}

#endif
