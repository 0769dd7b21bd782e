/* SPDX-License-Identifier: BSD-2-Clause */
/* Deterministic transcendental functions (dmath.h): argument reduction,
 * then Taylor series long enough for double precision on the reduced
 * range, summed smallest term first (Horner). Constants: pi/2, ln 2 and
 * atan(k/16) split into a leading part and a remainder, computed with 80
 * decimal digits. No fused multiply-add: the Makefiles pass
 * -ffp-contract=off. */
#include "dmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* pi/2 in three parts, the first two of 33 bits: k * part is exact for
 * |k| < 2^20, so x - k pi/2 loses nothing for |x| up to about 10^6. */
static const double PIO2_1 = 0x1.921fb544p+0, PIO2_2 = 0x1.0b4611a6p-34, PIO2_3 = 0x1.3198a2e037073p-69;
static const double INV_PIO2 = 0x1.45f306dc9c883p-1;
static const double PI_HI = 0x1.921fb54442d18p+1, PI_LO = 0x1.1a62633145c07p-53;
static const double PIO2_HI = 0x1.921fb54442d18p+0, PIO2_LO = 0x1.1a62633145c07p-54;
/* ln 2 with 42 bits, so that k * LN2_HI is exact for |k| < 2^11. */
static const double LN2_HI = 0x1.62e42fefa38p-1, LN2_LO = 0x1.ef35793c76730p-45;
static const double INV_LN2 = 0x1.71547652b82fep+0;

/* sin r and cos r for |r| <= pi/4 (plus a little): terms to r^19 and r^20,
 * the first left out is below 2^-60 of the result. */
static double sin_kernel(double r)
{
    const double z = r * r;
    const double p = -1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 +
                     z * (-1.0 / 39916800 + z * (1.0 / 6227020800.0 + z * (-1.0 / 1307674368000.0 +
                     z * (1.0 / 355687428096000.0 + z * (-1.0 / 121645100408832000.0))))))));
    return r + r * z * p;
}

static double cos_kernel(double r)
{
    const double z = r * r, hz = 0.5 * z, w = 1 - hz;
    const double q = 1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800 +
                     z * (1.0 / 479001600.0 + z * (-1.0 / 87178291200.0 + z * (1.0 / 20922789888000.0 +
                     z * (-1.0 / 6402373705728000.0 + z * (1.0 / 2432902008176640000.0))))))));
    /* 1 - z/2 rounded, plus what the rounding lost, plus the rest. */
    return w + (((1 - w) - hz) + z * z * q);
}

/* x = k pi/2 + r, |r| <= pi/4; returns k mod 4. Beyond |x| = 2^19, x is
 * first reduced by fmod modulo 2^21 PIO2_1 (exact, so deterministic, but
 * not modulo the true 2^21 pi/2: inaccurate there; the library's angles
 * stay below 100). */
static int reduce_pio2(double x, double *r)
{
    if (fabs(x) > 0x1p19) x = fmod(x, 0x1p21 * PIO2_1);
    const double k = floor(x * INV_PIO2 + 0.5);
    *r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
    return (int)(k - 4 * floor(k / 4));
}

double smp__sin(double x)
{
    if (!isfinite(x)) return x - x;
    if (fabs(x) < 0x1p-26) return x;
    double r;
    switch (reduce_pio2(x, &r)) {
    case 0: return sin_kernel(r);
    case 1: return cos_kernel(r);
    case 2: return -sin_kernel(r);
    default: return -cos_kernel(r);
    }
}

double smp__cos(double x)
{
    if (!isfinite(x)) return x - x;
    double r;
    switch (reduce_pio2(x, &r)) {
    case 0: return cos_kernel(r);
    case 1: return -sin_kernel(r);
    case 2: return -cos_kernel(r);
    default: return sin_kernel(r);
    }
}

void smp__sincos(double x, double *s, double *c)
{
    if (!isfinite(x)) {
        *s = *c = x - x;
        return;
    }
    /* One reduction for both: each result is smp__sin's or smp__cos's, the
     * same operations on the same r (the pattern's directions ask for both
     * of an angle, 32 per dot). */
    double r;
    const int k = reduce_pio2(x, &r);
    const double sr = sin_kernel(r), cr = cos_kernel(r);
    switch (k) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
    }
    if (fabs(x) < 0x1p-26)
        *s = x;
}

/* atan(k/16), leading part and remainder. */
static const double ATAN_TAB[17][2] = {
    {0x0.0p+0, 0x0.0p+0},
    {0x1.ff55bb72cfdeap-5, -0x1.c934d86d23f1dp-60},
    {0x1.fd5ba9aac2f6ep-4, -0x1.cd37686760c17p-59},
    {0x1.7b97b4bce5b02p-3, 0x1.347b0b4f881cap-58},
    {0x1.f5b75f92c80ddp-3, 0x1.8ab6e3cf7afbdp-57},
    {0x1.362773707ebccp-2, -0x1.963a544b672d8p-57},
    {0x1.6f61941e4def1p-2, -0x1.c63aae6f6e918p-56},
    {0x1.a64eec3cc23fdp-2, -0x1.24dec1b50b7ffp-56},
    {0x1.dac670561bb4fp-2, 0x1.a2b7f222f65e2p-56},
    {0x1.0657e94db30d0p-1, -0x1.d5b495f6349e6p-56},
    {0x1.1e00babdefeb4p-1, -0x1.928df287a668fp-58},
    {0x1.345f01cce37bbp-1, 0x1.1021137c71102p-55},
    {0x1.4978fa3269ee1p-1, 0x1.2419a87f2a458p-56},
    {0x1.5d58987169b18p-1, 0x1.0028e4bc5e7cap-57},
    {0x1.700a7c5784634p-1, -0x1.8c34d25aadef6p-56},
    {0x1.819d0b7158a4dp-1, -0x1.bf76229d3b917p-56},
    {0x1.921fb54442d18p-1, 0x1.1a62633145c07p-55},
};

/* atan t for 0 <= t <= 1 as hi + lo: atan t = atan c + atan((t-c)/(1+tc))
 * with c the nearest k/16, so the series runs on |v| <= 1/32 (to v^15). */
static void atan01(double t, double *hi, double *lo)
{
    const int k = (int)(t * 16 + 0.5);
    const double c = k / 16.0, v = (t - c) / (1 + t * c), z = v * v;
    const double p = -1.0 / 3 + z * (1.0 / 5 + z * (-1.0 / 7 + z * (1.0 / 9 + z * (-1.0 / 11 + z * (1.0 / 13 + z * (-1.0 / 15))))));
    *hi = ATAN_TAB[k][0];
    *lo = ATAN_TAB[k][1] + (v + v * z * p);
}

double smp__atan2(double y, double x)
{
    if (isnan(x) || isnan(y)) return x + y;
    const double ax = fabs(x), ay = fabs(y);
    double hi, lo;
    if (ax == 0 && ay == 0) {
        hi = lo = 0;
    } else if (isinf(ax) || isinf(ay)) {
        /* Both infinite: the diagonal; one: the axis it points along. */
        const double t = isinf(ax) && isinf(ay) ? 1 : isinf(ax) ? 0 : INFINITY;
        if (isinf(t)) hi = PIO2_HI, lo = PIO2_LO;
        else atan01(t, &hi, &lo);
    } else if (ay <= ax) {
        atan01(ay / ax, &hi, &lo);
    } else { /* pi/2 - atan(x/y) */
        double h0, l0;
        atan01(ax / ay, &h0, &l0);
        hi = PIO2_HI - h0;
        lo = (((PIO2_HI - hi) - h0) + PIO2_LO) - l0;
    }
    if (signbit(x)) { /* pi - angle (pi itself for a zero angle) */
        const double h = PI_HI - hi;
        lo = (((PI_HI - h) - hi) + PI_LO) - lo;
        hi = h;
    }
    const double a = hi + lo;
    return signbit(y) ? -a : a;
}

double smp__hypot(double x, double y)
{
    double ax = fabs(x), ay = fabs(y);
    if (isinf(ax) || isinf(ay)) return INFINITY;
    if (isnan(ax) || isnan(ay)) return ax + ay;
    if (ax < ay) {
        const double t = ax;
        ax = ay;
        ay = t;
    }
    if (ay == 0) return ax;
    /* Powers of two keep the squares in range, exactly. */
    double s = 1;
    if (ax > 0x1p500) s = 0x1p600;
    else if (ay < 0x1p-500) s = 0x1p-600;
    ax /= s;
    ay /= s;
    return s * sqrt(ax * ax + ay * ay);
}

double smp__cbrt(double x)
{
    if (x == 0 || !isfinite(x)) return x + x;
    double a = fabs(x), scale = 1;
    /* Powers of 2^3 keep a and its cube normal, exactly. */
    if (a < 0x1p-1000) {
        a *= 0x1p999;
        scale = 0x1p-333;
    } else if (a > 0x1p1000) {
        a *= 0x1p-999;
        scale = 0x1p333;
    }
    /* A start within about 6 %: the exponent field divided by 3 (the bits
     * of a over 3, plus 2/3 of the bias). Then two Halley steps (the error
     * cubes: 1e-4, 1e-12) and a Newton step (1e-24) that rounds well. */
    double g = double_of(bits_of(a) / 3 + ((uint64_t)682 << 52));
    for (int i = 0; i < 2; i++) {
        const double t = g * g * g;
        g *= (t + 2 * a) / (2 * t + a);
    }
    g -= (g * g * g - a) / (3 * g * g);
    g *= scale;
    return x < 0 ? -g : g;
}

/* e^(hi + lo), |lo| tiny beside hi. */
static double exp_dd(double hi, double lo)
{
    if (isnan(hi)) return hi;
    if (hi > 709.8) return INFINITY;
    if (hi < -745.2) return 0;
    const double k = floor(hi * INV_LN2 + 0.5);
    const double r = ((hi - k * LN2_HI) - k * LN2_LO) + lo; /* |r| <= 0.35 */
    /* Terms to r^14, the first left out below 2^-60. */
    const double p = 1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 +
                     r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800 +
                     r * (1.0 / 479001600.0 + r * (1.0 / 6227020800.0 + r * (1.0 / 87178291200.0))))))))))));
    const double er = 1 + (r + r * r * p);
    if (k >= -1022 && k <= 1023) /* 2^k from its bits: exact */
        return er * double_of((uint64_t)(k + 1023) << 52);
    return ldexp(er, (int)k); /* exact, or one rounding near the subnormals */
}

double smp__exp(double x)
{
    return exp_dd(x, 0);
}

/* log x as hi + lo (to about 2^-60 absolute) for a finite x > 0:
 * x = 2^e (1 + f), sqrt(1/2) <= 1 + f < sqrt(2), s = f / (2 + f),
 * log(1 + f) = 2 atanh s = f - f^2/2 + s (f^2/2 + R(s^2)). */
static void log_dd(double x, double *hi, double *lo)
{
    int e = 0;
    if (x < 0x1p-1022) { /* subnormal: made normal, exactly */
        x *= 0x1p54;
        e = -54;
    }
    /* x = m 2^e with 0.5 <= m < 1, from the bits. */
    const uint64_t b = bits_of(x);
    e += (int)(b >> 52) - 1022;
    double m = double_of((b & 0x000fffffffffffffull) | 0x3fe0000000000000ull);
    if (m < 0x1.6a09e667f3bcdp-1) {
        m *= 2;
        e--;
    }
    const double f = m - 1, hfsq = 0.5 * f * f, s = f / (2 + f), z = s * s;
    const double R = z * (2.0 / 3 + z * (2.0 / 5 + z * (2.0 / 7 + z * (2.0 / 9 + z * (2.0 / 11 + z * (2.0 / 13 +
                     z * (2.0 / 15 + z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21 + z * (2.0 / 23)))))))))));
    const double g = hfsq - s * (hfsq + R); /* log(1 + f) = f - g */
    /* e ln2_hi + f - g, with the rounding errors of both sums kept. */
    const double a = e * LN2_HI, t = a + f;
    const double tb = t - a, terr = (a - (t - tb)) + (f - tb);
    const double u = t - g;
    const double ub = u - t, uerr = (t - (u - ub)) + (-g - ub);
    *hi = u;
    *lo = terr + uerr + e * LN2_LO;
}

double smp__log(double x)
{
    if (isnan(x)) return x;
    if (x < 0) return NAN;
    if (x == 0) return -INFINITY;
    if (isinf(x)) return x;
    double hi, lo;
    log_dd(x, &hi, &lo);
    return hi + lo;
}

/* Exact product a b = p + err (Dekker: halves of 26 bits, no FMA). */
static void two_prod(double a, double b, double *p, double *err)
{
    const double ca = 134217729.0 * a, ah = ca - (ca - a), al = a - ah;
    const double cb = 134217729.0 * b, bh = cb - (cb - b), bl = b - bh;
    *p = a * b;
    *err = ((ah * bh - *p) + ah * bl + al * bh) + al * bl;
}

double smp__pow(double x, double y)
{
    if (y == 0 || x == 1) return 1;
    if (isnan(x) || isnan(y)) return x + y;
    if (y == 1) return x;
    if (y == 2) return x * x;
    if (y == 0.5 && x >= 0 && !isinf(x)) return sqrt(x);
    if (isinf(y)) return (fabs(x) < 1) == (y > 0) ? 0 : INFINITY;
    if (x < 0) { /* an integer power keeps the sign's parity; others have no real value */
        if (floor(y) != y) return NAN;
        const double v = smp__pow(-x, y);
        return fmod(y, 2) != 0 ? -v : v;
    }
    if (x == 0) return y > 0 ? 0 : INFINITY;
    if (isinf(x)) return y > 0 ? INFINITY : 0;
    double lh, ll, ph, pl;
    log_dd(x, &lh, &ll);
    two_prod(y, lh, &ph, &pl);
    return exp_dd(ph, pl + y * ll);
}

/* erfc x. Below 1.75: 1 - erf x, erf x = 2/sqrt(pi) e^(-x^2) sum of
 * x^(2n+1) 2^n / (2n+1)!! (terms all positive: no cancellation but the
 * last subtraction's). From 1.75: Laplace's continued fraction
 * e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))),
 * 60 terms from the tail. Below 0: 2 - erfc(-x). Within 1e-13 of the
 * true value, relative (the subtraction near 1.75): its caller, the
 * renderer's profile of a wide disc, keeps a float of it. */
double smp__erfc(double x)
{
    static const double SQRT_PI = 0x1.c5bf891b4ef6bp+0, TWO_OVER_SQRT_PI = 0x1.20dd750429b6dp+0;
    if (isnan(x)) return x;
    if (x < 0) return 2 - smp__erfc(-x);
    if (isinf(x)) return 0;
    double sq, sq_err;
    two_prod(x, x, &sq, &sq_err);
    const double g = exp_dd(-sq, -sq_err); /* e^(-x^2) */
    if (x < 1.75) {
        double term = x, sum = x;
        for (int n = 1; term > 0x1p-56 * sum; n++) {
            term *= 2 * sq / (2 * n + 1);
            sum += term;
        }
        return 1 - TWO_OVER_SQRT_PI * g * sum;
    }
    double t = x;
    for (int k = 60; k > 0; k--)
        t = x + 0.5 * k / t;
    return g / (SQRT_PI * t);
}
