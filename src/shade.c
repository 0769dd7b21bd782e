/* Shade analysis: reference tone, skin and hair colours, pigment dilution,
 * density for a tone match, and the existing-hair factor inside the mask.
 *
 * Everything runs on a tone map: the photo averaged in linear light over
 * the coverage grid's cells (about 0.25 mm), which is far finer than the
 * viewing scale. The viewing-scale tone is the tone map blurred with a
 * Gaussian of sigma 1.5 mm: about how 1 mm detail (dots, stubble, pores)
 * merges at conversation distance, where a client judges the result. */
#include "stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_SIGMA_MM 1.5
#define BAND_IN_MM 3.0   /* the reference band starts this far outside the mask */
#define BAND_OUT_MM 15.0 /* and ends here */
#define CORE_MM 3.0      /* the treated core starts this far inside the mask */
#define HAIR_FRACTION 0.005 /* the darkest share of reference pixels: hair and follicles */

/* Carbon black as it reads through healed epidermis (neutral, not 0). */
static const uint8_t CARBON_SRGB[3] = {0x16, 0x16, 0x18};

void smp__shade_free(smp_shade *sh)
{
    free(sh->tone);
    free(sh->view);
    free(sh->dist_out);
    free(sh->dist_in);
    free(sh->accept);
    free(sh->lskin);
    memset(sh, 0, sizeof *sh);
}

/* Mean linear colour of the photo over each coverage cell. */
static smp_status tone_map(smp_shade *sh, const smp_image *photo, const smp_coverage *cov, char *msg)
{
    size_t n = (size_t)cov->gw * cov->gh;
    float to_lin[256];
    for (int i = 0; i < 256; i++)
        to_lin[i] = smp__srgb_to_linear((uint8_t)i);
    sh->tone = calloc(n * 3, sizeof *sh->tone);
    if (!sh->tone)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the tone map");
    const int ch = photo->ch, grey = ch <= 2;
    for (uint32_t y = 0; y < photo->h; y++) {
        const uint8_t *row = photo->px + (size_t)y * photo->w * ch;
        float *t = sh->tone + (size_t)(y / cov->cell) * cov->gw * 3;
        for (uint32_t x = 0; x < photo->w; x++) {
            const uint8_t *p = row + (size_t)x * ch;
            float *c = t + (size_t)(x / cov->cell) * 3;
            c[0] += to_lin[p[0]];
            c[1] += to_lin[p[grey ? 0 : 1]];
            c[2] += to_lin[p[grey ? 0 : 2]];
        }
    }
    for (uint32_t gy = 0; gy < cov->gh; gy++)
        for (uint32_t gx = 0; gx < cov->gw; gx++) {
            uint32_t w = (gx + 1) * cov->cell <= photo->w ? cov->cell : photo->w - gx * cov->cell;
            uint32_t h = (gy + 1) * cov->cell <= photo->h ? cov->cell : photo->h - gy * cov->cell;
            float *c = sh->tone + ((size_t)gy * cov->gw + gx) * 3;
            for (int k = 0; k < 3; k++)
                c[k] /= (float)(w * h);
        }
    return SMP_OK;
}

/* Chamfer (3-4) distance in cells to the nearest cell where `inside` is
 * true, scaled to mm. */
static void distance_mm(const smp_coverage *cov, int want_treated, double cell_mm, float *d)
{
    const uint32_t w = cov->gw, h = cov->gh;
    const float big = 1e9f;
    for (size_t i = 0; i < (size_t)w * h; i++)
        d[i] = ((cov->c[i] >= 128) == want_treated) ? 0 : big;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
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

/* Separable Gaussian of the tone map weighted by wgt (normalised
 * convolution: cells with weight 0 do not pull the blur). */
static smp_status blur(const float *in, const uint8_t *wgt, uint32_t w, uint32_t h, double sigma_cells,
                       float *out, char *msg)
{
    int r = (int)ceil(3 * sigma_cells);
    float *k = malloc((size_t)(2 * r + 1) * sizeof *k);
    float *tmp = malloc((size_t)w * h * 4 * sizeof *tmp);
    if (!k || !tmp) {
        free(k);
        free(tmp);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the viewing-scale blur");
    }
    for (int i = -r; i <= r; i++)
        k[i + r] = (float)exp(-0.5 * i * i / (sigma_cells * sigma_cells));
    for (uint32_t y = 0; y < h; y++) /* rows: colour x weight and weight */
        for (uint32_t x = 0; x < w; x++) {
            float acc[4] = {0, 0, 0, 0};
            for (int i = -r; i <= r; i++) {
                long xx = (long)x + i;
                if (xx < 0 || xx >= (long)w)
                    continue;
                size_t j = (size_t)y * w + (size_t)xx;
                float kw = k[i + r] * (wgt ? wgt[j] : 1);
                for (int c = 0; c < 3; c++)
                    acc[c] += kw * in[3 * j + c];
                acc[3] += kw;
            }
            memcpy(tmp + ((size_t)y * w + x) * 4, acc, sizeof acc);
        }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            float acc[4] = {0, 0, 0, 0};
            for (int i = -r; i <= r; i++) {
                long yy = (long)y + i;
                if (yy < 0 || yy >= (long)h)
                    continue;
                const float *t = tmp + ((size_t)yy * w + x) * 4;
                for (int c = 0; c < 4; c++)
                    acc[c] += k[i + r] * t[c];
            }
            float *o = out + ((size_t)y * w + x) * 3;
            for (int c = 0; c < 3; c++)
                o[c] = acc[3] > 1e-12f ? acc[c] / acc[3] : 0;
        }
    free(k);
    free(tmp);
    return SMP_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Component-wise median Lab of the blurred map over the selected cells. */
static int median_lab(const float *view, const uint8_t *sel, size_t n, double lab[3])
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += sel[i] != 0;
    if (!m)
        return 0;
    double *v = malloc(m * 3 * sizeof *v);
    if (!v)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (sel[i]) {
            double l[3];
            smp__linear_to_lab(view + 3 * i, l);
            v[k] = l[0];
            v[m + k] = l[1];
            v[2 * m + k] = l[2];
            k++;
        }
    for (int c = 0; c < 3; c++) {
        qsort(v + c * m, m, sizeof *v, cmp_double);
        lab[c] = v[c * m + m / 2];
    }
    free(v);
    return 1;
}

/* Which reference cells are scalp or hair, not background, clothing or
 * shine. Scalp with hair is a mixture of skin and hair under some light, so
 * its linear colour lies in the plane spanned by the skin and hair colours
 * (the hair provisionally the darkest 5 % of the band); cells far off that
 * plane (a blue pillow, a green wall), much lighter than skin (shine, white
 * fabric) or near black go, then lightness outliers beyond 3 MADs. */
static void reject_non_scalp(smp_shade *sh, size_t n)
{
    double *ls = malloc(n * sizeof *ls);
    if (!ls)
        return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (sh->accept[i]) {
            double lab[3];
            smp__linear_to_lab(sh->tone + 3 * i, lab);
            ls[m++] = lab[0];
        }
    if (m < 10) {
        free(ls);
        return;
    }
    qsort(ls, m, sizeof *ls, cmp_double);
    const double dark_l = ls[m / 20];
    double hair[3] = {0, 0, 0};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (sh->accept[i]) {
            double lab[3];
            smp__linear_to_lab(sh->tone + 3 * i, lab);
            if (lab[0] <= dark_l) {
                for (int c = 0; c < 3; c++)
                    hair[c] += sh->tone[3 * i + c];
                k++;
            }
        }
    for (int c = 0; c < 3; c++)
        hair[c] /= k ? k : 1;
    /* An orthonormal basis of the skin-hair plane (Gram-Schmidt). */
    double u[3], v[3], nu = 0, dot = 0, nv = 0;
    for (int c = 0; c < 3; c++)
        nu += sh->skin_lin[c] * sh->skin_lin[c];
    nu = sqrt(nu);
    for (int c = 0; c < 3; c++) {
        u[c] = nu > 0 ? sh->skin_lin[c] / nu : 0;
        dot += hair[c] * u[c];
    }
    for (int c = 0; c < 3; c++) {
        v[c] = hair[c] - dot * u[c];
        nv += v[c] * v[c];
    }
    nv = sqrt(nv);
    for (int c = 0; c < 3; c++)
        v[c] = nv > 1e-6 ? v[c] / nv : 0;
    m = 0;
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
        double lab[3];
        smp__linear_to_lab(t, lab);
        int ok = lab[0] >= 8 && lab[0] <= sh->skin_lab[0] + 8 && off <= 0.06 * 0.06 * norm;
        sh->accept[i] = (uint8_t)ok;
        if (ok)
            ls[m++] = lab[0];
    }
    if (m > 10) {
        qsort(ls, m, sizeof *ls, cmp_double);
        double med = ls[m / 2];
        for (size_t i = 0; i < m; i++)
            ls[i] = fabs(ls[i] - med);
        qsort(ls, m, sizeof *ls, cmp_double);
        double mad = 1.4826 * ls[m / 2] + 1.0;
        for (size_t i = 0; i < n; i++) {
            if (!sh->accept[i])
                continue;
            double lab[3];
            smp__linear_to_lab(sh->tone + 3 * i, lab);
            if (fabs(lab[0] - med) > 3 * mad)
                sh->accept[i] = 0;
        }
    }
    free(ls);
}

/* For each cell, the colour of the lightest cell within 2 mm: bare skin
 * between hairs, under the local light (the dome's shading changes slowly).
 * Kept no lighter than the global skin plus a margin, against shine. */
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
    for (size_t i = 0; i < n; i++) {
        double lab[3];
        smp__linear_to_lab(sh->tone + 3 * i, lab);
        l[i] = (float)lab[0];
    }
    for (uint32_t y = 0; y < h; y++) /* arg max along rows, then along columns */
        for (uint32_t x = 0; x < w; x++) {
            size_t best = (size_t)y * w + x;
            for (long i = (long)x - k; i <= (long)x + k; i++)
                if (i >= 0 && i < (long)w && l[(size_t)y * w + (size_t)i] > l[best])
                    best = (size_t)y * w + (size_t)i;
            arg[(size_t)y * w + x] = (uint32_t)best;
        }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint32_t best = arg[(size_t)y * w + x];
            for (long j = (long)y - k; j <= (long)y + k; j++)
                if (j >= 0 && j < (long)h && l[arg[(size_t)j * w + x]] > l[best])
                    best = arg[(size_t)j * w + x];
            arg2[(size_t)y * w + x] = best;
        }
    const double cap = sh->skin_lab[0] + 3;
    for (size_t i = 0; i < n; i++) {
        const float *src = sh->tone + 3 * (size_t)arg2[i];
        double scale = l[arg2[i]] > cap ? pow((cap + 16) / (l[arg2[i]] + 16), 3) : 1; /* L ~ Y^(1/3) */
        for (int c = 0; c < 3; c++)
            sh->lskin[3 * i + c] = (float)(src[c] * scale);
    }
    free(l);
    free(arg);
    free(arg2);
    return SMP_OK;
}

/* Median per channel of view / local skin over the selected cells: how much
 * the surface darkens its own bare skin, whatever the light. */
static void darkening_ratio(const smp_shade *sh, const uint8_t *sel, size_t n, float out[3])
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += sel[i] != 0;
    double *v = m ? malloc(m * sizeof *v) : NULL;
    for (int c = 0; c < 3; c++) {
        out[c] = 1;
        if (!v)
            continue;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (sel[i])
                v[k++] = sh->lskin[3 * i + c] > 1e-6f ? sh->view[3 * i + c] / sh->lskin[3 * i + c] : 1;
        qsort(v, m, sizeof *v, cmp_double);
        out[c] = (float)v[m / 2];
    }
    free(v);
}

/* The darkest HAIR_FRACTION of the accepted reference pixels, averaged in
 * linear light: stubble shafts and follicles. */
static void hair_colour(smp_shade *sh, const smp_image *photo, const smp_coverage *cov)
{
    enum { BINS = 1024 };
    double sum[BINS][3];
    size_t count[BINS];
    memset(sum, 0, sizeof sum);
    memset(count, 0, sizeof count);
    float to_lin[256];
    for (int i = 0; i < 256; i++)
        to_lin[i] = smp__srgb_to_linear((uint8_t)i);
    const int ch = photo->ch, grey = ch <= 2;
    size_t total = 0;
    for (uint32_t y = 0; y < photo->h; y++)
        for (uint32_t x = 0; x < photo->w; x++) {
            if (!sh->accept[(size_t)(y / cov->cell) * cov->gw + x / cov->cell])
                continue;
            const uint8_t *p = photo->px + ((size_t)y * photo->w + x) * ch;
            float lin[3] = {to_lin[p[0]], to_lin[p[grey ? 0 : 1]], to_lin[p[grey ? 0 : 2]]};
            /* Luminance decides the bin: ordering by lightness, cheaply. */
            double lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
            int b = (int)(sqrt(lum) * (BINS - 1));
            b = b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
            for (int c = 0; c < 3; c++)
                sum[b][c] += lin[c];
            count[b]++;
            total++;
        }
    size_t want = (size_t)(total * HAIR_FRACTION) + 1, got = 0;
    double acc[3] = {0, 0, 0};
    for (int b = 0; b < BINS && got < want; b++) {
        for (int c = 0; c < 3; c++)
            acc[c] += sum[b][c];
        got += count[b];
    }
    float lin[3] = {(float)(acc[0] / (got ? got : 1)), (float)(acc[1] / (got ? got : 1)),
                    (float)(acc[2] / (got ? got : 1))};
    smp__linear_to_lab(lin, sh->hair_lab);
}

void smp__pigment_for_dilution(const smp_shade *sh, double dilution, float lin[3])
{
    for (int c = 0; c < 3; c++) {
        float black = smp__srgb_to_linear(CARBON_SRGB[c]);
        lin[c] = (float)((1 - dilution) * black + dilution * sh->skin_lin[c]);
    }
}

double smp__dilution_for_colour(const smp_shade *sh, const double target_lab[3])
{
    double best = 0, best_de = INFINITY;
    for (int i = 0; i <= 95; i++) {
        float lin[3];
        double lab[3], d = i / 100.0;
        smp__pigment_for_dilution(sh, d, lin);
        smp__linear_to_lab(lin, lab);
        double de = smp__delta_e2000(lab, target_lab);
        if (de < best_de) {
            best_de = de;
            best = d;
        }
    }
    return best;
}

/* The core's viewing-scale tone once dots cover the fraction f of it with
 * pigment pig: ink is conserved, so it is a linear-light mix. */
void smp__predict_core(const smp_shade *sh, const float pig[3], double f, double lab[3])
{
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = (float)(sh->core_before_lin[c] * (1 - f) + pig[c] * f);
    smp__linear_to_lab(lin, lab);
}

smp_status smp__shade_analyze(smp_shade *sh, const smp_image *photo, const smp_coverage *cov,
                              const smp_coverage *reference, double ppm, char *msg)
{
    memset(sh, 0, sizeof *sh);
    const size_t n = (size_t)cov->gw * cov->gh;
    const double cell_mm = cov->cell / ppm;
    smp_status st = tone_map(sh, photo, cov, msg);
    if (st != SMP_OK)
        return st;
    sh->view = malloc(n * 3 * sizeof *sh->view);
    sh->dist_out = malloc(n * sizeof *sh->dist_out);
    sh->dist_in = malloc(n * sizeof *sh->dist_in);
    sh->accept = malloc(n);
    uint8_t *core = malloc(n);
    if (!sh->view || !sh->dist_out || !sh->dist_in || !sh->accept || !core) {
        free(core);
        smp__shade_free(sh);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shade analysis");
    }
    distance_mm(cov, 1, cell_mm, sh->dist_out); /* distance to the treated area */
    distance_mm(cov, 0, cell_mm, sh->dist_in);  /* distance to the untreated area */
    for (size_t i = 0; i < n; i++) {
        core[i] = cov->c[i] == 255 && sh->dist_in[i] >= CORE_MM;
        sh->core_cells += core[i];
    }
    if (!sh->core_cells) /* a thin mask: use every fully treated cell */
        for (size_t i = 0; i < n; i++) {
            core[i] = cov->c[i] == 255;
            sh->core_cells += core[i];
        }

    st = blur(sh->tone, NULL, cov->gw, cov->gh, VIEW_SIGMA_MM / cell_mm, sh->view, msg);
    if (st == SMP_OK && sh->core_cells) {
        /* Skin: the core's lighter cells (60th to 90th percentile of
         * lightness), where hair is absent and shine is not. */
        double *ls = malloc(sh->core_cells * sizeof *ls);
        size_t m = 0;
        for (size_t i = 0; ls && i < n; i++)
            if (core[i]) {
                double lab[3];
                smp__linear_to_lab(sh->tone + 3 * i, lab);
                ls[m++] = lab[0];
            }
        if (ls) {
            qsort(ls, m, sizeof *ls, cmp_double);
            double lo = ls[(size_t)(m * 0.6)], hi = ls[(size_t)(m * 0.9)];
            double acc[3] = {0, 0, 0};
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (core[i]) {
                    double lab[3];
                    smp__linear_to_lab(sh->tone + 3 * i, lab);
                    if (lab[0] >= lo && lab[0] <= hi) {
                        for (int c = 0; c < 3; c++)
                            acc[c] += sh->tone[3 * i + c];
                        k++;
                    }
                }
            for (int c = 0; c < 3; c++)
                sh->skin_lin[c] = (float)(acc[c] / (k ? k : 1));
            smp__linear_to_lab(sh->skin_lin, sh->skin_lab);
            free(ls);
        }
        median_lab(sh->view, core, n, sh->core_before_lab);
        smp__lab_to_linear(sh->core_before_lab, sh->core_before_lin);
    }
    if (st == SMP_OK && sh->core_cells)
        st = local_skin(sh, cov, ppm, msg);
    if (st == SMP_OK && sh->core_cells) { /* bare skin's own texture: view below local skin */
        double *d = malloc(sh->core_cells * sizeof *d);
        size_t m = 0;
        for (size_t i = 0; d && i < n; i++)
            if (core[i]) {
                double a[3], b[3];
                smp__linear_to_lab(sh->lskin + 3 * i, a);
                smp__linear_to_lab(sh->view + 3 * i, b);
                d[m++] = a[0] - b[0];
            }
        if (d && m) {
            qsort(d, m, sizeof *d, cmp_double);
            sh->texture_l = d[m / 2];
        }
        free(d);
    }
    /* The reference: a painted region, or the band 3-15 mm outside the mask. */
    for (size_t i = 0; i < n; i++)
        sh->accept[i] = reference ? reference->c[i] >= 128
                                  : sh->dist_out[i] >= BAND_IN_MM && sh->dist_out[i] <= BAND_OUT_MM;
    for (size_t i = 0; i < n; i++)
        sh->ref_cells += sh->accept[i];
    reject_non_scalp(sh, n);
    for (size_t i = 0; i < n; i++)
        sh->ref_accepted += sh->accept[i];
    if (st == SMP_OK && sh->ref_accepted && sh->core_cells) {
        float *rv = malloc(n * 3 * sizeof *rv);
        st = rv ? blur(sh->tone, sh->accept, cov->gw, cov->gh, VIEW_SIGMA_MM / cell_mm, rv, msg)
                : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the reference blur");
        if (st == SMP_OK)
            median_lab(rv, sh->accept, n, sh->ref_raw_lab);
        free(rv);
        /* The reference as it would look under the core's light: its
         * darkening of its own bare skin, applied to the core (relative to
         * the core's own ratio, which texture alone makes a little below 1). */
        float ref_ratio[3], core_ratio[3];
        darkening_ratio(sh, sh->accept, n, ref_ratio);
        darkening_ratio(sh, core, n, core_ratio);
        float lit[3];
        for (int c = 0; c < 3; c++) {
            double r = core_ratio[c] > 1e-6f ? ref_ratio[c] / core_ratio[c] : 1;
            lit[c] = (float)(sh->core_before_lin[c] * (r > 1 ? 1 : r));
        }
        smp__linear_to_lab(lit, sh->ref_lab);
        hair_colour(sh, photo, cov);
        sh->have_reference = 1;
    }
    free(core);
    if (st != SMP_OK)
        smp__shade_free(sh);
    return st;
}

/* Core viewing-scale tone of an image (the after image), as for before. */
smp_status smp__core_tone(const smp_shade *sh, const smp_image *img, const smp_coverage *cov, double ppm,
                          double lab[3], char *msg)
{
    smp_shade tmp = {0};
    smp_status st = tone_map(&tmp, img, cov, msg);
    size_t n = (size_t)cov->gw * cov->gh;
    float *view = st == SMP_OK ? malloc(n * 3 * sizeof *view) : NULL;
    uint8_t *core = view ? malloc(n) : NULL;
    if (st == SMP_OK && !core)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the core tone");
    if (st == SMP_OK)
        st = blur(tmp.tone, NULL, cov->gw, cov->gh, VIEW_SIGMA_MM / (cov->cell / ppm), view, msg);
    if (st == SMP_OK) {
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            core[i] = cov->c[i] == 255 && sh->dist_in[i] >= CORE_MM;
            any |= core[i];
        }
        if (!any)
            for (size_t i = 0; i < n; i++)
                core[i] = cov->c[i] == 255;
        median_lab(view, core, n, lab);
    }
    free(view);
    free(core);
    free(tmp.tone);
    return st;
}

smp_status smp__existing_hair_factor(const smp_shade *sh, smp_coverage *cov)
{
    /* How much of the darkening the reference shows is already there at
     * each treated point (stubble, thinning hair), each judged against its
     * own bare skin: that share of the dots is not needed. */
    const double need = sh->skin_lab[0] - sh->ref_lab[0];
    if (!sh->have_reference || !sh->lskin || need <= 0.5)
        return SMP_OK;
    const size_t n = (size_t)cov->gw * cov->gh;
    for (size_t i = 0; i < n; i++) {
        if (!cov->c[i])
            continue;
        double here[3], skin[3];
        smp__linear_to_lab(sh->view + 3 * i, here);
        smp__linear_to_lab(sh->lskin + 3 * i, skin);
        double have = skin[0] - here[0] - sh->texture_l;
        double f = 1.0 - (have > 0 ? have : 0) / need;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        cov->c[i] = (uint8_t)lrint(cov->c[i] * f);
    }
    return SMP_OK;
}
