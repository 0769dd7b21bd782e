/* SPDX-License-Identifier: BSD-2-Clause */
/* sRGB <-> linear light. */
#include "internal.h"
#include "color.h"
#include "dmath.h"

#include <math.h>
#include <string.h>
#include <pthread.h>

static float srgb_to_linear(uint8_t v)
{
    double s = v / 255.0;
    return (float)(s <= 0.04045 ? s / 12.92 : smp__pow((s + 0.055) / 1.055, 2.4));
}

static double linear_to_srgb(double l)
{
    return l <= 0.0031308 ? 12.92 * l : 1.055 * smp__pow(l, 1.0 / 2.4) - 0.055;
}

uint8_t smp__linear_to_srgb8(double l)
{
    return (uint8_t)lrint(fmin(fmax(linear_to_srgb(l), 0.0), 1.0) * 255.0);
}

/* The encoding only rises, so the table is runs of equal codes: each run's
 * end is found by bisection with the encoder itself (some 4 000 calls of
 * pow instead of 65 536 in every process; test_color checks every entry). */
void smp__linear_to_srgb_table(uint8_t table[65536])
{
    int i = 0;
    while (i < 65536) {
        const uint8_t code = smp__linear_to_srgb8(i / 65535.0);
        int lo = i, hi = 65535; /* the last entry with this code lies in [lo, hi] */
        while (lo < hi) {
            const int mid = lo + (hi - lo + 1) / 2;
            if (smp__linear_to_srgb8(mid / 65535.0) == code)
                lo = mid;
            else
                hi = mid - 1;
        }
        memset(table + i, code, (size_t)(lo - i + 1));
        i = lo + 1;
    }
}

/* The shared tables, filled once on first use from any thread. */
static float to_linear[256];
static uint8_t to_srgb8[65536];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void fill_tables(void)
{
    for (int v = 0; v < 256; v++)
        to_linear[v] = srgb_to_linear((uint8_t)v);
    smp__linear_to_srgb_table(to_srgb8);
}

const float *smp__srgb_linear_table(void)
{
    pthread_once(&tables_once, fill_tables);
    return to_linear;
}

const uint8_t *smp__srgb8_table(void)
{
    pthread_once(&tables_once, fill_tables);
    return to_srgb8;
}

/* From the table: callers drawing many small shapes called pow() three
 * times a shape (a plot's lines cost a third of its time). */
float smp__srgb_to_linear(uint8_t v) { return smp__srgb_linear_table()[v]; }

/* Linear sRGB (D65) -> CIE XYZ -> CIELAB with the D65 white. */
void smp__linear_to_lab(const float rgb[3], double lab[3])
{
    const double r = rgb[0], g = rgb[1], b = rgb[2];
    const double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    const double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    const double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    const double e = 216.0 / 24389.0, k = 24389.0 / 27.0;
    double f[3], v[3] = {x, y, z};
    for (int i = 0; i < 3; i++)
        f[i] = v[i] > e ? smp__cbrt(v[i]) : (k * v[i] + 16.0) / 116.0;
    lab[0] = 116.0 * f[1] - 16.0;
    lab[1] = 500.0 * (f[0] - f[1]);
    lab[2] = 200.0 * (f[1] - f[2]);
}

double smp__linear_to_l(const float rgb[3])
{
    const double r = rgb[0], g = rgb[1], b = rgb[2];
    const double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    const double e = 216.0 / 24389.0, k = 24389.0 / 27.0;
    return 116.0 * (y > e ? smp__cbrt(y) : (k * y + 16.0) / 116.0) - 16.0;
}

void smp__lab_to_linear(const double lab[3], float rgb[3])
{
    const double e = 216.0 / 24389.0, k = 24389.0 / 27.0;
    double fy = (lab[0] + 16.0) / 116.0, fx = fy + lab[1] / 500.0, fz = fy - lab[2] / 200.0;
    double x = fx * fx * fx > e ? fx * fx * fx : (116.0 * fx - 16.0) / k;
    double y = lab[0] > k * e ? fy * fy * fy : lab[0] / k;
    double z = fz * fz * fz > e ? fz * fz * fz : (116.0 * fz - 16.0) / k;
    x *= 0.95047;
    z *= 1.08883;
    rgb[0] = (float)(3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
    rgb[1] = (float)(-0.9692660 * x + 1.8760108 * y + 0.0415560 * z);
    rgb[2] = (float)(0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
}

void smp__srgb8_to_lab(const uint8_t srgb[3], double lab[3])
{
    float lin[3] = {smp__srgb_to_linear(srgb[0]), smp__srgb_to_linear(srgb[1]),
                    smp__srgb_to_linear(srgb[2])};
    smp__linear_to_lab(lin, lab);
}

static double deg(double rad) { return rad * 180.0 / SMP_PI; }
static double rad(double deg) { return deg * SMP_PI / 180.0; }

/* CIEDE2000 (Sharma, Wu & Dalal 2005), kL = kC = kH = 1. */
double smp__delta_e2000(const double lab1[3], const double lab2[3])
{
    const double L1 = lab1[0], a1 = lab1[1], b1 = lab1[2], L2 = lab2[0], a2 = lab2[1], b2 = lab2[2];
    const double C1 = smp__hypot(a1, b1), C2 = smp__hypot(a2, b2), Cm = 0.5 * (C1 + C2);
    const double Cm7 = smp__pow(Cm, 7), G = 0.5 * (1 - sqrt(Cm7 / (Cm7 + smp__pow(25, 7))));
    const double a1p = (1 + G) * a1, a2p = (1 + G) * a2;
    const double C1p = smp__hypot(a1p, b1), C2p = smp__hypot(a2p, b2);
    double h1p = (a1p == 0 && b1 == 0) ? 0 : deg(smp__atan2(b1, a1p));
    double h2p = (a2p == 0 && b2 == 0) ? 0 : deg(smp__atan2(b2, a2p));
    if (h1p < 0)
        h1p += 360;
    if (h2p < 0)
        h2p += 360;
    const double dLp = L2 - L1, dCp = C2p - C1p;
    double dhp = 0;
    if (C1p * C2p != 0) {
        dhp = h2p - h1p;
        if (dhp > 180)
            dhp -= 360;
        else if (dhp < -180)
            dhp += 360;
    }
    const double dHp = 2 * sqrt(C1p * C2p) * smp__sin(rad(dhp / 2));
    const double Lpm = 0.5 * (L1 + L2), Cpm = 0.5 * (C1p + C2p);
    double hpm = h1p + h2p;
    if (C1p * C2p != 0) {
        if (fabs(h1p - h2p) <= 180)
            hpm = 0.5 * (h1p + h2p);
        else
            hpm = h1p + h2p < 360 ? 0.5 * (h1p + h2p + 360) : 0.5 * (h1p + h2p - 360);
    }
    const double T = 1 - 0.17 * smp__cos(rad(hpm - 30)) + 0.24 * smp__cos(rad(2 * hpm)) +
                     0.32 * smp__cos(rad(3 * hpm + 6)) - 0.20 * smp__cos(rad(4 * hpm - 63));
    const double dTheta = 30 * smp__exp(-((hpm - 275) / 25) * ((hpm - 275) / 25));
    const double Cpm7 = smp__pow(Cpm, 7), Rc = 2 * sqrt(Cpm7 / (Cpm7 + smp__pow(25, 7)));
    const double Lpm50 = (Lpm - 50) * (Lpm - 50);
    const double Sl = 1 + 0.015 * Lpm50 / sqrt(20 + Lpm50), Sc = 1 + 0.045 * Cpm, Sh = 1 + 0.015 * Cpm * T;
    const double Rt = -smp__sin(rad(2 * dTheta)) * Rc;
    const double l = dLp / Sl, c = dCp / Sc, h = dHp / Sh;
    return sqrt(l * l + c * c + h * h + Rt * c * h);
}
