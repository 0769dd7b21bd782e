/* SPDX-License-Identifier: BSD-2-Clause */
/* Checked size arithmetic and the limits checked before allocating: pixel
 * bytes within the pixel limit, the expected dot count within the cap; a
 * copy of a byte range. */
#include "internal.h"
#include "params.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *smp__dup_bytes(const void *p, size_t n)
{
    void *d = p && n ? malloc(n) : NULL;
    if (d)
        memcpy(d, p, n);
    return d;
}

bool smp__mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

smp_status smp__check_dot_count(double density_cm2, double area_mm2, double px_per_mm, char *msg)
{
    const double expected = density_cm2 * area_mm2 / 100.0;
    if (expected <= SMP_MAX_DOTS)
        return SMP_OK;
    char scale[48] = ""; /* only when there is one: points over a box has none */
    if (px_per_mm > 0)
        snprintf(scale, sizeof scale, " at %.3g px/mm", px_per_mm);
    return smp__fail(msg, SMP_ERR_LIMIT,
                     "about %.3g dots expected (%.0f dots/cm² over %.4g cm²%s); the cap is %d dots: "
                     "check the scale, the mask and the density",
                     expected, density_cm2, area_mm2 / 100.0, scale, SMP_MAX_DOTS);
}

smp_status smp__pixel_bytes(char *msg, uint64_t w, uint64_t h, int ch, uint64_t max_pixels,
                            size_t *bytes)
{
    if (max_pixels == 0)
        max_pixels = SMP_DEFAULT_MAX_PIXELS;
    if (w == 0 || h == 0)
        return smp__fail(msg, SMP_ERR_FORMAT, "image has zero size (%llux%llu)",
                         (unsigned long long)w, (unsigned long long)h);
    if ((w > UINT32_MAX / 2 || h > UINT32_MAX / 2 || w * h > max_pixels) && max_pixels < 1000000)
        return smp__fail(msg, SMP_ERR_LIMIT, "%llux%llu is %.0f pixels, over the limit of %llu pixels",
                         (unsigned long long)w, (unsigned long long)h, (double)w * (double)h,
                         (unsigned long long)max_pixels); /* megapixels would read "0.0" */
    if (w > UINT32_MAX / 2 || h > UINT32_MAX / 2 || w * h > max_pixels)
        return smp__fail(msg, SMP_ERR_LIMIT,
                         "%llux%llu is %.1f megapixels, over the limit of %.1f megapixels",
                         (unsigned long long)w, (unsigned long long)h, (double)w * (double)h / 1e6,
                         (double)max_pixels / 1e6);
    size_t n;
    if (!smp__mul((size_t)w, (size_t)h, &n) || !smp__mul(n, (size_t)ch, bytes))
        return smp__fail(msg, SMP_ERR_LIMIT, "%llux%llu image does not fit in memory",
                         (unsigned long long)w, (unsigned long long)h);
    return SMP_OK;
}
