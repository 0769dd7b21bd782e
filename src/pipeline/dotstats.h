/* SPDX-License-Identifier: BSD-2-Clause */
/* What a run's placed dots achieved, for its report: the density over the
 * core, the closest pair of dots (a close pair's second dot left out) and
 * rho against the hexagonal spacing, and the loupe's focus (the core cell,
 * or dot, nearest the centroid of them all, so a crescent's focus is
 * treated). */
#ifndef SMP_DOTSTATS_H
#define SMP_DOTSTATS_H

#include "result.h"
#include "shade.h"

/* Fills res->report's core_area_cm2, core_density, focus_mm, min_spacing_mm
 * and rho from res->dots and sh's core; SMP_ERR_NOMEM if the closest-pair
 * search cannot allocate. */
smp_status smp__measure_dots(smp_result *res, const smp_shade *sh, double ppm);
/* The treated core's area (cm²): sh's core cells at ppm px/mm. */
double smp__core_area_cm2(const smp_shade *sh, double ppm);

#endif
