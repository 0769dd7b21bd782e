/* SPDX-License-Identifier: BSD-2-Clause */
/* Measures of a run's placed dots for its report (dotstats.h), apart from
 * running the pipeline (sim.c). */
#include "dotstats.h"

#include "internal.h"
#include "sample.h"
#include "dmath.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The core cell (or, without a core, the dot) nearest the centroid of them
 * all: a point that is treated even when the mask is a crescent. */
static void focus_candidate(const smp_result *res, const smp_shade *sh, double cell_mm, size_t i, double *x,
                            double *y)
{
    if (sh->core_cells) {
        const size_t col = i % sh->grid.gw, row = i / sh->grid.gw;
        *x = ((double)col + 0.5) * cell_mm;
        *y = ((double)row + 0.5) * cell_mm;
    } else {
        *x = res->dots[i].x_mm;
        *y = res->dots[i].y_mm;
    }
}

static void find_focus(smp_result *res, const smp_shade *sh, double cell_mm)
{
    const size_t n = sh->core_cells ? sh->grid.gw * sh->grid.gh : res->n_dots;
    double x, y, sx = 0, sy = 0, count = 0, best = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!sh->core_cells || sh->core[i]) {
            focus_candidate(res, sh, cell_mm, i, &x, &y);
            sx += x;
            sy += y;
            count++;
        }
    double *focus = res->report.focus_mm;
    const double cx = count > 0 ? sx / count : res->w_mm / 2, cy = count > 0 ? sy / count : res->h_mm / 2;
    focus[0] = cx;
    focus[1] = cy;
    for (size_t i = 0; i < n; i++)
        if (!sh->core_cells || sh->core[i]) {
            focus_candidate(res, sh, cell_mm, i, &x, &y);
            const double d = smp__hypot(x - cx, y - cy); /* once a cell: it is a serial pass */
            if (d < best) {
                best = d;
                focus[0] = x;
                focus[1] = y;
            }
        }
}

double smp__core_area_cm2(const smp_shade *sh, double ppm)
{
    const double cell_mm = sh->grid.cell / ppm;
    return sh->core_cells * cell_mm * cell_mm / 100.0;
}

smp_status smp__measure_dots(smp_result *res, const smp_shade *sh, double ppm)
{
    smp_report *rep = &res->report;
    const smp_coverage *g = &sh->grid;
    const double cell_mm = g->cell / ppm;
    size_t in_core = 0;
    for (size_t i = 0; i < res->n_dots && sh->core; i++) {
        size_t gx = (size_t)(res->dots[i].x_mm / cell_mm), gy = (size_t)(res->dots[i].y_mm / cell_mm);
        if (gx < g->gw && gy < g->gh)
            in_core += sh->core[gy * g->gw + gx];
    }
    rep->core_area_cm2 = smp__core_area_cm2(sh, ppm);
    rep->core_density = sh->core_cells ? in_core / rep->core_area_cm2 : 0;
    find_focus(res, sh, cell_mm);
    /* Closest pair, through buckets of the sparsest possible spacing. */
    double best = INFINITY, best2 = INFINITY, best_dx = 0, best_dy = 0, bucket = 4 * smp__exclusion_mm(rep->density_used > 0 ? rep->density_used : 90);
    size_t bw = (size_t)(res->w_mm / bucket) + 1, bh = (size_t)(res->h_mm / bucket) + 1;
    size_t *head = malloc(bw * bh * sizeof *head), *next = malloc((res->n_dots + 1) * sizeof *next);
    const uint8_t *pair = res->companion; /* a close pair's second dot is not the pattern's spacing */
    if (head && next) {
        for (size_t i = 0; i < bw * bh; i++)
            head[i] = SIZE_MAX;
        for (size_t i = 0; i < res->n_dots; i++) {
            if (pair[i])
                continue;
            size_t g = (size_t)(res->dots[i].y_mm / bucket) * bw + (size_t)(res->dots[i].x_mm / bucket);
            next[i] = head[g];
            head[g] = i;
        }
        for (size_t i = 0; i < res->n_dots; i++) {
            if (pair[i])
                continue;
            long gx = (long)(res->dots[i].x_mm / bucket), gy = (long)(res->dots[i].y_mm / bucket);
            for (long y = gy - 1; y <= gy + 1; y++)
                for (long x = gx - 1; x <= gx + 1; x++) {
                    if (x < 0 || y < 0 || x >= (long)bw || y >= (long)bh)
                        continue;
                    for (size_t j = head[(size_t)y * bw + (size_t)x]; j != SIZE_MAX; j = next[j])
                        if (j > i) {
                            const double dx = res->dots[i].x_mm - res->dots[j].x_mm,
                                         dy = res->dots[i].y_mm - res->dots[j].y_mm;
                            if (dx * dx + dy * dy < best2) { /* hypot once, for the closest */
                                best2 = dx * dx + dy * dy;
                                best_dx = dx;
                                best_dy = dy;
                            }
                        }
                }
        }
        best = isfinite(best2) ? smp__hypot(best_dx, best_dy) : INFINITY;
    }
    const int ok = head && next;
    free(head);
    free(next);
    if (!ok)
        return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the closest-pair search");
    rep->min_spacing_mm = isfinite(best) ? best : 0;
    /* rho against the hexagonal spacing for the core's achieved density */
    rep->rho = rep->core_density > 0 && isfinite(best)
                   ? best / sqrt(2.0 / (sqrt(3.0) * rep->core_density / 100.0))
                   : 0;
    return SMP_OK;
}
