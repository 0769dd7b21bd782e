/* SPDX-License-Identifier: BSD-2-Clause */
/* smp_analyze_points against the literature: rho ~ 0.77 for a maximal
 * Poisson-disk set and ~ 0.73 for Bridson (k = 30), both made here; a
 * hexagonal grid shows six peaks and high anisotropy; white noise is flat.
 * And the numbers do not depend on the thread count. */
#include "testutil.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "../bench/bridson.h"
#include "rng.h"
#include "sample.h"

static smp_analysis *analyse(const double *xy, size_t n, double w, double h)
{
    smp_analysis *a = smp_analysis_new();
    if (smp_analyze_points(a, xy, n, w, h) != SMP_OK)
        fail_msg("analyze: %s", smp_analysis_message(a));
    return a;
}

static double rho_min(const smp_analysis *a)
{
    double r;
    smp_analysis_nearest(a, NULL, NULL, &r, NULL);
    return r;
}

/* Bridson's draws from the counter-based hash: stream, then a running count. */
typedef struct hashed_draws {
    uint64_t seed, draw;
} hashed_draws;

static double hashed_u01(void *state, int stream)
{
    hashed_draws *h = state;
    return smp__u01(smp__hash(h->seed, (uint64_t)stream, h->draw++, 0));
}

static size_t bridson(double side, double r, uint64_t seed, double *xy, size_t cap)
{
    hashed_draws h = {seed, 0};
    return bridson_fill(side, r, side / 2, side / 2, hashed_u01, &h, xy, cap);
}

static void test_rho_maximal_and_bridson(void **state)
{
    (void)state;
    const double side = 100;
    smp_spts pts;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__sample(&(smp_sample_in){.w_mm = side, .h_mm = side, .density_cm2 = 100, .seed = 3, .layer = 1},
                                 &pts, msg),
                     SMP_OK);
    double *xy = malloc(pts.n * 2 * sizeof *xy);
    for (size_t i = 0; i < pts.n; i++) {
        xy[2 * i] = pts.p[i].x;
        xy[2 * i + 1] = pts.p[i].y;
    }
    smp_analysis *a = analyse(xy, pts.n, side, side);
    double rm = rho_min(a);
    print_message("analyze: maximal set (smpsim's sampler), %zu points, rho %.3f\n", pts.n, rm);
    assert_true(fabs(rm - 0.77) < 0.02);
    smp_analysis_free(a);
    free(xy);
    smp__spts_free(&pts);

    size_t cap = 20000;
    xy = malloc(cap * 2 * sizeof *xy);
    size_t n = bridson(side, 0.8, 9, xy, cap);
    a = analyse(xy, n, side, side);
    double rb = rho_min(a);
    print_message("analyze: Bridson k=30, %zu points, rho %.3f\n", n, rb);
    assert_true(fabs(rb - 0.73) < 0.02);
    smp_analysis_free(a);
    free(xy);
}

static void test_hexagonal_grid_peaks(void **state)
{
    (void)state;
    /* A hexagonal lattice of spacing 1 mm, rotated a little so it is not
     * aligned with the FFT grid. */
    const double side = 80, d = 1.0, rot = 0.1;
    size_t cap = 10000, n = 0;
    double *xy = malloc(cap * 2 * sizeof *xy);
    for (int j = -120; j < 120; j++)
        for (int i = -120; i < 120; i++) {
            double x0 = (i + 0.5 * (j & 1)) * d, y0 = j * d * sqrt(3.0) / 2;
            double x = side / 2 + x0 * cos(rot) - y0 * sin(rot), y = side / 2 + x0 * sin(rot) + y0 * cos(rot);
            if (x >= 0 && y >= 0 && x < side && y < side && n < cap) {
                xy[2 * n] = x;
                xy[2 * n + 1] = y;
                n++;
            }
        }
    smp_analysis *a = analyse(xy, n, side, side);
    assert_true(rho_min(a) > 0.99);
    /* Six peaks: the brightest ring's cells, grouped by angle. */
    int size;
    const float *s = smp_analysis_spectrum(a, &size);
    double best = 0, r0 = 0;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            if (s[(size_t)y * size + x] > best) {
                best = s[(size_t)y * size + x];
                r0 = hypot(x - size / 2, y - size / 2);
            }
    int sectors[12] = {0};
    for (int y = 0; y < size; y++) /* the first ring of peaks, around the brightest */
        for (int x = 0; x < size; x++)
            if (s[(size_t)y * size + x] > 0.25 * best && fabs(hypot(x - size / 2, y - size / 2) - r0) < 0.2 * r0) {
                double ang = atan2(y - size / 2, x - size / 2) - rot;
                int sec = (int)floor((ang + 2 * SMP_PI) / (2 * SMP_PI) * 12 + 0.5) % 12;
                sectors[sec] = 1;
            }
    int peaks = 0;
    for (int i = 0; i < 12; i++)
        peaks += sectors[i];
    size_t nr;
    const double *aniso;
    smp_analysis_radial(a, &nr, NULL, &aniso);
    double top = -100;
    for (size_t k = 1; k < nr; k++)
        top = fmax(top, aniso[k]);
    print_message("analyze: hexagonal grid, %zu points, %d of 12 sectors lit, anisotropy up to %.1f dB\n", n, peaks,
                  top);
    assert_int_equal(peaks, 6);
    assert_true(top > 10);
    smp_analysis_free(a);
    free(xy);
}

static void test_white_noise_is_flat(void **state)
{
    (void)state;
    const double side = 100;
    size_t n = 20000;
    double *xy = malloc(n * 2 * sizeof *xy);
    for (size_t i = 0; i < n; i++) {
        xy[2 * i] = smp__u01(smp__hash(5, 1, i, 0)) * side;
        xy[2 * i + 1] = smp__u01(smp__hash(5, 2, i, 0)) * side;
    }
    smp_analysis *a = analyse(xy, n, side, side);
    size_t nr;
    double step;
    const double *aniso, *radial = smp_analysis_radial(a, &nr, &step, &aniso);
    double lo = 1e9, hi = 0, an = 0;
    size_t k0 = (size_t)ceil(0.5 / step), k1 = (size_t)(3.0 / step), m = 0;
    for (size_t k = k0; k <= k1 && k < nr; k++) {
        lo = fmin(lo, radial[k]);
        hi = fmax(hi, radial[k]);
        an += aniso[k];
        m++;
    }
    print_message("analyze: white noise, radial power %.2f..%.2f over 0.5-3 / d_hex, mean anisotropy %.1f dB\n", lo, hi,
                  an / m);
    assert_true(lo > 0.75 && hi < 1.25);
    smp_analysis_free(a);
    free(xy);
}

static void test_same_numbers_any_threads(void **state)
{
    (void)state;
#ifdef _OPENMP
    const double side = 60;
    size_t n = 5000;
    double *xy = malloc(n * 2 * sizeof *xy);
    for (size_t i = 0; i < n; i++) {
        xy[2 * i] = smp__u01(smp__hash(8, 1, i, 0)) * side;
        xy[2 * i + 1] = smp__u01(smp__hash(8, 2, i, 0)) * side;
    }
    double ref[4] = {0};
    for (int t = 1; t <= 3; t++) {
        omp_set_num_threads(t);
        smp_analysis *a = analyse(xy, n, side, side);
        double v[4];
        smp_analysis_nearest(a, &v[0], &v[1], &v[2], &v[3]);
        if (t == 1)
            memcpy(ref, v, sizeof v);
        assert_memory_equal(v, ref, sizeof v);
        smp_analysis_free(a);
    }
    free(xy);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rho_maximal_and_bridson),
        cmocka_unit_test(test_hexagonal_grid_peaks),
        cmocka_unit_test(test_white_noise_is_flat),
        cmocka_unit_test(test_same_numbers_any_threads),
    };
    return cmocka_run_group_tests_name("analyze", tests, NULL, NULL);
}
