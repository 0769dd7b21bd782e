/* SPDX-License-Identifier: BSD-2-Clause */
/* Helper for the CLI tests: facts about images, decoded by smpsim itself.
 *   imgtool info FILE                 prints "WIDTH HEIGHT CHANNELS ORIENTATION"
 *   imgtool same A B                  exit 0 if the decoded pixels are identical
 *   imgtool outside-same A B MASK R   exit 0 if pixels farther than R px from
 *                                     every non-black mask pixel are identical
 *   imgtool exif-jpeg W H TAG OUT [IFD ICC_CLAIM]
 *                                     writes a JPEG whose EXIF orientation is TAG (IFD0
 *                                     at IFD), with an ICC profile claiming ICC_CLAIM bytes
 *   imgtool png IN OUT                IN's decoded pixels as a PNG (the studio's wasm test
 *                                     feeds them to the page's engine)
 *   imgtool huge-png OUT              a valid 1x1 PNG relabelled 100000 x 100000
 *   imgtool paint OUT W H X0 Y0 X1 Y1 writes a grey PNG, white in the box
 *   imgtool region-same A AX AY B BX BY W H
 *                                     exit 0 if A's W x H block at (AX, AY) equals B's at (BX, BY)
 *   imgtool iou A B                   prints the soft intersection over union of two grey
 *                                     masks of one size, sum(min) / sum(max), and the
 *                                     share of A's weight outside B
 *   imgtool dotbits PHOTO MASK [KEY=VALUE ...]
 *                                     simulates (ppm, density, dot, seed, dilution, layers=A/B/C) and prints
 *                                     each dot's fields as their bits in hex, as the studio's
 *                                     st_write_dot_bits does: native and WebAssembly must agree
 *                                     to the last bit, not only to the CSV's six decimals */
#include "smpsim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

static smp_image *load(const char *path)
{
    smp_image *img = smp_image_new();
    if (!img || smp_image_read_file(img, path, 0) != SMP_OK) {
        fprintf(stderr, "imgtool: %s: %s\n", path, img ? smp_image_message(img) : "out of memory");
        exit(2);
    }
    return img;
}

static size_t bytes(const smp_image *img)
{
    return (size_t)smp_image_width(img) * smp_image_height(img) * smp_image_channels(img);
}

/* Squared distance transform would be exact; a box dilation by r is enough
 * here because the CLI tests use r as a conservative bound. */
static int outside_same(const smp_image *a, const smp_image *b, const smp_image *m, int r)
{
    uint32_t w = smp_image_width(a), h = smp_image_height(a);
    if (smp_image_width(m) != w || smp_image_height(m) != h)
        return 2;
    const uint8_t *mp = smp_image_cdata(m);
    int mc = smp_image_channels(m), ch = smp_image_channels(a);
    uint8_t *near = calloc((size_t)w * h, 1);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            if (!mp[((size_t)y * w + x) * mc])
                continue;
            for (int dy = -r; dy <= r; dy++) {
                long yy = (long)y + dy;
                if (yy < 0 || yy >= (long)h)
                    continue;
                long x0 = (long)x - r < 0 ? 0 : (long)x - r, x1 = (long)x + r >= (long)w ? w - 1 : (long)x + r;
                memset(near + (size_t)yy * w + x0, 1, (size_t)(x1 - x0 + 1));
            }
        }
    size_t changed = 0;
    for (size_t i = 0; i < (size_t)w * h; i++)
        if (!near[i] && memcmp(smp_image_cdata(a) + i * ch, smp_image_cdata(b) + i * ch, (size_t)ch))
            changed++;
    free(near);
    if (changed)
        fprintf(stderr, "imgtool: %zu pixels changed outside the mask\n", changed);
    return changed ? 1 : 0;
}

/* A JPEG with an EXIF orientation tag (IFD0 at ifd, 8 when valid) and,
 * when icc_claim > 0, an ICC profile whose header claims that many bytes
 * while only 200 follow. */
static int exif_jpeg(int w, int h, int tag, const char *out, uint32_t ifd, uint32_t icc_claim)
{
    uint8_t exif[6 + 26] = "Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0";
    exif[6 + 18] = (uint8_t)tag;
    exif[6 + 4] = (uint8_t)ifd;
    exif[6 + 5] = (uint8_t)(ifd >> 8);
    exif[6 + 6] = (uint8_t)(ifd >> 16);
    exif[6 + 7] = (uint8_t)(ifd >> 24);
    FILE *f = fopen(out, "wb");
    if (!f)
        return 3;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_start_compress(&c, TRUE);
    jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof exif);
    if (icc_claim) {
        uint8_t icc[200] = {0};
        icc[0] = (uint8_t)(icc_claim >> 24);
        icc[1] = (uint8_t)(icc_claim >> 16);
        icc[2] = (uint8_t)(icc_claim >> 8);
        icc[3] = (uint8_t)icc_claim;
        memcpy(icc + 16, "RGB XYZ ", 8);
        memcpy(icc + 36, "acsp", 4);
        jpeg_write_icc_profile(&c, icc, sizeof icc);
    }
    uint8_t *row = malloc((size_t)w * 3);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w * 3; x++)
            row[x] = (uint8_t)(100 + (x + y) % 50);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    return fclose(f) ? 3 : 0;
}

static uint32_t crc32_png(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static int huge_png(const char *out)
{
    smp_image *img = smp_image_new();
    smp_params *p = smp_params_new();
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.png", out);
    smp_params_set_overwrite(p, 1);
    if (smp_image_alloc(img, 1, 1, 3) != SMP_OK || smp_image_write_file(img, tmp, p) != SMP_OK)
        return 3;
    FILE *f = fopen(tmp, "rb");
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    remove(tmp);
    const uint8_t dims[8] = {0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0}; /* 100000 x 100000 */
    memcpy(buf + 16, dims, 8);
    uint32_t crc = crc32_png(buf + 12, 17);
    buf[29] = (uint8_t)(crc >> 24);
    buf[30] = (uint8_t)(crc >> 16);
    buf[31] = (uint8_t)(crc >> 8);
    buf[32] = (uint8_t)crc;
    f = fopen(out, "wb");
    if (!f || fwrite(buf, 1, n, f) != n)
        return 3;
    fclose(f);
    smp_params_free(p);
    smp_image_free(img);
    return 0;
}

static uint64_t bits64(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static uint32_t bits32(float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* dotbits: the run's settings as KEY=VALUE (ppm, density, dot, seed,
 * dilution, layers=A/B/C cumulative percents); unset ones keep defaults. */
static int dotbits(int argc, char **argv)
{
    smp_image *photo = load(argv[0]), *mask = load(argv[1]);
    smp_params *p = smp_params_new();
    smp_result *res = smp_result_new();
    smp_status st = p && res ? SMP_OK : SMP_ERR_NOMEM;
    for (int i = 2; i < argc && st == SMP_OK; i++) {
        const char *eq = strchr(argv[i], '=');
        const double v = eq ? atof(eq + 1) : 0;
        if (!eq) st = SMP_ERR_ARG;
        else if (!strncmp(argv[i], "ppm=", 4)) st = smp_params_set_px_per_mm(p, v);
        else if (!strncmp(argv[i], "density=", 8)) st = smp_params_set_density(p, v);
        else if (!strncmp(argv[i], "dot=", 4)) st = smp_params_set_dot_diameter(p, v);
        else if (!strncmp(argv[i], "seed=", 5)) st = smp_params_set_seed(p, strtoull(eq + 1, NULL, 10));
        else if (!strncmp(argv[i], "dilution=", 9)) st = smp_params_set_dilution(p, v);
        else if (!strncmp(argv[i], "layers=", 7)) {
            double l[8];
            int n = 0;
            for (const char *c = eq + 1; n < 8 && *c && st == SMP_OK;) {
                char *end;
                l[n++] = strtod(c, &end);
                st = end == c ? SMP_ERR_ARG : SMP_OK;
                c = *end == '/' ? end + 1 : end;
            }
            if (st == SMP_OK) st = smp_params_set_layers(p, l, n);
        } else st = SMP_ERR_ARG;
    }
    if (st != SMP_OK || smp_simulate(res, p, photo, mask) != SMP_OK) {
        fprintf(stderr, "imgtool: dotbits: %s\n", st != SMP_OK ? "bad setting" : smp_result_message(res));
        exit(1);
    }
    size_t n;
    const smp_dot *d = smp_result_dots(res, &n);
    for (size_t i = 0; i < n; i++)
        printf("%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %08" PRIx32 " %u %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n",
               bits64(d[i].x_mm), bits64(d[i].y_mm), bits64(d[i].diameter_mm), bits32(d[i].opacity), (unsigned)d[i].layer,
               bits32(d[i].aspect), bits32(d[i].angle), bits32(d[i].blur_mm));
    smp_result_free(res);
    smp_params_free(p);
    smp_image_free(photo);
    smp_image_free(mask);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "dotbits"))
        return dotbits(argc - 2, argv + 2);
    if (argc == 3 && !strcmp(argv[1], "info")) {
        smp_image *img = load(argv[2]);
        printf("%u %u %d %d\n", (unsigned)smp_image_width(img), (unsigned)smp_image_height(img),
               smp_image_channels(img), smp_image_orientation(img));
        smp_image_free(img);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "iou")) {
        smp_image *a = load(argv[2]), *b = load(argv[3]);
        if (smp_image_width(a) != smp_image_width(b) || smp_image_height(a) != smp_image_height(b) ||
            smp_image_channels(a) != 1 || smp_image_channels(b) != 1) {
            fprintf(stderr, "imgtool: iou: two grey masks of one size\n");
            return 2;
        }
        const uint8_t *p = smp_image_cdata(a), *q = smp_image_cdata(b);
        double in = 0, un = 0, wa = 0, out = 0;
        for (size_t i = 0; i < bytes(a); i++) {
            in += p[i] < q[i] ? p[i] : q[i];
            un += p[i] > q[i] ? p[i] : q[i];
            wa += p[i];
            out += p[i] > q[i] ? p[i] - q[i] : 0;
        }
        printf("%.3f %.3f\n", un > 0 ? in / un : 0, wa > 0 ? out / wa : 0);
        smp_image_free(a);
        smp_image_free(b);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "weight")) { /* a grey mask's treated pixels: the sum of grey / 255 */
        smp_image *a = load(argv[2]);
        const uint8_t *p = smp_image_cdata(a);
        const int grey = smp_image_channels(a) == 1;
        double w = 0;
        for (size_t i = 0; grey && i < bytes(a); i++)
            w += p[i] / 255.0;
        printf("%.0f\n", w);
        smp_image_free(a);
        return grey ? 0 : 2;
    }
    if (argc == 4 && !strcmp(argv[1], "same")) {
        smp_image *a = load(argv[2]), *b = load(argv[3]);
        int same = smp_image_width(a) == smp_image_width(b) && smp_image_height(a) == smp_image_height(b) &&
                   smp_image_channels(a) == smp_image_channels(b) &&
                   !memcmp(smp_image_cdata(a), smp_image_cdata(b), bytes(a));
        smp_image_free(a);
        smp_image_free(b);
        return same ? 0 : 1;
    }
    if (argc == 6 && !strcmp(argv[1], "outside-same")) {
        smp_image *a = load(argv[2]), *b = load(argv[3]), *m = load(argv[4]);
        int rc = outside_same(a, b, m, atoi(argv[5]));
        smp_image_free(a);
        smp_image_free(b);
        smp_image_free(m);
        return rc;
    }
    if ((argc == 6 || argc == 8) && !strcmp(argv[1], "exif-jpeg"))
        return exif_jpeg(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), argv[5],
                         argc == 8 ? (uint32_t)strtoul(argv[6], NULL, 10) : 8,
                         argc == 8 ? (uint32_t)strtoul(argv[7], NULL, 10) : 0);
    if (argc == 4 && !strcmp(argv[1], "png")) {
        smp_image *img = load(argv[2]);
        smp_params *p = smp_params_new();
        const int rc = p && smp_params_set_overwrite(p, 1) == SMP_OK && smp_image_write_file(img, argv[3], p) == SMP_OK;
        smp_params_free(p);
        smp_image_free(img);
        return rc ? 0 : 3;
    }
    if (argc == 4 && !strcmp(argv[1], "negate")) { /* IN OUT: a mask inverted (its alpha when it has one, as masks are read) */
        smp_image *img = load(argv[2]);
        const int ch = smp_image_channels(img), alpha = ch == 2 || ch == 4;
        uint8_t *px = smp_image_data(img);
        for (size_t i = 0; i < bytes(img); i++)
            if (!alpha || i % (size_t)ch == (size_t)ch - 1)
                px[i] = (uint8_t)(255 - px[i]);
        smp_params *p = smp_params_new();
        const int rc = p && smp_params_set_overwrite(p, 1) == SMP_OK && smp_image_write_file(img, argv[3], p) == SMP_OK;
        smp_params_free(p);
        smp_image_free(img);
        return rc ? 0 : 3;
    }
    if (argc == 3 && !strcmp(argv[1], "huge-png"))
        return huge_png(argv[2]);
    if (argc == 9 && !strcmp(argv[1], "paint")) {
        smp_image *img = smp_image_new();
        int w = atoi(argv[3]), h = atoi(argv[4]);
        if (smp_image_alloc(img, (uint32_t)w, (uint32_t)h, 1) != SMP_OK)
            return 2;
        for (int y = atoi(argv[6]); y < atoi(argv[8]) && y < h; y++)
            for (int x = atoi(argv[5]); x < atoi(argv[7]) && x < w; x++)
                smp_image_data(img)[(size_t)y * w + x] = 255;
        smp_params *p = smp_params_new();
        smp_params_set_overwrite(p, 1);
        int rc = smp_image_write_file(img, argv[2], p) == SMP_OK ? 0 : 3;
        smp_params_free(p);
        smp_image_free(img);
        return rc;
    }
    if (argc == 8 && !strcmp(argv[1], "paint-over")) { /* PHOTO MASK OUT R G B: the mask's white painted over the photo */
        smp_image *photo = smp_image_new(), *mask = smp_image_new();
        int rc = 2;
        if (smp_image_read_file(photo, argv[2], 0) == SMP_OK && smp_image_read_file(mask, argv[3], 0) == SMP_OK &&
            smp_image_width(photo) == smp_image_width(mask) && smp_image_height(photo) == smp_image_height(mask) &&
            smp_image_channels(photo) >= 3) {
            const int mc = smp_image_channels(mask), pc = smp_image_channels(photo);
            const uint8_t rgb[3] = {(uint8_t)atoi(argv[5]), (uint8_t)atoi(argv[6]), (uint8_t)atoi(argv[7])};
            for (size_t i = 0; i < (size_t)smp_image_width(photo) * smp_image_height(photo); i++)
                if (smp_image_data(mask)[i * (size_t)mc] >= 128)
                    memcpy(smp_image_data(photo) + (size_t)pc * i, rgb, 3);
            smp_params *p = smp_params_new();
            smp_params_set_overwrite(p, 1);
            rc = smp_image_write_file(photo, argv[4], p) == SMP_OK ? 0 : 3;
            smp_params_free(p);
        }
        smp_image_free(photo);
        smp_image_free(mask);
        return rc;
    }
    if (argc == 10 && !strcmp(argv[1], "region-same")) {
        smp_image *a = load(argv[2]), *b = load(argv[5]);
        const long ax = atol(argv[3]), ay = atol(argv[4]), bx = atol(argv[6]), by = atol(argv[7]);
        const long w = atol(argv[8]), h = atol(argv[9]);
        int rc = smp_image_channels(a) == smp_image_channels(b) && ax >= 0 && ay >= 0 && bx >= 0 && by >= 0 &&
                         ax + w <= (long)smp_image_width(a) && ay + h <= (long)smp_image_height(a) &&
                         bx + w <= (long)smp_image_width(b) && by + h <= (long)smp_image_height(b)
                     ? 0
                     : 2;
        const size_t ch = (size_t)smp_image_channels(a);
        for (long y = 0; !rc && y < h; y++)
            rc = memcmp(smp_image_cdata(a) + ((size_t)(ay + y) * smp_image_width(a) + (size_t)ax) * ch,
                        smp_image_cdata(b) + ((size_t)(by + y) * smp_image_width(b) + (size_t)bx) * ch,
                        (size_t)w * ch) != 0;
        smp_image_free(a);
        smp_image_free(b);
        return rc;
    }
    fprintf(stderr, "usage: imgtool info|weight|same|outside-same|exif-jpeg|paint|paint-over|region-same ...\n");
    return 1;
}
