/* SPDX-License-Identifier: BSD-2-Clause */
/* strip: images of one size side by side (for the README's pictures).
 * Usage: strip OUT IMG[@X,Y,W,H]...  (@: a W x H crop at X, Y of the image,
 * at its own pixels; X, Y may be a crop's centre with a leading 'c') */
#include "smpsim.h"

#include <stdio.h>
#include <string.h>

/* The image named by arg, cropped when it carries @X,Y,W,H (or @cX,Y,W,H:
 * centred there, clamped inside the image). */
static smp_image *load(const char *arg)
{
    char path[4096];
    const char *at = strrchr(arg, '@');
    size_t len = at ? (size_t)(at - arg) : strlen(arg);
    if (len >= sizeof path)
        return NULL;
    memcpy(path, arg, len);
    path[len] = 0;
    smp_image *img = smp_image_new();
    if (!img || smp_image_read_file(img, path, 0) != SMP_OK)
        return img;
    if (!at)
        return img;
    int centre = at[1] == 'c';
    unsigned x, y, w, h;
    if (sscanf(at + 1 + centre, "%u,%u,%u,%u", &x, &y, &w, &h) != 4 || w > smp_image_width(img) ||
        h > smp_image_height(img)) {
        smp_image_free(img);
        return NULL;
    }
    if (centre) {
        x = x > w / 2 ? x - w / 2 : 0;
        y = y > h / 2 ? y - h / 2 : 0;
    }
    x = x + w > smp_image_width(img) ? smp_image_width(img) - w : x;
    y = y + h > smp_image_height(img) ? smp_image_height(img) - h : y;
    smp_image *crop = smp_image_new();
    if (crop && smp_image_crop(crop, img, x, y, w, h) != SMP_OK) {
        smp_image_free(crop);
        crop = NULL;
    }
    smp_image_free(img);
    return crop;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: strip OUT IMG[@X,Y,W,H]...\n");
        return 1;
    }
    const int n = argc - 2, gap = 6;
    smp_image *in[16], *out = smp_image_new();
    if (n > 16 || !out)
        return 1;
    for (int i = 0; i < n; i++) {
        in[i] = load(argv[i + 2]);
        if (!in[i] || smp_image_channels(in[i]) != 3 || smp_image_width(in[i]) != smp_image_width(in[0]) ||
            smp_image_height(in[i]) != smp_image_height(in[0])) {
            fprintf(stderr, "strip: %s: not an RGB image (or crop) of the first one's size\n", argv[i + 2]);
            return 2;
        }
    }
    uint32_t w = smp_image_width(in[0]), h = smp_image_height(in[0]), ow = w * (uint32_t)n + gap * (uint32_t)(n - 1);
    if (smp_image_alloc(out, ow, h, 3) != SMP_OK)
        return 1;
    memset(smp_image_data(out), 0x20, (size_t)ow * h * 3);
    for (int i = 0; i < n; i++)
        for (uint32_t y = 0; y < h; y++)
            memcpy(smp_image_data(out) + ((size_t)y * ow + (size_t)i * (w + gap)) * 3,
                   smp_image_cdata(in[i]) + (size_t)y * w * 3, (size_t)w * 3);
    smp_params *p = smp_params_new();
    smp_params_set_overwrite(p, 1);
    int rc = smp_image_write_file(out, argv[1], p) == SMP_OK ? 0 : 3;
    for (int i = 0; i < n; i++)
        smp_image_free(in[i]);
    smp_image_free(out);
    smp_params_free(p);
    return rc;
}
