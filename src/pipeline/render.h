/* SPDX-License-Identifier: BSD-2-Clause */
/* The renderer: dots drawn as pigment under the photo's skin. */
#ifndef SMP_RENDER_H
#define SMP_RENDER_H

#include "optics.h"
#include "shine.h"
#include "image.h"

/* What of the photo lies above the pigment, over a box {x0, y0, w, h} of
 * it (maps are box-sized, row-major; any may be NULL): its shine, the
 * specular part in linear light x 65535, and hair strands, 0..255. The
 * shine is either a map or, without one, a model (shine.h) that gives each
 * pixel's from its bytes before the render, at box-relative coordinates. */
typedef struct smp_skin_maps {
    const uint16_t *specular;
    const uint8_t *strands;
    uint32_t box[4];
    const smp_shine *shine;
} smp_skin_maps;

/* The share of a pixel's light that hair over the skin gives, from its
 * strand map value (smp__strand_cover): the renderer keeps it, and the
 * skin's rest takes the pigment. */
static inline float smp__strand_weight(int v) { return (float)v * (1.0f / 255.0f); }

/* The strand map's value at photo pixel (x, y); 0 outside it or without one. */
static inline int smp__strand_at(const smp_skin_maps *m, uint32_t x, uint32_t y)
{
    if (!m || !m->strands || x < m->box[0] || y < m->box[1] || x - m->box[0] >= m->box[2] ||
        y - m->box[1] >= m->box[3])
        return 0;
    return m->strands[(size_t)(y - m->box[1]) * m->box[2] + (x - m->box[0])];
}

/* Draws dots (mm, at px_per_mm) into an RGB image: each pixel's diffuse
 * light is multiplied by exp(-optical depth) (see optics.h), its shine and
 * the strands over it kept; pixels no dot reaches keep their bytes. od[k] is
 * layer k's depth per channel at full load (layers above n_od - 1 use the
 * last). Only dots of layers <= max_layer are drawn (0 = all). skin may be
 * NULL. */
smp_status smp__render(smp_image *rgb, const smp_dot *dots, size_t n, double px_per_mm, const smp_optics *optics,
                       const float od[][3], int n_od, int max_layer, const smp_skin_maps *skin,
                       int threads, char *msg);

/* A render's inputs, as smp__render takes them. */
typedef struct smp_render_job {
    smp_image *img;
    const smp_dot *dots;
    size_t n;
    double ppm;
    const smp_optics *optics;
    const float (*od)[3];
    int n_od, max_layer;
    const smp_skin_maps *skin;
    int threads;
} smp_render_job;

/* smp__render over bands [first, end) of its bands of rows alone (of
 * smp__render_band_count; end past the last: to the last): their pixels
 * get the bytes the whole render gives them, and no other pixel is
 * written. So a render split into band ranges, each drawn on its own copy
 * of the image (another thread or process), merges into the whole one. */
smp_status smp__render_bands(const smp_render_job *job, int first, int end, char *msg);
/* The rows of a band (band b: rows b * SMP_RENDER_BAND on), and how many
 * bands an image h rows high has. */
#define SMP_RENDER_BAND 64
int smp__render_band_count(uint32_t h);
/* The band k splitting a job's work near share (0..1) : (1 - share):
 * bands [0, k) then [k, end), by the dots each band draws. */
int smp__render_split(const smp_render_job *job, double share);

/* The optical depth alone (w x h x 3 floats, R G B) that dots of one depth
 * od deposit at px_per_mm: what smp__render exponentiates. */
smp_status smp__depth_field(float *depth, uint32_t w, uint32_t h, const smp_dot *dots, size_t n, double px_per_mm,
                            const smp_optics *optics, const float od[3], char *msg);
/* The same, with the halo at full resolution however wide it is when
 * allow_half is false (tests compare the two). */
smp_status smp__depth_field_at(float *depth, uint32_t w, uint32_t h, const smp_dot *dots, size_t n,
                               double px_per_mm, const smp_optics *optics, const float od[3], bool allow_half,
                               char *msg);

#endif
