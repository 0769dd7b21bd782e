/* SPDX-License-Identifier: BSD-2-Clause */
/* A compact sample of a region, for measures that need not see all of it. */
#ifndef SMP_WINDOW_H
#define SMP_WINDOW_H

#include "internal.h"

/* out (gw x gh) = sel restricted to the side x side square of cells that
 * holds the most selected cells (the first such in raster order). */
smp_status smp__densest_window(const uint8_t *sel, uint32_t gw, uint32_t gh, uint32_t side, uint8_t *out,
                               char *msg);

#endif
