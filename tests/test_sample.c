/* The sampler: the conflict rule is never broken, the achieved density
 * matches the asked one, grey coverage lowers it proportionally, dots stay
 * inside the treated area, and the output depends only on the seed. */
#include "testutil.h"

#include <math.h>

#include "stages.h"

static smp_coverage flat(uint32_t w, uint32_t h, uint8_t v)
{
    smp_coverage c = {.c = malloc((size_t)w * h), .gw = w, .gh = h, .cell = 1, .w = w, .h = h};
    assert_non_null(c.c);
    memset(c.c, v, (size_t)w * h);
    return c;
}

static smp_dots run(const smp_coverage *c, double density, double ppm, uint64_t seed)
{
    smp_sample_spec spec = {.density_cm2 = density, .px_per_mm = ppm, .dot_mm = 0.15,
                            .opacity = 0.85, .seed = seed};
    smp_dots d;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__sample(c, &spec, &d, msg), SMP_OK);
    return d;
}

/* Brute force over a grid of buckets: every pair at least max(r_i, r_j) apart. */
static double check_conflicts(const smp_dots *d, double cell, uint32_t w, uint32_t h)
{
    uint32_t gw = (uint32_t)(w / cell) + 1, gh = (uint32_t)(h / cell) + 1;
    size_t *head = malloc((size_t)gw * gh * sizeof *head), *next = malloc(d->n * sizeof *next);
    for (size_t i = 0; i < (size_t)gw * gh; i++)
        head[i] = SIZE_MAX;
    for (size_t i = 0; i < d->n; i++) {
        size_t g = (size_t)(d->d[i].y / cell) * gw + (size_t)(d->d[i].x / cell);
        next[i] = head[g];
        head[g] = i;
    }
    double worst = INFINITY; /* smallest distance / required distance */
    for (size_t i = 0; i < d->n; i++) {
        int gx = (int)(d->d[i].x / cell), gy = (int)(d->d[i].y / cell);
        for (int y = gy - 1; y <= gy + 1; y++)
            for (int x = gx - 1; x <= gx + 1; x++) {
                if (x < 0 || y < 0 || x >= (int)gw || y >= (int)gh)
                    continue;
                for (size_t j = head[(size_t)y * gw + x]; j != SIZE_MAX; j = next[j]) {
                    if (j == i)
                        continue;
                    double dx = d->d[i].x - d->d[j].x, dy = d->d[i].y - d->d[j].y;
                    double need = fmax(d->d[i].excl, d->d[j].excl);
                    worst = fmin(worst, sqrt(dx * dx + dy * dy) / need);
                }
            }
    }
    free(head);
    free(next);
    return worst;
}

static void test_uniform_density_and_spacing(void **state)
{
    (void)state;
    /* 100 mm x 100 mm at 4 px/mm and 100 dots/cm²: about 10 000 dots. */
    const double ppm = 4, density = 100;
    smp_coverage c = flat(400, 400, 255);
    smp_dots d = run(&c, density, ppm, 42);
    /* Density away from the border, where packing is not cut off. */
    size_t inner = 0;
    for (size_t i = 0; i < d.n; i++)
        inner += d.d[i].x >= 40 && d.d[i].x < 360 && d.d[i].y >= 40 && d.d[i].y < 360;
    double achieved = inner / (80.0 * 80.0 / 100.0);
    print_message("uniform: %zu dots, %.1f dots/cm² in the core (asked %.0f)\n", d.n, achieved, density);
    assert_true(fabs(achieved / density - 1) < 0.03);
    /* Spacing rule, and rho = min distance / hexagonal distance for that count. */
    double excl_px = smp__exclusion_mm(density) * ppm;
    assert_true(check_conflicts(&d, excl_px * 1.01, 400, 400) >= 1.0 - 1e-6);
    double hex_mm = sqrt(2.0 / (sqrt(3.0) * achieved / 100.0));
    double rho = smp__exclusion_mm(density) / hex_mm;
    print_message("uniform: rho %.3f\n", rho);
    assert_true(rho > 0.70);
    smp__dots_free(&d);
    free(c.c);
}

static void test_grey_coverage_lowers_density(void **state)
{
    (void)state;
    const double ppm = 4, density = 100;
    smp_coverage c = flat(400, 400, 128); /* about half */
    smp_dots d = run(&c, density, ppm, 7);
    size_t inner = 0;
    for (size_t i = 0; i < d.n; i++)
        inner += d.d[i].x >= 40 && d.d[i].x < 360 && d.d[i].y >= 40 && d.d[i].y < 360;
    double achieved = inner / 64.0;
    print_message("grey 128: %.1f dots/cm² (expected %.1f)\n", achieved, density * 128 / 255);
    assert_true(fabs(achieved / (density * 128 / 255) - 1) < 0.05);
    smp__dots_free(&d);

    /* Very light grey (below the thinning threshold) still gives its share. */
    memset(c.c, 8, 400 * 400);
    d = run(&c, density, ppm, 7);
    achieved = d.n / 100.0; /* the whole square, 100 cm² */
    print_message("grey 8: %.2f dots/cm² (expected %.2f)\n", achieved, density * 8 / 255);
    assert_true(fabs(achieved / (density * 8 / 255) - 1) < 0.25);
    smp__dots_free(&d);
    free(c.c);
}

static void test_dots_stay_inside_coverage(void **state)
{
    (void)state;
    /* Two separate treated squares: both are filled, nothing outside. */
    smp_coverage c = flat(300, 200, 0);
    for (uint32_t y = 20; y < 80; y++)
        for (uint32_t x = 20; x < 100; x++)
            c.c[y * 300 + x] = 255;
    for (uint32_t y = 120; y < 180; y++)
        for (uint32_t x = 200; x < 280; x++)
            c.c[y * 300 + x] = 255;
    smp_dots d = run(&c, 90, 5, 3);
    size_t a = 0, b = 0;
    for (size_t i = 0; i < d.n; i++) {
        /* Coverage is read bilinearly between cell centres: a dot may sit
         * up to one cell (1 px here) beyond a treated cell. */
        double x = d.d[i].x, y = d.d[i].y;
        int in_a = x > 19 && x < 101 && y > 19 && y < 81, in_b = x > 199 && x < 281 && y > 119 && y < 181;
        assert_true(in_a || in_b);
        a += in_a;
        b += in_b;
    }
    /* Each square is 16 x 12 mm = 1.92 cm²: about 173 dots at 90/cm². */
    assert_true(a > 140 && b > 140);
    smp__dots_free(&d);
    memset(c.c, 0, 300 * 200);
    d = run(&c, 90, 5, 3);
    assert_int_equal(d.n, 0);
    free(c.c);
}

static void test_seed_determines_output(void **state)
{
    (void)state;
    smp_coverage c = flat(200, 150, 200);
    smp_dots a = run(&c, 90, 6, 11), b = run(&c, 90, 6, 11), other = run(&c, 90, 6, 12);
    assert_int_equal(a.n, b.n);
    int differs = other.n != a.n;
    for (size_t i = 0; i < a.n; i++) {
        assert_true(a.d[i].x == b.d[i].x && a.d[i].y == b.d[i].y && a.d[i].r == b.d[i].r &&
                    a.d[i].opacity == b.d[i].opacity);
        differs |= i < other.n && (a.d[i].x != other.d[i].x || a.d[i].y != other.d[i].y);
    }
    assert_true(differs);
    for (size_t i = 0; i < a.n; i++) { /* jitter keeps dots near their nominal size */
        double dia_mm = 2 * a.d[i].r / 6;
        assert_true(dia_mm > 0.15 * 0.89 && dia_mm < 0.15 * 1.11);
        assert_true(a.d[i].opacity > 0.85 * 0.89 && a.d[i].opacity <= 0.85 * 1.11);
    }
    smp__dots_free(&a);
    smp__dots_free(&b);
    smp__dots_free(&other);
    free(c.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_density_and_spacing),
        cmocka_unit_test(test_grey_coverage_lowers_density),
        cmocka_unit_test(test_dots_stay_inside_coverage),
        cmocka_unit_test(test_seed_determines_output),
    };
    return cmocka_run_group_tests_name("sample", tests, NULL, NULL);
}
