/* Label text: DejaVu Sans compiled into the library (font_ttf.c, generated
 * at build time from Debian's fonts-dejavu-core) and rasterised by
 * FreeType, so no font file is read at run time. */
#ifndef SMP_FONT_H
#define SMP_FONT_H

#include "internal.h"

/* Sizes are cap heights in px; a line of text needs about 1.45 of it
 * (descenders and a little air). */
#define SMP_TEXT_LINE 1.45

/* Width in px of UTF-8 text with capitals cap_px high; 0 if the font
 * cannot be opened (out of memory). Malformed UTF-8 reads as U+FFFD. */
double smp__text_width(const char *utf8, double cap_px);
/* Draws text with the top of its capitals at (x, y) into an RGB image,
 * anti-aliased (FreeType's exact-area coverage) and blended in linear
 * light. SMP_ERR_NOMEM if the font cannot be opened. */
smp_status smp__draw_text(smp_image *rgb, double x, double y, const char *utf8, double cap_px,
                          const uint8_t colour[3]);
/* Blends a rectangle [x0,x1) x [y0,y1) of colour over an RGB image. */
void smp__fill_rect(smp_image *rgb, int x0, int y0, int x1, int y1, const uint8_t colour[3],
                    double alpha);

#endif
