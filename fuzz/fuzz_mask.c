/* SPDX-License-Identifier: BSD-2-Clause */
/* The mask loader with resampling: the first four bytes choose the photo's
 * size and orientation, the rest is the mask file. */
#include "mask.h"

#include "driver.h"

static int fuzz_one(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint32_t w = 1 + data[0] * 4u, h = 1 + data[1] * 4u, cell = 1 + data[2] % 4;
    int orientation = 1 + data[3] % 8;
    smp_image *mask = smp_image_new();
    if (mask && smp_image_read_memory(mask, data + 4, size - 4, 1000000) == SMP_OK) {
        smp_coverage cov;
        smp_notes notes = {0};
        char msg[SMP_MSG_LEN];
        if (smp__coverage_from_mask(&cov, mask, w, h, cell, orientation, &notes, msg) == SMP_OK) {
            smp__coverage_feather(&cov, data[2] % 20, 1, msg);
            double box[4];
            smp__coverage_extent(&cov, 4.0, box);
            smp__coverage_free(&cov);
        }
        smp__notes_clear(&notes);
    }
    smp_image_free(mask);
    return 0;
}
