/* SPDX-License-Identifier: BSD-2-Clause */
/* The natural pattern (src/pipeline/pattern.c), measured: density, rho of the
 * non-companion dots, the share of dots in close pairs, the maximal case
 * against the plain sampler, sessions, a density ramp, evenness, chains
 * that read as a maze, mottle at viewing size, and determinism across thread counts. */
#include "testutil.h"

#include <math.h>

#include "../bench/pointstats.h"
#include "pattern.h"

static const smp_pattern NATURAL = {.rho = 0.6, .pair_share = 0.15};

static smp_spts pattern(const smp_pattern *pat, const smp_sample_in *in)
{
    smp_spts d;
    char msg[SMP_MSG_LEN];
    if (smp__pattern_sample(pat, in, &d, msg) != SMP_OK)
        fail_msg("pattern: %s", msg);
    return d;
}

static smp_spts plain(const smp_sample_in *in)
{
    smp_spts d;
    char msg[SMP_MSG_LEN];
    if (smp__sample(in, &d, msg) != SMP_OK)
        fail_msg("sample: %s", msg);
    return d;
}

static int same(const smp_spts *a, const smp_spts *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->p[i].x != b->p[i].x || a->p[i].y != b->p[i].y || a->p[i].excl != b->p[i].excl ||
            a->p[i].layer != b->p[i].layer)
            return 0;
    return 1;
}

static double d_hex(double density_cm2) { return sqrt(2.0 / (sqrt(3.0) * density_cm2 / 100.0)); }

static size_t count_in(const smp_spts *d, double x0, double y0, double x1, double y1)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->p[i].x >= x0 && d->p[i].x < x1 && d->p[i].y >= y0 && d->p[i].y < y1;
    return n;
}

/* Interleaved coordinates of the dots (companions too, or not). */
static double *coords(const smp_spts *d, int companions, size_t *n)
{
    double *xy = malloc((2 * d->n + 2) * sizeof *xy);
    assert_non_null(xy);
    *n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (companions || !smp__is_companion(&d->p[i])) {
            xy[2 * *n] = d->p[i].x;
            xy[2 * *n + 1] = d->p[i].y;
            ++*n;
        }
    return xy;
}

/* Share of dots whose nearest neighbour is nearer than t mm. */
static double close_share(const smp_spts *d, double w, double h, double t)
{
    size_t n;
    double *xy = coords(d, 1, &n), *nn = malloc((n + 1) * sizeof *nn);
    const size_t gw = (size_t)(w / t) + 1, gh = (size_t)(h / t) + 1;
    size_t *head = malloc(gw * gh * sizeof *head), *next = malloc((n + 1) * sizeof *next), close = 0;
    assert_true(nn && head && next);
    for (size_t i = 0; i < gw * gh; i++)
        head[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)(xy[2 * i + 1] / t) * gw + (size_t)(xy[2 * i] / t);
        next[i] = head[g];
        head[g] = i;
    }
    for (size_t i = 0; i < n; i++) {
        long gx = (long)(xy[2 * i] / t), gy = (long)(xy[2 * i + 1] / t);
        int found = 0;
        for (long y = gy - 1; y <= gy + 1 && !found; y++)
            for (long x = gx - 1; x <= gx + 1 && !found; x++) {
                if (x < 0 || y < 0 || x >= (long)gw || y >= (long)gh)
                    continue;
                for (size_t j = head[(size_t)y * gw + (size_t)x]; j != SIZE_MAX && !found; j = next[j])
                    found = j != i && hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]) < t;
            }
        close += found;
    }
    free(xy);
    free(nn);
    free(head);
    free(next);
    return n ? (double)close / (double)n : 0;
}

/* rho of the non-companion dots against the density of all dots. */
static double base_rho(const smp_spts *d, double w, double h, double density_cm2)
{
    size_t n;
    double *xy = coords(d, 0, &n);
    double m = bench_min_distance(xy, n, w, h, 0.3 * d_hex(density_cm2));
    free(xy);
    return m / d_hex(density_cm2);
}

/* Nearest-neighbour statistics through the library's analysis. */
static void analyse(const smp_spts *d, double w, double h, const char *name)
{
    size_t n;
    double *xy = coords(d, 1, &n);
    smp_analysis *a = smp_analysis_new();
    assert_non_null(a);
    assert_int_equal(smp_analyze_points(a, xy, n, w, h), SMP_OK);
    double mn, mean, rmin, rmean, bw;
    size_t bins;
    smp_analysis_nearest(a, &mn, &mean, &rmin, &rmean);
    const double *hist = smp_analysis_histogram(a, &bins, &bw);
    char line[400];
    int k = 0;
    for (size_t b = 0; b + 1 < bins && k < (int)sizeof line - 8; b += 2) /* two bins per column */
        k += snprintf(line + k, sizeof line - (size_t)k, " %2.0f", 100 * (hist[b] + hist[b + 1]));
    print_message("%s: rho min %.3f mean %.3f; nn %% per %.3f d_hex from 0:%s\n", name, rmin, rmean, 2 * bw, line);
    smp_analysis_free(a);
    free(xy);
}

static void test_density_rho_pairs(void **state)
{
    (void)state;
    const double W = 100, densities[] = {80, 110, 150};
    for (int k = 0; k < 3; k++) {
        const double D = densities[k];
        smp_spts d = pattern(&NATURAL, &(smp_sample_in){.w_mm = W, .h_mm = W, .density_cm2 = D, .seed = 21, .layer = 1});
        double achieved = count_in(&d, 10, 10, 90, 90) / 64.0, all = d.n / 100.0;
        double rho = base_rho(&d, W, W, all), share = close_share(&d, W, W, 0.5);
        print_message("%.0f dots/cm²: %.2f in the core (%+.2f %%), rho of the non-companions %.3f, %.1f %% of dots "
                      "in pairs under 0.5 mm\n",
                      D, achieved, 100 * (achieved / D - 1), rho, 100 * share);
        assert_true(fabs(achieved / D - 1) <= 0.03);
        assert_true(fabs(rho - NATURAL.rho) <= 0.06);
        assert_true(share >= 0.10 && share <= 0.20);
        if (D == 110) {
            smp_spts m = plain(&(smp_sample_in){.w_mm = W, .h_mm = W, .density_cm2 = D, .seed = 21, .layer = 1});
            analyse(&m, W, W, "maximal");
            analyse(&d, W, W, "natural");
            smp__spts_free(&m);
        }
        smp__spts_free(&d);
    }
}

static void test_maximal_is_the_sampler(void **state)
{
    (void)state;
    const smp_sample_in in = {.w_mm = 60, .h_mm = 40, .density_cm2 = 110, .seed = 5, .layer = 1};
    smp_spts a = plain(&in), b = pattern(&(smp_pattern){.rho = 0.77, .pair_share = 0}, &in);
    assert_true(same(&a, &b));
    smp__spts_free(&a);
    smp__spts_free(&b);
}

/* Sessions: each layer sampled at its cumulative density around all earlier dots. */
static smp_spts sessions(const smp_pattern *pat, smp_sample_in in, double D, const double *share, int n,
                         double *cumulative)
{
    smp_spts all = {malloc(sizeof(smp_spt)), 0};
    for (int k = 0; k < n; k++) {
        in.density_cm2 = D * share[k];
        in.layer = (uint8_t)(k + 1);
        in.existing = all.p;
        in.n_existing = all.n;
        smp_spts layer = pattern(pat, &in);
        all.p = realloc(all.p, (all.n + layer.n + 1) * sizeof *all.p);
        assert_non_null(all.p);
        memcpy(all.p + all.n, layer.p, layer.n * sizeof *layer.p);
        all.n += layer.n;
        smp__spts_free(&layer);
        if (cumulative)
            cumulative[k] = count_in(&all, in.x0_mm + 10, in.y0_mm + 10, in.x0_mm + in.w_mm - 10, in.y0_mm + in.h_mm - 10) /
                            ((in.w_mm - 20) * (in.h_mm - 20) / 100);
    }
    return all;
}

static void test_sessions(void **state)
{
    (void)state;
    const double W = 100, D = 110, share[] = {0.3, 0.7, 1.0};
    double cum[3];
    smp_spts all = sessions(&NATURAL, (smp_sample_in){.x0_mm = 3, .y0_mm = 7, .w_mm = W, .h_mm = W, .seed = 8}, D, share,
                            3, cum);
    for (int k = 0; k < 3; k++) {
        print_message("sessions: after %d, %.2f dots/cm² (asked %.1f, %+.2f %%)\n", k + 1, cum[k], D * share[k],
                      100 * (cum[k] / (D * share[k]) - 1));
        assert_true(fabs(cum[k] / (D * share[k]) - 1) <= 0.04);
    }
    for (size_t i = 0; i < all.n; i++) { /* back to the frame at 0, 0 */
        all.p[i].x -= 3;
        all.p[i].y -= 7;
    }
    double rho = base_rho(&all, W, W, all.n / 100.0), pairs = close_share(&all, W, W, 0.5);
    print_message("sessions: rho of the non-companions %.3f, %.1f %% of dots in pairs\n", rho, 100 * pairs);
    assert_true(fabs(rho - NATURAL.rho) <= 0.06);
    assert_true(pairs >= 0.10 && pairs <= 0.20);
    smp__spts_free(&all);
}

/* Coverage 0 left of x = 10 mm, a linear ramp to full at 15 mm, full on. */
static double ramp(double x) { return x <= 10 ? 0 : x >= 15 ? 1 : (x - 10) / 5; }

static void test_ramp(void **state)
{
    (void)state;
    const double ppm = 4, W = 25, H = 400, D = 110;
    smp_coverage cov = {.gw = (uint32_t)(W * ppm), .gh = (uint32_t)(H * ppm), .cell = 1};
    cov.w = cov.gw;
    cov.h = cov.gh;
    cov.c = malloc((size_t)cov.gw * cov.gh);
    assert_non_null(cov.c);
    for (uint32_t y = 0; y < cov.gh; y++)
        for (uint32_t x = 0; x < cov.gw; x++)
            cov.c[(size_t)y * cov.gw + x] = (uint8_t)lround(255 * ramp((x + 0.5) / ppm));
    /* Four seeds pooled: one seed's band of the ramp's foot reads 20-29
     * dots/cm² against the field's 33 (ten seeds), so whether it passed a
     * per-band bound was the seed's luck. */
    enum { SEEDS = 4 };
    smp_spts nat[SEEDS], max[SEEDS];
    for (int k = 0; k < SEEDS; k++) {
        const smp_sample_in in = {.w_mm = W, .h_mm = H, .density_cm2 = D, .cov = &cov, .cov_px_per_mm = ppm,
                                  .seed = 3 + (uint64_t)k, .layer = 1};
        nat[k] = pattern(&NATURAL, &in);
        max[k] = plain(&in);
    }
    const double area = SEEDS * (H - 10) / 100; /* cm² of one band, all seeds */
    double worst = 0, sum_want = 0, sum_nat = 0, sum_max = 0;
    for (double x = 9; x < 20; x += 1) {
        double want = 0; /* the field's mean over the band, by the midpoint rule */
        for (int i = 0; i < 100; i++)
            want += ramp(x + (i + 0.5) / 100) / 100;
        want *= D;
        double a = 0, b = 0;
        for (int k = 0; k < SEEDS; k++) {
            a += count_in(&nat[k], x, 5, x + 1, H - 5) / area;
            b += count_in(&max[k], x, 5, x + 1, H - 5) / area;
        }
        print_message("ramp: band %2.0f-%2.0f mm, field %6.1f, natural %6.1f, maximal %6.1f dots/cm²\n", x, x + 1, want, a, b);
        /* 3 sigma of counting noise and 3 %; at the foot the pattern falls
         * 30 % short where the coverage is 0.2-0.4 and 13-17 % over below
         * it (the local rate's disc spans both), which the sum across the
         * ramp below holds to the field. */
        const bool foot = x >= 10 && x < 12;
        double tol = foot ? 0.35 * want : 3 * sqrt(want * area) / area + 0.03 * want + 0.5;
        assert_true(fabs(a - want) <= tol);
        if (want > 0 && !foot)
            worst = fmax(worst, fabs(a / want - 1));
        if (x >= 10 && x < 15) {
            sum_want += want;
            sum_nat += a;
            sum_max += b;
        }
    }
    print_message("ramp: largest band deviation from the field past the foot %.1f %%; across the ramp, natural "
                  "%+.1f %%, maximal %+.1f %% of the field\n",
                  100 * worst, 100 * (sum_nat / sum_want - 1), 100 * (sum_max / sum_want - 1));
    assert_true(fabs(sum_nat / sum_want - 1) < 0.05); /* the local keep rate fills the sampler's deficit */
    for (int k = 0; k < SEEDS; k++) {
        smp__spts_free(&nat[k]);
        smp__spts_free(&max[k]);
    }
    free(cov.c);
}

/* Evenness at the scale a viewer sees: the variance of the dot count in
 * square windows of `side` mm over its mean (1 for a Poisson process,
 * near 0 for a lattice). */
static double count_dispersion(const smp_spts *d, double W, double side)
{
    const int k = (int)(W / side);
    double s = 0, s2 = 0;
    for (int j = 0; j < k; j++)
        for (int i = 0; i < k; i++) {
            const double c = (double)count_in(d, i * side, j * side, (i + 1) * side, (j + 1) * side);
            s += c;
            s2 += c * c;
        }
    const double n = (double)k * k, mean = s / n;
    return (s2 / n - mean * mean) / mean;
}

/* Thinning at random leaves clumps and holes a few dots wide that read as
 * blotches at viewing size; the pattern's local quota keeps the count in
 * any 2-4 mm window close to the field's, near the maximal set's evenness.
 * (Independent keep decisions at rate 0.6 gave 0.47 in 2 mm windows.) */
static void test_even(void **state)
{
    (void)state;
    const double W = 120, D = 110;
    const smp_sample_in in = {.w_mm = W, .h_mm = W, .density_cm2 = D, .seed = 13, .layer = 1};
    smp_spts nat = pattern(&(smp_pattern){.rho = 0.6, .pair_share = 0}, &in), max = plain(&in);
    for (double side = 2; side <= 4; side += 2) {
        const double dn = count_dispersion(&nat, W, side), dm = count_dispersion(&max, W, side);
        print_message("evenness: count variance / mean in %.0f mm windows: natural %.3f, maximal %.3f, Poisson 1\n",
                      side, dn, dm);
        assert_true(dn < 0.35);
    }
    smp__spts_free(&nat);
    smp__spts_free(&max);
}

typedef struct xi {
    double x;
    size_t i;
} xi;

static int by_xi(const void *a, const void *b)
{
    const xi *p = a, *q = b;
    return (p->x > q->x) - (p->x < q->x);
}

/* Union-find root with path halving. */
static size_t root(size_t *up, size_t i)
{
    while (up[i] != i)
        i = up[i] = up[up[i]];
    return i;
}

/* The share of the dots that lie in chains of 5 or more, linking dots
 * closer than 0.7 d_hex: where a thinned set keeps neighbours at its
 * sampler's radius, these chains run through the pattern and read as a
 * grey maze at viewing size (test_even's counts do not see it). */
static double chained_share(const smp_spts *d, double density_cm2)
{
    const double link = 0.7 * d_hex(density_cm2);
    size_t *up = malloc((d->n + 1) * sizeof *up), *size = calloc(d->n + 1, sizeof *size);
    assert_true(up && size);
    for (size_t i = 0; i < d->n; i++)
        up[i] = i;
    /* Sweep a band along x over the dots sorted by x. */
    xi *by_x = malloc((d->n + 1) * sizeof *by_x);
    assert_non_null(by_x);
    for (size_t i = 0; i < d->n; i++)
        by_x[i] = (xi){d->p[i].x, i};
    qsort(by_x, d->n, sizeof *by_x, by_xi);
    for (size_t a = 0; a < d->n; a++)
        for (size_t b = a + 1; b < d->n && by_x[b].x - by_x[a].x < link; b++) {
            const smp_spt *p = &d->p[by_x[a].i], *q = &d->p[by_x[b].i];
            if ((p->x - q->x) * (p->x - q->x) + (p->y - q->y) * (p->y - q->y) < link * link)
                up[root(up, by_x[a].i)] = root(up, by_x[b].i);
        }
    for (size_t i = 0; i < d->n; i++)
        size[root(up, i)]++;
    size_t chained = 0;
    for (size_t i = 0; i < d->n; i++)
        chained += size[root(up, i)] >= 5;
    free(up);
    free(size);
    free(by_x);
    return d->n ? (double)chained / (double)d->n : 0;
}

/* Thinning 0.6 of a maximal set straight to rho 0.6 put 44 % of the dots
 * in such chains; the jitter after a lighter thinning breaks them. */
static void test_no_maze(void **state)
{
    (void)state;
    const double W = 60, D = 120;
    const smp_sample_in in = {.w_mm = W, .h_mm = W, .density_cm2 = D, .seed = 21, .layer = 1};
    smp_spts nat = pattern(&(smp_pattern){.rho = 0.6, .pair_share = 0}, &in), max = plain(&in);
    const double cn = chained_share(&nat, D), cm = chained_share(&max, D);
    print_message("chains: share of dots in chains of 5+ closer than 0.7 d_hex: natural %.3f, maximal %.3f\n", cn, cm);
    assert_true(cn < 0.2);
    smp__spts_free(&nat);
    smp__spts_free(&max);
}

/* The structure factor S(k) = |sum exp(-i k.x)|^2 / n over the dots of a
 * W mm square, averaged over the wave vectors k = 2 pi (i, j) / W (the
 * window's own transform is 0 there) whose wavelengths lie between lo and
 * hi d_hex. Poisson dots give 1, a lattice 0. */
static double structure(const smp_spts *d, double W, double density_cm2, double lo, double hi)
{
    const double h = d_hex(density_cm2);
    const int m = (int)ceil(W / (lo * h));
    double sum = 0;
    size_t nk = 0;
    for (int j = 0; j <= m; j++)
        for (int i = -m; i <= m; i++) {
            const double len = hypot(i, j), lambda = W / len;
            if ((j == 0 && i <= 0) || lambda < lo * h || lambda > hi * h)
                continue;
            const double kx = 2 * SMP_PI * i / W, ky = 2 * SMP_PI * j / W;
            double re = 0, im = 0;
            for (size_t k = 0; k < d->n; k++) {
                const double ph = kx * d->p[k].x + ky * d->p[k].y;
                re += cos(ph);
                im -= sin(ph);
            }
            sum += (re * re + im * im) / (double)d->n;
            nk++;
        }
    return nk ? sum / (double)nk : 0;
}

/* At a quarter size the crown photo's dots stand about 3 px apart, and
 * differences in their count over 1.5-3 spacings read as a pink mottle
 * between grey patches. A pattern thinned 0.3 away with a wide jitter had
 * S = 0.41 there and looked blotchy, 0.26 with the thinning and jitter of
 * today and still showed pink holes; with the holes filled (test_no_holes)
 * the natural pattern, pairs included, is 0.19 (maximal set 0.11). */
static void test_smooth_at_viewing(void **state)
{
    (void)state;
    const double W = 60, D = 120;
    const smp_sample_in in = {.w_mm = W, .h_mm = W, .density_cm2 = D, .seed = 17, .layer = 1};
    smp_spts nat = pattern(&NATURAL, &in), max = plain(&in);
    const double sn = structure(&nat, W, D, 1.5, 3), sm = structure(&max, W, D, 1.5, 3);
    print_message("mottle: structure factor at 1.5-3 d_hex: natural %.3f, maximal %.3f, Poisson 1\n", sn, sm);
    assert_true(sn < 0.22);
    assert_true(sm < sn); /* the measure sees the difference */
    smp__spts_free(&nat);
    smp__spts_free(&max);
}

/* The share of a W x W window's central part (a border of 3 mm left out)
 * farther than r from every dot, on a raster of 0.05 mm. */
static double empty_share(const smp_spts *d, double W, double r)
{
    enum { G = 64 };
    const double cell = W / G;
    size_t *head = malloc(G * G * sizeof *head), *next = malloc((d->n + 1) * sizeof *next);
    assert_non_null(head);
    assert_non_null(next);
    for (size_t i = 0; i < G * G; i++)
        head[i] = SIZE_MAX;
    for (size_t k = 0; k < d->n; k++) {
        const long cx = (long)(d->p[k].x / cell), cy = (long)(d->p[k].y / cell);
        if (cx < 0 || cy < 0 || cx >= G || cy >= G)
            continue;
        next[k] = head[cy * G + cx];
        head[cy * G + cx] = k;
    }
    const long reach = (long)ceil(r / cell);
    size_t far = 0, all = 0;
    for (double y = 3; y < W - 3; y += 0.05)
        for (double x = 3; x < W - 3; x += 0.05, all++) {
            const long cx = (long)(x / cell), cy = (long)(y / cell);
            int near = 0;
            for (long j = cy - reach; j <= cy + reach && !near; j++)
                for (long i = cx - reach; i <= cx + reach && !near; i++)
                    for (size_t k = head[j * G + i]; k != SIZE_MAX && !near; k = next[k])
                        near = (d->p[k].x - x) * (d->p[k].x - x) + (d->p[k].y - y) * (d->p[k].y - y) < r * r;
            far += !near;
        }
    free(head);
    free(next);
    return (double)far / (double)all;
}

/* The pink gaps: thinning and jitter left spots 0.8-1.25 d_hex from every
 * dot (a maximal set has none past ~0.78), a missing dot or three that reads
 * as a pink hole in the grey at viewing size; hand-made patterns keep the
 * randomness but fill what the eye catches. */
static void test_no_holes(void **state)
{
    (void)state;
    const double W = 60, D = 120, d_hex = sqrt(2 / (sqrt(3.0) * D / 100));
    const smp_sample_in in = {.w_mm = W, .h_mm = W, .density_cm2 = D, .seed = 17, .layer = 1};
    smp_spts nat = pattern(&NATURAL, &in), max = plain(&in);
    const double n8 = empty_share(&nat, W, 0.8 * d_hex), n9 = empty_share(&nat, W, 0.9 * d_hex),
                 m8 = empty_share(&max, W, 0.8 * d_hex);
    print_message("holes: area farther than 0.8 / 0.9 d_hex from every dot: natural %.3f %% / %.3f %%, maximal %.3f %%\n",
                  100 * n8, 100 * n9, 100 * m8);
    assert_true(n8 < 0.003);
    assert_true(n9 < 0.0005);
    smp__spts_free(&nat);
    smp__spts_free(&max);
}

/* A stroke of the brush changes the natural pattern near it only: every
 * choice after the sampler is a hash of the dot's position, decided
 * against its neighbours. What reaches farther is the two counts held to
 * the whole (the thinning's sum of rates, the companions' share): a few
 * dots anywhere. */
static void test_local_edit(void **state)
{
    (void)state;
    const double ppm = 4, W = 160, H = 120, D = 150, cx = 80, cy = 60, R = 5;
    smp_coverage cov = {.gw = (uint32_t)(W * ppm), .gh = (uint32_t)(H * ppm), .cell = 1};
    cov.w = cov.gw;
    cov.h = cov.gh;
    cov.c = malloc((size_t)cov.gw * cov.gh);
    assert_non_null(cov.c);
    for (uint32_t y = 0; y < cov.gh; y++) /* a ramp on the left quarter, full beyond */
        for (uint32_t x = 0; x < cov.gw; x++)
            cov.c[(size_t)y * cov.gw + x] = (uint8_t)(x < cov.gw / 4 ? 255 * x / (cov.gw / 4) : 255);
    const smp_sample_in in = {.w_mm = W, .h_mm = H, .density_cm2 = D, .cov = &cov, .cov_px_per_mm = ppm, .seed = 9,
                              .layer = 1};
    smp_spts a = pattern(&NATURAL, &in);
    for (uint32_t y = 0; y < cov.gh; y++)
        for (uint32_t x = 0; x < cov.gw; x++)
            if (hypot((x + 0.5) / ppm - cx, (y + 0.5) / ppm - cy) < R)
                cov.c[(size_t)y * cov.gw + x] = 0;
    smp_spts b = pattern(&NATURAL, &in);
    /* b's dots by position, to look up each of a's. */
    const double sp = sqrt(100 / D), cell = 1.0;
    const uint32_t bw = (uint32_t)(W / cell) + 1, bh = (uint32_t)(H / cell) + 1;
    size_t *start = calloc((size_t)bw * bh + 1, sizeof *start), *idx = malloc((b.n + 1) * sizeof *idx);
    assert_true(start && idx);
    for (size_t i = 0; i < b.n; i++)
        start[(size_t)(b.p[i].y / cell) * bw + (size_t)(b.p[i].x / cell) + 1]++;
    for (size_t c = 0; c < (size_t)bw * bh; c++)
        start[c + 1] += start[c];
    size_t *fill = calloc((size_t)bw * bh, sizeof *fill);
    assert_non_null(fill);
    for (size_t i = 0; i < b.n; i++) {
        const size_t c = (size_t)(b.p[i].y / cell) * bw + (size_t)(b.p[i].x / cell);
        idx[start[c] + fill[c]++] = i;
    }
    size_t near = 0, near_moved = 0, far = 0, far_moved = 0;
    for (size_t i = 0; i < a.n; i++) {
        const size_t c = (size_t)(a.p[i].y / cell) * bw + (size_t)(a.p[i].x / cell);
        bool same = false;
        for (size_t k = start[c]; k < start[c + 1] && !same; k++)
            same = b.p[idx[k]].x == a.p[i].x && b.p[idx[k]].y == a.p[i].y;
        if (hypot(a.p[i].x - cx, a.p[i].y - cy) - R < 10 * sp) {
            near++;
            near_moved += !same;
        } else {
            far++;
            far_moved += !same;
        }
    }
    print_message("local edit: %zu of %zu dots within 10 spacings of the erased disc changed, %zu of %zu beyond\n",
                  near_moved, near, far_moved, far);
    assert_true(near_moved >= 0.8 * SMP_PI * R * R * D / 100); /* the disc's own dots are gone */
    assert_true(far_moved * 1000 <= far); /* at most 0.1 % */
    free(start);
    free(idx);
    free(fill);
    free(cov.c);
    smp__spts_free(&a);
    smp__spts_free(&b);
}

static void test_threads(void **state)
{
    (void)state;
    const double share[] = {0.5, 1.0};
    smp_spts a = sessions(&NATURAL, (smp_sample_in){.w_mm = 70, .h_mm = 50, .seed = 4, .threads = 1}, 120, share, 2, NULL);
    smp_spts b = sessions(&NATURAL, (smp_sample_in){.w_mm = 70, .h_mm = 50, .seed = 4, .threads = 3}, 120, share, 2, NULL);
    smp_spts c = sessions(&NATURAL, (smp_sample_in){.w_mm = 70, .h_mm = 50, .seed = 5, .threads = 3}, 120, share, 2, NULL);
    assert_true(same(&a, &b));
    assert_false(same(&a, &c));
    smp__spts_free(&a);
    smp__spts_free(&b);
    smp__spts_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_density_rho_pairs), cmocka_unit_test(test_maximal_is_the_sampler),
        cmocka_unit_test(test_sessions),          cmocka_unit_test(test_ramp),
        cmocka_unit_test(test_even),              cmocka_unit_test(test_no_maze),
        cmocka_unit_test(test_smooth_at_viewing), cmocka_unit_test(test_no_holes), cmocka_unit_test(test_threads),
        cmocka_unit_test(test_local_edit),
    };
    return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
