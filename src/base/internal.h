/* SPDX-License-Identifier: BSD-2-Clause */
/* What every file of the library needs: build macros, limits, failure
 * messages, thread settings and overflow-checked sizes. The rest of base
 * has a header per topic (image.h, params.h, color.h, regions.h, ...). */
#ifndef SMP_INTERNAL_H
#define SMP_INTERNAL_H

#include "smpsim.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#if defined(__GNUC__)
#define SMP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SMP_PRINTF(f, a)
#endif

/* OpenMP directives that vanish, without a warning, in a serial build. */
#ifdef _OPENMP
#define SMP_OMP(directive) _Pragma(#directive)
#else
#define SMP_OMP(directive)
#endif

/* A hot loop's function made twice, for AVX2 and for any x86-64, the one
 * the CPU runs picked when the program loads. AVX2 alone brings no fused
 * multiply-add: each lane does the same IEEE operations in the same order
 * as SSE does, so the bytes do not depend on the machine. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define SMP_WIDE_SIMD __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef SMP_WIDE_SIMD
#define SMP_WIDE_SIMD
#endif

#define SMP_MSG_LEN 512
#define SMP_PI 3.14159265358979323846
#define SMP_SQRT1_2 0.70710678118654752440
#define SMP_DEFAULT_MAX_PIXELS 200000000ull

/* Formats into msg (may be NULL) and returns status, so a failure is one line. */
smp_status smp__fail(char *msg, smp_status status, const char *fmt, ...) SMP_PRINTF(3, 4);

/* Threads for a parallel region: want if positive, else OpenMP's default
 * (1 without OpenMP). */
int smp__threads(int want);
/* SMP_ERR_ARG (message in msg) unless threads is a thread setting: 0
 * (OpenMP's default) to 1024. */
smp_status smp__check_threads(int threads, char *msg);
/* The calling thread's number in a parallel region (0 without OpenMP): for
 * choosing a scratch buffer, never for results. */
int smp__thread_id(void);

/* A malloc'd copy of n bytes at p; NULL when p is NULL, n is 0 or out of memory. */
void *smp__dup_bytes(const void *p, size_t n);

/* Overflow-checked size arithmetic; false on overflow. */
bool smp__mul(size_t a, size_t b, size_t *out);
/* Bytes for w*h*ch pixels within max_pixels (0 = default); an error otherwise. */
smp_status smp__pixel_bytes(char *msg, uint64_t w, uint64_t h, int ch, uint64_t max_pixels,
                            size_t *bytes);

#endif
