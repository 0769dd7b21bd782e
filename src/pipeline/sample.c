/* SPDX-License-Identifier: BSD-2-Clause */
/* Variable-density maximal Poisson-disk sampling, tiled, parallel and
 * deterministic.
 *
 * Spacing. A dot at q gets the exclusion radius r(q) = K / sqrt(density(q)),
 * and two dots p, q must satisfy |p - q| >= max(r(p), r(q)): each dot keeps
 * its neighbours at its own spacing, so a sparse-area dot also keeps
 * dense-area dots at the sparse spacing. K is calibrated on this sampler's
 * own (maximal) packing so that the achieved density is the asked one.
 *
 * Grid. Cells of side s = r_min / sqrt 2 hold at most one dot each (any two
 * dots are at least r_min apart). A dot is stored in its cell as 16-bit
 * fixed-point offsets and a 16-bit radius: every check uses those exact
 * stored values, so the rule holds for the coordinates we output.
 *
 * Maximality (Ebeida et al. 2011, "Efficient maximal Poisson-disk
 * sampling"). Darts are thrown into "active" cells; what stays uncovered
 * is subdivided into quarter cells, cells covered by one dot's disc are
 * dropped, and so on for up to MAX_LEVEL levels, leaving no gap a dot
 * could still take.
 *
 * Parallelism. The plane is cut into square tiles of T cells, T at least
 * the neighbour-search span, coloured in a 2 x 2 pattern: tiles of one
 * colour never read or write within reach of each other, so they run in
 * parallel. Every level runs in rounds, and every round visits the four
 * colours in a fixed order with one dart per active cell: all regions
 * fill at the same pace, so no tile sees its neighbours complete or empty
 * and no seam forms. Each sub-cell's dart and its place in the round's
 * order come from a hash of (seed, layer, tile, level, round, sub-cell),
 * so the result does not depend on threads or schedule, and a local change
 * of the coverage changes the dots only near it (tile_round). The output
 * lists tiles in raster order, cells in raster order within a tile. */
#include "rng.h"
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVEL 10   /* sub-cells down to s / 1024 */
#define TILE 32        /* cells per tile side */
_Static_assert(TILE == 32, "a tile's row of cells is one word of the occupancy bits");
#define MIN_COVER (255.0 / 16.0) /* below this, thin instead of growing r */
/* Active sub-cells in all, below which a level runs on one thread: its 12
 * lock-step passes would each share a few milliseconds of work or less
 * and end at a barrier where one thread spins for the other (on the
 * crown: levels 3-10, a tenth of the darts; the bytes do not depend on
 * it). */
#define PAR_MIN_ACTIVE 32768
/* Columns max_cover reads at once (a cell spans a few coverage cells). */
#define COVER_CHUNK 16

/* Rounds of darts per level: most dots land at level 0. */
static const int ROUNDS[MAX_LEVEL + 1] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};

/* Radius factor, calibrated: a maximal set with min distance d has about
 * 2 rho^2 / (sqrt 3 d^2) dots per unit area with rho ~ 0.76 (Lagae & Dutre
 * 2008); K = rho * sqrt(2 / sqrt 3) makes the count match the asked
 * density. tests/test_sample.c measures it within 2 %. */
static const double K_PACK = 0.8332;

double smp__exclusion_mm(double density_cm2) { return K_PACK / sqrt(density_cm2 / 100.0); }

typedef struct cellpt {
    uint16_t x, y; /* offset in the cell, (v + 0.5) / 65536 of a side */
    uint16_t r;    /* exclusion radius in units of r_max / 65535; 0 = empty */
    uint8_t layer;
    uint8_t fresh; /* placed by this run, not given */
    /* The point in mm (point_of's), made once when the dot is stored: the
     * neighbour scans read each stored dot's point many times (a fifth of
     * their work was point_of), and beside r it comes in the same line. */
    double px, py;
} cellpt;

/* An active (sub-)cell in 4 bytes: tiles are TILE x TILE cells and levels
 * go down to 2^-MAX_LEVEL of a cell. */
typedef struct sub {
    unsigned cell : 10; /* index in the tile, raster order */
    unsigned sx : 11, sy : 11; /* position at the current level */
} sub;

typedef struct tile {
    uint32_t x0, y0, tw, th; /* first cell and size, in cells */
    sub *act;
    uint32_t n_act;
    int failed;
} tile;

typedef struct sampler {
    const smp_sample_in *in;
    double s;              /* cell side, mm */
    double r_min, r_max;   /* mm */
    double r_unit;         /* mm per radius step */
    uint16_t r_full_q;     /* the radius at full coverage, stored units */
    uint32_t gw, gh;       /* grid, cells */
    cellpt *g;
    /* Which cells hold a dot, a bit each: a row of tiles_x words, one per
     * tile (TILE = 32), so the neighbour scans skip the empty cells (most of
     * them, where an earlier session's dots sit sparse in this layer's
     * finer grid) a word at a time, and a tile writes only its own words. */
    uint32_t *occ;
    uint32_t tiles_x, tiles_y, T;
    tile *tiles;
    uint8_t *least;        /* per coverage cell: least coverage within r_max (least_cover) */
    uint32_t least_box[4]; /* the coverage cells it is read at: x0, y0, x1, y1 */
    uint32_t least_lo[2], least_stride; /* where its rows start and their width */
    uint8_t *crange;       /* per grid cell: least and most coverage in it */
    int threads;           /* OpenMP threads for the tile loops */
    int run_threads;       /* those of the current level: 1 when it has little left to do */
    double cov_scale;      /* coverage px per mm */
    uint16_t rq_byte[256]; /* radius_q of each whole coverage value */
} sampler;

/* Coverage (0..255) at a point in mm; 255 everywhere without a field. */
static inline double cover(const sampler *s, double x, double y)
{
    const smp_coverage *c = s->in->cov;
    if (!c)
        return 255.0;
    return smp__coverage_at(c, (x + s->in->x0_mm) * s->cov_scale, (y + s->in->y0_mm) * s->cov_scale);
}

static uint16_t radius_q_of(const sampler *s, double c)
{
    double r = s->r_min * sqrt(255.0 / (c < MIN_COVER ? MIN_COVER : c));
    double q = ceil(r / s->r_unit);
    return (uint16_t)(q > 65535 ? 65535 : q < 1 ? 1 : q);
}

/* The radius at coverage c, stored units; a whole value (a flat cell, the
 * reach's least coverage) from the table made at setup. */
static inline uint16_t radius_q(const sampler *s, double c)
{
    if (c >= 0 && c <= 255 && (double)(int)c == c)
        return s->rq_byte[(int)c];
    return radius_q_of(s, c);
}

/* The largest radius any dot near (x, y) can have. */
static double reach_at(const sampler *s, double x, double y)
{
    const smp_coverage *c = s->in->cov;
    if (!c)
        return s->r_min;
    double px = (x + s->in->x0_mm) * s->cov_scale, py = (y + s->in->y0_mm) * s->cov_scale;
    uint32_t gx = (uint32_t)(px / c->cell), gy = (uint32_t)(py / c->cell);
    gx = gx >= c->gw ? c->gw - 1 : gx;
    gy = gy >= c->gh ? c->gh - 1 : gy;
    /* Inside least_box whenever (x, y) is on the grid; clamped for safety. */
    gx = gx < s->least_box[0] ? s->least_box[0] : gx > s->least_box[2] ? s->least_box[2] : gx;
    gy = gy < s->least_box[1] ? s->least_box[1] : gy > s->least_box[3] ? s->least_box[3] : gy;
    uint8_t m = s->least[(size_t)(gy - s->least_lo[1]) * s->least_stride + (gx - s->least_lo[0])];
    return radius_q(s, m ? m : 1) * s->r_unit;
}

static inline void point_of(const sampler *s, uint32_t cx, uint32_t cy, const cellpt *p, double *x,
                            double *y)
{
    *x = (cx + (p->x + 0.5) / 65536.0) * s->s;
    *y = (cy + (p->y + 0.5) / 65536.0) * s->s;
}

/* The grid cells that meet the box [ax, bx] x [ay, by] (mm), clipped. */
static inline void cell_window(const sampler *s, double ax, double ay, double bx, double by, int *x0,
                               int *y0, int *x1, int *y1)
{
    double inv = 1.0 / s->s;
    *x0 = ax <= 0 ? 0 : (int)(ax * inv);
    *y0 = ay <= 0 ? 0 : (int)(ay * inv);
    *x1 = bx * inv >= s->gw ? (int)s->gw - 1 : (int)(bx * inv);
    *y1 = by * inv >= s->gh ? (int)s->gh - 1 : (int)(by * inv);
}

/* Stores a dot in cell (cx, cy) with its point and marks the cell taken. */
static inline void put(sampler *s, uint32_t cx, uint32_t cy, cellpt q)
{
    point_of(s, cx, cy, &q, &q.px, &q.py);
    s->g[(size_t)cy * s->gw + cx] = q;
    s->occ[(size_t)cy * s->tiles_x + (cx >> 5)] |= 1u << (cx & 31);
}

static inline int lowest_bit(uint32_t w)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctz(w);
#else
    int i = 0;
    while (!(w & 1u)) {
        w >>= 1;
        i++;
    }
    return i;
#endif
}

/* The first taken cell of row j in [i, x1], or x1 + 1 if none. */
static inline int next_taken(const sampler *s, int j, int i, int x1)
{
    const uint32_t *row = s->occ + (size_t)j * s->tiles_x;
    while (i <= x1) {
        const uint32_t w = row[i >> 5] >> (i & 31);
        if (w) {
            i += lowest_bit(w);
            return i <= x1 ? i : x1 + 1;
        }
        i = (i | 31) + 1;
    }
    return x1 + 1;
}

/* True when a dot at (x, y) with radius rq (stored units) breaks the rule
 * against a stored dot. */
static int conflicts(const sampler *s, double x, double y, uint16_t rq)
{
    double r = rq * s->r_unit, reach = reach_at(s, x, y);
    reach = r > reach ? r : reach;
    int x0, x1, y0, y1;
    cell_window(s, x - reach, y - reach, x + reach, y + reach, &x0, &y0, &x1, &y1);
    for (int j = y0; j <= y1; j++) {
        const cellpt *row = s->g + (size_t)j * s->gw;
        for (int i = next_taken(s, j, x0, x1); i <= x1; i = next_taken(s, j, i + 1, x1)) {
            double m = (row[i].r > rq ? row[i].r : rq) * s->r_unit;
            double dx = row[i].px - x, dy = row[i].py - y;
            if (dx * dx + dy * dy < m * m)
                return 1;
        }
    }
    return 0;
}

/* Bounds in mm of sub-cell (sx, sy), side mm wide, of grid cell (cx, cy). */
static inline void cell_box(const sampler *s, uint32_t cx, uint32_t cy, unsigned sx, unsigned sy, double side,
                            double b[4])
{
    b[0] = cx * s->s + sx * side;
    b[1] = cy * s->s + sy * side;
    b[2] = b[0] + side;
    b[3] = b[1] + side;
}

/* Bounds of a sub-cell in mm. */
static void sub_box(const sampler *s, const tile *t, const sub *u, int level, double b[4])
{
    cell_box(s, t->x0 + u->cell % t->tw, t->y0 + u->cell / t->tw, u->sx, u->sy, s->s / (double)(1u << level), b);
}

/* Bounds of the coverage over a box: the bilinear field is a convex
 * combination of the nodes around each point, so the nodes reaching the
 * box bound it. */
static void cover_range(const sampler *s, const double b[4], uint8_t *lo, uint8_t *hi)
{
    const smp_coverage *c = s->in->cov;
    const double k = s->cov_scale / c->cell, ox = s->in->x0_mm, oy = s->in->y0_mm; /* cells per mm */
    long gx0 = (long)floor((b[0] + ox) * k - 0.5), gx1 = (long)ceil((b[2] + ox) * k - 0.5);
    long gy0 = (long)floor((b[1] + oy) * k - 0.5), gy1 = (long)ceil((b[3] + oy) * k - 0.5);
    gx0 = gx0 < 0 ? 0 : gx0 >= (long)c->gw ? (long)c->gw - 1 : gx0;
    gy0 = gy0 < 0 ? 0 : gy0 >= (long)c->gh ? (long)c->gh - 1 : gy0;
    gx1 = gx1 >= (long)c->gw ? (long)c->gw - 1 : gx1 < gx0 ? gx0 : gx1;
    gy1 = gy1 >= (long)c->gh ? (long)c->gh - 1 : gy1 < gy0 ? gy0 : gy1;
    uint8_t l = 255, h = 0;
    for (long y = gy0; y <= gy1; y++)
        for (long x = gx0; x <= gx1; x++) {
            uint8_t v = c->c[(size_t)y * c->gw + x];
            l = v < l ? v : l;
            h = v > h ? v : h;
        }
    *lo = l;
    *hi = h;
}

/* The t-th place max_cover looks at along an axis of the box [lo, hi]
 * (hi already pulled inside the domain): lo, hi, then the node lines from
 * `first`, 1 / k apart, while inside (n of them at most); false past the
 * last. */
static inline bool box_line(double lo, double hi, double first, double k, int n, int t, double *v)
{
    if (t < 2) {
        *v = t ? hi : lo;
        return true;
    }
    if (t - 2 >= n)
        return false;
    *v = first + (t - 2) / k;
    return *v < hi;
}

/* Most coverage anywhere in a box inside grid cell (cx, cy), exactly: the
 * bilinear field is linear along each grid line and each box edge between
 * grid lines, so its maximum over the box sits at a corner, at a node
 * inside, or where an edge crosses a grid line. (A bound from the nodes
 * around the box would keep untreated boxes beside the mask alive, and
 * their quarters would multiply level after level.) */
static double max_cover(const sampler *s, uint32_t cx, uint32_t cy, const double b[4])
{
    const smp_coverage *c = s->in->cov;
    if (!c)
        return 255.0;
    const uint8_t *r = s->crange + 2 * ((size_t)cy * s->gw + cx);
    if (r[0] == r[1] || r[1] == 0)
        return r[1]; /* flat or untreated cell: no need to look closer */
    const double x1 = b[2] < s->in->w_mm ? b[2] : s->in->w_mm * (1 - 1e-12);
    const double y1 = b[3] < s->in->h_mm ? b[3] : s->in->h_mm * (1 - 1e-12);
    /* Node lines sit at (i + 0.5) / k in the coverage's frame, which starts
     * at (-x0, -y0) in ours. The places looked at are every pair of the
     * box's edges and the node lines inside it across each axis; each
     * axis is read once (smp__coverage_axis), each place mixed from two. */
    const double k = s->cov_scale / c->cell, ox = s->in->x0_mm, oy = s->in->y0_mm;
    const double first_x = (floor((b[0] + ox) * k - 0.5) + 1.5) / k - ox; /* first line right of b[0] */
    const double first_y = (floor((b[1] + oy) * k - 0.5) + 1.5) / k - oy;
    const int nx = first_x < x1 ? (int)ceil((x1 - first_x) * k) : 0;
    const int ny = first_y < y1 ? (int)ceil((y1 - first_y) * k) : 0;
    double m = 0, v;
    smp_cov_axis sx[COVER_CHUNK];
    for (int i0 = 0;; i0 += COVER_CHUNK) { /* columns a chunk at a time: all rows against each chunk */
        int n = 0;
        while (n < COVER_CHUNK && box_line(b[0], x1, first_x, k, nx, i0 + n, &v)) {
            sx[n++] = smp__coverage_axis(c, (v + ox) * s->cov_scale, c->w, c->gw);
        }
        for (int j = 0; n && box_line(b[1], y1, first_y, k, ny, j, &v); j++) {
            const smp_cov_axis row = smp__coverage_axis(c, (v + oy) * s->cov_scale, c->h, c->gh);
            for (int i = 0; i < n; i++) {
                const double here = smp__coverage_mix(c, &sx[i], &row);
                m = here > m ? here : m;
            }
        }
        if (n < COVER_CHUNK)
            return m;
    }
}

/* Marks which of n boxes (all inside the box pb) no dot could still take:
 * off the domain, untreated, or covered whole by one stored dot's disc (a
 * disc is convex, so covering the four corners is enough). One pass over
 * the neighbours serves all the boxes.
 *
 * A dot kills box k when all four corner distances are below r = max(rp,
 * r_lo[k]), r_lo[k] the radius at the box's most coverage (max_cover).
 * That exact maximum is the costly part, and most boxes do without it: the
 * coverage at the box's first corner is one of the values max_cover takes
 * the maximum of, so when it is positive the box is treated (not dead) and
 * r_lo[k] is at most the radius there (the radius falls as coverage
 * grows). Such a box keeps that bound; a dot within rp of its corners
 * kills it, one not within the bound spares it. Below, the radius is at
 * least r_floor, the radius at the cell's most node coverage plus one
 * (a bilinear mix of nodes may round past the largest by an ulp, not by
 * one), so a dot within that floor kills too, and only a dot between floor
 * and bound asks for the exact radius. The outcome is the exact test's. */
static void dead_boxes(const sampler *s, const double pb[4], double (*b)[4], int n, int *dead,
                       int look)
{
    double r_lo[4], r_top = 0;
    int exact[4], live = 0;
    const uint32_t cx = (uint32_t)(pb[0] / s->s), cy = (uint32_t)(pb[1] / s->s);
    const uint8_t *cr = s->in->cov ? s->crange + 2 * ((size_t)cy * s->gw + cx) : NULL;
    const int flat = !cr || cr[0] == cr[1] || cr[1] == 0; /* max_cover is a lookup there */
    double r_floor = 0;
    if (!flat) { /* the cell holding pb: its centre's (pb[0] / s may round to the cell before) */
        uint32_t tx = (uint32_t)(0.5 * (pb[0] + pb[2]) / s->s), ty = (uint32_t)(0.5 * (pb[1] + pb[3]) / s->s);
        tx = tx < s->gw ? tx : s->gw - 1;
        ty = ty < s->gh ? ty : s->gh - 1;
        r_floor = radius_q(s, s->crange[2 * ((size_t)ty * s->gw + tx) + 1] + 1.0) * s->r_unit;
    }
    for (int i = 0; i < n; i++) {
        exact[i] = 1;
        if (b[i][0] >= s->in->w_mm || b[i][1] >= s->in->h_mm) {
            dead[i] = 1;
            continue;
        }
        double corner;
        if (!flat && (corner = cover(s, b[i][0], b[i][1])) > 0) {
            exact[i] = 0;
            r_lo[i] = radius_q(s, corner) * s->r_unit; /* a bound: see above */
            dead[i] = 0;
            live++;
            continue;
        }
        double mc = max_cover(s, cx, cy, b[i]);
        dead[i] = mc <= 0;
        if (dead[i])
            continue;
        r_lo[i] = radius_q(s, mc) * s->r_unit; /* no dot in the box is closer-spaced */
        r_top = r_lo[i] > r_top ? r_lo[i] : r_top;
        live++;
    }
    if (!live || !look)
        return;
    /* A dot covering a corner lies within its radius of that corner. */
    double reach = reach_at(s, 0.5 * (pb[0] + pb[2]), 0.5 * (pb[1] + pb[3]));
    for (int i = 0; i < n; i++)
        if (!dead[i] && !exact[i] && r_lo[i] > reach) { /* the window needs the exact radius */
            r_lo[i] = radius_q(s, max_cover(s, cx, cy, b[i])) * s->r_unit;
            exact[i] = 1;
        }
    for (int i = 0; i < n; i++)
        if (!dead[i] && exact[i])
            r_top = r_lo[i] > r_top ? r_lo[i] : r_top;
    reach = reach > r_top ? reach : r_top;
    int x0, x1, y0, y1;
    cell_window(s, pb[0] - reach, pb[1] - reach, pb[2] + reach, pb[3] + reach, &x0, &y0, &x1, &y1);
    /* A dot within r of all of box k's corners is nearer than r to its far
     * sides: inside (b[k][2] - r, b[k][0] + r) across, the same down, r at
     * most the dot's own radius or the boxes' largest r_lo. Most of the
     * window lies outside that for every box: one test skips those dots
     * (with a nanometre to spare, far above the rounding). */
    double ux = INFINITY, vx = -INFINITY, uy = INFINITY, vy = -INFINITY, r_box = 0;
    for (int k = 0; k < n; k++)
        if (!dead[k]) {
            ux = b[k][2] < ux ? b[k][2] : ux;
            vx = b[k][0] > vx ? b[k][0] : vx;
            uy = b[k][3] < uy ? b[k][3] : uy;
            vy = b[k][1] > vy ? b[k][1] : vy;
            r_box = r_lo[k] > r_box ? r_lo[k] : r_box;
        }
    for (int j = y0; j <= y1 && live; j++)
        for (int i = next_taken(s, j, x0, x1); i <= x1 && live; i = next_taken(s, j, i + 1, x1)) {
            const cellpt *p = &s->g[(size_t)j * s->gw + (size_t)i];
            const double px = p->px, py = p->py;
            double rp = p->r * s->r_unit;
            const double far = (rp > r_box ? rp : r_box) + 1e-6;
            if (px <= ux - far || px >= vx + far || py <= uy - far || py >= vy + far)
                continue;
            for (int k = 0; k < n; k++) {
                if (dead[k])
                    continue;
                double r = rp > r_lo[k] ? rp : r_lo[k], r2 = r * r;
                double dx0 = b[k][0] - px, dx1 = b[k][2] - px, dy0 = b[k][1] - py, dy1 = b[k][3] - py;
                dx0 *= dx0;
                dx1 *= dx1;
                dy0 *= dy0;
                dy1 *= dy1;
                if (!(dx0 + dy0 < r2 && dx1 + dy0 < r2 && dx0 + dy1 < r2 && dx1 + dy1 < r2))
                    continue; /* spared, the bound's test too */
                if (!exact[k] && r_lo[k] > rp) { /* killed within the bound: rp alone, or the exact radius */
                    const double f = r_floor > rp ? r_floor : rp, f2 = f * f;
                    if (dx0 + dy0 < f2 && dx1 + dy0 < f2 && dx0 + dy1 < f2 && dx1 + dy1 < f2) {
                        dead[k] = 1; /* within the floor: the exact radius is no less */
                        live--;
                        continue;
                    }
                    r_lo[k] = radius_q(s, max_cover(s, cx, cy, b[k])) * s->r_unit;
                    exact[k] = 1;
                    r = rp > r_lo[k] ? rp : r_lo[k];
                    r2 = r * r;
                    if (!(dx0 + dy0 < r2 && dx1 + dy0 < r2 && dx0 + dy1 < r2 && dx1 + dy1 < r2))
                        continue;
                }
                dead[k] = 1;
                live--;
            }
        }
}

static uint32_t sub_pack(sub u) { return (uint32_t)u.cell | (uint32_t)u.sx << 10 | (uint32_t)u.sy << 21; }
static sub sub_unpack(uint32_t v) { return (sub){v & 0x3FFu, v >> 10 & 0x7FFu, v >> 21}; }

/* One dart into each active sub-cell of a tile, in a random order. Each
 * sub-cell's priority and dart are a hash of (seed, layer, tile, level,
 * round, the sub-cell) alone, not draws from a stream the tile shares: an
 * edit of the coverage then changes only the dots it reaches (and those
 * their change reaches in turn), not every later dart of every tile a
 * changed dot borders. Ordered by priority (a stable radix sort on its 16
 * bits: equal ones keep the list's order, itself a function of the tile's
 * own sub-cells); a raster order would pack rows greedily, denser and
 * more regular than the random process calibrated for. */
static void tile_round(sampler *s, tile *t, int level, int round)
{
    const smp_sample_in *in = s->in;
    const uint64_t tile_id = (uint64_t)(t->y0 / s->T) * s->tiles_x + t->x0 / s->T;
    const uint32_t sub_bits = 16 - (uint32_t)level, n = t->n_act;
    if (!n)
        return;
    uint64_t *buf = malloc(2 * (size_t)n * sizeof *buf);
    if (!buf) {
        t->failed = 1;
        t->n_act = 0;
        return;
    }
    uint64_t *key = buf, *other = buf + n;
    /* smp__hash(seed, layer, tile_id, b) with its first three rounds once. */
    const uint64_t tile_key = smp__mix64(smp__mix64(smp__mix64(in->seed) ^ in->layer) ^ tile_id);
    const uint64_t when = (uint64_t)level << 40 | (uint64_t)round << 32;
    uint32_t count[2][257] = {{0}}; /* the priority's two bytes, counted at once */
    for (uint32_t k = 0; k < n; k++) {
        const uint32_t v = sub_pack(t->act[k]);
        key[k] = (smp__mix64(tile_key ^ (when | v)) & ~(uint64_t)0xFFFFFFFFFFFFu) | v;
        count[0][(key[k] >> 48 & 0xFF) + 1]++;
        count[1][(key[k] >> 56) + 1]++;
    }
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *c = count[pass];
        const unsigned shift = 48 + 8 * (unsigned)pass;
        for (int d = 0; d < 256; d++)
            c[d + 1] += c[d];
        for (uint32_t k = 0; k < n; k++)
            other[c[key[k] >> shift & 0xFF]++] = key[k];
        uint64_t *swap = key;
        key = other;
        other = swap;
    }
    uint32_t kept = 0;
    for (uint32_t k = 0; k < n; k++) {
        sub u = sub_unpack((uint32_t)key[k]);
        uint32_t cx = t->x0 + u.cell % t->tw, cy = t->y0 + u.cell / t->tw;
        cellpt *slot = &s->g[(size_t)cy * s->gw + cx];
        if (slot->r) /* the cell took a dot through another sub-cell */
            continue;
        const uint64_t h = smp__mix64(tile_key ^ (when | (uint32_t)key[k])); /* its low bits: the dart */
        uint32_t mask = (1u << sub_bits) - 1;
        cellpt q = {(uint16_t)((uint32_t)u.sx << sub_bits | (uint32_t)(h & mask)),
                    (uint16_t)((uint32_t)u.sy << sub_bits | (uint32_t)(h >> 16 & mask)), 0,
                    in->layer, 1, 0, 0};
        double x, y;
        point_of(s, cx, cy, &q, &x, &y);
        double c = 0;
        if (x < in->w_mm && y < in->h_mm) {
            const uint8_t *cr = in->cov ? s->crange + 2 * ((size_t)cy * s->gw + cx) : NULL;
            c = !cr ? 255.0 : cr[0] == cr[1] ? cr[0] : cover(s, x, y);
        }
        if (c > 0) {
            q.r = in->cov ? radius_q(s, c) : s->r_full_q;
            if (!conflicts(s, x, y, q.r)) {
                put(s, cx, cy, q);
                continue;
            }
        }
        t->act[kept++] = u;
    }
    t->n_act = kept;
    free(buf);
}

/* Replaces each active sub-cell by its live quarters. The new list grows
 * as needed: most quarters die, so sizing it for four per cell up front
 * would set the peak memory. */
static void tile_refine(sampler *s, tile *t, int level)
{
    uint32_t cap = t->n_act + 1, m = 0;
    sub *next = malloc(cap * sizeof *next);
    const double side = s->s / (double)(1u << level), half = s->s / (double)(1u << (level + 1));
    for (uint32_t k = 0; k < t->n_act && next; k++) {
        sub u = t->act[k];
        uint32_t cx = t->x0 + u.cell % t->tw, cy = t->y0 + u.cell / t->tw;
        if (s->g[(size_t)cy * s->gw + cx].r)
            continue;
        sub c[4];
        double pb[4], b[4][4];
        int dead[4];
        cell_box(s, cx, cy, u.sx, u.sy, side, pb); /* sub_box's, with the cell and sides found once */
        for (unsigned q = 0; q < 4; q++) {
            c[q] = (sub){u.cell, u.sx * 2u + (q & 1u), u.sy * 2u + (q >> 1)};
            cell_box(s, cx, cy, c[q].sx, c[q].sy, half, b[q]);
        }
        dead_boxes(s, pb, b, 4, dead, 1);
        for (int q = 0; q < 4; q++) {
            if (dead[q])
                continue;
            if (m == cap) {
                sub *grown = realloc(next, (size_t)cap * 2 * sizeof *next);
                if (!grown) {
                    free(next);
                    next = NULL;
                    break;
                }
                next = grown;
                cap *= 2;
            }
            next[m++] = c[q];
        }
    }
    free(t->act);
    t->act = next;
    t->n_act = next ? m : 0;
    if (!next)
        t->failed = 1;
}

/* Level 0: every cell of the tile that is not already taken or dead. */
static void tile_start(sampler *s, tile *t)
{
    t->act = malloc((size_t)t->tw * t->th * sizeof *t->act + 1);
    if (!t->act) {
        t->failed = 1;
        return;
    }
    for (uint32_t j = 0; j < t->th; j++)
        for (uint32_t i = 0; i < t->tw; i++) {
            sub u = {j * t->tw + i, 0, 0};
            if (s->g[(size_t)(t->y0 + j) * s->gw + t->x0 + i].r)
                continue;
            int dead = 0;
            if (s->in->cov || s->in->n_existing) {
                double b[1][4];
                sub_box(s, t, &u, 0, b[0]);
                /* The grid holds only the given dots now: without them, no disc to look for. */
                dead_boxes(s, b[0], b, 1, &dead, s->in->n_existing > 0);
            }
            if (!dead)
                t->act[t->n_act++] = u;
        }
}

/* Runs fn on every tile of one colour, in parallel (on s->threads, or on
 * one thread while there is too little to share: see PAR_MIN_ACTIVE). */
#define FOR_COLOUR(s, colour, body)                                                        \
    do {                                                                                   \
        long n_t_ = (long)(s)->tiles_x * (s)->tiles_y;                                      \
        const int nt_ = (s)->run_threads;                                                  \
        (void)nt_;                                                                         \
        SMP_OMP(omp parallel for schedule(dynamic, 1) num_threads(nt_))                    \
        for (long i_ = 0; i_ < n_t_; i_++) {                                               \
            uint32_t tx_ = (uint32_t)(i_ % (s)->tiles_x), ty_ = (uint32_t)(i_ / (s)->tiles_x); \
            if ((int)((tx_ & 1) | (ty_ & 1) << 1) != (colour))                            \
                continue;                                                                  \
            tile *t = &(s)->tiles[i_];                                                     \
            body;                                                                          \
        }                                                                                  \
    } while (0)

#define LANES 64 /* columns least_cover takes at once */

/* d = the least of a and b, m bytes (apart: vectorised). */
static void lane_min(uint8_t *restrict d, const uint8_t *restrict a, const uint8_t *restrict b, size_t m)
{
    if (m == LANES) { /* a count known when compiling: vectorised at -O2 too */
        for (size_t j = 0; j < LANES; j++)
            d[j] = a[j] < b[j] ? a[j] : b[j];
        return;
    }
    for (size_t j = 0; j < m; j++)
        d[j] = a[j] < b[j] ? a[j] : b[j];
}

/* Sliding minimum over windows of 2k+1 along n lines of len samples
 * (element i of line l at l * line_step + i * step, written at l *
 * out_line_step + i * out_step), lanes lines at once
 * (line l + j at j past line l: columns side by side, so that a row of
 * them is read in one go), van Herk / Gil-Werman: prefix and suffix minima
 * within blocks of the window's width give any window's minimum from two
 * lookups, in linear time. g and h hold len * lanes. */
static void sliding_min(const uint8_t *in, uint8_t *out, size_t n, size_t len, size_t line_step,
                        size_t step, size_t out_line_step, size_t out_step, size_t lanes, int k, uint8_t *g,
                        uint8_t *h)
{
    const size_t w = 2 * (size_t)k + 1;
    for (size_t l = 0; l < n; l += lanes) {
        const size_t m = n - l < lanes ? n - l : lanes;
        const uint8_t *src = in + l * line_step;
        uint8_t *dst = out + l * out_line_step;
        for (size_t i = 0, b = 0; i < len; i++, b = b + 1 == w ? 0 : b + 1) { /* b = i % w */
            if (b == 0)
                memcpy(g + i * m, src + i * step, m);
            else
                lane_min(g + i * m, src + i * step, g + (i - 1) * m, m);
        }
        for (size_t i = len, b = (len - 1) % w; i-- > 0; b = b == 0 ? w - 1 : b - 1) {
            if (i == len - 1 || b == w - 1)
                memcpy(h + i * m, src + i * step, m);
            else
                lane_min(h + i * m, src + i * step, h + (i + 1) * m, m);
        }
        for (size_t i = 0; i < len; i++) {
            size_t lo = i >= (size_t)k ? i - k : 0, hi = i + k < len ? i + k : len - 1;
            /* [lo, hi] spans at most two blocks: the suffix of lo's, the prefix of hi's. */
            lane_min(dst + i * out_step, h + lo * m, g + hi * m, m);
        }
    }
}

/* The same along rows (one line at a time, its samples side by side). */
static void sliding_min_rows(const uint8_t *in, uint8_t *out, size_t n, size_t len, size_t line_step,
                             size_t out_line_step, int k, uint8_t *g, uint8_t *h)
{
    const size_t w = 2 * (size_t)k + 1;
    for (size_t l = 0; l < n; l++) {
        const uint8_t *src = in + l * line_step;
        uint8_t *dst = out + l * out_line_step;
        for (size_t i0 = 0; i0 < len; i0 += w) { /* block by block: prefix and suffix minima */
            const size_t i1 = i0 + w < len ? i0 + w : len;
            g[i0] = src[i0];
            for (size_t i = i0 + 1; i < i1; i++)
                g[i] = src[i] < g[i - 1] ? src[i] : g[i - 1];
            h[i1 - 1] = src[i1 - 1];
            for (size_t i = i1 - 1; i-- > i0;)
                h[i] = src[i] < h[i + 1] ? src[i] : h[i + 1];
        }
        for (size_t i = 0; i < len;) {
            if (i >= (size_t)k && i + k + LANES <= len) { /* LANES windows inside the line at once */
                lane_min(dst + i, h + i - k, g + i + k, LANES);
                i += LANES;
                continue;
            }
            size_t lo = i >= (size_t)k ? i - k : 0, hi = i + k < len ? i + k : len - 1;
            dst[i] = h[lo] < g[hi] ? h[lo] : g[hi];
            i++;
        }
    }
}

/* Least coverage within reach of each coverage cell (see reach_at), for
 * the cells [lb[0], lb[2]] x [lb[1], lb[3]] (the sampling grid's, which is
 * all reach_at reads) and their reach: a window there, cut at the
 * coverage's edges, is the one the whole coverage would give. Stored with
 * the stride lb[2] - lb[0] + 1 + 2k from column lb[0] - k, row lb[1] - k
 * (clipped: lo holds where the stored part starts, stride its width). The
 * columns go LANES at a time: one column alone reads a byte per row, a
 * cache line apart. */
static uint8_t *least_cover(const smp_coverage *cov, double r_max_px, const uint32_t lb[4], uint32_t lo[2],
                            uint32_t *stride)
{
    const int k = (int)ceil(r_max_px / cov->cell) + 1; /* +1: bilinear reads a neighbour */
    const size_t x0 = lb[0] > (uint32_t)k ? lb[0] - (uint32_t)k : 0, y0 = lb[1] > (uint32_t)k ? lb[1] - (uint32_t)k : 0;
    const size_t x1 = (size_t)lb[2] + k < cov->gw ? (size_t)lb[2] + k : cov->gw - 1;
    const size_t y1 = (size_t)lb[3] + k < cov->gh ? (size_t)lb[3] + k : cov->gh - 1;
    const size_t sw = x1 - x0 + 1, sh = y1 - y0 + 1, longest = sw > sh ? sw : sh;
    size_t n = sw * sh;
    uint8_t *tmp = malloc(n), *out = malloc(n), *g = malloc(longest * LANES), *h = malloc(longest * LANES);
    if (tmp && out && g && h) {
        sliding_min_rows(cov->c + y0 * cov->gw + x0, tmp, sh, sw, cov->gw, sw, k, g, h);
        sliding_min(tmp, out, sw, sh, 1, sw, 1, sw, LANES, k, g, h); /* columns, LANES side by side */
        lo[0] = (uint32_t)x0;
        lo[1] = (uint32_t)y0;
        *stride = (uint32_t)sw;
    } else {
        free(out);
        out = NULL;
    }
    free(tmp);
    free(g);
    free(h);
    return out;
}

/* side: the grid's cell side in mm, 0 for r_min / sqrt 2 (smp__sample). */
static smp_status setup(sampler *s, const smp_sample_in *in, double side, char *msg)
{
    memset(s, 0, sizeof *s);
    s->in = in;
    if (!(in->w_mm > 0 && in->h_mm > 0 && in->density_cm2 > 0))
        return smp__fail(msg, SMP_ERR_ARG, "the sampling domain and density must be positive");
    s->r_min = smp__exclusion_mm(in->density_cm2);
    s->r_max = in->cov ? s->r_min * sqrt(255.0 / MIN_COVER) : s->r_min;
    s->r_unit = s->r_max / 65535.0;
    s->s = side > 0 ? side : s->r_min * SMP_SQRT1_2;
    for (int c = 0; c < 256; c++)
        s->rq_byte[c] = radius_q_of(s, c);
    s->r_full_q = radius_q(s, 255);
    s->cov_scale = in->cov_px_per_mm;
    s->threads = smp__threads(in->threads);
    s->run_threads = s->threads;
    double gw = ceil(in->w_mm / s->s), gh = ceil(in->h_mm / s->s);
    size_t cells;
    if (gw * gh > 4e9 || !smp__mul((size_t)gw, (size_t)gh, &cells) ||
        !smp__mul(cells, sizeof(cellpt), &cells))
        return smp__fail(msg, SMP_ERR_LIMIT,
                         "%.0f x %.0f mm at %.0f dots/cm² needs too many grid cells", in->w_mm,
                         in->h_mm, in->density_cm2);
    s->gw = (uint32_t)gw;
    s->gh = (uint32_t)gh;
    /* Same-colour tiles are a tile apart: a tile must span the search,
     * which reaches r_max <= 4 r_min = 5.7 cells (28.3 in cells a fifth
     * the side: smp__sample's least). */
    if ((uint32_t)ceil(s->r_max / s->s) + 2 > TILE)
        return smp__fail(msg, SMP_ERR_ARG, "internal: the search outgrows a tile");
    s->T = TILE;
    s->tiles_x = (s->gw + s->T - 1) / s->T;
    s->tiles_y = (s->gh + s->T - 1) / s->T;
    s->g = calloc(cells / sizeof(cellpt), sizeof(cellpt));
    s->tiles = calloc((size_t)s->tiles_x * s->tiles_y, sizeof *s->tiles);
    s->occ = calloc((size_t)s->tiles_x * s->gh, sizeof *s->occ);
    if (in->cov) { /* the coverage cells under the grid, a cell more all round */
        const smp_coverage *c = in->cov;
        const double k = in->cov_px_per_mm / c->cell;
        const double bx[2] = {in->x0_mm * k - 1, (in->x0_mm + s->gw * s->s) * k + 1};
        const double by[2] = {in->y0_mm * k - 1, (in->y0_mm + s->gh * s->s) * k + 1};
        const uint32_t lb[4] = {bx[0] <= 0 ? 0 : bx[0] >= c->gw - 1 ? c->gw - 1 : (uint32_t)bx[0],
                                by[0] <= 0 ? 0 : by[0] >= c->gh - 1 ? c->gh - 1 : (uint32_t)by[0],
                                bx[1] >= c->gw - 1 ? c->gw - 1 : bx[1] <= 0 ? 0 : (uint32_t)bx[1],
                                by[1] >= c->gh - 1 ? c->gh - 1 : by[1] <= 0 ? 0 : (uint32_t)by[1]};
        memcpy(s->least_box, lb, sizeof lb);
        s->least = least_cover(c, s->r_max * in->cov_px_per_mm, lb, s->least_lo, &s->least_stride);
    }
    if (in->cov)
        s->crange = malloc((size_t)s->gw * s->gh * 2);
    if (!s->g || !s->tiles || !s->occ || (in->cov && (!s->least || !s->crange)))
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the sampling grid (%zu bytes)", cells);
    for (uint32_t cy = 0; in->cov && cy < s->gh; cy++)
        for (uint32_t cx = 0; cx < s->gw; cx++) {
            const double b[4] = {cx * s->s, cy * s->s, (cx + 1) * s->s, (cy + 1) * s->s};
            uint8_t *r = s->crange + 2 * ((size_t)cy * s->gw + cx);
            cover_range(s, b, &r[0], &r[1]);
        }
    for (uint32_t ty = 0; ty < s->tiles_y; ty++)
        for (uint32_t tx = 0; tx < s->tiles_x; tx++) {
            tile *t = &s->tiles[(size_t)ty * s->tiles_x + tx];
            t->x0 = tx * s->T;
            t->y0 = ty * s->T;
            t->tw = t->x0 + s->T <= s->gw ? s->T : s->gw - t->x0;
            t->th = t->y0 + s->T <= s->gh ? s->T : s->gh - t->y0;
        }
    return SMP_OK;
}

/* Places the given dots in the grid, each alone in its cell: that holds
 * when they respect this run's spacing, but an earlier session's dots may
 * sit closer (a low regularity lets the pattern move them to 0.3 of their
 * hexagonal spacing). Then *side is set to a cell side that parts the
 * pair found (and the grid must be set up again with it). */
static smp_status insert_existing(sampler *s, double *side, char *msg)
{
    const smp_sample_in *in = s->in;
    for (size_t i = 0; i < in->n_existing; i++) {
        const smp_spt *e = &in->existing[i];
        double x = e->x - in->x0_mm, y = e->y - in->y0_mm;
        if (!(x >= 0 && y >= 0 && x < in->w_mm && y < in->h_mm))
            continue;
        uint32_t cx = (uint32_t)(x / s->s), cy = (uint32_t)(y / s->s);
        cellpt *slot = &s->g[(size_t)cy * s->gw + cx];
        if (slot->r) {
            double px, py;
            point_of(s, cx, cy, slot, &px, &py);
            const double d = sqrt((x - px) * (x - px) + (y - py) * (y - py));
            *side = 0.999 * d * SMP_SQRT1_2; /* a square cell's diagonal under d */
            if (*side > 0 && *side < s->s * 0.999)
                return SMP_OK;
            *side = 0;
            return smp__fail(msg, SMP_ERR_ARG, "earlier dots at (%.3f, %.3f) mm coincide", e->x, e->y);
        }
        double fx = x / s->s - cx, fy = y / s->s - cy;
        double c = cover(s, x, y);
        /* Stored a step wider than its radius: the fixed-point position may
         * sit up to 1/65536 of a cell away from the given one. */
        uint16_t r = radius_q(s, c > 0 ? c : 1);
        put(s, cx, cy,
            (cellpt){(uint16_t)fmin(65535, floor(fx * 65536)), (uint16_t)fmin(65535, floor(fy * 65536)),
                     (uint16_t)(r < 65535 ? r + 1 : r), e->layer, 0, 0, 0});
    }
    return SMP_OK;
}

static void teardown(sampler *s)
{
    if (s->tiles)
        for (size_t i = 0; i < (size_t)s->tiles_x * s->tiles_y; i++)
            free(s->tiles[i].act);
    free(s->tiles);
    free(s->least);
    free(s->crange);
    free(s->occ);
    free(s->g);
}

/* Gathers the new dots, tile by tile, thinning sparse areas (kept with
 * probability c / MIN_COVER, keyed by the cell). */
static smp_status gather(sampler *s, smp_spts *out, char *msg)
{
    size_t n = 0;
    for (size_t i = 0; i < (size_t)s->gw * s->gh; i++)
        n += s->g[i].r && s->g[i].fresh;
    out->p = malloc((n ? n : 1) * sizeof *out->p);
    if (!out->p)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate %zu dots", n);
    size_t k = 0;
    for (uint32_t ty = 0; ty < s->tiles_y; ty++)
        for (uint32_t tx = 0; tx < s->tiles_x; tx++) {
            const tile *t = &s->tiles[(size_t)ty * s->tiles_x + tx];
            for (uint32_t j = 0; j < t->th; j++)
                for (uint32_t i = 0; i < t->tw; i++) {
                    uint32_t cx = t->x0 + i, cy = t->y0 + j;
                    size_t gi = (size_t)cy * s->gw + cx;
                    const cellpt *p = &s->g[gi];
                    if (!p->r || !p->fresh)
                        continue;
                    double x, y;
                    point_of(s, cx, cy, p, &x, &y);
                    double c = cover(s, x, y);
                    if (c < MIN_COVER &&
                        smp__u01(smp__hash(s->in->seed, s->in->layer, UINT64_MAX, gi)) * MIN_COVER >= c)
                        continue;
                    out->p[k++] = (smp_spt){x + s->in->x0_mm, y + s->in->y0_mm,
                                            (float)(p->r * s->r_unit), p->layer};
                }
        }
    out->n = k;
    return SMP_OK;
}

smp_status smp__sample(const smp_sample_in *in, smp_spts *out, char *msg)
{
    memset(out, 0, sizeof *out);
    sampler s;
    /* Cells of r_min / sqrt 2, or smaller where the earlier dots need
     * (insert_existing): down to a fifth, the most a tile's search spans. */
    double side = 0;
    smp_status st;
    for (;;) {
        double need = 0;
        st = setup(&s, in, side, msg);
        if (st == SMP_OK)
            st = insert_existing(&s, &need, msg);
        if (st != SMP_OK || need == 0)
            break;
        teardown(&s);
        if (need < 0.2 * smp__exclusion_mm(in->density_cm2) * SMP_SQRT1_2)
            return smp__fail(msg, SMP_ERR_ARG, "earlier dots %.4f mm apart are closer than this layer can hold",
                             need / (0.999 * SMP_SQRT1_2));
        side = need;
    }
    if (st != SMP_OK) {
        teardown(&s);
        return st;
    }
    for (int colour = 0; colour < 4; colour++)
        FOR_COLOUR(&s, colour, tile_start(&s, t));
    for (int level = 0; level <= MAX_LEVEL; level++) {
        size_t active = 0;
        for (size_t i = 0; i < (size_t)s.tiles_x * s.tiles_y; i++)
            active += s.tiles[i].n_act;
        s.run_threads = active >= PAR_MIN_ACTIVE ? s.threads : 1;
        for (int round = 0; round < ROUNDS[level]; round++)
            for (int colour = 0; colour < 4; colour++)
                FOR_COLOUR(&s, colour, tile_round(&s, t, level, round));
        if (level < MAX_LEVEL)
            for (int colour = 0; colour < 4; colour++)
                FOR_COLOUR(&s, colour, tile_refine(&s, t, level));
    }
    int failed = 0;
    for (size_t i = 0; i < (size_t)s.tiles_x * s.tiles_y; i++) {
        failed |= s.tiles[i].failed;
        free(s.tiles[i].act); /* before the output is allocated */
        s.tiles[i].act = NULL;
    }
    st = failed ? smp__fail(msg, SMP_ERR_NOMEM, "out of memory while placing dots")
                : gather(&s, out, msg);
    teardown(&s);
    return st;
}

void smp__spts_free(smp_spts *pts)
{
    free(pts->p);
    memset(pts, 0, sizeof *pts);
}
