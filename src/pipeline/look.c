/* SPDX-License-Identifier: BSD-2-Clause */
/* The SMP look: hairline edges, per-session pigment, healing and fading,
 * scars, and the blue cast of poor technique. Figures from SMP-FACTS.md. */
#include "focus.h"
#include "rng.h"
#include "look.h"
#include "params.h"

#include <math.h>
#include <stdlib.h>

/* A sharp edge keeps this share of the feather width. */
#define SHARP_SHARE 0.35
/* Broken edges: noise at this scale (mm) moves the ramp by up to this share. */
#define BROKEN_SCALE_MM 2.5
#define BROKEN_DEPTH 0.8

/* Smooth value noise in [0, 1) on a lattice of the given period, keyed:
 * each lattice node's value a hash, read from lat when given (the same
 * value, hashed once per node instead of four times per cell). */
typedef struct lattice {
    uint64_t nx, ny;
    double *v; /* NULL: hashed at each use */
} lattice;

static inline double node(uint64_t seed, const lattice *lat, uint64_t ix, uint64_t iy)
{
    if (lat && lat->v && ix < lat->nx && iy < lat->ny)
        return lat->v[iy * lat->nx + ix];
    return smp__u01(smp__hash(seed, 77, ix, iy));
}

static double noise(uint64_t seed, const lattice *lat, double x, double y)
{
    double fx = floor(x), fy = floor(y), tx = x - fx, ty = y - fy;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    uint64_t ix = (uint64_t)(int64_t)fx, iy = (uint64_t)(int64_t)fy;
    double v00 = node(seed, lat, ix, iy), v10 = node(seed, lat, ix + 1, iy);
    double v01 = node(seed, lat, ix, iy + 1), v11 = node(seed, lat, ix + 1, iy + 1);
    return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
}

/* The nodes noise reads over [0, w] x [0, h] (lattice units); left
 * unhashed (v NULL) when that would be far more nodes than cells to shade
 * or memory runs out. */
static lattice lattice_make(uint64_t seed, double w, double h, size_t cells)
{
    lattice l = {(uint64_t)floor(w) + 2, (uint64_t)floor(h) + 2, NULL};
    if (!(w >= 0 && h >= 0 && l.nx <= (1u << 20) && l.ny <= (1u << 20)) || l.nx * l.ny > 4 * (uint64_t)cells + 4096)
        return l;
    if (!(l.v = malloc(l.nx * l.ny * sizeof *l.v)))
        return l;
    for (uint64_t y = 0; y < l.ny; y++)
        for (uint64_t x = 0; x < l.nx; x++)
            l.v[y * l.nx + x] = smp__u01(smp__hash(seed, 77, x, y));
    return l;
}

smp_status smp__shape_edge(smp_coverage *cov, smp_edge edge, double feather_mm, double ppm,
                           uint64_t seed, int threads, char *msg)
{
    double width_mm = edge == SMP_EDGE_SHARP ? feather_mm * SHARP_SHARE : feather_mm;
    smp_status st = smp__coverage_feather(cov, width_mm * ppm, threads, msg);
    if (st != SMP_OK || edge != SMP_EDGE_BROKEN)
        return st;
    /* An irregular hairline: within the ramp only (0 < c < 255, so the
     * untreated outside stays untouched), two octaves of noise in mm move
     * the density up or down, most at mid-ramp. */
    const double cell_mm = cov->cell / ppm;
    size_t ramp = 0;
    for (size_t i = 0; i < (size_t)cov->gw * cov->gh; i++)
        ramp += cov->c[i] != 0 && cov->c[i] != 255;
    /* the farthest cell centre, in each octave's lattice units */
    const double ex = (cov->gw - 0.5) * cell_mm, ey = (cov->gh - 0.5) * cell_mm;
    lattice l1 = {0, 0, NULL}, l2 = {0, 0, NULL};
    if (ramp) {
        l1 = lattice_make(seed, ex / BROKEN_SCALE_MM, ey / BROKEN_SCALE_MM, ramp);
        l2 = lattice_make(seed + 1, ex / (BROKEN_SCALE_MM / 3), ey / (BROKEN_SCALE_MM / 3), ramp);
    }
    /* Each cell on its own (the noise is keyed by position): rows in parallel. */
    const uint32_t rows = ramp ? cov->gh : 0;
    SMP_OMP(omp parallel for schedule(static) num_threads(smp__threads(threads)))
    for (uint32_t y = 0; y < rows; y++)
        for (uint32_t x = 0; x < cov->gw; x++) {
            uint8_t *c = &cov->c[(size_t)y * cov->gw + x];
            if (*c == 0 || *c == 255)
                continue;
            double mx = (x + 0.5) * cell_mm, my = (y + 0.5) * cell_mm;
            double n = 0.65 * noise(seed, &l1, mx / BROKEN_SCALE_MM, my / BROKEN_SCALE_MM) +
                       0.35 * noise(seed + 1, &l2, mx / (BROKEN_SCALE_MM / 3), my / (BROKEN_SCALE_MM / 3));
            double v = *c / 255.0, mid = 4 * v * (1 - v);
            v *= 1 + BROKEN_DEPTH * mid * (2 * n - 1) * 1.6;
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            *c = (uint8_t)lrint(v * 255.0);
        }
    free(l1.v);
    free(l2.v);
    return SMP_OK;
}

void smp__session_depths(const smp_optics *o, const smp_params *p, double dilution, const float final_od[3],
                         float out[][3])
{
    /* Artists start light and darken: session k of n is lighter by 0.05 of
     * dilution per session still to come; the last is the chosen shade. A
     * given colour keeps its depth in every session. */
    const int n = p->n_layers;
    for (int k = 1; k <= n; k++) {
        if (dilution >= 0)
            smp__od_for_dilution(o, fmin(0.95, dilution + 0.05 * (n - k)), out[k]);
        else
            for (int c = 0; c < 3; c++)
                out[k][c] = final_od[c];
    }
    for (int c = 0; c < 3; c++)
        out[0][c] = out[n][c];
}

/* Beyond smp__photo_blur_cap_mm a reading may come from soft features
 * (a blemish, shading) as much as from the optics, unless the map trusts it:
 * where level-1 edges support it (focus.h), the measured defocus counts up
 * to SMP_MAX_DEFOCUS_MM, about the map's own 8 px clamp at 15 px/mm. */
double smp__dot_photo_blur_mm(const struct smp_focus *f, double x, double y, double ppm)
{
    if (!f || !f->sigma)
        return 0;
    const double cap = smp__photo_blur_cap_mm(ppm, f->sharp_px), t = smp__focus_trust_at(f, x, y);
    const double limit = cap + t * (fmax(SMP_MAX_DEFOCUS_MM, cap) - cap);
    return fmin(smp__focus_at(f, x, y) / ppm, limit);
}

/* Dot size at the hairline: the density ramp of the edge zone (coverage
 * below full) also brings smaller, single-point dots toward the front:
 * 0.28 mm in the main area falls to about 0.15 mm at the very front. */
static double edge_size(double c) { return 0.55 + 0.45 * c; }

void smp__dress_dots(const smp_spts *pts, const smp_params *p, const smp_dress *dr, double ppm, smp_dot *out)
{
    for (size_t i = 0; i < pts->n; i++) {
        /* Healed dots vary by about +-10 % in size and load, and are
         * slightly elliptic (up to 1.25:1) in any direction. */
        const uint64_t h = smp__hash(p->seed, UINT64_MAX - 1, i, 0), h2 = smp__mix64(h), h3 = smp__mix64(h2);
        const double js = 1.0 + 0.2 * (smp__u01(h) - 0.5), jo = 1.0 + 0.2 * (smp__u01(h2) - 0.5);
        double size = dr->dot_mm * js * dr->size, op = p->opacity * jo * dr->load;
        const double x = pts->p[i].x * ppm, y = pts->p[i].y * ppm;
        if (dr->edge)
            size *= edge_size(smp__coverage_at(dr->edge, x, y) / 255.0);
        if (dr->scars) { /* scar tissue takes pigment less well, and it spreads */
            double s = smp__coverage_at(dr->scars, x, y) / 255.0;
            op *= 1 - 0.4 * s;
            size *= 1 + 0.3 * s;
        }
        /* Drawn as sharp as the photo is where it lies, no sharper (up to
         * a limit that the map's trust sets: smp__dot_photo_blur_mm). */
        const double blur = smp__dot_photo_blur_mm(dr->focus, x, y, ppm);
        out[i] = (smp_dot){pts->p[i].x, pts->p[i].y, size, (float)(op > 1 ? 1 : op), pts->p[i].layer,
                           (float)(1.0 + 0.25 * smp__u01(h3)), (float)(SMP_PI * smp__u01(smp__mix64(h3))),
                           (float)blur};
    }
}
