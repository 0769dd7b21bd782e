/* SPDX-License-Identifier: BSD-2-Clause */
/* Resampling an image for display (resample.c). */
#ifndef SMP_RESAMPLE_H
#define SMP_RESAMPLE_H

#include "internal.h"
#include "image.h"

/* out = an RGB image area-averaged in linear light to w x h (no larger). */
smp_status smp__resize_area(smp_image *out, const smp_image *src, uint32_t w, uint32_t h, int threads);
/* out = w x h px of an RGB image magnified by scale from (x0, y0) in its
 * pixels (Catmull-Rom, edges clamped). */
smp_status smp__enlarge(smp_image *out, const smp_image *src, double x0, double y0, double scale, uint32_t w,
                        uint32_t h);

#endif
