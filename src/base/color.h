/* SPDX-License-Identifier: BSD-2-Clause */
/* sRGB transfer, CIELAB and colour difference (color.c). */
#ifndef SMP_COLOR_H
#define SMP_COLOR_H

#include "internal.h"

/* sRGB transfer: 8-bit to linear, and a 65536-entry table from linear
 * (v * 65535, rounded) back to 8-bit with correct rounding. */
float smp__srgb_to_linear(uint8_t v);
void smp__linear_to_srgb_table(uint8_t table[65536]);
/* One linear value (any range; clamped to 0..1 after encoding) to 8-bit sRGB,
 * rounded: the one implementation of the encoding. */
uint8_t smp__linear_to_srgb8(double linear);
/* The same conversions as shared read-only tables, built once on first use
 * (thread-safe): smp__srgb_to_linear of every byte, and the 65536-entry
 * table of smp__linear_to_srgb_table. Every stage reads these; none builds
 * its own. */
const float *smp__srgb_linear_table(void);
const uint8_t *smp__srgb8_table(void);
/* CIELAB (D65) from linear sRGB and back, and the CIEDE2000 difference. */
void smp__linear_to_lab(const float rgb[3], double lab[3]);
/* Its L* alone, to the bit: one cube root instead of three. */
double smp__linear_to_l(const float rgb[3]);
void smp__lab_to_linear(const double lab[3], float rgb[3]);
void smp__srgb8_to_lab(const uint8_t srgb[3], double lab[3]);
double smp__delta_e2000(const double lab1[3], const double lab2[3]);

#endif
