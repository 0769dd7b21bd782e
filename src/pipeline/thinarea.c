/* SPDX-License-Identifier: BSD-2-Clause */
/* The grey of a thinning read over its area (see thinarea.h).
 *
 * The share of hair missing comes from the scalp seen between the strands
 * (suggest.c's hair_missing: strands overlap, so it falls as exp(-k
 * density)). That is a statistic of an area: combed, wet or long strands
 * gather in clumps that hide one cell whole and bare the next, so cell by
 * cell the share is near 0 or near 1, and the gap closing (suggest.c's
 * close_open) whitens the clumps too: a thinning under strands that hide
 * half the scalp came out white, as a bald top does. Read over the area,
 * the same share says how much hair is there. So each treated cell's grey
 * is at most the share missing pooled over the head's treated cells within
 * THIN_AREA_MM (a square), read by a straight ramp between SMP__MISSING_LO
 * and SMP__MISSING_HI: a grey is a share, and a smoothstep would push a
 * share in between toward white. Bare scalp, near 1 over any area, stays
 * white. Each cell counts in the pool by its own grey: the suggestion's
 * soft edge lies over the hair around it and would otherwise lower the
 * share of the narrow area it borders (the hairline's thin front, which a
 * hand paints white); cells outside the suggestion do not count at all.
 * What each choice gave on the shared photos: docs/MASKS.md. */
#include "thinarea.h"

#include <math.h>
#include <stdlib.h>

/* The pool's half side: its square (80 mm across) spans a whole thinning
 * front, where at 25 mm the dense clumps at a thinning's edge read as a
 * thinning of their own. */
#define THIN_AREA_MM 40.0

smp_status smp__thin_area(smp_scalp *s, const float *missing, double mm_per_cell)
{
    const uint32_t gw = s->gw, gh = s->gh;
    if (!(mm_per_cell > 0))
        return SMP_OK;
    const size_t r = (size_t)lrint(THIN_AREA_MM / mm_per_cell);
    /* Summed-area tables of the share and of the cells counted. */
    const size_t stride = (size_t)gw + 1;
    double *sv = calloc(stride * (gh + 1), sizeof *sv), *sw = calloc(stride * (gh + 1), sizeof *sw);
    if (!sv || !sw) {
        free(sv);
        free(sw);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the thinning's area statistics");
    }
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            const size_t i = (size_t)y * gw + x, o = (y + 1) * stride + x + 1;
            const double w = s->head[i] ? s->treat[i] : 0;
            sv[o] = missing[i] * w + sv[o - 1] + sv[o - stride] - sv[o - stride - 1];
            sw[o] = w + sw[o - 1] + sw[o - stride] - sw[o - stride - 1];
        }
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            const size_t i = (size_t)y * gw + x;
            if (!(s->treat[i] > 0))
                continue;
            const size_t x0 = x > r ? x - r : 0, y0 = y > r ? y - r : 0;
            const size_t x1 = x + r + 1 < gw ? x + r + 1 : gw;
            const size_t y1 = y + r + 1 < gh ? y + r + 1 : gh;
            const double n = sw[y1 * stride + x1] - sw[y0 * stride + x1] - sw[y1 * stride + x0] + sw[y0 * stride + x0];
            if (!(n > 0))
                continue;
            const double v = sv[y1 * stride + x1] - sv[y0 * stride + x1] - sv[y1 * stride + x0] + sv[y0 * stride + x0];
            const double t = (v / n - SMP__MISSING_LO) / (SMP__MISSING_HI - SMP__MISSING_LO);
            const double g = t < 0 ? 0 : t > 1 ? 1 : t;
            s->treat[i] = g < s->treat[i] ? (float)g : s->treat[i];
        }
    free(sv);
    free(sw);
    return SMP_OK;
}
