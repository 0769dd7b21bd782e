/* SPDX-License-Identifier: BSD-2-Clause */
/* A natural dot pattern (see pattern.c): less regular than a maximal
 * Poisson-disk set, with a share of the dots in close pairs, as
 * follicular units. */
#ifndef SMP_PATTERN_H
#define SMP_PATTERN_H

#include "sample.h"

/* rho at or above this is the maximal set: no thinning. */
#define SMP_PATTERN_MAXIMAL_RHO 0.77
/* The share of dots in close pairs SMP-FACTS gives: 10-20 %. */
#define SMP_PATTERN_PAIR_SHARE 0.15

/* The pattern is a maximal Poisson-disk set sampled at a higher density
 * (a smaller exclusion radius), thinned by a local quota to the asked
 * density, then jittered so that the minimum distance between dots is
 * rho x d_hex for the final density (d_hex = sqrt(2 / (sqrt 3 n))) instead
 * of the maximal set's ~0.775; then a share of the kept dots get a close
 * companion. */
typedef struct smp_pattern {
    double rho;        /* min distance / d_hex; 0.3..0.77 (0.77 or more: maximal, no thinning); 0.6 looks hand-made */
    double pair_share; /* share of all dots that are in a close pair, 0..0.4; 0.15 */
    double dot_mm;     /* the dots' size: a companion sits at least 1.1 x it from its dot (0: no limit) */
} smp_pattern;

/* Companions carry excl = 0: they were not placed with an exclusion radius
 * (they keep their partner's from every other dot). */
static inline int smp__is_companion(const smp_spt *p) { return !(p->excl > 0); }

/* One layer of the pattern: like smp__sample, except that in->density_cm2
 * is the density (dots/cm² at full coverage) the pattern reaches with this
 * layer, companions included, and in->existing may hold earlier layers'
 * final dots, companions included (made by this function at no more than
 * this density, as cumulative sessions are). Samples at a higher density
 * (see pattern.c) with the earlier non-companion dots as given dots; drops
 * new dots closer than their radius to an earlier companion; keeps each of
 * the rest with the local rate that brings the non-companion dots around
 * it (within 3 radii) to the field's count; moves each kept dot once
 * (keeping rho x d_hex from every other dot); where the coverage is flat,
 * moves crowded new dots into the holes left (spots 0.8 d_hex from every
 * dot); and appends companions.
 * Every decision is a hash of (seed, layer, the dot's position rounded to
 * 1/4096 mm), never of order or threads. Companions sit 0.2..0.5 mm from
 * their dot (narrower where the spacing is under 0.63 mm), and at least
 * 1.5..2 dot sizes away (pat->dot_mm), so the two stay two dots, and
 * within half the ~1 mm spacing, so they read as one unit, as the hairs of
 * a follicular unit do; each keeps rho x d_hex from every other dot. rho >= 0.77 with no pairs gives smp__sample's dots
 * exactly. */
smp_status smp__pattern_sample(const smp_pattern *pat, const smp_sample_in *in, smp_spts *out, char *msg);
/* smp__pattern_sample in two steps: the dots before their companions
 * (place), then the companions appended to them (pair). Only the pair step
 * reads pat->dot_mm, so a change of dot size can start from a kept copy of
 * place's dots (cache.c); on failure pair frees pts. */
smp_status smp__pattern_place(const smp_pattern *pat, const smp_sample_in *in, smp_spts *out, char *msg);
smp_status smp__pattern_pair(const smp_pattern *pat, const smp_sample_in *in, smp_spts *pts, char *msg);
/* place in two steps: the sampler's dots (raw), which read of the earlier
 * layers only their non-companion dots (and whether there are any), then
 * the thinning, jitter and hole filling on them (refine; on failure it
 * frees pts). */
smp_status smp__pattern_raw(const smp_pattern *pat, const smp_sample_in *in, smp_spts *out, char *msg);
/* What raw reads of pat for in: the density it asks the sampler for and
 * the raise of the coverage (0: none). Two patterns with the same key
 * sample the same dots from the same in: the regularity reaches them only
 * near the maximal set's (above 0.65 on ramps, 0.74 on full coverage). */
void smp__pattern_raw_key(const smp_pattern *pat, const smp_sample_in *in, double key[2]);
smp_status smp__pattern_refine(const smp_pattern *pat, const smp_sample_in *in, smp_spts *pts, char *msg);

#endif
