/* SPDX-License-Identifier: BSD-2-Clause */
/* A natural dot pattern, as a step after the maximal sampler.
 *
 * Practitioners do not place dots on a lattice: the dots keep a minimum
 * distance of about 0.6 d_hex (Lagae & Dutre's rho; d_hex =
 * sqrt(2 / (sqrt 3 n)) is the hexagonal spacing for n dots per area),
 * well under the ~0.775 of a maximal Poisson-disk set, and some dots come
 * in close pairs, as hairs do in follicular units.
 *
 * Thinning, then jitter. A maximal set thinned straight to rho (keeping
 * 0.6 of a set sampled at 1.67x the density) leaves each dot at the
 * sampler's radius from its kept neighbours, and keeping 0.6 of a
 * near-hexagonal set is above the 0.5 at which kept neighbours join into
 * chains (site percolation): at viewing size the dots read as a grey maze
 * of worms. Thinning 0.3 away at random also leaves holes a dot wide
 * that read as a pink mottle between the dots at viewing size. So the
 * sampler works at base / KEEP_FLAT = base / 0.9 on full coverage, and at
 * base / KEEP_RAMP = base / 0.7 where the coverage falls (it sees the
 * coverage raised by 0.9 / 0.7, capped at full) and around earlier
 * sessions' dots: the surplus fills the maximal sampler's deficit on ramps
 * (below) where it is needed and stays small where the eye judges the
 * evenness. Then every dot is moved once, as a hand misses its aim: a
 * hashed offset, uniform in a disc of 0.6 (0.775 - rho) d_hex (wider
 * discs let more dots wander into clumps and holes), taken when it
 * keeps rho x d_hex from every other dot and, where the coverage falls,
 * with the odds of the coverage there over the coverage here, so that
 * edges and ramps keep their density (else the next of JITTER_TRIES
 * offsets; else the dot stays). The minimum distance becomes rho x d_hex,
 * the nearest-neighbour distances spread from there to the maximal set's,
 * no chains form. Thinning and jitter still left pink holes, spots 0.8 to
 * 1.25 d_hex from every dot (1.1 % of the area beyond 0.8 d_hex; a maximal
 * set has none beyond 0.78): where the coverage is flat, a crowded dot
 * nearby is moved into each (fill_holes), as a hand fills the gaps it
 * sees, leaving 0.14 %. The structure factor at the wavelengths a viewer
 * sees as mottle (1.5-3 d_hex) is then 0.19, pairs included (0.26 with
 * the holes; maximal set 0.11, coin flips 1; thinning 0.7 everywhere with
 * a disc of 2 (0.775 - rho) gave 0.41, visibly blotchy on the crown photo
 * at a quarter size).
 *
 * The keep rate is local, not a constant. Around each new dot, within
 * LOCAL_R of its own radii (about 20 sampled dots; at most 1.5x the
 * least radius, so that a disc does not span a whole ramp: a disc of
 * the least radius held too few dots where the coverage is low, and
 * the noise of its count biased the rate 3.5 % high), the field asks
 * for T dots (the
 * non-companion density times the disc's area times its mean coverage,
 * 0 off the domain); e earlier non-companion dots and m new ones are
 * there, so the rate is (T - e) / m. The dots are decided in a hashed
 * order, each against the ones decided before it in its disc (error
 * diffusion, see thin()), so every disc keeps its rate's count within
 * about a dot. Where the sampler strays from the field the rate corrects
 * it: the maximal sampler falls 15 % short across a 0 -> full ramp of
 * 5 mm. Sessions need no assumption either: layer k is sampled at its
 * cumulative density around the earlier layers' non-companion dots
 * (farther apart than this layer's radius) and e counts them. Earlier
 * companions are not given to the sampler (two could share its grid
 * cell): new dots closer than their radius to one are dropped first, and
 * the rate absorbs that too.
 *
 * Pairs. A pair share p of all dots means p / (2 - p) companions per
 * non-companion dot. Every kept dot gets one candidate companion (a
 * hashed distance and the first of 16 directions, from a hashed start,
 * that keeps rho x d_hex from every other dot and lies in the treated
 * domain). Candidates are then taken in order of a hashed priority, each
 * keeping that distance from companions taken before it,
 * until the count is reached: the share comes out exact despite the
 * border and crowded spots, and the choice is random sequential, so it
 * does not depend on the order of the dots. */
#include "pattern.h"

#include "internal.h"
#include "rng.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAIR_NEAR 0.2 /* mm, companion distance: see pattern.h */
#define PAIR_FAR 0.5
#define DIRECTIONS 16
#define LOCAL_R 3.0 /* the window of the local keep rate, in the layer's least radius */
#define STREAM_THIN 0x7468696e00ull /* "thin", then the layer */
#define STREAM_PAIR 0x7061697200ull /* "pair" */
#define STREAM_JITTER 0x6a69747400ull /* "jitt" */
#define STREAM_HOLE 0x686f6c6500ull   /* "hole" */
#define KEEP_FLAT 0.9 /* the share of the sampled dots thinning keeps on full coverage: see the top */
#define KEEP_RAMP 0.7 /* where the coverage falls, and around earlier sessions' dots */
#define JITTER_TRIES 8
#define JITTER_REACH 0.6 /* the jitter disc over (0.775 - rho) d_hex: see the top */

/* rho of the sampler's maximal sets: its radius over d_hex. */
static double rho_maximal(void) { return smp__exclusion_mm(100) / sqrt(2 / sqrt(3.0)); }

static double pair_share(const smp_pattern *pat)
{
    double p = pat ? pat->pair_share : 0;
    return p > 0 ? (p < 0.9 ? p : 0.9) : 0;
}

static int is_maximal(const smp_pattern *pat) { return !pat || pat->rho >= SMP_PATTERN_MAXIMAL_RHO; }

static double pattern_rho(const smp_pattern *pat) { return pat->rho > 0.3 ? pat->rho : 0.3; }

/* The least share of the sampled dots thinning keeps (see the top): more
 * surplus where the coverage falls and around earlier sessions' dots, where
 * the sampler falls short, than on full coverage. Raised to (rho /
 * maximal)^2 where rho is so close to the maximal set's that sampling at
 * base / keep would put dots closer than rho. */
static double keep_floor(const smp_pattern *pat, double keep)
{
    const double k = pattern_rho(pat) / rho_maximal();
    return k * k > keep ? (k * k < 1 ? k * k : 1) : keep;
}

static double keep_ramp(const smp_pattern *pat) { return keep_floor(pat, KEEP_RAMP); }

static double keep_flat(const smp_pattern *pat, size_t n_existing)
{
    return n_existing ? keep_ramp(pat) : keep_floor(pat, KEEP_FLAT);
}

/* The share kept where the coverage is `cover` (0..1): the sampler sees
 * the coverage raised by keep_flat / keep_ramp, capped at full. */
static double keep_at(const smp_pattern *pat, size_t n_existing, double cover)
{
    const double kf = keep_flat(pat, n_existing), kr = keep_ramp(pat);
    return kf * cover > kr ? kf * cover : kr;
}

/* Density of the non-companion dots for a pattern density. */
static double base_density(const smp_pattern *pat, double density_cm2)
{
    return density_cm2 * (1 - 0.5 * pair_share(pat));
}

/* The density to ask the sampler for at full coverage. */
static double sample_density(const smp_pattern *pat, double density_cm2, size_t n_existing)
{
    double base = base_density(pat, density_cm2);
    if (is_maximal(pat))
        return base;
    return base / keep_flat(pat, n_existing);
}

/* Hash key of a coordinate: the position rounded to 1/4096 mm. */
static uint64_t key(double v) { return (uint64_t)(int64_t)llround(v * 4096.0); }

static uint64_t dot_hash(const smp_sample_in *in, uint64_t stream, const smp_spt *p)
{
    return smp__hash(in->seed, stream | in->layer, key(p->x), key(p->y));
}

/* Buckets over points in the domain's frame; points outside go to the
 * border cells, so every point within reach of a query is found. */
typedef struct grid {
    double x0, y0, cell;
    long gw, gh;
    size_t *head, *next;
    double *xy;
    size_t n;
} grid;

static void grid_free(grid *g)
{
    free(g->head);
    free(g->next);
    free(g->xy);
    memset(g, 0, sizeof *g);
}

static int grid_init(grid *g, const smp_sample_in *in, double cell, size_t cap)
{
    *g = (grid){in->x0_mm, in->y0_mm, cell, (long)(in->w_mm / cell) + 1, (long)(in->h_mm / cell) + 1,
                NULL, NULL, NULL, 0};
    g->head = malloc((size_t)g->gw * (size_t)g->gh * sizeof *g->head);
    g->next = malloc((cap + 1) * sizeof *g->next);
    g->xy = malloc(2 * (cap + 1) * sizeof *g->xy);
    if (!g->head || !g->next || !g->xy) {
        grid_free(g);
        return 0;
    }
    for (size_t i = 0; i < (size_t)g->gw * (size_t)g->gh; i++)
        g->head[i] = SIZE_MAX;
    return 1;
}

static long clampl(long v, long n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }

static long cell_of(const grid *g, double v, double v0, long n)
{
    double c = floor((v - v0) / g->cell);
    return c < 0 ? 0 : c >= (double)n ? n - 1 : (long)c;
}

/* Adds a point (room for it was asked at grid_init); returns its index. */
static size_t grid_add(grid *g, double x, double y)
{
    size_t i = g->n++, c = (size_t)cell_of(g, y, g->y0, g->gh) * (size_t)g->gw + (size_t)cell_of(g, x, g->x0, g->gw);
    g->xy[2 * i] = x;
    g->xy[2 * i + 1] = y;
    g->next[i] = g->head[c];
    g->head[c] = i;
    return i;
}

/* True when a point other than `skip` lies closer than r to (x, y), the
 * points having moved up to `slack` from where they were bucketed. */
static int grid_near_moved(const grid *g, double x, double y, double r, double slack, size_t skip)
{
    const double q = r + slack;
    long x0 = clampl((long)floor((x - q - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + q - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - q - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + q - g->y0) / g->cell), g->gh);
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++)
            for (size_t k = g->head[(size_t)j * (size_t)g->gw + (size_t)i]; k != SIZE_MAX; k = g->next[k]) {
                double dx = g->xy[2 * k] - x, dy = g->xy[2 * k + 1] - y;
                if (k != skip && dx * dx + dy * dy < r * r)
                    return 1;
            }
    return 0;
}

/* True when a point lies at a squared distance under d2 from (x, y),
 * looked for within r (d2 at most r * r). */
static int grid_any_within2(const grid *g, double x, double y, double r, double d2)
{
    long x0 = clampl((long)floor((x - r - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + r - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - r - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + r - g->y0) / g->cell), g->gh);
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++)
            for (size_t k = g->head[(size_t)j * (size_t)g->gw + (size_t)i]; k != SIZE_MAX; k = g->next[k]) {
                double dx = g->xy[2 * k] - x, dy = g->xy[2 * k + 1] - y;
                if (dx * dx + dy * dy < d2)
                    return 1;
            }
    return 0;
}

static int grid_near(const grid *g, double x, double y, double r, size_t skip)
{
    return grid_near_moved(g, x, y, r, 0, skip);
}

/* The squared distance from (x, y) to the nearest point other than `skip`,
 * looked for within r (r * r when none is nearer). */
static double grid_nearest2(const grid *g, double x, double y, double r, size_t skip)
{
    long x0 = clampl((long)floor((x - r - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + r - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - r - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + r - g->y0) / g->cell), g->gh);
    double best = r * r;
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++)
            for (size_t k = g->head[(size_t)j * (size_t)g->gw + (size_t)i]; k != SIZE_MAX; k = g->next[k]) {
                double dx = g->xy[2 * k] - x, dy = g->xy[2 * k + 1] - y, d2 = dx * dx + dy * dy;
                if (k != skip && d2 < best)
                    best = d2;
            }
    return best;
}

/* Points bucketed once, each cell's contiguous (a counting sort), with
 * their indices: for the searches over a set that does not change. */
typedef struct sgrid {
    grid geo;      /* the cells' geometry only */
    size_t *start; /* per cell, gw * gh + 1 */
    double *xy;
    size_t *id;
} sgrid;

static void sgrid_free(sgrid *g)
{
    free(g->start);
    free(g->xy);
    free(g->id);
    memset(g, 0, sizeof *g);
}

static size_t cell_index(const grid *g, double x, double y)
{
    return (size_t)cell_of(g, y, g->y0, g->gh) * (size_t)g->gw + (size_t)cell_of(g, x, g->x0, g->gw);
}

/* The points a then b (indices 0.. in that order); of a, only the
 * non-companion dots when bases_only. */
static int sgrid_init(sgrid *g, const smp_sample_in *in, double cell, const smp_spt *a, size_t na, int bases_only,
                      const smp_spt *b, size_t nb)
{
    g->geo = (grid){in->x0_mm, in->y0_mm, cell, (long)(in->w_mm / cell) + 1, (long)(in->h_mm / cell) + 1, NULL, NULL,
                    NULL, 0};
    const size_t nc = (size_t)g->geo.gw * (size_t)g->geo.gh, n = na + nb;
    g->start = calloc(nc + 2, sizeof *g->start);
    g->xy = malloc(2 * (n + 1) * sizeof *g->xy);
    g->id = malloc((n + 1) * sizeof *g->id);
    if (!g->start || !g->xy || !g->id) {
        sgrid_free(g);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const smp_spt *p = i < na ? &a[i] : &b[i - na];
        if (!(i < na && bases_only && smp__is_companion(p)))
            g->start[cell_index(&g->geo, p->x, p->y) + 2]++;
    }
    for (size_t c = 0; c < nc; c++)
        g->start[c + 2] += g->start[c + 1];
    for (size_t i = 0; i < n; i++) { /* start[c + 1] fills cell c, ending at its own start's place */
        const smp_spt *p = i < na ? &a[i] : &b[i - na];
        if (i < na && bases_only && smp__is_companion(p))
            continue;
        const size_t k = g->start[cell_index(&g->geo, p->x, p->y) + 1]++;
        g->xy[2 * k] = p->x;
        g->xy[2 * k + 1] = p->y;
        g->id[k] = i;
    }
    return 1;
}

/* The squared distance from (x, y) to the nearest point other than `skip`,
 * looked for within r (r * r when none is nearer); or, as soon as a point
 * is found closer than sqrt(lo) or no farther than sqrt(at_most), that
 * point's: a caller that wants the nearest only if it is at least sqrt(lo)
 * away and farther than sqrt(at_most) learns as much. */
static double sgrid_nearest2(const sgrid *sg, double x, double y, double r, size_t skip, double lo, double at_most)
{
    const grid *g = &sg->geo;
    long x0 = clampl((long)floor((x - r - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + r - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - r - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + r - g->y0) / g->cell), g->gh);
    double best = r * r;
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++) {
            const size_t c = (size_t)j * (size_t)g->gw + (size_t)i;
            for (size_t k = sg->start[c]; k < sg->start[c + 1]; k++) {
                double dx = sg->xy[2 * k] - x, dy = sg->xy[2 * k + 1] - y, d2 = dx * dx + dy * dy;
                if (d2 < best && sg->id[k] != skip) {
                    if (d2 < lo || d2 <= at_most)
                        return d2;
                    best = d2;
                }
            }
        }
    return best;
}

static int in_domain(const smp_sample_in *in, double x, double y)
{
    return x >= in->x0_mm && y >= in->y0_mm && x < in->x0_mm + in->w_mm && y < in->y0_mm + in->h_mm;
}

/* The coverage share at (x, y): 0 off the domain, 1 without a coverage. */
static inline double cover_at(const smp_sample_in *in, double x, double y)
{
    if (!in_domain(in, x, y))
        return 0;
    return in->cov ? smp__coverage_at(in->cov, x * in->cov_px_per_mm, y * in->cov_px_per_mm) / 255 : 1;
}

static int in_treated(const smp_sample_in *in, double x, double y) { return cover_at(in, x, y) > 0; }

/* Drops new dots closer than their radius to an earlier companion. */
static smp_status drop_near_companions(const smp_sample_in *in, const smp_spt *existing, size_t n_existing,
                                       smp_spts *pts, double cell, char *msg)
{
    size_t nc = 0;
    for (size_t i = 0; i < n_existing; i++)
        nc += smp__is_companion(&existing[i]);
    if (!nc)
        return SMP_OK;
    grid g;
    if (!grid_init(&g, in, cell, nc))
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the search for %zu companions", nc);
    for (size_t i = 0; i < n_existing; i++)
        if (smp__is_companion(&existing[i]))
            grid_add(&g, existing[i].x, existing[i].y);
    size_t kept = 0;
    for (size_t i = 0; i < pts->n; i++)
        if (!grid_near(&g, pts->p[i].x, pts->p[i].y, pts->p[i].excl, SIZE_MAX))
            pts->p[kept++] = pts->p[i];
    pts->n = kept;
    grid_free(&g);
    return SMP_OK;
}

/* The sum of w (NULL: 1 each) over the points closer than r to (x, y). */
static double grid_wsum(const grid *g, double x, double y, double r, const double *w)
{
    long x0 = clampl((long)floor((x - r - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + r - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - r - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + r - g->y0) / g->cell), g->gh);
    double s = 0;
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++)
            for (size_t k = g->head[(size_t)j * (size_t)g->gw + (size_t)i]; k != SIZE_MAX; k = g->next[k]) {
                double dx = g->xy[2 * k] - x, dy = g->xy[2 * k + 1] - y;
                s += dx * dx + dy * dy < r * r ? (w ? w[k] : 1) : 0;
            }
    return s;
}

/* Points closer than r to (x, y). */
static double grid_count(const grid *g, double x, double y, double r) { return grid_wsum(g, x, y, r, NULL); }

/* One axis of cover_at's reading at a coordinate: inside the domain and
 * the photo, and the coverage cells and weight along it. */
typedef struct axis_read {
    int in;
    smp_cov_axis c;
} axis_read;

static axis_read axis_at(const smp_coverage *cov, double v, double lo, double len, double ppm, uint32_t extent,
                         uint32_t n)
{
    axis_read r = {v >= lo && v < lo + len, {0, 0, 0, 0}};
    if (r.in && cov)
        r.c = smp__coverage_axis(cov, v * ppm, extent, n);
    return r;
}

/* Mean coverage share (0..1) over the disc of radius r at (x, y), 0 off
 * the domain: 37 lattice points, each cover_at's value to the bit (the
 * lattice's columns and rows read once, not once per point). */
static double disc_cover(const smp_sample_in *in, double x, double y, double r)
{
    const smp_coverage *cov = in->cov;
    double sum = 0, off[7];
    axis_read ax[7], ay[7];
    int n = 0;
    for (int i = -3; i <= 3; i++)
        off[i + 3] = r * i / 3.5;
    for (int i = 0; i < 7; i++) {
        ax[i] = axis_at(cov, x + off[i], in->x0_mm, in->w_mm, in->cov_px_per_mm, cov ? cov->w : 0, cov ? cov->gw : 0);
        ay[i] = axis_at(cov, y + off[i], in->y0_mm, in->h_mm, in->cov_px_per_mm, cov ? cov->h : 0, cov ? cov->gh : 0);
    }
    for (int j = -3; j <= 3; j++)
        for (int i = -3; i <= 3; i++) {
            if (i * i + j * j > 12)
                continue;
            n++;
            const axis_read *u = &ax[i + 3], *v = &ay[j + 3];
            if (!(u->in && v->in))
                continue; /* 0, as cover_at gives off the domain */
            sum += cov ? smp__coverage_mix(cov, &u->c, &v->c) / 255 : 1;
        }
    return sum / n;
}

/* Dots in priority order: a hash of (seed, layer, position), so the order
 * does not depend on the sampler's order or on threads. */
typedef struct ranked {
    uint64_t prio;
    size_t i;
} ranked;

static int by_rank(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    return p->prio != q->prio ? (p->prio < q->prio ? -1 : 1) : (p->i > q->i) - (p->i < q->i);
}

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

/* One stable counting pass of a radix sort: a into t by the digit of v at
 * shift; false (nothing moved) when every element has the same digit. */
static bool radix_pass(const ranked *a, ranked *t, size_t n, int shift, bool by_index, size_t *count)
{
    memset(count, 0, RADIX * sizeof *count);
    for (size_t k = 0; k < n; k++)
        count[((by_index ? (uint64_t)a[k].i : a[k].prio) >> shift) & (RADIX - 1)]++;
    size_t sum = 0;
    for (unsigned d = 0; d < RADIX; d++) {
        if (count[d] == n)
            return false;
        const size_t c = count[d];
        count[d] = sum;
        sum += c;
    }
    for (size_t k = 0; k < n; k++)
        t[count[((by_index ? (uint64_t)a[k].i : a[k].prio) >> shift) & (RADIX - 1)]++] = a[k];
    return true;
}

/* Sorts a into by_rank's order (a total order: the same as qsort gives)
 * by a least-significant-digit radix sort, the index's digits first: musl's
 * qsort (WebAssembly's) took a twentieth of a studio redraw. qsort when
 * memory is short. */
static void sort_ranked(ranked *a, size_t n)
{
    ranked *t = n > 1 ? malloc(n * sizeof *t) : NULL;
    size_t *count = t ? malloc(RADIX * sizeof *count) : NULL;
    if (!count) {
        free(t);
        if (n > 1)
            qsort(a, n, sizeof *a, by_rank);
        return;
    }
    size_t most = 0;
    for (size_t k = 0; k < n; k++)
        most = a[k].i > most ? a[k].i : most;
    ranked *from = a, *to = t;
    for (int pass = 0; pass < 2; pass++) /* the tie-break (index) first, then the priority */
        for (int shift = 0; shift < 64; shift += RADIX_BITS) {
            if (pass == 0 && (shift >= (int)(8 * sizeof(size_t)) || (uint64_t)most >> shift == 0))
                break;
            if (radix_pass(from, to, n, shift, pass == 0, count)) {
                ranked *x = from;
                from = to;
                to = x;
            }
        }
    if (from != a)
        memcpy(a, from, n * sizeof *a);
    free(count);
    free(t);
}

/* Keeps the share of the new dots that brings the earlier and new
 * non-companion dots within LOCAL_R radii of each to the field's count
 * there. The dots are decided one at a time in priority order, each against
 * the dots decided before it within its disc (error diffusion): a dot is
 * kept when the kept ones there fall short of the sum of the decided ones'
 * own rates (its own included), dithered by a hash. Counts over any disc
 * then stay within about one dot of the field, where independent coin flips
 * leave clumps and holes a few dots wide that read as blotches at viewing
 * size. Each dot's own rate, not the deciding dot's, keeps the sum unbiased
 * where the rate varies (around an earlier session's dots). */
/* The thinning's four sets over one grid of cells: the earlier
 * non-companion dots, the new dots, and of these the decided ones (with
 * their rates) and the kept ones. Each cell's slots are contiguous (the
 * new dots' cells are known up front, and the decided and kept dots are
 * among them), so one pass over a disc's cells reads all four, where four
 * linked lists chased each point through memory apart. */
typedef struct thin_cells {
    sgrid e, n;              /* the earlier dots, the new ones */
    size_t *n_dec, *n_kept;  /* per cell: decided and kept dots so far, in n's slots */
    double *d_xy, *k_xy, *d_rate;
} thin_cells;

static void thin_cells_free(thin_cells *t)
{
    sgrid_free(&t->e);
    sgrid_free(&t->n);
    free(t->n_dec);
    free(t->n_kept);
    free(t->d_xy);
    free(t->k_xy);
    free(t->d_rate);
    memset(t, 0, sizeof *t);
}

static int thin_cells_init(thin_cells *t, const smp_sample_in *in, double cell, const smp_spt *existing,
                           size_t n_existing, const smp_spts *pts)
{
    memset(t, 0, sizeof *t);
    const int e_ok = sgrid_init(&t->e, in, cell, existing, n_existing, 1, NULL, 0);
    const int n_ok = sgrid_init(&t->n, in, cell, NULL, 0, 0, pts->p, pts->n);
    const size_t nc = (size_t)t->n.geo.gw * (size_t)t->n.geo.gh, n = pts->n;
    t->n_dec = calloc(nc, sizeof *t->n_dec);
    t->n_kept = calloc(nc, sizeof *t->n_kept);
    t->d_xy = malloc(2 * (n + 1) * sizeof *t->d_xy);
    t->k_xy = malloc(2 * (n + 1) * sizeof *t->k_xy);
    t->d_rate = malloc((n + 1) * sizeof *t->d_rate);
    if (!e_ok || !n_ok || !t->n_dec || !t->n_kept || !t->d_xy || !t->k_xy || !t->d_rate) {
        thin_cells_free(t);
        return 0;
    }
    return 1;
}

/* Within r of (x, y): the earlier dots, the new ones, the decided ones'
 * rates summed (cells in raster order, the latest decided first in each, as
 * the linked lists this replaced summed them: the same sum to the bit) and
 * the kept ones. */
static void thin_query(const thin_cells *t, double x, double y, double r, double *n_e, double *n_n, double *w_d,
                       double *n_k)
{
    const grid *g = &t->n.geo;
    long x0 = clampl((long)floor((x - r - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + r - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - r - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + r - g->y0) / g->cell), g->gh);
    const double r2 = r * r;
    size_t ce = 0, cn = 0, ck = 0;
    double w = 0;
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++) {
            const size_t c = (size_t)j * (size_t)g->gw + (size_t)i, s0 = t->n.start[c];
            for (size_t k = t->e.start[c]; k < t->e.start[c + 1]; k++) {
                const double dx = t->e.xy[2 * k] - x, dy = t->e.xy[2 * k + 1] - y;
                ce += dx * dx + dy * dy < r2;
            }
            for (size_t k = s0; k < t->n.start[c + 1]; k++) {
                const double dx = t->n.xy[2 * k] - x, dy = t->n.xy[2 * k + 1] - y;
                cn += dx * dx + dy * dy < r2;
            }
            for (size_t k = s0 + t->n_dec[c]; k-- > s0;) {
                const double dx = t->d_xy[2 * k] - x, dy = t->d_xy[2 * k + 1] - y;
                if (dx * dx + dy * dy < r2)
                    w += t->d_rate[k];
            }
            for (size_t k = s0 + t->n_kept[c]; k-- > s0;) {
                const double dx = t->k_xy[2 * k] - x, dy = t->k_xy[2 * k + 1] - y;
                ck += dx * dx + dy * dy < r2;
            }
        }
    *n_e = (double)ce;
    *n_n = (double)cn;
    *w_d = w;
    *n_k = (double)ck;
}

static void thin_decided(thin_cells *t, double x, double y, double rate, int kept)
{
    const size_t c = cell_index(&t->n.geo, x, y), s0 = t->n.start[c];
    size_t k = s0 + t->n_dec[c]++;
    t->d_xy[2 * k] = x;
    t->d_xy[2 * k + 1] = y;
    t->d_rate[k] = rate;
    if (kept) {
        k = s0 + t->n_kept[c]++;
        t->k_xy[2 * k] = x;
        t->k_xy[2 * k + 1] = y;
    }
}

/* The radius of a dot's local keep rate (see the top). */
static double local_radius(const smp_spt *p, double cell) { return LOCAL_R * fmin(fmax(p->excl, cell), 1.5 * cell); }

static smp_status thin(const smp_sample_in *in, double base_cm2, const smp_spt *existing, size_t n_existing,
                       smp_spts *pts, double cell, char *msg)
{
    const double r = LOCAL_R * cell;
    thin_cells tc;
    uint8_t *keep = malloc(pts->n + 1);
    ranked *order = malloc((pts->n + 1) * sizeof *order);
    double *rates = malloc((pts->n + 1) * sizeof *rates); /* of the decided dots, in decision order */
    double *disc = malloc((pts->n + 1) * sizeof *disc);   /* each dot's mean coverage around it */
    int ok = thin_cells_init(&tc, in, r, existing, n_existing, pts);
    smp_status st = SMP_OK;
    if (!keep || !order || !rates || !disc || !ok) {
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the thinning of %zu dots", pts->n);
        goto done;
    }
    for (size_t i = 0; i < pts->n; i++)
        order[i] = (ranked){dot_hash(in, STREAM_THIN, &pts->p[i]), i};
    sort_ranked(order, pts->n);
    /* The coverage around a dot does not depend on the decisions: read in
     * parallel first. */
    const long nd = (long)pts->n;
    const int nt = smp__threads(in->threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 256) num_threads(nt))
    for (long i = 0; i < nd; i++)
        disc[i] = disc_cover(in, pts->p[i].x, pts->p[i].y, local_radius(&pts->p[i], cell));
    size_t kept = 0;
    for (size_t k = 0; k < pts->n; k++) {
        const smp_spt *p = &pts->p[order[k].i];
        const double rp = local_radius(p, cell), target = base_cm2 / 100 * SMP_PI * rp * rp;
        double n_e, n_n, w_d, n_k;
        thin_query(&tc, p->x, p->y, rp, &n_e, &n_n, &w_d, &n_k);
        const double want = target * disc[order[k].i] - n_e;
        const double q = want / n_n, rate = q < 0 ? 0 : q > 1 ? 1 : q;
        const double expected = w_d + rate;
        keep[order[k].i] = n_k + smp__u01(smp__mix64(order[k].prio)) < expected;
        rates[k] = rate;
        thin_decided(&tc, p->x, p->y, rate, keep[order[k].i]);
        kept += keep[order[k].i];
    }
    /* The diffusion's small bias (3-5 % short) goes by keeping the count of
     * independent draws, the sum of the rates: the last kept ones in the
     * order are let go, spread at random like the kept dots; or dropped ones
     * are taken back, spread like the kept dots too, not like the dropped
     * ones (a dot at rate r weighs r / (1 - r), drawn without replacement
     * by the exponential race), so where little is thinned gets its share. */
    double sum = 0;
    for (size_t k = 0; k < pts->n; k++)
        sum += rates[k];
    const size_t want = (size_t)llround(sum);
    for (size_t k = pts->n; kept > want && k-- > 0;)
        if (keep[order[k].i]) {
            keep[order[k].i] = 0;
            kept--;
        }
    if (kept < want) {
        size_t nd = 0;
        for (size_t k = 0; k < pts->n; k++)
            if (!keep[order[k].i] && rates[k] > 0) {
                const double u = smp__u01(smp__mix64(order[k].prio + 7)) + 0x1p-54;
                const double race = fmin(-smp__log(u) * (1 - rates[k]) / rates[k], 0x1p22); /* fits the key */
                order[nd++] = (ranked){(uint64_t)(race * 0x1p40), order[k].i};
            }
        sort_ranked(order, nd);
        for (size_t k = 0; kept < want && k < nd; k++, kept++)
            keep[order[k].i] = 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < pts->n; i++)
        if (keep[i])
            pts->p[n++] = pts->p[i];
    pts->n = n;
done:
    free(keep);
    free(order);
    free(rates);
    free(disc);
    thin_cells_free(&tc);
    return st;
}

/* The local spacing d_hex of all dots at a sampled dot, read from its
 * sampling radius: excl = maximal rho x d_hex at the sampled density, which
 * is base / keep there, and base is (1 - p / 2) of all. */
static double d_hex_of(const smp_pattern *pat, size_t n_existing, const smp_spt *p, double cover)
{
    const double keep = keep_at(pat, n_existing, cover);
    return sqrt((1 - 0.5 * pair_share(pat)) / keep) / rho_maximal() * p->excl;
}

static double d_hex_at(const smp_pattern *pat, const smp_sample_in *in, size_t n_existing, const smp_spt *p)
{
    return d_hex_of(pat, n_existing, p, cover_at(in, p->x, p->y));
}

/* Each new dot's d_hex_at and coverage, at its place when read. */
typedef struct dot_reads {
    double *d_hex, *cover;
} dot_reads;

static void dot_reads_free(dot_reads *rd)
{
    free(rd->d_hex);
    free(rd->cover);
    *rd = (dot_reads){NULL, NULL};
}

/* One dot's entries, read again (after it moved). */
static void dot_reads_at(dot_reads *rd, const smp_pattern *pat, const smp_sample_in *in, size_t n_existing,
                         const smp_spt *p, size_t i)
{
    rd->cover[i] = cover_at(in, p->x, p->y);
    rd->d_hex[i] = d_hex_of(pat, n_existing, p, rd->cover[i]);
}

/* Every dot's entries, in parallel (each is its own). */
static int dot_reads_init(dot_reads *rd, const smp_pattern *pat, const smp_sample_in *in, size_t n_existing,
                          const smp_spts *pts)
{
    rd->d_hex = malloc((pts->n + 1) * sizeof *rd->d_hex);
    rd->cover = malloc((pts->n + 1) * sizeof *rd->cover);
    if (!rd->d_hex || !rd->cover) {
        dot_reads_free(rd);
        return 0;
    }
    const long nd = (long)pts->n;
    const int nt = smp__threads(in->threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 256) num_threads(nt))
    for (long i = 0; i < nd; i++)
        dot_reads_at(rd, pat, in, n_existing, &pts->p[i], (size_t)i);
    return 1;
}

/* Moves each new dot once by a hashed offset that keeps it rho x d_hex from
 * every other dot (see the top). The dots move in hashed order, each
 * against the others' places at its turn, so the result does not depend on
 * the sampler's order or threads. */
static smp_status jitter(const smp_pattern *pat, const smp_sample_in *in, const smp_spt *existing, size_t n_existing,
                         smp_spts *pts, double cell, char *msg)
{
    const double rho = pattern_rho(pat), reach = rho_maximal() - rho > 0 ? JITTER_REACH * (rho_maximal() - rho) : 0;
    if (!(reach > 0) || !pts->n)
        return SMP_OK;
    /* A dot moves only at its own turn, so its spacing and coverage there
     * are those of where it was sampled: read in parallel first. */
    dot_reads rd;
    if (!dot_reads_init(&rd, pat, in, n_existing, pts))
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the jitter of %zu dots", pts->n);
    double slack = 0;
    for (size_t i = 0; i < pts->n; i++)
        slack = fmax(slack, reach * rd.d_hex[i]);
    grid ge = {0}, gn = {0};
    ranked *order = NULL;
    smp_status st = SMP_OK;
    if (!(slack > 0))
        goto done;
    order = malloc(pts->n * sizeof *order);
    int ok = grid_init(&ge, in, cell, n_existing) & grid_init(&gn, in, cell, pts->n);
    if (!order || !ok) {
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the jitter of %zu dots", pts->n);
        goto done;
    }
    for (size_t i = 0; i < n_existing; i++)
        grid_add(&ge, existing[i].x, existing[i].y);
    for (size_t i = 0; i < pts->n; i++) {
        grid_add(&gn, pts->p[i].x, pts->p[i].y);
        order[i] = (ranked){dot_hash(in, STREAM_JITTER, &pts->p[i]), i};
    }
    sort_ranked(order, pts->n);
    for (size_t k = 0; k < pts->n; k++) {
        const size_t i = order[k].i;
        smp_spt *p = &pts->p[i];
        const double d_hex = rd.d_hex[i], m = rho * d_hex, a = reach * d_hex, here = rd.cover[i];
        for (uint64_t t = 0; t < JITTER_TRIES; t++) {
            const uint64_t h = order[k].prio + 3 * t;
            const double u = smp__u01(smp__mix64(h + 1)), v = smp__u01(smp__mix64(h + 2));
            double sv, cv;
            smp__sincos(2 * SMP_PI * v, &sv, &cv);
            const double x = p->x + a * sqrt(u) * cv, y = p->y + a * sqrt(u) * sv;
            const double there = cover_at(in, x, y);
            if (!(there > 0) || (there < here && smp__u01(smp__mix64(h + 3)) * here >= there) ||
                grid_near(&ge, x, y, m, SIZE_MAX) || grid_near_moved(&gn, x, y, m, slack, i))
                continue;
            p->x = gn.xy[2 * i] = x;
            p->y = gn.xy[2 * i + 1] = y;
            break;
        }
    }
done:
    free(order);
    grid_free(&ge);
    grid_free(&gn);
    dot_reads_free(&rd);
    return st;
}

/* A spot farther than HOLE_R d_hex from every dot is a hole (a maximal
 * set has none past 0.775); the dot moved into it comes from within
 * HOLE_FROM d_hex, the most crowded there. */
#define HOLE_R 0.8
#define HOLE_FROM 2.5
#define HOLE_CROWDED 0.78
#define HOLE_FLAT 0.05

/* Whether a coverage c is within HOLE_FLAT of `cover` (> 0): on a ramp the
 * spacing grows downhill, and a hole there is the ramp's. */
static int flat_cover(double c, double cover) { return c > 0 && fabs(c - cover) <= HOLE_FLAT * cover; }

/* Whether the coverage at (x, y) is flat against `cover` (flat_cover). */
static int flat_near(const smp_sample_in *in, double cover, double x, double y)
{
    return flat_cover(cover_at(in, x, y), cover);
}

/* The most crowded new dot (nearest neighbour over its own d_hex) within
 * HOLE_FROM d_hex of (x, y) where the coverage is flat, other than `keep`,
 * no farther than HOLE_CROWDED d_hex from another dot, so that its spot stays
 * covered when it leaves; SIZE_MAX when none is. Ties (a mutual nearest
 * pair) go to the lower hashed rank, so the choice does not depend on the
 * dots' order. owner maps grid entries to new dots (SIZE_MAX: earlier). */
static size_t most_crowded(const grid *g, const size_t *owner, const size_t *rank, const dot_reads *rd, double x,
                           double y, double d_hex, size_t keep, double cover)
{
    const double r = HOLE_FROM * d_hex;
    long x0 = clampl((long)floor((x - r - g->x0) / g->cell), g->gw), x1 = clampl((long)floor((x + r - g->x0) / g->cell), g->gw);
    long y0 = clampl((long)floor((y - r - g->y0) / g->cell), g->gh), y1 = clampl((long)floor((y + r - g->y0) / g->cell), g->gh);
    size_t best = SIZE_MAX;
    double best_ratio = HOLE_CROWDED;
    for (long j = y0; j <= y1; j++)
        for (long i = x0; i <= x1; i++)
            for (size_t k = g->head[(size_t)j * (size_t)g->gw + (size_t)i]; k != SIZE_MAX; k = g->next[k]) {
                const double dx = g->xy[2 * k] - x, dy = g->xy[2 * k + 1] - y;
                if (owner[k] == SIZE_MAX || owner[k] == keep || !(dx * dx + dy * dy < r * r) ||
                    !flat_cover(rd->cover[owner[k]], cover))
                    continue;
                const double dk = rd->d_hex[owner[k]];
                const double ratio = sqrt(grid_nearest2(g, g->xy[2 * k], g->xy[2 * k + 1], dk, k)) / dk;
                if (ratio < best_ratio || (ratio == best_ratio && best != SIZE_MAX && rank[owner[k]] < rank[best])) {
                    best_ratio = ratio;
                    best = owner[k];
                }
            }
    return best;
}

/* Moves crowded new dots into the holes thinning and jitter leave: in
 * hashed order, each new dot looks in DIRECTIONS directions at HOLE_R
 * d_hex and a little more; a spot there farther than HOLE_R d_hex from
 * every dot, where the coverage is flat (a ramp's wider spacing is no hole;
 * its bands keep their counts), takes the most crowded new dot from nearby. The count and the
 * layer's dots stay, earlier sessions' dots never move, and the moved dot
 * keeps more than rho x d_hex from every other. A hand fills the gaps it
 * sees; here the pink gaps 1.5-2.5 mm wide that read as mottle at viewing
 * size go (test_no_holes). */
static smp_status fill_holes(const smp_pattern *pat, const smp_sample_in *in, const smp_spt *existing,
                             size_t n_existing, smp_spts *pts, double cell, char *msg)
{
    if (!pts->n)
        return SMP_OK;
    const size_t cap = n_existing + 2 * pts->n;
    grid g;
    ranked *order = malloc(pts->n * sizeof *order);
    size_t *owner = malloc(cap * sizeof *owner), *entry = malloc(pts->n * sizeof *entry),
           *rank = malloc(pts->n * sizeof *rank);
    /* Each new dot's spacing and coverage where it is, read again when it moves. */
    dot_reads rd = {0};
    const int ok = grid_init(&g, in, cell, cap) & dot_reads_init(&rd, pat, in, n_existing, pts);
    smp_status st = SMP_OK;
    if (!order || !owner || !entry || !rank || !ok) {
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the hole search for %zu dots", pts->n);
        goto done;
    }
    for (size_t i = 0; i < n_existing; i++)
        owner[grid_add(&g, existing[i].x, existing[i].y)] = SIZE_MAX;
    for (size_t i = 0; i < pts->n; i++) {
        entry[i] = grid_add(&g, pts->p[i].x, pts->p[i].y);
        owner[entry[i]] = i;
        order[i] = (ranked){dot_hash(in, STREAM_HOLE, &pts->p[i]), i};
    }
    sort_ranked(order, pts->n);
    for (size_t k = 0; k < pts->n; k++)
        rank[order[k].i] = k;
    double unit[DIRECTIONS][2];
    for (int t = 0; t < DIRECTIONS; t++) {
        unit[t][0] = smp__cos(2 * SMP_PI * t / DIRECTIONS);
        unit[t][1] = smp__sin(2 * SMP_PI * t / DIRECTIONS);
    }
    for (size_t k = 0; k < pts->n && g.n + 1 < cap; k++) {
        const smp_spt *p = &pts->p[order[k].i];
        const double d_hex = rd.d_hex[order[k].i], here = rd.cover[order[k].i];
        const double a0 = 2 * SMP_PI * smp__u01(smp__mix64(order[k].prio + 1)), q = 1.15 * HOLE_R * d_hex;
        double sa, ca;
        smp__sincos(a0, &sa, &ca);
        const double c0 = q * ca, s0 = q * sa;
        for (int t = 0; t < DIRECTIONS && g.n + 1 < cap; t++) { /* a0 + t 2 pi / DIRECTIONS, by rotation */
            const double x = p->x + c0 * unit[t][0] - s0 * unit[t][1], y = p->y + s0 * unit[t][0] + c0 * unit[t][1];
            /* A hole: no dot nearer than HOLE_R d_hex, as the nearest
             * distance found within that radius (its square when none) is
             * judged against the square taken as ((R d) R) d; the search
             * stops at the first dot that decides it. */
            const double rr = HOLE_R * d_hex * (HOLE_R * d_hex), limit = HOLE_R * d_hex * HOLE_R * d_hex;
            if (rr < limit || grid_any_within2(&g, x, y, HOLE_R * d_hex, limit) || !flat_near(in, here, x, y))
                continue; /* the coverage last: most spots have a dot near, and the tests only read */
            const size_t j = most_crowded(&g, owner, rank, &rd, x, y, d_hex, order[k].i, here);
            if (j == SIZE_MAX)
                continue;
            g.xy[2 * entry[j]] = g.xy[2 * entry[j] + 1] = NAN; /* gone from its old place */
            pts->p[j].x = x;
            pts->p[j].y = y;
            pts->p[j].excl = p->excl;
            dot_reads_at(&rd, pat, in, n_existing, &pts->p[j], j);
            entry[j] = grid_add(&g, x, y);
            owner[entry[j]] = j;
        }
    }
done:
    free(order);
    free(owner);
    free(entry);
    free(rank);
    grid_free(&g);
    dot_reads_free(&rd);
    return st;
}

typedef struct cand {
    uint64_t prio;
    double x, y;
    float r;     /* the least distance it keeps */
    float local; /* the radius of its local quota */
} cand;

static int by_prio(const void *a, const void *b)
{
    const cand *p = a, *q = b;
    if (p->prio != q->prio)
        return p->prio < q->prio ? -1 : 1;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : p->y < q->y ? -1 : p->y > q->y;
}

/* Sorts c into by_prio's order (qsort's): by the priorities with
 * sort_ranked, equal ones (as good as never) settled by by_prio keeping
 * their order otherwise, as glibc's stable qsort does. */
static void sort_cands(cand *c, size_t n)
{
    ranked *o = n > 1 ? malloc(n * sizeof *o) : NULL;
    cand *copy = o ? malloc(n * sizeof *copy) : NULL;
    if (!copy) {
        free(o);
        if (n > 1)
            qsort(c, n, sizeof *c, by_prio);
        return;
    }
    for (size_t k = 0; k < n; k++)
        o[k] = (ranked){c[k].prio, k};
    sort_ranked(o, n);
    for (size_t k = 1; k < n; k++)
        for (size_t j = k; j > 0 && o[j - 1].prio == o[j].prio && by_prio(&c[o[j - 1].i], &c[o[j].i]) > 0; j--) {
            const ranked x = o[j];
            o[j] = o[j - 1];
            o[j - 1] = x;
        }
    memcpy(copy, c, n * sizeof *c);
    for (size_t k = 0; k < n; k++)
        c[k] = copy[o[k].i];
    free(copy);
    free(o);
}

/* The candidate companion of dot p (index self in ob), if any: rho x d_hex
 * from every other dot, as the jittered dots keep. (The sampling radius,
 * which a near-maximal set leaves little room for, sent the companions to
 * the sparse ramps, 9 % over their density beside full coverage.) */
static int candidate(const smp_pattern *pat, const smp_sample_in *in, size_t n_existing, const sgrid *ob, size_t self,
                     const smp_spt *p, cand *c)
{
    const double m = pattern_rho(pat) * d_hex_at(pat, in, n_existing, p);
    static const int order[DIRECTIONS] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    const uint64_t h = dot_hash(in, STREAM_PAIR, p);
    /* Apart by at least the dot's own size, so a pair reads as two dots. */
    const double far = fmax(fmin(PAIR_FAR, 0.8 * p->excl), 2.0 * pat->dot_mm);
    const double near = fmax(fmin(PAIR_NEAR, 0.5 * far), 1.5 * pat->dot_mm);
    const double d = near + (far - near) * smp__u01(smp__mix64(h + 1)), a0 = 2 * SMP_PI * smp__u01(smp__mix64(h + 2));
    /* Of the 16 directions, the one farthest from the other dots: the
     * companion fills the hole beside its dot where there is one (the
     * structure factor of test_smooth_at_viewing, measured before the holes
     * were filled: 0.256 with the pairs so placed, 0.283 with the first
     * direction that fits, 0.232 without pairs). */
    double best = 0, bx = 0, by = 0;
    for (int t = 0; t < DIRECTIONS; t++) {
        double sa, ca;
        smp__sincos(a0 + 2 * SMP_PI * order[t] / DIRECTIONS, &sa, &ca);
        const double x = p->x + d * ca, y = p->y + d * sa;
        /* The coverage last: most directions fail on their neighbours, and
         * both tests only read (best changes only when both pass). */
        const double d2 = sgrid_nearest2(ob, x, y, 2 * m, self, m * m, best);
        if (d2 >= m * m && d2 > best && in_treated(in, x, y)) {
            best = d2;
            bx = x;
            by = y;
        }
    }
    if (!(best > 0))
        return 0;
    *c = (cand){smp__mix64(h + 3), bx, by, (float)m, (float)(LOCAL_R * p->excl)};
    return 1;
}

/* Candidates for every dot of pts, against the earlier dots and pts. */
static smp_status candidates(const smp_pattern *pat, const smp_sample_in *in, const smp_spt *existing, size_t n_existing,
                             const smp_spts *pts, double cell, cand *out, size_t *n_out, char *msg)
{
    sgrid ob;
    if (!sgrid_init(&ob, in, cell, existing, n_existing, 0, pts->p, pts->n))
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the search for %zu dots", n_existing + pts->n);
    /* Each dot's candidate is its own (the search reads the fixed dots
     * only), so they are found in parallel into their dots' slots, then
     * gathered in the dots' order. */
    uint8_t *has = malloc(pts->n + 1);
    if (!has) {
        sgrid_free(&ob);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the candidates of %zu dots", pts->n);
    }
    const long nd = (long)pts->n;
    const int nt = smp__threads(in->threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 256) num_threads(nt))
    for (long i = 0; i < nd; i++)
        has[i] = (uint8_t)candidate(pat, in, n_existing, &ob, n_existing + (size_t)i, &pts->p[i], &out[i]);
    size_t n = 0;
    for (size_t i = 0; i < pts->n; i++)
        if (has[i])
            out[n++] = out[i];
    *n_out = n;
    free(has);
    sgrid_free(&ob);
    return SMP_OK;
}

/* Appends companions to p / (2 - p) of the dots of pts (see the top), and
 * at most that share of the non-companion dots within a candidate's local
 * radius (earlier sessions' dots included): candidates fit more easily
 * where the dots are sparse, and without the local quota the ramps took
 * the crowded core's share. */
static smp_status add_companions(const smp_pattern *pat, const smp_sample_in *in, const smp_spt *existing,
                                 size_t n_existing, smp_spts *pts, double cell, char *msg)
{
    const double p = pair_share(pat), q = p / (2 - p);
    const size_t want = (size_t)llround(q * (double)pts->n);
    if (!want)
        return SMP_OK;
    cand *c = malloc((pts->n + 1) * sizeof *c);
    smp_spt *grown = realloc(pts->p, (pts->n + want + 1) * sizeof *grown);
    if (grown)
        pts->p = grown;
    size_t nc = 0;
    smp_status st = c && grown ? candidates(pat, in, existing, n_existing, pts, cell, c, &nc, msg)
                               : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate %zu companions", want);
    grid g = {0}, bases = {0}, earlier = {0};
    if (st == SMP_OK && !(grid_init(&g, in, cell, want) & grid_init(&bases, in, cell, n_existing + pts->n) &
                          grid_init(&earlier, in, cell, n_existing)))
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the search for %zu companions", want);
    if (st == SMP_OK) {
        for (size_t i = 0; i < n_existing; i++)
            grid_add(smp__is_companion(&existing[i]) ? &earlier : &bases, existing[i].x, existing[i].y);
        for (size_t i = 0; i < pts->n; i++)
            grid_add(&bases, pts->p[i].x, pts->p[i].y);
        sort_cands(c, nc);
        const uint8_t layer = in->layer;
        for (size_t i = 0; i < nc && g.n < want; i++) {
            const double x = c[i].x, y = c[i].y, r = c[i].local;
            if (grid_near(&g, x, y, c[i].r, SIZE_MAX) ||
                grid_count(&g, x, y, r) + grid_count(&earlier, x, y, r) + smp__u01(smp__mix64(c[i].prio)) >=
                    q * grid_count(&bases, x, y, r))
                continue;
            grid_add(&g, x, y);
            pts->p[pts->n++] = (smp_spt){x, y, 0.0f, layer};
        }
    }
    grid_free(&g);
    grid_free(&bases);
    grid_free(&earlier);
    free(c);
    return st;
}

/* The step after the sampler, in place on pts (what smp__sample returned for
 * `sampled`, whose coverage is the caller's): drops new dots closer than
 * their radius to an earlier companion, thins, jitters and fills the holes
 * (see the top); the companions come after (add_companions). existing are
 * all earlier final dots. */
static smp_status apply(const smp_pattern *pat, const smp_sample_in *sampled, double density_cm2,
                        const smp_spt *existing, size_t n_existing, smp_spts *pts, char *msg)
{
    if (is_maximal(pat) && pair_share(pat) <= 0)
        return SMP_OK;
    const double cell = smp__exclusion_mm(sampled->density_cm2); /* the least radius */
    smp_status st = drop_near_companions(sampled, existing, n_existing, pts, cell, msg);
    if (st == SMP_OK && !is_maximal(pat))
        st = thin(sampled, base_density(pat, density_cm2), existing, n_existing, pts, cell, msg);
    if (st == SMP_OK && !is_maximal(pat))
        st = jitter(pat, sampled, existing, n_existing, pts, cell, msg);
    if (st == SMP_OK && !is_maximal(pat))
        st = fill_holes(pat, sampled, existing, n_existing, pts, cell, msg);
    return st;
}

/* The coverage the sampler sees: raised by keep_flat / keep_ramp and capped
 * at full, so it samples with keep_ramp's surplus where the coverage falls
 * and keep_flat's on full coverage (keep_at). */
static smp_status raised_coverage(const smp_pattern *pat, size_t n_existing, const smp_coverage *cov,
                                  smp_coverage *out, char *msg)
{
    smp_status st = smp__coverage_copy(out, cov, msg);
    if (st != SMP_OK)
        return st;
    const double gain = keep_flat(pat, n_existing) / keep_ramp(pat);
    uint8_t raise[256]; /* per byte value: a table, not a lround per cell */
    for (int v = 0; v < 256; v++) {
        const double c = v * gain;
        raise[v] = (uint8_t)(c < 255 ? lround(c) : 255);
    }
    uint8_t *c = out->c; /* locals: through out, each store could move out->c and its size */
    const size_t n = (size_t)out->gw * out->gh;
    for (size_t i = 0; i < n; i++)
        c[i] = raise[c[i]];
    return SMP_OK;
}

/* What the sampler is asked (see smp__pattern_sample): in at the sampled
 * density, on the coverage the caller gave. */
static smp_sample_in sampled_in(const smp_pattern *pat, const smp_sample_in *in)
{
    smp_sample_in s = *in;
    s.density_cm2 = sample_density(pat, in->density_cm2, in->n_existing);
    return s;
}

/* Whether raw samples on the raised coverage (raised_coverage). */
static bool raises(const smp_pattern *pat, const smp_sample_in *in)
{
    return !is_maximal(pat) && in->cov && keep_flat(pat, in->n_existing) > keep_ramp(pat);
}

void smp__pattern_raw_key(const smp_pattern *pat, const smp_sample_in *in, double key[2])
{
    key[0] = sample_density(pat, in->density_cm2, in->n_existing);
    key[1] = raises(pat, in) ? keep_flat(pat, in->n_existing) / keep_ramp(pat) : 0;
}

smp_status smp__pattern_raw(const smp_pattern *pat, const smp_sample_in *in, smp_spts *out, char *msg)
{
    memset(out, 0, sizeof *out);
    smp_sample_in s = sampled_in(pat, in);
    size_t nb = 0;
    for (size_t i = 0; i < in->n_existing; i++)
        nb += !smp__is_companion(&in->existing[i]);
    smp_spt *bases = NULL;
    smp_coverage raised = {0};
    smp_status st = SMP_OK;
    if (nb < in->n_existing) { /* the sampler takes the non-companion dots only */
        bases = malloc((nb + 1) * sizeof *bases);
        if (!bases)
            return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate %zu earlier dots", nb);
        nb = 0;
        for (size_t i = 0; i < in->n_existing; i++)
            if (!smp__is_companion(&in->existing[i]))
                bases[nb++] = in->existing[i];
        s.existing = bases;
        s.n_existing = nb;
    }
    if (raises(pat, in)) {
        st = raised_coverage(pat, in->n_existing, in->cov, &raised, msg);
        s.cov = &raised;
    }
    if (st == SMP_OK)
        st = smp__sample(&s, out, msg);
    smp__coverage_free(&raised);
    free(bases);
    return st;
}

smp_status smp__pattern_refine(const smp_pattern *pat, const smp_sample_in *in, smp_spts *pts, char *msg)
{
    const smp_sample_in s = sampled_in(pat, in);
    smp_status st = apply(pat, &s, in->density_cm2, in->existing, in->n_existing, pts, msg);
    if (st != SMP_OK)
        smp__spts_free(pts);
    return st;
}

smp_status smp__pattern_place(const smp_pattern *pat, const smp_sample_in *in, smp_spts *out, char *msg)
{
    smp_status st = smp__pattern_raw(pat, in, out, msg);
    return st == SMP_OK ? smp__pattern_refine(pat, in, out, msg) : st;
}

smp_status smp__pattern_pair(const smp_pattern *pat, const smp_sample_in *in, smp_spts *pts, char *msg)
{
    if (is_maximal(pat) && pair_share(pat) <= 0)
        return SMP_OK;
    const smp_sample_in s = sampled_in(pat, in);
    smp_status st = add_companions(pat, &s, in->existing, in->n_existing, pts, smp__exclusion_mm(s.density_cm2), msg);
    if (st != SMP_OK)
        smp__spts_free(pts);
    return st;
}

smp_status smp__pattern_sample(const smp_pattern *pat, const smp_sample_in *in, smp_spts *out, char *msg)
{
    smp_status st = smp__pattern_place(pat, in, out, msg);
    return st == SMP_OK ? smp__pattern_pair(pat, in, out, msg) : st;
}
