/* SPDX-License-Identifier: BSD-2-Clause */
/* Label text: DejaVu Sans compiled into the library (font_ttf.c, generated
 * at build time from Debian's fonts-dejavu-core), installed fonts found
 * through fontconfig for the characters it lacks, shaped by HarfBuzz,
 * ordered by FriBidi and rasterised by FreeType (see font.c). */
#ifndef SMP_FONT_H
#define SMP_FONT_H

#include "internal.h"
#include "image.h"

/* Sizes are cap heights in px; a line of text needs about 1.45 of it
 * (descenders and a little air). */
#define SMP_TEXT_LINE 1.45

/* One shaped glyph: its id in face (0 = the embedded DejaVu, then
 * fallbacks in the order found), the code point index it came from, and
 * its pen position in px from the line's left end (y up from the baseline). */
typedef struct smp__glyph {
    uint32_t id;
    int face;
    uint32_t cluster;
    double x, y, advance;
} smp__glyph;

/* Shapes UTF-8 text as smp__draw_text lays it out: the glyph count (0 on
 * failure), the first max glyphs in visual order (left to right) into out
 * (may be NULL), the code point count into *chars. For tests. */
size_t smp__text_shape(const char *utf8, double cap_px, smp__glyph *out, size_t max, size_t *chars);

/* Width in px of UTF-8 text with capitals cap_px high. Malformed UTF-8
 * reads as U+FFFD. When the font cannot be opened or the text laid out (out
 * of memory): 0, and SMP_ERR_NOMEM into *st if st is not NULL and *st is
 * still SMP_OK, so a caller measuring many texts checks once. */
double smp__text_width(const char *utf8, double cap_px, smp_status *st);
/* Draws text with the top of its capitals at (x, y) into an RGB image,
 * left to right in visual order (right-to-left runs reversed, Arabic
 * joined), anti-aliased (FreeType's exact-area coverage) and blended in linear
 * light. SMP_ERR_NOMEM if the font cannot be opened. */
smp_status smp__draw_text(smp_image *rgb, double x, double y, const char *utf8, double cap_px,
                          const uint8_t colour[3]);
/* Blends a rectangle [x0,x1) x [y0,y1) of colour over an RGB image. */
void smp__fill_rect(smp_image *rgb, int x0, int y0, int x1, int y1, const uint8_t colour[3],
                    double alpha);

#endif
