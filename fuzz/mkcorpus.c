/* SPDX-License-Identifier: BSD-2-Clause */
/* mkcorpus: writes the fuzz targets' seed corpora (fuzz/corpus/<target>/),
 * small files made with the test helpers plus hand-made edge cases.
 * Run by `make corpus`; the output is committed. */
#include "../tests/testutil.h"

#include <sys/stat.h>

static const char *dir;

static void put(const char *target, const char *name, const void *d, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, target);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    write_file(path, d, n);
}

static void put_buf(const char *target, const char *name, buf b)
{
    put(target, name, b.p, b.n);
    free(b.p);
}

/* A mask seed: four size bytes, then the image file. */
static void put_mask(const char *name, uint8_t w, uint8_t h, buf b)
{
    uint8_t *m = malloc(b.n + 4);
    m[0] = w;
    m[1] = h;
    m[2] = 3;
    m[3] = 6;
    memcpy(m + 4, b.p, b.n);
    put("mask", name, m, b.n + 4);
    free(m);
    free(b.p);
}

static void run(void **state)
{
    (void)state;
    enum { W = 17, H = 11 };
    uint8_t rgb[W * H * 4], icc[TEST_ICC_LEN], exif[64];
    for (size_t i = 0; i < sizeof rgb; i++)
        rgb[i] = (uint8_t)(i * 37 + 11);
    make_icc(icc, "RGB ");
    size_t en = make_exif(exif, 1, 6, 8);
    put_buf("image", "rgb8.png", make_png(W, H, rgb, W * 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB}));
    put_buf("image", "rgba8.png", make_png(W, H, rgb, W * 4, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB_ALPHA}));
    put_buf("image", "ga8.png", make_png(W, H, rgb, W * 2, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY_ALPHA}));
    put_buf("image", "grey16.png", make_png(W, H, rgb, W * 2, (png_opts){.bit_depth = 16, .color_type = PNG_COLOR_TYPE_GRAY}));
    put_buf("image", "grey1.png", make_png(W, H, rgb, 3, (png_opts){.bit_depth = 1, .color_type = PNG_COLOR_TYPE_GRAY}));
    put_buf("image", "interlaced.png",
            make_png(W, H, rgb, W * 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .interlace = PNG_INTERLACE_ADAM7}));
    const uint8_t pal[9] = {255, 0, 0, 0, 255, 0, 0, 0, 255}, trns[3] = {255, 0, 128};
    uint8_t idx[W * H];
    for (int i = 0; i < W * H; i++)
        idx[i] = (uint8_t)(i % 3);
    put_buf("image", "palette-trns.png",
            make_png(W, H, idx, W, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_PALETTE, .palette_rgb = pal,
                                              .n_palette = 3, .trns = trns, .n_trns = 3}));
    put_buf("image", "icc-exif.png",
            make_png(W, H, rgb, W * 3, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB, .icc = icc,
                                                  .icc_len = sizeof icc, .exif = exif, .exif_len = en}));
    put_buf("image", "baseline.jpg", make_jpeg(W, H, rgb, (jpeg_opts){.quality = 80, .in_space = JCS_RGB, .components = 3}));
    put_buf("image", "progressive.jpg",
            make_jpeg(W, H, rgb, (jpeg_opts){.quality = 80, .progressive = 1, .in_space = JCS_RGB, .components = 3}));
    put_buf("image", "grey.jpg", make_jpeg(W, H, rgb, (jpeg_opts){.quality = 80, .in_space = JCS_GRAYSCALE, .components = 1}));
    put_buf("image", "cmyk-adobe.jpg",
            make_jpeg(W, H, rgb, (jpeg_opts){.quality = 80, .in_space = JCS_CMYK, .components = 4, .adobe = 1}));
    put_buf("image", "exif6-icc.jpg",
            make_jpeg(W, H, rgb, (jpeg_opts){.quality = 80, .in_space = JCS_RGB, .components = 3, .exif = exif,
                                             .exif_len = en, .icc = icc, .icc_len = sizeof icc}));
    en = make_exif(exif, 0, 8, 8);
    put_buf("image", "exif8-be.jpg",
            make_jpeg(W, H, rgb, (jpeg_opts){.quality = 80, .in_space = JCS_RGB, .components = 3, .exif = exif, .exif_len = en}));
    put("image", "empty", "", 0);
    put("image", "png-signature-only", "\x89PNG\r\n\x1a\n", 8);
    put("image", "jpeg-soi-only", "\xff\xd8\xff", 3);
    put("image", "gif", "GIF89a\1\0\1\0\0\0\0", 13);

    put_mask("grey.png", 16, 11, make_png(W, H, rgb, W, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY}));
    put_mask("alpha.png", 40, 26, make_png(W, H, rgb, W * 2, (png_opts){.bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY_ALPHA}));
    put_mask("mask.jpg", 4, 3, make_jpeg(W, H, rgb, (jpeg_opts){.quality = 90, .in_space = JCS_GRAYSCALE, .components = 1}));

    static const char *const manifests[][2] = {
        {"positional.csv", "a.jpg,a.mask.png\nsub/b.jpg,sub/b_mask.png,out/b.jpg,90\n"},
        {"header.csv", "photo,mask,output,density,seed\n\"a,1.jpg\",a.mask.png,,auto,7\n# comment\n\nb.jpg,b.png,x.png,40,\n"},
        {"quotes.csv", "\"a \"\"q\"\" .jpg\",\"m.png\"\r\n"},
        {"bad-quote.csv", "\"a.jpg,m.png\n"},
        {"traversal.csv", "../a.jpg,m.png\n"},
    };
    for (size_t i = 0; i < sizeof manifests / sizeof *manifests; i++)
        put("manifest", manifests[i][0], manifests[i][1], strlen(manifests[i][1]));

    /* resume: a flags byte (fuzz_resume.c), then report.csv, report.json, the journal, a shard's
     * journal and a shard's report, each ended by a line "====". @I<k>: an earlier output's
     * identity, @H<k>: a photo's hash, @O and @N: the output and input folders. */
#define HEAD12 "photo,mask,status,error,outputs,seconds,seed,dots,density_cm2,delta_e_before,delta_e_after,hash"
#define HEAD13 HEAD12 ",notes"
#define HEAD14 HEAD13 ",older_outputs\n"
#define ROW_A "\"a.jpg\",\"a.mask.png\",ok,\"\",\"in/a.after.jpg\",0.412,1234567,5321,60.00,4.210,1.870,@H0,\"\""
#define ROW_B "\"sub/b.jpg\",\"sub/b_mask.png\",up-to-date,\"\",\"in/sub/b.after.jpg\",0.000,765,4100,55.00,,,@H1," \
              "\"density auto: 55 dots/cm2 | the mask's edge is soft\""
#define ROW_C "\"c.jpg\",\"\",skipped,\"no mask: looked for c.mask.png and c_mask.png (--masks auto suggests one)\"," \
              "\"\",0.000,99,0,0.00,,,0000000000000000,\"\""
#define ROW_EARLIER "\"a.after.png\",\"\",skipped,\"an output of an earlier run (report.csv lists it): not read as a " \
                    "photo; rename it, or name it in a --manifest, to process it\",\"\",0.000,0,0,0.00,,,0000000000000000,\"\""
#define ROW_RUN "\"sub/b.after.jpg\",\"\",skipped,\"an output of this run (for sub/b.jpg): not read as a photo\"," \
                "\"\",0.000,0,0,0.00,,,0000000000000000,\"\""
#define JSON_A "{\"schema\": \"smpsim-batch/1\", \"input\": \"in\", \"items\": [\n  {\"photo\": \"a.jpg\", \"mask\": " \
               "\"a.mask.png\", \"mask_suggested\": false, \"status\": \"ok\", \"error\": \"\", \"outputs\": " \
               "[\"in/a.after.jpg\"], \"seconds\": 0.412, \"seed\": 1234567, \"dots\": 5321, \"density_cm2\": 60.00, " \
               "\"hash\": \"@H0\", \"delta_e_before\": 4.210, \"delta_e_after\": 1.870, \"notes\": [], " \
               "\"older_outputs\": [\"in/a.after.png\"]}\n]}\n"
#define JHEAD "# smpsim batch journal: outputs published before the report lists them\n"
#define SEP "====\n"
    static const struct {
        const char *name;
        int flags;
        const char *text;
    } resume[] = {
        {"report14", 0x01,
         HEAD14 ROW_A ",\"in/a.after.png\"\n" ROW_B ",\"\"\n" ROW_C ",\"\"\n" ROW_EARLIER ",\"\"\n" ROW_RUN ",\"\"\n" SEP
         JSON_A SEP},
        {"report13", 0x01, HEAD13 "\n" ROW_A "\n" ROW_B "\n" ROW_C "\n" SEP JSON_A SEP},
        {"report12-force-png", 0x10,
         HEAD12 "\n\"a.jpg\",\"a.mask.png\",ok,\"\",\"in/a.after.jpg\",0.4,1,2,60.00,,,@H0\n" SEP JSON_A},
        {"report-apart-metrics", 0x25,
         HEAD14 "\"a.jpg\",\"a.mask.png\",ok,\"\",\"out/a.after.jpg;out/a.after.metrics.json\",0.4,1,2,60.00,,,@H0,"
                "\"\",\"out/a.after.png\"\n" ROW_B ",\"\"\n" SEP
         "{\"schema\": \"smpsim-batch/1\", \"input\": \"in\", \"items\": []}\n" SEP},
        {"report-absolute", 0x21,
         HEAD14 "\"a.jpg\",\"a.mask.png\",ok,\"\",\"@O/a.after.jpg\",0.4,1,2,60.00,,,@H0,\"\",\"@O//a.after.png\"\n"
         "\"sub/./b.jpg\",\"sub/b_mask.png\",ok,\"\",\"@O/sub/b.after.jpg;@O/../x.jpg\",0.4,1,2,60.00,,,@H1,\"\",\"\"\n"
         SEP "{\"schema\": \"smpsim-batch/1\", \"input\": \"@N\", \"items\": []}\n" SEP},
        {"journal", 0x01,
         SEP SEP JHEAD "written,@I0,\"a.after.jpg\"\ndone,@H0,\"a.jpg\",\"\",1,@I0,\"a.after.jpg\"\n"
         "written,@I1,\"sub/b.after.jpg\"\ndone,@H1,\"sub/b.jpg\",\"density auto\nsoft edge\",1,@I1,\"sub/b.after.jpg\"\n"},
        {"journal-settle", 0xc1,
         HEAD14 ROW_A ",\"\"\n" SEP JSON_A SEP JHEAD "written,@I0,\"a.after.jpg\"\nwritten,@I2,\"a.after.png\"\n"
         "done,@H0,\"a.jpg\",\"\",1,@I0,\"a.after.jpg\"\nwritten,@I1,\"sub/b.after.jpg\"\n"},
        {"journal-killed-in-done", 0x41,
         SEP SEP JHEAD "written,@I0,\"a.after.jpg\"\ndone,@H0,\"a.jpg\",\"\",1,@I0,\"a.after.jpg\"\n"
         "written,@I1,\"sub/b.after.jpg\"\ndone,@H1,\"sub/b.jpg\",\"density au"},
        {"journal-killed-in-written", 0x01, SEP SEP JHEAD "written,@I0,\"a.after.jpg\"\nwritten,12,3"},
        {"journal-metrics-preview", 0x0d,
         SEP SEP JHEAD "written,@I0,\"a.after.jpg\"\nwritten,@I3,\"a.after.metrics.json\"\n"
         "done,@H0,\"a.jpg\",\"\",3,@I0,\"a.after.jpg\",@I2,\"a.after.png\",@I3,\"a.after.metrics.json\"\n"},
        {"journal-masks-auto", 0x43,
         SEP SEP JHEAD "written,1,2,3,4,5,\"c.after.jpg\"\n"
         "done,@H2,\"c.jpg\",\"mask suggested\",2,1,2,3,4,5,\"c.after.jpg\",1,2,3,4,6,\"c.suggested-mask.png\"\n"},
        {"report-truncated", 0x01,
         HEAD14 ROW_A ",\"in/a.after.png\"\n\"sub/b.jpg\",\"sub/b_mask.png\",ok,\"\",\"in/sub/b.af" SEP JSON_A},
        {"report-bom-crlf", 0x01,
         "\xEF\xBB\xBF" HEAD13 "\r\n\"'=a.jpg\",\"a.mask.png\",ok,\"\",\"in/a.after.jpg\",0.4,1,2,60.00,,,@H0,\"\"\r\n"
         "# not a row\r\n\r\n" ROW_B "\r\n" SEP},
        {"shards", 0x01,
         HEAD14 ROW_A ",\"\"\n" SEP JSON_A SEP JHEAD "written,@I0,\"a.after.jpg\"\n" SEP JHEAD
         "written,@I1,\"sub/b.after.jpg\"\ndone,@H1,\"sub/b.jpg\",\"\",1,@I1,\"sub/b.after.jpg\"\n" SEP
         HEAD14 ROW_B ",\"in/a.after.png\"\n"},
        {"json-escapes", 0x01,
         HEAD14 ROW_A ",\"\"\n" ROW_EARLIER ",\"\"\n" SEP
         "{\"schema\": \"smpsim-batch/1\", \"input\": \"i\\u006e/./\\\"q\\\\\\u0001\", \"items\": []}\n" SEP},
    };
    for (size_t i = 0; i < sizeof resume / sizeof *resume; i++) {
        size_t n = strlen(resume[i].text);
        char *b = malloc(n + 1);
        b[0] = (char)resume[i].flags;
        memcpy(b + 1, resume[i].text, n);
        put("resume", resume[i].name, b, n + 1);
        free(b);
    }

    static const char args1[] = "\x00" "90\0" "\x01" "0.15\0" "\x04" "30,70,100\0" "\x0c" "broken\0" "\x0d" "3y\0";
    static const char args2[] = "\x00" "auto\0" "\x0f" "2\0" "\x0e" "blue\0" "\x0a" "0.4\0" "\x07" "#2b2b2b\0";
    put("args", "valid1", args1, sizeof args1 - 1);
    put("args", "valid2", args2, sizeof args2 - 1);
}

int main(int argc, char **argv)
{
    dir = argc > 1 ? argv[1] : "fuzz/corpus";
    mkdir(dir, 0755);
    const struct CMUnitTest t[] = {cmocka_unit_test(run)};
    return cmocka_run_group_tests_name("mkcorpus", t, NULL, NULL);
}
