/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helpers: craft PNG and JPEG variants directly with libpng and
 * libjpeg (independently of smpsim's own encoders), and scratch folders. */
#ifndef SMP_TESTUTIL_H
#define SMP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <jpeglib.h>
#include <png.h>
#include <unistd.h>

#include "smpsim.h"

typedef struct buf {
    uint8_t *p;
    size_t n;
} buf;

static inline void buf_append(buf *b, const void *d, size_t n)
{
    b->p = realloc(b->p, b->n + n);
    assert_non_null(b->p);
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static inline void png_to_buf(png_structp png, png_bytep d, png_size_t n)
{
    buf_append(png_get_io_ptr(png), d, n);
}

static inline void png_flush_nop(png_structp png) { (void)png; }

typedef struct png_opts {
    int bit_depth, color_type, interlace;
    const uint8_t *palette_rgb; /* n_palette entries */
    int n_palette;
    const uint8_t *trns;
    int n_trns;
    const uint8_t *icc;
    size_t icc_len;
    const uint8_t *exif;
    size_t exif_len;
} png_opts;

/* Encodes rows of raw samples (big-endian for 16 bit, packed for < 8 bit). */
static inline buf make_png(uint32_t w, uint32_t h, const uint8_t *raw, size_t row_bytes, png_opts o)
{
    buf b = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng failed while crafting a test PNG");
    png_set_write_fn(png, &b, png_to_buf, png_flush_nop);
    png_set_IHDR(png, info, w, h, o.bit_depth, o.color_type, o.interlace, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (o.palette_rgb) {
        png_color pal[256];
        for (int i = 0; i < o.n_palette; i++)
            pal[i] = (png_color){o.palette_rgb[3 * i], o.palette_rgb[3 * i + 1], o.palette_rgb[3 * i + 2]};
        png_set_PLTE(png, info, pal, o.n_palette);
    }
    if (o.trns)
        png_set_tRNS(png, info, o.trns, o.n_trns, NULL);
    if (o.icc)
        png_set_iCCP(png, info, "test", 0, o.icc, (png_uint_32)o.icc_len);
    if (o.exif)
        png_set_eXIf_1(png, info, (png_uint_32)o.exif_len, (png_bytep)o.exif);
    png_bytep *rows = malloc(h * sizeof *rows);
    for (uint32_t y = 0; y < h; y++)
        rows[y] = (png_bytep)raw + y * row_bytes;
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return b;
}

typedef struct jpeg_opts {
    int quality;
    int progressive;
    J_COLOR_SPACE in_space; /* JCS_RGB, JCS_GRAYSCALE or JCS_CMYK */
    int components;
    const uint8_t *exif; /* TIFF block; "Exif\0\0" is prepended */
    size_t exif_len;
    const uint8_t *icc;
    size_t icc_len;
    int adobe; /* write an Adobe marker (inverted CMYK) */
} jpeg_opts;

static inline buf make_jpeg(uint32_t w, uint32_t h, const uint8_t *raw, jpeg_opts o)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *mem = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &mem, &size);
    c.image_width = w;
    c.image_height = h;
    c.input_components = o.components;
    c.in_color_space = o.in_space;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, o.quality ? o.quality : 95, TRUE);
    if (o.in_space == JCS_CMYK) {
        jpeg_set_colorspace(&c, JCS_CMYK);
        c.write_Adobe_marker = o.adobe ? TRUE : FALSE;
    }
    for (int i = 0; i < c.num_components; i++)
        c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
    if (o.progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    if (o.exif) {
        uint8_t *m = malloc(o.exif_len + 6);
        memcpy(m, "Exif\0\0", 6);
        memcpy(m + 6, o.exif, o.exif_len);
        jpeg_write_marker(&c, JPEG_APP0 + 1, m, (unsigned)(o.exif_len + 6));
        free(m);
    }
    if (o.icc)
        jpeg_write_icc_profile(&c, o.icc, (unsigned)o.icc_len);
    while (c.next_scanline < h) {
        JSAMPROW r = (JSAMPROW)(raw + (size_t)c.next_scanline * w * o.components);
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    buf b = {0};
    buf_append(&b, mem, size);
    free(mem);
    return b;
}

/* A small well-formed ICC profile for colour space "RGB " or "GRAY": the
 * header and one tag of incompressible bytes (libpng 1.6 refuses a
 * profile whose whole zlib stream fits in the chunk's first 81 bytes). */
#define TEST_ICC_LEN 560
static inline void make_icc(uint8_t out[TEST_ICC_LEN], const char *space)
{
    memset(out, 0, TEST_ICC_LEN);
    out[2] = TEST_ICC_LEN >> 8;        /* size, big-endian */
    out[3] = TEST_ICC_LEN & 0xff;
    out[131] = 1;                      /* tag count */
    memcpy(out + 132, "cprt", 4);
    out[139] = 144;                    /* tag offset */
    out[142] = (TEST_ICC_LEN - 144) >> 8; /* tag size */
    out[143] = (TEST_ICC_LEN - 144) & 0xff;
    memcpy(out + 144, "text\0\0\0\0", 8);
    uint32_t z = 12345;
    for (int i = 152; i < TEST_ICC_LEN; i++) {
        z = z * 1103515245u + 12345u;
        out[i] = (uint8_t)(z >> 24);
    }
    memcpy(out + 12, "mntr", 4);       /* device class */
    memcpy(out + 16, space, 4);
    memcpy(out + 20, "XYZ ", 4);       /* PCS */
    out[8] = 2;                        /* version 2.1 */
    out[9] = 0x10;
    memcpy(out + 36, "acsp", 4);
    const uint8_t d50[12] = {0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D};
    memcpy(out + 68, d50, 12);
}

static inline void put16(uint8_t *p, int le, unsigned v)
{
    p[le ? 0 : 1] = (uint8_t)v;
    p[le ? 1 : 0] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, int le, uint32_t v)
{
    put16(p + (le ? 0 : 2), le, v & 0xffff);
    put16(p + (le ? 2 : 0), le, v >> 16);
}

/* A TIFF block holding IFD0 with an unrelated entry, then Orientation
 * (type SHORT), at ifd_offset (8 for a valid block). */
static inline size_t make_exif(uint8_t out[64], int le, unsigned orientation, uint32_t ifd_offset)
{
    memset(out, 0, 64);
    out[0] = out[1] = le ? 'I' : 'M';
    put16(out + 2, le, 42);
    put32(out + 4, le, ifd_offset);
    put16(out + 8, le, 2);
    put16(out + 10, le, 0x010F); /* Make, ASCII, 1 byte */
    put16(out + 12, le, 2);
    put32(out + 14, le, 1);
    put16(out + 22, le, 0x0112);
    put16(out + 24, le, 3);
    put32(out + 26, le, 1);
    put16(out + 30, le, orientation);
    return 40;
}

static inline void write_file(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* A file's bytes, NUL-terminated (len without the NUL); free() them. */
static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*len + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *len, f), *len);
    b[*len] = 0;
    fclose(f);
    return b;
}

/* A fresh scratch folder under TMPDIR; removed by rm_tree. */
static inline char *scratch_dir(void)
{
    const char *t = getenv("TMPDIR");
    char *p = malloc(512);
    snprintf(p, 512, "%s/smpsim-test-XXXXXX", t && *t ? t : "/tmp");
    assert_non_null(mkdtemp(p));
    return p;
}

static inline int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static inline void rm_tree(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* A photo-like test image: smooth gradients plus a hashed texture. */
static inline void fill_photo(smp_image *img, uint32_t seed)
{
    uint8_t *p = smp_image_data(img);
    uint32_t w = smp_image_width(img), h = smp_image_height(img);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint32_t z = (x * 73856093u) ^ (y * 19349663u) ^ seed;
            z = (z ^ (z >> 13)) * 0x5bd1e995u;
            uint8_t *q = p + ((size_t)y * w + x) * 3;
            q[0] = (uint8_t)(150 + (x * 60) / w + (z & 7));
            q[1] = (uint8_t)(110 + (y * 50) / h + ((z >> 3) & 7));
            q[2] = (uint8_t)(90 + ((z >> 6) & 15));
        }
}

static inline smp_image *photo_of(uint32_t w, uint32_t h)
{
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, w, h, 3), SMP_OK);
    fill_photo(img, w * 31 + h);
    return img;
}

/* A grey mask, value v inside [x0,x1) x [y0,y1), 0 elsewhere. */
static inline smp_image *rect_mask(uint32_t w, uint32_t h, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
                            uint8_t v)
{
    smp_image *m = smp_image_new();
    assert_int_equal(smp_image_alloc(m, w, h, 1), SMP_OK);
    uint8_t *p = smp_image_data(m);
    for (uint32_t y = y0; y < y1; y++)
        memset(p + (size_t)y * w + x0, v, x1 - x0);
    return m;
}

#endif
