/* SPDX-License-Identifier: BSD-2-Clause */
/* Connected regions on a grid of cells (regions.c). */
#ifndef SMP_REGIONS_H
#define SMP_REGIONS_H

#include "internal.h"

/* Regions: labels the 4-connected regions of the w x h cells where
 * cells[i] & bits is non-zero, 1, 2, ... in scan order, into label (stack:
 * w * h entries of scratch), calling each (if not NULL) with every
 * region's label and cell count as it is finished; the first status other
 * than SMP_OK that each returns stops the calls (not the labelling) and is
 * returned. SMP_ERR_LIMIT for a grid of 2^32 cells or more (regions.c). */
typedef smp_status (*smp__region_fn)(void *ctx, uint32_t label, size_t count);
smp_status smp__label_regions(const uint8_t *cells, uint8_t bits, uint32_t w, uint32_t h, uint32_t *stack,
                              uint32_t *label, smp__region_fn each, void *ctx);
/* The largest such region (the first of equal ones): its label (0: none)
 * and size; label as above. */
smp_status smp__largest_region(const uint8_t *cells, uint8_t bits, uint32_t w, uint32_t h, uint32_t *stack,
                               uint32_t *label, uint32_t *largest, size_t *size);

#endif
