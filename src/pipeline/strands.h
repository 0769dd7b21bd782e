/* SPDX-License-Identifier: BSD-2-Clause */
/* Hair strands lying on the skin, so that new pigment dots can be composited
 * under them. */
#ifndef SMP_STRANDS_H
#define SMP_STRANDS_H

#include "internal.h"
#include "image.h"

/* Hair strands lying on the skin: thin dark ridges about 0.05-0.2 mm wide, found with a
 * multi-scale Hessian ridge filter (scale-normalised second derivatives of linear luminance)
 * at the photo's scale. out (box w*h bytes, row-major, box-relative) gets 0..255: how surely
 * each pixel belongs to a strand (255 = certainly; smp__strand_cover makes it the hair's share of the light).
 * Round dark spots (follicles, freckles, pores, SMP dots up to ~0.4 mm) are not strands.
 * box = {x0, y0, w, h} in pixels inside rgb (an RGB 8-bit smp_image, ch == 3).
 * px_per_mm in [0.5, 1000]. The bytes do not depend on threads (0: OpenMP's
 * default), nor on the box: a pixel gets the same value in any box holding it.
 * A strand must run straight for ~0.5 mm to score high (short skin creases
 * between highlights do not); light (grey, white) hair on light skin is not
 * a dark ridge and is not found. Working memory: about 2 MB per thread
 * (tiles of 128 rows by 640 columns), nothing per box pixel. Time:
 * ~0.09 s of CPU per megapixel (3 scales from 3 to 20 px/mm; a 2 GHz
 * Xeon). SMP_ERR_ARG for a bad image,
 * box or scale, SMP_ERR_NOMEM when the buffers cannot be allocated. */
smp_status smp__strand_map(const smp_image *rgb, const uint32_t box[4], double px_per_mm, uint8_t *out,
                           int threads, char *msg);

/* Turns a strand map (as smp__strand_map made it over box) into the hair's
 * share of each pixel's light, 0..255: a strand pixel mixes hair and the
 * skin beside it, and only the skin's part lies over the pigment. With Y
 * the pixel's luminance, Ls the skin's around it (the median of the pixels
 * with no strand within 0.2 mm, at least 3 px) and Lc the strand's core
 * (its darkest pixel within 0.1 mm + 1 px), the hair covers
 * a = (Ls - Y) / (Ls - Lc) of the pixel and gives a Lc / Y of its light:
 * 255 where the pixel is as dark as the core, 0 where it is as light as
 * the skin; scaled by the detection (map / 128 under 128). Pixels without a strand
 * stay 0; with no skin about them (dense hair), the detection's weight
 * stands. The bytes do not depend on threads; within 0.2 mm of the box's
 * edge they depend on the box (the skin read stops there). Holds a copy
 * of the map while it works. SMP_ERR_NOMEM, or SMP_ERR_ARG as smp__strand_map. */
smp_status smp__strand_cover(const smp_image *rgb, const uint32_t box[4], double px_per_mm, uint8_t *map,
                             int threads, char *msg);

#endif
