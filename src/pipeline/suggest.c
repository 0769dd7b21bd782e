/* SPDX-License-Identifier: BSD-2-Clause */
/* A suggested mask from the photo alone (see suggest.h and smpsim.h).
 *
 * 1. Cells: the photo is averaged in linear light over square cells (the
 *    long side becomes about 480 cells), keeping per cell the luminance,
 *    the chromaticity (r, g over r + g + b: shading leaves it alone) and
 *    the relative contrast inside the cell and against its neighbours
 *    (hair is textured at this scale, skin, walls and pillows much less).
 * 2. Skin tone: the median chromaticity of the plausibly skin-coloured
 *    cells (r > g > b, not grey), brighter half, near the frame's centre.
 * 3. Classes: skin has that chromaticity at a luminance within a shading
 *    range of it; hair is much darker than the skin (any colour near the
 *    skin's or grey), or greyer than the skin and textured (grey and white
 *    hair); the rest (walls, pillows, clothes, shine) is other.
 * 4. Head: the largest connected region of skin and hair, closed over small
 *    gaps, its holes (a shiny spot, a mole) filled.
 * 5. Thin: the share of hair cells within about 1/64 of the frame around
 *    each cell, against the share where the hair is full (the head's 90th
 *    percentile; where even that is low, stubble too short or sparse for
 *    the cells is found by its texture: see stubble()); a cell neither
 *    skin nor hair, darker than the skin, counts half (OTHER_AS_HAIR;
 *    whole when it has grey hair's colour: GREY_AS_HAIR), a
 *    skin cell in deep shade by its texture (SHADE_K). A bald cell has
 *    none; the grey of the mask is the share of hair missing, from the
 *    scalp seen between the strands (they overlap: see hair_missing).
 * 6. Scalp, not face: from each head cell 16 rays look for hair before they
 *    leave the head. Scalp is surrounded by hair on most sides (the fringe
 *    at the sides and back, the hair in front of a receding temple); a
 *    forehead, cheek or neck has hair on one side at most. A ray that
 *    leaves the frame still on the head, without meeting hair, counts
 *    against: a face runs on out of a photo of the top of the head, below
 *    the hair, where the scalp is closed by hair inside the frame.
 * 7. Not the forehead (forehead.c): where the face is in the photo, the
 *    skin past the line where the fringes at the sides end (the temples) is
 *    forehead, however much hair (brows, a jaw's shadow) closes it. The
 *    fringes are the hair the cells see, before step 5 reads stubble.
 * 8. The suggestion: bald, enclosed, on the scalp's side of the temple line
 *    and inside the rim (rim.c); from there it runs on over the bald skin
 *    it touches where the enclosure is weak but no ray leaves the frame
 *    (spread_bald); smoothed, its gaps closed and its narrow strips taken
 *    away (close_open), its grey at most that of the hair missing over the
 *    thinning's area (thinarea.c).
 * No learned model: a few thresholds on colour, texture and geometry. */
#include "suggest.h"
#include "chamfer.h"
#include "color.h"
#include "forehead.h"
#include "rim.h"
#include "thinarea.h"
#include "image.h"
#include "params.h"
#include "regions.h"
#include "select.h"
#include "dmath.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID_LONG 480   /* cells along the photo's long side */
#define RAYS 16

smp_scalp *smp_scalp_new(void)
{
    return calloc(1, sizeof(smp_scalp));
}

static void clear(smp_scalp *s)
{
    free(s->lum);
    free(s->chr);
    free(s->tex);
    free(s->cls);
    free(s->hair);
    free(s->head);
    free(s->lit);
    free(s->enclosed);
    free(s->closed);
    free(s->front);
    free(s->rim);
    free(s->treat);
    s->lum = s->chr = s->tex = s->hair = s->enclosed = s->front = s->rim = s->treat = NULL;
    s->cls = s->head = s->lit = s->closed = NULL;
    s->analysed = 0;
    memset(&s->info, 0, sizeof s->info);
}

void smp_scalp_free(smp_scalp *s)
{
    if (!s)
        return;
    clear(s);
    free(s);
}

const char *smp_scalp_message(const smp_scalp *s)
{
    return s ? s->msg : "no analysis";
}

const smp_scalp_info *smp_scalp_get_info(const smp_scalp *s)
{
    return s && s->analysed ? &s->info : NULL;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n values, sorting them in place. */
static float quantile_sorted(float *v, size_t n, double q)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_float);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* The same value, the values left in some order (a selection, not a sort). */
static float quantile(float *v, size_t n, double q)
{
    if (!n)
        return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return smp__kth_float(v, n, i < n ? i : n - 1);
}

/* Step 1: cell means and texture. */
static void cells(smp_scalp *s, const smp_image *photo, int threads)
{
    const uint32_t gw = s->gw, gh = s->gh, cell = s->cell, w = s->w, h = s->h;
    const int ch = photo->ch;
    const float *lut = smp__srgb_linear_table();
    (void)threads; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 4) num_threads(threads))
    for (uint32_t gy = 0; gy < gh; gy++) {
        double acc[4 * 512 + 4]; /* r, g, b, lum² per cell of the row (gw <= 512) */
        memset(acc, 0, sizeof(double) * 4 * gw);
        uint32_t y0 = gy * cell, y1 = y0 + cell < h ? y0 + cell : h;
        for (uint32_t y = y0; y < y1; y++) {
            const uint8_t *row = photo->px + (size_t)y * w * ch;
            for (uint32_t gx = 0; gx < gw; gx++) { /* cell by cell: no division per pixel */
                const uint32_t x1 = (gx + 1) * cell < w ? (gx + 1) * cell : w;
                double *a = acc + 4 * gx;
                for (uint32_t x = gx * cell; x < x1; x++) {
                    const uint8_t *p = row + (size_t)x * ch;
                    float r = lut[p[0]], g = ch >= 3 ? lut[p[1]] : r, b = ch >= 3 ? lut[p[2]] : r;
                    float l = 0.2126f * r + 0.7152f * g + 0.0722f * b;
                    a[0] += r;
                    a[1] += g;
                    a[2] += b;
                    a[3] += (double)l * l;
                }
            }
        }
        for (uint32_t gx = 0; gx < gw; gx++) {
            uint32_t x0 = gx * cell, x1 = x0 + cell < w ? x0 + cell : w;
            double n = (double)(x1 - x0) * (y1 - y0);
            const double *a = acc + 4 * gx;
            double r = a[0] / n, g = a[1] / n, b = a[2] / n, sum = r + g + b;
            double l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            size_t i = (size_t)gy * gw + gx;
            s->lum[i] = (float)l;
            s->chr[2 * i] = (float)(sum > 1e-4 ? r / sum : 1.0 / 3);
            s->chr[2 * i + 1] = (float)(sum > 1e-4 ? g / sum : 1.0 / 3);
            double var = a[3] / n - l * l;
            s->tex[i] = (float)(var > 0 && l > 1e-4 ? sqrt(var) / l : 0);
        }
    }
    /* Contrast against the 3 x 3 neighbourhood, added in quadrature. */
    float *tmp = s->treat; /* free until step 8 */
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            double sum = 0;
            int n = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    long xx = (long)x + dx, yy = (long)y + dy;
                    if (xx < 0 || yy < 0 || xx >= (long)gw || yy >= (long)gh)
                        continue;
                    sum += s->lum[(size_t)yy * gw + xx];
                    n++;
                }
            double m = sum / n, l = s->lum[(size_t)y * gw + x];
            double d = m > 1e-4 ? fabs(l - m) / m : 0;
            tmp[(size_t)y * gw + x] = (float)sqrt((double)s->tex[(size_t)y * gw + x] * s->tex[(size_t)y * gw + x] +
                                                  d * d);
        }
    memcpy(s->tex, tmp, sizeof(float) * gw * gh);
}

/* A plausible skin chromaticity: reddish, r > g > b, not grey. */
static int skin_hue(float r, float g)
{
    float b = 1 - r - g;
    return r > g && g > b && r - b > 0.06f && r < 0.62f && g > 0.26f;
}

/* Step 2: the reference skin tone. */
static int skin_tone(smp_scalp *s)
{
    const size_t n = (size_t)s->gw * s->gh;
    float *v = malloc(sizeof(float) * n * 3);
    if (!v)
        return -1;
    float *vl = v, *vr = v + n, *vg = v + 2 * n;
    size_t k = 0;
    for (int pass = 0; pass < 2 && k < n / 20 + 1; pass++) {
        k = 0;
        /* First the central 70 % of the frame, then all of it. */
        double margin = pass ? 0 : 0.15;
        for (uint32_t y = (uint32_t)(margin * s->gh); y < s->gh - (uint32_t)(margin * s->gh); y++)
            for (uint32_t x = (uint32_t)(margin * s->gw); x < s->gw - (uint32_t)(margin * s->gw); x++) {
                size_t i = (size_t)y * s->gw + x;
                if (skin_hue(s->chr[2 * i], s->chr[2 * i + 1]) && s->lum[i] > 0.02f && s->lum[i] < 0.97f)
                    vl[k++] = s->lum[i];
            }
    }
    if (k < 16) {
        free(v);
        return 0;
    }
    /* The brighter half of those cells: hair of a skin-like hue is darker. */
    float *sorted = malloc(sizeof(float) * k);
    if (!sorted) {
        free(v);
        return -1;
    }
    memcpy(sorted, vl, sizeof(float) * k);
    float lmed = quantile(sorted, k, 0.5);
    free(sorted);
    size_t m = 0;
    double margin = k >= n / 20 + 1 ? 0.15 : 0;
    for (uint32_t y = (uint32_t)(margin * s->gh); y < s->gh - (uint32_t)(margin * s->gh); y++)
        for (uint32_t x = (uint32_t)(margin * s->gw); x < s->gw - (uint32_t)(margin * s->gw); x++) {
            size_t i = (size_t)y * s->gw + x;
            if (skin_hue(s->chr[2 * i], s->chr[2 * i + 1]) && s->lum[i] >= lmed && s->lum[i] < 0.97f) {
                vr[m] = s->chr[2 * i];
                vg[m] = s->chr[2 * i + 1];
                vl[m] = s->lum[i];
                m++;
            }
        }
    float r = quantile(vr, m, 0.5), g = quantile(vg, m, 0.5), l = quantile(vl, m, 0.5);
    free(v);
    s->skin_rgb[0] = r;
    s->skin_rgb[1] = g;
    s->skin_rgb[2] = 1 - r - g;
    s->skin_lum = l;
    return 1;
}

/* A cell's colour against the skin's: *k its saturation along the skin's
 * hue (1 the skin's), *perp (when asked) its distance off that hue. */
static void against_skin(const smp_scalp *s, size_t i, double *k, double *perp)
{
    const double n0 = 1.0 / 3, sr = s->skin_rgb[0] - n0, sg = s->skin_rgb[1] - n0, s2 = sr * sr + sg * sg;
    const double cr = s->chr[2 * i] - n0, cg = s->chr[2 * i + 1] - n0;
    *k = (cr * sr + cg * sg) / s2;
    if (perp) {
        const double pr = cr - *k * sr, pg = cg - *k * sg;
        *perp = sqrt((pr * pr + pg * pg) / s2);
    }
}

/* Grey or white hair's colour: greyer than the skin (k its saturation
 * along the skin's hue, 1 the skin's), near that hue or neutral (perp its
 * distance off it). */
static int grey_colour(double k, double perp)
{
    return perp < 0.6 && k > -0.2 && k < 0.55;
}

/* Step 3: skin, hair or other per cell. */
static void classify(smp_scalp *s)
{
    for (size_t i = 0; i < (size_t)s->gw * s->gh; i++) {
        double k, perp;
        against_skin(s, i, &k, &perp);
        double rel = s->lum[i] / s->skin_lum, t = s->tex[i];
        uint8_t c = SMP__OTHER;
        if (perp < 0.5 && k >= 1.6 && k < 3.5 && rel >= 0.05 && rel < 0.6)
            c = SMP__SKIN; /* skin in shade: darker and more saturated */
        else if (rel < 0.32 && perp < 0.9 && k > -0.3 && k < 1.6)
            c = SMP__HAIR; /* dark hair: black, brown, or the shadow between strands */
        else if (perp < 0.5 && k >= 0.55 && k < 1.9 && rel >= 0.32 && rel < 2.5)
            c = rel < 0.55 && t > 0.12 ? SMP__HAIR : SMP__SKIN;
        else if (grey_colour(k, perp) && rel > 0.25 && rel < 1.2 && t > 0.07)
            c = SMP__HAIR; /* grey or white hair: greyer than skin and textured */
        s->cls[i] = c;
    }
}

/* Binary morphology on the grid: dilate (grow = 1) or erode by a square of
 * radius r, separably. */
/* One pass of morph along rows (along_x) or columns: dst is src grown
 * (any set cell within r) or shrunk (all set within r). */
/* One axis of a dilation (grow) or erosion by a window of radius r, the
 * window clipped to the grid: a running count of the set cells in it. */
static void morph_pass(const uint8_t *src, uint8_t *dst, uint32_t w, uint32_t h, int r, int grow, int along_x)
{
    const uint32_t lines = along_x ? h : w, len = along_x ? w : h;
    const size_t step = along_x ? 1 : w, next = along_x ? w : 1;
    for (uint32_t l = 0; l < lines; l++) {
        const uint8_t *s = src + (size_t)l * next;
        uint8_t *d = dst + (size_t)l * next;
        long set = 0; /* set cells in [i - r, i + r] on the grid */
        for (long j = 0; j <= r && j < (long)len; j++)
            set += s[(size_t)j * step] != 0;
        for (uint32_t i = 0; i < len; i++) {
            const long lo = (long)i - r < 0 ? 0 : (long)i - r, hi = (long)i + r >= (long)len ? (long)len - 1 : (long)i + r;
            d[(size_t)i * step] = (uint8_t)(grow ? set > 0 : set == hi - lo + 1);
            if ((long)i - r >= 0)
                set -= s[(size_t)(i - r) * step] != 0;
            if ((long)i + r + 1 < (long)len)
                set += s[(size_t)(i + r + 1) * step] != 0;
        }
    }
}

static void morph(uint8_t *m, uint8_t *tmp, uint32_t w, uint32_t h, int r, int grow)
{
    morph_pass(m, tmp, w, h, r, grow, 1);
    morph_pass(tmp, m, w, h, r, grow, 0);
}

/* Each region's size by its label, and the largest. */
typedef struct region_sizes {
    size_t *sizes, best;
} region_sizes;

static smp_status add_region(void *ctx, uint32_t label, size_t count)
{
    region_sizes *rs = ctx;
    size_t *ns = realloc(rs->sizes, ((size_t)label + 1) * sizeof *ns);
    if (!ns)
        return SMP_ERR_NOMEM;
    rs->sizes = ns;
    rs->sizes[label] = count;
    rs->best = count > rs->best ? count : rs->best;
    return SMP_OK;
}

/* Keeps only the largest 4-connected region of non-zero cells (m becomes
 * 0/1). Returns its size. stack: w * h entries. */
static size_t keep_largest(uint8_t *m, uint32_t w, uint32_t h, uint32_t *stack, uint32_t *label)
{
    const size_t n = (size_t)w * h;
    uint32_t best = 0;
    size_t best_n = 0;
    smp__largest_region(m, 0xFF, w, h, stack, label, &best, &best_n); /* the cell grid is far below 2^32 */
    for (size_t i = 0; i < n; i++)
        m[i] = best && label[i] == best;
    return best_n;
}

/* Fills the holes of m: cells not reachable from the frame's edge through
 * cells outside m become part of it. */
static void fill_holes(uint8_t *m, uint32_t w, uint32_t h, uint32_t *stack, uint8_t *seen)
{
    const size_t n = (size_t)w * h;
    memset(seen, 0, n);
    size_t top = 0;
    for (uint32_t x = 0; x < w; x++)
        for (int e = 0; e < 2; e++) {
            size_t i = (size_t)(e ? h - 1 : 0) * w + x;
            if (!m[i] && !seen[i]) {
                seen[i] = 1;
                stack[top++] = (uint32_t)i;
            }
        }
    for (uint32_t y = 0; y < h; y++)
        for (int e = 0; e < 2; e++) {
            size_t i = (size_t)y * w + (e ? w - 1 : 0);
            if (!m[i] && !seen[i]) {
                seen[i] = 1;
                stack[top++] = (uint32_t)i;
            }
        }
    while (top) {
        uint32_t j = stack[--top];
        uint32_t x = j % w, y = j / w;
        uint32_t nb[4] = {x > 0 ? j - 1 : j, x + 1 < w ? j + 1 : j, y > 0 ? j - w : j, y + 1 < h ? j + w : j};
        for (int k = 0; k < 4; k++)
            if (!m[nb[k]] && !seen[nb[k]]) {
                seen[nb[k]] = 1;
                stack[top++] = nb[k];
            }
    }
    for (size_t i = 0; i < n; i++)
        if (!seen[i])
            m[i] = 1;
}

/* Box mean of v (where weight is non-zero) over a square of radius r:
 * out = sum(v * wt) / sum(wt), via summed-area tables. */
static int box_mean(const float *v, const uint8_t *wt, float *out, uint32_t w, uint32_t h, int r)
{
    double *sv = calloc((size_t)(w + 1) * (h + 1), sizeof *sv), *sw = calloc((size_t)(w + 1) * (h + 1), sizeof *sw);
    if (!sv || !sw) {
        free(sv);
        free(sw);
        return -1;
    }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x, o = (size_t)(y + 1) * (w + 1) + x + 1;
            double wi = wt ? wt[i] != 0 : 1;
            sv[o] = v[i] * wi + sv[o - 1] + sv[o - (w + 1)] - sv[o - (w + 1) - 1];
            sw[o] = wi + sw[o - 1] + sw[o - (w + 1)] - sw[o - (w + 1) - 1];
        }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            long x0 = (long)x - r, x1 = (long)x + r + 1, y0 = (long)y - r, y1 = (long)y + r + 1;
            x0 = x0 < 0 ? 0 : x0;
            y0 = y0 < 0 ? 0 : y0;
            x1 = x1 > (long)w ? (long)w : x1;
            y1 = y1 > (long)h ? (long)h : y1;
            size_t a = (size_t)y0 * (w + 1), b = (size_t)y1 * (w + 1);
            double svs = sv[b + x1] - sv[b + x0] - sv[a + x1] + sv[a + x0];
            double sws = sw[b + x1] - sw[b + x0] - sw[a + x1] + sw[a + x0];
            out[(size_t)y * w + x] = (float)(sws > 0.5 ? svs / sws : 0);
        }
    free(sv);
    free(sw);
    return 0;
}

/* Step 6 on a coarser grid (factor f): the share of RAYS directions from
 * each head cell that meet hair before leaving the head, within reach,
 * less the share that leave the frame first (down to 0); and s->closed,
 * where none leaves the frame first. */
static int enclosure(smp_scalp *s, int f, double reach)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const uint32_t cw = (gw + f - 1) / f, chh = (gh + f - 1) / f;
    float *head = calloc((size_t)cw * chh, sizeof *head), *hair = calloc((size_t)cw * chh, sizeof *hair);
    float *cnt = calloc((size_t)cw * chh, sizeof *cnt), *enc = calloc((size_t)cw * chh, sizeof *enc);
    float *shut = calloc((size_t)cw * chh, sizeof *shut);
    /* Each ray step's offset, rounded once (below). */
    const size_t steps = reach >= 1 ? (size_t)reach : 0;
    long *off = malloc((size_t)RAYS * (steps + 1) * 2 * sizeof *off);
    if (!head || !hair || !cnt || !enc || !shut || !off) {
        free(head);
        free(hair);
        free(cnt);
        free(enc);
        free(shut);
        free(off);
        return -1;
    }
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            size_t i = (size_t)y * gw + x, c = (size_t)(y / f) * cw + x / f;
            cnt[c] += 1;
            head[c] += s->head[i];
            hair[c] += s->head[i] && s->cls[i] == SMP__HAIR;
        }
    for (size_t c = 0; c < (size_t)cw * chh; c++) {
        hair[c] = head[c] > 0 ? hair[c] / head[c] : 0;
        head[c] /= cnt[c];
    }
    double dx[RAYS], dy[RAYS];
    for (int k = 0; k < RAYS; k++) {
        dx[k] = smp__cos(2 * SMP_PI * k / RAYS);
        dy[k] = smp__sin(2 * SMP_PI * k / RAYS);
    }
    /* lrint(x + v) is x + lrint(v) for a whole x unless v's fraction lies
     * at a half (a tie, whose rounding depends on x), so steps near one
     * keep the rounding per cell (LONG_MIN). */
    for (int k = 0; k < RAYS; k++)
        for (size_t t = 1; t <= steps; t++) {
            const double v[2] = {dx[k] * (double)t, dy[k] * (double)t};
            long *o = off + ((size_t)k * (steps + 1) + t) * 2;
            for (int a = 0; a < 2; a++)
                o[a] = fabs(fabs(v[a] - floor(v[a])) - 0.5) < 1e-6 ? LONG_MIN : lrint(v[a]);
        }
    for (uint32_t y = 0; y < chh; y++)
        for (uint32_t x = 0; x < cw; x++) {
            size_t c = (size_t)y * cw + x;
            if (head[c] < 0.5)
                continue;
            int hits = 0, exits = 0;
            for (int k = 0; k < RAYS; k++)
                for (size_t t = 1; t <= steps; t++) {
                    const long *o = off + ((size_t)k * (steps + 1) + t) * 2;
                    long xx = o[0] != LONG_MIN ? (long)x + o[0] : lrint(x + dx[k] * (double)t);
                    long yy = o[1] != LONG_MIN ? (long)y + o[1] : lrint(y + dy[k] * (double)t);
                    if (xx < 0 || yy < 0 || xx >= (long)cw || yy >= (long)chh) {
                        exits++;
                        break;
                    }
                    size_t j = (size_t)yy * cw + xx;
                    if (hair[j] >= 0.4) {
                        hits++;
                        break;
                    }
                    if (head[j] < 0.5)
                        break;
                }
            enc[c] = hits > exits ? (float)(hits - exits) / RAYS : 0;
            shut[c] = !exits;
        }
    free(off);
    /* Back to the fine grid, bilinear between coarse cell centres. */
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            double fx = (x + 0.5) / f - 0.5, fy = (y + 0.5) / f - 0.5;
            fx = fx < 0 ? 0 : fx > cw - 1 ? cw - 1 : fx;
            fy = fy < 0 ? 0 : fy > chh - 1 ? chh - 1 : fy;
            uint32_t x0 = (uint32_t)fx, y0 = (uint32_t)fy;
            uint32_t x1 = x0 + 1 < cw ? x0 + 1 : x0, y1 = y0 + 1 < chh ? y0 + 1 : y0;
            double ax = fx - x0, ay = fy - y0;
            double v = (enc[(size_t)y0 * cw + x0] * (1 - ax) + enc[(size_t)y0 * cw + x1] * ax) * (1 - ay) +
                       (enc[(size_t)y1 * cw + x0] * (1 - ax) + enc[(size_t)y1 * cw + x1] * ax) * ay;
            s->enclosed[(size_t)y * gw + x] = (float)v;
            v = (shut[(size_t)y0 * cw + x0] * (1 - ax) + shut[(size_t)y0 * cw + x1] * ax) * (1 - ay) +
                (shut[(size_t)y1 * cw + x0] * (1 - ax) + shut[(size_t)y1 * cw + x1] * ax) * ay;
            s->closed[(size_t)y * gw + x] = v > 0.5;
        }
    free(head);
    free(hair);
    free(cnt);
    free(enc);
    free(shut);
    return 0;
}

static int cancelled(const smp_params *p, double fraction)
{
    return p && p->progress && p->progress(p->progress_user, fraction) != 0;
}

/* The analysis's scratch: a flood fill's stack, labels (also a float
 * buffer once free), a byte grid, and the head's closing radius in cells. */
typedef struct scratch {
    uint32_t *stack, *label;
    uint8_t *tmp;
    int rc;
} scratch;

/* The grid (cells about 1/GRID_LONG of the long side) and its maps. */
static smp_status alloc_grid(smp_scalp *s, const smp_image *photo, scratch *sc)
{
    const uint32_t w = photo->w, h = photo->h, lng = w > h ? w : h;
    s->w = w;
    s->h = h;
    s->cell = (lng + GRID_LONG - 1) / GRID_LONG;
    s->cell = s->cell < 1 ? 1 : s->cell;
    s->gw = (w + s->cell - 1) / s->cell;
    s->gh = (h + s->cell - 1) / s->cell;
    const size_t n = (size_t)s->gw * s->gh;
    s->lum = malloc(n * sizeof(float));
    s->chr = malloc(2 * n * sizeof(float));
    s->tex = malloc(n * sizeof(float));
    s->cls = malloc(n);
    s->hair = malloc(n * sizeof(float));
    s->head = malloc(n);
    s->lit = malloc(n);
    s->enclosed = calloc(n, sizeof(float));
    s->closed = calloc(n, 1);
    s->front = malloc(n * sizeof(float));
    s->rim = malloc(n * sizeof(float));
    s->treat = calloc(n, sizeof(float));
    sc->stack = malloc(n * sizeof *sc->stack);
    sc->label = malloc(n * sizeof *sc->label);
    sc->tmp = malloc(n);
    sc->rc = (int)(lng / s->cell / 100) + 1;
    if (!s->lum || !s->chr || !s->tex || !s->cls || !s->hair || !s->head || !s->lit || !s->enclosed || !s->closed ||
        !s->front ||
        !s->rim || !s->treat ||
        !sc->stack || !sc->label || !sc->tmp)
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the %ux%u analysis grid", (unsigned)s->gw,
                         (unsigned)s->gh);
    return SMP_OK;
}

/* The head where it is lit (s->lit), whose outline the rim (rim.c) is
 * measured from: its skin, and its hair of at least SMP_UNLIT_SHARE (rim.h)
 * of the skin's luminance, closed and opened as the head is. The head is lit by the
 * light that lights its skin: a cell of hair, with the scalp and the
 * glints between its strands, reads above that but in patches among
 * lighter hair (which the closing and the holes take back) or at the
 * head's outer edge, where the outline moves in by a few mm. A background
 * in shadow or dark clothing beside the head reads under it, and the
 * class rules call it hair (near black a cell's chromaticity is noise, as
 * black hair's is), so the head takes it in: on the crown the bedding's
 * shadow above and left of the head, 10 % of the head's cells, moved the
 * outline there up to the frame's edge, the rim let the suggestion run to
 * the head's edge, and its reference band (shade.c) lay on the shadow. The
 * head itself keeps those cells: the fringes (forehead.c), the scale
 * (scale.c) and the enclosure read a dark fringe's hair as hair. */
static void lit_head(smp_scalp *s, scratch *sc)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    const int rc = sc->rc;
    const float lit = (float)(SMP_UNLIT_SHARE * s->skin_lum);
    for (size_t i = 0; i < n; i++)
        s->lit[i] = s->head[i] && (s->cls[i] == SMP__SKIN || s->lum[i] >= lit);
    morph(s->lit, sc->tmp, gw, gh, rc, 1);
    morph(s->lit, sc->tmp, gw, gh, rc, 0);
    if (keep_largest(s->lit, gw, gh, sc->stack, sc->label))
        fill_holes(s->lit, gw, gh, sc->stack, sc->tmp);
    morph(s->lit, sc->tmp, gw, gh, 2 * rc, 0);
    morph(s->lit, sc->tmp, gw, gh, 2 * rc, 1);
    size_t lit_n = keep_largest(s->lit, gw, gh, sc->stack, sc->label);
    for (size_t i = 0; i < n; i++) /* none lit (a head all in shade): the head's own outline */
        s->lit[i] = lit_n ? s->lit[i] && s->head[i] : s->head[i];
}

/* Step 4: the head. Gaps up to about 1 % of the long side are closed. */
static smp_status find_head(smp_scalp *s, scratch *sc, size_t *head_cells)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    const int rc = sc->rc;
    for (size_t i = 0; i < n; i++)
        s->head[i] = s->cls[i] != SMP__OTHER;
    morph(s->head, sc->tmp, gw, gh, rc, 1);
    morph(s->head, sc->tmp, gw, gh, rc, 0);
    size_t head_n = keep_largest(s->head, gw, gh, sc->stack, sc->label);
    if (head_n < n / 50)
        return smp__fail(s->msg, SMP_ERR_ARG, "no head found: the skin and hair cover %.1f %% of the frame",
                         100.0 * head_n / n);
    fill_holes(s->head, gw, gh, sc->stack, sc->tmp);
    /* Opening by a larger radius detaches thin bridges (an arm, a hand) and
     * drops the fringe of stray cells. */
    morph(s->head, sc->tmp, gw, gh, 2 * rc, 0);
    morph(s->head, sc->tmp, gw, gh, 2 * rc, 1);
    keep_largest(s->head, gw, gh, sc->stack, sc->label);
    lit_head(s, sc);
    *head_cells = 0;
    for (size_t i = 0; i < n; i++)
        *head_cells += s->head[i];
    s->info.head_fraction = (double)*head_cells / n;
    return SMP_OK;
}

/* Step 5: hair share around each cell, within the head; *full: the share
 * of a full head of hair (its 90th percentile: see stubble() below when it
 * is under FULL_MIN, which is its floor); *cover: the typical share where
 * hair covers (see hair_missing). */
#define FULL_MIN 0.5
static smp_status hair_share(smp_scalp *s, scratch *sc, double *full, double *cover)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    const int rh = (int)((gw > gh ? gw : gh) / 64) + 1;
    for (size_t i = 0; i < n; i++)
        s->treat[i] = s->cls[i] == SMP__HAIR;
    if (box_mean(s->treat, s->head, s->hair, gw, gh, rh))
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the hair statistics");
    float *hv = (float *)sc->label; /* free now: the same size as the grid */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s->head[i])
            hv[k++] = s->hair[i];
    *full = quantile_sorted(hv, k, 0.9);
    /* hv is sorted now: the typical cover of the hair is the median share
     * where hair covers at least half the cells. */
    size_t j = 0;
    while (j < k && hv[j] < 0.5f)
        j++;
    *cover = j < k ? hv[j + (k - j) / 2] : 0;
    return SMP_OK;
}

/* The share of the hair missing where hair covers a share h of the cells
 * around; full: the head's fullest share, cover: its typical share where
 * the hair covers. Strands lie over each other, so the scalp seen between
 * them falls as exp(-k density) (a Boolean model of random strands), not
 * linearly: a quarter of the scalp showing through combed strands is under
 * half the density, not three quarters. k comes from the scalp seen in the
 * typical full hair (at least SCALP_SEEN_MIN: glints read as skin). Where
 * the hair typically covers fewer than COVER_FULL of the cells (short or
 * sparse hair, a shaved head, grey hair read as skin) the scalp shows
 * everywhere, so the share of hair is taken as linear in density. */
#define COVER_FULL 0.9 /* of the cells */
#define SCALP_SEEN_MIN 0.05
static double hair_missing(double h, double full, double cover)
{
    if (cover < COVER_FULL) {
        const double m = 1 - h / full;
        return m < 0 ? 0 : m;
    }
    const double seen_full = fmax(1 - cover, SCALP_SEEN_MIN), seen = fmax(1 - h, seen_full);
    return 1 - smp__log(seen) / smp__log(seen_full);
}

/* A cell of the head that is neither skin nor hair but darker than the
 * skin counts as half hair in the share of hair missing: on a head such a
 * cell is hair whose colour the class rules miss (the darkest cells, whose
 * chromaticity is noise; grey hair too smooth for the grey rule, in shade)
 * or hair mixed with skin, while what else lies on a head and is neither,
 * shine, is brighter than the skin. Only the share of hair missing takes
 * it, not the hair share that finds the temples (but for the grey cells
 * below: fringe_hair), the rim or a --hairline's side. On the shared photos it raised topdown-1 from 0.650 to 0.678 and
 * the hairline from 0.554 to 0.564 (the grey fringe in shade, the dark
 * front of the hair above the recession), crown +0.001, topdown-11 -0.006,
 * topdown-16 unchanged; a disc of blue-black hair beside a synthetic crown,
 * suggested at 0.66 without it, is left (tests/test_suggest.c). Counted
 * by their luminance between the skin's and the hair's instead, the
 * unclassed cells gave topdown-1 0.713 but cost the hairline and
 * topdown-11 0.012 each; counted whatever their luminance, shine too, the
 * crown lost 0.025. */
#define OTHER_AS_HAIR 0.5

/* Of those, a cell of grey hair's colour (classify's grey rule but for
 * its texture; not darker than the rule's floor) counts as hair whole: the
 * rule asks for texture to tell grey hair from grey walls, pillows and
 * clothes, which lie off the head, while white hair lit evenly or finer
 * than a cell is as smooth as skin (at topdown-1's back, where the
 * suggestion took lit grey hair the hand leaves, a quarter of the cells are
 * such: 0.8 of the skin's luminance, 0.03 of relative contrast, against
 * 0.06 of the cells of the thin crown the hand treats). Shine, as grey, is
 * brighter than the skin and is not counted. On the shared photos
 * topdown-1 went from 0.7325 to 0.7375 (plain 0.8113 to 0.8120: 2.7 cm²
 * less of its back taken, 1.8 of them outside the hand's mask, at 3.7 x
 * 2.8 px/mm; 0.7 cm² less along the lower edge of its thin band, which
 * the hand treats), the crown from 0.8470 to 0.8474, topdown-11 and topdown-16
 * within 0.0002, the hairline's mask and the bundled sample's did not
 * change; a synthetic disc of lit white hair in locks beside a crown,
 * suggested at a mean grey of 0.62 before, is left (tests/test_suggest.c).
 * Counted whatever their luminance up to the grey rule's 1.2 times the
 * skin's, the same cells gave topdown-1 0.7377 but shine's dimmer edge
 * would count; counted by their desaturation (1 - k, at least half)
 * 0.7354; skin cells greyer than 0.8 or 0.7 of the skin's saturation
 * counted in part as well cost topdown-1's plain IoU 0.009 and topdown-11
 * 0.003. The forehead step's fringes count them too (fringe_hair). */
#define GREY_AS_HAIR 1.0

/* Skin in deep shade that is textured is hair in part: grey or white hair
 * in the shade of the head's curve takes the warm, saturated colour of the
 * shaded skin around it, so the class rules read the fringe as skin, while
 * bare skin in shade is smooth. A skin cell at least SHADE_K times as
 * saturated along the skin's hue as the skin itself (deep shade) counts as
 * hair by its texture over the head's bare skin (its skin cells' lower
 * quartile): none at TEXTURED_LO times it, whole at TEXTURED_HI. Only the
 * share of hair missing takes it. On the shared photos it raised topdown-1
 * from 0.679 to 0.732 (its grey fringe in shade at the left and back);
 * the crown went from 0.8467 to 0.8470, the hairline from 0.6980 to
 * 0.6975, topdown-11 from 0.6708 to 0.6699, topdown-16 did not move. Set
 * on topdown-1 alone: SHADE_K 1.6 (the class rule's shade) cost the
 * hairline 0.04 (its thin front reads as textured skin in shade) and
 * topdown-11 0.02; 1.9-2.2 gave the same, 3.0 lost topdown-1's gain;
 * 2.5x-6x the texture gave the same. Without the shade test (any skin
 * cell) the hairline fell to 0.65 and topdown-11 to 0.39: the skin
 * between strands is textured by them. On a synthetic grey fringe 30 mm
 * wide in warm shade (tests/test_suggest.c) the IoU goes from 0.45 to 0.59. */
#define SHADE_K 2.0
#define TEXTURED_LO 3.0
#define TEXTURED_HI 5.0

/* A cell's saturation along the skin's hue: 1 is the skin's. */
static double skin_saturation(const smp_scalp *s, size_t i)
{
    double k;
    against_skin(s, i, &k, NULL);
    return k;
}

/* An unclassed cell of grey hair's colour, darker than the skin but not
 * darker than the grey rule's floor: grey hair that the rule's texture
 * test misses (see GREY_AS_HAIR). */
static int grey_unclassed(const smp_scalp *s, size_t i)
{
    if (s->cls[i] != SMP__OTHER || !(s->lum[i] > 0.25 * s->skin_lum && s->lum[i] < s->skin_lum))
        return 0;
    double k, perp;
    against_skin(s, i, &k, &perp);
    return grey_colour(k, perp);
}

/* The hair an unclassed head cell counts as in the share of hair missing:
 * GREY_AS_HAIR when it is grey hair's (grey_unclassed), else OTHER_AS_HAIR
 * when darker than the skin, else none. */
static double unclassed_hair(const smp_scalp *s, size_t i)
{
    return !(s->lum[i] < s->skin_lum) ? 0 : grey_unclassed(s, i) ? GREY_AS_HAIR : OTHER_AS_HAIR;
}

/* Stubble: hair too short or sparse for the cells to see. Where the
 * head's hair share nowhere reaches that of full hair (its 90th percentile
 * is under FULL_MIN: a shaved or stubbled head, a sparse fringe, a close-up
 * of short strands), the strands, a few hundredths of a millimetre wide,
 * darken a cell too little for the class rules: on the bundled sample
 * (stubble at 120 per cm² around a bald patch) 7 % of the cells outside the
 * patch were hair, a share as noisy as it was low, so the share of hair
 * missing was near 1 everywhere and nothing enclosed the patch. But they
 * texture the cells, where bare skin is smooth at that scale. So a skin
 * cell is a strand's mark by its texture over the head's bare skin, as in
 * deep shade (TEXTURED_LO to TEXTURED_HI times its skin cells' lower
 * quartile), a hair cell is one; the marks are pooled over the hair share's
 * window, and a skin cell is hair where they are at least STUBBLE_SHARE of
 * what they are where the stubble is full (their 90th percentile over the
 * head): the skin between the strands bears hair, the bare patch, without
 * marks, stays skin; then the hair share is taken again.
 * On the sample the suggestion's IoU went from 0.00 to 0.92; on the same
 * scene (tools/scene.c) at seeds 1-8 0.92, at 30-340 hairs per cm²
 * 0.85-0.92 (were 0.00 up to 170, 0.18 and 0.41 at 240 and 340; at 480 the
 * share reaches FULL_MIN and nothing changes), at 3-15 px/mm 0.83-0.95; the
 * synthetic sparse grey fringes round a bald top read as hair now (the
 * rim's and the shaded one's in tests/test_suggest.c went from 0.72 and
 * 0.59 to 0.93 and 0.89). The shared photos' 90th percentiles are
 * 0.69-1.00: they do not come here. STUBBLE_SHARE 0.3, 0.4, 0.6 and 0.7
 * gave the sample's scene 0.895, 0.917, 0.905 and 0.856 (0.920 at 0.5);
 * 0.4 gave the fringes more (0.95, 0.91) and the sparsest stubble (30 per
 * cm²) 0.91 for 0.85, 0.6 and 0.7 lost that (0.71, 0.64). */
#define STUBBLE_SHARE 0.5
#define BARE_MIN 1e-3 /* relative contrast: the sample's bare skin has 0.007, the photos' 0.01-0.02 */
static smp_status stubble(smp_scalp *s, scratch *sc, double *full, double *cover)
{
    if (*full >= FULL_MIN)
        return SMP_OK;
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    const int rh = (int)((gw > gh ? gw : gh) / 64) + 1;
    /* Scratch: the enclosure (step 6) fills all of its map after this. */
    float *v = (float *)sc->label, *marks = s->treat, *pooled = s->enclosed;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s->head[i] && s->cls[i] == SMP__SKIN)
            v[k++] = s->tex[i];
    const double bare = quantile(v, k, 0.25);
    if (!(bare > BARE_MIN)) /* flat or clipped skin: no texture to read it by */
        return SMP_OK;
    for (size_t i = 0; i < n; i++)
        marks[i] = s->cls[i] == SMP__HAIR   ? 1
                   : s->cls[i] == SMP__SKIN ? (float)smp__smoothstep(TEXTURED_LO * bare, TEXTURED_HI * bare, s->tex[i])
                                            : 0;
    if (box_mean(marks, s->head, pooled, gw, gh, rh))
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the stubble statistics");
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (s->head[i])
            v[k++] = pooled[i];
    const double ref = quantile(v, k, 0.9);
    for (size_t i = 0; ref > 0 && i < n; i++)
        if (s->head[i] && s->cls[i] == SMP__SKIN && pooled[i] >= STUBBLE_SHARE * ref)
            s->cls[i] = SMP__HAIR;
    return hair_share(s, sc, full, cover);
}

/* Scalp between strands the cells cannot resolve: where the hair reads
 * as full (at least CELLS_FULL_LO of the cells around are hair, all from
 * CELLS_FULL_HI), scalp showing in gaps narrower than a cell still shows as
 * contrast: clumped wet or combed thin strands over skin are far more
 * contrasted than full hair, which is evenly dark. So each hair cell
 * counts as hair less the share by which its neighbourhood's contrast (the
 * mean over the hair cells around, in the hair share's window) exceeds the
 * median over the head's hair: none at CLUMP_LO times it, all at CLUMP_HI.
 * On the shared photos it raised topdown-11 from 0.44 to 0.63 (its combed
 * strands have about three times the contrast of its full hair; the
 * hairline photo's thin front has no more than its full hair, and does not
 * change); on synthetic strands 20 % thinner than full it finds the
 * thinning (grey 0.5, was 0). Where the cells resolve the gaps it adds to
 * what they see: synthetic strands 65 % thinner read 0.98, were 0.83. */
#define CELLS_FULL_LO 0.8
#define CELLS_FULL_HI 0.95
#define CLUMP_LO 1.5
#define CLUMP_HI 3.0
static smp_status strand_share(smp_scalp *s, float *hw)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    const int rh = (int)((gw > gh ? gw : gh) / 64) + 1;
    float *ts = malloc(2 * n * sizeof *ts);
    uint8_t *hm = calloc(n, 1);
    if (!ts || !hm) {
        free(ts);
        free(hm);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the strand statistics");
    }
    float *v = ts + n;
    for (size_t i = 0; i < n; i++)
        hm[i] = s->head[i] && s->cls[i] == SMP__HAIR;
    if (box_mean(s->tex, hm, ts, gw, gh, rh)) {
        free(ts);
        free(hm);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the strand statistics");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (hm[i])
            v[k++] = ts[i];
    const double ref = quantile(v, k, 0.5);
    size_t ks = 0; /* v is free again: the head's skin texture */
    for (size_t i = 0; i < n; i++)
        if (s->head[i] && s->cls[i] == SMP__SKIN)
            v[ks++] = s->tex[i];
    const double bare = quantile(v, ks, 0.25);
    for (size_t i = 0; i < n; i++) {
        const double gaps = smp__smoothstep(CELLS_FULL_LO, CELLS_FULL_HI, s->hair[i]),
                     clump = ref > 0 ? smp__smoothstep(CLUMP_LO, CLUMP_HI, ts[i] / ref) : 0;
        v[i] = hm[i] ? (float)(1 - gaps * clump)
               : !s->head[i] ? 0
               : s->cls[i] == SMP__OTHER ? (float)unclassed_hair(s, i)
               : s->cls[i] == SMP__SKIN && skin_saturation(s, i) >= SHADE_K
                   ? (float)smp__smoothstep(TEXTURED_LO * bare, TEXTURED_HI * bare, s->tex[i])
                   : 0;
    }
    const int bad = box_mean(v, s->head, hw, gw, gh, rh);
    free(ts);
    free(hm);
    return bad ? smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the strand share") : SMP_OK;
}

/* The larger and smaller of two floats that are never NaN, as plain
 * comparisons (fmaxf and fminf are library calls at -O2). */
static float fmax2(float a, float b)
{
    return a > b ? a : b;
}

static float fmin2(float a, float b)
{
    return a < b ? a : b;
}

static float ext(float a, float b, int grow)
{
    return grow ? fmax2(a, b) : fmin2(a, b);
}

/* One axis of a grey dilation (grow: the max) or erosion (the min) over a
 * window of radius r, the window clipped to the grid, in O(1) a cell
 * (van Herk / Gil-Werman: the running extreme from each block's start and
 * from its end). line: len + 2 r + 2 (len + 2 r) floats of scratch. */
static void extreme_pass(float *v, uint32_t w, uint32_t h, long r, int grow, int along_x, float *line)
{
    const uint32_t lines = along_x ? h : w, len = along_x ? w : h;
    const size_t step = along_x ? 1 : w, next = along_x ? w : 1;
    const long k = 2 * r + 1, m = (long)len + 2 * r;
    const float pad = grow ? -HUGE_VALF : HUGE_VALF;
    float *x = line, *g = line + m, *hh = line + 2 * m;
    for (uint32_t l = 0; l < lines; l++) {
        float *d = v + (size_t)l * next;
        for (long i = 0; i < m; i++)
            x[i] = i < r || i >= r + (long)len ? pad : d[(size_t)(i - r) * step];
        for (long i = 0; i < m; i++)
            g[i] = i % k == 0 ? x[i] : ext(g[i - 1], x[i], grow);
        for (long i = m - 1; i >= 0; i--)
            hh[i] = i == m - 1 || (i + 1) % k == 0 ? x[i] : ext(hh[i + 1], x[i], grow);
        /* The window [i, i + k) of x is the cell's [c - r, c + r]. */
        for (uint32_t c = 0; c < len; c++) {
            const long i = (long)c, j = i + k - 1;
            d[(size_t)c * step] = ext(hh[i], g[j], grow);
        }
    }
}

/* b steps of a grey dilation (grow) or erosion by the 3 x 3 cross: by a
 * diamond of radius b. A neighbour off the grid reads as the cell itself,
 * which leaves the max or min alone. tmp: w * h. */
static void diamond(float *v, float *tmp, uint32_t w, uint32_t h, long b, int grow)
{
    for (long k = 0; k < b; k++) {
        memcpy(tmp, v, (size_t)w * h * sizeof *tmp);
        for (uint32_t y = 0; y < h; y++) {
            const float *row = tmp + (size_t)y * w, *up = y > 0 ? row - w : row, *dn = y + 1 < h ? row + w : row;
            float *out = v + (size_t)y * w;
            /* The ends apart, so that the middle runs without branches. */
            for (uint32_t x = 0; x < w; x += w > 1 ? w - 1 : 1) {
                const float l = row[x > 0 ? x - 1 : x], r = row[x + 1 < w ? x + 1 : x];
                out[x] = ext(ext(ext(row[x], l, grow), ext(r, up[x], grow), grow), dn[x], grow);
            }
            if (grow)
                for (uint32_t x = 1; x + 1 < w; x++)
                    out[x] = fmax2(fmax2(fmax2(row[x], row[x - 1]), fmax2(row[x + 1], up[x])), dn[x]);
            else
                for (uint32_t x = 1; x + 1 < w; x++)
                    out[x] = fmin2(fmin2(fmin2(row[x], row[x - 1]), fmin2(row[x + 1], up[x])), dn[x]);
        }
    }
}

/* Gaps in the thinning: strands gathered in clumps (wet or combed hair, a
 * tuft) cover a patch of scalp and bare the next, so the share of hair
 * missing leaves holes and bays in a thinning region that is one region to
 * treat. A closing of the suggestion by a disc of GAP_CLOSE_MM radius (a
 * regular octagon: a square of 0.414 the radius, then a diamond of 0.586;
 * a square alone leaves square corners on what it does not fill) fills
 * gaps up to about twice that across with the grey of the treated cells
 * around, on the head. On the shared photos it raised topdown-11 from
 * 0.629 to 0.671 (the holes under its densest strands), the hairline from
 * 0.685 to 0.698 (the jags of its thin front) and topdown-1 from 0.678 to
 * 0.679 (the holes at its top right); the crown lost 0.003, topdown-16
 * 0.001. A square of 6 mm gave as much (0.668, 0.698, 0.678; crown 0.848)
 * with square corners; 4 mm less (topdown-11 0.658), 10 mm no more. */
#define GAP_CLOSE_MM 8.0

/* One step of a grey dilation (grow) or erosion of the grid c by the
 * regular octagon of radius r cells: a square of 0.414 r, then a diamond
 * of the rest. c: 2 n floats, the second half scratch; line: 3 (long side
 * + 2 r) floats. */
static void octagon(float *c, uint32_t gw, uint32_t gh, long r, int grow, float *line)
{
    const long a = lrint(0.414 * (double)r), b = r - a;
    extreme_pass(c, gw, gh, a, grow, 1, line);
    extreme_pass(c, gw, gh, a, grow, 0, line);
    diamond(c, c + (size_t)gw * gh, gw, gh, b, grow);
}

/* Narrow strips: a treated region narrower than the closing's disc is
 * across (2 GAP_CLOSE_MM) is not an area to treat. So after the closing,
 * the suggestion is opened by a disc of the same radius, as a shape
 * (treated or not; the grey stays): closing then opening fills gaps and
 * takes strips alike, where the opening alone would take the holes' rims
 * too (before the closing it cut 20 mm bays out of a synthetic grey
 * fringe's receded corners). What it takes is what the rim gate (rim.c)
 * leaves of skin between hair and the head's outline: on topdown-1 the
 * nape below the back fringe reads as bare skin (0.9-1.0 of the hair
 * missing), the fringe on one side and the dark crease at the collar on
 * the other enclose it (0.45-0.6, as much as the bald top), and the gate,
 * 4-14 mm inside the outline, left a tail 7-13 mm wide running 45 mm down
 * the back of the neck, which no hand mask treats. Such a strip would be
 * mostly edge once rendered, too (the 4 mm feather from both sides and a
 * broken edge's wander). A disc, not a square: the tail runs diagonally,
 * and a square takes diagonal strips 1.4 times as wide as straight ones.
 * On the shared photos it raised topdown-1 from 0.770 to 0.778, the
 * hairline from 0.698 to 0.709 (the jags of its thin front), topdown-11
 * from 0.670 to 0.675, the others within 0.0005; on the synthetic heads
 * the crown above a face from 0.775 to 0.799 and the forelock from 0.563
 * to 0.617, and it cost the grey fringes 0.003-0.010 (the narrow ends of
 * their receded corners). 6 mm instead (as an octagon) gave 0.777, 0.701
 * and 0.673 on the photos and the grey fringes 0.002-0.005 more. */
static smp_status close_open(smp_scalp *s, double mmc)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    if (!(mmc > 0))
        return SMP_OK;
    const long r = lrint(GAP_CLOSE_MM / mmc);
    if (r < 1)
        return SMP_OK;
    const size_t lng = gw > gh ? gw : gh;
    float *c = malloc(2 * n * sizeof *c), *line = malloc(3 * (lng + 2 * (size_t)r) * sizeof *line);
    if (!c || !line) {
        free(c);
        free(line);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the gap closing");
    }
    memcpy(c, s->treat, n * sizeof *c);
    octagon(c, gw, gh, r, 1, line);
    octagon(c, gw, gh, r, 0, line);
    /* The opening by distances (two chamfer transforms), cheaper than the
     * octagon's passes: the shape eroded is where the untreated lie
     * further than the radius, opened what lies within it of that. */
    for (size_t i = 0; i < n; i++) {
        s->treat[i] = s->head[i] ? fmax2(s->treat[i], c[i]) : 0;
        c[i] = s->treat[i] > 0 ? INFINITY : 0;
    }
    smp__chamfer_mm(c, gw, gh, mmc);
    for (size_t i = 0; i < n; i++)
        c[i] = c[i] > GAP_CLOSE_MM ? 0 : INFINITY;
    smp__chamfer_mm(c, gw, gh, mmc);
    for (size_t i = 0; i < n; i++)
        s->treat[i] = c[i] <= GAP_CLOSE_MM ? s->treat[i] : 0;
    free(c);
    free(line);
    return SMP_OK;
}

/* The bald top's far side: where the fringe is hair the cells cannot see
 * (white hair lit as brightly as the skin, smooth at the cells' scale, in
 * front of a pale pillow: neither skin nor hair, so not even the head),
 * no ray from the skin beside it meets hair on that side, and the skin
 * there is enclosed only by the fringe across the head: on topdown-1 the
 * right side of the bald top and its thin crown reads 0.26-0.42 where the
 * middle reads 0.45-0.65, which the gate (0.25 to 0.5) takes at 0.1-0.6,
 * and the suggestion stopped 5-10 mm short of the hand's edge along the
 * right and the top. Yet it is the same bald skin. So the enclosure
 * decides which bald skin is scalp, and the scalp runs on from there over
 * the bald skin it touches, as far as the rim gate (rim.c) and the temple
 * line (forehead.c) let it, with the share of hair missing as its grey:
 * the suggestion is reconstructed by dilation (each cell takes the largest
 * grey of its neighbours, up to its own cap, until nothing changes) under
 * that cap. Not where a ray leaves the frame without meeting
 * hair (s->closed): a face or neck runs on out of the frame, which the
 * enclosure counts against. On the shared photos it raised topdown-1 from
 * 0.738 to 0.770 (plain 0.812 to 0.847: its right side and top now end
 * where the hand's do), the crown from 0.847 to 0.851 and topdown-16 from
 * 0.744 to 0.747, and left the hairline, topdown-11 and the bundled
 * sample as they were; without the frame's test the crown fell to 0.779
 * (its neck, which runs out of the frame at the bottom left). On the
 * synthetic tufts it takes more of the bare temples beside them (0.739 to
 * 0.710), which the scene's mask leaves but topdown-16's hand mask treats.
 * treat: the suggestion, up to cap (which holds it; 4-connected). queue:
 * n cells, queued: n bytes. */
static void spread_bald(float *treat, const float *cap, uint32_t gw, uint32_t gh, uint32_t *queue, uint8_t *queued)
{
    const size_t n = (size_t)gw * gh;
    /* Vincent's hybrid reconstruction: a raster scan and its reverse, then
     * a queue from where the reverse scan could still raise a neighbour. */
    for (size_t i = 0; i < n; i++) {
        const uint32_t x = (uint32_t)(i % gw);
        float m = treat[i];
        m = x > 0 ? fmax2(m, treat[i - 1]) : m;
        m = i >= gw ? fmax2(m, treat[i - gw]) : m;
        treat[i] = fmin2(m, cap[i]);
    }
    size_t head = 0, count = 0;
    memset(queued, 0, n);
    for (size_t i = n; i-- > 0;) {
        const uint32_t x = (uint32_t)(i % gw);
        float m = treat[i];
        m = x + 1 < gw ? fmax2(m, treat[i + 1]) : m;
        m = i + gw < n ? fmax2(m, treat[i + gw]) : m;
        treat[i] = fmin2(m, cap[i]);
        const int raise = (x + 1 < gw && treat[i + 1] < treat[i] && treat[i + 1] < cap[i + 1]) ||
                          (i + gw < n && treat[i + gw] < treat[i] && treat[i + gw] < cap[i + gw]);
        if (raise) {
            queue[(head + count++) % n] = (uint32_t)i;
            queued[i] = 1;
        }
    }
    while (count) {
        const uint32_t i = queue[head];
        head = (head + 1) % n;
        count--;
        queued[i] = 0;
        const uint32_t x = i % gw;
        const size_t nb[4] = {x > 0 ? i - 1 : i, x + 1 < gw ? i + 1 : i, i >= gw ? i - gw : i, i + gw < n ? i + gw : i};
        for (int k = 0; k < 4; k++) {
            const size_t j = nb[k];
            if (treat[j] < treat[i] && treat[j] < cap[j]) {
                treat[j] = fmin2(treat[i], cap[j]);
                if (!queued[j]) {
                    queue[(head + count++) % n] = (uint32_t)j;
                    queued[j] = 1;
                }
            }
        }
    }
}

/* Thin hair the cells read as skin: grey or white strands lying across the
 * skin (topdown-1's thin crown) are too fine and too near the skin's
 * luminance for the class rules, and their share of hair is nil, so the
 * thin crown was treated as the bald top is, in full, where the hand
 * paints it grey (0.7). But they change the colour from cell to cell, a
 * neutral strand against the skin's hue, where bare skin keeps its hue
 * whatever its shading: so a cell's colour contrast is the spread of the
 * saturation along the skin's hue over its 3 x 3 neighbourhood, pooled
 * over the skin cells within THIN_POOL_MM, against the head's bare skin
 * (its skin cells' lower quartile). From THIN_LO to THIN_HI times that,
 * the suggestion is lowered by up to THIN_DROP: thin hair is there, which
 * the density should blend with, not bury. Not in the designed front:
 * where the photo shows the face, a new hairline is drawn at full density
 * (the hairline photo's hand paints its thin front white), so the rule
 * fades in from THIN_FRONT_LO_MM to THIN_FRONT_HI_MM behind the temple
 * line's cut. On the shared photos (soft IoU, plain-binary in brackets)
 * topdown-1 went from 0.778 (0.854) to 0.805 (0.850), the crown from 0.851
 * to 0.858, topdown-11 0.675 to 0.678, the hairline 0.709 to 0.710,
 * topdown-16 0.747 to 0.749, the sample 0.9186 to 0.9185; the synthetic
 * thin crown (tests/test_suggest.c) from a mean grey of 1.00 to 0.70 on
 * it (IoU 0.772 to 0.886), the other synthetic heads within +0.03 to
 * -0.010 (the shaded grey fringe, 0.887 to 0.877). On the
 * hands, the cells' colour contrast rises with the grey they paint: on
 * topdown-1 the suggested cells at under 2 times the bare skin's are
 * painted 0.90-0.93, at 3-5 times 0.69-0.76; the crown's 0.99 and 0.61,
 * topdown-16's 0.89 and 0.53-0.66 (2-3 times). Without the front zone the
 * hairline fell to 0.608 and topdown-11 to 0.664; a drop of 0.4 cost
 * topdown-1 0.02, limits of 1.5-3 the sample 0.05. */
/* The skin's own colour varies more in shade: shade deepens unevenly and
 * reddens the skin as it deepens (light off the skin around it), so the
 * spread of the saturation grows with the saturation. On the hand-painted
 * bare skin (0.9 or more) of the shared photos, the median spread at 1-1.2,
 * 1.5-2 and 2-3 times the skin's saturation was 0.017, 0.028 and 0.067 on
 * topdown-1, 0.043, 0.061 and 0.087 on the crown, 0.036, 0.075 and 0.066 on
 * the hairline: so the spread counts relative to the saturation (the 3 x 3
 * mean) where that exceeds the skin's, and bare skin in shade no longer
 * passes for thin hair. Strands greyer than the skin, which the rule looks
 * for, lower the saturation and are counted as before. On the shared
 * photos (soft IoU, plain-binary in brackets) topdown-1 went from 0.805
 * (0.850) to 0.819 (0.849): its shaded bald left side, which the hand
 * paints white, had been lowered to 0.7; the crown from 0.858 (0.864) to
 * 0.853 (0.860): its shaded neck, which the suggestion takes and the hand
 * leaves, is no longer lowered; the others within 0.0015. The synthetic
 * bald top half in warm shade (tests/test_suggest.c) went from a mean grey
 * of 0.75 to 0.99 there. Shaded cells left out of the pool instead (from
 * 1.4-2 times the skin's saturation) gave topdown-1 0.807-0.816 and cost
 * topdown-11 up to 0.003, the crown up to 0.008; the spread scaled by the
 * luminance (its root or itself) cost topdown-1 0.001-0.010 and the crown
 * 0.007-0.008. */
#define THIN_DROP 0.3
#define THIN_LO 2.0
#define THIN_HI 4.0
#define THIN_POOL_MM 5.0
#define THIN_FRONT_LO_MM 40.0
#define THIN_FRONT_HI_MM 60.0
#define THIN_BARE_MIN 1e-4 /* colour contrast: the sample's bare skin has 0.002 */
static smp_status thin_grey(smp_scalp *s, double mmc)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    if (!(mmc > 0))
        return SMP_OK;
    float *k = malloc(4 * n * sizeof *k);
    uint8_t *skin = malloc(n);
    if (!k || !skin) {
        free(k);
        free(skin);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the thin hair's statistics");
    }
    float *spread = k + n, *pooled = k + 2 * n, *v = k + 3 * n;
    for (size_t i = 0; i < n; i++) {
        k[i] = (float)skin_saturation(s, i);
        skin[i] = s->head[i] && s->cls[i] == SMP__SKIN;
    }
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            double a = 0, b = 0;
            int c = 0;
            spread[(size_t)y * gw + x] = 0;
            if (!skin[(size_t)y * gw + x]) /* only the skin's is pooled */
                continue;
            for (long yy = (long)y - 1; yy <= (long)y + 1; yy++)
                for (long xx = (long)x - 1; xx <= (long)x + 1; xx++)
                    if (xx >= 0 && yy >= 0 && xx < (long)gw && yy < (long)gh) {
                        const double t = k[(size_t)yy * gw + xx];
                        a += t;
                        b += t * t;
                        c++;
                    }
            /* Relative to the saturation where it exceeds the skin's
             * (see above THIN_DROP). */
            const double m = a / c, var = b / c - m * m;
            spread[(size_t)y * gw + x] = (float)(var > 0 ? sqrt(var) / fmax(m, 1.0) : 0);
        }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (skin[i])
            v[m++] = spread[i];
    const double bare = quantile(v, m, 0.25);
    const long r = lrint(THIN_POOL_MM / mmc);
    if (!(bare > THIN_BARE_MIN) || !m) { /* no hue to read strands by (a grey photo) */
        free(k);
        free(skin);
        return SMP_OK;
    }
    if (box_mean(spread, skin, pooled, gw, gh, r > 1 ? (int)r : 1)) {
        free(k);
        free(skin);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the thin hair's statistics");
    }
    const int side = s->info.forehead_side;
    const double cut = side ? s->info.forehead_cut_px / s->cell - 0.5 : 0;
    for (size_t i = 0; i < n; i++) {
        const double x = (double)(i % gw), y = (double)(i / gw);
        const double behind = side == 1 ? cut - y : side == 2 ? y - cut : side == 3 ? cut - x : x - cut;
        const double zone = side ? smp__smoothstep(THIN_FRONT_LO_MM, THIN_FRONT_HI_MM, behind * mmc) : 1;
        s->treat[i] *= (float)(1 - THIN_DROP * zone * smp__smoothstep(THIN_LO * bare, THIN_HI * bare, pooled[i]));
    }
    free(k);
    free(skin);
    return SMP_OK;
}

/* The suggestion: on the head, hair missing, enclosed by hair and the bald
 * skin it touches; smoothed, narrow strips taken away, and only the largest
 * treated region and those at least a tenth its size. */
static smp_status suggest_treat(smp_scalp *s, scratch *sc, double full, double cover, double mmc)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    float *hw = malloc(n * sizeof *hw);
    if (!hw)
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the strand share");
    float *missing = malloc(n * sizeof *missing);
    smp_status st = missing ? strand_share(s, hw)
                            : smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the share of hair missing");
    if (st != SMP_OK) {
        free(hw);
        free(missing);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        const double mi = s->head[i] ? hair_missing(hw[i], full, cover) : 0;
        missing[i] = (float)mi; /* for the thinning's area (thinarea.c) */
        const double bald = s->head[i] ? smp__smoothstep(SMP__MISSING_LO, SMP__MISSING_HI, mi) * s->rim[i] : 0;
        const double v = bald * smp__smoothstep(0.25, 0.5, s->enclosed[i] * s->front[i]);
        s->treat[i] = (float)v;
        /* hw is free from here: spread_bald's cap */
        hw[i] = s->closed[i] ? (float)fmax(v, bald * smp__smoothstep(0.25, 0.5, s->front[i])) : (float)v;
    }
    spread_bald(s->treat, hw, gw, gh, sc->stack, sc->tmp);
    free(hw);
    float *blur = (float *)sc->label;
    if (box_mean(s->treat, NULL, blur, gw, gh, sc->rc)) {
        free(missing);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the smoothing buffer");
    }
    for (size_t i = 0; i < n; i++) {
        double v = s->head[i] ? blur[i] : 0;
        v = v < 0.2 ? 0 : v >= 0.8 ? 1 : v;
        s->treat[i] = (float)v;
        sc->tmp[i] = v > 0;
    }
    region_sizes rs = {NULL, 0};
    if (smp__label_regions(sc->tmp, 0xFF, gw, gh, sc->stack, sc->label, add_region, &rs) != SMP_OK) {
        free(rs.sizes);
        free(missing);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the region list");
    }
    for (size_t i = 0; i < n; i++)
        if (sc->label[i] && rs.sizes[sc->label[i]] * 10 < rs.best)
            s->treat[i] = 0;
    free(rs.sizes);
    smp_status st2 = thin_grey(s, mmc);
    st2 = st2 != SMP_OK ? st2 : close_open(s, mmc);
    st2 = st2 != SMP_OK ? st2 : smp__thin_area(s, missing, mmc); /* thinarea.c */
    free(missing);
    return st2;
}

/* The scale used: the params', else the estimate, else the usual
 * assumption (the shorter side spans 200 mm). */
static double scale_used(const smp_scalp *s, const smp_params *params)
{
    return params && params->px_per_mm > 0 ? params->px_per_mm
           : s->info.px_per_mm > 0         ? s->info.px_per_mm
                                           : smp__assumed_px_per_mm(s->w, s->h, NULL);
}

/* Areas at the scale used. */
static void measure_areas(smp_scalp *s, const smp_params *params)
{
    const size_t n = (size_t)s->gw * s->gh;
    const double ppm = scale_used(s, params);
    s->info.px_per_mm_used = ppm;
    const double cell_cm2 = (double)s->cell * s->cell / (ppm * ppm) / 100.0;
    for (size_t i = 0; i < n; i++) {
        s->info.treated_cm2 += s->treat[i] * cell_cm2;
        s->info.bald_cm2 += (s->treat[i] >= 0.8) * cell_cm2;
        s->info.thin_cm2 += (s->treat[i] > 0 && s->treat[i] < 0.8) * cell_cm2;
    }
}

/* The hair share the fringes are read by (forehead.c): the hair cells'
 * share around each cell, as in hair_share, with grey_unclassed cells
 * counted as hair (GREY_AS_HAIR), as the share of hair missing counts
 * them. A grey fringe dense enough to be even at the cells' scale fails
 * the grey rule's texture test: in a synthetic grey fringe (sRGB 125, 123,
 * 120, 150 strands per cm²; tools/scene.c) 60 % of the cells were
 * unclassed, of grey hair's colour (k 0.08-0.22, perp 0.02-0.03, 0.45-0.48
 * of the skin's luminance: 5th to 95th percentiles) with a texture of
 * 0.01-0.07 (median 0.03) where the rule asks more than 0.07, so the
 * fringe's share was 0.4, under the 0.5 the forehead step sees a fringe
 * by, and the forehead below it was never cut (tests/test_suggest.c). The other unclassed cells
 * darker than the skin are not counted: counted half as well (as
 * OTHER_AS_HAIR in the share of hair missing), they cost the shared
 * hairline photo 0.006 (0.698 to 0.692); as it is, none of the shared
 * photos' suggestions changes. hair: 2 n floats, the share in its second
 * half. */
static int fringe_hair(const smp_scalp *s, float *hair)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t n = (size_t)gw * gh;
    const int rh = (int)((gw > gh ? gw : gh) / 64) + 1;
    for (size_t i = 0; i < n; i++)
        hair[i] = s->cls[i] == SMP__HAIR ? 1 : grey_unclassed(s, i) ? (float)GREY_AS_HAIR : 0;
    return box_mean(hair, s->head, hair + n, gw, gh, rh);
}

/* Step 7, and what it found for the info (cells to photo pixels). */
static smp_status forehead(smp_scalp *s, const smp_params *params)
{
    smp_forehead fh;
    const double mmc = s->cell / scale_used(s, params);
    const size_t n = (size_t)s->gw * s->gh;
    float *hair = malloc(2 * n * sizeof *hair);
    if (!hair || fringe_hair(s, hair)) {
        free(hair);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the fringes' hair share");
    }
    const smp_status st = smp__forehead(s, hair + n, mmc, &fh);
    free(hair);
    s->info.forehead_side = fh.side;
    for (int k = 0; k < 2 && fh.side; k++)
        for (int c = 0; c < 2; c++)
            s->info.temple_px[k][c] = (fh.temple[k][c] + 0.5) * s->cell;
    s->info.forehead_mm = fh.side ? fh.beyond_mm : 0;
    s->info.forehead_cut_px = fh.side ? (fh.line + 0.5) * s->cell : 0;
    s->info.forehead_front_mm = fh.side ? fh.front_mm : 0;
    return st;
}

/* Skin and hair per cell, the skin's tone, and each cell's class. */
static smp_status classify_cells(smp_scalp *s, const smp_image *photo, const smp_params *params)
{
    cells(s, photo, smp__threads(params ? params->threads : 0));
    if (cancelled(params, 0.3))
        return smp__fail(s->msg, SMP_ERR_CANCELLED, "cancelled");
    int found = skin_tone(s);
    if (found < 0)
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the skin statistics");
    if (!found)
        return smp__fail(s->msg, SMP_ERR_ARG, "no skin-coloured area found: is this a photo of a scalp?");
    classify(s);
    return SMP_OK;
}

smp_status smp_scalp_analyze(smp_scalp *s, const smp_image *photo, const smp_params *params)
{
    if (!s)
        return SMP_ERR_ARG;
    clear(s);
    s->msg[0] = 0;
    if (!photo || !photo->px || !photo->w || !photo->h)
        return smp__fail(s->msg, SMP_ERR_ARG, "no photo to analyse");
    s->threads = params ? params->threads : 0;
    scratch sc = {NULL, NULL, NULL, 0};
    size_t head_cells = 0;
    double full = 0, cover = 0;
    smp_status st = alloc_grid(s, photo, &sc);
    if (st == SMP_OK)
        st = classify_cells(s, photo, params);
    if (st == SMP_OK)
        st = find_head(s, &sc, &head_cells);
    if (st == SMP_OK)
        st = hair_share(s, &sc, &full, &cover);
    if (st == SMP_OK && cancelled(params, 0.6))
        st = smp__fail(s->msg, SMP_ERR_CANCELLED, "cancelled");
    /* The scale and the forehead from the hair the cells see, before the
     * stubble is read as hair: a stubbled head has no fringes (forehead.c),
     * and a ring of stubble round a bald top is not a pair of them. */
    if (st == SMP_OK) /* the scale before the forehead: its sizes are in mm */
        st = smp__scalp_scale(s);
    if (st == SMP_OK)
        st = forehead(s, params);
    if (st == SMP_OK)
        st = stubble(s, &sc, &full, &cover);
    full = full < FULL_MIN ? FULL_MIN : full;
    if (st == SMP_OK) {
        /* Step 6: scalp, not face. The coarse grid keeps the long side near 120. */
        const int f = (int)((s->gw > s->gh ? s->gw : s->gh) / 120) + 1;
        const double reach = 0.75 * sqrt((double)head_cells) / f;
        if (enclosure(s, f, reach))
            st = smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the enclosure grid");
    }
    if (st == SMP_OK)
        st = smp__rim(s, s->cell / scale_used(s, params));
    if (st == SMP_OK)
        st = suggest_treat(s, &sc, full, cover, s->cell / scale_used(s, params));
    if (st == SMP_OK)
        s->analysed = 1;
    if (st == SMP_OK)
        measure_areas(s, params);
    free(sc.stack);
    free(sc.label);
    free(sc.tmp);
    if (st != SMP_OK)
        clear(s);
    return st;
}

/* Where a photo pixel lies between cell centres along one axis (n cells
 * of `cell` px): the two cells and the weight of the second. */
typedef struct axis_lerp {
    uint32_t a, b;
    double t;
} axis_lerp;

static axis_lerp lerp_at(uint32_t v, uint32_t cell, uint32_t n)
{
    double g = (v + 0.5) / cell - 0.5;
    g = g < 0 ? 0 : g > n - 1 ? n - 1 : g;
    const uint32_t a = (uint32_t)g;
    return (axis_lerp){a, a + 1 < n ? a + 1 : a, g - a};
}

smp_status smp_scalp_mask(smp_scalp *s, smp_image *mask)
{
    if (!s || !mask)
        return SMP_ERR_ARG;
    if (!s->analysed)
        return smp__fail(s->msg, SMP_ERR_ARG, "no analysis: call smp_scalp_analyze first");
    smp_status st = smp__image_reset(mask, s->w, s->h, 1, UINT64_MAX);
    if (st != SMP_OK)
        return smp__fail(s->msg, st, "%s", mask->msg);
    /* The suggestion bilinear between cell centres: each column's cells
     * and weight found once, not per pixel, and the rows in parallel (each
     * pixel is its own). */
    axis_lerp *col = malloc((size_t)s->w * sizeof *col);
    if (!col)
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the mask's columns");
    for (uint32_t x = 0; x < s->w; x++)
        col[x] = lerp_at(x, s->cell, s->gw);
    const float *f = s->treat;
    const long h = (long)s->h;
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(s->threads)))
    for (long y = 0; y < h; y++) {
        const axis_lerp r = lerp_at((uint32_t)y, s->cell, s->gh);
        const float *f0 = f + (size_t)r.a * s->gw, *f1 = f + (size_t)r.b * s->gw;
        uint8_t *row = mask->px + (size_t)y * s->w;
        for (uint32_t x = 0; x < s->w; x++) {
            const axis_lerp c = col[x];
            const double v = (f0[c.a] * (1 - c.t) + f0[c.b] * c.t) * (1 - r.t) + (f1[c.a] * (1 - c.t) + f1[c.b] * c.t) * r.t;
            row[x] = (uint8_t)lrint(255 * v);
        }
    }
    free(col);
    return SMP_OK;
}
