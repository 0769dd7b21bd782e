/* SPDX-License-Identifier: BSD-2-Clause */
/* Status strings, message formatting and checked size arithmetic. */
#include "internal.h"

#include <stdio.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int smp__threads(int want)
{
#ifdef _OPENMP
    return want > 0 ? want : omp_get_max_threads();
#else
    (void)want;
    return 1;
#endif
}

int smp__thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

const char *smp_version(void) { return "0.1.0"; }

int smp_has_openmp(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

const char *smp_strerror(smp_status status)
{
    switch (status) {
    case SMP_OK: return "success";
    case SMP_ERR_ARG: return "invalid argument";
    case SMP_ERR_NOMEM: return "out of memory";
    case SMP_ERR_READ: return "cannot read input";
    case SMP_ERR_FORMAT: return "unsupported or corrupt image";
    case SMP_ERR_LIMIT: return "image too large";
    case SMP_ERR_MISMATCH: return "mask does not fit the photo";
    case SMP_ERR_WRITE: return "cannot write output";
    case SMP_ERR_EXISTS: return "output exists";
    case SMP_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

smp_status smp__fail(char *msg, smp_status status, const char *fmt, ...)
{
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, SMP_MSG_LEN, fmt, ap);
        va_end(ap);
    }
    return status;
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
