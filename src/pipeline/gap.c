/* SPDX-License-Identifier: BSD-2-Clause */
/* A mask that stops short of the client's hair: bare skin between the
 * treated area and the hair further out reads, once the area is dotted,
 * as a pale ring round a pasted-on cap. An artist blends the treatment
 * into the hair; the consultant is told to paint the mask up to it.
 * Each cell just outside the mask is followed outward: bare skin first,
 * then, within GAP_REACH_MM, a stretch of hair. */
#include "gap.h"
#include "color.h"
#include "notes.h"
#include "select.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>

#define GAP_REACH_MM 20.0 /* how far out the hair is looked for */
#define GAP_NORMAL_MM 4.0 /* the mask's cells within this give an edge its outward direction */
#define GAP_NEAR_MM 2.0   /* the first this of the way out: bare skin or not */
#define GAP_BARE 2.5      /* bare: darkened below its local skin by at most this L* (past texture) */
#define GAP_RUN_MM 3.0    /* hair: a stretch this long, darkened below its local skin by at least */
#define GAP_HAIR 5.0      /* this L*, */
#define GAP_DROP 4.0      /* darker than the bare skin by this L* (the crown's ring: 3.5 after), */
#define GAP_FLOOR 25.0    /* but by less than this: not the dark beyond the head's outline, */
#define GAP_HUE 4.5       /* a mix of the bare skin and the hair's colour within this CIELAB distance, */
#define GAP_SKIN_AB 6.0   /* its local skin's a*b* within this of the bare skin's: not a pillow's print */
#define GAP_MIN_MM 3.0    /* narrower bare bands blend under the feathered edge */
/* Of the edge must stop short to tell: the hand masks of the shared photos
 * stop short along 30 % (the crown), 22 % (topdown-16) and 5-7 %. */
#define GAP_SHARE 0.2

typedef struct {
    double lab[3]; /* view */
    double have;   /* darkening below local skin, past texture */
    double ab[2];  /* local skin's a*, b* */
} sample;

/* The cells along a ray from cell (x, y) in direction (ux, uy), one a
 * cell side apart; stops at the frame or back in the mask. Returns their
 * number; their samples are taken as they are read (rayed). */
static int ray(const smp_shade *sh, int x, int y, double ux, double uy, int steps, size_t *cells)
{
    const int gw = (int)sh->grid.gw, gh = (int)sh->grid.gh;
    int m = 0;
    for (int s = 0; s < steps; s++) {
        const int cx = (int)lrint(x + ux * s), cy = (int)lrint(y + uy * s);
        if (cx < 0 || cy < 0 || cx >= gw || cy >= gh)
            break;
        const size_t i = (size_t)cy * (size_t)gw + (size_t)cx;
        if (!(sh->dist_out[i] > 0))
            break;
        cells[m++] = i;
    }
    return m;
}

/* A ray's samples, taken up to the one a reader needs: a ray that starts
 * on no bare skin reads only its first few. */
typedef struct rayed {
    const smp_shade *sh;
    const size_t *cells;
    sample *v;
    int m, have;
} rayed;

/* Samples [0, k) of the ray taken (k <= m). */
static const sample *upto(rayed *r, int k)
{
    for (; r->have < k; r->have++) {
        const size_t i = r->cells[r->have];
        sample *o = &r->v[r->have];
        double skin[3];
        smp__linear_to_lab(r->sh->view + 3 * i, o->lab);
        smp__linear_to_lab(r->sh->lskin + 3 * i, skin);
        o->have = skin[0] - o->lab[0] - r->sh->texture_l;
        o->ab[0] = skin[1];
        o->ab[1] = skin[2];
    }
    return r->v;
}

/* Mean of samples [s, s + k): view Lab, darkening, local skin a*b*. */
static void mean(const sample *v, int s, int k, sample *out)
{
    *out = (sample){{0, 0, 0}, 0, {0, 0}};
    for (int t = s; t < s + k; t++) {
        for (int c = 0; c < 3; c++)
            out->lab[c] += v[t].lab[c] / k;
        out->have += v[t].have / k;
        out->ab[0] += v[t].ab[0] / k;
        out->ab[1] += v[t].ab[1] / k;
    }
}

/* CIELAB distance from c to the segment a-b. */
static double segment_distance(const double c[3], const double a[3], const double b[3])
{
    double dd = 0, dc = 0;
    for (int i = 0; i < 3; i++) {
        dd += (b[i] - a[i]) * (b[i] - a[i]);
        dc += (c[i] - a[i]) * (b[i] - a[i]);
    }
    const double t = dd > 0 ? fmin(1, fmax(0, dc / dd)) : 0;
    double e = 0;
    for (int i = 0; i < 3; i++) {
        const double d = c[i] - (a[i] + t * (b[i] - a[i]));
        e += d * d;
    }
    return sqrt(e);
}

/* Samples from the edge to where the hair begins, when the ray starts on
 * bare skin and meets hair (-1 otherwise). near, run: in samples. */
static int hair_after_bare(const smp_shade *sh, rayed *r, int near, int run)
{
    const int m = r->m;
    if (m < near + run)
        return -1;
    sample bare, w;
    mean(upto(r, near), 0, near, &bare);
    if (bare.have > GAP_BARE)
        return -1;
    for (int s = near / 2; s + run <= m; s++) {
        mean(upto(r, s + run), s, run, &w);
        if (w.have >= GAP_HAIR && w.lab[0] <= bare.lab[0] - GAP_DROP && w.lab[0] >= bare.lab[0] - GAP_FLOOR) {
            /* The first such stretch decides: hair, or something else. */
            const int hair = segment_distance(w.lab, bare.lab, sh->hair_lab) <= GAP_HUE &&
                             smp__hypot(w.ab[0] - bare.lab[1], w.ab[1] - bare.lab[2]) <= GAP_SKIN_AB;
            return hair ? s : -1;
        }
    }
    return -1;
}

smp_status smp__note_mask_gap(smp_result *res, const smp_shade *sh, double ppm)
{
    if (!sh->core_cells || !sh->dist_out || !sh->view || !sh->lskin)
        return SMP_OK;
    const int gw = (int)sh->grid.gw, gh = (int)sh->grid.gh;
    const double cell_mm = sh->grid.cell / ppm;
    const int steps = (int)ceil(GAP_REACH_MM / cell_mm) + 1, rad = (int)ceil(GAP_NORMAL_MM / cell_mm);
    const int near = (int)fmax(1, lrint(GAP_NEAR_MM / cell_mm)), run = (int)fmax(1, lrint(GAP_RUN_MM / cell_mm));
    const int min_gap = (int)lrint(GAP_MIN_MM / cell_mm);
    sample *v = malloc((size_t)steps * sizeof *v);
    size_t *cells = malloc((size_t)steps * sizeof *cells);
    double *widths = NULL;
    size_t nw = 0, cap = 0, edge = 0;
    if (!v || !cells) {
        free(v);
        free(cells);
        return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the mask's edge profile");
    }
    smp_status st = SMP_OK;
    for (int y = rad; y < gh - rad && st == SMP_OK; y++)
        for (int x = rad; x < gw - rad; x++) {
            const size_t i = (size_t)y * (size_t)gw + (size_t)x;
            /* The edge: outside cells next to the mask, away from the frame. */
            if (!(sh->dist_out[i] > 0 && sh->dist_out[i] <= 1.5 * cell_mm))
                continue;
            /* Outward: away from the mask's cells nearby. */
            double sx = 0, sy = 0;
            for (int dy = -rad; dy <= rad; dy++)
                for (int dx = -rad; dx <= rad; dx++)
                    if (dx * dx + dy * dy <= rad * rad &&
                        !(sh->dist_out[(size_t)(y + dy) * (size_t)gw + (size_t)(x + dx)] > 0)) {
                        sx -= dx;
                        sy -= dy;
                    }
            const double norm = smp__hypot(sx, sy);
            if (norm == 0)
                continue;
            edge++;
            rayed r = {sh, cells, v, ray(sh, x, y, sx / norm, sy / norm, steps, cells), 0};
            const int at = hair_after_bare(sh, &r, near, run);
            if (at < min_gap)
                continue;
            if (nw == cap) {
                cap = cap ? 2 * cap : 256;
                double *w = realloc(widths, cap * sizeof *w);
                if (!w) {
                    st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the mask's edge profile");
                    break;
                }
                widths = w;
            }
            widths[nw++] = at;
        }
    if (st == SMP_OK && edge && (double)nw / (double)edge >= GAP_SHARE)
        smp__note(&res->notes,
                  "the mask stops short of the hair around it along %.0f %% of its edge (a band of bare skin "
                  "about %.0f mm wide): after treatment it will read as a pale ring; the mask should reach the hair",
                  100.0 * (double)nw / (double)edge, smp__kth_double(widths, nw, nw / 2) * cell_mm);
    free(widths);
    free(v);
    free(cells);
    return st;
}
