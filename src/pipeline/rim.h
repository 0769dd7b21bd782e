/* SPDX-License-Identifier: BSD-2-Clause */
/* The head's rim is hair, not scalp (rim.c): seen from above, the head's
 * outline is its widest circumference, which the side and back fringe
 * covers at every stage of pattern loss. */
#ifndef SMP_RIM_H
#define SMP_RIM_H

#include "suggest.h"

/* The rim's gate: from 0 at RIM_IN_MM up to 1 at RIM_OUT_MM from the
 * head's outline (the frame's edge is not an outline: the head runs on
 * past it). */
#define RIM_IN_MM 4.0
#define RIM_OUT_MM 14.0

/* Unlit: under this share of the skin's luminance. An unlit area wide
 * enough that a disc of SMP_WIDE_UNLIT_MM fits in it (the frame's edge
 * counting as its boundary: chamfer.h, smp__wide_mm) is a background in
 * shadow, not the head's own dark hair, which near black reads as it does
 * (its chromaticity noise, as the class rules see it, its L* and texture,
 * as the reference band's cells do): the rim's outline is the lit head's
 * beside it (rim.c), and the reference band (shade.c) takes none of it. A
 * narrower dark band may be a dark fringe, and stays. */
#define SMP_UNLIT_SHARE 0.05
#define SMP_WIDE_UNLIT_MM RIM_OUT_MM

/* Fills s->rim (analysed head in s->head, where lit in s->lit) at
 * mm_per_cell: 0 at the head's outline (rim.c: the lit head's where a wide
 * unlit area lies beyond it) up to 1 inside, as above; 1 everywhere when
 * mm_per_cell is not positive. Only the suggestion reads it, not the mask
 * check: a painted mask may rightly run to the outline (a fringe shaved
 * bare). SMP_ERR_NOMEM (message in s) when its scratch cannot be had. */
smp_status smp__rim(smp_scalp *s, double mm_per_cell);

#endif
