/* SPDX-License-Identifier: BSD-2-Clause */
/* The grey of a thinning read over its area (see thinarea.h).
 *
 * The share of hair missing comes from the scalp seen between the strands
 * (suggest.c's hair_missing: strands overlap, so it falls as exp(-k
 * density)). That is a statistic of an area: combed, wet or long strands
 * gather in clumps that hide one cell whole and bare the next, so cell by
 * cell the share is near 0 or near 1, its smoothstep is white on the bare
 * cells, and the gap closing (suggest.c's close_open) then whitens the
 * clumps too: a thinning under strands that hide half the scalp came out
 * white, as a bald top does. Read over the area, the same share says how
 * much hair is there. So each treated cell's grey is at most the grey of
 * the share missing pooled over the treated cells of the head within
 * THIN_AREA_MM (a square), the scale of a recession or a
 * thinning front, several clumps across; bare scalp, whose share is near 1
 * over any area, stays white, and cells outside the suggestion do not
 * dilute its edge. On the shared photos (soft IoU) topdown-11 went from
 * 0.6775 to 0.7141 (its front under combed strands, which hide about 60 %
 * of the cells: the suggestion's median grey there from 1.0 to 0.93 where
 * the hand paints 0.86, 0.88 where it paints 0.63), the hairline from
 * 0.7451 to 0.7447; the crown's, topdown-1's, topdown-16's and the bundled
 * sample's masks did not change. On the synthetic strands
 * (tests/test_suggest.c) a thinning to half the strands went from 0.584 to
 * 0.669 (truth: grey 0.5; its mean grey from 0.75 to 0.65), to 0.35 of them
 * from 0.553 to 0.570, the clumps in it from 0.555 to 0.580. A pool of 8 or
 * 16 mm gave topdown-11 0.678 and 0.708 and cost the hairline 0.011 and
 * 0.002 (its thin front's jags), 30-40 mm gave topdown-11 0.713-0.706;
 * the plain pooled share without the smoothstep (8 mm) cost topdown-11
 * 0.04 and the hairline 0.10.
 * The pooled share is read linearly between SMP__MISSING_LO and
 * SMP__MISSING_HI, not by their smoothstep: a grey is a share of hair
 * missing, and the smoothstep, a soft threshold for telling bald from not,
 * pushes a share in between toward white (two thirds of the way up its
 * ramp reads 0.74 for 0.67). Each cell counts in the pool by its grey: the
 * suggestion's soft edge lies over the hair around it, so its cells,
 * lightly treated, would lower the share of the area they border (a
 * narrow band most: the hairline's thin front, 20 mm tall, which the hand
 * paints white). With the pool of THIN_AREA_MM (below) topdown-11 went
 * from 0.7141 to 0.7485 (its grey where the hand paints 0.86 from 0.91 to
 * 0.86, where it paints 0.63 from 0.61 to 0.59), the hairline from 0.7447
 * to 0.7451, the others did not change; on the synthetic strands
 * (tests/test_suggest.c) the clumps in a thinning went from 0.580 to
 * 0.612, the thinning to 0.35 of the strands from 0.570 to 0.594, to half
 * of them from 0.669 to 0.692. With each treated cell counted alike the
 * hairline lost 0.001 (0.7440; topdown-11 0.7531), at 25 mm 0.003 (0.7419;
 * topdown-11 0.7337); weighted by the square of the grey topdown-11 had
 * 0.7460, by its cube 0.7446. */
#include "thinarea.h"

#include <math.h>
#include <stdlib.h>

/* Read by the straight ramp, a pool of 25 mm (the smoothstep's best) gave
 * topdown-11 0.7291 and cost the hairline 0.0001; 30, 35, 40, 45, 50 and
 * 60 mm gave topdown-11 0.7385, 0.7454, 0.7485, 0.7480, 0.7460 and 0.7429
 * and the hairline 0.7450, 0.7449, then 0.7451: the pool's square (80 mm
 * across at 40) spans the whole thinning, where at 25 mm the dense clumps
 * on its left read as a thinning of their own. The other shared photos
 * did not change from 25 to 60 mm. */
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
