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

/* The diffuse chromaticity of skin (linear RGB, r+g+b = 1): a robust
 * central value over the pixels of box {x0,y0,w,h} of rgb where sel
 * (box-sized, row-major, may be NULL = all) is non-zero, leaving out pixels
 * that are too dark (hair) or clipped. Returns SMP_ERR_ARG when nothing
 * usable is selected. */
smp_status smp__diffuse_chroma(const smp_image *rgb, const uint32_t box[4], const uint8_t *sel, float chroma[3],
                               char *msg);

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

#endif
