/* SPDX-License-Identifier: BSD-2-Clause */
/* Codecs: PNG and JPEG variants decode to the right pixels, sniffing by
 * content, pixel limits before allocation, ICC carried through, atomic and
 * non-clobbering writes. */
#include "testutil.h"

#include <sys/stat.h>

static smp_image *decode(const buf *b, smp_status want)
{
    smp_image *img = smp_image_new();
    assert_non_null(img);
    smp_status st = smp_image_read_memory(img, b->p, b->n, 0);
    if (st != want)
        fail_msg("status %d (%s), wanted %d", st, smp_image_message(img), want);
    return img;
}

static void test_png_rgb8(void **state)
{
    (void)state;
    uint8_t raw[4 * 3 * 3];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i * 7);
    buf b = make_png(4, 3, raw, 12, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .interlace = PNG_INTERLACE_NONE});
    smp_image *img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 3);
    assert_memory_equal(smp_image_cdata(img), raw, sizeof raw);
    assert_int_equal(smp_image_format(img), SMP_FORMAT_PNG);
    smp_image_free(img);
    free(b.p);
}

static void test_png_grey_alpha_rgba(void **state)
{
    (void)state;
    uint8_t ga[2 * 2 * 2] = {10, 255, 20, 128, 30, 0, 40, 255};
    buf b = make_png(2, 2, ga, 4, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY_ALPHA, .interlace = 0});
    smp_image *img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 2);
    assert_memory_equal(smp_image_cdata(img), ga, sizeof ga);
    smp_image_free(img);
    free(b.p);

    uint8_t grey[3] = {0, 128, 255};
    b = make_png(3, 1, grey, 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY, .interlace = 0});
    img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 1);
    assert_memory_equal(smp_image_cdata(img), grey, 3);
    smp_image_free(img);
    free(b.p);

    uint8_t rgba[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    b = make_png(2, 1, rgba, 8, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .interlace = 0});
    img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 4);
    assert_memory_equal(smp_image_cdata(img), rgba, 8);
    smp_image_free(img);
    free(b.p);
}

static void test_png_16bit_scaled_with_rounding(void **state)
{
    (void)state;
    /* 16-bit big-endian samples: 0x0000, 0xFFFF, 0x8080 (exactly 128), 0x807F */
    uint8_t raw[8] = {0x00, 0x00, 0xFF, 0xFF, 0x80, 0x80, 0x80, 0x7F};
    buf b = make_png(4, 1, raw, 8, (png_opts){.bit_depth = 16, .color_type = PNG_COLOR_TYPE_GRAY, .interlace = 0});
    smp_image *img = decode(&b, SMP_OK);
    const uint8_t *p = smp_image_cdata(img);
    assert_int_equal(smp_image_channels(img), 1);
    assert_int_equal(p[0], 0);
    assert_int_equal(p[1], 255);
    assert_int_equal(p[2], 128);
    assert_int_equal(p[3], 128); /* 0x807F / 257 = 127.99: rounds, not truncates */
    smp_image_free(img);
    free(b.p);
}

static void test_png_palette_and_transparency(void **state)
{
    (void)state;
    const uint8_t pal[9] = {255, 0, 0, 0, 255, 0, 0, 0, 255};
    const uint8_t trns[3] = {255, 0, 255};
    uint8_t idx[3] = {0, 1, 2};
    buf b = make_png(3, 1, idx, 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_PALETTE, .palette_rgb = pal, .n_palette = 3});
    smp_image *img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 3);
    const uint8_t want[9] = {255, 0, 0, 0, 255, 0, 0, 0, 255};
    assert_memory_equal(smp_image_cdata(img), want, 9);
    smp_image_free(img);
    free(b.p);

    b = make_png(3, 1, idx, 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_PALETTE, .palette_rgb = pal, .n_palette = 3, .trns = trns, .n_trns = 3});
    img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 4);
    assert_int_equal(smp_image_cdata(img)[7], 0); /* second entry fully transparent */
    smp_image_free(img);
    free(b.p);

    /* 1-bit grey expands to 0/255 */
    uint8_t bits[1] = {0xA0}; /* 1 0 1 0 */
    b = make_png(4, 1, bits, 1, (png_opts){.bit_depth = 1, .color_type = PNG_COLOR_TYPE_GRAY, .interlace = 0});
    img = decode(&b, SMP_OK);
    const uint8_t want1[4] = {255, 0, 255, 0};
    assert_memory_equal(smp_image_cdata(img), want1, 4);
    smp_image_free(img);
    free(b.p);
}

static void test_png_interlaced(void **state)
{
    (void)state;
    enum { W = 13, H = 11 };
    uint8_t raw[W * H * 3];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i * 31 + 7);
    buf b = make_png(W, H, raw, W * 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .interlace = PNG_INTERLACE_ADAM7});
    smp_image *img = decode(&b, SMP_OK);
    assert_memory_equal(smp_image_cdata(img), raw, sizeof raw);
    smp_image_free(img);
    free(b.p);
}

static int max_abs_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)a[i] - (int)b[i]);
        m = d > m ? d : m;
    }
    return m;
}

static void smooth_rgb(uint8_t *raw, int w, int h)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = raw + (y * w + x) * 3;
            p[0] = (uint8_t)(40 + 4 * x);
            p[1] = (uint8_t)(60 + 3 * y);
            p[2] = (uint8_t)(120 + x + y);
        }
}

static void test_jpeg_baseline_progressive_grey(void **state)
{
    (void)state;
    enum { W = 32, H = 24 };
    uint8_t raw[W * H * 3];
    smooth_rgb(raw, W, H);
    for (int prog = 0; prog <= 1; prog++) {
        buf b = make_jpeg(W, H, raw, (jpeg_opts){.quality = 98, .progressive = prog, .in_space = JCS_RGB, .components = 3});
        smp_image *img = decode(&b, SMP_OK);
        assert_int_equal(smp_image_channels(img), 3);
        assert_int_equal(smp_image_format(img), SMP_FORMAT_JPEG);
        assert_true(max_abs_diff(smp_image_cdata(img), raw, sizeof raw) <= 6);
        smp_image_free(img);
        free(b.p);
    }
    uint8_t grey[W * H];
    for (int i = 0; i < W * H; i++)
        grey[i] = (uint8_t)(i % W * 6);
    buf b = make_jpeg(W, H, grey, (jpeg_opts){.quality = 98, .in_space = JCS_GRAYSCALE, .components = 1});
    smp_image *img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 1);
    assert_true(max_abs_diff(smp_image_cdata(img), grey, sizeof grey) <= 6);
    smp_image_free(img);
    free(b.p);
}

/* Counts the calls and asks to stop at the stop-th. */
typedef struct stopper {
    int calls, stop;
} stopper;

static int stop_at(void *user, double fraction)
{
    stopper *s = user;
    assert_true(fraction >= 0 && fraction <= 1);
    return ++s->calls >= s->stop;
}

/* A reader's progress callback is called while JPEG and PNG decode, row by
 * row, and a non-zero return stops the decode with SMP_ERR_CANCELLED. */
static void test_decode_cancelled_by_progress(void **state)
{
    (void)state;
    enum { W = 64, H = 256 };
    uint8_t *raw = malloc(W * H * 3);
    smooth_rgb(raw, W, H);
    buf files[3] = {make_jpeg(W, H, raw, (jpeg_opts){.quality = 90, .in_space = JCS_RGB, .components = 3}),
                    make_jpeg(W, H, raw, (jpeg_opts){.quality = 90, .progressive = 1, .in_space = JCS_RGB,
                                                     .components = 3}),
                    make_png(W, H, raw, W * 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB})};
    for (int f = 0; f < 3; f++) {
        smp_image *img = smp_image_new();
        stopper all = {0, 1 << 30};
        assert_int_equal(smp_image_set_progress(img, stop_at, &all), SMP_OK);
        assert_int_equal(smp_image_read_memory(img, files[f].p, files[f].n, 0), SMP_OK);
        assert_true(all.calls >= 4); /* within the decode, not only before and after */
        stopper mid = {0, all.calls / 2};
        smp_image_set_progress(img, stop_at, &mid);
        assert_int_equal(smp_image_read_memory(img, files[f].p, files[f].n, 0), SMP_ERR_CANCELLED);
        assert_non_null(strstr(smp_image_message(img), "cancelled"));
        smp_image_set_progress(img, NULL, NULL);
        assert_int_equal(smp_image_read_memory(img, files[f].p, files[f].n, 0), SMP_OK);
        smp_image_free(img);
        free(files[f].p);
    }
    assert_int_equal(smp_image_set_progress(NULL, stop_at, NULL), SMP_ERR_ARG);
    free(raw);
}

static void test_jpeg_cmyk_converted(void **state)
{
    (void)state;
    enum { W = 16, H = 16 };
    /* Plain CMYK: C=255 (full cyan), M=Y=K=0 -> RGB (0,255,255). */
    uint8_t cmyk[W * H * 4];
    for (int i = 0; i < W * H; i++) {
        cmyk[4 * i] = 255;
        cmyk[4 * i + 1] = cmyk[4 * i + 2] = cmyk[4 * i + 3] = 0;
    }
    buf b = make_jpeg(W, H, cmyk, (jpeg_opts){.quality = 100, .in_space = JCS_CMYK, .components = 4});
    smp_image *img = decode(&b, SMP_OK);
    assert_int_equal(smp_image_channels(img), 3);
    const uint8_t *p = smp_image_cdata(img) + 3 * (8 * W + 8);
    assert_true(p[0] < 8 && p[1] > 247 && p[2] > 247);
    smp_image_free(img);
    free(b.p);

    /* Adobe (inverted) CMYK stores 255 - ink: the same bytes mean no cyan. */
    b = make_jpeg(W, H, cmyk, (jpeg_opts){.quality = 100, .in_space = JCS_CMYK, .components = 4, .adobe = 1});
    img = decode(&b, SMP_OK);
    p = smp_image_cdata(img) + 3 * (8 * W + 8);
    assert_true(p[0] < 8 && p[1] < 8 && p[2] < 8); /* inverted K=0 is full black */
    smp_image_free(img);
    free(b.p);
}

static void test_icc_carried_png_and_jpeg(void **state)
{
    (void)state;
    uint8_t icc[TEST_ICC_LEN];
    make_icc(icc, "RGB ");
    uint8_t raw[4 * 4 * 3] = {0};
    png_opts po = {.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .icc = icc, .icc_len = sizeof icc};
    buf b = make_png(4, 4, raw, 12, po);
    smp_image *img = decode(&b, SMP_OK);
    size_t n;
    const uint8_t *got = smp_image_icc(img, &n);
    assert_int_equal(n, sizeof icc);
    assert_memory_equal(got, icc, n);

    char *dir = scratch_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/out.jpg", dir);
    assert_int_equal(smp_image_write_file(img, path, NULL), SMP_OK);
    smp_image *back = smp_image_new();
    assert_int_equal(smp_image_read_file(back, path, 0), SMP_OK);
    got = smp_image_icc(back, &n);
    assert_int_equal(n, sizeof icc);
    assert_memory_equal(got, icc, n);
    snprintf(path, sizeof path, "%s/out.png", dir);
    assert_int_equal(smp_image_write_file(back, path, NULL), SMP_OK);
    smp_image_free(back);
    back = smp_image_new();
    assert_int_equal(smp_image_read_file(back, path, 0), SMP_OK);
    got = smp_image_icc(back, &n);
    assert_int_equal(n, sizeof icc);
    assert_memory_equal(got, icc, n);
    smp_image_free(back);
    smp_image_free(img);
    free(b.p);
    rm_tree(dir);
}

static void test_round_trip_png_exact_jpeg_444(void **state)
{
    (void)state;
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, 40, 30, 3), SMP_OK);
    fill_photo(img, 3);
    char *dir = scratch_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/a.PNG", dir); /* extension case does not matter */
    assert_int_equal(smp_image_write_file(img, path, NULL), SMP_OK);
    smp_image *back = smp_image_new();
    assert_int_equal(smp_image_read_file(back, path, 0), SMP_OK);
    assert_memory_equal(smp_image_cdata(back), smp_image_cdata(img), 40 * 30 * 3);

    /* JPEG at the default quality 92 with 4:4:4 chroma. */
    snprintf(path, sizeof path, "%s/a.jpeg", dir);
    assert_int_equal(smp_image_write_file(img, path, NULL), SMP_OK);
    FILE *f = fopen(path, "rb");
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr err;
    d.err = jpeg_std_error(&err);
    jpeg_create_decompress(&d);
    jpeg_stdio_src(&d, f);
    jpeg_read_header(&d, TRUE);
    for (int i = 0; i < d.num_components; i++) {
        assert_int_equal(d.comp_info[i].h_samp_factor, 1);
        assert_int_equal(d.comp_info[i].v_samp_factor, 1);
    }
    jpeg_destroy_decompress(&d);
    fclose(f);
    smp_image_free(back);
    back = smp_image_new();
    assert_int_equal(smp_image_read_file(back, path, 0), SMP_OK);
    assert_true(max_abs_diff(smp_image_cdata(back), smp_image_cdata(img), 40 * 30 * 3) <= 24);
    smp_image_free(back);
    smp_image_free(img);
    rm_tree(dir);
}

static void test_sniff_by_content(void **state)
{
    (void)state;
    uint8_t raw[3] = {1, 2, 3};
    buf png = make_png(1, 1, raw, 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .interlace = 0});
    char *dir = scratch_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/photo.jpg", dir); /* a PNG named .jpg */
    write_file(path, png.p, png.n);
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_read_file(img, path, 0), SMP_OK);
    assert_int_equal(smp_image_format(img), SMP_FORMAT_PNG);

    static const struct {
        const char *bytes;
        size_t n;
        const char *says;
    } others[] = {{"GIF89a\1\0\1\0", 10, "GIF"},
                  {"RIFF\0\0\0\0WEBPVP8 ", 16, "WebP"},
                  {"\0\0\0\x18" "ftypheic\0\0\0\0", 16, "HEIC"},
                  {"hello, world", 12, "not a PNG, JPEG, WebP or HEIF"}};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        assert_int_equal(smp_image_read_memory(img, others[i].bytes, others[i].n, 0), SMP_ERR_FORMAT);
        assert_non_null(strstr(smp_image_message(img), others[i].says));
    }
    assert_int_equal(smp_image_read_memory(img, "", 0, 0), SMP_ERR_FORMAT);
    assert_non_null(strstr(smp_image_message(img), "empty"));
    assert_int_equal(smp_image_read_file(img, dir, 0), SMP_ERR_READ);
    assert_non_null(strstr(smp_image_message(img), "directory"));
    snprintf(path, sizeof path, "%s/missing.png", dir);
    assert_int_equal(smp_image_read_file(img, path, 0), SMP_ERR_READ);
    smp_image_free(img);
    free(png.p);
    rm_tree(dir);
}

static void test_truncated_and_corrupt(void **state)
{
    (void)state;
    enum { W = 64, H = 48 };
    uint8_t raw[W * H * 3];
    smooth_rgb(raw, W, H);
    buf png = make_png(W, H, raw, W * 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .interlace = 0});
    buf jpg = make_jpeg(W, H, raw, (jpeg_opts){.quality = 90, .in_space = JCS_RGB, .components = 3});
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_read_memory(img, png.p, png.n / 2, 0), SMP_ERR_FORMAT);
    assert_non_null(strstr(smp_image_message(img), "PNG"));
    assert_int_equal(smp_image_read_memory(img, jpg.p, jpg.n / 2, 0), SMP_ERR_FORMAT);
    assert_non_null(strstr(smp_image_message(img), "truncated"));
    /* A flipped byte inside IHDR breaks its CRC. */
    png.p[20] ^= 0x01;
    assert_int_equal(smp_image_read_memory(img, png.p, png.n, 0), SMP_ERR_FORMAT);
    smp_image_free(img);
    free(png.p);
    free(jpg.p);
}

static void test_pixel_limit_before_allocation(void **state)
{
    (void)state;
    uint8_t raw[3] = {0};
    buf b = make_png(1, 1, raw, 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .interlace = 0});
    /* Rewrite IHDR to 100000 x 100000 and fix its CRC. */
    const uint8_t dims[8] = {0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0};
    memcpy(b.p + 16, dims, 8);
    uint32_t crc = 0xFFFFFFFFu; /* PNG's CRC-32 over chunk type and data */
    for (int i = 12; i < 29; i++) {
        crc ^= b.p[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    crc ^= 0xFFFFFFFFu;
    b.p[29] = (uint8_t)(crc >> 24);
    b.p[30] = (uint8_t)(crc >> 16);
    b.p[31] = (uint8_t)(crc >> 8);
    b.p[32] = (uint8_t)crc;
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_read_memory(img, b.p, b.n, 0), SMP_ERR_LIMIT);
    assert_non_null(strstr(smp_image_message(img), "100000x100000"));
    free(b.p);
    /* A custom limit applies to JPEG as well. */
    uint8_t px[16 * 16 * 3] = {0};
    b = make_jpeg(16, 16, px, (jpeg_opts){.in_space = JCS_RGB, .components = 3});
    assert_int_equal(smp_image_read_memory(img, b.p, b.n, 255), SMP_ERR_LIMIT);
    assert_int_equal(smp_image_read_memory(img, b.p, b.n, 256), SMP_OK);
    smp_image_free(img);
    free(b.p);
}

static void test_atomic_write_and_no_clobber(void **state)
{
    (void)state;
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, 8, 8, 3), SMP_OK);
    char *dir = scratch_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/keep.png", dir);
    write_file(path, "precious", 8);
    assert_int_equal(smp_image_write_file(img, path, NULL), SMP_ERR_EXISTS);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 8); /* untouched */
    assert_int_equal(count_entries(dir), 1); /* no temporary left */

    smp_params *p = smp_params_new();
    smp_params_set_overwrite(p, 1);
    assert_int_equal(smp_image_write_file(img, path, p), SMP_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 8);
    assert_int_equal(count_entries(dir), 1);

    snprintf(path, sizeof path, "%s/nope/out.png", dir);
    assert_int_equal(smp_image_write_file(img, path, p), SMP_ERR_WRITE);
    snprintf(path, sizeof path, "%s/out.tiff", dir);
    assert_int_equal(smp_image_write_file(img, path, p), SMP_ERR_ARG);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(smp_format_for_path("a/b.JPG"), SMP_FORMAT_JPEG);
    assert_int_equal(smp_format_for_path(".png"), SMP_FORMAT_NONE);
    smp_params_free(p);
    smp_image_free(img);
    rm_tree(dir);
}

static void test_status_strings(void **state)
{
    (void)state;
    for (int s = SMP_OK; s <= SMP_ERR_CANCELLED; s++)
        assert_non_null(smp_strerror((smp_status)s));
    assert_string_equal(smp_strerror((smp_status)999), "unknown status");
    smp_image_free(NULL); /* freeing NULL is a no-op */
    smp_params_free(NULL);
    smp_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_rgb8),
        cmocka_unit_test(test_png_grey_alpha_rgba),
        cmocka_unit_test(test_png_16bit_scaled_with_rounding),
        cmocka_unit_test(test_png_palette_and_transparency),
        cmocka_unit_test(test_png_interlaced),
        cmocka_unit_test(test_jpeg_baseline_progressive_grey),
        cmocka_unit_test(test_jpeg_cmyk_converted),
        cmocka_unit_test(test_decode_cancelled_by_progress),
        cmocka_unit_test(test_icc_carried_png_and_jpeg),
        cmocka_unit_test(test_round_trip_png_exact_jpeg_444),
        cmocka_unit_test(test_sniff_by_content),
        cmocka_unit_test(test_truncated_and_corrupt),
        cmocka_unit_test(test_pixel_limit_before_allocation),
        cmocka_unit_test(test_atomic_write_and_no_clobber),
        cmocka_unit_test(test_status_strings),
    };
    return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
