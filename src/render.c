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
 * Once a band's depths are in, each pixel's diffuse light is multiplied by
 * exp(-depth): the photo's shine (a specular map) stays on top, and hair
 * strands (a strand map) lie over the pigment, so both keep their bytes.
 *
 * Bands of rows are independent: a dot crossing a band boundary is added by
 * each band it touches, clipped, in dot order, so no two threads write one
 * pixel and the bytes do not depend on the thread count. Pixels no dot
 * reaches are never written. */
#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAND 32
#define REACH_CORE 3.5f /* sigmas: the core's edge is 0.02 % of its depth there */
#define REACH_HALO 2.5f /* the halo is faint: under 1 % darkening at 2.5 sigmas; its tail's depth is kept (term_scale) */
#define NORM_SIGMA 0.8f /* at or above, pixel samples of a Gaussian sum to its integral within 1e-5 */

/* A dot in pixels, as drawn. Its depth per channel is a function of the
 * ellipse-radius alone, tabulated per dot every RADIAL_RES px (coarser for
 * dots so large they would need over RADIAL_MAX entries). */
#define RADIAL_RES 0.2f
#define RADIAL_MAX 4096

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
} pdot;

typedef struct render_ctx {
    const smp_disc_lut *lut;
    float sig2[4];     /* sigmas² in px²: core, halo R G B, with the pixel's box */
    float share[3];    /* halo share per channel */
    const float *to_lin;
    const uint8_t *to_srgb;
    const smp_skin_maps *skin;
    smp_image *img;
} render_ctx;

static inline float term(const render_ctx *c, int t, const pdot *d, float rho)
{
    return smp__disc_at(c->lut, rho / d->sig[t], d->r / d->sig[t]);
}

/* Weight scale of term t, so that its depth integrates to the ellipse's
 * area: where pixel samples of the profile sum to its integral (sigma of
 * NORM_SIGMA px or more), from the radial integral up to the dot's reach
 * (the tail beyond it is folded in); else from the sum of its samples as
 * drawn: read from its radial values, interpolated, cut at the reach. Each
 * radial value is looked up once. */
static float term_scale(const render_ctx *c, int t, const pdot *d)
{
    double sum = 0;
    float v[RADIAL_MAX];
    if (d->sig[t] >= NORM_SIGMA) {
        float v0 = term(c, t, d, 0);
        for (int i = 0; i < d->n - 2; i++) { /* trapezoids of P(rho) 2 pi rho, as drawn */
            const float r0 = (float)i * d->step, r1 = (float)(i + 1) * d->step, v1 = term(c, t, d, r1);
            sum += 0.5 * d->step * (v0 * r0 + v1 * r1) * 2 * SMP_PI;
            v0 = v1;
        }
        return sum > 0 ? (float)(SMP_PI * d->r * d->r / sum) : 0.0f;
    }
    for (int i = 0; i < d->n - 1; i++)
        v[i] = term(c, t, d, (float)i * d->step);
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

static void prepare_dot(const render_ctx *c, const smp_dot *in, double ppm, const float od[3], pdot *d)
{
    const double r = in->diameter_mm * 0.5 * ppm, e = in->aspect >= 1 ? sqrt(in->aspect) : 1.0;
    d->x = (float)(in->x_mm * ppm);
    d->y = (float)(in->y_mm * ppm);
    d->a = (float)(r * e);
    d->b = (float)(r / e);
    d->r = (float)r;
    d->c = (float)cos(in->angle);
    d->s = (float)sin(in->angle);
    for (int ch = 0; ch < 3; ch++)
        d->depth[ch] = in->opacity * od[ch];
    /* The photo's own blur widens every term: Gaussians add in variance. */
    const double blur = in->blur_mm > 0 ? in->blur_mm * ppm : 0;
    for (int t = 0; t < 4; t++)
        d->sig[t] = (float)sqrt(c->sig2[t] + blur * blur);
    const float wide = d->sig[1] > d->sig[0] ? d->sig[1] : d->sig[0];
    d->reach = d->r + REACH_HALO * wide;
    if (d->reach < d->r + REACH_CORE * d->sig[0])
        d->reach = d->r + REACH_CORE * d->sig[0];
    const float r2 = d->r * d->r, ia = 1 / (d->a * d->a), ib = 1 / (d->b * d->b);
    d->qa = r2 * (d->c * d->c * ia + d->s * d->s * ib);
    d->qb = r2 * 2 * d->c * d->s * (ia - ib);
    d->qc = r2 * (d->s * d->s * ia + d->c * d->c * ib);
    d->step = RADIAL_RES;
    if (d->reach / d->step > RADIAL_MAX - 2)
        d->step = d->reach / (RADIAL_MAX - 2);
    d->n = (int)(d->reach / d->step) + 2;
    for (int t = 0; t < 4; t++)
        d->k[t] = term_scale(c, t, d);
}

/* The dot's depth per channel against ellipse-radius: d->n entries
 * d->step apart, interleaved R G B. */
static void radial_table(const render_ctx *c, const pdot *d, float *tab)
{
    for (int i = 0; i < d->n; i++) {
        const float rho = (float)i * d->step, core = d->k[0] * term(c, 0, d, rho);
        for (int ch = 0; ch < 3; ch++) {
            const float halo = d->k[1 + ch] * term(c, 1 + ch, d, rho);
            tab[3 * i + ch] = d->depth[ch] * ((1 - c->share[ch]) * core + c->share[ch] * halo);
        }
    }
}

/* Adds one dot's depth to the band buffer (rows y0..y1 of the image,
 * stored from row y0), from its radial table. */
static void add_dot(const render_ctx *c, const pdot *d, float *band, int y0, int y1, const float *tab)
{
    const int w = (int)c->img->w;
    const int x0 = (int)floorf(d->x - d->reach) < 0 ? 0 : (int)floorf(d->x - d->reach);
    const int x1 = (int)floorf(d->x + d->reach) >= w ? w - 1 : (int)floorf(d->x + d->reach);
    const int ya = (int)floorf(d->y - d->reach) > y0 ? (int)floorf(d->y - d->reach) : y0;
    const int yb = (int)floorf(d->y + d->reach) < y1 ? (int)floorf(d->y + d->reach) : y1;
    if (ya > yb || x0 > x1)
        return;
    const float inv = 1 / d->step, last = (float)(d->n - 2);
    for (int y = ya; y <= yb; y++) {
        float *row = band + (size_t)(y - y0) * w * 3;
        const float dy = (float)y + 0.5f - d->y, qy = d->qc * dy * dy;
        for (int x = x0; x <= x1; x++) {
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

/* The photo's shine (linear, 0..1) and strand weight (0..1) at a pixel
 * whose bytes before the render are p. */
static inline void skin_at(const smp_skin_maps *m, const uint8_t *p, uint32_t x, uint32_t y, float *shine,
                           float *strand)
{
    *shine = 0;
    *strand = 0;
    if (!m || x < m->box[0] || y < m->box[1] || x - m->box[0] >= m->box[2] || y - m->box[1] >= m->box[3])
        return;
    const size_t i = (size_t)(y - m->box[1]) * m->box[2] + (x - m->box[0]);
    if (m->specular)
        *shine = m->specular[i] * (1.0f / 65535.0f);
    else if (m->shine)
        *shine = smp__shine_at(m->shine, p, x - m->box[0], y - m->box[1]) * (1.0f / 65535.0f);
    if (m->strands) /* a detected strand (128 or more) lies wholly over the pigment */
        *strand = m->strands[i] >= 128 ? 1.0f : m->strands[i] * (1.0f / 128.0f);
}

/* Applies a band's depths to its pixels: diffuse * exp(-depth) + shine,
 * under the strands. */
static void finish_band(const render_ctx *c, const float *band, int y0, int y1)
{
    const uint32_t w = c->img->w;
    for (int y = y0; y <= y1; y++) {
        const float *row = band + (size_t)(y - y0) * w * 3;
        uint8_t *px = c->img->px + (size_t)y * w * 3;
        for (uint32_t x = 0; x < w; x++, px += 3) {
            const float *a = row + 3 * x;
            if (a[0] == 0 && a[1] == 0 && a[2] == 0)
                continue;
            float shine, strand, lin[3];
            skin_at(c->skin, px, x, (uint32_t)y, &shine, &strand);
            for (int k = 0; k < 3; k++)
                lin[k] = c->to_lin[px[k]];
            float least = lin[0] < lin[1] ? lin[0] : lin[1];
            least = least < lin[2] ? least : lin[2];
            shine = shine < least ? shine : least;
            for (int k = 0; k < 3; k++) {
                float v = (lin[k] - shine) * expf(-a[k]) + shine;
                v += (lin[k] - v) * strand;
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                px[k] = c->to_srgb[(int)(v * 65535.0f + 0.5f)];
            }
        }
    }
}

/* The bands [*b0, *b1] a dot reaches; false when it misses the image or
 * has no ink (a session not shown). */
static bool band_span(const pdot *d, int w, int h, int *b0, int *b1)
{
    if (!(d->depth[0] > 0 || d->depth[1] > 0 || d->depth[2] > 0))
        return false;
    const float x0 = d->x - d->reach, x1 = d->x + d->reach, y0 = d->y - d->reach, y1 = d->y + d->reach;
    if (x1 < 0 || x0 >= (float)w || y1 < 0 || y0 >= (float)h)
        return false;
    *b0 = y0 < 0 ? 0 : (int)y0 / BAND;
    *b1 = y1 >= (float)h ? (h - 1) / BAND : (int)y1 / BAND;
    return true;
}

/* Dots bucketed into the bands they reach, in dot order: start[b] ..
 * start[b + 1] index list. */
static smp_status bucket(const pdot *dots, size_t n, int w, int h, size_t *start, uint32_t **list, char *msg)
{
    const int nb = (h + BAND - 1) / BAND;
    size_t total = 0;
    int b0, b1;
    for (size_t i = 0; i < n; i++)
        if (band_span(&dots[i], w, h, &b0, &b1)) {
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
        if (band_span(&dots[i], w, h, &b0, &b1))
            for (int b = b0; b <= b1; b++)
                (*list)[fill[b]++] = (uint32_t)i;
    free(fill);
    return SMP_OK;
}

static void setup_ctx(render_ctx *c, const smp_optics *o, double ppm)
{
    /* Each term's sigma widened by the pixel's own box (variance 1/12). */
    const double s0 = o->core_mm * ppm;
    c->sig2[0] = (float)(s0 * s0 + 1.0 / 12.0);
    for (int ch = 0; ch < 3; ch++) {
        const double s = o->halo_mm[ch] * ppm;
        c->sig2[1 + ch] = (float)(s * s + 1.0 / 12.0);
        c->share[ch] = o->halo_share[ch];
    }
}

static void draw_bands(const render_ctx *c, const pdot *dots, const size_t *start, const uint32_t *list,
                       int threads, int *failed)
{
    const int w = (int)c->img->w, h = (int)c->img->h, nb = (h + BAND - 1) / BAND;
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel num_threads(nt))
    {
        /* Per thread: the band's depths and one dot's radial table, made
         * where the dot is drawn (a dot reaching two bands makes it twice:
         * cheaper than keeping every dot's table in memory). */
        float *band = malloc((size_t)BAND * (size_t)w * 3 * sizeof *band);
        float *tab = malloc(3 * RADIAL_MAX * sizeof *tab);
        if (!band || !tab) {
            SMP_OMP(omp atomic write)
            *failed = 1;
        }
        SMP_OMP(omp for schedule(dynamic, 1))
        for (int b = 0; b < nb; b++) {
            if (start[b] == start[b + 1] || !band || !tab)
                continue;
            const int y0 = b * BAND, y1 = y0 + BAND - 1 < h ? y0 + BAND - 1 : h - 1;
            memset(band, 0, (size_t)(y1 - y0 + 1) * (size_t)w * 3 * sizeof *band);
            for (size_t k = start[b]; k < start[b + 1]; k++) {
                const pdot *d = &dots[list[k]];
                radial_table(c, d, tab);
                add_dot(c, d, band, y0, y1, tab);
            }
            finish_band(c, band, y0, y1);
        }
        free(band);
        free(tab);
    }
}

/* Every dot prepared once (not per band it touches), in parallel: each
 * dot's work is its own. */
static void prepare_all(const render_ctx *c, const smp_dot *in, size_t n, double ppm, const float od[][3], int n_od,
                        int max_layer, pdot *dots, int threads)
{
    static const float none[3] = {0, 0, 0};
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (size_t i = 0; i < n; i++) {
        const int hidden = max_layer && in[i].layer > max_layer;
        prepare_dot(c, &in[i], ppm, hidden ? none : od[in[i].layer < n_od ? in[i].layer : n_od - 1], &dots[i]);
    }
}

smp_status smp__render(smp_image *img, const smp_dot *in, size_t n, double ppm, const smp_optics *optics,
                       const float od[][3], int n_od, int max_layer, const smp_skin_maps *skin,
                       const smp_disc_lut *given_lut, int threads, char *msg)
{
    if (n == 0 || n_od < 1)
        return SMP_OK;
    const int w = (int)img->w, h = (int)img->h, nb = (h + BAND - 1) / BAND;
    uint8_t *to_srgb = malloc(65536);
    pdot *dots = malloc(n * sizeof *dots);
    size_t *start = calloc((size_t)nb + 1, sizeof *start);
    uint32_t *list = NULL;
    smp_disc_lut *lut = NULL;
    smp_status st = !(to_srgb && dots && start) ? smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's tables")
                    : given_lut                 ? SMP_OK
                                                : smp__disc_lut_new(&lut, msg);
    if (st != SMP_OK)
        goto done;
    float to_lin[256];
    for (int i = 0; i < 256; i++)
        to_lin[i] = smp__srgb_to_linear((uint8_t)i);
    smp__linear_to_srgb_table(to_srgb);
    render_ctx c = {.lut = given_lut ? given_lut : lut, .to_lin = to_lin, .to_srgb = to_srgb, .skin = skin, .img = img};
    setup_ctx(&c, optics, ppm);
    prepare_all(&c, in, n, ppm, od, n_od, max_layer, dots, threads);
    st = bucket(dots, n, w, h, start, &list, msg);
    int failed = 0;
    if (st == SMP_OK)
        draw_bands(&c, dots, start, list, threads, &failed);
    if (st == SMP_OK && failed)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the renderer's band buffers");
done:
    smp__disc_lut_free(lut);
    free(to_srgb);
    free(dots);
    free(start);
    free(list);
    return st;
}

smp_status smp__depth_field(float *depth, uint32_t w, uint32_t h, const smp_dot *in, size_t n, double ppm,
                            const smp_optics *optics, const float od[3], char *msg)
{
    smp_disc_lut *lut = NULL;
    smp_status st = smp__disc_lut_new(&lut, msg);
    float *tab = st == SMP_OK ? malloc(3 * RADIAL_MAX * sizeof *tab) : NULL;
    if (st == SMP_OK && !tab)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the radial table");
    smp_image frame = {.w = w, .h = h}; /* add_dot reads the size only */
    render_ctx c = {.lut = lut, .img = &frame};
    if (st == SMP_OK) {
        setup_ctx(&c, optics, ppm);
        memset(depth, 0, (size_t)w * h * 3 * sizeof *depth);
    }
    for (size_t i = 0; st == SMP_OK && i < n; i++) {
        pdot d;
        prepare_dot(&c, &in[i], ppm, od, &d);
        radial_table(&c, &d, tab);
        add_dot(&c, &d, depth, 0, (int)h - 1, tab);
    }
    free(tab);
    smp__disc_lut_free(lut);
    return st;
}
