/* SPDX-License-Identifier: BSD-2-Clause */
/* Contact sheets: a labelled grid of equally sized cells. */
#include "font.h"
#include "image.h"
#include "params.h"

#include <math.h>
#include <string.h>

#define TEXT_CAP 13.0
#define PAD 12
#define GAP 4
#define LINE_H ((int)(SMP_TEXT_LINE * TEXT_CAP) + 8)

static const uint8_t BACKGROUND[3] = {0x1c, 0x1c, 0x1c};
static const uint8_t INK[3] = {0xf0, 0xf0, 0xf0};
static const uint8_t BACKING[3] = {0x00, 0x00, 0x00};

static const char *entry(const char *const *list, int i) { return list && list[i] ? list[i] : ""; }

/* Number of lines in text, and the widest one's width at scale. */
static int measure_lines(const char *text, double scale, double *widest, smp_status *st)
{
    char line[512];
    int n = 0;
    *widest = 0;
    for (const char *p = text; p && *p;) {
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        *widest = fmax(*widest, smp__text_width(line, scale, st));
        n++;
        p += len + (p[len] == '\n');
    }
    return n;
}

/* Draws text; the first failure stays in *st. */
static void text(smp_image *out, smp_status *st, double x, double y, const char *utf8, double cap)
{
    const smp_status drawn = smp__draw_text(out, x, y, utf8, cap, INK);
    if (*st == SMP_OK)
        *st = drawn;
}

static void draw_lines(smp_image *out, smp_status *st, double x, double y, const char *text_lines)
{
    char line[512];
    for (const char *p = text_lines; p && *p; y += LINE_H) {
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        text(out, st, x, y, line, TEXT_CAP);
        p += len + (p[len] == '\n');
    }
}

/* A caption on a translucent backing in the cell's bottom-left corner,
 * sized from the cell so it stays inside it. */
static void caption(smp_image *out, smp_status *st, int x, int y, int w, int h, const char *label)
{
    double cap = fmin(TEXT_CAP, TEXT_CAP * (w - 16) / fmax(smp__text_width(label, TEXT_CAP, st), 1.0));
    if (cap < 7.0 || !label[0])
        return; /* too small to read: better none than clipped */
    double pad = 0.4 * cap;
    double tw = smp__text_width(label, cap, st);
    int x0 = x + 4, y1 = y + h - 4, y0 = (int)floor(y1 - cap - 2 * pad);
    smp__fill_rect(out, x0, y0, (int)ceil(x0 + tw + 2 * pad), y1, BACKING, 0.6);
    text(out, st, x0 + pad, y0 + pad, label, cap);
}

smp_status smp_contact_sheet(smp_image *out, const smp_image *const *cells, int rows, int cols,
                             const char *header, const char *const *row_labels,
                             const char *const *col_labels, const char *const *captions,
                             const smp_params *params)
{
    if (!out)
        return SMP_ERR_ARG;
    const smp_image *first = cells ? cells[0] : NULL;
    if (!first || rows < 1 || cols < 1 || rows > 1000 || cols > 1000)
        return smp__fail(out->msg, SMP_ERR_ARG, "a contact sheet needs 1..1000 rows and columns of cells");
    const uint32_t cw = first->w, ch = first->h;
    for (int i = 0; i < rows * cols; i++)
        if (!cells[i] || !cells[i]->px || cells[i]->w != cw || cells[i]->h != ch)
            return smp__fail(out->msg, SMP_ERR_ARG, "cell %d is missing or not %ux%u like the first", i,
                             (unsigned)cw, (unsigned)ch);
    double widest = 0, header_w = 0;
    smp_status st = SMP_OK;
    for (int r = 0; r < rows; r++)
        widest = fmax(widest, smp__text_width(entry(row_labels, r), TEXT_CAP, &st));
    const int header_lines = measure_lines(header, TEXT_CAP, &header_w, &st);
    if (st != SMP_OK)
        return smp__fail(out->msg, st, "cannot measure the sheet's labels: out of memory");
    const uint64_t left = widest > 0 ? (uint64_t)ceil(widest) + 2 * PAD : PAD;
    const uint64_t top = PAD + (uint64_t)header_lines * LINE_H + (col_labels ? LINE_H : 0);
    uint64_t w = left + (uint64_t)cols * cw + (uint64_t)(cols - 1) * GAP + PAD;
    const uint64_t h = top + (uint64_t)rows * ch + (uint64_t)(rows - 1) * GAP + PAD;
    w = w < header_w + 2 * PAD ? (uint64_t)ceil(header_w) + 2 * PAD : w;
    st = smp__image_reset(out, (uint32_t)(w > UINT32_MAX ? UINT32_MAX : w),
                                     (uint32_t)(h > UINT32_MAX ? UINT32_MAX : h), 3,
                                     params ? params->max_pixels : SMP_DEFAULT_MAX_PIXELS);
    if (st != SMP_OK)
        return st;
    for (size_t i = 0; i < (size_t)w * h; i++)
        memcpy(out->px + i * 3, BACKGROUND, 3);
    draw_lines(out, &st, PAD, PAD, header);
    for (int c = 0; c < cols; c++) {
        const char *label = entry(col_labels, c);
        double x = left + (double)c * (cw + GAP) + (cw - smp__text_width(label, TEXT_CAP, &st)) / 2;
        text(out, &st, fmax(x, (double)left), top - LINE_H + 2, label, TEXT_CAP);
    }
    for (int r = 0; r < rows; r++) {
        const uint32_t y = (uint32_t)(top + (uint64_t)r * (ch + GAP));
        text(out, &st, PAD, y + (ch - TEXT_CAP) / 2, entry(row_labels, r), TEXT_CAP);
        for (int c = 0; c < cols; c++) {
            const uint32_t x = (uint32_t)(left + (uint64_t)c * (cw + GAP));
            smp__image_blit(out, x, y, cells[r * cols + c], 0, 0, cw, ch);
            caption(out, &st, (int)x, (int)y, (int)cw, (int)ch, entry(captions, r * cols + c));
        }
    }
    if (st != SMP_OK)
        return smp__fail(out->msg, st, "cannot draw the sheet's labels: out of memory");
    out->orientation = 1;
    out->format = SMP_FORMAT_NONE;
    return smp_image_set_icc(out, first->icc, first->icc_len);
}
