/* SPDX-License-Identifier: BSD-2-Clause */
/* mask_edit_cg: the studio's mask edit for callgrind (h-stroke2, bench/RESULTS.md).
 * The studio's settings (one thread, three sessions 30/70/100 %, dot 0.3 mm,
 * dilution 0.3), a first cached run, density 100, then edit A (a 40 px disc
 * erased at the centre), edit B (painted back from the mask), density 120
 * and dot 0.28 mm (the last two left out with MODE "mask"). Each run goes
 * through a function of its own name (run_mask_a, ...) for
 * valgrind --tool=callgrind --toggle-collect=run_mask_a; each prints its
 * hash (after image and dots).
 * Build: cc -std=c11 -O2 -g -Iinclude bench/mask_edit_cg.c BUILD/libsmpsim.a LIBS -lm
 * Usage: mask_edit_cg PHOTO.ppm MASK.pgm [MODE] */
#include "smpsim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static void die(const char *a, const char *b) { fprintf(stderr, "%s: %s\n", a, b); exit(1); }
static void read_pnm(smp_image *img, const char *path, int ch)
{
    FILE *f = fopen(path, "rb");
    if (!f) die(path, "open");
    char magic[3] = {0}; unsigned w, h, maxv;
    if (fscanf(f, "%2s %u %u %u", magic, &w, &h, &maxv) != 4) die(path, "hdr");
    fgetc(f);
    if (smp_image_alloc(img, w, h, ch) != SMP_OK) die(path, "oom");
    if (fread(smp_image_data(img), (size_t)w * h * ch, 1, f) != 1) die(path, "short");
    fclose(f);
}
static void paint(smp_image *mask, const uint8_t *from, uint32_t cx, uint32_t cy, uint32_t r, int erase)
{
    uint8_t *m = smp_image_data(mask);
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    for (uint32_t y = cy > r ? cy - r : 0; y <= cy + r && y < h; y++)
        for (uint32_t x = cx > r ? cx - r : 0; x <= cx + r && x < w; x++)
            if ((double)(x - (double)cx) * (x - (double)cx) + (y - (double)cy) * (y - (double)cy) <= (double)r * r)
                m[(size_t)y * w + x] = erase ? 0 : from[(size_t)y * w + x];
}
static uint64_t fnv(uint64_t h, const void *d, size_t n)
{ const uint8_t *b = d; for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull; return h; }
static uint64_t result_hash(smp_result *res)
{
    const smp_image *a = smp_result_after(res);
    uint64_t h = fnv(0xcbf29ce484222325ull, smp_image_cdata(a),
                     (size_t)smp_image_width(a) * smp_image_height(a) * smp_image_channels(a));
    size_t n; const smp_dot *d = smp_result_dots(res, &n);
    for (size_t i = 0; i < n; i++) {
        h = fnv(h, &d[i].x_mm, 3 * sizeof(double)); h = fnv(h, &d[i].opacity, sizeof(float));
        h = fnv(h, &d[i].layer, 1); h = fnv(h, &d[i].aspect, 3 * sizeof(float));
    }
    return h;
}
#define RUN(name) __attribute__((noinline)) static void name(smp_result *r, smp_cache *c, smp_params *p, const smp_image *ph, const smp_image *m) \
    { if (smp_simulate_cached(r, c, p, ph, m) != SMP_OK) die(#name, smp_result_message(r)); \
      size_t n; smp_result_dots(r, &n); printf("%-10s reused %d dots %zu hash %016llx\n", #name, smp_cache_reused(c), n, (unsigned long long)result_hash(r)); fflush(stdout); }
RUN(run_first)
RUN(run_warm)
RUN(run_mask_a)
RUN(run_mask_b)
RUN(run_density)
RUN(run_dot)
int main(int argc, char **argv)
{
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    smp_params *p = smp_params_new(); smp_result *res = smp_result_new(); smp_cache *cache = smp_cache_new();
    read_pnm(photo, argv[1], 3); read_pnm(mask, argv[2], 1);
    const char *what = argc > 3 ? argv[3] : "all";
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    uint8_t *orig = malloc((size_t)w * h); memcpy(orig, smp_image_data(mask), (size_t)w * h);
    smp_params_set_threads(p, 1); smp_params_set_tone_after(p, 0);
    smp_params_set_dot_diameter(p, 0.3); smp_params_set_dilution(p, 0.3);
    const double layers[] = {30, 70, 100}; smp_params_set_layers(p, layers, 3);
    run_first(res, cache, p, photo, mask);
    smp_params_set_density(p, 100);
    run_warm(res, cache, p, photo, mask);
    paint(mask, orig, w / 2, h / 2, 40, 1);
    run_mask_a(res, cache, p, photo, mask);
    paint(mask, orig, w / 2, h / 2, 40, 0);
    run_mask_b(res, cache, p, photo, mask);
    if (strcmp(what, "mask")) {
        smp_params_set_density(p, 120);
        run_density(res, cache, p, photo, mask);
        smp_params_set_dot_diameter(p, 0.28);
        run_dot(res, cache, p, photo, mask);
    }
    return 0;
}
