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

    /* settings: a --settings file (fuzz_settings.c: render reads inputs of odd size, preview even ones). */
    static const char *const settings[][2] = {
        {"studio", "{\n  \"seed\": 7, \"density\": 130, \"dot\": \"0.3\", \"dilution\": 0.4, \"sessions\": 3, \"session\": 2,\n"
                   "  \"age\": \"5y\", \"edge\": \"soft\", \"regularity\": 0.65, \"px-per-mm\": 4,\n"
                   "  \"_studio\": \"a note: caf\\u00e9 \\\"quoted\\\"\"\n}\n"},
        {"look", "{\"feather\": 2, \"opacity\": 0.7, \"pigment\": \"#2b2b2b\", \"quality\": 90, \"max-pixels\": 1000000, "
                 "\"cast\": \"blue\", \"age\": \"fresh\", \"layers\": \"30,70,100\", \"session-split\": \"25,60,100\", "
                 "\"density\": \"auto\", \"dot\": \"auto\", \"dilution\": \"auto\"}"},
        {"preview", "{\"layout\": \"split\", \"split-at\": 0.3, \"max-size\": 800, \"caption\": \"Client \\u00e9\\u20ac\", "
                    "\"date\": \"none\", \"loupe\": \"30,20\", \"loupe-zoom\": 4 }"},
        {"paths", "{\"reference\": \"ref.png\", \"scar-mask\": \"s.png\", \"metrics\": \"m.json\", \"dots\": \"d.csv\", "
                  "\"density-map\": \"map.png\", \"density-range\": \"10:80\"}"},
        {"hairline", "{\"hairline\": \"5,40 30,10;60,40\", \"_photo\": \"a.jpg\"}"},
        {"template", "{\"hairline\": \"10,20 50,20\", \"hairline-template\": \"rounded\"}"},
        {"measure", "{\"measure\": \"0,0 40,0=10\"}"},
        {"measure-and-scale", "{\"measure\": \"0,0 40,0=10\", \"px-per-mm\": 4}"},
        {"auto-paint", "{\"px-per-mm\": \"auto\", \"mask-paint\": \"#00ff00\"}"},
        {"loupe-off-photo", "{\"loupe\": \"900,10\", \"layout\": \"side\"}"},
        {"session-past", "{\"sessions\": 3, \"session\": 5}"},
        {"escapes", "{\"caption\": \"a\\\"b\\\\c\\/d\\u0041\\u00DF\", \"_n\": \"\\b\\f\\n\\r\\t\"}"},
        {"empty", " {\r\n\t} "},
        {"numbers", "{\"density\": -1e2, \"seed\": +12, \"dot\": 1.2.3}"},
        {"trailing-comma", "{\"density\": 100,}"},
        {"no-colon", "{\"density\" 100}"},
        {"cut", "{\"density\": 100"},
        {"unknown", "{\"densty\": 100}"},
        {"flag", "{\"force\": \"1\"}"},
        {"settings-key", "{\"settings\": \"other.json\"}"},
        {"nested", "{\"density\": [100]}"},
        {"literal", "{\"density\": true}"},
        {"after", "{} {}"},
        {"bom", "\xEF\xBB\xBF{\"seed\": 1}"},
        {"bad-escape", "{\"caption\": \"\\x41\"}"},
        {"short-u", "{\"caption\": \"\\u00e\"}"},
        {"control", "{\"caption\": \"a\tb\"}"},
    };
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
        put("settings", settings[i][0], settings[i][1], strlen(settings[i][1]));

    /* points: a mode byte (fuzz_points.c: 0 a --hairline-file, 1 --hairline, 2 --measure, 3 --loupe;
     * +4 with --hairline-template), then the text; the photo is 64x48. */
    static const char *const points[][2] = {
        {"file", "\x00[[10,10],[20,20],[30,30]]"},
        {"file-spaces", "\x00 [ [10, 20.5], [30,4.5e1],\n  [63 ,47] ]\n"},
        {"file-nine", "\x00[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7],[8,8],[9,9]]"},
        {"file-ten", "\x00[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7],[8,8],[9,9],[10,10]]"},
        {"file-template", "\x04[[5,30],[60,30]]"},
        {"file-two", "\x00[[5,30],[60,30]]"},
        {"file-off", "\x00[[10,10],[20,20],[64,30]]"},
        {"file-negative", "\x00[[-0,0],[1E+1,2e-1],[-1,3]]"},
        {"file-empty", "\x00[]"},
        {"file-hex", "\x00[[0x10,2],[3,4],[5,6]]"},
        {"file-cut", "\x00[[10,10],[20,20]"},
        {"file-three-numbers", "\x00[[1,2,3],[3,4],[5,6]]"},
        {"file-flat", "\x00[1,2,3,4,5,6]"},
        {"file-object", "\x00{\"points\": [[1,2],[3,4],[5,6]]}"},
        {"file-junk", "\x00[[1,2],[3,4],[5,6]] x"},
        {"file-huge", "\x00[[1e400,2],[3,4],[5,6]]"},
        {"file-leading-zero", "\x00[[01,2],[3,4],[5,6]]"},
        {"hairline", "\x01" "5,40 30,10;60,40\t63,47"},
        {"hairline-template", "\x05" "5,30 60,30"},
        {"hairline-two", "\x01" "5,30 60,30"},
        {"hairline-ten", "\x01" "1,1 2,2 3,3 4,4 5,5 6,6 7,7 8,8 9,9 10,10"},
        {"hairline-off", "\x01" "5,40 30,10 1e3,5"},
        {"hairline-inf", "\x01" "5,40 30,10 inf,5"},
        {"hairline-three-numbers", "\x01" "1,2,3 4,5 6,7"},
        {"hairline-spaced", "\x01" "1, 2 4,\n5 6,7"},
        {"hairline-white-space", "\x01" "1,1;\f\n 2, 2 3,\t3"},
        {"measure", "\x02" "0,0 40,0=10"},
        {"measure-scale", "\x02" "10,10 12,10=100"},
        {"measure-off", "\x02" "0,0 400,0=10"},
        {"measure-close", "\x02" "0,0 1,1=10"},
        {"measure-no-mm", "\x02" "0,0 40,0"},
        {"measure-zero", "\x02" "0,0 40,0=0"},
        {"measure-hex", "\x02" "0x10,0 0x20,0=0x1p2"},
        {"loupe", "\x03" "30,20"},
        {"loupe-auto", "\x03" "auto"},
        {"loupe-off", "\x03" "off"},
        {"loupe-off-photo", "\x03" "30,200"},
        {"loupe-negative", "\x03" "-1,5"},
        {"loupe-exponent", "\x03" "1e,5"},
        {"loupe-space", "\x03" " 3, 4"},
    };
    for (size_t i = 0; i < sizeof points / sizeof *points; i++)
        put("points", points[i][0], points[i][1], 1 + strlen(points[i][1] + 1));

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
