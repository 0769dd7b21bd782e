/* SPDX-License-Identifier: BSD-2-Clause */
/* HEIC/HEIF (and whatever else libheif's decoders read from an ISO-BMFF
 * image file, such as AVIF) through libheif: the primary image, 8-bit RGB or
 * RGBA, its ICC profile when it has one.
 *
 * Orientation happens exactly once, here: HEIF stores it as irot/imir (and
 * crops as clap) properties, which libheif applies while decoding. The
 * EXIF block a camera also writes into the file is informative only (HEIF,
 * ISO/IEC 23008-12, makes the transform properties normative, and Apple's
 * files carry both), so this adapter never hands it to io.c: applying it as
 * well would turn a portrait photo twice. */
#include "io.h"
#include "image.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libheif/heif.h>

/* libheif is opened on the first ISO-BMFF file, not linked: loading it
 * starts libde265 and its other decoders (about 10 ms of CPU, and seconds
 * under valgrind) in every process, though nearly none reads a HEIC. The
 * names below stand for the pointers, so the code reads as plain libheif. */
#define HEIF_FUNCS(X)                                                                                          \
    X(heif_check_filetype) X(heif_init) X(heif_deinit) X(heif_context_alloc) X(heif_context_free)             \
    X(heif_context_read_from_memory_without_copy) X(heif_context_get_primary_image_handle)                    \
    X(heif_image_handle_get_width) X(heif_image_handle_get_height) X(heif_image_handle_get_ispe_width)        \
    X(heif_image_handle_get_ispe_height) X(heif_image_handle_has_alpha_channel)                               \
    X(heif_image_handle_get_color_profile_type) X(heif_image_handle_get_raw_color_profile_size)               \
    X(heif_image_handle_get_raw_color_profile) X(heif_image_handle_release) X(heif_decoding_options_alloc)    \
    X(heif_decoding_options_free) X(heif_decode_image) X(heif_image_get_width) X(heif_image_get_height)       \
    X(heif_image_get_plane_readonly) X(heif_image_get_bits_per_pixel_range) X(heif_image_release)
#define HEIF_POINTER(f) __typeof__(f) *f;
static struct {
    HEIF_FUNCS(HEIF_POINTER)
} heif;
#undef HEIF_POINTER
static pthread_once_t heif_once = PTHREAD_ONCE_INIT;
static const char *heif_missing; /* why libheif could not be used; NULL once loaded */

static void heif_load(void)
{
    void *lib = dlopen("libheif.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        heif_missing = "libheif (libheif.so.1) is not installed";
        return;
    }
    /* memcpy: ISO C has no conversion from dlsym's void * to a function pointer. */
#define HEIF_RESOLVE(f)                                                                                        \
    {                                                                                                          \
        void *sym = dlsym(lib, #f);                                                                            \
        if (!sym) {                                                                                            \
            heif_missing = "libheif.so.1 lacks " #f;                                                           \
            return;                                                                                            \
        }                                                                                                      \
        memcpy(&heif.f, &sym, sizeof heif.f);                                                                  \
    }
    HEIF_FUNCS(HEIF_RESOLVE)
#undef HEIF_RESOLVE
    /* Never closed: its decoders stay registered for the process's life. */
}

/* True once libheif is there; else msg (may be NULL) says why. */
static bool heif_ready(char *msg)
{
    pthread_once(&heif_once, heif_load);
    if (heif_missing)
        smp__fail(msg, SMP_ERR_FORMAT, "unsupported HEIC/HEIF: %s", heif_missing);
    return !heif_missing;
}

#define HEIF_CALL(f) (heif.f)
#define heif_check_filetype HEIF_CALL(heif_check_filetype)
#define heif_init HEIF_CALL(heif_init)
#define heif_deinit HEIF_CALL(heif_deinit)
#define heif_context_alloc HEIF_CALL(heif_context_alloc)
#define heif_context_free HEIF_CALL(heif_context_free)
#define heif_context_read_from_memory_without_copy HEIF_CALL(heif_context_read_from_memory_without_copy)
#define heif_context_get_primary_image_handle HEIF_CALL(heif_context_get_primary_image_handle)
#define heif_image_handle_get_width HEIF_CALL(heif_image_handle_get_width)
#define heif_image_handle_get_height HEIF_CALL(heif_image_handle_get_height)
#define heif_image_handle_get_ispe_width HEIF_CALL(heif_image_handle_get_ispe_width)
#define heif_image_handle_get_ispe_height HEIF_CALL(heif_image_handle_get_ispe_height)
#define heif_image_handle_has_alpha_channel HEIF_CALL(heif_image_handle_has_alpha_channel)
#define heif_image_handle_get_color_profile_type HEIF_CALL(heif_image_handle_get_color_profile_type)
#define heif_image_handle_get_raw_color_profile_size HEIF_CALL(heif_image_handle_get_raw_color_profile_size)
#define heif_image_handle_get_raw_color_profile HEIF_CALL(heif_image_handle_get_raw_color_profile)
#define heif_image_handle_release HEIF_CALL(heif_image_handle_release)
#define heif_decoding_options_alloc HEIF_CALL(heif_decoding_options_alloc)
#define heif_decoding_options_free HEIF_CALL(heif_decoding_options_free)
#define heif_decode_image HEIF_CALL(heif_decode_image)
#define heif_image_get_width HEIF_CALL(heif_image_get_width)
#define heif_image_get_height HEIF_CALL(heif_image_get_height)
#define heif_image_get_plane_readonly HEIF_CALL(heif_image_get_plane_readonly)
#define heif_image_get_bits_per_pixel_range HEIF_CALL(heif_image_get_bits_per_pixel_range)
#define heif_image_release HEIF_CALL(heif_image_release)

bool smp__heif_sniff(const uint8_t *data, size_t size)
{
    if (size < 12 || memcmp(data + 4, "ftyp", 4) != 0)
        return false;
    /* An ISO-BMFF file without libheif is still one: decoding says why it cannot. */
    if (!heif_ready(NULL))
        return true;
    /* Only the ftyp box is looked at; it sits at the start. */
    int n = size > 4096 ? 4096 : (int)size;
    return heif_check_filetype(data, n) != heif_filetype_no;
}

static smp_status heif_fail(char *msg, struct heif_error e, const char *what)
{
    smp_status st = e.code == heif_error_Memory_allocation_error ? SMP_ERR_NOMEM : SMP_ERR_FORMAT;
    const char *kind = e.code == heif_error_Unsupported_filetype || e.code == heif_error_Unsupported_feature
                           ? "unsupported HEIC/HEIF"
                           : "corrupt HEIC/HEIF";
    return smp__fail(msg, st, "%s: %s%s%s", kind, what, e.message && *e.message ? ": " : "",
                     e.message ? e.message : "");
}

/* Checks w x h against the pixel limit, as the other decoders do before
 * allocating: the coded image (ispe, before a crop or rotation) and the
 * displayed one. */
static smp_status check_size(char *msg, const struct heif_image_handle *h, uint64_t max_pixels)
{
    int w = heif_image_handle_get_width(h), hh = heif_image_handle_get_height(h);
    int iw = heif_image_handle_get_ispe_width(h), ih = heif_image_handle_get_ispe_height(h);
    if (w <= 0 || hh <= 0)
        return smp__fail(msg, SMP_ERR_FORMAT, "corrupt HEIF: image has no size");
    size_t unused;
    smp_status st = smp__pixel_bytes(msg, (uint64_t)w, (uint64_t)hh, 4, max_pixels, &unused);
    if (st == SMP_OK && iw > 0 && ih > 0)
        st = smp__pixel_bytes(msg, (uint64_t)iw, (uint64_t)ih, 4, max_pixels, &unused);
    return st;
}

static smp_status copy_pixels(smp_image *img, const struct heif_image *him, int ch, uint64_t max_pixels)
{
    int w = heif_image_get_width(him, heif_channel_interleaved);
    int h = heif_image_get_height(him, heif_channel_interleaved);
    int stride = 0;
    const uint8_t *src = heif_image_get_plane_readonly(him, heif_channel_interleaved, &stride);
    if (!src || w <= 0 || h <= 0 || stride <= 0 ||
        heif_image_get_bits_per_pixel_range(him, heif_channel_interleaved) != 8)
        return smp__fail(img->msg, SMP_ERR_FORMAT, "corrupt HEIF: the decoder returned no 8-bit RGB image");
    size_t row = (size_t)w * (size_t)ch;
    if ((size_t)stride < row)
        return smp__fail(img->msg, SMP_ERR_FORMAT, "corrupt HEIF: the decoder's rows are too short");
    smp_status st = smp__image_reset(img, (uint32_t)w, (uint32_t)h, ch, max_pixels);
    if (st != SMP_OK)
        return st;
    for (int y = 0; y < h; y++)
        memcpy(img->px + (size_t)y * row, src + (size_t)y * (size_t)stride, row);
    return SMP_OK;
}

static smp_status copy_icc(smp_image *img, const struct heif_image_handle *h)
{
    enum heif_color_profile_type t = heif_image_handle_get_color_profile_type(h);
    if (t != heif_color_profile_type_prof && t != heif_color_profile_type_rICC)
        return SMP_OK; /* none, or nclx: code points, not an ICC profile */
    size_t n = heif_image_handle_get_raw_color_profile_size(h);
    if (n == 0)
        return SMP_OK;
    uint8_t *p = malloc(n);
    if (!p)
        return smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate %zu bytes for the ICC profile", n);
    struct heif_error e = heif_image_handle_get_raw_color_profile(h, p);
    smp_status st = e.code == heif_error_Ok ? smp_image_set_icc(img, p, n) : SMP_OK;
    free(p);
    return st;
}

smp_status smp__heif_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint8_t **exif, size_t *exif_len)
{
    *exif = NULL; /* see the top of this file */
    *exif_len = 0;
    if (!heif_ready(img->msg))
        return SMP_ERR_FORMAT;
    struct heif_error e = heif_init(NULL);
    if (e.code != heif_error_Ok)
        return heif_fail(img->msg, e, "cannot start libheif");
    smp_status st = SMP_OK;
    struct heif_context *ctx = heif_context_alloc();
    struct heif_image_handle *handle = NULL;
    struct heif_decoding_options *opt = NULL;
    struct heif_image *him = NULL;
    if (!ctx) {
        st = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot create a HEIF decoder");
        goto done;
    }
    e = heif_context_read_from_memory_without_copy(ctx, data, size, NULL);
    if (e.code != heif_error_Ok) {
        st = heif_fail(img->msg, e, "cannot read the file");
        goto done;
    }
    e = heif_context_get_primary_image_handle(ctx, &handle);
    if (e.code != heif_error_Ok) {
        st = heif_fail(img->msg, e, "no primary image");
        goto done;
    }
    st = check_size(img->msg, handle, max_pixels);
    if (st != SMP_OK)
        goto done;
    opt = heif_decoding_options_alloc();
    if (!opt) {
        st = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot create HEIF decoding options");
        goto done;
    }
    opt->ignore_transformations = 0; /* irot/imir/clap applied by libheif, once */
    opt->convert_hdr_to_8bit = 1;    /* 10-bit HEIC from newer phones */
    const int alpha = heif_image_handle_has_alpha_channel(handle) != 0;
    e = heif_decode_image(handle, &him, heif_colorspace_RGB,
                          alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, opt);
    if (e.code != heif_error_Ok) {
        st = heif_fail(img->msg, e, "cannot decode the image");
        goto done;
    }
    st = copy_pixels(img, him, alpha ? 4 : 3, max_pixels);
    if (st == SMP_OK)
        st = copy_icc(img, handle);
    if (st == SMP_OK)
        img->format = SMP_FORMAT_HEIF;
done:
    heif_image_release(him);
    heif_decoding_options_free(opt);
    heif_image_handle_release(handle);
    heif_context_free(ctx);
    heif_deinit();
    return st;
}
