/* SPDX-License-Identifier: BSD-2-Clause */
/* The photo's own blur, so that simulated dots can be blurred to match it. */
#ifndef SMP_FOCUS_H
#define SMP_FOCUS_H

#include "internal.h"
#include "image.h"

/* The photo's own blur over a box: the Gaussian sigma (in photo pixels) that its optics and
 * processing put on fine detail, estimated locally. A grid of cells of cell_px x cell_px pixels
 * covering box {x0,y0,w,h} (gw = ceil(w / cell_px), gh likewise); every cell gets a value
 * (cells without enough edges take their neighbours'), smoothed.
 *
 * Method (see focus.c): Gaussian-derivative gradients of linear luminance at 1 and 2 px on the
 * photo and on its 2x2 and 4x4 area means (so 1..8 px in effect). At isolated step edges, the
 * re-blur ratio of the gradient peaks at the two scales (Zhuo & Sim 2011); on thin lines
 * (hairs, photo level only), the ratio of the cross second derivatives. Each reading is refined
 * to sub-pixel. A level's value at a cell is the median of its readings; the cell takes the
 * coarsest level's that reads more blur than the finer levels resolve, else the photo's (fine
 * noise and sharpening make blurred edges read sharp at fine scales). Lone outlying cells are
 * dropped by a 3x3 median. The value is the blur beyond a pixel's own box (variance 1/12, which
 * the renderer adds itself): 0 for a perfectly sharp, area-sampled photo; an in-focus phone
 * photo reads ~0.8-1.4 px. Clamped to 0..8 px. Biases: intrinsically soft features (a blemish,
 * shading) read as blur where they are all a region has; sharp areas read ~10 % sharp from
 * sharpening. Cells hold about 4 mm at px_per_mm (24..256 px). With no usable edge anywhere in
 * the box every cell reads 1 px.
 *
 * rgb: an 8-bit RGB smp_image (ch == 3); box inside it, non-empty; px_per_mm in [0.5, 1000].
 * The values do not depend on threads (0: OpenMP's default) and are deterministic. Working
 * memory: about 36 (min(cell_px, 40 or cell_px / 2) + 20) bytes per box column per thread (9 MB
 * for a 4000 px wide box at 17 px/mm), plus 1.2 kB per cell; the coarse levels are not stored
 * but made from the photo where read. SMP_ERR_ARG for a bad image, box or scale;
 * SMP_ERR_NOMEM when out of memory (out is then zeroed). */
typedef struct smp_focus {
    float *sigma; /* gw x gh, px */
    uint32_t gw, gh, cell_px;
    uint32_t box[4];
    float *trust; /* gw x gh, 0..1: how far sigma is the optics' (below) */
    /* The photo's blur where it is in focus: the lower quartile of sigma
     * over the cells trusted at SHARP_TRUST or more, over all cells with
     * fewer than SHARP_CELLS of them, NAN with fewer cells than that
     * (focus.c). Soft areas the map cannot read are taken to be this sharp
     * (look.h). */
    float sharp_px;
} smp_focus;

/* trust: whether a cell's sigma is the optics' rather than soft features'. Its evidence E is the
 * readings at level 1 (2x2 means: edges and hairs blurred by up to ~8 px) over the 3x3 cells
 * about it less those of the one with most (a lone blemish), per level-1 pixel of a cell's side
 * (scaled to 8 cells at the grid's edge): ~1 is one edge across each cell. Soft features
 * (shading, a blemish, a dot's halo) give level-2 readings, hardly level-1 ones: synthetic sharp
 * scenes whose bald cores read 4-8 px have E <= 0.16 there (0.31 with blemishes); the
 * out-of-focus stubble of a 12 MP crown, reading 3-7 px, E >= 0.66 in 90 % of its cells (median
 * 1.4). trust = smoothstep of E from TRUST_E0 0.35 to TRUST_E1 0.8 (focus.c); dots take the sigma
 * beyond their cap as far as trust allows (look.h: smp__dot_photo_blur_mm). */
smp_status smp__focus_map(const smp_image *rgb, const uint32_t box[4], double px_per_mm, smp_focus *out, int threads,
                          char *msg);
void smp__focus_free(smp_focus *f);
/* Bilinear sigma at a photo pixel (cell centres at box[0] + (i + 0.5) cell_px; clamped to the
 * grid; 0 outside a NULL/empty map). */
float smp__focus_at(const smp_focus *f, double x, double y);
/* Bilinear trust at a photo pixel, likewise (0 outside a NULL/empty map). */
float smp__focus_trust_at(const smp_focus *f, double x, double y);

#endif
