/* SPDX-License-Identifier: BSD-2-Clause */
/* EXIF orientation: all 8 tags, both byte orders, JPEG APP1 and PNG eXIf,
 * and malformed blocks that must fall back to "as stored". */
#include "testutil.h"

enum { W = 48, H = 32, B = 12 };

/* Stored image: grey, with a coloured block in each stored corner. */
static const uint8_t RED[3] = {230, 20, 20}, GREEN[3] = {20, 220, 20}, BLUE[3] = {20, 20, 230},
                     WHITE[3] = {250, 250, 250};

static void stored_image(uint8_t *raw)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *c = NULL;
            if (y < B && x < B)
                c = RED; /* stored top-left */
            else if (y < B && x >= W - B)
                c = GREEN; /* stored top-right: the end of row 0 */
            else if (y >= H - B && x < B)
                c = BLUE; /* stored bottom-left */
            else if (y >= H - B && x >= W - B)
                c = WHITE;
            uint8_t *p = raw + (y * W + x) * 3;
            if (c)
                memcpy(p, c, 3);
            else
                p[0] = p[1] = p[2] = 128;
        }
}

enum corner { TL, TR, BL, BR };

static int near(const uint8_t *p, const uint8_t c[3])
{
    return abs(p[0] - c[0]) < 40 && abs(p[1] - c[1]) < 40 && abs(p[2] - c[2]) < 40;
}

static const uint8_t *corner_px(const smp_image *img, enum corner c)
{
    uint32_t w = smp_image_width(img), h = smp_image_height(img);
    uint32_t x = (c == TR || c == BR) ? w - 3 : 2, y = (c == BL || c == BR) ? h - 3 : 2;
    return smp_image_cdata(img) + ((size_t)y * w + x) * 3;
}

/* From the EXIF specification: for each tag, where the stored image's
 * first pixel (row 0, column 0) and the end of its row 0 appear. */
static const struct {
    enum corner origin, row_end;
} EXPECT[9] = {{TL, TR}, {TL, TR}, {TR, TL}, {BR, BL}, {BL, BR},
               {TL, BL}, {TR, BR}, {BR, TR}, {BL, TL}};

static void check_display(const smp_image *img, unsigned tag)
{
    int swapped = tag >= 5 && tag <= 8;
    assert_int_equal(smp_image_width(img), swapped ? H : W);
    assert_int_equal(smp_image_height(img), swapped ? W : H);
    if (!near(corner_px(img, EXPECT[tag].origin), RED) ||
        !near(corner_px(img, EXPECT[tag].row_end), GREEN))
        fail_msg("orientation %u: corners are not where the EXIF specification puts them", tag);
}

static void test_jpeg_all_orientations_both_byte_orders(void **state)
{
    (void)state;
    uint8_t raw[W * H * 3];
    stored_image(raw);
    for (int le = 0; le <= 1; le++)
        for (unsigned tag = 1; tag <= 8; tag++) {
            uint8_t exif[64];
            size_t n = make_exif(exif, le, tag, 8);
            buf b = make_jpeg(W, H, raw, (jpeg_opts){.quality = 95, .in_space = JCS_RGB, .components = 3,
                                                     .exif = exif, .exif_len = n});
            smp_image *img = smp_image_new();
            assert_int_equal(smp_image_read_memory(img, b.p, b.n, 0), SMP_OK);
            assert_int_equal(smp_image_orientation(img), tag);
            check_display(img, tag);
            smp_image_free(img);
            free(b.p);
        }
}

static void test_png_exif_chunk(void **state)
{
    (void)state;
    uint8_t raw[W * H * 3];
    stored_image(raw);
    uint8_t exif[64];
    size_t n = make_exif(exif, 1, 6, 8);
    buf b = make_png(W, H, raw, W * 3,
                     (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .exif = exif, .exif_len = n});
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_read_memory(img, b.p, b.n, 0), SMP_OK);
    check_display(img, 6);
    smp_image_free(img);
    free(b.p);
}

static void test_bad_exif_is_ignored(void **state)
{
    (void)state;
    uint8_t raw[W * H * 3];
    stored_image(raw);
    uint8_t exif[64];
    struct {
        unsigned tag;
        uint32_t ifd;
        size_t len;
    } cases[] = {{9, 8, 0}, {0, 8, 0}, {6, 60000, 0}, {6, 8, 12}, {6, 0xFFFFFFF0u, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = make_exif(exif, 1, cases[i].tag, cases[i].ifd);
        if (cases[i].len)
            n = cases[i].len; /* truncated before the orientation entry */
        buf b = make_jpeg(W, H, raw, (jpeg_opts){.quality = 95, .in_space = JCS_RGB, .components = 3,
                                                 .exif = exif, .exif_len = n});
        smp_image *img = smp_image_new();
        assert_int_equal(smp_image_read_memory(img, b.p, b.n, 0), SMP_OK);
        assert_int_equal(smp_image_orientation(img), 1);
        check_display(img, 1);
        smp_image_free(img);
        free(b.p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jpeg_all_orientations_both_byte_orders),
        cmocka_unit_test(test_png_exif_chunk),
        cmocka_unit_test(test_bad_exif_is_ignored),
    };
    return cmocka_run_group_tests_name("exif", tests, NULL, NULL);
}
