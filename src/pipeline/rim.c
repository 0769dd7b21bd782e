/* SPDX-License-Identifier: BSD-2-Clause */
/* The head's rim is hair, not scalp (see rim.h).
 *
 * Every hand-painted mask of the shared photos stays clear of the head's
 * outline: of the head within 5 mm of it they treat 0-3 %, 5-10 mm in
 * 0-19 %, 10-15 mm in 2-45 %, where the suggestion treated up to 30, 50
 * and 65 % (the crown's shaded rim, topdown-1's grey fringe in shade,
 * whose colour is the shaded skin's). The gate (rim.h) lowers the
 * suggestion over the rim, by the distance to the outline (a two-pass
 * chamfer distance, steps 1 and sqrt 2 cells).
 *
 * The outline is the lit head's (suggest.c: lit_head) where the head's
 * unlit part beyond it is wide (rim.h): a disc of SMP_WIDE_UNLIT_MM fits
 * in it, a dark background in shadow beside the head (the crown's
 * bedding, 60 x 40 mm at its top-left), not the head's own hair. A narrower dark band stays
 * head, as the class rules made it: it may be a dark fringe's tips, and
 * the head may run on past the frame's edge beyond it (topdown-11's back
 * of the head, 10 mm from the frame's top, whose thin hair the hand mask
 * treats to within 5 mm of the lit outline). */
#include "rim.h"
#include "chamfer.h"

#include <math.h>
#include <stdlib.h>

/* Clears s->rim's head cells (1 on entry: s->head) that lie in a wide
 * unlit area (rim.h: an opening by a disc of SMP_WIDE_UNLIT_MM). d: n
 * floats, in, out: n bytes of scratch. */
static void drop_wide_unlit(const smp_scalp *s, float *head, float *d, uint8_t *in, uint8_t *out, double mm_per_cell)
{
    const size_t n = (size_t)s->gw * s->gh;
    for (size_t i = 0; i < n; i++)
        in[i] = s->head[i] && !s->lit[i];
    smp__wide_mm(in, out, d, s->gw, s->gh, mm_per_cell, 0.5 * SMP_WIDE_UNLIT_MM);
    for (size_t i = 0; i < n; i++)
        if (out[i])
            head[i] = 0;
}

smp_status smp__rim(smp_scalp *s, double mm_per_cell)
{
    const uint32_t gw = s->gw, gh = s->gh;
    float *d = s->rim;
    const float big = (float)(gw + gh) * 2;
    if (!(mm_per_cell > 0)) {
        for (size_t i = 0; i < (size_t)gw * gh; i++)
            d[i] = 1;
        return SMP_OK;
    }
    float *tmp = malloc((size_t)gw * gh * sizeof *tmp);
    uint8_t *bits = calloc((size_t)gw * gh, 2);
    if (!tmp || !bits) {
        free(tmp);
        free(bits);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the head's rim");
    }
    for (size_t i = 0; i < (size_t)gw * gh; i++)
        d[i] = s->head[i];
    drop_wide_unlit(s, d, tmp, bits, bits + (size_t)gw * gh, mm_per_cell);
    free(tmp);
    free(bits);
    for (size_t i = 0; i < (size_t)gw * gh; i++)
        d[i] = d[i] > 0 ? big : 0;
    const float diag = (float)sqrt(2.0);
    /* Forward pass: from the left and above; cells off the frame are head. */
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            float *c = d + (size_t)y * gw + x;
            if (*c == 0)
                continue;
            if (x > 0)
                *c = fminf(*c, c[-1] + 1);
            if (y > 0) {
                *c = fminf(*c, c[-(long)gw] + 1);
                if (x > 0)
                    *c = fminf(*c, c[-(long)gw - 1] + diag);
                if (x + 1 < gw)
                    *c = fminf(*c, c[-(long)gw + 1] + diag);
            }
        }
    for (uint32_t y = gh; y-- > 0;)
        for (uint32_t x = gw; x-- > 0;) {
            float *c = d + (size_t)y * gw + x;
            if (*c == 0)
                continue;
            if (x + 1 < gw)
                *c = fminf(*c, c[1] + 1);
            if (y + 1 < gh) {
                *c = fminf(*c, c[gw] + 1);
                if (x + 1 < gw)
                    *c = fminf(*c, c[gw + 1] + diag);
                if (x > 0)
                    *c = fminf(*c, c[gw - 1] + diag);
            }
        }
    for (size_t i = 0; i < (size_t)gw * gh; i++)
        d[i] = (float)smp__smoothstep(RIM_IN_MM, RIM_OUT_MM, d[i] * mm_per_cell);
    return SMP_OK;
}
