/* SPDX-License-Identifier: BSD-2-Clause */
/* Phone formats: WebP and HEIC/HEIF inputs, made here at test time by
 * Debian's cwebp and heif-enc (webp, libheif-examples) and, for the HEIF
 * rotation/mirror properties heif-enc 1.15 cannot write, by libheif's
 * encoder API. Checks pixels, orientation applied exactly once, ICC kept
 * through to PNG and JPEG outputs, and the pixel limit enforced from the
 * headers before any image data is decoded. */
#include "testutil.h"

#include <stdbool.h>

#include <libheif/heif.h>

/* x265, which libheif's encoder uses for the HEICs made below, keeps a few
 * small buffers until exit; that is not smpsim's, so LeakSanitizer (in the
 * sanitized build) is told to ignore it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libx265.so\n"; }

enum { W = 96, H = 64 };

/* Four flat quadrants of distinct colours: any rotation or mirror of the
 * frame moves them somewhere recognisable. */
static const uint8_t QUAD[4][3] = {{220, 30, 30}, {30, 200, 30}, {30, 30, 220}, {230, 230, 40}};

static void quadrants(uint8_t *rgb, uint32_t w, uint32_t h, int ch)
{
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *p = rgb + ((size_t)y * w + x) * (size_t)ch;
            memcpy(p, QUAD[(y >= h / 2) * 2 + (x >= w / 2)], 3);
            if (ch == 4)
                p[3] = (uint8_t)(x * 255 / (w - 1)); /* a horizontal alpha ramp */
        }
}

static char *dir;
static char path_buf[8][700];

/* A path in the scratch folder (a few live at once). */
static const char *at(const char *name)
{
    static int k;
    k = (k + 1) % 8;
    snprintf(path_buf[k], sizeof path_buf[k], "%s/%s", dir, name);
    return path_buf[k];
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
    char cmd[3000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

static int setup(void **state)
{
    (void)state;
    if (system("command -v cwebp >/dev/null && command -v heif-enc >/dev/null") != 0) {
        fprintf(stderr, "test_formats: cwebp (webp) and heif-enc (libheif-examples) are needed; "
                        "tools/deps.sh test installs them\n");
        return -1;
    }
    dir = scratch_dir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_tree(dir);
    return 0;
}

static smp_image *load(const char *path, smp_status want)
{
    smp_image *img = smp_image_new();
    assert_non_null(img);
    smp_status st = smp_image_read_file(img, path, 0);
    if (st != want)
        fail_msg("%s: status %d (%s), wanted %d", path, st, smp_image_message(img), want);
    return img;
}

/* A JPEG of the quadrants with EXIF orientation o (0: no EXIF) and an ICC profile. */
static void write_jpeg(const char *path, int o, const uint8_t *icc)
{
    static uint8_t rgb[W * H * 3];
    uint8_t exif[64];
    quadrants(rgb, W, H, 3);
    size_t en = make_exif(exif, 1, (unsigned)(o ? o : 1), 8);
    buf b = make_jpeg(W, H, rgb, (jpeg_opts){.quality = 95, .in_space = JCS_RGB, .components = 3,
                                              .exif = o ? exif : NULL, .exif_len = en, .icc = icc,
                                              .icc_len = icc ? TEST_ICC_LEN : 0});
    write_file(path, b.p, b.n);
    free(b.p);
}

static void write_png(const char *path, int ch)
{
    static uint8_t px[W * H * 4];
    quadrants(px, W, H, ch);
    buf b = make_png(W, H, px, (size_t)W * ch,
                     (png_opts){.bit_depth = 8, .color_type = ch == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB});
    write_file(path, b.p, b.n);
    free(b.p);
}

/* The quadrant colours an image shows, sampled at each quadrant's centre,
 * as indices into QUAD (-1 when the colour matches none within tol). */
static void quad_layout(const smp_image *img, int out[4])
{
    uint32_t w = smp_image_width(img), h = smp_image_height(img);
    int ch = smp_image_channels(img);
    for (int q = 0; q < 4; q++) {
        uint32_t x = (q & 1) ? w * 3 / 4 : w / 4, y = (q & 2) ? h * 3 / 4 : h / 4;
        const uint8_t *p = smp_image_cdata(img) + ((size_t)y * w + x) * (size_t)ch;
        out[q] = -1;
        for (int k = 0; k < 4; k++)
            if (abs(p[0] - QUAD[k][0]) < 24 && abs(p[1] - QUAD[k][1]) < 24 && abs(p[2] - QUAD[k][2]) < 24)
                out[q] = k;
    }
}

static void assert_same_view(const smp_image *got, const smp_image *ref, const char *what)
{
    if (smp_image_width(got) != smp_image_width(ref) || smp_image_height(got) != smp_image_height(ref))
        fail_msg("%s: %ux%u, the JPEG shows %ux%u", what, smp_image_width(got), smp_image_height(got),
                 smp_image_width(ref), smp_image_height(ref));
    int a[4], b[4];
    quad_layout(got, a);
    quad_layout(ref, b);
    for (int q = 0; q < 4; q++)
        if (a[q] != b[q] || a[q] < 0)
            fail_msg("%s: quadrant %d shows colour %d, the JPEG shows %d", what, q, a[q], b[q]);
}

static void assert_icc(const smp_image *img, const uint8_t *icc, const char *what)
{
    size_t n;
    const uint8_t *p = smp_image_icc(img, &n);
    if (!p || n != TEST_ICC_LEN || memcmp(p, icc, n) != 0)
        fail_msg("%s: ICC profile not kept (%zu bytes)", what, p ? n : 0);
}

/* Lossless WebP, RGB and RGBA, decodes to the exact source pixels. */
static void test_webp_lossless(void **state)
{
    (void)state;
    for (int ch = 3; ch <= 4; ch++) {
        static uint8_t px[W * H * 4];
        quadrants(px, W, H, ch);
        write_png(at("src.png"), ch);
        run("cwebp -quiet -lossless -exact '%s' -o '%s'", at("src.png"), at("l.webp"));
        smp_image *img = load(at("l.webp"), SMP_OK);
        assert_int_equal(smp_image_format(img), SMP_FORMAT_WEBP);
        assert_int_equal(smp_image_width(img), W);
        assert_int_equal(smp_image_height(img), H);
        assert_int_equal(smp_image_channels(img), ch);
        assert_memory_equal(smp_image_cdata(img), px, (size_t)W * H * ch);
        smp_image_free(img);
    }
}

/* Lossy WebP from a JPEG with EXIF orientation o and an ICC profile
 * (cwebp -metadata all copies both): shown as the JPEG is, ICC kept. */
static void test_webp_orientation_icc(void **state)
{
    (void)state;
    uint8_t icc[TEST_ICC_LEN];
    make_icc(icc, "RGB ");
    for (int o = 1; o <= 8; o++) {
        write_jpeg(at("o.jpg"), o, icc);
        run("cwebp -quiet -q 95 -metadata all '%s' -o '%s'", at("o.jpg"), at("o.webp"));
        smp_image *ref = load(at("o.jpg"), SMP_OK), *img = load(at("o.webp"), SMP_OK);
        char what[64];
        snprintf(what, sizeof what, "WebP, EXIF orientation %d", o);
        assert_same_view(img, ref, what);
        assert_int_equal(smp_image_orientation(img), o);
        assert_icc(img, icc, what);
        smp_image_free(img);
        smp_image_free(ref);
    }
}

static bool has_box(const char *path, const char *fourcc)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t d[1 << 20];
    size_t n = fread(d, 1, sizeof d, f);
    fclose(f);
    for (size_t i = 0; i + 4 <= n; i++)
        if (!memcmp(d + i, fourcc, 4))
            return true;
    return false;
}

/* heif-enc from a JPEG: pixels close to the source, ICC kept through a PNG
 * and a JPEG output. The EXIF orientation heif-enc copies into the file is
 * not applied (HEIF's own irot/imir are what count); if a newer heif-enc
 * turns it into irot/imir, the view matches the JPEG's instead. */
static void test_heif_enc_icc_exif(void **state)
{
    (void)state;
    uint8_t icc[TEST_ICC_LEN];
    make_icc(icc, "RGB ");
    write_jpeg(at("h.jpg"), 6, icc);
    run("heif-enc -q 92 '%s' -o '%s' >/dev/null", at("h.jpg"), at("h.heic"));
    smp_image *img = load(at("h.heic"), SMP_OK);
    assert_int_equal(smp_image_format(img), SMP_FORMAT_HEIF);
    assert_int_equal(smp_image_channels(img), 3);
    assert_icc(img, icc, "HEIC from heif-enc");
    if (has_box(at("h.heic"), "irot")) {
        smp_image *ref = load(at("h.jpg"), SMP_OK);
        assert_same_view(img, ref, "HEIC with irot from heif-enc");
        smp_image_free(ref);
    } else {
        write_jpeg(at("plain.jpg"), 0, NULL);
        smp_image *ref = load(at("plain.jpg"), SMP_OK);
        assert_same_view(img, ref, "HEIC with EXIF orientation 6 and no irot (EXIF must not rotate it)");
        smp_image_free(ref);
    }
    /* ICC carried to both outputs. */
    smp_params *p = smp_params_new();
    assert_non_null(p);
    const char *outs[2] = {at("out.png"), at("out.jpg")};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(smp_image_write_file(img, outs[i], p), SMP_OK);
        smp_image *back = load(outs[i], SMP_OK);
        assert_icc(back, icc, outs[i]);
        smp_image_free(back);
    }
    smp_params_free(p);
    smp_image_free(img);
}

/* Lossless HEIC (4:4:4, RGB matrix) decodes as libheif's reference tool
 * does; with alpha it has 4 channels and keeps the alpha ramp. */
static void test_heif_lossless_alpha(void **state)
{
    (void)state;
    static uint8_t px[W * H * 4];
    quadrants(px, W, H, 3);
    write_png(at("s.png"), 3);
    run("heif-enc -L -p chroma=444 --matrix_coefficients=0 '%s' -o '%s' >/dev/null", at("s.png"), at("l.heic"));
    run("heif-convert '%s' '%s' >/dev/null", at("l.heic"), at("ref.png"));
    smp_image *img = load(at("l.heic"), SMP_OK), *ref = load(at("ref.png"), SMP_OK);
    assert_int_equal(smp_image_channels(img), 3);
    assert_int_equal(smp_image_width(img), W);
    assert_int_equal(smp_image_height(img), H);
    /* Byte for byte what libheif's own heif-convert decodes, and within a
     * level or two of the source (heif-enc 1.15's lossless is not exact). */
    assert_memory_equal(smp_image_cdata(img), smp_image_cdata(ref), (size_t)W * H * 3);
    for (size_t i = 0; i < (size_t)W * H * 3; i++)
        if (abs(smp_image_cdata(img)[i] - px[i]) > 2)
            fail_msg("lossless HEIC byte %zu: %d, source %d", i, smp_image_cdata(img)[i], px[i]);
    smp_image_free(img);
    smp_image_free(ref);

    write_png(at("a.png"), 4);
    run("heif-enc -q 95 '%s' -o '%s' >/dev/null", at("a.png"), at("a.heic"));
    img = load(at("a.heic"), SMP_OK);
    assert_int_equal(smp_image_channels(img), 4);
    const uint8_t *d = smp_image_cdata(img);
    /* The alpha ramp survives (lossy, so within a few levels). */
    for (uint32_t x = 0; x < W; x += 8) {
        int want = (int)(x * 255 / (W - 1)), got = d[((size_t)(H / 3) * W + x) * 4 + 3];
        if (abs(got - want) > 12)
            fail_msg("alpha at x=%u: %d, wanted %d", x, got, want);
    }
    smp_image_free(img);
}

/* A 10-bit HEIC (heif-enc -b 10 from a 16-bit PNG) decodes to 8 bits, close
 * to libheif's own 16-bit decode (heif-convert) read back through PNG. */
static void test_heif_10bit(void **state)
{
    (void)state;
    static uint8_t px[W * H * 6];
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            uint8_t *p = px + ((size_t)y * W + x) * 6;
            unsigned v[3] = {65535u * x / (W - 1), 65535u * y / (H - 1), 40000};
            for (int c = 0; c < 3; c++) {
                p[2 * c] = (uint8_t)(v[c] >> 8);
                p[2 * c + 1] = (uint8_t)v[c];
            }
        }
    buf b = make_png(W, H, px, (size_t)W * 6, (png_opts){.bit_depth = 16, .color_type = PNG_COLOR_TYPE_RGB});
    write_file(at("g16.png"), b.p, b.n);
    free(b.p);
    run("heif-enc -b 10 -q 95 '%s' -o '%s' >/dev/null", at("g16.png"), at("g10.heic"));
    run("heif-convert '%s' '%s' >/dev/null", at("g10.heic"), at("g10ref.png"));
    smp_image *img = load(at("g10.heic"), SMP_OK), *ref = load(at("g10ref.png"), SMP_OK);
    assert_int_equal(smp_image_channels(img), 3);
    assert_int_equal(smp_image_width(img), W);
    assert_int_equal(smp_image_height(img), H);
    int worst = 0;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        int d = abs(smp_image_cdata(img)[i] - smp_image_cdata(ref)[i]);
        worst = d > worst ? d : worst;
    }
    if (worst > 2)
        fail_msg("10-bit HEIC: a byte differs by %d from libheif's 16-bit decode", worst);
    smp_image_free(img);
    smp_image_free(ref);
}

/* A HEIC encoded through libheif with irot/imir for orientation o, and
 * (when exif_o) an EXIF block claiming exif_o as Apple's cameras write it. */
static void write_heif_oriented(const char *path, int o, int exif_o)
{
    struct heif_image *im = NULL;
    assert_int_equal(heif_image_create(W, H, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &im).code, 0);
    assert_int_equal(heif_image_add_plane(im, heif_channel_interleaved, W, H, 8).code, 0);
    int stride;
    uint8_t *plane = heif_image_get_plane(im, heif_channel_interleaved, &stride);
    static uint8_t rgb[W * H * 3];
    quadrants(rgb, W, H, 3);
    for (int y = 0; y < H; y++)
        memcpy(plane + (size_t)y * stride, rgb + (size_t)y * W * 3, W * 3);
    struct heif_context *ctx = heif_context_alloc();
    struct heif_encoder *enc = NULL;
    assert_int_equal(heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &enc).code, 0);
    heif_encoder_set_lossy_quality(enc, 95);
    struct heif_encoding_options *opt = heif_encoding_options_alloc();
    opt->image_orientation = (enum heif_orientation)o;
    struct heif_image_handle *h = NULL;
    assert_int_equal(heif_context_encode_image(ctx, im, enc, opt, &h).code, 0);
    if (exif_o) {
        uint8_t exif[64 + 4] = {0};
        size_t n = make_exif(exif + 4, 1, (unsigned)exif_o, 8); /* 4-byte offset to the TIFF header, 0 */
        assert_int_equal(heif_context_add_exif_metadata(ctx, h, exif, (int)n + 4).code, 0);
    }
    assert_int_equal(heif_context_write_to_file(ctx, path).code, 0);
    heif_image_handle_release(h);
    heif_encoding_options_free(opt);
    heif_encoder_release(enc);
    heif_context_free(ctx);
    heif_image_release(im);
}

/* Orientation exactly once: irot/imir for each of the 8 orientations, with
 * the same value in EXIF (an iPhone's file), shows as the JPEG with that
 * EXIF orientation does; EXIF 6 without irot/imir does not rotate. */
static void test_heif_orientation_once(void **state)
{
    (void)state;
    assert_int_equal(heif_init(NULL).code, 0);
    for (int o = 1; o <= 8; o++) {
        write_heif_oriented(at("t.heic"), o, o);
        write_jpeg(at("t.jpg"), o, NULL);
        smp_image *img = load(at("t.heic"), SMP_OK), *ref = load(at("t.jpg"), SMP_OK);
        char what[64];
        snprintf(what, sizeof what, "HEIC, irot/imir and EXIF orientation %d", o);
        assert_same_view(img, ref, what);
        smp_image_free(img);
        smp_image_free(ref);
    }
    write_heif_oriented(at("e.heic"), 1, 6);
    write_jpeg(at("e.jpg"), 0, NULL);
    smp_image *img = load(at("e.heic"), SMP_OK), *ref = load(at("e.jpg"), SMP_OK);
    assert_same_view(img, ref, "HEIC with EXIF orientation 6 and no irot");
    smp_image_free(img);
    smp_image_free(ref);
    heif_deinit();
}

/* Overwrites the 32-bit big-endian numbers after every occurrence of a
 * fourcc (skipping skip bytes), e.g. an ispe box's width and height. */
static void patch_after(uint8_t *d, size_t n, const char *fourcc, size_t skip, uint32_t a, uint32_t b)
{
    int hits = 0;
    for (size_t i = 0; i + 4 + skip + 8 <= n; i++)
        if (!memcmp(d + i, fourcc, 4)) {
            uint8_t *p = d + i + 4 + skip;
            put32(p, 0, a);
            put32(p + 4, 0, b);
            hits++;
        }
    assert_true(hits > 0);
}

static buf slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    buf b = {0};
    uint8_t tmp[65536];
    for (size_t n; (n = fread(tmp, 1, sizeof tmp, f)) > 0;)
        buf_append(&b, tmp, n);
    fclose(f);
    return b;
}

/* The pixel limit is checked from the headers: a small limit refuses real
 * files with SMP_ERR_LIMIT, and files whose headers claim 30000 x 30000
 * (with only a 96 x 64 image's data behind them) are refused as too large,
 * not as corrupt, so nothing was decoded or allocated for them. */
static void test_pixel_limits(void **state)
{
    (void)state;
    write_png(at("s.png"), 3);
    run("cwebp -quiet -q 80 '%s' -o '%s'", at("s.png"), at("s.webp"));
    run("heif-enc -q 80 '%s' -o '%s' >/dev/null", at("s.png"), at("s.heic"));
    const char *files[2] = {at("s.webp"), at("s.heic")};
    for (int i = 0; i < 2; i++) {
        smp_image *img = smp_image_new();
        assert_int_equal(smp_image_read_file(img, files[i], (uint64_t)W * H - 1), SMP_ERR_LIMIT);
        assert_non_null(strstr(smp_image_message(img), "96"));
        assert_int_equal(smp_image_read_file(img, files[i], (uint64_t)W * H), SMP_OK);
        smp_image_free(img);
    }
    /* WebP: an extended header (VP8X) claiming a 16000 x 16000 canvas. */
    run("cwebp -quiet -q 80 -metadata icc '%s' -o '%s'", at("s.png"), at("x.webp"));
    uint8_t icc[TEST_ICC_LEN];
    make_icc(icc, "RGB ");
    static const uint8_t vp8x[30] = {'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X',
                                     10, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x3e, 0, 0x7f, 0x3e, 0};
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_read_memory(img, vp8x, sizeof vp8x, 0), SMP_ERR_LIMIT);
    smp_image_free(img);
    /* HEIF: the ispe (image spatial extents) boxes rewritten. */
    buf h = slurp(at("s.heic"));
    patch_after(h.p, h.n, "ispe", 4, 30000, 30000);
    img = smp_image_new();
    smp_status st = smp_image_read_memory(img, h.p, h.n, 0);
    if (st != SMP_ERR_LIMIT)
        fail_msg("HEIC claiming 30000x30000: status %d (%s)", st, smp_image_message(img));
    smp_image_free(img);
    free(h.p);
}

/* Truncated and damaged files fail cleanly with a message naming the format. */
static void test_corrupt(void **state)
{
    (void)state;
    write_png(at("s.png"), 3);
    run("cwebp -quiet -q 80 '%s' -o '%s'", at("s.png"), at("c.webp"));
    run("heif-enc -q 80 '%s' -o '%s' >/dev/null", at("s.png"), at("c.heic"));
    const char *files[2] = {at("c.webp"), at("c.heic")}, *names[2] = {"WebP", "HEIF"};
    for (int i = 0; i < 2; i++) {
        buf b = slurp(files[i]);
        smp_image *img = smp_image_new();
        for (size_t cut = 16; cut < b.n; cut += b.n / 7) {
            smp_status st = smp_image_read_memory(img, b.p, cut, 0);
            if (st != SMP_ERR_FORMAT || !strstr(smp_image_message(img), names[i]))
                fail_msg("%s cut to %zu bytes: status %d (%s)", names[i], cut, st, smp_image_message(img));
        }
        /* Damage the coded data at the end: either refused or decoded, never worse. */
        for (size_t k = b.n - 40; k < b.n; k++)
            b.p[k] ^= 0x5a;
        smp_status st = smp_image_read_memory(img, b.p, b.n, 0);
        assert_true(st == SMP_OK || st == SMP_ERR_FORMAT);
        smp_image_free(img);
        free(b.p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webp_lossless),       cmocka_unit_test(test_webp_orientation_icc),
        cmocka_unit_test(test_heif_enc_icc_exif),   cmocka_unit_test(test_heif_lossless_alpha),
        cmocka_unit_test(test_heif_10bit),
        cmocka_unit_test(test_heif_orientation_once), cmocka_unit_test(test_pixel_limits),
        cmocka_unit_test(test_corrupt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
