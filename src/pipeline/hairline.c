/* SPDX-License-Identifier: BSD-2-Clause */
/* A natural hairline through a few points, and template shapes (see
 * smpsim.h). The curve is a centripetal Catmull-Rom spline through the
 * points (no loops or cusps between close points), its ends extended along
 * their tangents past the frame. Each cell of the analysis grid gets its
 * signed distance to that polyline; pixels read it bilinearly, so the edge
 * is smooth at the photo's resolution. The broken edge zone is the look's
 * job (the feather and --edge), not the mask's. */
#include "suggest.h"
#include "image.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUB 24 /* polyline points per spline segment */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static void catmull_rom(const double *p0, const double *p1, const double *p2, const double *p3, double t,
                        double out[2])
{
    /* Centripetal parametrisation (alpha = 0.5). */
    double t0 = 0, t1 = t0 + smp__pow(smp__hypot(p1[0] - p0[0], p1[1] - p0[1]), 0.5) + 1e-9;
    double t2 = t1 + smp__pow(smp__hypot(p2[0] - p1[0], p2[1] - p1[1]), 0.5) + 1e-9;
    double t3 = t2 + smp__pow(smp__hypot(p3[0] - p2[0], p3[1] - p2[1]), 0.5) + 1e-9;
    double u = t1 + t * (t2 - t1);
    for (int k = 0; k < 2; k++) {
        double a1 = (t1 - u) / (t1 - t0) * p0[k] + (u - t0) / (t1 - t0) * p1[k];
        double a2 = (t2 - u) / (t2 - t1) * p1[k] + (u - t1) / (t2 - t1) * p2[k];
        double a3 = (t3 - u) / (t3 - t2) * p2[k] + (u - t2) / (t3 - t2) * p3[k];
        double b1 = (t2 - u) / (t2 - t0) * a1 + (u - t0) / (t2 - t0) * a2;
        double b2 = (t3 - u) / (t3 - t1) * a2 + (u - t1) / (t3 - t1) * a3;
        out[k] = (t2 - u) / (t2 - t1) * b1 + (u - t1) / (t2 - t1) * b2;
    }
}

/* The polyline: the spline through the points, extended at both ends by
 * far (px) along the end segments. Returns the count written to poly. */
static int polyline(const double *xy, int n, double far, double *poly)
{
    int m = 0;
    double ext[2 * 11];
    /* Phantom end points mirror the neighbours, so the ends are natural. */
    ext[0] = 2 * xy[0] - xy[2];
    ext[1] = 2 * xy[1] - xy[3];
    memcpy(ext + 2, xy, sizeof(double) * 2 * n);
    ext[2 * (n + 1)] = 2 * xy[2 * (n - 1)] - xy[2 * (n - 2)];
    ext[2 * (n + 1) + 1] = 2 * xy[2 * (n - 1) + 1] - xy[2 * (n - 2) + 1];
    for (int i = 0; i + 1 < n; i++)
        for (int j = 0; j < SUB; j++) {
            catmull_rom(ext + 2 * i, ext + 2 * (i + 1), ext + 2 * (i + 2), ext + 2 * (i + 3), (double)j / SUB,
                        poly + 2 * (m + 1));
            m++;
        }
    poly[2 * (m + 1)] = xy[2 * (n - 1)];
    poly[2 * (m + 1) + 1] = xy[2 * (n - 1) + 1];
    m++;
    /* Straight extensions along the end directions. */
    double dx = poly[2] - poly[4], dy = poly[3] - poly[5], d = smp__hypot(dx, dy);
    if (d < 1e-9) {
        dx = xy[0] - xy[2];
        dy = xy[1] - xy[3];
        d = smp__hypot(dx, dy) + 1e-9;
    }
    poly[0] = poly[2] + dx / d * far;
    poly[1] = poly[3] + dy / d * far;
    dx = poly[2 * m] - poly[2 * (m - 1)];
    dy = poly[2 * m + 1] - poly[2 * (m - 1) + 1];
    d = smp__hypot(dx, dy);
    if (d < 1e-9) {
        dx = xy[2 * (n - 1)] - xy[2 * (n - 2)];
        dy = xy[2 * (n - 1) + 1] - xy[2 * (n - 2) + 1];
        d = smp__hypot(dx, dy) + 1e-9;
    }
    poly[2 * (m + 1)] = poly[2 * m] + dx / d * far;
    poly[2 * (m + 1) + 1] = poly[2 * m + 1] + dy / d * far;
    return m + 2;
}

/* Signed distance from (x, y) to the polyline: positive on its left
 * (the side of the normal (-dy, dx) of the nearest segment). */
static double signed_distance(const double *poly, int m, double x, double y)
{
    double best = 1e300, sign = 1;
    for (int i = 0; i + 1 < m; i++) {
        double ax = poly[2 * i], ay = poly[2 * i + 1], bx = poly[2 * i + 2], by = poly[2 * i + 3];
        double vx = bx - ax, vy = by - ay, l2 = vx * vx + vy * vy;
        double t = l2 > 0 ? ((x - ax) * vx + (y - ay) * vy) / l2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double px = ax + t * vx - x, py = ay + t * vy - y, d2 = px * px + py * py;
        if (d2 < best) {
            best = d2;
            double cross = vx * (y - ay) - vy * (x - ax);
            /* At a shared vertex either segment may win; the cross product
             * of the one whose interior is nearer decides. */
            sign = cross >= 0 ? 1 : -1;
        }
    }
    return sign * sqrt(best);
}

/* The treated side (1 or -1 of the signed distance sd): the side away
 * from the face where the photo shows one; else the side that
 * holds more of the scalp within a band of a tenth of the frame on either
 * side: each head cell counts its hair, and each cell its share of the
 * mask drawn so far. Hair alone took a dark background for the head: a
 * line near a crown photo's dark corner kept the corner and cut the head
 * (85 dots, "already matches (L* 2.6 vs 2.6)"). */
static double treated_side(const smp_scalp *s, const smp_image *mask, const float *sd)
{
    const double band = 0.1 * (s->w > s->h ? s->w : s->h);
    /* Where the analysis found the face (forehead.c), the side away from
     * it, whatever the band holds: a line drawn up in the hair of the
     * hairline photo counted the suggested front below it and took the
     * forehead and face down to the frame (128 cm² against 40). */
    const int face = s->info.forehead_side;
    if (face >= 1 && face <= 4) {
        double away[2] = {0, 0}, count[2] = {0, 0};
        for (uint32_t gy = 0; gy < s->gh; gy++)
            for (uint32_t gx = 0; gx < s->gw; gx++) {
                const size_t i = (size_t)gy * s->gw + gx;
                if (!(fabs(sd[i]) < band) || sd[i] == 0)
                    continue;
                const double b = face == 1 ? -(double)gy : face == 2 ? gy : face == 3 ? -(double)gx : gx;
                away[sd[i] > 0] += b;
                count[sd[i] > 0]++;
            }
        if (count[0] > 0 && count[1] > 0)
            return away[1] / count[1] >= away[0] / count[0] ? 1 : -1;
    }
    double pos = 0, neg = 0;
    for (uint32_t gy = 0; gy < s->gh; gy++)
        for (uint32_t gx = 0; gx < s->gw; gx++) {
            const size_t i = (size_t)gy * s->gw + gx;
            if (!(fabs(sd[i]) < band))
                continue;
            const uint32_t x = (uint32_t)((gx + 0.5) * s->cell), y = (uint32_t)((gy + 0.5) * s->cell);
            const double m = x < s->w && y < s->h ? mask->px[(size_t)y * s->w + x] / 255.0 : 0;
            const double v = (s->head[i] && s->cls[i] == SMP__HAIR) + m;
            *(sd[i] > 0 ? &pos : &neg) += v;
        }
    return pos >= neg ? 1 : -1;
}

/* The same full-hair share the suggestion uses (its 90th percentile, at
 * least 0.5); false when out of memory. */
static bool full_hair(const smp_scalp *s, double *full)
{
    const size_t cells = (size_t)s->gw * s->gh;
    float *hv = malloc(sizeof(float) * cells);
    if (!hv)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < cells; i++)
        if (s->head[i])
            hv[k++] = s->hair[i];
    qsort(hv, k, sizeof *hv, cmp_float);
    *full = k ? hv[(size_t)(0.9 * (k - 1))] : 0.5;
    *full = *full < 0.5 ? 0.5 : *full;
    free(hv);
    return true;
}

/* Adds the per-cell share add on the treated side to the mask, bilinear
 * between cell centres; the other side (the forehead) is cleared. */
static void paint_side(const smp_scalp *s, smp_image *mask, const float *sd, const float *add, double side)
{
    const uint32_t gw = s->gw, gh = s->gh;
    for (uint32_t y = 0; y < s->h; y++) {
        double gy = (y + 0.5) / s->cell - 0.5;
        gy = gy < 0 ? 0 : gy > gh - 1 ? gh - 1 : gy;
        uint32_t y0 = (uint32_t)gy, y1 = y0 + 1 < gh ? y0 + 1 : y0;
        double ay = gy - y0;
        uint8_t *row = mask->px + (size_t)y * s->w;
        for (uint32_t x = 0; x < s->w; x++) {
            double gx = (x + 0.5) / s->cell - 0.5;
            gx = gx < 0 ? 0 : gx > gw - 1 ? gw - 1 : gx;
            uint32_t x0 = (uint32_t)gx, x1 = x0 + 1 < gw ? x0 + 1 : x0;
            double ax = gx - x0;
            size_t i00 = (size_t)y0 * gw + x0, i01 = (size_t)y0 * gw + x1, i10 = (size_t)y1 * gw + x0,
                   i11 = (size_t)y1 * gw + x1;
            double d = (sd[i00] * (1 - ax) + sd[i01] * ax) * (1 - ay) + (sd[i10] * (1 - ax) + sd[i11] * ax) * ay;
            if (side * d <= 0) {
                row[x] = 0; /* the forehead side */
                continue;
            }
            double a = (add[i00] * (1 - ax) + add[i01] * ax) * (1 - ay) + (add[i10] * (1 - ax) + add[i11] * ax) * ay;
            uint8_t v = (uint8_t)lrint(255 * a);
            row[x] = v > row[x] ? v : row[x];
        }
    }
}

smp_status smp_hairline_apply(smp_scalp *s, smp_image *mask, const double *xy, int n)
{
    if (!s || !mask || !xy)
        return SMP_ERR_ARG;
    if (!s->analysed)
        return smp__fail(s->msg, SMP_ERR_ARG, "no analysis: call smp_scalp_analyze first");
    if (n < 3 || n > 9)
        return smp__fail(s->msg, SMP_ERR_ARG, "a hairline takes 3 to 9 points, not %d", n);
    if (mask->w != s->w || mask->h != s->h || mask->ch != 1)
        return smp__fail(s->msg, SMP_ERR_MISMATCH, "the mask must be grey and %ux%u like the photo", (unsigned)s->w,
                         (unsigned)s->h);
    for (int i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]) || fabs(xy[i]) > 1e7)
            return smp__fail(s->msg, SMP_ERR_ARG, "a hairline point is out of range");
    const uint32_t gw = s->gw, gh = s->gh;
    const size_t cells = (size_t)gw * gh;
    double *poly = malloc(sizeof(double) * 2 * ((size_t)(n - 1) * SUB + 4));
    float *sd = malloc(sizeof(float) * cells), *add = malloc(sizeof(float) * cells);
    double full = 0.5;
    if (!poly || !sd || !add || !full_hair(s, &full)) {
        free(poly);
        free(sd);
        free(add);
        return smp__fail(s->msg, SMP_ERR_NOMEM, "cannot allocate the hairline");
    }
    const int m = polyline(xy, n, 4.0 * (s->w + s->h), poly);
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++)
            sd[(size_t)y * gw + x] = (float)signed_distance(poly, m, (x + 0.5) * s->cell, (y + 0.5) * s->cell);
    const double side = treated_side(s, mask, sd);
    /* Per cell: the scalp's missing hair on the treated side, on the head,
     * inside its rim as the suggestion's (rim.c): the hair thins to the
     * head's outline against the background, which was treated. */
    for (size_t i = 0; i < cells; i++) {
        double missing = 1 - s->hair[i] / full;
        missing = missing < 0 ? 0 : missing > 1 ? 1 : missing;
        missing = missing >= 0.8 ? 1 : missing < 0.2 ? 0 : missing;
        add[i] = s->head[i] && side * sd[i] > 0 ? (float)(missing * (s->rim ? s->rim[i] : 1)) : 0;
    }
    paint_side(s, mask, sd, add, side);
    free(add);
    free(poly);
    free(sd);
    return SMP_OK;
}

/* Template offsets: (t along the temple line 0..1, offset towards the
 * forehead in units of the temple distance). A natural adult hairline sits
 * about 6-8 cm above the brows and its centre a fifth of the temple
 * distance in front of the temple points. */
typedef struct shape {
    const char *name;
    double t[9], off[9];
} shape;

static const shape SHAPES[] = {
    {"straight", {0, 0.08, 0.18, 0.32, 0.5, 0.68, 0.82, 0.92, 1}, {0, 0.10, 0.16, 0.18, 0.18, 0.18, 0.16, 0.10, 0}},
    {"rounded", {0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1}, {0, 0.084, 0.156, 0.204, 0.22, 0.204, 0.156, 0.084, 0}},
    {"mature", {0, 0.1, 0.22, 0.36, 0.5, 0.64, 0.78, 0.9, 1}, {0, 0.02, 0.07, 0.13, 0.15, 0.13, 0.07, 0.02, 0}},
    {"widows-peak", {0, 0.12, 0.25, 0.4, 0.5, 0.6, 0.75, 0.88, 1}, {0, 0.09, 0.14, 0.16, 0.25, 0.16, 0.14, 0.09, 0}},
};

smp_status smp_hairline_template(smp_scalp *s, const char *name, const double t0[2], const double t1[2],
                                 double out[18])
{
    const shape *sh = NULL;
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
        if (name && !strcmp(name, SHAPES[i].name))
            sh = &SHAPES[i];
    if (!sh)
        return s ? smp__fail(s->msg, SMP_ERR_ARG, "unknown hairline template '%s' (straight, rounded, mature, "
                                                  "widows-peak)", name ? name : "")
                 : SMP_ERR_ARG;
    double vx = t1[0] - t0[0], vy = t1[1] - t0[1], L = smp__hypot(vx, vy);
    if (!(L >= 2))
        return s ? smp__fail(s->msg, SMP_ERR_ARG, "the two temple points are too close") : SMP_ERR_ARG;
    /* The normal (-vy, vx)/L; pointing to the forehead: less hair there. */
    double nx = -vy / L, ny = vx / L;
    int flip;
    if (s && s->analysed) {
        double probe = 0.2 * L, h_pos = 0, h_neg = 0;
        for (int k = 1; k <= 9; k++) {
            double mx = t0[0] + vx * k / 10.0, my = t0[1] + vy * k / 10.0;
            for (int e = -1; e <= 1; e += 2) {
                double px = mx + e * nx * probe, py = my + e * ny * probe;
                if (px < 0 || py < 0 || px >= s->w || py >= s->h)
                    continue;
                size_t i = (size_t)(py / s->cell) * s->gw + (size_t)(px / s->cell);
                *(e > 0 ? &h_pos : &h_neg) += s->hair[i];
            }
        }
        flip = h_pos > h_neg; /* the normal points at the hair: turn it round */
    } else {
        flip = ny < 0; /* below in the image */
    }
    if (flip) {
        nx = -nx;
        ny = -ny;
    }
    for (int k = 0; k < 9; k++) {
        out[2 * k] = t0[0] + vx * sh->t[k] + nx * L * sh->off[k];
        out[2 * k + 1] = t0[1] + vy * sh->t[k] + ny * L * sh->off[k];
    }
    return SMP_OK;
}
