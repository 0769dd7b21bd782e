/* SPDX-License-Identifier: BSD-2-Clause */
/* The image handle and its helpers (image.c). */
#ifndef SMP_IMAGE_H
#define SMP_IMAGE_H

#include "internal.h"

struct smp_image {
    uint32_t w, h;
    int ch;
    uint8_t *px;
    uint8_t *icc;
    size_t icc_len;
    int orientation;
    smp_format format;
    smp_progress_fn progress; /* reading's progress and cancellation */
    void *progress_user;
    char msg[SMP_MSG_LEN];
};
/* Reading's progress callback: SMP_ERR_CANCELLED (message set) when it asks
 * to stop, else SMP_OK. */
smp_status smp__image_progress(smp_image *img, double fraction);

/* Checks a photo (RGB 8-bit), a box {x0, y0, w, h} inside it and a scale
 * for an analysis named what; the message says what is wrong. */
smp_status smp__check_photo_box(const smp_image *rgb, const uint32_t box[4], double px_per_mm, const char *what,
                                char *msg);

/* Replaces img's pixels by a new zeroed buffer; keeps its ICC profile. */
smp_status smp__image_reset(smp_image *img, uint32_t w, uint32_t h, int ch, uint64_t max_pixels);

/* Rotates/flips img so that it shows as a viewer would display it. */
smp_status smp__image_orient(smp_image *img, int orientation);

/* True when img's ICC profile describes its channels (an RGB profile on RGB,
 * a grey one on grey), so an encoder may embed it. */
bool smp__icc_fits(const smp_image *img);

/* Copies the w x h block of src at (sx, sy) into the RGB image dst at
 * (ox, oy), grey expanded and alpha dropped; both blocks must fit. */
void smp__image_blit(smp_image *dst, uint32_t ox, uint32_t oy, const smp_image *src, uint32_t sx, uint32_t sy,
                     uint32_t w, uint32_t h);
/* Copy of the pixels converted to 3-channel RGB (alpha dropped). */
smp_status smp__image_to_rgb(const smp_image *src, smp_image *dst);

#endif
