/* SPDX-License-Identifier: BSD-2-Clause */
/* The dot as pigment under skin: its profile, per-channel gain and halo. */
#ifndef SMP_OPTICS_H
#define SMP_OPTICS_H

#include "dmath.h"
#include "internal.h"

#include <math.h>

/* How light sees one pigment deposit through the epidermis (see optics.c).
 * A dot of load a (0..1) and radius R absorbs, per channel c, with the
 * optical depth a * od[c] * p_c(r), where
 *   p_c = (1 - halo_share[c]) * D(R, core_mm) + halo_share[c] * D(R, halo_mm[c])
 * and D(R, s) is the disc of radius R blurred by a Gaussian of sigma s
 * (1 inside a sharp disc). The skin's diffuse light is multiplied by
 * exp(-sum of all dots' depths); its shine is not. */
typedef struct smp_optics {
    float core_mm;       /* the sharp core's blur: light leaving through the epidermis above it */
    float halo_mm[3];    /* the halo's sigma, R G B: light that entered beside the dot */
    float halo_share[3]; /* the share of each channel's depth in the halo */
    float gain[3];       /* optical depth of undiluted carbon black at full load, R G B */
} smp_optics;

/* The healed model (SMP-FACTS calibration), changed by the look: age in
 * years (< 0 fresh), a blue cast (deeper placement), scar spread. Also
 * gives the dot size and load factors of that age. */
void smp__optics_for_look(smp_optics *o, double age_years, smp_cast cast, double *size, double *load);

/* Per-channel optical depth at full load for a dilution of carbon black
 * (0 undiluted .. 1 water), and for a colour skin should take under a
 * continuous layer of mean load `load` (linear RGB, relative to skin). */
void smp__od_for_dilution(const smp_optics *o, double dilution, float od[3]);
void smp__od_for_colour(const float colour_lin[3], const float skin_lin[3], double load, float od[3]);
/* The colour skin takes under a continuous layer: skin * exp(-load * od). */
void smp__colour_for_od(const float od[3], const float skin_lin[3], double load, float out[3]);

/* The disc-blur profile D: a table of a disc of radius v blurred by a unit
 * Gaussian, at distance u from its centre (both in sigmas). */
#define SMP_LUT_STEP 8  /* entries per sigma */
#define SMP_LUT_VMAX 8  /* beyond a radius of 8 sigmas the edge is a 1-D step */
#define SMP_LUT_UMAX 14 /* D < 1e-9 past the edge by 6 sigmas */
#define SMP_LUT_NV (SMP_LUT_VMAX * SMP_LUT_STEP + 1)
#define SMP_LUT_NU (SMP_LUT_UMAX * SMP_LUT_STEP + 2)
typedef struct smp_disc_lut {
    float v[SMP_LUT_NV][SMP_LUT_NU];
} smp_disc_lut;
/* Made at build time by tools/gen_disc_lut.c (build/gen/disc_lut.c). */
extern const smp_disc_lut smp__disc_lut;
/* Inline: the renderer reads it a few hundred times per dot. */
static inline float smp__disc_at(float u, float v)
{
    if (v >= SMP_LUT_VMAX)
        return (float)(0.5 * smp__erfc((u - v) * SMP_SQRT1_2));
    const float fu = u * SMP_LUT_STEP, fv = v * SMP_LUT_STEP;
    if (fu >= SMP_LUT_NU - 1)
        return 0.0f;
    const int iu = (int)fu, iv = (int)fv;
    const float au = fu - (float)iu, av = fv - (float)iv;
    const float *r0 = smp__disc_lut.v[iv], *r1 = smp__disc_lut.v[iv + 1 < SMP_LUT_NV ? iv + 1 : iv];
    const float a = r0[iu] + au * (r0[iu + 1] - r0[iu]), b = r1[iu] + au * (r1[iu + 1] - r1[iu]);
    return a + av * (b - a);
}

/* One dot's darkened area in mm², per channel: the integral of 1 - its
 * transmission, for a dot of diameter dot_mm and load `load` varying
 * +-10 % as dressed dots do. Skin carrying n such dots per mm² transmits
 * exp(-n * area) on average (overlaps as independent darkening). */
void smp__optics_darkened_area(const smp_optics *o, const float od[3], double dot_mm, double load, double area[3]);
/* Scales a given colour's depths as the look's cast scales the gains. */
void smp__optics_cast_tilt(const smp_optics *o, float od[3]);

#endif
