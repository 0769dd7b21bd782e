/* SPDX-License-Identifier: BSD-2-Clause */
/* bridson: the textbook serial Bridson sampler (bridson.h), uniform, as the
 * baseline. Usage: bridson SIDE_MM R_MM SEED
 * Prints one row: dots, seconds, M dots/s, peak RSS, bytes/dot, rho. */
#include "bridson.h"
#include "pointstats.h"

#include <stdio.h>

static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double next_u01(uint64_t *s) { return (double)(next_u64(s) >> 11) * 0x1.0p-53; }

/* One sequential stream serves all of Bridson's draws. */
static double stream_u01(void *rng, int stream)
{
    (void)stream;
    return next_u01(rng);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bridson SIDE_MM R_MM SEED\n");
        return 1;
    }
    const double side = atof(argv[1]), r = atof(argv[2]);
    uint64_t rng = strtoull(argv[3], NULL, 10);
    /* One point per grid cell at most: the cell count bounds the set. */
    const size_t gw = (size_t)ceil(side / (r / sqrt(2.0))), cap = gw * gw;
    double *xy = malloc(cap * 2 * sizeof *xy);
    const double x0 = next_u01(&rng) * side, y0 = next_u01(&rng) * side;
    double t0 = bench_now();
    size_t n = xy ? bridson_fill(side, r, x0, y0, stream_u01, &rng, xy, cap) : 0;
    if (!n) {
        fprintf(stderr, "bridson: out of memory\n");
        free(xy);
        return 1;
    }
    double secs = bench_now() - t0, rss = bench_peak_rss_mb();
    double rho = bench_rho(bench_min_distance(xy, n, side, side, r), n, side * side);
    printf("%zu %.4f %.3f %.1f %.1f %.4f\n", n, secs, n / secs / 1e6, rss, rss * 1048576.0 / n, rho);
    /* For `smpsim analyze` in bench/run.sh: the points as "x y" lines. */
    const char *dump = getenv("SMPSIM_BENCH_POINTS");
    FILE *f = dump ? fopen(dump, "w") : NULL;
    for (size_t i = 0; f && i < n; i++)
        fprintf(f, "%.6f %.6f\n", xy[2 * i], xy[2 * i + 1]);
    if (f)
        fclose(f);
    free(xy);
    return 0;
}
