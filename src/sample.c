/* Variable-density Poisson-disk sampling over a coverage field.
 *
 * Each dot q gets an exclusion radius r(q) = K / sqrt(density at q), and the
 * conflict rule is |p - q| >= max(r(p), r(q)): a dot keeps its neighbours at
 * its own spacing, and a dot in a sparse area keeps dense-area dots at the
 * sparse spacing. K is calibrated so that the achieved density matches the
 * asked one for this sampler's packing (see smp__exclusion_mm).
 *
 * Algorithm: Bridson's active-list growth with a variable radius, seeded by
 * a raster scan of the background grid so every disconnected treated region
 * is filled. Where coverage drops below 1/16 the radius is capped, and the
 * finished dots there are thinned, each kept with probability c / (1/16):
 * this keeps the neighbour search bounded and the mean density proportional
 * to the coverage. (Thinning candidates instead would not work: the active
 * list simply tries again.) Every random draw is keyed by (seed, layer,
 * stream, counter). */
#include "rng.h"
#include "stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K_TRIES 30
#define MIN_COVER (255.0 / 16.0) /* below this, thin instead of growing r */

/* Radius factor: Bridson with k = 30 packs at rho ~ 0.73-0.74 (Lagae &
 * Dutre 2008); measured on a 100 x 100 mm square this K gives the asked
 * density within 1 % (tests/test_sample.c checks it). */
static const double K_PACK = 0.7845;

double smp__exclusion_mm(double density_cm2)
{
    return K_PACK / sqrt(density_cm2 / 100.0);
}

enum { STREAM_PICK = 1, STREAM_CAND, STREAM_SEED, STREAM_THIN, STREAM_SIZE };

typedef struct sampler {
    const smp_coverage *cov;
    const smp_sample_spec *spec;
    double r_full;       /* px radius at coverage 255 */
    double cell;         /* grid cell: r_full / sqrt 2, so one dot per cell */
    uint32_t gw, gh;
    int32_t *grid;       /* dot index + 1, or 0 */
    uint32_t *active;
    size_t n_active;
    uint8_t *least;      /* least coverage within reach, per coverage cell */
    uint64_t draws;
    smp_dots *out;
} sampler;

/* Exclusion radius at coverage c; 0 where nothing may be placed. */
static double radius_for(const sampler *s, double c)
{
    if (c <= 0)
        return 0;
    return s->r_full * sqrt(255.0 / (c < MIN_COVER ? MIN_COVER : c));
}

/* The least coverage within reach of each coverage cell: a dot p can
 * conflict with a candidate q only if |p - q| < r(p) <= r_max, so the
 * largest radius that can matter near q is r(least coverage within r_max).
 * This bounds the neighbour search locally instead of by the largest
 * radius anywhere. Separable sliding minimum over a square window. */
static uint8_t *least_cover(const smp_coverage *cov, double r_max_px)
{
    const uint32_t gw = cov->gw, gh = cov->gh;
    const int k = (int)ceil(r_max_px / cov->cell) + 1; /* +1: bilinear reads a neighbour */
    size_t n = (size_t)gw * gh;
    uint8_t *tmp = malloc(n), *out = malloc(n);
    if (!tmp || !out) {
        free(tmp);
        free(out);
        return NULL;
    }
    for (uint32_t y = 0; y < gh; y++) {
        const uint8_t *row = cov->c + (size_t)y * gw;
        for (uint32_t x = 0; x < gw; x++) {
            uint8_t m = 255;
            uint32_t x0 = x > (uint32_t)k ? x - k : 0, x1 = x + k < gw ? x + k : gw - 1;
            for (uint32_t i = x0; i <= x1 && m; i++)
                m = row[i] < m ? row[i] : m;
            tmp[(size_t)y * gw + x] = m;
        }
    }
    for (uint32_t y = 0; y < gh; y++) {
        uint32_t y0 = y > (uint32_t)k ? y - k : 0, y1 = y + k < gh ? y + k : gh - 1;
        uint8_t *o = out + (size_t)y * gw;
        memcpy(o, tmp + (size_t)y0 * gw, gw);
        for (uint32_t j = y0 + 1; j <= y1; j++) {
            const uint8_t *t = tmp + (size_t)j * gw;
            for (uint32_t x = 0; x < gw; x++)
                o[x] = t[x] < o[x] ? t[x] : o[x];
        }
    }
    free(tmp);
    return out;
}

/* Drops dots in sparse areas with probability 1 - c / MIN_COVER, keyed by
 * the dot's index, and compacts the array in order. */
static void thin_sparse(const sampler *s)
{
    smp_dots *o = s->out;
    size_t kept = 0;
    for (size_t i = 0; i < o->n; i++) {
        const smp_pdot *d = &o->d[i];
        double c = smp__coverage_at(s->cov, d->x, d->y);
        if (c < MIN_COVER &&
            smp__u01(smp__hash(s->spec->seed, s->spec->layer * 16u + STREAM_THIN, i, 0)) * MIN_COVER >= c)
            continue;
        o->d[kept++] = *d;
    }
    o->n = kept;
}

static int conflicts(const sampler *s, double x, double y, double r)
{
    const smp_coverage *cov = s->cov;
    size_t gi = (size_t)(y / cov->cell) * cov->gw + (size_t)(x / cov->cell);
    double near_r = radius_for(s, s->least[gi] ? s->least[gi] : 1);
    double reach = r > near_r ? r : near_r;
    int span = (int)ceil(reach / s->cell);
    int gx = (int)(x / s->cell), gy = (int)(y / s->cell);
    int x0 = gx - span < 0 ? 0 : gx - span, x1 = gx + span >= (int)s->gw ? (int)s->gw - 1 : gx + span;
    int y0 = gy - span < 0 ? 0 : gy - span, y1 = gy + span >= (int)s->gh ? (int)s->gh - 1 : gy + span;
    for (int j = y0; j <= y1; j++) {
        const int32_t *row = s->grid + (size_t)j * s->gw;
        for (int i = x0; i <= x1; i++) {
            if (!row[i])
                continue;
            const smp_pdot *p = &s->out->d[row[i] - 1];
            double dx = p->x - x, dy = p->y - y, m = p->excl > r ? p->excl : r;
            if (dx * dx + dy * dy < m * m)
                return 1;
        }
    }
    return 0;
}

static int push_dot(sampler *s, double x, double y, double r)
{
    smp_dots *o = s->out;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1024;
        smp_pdot *d = cap > SIZE_MAX / sizeof *d ? NULL : realloc(o->d, cap * sizeof *d);
        uint32_t *a = cap > SIZE_MAX / sizeof *a ? NULL : realloc(s->active, cap * sizeof *a);
        if (a)
            s->active = a;
        if (!d || !a) {
            if (d)
                o->d = d;
            return 0;
        }
        o->d = d;
        o->cap = cap;
    }
    if (o->n >= INT32_MAX - 1)
        return 0;
    size_t i = o->n++;
    const smp_sample_spec *sp = s->spec;
    uint64_t h = smp__hash(sp->seed, sp->layer * 16u + STREAM_SIZE, i, 0);
    /* Healed dots vary by about +-10 % in size and opacity. */
    double js = 1.0 + 0.2 * (smp__u01(h) - 0.5);
    double jo = 1.0 + 0.2 * (smp__u01(smp__mix64(h)) - 0.5);
    double op = sp->opacity * jo;
    o->d[i] = (smp_pdot){(float)x, (float)y, (float)(0.5 * sp->dot_mm * js * sp->px_per_mm),
                         (float)r, (float)(op > 1 ? 1 : op), sp->layer};
    s->grid[(size_t)(y / s->cell) * s->gw + (size_t)(x / s->cell)] = (int32_t)i + 1;
    s->active[s->n_active++] = (uint32_t)i;
    return 1;
}

/* Grows from the active list until it is empty. */
static int grow(sampler *s)
{
    const smp_sample_spec *sp = s->spec;
    const uint64_t stream = sp->layer * 16u;
    while (s->n_active) {
        uint64_t h = smp__hash(sp->seed, stream + STREAM_PICK, s->draws++, 0);
        size_t k = (size_t)(smp__u01(h) * (double)s->n_active);
        uint32_t pi = s->active[k];
        const smp_pdot *p = &s->out->d[pi];
        double px = p->x, py = p->y, pr = p->excl;
        int placed = 0;
        for (int t = 0; t < K_TRIES && !placed; t++) {
            uint64_t c = smp__hash(sp->seed, stream + STREAM_CAND, s->draws++, 0);
            double ang = 2 * SMP_PI * smp__u01(c);
            /* Uniform in area over the annulus [pr, 2 pr]. */
            double d = pr * sqrt(1.0 + 3.0 * smp__u01(smp__mix64(c)));
            double x = px + d * cos(ang), y = py + d * sin(ang);
            double r = radius_for(s, smp__coverage_at(s->cov, x, y));
            if (r <= 0 || conflicts(s, x, y, r))
                continue;
            if (!push_dot(s, x, y, r))
                return 0;
            placed = 1;
        }
        if (!placed)
            s->active[k] = s->active[--s->n_active];
    }
    return 1;
}

smp_status smp__sample(const smp_coverage *cov, const smp_sample_spec *spec, smp_dots *out,
                       char *msg)
{
    memset(out, 0, sizeof *out);
    sampler s = {.cov = cov, .spec = spec, .out = out};
    s.r_full = smp__exclusion_mm(spec->density_cm2) * spec->px_per_mm;
    s.cell = s.r_full * SMP_SQRT1_2;
    double gw = ceil(cov->w / s.cell), gh = ceil(cov->h / s.cell);
    size_t cells;
    if (gw * gh > 1e9 || !smp__mul((size_t)gw, (size_t)gh, &cells))
        return smp__fail(msg, SMP_ERR_LIMIT, "density %.0f dots/cm² at %.1f px/mm needs too many cells",
                         spec->density_cm2, spec->px_per_mm);
    s.gw = (uint32_t)gw;
    s.gh = (uint32_t)gh;
    s.grid = calloc(cells, sizeof *s.grid);
    s.least = least_cover(cov, radius_for(&s, MIN_COVER));
    if (!s.grid || !s.least) {
        free(s.grid);
        free(s.least);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the sampling grid (%zu cells)", cells);
    }

    int ok = 1;
    for (uint32_t gy = 0; gy < s.gh && ok; gy++) {
        for (uint32_t gx = 0; gx < s.gw && ok; gx++) {
            if (s.grid[(size_t)gy * s.gw + gx])
                continue;
            uint64_t h = smp__hash(spec->seed, spec->layer * 16u + STREAM_SEED, gx, gy);
            double x = (gx + smp__u01(h)) * s.cell, y = (gy + smp__u01(smp__mix64(h))) * s.cell;
            double r = radius_for(&s, smp__coverage_at(cov, x, y));
            if (r <= 0 || conflicts(&s, x, y, r))
                continue;
            ok = push_dot(&s, x, y, r) && grow(&s);
        }
    }
    free(s.grid);
    free(s.least);
    free(s.active);
    if (ok)
        thin_sparse(&s);
    if (!ok) {
        smp__dots_free(out);
        return smp__fail(msg, SMP_ERR_NOMEM, "out of memory while placing dots");
    }
    return SMP_OK;
}

void smp__dots_free(smp_dots *dots)
{
    free(dots->d);
    memset(dots, 0, sizeof *dots);
}
