/* SPDX-License-Identifier: BSD-2-Clause */
/* Distances on a grid of cells (chamfer.c). */
#ifndef SMP_CHAMFER_H
#define SMP_CHAMFER_H

#include "internal.h"

/* Chamfer (3-4) distance in mm: d holds 0 at seed cells and INFINITY
 * elsewhere on entry, the distance to the nearest seed on return. */
void smp__chamfer_mm(float *d, uint32_t w, uint32_t h, double cell_mm);

/* The wide parts of an area: out[i] = 1 for the cells of in (non-zero)
 * within r_mm of one of its cells at least r_mm from every cell outside it
 * and from the frame's edge (half a cell beyond the outer cells), 0
 * elsewhere: an opening by a disc of radius r_mm, in chamfer distances, on
 * which a narrower part (a band under 2 r_mm wide) is not kept. d: w * h
 * floats of scratch; out may not be in. */
void smp__wide_mm(const uint8_t *in, uint8_t *out, float *d, uint32_t w, uint32_t h, double cell_mm, double r_mm);

#endif
