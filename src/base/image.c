/* SPDX-License-Identifier: BSD-2-Clause */
/* The image handle: allocation within limits, orientation, channel conversion. */
#include "internal.h"
#include "image.h"

#include <stdlib.h>
#include <string.h>

smp_image *smp_image_new(void)
{
    smp_image *img = calloc(1, sizeof *img);
    if (img)
        img->orientation = 1;
    return img;
}

smp_status smp_image_set_progress(smp_image *img, smp_progress_fn fn, void *user)
{
    if (!img)
        return SMP_ERR_ARG;
    img->progress = fn;
    img->progress_user = user;
    return SMP_OK;
}

smp_status smp__image_progress(smp_image *img, double fraction)
{
    if (!img->progress || !img->progress(img->progress_user, fraction))
        return SMP_OK;
    return smp__fail(img->msg, SMP_ERR_CANCELLED, "cancelled while reading");
}

void smp_image_free(smp_image *img)
{
    if (!img)
        return;
    free(img->px);
    free(img->icc);
    free(img);
}

const char *smp_image_message(const smp_image *img) { return img ? img->msg : "no image"; }

smp_status smp__image_reset(smp_image *img, uint32_t w, uint32_t h, int ch, uint64_t max_pixels)
{
    if (ch < 1 || ch > 4)
        return smp__fail(img->msg, SMP_ERR_ARG, "%d channels; 1 to 4 are supported", ch);
    size_t bytes;
    smp_status st = smp__pixel_bytes(img->msg, w, h, ch, max_pixels, &bytes);
    if (st != SMP_OK)
        return st;
    uint8_t *px = calloc(bytes, 1);
    if (!px)
        return smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate %zu bytes for %ux%u pixels",
                         bytes, (unsigned)w, (unsigned)h);
    free(img->px);
    img->px = px;
    img->w = w;
    img->h = h;
    img->ch = ch;
    return SMP_OK;
}

smp_status smp_image_alloc(smp_image *img, uint32_t w, uint32_t h, int ch)
{
    if (!img)
        return SMP_ERR_ARG;
    smp_status st = smp__image_reset(img, w, h, ch, UINT64_MAX);
    if (st == SMP_OK) {
        img->orientation = 1;
        img->format = SMP_FORMAT_NONE;
    }
    return st;
}

void smp__image_blit(smp_image *dst, uint32_t ox, uint32_t oy, const smp_image *src, uint32_t sx, uint32_t sy,
                     uint32_t w, uint32_t h)
{
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *d = dst->px + ((size_t)(oy + y) * dst->w + ox) * 3;
        const uint8_t *s = src->px + ((size_t)(sy + y) * src->w + sx) * src->ch;
        if (src->ch == 3) {
            memcpy(d, s, (size_t)w * 3);
            continue;
        }
        for (uint32_t x = 0; x < w; x++, d += 3, s += src->ch) {
            int grey = src->ch <= 2;
            d[0] = s[0];
            d[1] = s[grey ? 0 : 1];
            d[2] = s[grey ? 0 : 2];
        }
    }
}

smp_status smp_image_crop(smp_image *out, const smp_image *src, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    if (!out)
        return SMP_ERR_ARG;
    if (!src || !src->px || out == src)
        return smp__fail(out->msg, SMP_ERR_ARG, "nothing to crop from");
    if (!w || !h || x > src->w || y > src->h || w > src->w - x || h > src->h - y)
        return smp__fail(out->msg, SMP_ERR_ARG, "a %ux%u crop at (%u, %u) leaves the %ux%u image", (unsigned)w,
                         (unsigned)h, (unsigned)x, (unsigned)y, (unsigned)src->w, (unsigned)src->h);
    smp_status st = smp__image_reset(out, w, h, 3, UINT64_MAX);
    if (st != SMP_OK)
        return st;
    smp__image_blit(out, 0, 0, src, x, y, w, h);
    out->orientation = 1;
    out->format = SMP_FORMAT_NONE;
    return smp_image_set_icc(out, src->icc, src->icc_len);
}

uint32_t smp_image_width(const smp_image *img) { return img ? img->w : 0; }
uint32_t smp_image_height(const smp_image *img) { return img ? img->h : 0; }
int smp_image_channels(const smp_image *img) { return img ? img->ch : 0; }
uint8_t *smp_image_data(smp_image *img) { return img ? img->px : NULL; }
const uint8_t *smp_image_cdata(const smp_image *img) { return img ? img->px : NULL; }
smp_format smp_image_format(const smp_image *img) { return img ? img->format : SMP_FORMAT_NONE; }
smp_status smp_image_set_format(smp_image *img, smp_format format)
{
    if (!img || format < SMP_FORMAT_NONE || format > SMP_FORMAT_HEIF)
        return SMP_ERR_ARG;
    img->format = format;
    return SMP_OK;
}
int smp_image_orientation(const smp_image *img) { return img ? img->orientation : 1; }

const uint8_t *smp_image_icc(const smp_image *img, size_t *size)
{
    if (size)
        *size = img ? img->icc_len : 0;
    return img ? img->icc : NULL;
}

smp_status smp_image_set_icc(smp_image *img, const void *profile, size_t size)
{
    if (!img)
        return SMP_ERR_ARG;
    uint8_t *copy = NULL;
    if (profile && size) {
        copy = malloc(size);
        if (!copy)
            return smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate a %zu-byte ICC profile", size);
        memcpy(copy, profile, size);
    }
    free(img->icc);
    img->icc = copy;
    img->icc_len = copy ? size : 0;
    return SMP_OK;
}

/* EXIF orientation o maps a displayed pixel (x, y) of a dw x dh image to the
 * stored pixel it comes from. Tags 5-8 swap the axes. */
static void source_of(int o, uint32_t x, uint32_t y, uint32_t sw, uint32_t sh, uint32_t *sx,
                      uint32_t *sy)
{
    switch (o) {
    default: *sx = x; *sy = y; break;                       /* 1 */
    case 2: *sx = sw - 1 - x; *sy = y; break;               /* mirror horizontal */
    case 3: *sx = sw - 1 - x; *sy = sh - 1 - y; break;      /* rotate 180 */
    case 4: *sx = x; *sy = sh - 1 - y; break;               /* mirror vertical */
    case 5: *sx = y; *sy = x; break;                        /* transpose */
    case 6: *sx = y; *sy = sh - 1 - x; break;               /* rotate 90 CW to display */
    case 7: *sx = sw - 1 - y; *sy = sh - 1 - x; break;      /* transverse */
    case 8: *sx = sw - 1 - y; *sy = x; break;               /* rotate 90 CCW to display */
    }
}

smp_status smp__image_orient(smp_image *img, int o)
{
    if (o < 2 || o > 8) {
        img->orientation = 1;
        return SMP_OK;
    }
    uint32_t sw = img->w, sh = img->h;
    uint32_t dw = o >= 5 ? sh : sw, dh = o >= 5 ? sw : sh;
    size_t bytes = (size_t)sw * sh * (size_t)img->ch; /* already checked at decode */
    uint8_t *dst = malloc(bytes);
    if (!dst)
        return smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate %zu bytes to rotate the image",
                         bytes);
    const int ch = img->ch;
    for (uint32_t y = 0; y < dh; y++) {
        uint8_t *row = dst + (size_t)y * dw * ch;
        for (uint32_t x = 0; x < dw; x++) {
            uint32_t sx, sy;
            source_of(o, x, y, sw, sh, &sx, &sy);
            memcpy(row + (size_t)x * ch, img->px + ((size_t)sy * sw + sx) * ch, (size_t)ch);
        }
    }
    free(img->px);
    img->px = dst;
    img->w = dw;
    img->h = dh;
    img->orientation = o;
    return SMP_OK;
}

smp_status smp__image_to_rgb(const smp_image *src, smp_image *dst)
{
    smp_status st = smp__image_reset(dst, src->w, src->h, 3, UINT64_MAX);
    if (st != SMP_OK)
        return st;
    size_t n = (size_t)src->w * src->h;
    const uint8_t *s = src->px;
    uint8_t *d = dst->px;
    const int ch = src->ch;
    if (ch == 3) {
        memcpy(d, s, n * 3);
    } else {
        for (size_t i = 0; i < n; i++, s += ch, d += 3) {
            if (ch <= 2) {
                d[0] = d[1] = d[2] = s[0];
            } else {
                d[0] = s[0];
                d[1] = s[1];
                d[2] = s[2];
            }
        }
    }
    dst->orientation = src->orientation;
    dst->format = src->format;
    return smp_image_set_icc(dst, src->icc, src->icc_len);
}

bool smp__icc_fits(const smp_image *img)
{
    if (!img->icc || img->icc_len < 132) /* 128-byte header plus a tag count */
        return false;
    return memcmp(img->icc + 16, img->ch >= 3 ? "RGB " : "GRAY", 4) == 0;
}

smp_status smp__check_photo_box(const smp_image *rgb, const uint32_t box[4], double ppm, const char *what, char *msg)
{
    if (!rgb || !rgb->px || rgb->ch != 3)
        return smp__fail(msg, SMP_ERR_ARG, "%s: the photo must be an 8-bit RGB image", what);
    if (!box)
        return smp__fail(msg, SMP_ERR_ARG, "%s: no box", what);
    if (box[2] == 0 || box[3] == 0 || (uint64_t)box[0] + box[2] > rgb->w || (uint64_t)box[1] + box[3] > rgb->h)
        return smp__fail(msg, SMP_ERR_ARG, "%s: box %ux%u at (%u, %u) is empty or leaves the %ux%u photo", what,
                         box[2], box[3], box[0], box[1], rgb->w, rgb->h);
    if (!(ppm >= 0.5 && ppm <= 1000))
        return smp__fail(msg, SMP_ERR_ARG, "%s: %g px/mm is outside 0.5..1000", what, ppm);
    if (rgb->w > (uint32_t)INT32_MAX / 4 || rgb->h > (uint32_t)INT32_MAX / 4)
        return smp__fail(msg, SMP_ERR_LIMIT, "%s: the photo is too large", what);
    return SMP_OK;
}
