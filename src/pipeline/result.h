/* SPDX-License-Identifier: BSD-2-Clause */
/* What a run produced: the handle behind smp_result, owned by the pipeline
 * (sim.c fills it); outputs and previews only read it. */
#ifndef SMP_RESULT_H
#define SMP_RESULT_H

#include "notes.h"
#include "optics.h"
#include "image.h"

struct smp_shine; /* shine.h */

/* What a run measured, for the metrics file (metrics.c). Colours CIELAB. */
typedef struct smp_report {
    int have_shade;             /* a reference was found and analysed */
    int untoned_after;          /* the core's tone after was left unmeasured (smp_params_set_tone_after) */
    int reference_painted;
    size_t ref_cells, ref_accepted;
    double skin[3], hair[3], reference[3], reference_photographed[3], pigment[3], core_before[3],
        core_after[3];
    double de_before, de_after, de_predicted;
    double density_used;        /* dots/cm² where coverage is full */
    double dot_used;            /* mm, the main area's mean dot */
    double dilution;            /* < 0: the pigment was given */
    int auto_used, auto_limited;
    smp_aim match_aim;          /* smp_measures match_aim */
    char auto_note[240];
    size_t per_session[SMP_MAX_LAYERS + 1];
    size_t pairs;               /* dots placed as a close companion */
    double core_area_cm2, core_density;
    double min_spacing_mm, rho;
    double focus_mm[2];         /* a core cell (else a dot) nearest their centroid */
    /* The client's stubble in the reference (follicles.h). */
    int have_follicles, follicles_resolved;
    double contrast_predicted;  /* the match's predicted core/reference contrast; NAN: none */
    double follicles_cm2, follicle_mm, follicle_contrast;
    /* Realism measures (realism.h); have_realism 0 without a core. */
    int have_realism;
    double core_darkening, shine_darkening, contrast_before, contrast_after, contrast_reference, contrast_ratio,
        strand_max_diff;
    double blur_mm[2];          /* the photo's own blur over core and reference, the contrasts' common one */
    size_t shine_px, strand_px;
} smp_report;

/* Zones on the shade grid, for placing a close-up (zones.c sets them). */
#define SMP_ZONE_CORE 1     /* fully treated */
#define SMP_ZONE_HAIRLINE 2 /* just outside the mask, bare skin: a hairline */
#define SMP_ZONE_PLAIN 4    /* a core cell of the core's usual tone: no shine, no clump of hair */
#define SMP_ZONE_OUT 8      /* just outside the mask (within SMP_HAIRLINE_BAND_MM), with a reference */
#define SMP_ZONE_OUT_HAIR 16 /* of those, hair: darkening its local skin half as much as the reference */

struct smp_result {
    smp_image *after;
    smp_dot *dots;
    uint8_t *companion; /* per dot: placed as a close pair's second dot */
    size_t n_dots;
    double px_per_mm;
    double w_mm, h_mm; /* the area the dots cover */
    uint32_t photo_w, photo_h;
    int assumed;
    smp_input failed_input; /* the input a failed run blames (smp_result_failed_input) */
    smp_report report;
    smp_notes notes;
    /* What drawing the dots again needs (the present layer's view.c). */
    smp_optics optics;
    float od[SMP_MAX_LAYERS + 1][3]; /* per session, optical depth at full load; [0] = the last */
    int n_od, n_layers, show_session;
    float pigment_lin[3];           /* skin under a continuous layer of the last session's pigment */
    double dot_mm;                  /* the main area's dot, as used */
    struct smp_shine *shine;        /* the photo's shine over skin_box (shine.h), or NULL */
    uint8_t *strands;               /* hair strands over skin_box */
    uint32_t skin_box[4];
    float chroma[3];                /* the skin's diffuse chromaticity */
    uint8_t *zones;
    uint32_t zones_w, zones_h;
    double zone_mm;
    char msg[SMP_MSG_LEN];
};

#endif
