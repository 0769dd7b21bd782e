/* Label text: the bitmap font scaled to any size with exact-area anti-aliasing. */
#include "font.h"

#include <math.h>
#include <stdlib.h>

/* Next code point of a UTF-8 string; malformed bytes read as '?'. */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = *p++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && !extra) {
        *s = p;
        return '?';
    }
    if (extra)
        c &= 0x3Fu >> extra;
    for (int i = 0; i < extra; i++, p++) {
        if ((*p & 0xC0) != 0x80) {
            *s = p;
            return '?';
        }
        c = c << 6 | (*p & 0x3Fu);
    }
    *s = p;
    return c;
}

static const smp_glyph *glyph_for(uint32_t cp)
{
    const smp_glyph *q = NULL;
    for (int i = 0; i < smp__font_glyph_count; i++) {
        if (smp__font_glyphs[i].codepoint == cp)
            return &smp__font_glyphs[i];
        if (smp__font_glyphs[i].codepoint == '?')
            q = &smp__font_glyphs[i];
    }
    return q;
}

static size_t glyph_count(const char *utf8)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)utf8; *s; n++)
        next_cp(&s);
    return n;
}

double smp__text_width(const char *utf8, double scale)
{
    size_t n = glyph_count(utf8);
    return n ? ((double)n * SMP_GLYPH_ADVANCE - 1) * scale : 0;
}

static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Linear-light blend of colour over one pixel with coverage a. */
static void blend(uint8_t *px, const float lin[3], float a)
{
    for (int c = 0; c < 3; c++) {
        float under = smp__srgb_to_linear(px[c]);
        float v = under + (lin[c] - under) * a;
        double s = v <= 0.0031308f ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
        px[c] = (uint8_t)lrint(fmin(fmax(s, 0), 1) * 255);
    }
}

void smp__draw_text(smp_image *img, double x, double y, const char *utf8, double scale,
                    const uint8_t colour[3])
{
    const int w = (int)img->w, h = (int)img->h;
    int bx0 = (int)floor(x), by0 = (int)floor(y);
    int bx1 = (int)ceil(x + smp__text_width(utf8, scale)), by1 = (int)ceil(y + SMP_GLYPH_H * scale);
    bx0 = bx0 < 0 ? 0 : bx0;
    by0 = by0 < 0 ? 0 : by0;
    bx1 = bx1 > w ? w : bx1;
    by1 = by1 > h ? h : by1;
    if (bx1 <= bx0 || by1 <= by0)
        return;
    const int cw = bx1 - bx0, chh = by1 - by0;
    float *cov = calloc((size_t)cw * chh, sizeof *cov);
    if (!cov)
        return; /* a label is decoration; the image stays valid without it */
    /* Ink squares tile without overlap, so summed areas are the exact coverage. */
    const unsigned char *s = (const unsigned char *)utf8;
    for (int i = 0; *s; i++) {
        const smp_glyph *g = glyph_for(next_cp(&s));
        if (!g)
            continue;
        double gx = x + (double)i * SMP_GLYPH_ADVANCE * scale;
        for (int r = 0; r < SMP_GLYPH_H; r++) {
            for (int col = 0; col < SMP_GLYPH_W; col++) {
                if (!(g->rows[r] >> (SMP_GLYPH_W - 1 - col) & 1))
                    continue;
                double sx0 = gx + col * scale, sx1 = sx0 + scale;
                double sy0 = y + r * scale, sy1 = sy0 + scale;
                for (int py = (int)floor(sy0); py < (int)ceil(sy1); py++) {
                    if (py < by0 || py >= by1)
                        continue;
                    double oy = overlap(sy0, sy1, py, py + 1);
                    for (int px = (int)floor(sx0); px < (int)ceil(sx1); px++)
                        if (px >= bx0 && px < bx1)
                            cov[(size_t)(py - by0) * cw + (px - bx0)] +=
                                (float)(oy * overlap(sx0, sx1, px, px + 1));
                }
            }
        }
    }
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = smp__srgb_to_linear(colour[c]);
    for (int py = 0; py < chh; py++)
        for (int px = 0; px < cw; px++) {
            float a = cov[(size_t)py * cw + px];
            if (a > 0)
                blend(img->px + ((size_t)(py + by0) * w + px + bx0) * 3, lin, a > 1 ? 1 : a);
        }
    free(cov);
}

void smp__fill_rect(smp_image *img, int x0, int y0, int x1, int y1, const uint8_t colour[3],
                    double alpha)
{
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > (int)img->w ? (int)img->w : x1;
    y1 = y1 > (int)img->h ? (int)img->h : y1;
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = smp__srgb_to_linear(colour[c]);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            blend(img->px + ((size_t)y * img->w + x) * 3, lin, (float)alpha);
}
