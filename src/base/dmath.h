/* SPDX-License-Identifier: BSD-2-Clause */
/* The library's transcendental functions, the same bits on every platform.
 * glibc (native) and musl (the WebAssembly studio) round sin, cos, atan2,
 * hypot, cbrt and erfc differently in the last bit, and glibc picks an FMA
 * variant of exp, log and pow on CPUs that have one: a dot's position could
 * then differ by a bit between the command and the studio, or between two
 * machines. These use only + - * / and sqrt (exactly rounded by IEEE
 * everywhere) and exact helpers (floor, frexp, ldexp), within about 2 ULP
 * of the true values. The CLI's printing and the tests keep libm. */
#ifndef SMP_DMATH_H
#define SMP_DMATH_H

double smp__sin(double x);
double smp__cos(double x);
/* *s = smp__sin(x) and *c = smp__cos(x), bit for bit, from one reduction. */
void smp__sincos(double x, double *s, double *c);
double smp__atan2(double y, double x);
double smp__hypot(double x, double y);
double smp__cbrt(double x);
double smp__exp(double x);
double smp__log(double x);
double smp__pow(double x, double y);
/* Within 1e-13 relative, not 2 ULP: its one caller keeps a float. */
double smp__erfc(double x);

#endif
