/* SPDX-License-Identifier: BSD-2-Clause */
/* Chamfer distances on a grid: two raster passes with the 3-4 weights. */
#include "chamfer.h"

#include <math.h>

void smp__chamfer_mm(float *d, uint32_t w, uint32_t h, double cell_mm)
{
    const float big = 1e9f;
    for (size_t i = 0; i < (size_t)w * h; i++)
        d[i] = d[i] > 0 ? big : 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            /* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign): d is filled above */
            float *p = d + (size_t)y * w + x, v = *p;
            if (x > 0) v = fminf(v, p[-1] + 3);
            if (y > 0) {
                v = fminf(v, p[-(long)w] + 3);
                if (x > 0) v = fminf(v, p[-(long)w - 1] + 4);
                if (x + 1 < w) v = fminf(v, p[-(long)w + 1] + 4);
            }
            *p = v;
        }
    for (uint32_t y = h; y-- > 0;)
        for (uint32_t x = w; x-- > 0;) {
            float *p = d + (size_t)y * w + x, v = *p;
            if (x + 1 < w) v = fminf(v, p[1] + 3);
            if (y + 1 < h) {
                v = fminf(v, p[w] + 3);
                if (x + 1 < w) v = fminf(v, p[w + 1] + 4);
                if (x > 0) v = fminf(v, p[w - 1] + 4);
            }
            *p = v;
        }
    for (size_t i = 0; i < (size_t)w * h; i++)
        d[i] = d[i] >= big ? INFINITY : d[i] / 3.0f * (float)cell_mm;
}
