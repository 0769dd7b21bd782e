/* SPDX-License-Identifier: BSD-2-Clause */
/* Mask checks (see smpsim.h): a photo given as a mask, a mask painted in a
 * colour over the photo, a mask that treats the background. */
#include "suggest.h"
#include "mask.h"
#include "image.h"

#include <math.h>
#include <stdlib.h>

/* A mask pixel's coverage, 0..1: alpha with real transparency
 * (smp__mask_has_alpha, as mask.c reads masks), else luminance. */
static double value_at(const smp_image *m, int alpha, size_t i)
{
    const uint8_t *p = m->px + i * m->ch;
    if (alpha)
        return p[m->ch - 1] / 255.0;
    if (m->ch <= 2)
        return p[0] / 255.0;
    return (0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]) / 255.0;
}

/* A photo, not a mask: colourful (a quarter of the pixels or more with a
 * chroma over 24 of 255) and textured (a third or more of the
 * neighbouring pixel pairs differing by more than 4 levels, or 1000
 * colours or more at 5 bits a channel), or colourful (5 %) with its two
 * commonest colours at 5 bits covering under half of it. A painted
 * mask has flat areas, nearly all in its paint and its ground (98.6 % for
 * red on black saved as a JPEG at quality 75); a grey mask has no colour.
 * A photo with the area painted over it in red keeps the photo's colours
 * around the paint (15 % in the two commonest on our hairline photo, a
 * smooth one with under 1000 colours). */
static int looks_like_photo(const smp_image *m, double *colourful, double *textured)
{
    *colourful = *textured = 0;
    if (m->ch < 3 || m->w < 2 || m->h < 2)
        return 0;
    const size_t step = (size_t)m->w * m->h > 4000000 ? 3 : 1;
    size_t n = 0, col = 0, tex = 0, distinct = 0, top[2] = {0, 0};
    uint32_t *seen = calloc(1 << 15, sizeof *seen); /* counts at 5 bits a channel */
    for (uint32_t y = 0; y + 1 < m->h; y += (uint32_t)step)
        for (uint32_t x = 0; x + 1 < m->w; x += (uint32_t)step) {
            const uint8_t *p = m->px + ((size_t)y * m->w + x) * m->ch, *q = p + m->ch;
            int mx = p[0] > p[1] ? p[0] : p[1], mn = p[0] < p[1] ? p[0] : p[1];
            mx = p[2] > mx ? p[2] : mx;
            mn = p[2] < mn ? p[2] : mn;
            col += mx - mn > 24;
            int d = abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]);
            tex += d > 12;
            n++;
            if (seen) {
                unsigned key = (unsigned)(p[0] >> 3) << 10 | (unsigned)(p[1] >> 3) << 5 | (unsigned)(p[2] >> 3);
                distinct += !seen[key]++;
            }
        }
    for (size_t k = 0; seen && k < (size_t)1 << 15; k++)
        if (seen[k] > top[1]) {
            top[1] = seen[k] > top[0] ? top[0] : seen[k];
            top[0] = seen[k] > top[0] ? seen[k] : top[0];
        }
    const int unpainted = seen && (double)(top[0] + top[1]) < 0.5 * (double)n;
    free(seen);
    *colourful = (double)col / n;
    *textured = (double)tex / n;
    /* Shading and texture give a photo a thousand colours or more; paint a few
     * (plus its anti-aliased or compressed edges). */
    return (*colourful >= 0.25 && *textured >= 0.33) || (*colourful >= 0.05 && (distinct >= 1000 || unpainted));
}

/* The analysis cells of a mask row y (of mask_h rows): its row of cells. */
static const uint8_t *row_cells(const smp_scalp *s, const uint8_t *cells, uint32_t y, uint32_t mask_h)
{
    uint32_t gy = (uint32_t)(((uint64_t)y * 2 + 1) * s->h / (2ull * mask_h)) / s->cell;
    return cells + (size_t)(gy < s->gh ? gy : s->gh - 1) * s->gw;
}

smp_status smp_mask_check(smp_scalp *s, const smp_image *mask, double *outside)
{
    if (outside)
        *outside = -1;
    if (!mask || !mask->px)
        return s ? smp__fail(s->msg, SMP_ERR_ARG, "no mask to check") : SMP_ERR_ARG;
    double colourful, textured;
    if (looks_like_photo(mask, &colourful, &textured)) {
        if (s)
            smp__fail(s->msg, SMP_ERR_FORMAT,
                      "looks like a photo, not a mask (%.0f %% colourful, %.0f %% textured): paint the area "
                      "white on black, or give the colour it is painted with over the photo "
                      "(--mask-paint '#ff0000'), or let smpsim suggest one (auto)",
                      100 * colourful, 100 * textured);
        return SMP_ERR_FORMAT;
    }
    if (!s || !s->analysed || !outside)
        return SMP_OK;
    const int alpha = smp__mask_has_alpha(mask);
    const int closeup = s->info.head_fraction >= 0.8;
    /* Each column's analysis cell once, and each cell's weight off the scalp
     * (0 or 1): the same sums, in the same order, without a division per
     * pixel. */
    uint32_t *col = malloc((size_t)mask->w * sizeof *col);
    uint8_t *offc = malloc((size_t)s->gw * s->gh);
    if (!col || !offc) {
        free(col);
        free(offc);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the mask check");
    }
    for (uint32_t x = 0; x < mask->w; x++) {
        uint32_t gx = (uint32_t)(((uint64_t)x * 2 + 1) * s->w / (2ull * mask->w)) / s->cell;
        col[x] = gx < s->gw ? gx : s->gw - 1;
    }
    /* Off the scalp: off the head, or on it where the analysis sees no
     * scalp at all (not enclosed by hair: a face, a neck), unless the head
     * fills the frame (a close-up has no fringe). */
    for (size_t i = 0; i < (size_t)s->gw * s->gh; i++)
        offc[i] = !s->head[i] ? 1 : closeup ? 0 : s->enclosed[i] < 0.25 ? 1 : 0;
    const bool grey = !alpha && mask->ch <= 2;
    double total = 0, off = 0;
    uint64_t total_g = 0, off_g = 0; /* a grey mask's sums in its own levels: exact, and cheap */
    if (grey) { /* integers: the rows in parallel give the same sums */
        SMP_OMP(omp parallel for schedule(static) reduction(+ : total_g, off_g) num_threads(smp__threads(s->threads)))
        for (uint32_t y = 0; y < mask->h; y++) {
            const uint8_t *m = mask->px + (size_t)y * mask->w * mask->ch, *cells = row_cells(s, offc, y, mask->h);
            for (uint32_t x = 0; x < mask->w; x++, m += mask->ch) {
                total_g += *m;
                off_g += cells[col[x]] ? *m : 0;
            }
        }
    } else
        for (uint32_t y = 0; y < mask->h; y++) { /* doubles: in turn */
            const uint8_t *cells = row_cells(s, offc, y, mask->h);
            const size_t row = (size_t)y * mask->w;
            for (uint32_t x = 0; x < mask->w; x++) {
                const double v = value_at(mask, alpha, row + x);
                total += v;
                off += v * (cells[col[x]] ? 1.0 : 0.0);
            }
        }
    free(col);
    free(offc);
    if (grey) {
        total = (double)total_g;
        off = (double)off_g;
    }
    *outside = total > 0 ? off / total : 0;
    return SMP_OK;
}

smp_status smp_mask_from_paint(smp_image *out, const smp_image *painted, const smp_image *photo, uint8_t r,
                               uint8_t g, uint8_t b)
{
    if (!out)
        return SMP_ERR_ARG;
    if (!painted || !painted->px)
        return smp__fail(out->msg, SMP_ERR_ARG, "no painted image");
    if (painted->ch < 3)
        return smp__fail(out->msg, SMP_ERR_FORMAT, "the painted mask is grey: a paint colour needs a colour image");
    const int blend = photo && photo->px && photo->w == painted->w && photo->h == painted->h;
    const smp_image *src = painted;
    const uint32_t w = src->w, h = src->h;
    uint8_t *v = malloc((size_t)w * h);
    if (!v)
        return smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate the %ux%u mask", (unsigned)w, (unsigned)h);
    const double paint[3] = {r, g, b};
    for (size_t i = 0; i < (size_t)w * h; i++) {
        const uint8_t *p = src->px + i * src->ch;
        double a;
        if (blend) {
            /* painted = a * paint + (1 - a) * photo, least squares, and the
             * residual must be small for the pixel to count as paint. */
            const uint8_t *q = photo->px + i * photo->ch;
            double d[3], e[3], dd = 0, de = 0;
            for (int k = 0; k < 3; k++) {
                double qk = photo->ch >= 3 ? q[k] : q[0];
                d[k] = paint[k] - qk;
                e[k] = p[k] - qk;
                dd += d[k] * d[k];
                de += d[k] * e[k];
            }
            a = dd > 100 ? de / dd : 0;
            a = a < 0 ? 0 : a > 1 ? 1 : a;
            double res = 0;
            for (int k = 0; k < 3; k++)
                res += (e[k] - a * d[k]) * (e[k] - a * d[k]);
            if (res > 30.0 * 30.0)
                a = 0;
            a = a < 0.1 ? 0 : a;
        } else {
            double dist = sqrt((p[0] - paint[0]) * (p[0] - paint[0]) + (p[1] - paint[1]) * (p[1] - paint[1]) +
                               (p[2] - paint[2]) * (p[2] - paint[2]));
            a = dist <= 40 ? 1 : dist >= 90 ? 0 : (90 - dist) / 50;
        }
        v[i] = (uint8_t)lrint(255 * a);
    }
    smp_status st = smp__image_reset(out, w, h, 1, UINT64_MAX);
    if (st != SMP_OK) {
        free(v);
        return st;
    }
    for (size_t i = 0; i < (size_t)w * h; i++)
        out->px[i] = v[i];
    free(v);
    return SMP_OK;
}
