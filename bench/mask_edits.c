/* SPDX-License-Identifier: BSD-2-Clause */
/* mask_edits: random mask edits through the cache against plain runs
 * (h-stroke2, bench/RESULTS.md). The studio's settings, a first run, then
 * STEPS changes: a disc of 2-200 px erased, painted or restored from the
 * mask anywhere, or a density or edge style change; each cached run's hash
 * (after image and dots) against a plain smp_simulate's ("plain-same" or
 * "DIFFERS"), one line a step, so two libraries' lists diff.
 * Build: make build/bench/mask_edits
 * Usage: mask_edits PHOTO.ppm MASK.pgm STEPS [THREADS] [SEED] */
#include "pnm.h"


static uint64_t st = 4242;
static uint32_t rnd(void) { st = st * 6364136223846793005ull + 1442695040888963407ull; return (uint32_t)(st >> 33); }
int main(int argc, char **argv)
{
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    smp_params *p = smp_params_new(); smp_result *res = smp_result_new(), *plain = smp_result_new(); smp_cache *cache = smp_cache_new();
    read_pnm(photo, argv[1], 3); read_pnm(mask, argv[2], 1);
    const int K = atoi(argv[3]), threads = argc > 4 ? atoi(argv[4]) : 1;
    st += argc > 5 ? (uint64_t)atoi(argv[5]) : 0;
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    uint8_t *orig = malloc((size_t)w * h); memcpy(orig, smp_image_data(mask), (size_t)w * h);
    smp_params_set_threads(p, threads); smp_params_set_tone_after(p, 0);
    smp_params_set_dot_diameter(p, 0.3); smp_params_set_dilution(p, 0.3);
    const double layers[] = {30, 70, 100}; smp_params_set_layers(p, layers, 3);
    int bad = 0;
    for (int k = 0; k <= K; k++) {
        const char *what = "first";
        if (k) {
            uint32_t r = rnd() % 8;
            if (r == 0) { smp_params_set_density(p, 90 + 10 * (rnd() % 5)); what = "density"; }
            else if (r == 1) { smp_params_set_edge(p, (smp_edge)(rnd() % 3)); what = "edge"; }
            else {
                uint32_t rad = 2 + rnd() % (r == 2 ? 200 : 50), cx = rnd() % w, cy = rnd() % h, mode = rnd() % 3;
                uint8_t *m = smp_image_data(mask);
                for (uint32_t y = cy > rad ? cy - rad : 0; y <= cy + rad && y < h; y++)
                    for (uint32_t x = cx > rad ? cx - rad : 0; x <= cx + rad && x < w; x++)
                        if ((double)(x - (double)cx) * (x - (double)cx) + (y - (double)cy) * (y - (double)cy) <= (double)rad * rad)
                            m[(size_t)y * w + x] = mode == 0 ? 0 : mode == 1 ? 255 : orig[(size_t)y * w + x];
                what = mode == 0 ? "erase" : mode == 1 ? "paint" : "restore";
            }
        }
        if (smp_simulate_cached(res, cache, p, photo, mask) != SMP_OK) die("cached", smp_result_message(res));
        const uint64_t hc = result_hash(res);
        if (smp_simulate(plain, p, photo, mask) != SMP_OK) die("plain", smp_result_message(plain));
        const uint64_t hp = result_hash(plain);
        size_t n; smp_result_dots(res, &n);
        printf("%3d %-8s reused %3d dots %6zu hash %016llx %s\n", k, what, smp_cache_reused(cache), n, (unsigned long long)hc, hc == hp ? "plain-same" : "DIFFERS");
        fflush(stdout);
        bad += hc != hp;
    }
    printf("differs %d\n", bad);
    return bad != 0;
}
