/* SPDX-License-Identifier: BSD-2-Clause */
/* Mask -> coverage: semantics, size checks, resampling and feathering. */
#include "mask.h"
#include "image.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void smp__coverage_free(smp_coverage *cov)
{
    free(cov->c);
    memset(cov, 0, sizeof *cov);
}

/* A mask "has real transparency" when its alpha channel is not all opaque;
 * then alpha is the painted area. Otherwise luminance is coverage. */
int smp__mask_has_alpha(const smp_image *m)
{
    if (m->ch != 2 && m->ch != 4)
        return 0;
    size_t n = (size_t)m->w * m->h;
    for (size_t i = 0; i < n; i++)
        if (m->px[i * m->ch + m->ch - 1] != 255)
            return 1;
    return 0;
}

static uint8_t mask_value(const smp_image *m, int alpha, size_t i)
{
    const uint8_t *p = m->px + i * m->ch;
    if (alpha)
        return p[m->ch - 1];
    if (m->ch <= 2)
        return p[0];
    return (uint8_t)((2126u * p[0] + 7152u * p[1] + 722u * p[2] + 5000u) / 10000u);
}

static int same_aspect(double aw, double ah, double bw, double bh)
{
    return fabs(aw / ah - bw / bh) <= 0.01 * (bw / bh);
}

uint32_t smp__coverage_cell(double px_per_mm)
{
    double c = floor(0.25 * px_per_mm);
    return c < 1 ? 1 : c > 64 ? 64 : (uint32_t)c;
}

/* Whether any of the 8 bytes at p is not zero (one word's test). */
static inline bool any8(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w != 0;
}

/* The first byte of row[i..n) that is not zero, or n: 8 bytes a test (a
 * studio redraw scanned its 3 M cells a byte at a time, twice). */
static uint32_t first_set(const uint8_t *row, uint32_t i, uint32_t n)
{
    while (i + 8 <= n && !any8(row + i))
        i += 8;
    while (i < n && !row[i])
        i++;
    return i;
}

/* The last byte of row[lo..n) that is not zero, or n when none is. */
static uint32_t last_set(const uint8_t *row, uint32_t lo, uint32_t n)
{
    uint32_t i = n;
    while (i >= lo + 8 && !any8(row + i - 8))
        i -= 8;
    while (i > lo && !row[i - 1])
        i--;
    return i > lo ? i - 1 : n;
}

bool smp__coverage_extent(const smp_coverage *cov, double ppm, double box[4])
{
    uint32_t x0 = cov->gw, y0 = cov->gh, x1 = 0, y1 = 0;
    for (uint32_t y = 0; y < cov->gh; y++) {
        const uint8_t *row = cov->c + (size_t)y * cov->gw;
        const uint32_t a = first_set(row, 0, cov->gw);
        if (a == cov->gw)
            continue;
        const uint32_t b = last_set(row, a, cov->gw);
        x0 = a < x0 ? a : x0;
        x1 = b > x1 ? b : x1;
        y0 = y < y0 ? y : y0;
        y1 = y > y1 ? y : y1;
    }
    if (x0 > x1)
        return false;
    /* Bilinear reads spread a node's value one cell out. */
    double c = cov->cell / ppm;
    box[0] = x0 > 0 ? (x0 - 1) * c : 0;
    box[1] = y0 > 0 ? (y0 - 1) * c : 0;
    box[2] = fmin((x1 + 2) * c, cov->w / ppm);
    box[3] = fmin((y1 + 2) * c, cov->h / ppm);
    return true;
}

double smp__mask_share(const smp_image *m, int threads)
{
    const int alpha = smp__mask_has_alpha(m);
    const size_t n = (size_t)m->w * m->h;
    uint64_t sum = 0;
    (void)threads; /* unused without OpenMP */
    /* An integer sum: the same whatever the threads' order. */
    SMP_OMP(omp parallel for schedule(static) reduction(+ : sum) num_threads(smp__threads(threads)))
    for (size_t i = 0; i < n; i++)
        sum += mask_value(m, alpha, i);
    return n ? (double)sum / (255.0 * (double)n) : 0;
}

double smp__coverage_area_mm2(const smp_coverage *cov, double ppm)
{
    double sum = 0;
    for (uint32_t y = 0; y < cov->gh; y++) {
        const uint8_t *row = cov->c + (size_t)y * cov->gw;
        uint64_t s = 0;
        uint32_t x = 0;
        /* Eight bytes a step: their even and odd bytes summed in 16-bit
         * lanes (at most 2 x 255 a step, emptied every 128 steps), the
         * same integer as a byte at a time. */
        const uint64_t lo = 0x00ff00ff00ff00ffull;
        while (x + 8 <= cov->gw) {
            uint64_t acc = 0;
            for (int k = 0; k < 128 && x + 8 <= cov->gw; k++, x += 8) {
                uint64_t w;
                memcpy(&w, row + x, sizeof w);
                acc += (w & lo) + (w >> 8 & lo);
            }
            s += (acc & 0xffff) + (acc >> 16 & 0xffff) + (acc >> 32 & 0xffff) + (acc >> 48);
        }
        for (; x < cov->gw; x++)
            s += row[x];
        sum += (double)s;
    }
    const double c = cov->cell / ppm;
    return fmin(sum / 255.0 * c * c, (double)cov->w * cov->h / (ppm * ppm));
}

smp_status smp__coverage_from_mask(smp_coverage *cov, const smp_image *m, uint32_t w, uint32_t h,
                                   uint32_t cell, int photo_orientation, smp_notes *notes, char *msg)
{
    return smp__coverage_from_mask_mt(cov, m, w, h, cell, photo_orientation, 1, notes, msg);
}

smp_status smp__coverage_from_mask_mt(smp_coverage *cov, const smp_image *m, uint32_t w, uint32_t h,
                                      uint32_t cell, int photo_orientation, int threads, smp_notes *notes,
                                      char *msg)
{
    memset(cov, 0, sizeof *cov);
    if (m->w != w || m->h != h) {
        if (!same_aspect(m->w, m->h, w, h)) {
            if (photo_orientation >= 5 && same_aspect(m->w, m->h, h, w))
                return smp__fail(msg, SMP_ERR_MISMATCH,
                                 "%ux%u does not match photo %ux%u; it matches the photo as stored "
                                 "before its EXIF rotation (orientation %d): draw the mask on the "
                                 "photo as it is displayed",
                                 (unsigned)m->w, (unsigned)m->h, (unsigned)w, (unsigned)h,
                                 photo_orientation);
            return smp__fail(msg, SMP_ERR_MISMATCH, "%ux%u does not match photo %ux%u",
                             (unsigned)m->w, (unsigned)m->h, (unsigned)w, (unsigned)h);
        }
        smp__note(notes, "mask resampled from %ux%u to %ux%u", (unsigned)m->w, (unsigned)m->h,
                  (unsigned)w, (unsigned)h);
    }
    cov->cell = cell < 1 ? 1 : cell;
    cov->w = w;
    cov->h = h;
    cov->gw = (w + cov->cell - 1) / cov->cell;
    cov->gh = (h + cov->cell - 1) / cov->cell;
    size_t n = (size_t)cov->gw * cov->gh; /* at most the photo's pixel count */
    const int nt = smp__threads(threads);
    uint32_t *sum = calloc((size_t)cov->gw * (size_t)nt, sizeof *sum); /* a row of cells per thread */
    cov->c = malloc(n);
    if (!cov->c || !sum) {
        free(sum);
        smp__coverage_free(cov);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the %ux%u coverage grid",
                         (unsigned)cov->gw, (unsigned)cov->gh);
    }
    /* Each cell is the mean of the mask over the photo pixels it covers; a
     * mask of another size is read at each pixel centre (nearest). */
    const int alpha = smp__mask_has_alpha(m);
    const int resampled = m->w != w || m->h != h;
    /* A grey mask of the photo's size (the studio's): a cell's sum is its
     * bytes' (mask_value of one channel is the byte). */
    const int grey = !resampled && m->ch == 1;
    (void)nt; /* unused without OpenMP */
    /* Rows of cells in parallel: integer sums, the same bytes whatever the
     * threads; along a row cell by cell (no division per pixel). */
    SMP_OMP(omp parallel for schedule(dynamic, 8) num_threads(nt))
    for (uint32_t gy = 0; gy < cov->gh; gy++) {
        uint32_t y0 = gy * cov->cell, y1 = y0 + cov->cell < h ? y0 + cov->cell : h;
        if (grey && cov->cell == 1) { /* each cell a pixel: the mask's own row */
            memcpy(cov->c + (size_t)gy * cov->gw, m->px + (size_t)gy * w, w);
            continue;
        }
        uint32_t *sum_t = sum + (size_t)smp__thread_id() * cov->gw;
        memset(sum_t, 0, cov->gw * sizeof *sum_t);
        for (uint32_t y = y0; y < y1; y++) {
            uint32_t my = resampled ? (uint32_t)(((uint64_t)y * 2 + 1) * m->h / (2ull * h)) : y;
            if (grey) { /* its bytes summed, no value read per pixel */
                const uint8_t *row = m->px + (size_t)y * w;
                for (uint32_t x = 0, gx = 0; x < w; gx++) {
                    const uint32_t e = w - x > cov->cell ? x + cov->cell : w;
                    uint32_t acc = 0;
                    for (; x < e; x++)
                        acc += row[x];
                    sum_t[gx] += acc;
                }
                continue;
            }
            for (uint32_t x = 0, gx = 0; x < w; gx++) {
                const uint32_t e = w - x > cov->cell ? x + cov->cell : w;
                uint32_t acc = 0;
                for (; x < e; x++) {
                    uint32_t mx = resampled ? (uint32_t)(((uint64_t)x * 2 + 1) * m->w / (2ull * w)) : x;
                    acc += mask_value(m, alpha, (size_t)my * m->w + mx);
                }
                sum_t[gx] += acc;
            }
        }
        for (uint32_t gx = 0; gx < cov->gw; gx++) {
            uint32_t x0 = gx * cov->cell, x1 = x0 + cov->cell < w ? x0 + cov->cell : w;
            uint32_t area = (x1 - x0) * (y1 - y0); /* >= 1: every cell holds a pixel */
            cov->c[(size_t)gy * cov->gw + gx] = area ? (uint8_t)((sum_t[gx] + area / 2) / area) : 0;
        }
    }
    free(sum);
    return SMP_OK;
}

/* One box pass of radius r over n contiguous samples, src to dst; the
 * edges are clamped, so a flat field stays flat. */
/* Rounded division by a box's width, (sum + width / 2) / width, as a
 * multiply and shift where that is exact for every sum a box of bytes can
 * reach (checked once): a division per cell was most of the feather. */
typedef struct box_div {
    uint32_t width;
    uint64_t m; /* 0: divide */
} box_div;

static box_div box_div_make(uint32_t width)
{
    box_div d = {width, (((uint64_t)1 << 40) + width - 1) / width};
    for (uint64_t x = width / 2; d.m && x <= 255ull * width + width / 2; x++)
        if ((x * d.m) >> 40 != x / width)
            d.m = 0;
    return d;
}

static inline uint8_t box_mean(const box_div *d, uint32_t sum)
{
    const uint64_t x = (uint64_t)sum + d->width / 2;
    return (uint8_t)(d->m ? (x * d->m) >> 40 : x / d->width);
}

/* A box pass's output where its window holds one value v is v (the
 * rounded mean of equal bytes): inside a run of equal samples longer than
 * the window the passes below set it at once, and take up the sums there
 * as v times the width, the same integers as summed. chg is the last
 * sample up to the window's end unlike the one before (0: none), so the
 * window [lo, hi] holds one value when chg <= lo. */
static void box_pass(const uint8_t *src, uint8_t *dst, size_t n, int r, const box_div *d)
{
    if (!n)
        return;
    const size_t ur = (size_t)r;
    uint32_t sum = 0;
    for (long i = -r; i <= r; i++)
        sum += src[i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i];
    size_t chg = 0;
    for (size_t k = 1; k <= ur && k < n; k++)
        if (src[k] != src[k - 1])
            chg = k;
    for (size_t i = 0; i < n;) {
        const size_t lo = i < ur ? 0 : i - ur;
        if (chg <= lo) { /* one value over the window: to where a window first reaches past its run */
            const uint8_t v = src[lo];
            size_t e = i + ur + 1 < n ? i + ur + 1 : n; /* the run goes on to e */
            while (e < n && src[e] == v)
                e++;
            const size_t end = e == n ? n : e - ur; /* windows [j - r, j + r] within the run: j < e - r */
            memset(dst + i, v, end - i);
            if (end == n)
                return;
            /* the window of end - 1 held v only; end's takes in src[e] */
            sum = v * d->width - v + src[e];
            chg = e;
            i = end;
            continue;
        }
        dst[i] = box_mean(d, sum);
        size_t out = i < ur ? 0 : i - ur;
        size_t in = i + ur + 1 >= n ? n - 1 : i + ur + 1;
        if (i + ur + 1 < n && src[in] != src[in - 1])
            chg = in;
        sum += src[in];
        sum -= src[out];
        i++;
    }
}

/* Whether a line of n bytes is flat: one stays flat through box passes
 * (clamped ends, the rounded mean of equal bytes), so the feather leaves
 * it as it is. */
static bool flat_line(const uint8_t *p, size_t n) { return n < 2 || !memcmp(p, p + 1, n - 1); }

/* The part [*s, *e) of a line that three box passes of radius r change,
 * given a its first sample unlike the first and b its last unlike the
 * last: before a - 3r (after b + 3r) every window of the last pass holds
 * only the first (last) value, so the line keeps it; and the passes over
 * [*s, *e) alone, their ends clamped there, read at each clamped end the
 * value the whole line's passes would (within 2r of it, still the first or
 * last value): the same bytes. */
static void changed_span(size_t a, size_t b, size_t n, int r, size_t *s, size_t *e)
{
    const size_t reach = 3 * (size_t)r;
    *s = a > reach ? a - reach : 0;
    *e = n - b > reach + 1 ? b + reach + 1 : n;
}

/* Three box passes in place on a contiguous line, using tmp (n bytes). */
static void blur_line(uint8_t *line, uint8_t *tmp, size_t n, int r, const box_div *d)
{
    if (flat_line(line, n)) /* most rows beside a mask: unchanged, see flat_line */
        return;
    size_t a = 1, b = n - 2, s, e;
    while (line[a] == line[0]) /* some sample differs: flat_line */
        a++;
    while (line[b] == line[n - 1])
        b--;
    changed_span(a, b, n, r, &s, &e);
    line += s;
    n = e - s;
    box_pass(line, tmp, n, r, d);
    box_pass(tmp, line, n, r, d);
    box_pass(line, tmp, n, r, d);
    memcpy(line, tmp, n);
}

#define FEATHER_COLS 16 /* columns blurred together: their rows are contiguous */

/* Whether two rows of a block (nc <= FEATHER_COLS bytes) are the same. */
static inline bool same_row(const uint8_t *a, const uint8_t *b, uint32_t nc)
{
    if (nc == FEATHER_COLS) { /* two words */
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&a1, a + 8, 8);
        memcpy(&b0, b, 8);
        memcpy(&b1, b + 8, 8);
        return a0 == b0 && a1 == b1;
    }
    return !memcmp(a, b, nc);
}

/* box_pass down nc (<= FEATHER_COLS) columns side by side: src and dst
 * hold n rows of FEATHER_COLS bytes; each column's sums are box_pass's,
 * and a window whose rows are all the same row (every column one value)
 * skips as box_pass's does. */
static void box_pass_cols(const uint8_t *src, uint8_t *dst, size_t n, uint32_t nc, int r, const box_div *d)
{
    const size_t ur = (size_t)r;
    uint32_t sum[FEATHER_COLS] = {0};
    for (long i = -r; i <= r; i++) {
        const uint8_t *s = src + (i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i) * FEATHER_COLS;
        for (uint32_t b = 0; b < nc; b++)
            sum[b] += s[b];
    }
    size_t chg = 0;
    for (size_t k = 1; k <= ur && k < n; k++)
        if (!same_row(src + k * FEATHER_COLS, src + (k - 1) * FEATHER_COLS, nc))
            chg = k;
    for (size_t i = 0; i < n;) {
        const size_t lo = i < ur ? 0 : i - ur;
        if (chg <= lo) { /* one row over the window (box_pass) */
            const uint8_t *v = src + lo * FEATHER_COLS;
            size_t e = i + ur + 1 < n ? i + ur + 1 : n;
            while (e < n && same_row(src + e * FEATHER_COLS, v, nc))
                e++;
            const size_t end = e == n ? n : e - ur;
            for (size_t j = i; j < end; j++)
                memcpy(dst + j * FEATHER_COLS, v, nc);
            if (end == n)
                return;
            for (uint32_t b = 0; b < nc; b++)
                sum[b] = v[b] * d->width - v[b] + src[e * FEATHER_COLS + b];
            chg = e;
            i = end;
            continue;
        }
        const size_t out = i < ur ? 0 : i - ur, in = i + ur + 1 >= n ? n - 1 : i + ur + 1;
        for (uint32_t b = 0; b < nc; b++) {
            dst[i * FEATHER_COLS + b] = box_mean(d, sum[b]);
            sum[b] += src[in * FEATHER_COLS + b];
            sum[b] -= src[out * FEATHER_COLS + b];
        }
        if (i + ur + 1 < n && !same_row(src + in * FEATHER_COLS, src + (in - 1) * FEATHER_COLS, nc))
            chg = in;
        i++;
    }
}

int smp__feather_radius(double width_px, uint32_t cell)
{
    /* A Gaussian step rises from 10 % to 90 % over 2.563 sigma; three box
     * passes of width 2r+1 have the variance of a Gaussian with r(r+1). */
    double sigma = width_px / cell / 2.563;
    return (int)lrint((sqrt(4 * sigma * sigma + 1) - 1) / 2);
}

/* Three box passes of radius r over the n samples of a line, the first at
 * src[0], the next step apart, into dst (n bytes), the ends clamped:
 * box_pass's sums and rounding without its shortcuts. tmp: 2n bytes. */
static void three_passes(const uint8_t *src, size_t step, size_t n, int r, const box_div *d, uint8_t *dst,
                         uint8_t *tmp)
{
    uint8_t *a = tmp, *b = tmp + n;
    for (size_t i = 0; i < n; i++)
        a[i] = src[i * step];
    for (int pass = 0; pass < 3; pass++) {
        uint8_t *to = pass == 2 ? dst : b;
        uint32_t sum = 0;
        for (long i = -r; i <= r; i++)
            sum += a[i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i];
        for (size_t i = 0; i < n; i++) {
            to[i] = box_mean(d, sum);
            const size_t out = i < (size_t)r ? 0 : i - (size_t)r;
            const size_t in = i + (size_t)r + 1 >= n ? n - 1 : i + (size_t)r + 1;
            sum += a[in];
            sum -= a[out];
        }
        uint8_t *t = a;
        a = to;
        b = t;
    }
}

bool smp__coverage_feather_part(const smp_coverage *cov, double width_px, const uint32_t q[4], uint8_t *out)
{
    const int r = smp__feather_radius(width_px, cov->cell);
    const uint32_t w = cov->gw, h = cov->gh, qw = q[2] - q[0], qh = q[3] - q[1];
    if (r < 1) { /* no feather */
        for (uint32_t y = 0; y < qh; y++)
            memcpy(out + (size_t)y * qw, cov->c + (size_t)(q[1] + y) * w + q[0], qw);
        return true;
    }
    /* A pass's output reads r samples either side: three rows' passes
     * over [x0, x1) are the whole row's within it from 3r past its ends
     * (or at the grid's own ends), the same down the columns. */
    const uint32_t m = 3 * (uint32_t)r;
    const uint32_t x0 = q[0] > m ? q[0] - m : 0, x1 = w - q[2] > m ? q[2] + m : w;
    const uint32_t y0 = q[1] > m ? q[1] - m : 0, y1 = h - q[3] > m ? q[3] + m : h;
    const size_t sw = x1 - x0, sh = y1 - y0, longest = sw > sh ? sw : sh;
    uint8_t *rows = malloc(sw * sh), *tmp = malloc(2 * longest), *line = malloc(longest);
    if (!rows || !tmp || !line) {
        free(rows), free(tmp), free(line);
        return false;
    }
    const box_div d = box_div_make(2 * (uint32_t)r + 1);
    for (size_t y = 0; y < sh; y++)
        three_passes(cov->c + (y0 + y) * w + x0, 1, sw, r, &d, rows + y * sw, tmp);
    for (uint32_t x = q[0]; x < q[2]; x++) {
        three_passes(rows + (x - x0), sw, sh, r, &d, line, tmp);
        for (uint32_t y = 0; y < qh; y++)
            out[(size_t)y * qw + (x - q[0])] = line[q[1] - y0 + y];
    }
    free(rows), free(tmp), free(line);
    return true;
}

smp_status smp__coverage_feather(smp_coverage *cov, double width_px, int threads, char *msg)
{
    int r = smp__feather_radius(width_px, cov->cell);
    if (r < 1)
        return SMP_OK;
    const uint32_t w = cov->gw, h = cov->gh;
    /* Rows, then blocks of columns, in parallel: integer sums, the same
     * bytes whatever the threads. Per thread: a row, or 2 blocks of columns. */
    const int nt = smp__threads(threads);
    const size_t per = w > 2 * (size_t)h * FEATHER_COLS ? w : 2 * (size_t)h * FEATHER_COLS;
    uint8_t *buf = malloc(per * (size_t)nt);
    if (!buf)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the feather buffer");
    const box_div d = box_div_make(2 * (uint32_t)r + 1);
    const uint32_t blocks = (w + FEATHER_COLS - 1) / FEATHER_COLS;
    SMP_OMP(omp parallel num_threads(nt))
    {
        uint8_t *tmp = buf + (size_t)smp__thread_id() * per;
        SMP_OMP(omp for schedule(static))
        for (uint32_t y = 0; y < h; y++)
            blur_line(cov->c + (size_t)y * w, tmp, w, r, &d);
        SMP_OMP(omp for schedule(static))
        for (uint32_t k = 0; k < blocks; k++) {
            const uint32_t x0 = k * FEATHER_COLS, nc = w - x0 < FEATHER_COLS ? w - x0 : FEATHER_COLS;
            uint8_t *a = tmp, *b = tmp + (size_t)h * FEATHER_COLS;
            const uint8_t *top = cov->c + x0, *bottom = cov->c + (size_t)(h - 1) * w + x0;
            /* The rows alike the first at the top and the last at the
             * bottom: every column of the block flat there; each column
             * changes within changed_span of the rest only. */
            uint32_t ya = 1;
            while (ya < h && !memcmp(cov->c + (size_t)ya * w + x0, top, nc))
                ya++;
            if (ya >= h) /* every row of the block the same: each column flat, unchanged */
                continue;
            uint32_t yb = h - 2;
            while (!memcmp(cov->c + (size_t)yb * w + x0, bottom, nc)) /* row ya differs from the first */
                yb--;
            size_t s, e;
            changed_span(ya, yb, h, r, &s, &e);
            const size_t m = e - s;
            for (size_t y = 0; y < m; y++)
                memcpy(a + y * FEATHER_COLS, cov->c + (s + y) * w + x0, nc);
            box_pass_cols(a, b, m, nc, r, &d);
            box_pass_cols(b, a, m, nc, r, &d);
            box_pass_cols(a, b, m, nc, r, &d);
            for (size_t y = 0; y < m; y++)
                memcpy(cov->c + (s + y) * w + x0, b + y * FEATHER_COLS, nc);
        }
    }
    free(buf);
    return SMP_OK;
}

void smp__scale_by_map(smp_coverage *cov, const smp_coverage *map, double min_cm2, double max_cm2, int only_inside)
{
    const double lo = max_cm2 > 0 ? min_cm2 / max_cm2 : 0; /* black's share of the top density */
    for (size_t i = 0; i < (size_t)cov->gw * cov->gh; i++) {
        if (only_inside && !cov->c[i])
            continue;
        double share = lo + (1 - lo) * map->c[i] / 255.0;
        cov->c[i] = (uint8_t)lrint((only_inside ? cov->c[i] : 255) * share);
    }
}

smp_status smp__coverage_copy(smp_coverage *out, const smp_coverage *cov, char *msg)
{
    *out = *cov;
    out->c = malloc((size_t)cov->gw * cov->gh);
    if (!out->c)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot copy the coverage");
    memcpy(out->c, cov->c, (size_t)cov->gw * cov->gh);
    return SMP_OK;
}
