/* SPDX-License-Identifier: BSD-2-Clause */
/* Shade analysis: reference tone, skin and hair colours, pigment dilution,
 * density for a tone match, and the existing-hair factor inside the mask.
 *
 * Everything runs on a tone map: the photo averaged in linear light over
 * the coverage grid's cells (about 0.25 mm), which is far finer than the
 * viewing scale. The viewing-scale tone is the tone map blurred with a
 * Gaussian of sigma 1.5 mm: about how 1 mm detail (dots, stubble, pores)
 * merges at conversation distance, where a client judges the result. */
#include "chamfer.h"
#include "rim.h"
#include "select.h"
#include "shade.h"
#include "color.h"
#include "image.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_SIGMA_MM 1.5
#define BAND_IN_MM 3.0   /* the reference band starts this far outside the mask */
#define BAND_OUT_MM 15.0 /* and ends here */
#define CORE_MM 3.0      /* the treated core starts this far inside the mask */
#define ANALYSIS_MM 0.5   /* analysis cells: a third of the viewing scale's sigma */
#define HAIR_FRACTION 0.005 /* the darkest share of reference pixels: hair and follicles */
#define MID_LO 0.4 /* the core's cells about its median tone (mid_cells) */
#define MID_HI 0.6
#define SKIN_FILL_MM 5.0 /* local skin under dense hair: from confirmed skin about this near */
#define SMOOTH_SHADE 0.75 /* a view this near its lightest within 2 mm: no hair's gaps (smooth_shade) */

/* The analysis grid: the coverage averaged over blocks of k x k of its
 * cells, so that a cell is about ANALYSIS_MM wide (the viewing scale is
 * 1.5 mm: finer cells only cost time and memory). */
static smp_status coarsen(const smp_coverage *cov, int k, smp_coverage *out, int threads, char *msg)
{
    out->cell = cov->cell * (uint32_t)k;
    out->w = cov->w;
    out->h = cov->h;
    out->gw = (cov->gw + (uint32_t)k - 1) / (uint32_t)k;
    out->gh = (cov->gh + (uint32_t)k - 1) / (uint32_t)k;
    out->c = malloc((size_t)out->gw * out->gh);
    if (!out->c)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the analysis grid");
    (void)threads; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(threads))) /* each cell on its own */
    for (uint32_t y = 0; y < out->gh; y++) {
        const uint32_t j0 = y * (uint32_t)k, j1 = cov->gh - j0 > (uint32_t)k ? j0 + (uint32_t)k : cov->gh;
        for (uint32_t x = 0; x < out->gw; x++) {
            /* the block's bounds once, not tested per cell */
            const uint32_t i0 = x * (uint32_t)k, i1 = cov->gw - i0 > (uint32_t)k ? i0 + (uint32_t)k : cov->gw;
            unsigned sum = 0;
            for (uint32_t j = j0; j < j1; j++) {
                const uint8_t *row = cov->c + (size_t)j * cov->gw;
                for (uint32_t i = i0; i < i1; i++)
                    sum += row[i];
            }
            const unsigned cnt = (j1 - j0) * (i1 - i0);
            out->c[(size_t)y * out->gw + x] = cnt ? (uint8_t)((sum + cnt / 2) / cnt) : 0;
        }
    }
    return SMP_OK;
}

void smp__shade_photo_free(smp_shade_photo *part)
{
    free(part->tone);
    free(part->view);
    free(part->tone_l);
    free(part->view_l);
    free(part->skin_arg);
    memset(part, 0, sizeof *part);
}

void smp__shade_free(smp_shade *sh)
{
    free(sh->grid.c);
    free(sh->core);
    free(sh->core_mid);
    free(sh->tone);
    free(sh->view);
    free(sh->dist_out);
    free(sh->accept);
    free(sh->lskin);
    free(sh->tone_l);
    free(sh->view_l);
    memset(sh, 0, sizeof *sh);
}

/* Mean linear colour of the photo over each coverage cell. */
static smp_status tone_map(smp_shade *sh, const smp_image *photo, const smp_coverage *cov, int threads, char *msg)
{
    size_t n = (size_t)cov->gw * cov->gh;
    const float *to_lin = smp__srgb_linear_table();
    sh->tone = calloc(n * 3, sizeof *sh->tone);
    if (!sh->tone)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the tone map");
    const int ch = photo->ch, grey = ch <= 2;
    const uint32_t cell = cov->cell, rows = (photo->h + cell - 1) / cell;
    (void)threads; /* unused without OpenMP */
    /* A row of cells per task: each cell sums its pixels row by row, in the
     * same order whatever the threads. */
    SMP_OMP(omp parallel for schedule(dynamic, 4) num_threads(smp__threads(threads)))
    for (uint32_t gy = 0; gy < rows; gy++)
        for (uint32_t y = gy * cell; y < photo->h && y < (gy + 1) * cell; y++) {
            const uint8_t *p = photo->px + (size_t)y * photo->w * ch;
            float *c = sh->tone + (size_t)gy * cov->gw * 3;
            /* Cells in runs of cell columns: no division per pixel, the same sums. */
            for (uint32_t x = 0; x < photo->w; c += 3)
                for (uint32_t e = x + cell < photo->w ? x + cell : photo->w; x < e; x++, p += ch) {
                    c[0] += to_lin[p[0]];
                    c[1] += to_lin[p[grey ? 0 : 1]];
                    c[2] += to_lin[p[grey ? 0 : 2]];
                }
        }
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(threads)))
    for (uint32_t gy = 0; gy < cov->gh; gy++)
        for (uint32_t gx = 0; gx < cov->gw; gx++) {
            uint32_t w = (gx + 1) * cov->cell <= photo->w ? cov->cell : photo->w - gx * cov->cell;
            uint32_t h = (gy + 1) * cov->cell <= photo->h ? cov->cell : photo->h - gy * cov->cell;
            float *c = sh->tone + ((size_t)gy * cov->gw + gx) * 3;
            for (int k = 0; k < 3; k++) /* w, h >= 1: every cell holds a pixel */
                c[k] = w && h ? c[k] / (float)(w * h) : 0;
        }
    return SMP_OK;
}

/* Each cell's L* (a cube root), once: the analysis's serial passes read
 * it several times. Cell by cell, so in parallel, the same values. */
static double *lightness_map(const float *rgb, size_t n, int threads)
{
    double *l = malloc(n * sizeof *l);
    if (!l)
        return NULL;
    (void)threads; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(threads)))
    for (size_t i = 0; i < n; i++)
        l[i] = smp__linear_to_l(rgb + 3 * i);
    return l;
}

static void distance_mm(const smp_coverage *cov, int want_treated, double cell_mm, float *d)
{
    for (size_t i = 0; i < (size_t)cov->gw * cov->gh; i++)
        d[i] = ((cov->c[i] >= 128) == want_treated) ? 0 : INFINITY;
    smp__chamfer_mm(d, cov->gw, cov->gh, cell_mm);
}

/* One box pass of radius r along n samples spaced by step, in place, with
 * clamped edges; line holds n floats. Sequential sums: deterministic. */
static void box_line(float *v, size_t n, size_t step, int r, float *line)
{
    for (size_t i = 0; i < n; i++)
        line[i] = v[i * step];
    const float inv = 1.0f / (float)(2 * r + 1);
    float sum = 0;
    for (long i = -r; i <= r; i++)
        sum += line[i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i];
    /* The ends clamped, the middle [r, n - r - 1) read straight: the same
     * sums in the same order. A line no longer than 2r + 1 has no middle
     * (all clamped: reading straight there ran past a short line). */
    const size_t ur = (size_t)r, head = ur < n ? ur : n, tail = n > 2 * ur + 1 ? n - ur - 1 : head;
    size_t i = 0;
    for (; i < head; i++) {
        v[i * step] = sum * inv;
        size_t out = i < ur ? 0 : i - ur, in = i + ur + 1 >= n ? n - 1 : i + ur + 1;
        sum += line[in] - line[out];
    }
    for (; i < tail; i++) {
        v[i * step] = sum * inv;
        sum += line[i + ur + 1] - line[i - ur];
    }
    for (; i < n; i++) {
        v[i * step] = sum * inv;
        size_t out = i < ur ? 0 : i - ur, in = i + ur + 1 >= n ? n - 1 : i + ur + 1;
        sum += line[in] - line[out];
    }
}

#define COLS 16 /* columns boxed together: rows of them are contiguous */

/* box_line down columns [x0, x0 + nc) (nc <= COLS) of a plane of width w
 * and height h, side by side: each column's sums are box_line's, in its
 * order. line holds h * COLS floats. */
static void box_cols(float *v, uint32_t w, uint32_t h, uint32_t x0, uint32_t nc, int r, float *line)
{
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t b = 0; b < nc; b++)
            line[(size_t)y * COLS + b] = v[(size_t)y * w + x0 + b];
    const float inv = 1.0f / (float)(2 * r + 1);
    float sum[COLS] = {0};
    for (long i = -r; i <= r; i++) {
        const float *l = line + (size_t)(i < 0 ? 0 : i >= (long)h ? h - 1 : (uint32_t)i) * COLS;
        for (uint32_t b = 0; b < nc; b++)
            sum[b] += l[b];
    }
    for (uint32_t y = 0; y < h; y++) {
        float *o = v + (size_t)y * w + x0;
        const size_t out = y < (uint32_t)r ? 0 : y - (uint32_t)r, in = y + (size_t)r + 1 >= h ? h - 1 : y + (size_t)r + 1;
        const float *li = line + in * COLS, *lo = line + out * COLS;
        for (uint32_t b = 0; b < nc; b++) {
            o[b] = sum[b] * inv;
            sum[b] += li[b] - lo[b];
        }
    }
}

/* Gaussian blur of a w x h plane approximated by three box passes per axis
 * (each of variance r(r+1)/3, so three add to sigma^2). Rows, then blocks
 * of columns, in parallel: each line's sums are sequential, so the values
 * do not depend on the threads. line holds (w + h * COLS) floats a thread. */
static void blur_plane(float *plane, uint32_t w, uint32_t h, double sigma, float *line, int nt)
{
    int r = (int)lrint((sqrt(4 * sigma * sigma + 1) - 1) / 2);
    if (r < 1)
        return;
    const size_t per = (size_t)w + (size_t)h * COLS;
    const uint32_t blocks = (w + COLS - 1) / COLS;
    (void)nt; /* unused without OpenMP */
    for (int pass = 0; pass < 3; pass++) {
        SMP_OMP(omp parallel num_threads(nt))
        {
            float *mine = line + (size_t)smp__thread_id() * per;
            SMP_OMP(omp for schedule(static))
            for (uint32_t y = 0; y < h; y++)
                box_line(plane + (size_t)y * w, w, 1, r, mine);
            SMP_OMP(omp for schedule(static))
            for (uint32_t k = 0; k < blocks; k++)
                box_cols(plane, w, h, k * COLS, w - k * COLS < COLS ? w - k * COLS : COLS, r, mine);
        }
    }
}

/* The tone map blurred to sigma_cells, weighted by wgt when given
 * (normalised convolution: cells of weight 0 do not pull the blur); the
 * blurred weight, the weighted cells' share about each cell, into share
 * when asked (with wgt). */
static smp_status blur(const float *in, const uint8_t *wgt, uint32_t w, uint32_t h, double sigma_cells,
                       float *out, float *share, int threads, char *msg)
{
    const size_t n = (size_t)w * h;
    const int nt = smp__threads(threads);
    float *planes = malloc(n * 4 * sizeof *planes),
          *line = malloc(((size_t)w + (size_t)h * COLS) * (size_t)nt * sizeof *line);
    if (!planes || !line) {
        free(planes);
        free(line);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the viewing-scale blur");
    }
    /* Cell by cell, before and after the planes' blurs: in parallel. */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (size_t i = 0; i < n; i++) {
        float wt = wgt ? (float)(wgt[i] != 0) : 1.0f;
        for (int c = 0; c < 3; c++)
            planes[c * n + i] = in[3 * i + c] * wt;
        planes[3 * n + i] = wt;
    }
    for (int c = 0; c < (wgt ? 4 : 3); c++)
        blur_plane(planes + c * n, w, h, sigma_cells, line, nt);
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (size_t i = 0; i < n; i++) {
        float wt = wgt ? planes[3 * n + i] : 1.0f;
        for (int c = 0; c < 3; c++) /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): callers pass a buffer */
            out[3 * i + c] = wt > 1e-6f ? planes[c * n + i] / wt : 0;
    }
    if (wgt && share)
        memcpy(share, planes + 3 * n, n * sizeof *share);
    free(planes);
    free(line);
    return SMP_OK;
}

/* Component-wise median Lab of the blurred map over the selected cells
 * (their conversions in parallel, each into its own place). */
static smp_status median_lab(const float *view, const uint8_t *sel, size_t n, int threads, double lab[3], char *msg)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += sel[i] != 0;
    if (!m)
        return SMP_OK;
    double *v = malloc(m * 3 * sizeof *v);
    size_t *at = malloc(m * sizeof *at);
    if (!v || !at) {
        free(v);
        free(at);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the median colour");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (sel[i])
            at[k++] = i;
    (void)threads; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(threads)))
    for (size_t j = 0; j < m; j++) {
        double l[3];
        smp__linear_to_lab(view + 3 * at[j], l);
        v[j] = l[0];
        v[m + j] = l[1];
        v[2 * m + j] = l[2];
    }
    for (int c = 0; c < 3; c++)
        lab[c] = smp__kth_double(v + c * m, m, m / 2);
    free(v);
    free(at);
    return SMP_OK;
}

/* The provisional hair colour: the mean linear colour of the accepted
 * cells at or below dark_l. */
static void provisional_hair(const smp_shade *sh, size_t n, double dark_l, double hair[3])
{
    size_t k = 0;
    hair[0] = hair[1] = hair[2] = 0;
    for (size_t i = 0; i < n; i++)
        if (sh->accept[i]) {
            if (sh->tone_l[i] <= dark_l) {
                for (int c = 0; c < 3; c++)
                    hair[c] += sh->tone[3 * i + c];
                k++;
            }
        }
    for (int c = 0; c < 3; c++)
        hair[c] /= k ? k : 1;
}

/* An orthonormal basis u, v of the skin-hair plane (Gram-Schmidt). */
static void skin_hair_plane(const float skin[3], const double hair[3], double u[3], double v[3])
{
    double nu = 0, dot = 0, nv = 0;
    for (int c = 0; c < 3; c++)
        nu += skin[c] * skin[c];
    nu = sqrt(nu);
    for (int c = 0; c < 3; c++) {
        u[c] = nu > 0 ? skin[c] / nu : 0;
        dot += hair[c] * u[c];
    }
    for (int c = 0; c < 3; c++) {
        v[c] = hair[c] - dot * u[c];
        nv += v[c] * v[c];
    }
    nv = sqrt(nv);
    for (int c = 0; c < 3; c++)
        v[c] = nv > 1e-6 ? v[c] / nv : 0;
}

/* Keeps the accepted cells near the plane, neither near black nor much
 * lighter than skin; their lightness goes to ls; returns how many. */
static size_t keep_in_plane(smp_shade *sh, size_t n, const double u[3], const double v[3], double *ls)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!sh->accept[i])
            continue;
        const float *t = sh->tone + 3 * i;
        double pu = 0, pv = 0, norm = 0, off = 0;
        for (int c = 0; c < 3; c++) {
            pu += t[c] * u[c];
            pv += t[c] * v[c];
            norm += t[c] * t[c];
        }
        for (int c = 0; c < 3; c++) {
            double r = t[c] - pu * u[c] - pv * v[c];
            off += r * r;
        }
        const double l = sh->tone_l[i];
        int ok = l >= 8 && l <= sh->skin_lab[0] + 8 && off <= 0.06 * 0.06 * norm;
        sh->accept[i] = (uint8_t)ok;
        if (ok)
            ls[m++] = l;
    }
    return m;
}

/* Drops accepted cells whose lightness is more than 3 MADs from the median
 * of ls[0..m) (reordered). */
static void drop_outliers(smp_shade *sh, size_t n, double *ls, size_t m)
{
    double med = smp__kth_double(ls, m, m / 2);
    for (size_t i = 0; i < m; i++)
        ls[i] = fabs(ls[i] - med);
    double mad = 1.4826 * smp__kth_double(ls, m, m / 2) + 1.0;
    for (size_t i = 0; i < n; i++) {
        if (!sh->accept[i])
            continue;
        if (fabs(sh->tone_l[i] - med) > 3 * mad)
            sh->accept[i] = 0;
    }
}

/* Where the mask ends on a frontal hairline (shade.h), the band's bare
 * skin in front of it goes: it passes as scalp (skin is in the skin-hair
 * plane), but the treated area must read as the shadow of the hair behind
 * it, not as a mix of hair and forehead. Bare: as light as the zones'
 * hairline test, against the core and the band's provisional median. */
static smp_status drop_bare_side(smp_shade *sh, size_t n, char *msg)
{
    double *ls = malloc(n * sizeof *ls);
    if (!ls)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the reference's bare side");
    size_t m = 0, band = 0, bare = 0, kept = 0;
    for (size_t i = 0; i < n; i++)
        if (sh->accept[i])
            ls[m++] = sh->view_l[i];
    const double light = m ? smp__bare_skin_l(sh->core_before_lab[0], smp__kth_double(ls, m, m / 2)) : INFINITY;
    for (size_t i = 0; i < n; i++) {
        const float d = sh->dist_out[i];
        if (d > 0 && d <= SMP_HAIRLINE_BAND_MM) {
            band++;
            bare += sh->view_l[i] >= light;
        }
        kept += sh->accept[i] && sh->view_l[i] < light;
    }
    /* A band all but bare keeps its cells: no hair side to take. */
    if (band && (double)bare / (double)band >= SMP_HAIRLINE_SHARE && kept >= m / 4 && kept >= 10)
        for (size_t i = 0; i < n; i++)
            if (sh->accept[i] && sh->view_l[i] >= light)
                sh->accept[i] = 0;
    free(ls);
    return SMP_OK;
}

/* Which reference cells are scalp or hair, not background, clothing or
 * shine. Scalp with hair is a mixture of skin and hair under some light, so
 * its linear colour lies in the plane spanned by the skin and hair colours
 * (the hair provisionally the darkest 5 % of the band); cells far off that
 * plane (a blue pillow, a green wall), much lighter than skin (shine, white
 * fabric) or near black go, at a frontal hairline the bare side
 * (drop_bare_side), then lightness outliers beyond 3 MADs. */
static smp_status reject_non_scalp(smp_shade *sh, size_t n, int band, char *msg)
{
    double *ls = malloc(n * sizeof *ls);
    if (!ls)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the reference selection");
    size_t m = 0;
    smp_status st = SMP_OK;
    for (size_t i = 0; i < n; i++)
        if (sh->accept[i])
            ls[m++] = sh->tone_l[i];
    if (m >= 10) {
        double hair[3], u[3], v[3];
        provisional_hair(sh, n, smp__kth_double(ls, m, m / 20), hair);
        skin_hair_plane(sh->skin_lin, hair, u, v);
        m = keep_in_plane(sh, n, u, v, ls);
        /* Before the outliers: a uniform forehead would make the hair
         * side the outliers. */
        if (band && m >= 10) {
            st = drop_bare_side(sh, n, msg);
            m = 0;
            for (size_t i = 0; i < n; i++)
                if (sh->accept[i])
                    ls[m++] = sh->tone_l[i];
        }
        if (st == SMP_OK && m > 10)
            drop_outliers(sh, n, ls, m);
    }
    free(ls);
    return st;
}

/* Whether an untreated cell with no skin confirmed within 2 mm is a
 * smooth surface (its viewing-scale luminance at least SMOOTH_SHADE of its
 * lightest within 2 mm, own_l that lightest's L*) rather than dense hair,
 * which leaves lighter gaps and strands: bare skin in shade or a dark
 * background, whose darkening is the light's, not hair's. */
static int smooth_shade(const smp_shade *sh, size_t i, double own_l)
{
    if (!(sh->dist_out[i] > 0))
        return 0;
    const double yv = (sh->view_l[i] + 16) / 116, ym = (own_l + 16) / 116; /* Y = ((L* + 16) / 116)^3 */
    return yv * yv * yv >= SMOOTH_SHADE * ym * ym * ym;
}

/* For each cell, the colour of the lightest cell within 2 mm: bare skin
 * between hairs, under the local light (the dome's shading changes slowly).
 * Kept no lighter than the global skin plus a margin, against shine.
 * Under dense hair no skin shows within 2 mm and that lightest cell is
 * hair: a candidate counts as skin only when closer to the skin's L* than
 * to the hair's. Elsewhere the skin is that of the confirmed cells around,
 * averaged over SKIN_FILL_MM (light changes over centimetres, so a shaded
 * rim's own bare skin still sets its skin), or, with none near, the core's
 * skin; an untreated cell that is smooth there (smooth_shade) keeps its
 * own lightest. */
static smp_status local_skin(smp_shade *sh, const smp_coverage *cov, double ppm, char *msg)
{
    const uint32_t w = cov->gw, h = cov->gh;
    const size_t n = (size_t)w * h;
    const int k = (int)ceil(2.0 / (cov->cell / ppm));
    float *l = malloc(n * sizeof *l);
    uint32_t *arg = malloc(n * sizeof *arg), *arg2 = malloc(n * sizeof *arg2);
    sh->lskin = malloc(n * 3 * sizeof *sh->lskin);
    if (!l || !arg || !arg2 || !sh->lskin) {
        free(l);
        free(arg);
        free(arg2);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the local skin map");
    }
    for (size_t i = 0; i < n; i++)
        l[i] = (float)sh->tone_l[i];
    const int nt = smp__threads(sh->threads);
    (void)nt; /* unused without OpenMP */
    /* The photo's alone: from the part given, when there is one. */
    const int given = sh->given && sh->given->skin_arg;
    if (given)
        memcpy(arg2, sh->given->skin_arg, n * sizeof *arg2);
    /* Arg max along rows, then along columns: each cell's on its own, so
     * the rows run in parallel. */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt) if (!given))
    for (uint32_t y = 0; y < (given ? 0 : h); y++)
        for (uint32_t x = 0; x < w; x++) {
            size_t best = (size_t)y * w + x;
            for (long i = (long)x - k; i <= (long)x + k; i++)
                /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): l is filled above */
                if (i >= 0 && i < (long)w && l[(size_t)y * w + (size_t)i] > l[best])
                    best = (size_t)y * w + (size_t)i;
            arg[(size_t)y * w + x] = (uint32_t)best;
        }
    SMP_OMP(omp parallel for schedule(static) num_threads(nt) if (!given))
    for (uint32_t y = 0; y < (given ? 0 : h); y++)
        for (uint32_t x = 0; x < w; x++) {
            uint32_t best = arg[(size_t)y * w + x];
            for (long j = (long)y - k; j <= (long)y + k; j++)
                if (j >= 0 && j < (long)h && l[arg[(size_t)j * w + x]] > l[best])
                    best = arg[(size_t)j * w + x];
            arg2[(size_t)y * w + x] = best;
        }
    if (!given && sh->keep)
        sh->keep->skin_arg = smp__dup_bytes(arg2, n * sizeof *arg2);
    const double cap = sh->skin_lab[0] + 3, confirm = 0.5 * (sh->skin_lab[0] + sh->hair_lab[0]);
    uint8_t *ok = (uint8_t *)arg; /* arg is read no more: its bytes hold the confirmed cells */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (size_t i = 0; i < n; i++) {
        /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): arg2 is filled above */
        const float *src = sh->tone + 3 * (size_t)arg2[i];
        double scale = l[arg2[i]] > cap ? smp__pow((cap + 16) / (l[arg2[i]] + 16), 3) : 1; /* L ~ Y^(1/3) */
        for (int c = 0; c < 3; c++)
            sh->lskin[3 * i + c] = (float)(src[c] * scale);
    }
    for (size_t i = 0; i < n; i++)
        ok[i] = l[arg2[i]] >= confirm;
    /* The confirmed cells' skin, blurred with them as weights, and their
     * share about each cell (the blurs' float sums leave a residue where
     * there are none: a share under 1 % counts as none). */
    const double sigma = SKIN_FILL_MM / (cov->cell / ppm);
    float *fill = malloc(n * 3 * sizeof *fill), *share = malloc(n * sizeof *share);
    smp_status st = fill && share ? SMP_OK : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the local skin fill");
    if (st == SMP_OK)
        st = blur(sh->lskin, ok, w, h, sigma, fill, share, sh->threads, msg);
    if (st == SMP_OK) {
        SMP_OMP(omp parallel for schedule(static) num_threads(nt))
        for (size_t i = 0; i < n; i++)
            if (!ok[i] && !smooth_shade(sh, i, l[arg2[i]])) {
                const int none = share[i] < 0.01f;
                for (int c = 0; c < 3; c++)
                    sh->lskin[3 * i + c] = none ? sh->skin_lin[c] : fill[3 * i + c];
            }
    }
    free(fill);
    free(share);
    free(arg);
    free(arg2);
    free(l);
    return st;
}

/* Median per channel of view / local skin over the selected cells: how much
 * the surface darkens its own bare skin, whatever the light. */
static smp_status darkening_ratio(const smp_shade *sh, const uint8_t *sel, size_t n, float out[3], char *msg)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += sel[i] != 0;
    double *v = m ? malloc(m * sizeof *v) : NULL;
    if (m && !v)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the darkening ratio");
    for (int c = 0; c < 3; c++) {
        out[c] = 1;
        if (!v)
            continue;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (sel[i])
                v[k++] = sh->lskin[3 * i + c] > 1e-6f ? sh->view[3 * i + c] / sh->lskin[3 * i + c] : 1;
        out[c] = (float)smp__kth_double(v, m, m / 2);
    }
    free(v);
    return SMP_OK;
}

enum { HAIR_BINS = 1024 };
#define HAIR_UNIT 0x1p35 /* the sRGB table's values are whole multiples of 2^-35 (checked) */

/* The accepted reference pixels of rows [y0, y1) into luminance bins: a
 * bin's count into n[b][3], its linear colour's sum into n[b][0..2] in
 * whole units (q: the table in them) or, without q, into d in doubles. */
static void hair_bins(const smp_shade *sh, const smp_image *photo, uint32_t y0, uint32_t y1, const uint64_t *q,
                      uint64_t (*n)[4], double (*d)[3])
{
    const smp_coverage *cov = &sh->grid;
    const float *to_lin = smp__srgb_linear_table();
    const int ch = photo->ch, grey = ch <= 2;
    for (uint32_t y = y0; y < y1; y++) {
        const uint8_t *acc_row = sh->accept + (size_t)(y / cov->cell) * cov->gw;
        /* from the row's first accepted cell to its last: the pixels
         * beyond are not binned (the same pixels, in the same order) */
        uint32_t c0 = 0, c1 = cov->gw;
        while (c0 < c1 && !acc_row[c0])
            c0++;
        while (c1 > c0 && !acc_row[c1 - 1])
            c1--;
        if (c0 == c1)
            continue;
        const uint32_t xe = c1 * cov->cell < photo->w ? c1 * cov->cell : photo->w;
        for (uint32_t x = c0 * cov->cell, cx = c0, left = cov->cell; x < xe; x++) {
            const uint8_t in = acc_row[cx]; /* cell column cx = x / cell, counted, not divided */
            if (--left == 0) {
                cx++;
                left = cov->cell;
            }
            if (!in)
                continue;
            const uint8_t *p = photo->px + ((size_t)y * photo->w + x) * ch;
            const uint8_t v[3] = {p[0], p[grey ? 0 : 1], p[grey ? 0 : 2]};
            float lin[3] = {to_lin[v[0]], to_lin[v[1]], to_lin[v[2]]};
            /* Luminance decides the bin: ordering by lightness, cheaply. */
            double lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
            int b = (int)(sqrt(lum) * (HAIR_BINS - 1));
            b = b < 0 ? 0 : b >= HAIR_BINS ? HAIR_BINS - 1 : b;
            for (int c = 0; c < 3; c++)
                if (q)
                    n[b][c] += q[v[c]];
                else
                    d[b][c] += lin[c];
            n[b][3]++;
        }
    }
}

/* The darkest HAIR_FRACTION of the accepted reference pixels, averaged in
 * linear light: stubble shafts and follicles. Blocks of rows are binned in
 * parallel, their sums in whole units of 2^-35: integers, so their total
 * does not depend on the threads, and under 2^53 units (a bin's sum under
 * 2^18) it is exactly what adding the pixels as doubles in turn gave, every
 * partial sum being exact. A larger sum is added as doubles in turn. */
static smp_status hair_colour(smp_shade *sh, const smp_image *photo, char *msg)
{
    const float *to_lin = smp__srgb_linear_table();
    uint64_t q[256];
    int exact = 1;
    for (int v = 0; v < 256; v++) {
        q[v] = (uint64_t)(to_lin[v] * HAIR_UNIT);
        exact &= (double)q[v] == to_lin[v] * HAIR_UNIT;
    }
    const int nb = exact ? smp__threads(sh->threads) : 1;
    uint64_t(*n)[HAIR_BINS][4] = calloc((size_t)nb, sizeof *n);
    double(*d)[3] = calloc(HAIR_BINS, sizeof *d);
    if (!n || !d) {
        free(n);
        free(d);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hair colour's bins");
    }
    const uint32_t h = photo->h;
    SMP_OMP(omp parallel for schedule(static) num_threads(nb))
    for (int i = 0; i < nb; i++)
        hair_bins(sh, photo, (uint32_t)((uint64_t)h * i / nb), (uint32_t)((uint64_t)h * (i + 1) / nb),
                  exact ? q : NULL, n[i], d);
    for (int i = 1; i < nb; i++) /* the blocks' integers, into the first */
        for (int b = 0; b < HAIR_BINS; b++)
            for (int c = 0; c < 4; c++)
                n[0][b][c] += n[i][b][c];
    int fits = 1;
    for (int b = 0; exact && b < HAIR_BINS; b++)
        for (int c = 0; c < 3; c++) {
            fits &= n[0][b][c] < ((uint64_t)1 << 53);
            d[b][c] = (double)n[0][b][c] / HAIR_UNIT;
        }
    if (exact && !fits) { /* a huge bin: as doubles, in turn */
        memset(n[0], 0, sizeof n[0]);
        memset(d, 0, HAIR_BINS * sizeof *d);
        hair_bins(sh, photo, 0, h, NULL, n[0], d);
    }
    uint64_t total = 0;
    for (int b = 0; b < HAIR_BINS; b++)
        total += n[0][b][3];
    size_t want = (size_t)(total * HAIR_FRACTION) + 1, got = 0;
    double acc[3] = {0, 0, 0};
    for (int b = 0; b < HAIR_BINS && got < want; b++) {
        for (int c = 0; c < 3; c++)
            acc[c] += d[b][c];
        got += n[0][b][3];
    }
    float lin[3] = {(float)(acc[0] / (got ? got : 1)), (float)(acc[1] / (got ? got : 1)),
                    (float)(acc[2] / (got ? got : 1))};
    smp__linear_to_lab(lin, sh->hair_lab);
    free(n);
    free(d);
    return SMP_OK;
}

/* The fully treated core: at least CORE_MM inside the mask, or, for a mask
 * too thin for that, every fully treated cell. */
static size_t core_cells(const smp_coverage *g, const float *dist_in, uint8_t *core)
{
    size_t n = (size_t)g->gw * g->gh, m = 0;
    /* Fully treated: the mask's highest level, white on most masks; a
     * mask painted all grey (thinning hair everywhere) has its own top. */
    uint8_t top = 1;
    for (size_t i = 0; i < n; i++)
        top = g->c[i] > top ? g->c[i] : top;
    for (size_t i = 0; i < n; i++)
        m += core[i] = g->c[i] >= top && dist_in[i] >= CORE_MM;
    for (size_t i = 0; !m && i < n; i++)
        m += core[i] = g->c[i] >= top;
    return m;
}

/* Coverage cells per analysis cell at this scale. */
static int analysis_k(const smp_coverage *full, double ppm)
{
    const int k = (int)lrint(ANALYSIS_MM / (full->cell / ppm));
    return k < 1 ? 1 : k;
}

/* The analysis grid (cells of about ANALYSIS_MM), the tone map, the
 * distances to the treated and untreated areas, and the core. */
static smp_status shade_grid(smp_shade *sh, const smp_image *photo, const smp_coverage *full,
                             const smp_coverage *reference_full, smp_coverage *ref_grid, double ppm, char *msg)
{
    const int k = analysis_k(full, ppm);
    smp_status st = coarsen(full, k, &sh->grid, sh->threads, msg);
    if (st == SMP_OK && reference_full)
        st = coarsen(reference_full, k, ref_grid, sh->threads, msg);
    if (st != SMP_OK)
        return st;
    const smp_coverage *cov = &sh->grid;
    sh->k = k;
    const size_t n = (size_t)cov->gw * cov->gh;
    const double cell_mm = cov->cell / ppm;
    if (sh->given) { /* the photo's part: its copies */
        sh->tone = smp__dup_bytes(sh->given->tone, n * 3 * sizeof *sh->tone);
        sh->tone_l = smp__dup_bytes(sh->given->tone_l, n * sizeof *sh->tone_l);
    } else {
        st = tone_map(sh, photo, cov, sh->threads, msg);
        sh->tone_l = st == SMP_OK ? lightness_map(sh->tone, n, sh->threads) : NULL;
    }
    sh->view = malloc(n * 3 * sizeof *sh->view);
    sh->dist_out = malloc(n * sizeof *sh->dist_out);
    float *dist_in = malloc(n * sizeof *dist_in);
    sh->accept = malloc(n);
    sh->core = malloc(n);
    if (st == SMP_OK && (!sh->tone || !sh->tone_l || !sh->view || !sh->dist_out || !dist_in || !sh->accept || !sh->core))
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shade analysis");
    if (st == SMP_OK) {
        /* Two independent serial transforms: side by side. */
        SMP_OMP(omp parallel sections num_threads(smp__threads(sh->threads)))
        {
            distance_mm(cov, 1, cell_mm, sh->dist_out); /* distance to the treated area */
            SMP_OMP(omp section)
            distance_mm(cov, 0, cell_mm, dist_in); /* distance to the untreated area */
        }
        sh->core_cells = core_cells(cov, dist_in, sh->core);
    }
    free(dist_in);
    return st;
}

/* Skin: the core's lighter cells (60th to 90th percentile of lightness),
 * where hair is absent and shine is not; the core's tone before treatment. */
static smp_status core_skin(smp_shade *sh, size_t n, char *msg)
{
    const uint8_t *core = sh->core;
    double *ls = malloc(sh->core_cells * sizeof *ls);
    if (!ls)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the skin analysis");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (core[i])
            ls[m++] = sh->tone_l[i];
    double lo = smp__kth_double(ls, m, (size_t)(m * 0.6)), hi = smp__kth_double(ls, m, (size_t)(m * 0.9));
    double acc[3] = {0, 0, 0};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (core[i]) {
            const double l = sh->tone_l[i];
            if (l >= lo && l <= hi) {
                for (int c = 0; c < 3; c++)
                    acc[c] += sh->tone[3 * i + c];
                k++;
            }
        }
    for (int c = 0; c < 3; c++)
        sh->skin_lin[c] = (float)(acc[c] / (k ? k : 1));
    smp__linear_to_lab(sh->skin_lin, sh->skin_lab);
    free(ls);
    smp_status st = median_lab(sh->view, core, n, sh->threads, sh->core_before_lab, msg);
    smp__lab_to_linear(sh->core_before_lab, sh->core_before_lin);
    return st;
}

/* The core's cells whose viewing-scale L* lies between its MID_LO and
 * MID_HI quantiles. The core's tone is a median over cells, and where
 * shine or strands gather in a few cells (the crown's shiny top) the
 * median cell holds less of them than the core's mean, and the pigment
 * darkens more of its light: predicted from the core's mean shine the
 * crown's after came out 0.7 L* lighter than rendered. */
static smp_status mid_cells(smp_shade *sh, size_t n, char *msg)
{
    double *ls = malloc(sh->core_cells * sizeof *ls);
    sh->core_mid = calloc(n, 1);
    if (!ls || !sh->core_mid) {
        free(ls);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the core's median cells");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (sh->core[i])
            ls[m++] = sh->view_l[i];
    const double lo = smp__kth_double(ls, m, (size_t)(m * MID_LO)), hi = smp__kth_double(ls, m, (size_t)(m * MID_HI));
    for (size_t i = 0; i < n; i++)
        if (sh->core[i]) {
            const double l = sh->view_l[i];
            sh->core_mid[i] = l >= lo && l <= hi;
        }
    free(ls);
    return SMP_OK;
}

/* Bare skin's own texture: how far the view falls below local skin. */
static smp_status skin_texture(smp_shade *sh, size_t n, char *msg)
{
    double *d = malloc(sh->core_cells * sizeof *d);
    if (!d)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the skin texture");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (sh->core[i])
            d[m++] = smp__linear_to_l(sh->lskin + 3 * i) - sh->view_l[i];
    if (m)
        sh->texture_l = smp__kth_double(d, m, m / 2);
    free(d);
    return SMP_OK;
}

/* The band's cells in a wide unlit area (rim.h: unlit under
 * SMP_UNLIT_SHARE of the skin's luminance, each analysis cell's mean, wide
 * where a disc of SMP_WIDE_UNLIT_MM fits) go: a background in shadow
 * beside the head, whose near black passes as scalp (in the skin-hair
 * plane, as black hair's noise is) and whose local skin, none being
 * confirmed there, is borrowed from the lit head, so that it read as
 * dense hair (on the crown with the suggested mask, the bedding's shadow
 * beyond the head's outline: 12 % of the band's cells, their darkening
 * 0.13 of their skin where the head's band cells' is about 0.8). A
 * narrower dark band, a fringe of dark hair, stays. The analysis cell's
 * mean, not the view's: between the strands of dark hair the skin and
 * glints keep some cells lit, where the viewing scale's blur merged them
 * (topdown-11's dark back of the head, against dark fabric). */
static smp_status drop_wide_unlit(smp_shade *sh, size_t n, double cell_mm, char *msg)
{
    const float *s = sh->skin_lin;
    const double lit = SMP_UNLIT_SHARE * (0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2]);
    float *d = malloc(n * sizeof *d);
    uint8_t *in = malloc(2 * n);
    if (!d || !in) {
        free(d);
        free(in);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the reference's unlit areas");
    }
    for (size_t i = 0; i < n; i++) {
        const float *t = sh->tone + 3 * i;
        in[i] = 0.2126 * t[0] + 0.7152 * t[1] + 0.0722 * t[2] < lit;
    }
    smp__wide_mm(in, in + n, d, sh->grid.gw, sh->grid.gh, cell_mm, 0.5 * SMP_WIDE_UNLIT_MM);
    for (size_t i = 0; i < n; i++)
        if (in[n + i])
            sh->accept[i] = 0;
    free(d);
    free(in);
    return SMP_OK;
}

/* The reference: a painted region, or the band 3-15 mm outside the mask,
 * without what is not scalp: a wide unlit area (drop_wide_unlit), what
 * lies off the skin-hair plane and, at a frontal hairline, the bare side. */
static smp_status select_reference(smp_shade *sh, const smp_coverage *reference, size_t n, double cell_mm, char *msg)
{
    for (size_t i = 0; i < n; i++)
        sh->accept[i] = reference ? reference->c[i] >= 128
                                  : sh->dist_out[i] >= BAND_IN_MM && sh->dist_out[i] <= BAND_OUT_MM;
    for (size_t i = 0; i < n; i++)
        sh->ref_cells += sh->accept[i];
    smp_status st = SMP_OK;
    if (!reference && sh->core_cells)
        st = drop_wide_unlit(sh, n, cell_mm, msg);
    if (st == SMP_OK)
        st = reject_non_scalp(sh, n, !reference && sh->core_cells, msg);
    for (size_t i = 0; i < n; i++)
        sh->ref_accepted += sh->accept[i];
    return st;
}

/* The reference's tone as photographed, and as it would look under the
 * core's light: its darkening of its own bare skin, applied to the core
 * (relative to the core's own ratio, which texture alone makes a little
 * below 1). */
static smp_status light_reference(smp_shade *sh, double cell_mm, size_t n, char *msg)
{
    const smp_coverage *cov = &sh->grid;
    float *rv = malloc(n * 3 * sizeof *rv);
    smp_status st = rv ? blur(sh->tone, sh->accept, cov->gw, cov->gh, VIEW_SIGMA_MM / cell_mm, rv, NULL, sh->threads,
                              msg)
                       : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the reference blur");
    if (st == SMP_OK)
        st = median_lab(rv, sh->accept, n, sh->threads, sh->ref_raw_lab, msg);
    free(rv);
    float ref_ratio[3], core_ratio[3];
    if (st == SMP_OK)
        st = darkening_ratio(sh, sh->accept, n, ref_ratio, msg);
    if (st == SMP_OK)
        st = darkening_ratio(sh, sh->core, n, core_ratio, msg);
    if (st != SMP_OK)
        return st;
    float lit[3];
    for (int c = 0; c < 3; c++) {
        double r = core_ratio[c] > 1e-6f ? ref_ratio[c] / core_ratio[c] : 1;
        lit[c] = (float)(sh->core_before_lin[c] * (r > 1 ? 1 : r));
    }
    smp__linear_to_lab(lit, sh->ref_lab);
    return SMP_OK;
}

smp_status smp__shade_analyze(smp_shade *sh, const smp_image *photo, const smp_coverage *full,
                              const smp_coverage *reference_full, double ppm, int threads, char *msg)
{
    return smp__shade_analyze_part(sh, photo, full, reference_full, ppm, threads, NULL, NULL, msg);
}

/* Whether the photo's part was made on the analysis grid of this
 * coverage and scale (shade_grid's). */
static bool part_fits(const smp_shade_photo *part, const smp_coverage *full, double ppm)
{
    const int k = analysis_k(full, ppm);
    return part && part->tone && part->view && part->tone_l && part->view_l && part->skin_arg &&
           part->cell == full->cell * (uint32_t)k && part->gw == (full->gw + (uint32_t)k - 1) / (uint32_t)k &&
           part->gh == (full->gh + (uint32_t)k - 1) / (uint32_t)k;
}

smp_status smp__shade_analyze_part(smp_shade *sh, const smp_image *photo, const smp_coverage *full,
                                   const smp_coverage *reference_full, double ppm, int threads,
                                   const smp_shade_photo *given, smp_shade_photo *keep, char *msg)
{
    memset(sh, 0, sizeof *sh);
    sh->threads = threads;
    sh->given = part_fits(given, full, ppm) ? given : NULL;
    sh->keep = sh->given ? NULL : keep;
    if (sh->keep)
        smp__shade_photo_free(sh->keep);
    smp_coverage ref_grid = {0};
    smp_status st = shade_grid(sh, photo, full, reference_full, &ref_grid, ppm, msg);
    const smp_coverage *cov = &sh->grid, *reference = reference_full ? &ref_grid : NULL;
    const size_t n = (size_t)cov->gw * cov->gh;
    const double cell_mm = cov->cell / ppm;
    const size_t part_bytes = n * (2 * 3 * sizeof(float) + 2 * sizeof(double) + sizeof(uint32_t));
    if (part_bytes > SMP_SHADE_PART_MAX_BYTES)
        sh->keep = NULL; /* too large to keep */
    if (st == SMP_OK && sh->given) { /* the photo's part: its copies */
        memcpy(sh->view, sh->given->view, n * 3 * sizeof *sh->view);
        if (!(sh->view_l = smp__dup_bytes(sh->given->view_l, n * sizeof *sh->view_l)))
            st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shade analysis");
    } else {
        if (st == SMP_OK)
            st = blur(sh->tone, NULL, cov->gw, cov->gh, VIEW_SIGMA_MM / cell_mm, sh->view, NULL, sh->threads, msg);
        if (st == SMP_OK && !(sh->view_l = lightness_map(sh->view, n, sh->threads)))
            st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shade analysis");
        if (st == SMP_OK && sh->keep) { /* out of memory: nothing kept, the analysis goes on */
            smp_shade_photo *k = sh->keep;
            k->gw = cov->gw;
            k->gh = cov->gh;
            k->cell = cov->cell;
            k->tone = smp__dup_bytes(sh->tone, n * 3 * sizeof *k->tone);
            k->view = smp__dup_bytes(sh->view, n * 3 * sizeof *k->view);
            k->tone_l = smp__dup_bytes(sh->tone_l, n * sizeof *k->tone_l);
            k->view_l = smp__dup_bytes(sh->view_l, n * sizeof *k->view_l);
        }
    }
    if (st == SMP_OK && sh->core_cells)
        st = core_skin(sh, n, msg);
    if (st == SMP_OK && sh->core_cells)
        st = mid_cells(sh, n, msg);
    if (st == SMP_OK)
        st = select_reference(sh, reference, n, cell_mm, msg);
    const int matchable = sh->ref_accepted && sh->core_cells;
    if (st == SMP_OK && matchable) /* the hair's L* tells local skin from hair */
        st = hair_colour(sh, photo, msg);
    if (st == SMP_OK && sh->core_cells)
        st = local_skin(sh, cov, ppm, msg);
    if (st == SMP_OK && sh->core_cells)
        st = skin_texture(sh, n, msg);
    if (st == SMP_OK && matchable) {
        st = light_reference(sh, cell_mm, n, msg);
        sh->have_reference = st == SMP_OK;
    }
    free(ref_grid.c);
    if (sh->keep && (st != SMP_OK || !part_fits(sh->keep, full, ppm))) /* a part, whole or none */
        smp__shade_photo_free(sh->keep);
    sh->given = NULL;
    sh->keep = NULL;
    free(sh->tone_l); /* the analysis's own: what comes after reads only the view's (the hair factor) */
    sh->tone_l = NULL;
    if (st != SMP_OK)
        smp__shade_free(sh);
    return st;
}

/* Core viewing-scale tone of an image (the after image), as for before. */
smp_status smp__core_tone(const smp_shade *sh, const smp_image *img, double ppm, int threads, double lab[3],
                          char *msg)
{
    const smp_coverage *cov = &sh->grid;
    smp_shade tmp = {0};
    smp_status st = tone_map(&tmp, img, cov, threads, msg);
    size_t n = (size_t)cov->gw * cov->gh;
    float *view = st == SMP_OK ? malloc(n * 3 * sizeof *view) : NULL;
    if (st == SMP_OK && !view)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the core tone");
    if (st == SMP_OK)
        st = blur(tmp.tone, NULL, cov->gw, cov->gh, VIEW_SIGMA_MM / (cov->cell / ppm), view, NULL, threads, msg);
    if (st == SMP_OK)
        st = median_lab(view, sh->core, n, threads, lab, msg);
    free(view);
    free(tmp.tone);
    return st;
}

smp_status smp__existing_hair_factor(const smp_shade *sh, smp_coverage *cov, int threads, char *msg)
{
    const uint32_t k = (uint32_t)sh->k, aw = sh->grid.gw;
    /* How much of the darkening the reference shows is already there at
     * each treated point (stubble, thinning hair), each judged against its
     * own bare skin: that share of the dots is not needed. */
    const double need = sh->skin_lab[0] - sh->ref_lab[0];
    if (!sh->have_reference || !sh->lskin || need <= 0.5)
        return SMP_OK;
    const size_t na = (size_t)aw * sh->grid.gh;
    uint8_t *share = malloc(na);
    if (!share)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hair map");
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    /* Every cell on its own: the loops run in parallel. */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (size_t a = 0; a < na; a++) { /* the share of dots still needed, per analysis cell */
        /* view_l: the same L* of the view, taken once in the analysis */
        const double here = sh->view_l ? sh->view_l[a] : smp__linear_to_l(sh->view + 3 * a),
                     skin = smp__linear_to_l(sh->lskin + 3 * a);
        double have = skin - here - sh->texture_l;
        double f = 1.0 - (have > 0 ? have : 0) / need;
        share[a] = (uint8_t)lrint(255 * (f < 0 ? 0 : f > 1 ? 1 : f));
    }
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (uint32_t y = 0; y < cov->gh; y++) {
        uint8_t *c = cov->c + (size_t)y * cov->gw;
        const uint8_t *s = share + (size_t)(y / k) * aw; /* its analysis cells' row */
        for (uint32_t x = 0; x < cov->gw; x++) {
            uint64_t word;
            while (x + 8 <= cov->gw && (memcpy(&word, c + x, 8), word == 0)) /* untreated cells stay 0 */
                x += 8;
            if (x >= cov->gw)
                break;
            c[x] = (uint8_t)((c[x] * s[x / k] + 127) / 255);
        }
    }
    free(share);
    return SMP_OK;
}
