/* SPDX-License-Identifier: BSD-2-Clause */
/* Connected regions on a grid: the one flood fill the mask suggestion and
 * the close-up's placement share. */
#include "internal.h"
#include "regions.h"

#include <string.h>

smp_status smp__label_regions(const uint8_t *cells, uint8_t bits, uint32_t w, uint32_t h, uint32_t *stack,
                              uint32_t *label, smp__region_fn each, void *ctx)
{
    const size_t n = (size_t)w * h;
    if (n > UINT32_MAX)
        return SMP_ERR_LIMIT;
    memset(label, 0, n * sizeof *label);
    uint32_t next = 0;
    smp_status st = SMP_OK;
    for (size_t i = 0; i < n; i++) {
        if (!(cells[i] & bits) || label[i])
            continue;
        next++;
        size_t top = 0, count = 0;
        stack[top++] = (uint32_t)i;
        label[i] = next;
        while (top) {
            const uint32_t j = stack[--top];
            count++;
            const uint32_t x = j % w, y = j / w;
            const uint32_t nb[4] = {x > 0 ? j - 1 : j, x + 1 < w ? j + 1 : j, y > 0 ? j - w : j,
                                    y + 1 < h ? j + w : j};
            for (int k = 0; k < 4; k++)
                if ((cells[nb[k]] & bits) && !label[nb[k]]) {
                    label[nb[k]] = next;
                    stack[top++] = nb[k];
                }
        }
        if (each && st == SMP_OK)
            st = each(ctx, next, count);
    }
    return st;
}

typedef struct largest {
    uint32_t label;
    size_t size;
} largest;

static smp_status keep_largest(void *ctx, uint32_t label, size_t count)
{
    largest *l = ctx;
    if (count > l->size) {
        l->size = count;
        l->label = label;
    }
    return SMP_OK;
}

smp_status smp__largest_region(const uint8_t *cells, uint8_t bits, uint32_t w, uint32_t h, uint32_t *stack,
                               uint32_t *label, uint32_t *largest_label, size_t *size)
{
    largest l = {0, 0};
    smp_status st = smp__label_regions(cells, bits, w, h, stack, label, keep_largest, &l);
    *largest_label = l.label;
    if (size)
        *size = l.size;
    return st;
}
