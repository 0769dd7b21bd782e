/* SPDX-License-Identifier: BSD-2-Clause */
/* mask_edit_cg: the studio's mask edit for callgrind (h-stroke2, bench/RESULTS.md).
 * The studio's settings (one thread, three sessions 30/70/100 %, dot 0.3 mm,
 * dilution 0.3), a first cached run, density 100, then edit A (a 40 px disc
 * erased at the centre), edit B (painted back from the mask), density 120
 * and dot 0.28 mm (the last two left out with MODE "mask"). Each run goes
 * through a function of its own name (run_mask_a, ...) for
 * valgrind --tool=callgrind --toggle-collect=run_mask_a; each prints its
 * hash (after image and dots).
 * Build: make build/bench/mask_edit_cg
 * Usage: mask_edit_cg PHOTO.ppm MASK.pgm [MODE] */
#include "pnm.h"

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
