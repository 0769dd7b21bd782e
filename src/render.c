/* Dot rasteriser: soft discs composited in linear light, parallel over row bands.
 *
 * A dot's pigment profile is a disc of radius R whose edge is a Gaussian of
 * width sigma (pigment spread), p(r) = erfc((r - R) / (sigma sqrt 2)) / 2.
 * Each pixel's weight is p averaged over 4 x 4 sub-samples, then all weights
 * are scaled so they sum to the disc's area pi R^2: ink is conserved, so a
 * 0.3 px dot darkens its pixel by its area instead of vanishing or growing.
 *
 * Bands of rows are independent: a dot crossing a band boundary is drawn by
 * each band it touches, clipped, in dot order, so no two threads write one
 * pixel and the bytes do not depend on the thread count. */
#include "stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAND 32
#define SS 4
#define EDGE_N 1024
#define EDGE_T 4.0f /* the profile is 1 below -4 sigma and 0 beyond +4 sigma */

/* A dot in pixels, as drawn. */
typedef struct pdot {
    float x, y, r, opacity;
} pdot;

typedef struct edge_lut {
    float v[EDGE_N + 2];
} edge_lut;

static void edge_init(edge_lut *e)
{
    for (int i = 0; i <= EDGE_N + 1; i++) {
        double t = -EDGE_T + 2.0 * EDGE_T * i / EDGE_N;
        e->v[i] = (float)(0.5 * erfc(t / sqrt(2.0)));
    }
}

static inline float edge_at(const edge_lut *e, float t)
{
    if (t <= -EDGE_T)
        return 1.0f;
    if (t >= EDGE_T)
        return 0.0f;
    float f = (t + EDGE_T) * (EDGE_N / (2.0f * EDGE_T));
    int i = (int)f;
    float a = f - (float)i;
    return e->v[i] + a * (e->v[i + 1] - e->v[i]);
}

/* Unnormalised weight of pixel (px, py) for a dot. */
static inline float pixel_weight(const edge_lut *e, const pdot *d, float inv_sigma, int px,
                                 int py)
{
    float sum = 0;
    for (int j = 0; j < SS; j++) {
        float dy = (float)py + (j + 0.5f) / SS - d->y;
        for (int i = 0; i < SS; i++) {
            float dx = (float)px + (i + 0.5f) / SS - d->x;
            sum += edge_at(e, (sqrtf(dx * dx + dy * dy) - d->r) * inv_sigma);
        }
    }
    return sum * (1.0f / (SS * SS));
}

typedef struct extent {
    int x0, x1, y0, y1; /* inclusive pixel bounds of the footprint, unclipped */
} extent;

static extent footprint(const pdot *d, float sigma)
{
    float reach = d->r + EDGE_T * sigma;
    return (extent){(int)floorf(d->x - reach), (int)floorf(d->x + reach), (int)floorf(d->y - reach),
                    (int)floorf(d->y + reach)};
}

/* The bands [*b0, *b1] a dot's footprint touches; false when it misses the image. */
static bool band_span(const pdot *d, float sigma, int w, int h, int *b0, int *b1)
{
    extent e = footprint(d, sigma);
    if (e.x1 < 0 || e.x0 >= w || e.y1 < 0 || e.y0 >= h)
        return false;
    *b0 = (e.y0 < 0 ? 0 : e.y0) / BAND;
    *b1 = (e.y1 >= h ? h - 1 : e.y1) / BAND;
    return true;
}

smp_status smp__render(smp_image *img, const smp_dot *in, size_t n, double ppm,
                       const uint8_t pigment[3], double sigma_px, char *msg)
{
    if (n == 0)
        return SMP_OK;
    const int w = (int)img->w, h = (int)img->h;
    const float sigma = (float)sigma_px, inv_sigma = 1.0f / sigma;
    const int nb = (h + BAND - 1) / BAND;

    edge_lut *edge = malloc(sizeof *edge);
    uint8_t *to_srgb = malloc(65536);
    float *scale = malloc(n * sizeof *scale);
    pdot *dots = malloc(n * sizeof *dots);
    size_t *start = calloc((size_t)nb + 1, sizeof *start);
    uint32_t *list = NULL;
    smp_status st = SMP_OK;
    if (!edge || !to_srgb || !scale || !start || !dots) {
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's tables");
        goto done;
    }
    edge_init(edge);
    for (size_t i = 0; i < n; i++)
        dots[i] = (pdot){(float)(in[i].x_mm * ppm), (float)(in[i].y_mm * ppm),
                         (float)(in[i].diameter_mm * 0.5 * ppm), in[i].opacity};
    smp__linear_to_srgb_table(to_srgb);
    float to_lin[256];
    for (int i = 0; i < 256; i++)
        to_lin[i] = smp__srgb_to_linear((uint8_t)i);
    float pig[3];
    for (int c = 0; c < 3; c++)
        pig[c] = to_lin[pigment[c]];

    /* Ink normalisation over each dot's whole footprint, on or off the image. */
    long long nn = (long long)n;
    SMP_OMP(omp parallel for schedule(dynamic, 256))
    for (long long i = 0; i < nn; i++) {
        const pdot *d = &dots[i];
        extent e = footprint(d, sigma);
        double sum = 0;
        for (int y = e.y0; y <= e.y1; y++)
            for (int x = e.x0; x <= e.x1; x++)
                sum += pixel_weight(edge, d, inv_sigma, x, y);
        scale[i] = sum > 0 ? (float)(SMP_PI * d->r * d->r / sum) * d->opacity : 0.0f;
    }

    /* Bucket dots into the bands they touch, in dot order. */
    size_t total = 0;
    int b0, b1;
    for (size_t i = 0; i < n; i++) {
        if (!band_span(&dots[i], sigma, w, h, &b0, &b1))
            continue;
        for (int b = b0; b <= b1; b++)
            start[b + 1]++;
        total += (size_t)(b1 - b0 + 1);
    }
    for (int b = 0; b < nb; b++)
        start[b + 1] += start[b];
    list = malloc((total ? total : 1) * sizeof *list);
    size_t *fill = malloc((size_t)nb * sizeof *fill);
    if (!list || !fill) {
        free(fill);
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's band lists");
        goto done;
    }
    memcpy(fill, start, (size_t)nb * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        if (!band_span(&dots[i], sigma, w, h, &b0, &b1))
            continue;
        for (int b = b0; b <= b1; b++)
            list[fill[b]++] = (uint32_t)i;
    }
    free(fill);

    int failed = 0;
    SMP_OMP(omp parallel for schedule(dynamic, 1))
    for (int b = 0; b < nb; b++) {
        if (start[b] == start[b + 1])
            continue;
        int by0 = b * BAND, by1 = by0 + BAND - 1 < h ? by0 + BAND - 1 : h - 1;
        int bx0 = w, bx1 = -1;
        for (size_t k = start[b]; k < start[b + 1]; k++) {
            extent e = footprint(&dots[list[k]], sigma);
            bx0 = e.x0 < bx0 ? e.x0 : bx0;
            bx1 = e.x1 > bx1 ? e.x1 : bx1;
        }
        bx0 = bx0 < 0 ? 0 : bx0;
        bx1 = bx1 >= w ? w - 1 : bx1;
        const int bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
        /* Per pixel: what remains of the photo (keep) and the ink over it. */
        float *buf = malloc((size_t)bw * (size_t)bh * 4 * sizeof *buf);
        if (!buf) {
            SMP_OMP(omp atomic write)
            failed = 1;
            continue;
        }
        for (size_t i = 0; i < (size_t)bw * bh; i++) {
            buf[4 * i] = 1.0f;
            buf[4 * i + 1] = buf[4 * i + 2] = buf[4 * i + 3] = 0.0f;
        }
        for (size_t k = start[b]; k < start[b + 1]; k++) {
            const pdot *d = &dots[list[k]];
            const float s = scale[list[k]];
            extent e = footprint(d, sigma);
            int y0 = e.y0 < by0 ? by0 : e.y0, y1 = e.y1 > by1 ? by1 : e.y1;
            int x0 = e.x0 < bx0 ? bx0 : e.x0, x1 = e.x1 > bx1 ? bx1 : e.x1;
            for (int y = y0; y <= y1; y++) {
                float *row = buf + ((size_t)(y - by0) * bw - bx0) * 4;
                for (int x = x0; x <= x1; x++) {
                    float a = pixel_weight(edge, d, inv_sigma, x, y) * s;
                    if (a <= 0.0f)
                        continue;
                    a = a > 1.0f ? 1.0f : a;
                    float *p = row + (size_t)x * 4;
                    p[0] *= 1.0f - a;
                    for (int c = 0; c < 3; c++)
                        p[1 + c] = p[1 + c] * (1.0f - a) + a * pig[c];
                }
            }
        }
        for (int y = by0; y <= by1; y++) {
            const float *p = buf + (size_t)(y - by0) * bw * 4;
            uint8_t *px = img->px + ((size_t)y * w + bx0) * 3;
            for (int x = 0; x < bw; x++, p += 4, px += 3) {
                if (p[0] == 1.0f && p[1] == 0.0f && p[2] == 0.0f && p[3] == 0.0f)
                    continue; /* untouched: keep the photo's bytes exactly */
                for (int c = 0; c < 3; c++) {
                    float lin = to_lin[px[c]] * p[0] + p[1 + c];
                    lin = lin < 0 ? 0 : lin > 1 ? 1 : lin;
                    px[c] = to_srgb[(int)(lin * 65535.0f + 0.5f)];
                }
            }
        }
        free(buf);
    }
    if (failed)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate a render band");
done:
    free(edge);
    free(to_srgb);
    free(scale);
    free(dots);
    free(start);
    free(list);
    return st;
}
