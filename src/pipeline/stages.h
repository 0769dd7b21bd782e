/* SPDX-License-Identifier: BSD-2-Clause */
/* Interfaces between the pipeline's stages (mask -> sample -> render). */
#ifndef SMP_STAGES_H
#define SMP_STAGES_H

#include "internal.h"
#include "optics.h"

/* A coverage field: how much of the full density each point gets, 0..255,
 * after mask resampling and feathering. Density is a low-frequency field
 * (dots are about 1 mm apart), so it lives on a grid of cells about
 * 0.25 mm wide (never under a pixel), each the mask's average over it, and
 * is read with bilinear interpolation. */
typedef struct smp_coverage {
    uint8_t *c;      /* gw x gh cells */
    uint32_t gw, gh;
    uint32_t cell;   /* cell side, px */
    uint32_t w, h;   /* photo size, px */
} smp_coverage;

/* Cell side in px for a scale: 0.25 mm, at least 1 px. */
uint32_t smp__coverage_cell(double px_per_mm);
/* The part of the photo with any coverage, in mm at px_per_mm, one
 * coverage cell wider all round; false when nothing is covered. Sampling
 * only there keeps the work with the treated area, not the frame. */
bool smp__coverage_extent(const smp_coverage *cov, double px_per_mm, double box[4]);
/* The share of a mask that is treated (its mean coverage, 0..1): one pass
 * over the mask at its own size. */
double smp__mask_share(const smp_image *mask);
/* The covered area in mm² at px_per_mm: the coverage's sum, at most the photo. */
double smp__coverage_area_mm2(const smp_coverage *cov, double px_per_mm);
/* Coverage at a point in photo pixels (bilinear); 0 outside the photo.
 * Inline: the sampler asks it at every dart and box corner. */
static inline double smp__coverage_at(const smp_coverage *cov, double x, double y)
{
    if (!(x >= 0 && y >= 0 && x < cov->w && y < cov->h))
        return 0;
    double gx = x / cov->cell - 0.5, gy = y / cov->cell - 0.5;
    gx = gx < 0 ? 0 : gx > cov->gw - 1 ? cov->gw - 1 : gx;
    gy = gy < 0 ? 0 : gy > cov->gh - 1 ? cov->gh - 1 : gy;
    uint32_t x0 = (uint32_t)gx, y0 = (uint32_t)gy;
    uint32_t x1 = x0 + 1 < cov->gw ? x0 + 1 : x0, y1 = y0 + 1 < cov->gh ? y0 + 1 : y0;
    double ax = gx - x0, ay = gy - y0;
    const uint8_t *r0 = cov->c + (size_t)y0 * cov->gw, *r1 = cov->c + (size_t)y1 * cov->gw;
    return (r0[x0] * (1 - ax) + r0[x1] * ax) * (1 - ay) + (r1[x0] * (1 - ax) + r1[x1] * ax) * ay;
}

/* Notes go to the result, so the caller decides whether to show them. */
typedef struct smp_notes {
    char **items;
    size_t count;
} smp_notes;
void smp__note(smp_notes *notes, const char *fmt, ...) SMP_PRINTF(2, 3);
void smp__notes_clear(smp_notes *notes);

/* Builds the coverage from a decoded mask for a photo of w x h pixels shown
 * with the given EXIF orientation. Resamples a mask of the same aspect. */
smp_status smp__coverage_from_mask(smp_coverage *cov, const smp_image *mask, uint32_t w, uint32_t h,
                                   uint32_t cell, int photo_orientation, smp_notes *notes, char *msg);
/* Blurs the coverage so density ramps across the mask edge over about
 * width_px (10-90 %), with three box passes approximating a Gaussian. */
smp_status smp__coverage_feather(smp_coverage *cov, double width_px, char *msg);
void smp__coverage_free(smp_coverage *cov);
/* out = a copy of cov. */
smp_status smp__coverage_copy(smp_coverage *out, const smp_coverage *cov, char *msg);
/* Scales coverage by a density map on the same grid: each cell's share of
 * the top density is min/max + (1 - min/max) * map / 255 (max 0: map / 255).
 * only_inside keeps zero cells zero (render: the mask bounds the area);
 * otherwise the map alone sets the coverage (points). */
void smp__scale_by_map(smp_coverage *cov, const smp_coverage *map, double min_cm2, double max_cm2, int only_inside);

/* What the photo says about shade (see shade.c). Colours are CIELAB (D65). */
typedef struct smp_shade {
    smp_coverage grid;    /* the analysis grid: coverage over cells of about 0.5 mm */
    int k;                /* coverage cells per analysis cell, per side */
    float *tone;          /* per analysis cell: mean linear RGB */
    float *view;          /* the same blurred to the viewing scale */
    float *dist_out;      /* mm to the treated area */
    uint8_t *core;        /* the fully treated core, 3 mm inside the mask */
    uint8_t *accept;      /* reference cells kept */
    float *lskin;         /* per cell: local bare skin (lightest within 2 mm) */
    double texture_l;     /* how far bare skin's view falls below its local skin (L) */
    size_t core_cells, ref_cells, ref_accepted;
    int have_reference;
    float skin_lin[3], core_before_lin[3];
    double skin_lab[3], hair_lab[3], core_before_lab[3];
    double ref_raw_lab[3]; /* the reference's viewing-scale tone as photographed */
    double ref_lab[3];     /* the same under the core's light: the target */
} smp_shade;

/* Tone map, distances, skin, reference tone and hair colour from a photo
 * and its (unfeathered) coverage; reference, if given, replaces the band. */
smp_status smp__shade_analyze(smp_shade *sh, const smp_image *photo, const smp_coverage *cov,
                              const smp_coverage *reference, double px_per_mm, char *msg);
void smp__shade_free(smp_shade *sh);
/* The core's viewing-scale tone in another image of the same size. */
smp_status smp__core_tone(const smp_shade *sh, const smp_image *img, double px_per_mm, double lab[3],
                          char *msg);
/* Lowers the coverage where hair already darkens the treated area. */
smp_status smp__existing_hair_factor(const smp_shade *sh, smp_coverage *cov, char *msg);

/* A sampled dot, in mm, with the exclusion radius it was placed with. */
typedef struct smp_spt {
    double x, y;
    float excl;
    uint8_t layer;
} smp_spt;

typedef struct smp_spts {
    smp_spt *p;
    size_t n;
} smp_spts;
void smp__spts_free(smp_spts *pts);

typedef struct smp_sample_in {
    double x0_mm, y0_mm;       /* the domain's corner; coverage and output share this frame */
    double w_mm, h_mm;         /* the domain's size */
    double density_cm2;        /* where coverage is 255 */
    const smp_coverage *cov;   /* NULL: uniform density */
    double cov_px_per_mm;      /* coverage pixels per mm */
    uint64_t seed;
    uint8_t layer;
    const smp_spt *existing;   /* earlier layers' dots, respected, not output */
    size_t n_existing;
    int threads;               /* 0: OpenMP's default */
} smp_sample_in;

/* Variable-density maximal Poisson-disk dots (see sample.c). */
smp_status smp__sample(const smp_sample_in *in, smp_spts *out, char *msg);

/* Exclusion radius (mm) at full coverage for a density, from the sampler's
 * own calibrated packing. */
double smp__exclusion_mm(double density_cm2);

/* The look (look.c). Feathers the coverage in the edge style. */
smp_status smp__shape_edge(smp_coverage *cov, smp_edge edge, double feather_mm, double px_per_mm,
                           uint64_t seed, char *msg);
/* Optical depth per session, out[1..n_layers] (out[0] = the last): from a
 * dilution (>= 0; lighter in early sessions) or final_od (a given colour). */
void smp__session_depths(const smp_optics *o, const smp_params *p, double dilution, const float final_od[3],
                         float out[][3]);
/* How dots are dressed: size (mm) and the look's size and load factors;
 * edge: the shaped coverage whose ramp shrinks dots toward a hairline;
 * scars: scar coverage. Either coverage may be NULL. */
typedef struct smp_dress {
    double dot_mm, size, load;
    const smp_coverage *edge, *scars;
    const struct smp_focus *focus; /* the photo's blur (focus.h), or NULL */
} smp_dress;
/* The most of the photo's measured blur (focus.h) a dot takes: 0.1 mm, or
 * 1.5 px on a coarse photo, where an in-focus lens and the camera's
 * processing alone blur that much (focus.h: ~0.8-1.4 px). More than that
 * comes from soft features more than from the optics, unless edges back it
 * (smp__dot_photo_blur_mm). */
#define SMP_MAX_PHOTO_BLUR_MM 0.1
#define SMP_MAX_PHOTO_BLUR_PX 1.5
static inline double smp__photo_blur_cap_mm(double px_per_mm)
{
    const double px = SMP_MAX_PHOTO_BLUR_PX / px_per_mm;
    return px > SMP_MAX_PHOTO_BLUR_MM ? px : SMP_MAX_PHOTO_BLUR_MM;
}
/* The photo's blur (mm) a dot at photo pixel (x, y) takes: the measured
 * sigma, up to the cap above where the map's trust (focus.h: how far edges
 * sharp enough to tell defocus from soft features support it) is 0 and up
 * to SMP_MAX_DEFOCUS_MM (or the cap, if more) where it is 1, the limit
 * between the two by the trust. 0 without a map. In look.c. */
#define SMP_MAX_DEFOCUS_MM 0.5
double smp__dot_photo_blur_mm(const struct smp_focus *f, double x, double y, double px_per_mm);
/* Dots with their size, load and shape: jitter, age, hairline, scars. */
void smp__dress_dots(const smp_spts *pts, const smp_params *p, const smp_dress *dr, double px_per_mm, smp_dot *out);

/* What a run measured, for the metrics file (metrics.c). Colours CIELAB. */
typedef struct smp_report {
    int have_shade;             /* a reference was found and analysed */
    int reference_painted;
    size_t ref_cells, ref_accepted;
    double skin[3], hair[3], reference[3], reference_photographed[3], pigment[3], core_before[3],
        core_after[3];
    double de_before, de_after, de_predicted;
    double density_used;        /* dots/cm² where coverage is full */
    double dot_used;            /* mm, the main area's mean dot */
    double dilution;            /* < 0: the pigment was given */
    int auto_used, auto_limited;
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

/* Zones on the shade grid, for placing a close-up. */
#define SMP_ZONE_CORE 1     /* fully treated */
#define SMP_ZONE_HAIRLINE 2 /* just outside the mask, bare skin: a hairline */

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
    /* What a preview needs to draw the dots again (view.c). */
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

/* Chamfer (3-4) distance in mm: d holds 0 at seed cells and INFINITY
 * elsewhere on entry, the distance to the nearest seed on return. */
void smp__chamfer_mm(float *d, uint32_t w, uint32_t h, double cell_mm);

/* Previews (preview.c). The caption line: the client's text, the run's
 * numbers and the date. */
void smp__preview_caption(char *buf, size_t n, const smp_result *res, const smp_params *p);
/* The loupe's source box and zoom for a side px inset on panels at scale s
 * (output px per photo px); false when there is none. */
bool smp__preview_loupe(smp_preview_geometry *g, const smp_result *res, const smp_params *p, uint32_t w, uint32_t h,
                        double s, uint32_t side);
/* SMP_ERR_ARG when a loupe placed at a point lies outside a w x h photo. */
smp_status smp__preview_check_loupe(const smp_params *p, uint32_t w, uint32_t h, char *msg);

/* Drawing a finished result again (view.c). Keeps the zones from a shade
 * analysis in the result. */
smp_status smp__keep_zones(smp_result *res, const smp_shade *sh, double px_per_mm);
/* The centre (photo px) of a side_mm close-up inside the largest fully
 * treated area, near the hairline if there is one; false without a core. */
bool smp__loupe_auto(const smp_result *res, double side_mm, double *x, double *y);
/* out = the photo (RGB) with the dots of sessions 1..session (0: the run's
 * own choice) drawn at the photo's scale. */
smp_status smp__render_session(smp_image *out, const smp_result *res, const smp_image *photo_rgb, int session,
                               int threads);
/* *rgb = img when it is RGB, else a converted *copy (the caller frees it). */
smp_status smp__rgb_view(const smp_image *img, smp_image **copy, const smp_image **rgb);
/* What a panel shows at w x h: the photo (session < 0), the run's after
 * image (0) or session k, drawn into work when needed and area-averaged
 * into small when smaller; *shown is whichever holds it. On failure
 * small's message says why. */
smp_status smp__state_image(const smp_image **shown, smp_image *work, smp_image *small, const smp_result *res,
                            const smp_image *photo_rgb, int session, uint32_t w, uint32_t h, int threads);
/* out = side x side px: the photo box src = {x, y, w, h} (photo px, square)
 * enlarged, with the dots drawn again at the enlarged scale. */
smp_status smp__render_loupe(smp_image *out, const smp_result *res, const smp_image *photo_rgb, const double src[4],
                             uint32_t side, int session, int threads);

/* The metrics file (JSON) for a finished result. */
smp_status smp__write_metrics(const smp_result *res, const smp_params *p, const char *path, char *msg);

#endif
