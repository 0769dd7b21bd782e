/* SPDX-License-Identifier: BSD-2-Clause */
/* The library's own transcendental functions (src/base/dmath.c): within
 * 2.5 ULP of libm's long double ones over the ranges the pipeline uses
 * (erfc within 1e-13 relative: its caller keeps a float),
 * the edge cases, and their exact bits on fixed arguments (a hash): the
 * studio's WebAssembly build gave these same hashes under node when they
 * were recorded, so a change here (a constant, a reordered sum, a
 * compiler contracting a * b + c into a fused multiply-add) shows. */
#include "testutil.h"

#include <math.h>

#include "dmath.h"

#define SMP_PI_LD 3.141592653589793238462643383279502884L

static uint64_t state;
static double u01(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) * 0x1p-53;
}

/* |v - ref| in units of the last place of ref (as a double). */
static double ulps(double v, long double ref)
{
    const double r = fabs((double)ref), ulp = nextafter(r, INFINITY) - r;
    return (double)(fabsl((long double)v - ref) / ulp);
}

typedef struct check {
    const char *name;
    double max_ulp;
    uint64_t hash; /* FNV-1a over the results' bits */
} check;

static void run(const check *c, int which)
{
    state = 0x9E3779B97F4A7C15ull + (uint64_t)which;
    uint64_t h = 1469598103934665603ull;
    double worst = 0;
    for (int i = 0; i < 100000; i++) {
        const double a = u01(), b = u01();
        double v = 0;
        long double r = 0;
        switch (which) {
        case 0: v = smp__sin(400 * (a - 0.5)); r = sinl(400 * (a - 0.5)); break;
        case 1: v = smp__cos(400 * (a - 0.5)); r = cosl(400 * (a - 0.5)); break;
        case 2: v = smp__atan2(200 * (a - 0.5), 200 * (b - 0.5)); r = atan2l(200 * (a - 0.5), 200 * (b - 0.5)); break;
        case 3: v = smp__hypot(200 * (a - 0.5), 200 * (b - 0.5)); r = hypotl(200 * (a - 0.5), 200 * (b - 0.5)); break;
        case 4: v = smp__cbrt(ldexp(a, (int)(b * 200) - 100)); r = cbrtl(ldexp(a, (int)(b * 200) - 100)); break;
        case 5: v = smp__exp(1400 * (a - 0.5)); r = expl(1400 * (a - 0.5)); break;
        case 6: v = smp__log(ldexp(a + 0x1p-60, (int)(b * 200) - 100)); r = logl(ldexp(a + 0x1p-60, (int)(b * 200) - 100)); break;
        case 7: v = smp__pow(150 * a, 8 * (b - 0.5)); r = powl(150 * a, 8 * (b - 0.5)); break;
        default: v = smp__erfc(12 * (a - 0.5)); r = erfcl(12 * (a - 0.5)); break;
        }
        if (r != 0) worst = fmax(worst, ulps(v, r));
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        for (int k = 0; k < 8; k++) {
            h ^= (bits >> (8 * k)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    if (worst > c->max_ulp)
        fail_msg("%s: %.2f ULP from long double libm (at most %.1f)", c->name, worst, c->max_ulp);
    if (h != c->hash)
        fail_msg("%s: the bits changed (hash %016llx, recorded %016llx)", c->name, (unsigned long long)h,
                 (unsigned long long)c->hash);
}

static const check checks[] = {
    {"sin", 2.5, 0x3a751f063759cdb5ull},   {"cos", 2.5, 0xd94dcd77ca8385f2ull},
    {"atan2", 2.5, 0x9a1f051e8db8bc27ull}, {"hypot", 1.5, 0xe47d400bc8bbd245ull},
    {"cbrt", 1.5, 0x15e920ae50452d89ull},  {"exp", 1.5, 0xfefd8919eb46b89dull},
    {"log", 1.5, 0x90b4329334358aceull},   {"pow", 2.5, 0xb696a7ad1df40226ull},
    /* 1e-13 relative: its caller keeps a float (2^-24 relative). */
    {"erfc", 600, 0xf6d01f7f96b7b629ull},
};

static void test_accuracy_and_bits(void **st)
{
    (void)st;
    for (int i = 0; i < (int)(sizeof checks / sizeof *checks); i++)
        run(&checks[i], i);
}

static void test_edge_cases(void **st)
{
    (void)st;
    assert_true(smp__sin(0) == 0 && smp__cos(0) == 1 && smp__exp(0) == 1 && smp__log(1) == 0);
    assert_true(smp__atan2(0, -0.0) == (double)SMP_PI_LD && smp__atan2(-0.0, -1) == -(double)SMP_PI_LD);
    assert_true(smp__atan2(1, 0) == (double)(SMP_PI_LD / 2) && smp__atan2(0, 1) == 0);
    assert_true(smp__hypot(3, 4) == 5 && smp__hypot(INFINITY, NAN) == INFINITY && smp__hypot(1e300, 1e300) > 1e300);
    assert_true(smp__cbrt(-27) == -3 && smp__cbrt(8) == 2 && smp__cbrt(0x1p-1074) > 0);
    assert_true(smp__exp(-800) == 0 && isinf(smp__exp(800)) && smp__exp(-740) > 0);
    assert_true(isinf(smp__log(0)) && smp__log(0) < 0 && isnan(smp__log(-1)));
    assert_true(smp__pow(-2, 3) == -8 && smp__pow(0, -1) == INFINITY && smp__pow(2, 0.5) == sqrt(2));
    assert_true(smp__pow(25, 7) == 6103515625.0 && smp__pow(0.5, INFINITY) == 0 && isnan(smp__pow(-2, 0.5)));
    assert_true(isnan(smp__sin(INFINITY)) && isnan(smp__cos(NAN)) && isnan(smp__atan2(NAN, 1)));
    assert_true(smp__erfc(0) == 1 && smp__erfc(INFINITY) == 0 && smp__erfc(-INFINITY) == 2 && isnan(smp__erfc(NAN)));
    assert_true(smp__erfc(30) == 0 && smp__erfc(-30) == 2 && smp__erfc(26) > 0 && smp__erfc(-0.0) == 1);
}

/* smp__sincos gives smp__sin's and smp__cos's bits (the pattern and the
 * renderer call it in their place). */
static void test_sincos_same_bits(void **st)
{
    (void)st;
    state = 0x5eed;
    const double special[] = {0.0, -0.0, 0x1p-30, -0x1p-27, 0x1p-26, 1e-300, 0x1p20, -0x1p19 * 3, 1e6, INFINITY, NAN};
    for (int i = 0; i < 200000 + (int)(sizeof special / sizeof *special); i++) {
        const double x = i < 200000 ? ldexp(u01() - 0.5, (int)(u01() * 40) - 20) : special[i - 200000];
        double s, c;
        smp__sincos(x, &s, &c);
        const double s0 = smp__sin(x), c0 = smp__cos(x);
        if (memcmp(&s, &s0, sizeof s) || memcmp(&c, &c0, sizeof c))
            fail_msg("sincos(%a) = %a, %a; sin, cos: %a, %a", x, s, c, s0, c0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accuracy_and_bits),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_sincos_same_bits),
    };
    return cmocka_run_group_tests_name("dmath", tests, NULL, NULL);
}
