/* SPDX-License-Identifier: BSD-2-Clause */
/* JPEG through libjpeg-turbo. setjmp/longjmp stays inside this file. */
#include "io.h"
#include "image.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* Progressive JPEGs have about ten scans; thousands of empty ones only cost
 * time (libjpeg-turbo's djpeg -maxscans uses the same monitor). */
enum { MAX_SCANS = 100 };

typedef struct jerr {
    struct jpeg_error_mgr pub;
    smp_image *img; /* decoding: its progress callback */
    char *msg;
    smp_status status;
    int truncated;
    jmp_buf jb;
} jerr;

static void on_error(j_common_ptr cinfo)
{
    jerr *e = (jerr *)cinfo->err;
    char buf[JMSG_LENGTH_MAX];
    e->pub.format_message(cinfo, buf);
    smp__fail(e->msg, e->status, "%s JPEG: %s", e->status == SMP_ERR_WRITE ? "cannot write" : "corrupt",
              buf);
    longjmp(e->jb, 1);
}

/* Warnings are not printed; a truncated file is remembered and refused. */
static void on_message(j_common_ptr cinfo, int level)
{
    jerr *e = (jerr *)cinfo->err;
    if (level < 0 && e->pub.msg_code == JWRN_JPEG_EOF)
        e->truncated = 1;
}

static jerr *init_err(jerr *e, char *msg, smp_status status)
{
    jpeg_std_error(&e->pub);
    e->pub.error_exit = on_error;
    e->pub.emit_message = on_message;
    e->img = NULL;
    e->msg = msg;
    e->status = status;
    e->truncated = 0;
    return e;
}

/* libjpeg's progress monitor, called for every row of blocks read and
 * every call for rows: the scan limit, and the caller's cancellation
 * (through the error manager's longjmp). */
static void monitor(j_common_ptr cinfo)
{
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    jerr *e = (jerr *)cinfo->err;
    if (d->is_decompressor && d->input_scan_number > MAX_SCANS) {
        e->status = smp__fail(e->msg, SMP_ERR_LIMIT, "JPEG has more than %d scans; refused as a decoding bomb",
                              MAX_SCANS);
        longjmp(e->jb, 1);
    }
    const struct jpeg_progress_mgr *p = cinfo->progress;
    const double passes = p->total_passes > 0 ? p->total_passes : 1;
    const double within = p->pass_limit > 0 ? (double)p->pass_counter / (double)p->pass_limit : 0;
    if (e->img && smp__image_progress(e->img, fmin((p->completed_passes + within) / passes, 1.0)) != SMP_OK) {
        e->status = SMP_ERR_CANCELLED;
        longjmp(e->jb, 1);
    }
}

/* Adobe CMYK JPEGs store inverted ink values; plain ones do not. */
static void cmyk_to_rgb(const uint8_t *in, uint8_t *out, uint32_t w, int inverted)
{
    for (uint32_t x = 0; x < w; x++, in += 4, out += 3) {
        unsigned c = in[0], m = in[1], y = in[2], k = in[3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        out[0] = (uint8_t)((c * k + 127) / 255);
        out[1] = (uint8_t)((m * k + 127) / 255);
        out[2] = (uint8_t)((y * k + 127) / 255);
    }
}

/* A copy of the EXIF block, if any; false when it cannot be allocated
 * (losing it would show the photo unrotated). */
static bool grab_exif(j_decompress_ptr d, uint8_t **exif, size_t *exif_len)
{
    for (jpeg_saved_marker_ptr m = d->marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1 || m->data_length < 14 || memcmp(m->data, "Exif\0\0", 6) != 0)
            continue;
        size_t n = m->data_length - 6;
        *exif = malloc(n);
        if (!*exif)
            return false;
        memcpy(*exif, m->data + 6, n);
        *exif_len = n;
        return true;
    }
    return true;
}

/* Sets the output colour space: grey stays grey, CMYK and YCCK come out
 * as CMYK for cmyk_to_rgb, the rest as RGB; *ch the image's channels.
 * Returns whether the output is CMYK. */
static int output_space(struct jpeg_decompress_struct *d, int *ch)
{
    switch (d->jpeg_color_space) {
    case JCS_GRAYSCALE: d->out_color_space = JCS_GRAYSCALE; *ch = 1; return 0;
    case JCS_CMYK:
    case JCS_YCCK: d->out_color_space = JCS_CMYK; *ch = 3; return 1;
    default: d->out_color_space = JCS_RGB; *ch = 3; return 0;
    }
}

/* Keeps the embedded ICC profile in img; a CMYK profile does not describe
 * the RGB we convert to. Out of memory jumps out with SMP_ERR_NOMEM. */
static void read_icc(struct jpeg_decompress_struct *d, jerr *e, smp_image *img, int cmyk)
{
    JOCTET *icc = NULL;
    unsigned int icc_len = 0;
    if (jpeg_read_icc_profile(d, &icc, &icc_len) && icc_len > 0) {
        smp_status st = cmyk ? SMP_OK : smp_image_set_icc(img, icc, icc_len);
        free(icc);
        if (st != SMP_OK) {
            e->status = SMP_ERR_NOMEM;
            longjmp(e->jb, 1);
        }
    }
}

smp_status smp__jpeg_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint8_t **exif, size_t *exif_len)
{
    struct jpeg_decompress_struct d;
    jerr e;
    uint8_t *volatile row = NULL;
    *exif = NULL;
    *exif_len = 0;
    if (size > (unsigned long)-1)
        return smp__fail(img->msg, SMP_ERR_LIMIT, "JPEG file of %zu bytes is too large", size);
    d.err = &init_err(&e, img->msg, SMP_ERR_FORMAT)->pub;
    e.img = img;
    if (setjmp(e.jb)) {
        free(row);
        free(*exif);
        *exif = NULL;
        *exif_len = 0;
        jpeg_destroy_decompress(&d);
        return e.status;
    }
    jpeg_create_decompress(&d);
    struct jpeg_progress_mgr progress = {.progress_monitor = monitor};
    d.progress = &progress;
    jpeg_mem_src(&d, data, (unsigned long)size);
    jpeg_save_markers(&d, JPEG_APP0 + 1, 0xffff);
    jpeg_save_markers(&d, JPEG_APP0 + 2, 0xffff);
    jpeg_read_header(&d, TRUE);

    size_t unused;
    e.status = smp__pixel_bytes(img->msg, d.image_width, d.image_height, 4, max_pixels, &unused);
    if (e.status != SMP_OK)
        longjmp(e.jb, 1);

    int ch;
    const int cmyk = output_space(&d, &ch);
    read_icc(&d, &e, img, cmyk);
    if (!grab_exif(&d, exif, exif_len)) {
        e.status = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate the EXIF block");
        longjmp(e.jb, 1);
    }

    jpeg_start_decompress(&d);
    e.status = smp__image_reset(img, d.output_width, d.output_height, ch, max_pixels);
    if (e.status != SMP_OK)
        longjmp(e.jb, 1);
    e.status = SMP_ERR_FORMAT;
    if (cmyk) {
        row = malloc((size_t)d.output_width * 4);
        if (!row) {
            e.status = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate a CMYK row");
            longjmp(e.jb, 1);
        }
    }
    size_t stride = (size_t)d.output_width * ch;
    while (d.output_scanline < d.output_height) {
        uint8_t *dst = img->px + d.output_scanline * stride;
        JSAMPROW r = cmyk ? row : dst;
        if (jpeg_read_scanlines(&d, &r, 1) != 1)
            break;
        if (cmyk)
            cmyk_to_rgb(row, dst, d.output_width, d.saw_Adobe_marker);
    }
    if (e.truncated) {
        e.status = smp__fail(img->msg, SMP_ERR_FORMAT, "corrupt JPEG: file is truncated");
        longjmp(e.jb, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    free(row);
    img->format = SMP_FORMAT_JPEG;
    return SMP_OK;
}

smp_status smp__jpeg_encode(const smp_image *img, void *file, int quality, char *msg)
{
    struct jpeg_compress_struct c;
    jerr e;
    uint8_t *volatile rgb = NULL;
    if (img->ch == 2 || img->ch == 4) { /* alpha is dropped row by row */
        rgb = malloc((size_t)img->w * 3);
        if (!rgb)
            return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate a JPEG row");
    }
    c.err = &init_err(&e, msg, SMP_ERR_WRITE)->pub;
    if (setjmp(e.jb)) {
        jpeg_destroy_compress(&c);
        free(rgb);
        return SMP_ERR_WRITE;
    }
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, file);
    c.image_width = img->w;
    c.image_height = img->h;
    c.input_components = img->ch >= 3 ? 3 : 1;
    c.in_color_space = img->ch >= 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    /* 4:4:4: healed dots are 1-2 px wide and chroma subsampling smears them. */
    for (int i = 0; i < c.num_components; i++)
        c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
    jpeg_start_compress(&c, TRUE);
    if (smp__icc_fits(img) && img->icc_len <= 0xffffffffu)
        jpeg_write_icc_profile(&c, img->icc, (unsigned int)img->icc_len);
    size_t stride = (size_t)img->w * img->ch;
    while (c.next_scanline < c.image_height) {
        const uint8_t *src = img->px + c.next_scanline * stride;
        if (rgb) {
            int in = img->ch, out = c.input_components;
            for (uint32_t x = 0; x < img->w; x++)
                memcpy(rgb + (size_t)x * out, src + (size_t)x * in, (size_t)out);
            src = rgb;
        }
        JSAMPROW r = (JSAMPROW)src;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(rgb);
    return SMP_OK;
}
