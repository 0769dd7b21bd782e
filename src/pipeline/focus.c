/* SPDX-License-Identifier: BSD-2-Clause */
/* The photo's own blur, from the scale-space behaviour of its edges and
 * thin lines (after Zhuo & Sim 2011, "Defocus map estimation from a single
 * image"), read on a pyramid.
 *
 * Gradients of linear luminance (optics blur light, not sRGB codes) are taken
 * with Gaussian derivatives at scales K = 1, 2 px. A straight step edge of
 * contrast A blurred by a Gaussian of sigma s has, at scale k, a gradient
 * profile across it that is a Gaussian of variance V = s^2 + k^2 with peak
 * A / sqrt(2 pi V). The peaks' ratio R at scales ka < kb gives
 *     R^2 = (s^2 + kb^2) / (s^2 + ka^2),  s^2 = (kb^2 - R^2 ka^2) / (R^2 - 1),
 * whatever A. Each peak is read to sub-pixel: the log of a Gaussian profile
 * is a parabola, so three samples across the edge (along the quantised
 * gradient direction) give an ideal edge's exact peak wherever it lies.
 * Edges are local maxima of the 2 px gradient above a noise threshold (a
 * multiple of the cell's median gradient) and a contrast floor; an edge with
 * an opposite gradient within reach is one side of a line or narrow patch
 * and is skipped (its partner skews the ratio), as are JPEG block boundaries
 * and clipped highlights (green or blue at 250+).
 *
 * A thin line (a hair: most of what a scalp offers) of integrated contrast
 * C has at its centre a cross second derivative C / (sqrt(2 pi) V^1.5); it
 * is read as the central difference of the gradient (a factor
 * exp(-h^2 / 2V), modelled), and the ratio at two scales is solved for s by
 * bisection. Lines are ridge maxima of the 2 px Hessian, anisotropic, with
 * little gradient on their axis.
 *
 * The pair (1, 2 px) resolves s of about 0.3..2 px: beyond, R is so near 1
 * that fine noise, JPEG ringing and sharpening, which raise the 1 px
 * gradient most, make blurred edges read sharp (a defocused scalp rim read
 * 0.8 px). So the pair reads three levels: the photo, and images of its 2x2
 * and 4x4 area means. A level of s x s means is itself an area-sampled photo
 * whose blur is sigma / s, so the same estimator, its reading times s, sees
 * 1..4 px at level 1 and 2..8 px at level 2, where noise is s times fainter
 * than the blurred edges. Lines are read at level 0 only: a short hair is
 * a blob at coarse levels and reads too blurred.
 *
 * Each reading goes into its cell's histogram for its level (0.1 px bins).
 * A level's value at a cell is the median of its readings (sharpening and
 * noise bias single readings both ways), over the 3x3 cells about it at the
 * coarse levels (they hold few edges) and for cells under POOL_PX. The
 * cell's value goes coarse to fine: the coarsest level reading at least its
 * TRUST_PX (the middle of the range it shares with the finer one), else
 * level 0's. Cells with no value take the mean of their filled neighbours,
 * ring by ring; a 3x3 median drops lone cells (a soft blemish's edges read
 * as blur) and a 3x3 binomial filter smooths the grid.
 *
 * The box is processed by rows of cells and levels, each band with its
 * gradients computed MG level px beyond it (the image's edge replicated),
 * each writing only its own cells' histograms, so the result does not depend
 * on the threads. Level 0 reads only the middle ROWS_MIN rows of a cell (its
 * hundreds of readings are plenty); squared gradient magnitudes and a
 * vectorised first test per row keep it cheap. */
#include "focus.h"
#include "color.h"
#include "image.h"
#include "select.h"
#include "dmath.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define NSC 2             /* gradient scales K[q], level px */
#define NLEV 3            /* levels: the photo, then 2x2 and 4x4 area means */
#define MG 8              /* margin of gradients around a band, level px: the pair check's reach */
#define ROWS_MIN 40       /* level 0 reads the middle ROWS_MIN rows of larger cells */
#define CELL_MM 4.0
#define CELL_MIN 24
#define CELL_MAX 256
#define MIN_CONTRAST 0.04f /* an edge's step (a line's contrast x width, px) over the luminance, at least */
#define LUM_FLOOR 0.01f   /* linear luminance: dark noise is not contrast */
#define OPPOSITE 0.25f    /* an opposite gradient this strong near an edge: a line, not an edge */
#define LINE_GAIN 1.0f    /* a thin line's flank gradient over K[1] times its centre's curvature */
#define OFF_CENTRE 0.3f   /* gradient over K[1] |l1| at most: on a line's axis, not an edge's foot */
#define ANISO 0.5f        /* a line's along-curvature over its across-curvature, at most */
#define CLIP_CODE 250     /* sRGB codes at or above: clipped */
#define NBIN 96           /* histogram bins of BIN_PX */
#define BIN_PX 0.1
#define SIGMA_MAX 8.0
#define QUANTILE 0.5      /* of a cell's readings */
#define POOL_PX 32        /* smaller cells pool their neighbours' readings */
#define MIN_OWN 3         /* a coarse level's readings in a cell itself, for its value there */
#define DEFAULT_SIGMA 1.0f /* every cell, when the box has no readings at all */
#define TRUST_E0 0.35     /* trust's evidence (focus.h): none at or below */
#define TRUST_E1 0.8      /* full at or above */
#define SHARP_TRUST 0.9f  /* cells trusted this much tell the photo's in-focus blur ... */
#define SHARP_CELLS 16    /* ... when there are this many */
#define SHARP_Q 0.25      /* their lower quartile: the better-focused of them */
#define VEC 8

static const double K[NSC] = {1.0, 2.0};
/* Readings a cell needs at each level for that level's value (a coarse cell
 * holds fewer pixels), and the value (photo px) at or above which a level is
 * believed over the finer ones: the middle of the range both resolve. */
static const int MIN_EDGES[NLEV] = {20, 12, 12};
/* An edge's K[1] gradient over its cell's median at each level, at least:
 * strictest on the photo, whose noise has its own maxima. */
static const float K_NOISE[NLEV] = {3.0f, 2.0f, 1.5f};
static const double TRUST_PX[NLEV] = {0.0, 2.0, 3.0};

typedef struct kern {
    int r;
    float k0[16], k1[16]; /* half kernels G, G' for correlation, taps 0..r */
} kern;

/* One level of the pyramid: level pixel (x, y) is the mean of the photo's
 * s x s pixels from (ox + s x, oy + s y). */
typedef struct level {
    int l;                /* its index: s = 2^l */
    const float *lum;     /* iw x ih luminance, kept for the coarsest level only (else NULL: made where read) */
    const uint8_t *clip;  /* iw x ih: a pixel clipped, likewise */
    int s, ox, oy, iw, ih;
    int bx, by, w, h;     /* the box in level pixels */
    int rw;               /* gradient columns (w + 2 MG, rounded to VEC) from bx - MG */
} level;

typedef struct ctx {
    const smp_image *img;
    const float *to_lin; /* color.c's shared sRGB table */
    int x0, y0, w, h, cell, gw, gh, m; /* m: lum reach beyond the gradients */
    level lv[NLEV];
    kern k[NSC];
    uint32_t *hist; /* gw * gh * NLEV * NBIN */
    bool jpeg;
} ctx;

/* One thread's buffers. Gradient rows cover a band and MG rows around it. */
typedef struct work {
    float *lum;           /* lr x lw */
    uint8_t *clip;        /* lr x lw: whether each lum pixel is clipped */
    float *ra, *rb;       /* lr x rw each: rows by G and G' at one scale */
    float *gx, *gy, *mag; /* NSC x rh x rw each: the gradient at each scale, its squared magnitude */
    float *sel;           /* cell x cell: a cell's gradients, for their median */
    float *row;           /* 3 rw: per column, its cell's threshold squared, the threshold, a candidate */
} work;

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Sampled G and G' for correlation, corrected to exact moments (sum G = 1,
 * sum t G' = 1), which small sigmas otherwise miss. */
static void kern_make(kern *k, double s)
{
    k->r = (int)ceil(3.0 * s);
    double s0 = 0, s1 = 0;
    for (int t = -k->r; t <= k->r; t++) {
        const double g = smp__exp(-0.5 * t * t / (s * s));
        s0 += g;
        s1 += t * t * g;
    }
    for (int t = 0; t <= k->r; t++) {
        const double g = smp__exp(-0.5 * t * t / (s * s));
        k->k0[t] = (float)(g / s0);
        k->k1[t] = (float)(t * g / s1);
    }
}

static float level_px(const ctx *c, const level *S, int x, int y, uint8_t *clip);

static inline float photo_lum(const ctx *c, const uint8_t *p, uint8_t *clip);

/* One row of level L's luminance and clipping from column xs, n wide, into
 * dst and cdst (edges replicated). Levels 0 and 1 are read row by row from
 * the photo (the same sums as level_px, in the same order: the same
 * values), the photo's last column and row by level_px. */
static void lum_row(const ctx *c, const level *L, int y, int xs, int n, float *dst, uint8_t *cdst)
{
    const int W = L->l ? L->iw : (int)c->img->w, H = L->l ? L->ih : (int)c->img->h;
    const int j0 = -xs > 0 ? -xs : 0, j1 = W - xs < n ? W - xs : n;
    const int PW = (int)c->img->w, PH = (int)c->img->h;
    y = clampi(y, 0, H - 1);
    int j = j0;
    if (!L->lum && L->l == 0) {
        const uint8_t *p = c->img->px + ((size_t)y * (size_t)PW + (size_t)(xs + j)) * 3;
        for (; j < j1; j++, p += 3) {
            uint8_t k = 0;
            dst[j] = photo_lum(c, p, &k);
            cdst[j] = k;
        }
    } else if (!L->lum && L->l == 1 && L->oy + 2 * y + 1 < PH) {
        const size_t stride = (size_t)PW * 3;
        const uint8_t *r0 = c->img->px + (size_t)(L->oy + 2 * y) * stride;
        for (; j < j1 && L->ox + 2 * (xs + j) + 1 < PW; j++) {
            const uint8_t *p = r0 + (size_t)(L->ox + 2 * (xs + j)) * 3;
            uint8_t k = 0;
            const float a = photo_lum(c, p, &k) + photo_lum(c, p + 3, &k) + photo_lum(c, p + stride, &k) +
                            photo_lum(c, p + stride + 3, &k);
            dst[j] = 0.25f * a;
            cdst[j] = k;
        }
    }
    for (; j < j1; j++) {
        uint8_t k = 0;
        dst[j] = level_px(c, L, xs + j, y, &k);
        cdst[j] = k;
    }
    for (j = 0; j < j0; j++)
        dst[j] = dst[j0], cdst[j] = cdst[j0];
    for (j = j1; j < n; j++)
        dst[j] = dst[j1 - 1], cdst[j] = cdst[j1 - 1];
}

/* lum = level rows [ry0 - m, ry0 + rh + m), columns [bx - MG - m, bx - MG + rw + m). */
static void band_lum(const ctx *c, const level *L, work *wk, int ry0, int rh)
{
    const int lw = L->rw + 2 * c->m, lr = rh + 2 * c->m;
    for (int i = 0; i < lr; i++)
        lum_row(c, L, ry0 - c->m + i, L->bx - MG - c->m, lw, wk->lum + (size_t)i * lw, wk->clip + (size_t)i * lw);
}

/* Row pass of scale q: ra = lum by G, rb = lum by G' along x, over the
 * rows that scale's column pass reads (whole rows per tap: vectorised). */
SMP_WIDE_SIMD static void band_rows(const ctx *c, const level *L, work *wk, int q, int lr)
{
    const int rw = L->rw, lw = rw + 2 * c->m;
    const kern *k = &c->k[q];
    for (int i = c->m - k->r; i < lr - c->m + k->r; i++) {
        const float *restrict src = wk->lum + (size_t)i * lw + c->m;
        float *restrict a = wk->ra + (size_t)i * rw, *restrict b = wk->rb + (size_t)i * rw;
        const float k00 = k->k0[0];
        SMP_OMP(omp simd)
        for (int j = 0; j < rw; j++) {
            a[j] = k00 * src[j];
            b[j] = 0.0f;
        }
        for (int t = 1; t <= k->r; t++) {
            const float c0 = k->k0[t], c1 = k->k1[t];
            const float *restrict p = src + t, *restrict n = src - t;
            SMP_OMP(omp simd)
            for (int j = 0; j < rw; j++) {
                    a[j] += c0 * (p[j] + n[j]);
                    b[j] += c1 * (p[j] - n[j]);
                }
        }
    }
}

/* Column pass of scale q at gradient row y: the gradient and its squared
 * magnitude. */
SMP_WIDE_SIMD static void band_cols(const ctx *c, const level *L, work *wk, int q, int rh, int y)
{
    const int rw = L->rw;
    const kern *k = &c->k[q];
    const size_t o = (size_t)(y + c->m) * rw, g = ((size_t)q * rh + y) * rw;
    const float *restrict a = wk->ra + o, *restrict b = wk->rb + o;
    float *restrict gx = wk->gx + g, *restrict gy = wk->gy + g, *restrict mag = wk->mag + g;
    const float k00 = k->k0[0];
    SMP_OMP(omp simd)
    for (int j = 0; j < rw; j++) {
        gx[j] = k00 * b[j];
        gy[j] = 0.0f;
    }
    for (int t = 1; t <= k->r; t++) {
        const float c0 = k->k0[t], c1 = k->k1[t];
        const float *restrict bu = b + (ptrdiff_t)t * rw, *restrict bd = b - (ptrdiff_t)t * rw;
        const float *restrict au = a + (ptrdiff_t)t * rw, *restrict ad = a - (ptrdiff_t)t * rw;
        SMP_OMP(omp simd)
        for (int j = 0; j < rw; j++) {
                gx[j] += c0 * (bu[j] + bd[j]);
                gy[j] += c1 * (au[j] - ad[j]);
            }
    }
    SMP_OMP(omp simd)
    for (int j = 0; j < rw; j++)
        mag[j] = gx[j] * gx[j] + gy[j] * gy[j];
}

/* The peak of a Gaussian profile sampled at -1, 0, 1 (log values); false
 * when the samples do not make a peak within reach of the middle. */
static inline bool log_peak(float lm, float l0, float lp, float reach, float *peak)
{
    const float a = 0.5f * (lp + lm) - l0, b = 0.5f * (lp - lm);
    if (!(a < 0.0f) || fabsf(b) > -2.0f * a * reach)
        return false;
    *peak = l0 - b * b / (4.0f * a);
    return true;
}

/* The log peak of scale q's profile through gradient pixel i along d. */
static inline bool scale_peak(const float *mq, size_t i, ptrdiff_t d, float reach, float *peak)
{
    return log_peak(0.5f * logf(mq[i - d] + 1e-38f), 0.5f * logf(mq[i] + 1e-38f), 0.5f * logf(mq[i + d] + 1e-38f),
                    reach, peak);
}

/* True when green or blue is clipped in the 5x5 level pixels about
 * gradient pixel (j, y) of the band (red alone often is on light skin; it
 * weighs little in luminance), read from the band's clip rows, which
 * replicate the level's edges as a clamp would. */
static bool clipped(const ctx *c, const level *L, const work *wk, int j, int y)
{
    const int lw = L->rw + 2 * c->m;
    for (int dy = -2; dy <= 2; dy++) {
        const uint8_t *row = wk->clip + (size_t)(y + c->m + dy) * lw + c->m + j;
        for (int dx = -2; dx <= 2; dx++)
            if (row[dx])
                return true;
    }
    return false;
}

/* True when a JPEG's 8x8 block boundary lies next to (ix, iy) across the
 * axis direction d: blocking makes steps sharper than the optics. */
static inline bool on_block(const ctx *c, const level *L, ptrdiff_t d, int ix, int iy)
{
    if (!c->jpeg || L->s != 1)
        return false;
    if (d == 1)
        return ix % 8 == 7 || ix % 8 == 0;
    if (d == L->rw)
        return iy % 8 == 7 || iy % 8 == 0;
    return false;
}

/* sigma^2 (px^2, pixel box not removed) from the log peaks of scales qa < qb;
 * < 0 when the ratio is impossible for a lone edge. */
static double pair_sigma2(float pa, float pb, int qa, int qb)
{
    const double r2 = smp__exp(2.0 * ((double)pa - pb)), ka = K[qa] * K[qa], kb = K[qb] * K[qb];
    if (r2 > 1.1 * kb / ka)
        return -1.0;
    if (r2 <= 1.0 + 1e-6)
        return SIGMA_MAX * SIGMA_MAX;
    return fmax((kb - r2 * ka) / (r2 - 1.0), 0.0);
}

/* True when, within reach steps of d either side of gradient pixel i, the
 * K[1] gradient turns against i's by more than OPPOSITE of it: the edge is
 * one side of a line or of a narrow patch, whose other side skews the ratio. */
static bool has_partner(const work *wk, size_t i, ptrdiff_t d, int reach)
{
    const float gx = wk->gx[i], gy = wk->gy[i], lim = -OPPOSITE * (gx * gx + gy * gy);
    for (int t = 1; t <= reach; t++)
        if (gx * wk->gx[i + t * d] + gy * wk->gy[i + t * d] < lim ||
            gx * wk->gx[i - t * d] + gy * wk->gy[i - t * d] < lim)
            return true;
    return false;
}

/* The blur sigma (level px, pixel box removed) of the edge at gradient
 * pixel (j, y), level pixel (ix, iy), or -1 when it is not a usable edge. */
static float edge_sigma(const ctx *c, const level *L, const work *wk, int rh, int j, int y, int ix, int iy,
                        float thr2)
{
    const int rw = L->rw, lw = rw + 2 * c->m;
    const size_t i = (size_t)y * rw + j, plane = (size_t)rh * rw;
    const float *m1 = wk->mag, *m2 = m1 + plane;
    const float gx = wk->gx[plane + i], gy = wk->gy[plane + i], ax = fabsf(gx), ay = fabsf(gy), v = m2[i];
    if (v < thr2)
        return -1.0f;
    /* The neighbour across the edge: one of 4 directions. */
    const ptrdiff_t d = ay <= 0.4142f * ax   ? 1
                        : ax <= 0.4142f * ay ? (ptrdiff_t)rw
                        : gx * gy > 0        ? (ptrdiff_t)rw + 1
                                             : (ptrdiff_t)rw - 1;
    float p1, p2;
    if (!(v > m2[i - d] && v >= m2[i + d]) || !scale_peak(m2, i, d, 0.75f, &p2) ||
        !scale_peak(m1, i, d, 1.0f, &p1))
        return -1.0f;
    double s2 = pair_sigma2(p1, p2, 0, 1);
    if (s2 < 0)
        return -1.0f;
    const int reach = (int)ceil(2.5 * sqrt(s2 + K[1] * K[1]) / (d == 1 || d == rw ? 1.0 : 1.4142));
    const float lum = wk->lum[(size_t)(y + c->m) * lw + j + c->m] + LUM_FLOOR;
    if (expf(p2) * sqrtf((float)(2.0 * SMP_PI * (s2 + K[1] * K[1]))) < MIN_CONTRAST * lum ||
        on_block(c, L, d, ix, iy) || has_partner(wk, plane + i, d, reach < MG ? reach : MG) || clipped(c, L, wk, j, y))
        return -1.0f;
    s2 -= 1.0 / 12.0;
    return s2 > 0 ? (float)fmin(sqrt(s2), SIGMA_MAX) : 0.0f;
}

/* The second derivative of scale q across the quantised direction d (of
 * length h px) at gradient pixel i, by the central difference of its
 * gradient. */
static inline float cross_d2(const work *wk, size_t plane, int q, size_t i, ptrdiff_t d, float ux, float uy,
                             float h)
{
    const float *gx = wk->gx + plane * q, *gy = wk->gy + plane * q;
    return ((gx[i + d] - gx[i - d]) * ux + (gy[i + d] - gy[i - d]) * uy) / (2.0f * h);
}

/* The peak of scale q's cross second derivative near gradient pixel i
 * (a parabola through i - d, i, i + d). */
static float line_peak(const work *wk, size_t plane, int q, size_t i, ptrdiff_t d, float ux, float uy, float h)
{
    const float lm = cross_d2(wk, plane, q, i - d, d, ux, uy, h), l0 = cross_d2(wk, plane, q, i, d, ux, uy, h),
                lp = cross_d2(wk, plane, q, i + d, d, ux, uy, h);
    const float a = 0.5f * (lp + lm) - l0, b = 0.5f * (lp - lm);
    if (a * l0 >= 0.0f || fabsf(b) > fabsf(a))
        return l0;
    return l0 - b * b / (4.0f * a);
}

/* The model of a thin line's log cross second derivative at scale k (by a
 * central difference of step h) for blur variance s2, up to a constant. */
static inline double line_model(double s2, double k, double h)
{
    const double v = s2 + k * k;
    return -1.5 * smp__log(v) - 0.5 * h * h / v;
}

/* sigma^2 of a thin line from its second derivatives at scales qa < qb:
 * the root of the model's log ratio by bisection; < 0 when impossible. */
static double line_sigma2(float da, float db, int qa, int qb, double h)
{
    if (!(da * db > 0.0f))
        return -1.0;
    const double r = smp__log((double)da / db);
    double lo = 0.0, hi = SIGMA_MAX * SIGMA_MAX;
    if (r > line_model(lo, K[qa], h) - line_model(lo, K[qb], h) + 0.3)
        return -1.0;
    if (r >= line_model(lo, K[qa], h) - line_model(lo, K[qb], h))
        return 0.0;
    if (r <= line_model(hi, K[qa], h) - line_model(hi, K[qb], h))
        return hi;
    for (int it = 0; it < 40; it++) {
        const double mid = 0.5 * (lo + hi);
        if (line_model(mid, K[qa], h) - line_model(mid, K[qb], h) > r)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The blur sigma (level px, pixel box removed) of a thin line (a hair, a
 * crease) centred at gradient pixel (j, y), level pixel (ix, iy), or -1. */
static float line_sigma(const ctx *c, const level *L, const work *wk, int rh, int j, int y, int ix, int iy,
                        float thr)
{
    const int rw = L->rw;
    const size_t i = (size_t)y * rw + j, plane = (size_t)rh * rw;
    const float *gx = wk->gx + plane, *gy = wk->gy + plane;
    const float hxx = 0.5f * (gx[i + 1] - gx[i - 1]), hyy = 0.5f * (gy[i + rw] - gy[i - rw]);
    const float hxy = 0.25f * (gx[i + rw] - gx[i - rw] + gy[i + 1] - gy[i - 1]);
    if ((fabsf(hxx) + fabsf(hyy) + 2.0f * fabsf(hxy)) * (float)K[1] * LINE_GAIN < thr)
        return -1.0f;
    const float tr = 0.5f * (hxx + hyy), dd = sqrtf(0.25f * (hxx - hyy) * (hxx - hyy) + hxy * hxy);
    const float l1 = fabsf(tr + dd) >= fabsf(tr - dd) ? tr + dd : tr - dd, l2 = 2.0f * tr - l1;
    if (fabsf(l1) * (float)K[1] * LINE_GAIN < thr || fabsf(l2) > ANISO * fabsf(l1) ||
        wk->mag[plane + i] > OFF_CENTRE * OFF_CENTRE * l1 * l1 * (float)(K[1] * K[1]))
        return -1.0f;
    /* The normal: l1's eigenvector, quantised to one of 4 directions. */
    const float nx = hxy, ny = l1 - hxx, n2 = nx * nx + ny * ny;
    const float ex = n2 > 1e-30f ? nx : 1.0f, ey = n2 > 1e-30f ? ny : 0.0f, ax = fabsf(ex), ay = fabsf(ey);
    const ptrdiff_t d = ay <= 0.4142f * ax   ? 1
                        : ax <= 0.4142f * ay ? (ptrdiff_t)rw
                        : ex * ey > 0        ? (ptrdiff_t)rw + 1
                                             : (ptrdiff_t)rw - 1;
    /* (vx, uy): d's unit vector; h: its length. */
    const float h = d == 1 || d == rw ? 1.0f : 1.4142f, uy = (float)(d == 1 ? 0 : 1) / h;
    const float vx = (float)(d == rw ? 0 : d == (ptrdiff_t)rw - 1 ? -1 : 1) / h;
    const float d0 = cross_d2(wk, plane, 1, i, d, vx, uy, h);
    if (fabsf(d0) <= fabsf(cross_d2(wk, plane, 1, i - d, d, vx, uy, h)) ||
        fabsf(d0) < fabsf(cross_d2(wk, plane, 1, i + d, d, vx, uy, h)) || on_block(c, L, d, ix, iy) ||
        clipped(c, L, wk, j, y))
        return -1.0f;
    const float p2 = line_peak(wk, plane, 1, i, d, vx, uy, h);
    double s2 = line_sigma2(line_peak(wk, plane, 0, i, d, vx, uy, h), p2, 0, 1, h);
    if (s2 < 0)
        return -1.0f;
    /* The line's contrast times its width, px, from the model at K[1]. */
    const double v = s2 + K[1] * K[1], lum = wk->lum[(size_t)(y + c->m) * (rw + 2 * c->m) + j + c->m] + LUM_FLOOR;
    if (fabs(p2) * sqrt(2.0 * SMP_PI) * smp__pow(v, 1.5) * smp__exp(0.5 * h * h / v) < MIN_CONTRAST * lum)
        return -1.0f;
    s2 -= 1.0 / 12.0;
    return s2 > 0 ? (float)fmin(sqrt(s2), SIGMA_MAX) : 0.0f;
}


/* The first level pixel (from the box's) of cell i at level L. */
static inline int cell_edge(const ctx *c, const level *L, int i) { return (i * c->cell + L->s - 1) / L->s; }

/* The noise threshold of cell column cx in a band of n rows at level l:
 * K_NOISE times the median K[1] gradient over the cell, squared (at level
 * 0, over every other row and column: thousands of pixels are plenty). */
static float cell_threshold(const ctx *c, int l, work *wk, int rh, int n, int cx)
{
    const level *L = &c->lv[l];
    const int e1 = cell_edge(c, L, cx + 1), j0 = MG + cell_edge(c, L, cx), j1 = MG + (e1 < L->w ? e1 : L->w);
    const float *m2 = wk->mag + (size_t)rh * L->rw;
    const int st = l ? 1 : 2;
    size_t k = 0;
    for (int y = MG; y < MG + n; y += st)
        for (int j = j0; j < j1; j += st)
            wk->sel[k++] = m2[(size_t)y * L->rw + j];
    if (k == 0) /* a narrow box's last cell can have no column at a coarse level: nothing to read there */
        return 0.0f;
    return K_NOISE[l] * K_NOISE[l] * smp__kth_float(wk->sel, k, k / 2);
}

/* The candidates of gradient row y, into wk->row[2 rw..3 rw): nonzero where
 * the first test of an edge (or, with lines, of a line) passes. */
SMP_WIDE_SIMD static void row_candidates(const level *L, const work *wk, int rh, int y, bool lines)
{
    const int rw = L->rw;
    const size_t o = (size_t)rh * rw + (size_t)y * rw;
    const float *restrict m2 = wk->mag + o, *restrict gx = wk->gx + o, *restrict gy = wk->gy + o;
    const float *restrict t2 = wk->row, *restrict t1 = wk->row + rw;
    float *restrict flag = wk->row + 2 * (size_t)rw;
    const float gain = (float)K[1] * LINE_GAIN, on = lines ? 1.0f : 0.0f;
    SMP_OMP(omp simd)
    for (int j = MG; j < MG + L->w; j++) {
        const float hxx = 0.5f * (gx[j + 1] - gx[j - 1]), hyy = 0.5f * (gy[j + rw] - gy[j - rw]);
        const float hxy = 0.25f * (gx[j + rw] - gx[j - rw] + gy[j + 1] - gy[j - 1]);
        const float hs = (fabsf(hxx) + fabsf(hyy) + 2.0f * fabsf(hxy)) * gain;
        flag[j] = (m2[j] >= t2[j] ? 1.0f : 0.0f) + (hs >= t1[j] ? on : 0.0f);
    }
}

/* One row of cells at level l: cell row cy (at level 0, its middle rows
 * when the cell is large: a sample of its many readings is enough). */
static void do_band(const ctx *c, work *wk, int l, int cy)
{
    const level *L = &c->lv[l];
    const int e0 = cell_edge(c, L, cy), e1 = cell_edge(c, L, cy + 1) < L->h ? cell_edge(c, L, cy + 1) : L->h;
    const int n = l || e1 - e0 <= ROWS_MIN ? e1 - e0 : ROWS_MIN, r0 = e0 + (e1 - e0 - n) / 2;
    const int ry0 = L->by + r0 - MG, rh = n + 2 * MG;
    if (n <= 0)
        return;
    band_lum(c, L, wk, ry0, rh);
    for (int q = 0; q < NSC; q++) {
        band_rows(c, L, wk, q, rh + 2 * c->m);
        for (int y = 0; y < rh; y++)
            band_cols(c, L, wk, q, rh, y);
    }
    for (int cx = 0; cx < c->gw; cx++) {
        const int e = cell_edge(c, L, cx + 1) < L->w ? cell_edge(c, L, cx + 1) : L->w;
        const float t = cell_threshold(c, l, wk, rh, n, cx);
        for (int j = MG + cell_edge(c, L, cx); j < MG + e; j++)
            wk->row[j] = t, wk->row[L->rw + j] = sqrtf(t);
    }
    uint32_t *hist = c->hist + (size_t)cy * c->gw * NLEV * NBIN + (size_t)l * NBIN;
    for (int y = MG; y < MG + n; y++) {
        row_candidates(L, wk, rh, y, l == 0);
        for (int j = MG; j < MG + L->w; j++) {
            if (wk->row[2 * L->rw + j] == 0.0f)
                continue;
            const int cx = (j - MG) * L->s / c->cell, ix = L->bx - MG + j;
            float s = edge_sigma(c, L, wk, rh, j, y, ix, ry0 + y, wk->row[j]);
            if (s < 0.0f && l == 0)
                s = line_sigma(c, L, wk, rh, j, y, ix, ry0 + y, wk->row[L->rw + j]);
            if (s < 0.0f)
                continue;
            s *= (float)L->s;
            const int b = (int)(s / BIN_PX) < NBIN - 1 ? (int)(s / BIN_PX) : NBIN - 1;
            hist[(size_t)cx * NLEV * NBIN + b]++;
        }
    }
}

static void work_free(work *ws, int n)
{
    for (int i = 0; ws && i < n; i++) {
        free(ws[i].lum);
        free(ws[i].clip);
    }
    free(ws);
}

/* n workspaces for bands of the box's width; NULL when out of memory. */
static work *work_alloc(const ctx *c, int n)
{
    /* A band's rows: level 0's sample, or a cell at level 1. */
    const int nr = c->cell <= ROWS_MIN ? c->cell : ROWS_MIN > (c->cell + 1) / 2 ? ROWS_MIN : (c->cell + 1) / 2;
    const size_t rw = (size_t)c->lv[0].rw, lw = rw + 2 * (size_t)c->m, rh = (size_t)nr + 2 * MG,
                 lr = rh + 2 * (size_t)c->m;
    const size_t e = (size_t)c->cell * nr, g = 3 * rw;
    size_t a, b, d, floats, bytes;
    if (!smp__mul(lr, lw, &a) || !smp__mul(lr, rw, &b) || !smp__mul(rh, rw, &d) ||
        (floats = a + 2 * b + 3 * NSC * d + e + g) < a || !smp__mul(floats, sizeof(float), &bytes))
        return NULL;
    work *ws = calloc((size_t)n, sizeof *ws);
    for (int i = 0; ws && i < n; i++) {
        float *f = malloc(bytes);
        uint8_t *cl = malloc(a);
        if (!f || !cl) {
            free(f);
            free(cl);
            work_free(ws, i);
            return NULL;
        }
        float *r = f + a + 2 * b;
        ws[i] = (work){.lum = f, .clip = cl, .ra = f + a, .rb = f + a + b, .gx = r, .gy = r + NSC * d,
                       .mag = r + 2 * NSC * d, .sel = r + 3 * NSC * d, .row = r + 3 * NSC * d + e};
    }
    return ws;
}

/* The QUANTILE of a histogram, or NAN with fewer than min readings. */
static float hist_value(const uint32_t *h, int min)
{
    uint64_t n = 0, acc = 0;
    for (int b = 0; b < NBIN; b++)
        n += h[b];
    if (n < (uint64_t)min)
        return NAN;
    const double want = QUANTILE * (double)n;
    for (int b = 0; b < NBIN; b++) {
        if ((double)(acc + h[b]) >= want && h[b] > 0)
            return (float)(BIN_PX * (b + (want - (double)acc) / h[b]));
        acc += h[b];
    }
    return (float)(BIN_PX * NBIN);
}

/* Level l's value at cell (x, y): the QUANTILE of its readings over the
 * cells within r of it (r = 0 at level 0 with cells of POOL_PX or more, 1
 * otherwise: fewer, noisier readings); NAN with fewer than MIN_EDGES
 * there, or, at coarser levels, fewer than MIN_OWN in the cell itself. */
static float level_value(const ctx *c, int l, int x, int y)
{
    uint32_t h[NBIN] = {0};
    const int r = l || c->cell < POOL_PX ? 1 : 0;
    uint64_t own = 0;
    for (int v = y - r; v <= y + r; v++)
        for (int u = x - r; u <= x + r; u++) {
            if (u < 0 || v < 0 || u >= c->gw || v >= c->gh)
                continue;
            const uint32_t *g = c->hist + ((size_t)v * c->gw + u) * NLEV * NBIN + (size_t)l * NBIN;
            for (int b = 0; b < NBIN; b++)
                h[b] += g[b], own += u == x && v == y ? g[b] : 0;
        }
    return l && own < MIN_OWN ? NAN : hist_value(h, MIN_EDGES[l]);
}

/* A cell's value from its levels, coarse to fine: the coarsest reading at
 * least its level's TRUST_PX (finer levels cannot resolve that much blur:
 * noise and sharpening make it read sharp there), else level 0's; NAN when
 * that has none (a coarse level's reading below its TRUST_PX is too coarse
 * for the sharp detail that level 0 would see). */
static float cell_value(const ctx *c, int x, int y)
{
    for (int l = NLEV - 1; l > 0; l--) {
        const float v = level_value(c, l, x, y);
        if (v >= (float)TRUST_PX[l])
            return v;
    }
    return level_value(c, 0, x, y);
}

/* Empty (NAN) cells take the mean of their filled 8-neighbours, ring by
 * ring (tmp: gw * gh floats); all of them DEFAULT_SIGMA when none is filled. */
static void fill_empty(float *v, float *tmp, int gw, int gh)
{
    for (bool more = true; more;) {
        more = false;
        bool any = false;
        memcpy(tmp, v, sizeof *v * (size_t)gw * gh);
        for (int y = 0; y < gh; y++)
            for (int x = 0; x < gw; x++) {
                if (!isnan(tmp[(size_t)y * gw + x])) {
                    any = true;
                    continue;
                }
                double s = 0;
                int k = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        const int u = x + dx, w = y + dy;
                        if (u >= 0 && w >= 0 && u < gw && w < gh && !isnan(tmp[(size_t)w * gw + u]))
                            s += tmp[(size_t)w * gw + u], k++;
                    }
                if (k)
                    v[(size_t)y * gw + x] = (float)(s / k);
                more = true;
            }
        if (!any) {
            for (size_t i = 0; i < (size_t)gw * gh; i++)
                v[i] = DEFAULT_SIGMA;
            return;
        }
    }
}

/* out = the median of v over each cell's 3x3 neighbourhood (those in the
 * grid): a lone cell reading apart from all around it (a soft blemish's
 * edges read as blur) is an outlier, not the optics. */
static void median3(const float *v, float *out, int gw, int gh)
{
    for (int y = 0; y < gh; y++)
        for (int x = 0; x < gw; x++) {
            float n[9];
            int k = 0;
            for (int w = y - 1; w <= y + 1; w++)
                for (int u = x - 1; u <= x + 1; u++)
                    if (u >= 0 && w >= 0 && u < gw && w < gh)
                        n[k++] = v[(size_t)w * gw + u];
            for (int a = 1; a < k; a++)
                for (int b = a; b > 0 && n[b - 1] > n[b]; b--) {
                    const float t = n[b];
                    n[b] = n[b - 1];
                    n[b - 1] = t;
                }
            out[(size_t)y * gw + x] = k % 2 ? n[k / 2] : 0.5f * (n[k / 2 - 1] + n[k / 2]);
        }
}

/* out = v filtered by a 3x3 binomial (weights renormalised at the grid's
 * edge), clamped to 0..SIGMA_MAX. */
static void smooth(const float *v, float *out, int gw, int gh)
{
    static const float wt[3] = {1, 2, 1};
    for (int y = 0; y < gh; y++)
        for (int x = 0; x < gw; x++) {
            float s = 0, ws = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    const int u = x + dx, w = y + dy;
                    if (u < 0 || w < 0 || u >= gw || w >= gh)
                        continue;
                    s += wt[dx + 1] * wt[dy + 1] * v[(size_t)w * gw + u];
                    ws += wt[dx + 1] * wt[dy + 1];
                }
            const float r = s / ws;
            out[(size_t)y * gw + x] = r < 0.0f ? 0.0f : r > (float)SIGMA_MAX ? (float)SIGMA_MAX : r;
        }
}

/* Cell (x, y)'s trust (focus.h): the smoothstep of its evidence, the
 * level-1 readings over the 3x3 cells about it less those of the one with
 * most (a lone blemish), per level-1 px of a cell's side (integer sums: no
 * order to depend on). */
static float cell_trust(const ctx *c, int x, int y)
{
    uint64_t n = 0, most = 0;
    int k = 0;
    for (int v = y - 1; v <= y + 1; v++)
        for (int u = x - 1; u <= x + 1; u++) {
            if (u < 0 || v < 0 || u >= c->gw || v >= c->gh)
                continue;
            const uint32_t *g = c->hist + ((size_t)v * c->gw + u) * NLEV * NBIN + NBIN;
            uint64_t m = 0;
            for (int b = 0; b < NBIN; b++)
                m += g[b];
            n += m;
            most = m > most ? m : most;
            k++;
        }
    const double e = k > 1 ? (double)(n - most) * 8.0 / (k - 1) / (0.5 * c->cell) : 0.0;
    const double t = (e - TRUST_E0) / (TRUST_E1 - TRUST_E0);
    return t <= 0 ? 0.0f : t >= 1 ? 1.0f : (float)(t * t * (3 - 2 * t));
}

static smp_status check_args(const smp_image *rgb, const uint32_t box[4], double ppm, const smp_focus *out, char *msg)
{
    if (!out)
        return smp__fail(msg, SMP_ERR_ARG, "focus map: no output");
    return smp__check_photo_box(rgb, box, ppm, "focus map", msg);
}

/* out->sharp_px (focus.h) from its sigma and trust grids of n cells. With
 * too few trusted cells (a photo whose detail is hairs, which level 1 does
 * not read, and smooth skin: the bundled sample), from all cells: soft
 * features read blurrier than the optics, not sharper, so the sharper
 * quarter of the frame still tells its in-focus blur (the sample's stubble,
 * 0.55 px, where its bald skin's mottle reads 1.5-2.8 px). */
static smp_status sharp_blur(smp_focus *out, size_t n, char *msg)
{
    float *v = malloc(sizeof(float) * n);
    if (!v) {
        smp__focus_free(out);
        return smp__fail(msg, SMP_ERR_NOMEM, "focus map: cannot allocate %zu cells", n);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (out->trust[i] >= SHARP_TRUST)
            v[m++] = out->sigma[i];
    if (m < SHARP_CELLS)
        for (m = 0; m < n; m++)
            v[m] = out->sigma[m];
    out->sharp_px = m >= SHARP_CELLS ? smp__kth_float(v, m, (size_t)(SHARP_Q * (double)m)) : NAN;
    free(v);
    return SMP_OK;
}

/* The grid from the histograms into out->sigma (allocated here). */
static smp_status finish(const ctx *c, smp_focus *out, char *msg)
{
    const size_t n = (size_t)c->gw * c->gh;
    float *v = malloc(sizeof(float) * n * 2);
    if (!v)
        return smp__fail(msg, SMP_ERR_NOMEM, "focus map: cannot allocate a %dx%d grid", c->gw, c->gh);
    for (size_t i = 0; i < n; i++)
        v[i] = cell_value(c, (int)(i % (size_t)c->gw), (int)(i / (size_t)c->gw));
    fill_empty(v, v + n, c->gw, c->gh);
    median3(v, v + n, c->gw, c->gh);
    smooth(v + n, v, c->gw, c->gh);
    float *p = realloc(v, sizeof(float) * n); /* shrink; keep v on failure */
    out->sigma = p ? p : v;
    if (!(out->trust = malloc(sizeof(float) * n))) {
        free(out->sigma);
        out->sigma = NULL;
        return smp__fail(msg, SMP_ERR_NOMEM, "focus map: cannot allocate a %dx%d grid", c->gw, c->gh);
    }
    for (size_t i = 0; i < n; i++)
        out->trust[i] = cell_trust(c, (int)(i % (size_t)c->gw), (int)(i / (size_t)c->gw));
    return sharp_blur(out, n, msg);
}

/* Level pixel (x, y) of S (the photo at level 0), coordinates clamped:
 * its luminance, and whether it is clipped. Levels 1.. are made here from
 * the level below, as 2x2 means (none is stored: a level-2 pixel reads 16
 * of the photo's), the sum in the same order whichever pixel asks, so a
 * value does not depend on where it is read from. */
static inline float photo_lum(const ctx *c, const uint8_t *p, uint8_t *clip)
{
    *clip |= p[1] >= CLIP_CODE || p[2] >= CLIP_CODE;
    return 0.2126f * c->to_lin[p[0]] + 0.7152f * c->to_lin[p[1]] + 0.0722f * c->to_lin[p[2]];
}

static inline float photo_px(const ctx *c, int x, int y, uint8_t *clip)
{
    return photo_lum(c, c->img->px + ((size_t)clampi(y, 0, (int)c->img->h - 1) * c->img->w +
                                      (size_t)clampi(x, 0, (int)c->img->w - 1)) * 3, clip);
}

/* A pixel of level 1 (S) from the photo. */
static inline float level1_px(const ctx *c, const level *S, int x, int y, uint8_t *clip)
{
    const int u = S->ox + 2 * clampi(x, 0, S->iw - 1), v = S->oy + 2 * clampi(y, 0, S->ih - 1);
    uint8_t k = 0;
    const float a = photo_px(c, u, v, &k) + photo_px(c, u + 1, v, &k) + photo_px(c, u, v + 1, &k) +
                    photo_px(c, u + 1, v + 1, &k);
    *clip |= k;
    return 0.25f * a;
}

static float level_px(const ctx *c, const level *S, int x, int y, uint8_t *clip)
{
    if (S->lum) {
        const size_t i = (size_t)clampi(y, 0, S->ih - 1) * S->iw + (size_t)clampi(x, 0, S->iw - 1);
        *clip |= S->clip[i];
        return S->lum[i];
    }
    if (S->l == 0)
        return photo_px(c, x, y, clip);
    if (S->l == 1)
        return level1_px(c, S, x, y, clip);
    /* level 2 (NLEV is 3) from level 1 */
    const level *B = S - 1;
    const int dx = (S->ox - B->ox) / B->s, dy = (S->oy - B->oy) / B->s;
    const int u = dx + 2 * clampi(x, 0, S->iw - 1), v = dy + 2 * clampi(y, 0, S->ih - 1);
    uint8_t k = 0;
    const float a = level1_px(c, B, u, v, &k) + level1_px(c, B, u + 1, v, &k) + level1_px(c, B, u, v + 1, &k) +
                    level1_px(c, B, u + 1, v + 1, &k);
    *clip |= k;
    return 0.25f * a;
}

/* Level pixel (x, y) of level 2 (S): level_px's value, read straight off
 * the photo's 4 x 4 pixels where none of its coordinates is clamped (the
 * same sums in the same order). */
static float level2_px(const ctx *c, const level *S, int x, int y, uint8_t *clip)
{
    const level *B = S - 1;
    const int u = (S->ox - B->ox) / B->s + 2 * x, v = (S->oy - B->oy) / B->s + 2 * y;
    const int px = S->ox + 4 * x, py = S->oy + 4 * y;
    if (S->l != 2 || u + 1 >= B->iw || v + 1 >= B->ih || px + 3 >= (int)c->img->w || py + 3 >= (int)c->img->h)
        return level_px(c, S, x, y, clip);
    const size_t stride = (size_t)c->img->w * 3;
    const uint8_t *p = c->img->px + (size_t)py * stride + (size_t)px * 3;
    float l1[4];
    uint8_t k = 0;
    for (int i = 0; i < 4; i++) { /* the level-1 pixels (u, v), (u + 1, v), (u, v + 1), (u + 1, v + 1) */
        const uint8_t *q = p + (size_t)(i >> 1) * 2 * stride + (size_t)(i & 1) * 6;
        uint8_t kk = 0;
        const float a = photo_lum(c, q, &kk) + photo_lum(c, q + 3, &kk) + photo_lum(c, q + stride, &kk) +
                        photo_lum(c, q + stride + 3, &kk);
        k |= kk;
        l1[i] = 0.25f * a;
    }
    *clip |= k;
    return 0.25f * (l1[0] + l1[1] + l1[2] + l1[3]);
}

/* The geometry of level l (s = 2^l) over the box and its margins: the
 * origin on the box's corner's grid, the margins cut at the photo's edge. */
static void level_geometry(ctx *c, int l)
{
    level *L = &c->lv[l];
    const int s = 1 << l, k = MG + c->m + 1, W = (int)c->img->w, H = (int)c->img->h;
    if (l == 0) {
        *L = (level){.s = 1, .iw = W, .ih = H, .bx = c->x0, .by = c->y0, .w = c->w, .h = c->h};
    } else {
        const int kx = c->x0 / s < k ? c->x0 / s : k, ky = c->y0 / s < k ? c->y0 / s : k;
        const int xe = c->x0 + c->w + s * k < W ? c->x0 + c->w + s * k : W;
        const int ye = c->y0 + c->h + s * k < H ? c->y0 + c->h + s * k : H;
        *L = (level){.l = l, .s = s, .ox = c->x0 - s * kx, .oy = c->y0 - s * ky, .bx = kx, .by = ky,
                     .w = (c->w + s - 1) / s, .h = (c->h + s - 1) / s};
        L->iw = (xe - L->ox + s - 1) / s;
        L->ih = (ye - L->oy + s - 1) / s;
    }
    L->rw = (L->w + 2 * MG + VEC - 1) / VEC * VEC;
}

/* The levels' histograms of every cell row, in parallel. */
static smp_status run_bands(ctx *c, int nt, char *msg)
{
    for (int l = 0; l < NLEV; l++)
        level_geometry(c, l);
    /* The coarsest level is kept (1/16 of the box: made on the fly it
     * would read 16 photo pixels per pixel, several times over); level 1
     * is made where read. */
    level *T = &c->lv[NLEV - 1];
    const size_t tn = (size_t)T->iw * T->ih;
    char *blk = malloc(tn * (sizeof(float) + 1));
    work *ws = blk ? work_alloc(c, nt) : NULL;
    if (!ws) {
        free(blk);
        return smp__fail(msg, SMP_ERR_NOMEM, "focus map: cannot allocate %d band buffers for %d columns", nt, c->w);
    }
    float *tl = (float *)(void *)blk;
    uint8_t *tc = (uint8_t *)blk + tn * sizeof(float);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for num_threads(nt) schedule(static))
    for (int y = 0; y < T->ih; y++)
        for (int x = 0; x < T->iw; x++) {
            uint8_t k = 0;
            tl[(size_t)y * T->iw + x] = level2_px(c, T, x, y, &k);
            tc[(size_t)y * T->iw + x] = k;
        }
    T->lum = tl;
    T->clip = tc;
    SMP_OMP(omp parallel num_threads(nt))
    {
        work *wk = &ws[smp__thread_id()];
        SMP_OMP(omp for schedule(dynamic, 1))
        for (int t = 0; t < NLEV * c->gh; t++)
            do_band(c, wk, t / c->gh, t % c->gh);
    }
    work_free(ws, nt);
    c->lv[NLEV - 1].lum = NULL;
    c->lv[NLEV - 1].clip = NULL;
    free(blk);
    return SMP_OK;
}

smp_status smp__focus_map(const smp_image *rgb, const uint32_t box[4], double px_per_mm, smp_focus *out, int threads,
                          char *msg)
{
    smp_status st = check_args(rgb, box, px_per_mm, out, msg);
    if (st != SMP_OK)
        return st;
    memset(out, 0, sizeof *out);
    ctx c = {.img = rgb, .x0 = (int)box[0], .y0 = (int)box[1], .w = (int)box[2], .h = (int)box[3]};
    c.to_lin = smp__srgb_linear_table();
    c.jpeg = rgb->format == SMP_FORMAT_JPEG;
    c.cell = clampi((int)lround(CELL_MM * px_per_mm), CELL_MIN, CELL_MAX);
    c.gw = (c.w + c.cell - 1) / c.cell;
    c.gh = (c.h + c.cell - 1) / c.cell;
    for (int q = 0; q < NSC; q++)
        kern_make(&c.k[q], K[q]);
    c.m = c.k[NSC - 1].r;
    level_geometry(&c, 0);
    size_t nh;
    if (!smp__mul((size_t)c.gw * c.gh, NLEV * NBIN, &nh) || !(c.hist = calloc(nh, sizeof *c.hist)))
        return smp__fail(msg, SMP_ERR_NOMEM, "focus map: cannot allocate %dx%d cell histograms", c.gw, c.gh);
    int nt = smp__threads(threads);
    nt = nt > c.gh ? c.gh : nt < 1 ? 1 : nt;
    st = run_bands(&c, nt, msg);
    if (st == SMP_OK)
        st = finish(&c, out, msg);
    free(c.hist);
    if (st != SMP_OK)
        return st;
    *out = (smp_focus){out->sigma, (uint32_t)c.gw, (uint32_t)c.gh, (uint32_t)c.cell, {box[0], box[1], box[2], box[3]},
                       out->trust, out->sharp_px};
    return SMP_OK;
}
void smp__focus_free(smp_focus *f)
{
    if (!f)
        return;
    free(f->sigma);
    free(f->trust);
    memset(f, 0, sizeof *f);
}

float smp__focus_at(const smp_focus *f, double x, double y)
{
    if (!f || !f->sigma || !f->gw || !f->gh || !f->cell_px)
        return 0.0f;
    double u = (x - f->box[0]) / f->cell_px - 0.5, v = (y - f->box[1]) / f->cell_px - 0.5;
    u = u < 0 ? 0 : u > f->gw - 1 ? f->gw - 1 : u;
    v = v < 0 ? 0 : v > f->gh - 1 ? f->gh - 1 : v;
    const uint32_t i = (uint32_t)u < f->gw - 1 ? (uint32_t)u : f->gw - 1, j = (uint32_t)v < f->gh - 1 ? (uint32_t)v : f->gh - 1;
    const uint32_t i1 = i + 1 < f->gw ? i + 1 : i, j1 = j + 1 < f->gh ? j + 1 : j;
    const double a = u - i, b = v - j;
    const float *s = f->sigma;
    return (float)((1 - b) * ((1 - a) * s[j * f->gw + i] + a * s[j * f->gw + i1]) +
                   b * ((1 - a) * s[j1 * f->gw + i] + a * s[j1 * f->gw + i1]));
}

float smp__focus_trust_at(const smp_focus *f, double x, double y)
{
    if (!f)
        return 0.0f;
    smp_focus g = *f; /* the same bilinear read of the other grid */
    g.sigma = f->trust;
    return smp__focus_at(&g, x, y);
}
