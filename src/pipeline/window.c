/* SPDX-License-Identifier: BSD-2-Clause */
/* The densest window of a region: measures of texture (follicles, contrast)
 * converge on a few cm², so they need not pay for a whole reference band. */
#include "window.h"

#include <stdlib.h>
#include <string.h>

smp_status smp__densest_window(const uint8_t *sel, uint32_t gw, uint32_t gh, uint32_t side, uint8_t *out,
                               char *msg)
{
    memset(out, 0, (size_t)gw * gh);
    const uint32_t sw = side < gw ? side : gw, sh = side < gh ? side : gh;
    /* Column sums over the window's height, slid down the rows; along each
     * row the window's count slides too: O(cells). */
    size_t *col = calloc(gw, sizeof *col);
    if (!col)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the window search");
    size_t best = 0, bx = 0, by = 0;
    for (uint32_t y = 0; y < gh; y++) {
        for (uint32_t x = 0; x < gw; x++)
            col[x] += sel[(size_t)y * gw + x] != 0;
        if (y >= sh)
            for (uint32_t x = 0; x < gw; x++)
                col[x] -= sel[(size_t)(y - sh) * gw + x] != 0;
        if (y + 1 < sh)
            continue;
        size_t run = 0;
        for (uint32_t x = 0; x < gw; x++) {
            run += col[x];
            if (x >= sw)
                run -= col[x - sw];
            if (x + 1 >= sw && run > best) {
                best = run;
                bx = x + 1 - sw;
                by = y + 1 - sh;
            }
        }
    }
    free(col);
    for (uint32_t y = (uint32_t)by; best && y < by + sh; y++)
        for (uint32_t x = (uint32_t)bx; x < bx + sw; x++)
            out[(size_t)y * gw + x] = sel[(size_t)y * gw + x];
    return SMP_OK;
}
