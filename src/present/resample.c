/* SPDX-License-Identifier: BSD-2-Clause */
/* Resampling for previews: area-averaged reduction, so dots become a tone
 * instead of moire, and a smooth enlargement for close-ups. */
#include "resample.h"
#include "color.h"
#include "image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Source spans [i0, i1) of each output index with the exact overlap of
 * every source pixel: output pixel o covers [o * step, (o + 1) * step). */
typedef struct span {
    uint32_t i0, n;
    size_t w0; /* offset of the first weight */
} span;

static bool make_spans(uint32_t src, uint32_t dst, span **spans, float **weights)
{
    const double step = (double)src / dst;
    const size_t per = (size_t)ceil(step) + 2;
    *spans = malloc(dst * sizeof **spans);
    *weights = malloc((size_t)dst * per * sizeof **weights);
    if (!*spans || !*weights)
        return false;
    size_t at = 0;
    for (uint32_t o = 0; o < dst; o++) {
        const double a = o * step, b = fmin((o + 1) * step, (double)src);
        uint32_t i0 = (uint32_t)a, i1 = (uint32_t)ceil(b);
        i1 = i1 > src ? src : i1;
        span *s = &(*spans)[o];
        s->i0 = i0;
        s->n = i1 - i0;
        s->w0 = at;
        for (uint32_t i = i0; i < i1; i++)
            (*weights)[at++] = (float)((fmin(b, i + 1.0) - fmax(a, (double)i)) / step);
    }
    return true;
}

smp_status smp__resize_area(smp_image *out, const smp_image *src, uint32_t w, uint32_t h, int threads)
{
    if (!src || src->ch != 3 || w < 1 || h < 1 || w > src->w || h > src->h)
        return smp__fail(out->msg, SMP_ERR_ARG, "area resize needs RGB and a smaller size");
    smp_status st = smp__image_reset(out, w, h, 3, 0);
    if (st != SMP_OK)
        return st;
    span *xs = NULL, *ys = NULL;
    float *xw = NULL, *yw = NULL;
    const float *lin = smp__srgb_linear_table();
    const uint8_t *to_srgb = smp__srgb8_table();
    st = make_spans(src->w, w, &xs, &xw) && make_spans(src->h, h, &ys, &yw)
             ? SMP_OK
             : smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate the resize tables");
    if (st == SMP_OK) {
        int failed = 0;
        const int nt = smp__threads(threads);
        (void)nt;
        /* Output rows are independent and each sums in a fixed order. */
        SMP_OMP(omp parallel num_threads(nt) reduction(| : failed))
        {
            float *row = malloc((size_t)w * 6 * sizeof *row);
            if (!row)
                failed = 1;
            SMP_OMP(omp for schedule(dynamic, 4))
            for (uint32_t oy = 0; oy < h; oy++) {
                if (!row)
                    continue;
                float *acc = row, *tmp = row + (size_t)w * 3;
                memset(acc, 0, (size_t)w * 3 * sizeof *acc);
                for (uint32_t k = 0; k < ys[oy].n; k++) {
                    const uint8_t *s = src->px + (size_t)(ys[oy].i0 + k) * src->w * 3;
                    const float wy = yw[ys[oy].w0 + k];
                    for (uint32_t ox = 0; ox < w; ox++) {
                        float r = 0, g = 0, b = 0;
                        const float *wx = xw + xs[ox].w0;
                        const uint8_t *p = s + (size_t)xs[ox].i0 * 3;
                        for (uint32_t i = 0; i < xs[ox].n; i++, p += 3) {
                            r += wx[i] * lin[p[0]];
                            g += wx[i] * lin[p[1]];
                            b += wx[i] * lin[p[2]];
                        }
                        tmp[3 * ox] = r;
                        tmp[3 * ox + 1] = g;
                        tmp[3 * ox + 2] = b;
                    }
                    for (size_t i = 0; i < (size_t)w * 3; i++)
                        acc[i] += wy * tmp[i];
                }
                uint8_t *d = out->px + (size_t)oy * w * 3;
                for (size_t i = 0; i < (size_t)w * 3; i++) {
                    float v = acc[i] < 0 ? 0 : acc[i] > 1 ? 1 : acc[i];
                    d[i] = to_srgb[(size_t)lrintf(v * 65535.0f)];
                }
            }
            free(row);
        }
        if (failed)
            st = smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate a resize row");
    }
    free(xs);
    free(ys);
    free(xw);
    free(yw);
    return st;
}

/* Catmull-Rom weights for a fractional offset t in [0, 1). */
static void cubic_weights(double t, double w[4])
{
    const double t2 = t * t, t3 = t2 * t;
    w[0] = 0.5 * (-t3 + 2 * t2 - t);
    w[1] = 0.5 * (3 * t3 - 5 * t2 + 2);
    w[2] = 0.5 * (-3 * t3 + 4 * t2 + t);
    w[3] = 0.5 * (t3 - t2);
}

static long clampl(long v, long lo, long hi) { return v < lo ? lo : v > hi ? hi : v; }

smp_status smp__enlarge(smp_image *out, const smp_image *src, double x0, double y0, double scale, uint32_t w,
                        uint32_t h)
{
    if (!src || src->ch != 3 || !(scale > 0))
        return smp__fail(out->msg, SMP_ERR_ARG, "enlarging needs RGB and a positive scale");
    smp_status st = smp__image_reset(out, w, h, 3, 0);
    if (st != SMP_OK)
        return st;
    const long sw = (long)src->w - 1, sh = (long)src->h - 1;
    for (uint32_t y = 0; y < h; y++) {
        const double v = y0 + (y + 0.5) / scale - 0.5, fy = floor(v);
        double wy[4];
        cubic_weights(v - fy, wy);
        for (uint32_t x = 0; x < w; x++) {
            const double u = x0 + (x + 0.5) / scale - 0.5, fx = floor(u);
            double wx[4], acc[3] = {0, 0, 0};
            cubic_weights(u - fx, wx);
            for (int j = 0; j < 4; j++) {
                const uint8_t *row = src->px + (size_t)clampl((long)fy - 1 + j, 0, sh) * src->w * 3;
                for (int i = 0; i < 4; i++) {
                    const uint8_t *p = row + (size_t)clampl((long)fx - 1 + i, 0, sw) * 3;
                    for (int c = 0; c < 3; c++)
                        acc[c] += wy[j] * wx[i] * p[c];
                }
            }
            uint8_t *d = out->px + ((size_t)y * w + x) * 3;
            for (int c = 0; c < 3; c++)
                d[c] = (uint8_t)lrint(fmin(fmax(acc[c], 0), 255));
        }
    }
    return SMP_OK;
}
