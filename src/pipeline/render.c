/* SPDX-License-Identifier: BSD-2-Clause */
/* Dot rasteriser: pigment under skin, accumulated as optical depth in
 * linear light, parallel over row bands.
 *
 * Each dot adds to every pixel it reaches the optical depth
 * load * od[c] * p_c (see optics.h): a sharp core and a wide halo per
 * channel, each the dot's ellipse blurred by a Gaussian. A pixel integrates
 * the profile over its unit box, which adds the variance 1/12 along any
 * direction: sampling at pixel centres a profile widened accordingly stands
 * for that integral, so a 0.3 px dot darkens its pixel by its area instead
 * of vanishing or growing to a pixel. Where a term's sigma is under
 * NORM_SIGMA px, the samples no longer sum to the integral, so its weights
 * are scaled to sum to the ellipse's area exactly: the depth a dot deposits
 * is conserved at any scale.
 *
 * A wide halo (every channel's sigma at least HALF_MIN_SIGMA px of a grid
 * at half the resolution) is drawn on that half-resolution grid and added
 * to the band by bilinear interpolation (weights 3/4 and 1/4 per axis), which
 * keeps its sum: the interpolation's own spread (variance 2/3 px²) is taken
 * off the halo's. A dot then costs its core's few pixels at full resolution
 * and a quarter of its halo's. Where the photo's own blur widens a dot's
 * core as far (its sigma at least HALF_MIN_SIGMA px of the half grid too:
 * the crown's softer half), the core goes to the half grid with its halo,
 * the two drawn as one: a dot there costs a quarter of its pixels.
 *
 * Once a band's depths are in, each pixel's diffuse light is multiplied by
 * exp(-depth): the photo's shine (a specular map) stays on top, and hair
 * strands lie over the pigment: a pixel keeps the hair's share of its light
 * (the strand map, smp__strand_cover), and the skin's rest darkens.
 *
 * Bands of rows are independent: a dot crossing a band boundary is added by
 * each band it touches, clipped, in dot order, so no two threads write one
 * pixel and the bytes do not depend on the thread count. Pixels no dot
 * reaches are never written. */
#include "render.h"
#include "color.h"
#include "image.h"
#include "dmath.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define BAND SMP_RENDER_BAND
#define REACH_CORE 3.5f /* sigmas: the core's edge is 0.02 % of its depth there */
#define REACH_HALO 2.5f /* the halo is faint: under 1 % darkening at 2.5 sigmas; its tail's depth is kept (term_scale) */
#define NORM_SIGMA 0.8f /* at or above, pixel samples of a Gaussian sum to its integral within 1e-5 */
#define HALF_MIN_SIGMA 1.0f /* px of the half-resolution grid: the narrowest halo drawn there */
#define UPSAMPLE_VAR (2.0f / 3.0f) /* px²: the spread bilinear interpolation from the half grid adds */

/* A dot in pixels, as drawn. Its depth per channel is a function of the
 * ellipse-radius alone, tabulated per dot every RADIAL_RES px (coarser for
 * dots so large they would need over RADIAL_MAX entries). */
#define RADIAL_RES 0.2f
#define RADIAL_MAX 4096
/* The radial tables kept for all dots at most (floats): 16 MB; the 12 MP
 * crown's 16 650 dots take 3.0 M floats (12 MB), the studio's 2000 x 1500
 * crown's 26 000 dots 3.1 M. Past it each band makes its dots' tables. */
#define TABLES_MAX (4u << 20)

typedef struct pdot {
    float x, y, a, b, c, s; /* centre, semi-axes, the major axis's direction */
    float r;                /* sqrt(a b): the radius of the same area */
    float depth[3];         /* load * od per channel */
    float sig[4];           /* effective sigmas in px: core, halo R G B (with the photo's blur) */
    float k[4];             /* weight scale: core, halo R G B */
    float reach;            /* px from the centre beyond which nothing is drawn */
    float qa, qb, qc;       /* squared ellipse-radius = qa dx² + qb dx dy + qc dy² */
    float step;             /* the radial table's step in px */
    int n;                  /* its entries */
    int terms;              /* which terms it draws: TERMS_ALL, or a core or halo of a half-resolution halo */
    size_t tab;             /* its radial table's first float in the renderer's tables (when kept) */
    bool on_half;           /* drawn on the half-resolution grid */
    bool none;              /* nothing to draw (a core drawn on the half grid with its halo) */
} pdot;

enum { TERMS_ALL, TERMS_CORE, TERMS_HALO };

/* exp(-a) for a depth a: a table every 1/EXP_STEPS, times a short series
 * for the rest (under 1/EXP_STEPS, so its error is below 1e-11); 0 from
 * EXP_MAX on (e^-24 = 4e-11 of the light). Three of libm's expf per
 * darkened pixel were a sixth of the crown's render. */
#define EXP_STEPS 64
#define EXP_MAX 24
#define EXP_N (EXP_STEPS * EXP_MAX + 1)

typedef struct render_ctx {
    float exp_tab[EXP_N];
    float sig2[4];     /* sigmas² in px²: core, halo R G B, with the pixel's box */
    int half;          /* halos on the half-resolution grid: each dot is two pdots, core then halo */
    float sig2h[3];    /* the halo's sigmas² there, full-resolution px², less the interpolation's */
    float sig2h0;      /* the core's there */
    float share[3];    /* halo share per channel */
    const float *to_lin;
    const uint8_t *to_srgb;
    const smp_skin_maps *skin;
    smp_image *img;
} render_ctx;

static inline float term(int t, const pdot *d, float rho)
{
    return smp__disc_at(rho / d->sig[t], d->r / d->sig[t]);
}

/* Weight scale of term t, so that its depth integrates to the ellipse's
 * area: where pixel samples of the profile sum to its integral (sigma of
 * NORM_SIGMA px or more), from the radial integral up to the dot's reach
 * (the tail beyond it is folded in); else from the sum of its samples as
 * drawn: read from its radial values v (d->n of them), interpolated, cut at
 * the reach. */
static float term_scale(int t, const pdot *d, const float *v)
{
    double sum = 0;
    if (d->sig[t] >= NORM_SIGMA) {
        float v0 = v[0];
        for (int i = 0; i < d->n - 2; i++) { /* trapezoids of P(rho) 2 pi rho, as drawn */
            const float r0 = (float)i * d->step, r1 = (float)(i + 1) * d->step, v1 = v[i + 1];
            sum += 0.5 * d->step * (v0 * r0 + v1 * r1) * 2 * SMP_PI;
            v0 = v1;
        }
        return sum > 0 ? (float)(SMP_PI * d->r * d->r / sum) : 0.0f;
    }
    const float reach = d->a + REACH_CORE * d->sig[t];
    const int x0 = (int)floorf(d->x - reach), x1 = (int)floorf(d->x + reach);
    const int y0 = (int)floorf(d->y - reach), y1 = (int)floorf(d->y + reach);
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            const float dx = (float)x + 0.5f - d->x, dy = (float)y + 0.5f - d->y;
            const float f = sqrtf(d->qa * dx * dx + d->qb * dx * dy + d->qc * dy * dy) / d->step;
            if (!(f < (float)(d->n - 2)))
                continue;
            const int i = (int)f;
            sum += v[i] + (f - (float)i) * (v[i + 1] - v[i]);
        }
    return sum > 0 ? (float)(SMP_PI * d->a * d->b / sum) : 0.0f;
}

#ifdef __wasm_simd128__
/* term_values' loop four values at a time with WebAssembly SIMD, the
 * scalar loop's arithmetic lane by lane (so the same floats), while four
 * remain of the n; returns the first value left to it. Beyond the profile
 * (fu at NU - 1 or more) a lane reads entry 0 and is then set to 0. */
static int term_values4(int n, float step, float sig, float av, const float *r0, const float *r1, float *v)
{
    const v128_t vstep = wasm_f32x4_splat(step), vsig = wasm_f32x4_splat(sig), lut = wasm_f32x4_splat(SMP_LUT_STEP);
    const v128_t end = wasm_f32x4_splat(SMP_LUT_NU - 1), vav = wasm_f32x4_splat(av);
    int i = 0;
    for (; i + 3 < n; i += 4) {
        const v128_t fi = wasm_f32x4_convert_i32x4(wasm_i32x4_make(i, i + 1, i + 2, i + 3));
        const v128_t fu = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_mul(fi, vstep), vsig), lut);
        const v128_t out = wasm_f32x4_ge(fu, end);
        if (wasm_i32x4_all_true(out)) { /* and every value after */
            for (; i < n; i++)
                v[i] = 0.0f;
            return n;
        }
        const v128_t viu = wasm_v128_andnot(wasm_i32x4_trunc_sat_f32x4(fu), out);
        const v128_t au = wasm_f32x4_sub(fu, wasm_f32x4_convert_i32x4(viu));
        int32_t iu[4];
        wasm_v128_store(iu, viu);
        const v128_t a0 = wasm_f32x4_make(r0[iu[0]], r0[iu[1]], r0[iu[2]], r0[iu[3]]);
        const v128_t a1 = wasm_f32x4_make(r0[iu[0] + 1], r0[iu[1] + 1], r0[iu[2] + 1], r0[iu[3] + 1]);
        const v128_t b0 = wasm_f32x4_make(r1[iu[0]], r1[iu[1]], r1[iu[2]], r1[iu[3]]);
        const v128_t b1 = wasm_f32x4_make(r1[iu[0] + 1], r1[iu[1] + 1], r1[iu[2] + 1], r1[iu[3] + 1]);
        const v128_t a = wasm_f32x4_add(a0, wasm_f32x4_mul(au, wasm_f32x4_sub(a1, a0)));
        const v128_t b = wasm_f32x4_add(b0, wasm_f32x4_mul(au, wasm_f32x4_sub(b1, b0)));
        wasm_v128_store(v + i, wasm_v128_andnot(wasm_f32x4_add(a, wasm_f32x4_mul(vav, wasm_f32x4_sub(b, a))), out));
    }
    return i;
}
#endif

/* Term t's radial values of a dot, d->n of them d->step apart: the disc
 * profile's row for the dot's radius looked up once, not per value (the
 * same arithmetic as smp__disc_at, so the same floats). */
static void term_values(int t, const pdot *d, float *v)
{
    const float sig = d->sig[t], rv = d->r / sig;
    if (rv >= SMP_LUT_VMAX) {
        for (int i = 0; i < d->n; i++)
            v[i] = term(t, d, (float)i * d->step);
        return;
    }
    const float fv = rv * SMP_LUT_STEP;
    const int iv = (int)fv;
    const float av = fv - (float)iv;
    const float *r0 = smp__disc_lut.v[iv], *r1 = smp__disc_lut.v[iv + 1 < SMP_LUT_NV ? iv + 1 : iv];
    int i = 0;
#ifdef __wasm_simd128__
    i = term_values4(d->n, d->step, sig, av, r0, r1, v);
#endif
    for (; i < d->n; i++) {
        const float fu = ((float)i * d->step / sig) * SMP_LUT_STEP;
        if (fu >= SMP_LUT_NU - 1) {
            v[i] = 0.0f;
            continue;
        }
        const int iu = (int)fu;
        const float au = fu - (float)iu;
        const float a = r0[iu] + au * (r0[iu + 1] - r0[iu]), b = r1[iu] + au * (r1[iu + 1] - r1[iu]);
        v[i] = a + av * (b - a);
    }
}

/* A dot as drawn: its terms (all, or the core or the halo alone) at a
 * scale of the image (1, or 0.5 for the half-resolution grid). */
static void prepare_dot(const render_ctx *c, const smp_dot *in, double ppm, const float od[3], int terms, bool on_half,
                        pdot *d)
{
    const double f = on_half ? 0.5 : 1.0;
    d->on_half = on_half;
    d->none = false;
    const double r = in->diameter_mm * 0.5 * ppm * f, e = in->aspect >= 1 ? sqrt(in->aspect) : 1.0;
    d->terms = terms;
    d->x = (float)(in->x_mm * ppm * f);
    d->y = (float)(in->y_mm * ppm * f);
    d->a = (float)(r * e);
    d->b = (float)(r / e);
    d->r = (float)r;
    double sa, ca;
    smp__sincos(in->angle, &sa, &ca);
    d->c = (float)ca;
    d->s = (float)sa;
    for (int ch = 0; ch < 3; ch++)
        d->depth[ch] = in->opacity * od[ch];
    /* The photo's own blur widens every term: Gaussians add in variance. */
    const double blur = in->blur_mm > 0 ? in->blur_mm * ppm : 0;
    for (int t = 0; t < 4; t++)
        d->sig[t] = (float)(f * sqrt((on_half ? t ? c->sig2h[t - 1] : c->sig2h0 : c->sig2[t]) + blur * blur));
    const float wide = d->sig[1] > d->sig[0] ? d->sig[1] : d->sig[0];
    if (terms == TERMS_CORE)
        d->reach = d->r + REACH_CORE * d->sig[0];
    else if (terms == TERMS_HALO)
        d->reach = d->r + REACH_HALO * d->sig[1];
    else {
        d->reach = d->r + REACH_HALO * wide;
        if (d->reach < d->r + REACH_CORE * d->sig[0])
            d->reach = d->r + REACH_CORE * d->sig[0];
    }
    const float r2 = d->r * d->r, ia = 1 / (d->a * d->a), ib = 1 / (d->b * d->b);
    d->qa = r2 * (d->c * d->c * ia + d->s * d->s * ib);
    d->qb = r2 * 2 * d->c * d->s * (ia - ib);
    d->qc = r2 * (d->s * d->s * ia + d->c * d->c * ib);
    d->step = RADIAL_RES;
    if (d->reach / d->step > RADIAL_MAX - 2)
        d->step = d->reach / (RADIAL_MAX - 2);
    d->n = (int)(d->reach / d->step) + 2;
    d->tab = 0;
}

/* Whether a dot's core, widened by the photo's blur, is wide enough for
 * the half-resolution grid (with halos there at all). */
static bool core_on_half(const render_ctx *c, const smp_dot *in, double ppm)
{
    const double blur = in->blur_mm > 0 ? in->blur_mm * ppm : 0;
    return c->half && c->sig2h0 + blur * blur >= 4 * HALF_MIN_SIGMA * HALF_MIN_SIGMA;
}

/* A dot as the renderer keeps it: with half-resolution halos, pdots 2i
 * (the core at full resolution, or nothing) and 2i + 1 (the halo, or the
 * whole dot, on the half grid); else pdot i. */
static void prepare_pair(const render_ctx *c, const smp_dot *in, double ppm, const float od[3], pdot *d)
{
    if (!c->half) {
        prepare_dot(c, in, ppm, od, TERMS_ALL, false, d);
        return;
    }
    if (core_on_half(c, in, ppm)) {
        prepare_dot(c, in, ppm, od, TERMS_ALL, true, &d[1]);
        d[0] = d[1];
        d[0].none = true; /* its place and reach bound the bands, nothing is drawn */
        return;
    }
    prepare_dot(c, in, ppm, od, TERMS_CORE, false, &d[0]);
    prepare_dot(c, in, ppm, od, TERMS_HALO, true, &d[1]);
}

/* The radial values of the terms a dot draws, into v (room for 4 x
 * RADIAL_MAX: term t from v + t * RADIAL_MAX). */
static bool term_used(const pdot *d, int t) { return t == 0 ? d->terms != TERMS_HALO : d->terms != TERMS_CORE; }

static void dot_values(const pdot *d, float *v)
{
    for (int t = 0; t < 4; t++)
        if (term_used(d, t))
            term_values(t, d, v + (size_t)t * RADIAL_MAX);
}

/* The dot's weight scales from its radial values. */
static void dot_scales(pdot *d, const float *v)
{
    for (int t = 0; t < 4; t++)
        d->k[t] = term_used(d, t) ? term_scale(t, d, v + (size_t)t * RADIAL_MAX) : 0.0f;
}

/* The dot's depth per channel against ellipse-radius, from its radial
 * values: d->n entries d->step apart, interleaved R G B. */
static void radial_table(const render_ctx *c, const pdot *d, const float *v, float *tab)
{
    const float *core_v = v, *halo_v[3] = {v + RADIAL_MAX, v + 2 * RADIAL_MAX, v + 3 * RADIAL_MAX};
    if (d->terms == TERMS_CORE) {
        for (int i = 0; i < d->n; i++) {
            const float core = d->k[0] * core_v[i];
            for (int ch = 0; ch < 3; ch++)
                tab[3 * i + ch] = d->depth[ch] * (1 - c->share[ch]) * core;
        }
        return;
    }
    if (d->terms == TERMS_HALO) {
        for (int i = 0; i < d->n; i++)
            for (int ch = 0; ch < 3; ch++)
                tab[3 * i + ch] = d->depth[ch] * c->share[ch] * (d->k[1 + ch] * halo_v[ch][i]);
        return;
    }
    for (int i = 0; i < d->n; i++) {
        const float core = d->k[0] * core_v[i];
        for (int ch = 0; ch < 3; ch++) {
            const float halo = d->k[1 + ch] * halo_v[ch][i];
            tab[3 * i + ch] = d->depth[ch] * ((1 - c->share[ch]) * core + c->share[ch] * halo);
        }
    }
}

/* A dot's radial table: the one kept for it (tabs), or made into tab from
 * its values (v) when the tables were too large to keep. */
static const float *dot_table(const render_ctx *c, const pdot *d, const float *tabs, float *tab, float *v)
{
    if (tabs)
        return tabs + d->tab;
    dot_values(d, v);
    radial_table(c, d, v, tab);
    return tab;
}

#ifdef __wasm_simd128__
/* add_dot's row, four pixels at a time with WebAssembly SIMD, from pixel x
 * while four remain up to xr; returns the first pixel left to the scalar
 * loop. Each lane does the scalar loop's arithmetic in its order (IEEE
 * single precision, no contraction), so the same floats. A pixel's three
 * channels are one vector (its 4th lane 0): the table's entries i and
 * i + 1 are loaded four floats at a time (entry i + 2's first float is in
 * the table: i <= n - 3), and the row's too but at the buffer's last column
 * xb, whose 4th float is past the row; adding 0 leaves the next pixel's
 * depth as it was (depths are never -0). */
static int add_row4(const pdot *d, float *row, int x, int xr, int xb, float dy, float qy, float inv, float last,
                    const float *tab)
{
    const v128_t qa = wasm_f32x4_splat(d->qa), qb = wasm_f32x4_splat(d->qb), vdy = wasm_f32x4_splat(dy);
    const v128_t cx = wasm_f32x4_splat(d->x), vqy = wasm_f32x4_splat(qy), vinv = wasm_f32x4_splat(inv);
    const v128_t vlast = wasm_f32x4_splat(last), half = wasm_f32x4_splat(0.5f);
    const v128_t rgb = wasm_i32x4_make(-1, -1, -1, 0);
    for (; x + 3 <= xr; x += 4) {
        const v128_t fx = wasm_f32x4_convert_i32x4(wasm_i32x4_make(x, x + 1, x + 2, x + 3));
        const v128_t dx = wasm_f32x4_sub(wasm_f32x4_add(fx, half), cx);
        const v128_t q = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(qa, dx), dx),
                                                       wasm_f32x4_mul(wasm_f32x4_mul(qb, dx), vdy)),
                                        vqy);
        const v128_t f = wasm_f32x4_mul(wasm_f32x4_sqrt(q), vinv);
        const v128_t in = wasm_f32x4_lt(f, vlast);
        if (!wasm_v128_any_true(in))
            continue;
        const v128_t vi = wasm_i32x4_trunc_sat_f32x4(f);
        const v128_t va = wasm_f32x4_sub(f, wasm_f32x4_convert_i32x4(vi));
        int32_t ii[4], mm[4];
        float aa[4];
        wasm_v128_store(ii, vi);
        wasm_v128_store(mm, in);
        wasm_v128_store(aa, va);
        for (int k = 0; k < 4; k++) {
            if (!mm[k])
                continue;
            const float *t0 = tab + 3 * ii[k];
            const v128_t v0 = wasm_v128_load(t0), v1 = wasm_v128_load(t0 + 3);
            const v128_t add = wasm_v128_and(wasm_f32x4_add(v0, wasm_f32x4_mul(wasm_f32x4_splat(aa[k]),
                                                                              wasm_f32x4_sub(v1, v0))),
                                             rgb);
            float *p = row + 3 * (x + k);
            if (x + k < xb)
                wasm_v128_store(p, wasm_f32x4_add(wasm_v128_load(p), add));
            else {
                p[0] += wasm_f32x4_extract_lane(add, 0);
                p[1] += wasm_f32x4_extract_lane(add, 1);
                p[2] += wasm_f32x4_extract_lane(add, 2);
            }
        }
    }
    return x;
}
#endif

/* Adds one dot's depth to a buffer of rows y0..y1 (stored from row y0) and
 * columns xa..xb (stored from column xa, stride xb - xa + 1 pixels), from
 * its radial table. */
static void add_dot(const pdot *d, float *buf, int xa, int xb, int y0, int y1, const float *tab)
{
    const int fx0 = (int)floorf(d->x - d->reach), fx1 = (int)floorf(d->x + d->reach);
    const int fy0 = (int)floorf(d->y - d->reach), fy1 = (int)floorf(d->y + d->reach);
    const int x0 = fx0 < xa ? xa : fx0, x1 = fx1 > xb ? xb : fx1;
    const int ya = fy0 > y0 ? fy0 : y0, yb = fy1 < y1 ? fy1 : y1;
    if (ya > yb || x0 > x1)
        return;
    const size_t stride = (size_t)(xb - xa + 1) * 3;
    const float inv = 1 / d->step, last = (float)(d->n - 2);
    /* The row's pixels inside the table's last radius, L: where qa dx² +
     * qb dy dx + qc dy² < L², solved in double and widened by a pixel each
     * way, so that only pixels the test below refuses are left out (the
     * bounding square's corners, a fifth of it). */
    const double L = (double)last / (double)inv, qa = d->qa;
    for (int y = ya; y <= yb; y++) {
        float *row = buf + (size_t)(y - y0) * stride - (ptrdiff_t)xa * 3;
        const float dy = (float)y + 0.5f - d->y, qy = d->qc * dy * dy;
        int xl = x0, xr = x1;
        const double bq = (double)d->qb * dy, disc = bq * bq - 4 * qa * ((double)qy - L * L * 1.0001);
        if (qa > 0 && disc > 0) {
            const double sq = sqrt(disc), lo = d->x - 0.5 + (-bq - sq) / (2 * qa), hi = d->x - 0.5 + (-bq + sq) / (2 * qa);
            xl = lo - 1 > x0 ? (int)floor(lo) - 1 : x0;
            xr = hi + 1 < x1 ? (int)ceil(hi) + 1 : x1;
        }
        int x = xl;
#ifdef __wasm_simd128__
        x = add_row4(d, row, x, xr, xb, dy, qy, inv, last, tab);
#endif
        for (; x <= xr; x++) {
            const float dx = (float)x + 0.5f - d->x;
            const float f = sqrtf(d->qa * dx * dx + d->qb * dx * dy + qy) * inv;
            if (!(f < last))
                continue;
            const int i = (int)f;
            const float a = f - (float)i, *t0 = tab + 3 * i;
            for (int ch = 0; ch < 3; ch++)
                row[3 * x + ch] += t0[ch] + a * (t0[3 + ch] - t0[ch]);
        }
    }
}

/* The half-resolution rows a band of full rows y0..y1 interpolates from. */
static void half_rows(int y0, int y1, int *hy0, int *hy1)
{
    *hy0 = (y0 >> 1) - 1;
    *hy1 = (y1 >> 1) + 1;
}

/* Adds the half-resolution halos (rows hy0.., columns -1..hw) into the
 * band's rows y0..y1 by bilinear interpolation: full pixel 2i sits a
 * quarter of a half pixel before half pixel i's centre, 2i + 1 a quarter
 * after. Columns outside [xlo, xhi] (half grid) hold nothing. */
static void add_half(const float *half, int hw, int hy0, int xlo, int xhi, float *band, int w, int y0, int y1)
{
    const size_t hs = (size_t)(hw + 2) * 3;
    int x0 = 2 * xlo - 1, x1 = 2 * xhi + 2;
    x0 = x0 < 0 ? 0 : x0;
    x1 = x1 > w - 1 ? w - 1 : x1;
    for (int y = y0; y <= y1; y++) {
        const int i = y >> 1, j = y & 1 ? i + 1 : i - 1; /* the nearer half row (3/4), the farther (1/4) */
        const float *n = half + (size_t)(i - hy0) * hs + 3, *f = half + (size_t)(j - hy0) * hs + 3;
        float *row = band + (size_t)(y - y0) * w * 3;
        for (int x = x0; x <= x1; x++) {
            const int u = x >> 1, v = x & 1 ? u + 1 : u - 1;
            for (int ch = 0; ch < 3; ch++) {
                const float a = 0.75f * n[3 * u + ch] + 0.25f * n[3 * v + ch];
                const float b = 0.75f * f[3 * u + ch] + 0.25f * f[3 * v + ch];
                row[3 * x + ch] += 0.75f * a + 0.25f * b;
            }
        }
    }
}

/* A band's depths: rows y0..y1 of band (w wide, zeroed here) from the dots
 * listed (in order); half and tab are the caller's buffers. */
static void band_depths(const render_ctx *c, const pdot *dots, const float *tabs, const uint32_t *list, size_t n,
                        float *band, int w, int y0, int y1, float *half, float *tab, float *v)
{
    memset(band, 0, (size_t)(y1 - y0 + 1) * (size_t)w * 3 * sizeof *band);
    if (!c->half) {
        for (size_t k = 0; k < n; k++) {
            const pdot *d = &dots[list[k]];
            add_dot(d, band, 0, w - 1, y0, y1, dot_table(c, d, tabs, tab, v));
        }
        return;
    }
    const int hw = (w + 1) / 2;
    int hy0, hy1, xlo = hw, xhi = -1;
    half_rows(y0, y1, &hy0, &hy1);
    memset(half, 0, (size_t)(hy1 - hy0 + 1) * (size_t)(hw + 2) * 3 * sizeof *half);
    for (size_t k = 0; k < n; k++) {
        const pdot *d = &dots[2 * (size_t)list[k]], *h = d + 1;
        if (!d->none)
            add_dot(d, band, 0, w - 1, y0, y1, dot_table(c, d, tabs, tab, v));
        add_dot(h, half, -1, hw, hy0, hy1, dot_table(c, h, tabs, tab, v));
        const int a = (int)floorf(h->x - h->reach), b = (int)floorf(h->x + h->reach);
        xlo = a < xlo ? a : xlo;
        xhi = b > xhi ? b : xhi;
    }
    if (xlo <= xhi)
        add_half(half, hw, hy0, xlo < -1 ? -1 : xlo, xhi > hw ? hw : xhi, band, w, y0, y1);
}

static void exp_table(render_ctx *c)
{
    for (int i = 0; i < EXP_N; i++)
        c->exp_tab[i] = expf(-(float)i / EXP_STEPS);
}

#ifndef __wasm_simd128__ /* darken4 is its SIMD form */
static inline float exp_neg(const render_ctx *c, float a)
{
    if (!(a < (float)EXP_MAX))
        return 0.0f;
    const int i = (int)(a * (float)EXP_STEPS);
    const float f = a - (float)i * (1.0f / EXP_STEPS);
    return c->exp_tab[i] * (1.0f - f * (1.0f - f * (0.5f - f * (1.0f / 6.0f - f * (1.0f / 24.0f)))));
}
#endif

#ifdef __wasm_simd128__
/* finish_band's pixel, its three channels as one WebAssembly SIMD vector:
 * exp_neg and the rest lane by lane in the scalar code's order (so the
 * same floats and bytes); a lane from EXP_MAX on reads entry 0 and is set
 * to 0. */
static void darken4(const render_ctx *c, const float *a, const float *lin, float shine, float strand, uint8_t *p)
{
    const v128_t va = wasm_f32x4_make(a[0], a[1], a[2], 0.0f);
    const v128_t in = wasm_f32x4_lt(va, wasm_f32x4_splat((float)EXP_MAX));
    const v128_t vi = wasm_v128_and(wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(va, wasm_f32x4_splat((float)EXP_STEPS))), in);
    const v128_t f = wasm_f32x4_sub(va, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(vi), wasm_f32x4_splat(1.0f / EXP_STEPS)));
    int32_t i[4];
    wasm_v128_store(i, vi);
    const v128_t one = wasm_f32x4_splat(1.0f);
    v128_t poly = wasm_f32x4_sub(wasm_f32x4_splat(1.0f / 6.0f), wasm_f32x4_mul(f, wasm_f32x4_splat(1.0f / 24.0f)));
    poly = wasm_f32x4_sub(wasm_f32x4_splat(0.5f), wasm_f32x4_mul(f, poly));
    poly = wasm_f32x4_sub(one, wasm_f32x4_mul(f, poly));
    poly = wasm_f32x4_sub(one, wasm_f32x4_mul(f, poly));
    const v128_t e = wasm_v128_and(
        wasm_f32x4_mul(wasm_f32x4_make(c->exp_tab[i[0]], c->exp_tab[i[1]], c->exp_tab[i[2]], 0.0f), poly), in);
    const v128_t vl = wasm_f32x4_make(lin[0], lin[1], lin[2], 0.0f), vs = wasm_f32x4_splat(shine);
    v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(vl, vs), e), vs);
    v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_f32x4_sub(vl, v), wasm_f32x4_splat(strand)));
    v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f)), one); /* v < 0 ? 0 : v > 1 ? 1 : v */
    int32_t o[4];
    wasm_v128_store(o, wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_add(wasm_f32x4_mul(v, wasm_f32x4_splat(65535.0f)),
                                                                  wasm_f32x4_splat(0.5f))));
    p[0] = c->to_srgb[o[0]];
    p[1] = c->to_srgb[o[1]];
    p[2] = c->to_srgb[o[2]];
}
#endif

/* Applies a band's depths to its pixels: diffuse * exp(-depth) + shine,
 * under the strands. lev holds the shine model's block columns, spec a
 * row of its values (w). */
static void finish_band(const render_ctx *c, const float *band, int y0, int y1, float *lev, uint16_t *spec)
{
    const uint32_t w = c->img->w;
    const smp_skin_maps *m = c->skin;
    const bool model = m && !m->specular && m->shine;
    for (int y = y0; y <= y1; y++) {
        const float *row = band + (size_t)(y - y0) * w * 3;
        uint8_t *px = c->img->px + (size_t)y * w * 3;
        uint32_t xa = 0, xb = w; /* the row's darkened pixels lie in [xa, xb) */
        while (xa < w && row[3 * xa] == 0 && row[3 * xa + 1] == 0 && row[3 * xa + 2] == 0)
            xa++;
        while (xb > xa && row[3 * xb - 3] == 0 && row[3 * xb - 2] == 0 && row[3 * xb - 1] == 0)
            xb--;
        if (xa == xb)
            continue;
        /* The skin maps' part of the row: box columns [sa, sb). */
        const bool in_rows = m && (uint32_t)y >= m->box[1] && (uint32_t)y - m->box[1] < m->box[3];
        const uint32_t sa = in_rows && xa > m->box[0] ? xa : in_rows ? m->box[0] : 0;
        const uint32_t se = in_rows ? m->box[0] + m->box[2] : 0, sb = in_rows && xb < se ? xb : se;
        const size_t mrow = in_rows ? (size_t)((uint32_t)y - m->box[1]) * m->box[2] : 0;
        const bool spans = in_rows && sa < sb;
        const bool have_spec = spans && model && smp__shine_levels(m->shine, (uint32_t)y - m->box[1], lev);
        if (have_spec)
            smp__shine_span(m->shine, lev, px + (size_t)sa * 3, sa - m->box[0], sb - sa, spec);
        for (uint32_t x = xa; x < xb; x++) {
            const float *a = row + 3 * x;
            if (a[0] == 0 && a[1] == 0 && a[2] == 0)
                continue;
            uint8_t *p = px + (size_t)x * 3;
            float shine = 0, strand = 0, lin[3];
            if (spans && x >= sa && x < sb) {
                const size_t i = mrow + (x - m->box[0]);
                if (m->specular)
                    shine = m->specular[i] * (1.0f / 65535.0f);
                else if (have_spec)
                    shine = spec[x - sa] * (1.0f / 65535.0f);
                if (m->strands) /* the hair's share of the light lies over the pigment */
                    strand = smp__strand_weight(m->strands[i]);
            }
            for (int k = 0; k < 3; k++)
                lin[k] = c->to_lin[p[k]];
            float least = lin[0] < lin[1] ? lin[0] : lin[1];
            least = least < lin[2] ? least : lin[2];
            shine = shine < least ? shine : least;
#ifdef __wasm_simd128__
            darken4(c, a, lin, shine, strand, p);
#else
            for (int k = 0; k < 3; k++) {
                float v = (lin[k] - shine) * exp_neg(c, a[k]) + shine;
                v += (lin[k] - v) * strand;
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                p[k] = c->to_srgb[(int)(v * 65535.0f + 0.5f)];
            }
#endif
        }
    }
}

/* The bands [*b0, *b1] dot i reaches; false when it misses the image or
 * has no ink (a session not shown). A half-resolution halo reaches the
 * bands whose interpolation reads the half rows it touches. */
static bool band_span(const render_ctx *c, const pdot *dots, size_t i, int w, int h, int *b0, int *b1)
{
    const pdot *d = c->half ? &dots[2 * i] : &dots[i];
    if (!(d->depth[0] > 0 || d->depth[1] > 0 || d->depth[2] > 0))
        return false;
    float x0 = d->x - d->reach, x1 = d->x + d->reach, y0 = d->y - d->reach, y1 = d->y + d->reach;
    if (c->half) { /* full rows 2k, 2k + 1 per half row k; +-2 rows of interpolation */
        const pdot *hd = d + 1;
        if (d->none) /* the dot is its half-grid drawing alone */
            x0 = x1 = hd->x * 2, y0 = y1 = hd->y * 2;
        const float hx0 = 2 * floorf(hd->x - hd->reach) - 2, hx1 = 2 * floorf(hd->x + hd->reach) + 3;
        const float hy0 = 2 * floorf(hd->y - hd->reach) - 2, hy1 = 2 * floorf(hd->y + hd->reach) + 3;
        x0 = hx0 < x0 ? hx0 : x0;
        x1 = hx1 > x1 ? hx1 : x1;
        y0 = hy0 < y0 ? hy0 : y0;
        y1 = hy1 > y1 ? hy1 : y1;
    }
    if (x1 < 0 || x0 >= (float)w || y1 < 0 || y0 >= (float)h)
        return false;
    *b0 = y0 < 0 ? 0 : (int)y0 / BAND;
    *b1 = y1 >= (float)h ? (h - 1) / BAND : (int)y1 / BAND;
    return true;
}

/* Dots bucketed into the bands they reach, in dot order: start[b] ..
 * start[b + 1] index list. */
static smp_status bucket(const render_ctx *c, const pdot *dots, size_t n, int w, int h, size_t *start,
                         uint32_t **list, char *msg)
{
    const int nb = (h + BAND - 1) / BAND;
    size_t total = 0;
    int b0, b1;
    for (size_t i = 0; i < n; i++)
        if (band_span(c, dots, i, w, h, &b0, &b1)) {
            for (int b = b0; b <= b1; b++)
                start[b + 1]++;
            total += (size_t)(b1 - b0 + 1);
        }
    for (int b = 0; b < nb; b++)
        start[b + 1] += start[b];
    size_t *fill = malloc((size_t)nb * sizeof *fill);
    *list = malloc((total ? total : 1) * sizeof **list);
    if (!fill || !*list) {
        free(fill);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's band lists");
    }
    memcpy(fill, start, (size_t)nb * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        if (band_span(c, dots, i, w, h, &b0, &b1))
            for (int b = b0; b <= b1; b++)
                (*list)[fill[b]++] = (uint32_t)i;
    free(fill);
    return SMP_OK;
}

static void setup_ctx(render_ctx *c, const smp_optics *o, double ppm, bool allow_half)
{
    /* Each term's sigma widened by the pixel's own box (variance 1/12). */
    const double s0 = o->core_mm * ppm;
    c->sig2[0] = (float)(s0 * s0 + 1.0 / 12.0);
    c->half = allow_half;
    for (int ch = 0; ch < 3; ch++) {
        const double s = o->halo_mm[ch] * ppm;
        c->sig2[1 + ch] = (float)(s * s + 1.0 / 12.0);
        c->sig2h[ch] = c->sig2[1 + ch] - UPSAMPLE_VAR;
        c->share[ch] = o->halo_share[ch];
        if (!(c->sig2h[ch] >= 4 * HALF_MIN_SIGMA * HALF_MIN_SIGMA))
            c->half = 0;
    }
    c->sig2h0 = c->sig2[0] - UPSAMPLE_VAR;
}

/* Floats of a half-resolution buffer for full rows y0..y1 of width w. */
static size_t half_floats(int w, int y0, int y1)
{
    int hy0, hy1;
    half_rows(y0, y1, &hy0, &hy1);
    return (size_t)(hy1 - hy0 + 1) * (size_t)((w + 1) / 2 + 2) * 3;
}

static void draw_bands(const render_ctx *c, const pdot *dots, const float *tabs, const size_t *start,
                       const uint32_t *list, int b0, int b1, int threads, int *failed)
{
    const int w = (int)c->img->w, h = (int)c->img->h;
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel num_threads(nt))
    {
        /* Per thread: the band's depths, its half-resolution halos and,
         * without the kept tables, one dot's radial table and values. */
        float *band = malloc((size_t)BAND * (size_t)w * 3 * sizeof *band);
        float *half = c->half ? malloc(half_floats(w, 0, BAND - 1) * sizeof *half) : NULL;
        float *tab = malloc((tabs ? 1 : 7) * RADIAL_MAX * sizeof *tab), *v = tab + 3 * RADIAL_MAX;
        float *lev = malloc(((c->skin && c->skin->shine ? c->skin->shine->gw : 0) + 1) * sizeof *lev);
        uint16_t *spec = malloc((size_t)w * sizeof *spec);
        if (!band || !tab || !lev || !spec || (c->half && !half)) {
            SMP_OMP(omp atomic write)
            *failed = 1;
        }
        SMP_OMP(omp for schedule(dynamic, 1))
        for (int b = b0; b < b1; b++) {
            if (start[b] == start[b + 1] || !band || !tab || !lev || !spec || (c->half && !half))
                continue;
            const int y0 = b * BAND, y1 = y0 + BAND - 1 < h ? y0 + BAND - 1 : h - 1;
            band_depths(c, dots, tabs, list + start[b], start[b + 1] - start[b], band, w, y0, y1, half, tab, v);
            finish_band(c, band, y0, y1, lev, spec);
        }
        free(spec);
        free(lev);
        free(band);
        free(half);
        free(tab);
    }
}

static bool has_depth(const pdot *d) { return d->depth[0] > 0 || d->depth[1] > 0 || d->depth[2] > 0; }

/* Every drawn pdot's weight scales and, while they fit in TABLES_MAX
 * floats, its radial table, made once here: a table made where the dot is
 * drawn was made again for each band the dot reaches, and its values were
 * read from the disc profile twice (for the scales, then the table). In
 * parallel, each dot's work its own. Returns the tables (NULL: made per
 * band), sets *failed when out of memory. */
static float *dot_tables(const render_ctx *c, pdot *dots, size_t m, const uint8_t *used, int threads, int *failed)
{
    size_t total = 0;
    for (size_t i = 0; i < m; i++)
        if (!dots[i].none && has_depth(&dots[i]) && (!used || used[c->half ? i / 2 : i])) {
            dots[i].tab = total;
            total += 3 * (size_t)dots[i].n;
        }
    float *tabs = total <= TABLES_MAX ? malloc((total ? total : 1) * sizeof *tabs) : NULL;
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel num_threads(nt))
    {
        float *v = malloc(4 * RADIAL_MAX * sizeof *v);
        if (!v) {
            SMP_OMP(omp atomic write)
            *failed = 1;
        }
        SMP_OMP(omp for schedule(static))
        for (size_t i = 0; i < m; i++) {
            pdot *d = &dots[i];
            if (!v || d->none || !has_depth(d) || (used && !used[c->half ? i / 2 : i]))
                continue;
            dot_values(d, v);
            dot_scales(d, v);
            if (tabs)
                radial_table(c, d, v, tabs + d->tab);
        }
        free(v);
    }
    return tabs;
}

/* Rows [*lo, *hi] (pixels, as floats) outside which no dot's drawing
 * (band_span) can start or end when only bands [first, end) are drawn:
 * any dot whose centre row lies outside reaches none of those bands. A
 * bound over all dots, read off their largest radius and blur: a pdot's
 * reach is its radius and at most REACH_CORE of its widest sigma, which is
 * at most the widest term's with that blur (the half grid's sigmas are
 * narrower, and band_span's flooring and interpolation add under 4 px). */
static void rows_reached(const render_ctx *c, const smp_dot *in, size_t n, double ppm, int first, int end, int h,
                         float *lo, float *hi)
{
    double dmax = 0, bmax = 0, s2 = c->sig2[0];
    for (size_t i = 0; i < n; i++) {
        dmax = in[i].diameter_mm > dmax ? in[i].diameter_mm : dmax;
        bmax = in[i].blur_mm > bmax ? in[i].blur_mm : bmax;
    }
    for (int t = 1; t < 4; t++)
        s2 = c->sig2[t] > s2 ? c->sig2[t] : s2;
    const double b = bmax * ppm, reach = dmax * 0.5 * ppm + REACH_CORE * sqrt(s2 + b * b) + 8;
    *lo = (float)(first * BAND - reach);
    *hi = (float)((end * BAND < h ? end * BAND : h) + reach);
}

/* Every dot prepared once (not per band it touches), in parallel: each
 * dot's work is its own. With half-resolution halos dot i is pdots 2i
 * (its core) and 2i + 1 (its halo). Dots whose centre row lies outside
 * [lo, hi] (rows_reached) are left without depth: no band drawn reaches
 * them, and a part of the bands prepares only its own dots. */
static void prepare_all(const render_ctx *c, const smp_dot *in, size_t n, double ppm, const float od[][3], int n_od,
                        int max_layer, pdot *dots, float lo, float hi, int threads)
{
    static const float none[3] = {0, 0, 0};
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (size_t i = 0; i < n; i++) {
        pdot *d = &dots[c->half ? 2 * i : i];
        const double y = in[i].y_mm * ppm;
        if (!(y >= lo && y <= hi)) {
            memset(d, 0, (c->half ? 2 : 1) * sizeof *d); /* no depth: band_span skips it */
            continue;
        }
        const int hidden = max_layer && in[i].layer > max_layer;
        const float *o = hidden ? none : od[in[i].layer < n_od ? in[i].layer : n_od - 1];
        prepare_pair(c, &in[i], ppm, o, d);
    }
}

smp_status smp__render(smp_image *img, const smp_dot *in, size_t n, double ppm, const smp_optics *optics,
                       const float od[][3], int n_od, int max_layer, const smp_skin_maps *skin,
                       int threads, char *msg)
{
    const smp_render_job job = {img, in, n, ppm, optics, od, n_od, max_layer, skin, threads};
    return smp__render_bands(&job, 0, INT_MAX, msg);
}

int smp__render_band_count(uint32_t h) { return (int)((h + BAND - 1) / BAND); }

int smp__render_split(const smp_render_job *j, double share)
{
    const int h = (int)j->img->h, nb = smp__render_band_count(j->img->h);
    double *work = calloc((size_t)nb, sizeof *work);
    if (!work)
        return nb / 2;
    /* A band's work: its dots (each drawn into the bands it reaches; most
     * reach one or two) and the pixels they darken, which grow with them. */
    double total = 0;
    for (size_t i = 0; i < j->n; i++) {
        const smp_dot *d = &j->dots[i];
        if (j->max_layer && d->layer > j->max_layer)
            continue;
        const double y = d->y_mm * j->ppm;
        if (!(y >= 0 && y < h))
            continue;
        work[(int)y / BAND] += 1;
        total += 1;
    }
    int k = 0;
    for (double sum = 0; k < nb && sum + work[k] * 0.5 < share * total; k++)
        sum += work[k];
    free(work);
    return k;
}

smp_status smp__render_bands(const smp_render_job *j, int first, int end, char *msg)
{
    smp_image *img = j->img;
    const size_t n = j->n;
    if (n == 0 || j->n_od < 1)
        return SMP_OK;
    const int w = (int)img->w, h = (int)img->h, nb = (h + BAND - 1) / BAND;
    first = first < 0 ? 0 : first;
    end = end > nb ? nb : end;
    if (first >= end)
        return SMP_OK;
    render_ctx c = {.skin = j->skin, .img = img};
    setup_ctx(&c, j->optics, j->ppm, true);
    pdot *dots = malloc(n * (c.half ? 2 : 1) * sizeof *dots);
    size_t *start = calloc((size_t)nb + 1, sizeof *start);
    uint8_t *used = first > 0 || end < nb ? calloc(n, 1) : NULL;
    uint32_t *list = NULL;
    float *tabs = NULL;
    smp_status st = !(dots && start) || (!used && (first > 0 || end < nb))
                        ? smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's tables")
                        : SMP_OK;
    if (st != SMP_OK)
        goto done;
    exp_table(&c);
    c.to_lin = smp__srgb_linear_table(); /* color.c's shared tables, made once */
    c.to_srgb = smp__srgb8_table();
    float lo = -INFINITY, hi = INFINITY;
    if (used)
        rows_reached(&c, j->dots, n, j->ppm, first, end, h, &lo, &hi);
    prepare_all(&c, j->dots, n, j->ppm, j->od, j->n_od, j->max_layer, dots, lo, hi, j->threads);
    st = bucket(&c, dots, n, w, h, start, &list, msg);
    int failed = 0;
    /* Part of the bands: the tables of the dots they draw, no others (each
     * dot's table its own, so the same floats as for all). */
    if (st == SMP_OK && used)
        for (size_t k = start[first]; k < start[end]; k++)
            used[list[k]] = 1;
    if (st == SMP_OK)
        tabs = dot_tables(&c, dots, n * (c.half ? 2 : 1), used, j->threads, &failed);
    if (st == SMP_OK && !failed)
        draw_bands(&c, dots, tabs, start, list, first, end, j->threads, &failed);
    if (st == SMP_OK && failed)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's band buffers");
done:
    free(used);
    free(tabs);
    free(dots);
    free(start);
    free(list);
    return st;
}

smp_status smp__depth_field(float *depth, uint32_t w, uint32_t h, const smp_dot *in, size_t n, double ppm,
                            const smp_optics *optics, const float od[3], char *msg)
{
    return smp__depth_field_at(depth, w, h, in, n, ppm, optics, od, true, msg);
}

smp_status smp__depth_field_at(float *depth, uint32_t w, uint32_t h, const smp_dot *in, size_t n, double ppm,
                               const smp_optics *optics, const float od[3], bool allow_half, char *msg)
{
    smp_image frame = {.w = w, .h = h}; /* the size only */
    render_ctx c = {.img = &frame};
    setup_ctx(&c, optics, ppm, allow_half);
    const size_t per = c.half ? 2 : 1;
    float *tab = malloc(7 * RADIAL_MAX * sizeof *tab), *tabs = NULL;
    float *half = c.half ? malloc(half_floats((int)w, 0, (int)h - 1) * sizeof *half) : NULL;
    pdot *dots = malloc((n ? n : 1) * per * sizeof *dots);
    uint32_t *list = malloc((n ? n : 1) * sizeof *list);
    smp_status st = SMP_OK;
    if (!tab || !dots || !list || (c.half && !half))
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the radial table");
    if (st == SMP_OK) {
        for (size_t i = 0; i < n; i++) {
            prepare_pair(&c, &in[i], ppm, od, &dots[c.half ? 2 * i : i]);
            list[i] = (uint32_t)i;
        }
        int failed = 0;
        tabs = dot_tables(&c, dots, n * per, NULL, 1, &failed);
        if (failed)
            st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the radial tables");
        else
            band_depths(&c, dots, tabs, list, n, depth, (int)w, 0, (int)h - 1, half, tab, tab + 3 * RADIAL_MAX);
    }
    free(tabs);
    free(list);
    free(dots);
    free(half);
    free(tab);
    return st;
}
