/* SPDX-License-Identifier: BSD-2-Clause */
/* The forehead is not scalp (forehead.c): where the face is in the photo,
 * the skin beyond the line joining the two temple points is left out of the
 * suggestion. */
#ifndef SMP_FOREHEAD_H
#define SMP_FOREHEAD_H

#include "suggest.h"

/* What smp__forehead found: the face's side (0 none, 1 bottom, 2 top,
 * 3 right, 4 left of the frame), the temple points and the cut (a row for
 * the bottom and top, a column for the sides), in cells. */
typedef struct smp_forehead {
    int side;
    double temple[2][2]; /* (x, y) of the two temple points */
    double beyond_mm;    /* how far the head runs on past their line */
    double line;         /* the cut: level with the temple point nearer the back, or past frontal hair */
    double front_mm;     /* the most the hair's front moves the cut back from line, mm */
} smp_forehead;

/* Finds the temple line on the analysed grid (head and cls filled), the
 * fringes read by hair (a hair share around each cell, 0..1), at
 * mm_per_cell and fills s->front: 1 on the scalp's side, down to 0 past
 * the line (the face's side); 1 everywhere when no face is found. Only the
 * suggestion reads it, not the mask check: the line is a design estimate
 * a few centimetres uncertain (a frontal hairline may run in front of the
 * temples), fit to suggest from but not to warn about a painted mask.
 * fh may be NULL. SMP_ERR_NOMEM (message in s) when its scratch cannot be
 * allocated. */
smp_status smp__forehead(smp_scalp *s, const float *hair, double mm_per_cell, smp_forehead *fh);

#endif
