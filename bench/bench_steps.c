/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_steps: where one smp_simulate's time goes, step by step (the
 * progress callback comes after each of sim.c's steps), in CPU seconds of
 * this process (the machine is shared: wall time means little), one
 * thread as the studio's engine runs. With --cache, the same run through
 * an smp_cache, then again after a density change (120 dots/cm²), a dot size change,
 * a mask edit (a 40 px disc erased at the mask's centre), then the other
 * sliders' changes (dilution, session shown, age, edge, regularity,
 * sessions), each timed whole.
 * Usage: bench_steps PHOTO MASK [--cache] [PX_PER_MM] */
#include "smpsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "steps.h"

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_steps: %s: %s\n", what, msg);
    exit(1);
}

/* A disc of radius r at (cx, cy) painted v into a grey mask. */
static void paint(smp_image *mask, uint32_t cx, uint32_t cy, uint32_t r, uint8_t v)
{
    uint8_t *m = smp_image_data(mask);
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    for (uint32_t y = cy > r ? cy - r : 0; y <= cy + r && y < h; y++)
        for (uint32_t x = cx > r ? cx - r : 0; x <= cx + r && x < w; x++)
            if ((double)(x - (double)cx) * (x - (double)cx) + (y - (double)cy) * (y - (double)cy) <= (double)r * r)
                m[(size_t)y * w + x] = v;
}

/* The mask as grey (one channel), as the studio holds it. */
static void to_grey(smp_image *mask)
{
    if (smp_image_channels(mask) == 1)
        return;
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    const int ch = smp_image_channels(mask);
    smp_image *g = smp_image_new();
    if (!g || smp_image_alloc(g, w, h, 1) != SMP_OK)
        die("mask", "out of memory");
    const uint8_t *s = smp_image_cdata(mask);
    uint8_t *d = smp_image_data(g);
    for (size_t i = 0; i < (size_t)w * h; i++)
        d[i] = s[i * ch];
    smp_image_alloc(mask, w, h, 1);
    memcpy(smp_image_data(mask), d, (size_t)w * h);
    smp_image_free(g);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage", "bench_steps PHOTO MASK [--cache] [PX_PER_MM]");
    int use_cache = argc > 3 && strcmp(argv[3], "--cache") == 0;
    const char *ppm = argc > 3 + use_cache ? argv[3 + use_cache] : NULL;
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    smp_params *p = smp_params_new();
    smp_result *res = smp_result_new();
    if (!photo || !mask || !p || !res)
        die("setup", "out of memory");
    if (smp_image_read_file(photo, argv[1], 0) != SMP_OK)
        die(argv[1], smp_image_message(photo));
    if (smp_image_read_file(mask, argv[2], 0) != SMP_OK)
        die(argv[2], smp_image_message(mask));
    to_grey(mask);
    smp_params_set_threads(p, 1);
    if (ppm)
        smp_params_set_px_per_mm(p, atof(ppm));
    clock_state c = {.now = cpu};
    smp_params_set_progress(p, tick, &c);
    printf("%s, %ux%u, one thread, CPU seconds\n", argv[1], smp_image_width(photo), smp_image_height(photo));
    if (!use_cache) {
        c.last = cpu();
        const double t0 = c.last;
        if (smp_simulate(res, p, photo, mask) != SMP_OK)
            die("simulate", smp_result_message(res));
        for (size_t i = 0; i < c.i; i++)
            printf("  %-16s %7.3f\n", STEPS[i], c.t[i]);
        size_t n;
        smp_result_dots(res, &n);
        printf("  %-16s %7.3f (%zu dots)\n", "total", cpu() - t0, n);
    } else {
        smp_cache *cache = smp_cache_new();
        if (!cache)
            die("cache", "out of memory");
        /* Then the studio's other sliders and pickers, from fixed values
         * (density 120, dot 0.32 mm, dilution 0.3) with three sessions. */
        const char *what[] = {"first run (fills the cache)", "density 120", "dot 0.32 mm", "mask edit (40 px disc erased)",
                              "same again", "3 sessions, dilution 0.3", "dilution 0.35", "session 1 of 3 shown",
                              "session 2 of 3 shown", "all 3 shown", "age 2 years", "edge soft", "regularity 0.65",
                              "sessions 2", "density 125"};
        const int n_what = (int)(sizeof what / sizeof *what);
        for (int k = 0; k < n_what; k++) {
            if (k == 1)
                smp_params_set_density(p, 120);
            if (k == 2)
                smp_params_set_dot_diameter(p, 0.32);
            if (k == 3)
                paint(mask, smp_image_width(mask) / 2, smp_image_height(mask) / 2, 40, 0);
            if (k == 5) {
                smp_params_set_layers(p, (const double[]){30, 70, 100}, 3);
                smp_params_set_dilution(p, 0.3);
            }
            if (k == 6)
                smp_params_set_dilution(p, 0.35);
            if (k >= 7 && k <= 9)
                smp_params_set_show_session(p, (k - 6) % 3);
            if (k == 10)
                smp_params_set_age(p, 2);
            if (k == 11)
                smp_params_set_edge(p, SMP_EDGE_SOFT);
            if (k == 12)
                smp_params_set_regularity(p, 0.65);
            if (k == 13)
                smp_params_set_layers(p, (const double[]){60, 100}, 2);
            if (k == 14)
                smp_params_set_density(p, 125);
            c.i = 0;
            c.last = cpu();
            const double t0 = c.last;
            if (smp_simulate_cached(res, cache, p, photo, mask) != SMP_OK)
                die("simulate", smp_result_message(res));
            printf("  %-30s %7.3f (reused %2d):", what[k], cpu() - t0, smp_cache_reused(cache));
            for (size_t i = 0; i < c.i; i++)
                printf(" %s %.3f", STEPS[i], c.t[i]);
            printf("\n");
        }
        smp_cache_free(cache);
    }
    smp_result_free(res);
    smp_params_free(p);
    smp_image_free(photo);
    smp_image_free(mask);
    return 0;
}
