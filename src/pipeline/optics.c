/* SPDX-License-Identifier: BSD-2-Clause */
/* The dot as pigment under skin.
 *
 * Light that leaves the skin above a dot crossed the pigment layer on its
 * way out (a sharp core, blurred only by the epidermis above it) or went in
 * beside the dot and diffused under it (a wide, faint halo). Red travels
 * furthest in skin, so its halo is widest, and a buried absorber removes
 * more red than blue: SMP reads blue-grey and soft (Kienle et al. 1996;
 * the skin diffusion profiles of d'Eon & Luebke, GPU Gems 3 ch. 14).
 *
 * Calibration (SMP-FACTS.md, "Optics of a pigment dot under skin", a Monte
 * Carlo estimate for opaque 0.2 mm discs 0.1-0.2 mm deep, "a starting
 * calibration, not a law"):
 * - gain: mean darkening 1 - exp(-G f) for area fraction f, G 2.0-2.8 for
 *   blue and green and 2.5-3.5 for red: G = 2.3, 2.5, 2.8 (B, G, R), which
 *   with saturation at the dots' centres darken 2.0, 2.25, 2.5 times a
 *   sparse dot's area;
 * - halo sigmas 0.18, 0.24, 0.30 mm (red widest), shares 0.78, 0.74, 0.70,
 *   a 0.035 mm core blur: a 0.2 mm black disc shows 53 % (B), 55 % (G),
 *   61 % (R) at its centre. The facts' 44/52/67 % split made dots read teal
 *   on pink skin in our renders of the real photos, where healed SMP reads
 *   grey to blue-black (Nguyen et al. 2022): we keep the order, not the
 *   spread.
 * The facts' halo (5-10 % just outside the edge, ~1 % at 0.4 mm) cannot
 * hold together with that gain for any profile of this form: a dot can
 * only darken G times its area if its darkening reaches beyond it. We keep
 * the gain, which sets the tone at viewing distance, and the centre
 * contrast, which sets the look up close; the halo comes out at 25-28 %
 * just outside the edge and 3-4 % at 0.4 mm.
 *
 * Conservation: each term of the profile integrates to the disc's area
 * (the renderer normalises its pixel weights so), so the optical depth a
 * dot deposits, integrated over the skin, is load * od[c] * its area,
 * whatever the blur, the age or the scale. */
#include "optics.h"
#include "dmath.h"

#include <math.h>
#include <stdlib.h>

static const smp_optics HEALED = {
    .core_mm = 0.035f,
    .halo_mm = {0.30f, 0.24f, 0.18f},
    .halo_share = {0.70f, 0.74f, 0.78f},
    .gain = {2.8f, 2.5f, 2.3f},
};

void smp__optics_for_look(smp_optics *o, double years, smp_cast cast, double *size, double *load)
{
    *o = HEALED;
    if (years < 0) {
        /* Fresh, for about a week: about 40 % larger, darker and crisp
         * (the pigment has not settled, less of it under the skin's haze). */
        *size = 1.4;
        *load = 1.15;
        o->core_mm *= 0.6f;
        for (int c = 0; c < 3; c++)
            o->halo_share[c] *= 0.6f;
    } else {
        /* Fading: a visual density score fell 8.7 -> 7.7 in six months and
         * touch-ups come every 2-6 years; pigment also spreads and blurs. */
        *size = fmin(1.0 + 0.04 * years, 1.4);
        *load = smp__exp(-years / 5.0);
        o->core_mm = (float)fmin(o->core_mm + 0.008 * years, 0.08);
        for (int c = 0; c < 3; c++)
            o->halo_mm[c] *= (float)fmin(1.0 + 0.04 * years, 1.4);
    }
    if (cast == SMP_CAST_BLUE) {
        /* Too deep: more skin above the pigment blurs it, and the red that
         * reaches that depth is absorbed while blue is scattered back first. */
        o->core_mm *= 2.0f;
        for (int c = 0; c < 3; c++)
            o->halo_mm[c] *= 1.3f;
        o->gain[0] *= 1.25f;
        o->gain[2] *= 0.75f;
    }
}

void smp__od_for_dilution(const smp_optics *o, double dilution, float od[3])
{
    const double keep = 1.0 - (dilution < 0 ? 0 : dilution > 1 ? 1 : dilution);
    for (int c = 0; c < 3; c++)
        od[c] = (float)(o->gain[c] * keep);
}

void smp__od_for_colour(const float colour[3], const float skin[3], double load, float od[3])
{
    for (int c = 0; c < 3; c++) {
        double t = skin[c] > 1e-4f ? colour[c] / skin[c] : 1.0;
        t = t < 0.01 ? 0.01 : t > 1 ? 1 : t; /* pigment only darkens */
        od[c] = (float)(-smp__log(t) / (load > 0.05 ? load : 0.05));
    }
}

void smp__colour_for_od(const float od[3], const float skin[3], double load, float out[3])
{
    for (int c = 0; c < 3; c++)
        out[c] = (float)(skin[c] * smp__exp(-load * od[c]));
}

/* One dot's darkened area (mm²) in channel c: the integral of 1 - its
 * transmission over the skin. */
static double dot_darkened_area(const smp_optics *o, int c, double depth, double r_mm)
{
    const double sc = o->core_mm, sh = o->halo_mm[c], h = o->halo_share[c];
    const double reach = r_mm + 5 * (sh > sc ? sh : sc);
    enum { N = 256 };
    double sum = 0;
    for (int i = 0; i < N; i++) {
        const double r = reach * (i + 0.5) / N;
        const double p = (1 - h) * smp__disc_at((float)(r / sc), (float)(r_mm / sc)) +
                         h * smp__disc_at((float)(r / sh), (float)(r_mm / sh));
        sum += (1 - smp__exp(-depth * p)) * 2 * SMP_PI * r;
    }
    return sum * reach / N;
}

void smp__optics_darkened_area(const smp_optics *o, const float od[3], double dot_mm, double load, double area[3])
{
    /* Dots vary +-10 % in size and load (uniformly): three-point
     * Gauss-Legendre nodes over each. */
    static const double node[3] = {-0.0774596669, 0, 0.0774596669}, wgt[3] = {5 / 18.0, 8 / 18.0, 5 / 18.0};
    for (int c = 0; c < 3; c++) {
        area[c] = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                area[c] += wgt[i] * wgt[j] *
                           dot_darkened_area(o, c, load * (1 + node[j]) * od[c], 0.5 * dot_mm * (1 + node[i]));
    }
}

void smp__optics_cast_tilt(const smp_optics *o, float od[3])
{
    for (int c = 0; c < 3; c++)
        od[c] *= o->gain[c] / HEALED.gain[c];
}
