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

/* Box sums (radius r cells) of v over the cells where sel is set, and
 * their count: rows, then columns, by running sums in a fixed order. */
static void box_sums(const double *v, const uint8_t *sel, uint32_t w, uint32_t h, long r, double *sum, double *cnt,
                     double *tmp_s, double *tmp_c)
{
    for (uint32_t y = 0; y < h; y++) {
        double a = 0, c = 0;
        const size_t o = (size_t)y * w;
        for (long k = 0; k < r && k < (long)w; k++)
            if (sel[o + k])
                a += v[o + k], c++;
        for (long x = 0; x < (long)w; x++) {
            if (x + r < (long)w && sel[o + x + r])
                a += v[o + x + r], c++;
            if (x - r - 1 >= 0 && sel[o + x - r - 1])
                a -= v[o + x - r - 1], c--;
            tmp_s[o + x] = a, tmp_c[o + x] = c;
        }
    }
    for (uint32_t x = 0; x < w; x++) {
        double a = 0, c = 0;
        for (long k = 0; k < r && k < (long)h; k++)
            a += tmp_s[(size_t)k * w + x], c += tmp_c[(size_t)k * w + x];
        for (long y = 0; y < (long)h; y++) {
            if (y + r < (long)h)
                a += tmp_s[(size_t)(y + r) * w + x], c += tmp_c[(size_t)(y + r) * w + x];
            if (y - r - 1 >= 0)
                a -= tmp_s[(size_t)(y - r - 1) * w + x], c -= tmp_c[(size_t)(y - r - 1) * w + x];
            sum[(size_t)y * w + x] = a, cnt[(size_t)y * w + x] = c;
        }
    }
}

/* A cell's texture: how far its own L* strays from the viewing scale's,
 * over its 3 x 3 cells (strands and the skin between them; smooth skin,
 * lit or shaded, barely strays). */
static double texture_at(const smp_shade *sh, size_t i)
{
    const uint32_t w = sh->grid.gw, h = sh->grid.gh, x = (uint32_t)(i % w), y = (uint32_t)(i / w);
    double sum = 0;
    int k = 0;
    for (uint32_t v = y ? y - 1 : 0; v <= y + 1 && v < h; v++)
        for (uint32_t u = x ? x - 1 : 0; u <= x + 1 && u < w; u++) {
            const size_t j = (size_t)v * w + u;
            sum += fabs(smp__linear_to_l(sh->tone + 3 * j) - sh->view_l[j]);
            k++;
        }
    return sum / k;
}

/* The core's median texture; 0 without a core. */
static double core_texture(const smp_shade *sh, size_t n)
{
    double *t = malloc(sh->core_cells * sizeof *t);
    size_t m = 0;
    for (size_t i = 0; t && i < n; i++)
        if (sh->core[i])
            t[m++] = texture_at(sh, i);
    const double med = m ? smp__kth_double(t, m, m / 2) : 0;
    free(t);
    return med;
}

/* Outside cells within the band, and which of them are hair to the edge's
 * eye: darker than the treated cells about them (within HAIR_NEAR_MM) by
 * HAIR_DROP of the darkening the reference asks of the core, at least
 * HAIR_DROP_MIN_L, so that a fade into them would leave a lighter band
 * inside the edge, and as textured as the core's median (strands: the
 * crown's top, where the head curves away, is as dark but smooth, 0.36
 * against 0.49 in the core, its stubble 1.1); or darkened below their own
 * local skin (shade.h's lskin, past the skin's texture) by HAIR_SHARE of
 * what the reference shows, as the existing-hair factor judges hair. Bare
 * skin beside the mask, lit or shaded, is neither. The broken
 * edge keeps its ramp short where the mask ends on hair (look.c): an
 * artist keeps the density up to the hair there and fades it only into
 * bare skin. A reference that darkens the skin by under HAIR_NEED_L has
 * no hair to tell. */
#define HAIR_NEED_L 3.0
#define HAIR_SHARE 0.5
#define HAIR_DROP 0.5
#define HAIR_DROP_MIN_L 2.0
#define HAIR_NEAR_MM 3.0
static void mark_outside(const smp_shade *sh, uint8_t *zones, size_t n, double ppm)
{
    const double need = sh->skin_lab[0] - sh->ref_lab[0];
    if (!sh->have_reference || !sh->lskin || !sh->view_l || !(need >= HAIR_NEED_L))
        return;
    const double drop = fmax(HAIR_DROP_MIN_L, HAIR_DROP * (sh->core_before_lab[0] - sh->ref_lab[0]));
    const double tex = sh->tone ? core_texture(sh, n) : INFINITY; /* no tone map: the second test alone */
    const uint32_t w = sh->grid.gw, h = sh->grid.gh;
    double *buf = malloc(4 * n * sizeof *buf);
    uint8_t *in = malloc(n);
    if (!buf || !in) { /* no hair marked: the edge keeps its long fade */
        free(buf), free(in);
        return;
    }
    for (size_t i = 0; i < n; i++)
        in[i] = sh->grid.c[i] != 0;
    const double r = HAIR_NEAR_MM / (sh->grid.cell / ppm);
    box_sums(sh->view_l, in, w, h, r < 1 ? 1 : r > 1e4 ? 10000 : lrint(r), buf, buf + n, buf + 2 * n, buf + 3 * n);
    for (size_t i = 0; i < n; i++) {
        const float d = sh->dist_out[i];
        if (!(d > 0 && d <= SMP_HAIRLINE_BAND_MM))
            continue;
        const double here = sh->view_l[i], inside = buf[n + i] > 0.5 ? buf[i] / buf[n + i] : -INFINITY;
        const double have = smp__linear_to_l(sh->lskin + 3 * i) - here - sh->texture_l;
        const int hair = (inside - here >= drop && sh->tone && texture_at(sh, i) >= tex) || have >= HAIR_SHARE * need;
        zones[i] |= (uint8_t)(SMP_ZONE_OUT | (hair ? SMP_ZONE_OUT_HAIR : 0));
    }
    free(buf);
    free(in);
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
    mark_outside(sh, res->zones, n, ppm);
    mark_plain(sh, res->zones, n);
    return SMP_OK;
}
