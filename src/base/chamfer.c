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

void smp__wide_mm(const uint8_t *in, uint8_t *out, float *d, uint32_t w, uint32_t h, double cell_mm, double r_mm)
{
    const size_t n = (size_t)w * h;
    for (size_t i = 0; i < n; i++)
        d[i] = in[i] ? INFINITY : 0;
    smp__chamfer_mm(d, w, h, cell_mm);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            /* the frame's edge: half a cell beyond the outer cells */
            const uint32_t ex = x < w - 1 - x ? x : w - 1 - x, ey = y < h - 1 - y ? y : h - 1 - y;
            const double edge = ((ex < ey ? ex : ey) + 0.5) * cell_mm;
            float *c = d + (size_t)y * w + x;
            *c = *c >= r_mm && edge >= r_mm ? 0 : INFINITY; /* the cores, seeds of the second pass */
        }
    smp__chamfer_mm(d, w, h, cell_mm);
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] && d[i] <= r_mm;
}
