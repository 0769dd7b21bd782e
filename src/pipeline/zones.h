/* SPDX-License-Identifier: BSD-2-Clause */
/* Where a close-up should look: the zones a run keeps in its result
 * (zones.c), from the shade analysis, for the present layer to read. */
#ifndef SMP_ZONES_H
#define SMP_ZONES_H

#include "result.h"
#include "shade.h"

/* Keeps the zones (SMP_ZONE_CORE, SMP_ZONE_HAIRLINE) from a shade analysis
 * in the result; SMP_ERR_NOMEM (message in res) when they cannot be kept. */
smp_status smp__keep_zones(smp_result *res, const smp_shade *sh, double px_per_mm);

#endif
