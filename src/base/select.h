/* SPDX-License-Identifier: BSD-2-Clause */
/* Order statistics (select.c). */
#ifndef SMP_SELECT_H
#define SMP_SELECT_H

#include "internal.h"

/* The k-th smallest of v[0..n) (reorders v); k past the end reads the
 * largest; NAN when n is 0. */
float smp__kth_float(float *v, size_t n, size_t k);
double smp__kth_double(double *v, size_t n, size_t k);

#endif
