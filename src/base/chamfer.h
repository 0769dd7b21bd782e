/* SPDX-License-Identifier: BSD-2-Clause */
/* Distances on a grid of cells (chamfer.c). */
#ifndef SMP_CHAMFER_H
#define SMP_CHAMFER_H

#include "internal.h"

/* Chamfer (3-4) distance in mm: d holds 0 at seed cells and INFINITY
 * elsewhere on entry, the distance to the nearest seed on return. */
void smp__chamfer_mm(float *d, uint32_t w, uint32_t h, double cell_mm);

#endif
