/* SPDX-License-Identifier: BSD-2-Clause */
/* The tone preview (issue 15): what a caller needs to draw the after
 * image's tone at a viewing scale in milliseconds, for another density,
 * dot size or a nearby mask edit, while the exact image is made. The
 * pigment model's mean: skin under n dots/mm² of one size transmits
 * exp(-n * darkened area) of its diffuse light per channel (optics.h, as
 * match.c predicts the core's tone); the shine stays on top and strands
 * keep their pixels, as render.c draws them. Never an export. */
#include "run.h"
#include "color.h"
#include "params.h"

#include <math.h>
#include <stdlib.h>

/* A box's mean of the shine (as a share of each pixel's least channel,
 * render.c's cap) and of the strands' weight, the skin maps' part of it. */
static void block_skin(const smp_image *photo, const smp_result *parts, float *lev, uint32_t x0, uint32_t x1,
                       uint32_t y0, uint32_t y1, uint8_t out[2])
{
    const uint32_t *b = parts->skin_box;
    const float *lin = smp__srgb_linear_table();
    double shine = 0, strand = 0;
    const uint32_t n = (x1 - x0) * (y1 - y0);
    for (uint32_t y = y0; y < y1; y++) {
        if (y < b[1] || y - b[1] >= b[3])
            continue;
        const uint32_t by = y - b[1];
        const bool have = parts->shine && smp__shine_levels(parts->shine, by, lev);
        const int ch = photo->ch;
        const uint8_t *row = photo->px + (size_t)y * photo->w * (size_t)ch;
        for (uint32_t x = x0; x < x1; x++) {
            if (x < b[0] || x - b[0] >= b[2])
                continue;
            const uint32_t bx = x - b[0];
            const uint8_t *q = row + (size_t)x * (size_t)ch;
            const uint8_t p[3] = {q[0], q[ch >= 3], q[ch >= 3 ? 2 : 0]}; /* grey, RGB or with alpha */
            if (have) {
                float least = lin[p[0]] < lin[p[1]] ? lin[p[0]] : lin[p[1]];
                least = least < lin[p[2]] ? least : lin[p[2]];
                const float s = smp__shine_px(parts->shine, lev, p, bx) * (1.0f / 65535.0f);
                shine += least > 0 ? (s < least ? s / least : 1.0) : 0.0;
            }
            if (parts->strands) {
                const uint8_t v = parts->strands[(size_t)by * b[2] + bx];
                strand += smp__strand_weight(v);
            }
        }
    }
    out[0] = (uint8_t)(255 * shine / n + 0.5);
    out[1] = (uint8_t)(255 * strand / n + 0.5);
}

/* The photo's block under pixel (X, Y) of w x h: columns [b[0], b[1]),
 * rows [b[2], b[3]). */
static void block_at(const smp_image *photo, uint32_t w, uint32_t h, uint32_t X, uint32_t Y, uint32_t b[4])
{
    const double kx = (double)photo->w / w, ky = (double)photo->h / h;
    b[0] = (uint32_t)(X * kx);
    b[1] = X + 1 < w ? (uint32_t)((X + 1) * kx) : photo->w;
    b[2] = (uint32_t)(Y * ky);
    b[3] = Y + 1 < h ? (uint32_t)((Y + 1) * ky) : photo->h;
}

smp_status smp_cache_tone_maps(const smp_cache *c, uint32_t w, uint32_t h, uint8_t *maps)
{
    const smp_image *photo;
    const smp_coverage *shaped, *hair, *edge;
    const smp_result *parts;
    if (!c || !maps || !w || !h || !smp__cache_tone_parts(c, &photo, &shaped, &hair, &edge, &parts))
        return SMP_ERR_ARG;
    if (w > photo->w || h > photo->h)
        return SMP_ERR_ARG;
    float *lev = malloc(((parts->shine ? parts->shine->gw : 0) + 1) * sizeof *lev);
    if (!lev)
        return SMP_ERR_NOMEM;
    for (uint32_t Y = 0; Y < h; Y++) {
        for (uint32_t X = 0; X < w; X++) {
            uint32_t b[4];
            block_at(photo, w, h, X, Y, b);
            const uint32_t x0 = b[0], x1 = b[1], y0 = b[2], y1 = b[3];
            uint8_t *o = maps + 4 * ((size_t)Y * w + X);
            /* The coverages are smooth at a cell's scale: read at the
             * block's centre. */
            const double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
            const double k = smp__coverage_at(shaped, cx, cy), e = smp__coverage_at(edge, cx, cy);
            o[0] = (uint8_t)(k + 0.5);
            o[1] = e > 0.5 ? (uint8_t)(fmin(1.0, smp__coverage_at(hair, cx, cy) / e) * 255 + 0.5) : 255;
            o[2] = o[3] = 0;
            if (k > 0 || e > 0)
                block_skin(photo, parts, lev, x0, x1 > x0 ? x1 : x0 + 1, y0, y1 > y0 ? y1 : y0 + 1, o + 2);
        }
    }
    free(lev);
    return SMP_OK;
}

smp_status smp_cache_tone_cover(const smp_cache *c, const smp_params *p, uint32_t w, uint32_t h, uint8_t *cover)
{
    const smp_image *photo;
    const smp_coverage *shaped;
    if (!c || !p || !cover || !w || !h || !(shaped = smp__cache_shaped_for(c, p, &photo)))
        return SMP_ERR_ARG;
    if (w > photo->w || h > photo->h)
        return SMP_ERR_ARG;
    /* At the block's centre, as smp_cache_tone_maps reads it. */
    for (size_t i = 0, n = (size_t)w * h; i < n; i++) {
        uint32_t b[4];
        block_at(photo, w, h, (uint32_t)(i % w), (uint32_t)(i / w), b);
        cover[i] = (uint8_t)(smp__coverage_at(shaped, 0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3])) + 0.5);
    }
    return SMP_OK;
}

smp_status smp_result_tone_area(const smp_result *res, const smp_params *p, double dot_mm, double area_mm2[3])
{
    /* The sessions are the run's: their shades are in res, their shares in p. */
    if (!res || !p || !area_mm2 || !(dot_mm > 0) || res->n_layers < 1 || res->n_layers > SMP_MAX_LAYERS ||
        p->n_layers != res->n_layers)
        return SMP_ERR_ARG;
    smp_optics o;
    double size, look_load;
    smp__optics_for_look(&o, p->age_years, p->cast, &size, &look_load);
    const int n = res->n_layers, shown = p->show_session > 0 && p->show_session < n ? p->show_session : n;
    area_mm2[0] = area_mm2[1] = area_mm2[2] = 0;
    /* Session k adds its share of the density, in its own shade. */
    for (int k = 1; k <= shown; k++) {
        double a[3];
        const double share = (p->layers[k - 1] - (k > 1 ? p->layers[k - 2] : 0)) / 100.0;
        smp__optics_darkened_area(&res->optics, res->od[k], dot_mm * size, look_load * p->opacity, a);
        for (int c = 0; c < 3; c++)
            area_mm2[c] += share * a[c];
    }
    return SMP_OK;
}
