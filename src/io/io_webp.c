/* SPDX-License-Identifier: BSD-2-Clause */
/* WebP through libwebp: the still image (lossy or lossless, with or without
 * alpha), its ICCP and EXIF chunks read through the demuxer. Orientation is
 * applied by io.c from the EXIF block, as for JPEG. Animated files are
 * refused: phones write stills, and a first frame would silently drop the
 * rest. */
#include "io.h"
#include "image.h"

#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>

static const char *vp8_status(VP8StatusCode s)
{
    switch (s) {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "file is truncated";
    default: return "unknown error";
    }
}

/* Copies a chunk's payload (the first of its kind) into a new buffer. */
static smp_status grab_chunk(WebPDemuxer *dmx, const char *fourcc, uint8_t **out, size_t *len, char *msg)
{
    WebPChunkIterator it;
    *out = NULL;
    *len = 0;
    if (!WebPDemuxGetChunk(dmx, fourcc, 1, &it))
        return SMP_OK;
    smp_status st = SMP_OK;
    const uint8_t *p = it.chunk.bytes;
    size_t n = it.chunk.size;
    /* The EXIF chunk holds a TIFF block; some writers keep JPEG's prefix. */
    if (!strcmp(fourcc, "EXIF") && n >= 6 && !memcmp(p, "Exif\0\0", 6)) {
        p += 6;
        n -= 6;
    }
    if (n > 0) {
        *out = malloc(n);
        if (*out) {
            memcpy(*out, p, n);
            *len = n;
        } else {
            st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate %zu bytes for a WebP %s chunk", n, fourcc);
        }
    }
    WebPDemuxReleaseChunkIterator(&it);
    return st;
}

smp_status smp__webp_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint8_t **exif, size_t *exif_len)
{
    *exif = NULL;
    *exif_len = 0;
    WebPBitstreamFeatures f;
    VP8StatusCode vs = WebPGetFeatures(data, size, &f);
    if (vs != VP8_STATUS_OK)
        return smp__fail(img->msg, SMP_ERR_FORMAT, "corrupt WebP: %s", vp8_status(vs));
    if (f.has_animation)
        return smp__fail(img->msg, SMP_ERR_FORMAT, "is an animated WebP; only still images are supported");
    if (f.width <= 0 || f.height <= 0)
        return smp__fail(img->msg, SMP_ERR_FORMAT, "corrupt WebP: no image size");
    size_t unused;
    smp_status st = smp__pixel_bytes(img->msg, (uint64_t)f.width, (uint64_t)f.height, 4, max_pixels, &unused);
    if (st != SMP_OK)
        return st;

    WebPData wd = {data, size};
    WebPDemuxer *dmx = WebPDemux(&wd);
    uint8_t *icc = NULL;
    size_t icc_len = 0;
    if (dmx) { /* a file the demuxer cannot parse still decodes; it just has no metadata */
        st = grab_chunk(dmx, "ICCP", &icc, &icc_len, img->msg);
        if (st == SMP_OK)
            st = grab_chunk(dmx, "EXIF", exif, exif_len, img->msg);
        WebPDemuxDelete(dmx);
    }
    const int ch = f.has_alpha ? 4 : 3;
    if (st == SMP_OK)
        st = smp__image_reset(img, (uint32_t)f.width, (uint32_t)f.height, ch, max_pixels);
    if (st == SMP_OK) {
        size_t stride = (size_t)f.width * (size_t)ch, total = stride * (size_t)f.height;
        uint8_t *ok = ch == 4 ? WebPDecodeRGBAInto(data, size, img->px, total, (int)stride)
                              : WebPDecodeRGBInto(data, size, img->px, total, (int)stride);
        if (!ok)
            st = smp__fail(img->msg, SMP_ERR_FORMAT, "corrupt WebP: the image data does not decode");
    }
    if (st == SMP_OK && icc)
        st = smp_image_set_icc(img, icc, icc_len);
    free(icc);
    if (st != SMP_OK) {
        free(*exif);
        *exif = NULL;
        *exif_len = 0;
        return st;
    }
    img->format = SMP_FORMAT_WEBP;
    return SMP_OK;
}
