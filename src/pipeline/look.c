/* SPDX-License-Identifier: BSD-2-Clause */
/* The SMP look: hairline edges, per-session pigment, healing and fading,
 * scars, and the blue cast of poor technique. Figures from SMP-FACTS.md. */
#include "focus.h"
#include "rng.h"
#include "look.h"
#include "params.h"
#include "result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A sharp edge keeps this share of the feather width. */
#define SHARP_SHARE 0.35
/* Broken edges: noise at this scale (mm) moves the ramp by up to this share. */
#define BROKEN_SCALE_MM 2.5
#define BROKEN_DEPTH 0.8

/* Smooth value noise in [0, 1) on a lattice of the given period, keyed:
 * each lattice node's value a hash, read from lat when given (the same
 * value, hashed once per node instead of four times per cell); read
 * through noise_mix. */
typedef struct lattice {
    uint64_t nx, ny;
    double *v; /* NULL: hashed at each use */
} lattice;

static inline double node(uint64_t seed, const lattice *lat, uint64_t ix, uint64_t iy)
{
    if (lat && lat->v && ix < lat->nx && iy < lat->ny)
        return lat->v[iy * lat->nx + ix];
    return smp__u01(smp__hash(seed, 77, ix, iy));
}

/* The noise at a point of a grid, taken apart so that its columns and
 * rows are worked out once each: one axis's lattice cell and smoothed
 * offset (noise_axis_at), then the value at a column's and a row's
 * (noise_mix), bilinear between the four nodes about the point. */
typedef struct noise_axis {
    uint64_t i;
    double t;
} noise_axis;

static noise_axis noise_axis_at(double v)
{
    const double f = floor(v);
    double t = v - f;
    t = t * t * (3 - 2 * t);
    return (noise_axis){(uint64_t)(int64_t)f, t};
}

static inline double noise_mix(uint64_t seed, const lattice *lat, const noise_axis *ax, const noise_axis *ay)
{
    const double tx = ax->t, ty = ay->t;
    const uint64_t ix = ax->i, iy = ay->i;
    double v00, v10, v01, v11;
    if (lat && lat->v && ix < lat->nx - 1 && iy < lat->ny - 1) { /* all four in the lattice: node's reads */
        const double *r0 = lat->v + iy * lat->nx + ix, *r1 = r0 + lat->nx;
        v00 = r0[0], v10 = r0[1], v01 = r1[0], v11 = r1[1];
    } else {
        v00 = node(seed, lat, ix, iy), v10 = node(seed, lat, ix + 1, iy);
        v01 = node(seed, lat, ix, iy + 1), v11 = node(seed, lat, ix + 1, iy + 1);
    }
    return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
}

/* Each column's axis for two octaves of a grid of n cells of cell_mm,
 * at wavelengths s1 and s2 mm: out[2x], out[2x + 1]. */
static void noise_columns(uint32_t n, double cell_mm, double s1, double s2, noise_axis *out)
{
    for (uint32_t x = 0; x < n; x++) {
        const double m = (x + 0.5) * cell_mm;
        out[2 * (size_t)x] = noise_axis_at(m / s1);
        out[2 * (size_t)x + 1] = noise_axis_at(m / s2);
    }
}

/* The nodes noise reads over [0, w] x [0, h] (lattice units); left
 * unhashed (v NULL) when that would be far more nodes than cells to shade
 * or memory runs out. */
static lattice lattice_make(uint64_t seed, double w, double h, size_t cells)
{
    lattice l = {(uint64_t)floor(w) + 2, (uint64_t)floor(h) + 2, NULL};
    if (!(w >= 0 && h >= 0 && l.nx <= (1u << 20) && l.ny <= (1u << 20)) || l.nx * l.ny > 4 * (uint64_t)cells + 4096)
        return l;
    if (!(l.v = malloc(l.nx * l.ny * sizeof *l.v)))
        return l;
    for (uint64_t y = 0; y < l.ny; y++)
        for (uint64_t x = 0; x < l.nx; x++)
            l.v[y * l.nx + x] = smp__u01(smp__hash(seed, 77, x, y));
    return l;
}

/* The broken edge's zone, inside the mask only: its start wanders in from
 * the mask's edge by up to WANDER_EDGE x the feather (WANDER on a front),
 * by slow noise of WANDER_MM wavelength and a finer octave, stretched by
 * STRETCH so that it spends time at both ends; the density then rises over
 * ZONE x the feather. Where the mask ends on a front (the zones' hairline
 * cells within FRONT_NEAR_MM of its edge, blended over FRONT_BLEND_MM so
 * the zone's width never jumps) the zone is 1 + FRONT_EXTRA times wider
 * and its density rises as about the ramp to the power 1 + FRONT_TAIL (a
 * blend of the ramp and its square: no pow, the same bytes everywhere): a
 * long sparse front, not a line. */
#define WANDER_EDGE 0.5
#define WANDER 1.0
#define WANDER_MM 12.0
#define STRETCH 1.8
#define ZONE 0.75
#define FRONT_EXTRA 2.5
#define FRONT_TAIL 1.0
#define FRONT_NEAR_MM 4.0
#define FRONT_BLEND_MM 10.0
/* Where the mask ends on hair (the zones' SMP_ZONE_OUT_HAIR share of the
 * band's cells within HAIR_NEAR_MM of the nearest untreated cell, a box
 * count: a share that moves cell by cell along the edge, counted from
 * HAIR_SHARE_LO, fully from HAIR_SHARE_HI), an artist keeps the density
 * up to the hair, and a fade into it reads as a light ridge (the hairline
 * photo's hair side: no dot within 1 mm of the edge, 4/cm2 at 1-2 mm, 16
 * at 2-3 mm, 57 at 3-4 mm against 125 further in, 1-2 L* lighter than
 * the hair beside it). There the zone starts past the row of cells the
 * edge crosses, within HAIR_WANDER_MM, and rises over HAIR_ZONE_MM (no
 * more than the feather's own), and the feather's inner half is undone
 * (toward the coverage as painted, reach's second plane, down to none at
 * the far end of the zone elsewhere): full density by about 1 mm, the
 * ramp's noise a light broken edge. Bare skin outside, a front or no
 * reference keep the long fade. */
#define HAIR_NEAR_MM 3.0
#define HAIR_SHARE_LO 0.2 /* the share from which hair counts, and fully from */
#define HAIR_SHARE_HI 0.6 /* (cell by cell the hair test is speckled: half of the band is hair) */
#define HAIR_WANDER_MM 0.5
#define HAIR_ZONE_MM 0.6

#define EDT_FAR 1e20
/* Columns of the distance transform's column pass taken together, and
 * no untreated cell (see smp__edge_reach). */
#define EDT_BAND 256
#define EDT_NONE UINT32_MAX

/* Squared distance transform along one line (Felzenszwalb & Huttenlocher):
 * d[i] = min_q (i - q)^2 + f[q], arg[i] that q. v, z: n and n + 1 scratch. */
static void edt_line(const double *f, size_t n, double *d, uint32_t *arg, uint32_t *v, double *z)
{
    size_t k = 0;
    v[0] = 0;
    z[0] = -INFINITY;
    z[1] = INFINITY;
    for (size_t q = 1; q < n; q++) {
        double s;
        for (;;) { /* z[0] = -inf: k never falls below 0 */
            const double p = v[k];
            s = ((f[q] + (double)q * q) - (f[v[k]] + p * p)) / (2.0 * q - 2.0 * p);
            if (s > z[k])
                break;
            k--;
        }
        k++;
        v[k] = (uint32_t)q;
        z[k] = s;
        z[k + 1] = INFINITY;
    }
    k = 0;
    for (size_t q = 0; q < n; q++) {
        while (z[k + 1] < q)
            k++;
        const double t = (double)q - v[k];
        d[q] = t * t + f[v[k]];
        arg[q] = v[k];
    }
}

/* A cell becomes 255 when one within r cells along a row, then along a
 * column, is nonzero (a square's max filter), by a running count of the
 * nonzero cells in each window; tmp: one grid. */
static void dilate_line(const uint8_t *src, size_t stride, uint8_t *dst, size_t dstride, long n, long r)
{
    long count = 0;
    for (long k = 0; k < r && k < n; k++)
        count += src[k * stride] != 0;
    for (long i = 0; i < n; i++) {
        if (i + r < n)
            count += src[(i + r) * stride] != 0;
        if (i - r - 1 >= 0)
            count -= src[(i - r - 1) * stride] != 0;
        dst[i * dstride] = count ? 255 : 0;
    }
}

static void dilate(smp_coverage *g, long r, uint8_t *tmp)
{
    const long w = g->gw, h = g->gh;
    for (long y = 0; y < h; y++)
        dilate_line(g->c + y * w, 1, tmp + y * w, 1, w, r);
    for (long x = 0; x < w; x++)
        dilate_line(tmp + x, (size_t)w, g->c + x, (size_t)w, h, r);
}

static double smooth01(double t) { return t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t); }

/* The zone's wander at a cell: its two octaves of noise (seed + 2, + 3). */
static inline double zone_noise(uint64_t seed, const lattice *l1, const lattice *l2, const noise_axis *col,
                                const noise_axis *ay1, const noise_axis *ay2)
{
    return 0.75 * noise_mix(seed + 2, l1, &col[0], ay1) + 0.25 * noise_mix(seed + 3, l2, &col[1], ay2);
}

/* The reach at dist (mm) from the edge, the zone wandering by nz there. */
static inline uint8_t zone_value(double dist, double nz, double wander, double width, double tail)
{
    const double off = fmin(1, fmax(0, 0.5 + STRETCH * (nz - 0.5)));
    const double ramp = smooth01((dist - wander * off) / width);
    return (uint8_t)lrint(255.0 * ramp * (1 - tail + tail * ramp)); /* ramp to the power 1 + tail, about */
}

static bool zones_any(const smp_front *front, uint8_t bit)
{
    for (size_t i = 0; front && front->zones && i < (size_t)front->w * front->h; i++)
        if (front->zones[i] & bit)
            return true;
    return false;
}

bool smp__front_any(const smp_front *front) { return zones_any(front, SMP_ZONE_HAIRLINE); }

bool smp__hair_any(const smp_front *front) { return zones_any(front, SMP_ZONE_OUT_HAIR); }

/* Each zone cell's share (0..255) of hair among the band's cells in the
 * box of r cells about it: counts along rows, then along columns, by
 * running sums (integers: the same bytes however they are taken). NULL when
 * out of memory. */
static uint8_t *hair_share(const smp_front *front, long r)
{
    const long w = front->w, h = front->h;
    const size_t n = (size_t)w * h;
    uint8_t *share = malloc(n);
    uint16_t *row = malloc(2 * n * sizeof *row); /* each row's counts: out, hair */
    if (!share || !row) {
        free(share), free(row);
        return NULL;
    }
    for (long y = 0; y < h; y++) {
        const uint8_t *z = front->zones + (size_t)y * w;
        uint16_t *o = row + 2 * (size_t)y * w;
        long co = 0, ch = 0;
        for (long k = 0; k < r && k < w; k++)
            co += (z[k] & SMP_ZONE_OUT) != 0, ch += (z[k] & SMP_ZONE_OUT_HAIR) != 0;
        for (long x = 0; x < w; x++) {
            if (x + r < w)
                co += (z[x + r] & SMP_ZONE_OUT) != 0, ch += (z[x + r] & SMP_ZONE_OUT_HAIR) != 0;
            if (x - r - 1 >= 0)
                co -= (z[x - r - 1] & SMP_ZONE_OUT) != 0, ch -= (z[x - r - 1] & SMP_ZONE_OUT_HAIR) != 0;
            o[2 * x] = (uint16_t)co, o[2 * x + 1] = (uint16_t)ch;
        }
    }
    for (long x = 0; x < w; x++) {
        long co = 0, ch = 0;
        for (long k = 0; k < r && k < h; k++)
            co += row[2 * ((size_t)k * w + x)], ch += row[2 * ((size_t)k * w + x) + 1];
        for (long y = 0; y < h; y++) {
            if (y + r < h)
                co += row[2 * ((size_t)(y + r) * w + x)], ch += row[2 * ((size_t)(y + r) * w + x) + 1];
            if (y - r - 1 >= 0)
                co -= row[2 * ((size_t)(y - r - 1) * w + x)], ch -= row[2 * ((size_t)(y - r - 1) * w + x) + 1];
            share[(size_t)y * w + x] = co ? (uint8_t)((255 * ch + co / 2) / co) : 0;
        }
    }
    free(row);
    return share;
}

smp_status smp__edge_reach(const smp_coverage *painted, smp_edge edge, double feather_mm, double ppm,
                           uint64_t seed, const smp_front *front, int threads, uint8_t **reach, char *msg)
{
    *reach = NULL;
    const double cell_mm = painted->cell / ppm;
    if (edge != SMP_EDGE_BROKEN || !(feather_mm * ZONE > cell_mm))
        return SMP_OK;
    const uint32_t w = painted->gw, h = painted->gh;
    const size_t n = (size_t)w * h, big = w > h ? w : h;
    const int nt = smp__threads(threads);
    uint8_t *out = malloc(2 * n); /* the share, then the feather undone (look.h) */
    if (!out)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hairline zone");
    /* No untreated cell: every distance below is about 1e10 cells, beyond
     * any zone (the feather is at most 50 mm, a cell at least 0.001 mm). */
    if (!memchr(painted->c, 0, n)) {
        memset(out, 255, n);
        memset(out + n, 0, n);
        *reach = out;
        return SMP_OK;
    }
    /* Each zone cell's hair share, where the zones hold hair (else none) */
    uint8_t *hshare = NULL;
    if (smp__hair_any(front)) {
        const double r = HAIR_NEAR_MM / front->cell_mm;
        if (!(hshare = hair_share(front, r < 1 ? 1 : r > 10000 ? 10000 : lrint(r)))) {
            free(out);
            return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hairline zone");
        }
    }
    /* Distance from each cell to the nearest untreated one (exact, on the
     * grid): columns, then rows; each line on its own. The distances
     * themselves are not kept: the nearest cell gives them again. */
    const size_t per_buf = 3 * big + 1, per_ibuf = 3 * big;
    double *buf = malloc((size_t)nt * per_buf * sizeof *buf);
    /* row_of (the column pass's nearest row) becomes nearest (the nearest
     * untreated cell) row by row: one fresh grid less to fault in. */
    uint32_t *row_of = malloc(n * sizeof *row_of), *nearest = row_of;
    uint32_t *ibuf = malloc((size_t)nt * per_ibuf * sizeof *ibuf);
    uint8_t *far = calloc(w, 1); /* columns with no untreated cell */
    uint32_t *span = malloc(2 * (size_t)h * sizeof *span); /* each row's treated cells, first and last */
    smp_coverage fr = {malloc(n), w, h, painted->cell, painted->w, painted->h};
    smp_coverage near = {fr.c ? calloc(n, 1) : NULL, w, h, painted->cell, painted->w, painted->h};
    /* each column's and row's zone cell, for the hair share (UINT32_MAX beyond the zones) */
    uint32_t *zx = hshare ? malloc(((size_t)w + h) * sizeof *zx) : NULL, *zy = zx ? zx + w : NULL;
    if (!buf || !row_of || !ibuf || !far || !span || !fr.c || !near.c || (hshare && !zx)) {
        free(buf), free(row_of), free(ibuf), free(far), free(span), free(fr.c), free(out), free(near.c);
        free(hshare), free(zx);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hairline zone");
    }
    for (uint32_t x = 0; zx && x < w; x++) {
        const double z = (x + 0.5) * cell_mm / front->cell_mm;
        zx[x] = z < front->w ? (uint32_t)z : UINT32_MAX;
    }
    for (uint32_t y = 0; zy && y < h; y++) {
        const double z = (y + 0.5) * cell_mm / front->cell_mm;
        zy[y] = z < front->h ? (uint32_t)z : UINT32_MAX;
    }
    /* The zones' hairline cells begin a little outside the mask (the skin
     * right at its edge may be darker): an untreated cell is on a front
     * when one lies within about FRONT_NEAR_MM of it. */
    /* No hairline cell among the zones: no cell on a front (near stays 0). */
    if (smp__front_any(front)) {
        /* each column's zone cell, once (row_of as scratch: w <= n cells; UINT32_MAX beyond the zones) */
        uint32_t *zcol = row_of;
        for (uint32_t x = 0; x < w; x++) {
            const double zx = (x + 0.5) * cell_mm / front->cell_mm;
            zcol[x] = zx < front->w ? (uint32_t)zx : UINT32_MAX;
        }
        for (uint32_t y = 0; y < h; y++) {
            const double zy = (y + 0.5) * cell_mm / front->cell_mm;
            if (!(zy < front->h))
                continue;
            const uint8_t *zrow = front->zones + (size_t)zy * front->w;
            for (uint32_t x = 0; x < w; x++)
                if (zcol[x] != UINT32_MAX)
                    near.c[(size_t)y * w + x] = (zrow[zcol[x]] & SMP_ZONE_HAIRLINE) ? 255 : 0;
        }
        if (memchr(near.c, 255, n)) /* none on a front: the dilation leaves it so */
            dilate(&near, lrint(FRONT_NEAR_MM / cell_mm), out);
    }
    /* The treated cells' rows and columns, one cell wider (untreated
     * cells, or the frame's end): outside that box every cell is untreated,
     * its own nearest at distance 0, so the passes below need not look. */
    uint32_t cx0 = w, cx1 = 0, cy0 = h, cy1 = 0;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *c = painted->c + (size_t)y * w;
        uint32_t a = 0, b = w;
        while (a < w && !c[a])
            a++;
        if (a < w)
            while (!c[b - 1])
                b--;
        span[2 * (size_t)y] = a; /* a == w: none */
        span[2 * (size_t)y + 1] = b;
        if (a < w) {
            cx0 = a < cx0 ? a : cx0;
            cx1 = b > cx1 ? b : cx1;
            cy0 = y < cy0 ? y : cy0;
            cy1 = y + 1;
        }
    }
    if (cy1) {
        cx0 = cx0 ? cx0 - 1 : 0;
        cy0 = cy0 ? cy0 - 1 : 0;
        cx1 = cx1 < w ? cx1 + 1 : w;
        cy1 = cy1 < h ? cy1 + 1 : h;
    } else
        cx0 = cx1 = cy0 = cy1 = 0;
    SMP_OMP(omp parallel num_threads(nt))
    {
        double *in = buf + (size_t)smp__thread_id() * per_buf, *d = in + big, *z = d + big;
        uint32_t *arg = ibuf + (size_t)smp__thread_id() * per_ibuf, *v = arg + big, *line = v + big;
        /* The column pass: on this input (0 or EDT_FAR) edt_line gives
         * each cell the nearest untreated cell of its column, the upper one
         * on a tie (its envelope keeps the earlier parabola up to and at
         * their crossing), at that distance squared. So it is a sweep down
         * and one up over the rows of a band of columns, storing row by
         * row: edt_line column by column stored one cell per row, and
         * those stores were most of this step's time. A column with no
         * untreated cell keeps edt_line's own answer. */
        /* Outside the box: each cell its own row. Inside it: the sweeps
         * from its first row down and its last up, the same as from the
         * frame's (the box's first and last rows are untreated, or the
         * frame's own). */
        SMP_OMP(omp for schedule(static))
        for (uint32_t y = 0; y < h; y++) {
            uint32_t *up = row_of + (size_t)y * w;
            const int inside = y >= cy0 && y < cy1;
            for (uint32_t x = 0; x < (inside ? cx0 : w); x++)
                up[x] = y;
            for (uint32_t x = inside ? cx1 : w; x < w; x++)
                up[x] = y;
        }
        SMP_OMP(omp for schedule(static))
        for (uint32_t x0 = cx0; x0 < cx1; x0 += EDT_BAND) {
            const uint32_t x1 = cx1 - x0 < EDT_BAND ? cx1 : x0 + EDT_BAND;
            for (uint32_t y = cy0; y < cy1; y++) {
                const uint8_t *c = painted->c + (size_t)y * w;
                uint32_t *up = row_of + (size_t)y * w;
                for (uint32_t x = x0; x < x1; x++)
                    up[x] = !c[x] ? y : y > cy0 ? row_of[(size_t)(y - 1) * w + x] : EDT_NONE;
            }
            for (uint32_t x = x0; x < x1; x++)
                line[x - x0] = EDT_NONE;
            for (uint32_t y = cy1; y-- > cy0;) {
                const uint8_t *c = painted->c + (size_t)y * w;
                uint32_t *up = row_of + (size_t)y * w;
                for (uint32_t x = x0; x < x1; x++) {
                    if (!c[x])
                        line[x - x0] = y;
                    const uint32_t a = up[x], b = line[x - x0];
                    up[x] = a == EDT_NONE ? b : b == EDT_NONE ? a : y - a <= b - y ? a : b;
                }
            }
            for (uint32_t x = x0; x < x1; x++) {
                far[x] = line[x - x0] == EDT_NONE;
                if (!far[x])
                    continue;
                for (uint32_t y = 0; y < h; y++)
                    in[y] = EDT_FAR;
                edt_line(in, h, d, arg, v, z);
                for (uint32_t y = 0; y < h; y++)
                    row_of[(size_t)y * w + x] = arg[y];
            }
        }
        /* A column with no untreated cell puts EDT_FAR into the rows'
         * sums, where doubles round: then each row is taken whole. */
        const int any_far = memchr(far, 1, w) != NULL;
        SMP_OMP(omp for schedule(static))
        for (uint32_t y = 0; y < h; y++) {
            /* the column pass's squared distances, as edt_line gave them */
            const uint32_t *ry = row_of + (size_t)y * w;
            /* Only from the cell before the row's first treated one to the
             * cell after its last (untreated, at 0): beyond them every cell
             * is its own nearest, and no parabola from beyond is lowest
             * within, nor moves the envelope's crossings there. Those
             * compare alike wherever the line starts (integers under 2^53
             * over twice a distance: two that differ lie far further apart
             * than their rounding): the same nearest cells as the whole
             * row's. */
            uint32_t x0 = 0, x1 = w;
            if (!any_far) {
                const uint32_t a = span[2 * (size_t)y], b = span[2 * (size_t)y + 1];
                x0 = a == w ? w : a ? a - 1 : 0;
                x1 = a == w ? w : b < w ? b + 1 : w;
            }
            for (uint32_t x = x0; x < x1; x++) {
                const double t = (double)y - ry[x];
                in[x - x0] = t * t + (far[x] ? EDT_FAR : 0);
            }
            if (x1 > x0)
                edt_line(in, x1 - x0, d, arg, v, z);
            /* the nearest untreated cell: on a front when the zones say so */
            for (uint32_t x = 0; x < w; x++) { /* beyond [x0, x1): the cell itself (x1 may be before x0: w) */
                if (x == x0 && x1 > x0)
                    x = x1;
                if (x >= w)
                    break;
                const size_t at = (size_t)y * w + x;
                fr.c[at] = near.c[at] ? 255 : 0;
                line[x] = (uint32_t)at;
            }
            for (uint32_t x = x0; x < x1; x++) {
                const uint32_t ax = arg[x - x0] + x0;
                const size_t at = (size_t)ry[ax] * w + ax;
                const int on_front = d[x - x0] < EDT_FAR / 2 && near.c[at];
                fr.c[(size_t)y * w + x] = on_front ? 255 : 0;
                line[x] = (uint32_t)at;
            }
            memcpy(nearest + (size_t)y * w, line, w * sizeof *line);
        }
    }
    free(buf);
    free(ibuf);
    free(far);
    free(span);
    free(near.c);
    /* Blended along the edge, then each cell takes its nearest untreated
     * cell's share: the same across the zone's depth. */
    smp_status st = smp__coverage_feather(&fr, FRONT_BLEND_MM * ppm, threads, msg);
    if (st != SMP_OK) {
        free(fr.c), free(out), free(nearest), free(hshare), free(zx);
        return st;
    }
    const double zone = ZONE * feather_mm;
    /* The noise's nodes hashed once each, not four times per cell. */
    const double ex = (w - 0.5) * cell_mm, ey = (h - 0.5) * cell_mm;
    lattice l1 = lattice_make(seed + 2, ex / WANDER_MM, ey / WANDER_MM, n);
    lattice l2 = lattice_make(seed + 3, ex / (WANDER_MM / 3), ey / (WANDER_MM / 3), n);
    noise_axis *cols = malloc(2 * (size_t)w * sizeof *cols);
    if (!cols) {
        free(l1.v), free(l2.v), free(fr.c), free(out), free(nearest), free(hshare), free(zx);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hairline zone");
    }
    noise_columns(w, cell_mm, WANDER_MM, WANDER_MM / 3, cols);
    SMP_OMP(omp parallel for schedule(static) num_threads(nt))
    for (uint32_t y = 0; y < h; y++) {
        const double my = (y + 0.5) * cell_mm;
        const noise_axis ay1 = noise_axis_at(my / WANDER_MM), ay2 = noise_axis_at(my / (WANDER_MM / 3));
        for (uint32_t x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            out[n + i] = 0;
            if (!painted->c[i]) {
                out[i] = 0;
                continue;
            }
            /* the mask's edge lies half a cell beyond the last untreated centre */
            /* the row pass's squared distance, exact in doubles as there */
            const uint32_t at = nearest[i], ax = at % w, ay = at / w;
            const double dx = (double)x - ax, dy = (double)y - ay;
            const double front_share = fr.c[at] / 255.0, dist = (sqrt(dx * dx + dy * dy) - 0.5) * cell_mm;
            double width = zone * (1 + FRONT_EXTRA * front_share);
            double wander = feather_mm * (WANDER_EDGE + (WANDER - WANDER_EDGE) * front_share);
            const double extent = wander + width;
            if (dist >= extent) { /* beyond the zone, wherever it wanders */
                out[i] = 255;
                continue;
            }
            /* on hair (not a front): the short zone, the feather undone */
            const double share = hshare && zx[ax] != UINT32_MAX && zy[ay] != UINT32_MAX
                                     ? hshare[(size_t)zy[ay] * front->w + zx[ax]] / 255.0
                                     : 0;
            const double hair = smooth01((share - HAIR_SHARE_LO) / (HAIR_SHARE_HI - HAIR_SHARE_LO)) * (1 - front_share);
            double from = dist;
            if (hair > 0) {
                width += hair * (fmin(width, HAIR_ZONE_MM) - width);
                wander += hair * (fmin(wander, HAIR_WANDER_MM) - wander);
                /* not in the row of cells the edge crosses (their dots may lie
                 * up to a cell beyond the mask): the zone starts past them */
                from -= hair * 0.5 * cell_mm;
                out[n + i] = (uint8_t)lrint(255.0 * hair * (1 - smooth01(2 * dist / extent - 1)));
            }
            const double nz = zone_noise(seed, &l1, &l2, &cols[2 * (size_t)x], &ay1, &ay2);
            out[i] = zone_value(from, nz, wander, width, FRONT_TAIL * front_share);
        }
    }
    free(cols);
    free(l1.v);
    free(l2.v);
    free(fr.c);
    free(nearest);
    free(hshare);
    free(zx);
    *reach = out;
    return SMP_OK;
}

/* The distance (cells) from which smp__edge_reach gives 255 with no
 * front: (D - 0.5) cell_mm >= wander + width for any D from here, two
 * cells to spare. */
static uint32_t reach_cells(double feather_mm, double cell_mm)
{
    const double width = ZONE * feather_mm, wander = feather_mm * WANDER_EDGE;
    return (uint32_t)ceil((wander + width) / cell_mm + 0.5) + 2;
}

/* smp__edge_reach's map for painted from the map old_reach it gave for
 * old_painted (same grid, edge, feather, scale and seed; no front then or
 * now), made again only about the cells whose treatment changed.
 *
 * With no front, a cell's value is a function of its own place (the
 * noise), whether it is treated, and its distance D (cells) to the nearest
 * untreated cell, and it is 255 for any D of at least reach_cells (the
 * zone's far end, wherever it wanders). Let F be the cells treated in one
 * painting and untreated in the other: a cell more than reach_cells from
 * every cell of F keeps its value. If its old D is under reach_cells, its
 * nearest untreated cell is not in F, so still untreated, and no cell
 * of F is nearer: the new D is the same (and the other way round); if both
 * are reach_cells or more, both values are 255. So only the cells within
 * reach_cells of F's box are made again, each from the untreated cells
 * within reach_cells of it (inside a window that far around them: farther
 * ones give 255 either way): the squared distance, an integer, exactly as
 * the whole grid's transform gives it (edt_line on integers: see there),
 * then the value by smp__edge_reach's own expressions. False (nothing
 * written) when it cannot: another grid, a front or hair outside (the
 * zones are the analysis's, which a mask edit may change anywhere), or F's
 * reach over a quarter of the grid (the whole transform then costs about
 * the same). */
bool smp__edge_reach_again(const smp_coverage *painted, const smp_coverage *old_painted, const uint8_t *old_reach,
                           smp_edge edge, double feather_mm, double ppm, uint64_t seed, const smp_front *front,
                           uint8_t **reach)
{
    *reach = NULL;
    const double cell_mm = painted->cell / ppm;
    if (edge != SMP_EDGE_BROKEN || !(feather_mm * ZONE > cell_mm) || !old_reach || !old_painted->c ||
        old_painted->gw != painted->gw || old_painted->gh != painted->gh || old_painted->cell != painted->cell ||
        smp__front_any(front) || smp__hair_any(front))
        return false;
    const uint32_t w = painted->gw, h = painted->gh;
    const size_t n = (size_t)w * h;
    /* F's box */
    uint32_t fx0 = w, fy0 = h, fx1 = 0, fy1 = 0;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *a = painted->c + (size_t)y * w, *b = old_painted->c + (size_t)y * w;
        if (!memcmp(a, b, w))
            continue;
        for (uint32_t x = 0; x < w; x++)
            if ((a[x] != 0) != (b[x] != 0)) {
                fx0 = x < fx0 ? x : fx0;
                fx1 = x + 1 > fx1 ? x + 1 : fx1;
                fy0 = y < fy0 ? y : fy0;
                fy1 = y + 1;
            }
    }
    uint8_t *out = malloc(2 * n);
    if (!out)
        return false;
    memcpy(out, old_reach, n);
    memset(out + n, 0, n); /* no hair: no feather undone */
    if (fx1 <= fx0) { /* no cell's treatment changed */
        *reach = out;
        return true;
    }
    /* no front: the zone's width and wander at a front share of 0 */
    const double width = ZONE * feather_mm, wander = feather_mm * WANDER_EDGE;
    const uint32_t rc = reach_cells(feather_mm, cell_mm);
    if (!(rc < w && rc < h)) {
        free(out);
        return false;
    }
    /* the cells made again, then the window their untreated cells are read in */
    const uint32_t rx0 = fx0 > rc ? fx0 - rc : 0, ry0 = fy0 > rc ? fy0 - rc : 0;
    const uint32_t rx1 = w - fx1 > rc ? fx1 + rc : w, ry1 = h - fy1 > rc ? fy1 + rc : h;
    const uint32_t wx0 = rx0 > rc ? rx0 - rc : 0, wy0 = ry0 > rc ? ry0 - rc : 0;
    const uint32_t wx1 = w - rx1 > rc ? rx1 + rc : w, wy1 = h - ry1 > rc ? ry1 + rc : h;
    const size_t rw = rx1 - rx0, rh = ry1 - ry0, ww = wx1 - wx0, wh = wy1 - wy0;
    if (rw * rh > n / 4) {
        free(out);
        return false;
    }
    /* No untreated cell within the window: a distance beyond it, an
     * integer (so every sum below stays exact), past reach_cells. */
    const double none = (double)(ww + wh) * (double)(ww + wh);
    /* Column pass: each window column's squared distance down to its
     * nearest untreated cell within the window, for the region's rows. */
    double *col = malloc(rh * ww * sizeof *col), *f = malloc(ww * sizeof *f), *d = malloc(ww * sizeof *d);
    double *z = malloc((ww + 1) * sizeof *z);
    uint32_t *arg = malloc(ww * sizeof *arg), *v = malloc(ww * sizeof *v);
    noise_axis *cols = malloc(2 * rw * sizeof *cols);
    bool ok = col && f && d && z && arg && v && cols;
    for (uint32_t x = wx0; ok && x < wx1; x++) {
        long last = -1; /* the last untreated row seen, going down */
        for (uint32_t y = wy0; y < ry1; y++) {
            if (!painted->c[(size_t)y * w + x])
                last = y;
            if (y >= ry0) {
                const double t = last < 0 ? none : (double)(y - (uint32_t)last);
                col[(size_t)(y - ry0) * ww + (x - wx0)] = last < 0 ? none : t * t;
            }
        }
        last = -1; /* going up */
        for (uint32_t y = wy1; y-- > ry0;) {
            if (!painted->c[(size_t)y * w + x])
                last = y;
            if (y < ry1 && last >= 0) {
                const double t = (double)((uint32_t)last - y);
                double *c = &col[(size_t)(y - ry0) * ww + (x - wx0)];
                *c = t * t < *c ? t * t : *c;
            }
        }
    }
    if (ok) { /* each column's noise axes, as noise_columns gives them */
        for (uint32_t x = rx0; x < rx1; x++) {
            const double m = (x + 0.5) * cell_mm;
            cols[2 * (size_t)(x - rx0)] = noise_axis_at(m / WANDER_MM);
            cols[2 * (size_t)(x - rx0) + 1] = noise_axis_at(m / (WANDER_MM / 3));
        }
    }
    const lattice hashed = {0, 0, NULL}; /* each node hashed: lattice_make's values */
    for (uint32_t y = ry0; ok && y < ry1; y++) {
        const double *cy = col + (size_t)(y - ry0) * ww;
        memcpy(f, cy, ww * sizeof *f);
        edt_line(f, ww, d, arg, v, z);
        const double my = (y + 0.5) * cell_mm;
        const noise_axis ay1 = noise_axis_at(my / WANDER_MM), ay2 = noise_axis_at(my / (WANDER_MM / 3));
        for (uint32_t x = rx0; x < rx1; x++) {
            const size_t i = (size_t)y * w + x;
            if (!painted->c[i]) {
                out[i] = 0;
                continue;
            }
            const double d2 = d[x - wx0];
            const double dist = (sqrt(d2) - 0.5) * cell_mm;
            if (d2 >= none || dist >= wander + width) {
                out[i] = 255;
                continue;
            }
            const double nz = zone_noise(seed, &hashed, &hashed, &cols[2 * (size_t)(x - rx0)], &ay1, &ay2);
            out[i] = zone_value(dist, nz, wander, width, 0);
        }
    }
    free(col), free(f), free(d), free(z), free(arg), free(v), free(cols);
    if (!ok) {
        free(out);
        return false;
    }
    *reach = out;
    return true;
}

/* Whether the eight bytes at p are all v (0 or 255). */
static inline bool word_is(const uint8_t *p, uint8_t v)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w == (v ? ~(uint64_t)0 : 0);
}

/* A feathered cell c with the feather undone by u (reach's second plane)
 * toward its value as painted p, then scaled by its reach r. */
static inline uint32_t reach_cell(uint32_t c, uint32_t p, uint32_t u, uint32_t r)
{
    if (u)
        c = (c * (255 - u) + p * u + 127) / 255;
    return c && r != 255 ? (c * r + 127) / 255 : c;
}

/* The broken edge's scaling of one feathered coverage by reach (painted:
 * the coverage before the feather, where reach undoes some of it, else
 * NULL); how many of its cells are then in its ramp (0 < c < 255). */
static size_t apply_reach(smp_coverage *cov, const uint8_t *reach, const uint8_t *painted)
{
    /* The wandering zone (smp__edge_reach) takes the feathered coverage
     * down to 0 at the mask's edge, nothing treated outside it. One pass;
     * a cell of 0, or a reach of 255, keeps its value ((255c + 127) / 255
     * is c) where no feather is undone: most cells, no division. */
    size_t ramp = 0;
    const size_t n = (size_t)cov->gw * cov->gh;
    const uint8_t *undo = reach && painted ? reach + n : NULL;
    for (size_t i = 0; i < n; i++) {
        /* eight cells of 0, or of 255 under a reach of 255: unchanged, none in the ramp */
        while (i + 8 <= n && (!undo || word_is(undo + i, 0)) &&
               (word_is(cov->c + i, 0) || (word_is(cov->c + i, 255) && (!reach || word_is(reach + i, 255)))))
            i += 8;
        if (i >= n)
            break;
        uint32_t c = cov->c[i];
        if (reach)
            cov->c[i] = (uint8_t)(c = reach_cell(c, painted ? painted[i] : 0, undo ? undo[i] : 0, reach[i]));
        ramp += (uint8_t)(c - 1) < 254; /* 0 < c < 255 */
    }
    return ramp;
}

/* Whether reach undoes the feather anywhere (its second plane). */
static bool undoes(const uint8_t *reach, size_t n)
{
    for (size_t i = 0; reach && i < n; i++) {
        if (i + 8 <= n && word_is(reach + n + i, 0)) {
            i += 7;
            continue;
        }
        if (reach[n + i])
            return true;
    }
    return false;
}

/* A ramp cell moved by the hairline's noise n. */
static inline uint8_t broken_cell(uint8_t c, double n)
{
    double v = c / 255.0, mid = 4 * v * (1 - v);
    v *= 1 + BROKEN_DEPTH * mid * (2 * n - 1) * 1.6;
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return (uint8_t)lrint(v * 255.0);
}

/* The hairline's noise at a cell of the broken edge: two octaves (seed, + 1). */
static inline double broken_noise(uint64_t seed, const lattice *l1, const lattice *l2, const noise_axis *col,
                                  const noise_axis *ay1, const noise_axis *ay2)
{
    return 0.65 * noise_mix(seed, l1, &col[0], ay1) + 0.35 * noise_mix(seed + 1, l2, &col[1], ay2);
}

smp_status smp__shape_edges(smp_coverage *cov, smp_coverage *other, smp_edge edge, double feather_mm, double ppm,
                            uint64_t seed, const uint8_t *reach, int threads, char *msg)
{
    return smp__shape_edges_memo(cov, other, edge, feather_mm, ppm, seed, reach, NULL, threads, msg);
}

smp_status smp__shape_edges_memo(smp_coverage *cov, smp_coverage *other, smp_edge edge, double feather_mm, double ppm,
                                 uint64_t seed, const uint8_t *reach, const smp_noise_memo *memo, int threads,
                                 char *msg)
{
    const size_t n = (size_t)cov->gw * cov->gh;
    if (other && !memcmp(cov->c, other->c, n)) { /* the same cells (no hair already there): shaped once */
        smp_status st = smp__shape_edges_memo(cov, NULL, edge, feather_mm, ppm, seed, reach, memo, threads, msg);
        if (st == SMP_OK)
            memcpy(other->c, cov->c, n);
        return st;
    }
    double width_mm = edge == SMP_EDGE_SHARP ? feather_mm * SHARP_SHARE : feather_mm;
    /* where reach undoes the feather (hair outside): the cells before it */
    const bool undo = edge == SMP_EDGE_BROKEN && undoes(reach, n);
    uint8_t *before = undo ? malloc(other ? 2 * n : n) : NULL;
    if (undo && !before)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the edge's coverage");
    if (before) {
        memcpy(before, cov->c, n);
        if (other)
            memcpy(before + n, other->c, n);
    }
    smp_status st = smp__coverage_feather(cov, width_mm * ppm, threads, msg);
    if (st == SMP_OK && other)
        st = smp__coverage_feather(other, width_mm * ppm, threads, msg);
    if (st != SMP_OK || edge != SMP_EDGE_BROKEN) {
        free(before);
        return st;
    }
    /* An irregular hairline: within the ramp only (0 < c < 255, so the
     * untreated outside stays untouched), two octaves of noise in mm move
     * the density up or down, most at mid-ramp. */
    const double cell_mm = cov->cell / ppm;
    const size_t ramp = apply_reach(cov, reach, before),
                 ramp_other = other ? apply_reach(other, reach, before ? before + n : NULL) : 0;
    free(before);
    /* the memo's coverage (other, or cov alone) before its noise */
    uint8_t *const mc = other ? other->c : cov->c;
    if (memo && memo->pre)
        memcpy(memo->pre, mc, n);
    const uint8_t *const last_pre = memo ? memo->last_pre : NULL, *const last_out = memo ? memo->last_out : NULL;
    /* the farthest cell centre, in each octave's lattice units */
    const double ex = (cov->gw - 0.5) * cell_mm, ey = (cov->gh - 0.5) * cell_mm;
    lattice l1 = {0, 0, NULL}, l2 = {0, 0, NULL};
    noise_axis *cols = NULL;
    /* The lattices are a cache of the nodes' hashes (the same values
     * either way): made for the larger of the two ramps. */
    const size_t most = ramp > ramp_other ? ramp : ramp_other;
    if (most) {
        l1 = lattice_make(seed, ex / BROKEN_SCALE_MM, ey / BROKEN_SCALE_MM, most);
        l2 = lattice_make(seed + 1, ex / (BROKEN_SCALE_MM / 3), ey / (BROKEN_SCALE_MM / 3), most);
        if (!(cols = malloc(2 * (size_t)cov->gw * sizeof *cols))) {
            free(l1.v);
            free(l2.v);
            return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hairline's noise");
        }
        noise_columns(cov->gw, cell_mm, BROKEN_SCALE_MM, BROKEN_SCALE_MM / 3, cols);
    }
    /* Each cell on its own (the noise is keyed by position, the same for
     * both coverages: taken once where either is in its ramp): rows in
     * parallel. */
    const uint32_t rows = most ? cov->gh : 0;
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(threads)))
    for (uint32_t y = 0; y < rows; y++) {
        const double my = (y + 0.5) * cell_mm;
        const noise_axis ay1 = noise_axis_at(my / BROKEN_SCALE_MM), ay2 = noise_axis_at(my / (BROKEN_SCALE_MM / 3));
        uint8_t *a = cov->c + (size_t)y * cov->gw, *b = other ? other->c + (size_t)y * cov->gw : NULL;
        for (uint32_t x = 0; x < cov->gw; x++) {
            /* eight cells of 0 or 255 in each: none in a ramp */
            while (x + 8 <= cov->gw && (word_is(a + x, 0) || word_is(a + x, 255)) &&
                   (!b || word_is(b + x, 0) || word_is(b + x, 255)))
                x += 8;
            if (x >= cov->gw)
                break;
            int in_a = a[x] != 0 && a[x] != 255, in_b = b && b[x] != 0 && b[x] != 255;
            if (last_pre && (b ? in_b : in_a)) { /* the memo's cell at the value it had: its bytes then */
                uint8_t *m = b ? &b[x] : &a[x];
                const size_t i = (size_t)y * cov->gw + x;
                if (*m == last_pre[i]) {
                    *m = last_out[i];
                    *(b ? &in_b : &in_a) = 0;
                }
            }
            if (!in_a && !in_b)
                continue;
            const double n = broken_noise(seed, &l1, &l2, &cols[2 * (size_t)x], &ay1, &ay2);
            if (in_a)
                a[x] = broken_cell(a[x], n);
            if (in_b)
                b[x] = broken_cell(b[x], n);
        }
    }
    free(cols);
    free(l1.v);
    free(l2.v);
    return SMP_OK;
}

bool smp__shape_edge_again(smp_coverage *cov, const smp_coverage *old_painted, const uint8_t *old_shaped,
                           smp_edge edge, double feather_mm, double ppm, uint64_t seed, const uint8_t *reach)
{
    const uint32_t w = cov->gw, h = cov->gh;
    const size_t n = (size_t)w * h;
    const double cell_mm = cov->cell / ppm;
    /* the broken style only, and its reach: what the cache keeps them for */
    if (edge != SMP_EDGE_BROKEN || !reach || !old_shaped || !old_painted->c || old_painted->gw != w ||
        old_painted->gh != h || old_painted->cell != cov->cell)
        return false;
    /* The cells whose painted value changed: the feather moves within 3
     * of its radii of them, the reach (smp__edge_reach_again) within
     * reach_cells; beyond both, the cell, its reach and its noise are
     * what they were, so is its shaped value. */
    uint32_t ex0 = w, ey0 = h, ex1 = 0, ey1 = 0;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *a = cov->c + (size_t)y * w, *b = old_painted->c + (size_t)y * w;
        if (!memcmp(a, b, w))
            continue;
        uint32_t x = 0, e = w;
        while (a[x] == b[x])
            x++;
        while (a[e - 1] == b[e - 1])
            e--;
        ex0 = x < ex0 ? x : ex0;
        ex1 = e > ex1 ? e : ex1;
        ey0 = y < ey0 ? y : ey0;
        ey1 = y + 1;
    }
    if (ex1 <= ex0) {
        memcpy(cov->c, old_shaped, n);
        return true;
    }
    const double width_px = feather_mm * ppm;
    const int fr = smp__feather_radius(width_px, cov->cell);
    const uint32_t rc = reach_cells(feather_mm, cell_mm), fm = fr > 0 ? 3 * (uint32_t)fr : 0;
    const uint32_t m = rc > fm ? rc : fm;
    const uint32_t q[4] = {ex0 > m ? ex0 - m : 0, ey0 > m ? ey0 - m : 0, w - ex1 > m ? ex1 + m : w,
                           h - ey1 > m ? ey1 + m : h};
    const size_t qw = q[2] - q[0], qh = q[3] - q[1];
    if (qw * qh > n / 4)
        return false;
    uint8_t *part = malloc(2 * qw * qh), *before = part ? part + qw * qh : NULL; /* feathered, as painted */
    noise_axis *cols = malloc(2 * qw * sizeof *cols);
    if (!part || !cols || !smp__coverage_feather_part(cov, width_px, q, part)) {
        free(part);
        free(cols);
        return false;
    }
    for (uint32_t y = q[1]; y < q[3]; y++)
        memcpy(before + (size_t)(y - q[1]) * qw, cov->c + (size_t)y * w + q[0], qw);
    for (uint32_t x = q[0]; x < q[2]; x++) { /* noise_columns' axes */
        const double mx = (x + 0.5) * cell_mm;
        cols[2 * (size_t)(x - q[0])] = noise_axis_at(mx / BROKEN_SCALE_MM);
        cols[2 * (size_t)(x - q[0]) + 1] = noise_axis_at(mx / (BROKEN_SCALE_MM / 3));
    }
    memcpy(cov->c, old_shaped, n);
    const lattice hashed = {0, 0, NULL}; /* each node hashed: lattice_make's values */
    for (uint32_t y = q[1]; y < q[3]; y++) {
        const double my = (y + 0.5) * cell_mm;
        const noise_axis ay1 = noise_axis_at(my / BROKEN_SCALE_MM), ay2 = noise_axis_at(my / (BROKEN_SCALE_MM / 3));
        for (uint32_t x = q[0]; x < q[2]; x++) {
            const size_t i = (size_t)y * w + x;
            const size_t j = (size_t)(y - q[1]) * qw + (x - q[0]);
            uint32_t c = reach_cell(part[j], before[j], reach[n + i], reach[i]); /* apply_reach */
            if (c != 0 && c != 255) { /* in the ramp: the hairline's noise */
                const double nz = broken_noise(seed, &hashed, &hashed, &cols[2 * (size_t)(x - q[0])], &ay1, &ay2);
                c = broken_cell((uint8_t)c, nz);
            }
            cov->c[i] = (uint8_t)c;
        }
    }
    free(part);
    free(cols);
    return true;
}

smp_status smp__shape_edge(smp_coverage *cov, smp_edge edge, double feather_mm, double ppm,
                           uint64_t seed, const uint8_t *reach, int threads, char *msg)
{
    return smp__shape_edges(cov, NULL, edge, feather_mm, ppm, seed, reach, threads, msg);
}

void smp__session_depths(const smp_optics *o, const smp_params *p, double dilution, const float final_od[3],
                         float out[][3])
{
    /* Artists start light and darken: session k of n is lighter by 0.05 of
     * dilution per session still to come; the last is the chosen shade. A
     * given colour keeps its depth in every session. */
    const int n = p->n_layers;
    for (int k = 1; k <= n; k++) {
        if (dilution >= 0)
            smp__od_for_dilution(o, fmin(0.95, dilution + 0.05 * (n - k)), out[k]);
        else
            for (int c = 0; c < 3; c++)
                out[k][c] = final_od[c];
    }
    for (int c = 0; c < 3; c++)
        out[0][c] = out[n][c];
}

/* Beyond smp__photo_blur_cap_mm a reading may come from soft features
 * (a blemish, shading) as much as from the optics, unless the map trusts it:
 * where level-1 edges support it (focus.h), the measured defocus counts up
 * to SMP_MAX_DEFOCUS_MM, about the map's own 8 px clamp at 15 px/mm. */
double smp__dot_photo_blur_mm(const struct smp_focus *f, double x, double y, double ppm)
{
    if (!f || !f->sigma)
        return 0;
    const double cap = smp__photo_blur_cap_mm(ppm, f->sharp_px), t = smp__focus_trust_at(f, x, y);
    const double limit = cap + t * (fmax(SMP_MAX_DEFOCUS_MM, cap) - cap);
    return fmin(smp__focus_at(f, x, y) / ppm, limit);
}

/* Dot size at the hairline: the density ramp of the edge zone (coverage
 * below full) also brings smaller, single-point dots toward the front:
 * 0.28 mm in the main area falls to about 0.15 mm at the very front. */
static double edge_size(double c) { return 0.55 + 0.45 * c; }

void smp__dress_dots(const smp_spts *pts, const smp_params *p, const smp_dress *dr, double ppm, smp_dot *out)
{
    for (size_t i = 0; i < pts->n; i++) {
        /* Healed dots vary by about +-10 % in size and load, and are
         * slightly elliptic (up to 1.25:1) in any direction. */
        const uint64_t h = smp__hash(p->seed, UINT64_MAX - 1, i, 0), h2 = smp__mix64(h), h3 = smp__mix64(h2);
        const double js = 1.0 + 0.2 * (smp__u01(h) - 0.5), jo = 1.0 + 0.2 * (smp__u01(h2) - 0.5);
        double size = dr->dot_mm * js * dr->size, op = p->opacity * jo * dr->load;
        const double x = pts->p[i].x * ppm, y = pts->p[i].y * ppm;
        if (dr->edge)
            size *= edge_size(smp__coverage_at(dr->edge, x, y) / 255.0);
        if (dr->scars) { /* scar tissue takes pigment less well, and it spreads */
            double s = smp__coverage_at(dr->scars, x, y) / 255.0;
            op *= 1 - 0.4 * s;
            size *= 1 + 0.3 * s;
        }
        /* Drawn as sharp as the photo is where it lies, no sharper (up to
         * a limit that the map's trust sets: smp__dot_photo_blur_mm). */
        const double blur = smp__dot_photo_blur_mm(dr->focus, x, y, ppm);
        out[i] = (smp_dot){pts->p[i].x, pts->p[i].y, size, (float)(op > 1 ? 1 : op), pts->p[i].layer,
                           (float)(1.0 + 0.25 * smp__u01(h3)), (float)(SMP_PI * smp__u01(smp__mix64(h3))),
                           (float)blur};
    }
}
