/* bridson: the textbook serial Bridson sampler (k = 30 candidates in the
 * annulus [r, 2r], background grid of side r / sqrt 2), uniform, as the
 * baseline. Usage: bridson SIDE_MM R_MM SEED
 * Prints one row: dots, seconds, M dots/s, peak RSS, bytes/dot, rho. */
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

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bridson SIDE_MM R_MM SEED\n");
        return 1;
    }
    const double side = atof(argv[1]), r = atof(argv[2]);
    uint64_t rng = strtoull(argv[3], NULL, 10);
    const double cell = r / sqrt(2.0);
    const size_t gw = (size_t)ceil(side / cell), cells = gw * gw;
    int32_t *grid = malloc(cells * sizeof *grid);
    double *xy = malloc(cells * 2 * sizeof *xy);
    uint32_t *active = malloc(cells * sizeof *active);
    for (size_t i = 0; i < cells; i++)
        grid[i] = -1;
    double t0 = bench_now();
    size_t n = 0, n_active = 0;
    xy[0] = next_u01(&rng) * side;
    xy[1] = next_u01(&rng) * side;
    grid[(size_t)(xy[1] / cell) * gw + (size_t)(xy[0] / cell)] = 0;
    active[n_active++] = 0;
    n = 1;
    while (n_active) {
        size_t k = (size_t)(next_u01(&rng) * n_active);
        double px = xy[2 * active[k]], py = xy[2 * active[k] + 1];
        int found = 0;
        for (int t = 0; t < 30 && !found; t++) {
            double a = 2 * 3.14159265358979 * next_u01(&rng), d = r * (1 + next_u01(&rng));
            double x = px + d * cos(a), y = py + d * sin(a);
            if (x < 0 || y < 0 || x >= side || y >= side)
                continue;
            long gx = (long)(x / cell), gy = (long)(y / cell);
            int ok = 1;
            for (long j = gy - 2; j <= gy + 2 && ok; j++)
                for (long i = gx - 2; i <= gx + 2 && ok; i++) {
                    if (i < 0 || j < 0 || i >= (long)gw || j >= (long)gw)
                        continue;
                    int32_t q = grid[(size_t)j * gw + (size_t)i];
                    if (q >= 0 && hypot(xy[2 * q] - x, xy[2 * q + 1] - y) < r)
                        ok = 0;
                }
            if (!ok)
                continue;
            xy[2 * n] = x;
            xy[2 * n + 1] = y;
            grid[(size_t)gy * gw + (size_t)gx] = (int32_t)n;
            active[n_active++] = (uint32_t)n;
            n++;
            found = 1;
        }
        if (!found)
            active[k] = active[--n_active];
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
    free(grid);
    free(xy);
    free(active);
    return 0;
}
