/* strip: images of one size side by side (for the README's pictures).
 * Usage: strip OUT IMG... */
#include "smpsim.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: strip OUT IMG...\n");
        return 1;
    }
    const int n = argc - 2, gap = 6;
    smp_image *in[16], *out = smp_image_new();
    if (n > 16 || !out)
        return 1;
    for (int i = 0; i < n; i++) {
        in[i] = smp_image_new();
        if (!in[i] || smp_image_read_file(in[i], argv[i + 2], 0) != SMP_OK || smp_image_channels(in[i]) != 3 ||
            smp_image_width(in[i]) != smp_image_width(in[0]) || smp_image_height(in[i]) != smp_image_height(in[0])) {
            fprintf(stderr, "strip: %s: not an RGB image of the first one's size\n", argv[i + 2]);
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
