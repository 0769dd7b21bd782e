/* SPDX-License-Identifier: BSD-2-Clause */
/* PNG through libpng. setjmp/longjmp stays inside this file. */
#include "io.h"
#include "image.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h> /* Z_RLE */

typedef struct png_ctx {
    const uint8_t *data;
    size_t size, pos;
    char *msg;
    png_bytep *rows;
    smp_image *img;          /* its progress callback */
    png_uint_32 h;
    volatile int cancelled;
    jmp_buf jb;
} png_ctx;

/* After every row (of every pass when interlaced): the caller's cancellation. */
static void on_row(png_structp png, png_uint_32 row, int pass)
{
    png_ctx *c = png_get_io_ptr(png);
    (void)pass;
    if ((row & 15) == 0 && smp__image_progress(c->img, c->h ? (double)row / c->h : 0) != SMP_OK) {
        c->cancelled = 1;
        longjmp(c->jb, 1);
    }
}

static void on_error(png_structp png, png_const_charp what)
{
    png_ctx *c = png_get_error_ptr(png);
    smp__fail(c->msg, SMP_ERR_FORMAT, "corrupt PNG: %s", what);
    longjmp(c->jb, 1);
}

static void on_warning(png_structp png, png_const_charp what)
{
    (void)png;
    (void)what; /* benign: unknown chunks, sRGB profile quirks */
}

static void read_mem(png_structp png, png_bytep out, png_size_t n)
{
    png_ctx *c = png_get_io_ptr(png);
    if (n > c->size - c->pos)
        png_error(png, "file is truncated");
    memcpy(out, c->data + c->pos, n);
    c->pos += n;
}

/* Bounds on what a small file can make us do: text chunks (zTXt/iTXt
 * bombs) are never needed and skipped unread; other ancillary chunks are
 * few and small; the width and height are checked again after the header. */
static void set_limits(png_structp png)
{
    static const png_byte TEXT[] = "tEXt\0zTXt\0iTXt\0sPLT\0";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, TEXT, 4);
    png_set_chunk_cache_max(png, 128);
    png_set_chunk_malloc_max(png, 16u << 20); /* an ICC profile or EXIF block fits */
    png_set_user_limits(png, 1u << 20, 1u << 20);
}

/* A copy of the eXIf chunk, if any; false when it cannot be allocated
 * (losing it would show the photo unrotated). */
static bool copy_exif(png_structp png, png_infop info, uint8_t **exif, size_t *exif_len)
{
#ifdef PNG_eXIf_SUPPORTED
    png_bytep ex;
    png_uint_32 exn;
    if (png_get_eXIf_1(png, info, &exn, &ex) && exn > 0) {
        *exif = malloc(exn);
        if (!*exif)
            return false;
        memcpy(*exif, ex, exn);
        *exif_len = exn;
    }
#else
    (void)png;
    (void)info;
    (void)exif;
    (void)exif_len;
#endif
    return true;
}

smp_status smp__png_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                           uint8_t **exif, size_t *exif_len)
{
    png_ctx c = {.data = data, .size = size, .msg = img->msg, .img = img};
    *exif = NULL;
    *exif_len = 0;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return smp__fail(img->msg, SMP_ERR_NOMEM, "cannot create a PNG decoder");
    }
    volatile smp_status status = SMP_ERR_FORMAT;
    if (setjmp(c.jb)) {
        free(c.rows);
        free(*exif);
        *exif = NULL;
        *exif_len = 0;
        png_destroy_read_struct(&png, &info, NULL);
        return c.cancelled ? SMP_ERR_CANCELLED : status;
    }
    png_set_read_fn(png, &c, read_mem);
    set_limits(png);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    size_t unused;
    status = smp__pixel_bytes(img->msg, w, h, 4, max_pixels, &unused);
    if (status != SMP_OK)
        longjmp(c.jb, 1);
    status = SMP_ERR_FORMAT;

    png_set_expand(png);     /* palette -> RGB, grey < 8 bit -> 8 bit, tRNS -> alpha */
    png_set_scale_16(png);   /* 16 -> 8 bit with rounding, not truncation */
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int ch = png_get_channels(png, info);

    png_charp name;
    int comp;
    png_bytep prof;
    png_uint_32 plen;
    if (png_get_iCCP(png, info, &name, &comp, &prof, &plen) && plen > 0 &&
        smp_image_set_icc(img, prof, plen) != SMP_OK) {
        status = SMP_ERR_NOMEM;
        longjmp(c.jb, 1);
    }
    if (!copy_exif(png, info, exif, exif_len)) {
        status = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate the EXIF block");
        longjmp(c.jb, 1);
    }

    status = smp__image_reset(img, w, h, ch, max_pixels);
    if (status != SMP_OK)
        longjmp(c.jb, 1);
    status = SMP_ERR_FORMAT;
    c.rows = malloc(sizeof *c.rows * h);
    if (!c.rows) {
        status = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate PNG row pointers");
        longjmp(c.jb, 1);
    }
    for (png_uint_32 y = 0; y < h; y++)
        c.rows[y] = img->px + (size_t)y * w * ch;
    c.h = h;
    png_set_read_status_fn(png, on_row);
    png_read_image(png, c.rows);
    free(c.rows);
    png_destroy_read_struct(&png, &info, NULL);
    img->format = SMP_FORMAT_PNG;
    return SMP_OK;
}

typedef struct png_wctx {
    char *msg;
    jmp_buf jb;
} png_wctx;

static void on_write_error(png_structp png, png_const_charp what)
{
    png_wctx *c = png_get_error_ptr(png);
    smp__fail(c->msg, SMP_ERR_WRITE, "PNG encoder: %s", what);
    longjmp(c->jb, 1);
}

smp_status smp__png_encode(const smp_image *img, void *file, char *msg)
{
    png_wctx c = {.msg = msg};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &c, on_write_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot create a PNG encoder");
    }
    if (setjmp(c.jb)) {
        png_destroy_write_struct(&png, &info);
        return SMP_ERR_WRITE;
    }
    static const int types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    png_init_io(png, file);
    /* Photos compress little beyond level 3; higher levels cost seconds.
     * One filter (Paeth, what the adaptive choice mostly picks on photos)
     * and run-length matching, as sensor noise leaves deflate few longer
     * matches: on the 12 MP crown 2.1 s -> 1.0 s for a file 8 % larger. */
    png_set_compression_level(png, 3);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_PAETH);
    png_set_compression_strategy(png, Z_RLE);
    png_set_IHDR(png, info, img->w, img->h, 8, types[img->ch], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (smp__icc_fits(img))
        png_set_iCCP(png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, img->icc,
                     (png_uint_32)img->icc_len);
    png_write_info(png, info);
    size_t stride = (size_t)img->w * img->ch;
    for (uint32_t y = 0; y < img->h; y++)
        png_write_row(png, img->px + y * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return SMP_OK;
}
