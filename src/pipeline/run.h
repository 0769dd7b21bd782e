/* SPDX-License-Identifier: BSD-2-Clause */
/* A run's working state between smp_simulate's steps (sim.c), and the
 * analysis cache's hooks into it (cache.c): the cache keeps the state the
 * photo-and-mask steps leave, so a run with new settings starts at the
 * first step that reads them. */
#ifndef SMP_RUN_H
#define SMP_RUN_H

#include "focus.h"
#include "look.h"
#include "mask.h"
#include "optics.h"
#include "render.h"
#include "sample.h"
#include "result.h"
#include "shade.h"
#include "shine.h"

typedef struct smp_points_key {
    double density, regularity, pair_mm;
    int n_layers;
    double layers[SMP_MAX_LAYERS];
} smp_points_key;

typedef struct run {
    smp_result *res;
    const smp_params *p;
    const smp_image *photo, *mask;
    smp_image *take_photo, *take_mask; /* smp_simulate_consume's: given up as soon as read */
    double ppm;
    smp_coverage cov, ref_cov, scar_cov, map_cov, edge_cov;
    smp_coverage hair_cov;  /* cov with the density map and the hair already there applied, until shaped */
    smp_shade sh;
    smp_shade_photo shade_part; /* the analysis's photo part made for the cache, until it takes it */
    double size, look_load; /* the look's dot size and load factors */
    double load;            /* the mean dot load: opacity x the look's */
    double core_cover;      /* the core's mean coverage after shaping, 0..1 */
    double density, dot_mm, dilution;
    float final_od[3];
    double dark_share[3];   /* the share of the core's light the pigment darkens, per channel (match.h) */
    double contrast_ref;    /* the reference's follicle-scale contrast, in its densest window */
    int ref_defocused;      /* the reference is out of focus: its texture says nothing of the core's (sim.c) */
    /* The core's densest window, for trial renders (match.h). */
    smp_image *patch;
    smp_shine patch_shine; /* the result's shine model seen from the patch (its levels are the result's) */
    uint8_t *patch_strands, *patch_core;
    smp_skin_maps patch_skin;
    smp_shade patch_grid;
    smp_focus focus;        /* the photo's own blur over the treated area and the reference */
    double blur_px[2];      /* its median over the core and the reference (NAN: unknown) */
    double patch_centre[2]; /* the core window's centre, photo px */
    uint32_t focus_box[4];  /* the box the focus map was made over */
    /* The analysis cache (NULL: none), and whether the shade analysis, the
     * focus map, the disc table and the core's window are the cache's (the
     * run reads them and does not free them). */
    smp_cache *cache;
    int borrowed;
    /* smp_cache_prepare's run: it stops once the points are in the cache's
     * memo (prepared: SMP_PREPARED_*), dressing, rendering and measuring
     * nothing; or sooner (partial), once it has sampled one session's
     * dots into the base or raw memo and more sessions follow. */
    int prepare, prepared, partial;
    /* The points' key (place_dots), when it placed any: the dots' measures
     * are the same for the same points (smp__cache_dot_measures). */
    smp_points_key key;
    int have_key;
} run;

/* The photo-and-mask steps (read_inputs to measure_stubble) before the
 * first that reads the look's settings. */
#define SMP_RUN_ANALYSIS_STEPS 4

/* Whether the cache may serve a run with these params: not with a
 * reference, scars or a density map (images the cache does not key on). */
bool smp__cache_usable(const smp_params *p);
/* What the cache holds of this run, its inputs compared byte for byte:
 * 0 nothing, 1 the photo at this scale (its skin maps may serve),
 * 2 the photo and the mask (the whole analysis). Remembered for the run's
 * smp__cache_focus and smp__cache_skin. */
int smp__cache_lookup(smp_cache *c, const smp_params *p, const smp_image *photo, const smp_image *mask);
/* r and its result as the analysis steps left them, from the cache: the
 * run borrows (r->borrowed) what it only reads. */
smp_status smp__cache_restore(smp_cache *c, run *r);
/* Keeps r's analysis in the cache, for the next run of this photo and
 * mask: r then borrows it. Out of memory, the cache is left empty and the
 * run as it was. */
void smp__cache_store(smp_cache *c, run *r);
/* The shade analysis's photo part the cache holds for this run's photo
 * (the last lookup found it), or NULL; read only. */
const smp_shade_photo *smp__cache_shade_part(const smp_cache *c);
/* The cached photo's maps when this run makes them over the same boxes
 * (same photo and scale: the same maps, byte for byte), copied into r:
 * the focus map over fbox; the strand map over box and the shine model
 * for chroma. False when they must be made. */
bool smp__cache_focus(smp_cache *c, run *r, const uint32_t fbox[4]);
bool smp__cache_strands(smp_cache *c, run *r, const uint32_t box[4]);
bool smp__cache_shine(smp_cache *c, run *r, const uint32_t box[4], const float chroma[3]);
/* The specular map (render.h) of r's shine model over its skin box, from
 * r's after image before the dots (the cached photo's pixels), kept for
 * the next runs on this photo and model; NULL when the cache holds none of
 * this run's analysis or memory is short (the render then reads the model
 * itself: the same values). */
const uint16_t *smp__cache_specular(smp_cache *c, const run *r);

/* The look's first steps, memoised for runs on the cached analysis (r->cache
 * and r->borrowed): the coverage shaped by the edge (keyed by the edge
 * style, feather and seed; three shapings kept, each with what was sampled
 * on it) and the sampled points before they are dressed
 * (keyed by those, the density, sessions, regularity and the close pairs'
 * distance), so a change of shade or of the session shown samples nothing,
 * and one of density or dot size shapes nothing. */
/* (smp_points_key: the sampled points' key, below.) */
/* r's shaped coverages (cov, edge_cov; hair_cov spent) and core cover
 * from the memo: true; false when they must be made. */
bool smp__cache_shape(smp_cache *c, run *r);
void smp__cache_keep_shape(smp_cache *c, const run *r);
/* The broken edge's reach (look.h) for r's coverage as painted (r->cov)
 * and its params, from the one the cache keeps for another painting
 * (smp__edge_reach_again): true with *reach set (free() it); false when it
 * must be made. */
bool smp__cache_edge_reach(smp_cache *c, const run *r, const smp_front *front, uint8_t **reach);
/* r's edge_cov (the coverage as painted on entry) shaped by the broken
 * edge with reach (made for r's painting; no front), from the shaping the cache
 * keeps for another painting (smp__shape_edge_again): true; false when
 * it must be made (edge_cov untouched). */
bool smp__cache_edge_shape(smp_cache *c, run *r, const smp_front *front, const uint8_t *reach);
/* Keeps *painted (r's coverage as painted), r's edge_cov as shaped and
 * *reach (its reach, made
 * for r's params) for the next shaping, taking both (then set empty and
 * NULL) when it keeps them. */
void smp__cache_keep_reach(smp_cache *c, const run *r, const smp_front *front, smp_coverage *painted, uint8_t **reach);
/* The noise memo (look.h) the cache keeps for r's settings and grid (the
 * broken edge), into memo's last_pre and last_out (NULL: none); and r's
 * kept: *noise_pre, its coverage with the hair before the noise (taken,
 * then NULL, when kept), and r->cov after. */
void smp__cache_noise_memo(smp_cache *c, const run *r, smp_noise_memo *memo);
void smp__cache_keep_noise(smp_cache *c, const run *r, uint8_t **noise_pre);
/* The points for k and their report counts (per session, pairs) into
 * all and r's result: true; false when they must be sampled. Either way k
 * becomes the memo's current settings, which what it keeps is measured
 * from (a run's, not smp_cache_prepare's). */
bool smp__cache_points(smp_cache *c, run *r, const smp_points_key *k, smp_spts *all);
/* Whether the memo holds points for k (nothing copied or counted). */
bool smp__cache_holds_points(smp_cache *c, const run *r, const smp_points_key *k);
/* all (and r's report counts) kept under k beside the memo's others; over
 * the bound, those farthest from the current settings go first. True when
 * they stay kept (false: out of memory, or the farthest). */
bool smp__cache_keep_points(smp_cache *c, const run *r, const smp_points_key *k, const smp_spts *all);
/* The dots' measures (dotstats.h: the core's area and density, the focus,
 * the closest pair and rho) of the last run on the memo's shape whose
 * points were k's, n of them: they read only the points, the close pairs,
 * the density and the analysis, so a change of shade, session shown or age
 * measures nothing. Copied into rep: true; false when they must be made. */
bool smp__cache_dot_measures(smp_cache *c, const run *r, const smp_points_key *k, size_t n, smp_report *rep);
void smp__cache_keep_dot_measures(smp_cache *c, const run *r, const smp_points_key *k, size_t n,
                                  const smp_report *rep);
/* smp_cache_reused's value set to reused, the one before returned (a
 * prepare run leaves the last run's). */
int smp__cache_swap_reused(smp_cache *c, int reused);
/* smp_cache_message's text (a prepare run's failure). */
void smp__cache_set_message(smp_cache *c, const char *msg);
/* The first layer's dots before their companions (smp__pattern_place) at
 * its density and regularity, on the memo's shaped coverage: only the
 * companions read the dot size, so a change of dot size places nothing.
 * Copied into out: true; false when they must be placed. */
bool smp__cache_base(smp_cache *c, run *r, double density, double regularity, smp_spts *out);
/* (The keep calls: true when kept.) */
bool smp__cache_keep_base(smp_cache *c, const run *r, double density, double regularity, const smp_spts *pts);
/* The first layer's sampled dots before thinning (smp__pattern_raw) for
 * the sampler's key (smp__pattern_raw_key), on the memo's shaped coverage:
 * the regularity reaches them only through the key, so most regularity
 * changes sample nothing for the first session. */
bool smp__cache_sampled(smp_cache *c, run *r, const double key[2], smp_spts *out);
bool smp__cache_keep_sampled(smp_cache *c, const run *r, const double key[2], const smp_spts *pts);
/* The second layer's sampled dots before thinning (smp__pattern_raw) at its
 * density, after a first layer at first_density, with this regularity:
 * they read of the first layer only its dots before their companions
 * (smp__cache_base's), so a change of dot size samples neither. */
bool smp__cache_raw(smp_cache *c, run *r, double first_density, double density, double regularity, smp_spts *out);
bool smp__cache_keep_raw(smp_cache *c, const run *r, double first_density, double density, double regularity,
                         const smp_spts *pts);

/* The coverage shaped for p's edge, feather and seed that the cache holds
 * (the current one or another made ready) on its photo at p's scale, with
 * that photo; NULL when it holds none (or before a run). */
const smp_coverage *smp__cache_shaped_for(const smp_cache *c, const smp_params *p, const smp_image **photo);
/* What the tone preview reads (tone.c): the cached photo, its coverage
 * shaped by the edge, the coverage with the hair already there and
 * without it (before shaping), and the analysis's result parts (shine,
 * strands, skin box). False when the cache holds no shaped analysis. */
bool smp__cache_tone_parts(const smp_cache *c, const smp_image **photo, const smp_coverage **shaped,
                           const smp_coverage **hair, const smp_coverage **edge, const smp_result **parts);

#endif
