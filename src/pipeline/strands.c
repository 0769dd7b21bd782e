/* SPDX-License-Identifier: BSD-2-Clause */
/* Hair strands: a multi-scale Hessian ridge filter on linear luminance.
 *
 * A strand lying on the skin is a thin dark line. Across it the luminance
 * has a minimum, so the Hessian's larger eigenvalue l1 is positive while the
 * smaller one, along the line, stays near 0. A round spot (follicle, pore,
 * SMP dot) has l1 ~ l2 and the dark side of an edge (a wider shadow, a dot's
 * rim) has a large gradient where l1 peaks; both are penalised. At each
 * scale sigma (matched to a strand's half-width: the scale-normalised
 * sigma^2 L'' of a bar of half-width a peaks at sigma = a) the response is
 *     (l1 * A(l2 / l1) - KG * sigma |grad L|) / (local mean + MEAN_FLOOR)
 * with l1, l2 of sigma^2 H: a contrast, so it reads the same in dim and
 * bright light. The best scale wins. Then coherence: where a pixel has a
 * ridge, its score is the mean of the (3x3-maximum) contrast over +-0.5 mm
 * along the ridge's direction, so a strand, which runs straight on, keeps
 * it while short creases of glossy skin, pores and JPEG blocks lose most of
 * it. A soft threshold maps that to 0..255, and a 3x3 dilation keeps the
 * strand's anti-aliased edges.
 *
 * The box is processed in bands of rows; each band reads its rows plus the
 * filter's reach (replicating the image's edge, never the box's), so every
 * output byte depends only on the image and its own position: bands are
 * independent, any thread may take any band, and the bytes do not depend on
 * the thread count or on the box. */
#include "strands.h"
#include "color.h"
#include "image.h"
#include "select.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Strand half-widths, mm: hair shafts are 0.05-0.2 mm thick. */
#define HW_MIN_MM 0.025
#define HW_MAX_MM 0.1
/* Below ~0.7 px a sampled Gaussian's derivatives are mostly aliasing; a
 * sub-pixel strand still shows as a blurred dark line at this scale. */
#define SIGMA_MIN_PX 0.7
/* Lenses, demosaicing and JPEG spread a strand over ~2-3 px whatever its
 * width: the largest scale is never below this. */
#define SIGMA_BLUR_PX 1.4
#define SCALE_STEP 1.6 /* ratio of successive scales: a bar between two loses <= 6 % */
#define MAX_SCALES 6
#define BAND 256 /* output rows per work unit: the margins cost ~10 % more rows */
#define TILE 640 /* output columns per work unit: a band's buffers stay a few MB however wide the box */
#define VEC 8   /* columns per vectorised step (an AVX2 register); row strides are multiples of it */
/* Anisotropy A(q) = 1 / (1 + (q / BETA)^4), q = l2 / l1: 0.94 at q = 0.2 (a
 * line, or a gently curved strand), 0.29 at 0.5, 0.025 for a round spot (q = 1). */
#define BETA 0.4f
/* The gradient penalty: at the peak of l1 on an edge's dark side, sigma
 * |grad| equals l1, so KG > 1 leaves edges no response. */
#define KG 1.5f
/* Local mean: a box of radius MEAN_K sigma_max, wide enough that a strand
 * only dims it a little; the floor (linear luminance, ~ sRGB 13) keeps
 * sensor noise in deep shadow from reading as contrast. */
#define MEAN_K 4.0
#define MEAN_FLOOR 0.004f
/* Contrast thresholds of the soft map (smoothstep from T0 to T1). A bar
 * strand of contrast C at its matched scale gives ~0.48 C; sub-pixel strands
 * at 3-5 px/mm about 0.15 C. */
#define T0 0.05f
#define T1 0.12f
/* Coherence: the response is averaged over +-COH_MM along the line (at
 * least COH_MIN_PX): straight strands keep it, short skin creases lose it. */
#define COH_MM 0.5
#define COH_MIN_PX 2

typedef struct scale {
    float sigma;
    int r;                    /* kernel radius, px */
    const float *k0, *k1, *k2; /* G, G', G'' for correlation, 2r+1 taps each */
} scale;

typedef struct ctx {
    const smp_image *img;
    const float *to_lin; /* color.c's shared sRGB table */
    int x0, y0, w, h; /* box */
    int pad;          /* response pixels beyond the box on each side: L + 2 */
    int L;            /* half-length of the coherence average, px */
    int rw;           /* response columns (w + 2 pad) rounded up to VEC: the row stride */
    int m, rm, rk;    /* reach of the lum band beyond the response; mean and kernel radii */
    int ns;
    scale sc[MAX_SCALES];
    uint8_t *out;     /* the tile's first column of the box's rows */
    int stride;       /* the box's width: out's row stride */
} ctx;

/* One thread's buffers. Response coordinates (from x0 - pad, ya - pad)
 * cover the band and pad pixels around it: 1 for the dilation, L for the
 * coherence average, 1 for the maximum before it; lum covers them plus m
 * on every side. */
typedef struct work {
    float *lum;          /* lr x lw */
    size_t *rows;        /* 2 rk + 1 ring offsets */
    float *ring;         /* 3 x (2 rk + 1) x rw: rows filtered by G, G', G''; or
                            (2 rm + 1) x rw horizontal sums for the mean */
    float *mean;         /* rh x rw */
    float *r, *tx, *ty;  /* rh x rw: best contrast, line direction there */
    uint8_t *resp;       /* (BAND + 2) x (w + 2): the coherent map, before dilation */
} work;

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Sampled Gaussian derivatives for correlation, as half kernels (taps
 * t = 0..r; G and G'' are even, G' odd), corrected so that on polynomials
 * they give the exact moments (sum k0 = 1; sum t k1 = 1; sum k2 = 0,
 * sum t^2 k2 = 2), which small sigmas otherwise miss by ~10 %. */
static void kernels_make(scale *s, float *k)
{
    const int r = s->r, n = r + 1;
    const double is2 = 1.0 / ((double)s->sigma * s->sigma);
    double s0 = 0, s1 = 0, s2m = 0, s2 = 0;
    for (int t = -r; t <= r; t++) {
        const double g = smp__exp(-0.5 * t * t * is2);
        s0 += g;
        s1 += t * t * g;
        s2m += (t * t * is2 - 1.0) * g;
    }
    /* G'' less its mean (a multiple of G), then scaled to the exact moment. */
    for (int t = -r; t <= r; t++) {
        const double g = smp__exp(-0.5 * t * t * is2);
        s2 += t * t * ((t * t * is2 - 1.0) * g - s2m * g / s0);
    }
    for (int t = 0; t <= r; t++) {
        const double g = smp__exp(-0.5 * t * t * is2);
        k[t] = (float)(g / s0);
        k[n + t] = (float)(t * g / s1);
        k[2 * n + t] = (float)(((t * t * is2 - 1.0) * g - s2m * g / s0) * 2.0 / s2);
    }
    s->k0 = k;
    s->k1 = k + n;
    s->k2 = k + 2 * n;
}

/* Fills lum with the band's rows [ry0 - m, ry0 + rh + m) and columns
 * [x0 - pad - m, x0 - pad + rw + m), the image's edge replicated. */
static void band_lum(const ctx *c, work *wk, int ry0, int rh)
{
    const int lw = c->rw + 2 * c->m, lr = rh + 2 * c->m, xs = c->x0 - c->pad - c->m;
    const int W = (int)c->img->w, H = (int)c->img->h;
    const int j0 = -xs > 0 ? -xs : 0, j1 = W - xs < lw ? W - xs : lw; /* [j0, j1) on the image */
    for (int i = 0; i < lr; i++) {
        const uint8_t *src = c->img->px + (size_t)clampi(ry0 - c->m + i, 0, H - 1) * W * 3;
        float *dst = wk->lum + (size_t)i * lw;
        for (int j = j0; j < j1; j++) {
            const uint8_t *p = src + (size_t)(xs + j) * 3;
            dst[j] = 0.2126f * c->to_lin[p[0]] + 0.7152f * c->to_lin[p[1]] + 0.0722f * c->to_lin[p[2]];
        }
        for (int j = 0; j < j0; j++)
            dst[j] = dst[j0];
        for (int j = j1; j < lw; j++)
            dst[j] = dst[j1 - 1];
    }
}

/* mean = lum's box mean of radius rm at each response pixel. The
 * horizontal sums of the last 2 rm + 1 rows live in a ring (wk->ring). */
SMP_WIDE_SIMD static void band_mean(const ctx *c, work *wk, int rh)
{
    const int rw = c->rw, lw = rw + 2 * c->m, rm = c->rm, n = 2 * rm + 1;
    const float inv = 1.0f / (float)(n * n);
    for (int i = -rm; i < rh + rm; i++) {
        const float *src = wk->lum + (size_t)(i + c->m) * lw + c->m - rm;
        float *dst = wk->ring + (size_t)((i + rm) % n) * rw;
        double sum = 0;
        for (int t = 0; t < n; t++)
            sum += src[t];
        dst[0] = (float)sum;
        for (int j = 1; j < rw; j++) {
            sum += (double)src[j + 2 * rm] - src[j - 1];
            dst[j] = (float)sum;
        }
        const int y = i - rm;
        if (y < 0)
            continue;
        float *restrict out = wk->mean + (size_t)y * rw;
        for (int j0 = 0; j0 < rw; j0 += VEC) {
            float a[VEC] = {0};
            for (int t = 0; t < n; t++) {
                const float *restrict row = wk->ring + (size_t)t * rw + j0;
                SMP_OMP(omp simd)
                for (int k = 0; k < VEC; k++)
                    a[k] += row[k];
            }
            SMP_OMP(omp simd)
            for (int k = 0; k < VEC; k++)
                out[j0 + k] = a[k] * inv;
        }
    }
}

/* The row pass of one scale on one lum row: g, gx, gxx = src correlated
 * along x with G, G', G'' at the response columns, VEC columns at a time
 * (omp simd: each column sums its taps in the same order). */
SMP_WIDE_SIMD static void row_pass(const scale *s, int cols, const float *restrict src, float *restrict g,
                     float *restrict gx, float *restrict gxx)
{
    const int r = s->r;
    for (int j0 = 0; j0 < cols; j0 += VEC) {
        float a[VEC], b[VEC], d[VEC];
        SMP_OMP(omp simd)
        for (int k = 0; k < VEC; k++) {
            a[k] = s->k0[0] * src[j0 + k];
            b[k] = 0;
            d[k] = s->k2[0] * src[j0 + k];
        }
        for (int t = 1; t <= r; t++) {
            const float c0 = s->k0[t], c1 = s->k1[t], c2 = s->k2[t];
            SMP_OMP(omp simd)
            for (int k = 0; k < VEC; k++) {
                const float p = src[j0 + k + t], q = src[j0 + k - t];
                a[k] += c0 * (p + q);
                b[k] += c1 * (p - q);
                d[k] += c2 * (p + q);
            }
        }
        for (int k = 0; k < VEC; k++) {
            g[j0 + k] = a[k];
            gx[j0 + k] = b[k];
            gxx[j0 + k] = d[k];
        }
    }
}

/* The ridge contrast of one pixel at one scale (see the top of the file),
 * and the line's direction (the eigenvector of l2) in *tx, *ty. */
static inline float ridge(float s1, const float l[5], float mean, float *tx, float *ty)
{
    const float s2 = s1 * s1;
    const float hxx = s2 * l[0], hyy = s2 * l[1], hxy = s2 * l[2];
    const float df = hxx - hyy;
    const float d = sqrtf(df * df + 4.0f * hxy * hxy);
    const float l1 = 0.5f * (hxx + hyy + d), l2 = 0.5f * (hxx + hyy - d);
    if (!(l1 > 0.0f))
        return 0.0f;
    float q = l2 / (BETA * l1);
    q *= q;
    const float a = 1.0f / (1.0f + q * q);
    const float v = (l1 * a - KG * s1 * sqrtf(l[3] * l[3] + l[4] * l[4])) / (mean + MEAN_FLOOR);
    if (!(v > 0.0f))
        return 0.0f;
    float ux = hxy, uy = l2 - hxx, wx = l2 - hyy, wy = hxy;
    if (wx * wx + wy * wy > ux * ux + uy * uy)
        ux = wx, uy = wy;
    const float n2 = ux * ux + uy * uy, inv = n2 > 0.0f ? 1.0f / sqrtf(n2) : 0.0f;
    *tx = n2 > 0.0f ? ux * inv : 1.0f;
    *ty = uy * inv;
    return v;
}

static inline uint8_t to_byte(float v)
{
    float u = (v - T0) * (1.0f / (T1 - T0));
    u = u < 0.0f ? 0.0f : u > 1.0f ? 1.0f : u;
    return (uint8_t)(255.0f * u * u * (3.0f - 2.0f * u) + 0.5f);
}

/* r, tx, ty keep the strongest scale at pixel j of response row y. */
static inline void keep_best(work *wk, const scale *s, size_t o, const float l[5])
{
    float tx = 0, ty = 0, v = ridge(s->sigma, l, wk->mean[o], &tx, &ty);
    if (v > wk->r[o]) {
        wk->r[o] = v;
        wk->tx[o] = tx;
        wk->ty[o] = ty;
    }
}

/* Lx, Ly at column j of the response row whose ring offsets are row[]: the
 * column pass of gx by G and of g by G', for the few pixels that need it. */
static inline void gradient(const work *wk, const scale *s, const size_t *row, size_t plane, int j, float *lx,
                            float *ly)
{
    const int r = s->r;
    const float *g = wk->ring + j, *gx = wk->ring + plane + j;
    float x = s->k0[0] * gx[row[r]], y = 0;
    for (int t = 1; t <= r; t++) {
        x += s->k0[t] * (gx[row[r + t]] + gx[row[r - t]]);
        y += s->k1[t] * (g[row[r + t]] - g[row[r - t]]);
    }
    *lx = x;
    *ly = y;
}

/* The column pass of one scale and response row y: Lxx, Lyy, Lxy, VEC
 * columns at a time (vectorised, as is a bound on l1 that rejects flat
 * skin), then the gradient and the ridge measure where that bound passes. */
SMP_WIDE_SIMD static void band_cols_row(const ctx *c, work *wk, const scale *s, int y)
{
    const int rw = c->rw, r = s->r, n = 2 * r + 1, cols = c->w + 2 * c->pad;
    const size_t plane = (size_t)n * rw;
    size_t *row = wk->rows; /* ring offsets of rows y - r .. y + r */
    for (int t = -r; t <= r; t++)
        row[t + r] = (size_t)((y + t + r) % n) * rw;
#define RING_ROW(q, dy) (wk->ring + (q) * plane + row[(dy) + r])
    const float *restrict g = RING_ROW(0, 0), *restrict gxx = RING_ROW(2, 0);
    const float *restrict mean = wk->mean + (size_t)y * rw, s2 = s->sigma * s->sigma;
    for (int j0 = 0; j0 < cols; j0 += VEC) {
        float a[3][VEC], pass[VEC];
        SMP_OMP(omp simd)
        for (int k = 0; k < VEC; k++) {
            a[0][k] = s->k0[0] * gxx[j0 + k];
            a[1][k] = s->k2[0] * g[j0 + k];
            a[2][k] = 0;
        }
        for (int t = 1; t <= r; t++) {
            const float *restrict gp = RING_ROW(0, t) + j0, *restrict gm = RING_ROW(0, -t) + j0;
            const float *restrict xp = RING_ROW(1, t) + j0, *restrict xm = RING_ROW(1, -t) + j0;
            const float *restrict hp = RING_ROW(2, t) + j0, *restrict hm = RING_ROW(2, -t) + j0;
            const float c0 = s->k0[t], c1 = s->k1[t], c2 = s->k2[t];
            SMP_OMP(omp simd)
            for (int k = 0; k < VEC; k++) {
                a[0][k] += c0 * (hp[k] + hm[k]);
                a[1][k] += c2 * (gp[k] + gm[k]);
                a[2][k] += c1 * (xp[k] - xm[k]);
            }
        }
        /* l1 <= (hxx + hyy + |hxx - hyy|) / 2 + |hxy|, in units of s2 */
        SMP_OMP(omp simd)
        for (int k = 0; k < VEC; k++)
            pass[k] = s2 * (0.5f * (a[0][k] + a[1][k] + fabsf(a[0][k] - a[1][k])) + fabsf(a[2][k])) -
                      T0 * (mean[j0 + k] + MEAN_FLOOR);
        for (int k = 0; k < VEC && j0 + k < cols; k++)
            if (pass[k] >= 0.0f) {
                float lx, ly;
                gradient(wk, s, row, plane, j0 + k, &lx, &ly);
                keep_best(wk, s, (size_t)y * rw + (size_t)(j0 + k), (const float[5]){a[0][k], a[1][k], a[2][k], lx, ly});
            }
    }
#undef RING_ROW
}

/* One scale over the band: each lum row is filtered along x into a ring of
 * 2r + 1 rows (kept in cache), then each response row down the columns. */
static void band_scale(const ctx *c, work *wk, const scale *s, int rh)
{
    const int r = s->r, n = 2 * r + 1, rw = c->rw, lw = rw + 2 * c->m;
    const size_t plane = (size_t)n * rw;
    for (int i = -r; i < rh + r; i++) {
        const size_t o = (size_t)((i + r) % n) * rw;
        row_pass(s, rw, wk->lum + (size_t)(i + c->m) * lw + c->m, wk->ring + o, wk->ring + plane + o,
                 wk->ring + 2 * plane + o);
        if (i - r >= 0)
            band_cols_row(c, wk, s, i - r);
    }
}

/* Zeroes responses off the image: they must not reach into it. */
static void band_clip(const ctx *c, work *wk, int ry0, int rh)
{
    const int rw = c->rw, W = (int)c->img->w, H = (int)c->img->h, xs = c->x0 - c->pad;
    const int j0 = -xs > 0 ? -xs : 0, j1 = W - xs < rw ? W - xs : rw;
    for (int y = 0; y < rh; y++) {
        float *r = wk->r + (size_t)y * rw;
        if (ry0 + y < 0 || ry0 + y >= H) {
            memset(r, 0, (size_t)rw * sizeof *r);
            continue;
        }
        for (int j = 0; j < j0; j++)
            r[j] = 0;
        for (int j = j1; j < rw; j++)
            r[j] = 0;
    }
}

/* mx = the 3x3 maximum of r (rows 1..rh - 2, columns 1..rw - 2; the
 * coherence reads no others): a thin line's ridge is at most a pixel
 * wide, and samples along it must not miss it. Taken once per pixel here,
 * not at each of the 2L + 1 samples of every ridge pixel about it. */
static void band_max3x3(const ctx *c, const work *wk, float *restrict mx, int rh)
{
    const int rw = c->rw;
    for (int y = 1; y + 1 < rh; y++) {
        float *restrict out = mx + (size_t)y * rw;
        const float *restrict u = wk->r + (size_t)(y - 1) * rw, *restrict m = u + rw, *restrict d = m + rw;
        /* r >= +0 and never NaN: the maximum is the same in any order (no
         * omp simd: clang cannot vectorise a float select and warns) */
        for (int x = 1; x < rw - 1; x++) {
            float v = u[x - 1] > u[x] ? u[x - 1] : u[x];
            v = u[x + 1] > v ? u[x + 1] : v;
            v = m[x - 1] > v ? m[x - 1] : v;
            v = m[x] > v ? m[x] : v;
            v = m[x + 1] > v ? m[x + 1] : v;
            v = d[x - 1] > v ? d[x - 1] : v;
            v = d[x] > v ? d[x] : v;
            v = d[x + 1] > v ? d[x + 1] : v;
            out[x] = v;
        }
    }
}

/* The coherent map: where a pixel has a ridge, the mean of r's 3x3
 * maximum (mx) over 2L + 1 samples along its direction. A strand runs
 * straight on for well over L; skin texture (creases between highlights,
 * pores, JPEG blocks) does not. */
static void band_coherence(const ctx *c, work *wk, const float *mx, int n)
{
    const int rw = c->rw, L = c->L, o = c->pad - 1;
    const float inv = 1.0f / (float)(2 * L + 1);
    for (int y = 0; y < n + 2; y++)
        for (int x = 0; x < c->w + 2; x++) {
            const size_t p = (size_t)(y + o) * rw + (size_t)(x + o);
            float sum = 0;
            if (wk->r[p] > 0.0f)
                for (int k = -L; k <= L; k++) {
                    const int dx = (int)floorf((float)k * wk->tx[p] + 0.5f);
                    const int dy = (int)floorf((float)k * wk->ty[p] + 0.5f);
                    sum += mx[(ptrdiff_t)p + (ptrdiff_t)dy * rw + dx];
                }
            wk->resp[(size_t)y * (c->w + 2) + x] = to_byte(sum * inv);
        }
}

/* out's rows [ya, ya + n) (image rows) = the 3x3 maximum of resp. */
static void band_dilate(const ctx *c, const work *wk, int ya, int n)
{
    const int rw = c->w + 2;
    for (int y = 0; y < n; y++) {
        uint8_t *restrict dst = c->out + (size_t)(ya - c->y0 + y) * c->stride;
        const uint8_t *restrict u = wk->resp + (size_t)y * rw, *restrict m = u + rw, *restrict d = m + rw;
        SMP_OMP(omp simd)
        for (int x = 0; x < c->w; x++) {
            uint8_t v = u[x] > u[x + 1] ? u[x] : u[x + 1];
            v = u[x + 2] > v ? u[x + 2] : v;
            v = m[x] > v ? m[x] : v;
            v = m[x + 1] > v ? m[x + 1] : v;
            v = m[x + 2] > v ? m[x + 2] : v;
            v = d[x] > v ? d[x] : v;
            v = d[x + 1] > v ? d[x + 1] : v;
            v = d[x + 2] > v ? d[x + 2] : v;
            dst[x] = v;
        }
    }
}

static void do_band(const ctx *c, work *wk, int b)
{
    const int ya = c->y0 + b * BAND, n = c->y0 + c->h - ya < BAND ? c->y0 + c->h - ya : BAND;
    const int ry0 = ya - c->pad, rh = n + 2 * c->pad;
    band_lum(c, wk, ry0, rh);
    band_mean(c, wk, rh);
    memset(wk->r, 0, (size_t)rh * c->rw * sizeof *wk->r);
    for (int k = 0; k < c->ns; k++)
        band_scale(c, wk, &c->sc[k], rh);
    band_clip(c, wk, ry0, rh);
    band_max3x3(c, wk, wk->mean, rh); /* the mean is spent: its rows take the maxima */
    band_coherence(c, wk, wk->mean, n);
    band_dilate(c, wk, ya, n);
}

/* Scales from the strand half-widths at px_per_mm; kernels into kbuf (at
 * least kernel_floats(c) floats). Sets the reaches m and rm. */
static void scales_make(ctx *c, double ppm, float *kbuf)
{
    const double lo = fmax(HW_MIN_MM * ppm, SIGMA_MIN_PX), hi = fmax(HW_MAX_MM * ppm, SIGMA_BLUR_PX);
    int ns = hi > lo * 1.05 ? 1 + (int)ceil(smp__log(hi / lo) / smp__log(SCALE_STEP)) : 1;
    ns = ns > MAX_SCALES ? MAX_SCALES : ns;
    c->ns = ns;
    c->m = 0;
    for (int k = 0; k < ns; k++) {
        scale *s = &c->sc[k];
        s->sigma = (float)(ns == 1 ? lo : lo * smp__pow(hi / lo, (double)k / (ns - 1)));
        s->r = (int)ceil(3.0 * s->sigma);
        kernels_make(s, kbuf);
        kbuf += 3 * (s->r + 1);
        c->m = s->r > c->m ? s->r : c->m;
        c->rk = c->m;
    }
    c->rm = (int)ceil(MEAN_K * hi);
    c->m = c->rm > c->m ? c->rm : c->m;
    c->L = (int)lround(COH_MM * ppm);
    c->L = c->L < COH_MIN_PX ? COH_MIN_PX : c->L;
    c->pad = c->L + 2;
}

static void work_free(work *ws, int n)
{
    for (int i = 0; ws && i < n; i++) {
        free(ws[i].lum);
        free(ws[i].resp);
        free(ws[i].rows);
    }
    free(ws);
}

/* n workspaces for bands of the box's width; NULL when out of memory. */
static work *work_alloc(const ctx *c, int n)
{
    const size_t rw = (size_t)c->rw, lw = rw + 2 * (size_t)c->m, rh = BAND + 2 * (size_t)c->pad,
                 lr = rh + 2 * (size_t)c->m, kr = 3 * (2 * (size_t)c->rk + 1), mr = 2 * (size_t)c->rm + 1;
    size_t a, b, d, floats, bytes, r8;
    if (!smp__mul(lr, lw, &a) || !smp__mul(kr > mr ? kr : mr, rw, &b) || !smp__mul(rh, rw, &d) ||
        (floats = a + b + 4 * d) < a || !smp__mul(floats, sizeof(float), &bytes) ||
        !smp__mul(BAND + 2, (size_t)c->w + 2, &r8))
        return NULL;
    work *ws = calloc((size_t)n, sizeof *ws);
    for (int i = 0; ws && i < n; i++) {
        float *f = malloc(bytes);
        ws[i] = (work){.lum = f, .resp = malloc(r8), .rows = malloc((2 * (size_t)c->rk + 1) * sizeof(size_t))};
        if (!f || !ws[i].resp || !ws[i].rows) {
            work_free(ws, i + 1);
            return NULL;
        }
        float *m = f + a + b;
        ws[i].ring = f + a;
        ws[i].mean = m, ws[i].r = m + d, ws[i].tx = m + 2 * d, ws[i].ty = m + 3 * d;
    }
    return ws;
}

static smp_status check_args(const smp_image *rgb, const uint32_t box[4], double ppm, const uint8_t *out, char *msg)
{
    if (!out)
        return smp__fail(msg, SMP_ERR_ARG, "strand map: no output");
    return smp__check_photo_box(rgb, box, ppm, "strand map", msg);
}

smp_status smp__strand_map(const smp_image *rgb, const uint32_t box[4], double px_per_mm, uint8_t *out,
                           int threads, char *msg)
{
    smp_status st = check_args(rgb, box, px_per_mm, out, msg);
    if (st != SMP_OK)
        return st;
    /* The box in tiles of TILE columns, each a box of its own: a pixel's
     * value does not depend on the box holding it. */
    const int ntl = (int)((box[2] + TILE - 1) / TILE);
    ctx *cs = malloc((size_t)ntl * sizeof *cs);
    /* Kernel taps: 3 (2r + 1) per scale, r <= 3 sigma <= 300 at 1000 px/mm. */
    float *kbuf = malloc(sizeof(float) * MAX_SCALES * 3 * (2 * (size_t)ceil(3.0 * HW_MAX_MM * px_per_mm + 3) + 1));
    if (!kbuf || !cs) {
        free(kbuf);
        free(cs);
        return smp__fail(msg, SMP_ERR_NOMEM, "strand map: cannot allocate the kernels");
    }
    ctx c = {.img = rgb, .y0 = (int)box[1], .h = (int)box[3], .stride = (int)box[2]};
    c.to_lin = smp__srgb_linear_table();
    scales_make(&c, px_per_mm, kbuf);
    for (int t = 0; t < ntl; t++) {
        cs[t] = c;
        cs[t].x0 = (int)box[0] + t * TILE;
        cs[t].w = t + 1 < ntl ? TILE : (int)box[2] - t * TILE;
        cs[t].rw = (cs[t].w + 2 * c.pad + VEC - 1) / VEC * VEC;
        cs[t].out = out + (size_t)t * TILE;
    }
    const int nb = (c.h + BAND - 1) / BAND, jobs = nb * ntl;
    int nt = smp__threads(threads);
    nt = nt > jobs ? jobs : nt < 1 ? 1 : nt;
    work *ws = work_alloc(&cs[0], nt); /* the first tile is the widest */
    if (!ws) {
        const int w0 = cs[0].w;
        free(kbuf);
        free(cs);
        return smp__fail(msg, SMP_ERR_NOMEM, "strand map: cannot allocate %d band buffers for %d columns", nt, w0);
    }
    SMP_OMP(omp parallel num_threads(nt))
    {
        work *wk = &ws[smp__thread_id()];
        SMP_OMP(omp for schedule(dynamic, 1))
        for (int j = 0; j < jobs; j++)
            do_band(&cs[j % ntl], wk, j / ntl);
    }
    work_free(ws, nt);
    free(kbuf);
    free(cs);
    return SMP_OK;
}

/* ---- hair's share of a pixel's light ----
 *
 * The map above says where strands are; a strand pixel is still a mix of
 * hair and the skin beside it (fine hairs are 1-2 px wide on a crown photo
 * at 15 px/mm, and the map is dilated to hold their anti-aliased edges).
 * Pigment lies under the skin, so only the skin's part of a pixel takes
 * it. With Y the pixel's luminance, Ls the skin's around it and Lc the
 * strand's core, a linear mix Y = a Lc + (1 - a) Ls gives the hair's area
 * a = (Ls - Y) / (Ls - Lc), and the hair's share of the light
 * w = a Lc / Y (what the renderer keeps; 1 - w is the skin's light, which
 * the pigment darkens). Ls: the median of the pixels with no strand
 * within SKIN_MM (bright specks and dark pores do not move it); Lc: the
 * darkest strand pixel within the widest strand's half-width (+1 px).
 * Without skin around (dense hair) the detection stands as it was. */
#define SKIN_MM 0.2      /* the skin beside a strand: within this */
#define SKIN_MIN_PX 3
#define SKIN_MAX_SAMPLES 15 /* per side of the window: wider windows are read sparsely */
#define CORE_MIN_CONTRAST 0.05f /* Ls - Lc at least this share of Ls: T0's faintest strand */

static inline float lum_px(const float *lin, const uint8_t *p)
{
    return 0.2126f * lin[p[0]] + 0.7152f * lin[p[1]] + 0.0722f * lin[p[2]];
}

/* The hair's share of one pixel's light, 0..255, from the detection map
 * (det, box-sized) around box pixel (x, y); buf holds the window's skin. */
static uint8_t cover_px(const smp_image *rgb, const uint32_t box[4], const uint8_t *det, const float *lin, int rs,
                        int step, int rc, int x, int y, float *buf)
{
    const int w = (int)box[2], h = (int)box[3], d = det[(size_t)y * w + x];
    const float weak = d >= 128 ? 1.0f : (float)d / 128.0f; /* the detection's own soft edge */
    const uint8_t *row0 = rgb->px + ((size_t)box[1] * rgb->w + box[0]) * 3;
    const float Y = lum_px(lin, row0 + ((size_t)y * rgb->w + (size_t)x) * 3);
    size_t n = 0;
    for (int j = y - rs; j <= y + rs; j += step)
        for (int i = x - rs; i <= x + rs; i += step)
            if (j >= 0 && j < h && i >= 0 && i < w && det[(size_t)j * w + i] == 0)
                buf[n++] = lum_px(lin, row0 + ((size_t)j * rgb->w + (size_t)i) * 3);
    float core = Y;
    for (int j = y - rc; j <= y + rc; j++)
        for (int i = x - rc; i <= x + rc; i++)
            if (j >= 0 && j < h && i >= 0 && i < w && det[(size_t)j * w + i] >= 128) {
                const float v = lum_px(lin, row0 + ((size_t)j * rgb->w + (size_t)i) * 3);
                core = v < core ? v : core;
            }
    float share = weak;
    if (n > 0 && Y > 0) {
        const float skin = smp__kth_float(buf, n, n / 2);
        float span = skin - core;
        span = span > CORE_MIN_CONTRAST * skin ? span : CORE_MIN_CONTRAST * skin;
        float a = (skin - Y) / span;
        a = a < 0 ? 0 : a > 1 ? 1 : a;
        share = weak * (a * core / Y);
        share = share > 1 ? 1 : share;
    }
    return (uint8_t)(255.0f * share + 0.5f);
}

smp_status smp__strand_cover(const smp_image *rgb, const uint32_t box[4], double px_per_mm, uint8_t *map,
                             int threads, char *msg)
{
    smp_status st = check_args(rgb, box, px_per_mm, map, msg);
    if (st != SMP_OK)
        return st;
    const size_t n = (size_t)box[2] * box[3];
    int rs = (int)lround(SKIN_MM * px_per_mm);
    rs = rs < SKIN_MIN_PX ? SKIN_MIN_PX : rs;
    const int step = (2 * rs + 1 + SKIN_MAX_SAMPLES - 1) / SKIN_MAX_SAMPLES;
    const int side = (2 * rs) / step + 1;
    const int rc = (int)lround(HW_MAX_MM * px_per_mm) + 1;
    const int nt = smp__threads(threads);
    uint8_t *det = malloc(n);
    float *bufs = malloc((size_t)nt * (size_t)side * (size_t)side * sizeof *bufs);
    if (!det || !bufs) {
        free(det);
        free(bufs);
        return smp__fail(msg, SMP_ERR_NOMEM, "strand cover: cannot allocate a copy of the strand map");
    }
    memcpy(det, map, n); /* each pixel reads the detections about it, never the shares */
    const float *lin = smp__srgb_linear_table();
    SMP_OMP(omp parallel num_threads(nt))
    {
        float *buf = bufs + (size_t)smp__thread_id() * (size_t)side * (size_t)side;
        SMP_OMP(omp for schedule(dynamic, 16))
        for (long y = 0; y < (long)box[3]; y++)
            for (uint32_t x = 0; x < box[2]; x++)
                if (det[(size_t)y * box[2] + x])
                    map[(size_t)y * box[2] + x] = cover_px(rgb, box, det, lin, rs, step, rc, (int)x, (int)y, buf);
    }
    free(det);
    free(bufs);
    return SMP_OK;
}
