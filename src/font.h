/* A small bitmap font for labels, drawn anti-aliased at any scale. */
#ifndef SMP_FONT_H
#define SMP_FONT_H

#include "internal.h"

#define SMP_GLYPH_W 5
#define SMP_GLYPH_H 9   /* 7 rows above the baseline, 2 of descender */
#define SMP_GLYPH_ADVANCE 6

typedef struct smp_glyph {
    uint32_t codepoint;
    uint8_t rows[SMP_GLYPH_H];
} smp_glyph;

extern const smp_glyph smp__font_glyphs[];
extern const int smp__font_glyph_count;

/* Width in pixels of UTF-8 text at a scale (output px per font pixel). */
double smp__text_width(const char *utf8, double scale);
/* Draws text with its top-left at (x, y) into an RGB image, anti-aliased
 * and blended in linear light. */
void smp__draw_text(smp_image *rgb, double x, double y, const char *utf8, double scale,
                    const uint8_t colour[3]);
/* Blends a rectangle [x0,x1) x [y0,y1) of colour over an RGB image. */
void smp__fill_rect(smp_image *rgb, int x0, int y0, int x1, int y1, const uint8_t colour[3],
                    double alpha);

#endif
