/* SPDX-License-Identifier: BSD-2-Clause */
/* Measures of realism for a before/after pair.
 *
 * Regions come from the shade analysis of the before image: the core (cells
 * fully treated, 3 mm inside the mask) and the reference (the accepted cells
 * of the band 3-15 mm outside it); a pixel belongs to a region when its
 * analysis cell does. Luminance is linear: 0.2126 R + 0.7152 G + 0.0722 B of
 * smp__srgb_to_linear.
 *
 * - Core darkening: 1 - mean(after / before) of luminance over the core's
 *   ordinary pixels: neither shine nor strand. Pixels black before (ratio
 *   undefined) are left out.
 * - Shine: among the core's pixels, those in its brightest 3 % by before
 *   luminance (every pixel at least as bright as the one at that rank: ties
 *   go in) that are also >= 1.25 x the core's median. Ranks use luminance
 *   quantised to 1/65535. Strand pixels are never shine: core = ordinary +
 *   shine + strand. Shine darkening is the same mean over the shine.
 * - Follicle-scale contrast: c = (G(0.04 mm) - G(0.4 mm)) / G(0.4 mm) of
 *   luminance (G: separable Gaussian, kernel to 3 sigma, edges clamped at the
 *   image's; a sigma under 0.3 px is the identity); its population standard
 *   deviation over a region. Pixels whose local mean is under 1e-6 (black)
 *   are left out. Core and reference are compared at the same optical
 *   blur: given the photo's own blur over each (the median of the focus
 *   map, sigma b_core and b_ref), where the reference is the blurrier, the
 *   core is blurred further by sqrt(b_ref^2 - b_core^2) before the two
 *   Gaussians. A crown's rim is often out of focus (0.37 mm on our crown
 *   photo, against 0.12 mm on its top): there its stubble shows no
 *   follicle-scale texture at all, and a sharp core would read several
 *   times "grainier" than any stubble photographed that way. The
 *   reference is never blurred: a bald core has few edges and its reading
 *   runs high (soft features read as blur, focus.h), so it is the reading
 *   to trust least; where the reference reads blurrier even so, the
 *   difference is the lens's.
 * - Strands: max |after - before| over the RGB channels (8-bit) of the
 *   pixels wholly hair (map 255: all their light is the strand's, see
 *   smp__strand_cover) in the treated area: analysis cells with any mask
 *   coverage (feathered dots beyond the mask are not counted). A pixel
 *   that mixes hair and skin rightly darkens by its skin's share: its
 *   change measures the skin, not the hair.
 *
 * Work stays in the regions' bounding boxes (plus the blur's reach), in strips
 * of rows, and within a strip in the runs of columns that hold a region's
 * cell (a band around the mask is mostly empty inside its box); sums are kept per row and added in row order, so any thread count
 * gives the same doubles. */
#include "realism.h"
#include "color.h"
#include "image.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define SHINE_SHARE 0.03
#define SHINE_OVER_MEDIAN 1.25
#define FINE_SIGMA_MM 0.04
#define COARSE_SIGMA_MM 0.4
#define IDENTITY_SIGMA_PX 0.3
#define MIN_LOCAL_MEAN 1e-6f
#define STRIP_ROWS 64
#define KEYS 65536

typedef struct box {
    uint32_t x0, y0, x1, y1; /* half-open */
} box;

/* An image's pixels read as RGB: channel offsets and the sRGB table. */
typedef struct view {
    const smp_image *img;
    int off[3];
    const float *lin;
} view;

static view view_of(const smp_image *img, const float *lin)
{
    const int grey = img->ch <= 2;
    view v = {img, {0, grey ? 0 : 1, grey ? 0 : 2}, lin};
    return v;
}

static inline float lum_at(const view *v, uint32_t x, uint32_t y)
{
    const uint8_t *p = v->img->px + ((size_t)y * v->img->w + x) * (size_t)v->img->ch;
    return 0.2126f * v->lin[p[v->off[0]]] + 0.7152f * v->lin[p[v->off[1]]] + 0.0722f * v->lin[p[v->off[2]]];
}

static inline size_t cell_of(const smp_coverage *g, uint32_t x, uint32_t y)
{
    return (size_t)(y / g->cell) * g->gw + x / g->cell;
}

/* The pixel box of the cells where sel (or, with sel NULL, the grid's
 * coverage) is nonzero; false when there are none. */
static bool cells_box(const smp_coverage *g, const uint8_t *sel, box *b)
{
    uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;
    for (uint32_t y = 0; y < g->gh; y++)
        for (uint32_t x = 0; x < g->gw; x++)
            if ((sel ? sel : g->c)[(size_t)y * g->gw + x]) {
                x0 = x < x0 ? x : x0;
                y0 = y < y0 ? y : y0;
                x1 = x + 1 > x1 ? x + 1 : x1;
                y1 = y + 1 > y1 ? y + 1 : y1;
            }
    if (x1 == 0)
        return false;
    b->x0 = x0 * g->cell;
    b->y0 = y0 * g->cell;
    b->x1 = x1 * g->cell < g->w ? x1 * g->cell : g->w;
    b->y1 = y1 * g->cell < g->h ? y1 * g->cell : g->h;
    return true;
}

/* ---- darkening and shine ---- */

static inline uint32_t lum_key(float l)
{
    long k = lrintf(l * (KEYS - 1));
    return (uint32_t)(k < 0 ? 0 : k >= KEYS ? KEYS - 1 : k);
}

/* The shine threshold key from the core's before luminance: pixels at or
 * above it are shine; KEYS when there is none. */
static smp_status shine_key(const view *bv, const smp_shade *sh, const box *b, uint32_t *key, char *msg)
{
    uint32_t *hist = calloc(KEYS, sizeof *hist);
    if (!hist)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the luminance histogram");
    size_t n = 0;
    for (uint32_t y = b->y0; y < b->y1; y++)
        for (uint32_t x = b->x0; x < b->x1; x++)
            if (sh->core[cell_of(&sh->grid, x, y)]) {
                hist[lum_key(lum_at(bv, x, y))]++;
                n++;
            }
    size_t top = (size_t)(SHINE_SHARE * (double)n), seen = 0;
    uint32_t k97 = KEYS, med = 0;
    for (uint32_t k = KEYS; top && k-- > 0;) { /* the key of the top-th brightest */
        seen += hist[k];
        if (seen >= top) {
            k97 = k;
            break;
        }
    }
    seen = 0;
    for (uint32_t k = 0; n && k < KEYS; k++) { /* the key at rank n / 2, ascending */
        seen += hist[k];
        if (seen > n / 2) {
            med = k;
            break;
        }
    }
    free(hist);
    double floor_key = ceil(SHINE_OVER_MEDIAN * med);
    *key = k97 >= KEYS ? KEYS : floor_key > k97 ? (floor_key >= KEYS ? KEYS : (uint32_t)floor_key) : k97;
    return SMP_OK;
}

/* Per row of the core's box: sums of after/before and counts, ordinary
 * (acc[0], n[0]) and shine (acc[1], n[1]). */
static void darkening_rows(const view *bv, const view *av, const smp_shade *sh, const smp_skin_maps *skin,
                           const box *b, uint32_t key, double *acc, size_t *cnt, int nt)
{
    const uint32_t rows = b->y1 - b->y0;
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 16) num_threads(nt))
    for (uint32_t r = 0; r < rows; r++) {
        const uint32_t y = b->y0 + r;
        double s[2] = {0, 0};
        size_t c[2] = {0, 0};
        for (uint32_t x = b->x0; x < b->x1; x++) {
            if (!sh->core[cell_of(&sh->grid, x, y)])
                continue;
            if (smp__strand_at(skin, x, y) >= 128) /* at least half its light is hair's */
                continue;
            const float lb = lum_at(bv, x, y);
            if (!(lb > 0))
                continue;
            const int shine = lum_key(lb) >= key;
            s[shine] += (double)lum_at(av, x, y) / lb;
            c[shine]++;
        }
        for (int j = 0; j < 2; j++) {
            acc[2 * (size_t)r + j] = s[j];
            cnt[2 * (size_t)r + j] = c[j];
        }
    }
}

static smp_status darkening(const view *bv, const view *av, const smp_shade *sh, const smp_skin_maps *skin,
                            smp_realism *out, int nt, char *msg)
{
    box b;
    out->core_darkening = out->shine_darkening = NAN;
    out->core_px = out->shine_px = 0;
    if (!sh->core || !cells_box(&sh->grid, sh->core, &b))
        return SMP_OK;
    uint32_t key = KEYS;
    smp_status st = shine_key(bv, sh, &b, &key, msg);
    if (st != SMP_OK)
        return st;
    const size_t rows = b.y1 - b.y0;
    double *acc = malloc(rows * 2 * sizeof *acc);
    size_t *cnt = malloc(rows * 2 * sizeof *cnt);
    if (!acc || !cnt) {
        free(acc);
        free(cnt);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the darkening sums");
    }
    darkening_rows(bv, av, sh, skin, &b, key, acc, cnt, nt);
    double s[2] = {0, 0};
    size_t c[2] = {0, 0};
    for (size_t r = 0; r < rows; r++)
        for (int j = 0; j < 2; j++) {
            s[j] += acc[2 * r + j];
            c[j] += cnt[2 * r + j];
        }
    free(acc);
    free(cnt);
    out->core_px = c[0];
    out->shine_px = c[1];
    out->core_darkening = c[0] ? 1 - s[0] / (double)c[0] : NAN;
    out->shine_darkening = c[1] ? 1 - s[1] / (double)c[1] : NAN;
    return SMP_OK;
}

/* ---- follicle-scale contrast ---- */

typedef struct kernel {
    float *w; /* taps -r..r */
    int r;
} kernel;

/* A normalised Gaussian to 3 sigma; the identity under IDENTITY_SIGMA_PX. */
static bool make_kernel(kernel *k, double sigma)
{
    k->r = sigma < IDENTITY_SIGMA_PX ? 0 : (int)ceil(3 * sigma);
    if (!(k->w = malloc((size_t)(2 * k->r + 1) * sizeof *k->w)))
        return false;
    double sum = 0;
    for (int i = -k->r; i <= k->r; i++)
        sum += k->r ? smp__exp(-0.5 * i * i / (sigma * sigma)) : 1;
    for (int i = -k->r; i <= k->r; i++)
        k->w[i + k->r] = (float)((k->r ? smp__exp(-0.5 * i * i / (sigma * sigma)) : 1) / sum);
    return true;
}

typedef struct contrast_job {
    const view *v;
    const smp_shade *sh;
    const uint8_t *sel[2]; /* regions (analysis cells), the second may be NULL */
    kernel fine, coarse;
    box s, e;              /* the regions' box, and it with the blur's reach */
    float *work;           /* per thread: a luminance row and two strips */
    size_t work_len;
    double *sums;          /* per row of s: per region sum, sum of squares, count */
} contrast_job;

/* One Gaussian along a row: out[x] = sum_i w[i] * pad[x + R + i] for
 * x < n, where pad is the row from R before the first output, edges
 * clamped; the kernel is even, so taps pair up. */
SMP_WIDE_SIMD static void hblur(const float *restrict pad, uint32_t n, int R, const kernel *k, float *restrict out)
{
    const float *restrict src = pad + R, w0 = k->w[k->r];
    /* simd across x: each output sums its taps in the same order as
     * without it (the same bytes, serial build or not) */
    SMP_OMP(omp simd)
    for (uint32_t x = 0; x < n; x++)
        out[x] = w0 * src[x];
    for (int i = 1; i <= k->r; i++) {
        const float w = k->w[k->r + i], *restrict p = src + i, *restrict q = src - i;
        SMP_OMP(omp simd)
        for (uint32_t x = 0; x < n; x++)
            out[x] += w * (p[x] + q[x]);
    }
}

/* Horizontal blurs of luminance row y, columns [xa, xb), into fine and
 * coarse. */
static void hblur_row(const contrast_job *j, uint32_t y, uint32_t xa, uint32_t xb, float *pad, float *fine,
                      float *coarse)
{
    const int R = j->coarse.r;
    const uint32_t n = xb - xa;
    for (long i = 0; i < (long)n + 2 * R; i++) {
        long x = (long)xa - R + i;
        x = x < (long)j->e.x0 ? (long)j->e.x0 : x >= (long)j->e.x1 ? (long)j->e.x1 - 1 : x;
        pad[i] = lum_at(j->v, (uint32_t)x, y);
    }
    hblur(pad, n, R, &j->fine, fine);
    hblur(pad, n, R, &j->coarse, coarse);
}

/* Vertical blur of one output row, n columns, from a strip of horizontally
 * blurred rows sw apart (rows hy0..hy1 of the image), clamped to the strip. */
SMP_WIDE_SIMD static void vblur_row(const float *restrict strip, uint32_t sw, uint32_t n, long hy0, long hy1, long y,
                      const kernel *k, float *restrict out)
{
    const float *restrict mid = strip + (size_t)(y - hy0) * sw, w0 = k->w[k->r];
    SMP_OMP(omp simd)
    for (uint32_t x = 0; x < n; x++)
        out[x] = w0 * mid[x];
    for (int i = 1; i <= k->r; i++) {
        long ya = y + i, yb = y - i;
        ya = ya >= hy1 ? hy1 - 1 : ya;
        yb = yb < hy0 ? hy0 : yb;
        const float *restrict p = strip + (size_t)(ya - hy0) * sw, *restrict q = strip + (size_t)(yb - hy0) * sw,
                              w = k->w[k->r + i];
        SMP_OMP(omp simd)
        for (uint32_t x = 0; x < n; x++)
            out[x] += w * (p[x] + q[x]);
    }
}

/* Whether grid column cx has a selected cell (either region) in cell rows
 * [cy0, cy1]. */
static bool column_selected(const contrast_job *j, uint32_t cx, uint32_t cy0, uint32_t cy1)
{
    const smp_coverage *g = &j->sh->grid;
    for (uint32_t cy = cy0; cy <= cy1; cy++)
        for (int q = 0; q < 2; q++)
            if (j->sel[q] && j->sel[q][(size_t)cy * g->gw + cx])
                return true;
    return false;
}

/* One strip of output rows [ys, ye) of s: only the runs of grid columns
 * with a selected cell in these rows are blurred (a region's pixels get
 * the same values as from blurring the whole strip). */
static void contrast_strip(const contrast_job *j, uint32_t ys, uint32_t ye, float *work)
{
    const smp_coverage *g = &j->sh->grid;
    const uint32_t sw = j->s.x1 - j->s.x0, R = (uint32_t)j->coarse.r;
    const uint32_t hy0 = ys >= j->e.y0 + R ? ys - R : j->e.y0;
    const uint32_t hy1 = ye + R > j->e.y1 ? j->e.y1 : ye + R;
    const size_t plane = (size_t)(STRIP_ROWS + 2 * R) * sw;
    float *lum = work, *hf = lum + sw + 2 * R, *hc = hf + plane, *vf = hc + plane, *vc = vf + sw;
    for (uint32_t y = ys; y < ye; y++)
        memset(j->sums + (size_t)(y - j->s.y0) * 6, 0, 6 * sizeof *j->sums);
    const uint32_t cy0 = ys / g->cell, cy1 = (ye - 1) / g->cell;
    const uint32_t gx0 = j->s.x0 / g->cell, gx1 = (j->s.x1 - 1) / g->cell;
    for (uint32_t cx = gx0; cx <= gx1; cx++) {
        if (!column_selected(j, cx, cy0, cy1))
            continue;
        uint32_t cx1 = cx + 1;
        while (cx1 <= gx1 && column_selected(j, cx1, cy0, cy1))
            cx1++;
        const uint32_t xa = cx * g->cell > j->s.x0 ? cx * g->cell : j->s.x0;
        const uint32_t xb = cx1 * g->cell < j->s.x1 ? cx1 * g->cell : j->s.x1;
        cx = cx1;
        const uint32_t n = xb - xa, off = xa - j->s.x0;
        for (uint32_t y = hy0; y < hy1; y++)
            hblur_row(j, y, xa, xb, lum, hf + (size_t)(y - hy0) * sw + off, hc + (size_t)(y - hy0) * sw + off);
        for (uint32_t y = ys; y < ye; y++) {
            vblur_row(hf + off, sw, n, hy0, hy1, y, &j->fine, vf);
            vblur_row(hc + off, sw, n, hy0, hy1, y, &j->coarse, vc);
            double *row = j->sums + (size_t)(y - j->s.y0) * 6;
            for (uint32_t x = 0; x < n; x++) {
                const size_t cell = cell_of(g, xa + x, y);
                for (int q = 0; q < 2; q++) {
                    if (!j->sel[q] || !j->sel[q][cell] || !(vc[x] >= MIN_LOCAL_MEAN))
                        continue;
                    const double c = (double)((vf[x] - vc[x]) / vc[x]);
                    row[3 * q] += c;
                    row[3 * q + 1] += c * c;
                    row[3 * q + 2] += 1;
                }
            }
        }
    }
}

/* Sets up the job's boxes, kernels and buffers; *any false when both
 * regions are empty. */
static smp_status contrast_setup(contrast_job *j, double ppm, double extra_px, int nt, bool *any, char *msg)
{
    box b[2];
    bool have[2];
    for (int q = 0; q < 2; q++)
        have[q] = j->sel[q] && cells_box(&j->sh->grid, j->sel[q], &b[q]);
    *any = have[0] || have[1];
    if (!*any)
        return SMP_OK;
    j->s = have[0] ? b[0] : b[1];
    for (int q = 0; q < 2; q++)
        if (have[q]) {
            j->s.x0 = b[q].x0 < j->s.x0 ? b[q].x0 : j->s.x0;
            j->s.y0 = b[q].y0 < j->s.y0 ? b[q].y0 : j->s.y0;
            j->s.x1 = b[q].x1 > j->s.x1 ? b[q].x1 : j->s.x1;
            j->s.y1 = b[q].y1 > j->s.y1 ? b[q].y1 : j->s.y1;
        }
    /* A Gaussian after a Gaussian is one Gaussian: the extra blur adds in quadrature. */
    if (!make_kernel(&j->fine, smp__hypot(FINE_SIGMA_MM * ppm, extra_px)) ||
        !make_kernel(&j->coarse, smp__hypot(COARSE_SIGMA_MM * ppm, extra_px)))
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the contrast kernels");
    const uint32_t R = (uint32_t)j->coarse.r, W = j->v->img->w, H = j->v->img->h;
    j->e.x0 = j->s.x0 > R ? j->s.x0 - R : 0;
    j->e.y0 = j->s.y0 > R ? j->s.y0 - R : 0;
    j->e.x1 = j->s.x1 + R < W ? j->s.x1 + R : W;
    j->e.y1 = j->s.y1 + R < H ? j->s.y1 + R : H;
    const size_t sw = j->s.x1 - j->s.x0;
    j->work_len = 2 * (size_t)R + 2 * (STRIP_ROWS + 2 * (size_t)R) * sw + 3 * sw;
    j->work = malloc((size_t)nt * j->work_len * sizeof *j->work);
    j->sums = malloc((size_t)(j->s.y1 - j->s.y0) * 6 * sizeof *j->sums);
    if (!j->work || !j->sums)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the contrast strips");
    return SMP_OK;
}

static void contrast_free(contrast_job *j)
{
    free(j->fine.w);
    free(j->coarse.w);
    free(j->work);
    free(j->sums);
}

/* The contrast of img, blurred by extra_px more, over up to two regions
 * (out[q]; NAN when empty). */
static smp_status contrast(const view *v, const smp_shade *sh, const uint8_t *sel0, const uint8_t *sel1,
                           double ppm, double extra_px, int nt, double out[2], char *msg)
{
    contrast_job j = {.v = v, .sh = sh, .sel = {sel0, sel1}};
    bool any;
    out[0] = out[1] = NAN;
    smp_status st = contrast_setup(&j, ppm, extra_px, nt, &any, msg);
    if (st != SMP_OK || !any) {
        contrast_free(&j);
        return st;
    }
    const uint32_t rows = j.s.y1 - j.s.y0, strips = (rows + STRIP_ROWS - 1) / STRIP_ROWS;
    SMP_OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
    for (uint32_t i = 0; i < strips; i++) {
        const uint32_t ys = j.s.y0 + i * STRIP_ROWS, ye = ys + STRIP_ROWS < j.s.y1 ? ys + STRIP_ROWS : j.s.y1;
        contrast_strip(&j, ys, ye, j.work + (size_t)smp__thread_id() * j.work_len);
    }
    double t[6] = {0, 0, 0, 0, 0, 0};
    for (uint32_t r = 0; r < rows; r++)
        for (int q = 0; q < 6; q++)
            t[q] += j.sums[(size_t)r * 6 + q];
    for (int q = 0; q < 2; q++)
        if (t[3 * q + 2] > 0) {
            const double n = t[3 * q + 2], mean = t[3 * q] / n, var = t[3 * q + 1] / n - mean * mean;
            out[q] = sqrt(var > 0 ? var : 0);
        }
    contrast_free(&j);
    return SMP_OK;
}

/* ---- strands ---- */

static void strand_diff(const view *bv, const view *av, const smp_shade *sh, const smp_skin_maps *skin,
                        smp_realism *out)
{
    box b;
    out->strand_max_diff = NAN;
    out->strand_px = 0;
    if (!skin || !skin->strands)
        return;
    int best = 0;
    if (cells_box(&sh->grid, NULL, &b))
        for (uint32_t y = b.y0; y < b.y1; y++)
            for (uint32_t x = b.x0; x < b.x1; x++) {
                const size_t i = (size_t)y * bv->img->w + x;
                if (smp__strand_at(skin, x, y) < 255 || !sh->grid.c[cell_of(&sh->grid, x, y)])
                    continue;
                const uint8_t *p = bv->img->px + i * (size_t)bv->img->ch, *q = av->img->px + i * (size_t)av->img->ch;
                for (int c = 0; c < 3; c++) {
                    int d = abs((int)p[bv->off[c]] - (int)q[av->off[c]]);
                    best = d > best ? d : best;
                }
                out->strand_px++;
            }
    out->strand_max_diff = best;
}

double smp__texture_core_blur(const double blur_px[2])
{
    if (!(blur_px[0] >= 0) || !(blur_px[1] >= 0)) /* unknown (NAN): compare as photographed */
        return 0;
    return blur_px[1] > blur_px[0] ? sqrt(blur_px[1] * blur_px[1] - blur_px[0] * blur_px[0]) : 0;
}

smp_status smp__measure_realism(const smp_image *before, const smp_image *after, const smp_shade *sh,
                                double px_per_mm, const smp_skin_maps *skin, const double *blur_px,
                                smp_realism *out, int threads, char *msg)
{
    if (!before || !after || !sh || !out || !before->px || !after->px || !sh->grid.c || !(px_per_mm > 0))
        return smp__fail(msg, SMP_ERR_ARG, "realism needs two images, a shade analysis and a scale");
    if (before->w != after->w || before->h != after->h || sh->grid.w != before->w || sh->grid.h != before->h ||
        before->ch < 1 || before->ch > 4 || after->ch < 1 || after->ch > 4)
        return smp__fail(msg, SMP_ERR_ARG, "realism: the images and the analysis differ in size");
    const float *lin = smp__srgb_linear_table();
    const int nt = smp__threads(threads);
    const view bv = view_of(before, lin), av = view_of(after, lin);
    smp_realism r;
    memset(&r, 0, sizeof r);
    smp_status st = darkening(&bv, &av, sh, skin, &r, nt, msg);
    double extra = 0, cb[2], ca[2], cr[2];
    r.blur_px[0] = r.blur_px[1] = NAN;
    if (blur_px) {
        r.blur_px[0] = blur_px[0];
        r.blur_px[1] = blur_px[1];
        extra = smp__texture_core_blur(blur_px);
    }
    if (st == SMP_OK)
        st = contrast(&bv, sh, sh->core, NULL, px_per_mm, extra, nt, cb, msg);
    if (st == SMP_OK && extra == 0)
        st = contrast(&av, sh, sh->core, sh->accept, px_per_mm, 0, nt, ca, msg);
    else if (st == SMP_OK) { /* the core blurred, the reference as photographed */
        st = contrast(&av, sh, sh->core, NULL, px_per_mm, extra, nt, ca, msg);
        if (st == SMP_OK)
            st = contrast(&av, sh, sh->accept, NULL, px_per_mm, 0, nt, cr, msg);
        ca[1] = cr[0];
    }
    if (st != SMP_OK)
        return st;
    r.contrast_core_before = cb[0];
    r.contrast_core_after = ca[0];
    r.contrast_reference = ca[1];
    r.contrast_ratio = ca[0] / ca[1]; /* NAN when either is */
    strand_diff(&bv, &av, sh, skin, &r);
    *out = r;
    return SMP_OK;
}

smp_status smp__texture_contrast(const smp_image *img, const smp_shade *sh, const uint8_t *sel0, const uint8_t *sel1,
                                 double px_per_mm, double extra_px, int threads, double out[2], char *msg)
{
    if (!img || !img->px || !sh || !sh->grid.c || !(px_per_mm > 0) || img->ch < 1 || img->ch > 4)
        return smp__fail(msg, SMP_ERR_ARG, "contrast needs an image, a grid and a scale");
    const float *lin = smp__srgb_linear_table();
    const view v = view_of(img, lin);
    return contrast(&v, sh, sel0, sel1, px_per_mm, extra_px >= 0 ? extra_px : 0, smp__threads(threads), out, msg);
}
