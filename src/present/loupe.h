/* SPDX-License-Identifier: BSD-2-Clause */
/* Placing a preview's close-up (loupe): the spot (view.c) and its box on
 * the preview (preview.c). Both report a failed allocation instead of
 * quietly leaving the loupe out. */
#ifndef SMP_LOUPE_H
#define SMP_LOUPE_H

#include "result.h"
#include "params.h"

/* The centre (photo px) for a side_mm field in the largest treated core,
 * near a hairline when the field fits there; *found false when there is
 * no core. SMP_ERR_NOMEM when its scratch cannot be allocated. */
smp_status smp__loupe_spot(const smp_result *res, double side_mm, double *x, double *y, bool *found);
/* The loupe's source box and zoom for a side px inset on panels at scale s
 * (output px per photo px) into g; *placed false when there is none. */
smp_status smp__preview_loupe_box(smp_preview_geometry *g, const smp_result *res, const smp_params *p, uint32_t w,
                                  uint32_t h, double s, uint32_t side, bool *placed);

#endif
