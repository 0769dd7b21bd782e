/* SPDX-License-Identifier: BSD-2-Clause */
/* The head's rim is hair, not scalp (see rim.h).
 *
 * Every hand-painted mask of the shared photos stays clear of the head's
 * outline: of the head within 5 mm of it they treat 0-3 %, 5-10 mm in
 * 0-19 %, 10-15 mm in 2-45 %, where the suggestion treated up to 30, 50
 * and 65 % (the crown's shaded rim, topdown-1's grey fringe in shade,
 * whose colour is the shaded skin's). The gate (rim.h) lowers the
 * suggestion over the rim, by the distance to the outline (a two-pass
 * chamfer distance, steps 1 and sqrt 2 cells). */
#include "rim.h"

#include <math.h>

void smp__rim(smp_scalp *s, double mm_per_cell)
{
    const uint32_t gw = s->gw, gh = s->gh;
    float *d = s->rim;
    const float big = (float)(gw + gh) * 2;
    for (size_t i = 0; i < (size_t)gw * gh; i++)
        d[i] = s->head[i] ? big : 0;
    if (!(mm_per_cell > 0)) {
        for (size_t i = 0; i < (size_t)gw * gh; i++)
            d[i] = 1;
        return;
    }
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
}
