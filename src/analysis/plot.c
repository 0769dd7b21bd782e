/* SPDX-License-Identifier: BSD-2-Clause */
/* The analysis as a figure: the 2-D spectrum, the radial power and the
 * anisotropy, with labelled axes. */
#include "font.h"
#include "image.h"
#include "dmath.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PW 1540 /* figure size */
#define PH 560
#define PANEL 440
#define TOP 70

static const uint8_t INK[3] = {30, 30, 30}, GRID[3] = {215, 215, 215},
                     CURVE[3] = {20, 90, 200}, REF[3] = {200, 60, 40};

/* A line as a run of small squares: plenty for a figure. */
static void line(smp_image *img, double x0, double y0, double x1, double y1, const uint8_t c[3], int thick)
{
    double len = smp__hypot(x1 - x0, y1 - y0);
    int steps = (int)(len * 2) + 1;
    for (int i = 0; i <= steps; i++) {
        double t = (double)i / steps, x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t;
        smp__fill_rect(img, (int)x - thick / 2, (int)y - thick / 2, (int)x - thick / 2 + thick,
                       (int)y - thick / 2 + thick, c, 1.0);
    }
}

/* Sizes are cap heights in px. The first failure stays in *st (the rest is
 * still drawn: the figure is discarded anyway). */
static void text(smp_image *img, smp_status *st, double x, double y, const char *s, double cap)
{
    const smp_status drawn = smp__draw_text(img, x, y, s, cap, INK);
    if (*st == SMP_OK)
        *st = drawn;
}

/* An x-y panel: frame, grid, ticks and labels, and the curve. */
static void panel(smp_image *img, smp_status *st, int px, const char *title, const char *ylabel, const double *v, size_t n,
                  double step, double xmax, double ymin, double ymax, double yref)
{
    const int x0 = px, y0 = TOP, w = PANEL, h = PANEL - 40;
    text(img, st, x0, 20, title, 17);
    for (int i = 0; i <= 4; i++) { /* x: 0..xmax in 1/d_hex */
        double x = x0 + w * i / 4.0;
        line(img, x, y0, x, y0 + h, GRID, 1);
        char lab[16];
        snprintf(lab, sizeof lab, "%g", xmax * i / 4);
        text(img, st, x - 6, y0 + h + 8, lab, 14);
    }
    for (int i = 0; i <= 4; i++) {
        double y = y0 + h - h * i / 4.0;
        line(img, x0, y, x0 + w, y, GRID, 1);
        char lab[16];
        snprintf(lab, sizeof lab, "%g", ymin + (ymax - ymin) * i / 4);
        text(img, st, x0 - 8 - smp__text_width(lab, 14, st), y - 8, lab, 14);
    }
    text(img, st, x0 + w * 0.5 - 90, y0 + h + 32, "frequency (1/d_hex)", 14);
    text(img, st, x0, y0 - 24, ylabel, 14);
    line(img, x0, y0, x0, y0 + h, INK, 2);
    line(img, x0, y0 + h, x0 + w, y0 + h, INK, 2);
    double ry = y0 + h - h * (yref - ymin) / (ymax - ymin);
    if (ry >= y0 && ry <= y0 + h)
        line(img, x0, ry, x0 + w, ry, REF, 1);
    double lx = 0, ly = 0;
    for (size_t k = 1; k < n && k * step <= xmax; k++) {
        double x = x0 + w * (k * step) / xmax, yv = fmin(fmax(v[k], ymin), ymax);
        double y = y0 + h - h * (yv - ymin) / (ymax - ymin);
        if (k > 1)
            line(img, lx, ly, x, y, CURVE, 2);
        lx = x;
        ly = y;
    }
}

smp_status smp_analysis_plot(const smp_analysis *a, smp_image *out)
{
    if (!a || !out)
        return SMP_ERR_ARG;
    int size;
    const float *s = smp_analysis_spectrum(a, &size);
    size_t n;
    double step;
    const double *aniso, *radial = smp_analysis_radial(a, &n, &step, &aniso);
    if (!s || !radial)
        return smp__fail(out->msg, SMP_ERR_ARG, "nothing analysed to plot");
    smp_status st = smp__image_reset(out, PW, PH, 3, 0);
    if (st != SMP_OK)
        return st;
    memset(out->px, 255, (size_t)PW * PH * 3);
    /* The 2-D spectrum up to 4 / d_hex, log-scaled to 0..10 x white noise. */
    const double fmax_cells = 4.0 / step, scale = fmin(1.0, fmax_cells / (size / 2.0));
    text(out, &st, 30, 20, "power spectrum (2-D)", 17);
    for (int y = 0; y < PANEL; y++)
        for (int x = 0; x < PANEL; x++) {
            double fx = (x - PANEL / 2.0) / (PANEL / 2.0) * scale * size / 2.0 + size / 2.0;
            double fy = (y - PANEL / 2.0) / (PANEL / 2.0) * scale * size / 2.0 + size / 2.0;
            int ix = (int)fx, iy = (int)fy;
            double p = ix >= 0 && iy >= 0 && ix < size && iy < size ? s[(size_t)iy * size + ix] : 0;
            double v = fmin(1.0, log10(1 + p) / log10(11.0));
            uint8_t g = (uint8_t)lrint(255 * (1 - v));
            uint8_t *px = out->px + ((size_t)(TOP + y) * PW + 30 + x) * 3;
            px[0] = px[1] = px[2] = g;
        }
    char cap[64];
    snprintf(cap, sizeof cap, "+-%.0f/d_hex; darker = more power (log)", fmin(4.0, size / 2.0 * step));
    text(out, &st, 30, TOP + PANEL + 8, cap, 14);
    double pmax = 0;
    for (size_t k = 1; k < n && k * step <= 4; k++)
        pmax = fmax(pmax, radial[k]);
    pmax = ceil(fmax(pmax, 1.5) * 2) / 2;
    panel(out, &st, 560, "radial power", "power (white noise = 1)", radial, n, step, 4, 0, pmax, 1);
    panel(out, &st, 1080, "anisotropy", "dB", aniso, n, step, 4, -20, 20, 0);
    if (st != SMP_OK)
        return smp__fail(out->msg, st, "cannot draw the figure's labels: out of memory");
    out->orientation = 1;
    out->format = SMP_FORMAT_NONE;
    return SMP_OK;
}
