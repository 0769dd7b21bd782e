/* SPDX-License-Identifier: BSD-2-Clause */
/* Order statistics for the analyses' medians and quantiles. */
#include "internal.h"
#include "select.h"

float smp__kth_float(float *v, size_t n, size_t k)
{
    /* Quickselect: linear time, where a sort would cost n log n on every
     * call (per cell, per block). */
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        const float p = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < p)
                i++;
            while (v[j] > p)
                j--;
            if (i <= j) {
                const float t = v[i];
                v[i++] = v[j];
                v[j] = t;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}
