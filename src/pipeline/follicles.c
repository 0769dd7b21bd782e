/* SPDX-License-Identifier: BSD-2-Clause */
/* The client's own stubble: visible follicles in a region of the photo.
 *
 * Follicles and short stubble are small dark blobs and strokes on skin. In
 * linear luminance Y, a scale-normalised difference of Gaussians
 * (B(sqrt2 s) - B(s)) / (sqrt2 - 1), which approximates s^2 times the
 * Laplacian of Gaussian (Lindeberg's normalisation, Marr-Hildreth's DoG),
 * divided by the local brightness B(s_top) so that light and shadow weigh
 * alike, responds positively to a dark blob of diameter about 2.8 s. Its
 * maximum over the scales 0.018-0.15 mm (blobs ~0.05-0.4 mm) is stored
 * quantised for the region's bounding box (2 bytes a pixel; floats only for
 * strips of STRIP rows, each computed independently, so the map is the same
 * for any thread count).
 *
 * Pixels darker than their neighbourhood and responding more than K_NOISE
 * robust standard deviations (1.4826 MAD of the responses below the
 * median: skin texture, pores and JPEG noise) above the median seed
 * groups, grown 8-connected over half that threshold; each group is one
 * follicle (a large one several, split by area), so a stubble stroke
 * counts once, not once per pixel along it.
 * A group counts when its strongest pixel lies in the region at least the
 * filters' reach from its edge, and when its centre (darkest pixel near
 * that peak) is darker than the median of a 0.35-0.5 mm ring around it by
 * MIN_CONTRAST or more. Its apparent diameter is that of the disc with the
 * area of the connected pixels at least half as dark (full width at half
 * depth), within a 0.75 mm window.
 *
 * Resolution: below SMP_FOLLICLES_MIN_PPM (6 px/mm, a pixel of 0.17 mm)
 * a 0.08-0.15 mm follicle covers under a pixel, so after the lens and
 * demosaicing blur (about a pixel) its darkening is spread and cut to a
 * fraction that skin texture matches, and follicles 0.5-0.7 mm apart are
 * 3-4 px apart, too close to stay separate minima once the smallest usable
 * scale (SIGMA_MIN_PX) is applied: counts would measure texture. There only
 * the region's tone is measured. */
#include "follicles.h"
#include "color.h"
#include "image.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIGMA0_MM 0.018   /* smallest scale: a 0.05 mm blob */
#define SIGMA_MIN_PX 0.6  /* below this a Gaussian is not sampled */
#define SIGMA_MAX_MM 0.15 /* largest scale: a 0.4 mm blob */
#define MAX_LEVELS 10
#define RING_IN_MM 0.35   /* the surround a follicle's darkening is measured against */
#define RING_OUT_MM 0.5
#define WINDOW_MM 0.75    /* half the side of the window a stroke's area is measured in */
#define K_NOISE 5.0       /* detection threshold, robust standard deviations */
#define MIN_RESPONSE 0.02 /* and at least this relative response (noise-free photos) */
/* A follicle darkens its centre by this much or more: scene pores (0.35
 * opacity of a mid brown) darken by ~0.17, stubble by 0.6-0.9; skin
 * texture and JPEG ringing stay under ~0.1. */
#define MIN_CONTRAST 0.25
#define STRIP 64          /* rows per independently computed strip */
#define QSCALE 16384.0    /* response quantisation: 32768 + r * QSCALE */
#define QZERO 32768

typedef struct fctx {
    const uint8_t *px;
    uint32_t w, h;
    uint8_t *cin; /* per cell: 0 outside, 1 region, 2 region away from its edge */
    uint32_t gw, gh, cell;
    double ppm;
    uint32_t x0, y0, bw, bh; /* the region's bounding box, px */
    uint32_t margin;         /* px kept from the photo's edge */
    uint16_t *resp;          /* bw x bh */
    const float *lut;        /* smp__srgb_linear_table */
    int n;                   /* blur levels */
    double sigma[MAX_LEVELS];
    int pad;                 /* the largest blur's reach, px */
} fctx;

static float lum(const fctx *c, uint32_t x, uint32_t y)
{
    const uint8_t *p = c->px + ((size_t)y * c->w + x) * 3;
    return 0.2126f * c->lut[p[0]] + 0.7152f * c->lut[p[1]] + 0.0722f * c->lut[p[2]];
}

static int cell_of(const fctx *c, uint32_t x, uint32_t y)
{
    uint32_t i = x / c->cell, j = y / c->cell;
    return i < c->gw && j < c->gh ? c->cin[(size_t)j * c->gw + i] : 0;
}

/* A pixel where follicles are counted. */
static bool interior(const fctx *c, uint32_t x, uint32_t y)
{
    return x >= c->margin && y >= c->margin && x + c->margin < c->w && y + c->margin < c->h &&
           cell_of(c, x, y) == 2;
}

/* Marks cells whose (2e+1)^2 neighbourhood is all region with 2:
 * a separable minimum, rows then columns. */
static smp_status erode_cells(fctx *c, const uint8_t *region, uint32_t e, char *msg)
{
    const size_t n = (size_t)c->gw * c->gh;
    uint8_t *t = malloc(n);
    if (!t)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the follicle region");
    for (size_t i = 0; i < n; i++)
        c->cin[i] = region[i] != 0;
    for (uint32_t j = 0; j < c->gh; j++)
        for (uint32_t i = 0; i < c->gw; i++) {
            uint8_t all = 1;
            for (int64_t k = (int64_t)i - e; k <= (int64_t)i + e && all; k++)
                all = k >= 0 && k < c->gw && c->cin[(size_t)j * c->gw + (size_t)k];
            t[(size_t)j * c->gw + i] = all;
        }
    for (uint32_t j = 0; j < c->gh; j++)
        for (uint32_t i = 0; i < c->gw; i++) {
            uint8_t all = 1;
            for (int64_t k = (int64_t)j - e; k <= (int64_t)j + e && all; k++)
                all = k >= 0 && k < c->gh && t[(size_t)k * c->gw + i];
            if (all)
                c->cin[(size_t)j * c->gw + i] = 2;
        }
    free(t);
    return SMP_OK;
}

/* The region's bounding box in photo pixels; false when it is empty. */
static bool region_box(fctx *c)
{
    uint32_t i0 = UINT32_MAX, j0 = UINT32_MAX, i1 = 0, j1 = 0;
    for (uint32_t j = 0; j < c->gh; j++)
        for (uint32_t i = 0; i < c->gw; i++)
            if (c->cin[(size_t)j * c->gw + i]) {
                i0 = i < i0 ? i : i0;
                j0 = j < j0 ? j : j0;
                i1 = i > i1 ? i : i1;
                j1 = j > j1 ? j : j1;
            }
    if (i0 == UINT32_MAX || (uint64_t)i0 * c->cell >= c->w || (uint64_t)j0 * c->cell >= c->h)
        return false;
    uint64_t x1 = ((uint64_t)i1 + 1) * c->cell, y1 = ((uint64_t)j1 + 1) * c->cell;
    c->x0 = i0 * c->cell;
    c->y0 = j0 * c->cell;
    c->bw = (uint32_t)((x1 < c->w ? x1 : c->w) - c->x0);
    c->bh = (uint32_t)((y1 < c->h ? y1 : c->h) - c->y0);
    return true;
}

/* Separable Gaussian blur of an sw x sh buffer, edges clamped. */
static void blur(const float *in, float *out, float *tmp, uint32_t sw, uint32_t sh, double sigma)
{
    float k[127];
    int r = (int)ceil(3 * sigma);
    r = r > 63 ? 63 : r; /* sigma over 21 px (0.15 mm at 140 px/mm) is truncated */
    double sum = 0;
    for (int i = -r; i <= r; i++)
        sum += k[i + r] = (float)smp__exp(-0.5 * i * i / (sigma * sigma));
    for (int i = 0; i <= 2 * r; i++)
        k[i] = (float)(k[i] / sum);
    for (uint32_t y = 0; y < sh; y++)
        for (uint32_t x = 0; x < sw; x++) {
            float s = 0;
            for (int i = -r; i <= r; i++) {
                int64_t xx = (int64_t)x + i;
                xx = xx < 0 ? 0 : xx >= sw ? (int64_t)sw - 1 : xx;
                s += k[i + r] * in[(size_t)y * sw + (size_t)xx];
            }
            tmp[(size_t)y * sw + x] = s;
        }
    for (uint32_t y = 0; y < sh; y++)
        for (uint32_t x = 0; x < sw; x++) {
            float s = 0;
            for (int i = -r; i <= r; i++) {
                int64_t yy = (int64_t)y + i;
                yy = yy < 0 ? 0 : yy >= sh ? (int64_t)sh - 1 : yy;
                s += k[i + r] * tmp[(size_t)yy * sw + x];
            }
            out[(size_t)y * sw + x] = s;
        }
}

/* Strip geometry: photo columns [*lo, *lo + *sw), rows [*top, *top + *sh)
 * around the box rows [ys, ye). */
static void strip_span(const fctx *c, uint32_t ys, uint32_t ye, uint32_t *lo, uint32_t *sw, uint32_t *top,
                       uint32_t *sh)
{
    uint32_t p = (uint32_t)c->pad;
    uint32_t x0 = c->x0 > p ? c->x0 - p : 0, x1 = c->x0 + c->bw + p < c->w ? c->x0 + c->bw + p : c->w;
    uint32_t y0 = c->y0 + ys > p ? c->y0 + ys - p : 0, y1 = c->y0 + ye + p < c->h ? c->y0 + ye + p : c->h;
    *lo = x0;
    *sw = x1 - x0;
    *top = y0;
    *sh = y1 - y0;
}

/* The largest response over the scales at strip position s, quantised,
 * its lowest bit set when the pixel (at the smallest scale) is darker than
 * its neighbourhood: halos around a dark stroke respond at the larger
 * scales too, and would join neighbouring strokes into one group. */
static uint16_t quantise(float r, float b0, float norm)
{
    double q = QZERO + (double)r * QSCALE;
    q = q < 0 ? 0 : q > 65534 ? 65534 : q;
    return (uint16_t)(((uint16_t)lrint(q) & ~1u) | (b0 < norm));
}

/* The quantised response for box rows [ys, ye); buf holds 6 strip buffers. */
static void strip_response(const fctx *c, uint32_t ys, uint32_t ye, float *buf, size_t plane)
{
    uint32_t lo, sw, top, sh;
    strip_span(c, ys, ye, &lo, &sw, &top, &sh);
    float *y = buf, *tmp = buf + plane, *norm = buf + 2 * plane, *prev = buf + 3 * plane, *cur = buf + 4 * plane;
    float *b0 = buf + 5 * plane;
    for (uint32_t j = 0; j < sh; j++)
        for (uint32_t i = 0; i < sw; i++)
            y[(size_t)j * sw + i] = lum(c, lo + i, top + j);
    blur(y, norm, tmp, sw, sh, c->sigma[c->n - 1]);
    blur(y, b0, tmp, sw, sh, c->sigma[0]);
    memcpy(prev, b0, sizeof *prev * (size_t)sw * sh);
    const float gain = (float)(1 / (sqrt(2.0) - 1));
    for (int l = 1; l < c->n; l++) {
        blur(y, cur, tmp, sw, sh, c->sigma[l]);
        for (uint32_t j = ys; j < ye; j++)
            for (uint32_t i = 0; i < c->bw; i++) {
                size_t s = (size_t)(c->y0 + j - top) * sw + (c->x0 + i - lo);
                float r = gain * (cur[s] - prev[s]) / (norm[s] > 1e-4f ? norm[s] : 1e-4f);
                uint16_t v = quantise(r, b0[s], norm[s]), *o = c->resp + (size_t)j * c->bw + i;
                *o = l == 1 || v > *o ? v : *o;
            }
        float *t = prev;
        prev = cur;
        cur = t;
    }
}

/* A candidate: dark against its neighbourhood and responding above thr. */
static bool candidate(uint16_t q, uint16_t thr) { return (q & 1) && (q & ~1u) > thr; }

/* The response map over the box, strips in parallel. */
static smp_status responses(fctx *c, int threads, char *msg)
{
    const uint32_t strips = (c->bh + STRIP - 1) / STRIP;
    uint32_t lo, sw, top, sh;
    strip_span(c, 0, c->bh < STRIP ? c->bh : STRIP, &lo, &sw, &top, &sh);
    size_t plane, bytes;
    if (!smp__mul(sw, (size_t)STRIP + 2 * (size_t)c->pad, &plane) || !smp__mul(plane, 6 * sizeof(float), &bytes))
        return smp__fail(msg, SMP_ERR_NOMEM, "follicle strips too large");
    int failed = 0;
    const int nt = smp__threads(threads);
    (void)nt;
    SMP_OMP(omp parallel num_threads(nt) reduction(| : failed))
    {
        float *buf = malloc(bytes);
        failed |= !buf;
        SMP_OMP(omp for schedule(dynamic, 1))
        for (uint32_t s = 0; s < strips; s++)
            if (buf)
                strip_response(c, s * STRIP, (s + 1) * STRIP < c->bh ? (s + 1) * STRIP : c->bh, buf, plane);
        free(buf);
    }
    return failed ? smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate a follicle strip") : SMP_OK;
}

/* Thresholds over the response at interior pixels: thr[1] = the median
 * plus K_NOISE robust standard deviations, from the median distance of
 * the responses below the median (follicles only add above it, so dense
 * stubble does not raise its own threshold); groups grow over thr[0],
 * half as far above the median (hysteresis: a thin stroke whose response
 * dips along it stays one group). */
static smp_status thresholds(const fctx *c, uint16_t thr[2], size_t *count, char *msg)
{
    uint32_t *hist = calloc(65536, sizeof *hist);
    if (!hist)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the follicle histogram");
    size_t n = 0;
    for (uint32_t j = 0; j < c->bh; j++)
        for (uint32_t i = 0; i < c->bw; i++)
            if (interior(c, c->x0 + i, c->y0 + j)) {
                hist[c->resp[(size_t)j * c->bw + i] & ~1u]++;
                n++;
            }
    *count = n;
    size_t acc = 0, below = 0;
    int med = 0;
    while (med < 65535 && (acc += hist[med]) * 2 < n)
        med++;
    for (int v = 0; v < med; v++)
        below += hist[v];
    int mad = 0;
    acc = 0;
    while (mad < med && (acc += hist[med - 1 - mad]) * 2 < below)
        mad++;
    free(hist);
    double t = fmax(K_NOISE * 1.4826 * (mad + 1), MIN_RESPONSE * QSCALE);
    thr[1] = (uint16_t)fmin(65534, med + ceil(t));
    thr[0] = (uint16_t)fmin(65534, med + ceil(0.5 * t));
    return SMP_OK;
}

typedef struct grow {
    void *p;
    size_t n, cap, size;
} grow;

static bool grow_push(grow *g, const void *v)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 256, bytes;
        void *p = smp__mul(cap, g->size, &bytes) ? realloc(g->p, bytes) : NULL;
        if (!p)
            return false;
        g->p = p;
        g->cap = cap;
    }
    memcpy((char *)g->p + g->n * g->size, v, g->size);
    g->n++;
    return true;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Scratch for measuring one follicle: a window of side 2r + 1. */
typedef struct win {
    int r;
    float *ring;
    uint8_t *seen;
    uint32_t *stack;
} win;

/* Area (px) of the 4-connected pixels no lighter than level around (cx, cy). */
static size_t dark_area(const fctx *c, win *wv, uint32_t cx, uint32_t cy, float level)
{
    const int r = wv->r, side = 2 * r + 1;
    memset(wv->seen, 0, (size_t)side * side);
    size_t n = 0, top = 0;
    wv->stack[top++] = (uint32_t)(r * side + r);
    wv->seen[r * side + r] = 1;
    while (top) {
        uint32_t s = wv->stack[--top];
        int sx = (int)(s % (uint32_t)side), sy = (int)(s / (uint32_t)side);
        n++;
        static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
        for (int k = 0; k < 4; k++) {
            int nx = sx + dx[k], ny = sy + dy[k];
            int64_t px = (int64_t)cx + nx - r, py = (int64_t)cy + ny - r;
            if (nx < 0 || ny < 0 || nx >= side || ny >= side || px < 0 || py < 0 || px >= c->w || py >= c->h ||
                wv->seen[ny * side + nx])
                continue;
            wv->seen[ny * side + nx] = 1;
            if (lum(c, (uint32_t)px, (uint32_t)py) <= level)
                wv->stack[top++] = (uint32_t)(ny * side + nx);
        }
    }
    return n;
}

/* Contrast and diameter (mm) of the follicle peaking at (x, y); false when
 * it is too faint. The centre is the darkest pixel of the 3 x 3 around it. */
static bool measure_one(const fctx *c, win *wv, uint32_t x, uint32_t y, double *contrast, double *diam)
{
    uint32_t cx = x, cy = y;
    float centre = lum(c, x, y);
    for (uint32_t j = y - 1; j <= y + 1; j++)
        for (uint32_t i = x - 1; i <= x + 1; i++)
            if (lum(c, i, j) < centre) {
                centre = lum(c, i, j);
                cx = i;
                cy = j;
            }
    const double rin = RING_IN_MM * c->ppm, rout = RING_OUT_MM * c->ppm;
    const int ro = (int)ceil(rout);
    size_t n = 0;
    for (int j = -ro; j <= ro; j++)
        for (int i = -ro; i <= ro; i++) {
            double d2 = (double)i * i + (double)j * j;
            if (d2 >= rin * rin && d2 <= rout * rout)
                wv->ring[n++] = lum(c, (uint32_t)((int64_t)cx + i), (uint32_t)((int64_t)cy + j));
        }
    qsort(wv->ring, n, sizeof *wv->ring, cmp_float);
    const float surround = n ? wv->ring[n / 2] : 0;
    if (surround <= 0)
        return false;
    *contrast = 1 - centre / surround;
    if (*contrast < MIN_CONTRAST)
        return false;
    size_t area = dark_area(c, wv, cx, cy, surround - 0.5f * (surround - centre));
    *diam = 2 * sqrt((double)area / SMP_PI) / c->ppm;
    return true;
}

typedef struct found {
    grow contrast, diam, area; /* doubles: per kept group; area in px */
    size_t pixels;             /* the last group's */
    grow stack;          /* uint32 box indices */
    uint8_t *seen;       /* bw x bh */
} found;

/* Floods the 8-connected candidates from box index s; returns the
 * strongest pixel (the first in raster order among equals) or UINT32_MAX
 * when the stack cannot grow. */
static uint32_t component(const fctx *c, found *f, uint32_t s, uint16_t thr)
{
    uint32_t best = s;
    f->stack.n = 0;
    f->pixels = 0;
    f->seen[s] = 1;
    if (!grow_push(&f->stack, &s))
        return UINT32_MAX;
    while (f->stack.n) {
        uint32_t v = ((uint32_t *)f->stack.p)[--f->stack.n];
        f->pixels++;
        if (c->resp[v] > c->resp[best] || (c->resp[v] == c->resp[best] && v < best))
            best = v;
        uint32_t x = v % c->bw, y = v / c->bw;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int64_t nx = (int64_t)x + dx, ny = (int64_t)y + dy;
                if (nx < 0 || ny < 0 || nx >= c->bw || ny >= c->bh)
                    continue;
                uint32_t u = (uint32_t)ny * c->bw + (uint32_t)nx;
                if (f->seen[u] || !candidate(c->resp[u], thr))
                    continue;
                f->seen[u] = 1;
                if (!grow_push(&f->stack, &u))
                    return UINT32_MAX;
            }
    }
    return best;
}

/* Every candidate group, measured at its peak, in raster order. */
static smp_status find_all(const fctx *c, const uint16_t thr[2], found *f, char *msg)
{
    const int r = (int)ceil(WINDOW_MM * c->ppm), side = 2 * r + 1;
    const int ro = (int)ceil(RING_OUT_MM * c->ppm);
    win wv = {r, malloc(sizeof(float) * (size_t)(2 * ro + 1) * (size_t)(2 * ro + 1)),
              malloc((size_t)side * side), malloc(sizeof(uint32_t) * (size_t)side * side)};
    smp_status st = wv.ring && wv.seen && wv.stack ? SMP_OK
                                                    : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate follicle scratch");
    const size_t n = (size_t)c->bw * c->bh;
    for (size_t s = 0; s < n && st == SMP_OK; s++) {
        if (f->seen[s] || !candidate(c->resp[s], thr[0]))
            continue;
        uint32_t p = component(c, f, (uint32_t)s, thr[0]);
        if (p == UINT32_MAX) {
            st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the follicle stack");
            break;
        }
        uint32_t x = c->x0 + p % c->bw, y = c->y0 + p / c->bw;
        double con, dia;
        if (!candidate(c->resp[p], thr[1]) || !interior(c, x, y) || !measure_one(c, &wv, x, y, &con, &dia))
            continue;
        double px = (double)f->pixels;
        if (!grow_push(&f->contrast, &con) || !grow_push(&f->diam, &dia) || !grow_push(&f->area, &px))
            st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the follicle list");
    }
    free(wv.ring);
    free(wv.seen);
    free(wv.stack);
    return st;
}

static double median(grow *g)
{
    if (!g->n)
        return 0;
    double *v = g->p;
    qsort(v, g->n, sizeof *v, cmp_double);
    return g->n % 2 ? v[g->n / 2] : 0.5 * (v[g->n / 2 - 1] + v[g->n / 2]);
}

/* Follicles in the groups: touching strokes join into one group (dense
 * stubble 0.4-1.2 mm long touches a neighbour about half the time at 220
 * hairs/cm²), so a group counts as its area over the median group's,
 * rounded, at least one: the usual split of touching objects by a single
 * object's area, the median being a single one while most groups are. */
static size_t split_count(grow *area)
{
    if (!area->n)
        return 0;
    double *a = area->p, *sorted = malloc(area->n * sizeof *sorted);
    if (!sorted) /* only the split is lost */
        return area->n;
    memcpy(sorted, a, area->n * sizeof *sorted);
    qsort(sorted, area->n, sizeof *sorted, cmp_double);
    const double one = sorted[area->n / 2];
    free(sorted);
    size_t n = 0;
    for (size_t i = 0; i < area->n; i++) {
        double k = floor(a[i] / one + 0.5);
        n += k > 1 ? (size_t)k : 1;
    }
    return n;
}

/* Mean CIELAB L* and area (cm²) of the region's pixels (all of it, or its
 * interior), summed row by row in order. */
static void tone_and_area(const fctx *c, int interior_only, double *l, double *area)
{
    double sum[3] = {0, 0, 0};
    size_t n = 0;
    for (uint32_t y = c->y0; y < c->y0 + c->bh; y++) {
        double row[3] = {0, 0, 0};
        for (uint32_t x = c->x0; x < c->x0 + c->bw; x++) {
            if (!(interior_only ? interior(c, x, y) : cell_of(c, x, y) != 0))
                continue;
            const uint8_t *p = c->px + ((size_t)y * c->w + x) * 3;
            for (int k = 0; k < 3; k++)
                row[k] += c->lut[p[k]];
            n++;
        }
        for (int k = 0; k < 3; k++)
            sum[k] += row[k];
    }
    *area = (double)n / (c->ppm * c->ppm * 100);
    float lin[3] = {0, 0, 0};
    for (int k = 0; k < 3 && n; k++)
        lin[k] = (float)(sum[k] / (double)n);
    double lab[3];
    smp__linear_to_lab(lin, lab);
    *l = lab[0];
}

/* Scales sigma0 * sqrt2^l from SIGMA0_MM (at least SIGMA_MIN_PX) to
 * SIGMA_MAX_MM, at least three levels (two DoG bands). */
static void set_scales(fctx *c)
{
    double s = fmax(SIGMA0_MM * c->ppm, SIGMA_MIN_PX);
    c->n = 0;
    while (c->n < MAX_LEVELS && (c->n < 3 || s <= SIGMA_MAX_MM * c->ppm * 1.0001)) {
        c->sigma[c->n++] = s;
        s *= sqrt(2.0);
    }
    c->pad = (int)ceil(3 * c->sigma[c->n - 1]);
    if (c->pad > 63)
        c->pad = 63;
}

/* Counts and measures follicles once the context is set up. */
static smp_status detect(fctx *c, smp_follicles *out, int threads, char *msg)
{
    size_t n, pixels;
    if (!smp__mul(c->bw, c->bh, &n) || !smp__mul(n, sizeof *c->resp, &pixels))
        return smp__fail(msg, SMP_ERR_NOMEM, "follicle region too large");
    found f = {{NULL, 0, 0, sizeof(double)}, {NULL, 0, 0, sizeof(double)}, {NULL, 0, 0, sizeof(double)}, 0,
               {NULL, 0, 0, sizeof(uint32_t)}, NULL};
    c->resp = malloc(pixels);
    f.seen = calloc(n, 1);
    smp_status st = c->resp && f.seen ? SMP_OK : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the follicle map");
    if (st == SMP_OK)
        st = responses(c, threads, msg);
    uint16_t thr[2] = {0, 0};
    size_t count = 0;
    if (st == SMP_OK)
        st = thresholds(c, thr, &count, msg);
    if (st == SMP_OK && count)
        st = find_all(c, thr, &f, msg);
    if (st == SMP_OK && out->area_cm2 > 0) {
        out->per_cm2 = (double)split_count(&f.area) / out->area_cm2;
        out->contrast = median(&f.contrast);
        out->diameter_mm = median(&f.diam);
    }
    free(f.contrast.p);
    free(f.diam.p);
    free(f.area.p);
    free(f.stack.p);
    free(f.seen);
    free(c->resp);
    c->resp = NULL;
    return st;
}

smp_status smp__measure_follicles(const smp_image *rgb, const uint8_t *region, uint32_t gw, uint32_t gh,
                                  uint32_t cell_px, double px_per_mm, smp_follicles *out, int threads, char *msg)
{
    memset(out, 0, sizeof *out);
    if (!rgb || rgb->ch != 3 || !region || !gw || !gh || !cell_px || !(px_per_mm > 0))
        return smp__fail(msg, SMP_ERR_ARG, "follicles: an RGB photo, a region and a scale are needed");
    size_t cells;
    if (!smp__mul(gw, gh, &cells))
        return smp__fail(msg, SMP_ERR_NOMEM, "follicle grid too large");
    fctx c = {rgb->px, rgb->w, rgb->h, malloc(cells), gw, gh, cell_px, px_per_mm, 0, 0, 0, 0, 0, NULL, NULL, 0,
              {0}, 0};
    if (!c.cin)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the follicle region");
    c.lut = smp__srgb_linear_table();
    set_scales(&c);
    /* Counted where the ring and the largest blur stay inside the region. */
    const double reach = RING_OUT_MM * px_per_mm + c.pad + 1;
    c.margin = (uint32_t)ceil(RING_OUT_MM * px_per_mm) + 2;
    smp_status st = erode_cells(&c, region, (uint32_t)ceil(reach / cell_px), msg);
    if (st == SMP_OK && region_box(&c)) {
        double tone_area;
        tone_and_area(&c, 0, &out->tone_l, &tone_area);
        out->resolved = px_per_mm >= SMP_FOLLICLES_MIN_PPM;
        if (out->resolved) {
            double l;
            tone_and_area(&c, 1, &l, &out->area_cm2);
            st = detect(&c, out, threads, msg);
        } else {
            out->area_cm2 = tone_area;
        }
    }
    free(c.cin);
    return st;
}
