/* SPDX-License-Identifier: BSD-2-Clause */
/* The look: edge style, sessions' depths and how dots are dressed (look.c). */
#ifndef SMP_LOOK_H
#define SMP_LOOK_H

#include "mask.h"
#include "optics.h"
#include "sample.h"
#include "params.h"

struct smp_focus; /* focus.h */

/* What lies just outside the mask: the zones (result.h's SMP_ZONE_HAIRLINE
 * cells, a frontal hairline, and SMP_ZONE_OUT_HAIR among SMP_ZONE_OUT, hair)
 * on their own grid. */
typedef struct smp_front {
    const uint8_t *zones; /* w x h cells, or NULL: no front */
    uint32_t w, h;
    double cell_mm;
} smp_front;
/* For the broken style, the share (0..255 per coverage cell) a wandering
 * edge leaves of the coverage: 0 outside the mask as painted, rising
 * inside it over a zone whose start wanders by millimetres (slow noise),
 * 3.5 times as wide where the mask ends on a front, about 1 mm where it
 * ends on hair. Two planes of n cells: the share, then how much of the
 * feather's inner half is undone (0..255, toward the coverage as painted:
 * on hair). *reach is NULL (nothing to apply) for the other styles or
 * without a feather; free() it. */
smp_status smp__edge_reach(const smp_coverage *painted, smp_edge edge, double feather_mm, double px_per_mm,
                           uint64_t seed, const smp_front *front, int threads, uint8_t **reach, char *msg);
/* Whether the zones hold a hairline cell (a front for smp__edge_reach). */
bool smp__front_any(const smp_front *front);
/* Whether the zones hold hair just outside the mask (SMP_ZONE_OUT_HAIR). */
bool smp__hair_any(const smp_front *front);
/* smp__edge_reach's map for painted (broken edge) from the one it gave for
 * old_painted on the same grid with the same edge, feather, scale and
 * seed, made again only near the cells treated in one and not the other:
 * the same bytes. False (*reach NULL) when it cannot (a front or hair in
 * the zones, another grid, too wide a change, no memory): then call
 * smp__edge_reach. */
bool smp__edge_reach_again(const smp_coverage *painted, const smp_coverage *old_painted, const uint8_t *old_reach,
                           smp_edge edge, double feather_mm, double px_per_mm, uint64_t seed, const smp_front *front,
                           uint8_t **reach);
/* Feathers the coverage in the edge style; reach (smp__edge_reach, on the
 * same grid, or NULL) then scales it. */
smp_status smp__shape_edge(smp_coverage *cov, smp_edge edge, double feather_mm, double px_per_mm,
                           uint64_t seed, const uint8_t *reach, int threads, char *msg);
/* smp__shape_edge of cov (the broken style, with reach: the coverage as
 * painted on entry) from the shaping old_shaped it gave for old_painted on
 * the same grid with the same settings (reach made for each painting, with
 * no front nor hair either time: smp__edge_reach_again's case),
 * made again only near the cells whose value changed: the same bytes.
 * False (cov untouched) when it cannot: then call smp__shape_edge. */
bool smp__shape_edge_again(smp_coverage *cov, const smp_coverage *old_painted, const uint8_t *old_shaped,
                           smp_edge edge, double feather_mm, double px_per_mm, uint64_t seed, const uint8_t *reach);
/* smp__shape_edge of cov and of other (same grid; NULL: none) at once:
 * the hairline's noise taken once for both, the same bytes as two calls. */
smp_status smp__shape_edges(smp_coverage *cov, smp_coverage *other, smp_edge edge, double feather_mm,
                            double px_per_mm, uint64_t seed, const uint8_t *reach, int threads, char *msg);
/* The broken edge's noise for one coverage, memoised: a ramp cell's
 * shaped value is a function of its place and its value before the noise
 * (the feathered coverage times the reach), so a cell whose value before
 * is last_pre's takes last_out's (both from a shaping on the same grid
 * with the same edge, feather, scale and seed; NULL: none); pre (n cells,
 * or NULL) gets this shaping's values before the noise. */
typedef struct smp_noise_memo {
    const uint8_t *last_pre, *last_out;
    uint8_t *pre;
} smp_noise_memo;
/* smp__shape_edges with memo (NULL: none) for other, or for cov when
 * other is NULL: the same bytes. */
smp_status smp__shape_edges_memo(smp_coverage *cov, smp_coverage *other, smp_edge edge, double feather_mm,
                                 double px_per_mm, uint64_t seed, const uint8_t *reach, const smp_noise_memo *memo,
                                 int threads, char *msg);
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
 * on a coarse photo what an in-focus lens and the camera's processing
 * alone blur: the photo's own in-focus blur where the map measures it
 * (smp_focus.sharp_px), at most 1.5 px (focus.h: ~0.8-1.4 px in focus).
 * More than that comes from soft features more than from the optics,
 * unless edges back it (smp__dot_photo_blur_mm). sharp_px: NAN when
 * unknown. */
#define SMP_MAX_PHOTO_BLUR_MM 0.1
#define SMP_MAX_PHOTO_BLUR_PX 1.5
static inline double smp__photo_blur_cap_mm(double px_per_mm, double sharp_px)
{
    const double px = (sharp_px < SMP_MAX_PHOTO_BLUR_PX ? sharp_px : SMP_MAX_PHOTO_BLUR_PX) / px_per_mm;
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

#endif
