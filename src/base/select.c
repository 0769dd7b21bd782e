/* SPDX-License-Identifier: BSD-2-Clause */
/* Order statistics for the analyses' medians and quantiles. */
#include "internal.h"
#include "select.h"

#include <math.h>

/* Quickselect: linear time, where a sort would cost n log n on every call
 * (per cell, per block). One body for both element types. */
#define KTH(T, name)                                                                                                   \
    T name(T *v, size_t n, size_t k)                                                                                   \
    {                                                                                                                  \
        if (n == 0) /* nothing to select: never read past an empty set */                                              \
            return (T)NAN;                                                                                             \
        if (k >= n)                                                                                                    \
            k = n - 1;                                                                                                 \
        size_t lo = 0, hi = n - 1;                                                                                     \
        while (lo < hi) {                                                                                              \
            const T p = v[lo + (hi - lo) / 2];                                                                         \
            size_t i = lo, j = hi;                                                                                     \
            while (i <= j) {                                                                                           \
                while (v[i] < p)                                                                                       \
                    i++;                                                                                               \
                while (v[j] > p)                                                                                       \
                    j--;                                                                                               \
                if (i <= j) {                                                                                          \
                    const T t = v[i];                                                                                  \
                    v[i++] = v[j];                                                                                     \
                    v[j] = t;                                                                                          \
                    if (j == 0)                                                                                        \
                        break;                                                                                         \
                    j--;                                                                                               \
                }                                                                                                      \
            }                                                                                                          \
            if (k <= j)                                                                                                \
                hi = j;                                                                                                \
            else if (k >= i)                                                                                           \
                lo = i;                                                                                                \
            else                                                                                                       \
                return v[k];                                                                                           \
        }                                                                                                              \
        return v[k];                                                                                                   \
    }

KTH(float, smp__kth_float)
KTH(double, smp__kth_double)
