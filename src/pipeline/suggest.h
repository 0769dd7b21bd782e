/* SPDX-License-Identifier: BSD-2-Clause */
/* The scalp analysis behind a suggested mask and an estimated scale
 * (suggest.c, scale.c): the photo on a coarse grid of cells, each classed
 * as skin, hair or other by its colour and texture, the head as the largest
 * skin-and-hair region, and the treated share of each cell. */
#ifndef SMP_SUGGEST_H
#define SMP_SUGGEST_H

#include "internal.h"

enum { SMP__OTHER = 0, SMP__SKIN = 1, SMP__HAIR = 2 };

struct smp_scalp {
    uint32_t w, h;        /* the photo, px */
    uint32_t cell;        /* a cell's side, px */
    uint32_t gw, gh;      /* the grid, cells */
    float *lum;           /* mean linear luminance per cell */
    float *chr;           /* chromaticity r/(r+g+b), g/(r+g+b): 2 per cell */
    float *tex;           /* local relative contrast at the cell scale */
    uint8_t *cls;         /* SMP__OTHER, SMP__SKIN or SMP__HAIR */
    float *hair;          /* hair share around each cell (about 5 mm), 0..1 */
    uint8_t *head;        /* 1 inside the head (holes filled) */
    uint8_t *lit;         /* 1 inside the head where it is lit (suggest.c: lit_head), for the rim */
    float *enclosed;      /* share of directions that meet hair within the head, 0..1 */
    uint8_t *closed;      /* 1 where no such direction leaves the frame first (see spread_bald) */
    float *front;         /* 1 on the scalp's side of the temple line, down to 0 past it (forehead.c) */
    float *rim;           /* 0 at the head's outline up to 1 inside (rim.c) */
    float *treat;         /* the suggestion, 0..1 per cell */
    double skin_rgb[3];   /* the reference skin colour, linear */
    double skin_lum;
    int analysed;
    int threads;          /* the analysis's params' threads, for the mask check (0: OpenMP's own) */
    smp_scalp_info info;
    char msg[SMP_MSG_LEN];
};

/* 0 at a, 1 at b, the cubic smoothstep between (a != b): the mask
 * suggestion's soft thresholds (suggest.c, forehead.c, rim.c, thinarea.c). */
static inline double smp__smoothstep(double a, double b, double x)
{
    double t = (x - a) / (b - a);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return t * t * (3 - 2 * t);
}

/* Head breadth estimate (scale.c) from the analysed head: fills the scale
 * fields of s->info (left 0 for a head too small to measure);
 * SMP_ERR_NOMEM (message in s) when its scratch cannot be allocated. */
smp_status smp__scalp_scale(smp_scalp *s);

#endif
