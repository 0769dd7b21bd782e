/* SPDX-License-Identifier: BSD-2-Clause */
/* Diffuse / specular separation of a scalp photo (shine.c).
 *
 * The dichromatic reflection model: a pixel = diffuse reflection (the
 * skin's own colour, chromaticity `chroma`) + specular reflection (the
 * light's colour, taken as white: equal in R, G and B), in linear light.
 * SMP pigment lies under the skin, so a renderer darkens only the diffuse
 * part and keeps the specular part (the scalp's shine) on top. */
#ifndef SMP_SHINE_H
#define SMP_SHINE_H

#include "internal.h"
#include "image.h"

/* The diffuse chromaticity of skin (linear RGB, r+g+b = 1): the median
 * over the pixels of box {x0,y0,w,h} of rgb where sel (box-sized,
 * row-major, may be NULL = all) is non-zero, leaving out pixels that are
 * too dark (hair), clipped, or brighter than the skin's median (where
 * shine has whitened it). Returns SMP_ERR_ARG when nothing usable is
 * selected. */
smp_status smp__diffuse_chroma(const smp_image *rgb, const uint32_t box[4], const uint8_t *sel, float chroma[3],
                               int threads, char *msg);

/* The specular part of each pixel of box, in linear light scaled by 65535
 * (so 0..65535), achromatic (the same amount in every channel), never more
 * than the pixel's smallest channel. out is box w*h, row-major.
 *
 * A pixel counts as shine only where it is also brighter than the diffuse
 * skin around it (blocks of about 1/40 of the box's short side), so
 * desaturated hair, grey or dark, stays near 0. Grey (1-2 channel) images
 * carry no chroma to separate: their map is all 0. The bytes do not depend
 * on threads (0 = OpenMP's default). */
smp_status smp__specular_map(const smp_image *rgb, const uint32_t box[4], const float chroma[3], uint16_t *out,
                             int threads, char *msg);

/* The same shine as a model instead of a map: the chroma and the block
 * levels (a few kB), from which smp__shine_at gives any pixel's value
 * exactly as smp__specular_map would store it, from the pixel's own
 * before-render bytes. A renderer asks only for the pixels it darkens, and
 * no box-sized map is held. Coordinates are box-relative, shifted by
 * (ox, oy) (0 for the box the model was made over; a crop of the image
 * sets its own offset); outside the box the shine is 0. */
typedef struct smp_shine {
    float lin[256];
    float c[3], cc, den; /* chroma, chroma . chroma, 3 cc - 1 */
    uint32_t w, h;       /* the box */
    uint32_t B, gw, gh;  /* block side and block grid */
    int64_t ox, oy;
    float *lev;          /* gw x gh block levels (owned) */
    struct smp_shine_col *col; /* w: each box column's block columns and weight (owned) */
} smp_shine;

/* SMP_ERR_ARG as smp__specular_map (a grey image is one, here: there is
 * no shine to model). */
smp_status smp__shine_model(const smp_image *rgb, const uint32_t box[4], const float chroma[3], smp_shine *out,
                            int threads, char *msg);
void smp__shine_free(smp_shine *s);
/* out = a copy of src owning its own arrays (the analysis cache keeps one). */
smp_status smp__shine_copy(smp_shine *out, const smp_shine *src);
/* The shine at (x, y) (relative to the map's box, plus the offset) of a
 * pixel whose bytes are p (RGB), in linear light x 65535. */
uint16_t smp__shine_at(const smp_shine *s, const uint8_t p[3], uint32_t x, uint32_t y);
/* smp__shine_at in two steps, to the bit: the levels of row y (false:
 * the row is outside the box, every pixel's shine is 0), into lev_row
 * (s->gw floats); then a pixel's of that row. */
bool smp__shine_levels(const smp_shine *s, uint32_t y, float *lev_row);
uint16_t smp__shine_px(const smp_shine *s, const float *lev_row, const uint8_t p[3], uint32_t x);
/* smp__shine_px of n consecutive pixels of the row from x on, whose bytes
 * are p (RGB), into out. */
void smp__shine_span(const smp_shine *s, const float *lev_row, const uint8_t *p, uint32_t x, uint32_t n,
                     uint16_t *out);

#endif
