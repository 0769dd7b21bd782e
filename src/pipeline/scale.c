/* SPDX-License-Identifier: BSD-2-Clause */
/* The photo's scale from the head found by the scalp analysis.
 *
 * The head's long axis comes from its second moments; its breadth is the
 * widest chord across that axis (the 90th percentile of the chords, so a
 * stray ear or collar does not set it). An adult man's maximum head
 * (biparietal) breadth is about 152 mm, SD about 5 (ANSUR, Gordon et al.
 * 1989); hair at the outline adds up to about 8 mm. So the scale is
 * breadth_px / (152 + 8 * the hair share of the outline) px/mm.
 *
 * How sure: head breadths vary about ±3 % (1 SD), the outline's hair and
 * the perspective of a close photo (the top of the head is nearer the lens
 * than its widest part) add about as much again: ±12 % when the whole head
 * is in the frame and has a head's proportions from above (length over
 * breadth 1.1-1.6), ±25 % otherwise (cut by the frame, a front view, or a
 * photo stretched to another aspect). */
#include "suggest.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>

#define HEAD_BREADTH_MM 152.0
#define HAIR_ALLOWANCE_MM 8.0

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The head's centroid (mx, my) and long axis (ux, uy) from its second
 * moments; false for a head under 16 cells. */
static bool head_axis(const smp_scalp *s, double *mx_out, double *my_out, double *ux, double *uy)
{
    const uint32_t gw = s->gw, gh = s->gh;
    double sx = 0, sy = 0, n = 0;
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++)
            if (s->head[(size_t)y * gw + x]) {
                sx += x;
                sy += y;
                n++;
            }
    if (n < 16)
        return false;
    const double mx = sx / n, my = sy / n;
    double cxx = 0, cyy = 0, cxy = 0;
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++)
            if (s->head[(size_t)y * gw + x]) {
                cxx += (x - mx) * (x - mx);
                cyy += (y - my) * (y - my);
                cxy += (x - mx) * (y - my);
            }
    const double theta = 0.5 * smp__atan2(2 * cxy, cxx - cyy); /* the long axis */
    *ux = smp__cos(theta);
    *uy = smp__sin(theta);
    *mx_out = mx;
    *my_out = my;
    return true;
}

/* Any hair within two cells of (x, y): the hair at the outline. */
static int hair_near(const smp_scalp *s, uint32_t x, uint32_t y)
{
    int hairy = 0;
    for (int dy = -2; dy <= 2 && !hairy; dy++)
        for (int dx = -2; dx <= 2 && !hairy; dx++) {
            long xx = (long)x + dx, yy = (long)y + dy;
            if (xx >= 0 && yy >= 0 && xx < (long)s->gw && yy < (long)s->gh)
                hairy = s->cls[(size_t)yy * s->gw + xx] == SMP__HAIR;
        }
    return hairy;
}

smp_status smp__scalp_scale(smp_scalp *s)
{
    const uint32_t gw = s->gw, gh = s->gh;
    const double c = s->cell;
    double mx, my, ux, uy;
    if (!head_axis(s, &mx, &my, &ux, &uy))
        return SMP_OK;
    /* Chords across the long axis, one per cell of its length. */
    double umin = 1e30, umax = -1e30;
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++)
            if (s->head[(size_t)y * gw + x]) {
                double u = (x - mx) * ux + (y - my) * uy;
                umin = u < umin ? u : umin;
                umax = u > umax ? u : umax;
            }
    const size_t bins = (size_t)(umax - umin) + 1;
    double *lo = malloc(bins * sizeof *lo), *hi = malloc(bins * sizeof *hi), *chord = malloc(bins * sizeof *chord);
    if (!lo || !hi || !chord) {
        free(lo);
        free(hi);
        free(chord);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the head's chords");
    }
    for (size_t b = 0; b < bins; b++) {
        lo[b] = 1e30;
        hi[b] = -1e30;
    }
    size_t outline = 0, outline_hair = 0, edge = 0;
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            size_t i = (size_t)y * gw + x;
            if (!s->head[i])
                continue;
            double u = (x - mx) * ux + (y - my) * uy, v = -(x - mx) * uy + (y - my) * ux;
            size_t b = (size_t)(u - umin);
            b = b < bins ? b : bins - 1;
            lo[b] = v < lo[b] ? v : lo[b];
            hi[b] = v > hi[b] ? v : hi[b];
            int border = x == 0 || y == 0 || x + 1 == gw || y + 1 == gh;
            int on_outline = border || !s->head[i - 1] || !s->head[i + 1] || !s->head[i - gw] || !s->head[i + gw];
            if (on_outline) {
                outline++;
                edge += border;
                outline_hair += hair_near(s, x, y);
            }
        }
    size_t k = 0;
    for (size_t b = 0; b < bins; b++)
        if (hi[b] >= lo[b])
            chord[k++] = hi[b] - lo[b] + 1;
    qsort(chord, k, sizeof *chord, cmp_double);
    const double breadth = chord[(size_t)(0.9 * (k - 1))] * c;
    const double length = (umax - umin + 1) * c;
    free(lo);
    free(hi);
    free(chord);
    const double hair_share = outline ? (double)outline_hair / outline : 0;
    const double mm = HEAD_BREADTH_MM + HAIR_ALLOWANCE_MM * hair_share;
    smp_scalp_info *in = &s->info;
    in->breadth_px = breadth;
    in->length_ratio = length / breadth;
    in->head_cut = outline && edge * 20 > outline; /* over 5 % of the outline is the frame */
    in->px_per_mm = breadth / mm;
    in->confidence = !in->head_cut && in->length_ratio >= 1.1 && in->length_ratio <= 1.6 ? 2 : 1;
    const double spread = in->confidence == 2 ? 0.12 : 0.25;
    in->px_per_mm_low = in->px_per_mm * (1 - spread);
    in->px_per_mm_high = in->px_per_mm * (1 + spread);
    return SMP_OK;
}
