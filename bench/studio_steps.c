/* SPDX-License-Identifier: BSD-2-Clause */
/* studio_steps: the studio's exact redraws step by step, built natively
 * (make build/bench/studio_steps) and as WebAssembly for node
 * (bench/studio_steps.sh), so the two engines' steps compare. The page's
 * settings (one thread, the core's tone after and the dots' spacing
 * unmeasured, three sessions 30/70/100 %, dilution 0.3, dot 0.3 mm), a
 * first cached run, then ROUNDS times: a density change, a dot size change
 * and a mask edit (a 40 px disc erased, then painted back, by turns), each
 * timed whole and by sim.c's steps (the progress callback comes after
 * each). Wall-clock milliseconds (in node, performance.now() is what there
 * is).
 * The photo is a binary PPM (P6) and the mask a PGM (P5): no codecs are
 * needed in the WebAssembly build.
 * With ROUNDS as cN, each cached run is checked against a plain
 * smp_simulate of the same settings (the same bytes, or DIFFERS).
 * With ROUNDS as wN (or cwN): each density and dot size change's dots made ready
 * first (smp_cache_prepare, timed on its own line), as the studio page
 * makes the sliders' positions while the consultant looks: the change
 * then takes them from the memo.
 * Usage: studio_steps PHOTO.ppm MASK.pgm [ROUNDS] [PX_PER_MM|0] [DUMP] */
#include "smpsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pnm.h"
#include "steps.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int check;          /* each cached run against a plain one (ROUNDS given as cN) */
static const char *dump;   /* each run's dots written to DUMP-K.csv */
static int dumped;

static void run(const char *what, smp_result *res, smp_cache *cache, smp_params *p, const smp_image *photo,
                const smp_image *mask, clock_state *c)
{
    c->i = 0;
    c->last = now_ms();
    const double t0 = c->last;
    if (smp_simulate_cached(res, cache, p, photo, mask) != SMP_OK)
        die("simulate", smp_result_message(res));
    size_t n;
    smp_result_dots(res, &n);
    const double t1 = now_ms();
    const uint64_t hash = result_hash(res);
    printf("%-14s %8.1f ms (reused %d, %zu dots, hash %016llx; clock %.1f-%.1f):", what, t1 - t0,
           smp_cache_reused(cache), n, (unsigned long long)hash, t0, t1);
    for (size_t i = 0; i < c->i; i++)
        if (c->t[i] >= 0.05)
            printf(" %s %.1f", STEPS[i], c->t[i]);
    if (dump) {
        char path[512];
        snprintf(path, sizeof path, "%s-%d.csv", dump, dumped++);
        smp_params_set_overwrite(p, 1);
        if (smp_result_write_dots(res, path, p) != SMP_OK)
            die(path, smp_result_message(res));
        snprintf(path, sizeof path, "%s-%d.rgb", dump, dumped - 1);
        const smp_image *a = smp_result_after(res);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(smp_image_cdata(a), (size_t)smp_image_width(a) * smp_image_height(a) * smp_image_channels(a), 1,
                         f) != 1 || fclose(f))
            die(path, "cannot write");
        snprintf(path, sizeof path, "%s-%d.txt", dump, dumped - 1);
        size_t n;
        const smp_dot *d = smp_result_dots(res, &n);
        if (!(f = fopen(path, "w")))
            die(path, "cannot write");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%a %a %a %a %d %a %a %a\n", d[i].x_mm, d[i].y_mm, d[i].diameter_mm, d[i].opacity, d[i].layer,
                    d[i].aspect, d[i].angle, d[i].blur_mm);
        fclose(f);
    }
    if (check) { /* the same settings without the cache: the same bytes? */
        smp_result *plain = smp_result_new();
        if (!plain || smp_simulate(plain, p, photo, mask) != SMP_OK)
            die("simulate", "plain run failed");
        printf(" | plain %s", result_hash(plain) == hash ? "same" : "DIFFERS");
        smp_result_free(plain);
    }
    printf("\n");
    fflush(stdout);
}

/* The dots of p's settings made ready in the cache, timed, in as many
 * calls as it takes (each samples one session at most). */
static void prepare(const char *what, smp_cache *cache, const smp_params *p, const smp_image *photo,
                    const smp_image *mask)
{
    const double t0 = now_ms();
    int made = 3;
    printf("%-14s", what);
    while (made == SMP_PREPARED_PART) {
        const double t = now_ms();
        if (smp_cache_prepare(cache, p, photo, mask, &made) != SMP_OK)
            die("prepare", smp_cache_message(cache));
        printf(" %.1f", now_ms() - t);
    }
    size_t bytes, n = smp_cache_points_held(cache, &bytes);
    printf(" = %.1f ms (made %d; the memo holds %zu lists, %.1f MB)\n", now_ms() - t0, made, n, bytes / 1048576.0);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage", "studio_steps PHOTO.ppm MASK.pgm [ROUNDS] [PX_PER_MM|0] [DUMP]");
    const char *r_arg = argc > 3 ? argv[3] : "3";
    check = r_arg[0] == 'c';
    const int warm = r_arg[check] == 'w';
    const int rounds = atoi(r_arg + check + warm);
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    smp_params *p = smp_params_new();
    smp_result *res = smp_result_new();
    smp_cache *cache = smp_cache_new();
    if (!photo || !mask || !p || !res || !cache)
        die("setup", "out of memory");
    read_pnm(photo, argv[1], 3);
    read_pnm(mask, argv[2], 1);
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    uint8_t *orig = malloc((size_t)w * h);
    if (!orig)
        die("setup", "out of memory");
    memcpy(orig, smp_image_data(mask), (size_t)w * h);
    smp_params_set_threads(p, 1);
    smp_params_set_tone_after(p, 0);
    smp_params_set_spacing(p, 0);
    smp_params_set_dot_diameter(p, 0.3);
    smp_params_set_dilution(p, 0.3);
    const double layers[] = {30, 70, 100};
    smp_params_set_layers(p, layers, 3);
    if (argc > 4 && atof(argv[4]) > 0)
        smp_params_set_px_per_mm(p, atof(argv[4]));
    dump = argc > 5 ? argv[5] : NULL;
    clock_state c = {.now = now_ms};
    smp_params_set_progress(p, tick, &c);
    printf("%s, %ux%u, the studio's settings, wall ms\n", argv[1], w, h);
    run("first", res, cache, p, photo, mask, &c);
    for (int k = 0; k < rounds; k++) {
        smp_params_set_density(p, 100 + 20 * (k % 3));
        if (warm)
            prepare("prepare density", cache, p, photo, mask);
        run("density", res, cache, p, photo, mask, &c);
        smp_params_set_dot_diameter(p, 0.26 + 0.02 * (k % 3));
        if (warm)
            prepare("prepare dot", cache, p, photo, mask);
        run("dot", res, cache, p, photo, mask, &c);
        paint(mask, orig, w / 2 + 30 * (uint32_t)(k / 2), h / 2, 40, !(k % 2));
        run("mask", res, cache, p, photo, mask, &c);
    }
    free(orig);
    smp_cache_free(cache);
    smp_result_free(res);
    smp_params_free(p);
    smp_image_free(photo);
    smp_image_free(mask);
    return 0;
}
