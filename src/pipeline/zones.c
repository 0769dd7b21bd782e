/* SPDX-License-Identifier: BSD-2-Clause */
/* The zones a run keeps for placing a close-up: the fully treated core and,
 * just outside the mask, bare skin that makes a hairline. */
#include "zones.h"
#include "color.h"
#include "select.h"

#include <math.h>
#include <stdlib.h>

/* Outside cells within the band lighter than both the untreated core and
 * the reference hair by half their difference: the mask ends on bare skin
 * there, as a frontal hairline does on the forehead. */
static size_t mark_hairline(const smp_shade *sh, uint8_t *zones, size_t n)
{
    if (!sh->have_reference)
        return 0;
    size_t band = 0, bare = 0;
    const double lc = sh->core_before_lab[0], lr = sh->ref_raw_lab[0];
    const double light = smp__bare_skin_l(lc, lr);
    for (size_t i = 0; i < n; i++) {
        const float d = sh->dist_out[i];
        if (!(d > 0 && d <= SMP_HAIRLINE_BAND_MM))
            continue;
        band++;
        double lab[3];
        smp__linear_to_lab(sh->view + 3 * i, lab);
        if (lab[0] >= light) {
            zones[i] |= SMP_ZONE_HAIRLINE;
            bare++;
        }
    }
    if (band && (double)bare / band >= SMP_HAIRLINE_SHARE)
        return bare;
    for (size_t i = 0; i < n; i++)
        zones[i] &= (uint8_t)~SMP_ZONE_HAIRLINE;
    return 0;
}

/* Core cells whose viewing-scale L* lies within PLAIN_L of the core's
 * median: a close-up there shows the dots as most of the core does, not
 * in the shine (the crown's, 10-20 L* above the rest, where the dots
 * fade under the shine) nor under strands. */
#define PLAIN_L 4.0
static void mark_plain(const smp_shade *sh, uint8_t *zones, size_t n)
{
    double *l = malloc(2 * n * sizeof *l), *sorted = l + n;
    if (!l)
        return; /* no plain cells: the close-up goes where it went before */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (zones[i] & SMP_ZONE_CORE) {
            double lab[3];
            smp__linear_to_lab(sh->view + 3 * i, lab);
            sorted[m++] = l[i] = lab[0];
        }
    const double med = m ? smp__kth_double(sorted, m, m / 2) : 0;
    for (size_t i = 0; i < n; i++)
        if ((zones[i] & SMP_ZONE_CORE) && fabs(l[i] - med) <= PLAIN_L)
            zones[i] |= SMP_ZONE_PLAIN;
    free(l);
}

smp_status smp__keep_zones(smp_result *res, const smp_shade *sh, double ppm)
{
    free(res->zones);
    res->zones = NULL;
    if (!sh->core_cells)
        return SMP_OK;
    const size_t n = (size_t)sh->grid.gw * sh->grid.gh;
    res->zones = malloc(n);
    if (!res->zones)
        return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the zones");
    for (size_t i = 0; i < n; i++)
        res->zones[i] = sh->core[i] ? SMP_ZONE_CORE : 0;
    res->zones_w = sh->grid.gw;
    res->zones_h = sh->grid.gh;
    res->zone_mm = sh->grid.cell / ppm;
    mark_hairline(sh, res->zones, n);
    mark_plain(sh, res->zones, n);
    return SMP_OK;
}
