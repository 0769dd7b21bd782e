/* SPDX-License-Identifier: BSD-2-Clause */
/* The grey of a thinning read over its area (thinarea.c): strands clump,
 * so the share of the scalp they hide is a statistic of an area, not of
 * one cell. */
#ifndef SMP_THINAREA_H
#define SMP_THINAREA_H

#include "suggest.h"

/* The suggestion's grey from the share of hair missing: none up to
 * SMP__MISSING_LO, white from SMP__MISSING_HI (a smoothstep between for
 * the bald gate of suggest.c, a straight ramp for the grey of thinarea.c). */
#define SMP__MISSING_LO 0.15
#define SMP__MISSING_HI 0.75

/* Lowers each treated cell of s->treat to the grey of the share of hair
 * missing (missing: per cell, 0..1) pooled over the treated head cells
 * within THIN_AREA_MM, at mm_per_cell; nothing when that is not positive.
 * SMP_ERR_NOMEM (message in s) when its scratch cannot be allocated. */
smp_status smp__thin_area(smp_scalp *s, const float *missing, double mm_per_cell);

#endif
