/* SPDX-License-Identifier: BSD-2-Clause */
/* What the studio's step harnesses share (studio_steps, mask_edits,
 * mask_edit_cg): a photo and a mask as binary PNM (no codecs, so they build
 * as WebAssembly too), a disc painted or erased in a mask as a brush does,
 * and a hash of a run's after image and dots to tell two engines' outputs
 * apart. */
#ifndef SMP_BENCH_PNM_H
#define SMP_BENCH_PNM_H

#include "smpsim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void die(const char *what, const char *msg)
{
    fprintf(stderr, "%s: %s\n", what, msg);
    exit(1);
}

/* A binary PNM of the channels asked (P6: 3, P5: 1), 8-bit. */
static inline void read_pnm(smp_image *img, const char *path, int ch)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, "cannot open");
    char magic[3] = {0};
    unsigned w, h, maxv;
    if (fscanf(f, "%2s %u %u %u", magic, &w, &h, &maxv) != 4 || strcmp(magic, ch == 3 ? "P6" : "P5") || maxv != 255)
        die(path, ch == 3 ? "not an 8-bit binary PPM" : "not an 8-bit binary PGM");
    fgetc(f);
    if (smp_image_alloc(img, w, h, ch) != SMP_OK)
        die(path, "out of memory");
    if (fread(smp_image_data(img), (size_t)w * h * ch, 1, f) != 1)
        die(path, "short read");
    fclose(f);
}

/* A disc of radius r at (cx, cy) painted v into a grey mask. */
static inline void paint(smp_image *mask, const uint8_t *from, uint32_t cx, uint32_t cy, uint32_t r, int erase)
{
    uint8_t *m = smp_image_data(mask);
    const uint32_t w = smp_image_width(mask), h = smp_image_height(mask);
    for (uint32_t y = cy > r ? cy - r : 0; y <= cy + r && y < h; y++)
        for (uint32_t x = cx > r ? cx - r : 0; x <= cx + r && x < w; x++)
            if ((double)(x - (double)cx) * (x - (double)cx) + (y - (double)cy) * (y - (double)cy) <= (double)r * r)
                m[(size_t)y * w + x] = erase ? 0 : from[(size_t)y * w + x];
}

/* FNV-1a over n bytes, to tell two engines' outputs apart. */
static inline uint64_t fnv(uint64_t h, const void *d, size_t n)
{
    const uint8_t *b = d;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* The after image's pixels and the dots' fields (not their padding). */
static inline uint64_t result_hash(smp_result *res)
{
    const smp_image *a = smp_result_after(res);
    uint64_t h = fnv(0xcbf29ce484222325ull, smp_image_cdata(a),
                     (size_t)smp_image_width(a) * smp_image_height(a) * smp_image_channels(a));
    size_t n;
    const smp_dot *d = smp_result_dots(res, &n);
    for (size_t i = 0; i < n; i++) {
        h = fnv(h, &d[i].x_mm, 3 * sizeof(double));
        h = fnv(h, &d[i].opacity, sizeof(float));
        h = fnv(h, &d[i].layer, 1);
        h = fnv(h, &d[i].aspect, 3 * sizeof(float));
    }
    return h;
}

#endif
