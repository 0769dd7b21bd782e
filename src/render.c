/* Dot rasteriser: soft discs composited in linear light, parallel over row bands.
 *
 * A dot's pigment profile is a disc of radius R whose edge is a Gaussian of
 * width sigma (pigment spread), p(r) = erfc((r - R) / (sigma sqrt 2)) / 2.
 * Each pixel's weight is that profile integrated over the pixel (see
 * smp__render for how), then all weights are scaled so they sum to the
 * disc's area pi R^2 exactly: ink is conserved, so a 0.3 px dot darkens its
 * pixel by its area instead of vanishing or growing to a pixel.
 *
 * Bands of rows are independent: a dot crossing a band boundary is drawn by
 * each band it touches, clipped, in dot order, so no two threads write one
 * pixel and the bytes do not depend on the thread count. Each dot is
 * composited straight into the 8-bit image in linear light; pixels no dot
 * reaches are never written. */
#include "stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAND 32
#define EDGE_N 1024
#define EDGE_T 3.5f /* the profile is 1 below -3.5 sigma and 0 beyond (0.02 % of an edge) */

/* A dot in pixels, as drawn. */
typedef struct pdot {
    float x, y, r, opacity;
    int layer;
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

/* Unnormalised weight of pixel (px, py): the profile at the pixel's
 * centre. The caller's sigma already includes the pixel's own box (see
 * smp__render), so this stands for the profile integrated over the pixel. */
static inline float pixel_weight(const edge_lut *e, const pdot *d, float inv_sigma, int px, int py)
{
    float dx = (float)px + 0.5f - d->x, dy = (float)py + 0.5f - d->y;
    return edge_at(e, (sqrtf(dx * dx + dy * dy) - d->r) * inv_sigma);
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

/* The bands [*b0, *b1] a dot's footprint touches; false when it misses the
 * image or has no ink (a session not shown). */
static bool band_span(const pdot *d, float sigma, int w, int h, int *b0, int *b1)
{
    if (!(d->opacity > 0))
        return false;
    extent e = footprint(d, sigma);
    if (e.x1 < 0 || e.x0 >= w || e.y1 < 0 || e.y0 >= h)
        return false;
    *b0 = (e.y0 < 0 ? 0 : e.y0) / BAND;
    *b1 = (e.y1 >= h ? h - 1 : e.y1) / BAND;
    return true;
}

typedef struct render_ctx {
    const edge_lut *edge;
    const float *to_lin;   /* 256 entries */
    const uint8_t *to_srgb; /* 65536 entries */
    const float (*pig)[3];
    int n_pig;
    float sigma, inv_sigma;
    smp_image *img;
} render_ctx;

/* Composites one pixel towards the pigment by coverage a, in linear light. */
static inline void blend(const render_ctx *c, uint8_t *px, const float pig[3], float a)
{
    a = a > 1.0f ? 1.0f : a;
    for (int k = 0; k < 3; k++) {
        float lin = c->to_lin[px[k]];
        lin += (pig[k] - lin) * a;
        lin = lin < 0 ? 0 : lin > 1 ? 1 : lin;
        px[k] = c->to_srgb[(int)(lin * 65535.0f + 0.5f)];
    }
}

#define TILE 48 /* weights of footprints up to TILE x TILE are computed once */

/* Draws the rows [y0, y1] of one dot. Its weights are normalised over the
 * whole footprint, on the image or off it, so a dot split between bands
 * deposits the same ink as a whole one. */
static void draw_dot(const render_ctx *c, const pdot *d, int y0, int y1)
{
    const int w = (int)c->img->w;
    extent e = footprint(d, c->sigma);
    const int fw = e.x1 - e.x0 + 1, fh = e.y1 - e.y0 + 1;
    float tile[TILE * TILE];
    const int tiled = fw <= TILE && fh <= TILE;
    double sum = 0;
    for (int y = e.y0; y <= e.y1; y++)
        for (int x = e.x0; x <= e.x1; x++) {
            float v = pixel_weight(c->edge, d, c->inv_sigma, x, y);
            if (tiled)
                tile[(y - e.y0) * fw + (x - e.x0)] = v;
            sum += v;
        }
    if (sum <= 0)
        return;
    const float scale = (float)(SMP_PI * d->r * d->r / sum) * d->opacity;
    const float *pig = c->pig[d->layer < c->n_pig ? d->layer : c->n_pig - 1];
    y0 = y0 > e.y0 ? y0 : e.y0;
    y1 = y1 < e.y1 ? y1 : e.y1;
    const int x0 = e.x0 < 0 ? 0 : e.x0, x1 = e.x1 >= w ? w - 1 : e.x1;
    for (int y = y0; y <= y1; y++) {
        uint8_t *row = c->img->px + (size_t)y * w * 3;
        for (int x = x0; x <= x1; x++) {
            float v = tiled ? tile[(y - e.y0) * fw + (x - e.x0)]
                            : pixel_weight(c->edge, d, c->inv_sigma, x, y);
            if (v > 0.0f)
                blend(c, row + (size_t)x * 3, pig, v * scale);
        }
    }
}

smp_status smp__render(smp_image *img, const smp_dot *in, size_t n, double ppm,
                       const float pigment_lin[][3], int n_pigments, int max_layer, double sigma_px,
                       int threads, char *msg)
{
    if (n == 0 || n_pigments < 1)
        return SMP_OK;
    const int w = (int)img->w, h = (int)img->h;
    const int nb = (h + BAND - 1) / BAND;
    edge_lut *edge = malloc(sizeof *edge);
    uint8_t *to_srgb = malloc(65536);
    pdot *dots = malloc(n * sizeof *dots);
    size_t *start = calloc((size_t)nb + 1, sizeof *start);
    size_t *fill = malloc((size_t)nb * sizeof *fill);
    uint32_t *list = NULL;
    smp_status st = SMP_OK;
    if (!edge || !to_srgb || !dots || !start || !fill) {
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's tables");
        goto done;
    }
    float to_lin[256];
    for (int i = 0; i < 256; i++)
        to_lin[i] = smp__srgb_to_linear((uint8_t)i);
    edge_init(edge);
    smp__linear_to_srgb_table(to_srgb);
    /* A pixel integrates the profile over its unit box, which has the
     * variance 1/12 along any direction: sampling at pixel centres a profile
     * whose edge is widened accordingly stands for that integral, at one
     * evaluation per pixel instead of a grid of sub-samples. */
    const double sigma_eff = sqrt(sigma_px * sigma_px + 1.0 / 12.0);
    render_ctx c = {edge,        to_lin, to_srgb, pigment_lin, n_pigments, (float)sigma_eff,
                    (float)(1.0 / sigma_eff), img};
    for (size_t i = 0; i < n; i++)
        dots[i] = (pdot){(float)(in[i].x_mm * ppm), (float)(in[i].y_mm * ppm),
                         (float)(in[i].diameter_mm * 0.5 * ppm),
                         max_layer && in[i].layer > max_layer ? 0.0f : in[i].opacity, in[i].layer};

    /* Bucket dots into the bands they touch, in dot order. */
    size_t total = 0;
    int b0, b1;
    for (size_t i = 0; i < n; i++) {
        if (!band_span(&dots[i], c.sigma, w, h, &b0, &b1))
            continue;
        for (int b = b0; b <= b1; b++)
            start[b + 1]++;
        total += (size_t)(b1 - b0 + 1);
    }
    for (int b = 0; b < nb; b++)
        start[b + 1] += start[b];
    list = malloc((total ? total : 1) * sizeof *list);
    if (!list) {
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's band lists");
        goto done;
    }
    memcpy(fill, start, (size_t)nb * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        if (!band_span(&dots[i], c.sigma, w, h, &b0, &b1))
            continue;
        for (int b = b0; b <= b1; b++)
            list[fill[b]++] = (uint32_t)i;
    }

    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
    for (int b = 0; b < nb; b++) {
        int y0 = b * BAND, y1 = y0 + BAND - 1 < h ? y0 + BAND - 1 : h - 1;
        for (size_t k = start[b]; k < start[b + 1]; k++)
            draw_dot(&c, &dots[list[k]], y0, y1);
    }
done:
    free(edge);
    free(to_srgb);
    free(dots);
    free(start);
    free(fill);
    free(list);
    return st;
}
