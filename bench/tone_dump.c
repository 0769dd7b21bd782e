/* SPDX-License-Identifier: BSD-2-Clause */
/* The tone preview's inputs and the exact images it stands for (issue 15),
 * for bench/tone_error.py: a cached run at density D0 and dot S0 (the
 * basis: its after image, its tone maps at the view's size W x H, the
 * darkened area of S0 and S1 dots), then the exact run at D1, S1 and,
 * when EDIT is given, the exact run at D0, S0 with a disc of radius EDIT px
 * erased from the mask at the mask's centre of treatment.
 * Usage: tone_dump PHOTO MASK OUTDIR W H D0 S0 D1 S1 [EDIT] (prints JSON) */
#include "smpsim.h"

#include <stdio.h>
#include <stdlib.h>

static int run(smp_result *res, smp_cache *c, smp_params *p, smp_image *photo, smp_image *mask, double d,
               double s, const char *out)
{
    smp_params_set_density(p, d);
    smp_params_set_dot_diameter(p, s);
    if (smp_simulate_cached(res, c, p, photo, mask) != SMP_OK) {
        fprintf(stderr, "tone_dump: %s\n", smp_result_message(res));
        return 1;
    }
    smp_params_set_overwrite(p, 1);
    return smp_image_write_file(smp_result_after(res), out, p) != SMP_OK;
}

int main(int argc, char **argv)
{
    if (argc < 10) {
        fprintf(stderr, "usage: tone_dump PHOTO MASK OUTDIR W H D0 S0 D1 S1 [EDIT]\n");
        return 2;
    }
    const char *dir = argv[3];
    const uint32_t w = (uint32_t)atoi(argv[4]), h = (uint32_t)atoi(argv[5]);
    const double d0 = atof(argv[6]), s0 = atof(argv[7]), d1 = atof(argv[8]), s1 = atof(argv[9]);
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    smp_params *p = smp_params_new();
    smp_cache *c = smp_cache_new();
    smp_result *res = smp_result_new();
    if (smp_image_read_file(photo, argv[1], 0) != SMP_OK || smp_image_read_file(mask, argv[2], 0) != SMP_OK) {
        fprintf(stderr, "tone_dump: cannot read the photo or the mask\n");
        return 1;
    }
    smp_params_set_dilution(p, 0.3);
    char path[4096];
    snprintf(path, sizeof path, "%s/exact0.png", dir);
    if (run(res, c, p, photo, mask, d0, s0, path))
        return 1;
    uint8_t *maps = malloc((size_t)w * h * 4);
    double a0[3], a1[3], used;
    smp_result_tone(res, NULL, NULL, &used);
    if (!maps || smp_cache_tone_maps(c, w, h, maps) != SMP_OK || smp_result_tone_area(res, p, s0, a0) != SMP_OK ||
        smp_result_tone_area(res, p, s1, a1) != SMP_OK) {
        fprintf(stderr, "tone_dump: no tone maps\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s/maps.raw", dir);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(maps, 4, (size_t)w * h, f) != (size_t)w * h || fclose(f))
        return 1;
    printf("{\"density_used\": %.6g, \"area0\": [%.8g, %.8g, %.8g], \"area1\": [%.8g, %.8g, %.8g]}\n", used, a0[0],
           a0[1], a0[2], a1[0], a1[1], a1[2]);
    snprintf(path, sizeof path, "%s/exact1.png", dir);
    if (run(res, c, p, photo, mask, d1, s1, path))
        return 1;
    if (argc > 10) { /* a disc erased where the mask is whitest on its middle row */
        const int r = atoi(argv[10]);
        const uint32_t mw = smp_image_width(mask), mh = smp_image_height(mask);
        uint8_t *m = smp_image_data(mask);
        const int ch = smp_image_channels(mask);
        uint32_t cx = mw / 2, cy = mh / 2, best = 0;
        for (uint32_t x = 0; x < mw; x++) {
            uint32_t run_ = 0;
            for (int k = -r; k <= r; k++)
                run_ += (int)x + k >= 0 && (int)x + k < (int)mw ? m[((size_t)cy * mw + x + k) * ch] : 0;
            if (run_ > best)
                best = run_, cx = x;
        }
        for (int y = -r; y <= r; y++)
            for (int x = -r; x <= r; x++)
                if (x * x + y * y <= r * r && (int)cx + x >= 0 && (int)cx + x < (int)mw && (int)cy + y >= 0 &&
                    (int)cy + y < (int)mh)
                    for (int k = 0; k < ch; k++)
                        m[((size_t)(cy + y) * mw + cx + x) * ch + k] = 0;
        snprintf(path, sizeof path, "%s/mask_edit.png", dir);
        smp_params_set_overwrite(p, 1);
        if (smp_image_write_file(mask, path, p) != SMP_OK)
            return 1;
        snprintf(path, sizeof path, "%s/exact2.png", dir);
        if (run(res, c, p, photo, mask, d0, s0, path))
            return 1;
    }
    free(maps);
    smp_result_free(res);
    smp_cache_free(c);
    smp_params_free(p);
    smp_image_free(photo);
    smp_image_free(mask);
    return 0;
}
