/* SPDX-License-Identifier: BSD-2-Clause */
/* Matching the client: density, dot size and dilution chosen so the
 * treated core takes on the reference's tone at viewing distance. */
#ifndef SMP_MATCH_H
#define SMP_MATCH_H

#include "render.h"
#include "shade.h"
#include "image.h"
#include "params.h"

/* The most dots/cm² the match chooses (with the dot size fixed). */
#define SMP_MATCH_DENSITY_MAX 200.0

typedef struct smp_match_in {
    const smp_shade *sh;
    const smp_optics *optics;
    double load;            /* the mean dot load: opacity x the look's factor */
    double cover;           /* the core's share of the density (coverage after shaping), 0..1 */
    double dark_share[3];   /* per channel, the share of the light of the core's cells about its
                             * median tone that the pigment darkens: not the shine, not under strands */
    double follicles_cm2;   /* the reference's visible follicles; 0 = unknown */
    /* What the user fixed (honoured exactly); the rest is chosen. */
    int fix_density, fix_dot, fix_dilution;
    double density, dot_mm, dilution; /* fixed values, or the defaults */
    const float *given_od;  /* a given colour's depth (the dilution does not apply), or NULL */
    /* Texture: the follicle-scale contrast of the reference (NAN: unknown,
     * tone alone), and a window of the core to draw trial dots into: its
     * pixels, what lies over its pigment, and its core cells (a grid of
     * the shade analysis's cells over the window, sel marking the core). */
    double contrast_reference;
    int reference_defocused; /* the reference is out of focus: the window calibrates the tone, texture is left out */
    const smp_image *patch;
    const smp_skin_maps *patch_skin;
    const smp_shade *patch_grid;
    const uint8_t *patch_core;
    double patch_blur_mm;   /* the photo's own blur there */
    double patch_extra_px;  /* the window's extra blur before its contrast (realism.h), px */
    const smp_params *params;
    double px_per_mm, size, look_load; /* the look's dot size and load factors */
} smp_match_in;

typedef struct smp_match {
    double density, dot_mm, dilution; /* dilution < 0 when a colour was given */
    double hair_dilution;   /* the dilution whose layer colour is nearest the hair */
    double predicted_lab[3], de_predicted;
    double contrast_ratio;  /* predicted core over reference; NAN when not predicted */
    double tone_scale;      /* the window's measured darkening over the model's, as a density factor (1: none) */
    int limited;            /* the reference is out of natural reach, or already met */
    int darkest;            /* the reference is darker than the ranges reach: the most ink chosen */
    char note[240];         /* why, in words a consultant can pass on */
} smp_match;

/* Chooses what is not fixed (see match.c). */
smp_status smp__match(const smp_match_in *in, smp_match *out, char *msg);

#endif
