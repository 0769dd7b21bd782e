/* SPDX-License-Identifier: BSD-2-Clause */
/* Drawing a finished result again: the state after each session, and
 * close-ups with the dots drawn at the close-up's own scale. Also where a
 * close-up should look, from the zones the run kept (zones.c). */
#include "chamfer.h"
#include "loupe.h"
#include "render.h"
#include "resample.h"
#include "view.h"
#include "image.h"
#include "regions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Labels 4-connected core cells; *largest = the label of the largest (0:
 * no core). SMP_ERR_NOMEM when the search cannot allocate its stack. */
static smp_status largest_core(const smp_result *res, uint32_t *label, uint32_t *largest)
{
    uint32_t *stack = malloc((size_t)res->zones_w * res->zones_h * sizeof *stack);
    *largest = 0;
    if (!stack)
        return SMP_ERR_NOMEM;
    smp_status st = smp__largest_region(res->zones, SMP_ZONE_CORE, res->zones_w, res->zones_h, stack, label,
                                        largest, NULL);
    free(stack);
    return st;
}

smp_status smp__loupe_spot(const smp_result *res, double side_mm, double *x, double *y, bool *found)
{
    *found = false;
    const uint32_t w = res->zones_w, h = res->zones_h;
    const size_t n = (size_t)w * h;
    if (!res->zones || n == 0)
        return SMP_OK;
    uint32_t *label = malloc(n * sizeof *label);
    float *inside = malloc(n * sizeof *inside), *to_hair = malloc(n * sizeof *to_hair),
          *to_odd = malloc(n * sizeof *to_odd);
    uint32_t keep = 0;
    smp_status st = label && inside && to_hair && to_odd ? largest_core(res, label, &keep) : SMP_ERR_NOMEM;
    if (keep) {
        bool hairline = false;
        for (size_t i = 0; i < n; i++) {
            inside[i] = label[i] == keep ? INFINITY : 0;
            to_hair[i] = (res->zones[i] & SMP_ZONE_HAIRLINE) ? 0 : INFINITY;
            hairline |= (res->zones[i] & SMP_ZONE_HAIRLINE) != 0;
            /* Core cells off the core's usual tone: a shine, a clump of hair. */
            to_odd[i] = (res->zones[i] & SMP_ZONE_CORE) && !(res->zones[i] & SMP_ZONE_PLAIN) ? 0 : INFINITY;
        }
        smp__chamfer_mm(inside, w, h, res->zone_mm); /* depth into the largest core */
        smp__chamfer_mm(to_odd, w, h, res->zone_mm);
        if (hairline)
            smp__chamfer_mm(to_hair, w, h, res->zone_mm);
        /* Where the whole field fits, one whose field is plain (the
         * core's usual tone: not the shine, not a clump of hair) before any
         * other, then the cell nearest the hairline (else the deepest);
         * where it fits nowhere, the deepest cell. */
        const float need = (float)(side_mm / 2);
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            if (label[i] != keep)
                continue;
            if (best == SIZE_MAX) {
                best = i;
                continue;
            }
            const bool fits = inside[i] >= need, best_fits = inside[best] >= need;
            const bool plain = fits && to_odd[i] >= need, best_plain = best_fits && to_odd[best] >= need;
            if (fits != best_fits     ? fits
                : plain != best_plain ? plain
                : fits && hairline    ? to_hair[i] < to_hair[best] || (to_hair[i] == to_hair[best] && inside[i] > inside[best])
                                      : inside[i] > inside[best])
                best = i;
        }
        const size_t row = best / w; /* whole rows */
        *x = ((double)(best % w) + 0.5) * res->zone_mm * res->px_per_mm;
        *y = ((double)row + 0.5) * res->zone_mm * res->px_per_mm;
        *found = true;
    }
    free(label);
    free(inside);
    free(to_hair);
    free(to_odd);
    return st;
}

smp_status smp__render_session(smp_image *out, const smp_result *res, const smp_image *photo_rgb, int session,
                               int threads)
{
    smp_status st = smp__image_reset(out, photo_rgb->w, photo_rgb->h, 3, 0);
    if (st != SMP_OK)
        return st;
    memcpy(out->px, photo_rgb->px, (size_t)photo_rgb->w * photo_rgb->h * 3);
    const smp_skin_maps skin = {NULL, res->strands,
                                {res->skin_box[0], res->skin_box[1], res->skin_box[2], res->skin_box[3]}, res->shine};
    return smp__render(out, res->dots, res->n_dots, res->px_per_mm, &res->optics, (const float(*)[3])res->od,
                       res->n_od, session ? session : res->show_session, &skin, threads, out->msg);
}

smp_status smp__rgb_view(const smp_image *img, smp_image **copy, const smp_image **rgb)
{
    *copy = NULL;
    *rgb = img;
    if (img->ch == 3)
        return SMP_OK;
    if (!(*copy = smp_image_new()))
        return SMP_ERR_NOMEM;
    *rgb = *copy;
    return smp__image_to_rgb(img, *copy);
}

smp_status smp__state_image(const smp_image **shown, smp_image *work, smp_image *small, const smp_result *res,
                            const smp_image *photo_rgb, int session, uint32_t w, uint32_t h, int threads)
{
    const smp_image *full = session < 0 ? photo_rgb : res->after;
    smp_status st = SMP_OK;
    if (session > 0) {
        st = smp__render_session(work, res, photo_rgb, session, threads);
        full = work;
        if (st != SMP_OK)
            return smp__fail(small->msg, st, "%s", work->msg);
    }
    *shown = full;
    if (w == full->w && h == full->h)
        return SMP_OK;
    *shown = small;
    return smp__resize_area(small, full, w, h, threads);
}

smp_status smp__render_loupe(smp_image *out, const smp_result *res, const smp_image *photo_rgb, const double src[4],
                             uint32_t side, int session, int threads)
{
    const double k = side / src[2], ppm = res->px_per_mm;
    smp_status st = smp__enlarge(out, photo_rgb, src[0], src[1], k, side, side);
    if (st != SMP_OK)
        return st;
    /* The dots under the field (and a margin for their edges), moved to its corner. */
    const double x0 = src[0] / ppm, y0 = src[1] / ppm, x1 = x0 + src[2] / ppm, y1 = y0 + src[3] / ppm, m = 1.0;
    smp_dot *dots = malloc((res->n_dots ? res->n_dots : 1) * sizeof *dots);
    if (!dots)
        return smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate the close-up's dots");
    size_t n = 0;
    for (size_t i = 0; i < res->n_dots; i++) {
        const smp_dot *d = &res->dots[i];
        if (d->x_mm > x0 - m && d->x_mm < x1 + m && d->y_mm > y0 - m && d->y_mm < y1 + m) {
            dots[n] = *d;
            dots[n].x_mm -= x0;
            dots[n].y_mm -= y0;
            dots[n].blur_mm = 0; /* as seen up close, not through the photo's blur */
            n++;
        }
    }
    /* What lies over the pigment there, as in the after image: the shine
     * (the model's, from each close-up pixel's bytes at the photo pixel
     * it enlarges) and the strands (the nearest photo pixel's). Without
     * them the close-up drew dark dots through a shine the after image
     * keeps (a contrast of 0.47 against 0.15 on the crown) and over hair. */
    uint16_t *spec = res->shine ? malloc((size_t)side * side * sizeof *spec) : NULL;
    uint8_t *strands = res->strands ? malloc((size_t)side * side) : NULL;
    if ((res->shine && !spec) || (res->strands && !strands)) {
        free(spec);
        free(strands);
        free(dots);
        return smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate the close-up's skin");
    }
    const uint32_t *b = res->skin_box;
    for (uint32_t y = 0; y < side; y++) {
        const long py = lrint(floor(src[1] + (y + 0.5) / k));
        for (uint32_t x = 0; x < side; x++) {
            const long px = lrint(floor(src[0] + (x + 0.5) / k));
            const bool in = px >= (long)b[0] && py >= (long)b[1] && px < (long)b[0] + (long)b[2] &&
                            py < (long)b[1] + (long)b[3];
            const size_t o = (size_t)y * side + x;
            if (spec)
                spec[o] = in ? smp__shine_at(res->shine, out->px + 3 * o, (uint32_t)(px - (long)b[0]),
                                             (uint32_t)(py - (long)b[1]))
                             : 0;
            if (strands)
                strands[o] = in ? res->strands[(size_t)(py - (long)b[1]) * b[2] + (size_t)(px - (long)b[0])] : 0;
        }
    }
    const smp_skin_maps skin = {spec, strands, {0, 0, side, side}, NULL};
    st = smp__render(out, dots, n, ppm * k, &res->optics, (const float(*)[3])res->od, res->n_od,
                     session ? session : res->show_session, &skin, threads, out->msg);
    free(spec);
    free(strands);
    free(dots);
    return st;
}
