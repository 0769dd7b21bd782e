/* SPDX-License-Identifier: BSD-2-Clause */
/* A note when the mask stops short of the client's hair (gap.c). */
#ifndef SMP_GAP_H
#define SMP_GAP_H

#include "result.h"
#include "shade.h"

/* Notes in res when much of the mask's edge ends on bare skin with the
 * client's hair a little further out (within 20 mm), which the treated
 * area would leave as a pale ring; reads the shade's view and dist_out,
 * so before they are dropped. SMP_ERR_NOMEM (message in res) only. */
smp_status smp__note_mask_gap(smp_result *res, const smp_shade *sh, double px_per_mm);

#endif
