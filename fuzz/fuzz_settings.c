/* SPDX-License-Identifier: BSD-2-Clause */
/* --settings FILE (settings.c): the input's bytes are the file, read as
 * render and preview read it, on a command line with options typed before
 * and after it. Checked for each input:
 * - cli_settings_expand against a strict reader here (ref_read): the file
 *   is taken exactly when it is one JSON object of strings and numbers (a
 *   number's text as written, of the characters +-0123456789.eE: the
 *   option's parser reads it) whose strings hold no NUL (\u0000) and no
 *   half of a surrogate pair, and whose keys are notes (_...) or options
 *   taking a value other than settings and output. Taken, the command line
 *   is the typed options with "--key=value" of each option in the file's
 *   order in its place, each known to come from the file; refused, one
 *   message names the file and the exit is 2.
 * - The options as render's parse loop applies them (preview's for inputs
 *   of even size): a value refused says why, in lines that name the file
 *   and the key; the values taken lie in their documented ranges.
 * - Then the checks against a 64x48 photo made before any work: the loupe
 *   on the photo, and cli_prepare_mask (the scale, the hairline's and the
 *   measure's points; its mask file missing, so it stops at reading it).
 *   A file's value they refuse is the file's: the line names it and the
 *   key, and the exit is 2.
 * The time each takes is bounded by libFuzzer's -timeout. */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "masks.h"
#include "render_opts.h"
#include "settings.h"
#include "textout.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "tmproot.h"

/* render's options, as cmd_render.c parses them. */
static const struct option *const OPTS = cli_render_options;

static char path[300], mask_path[300];
static smp_image *photo;
static FILE *real_stderr; /* stderr is a buffer while the options apply */
enum { PHOTO_W = 64, PHOTO_H = 48 };

static void fail(const char *why)
{
    fprintf(real_stderr ? real_stderr : stderr, "fuzz_settings: %s\n", why);
    abort();
}

/* ---------------------------------------------------------------- the strict reader */

static const uint8_t *ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hex4(const uint8_t *p, const uint8_t *end, unsigned *cp)
{
    *cp = 0;
    for (int i = 0; i < 4; i++, p++) {
        if (p >= end)
            return 0;
        const int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                      : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
        if (d < 0)
            return 0;
        *cp = *cp * 16 + (unsigned)d;
    }
    return 1;
}

/* A JSON string at *pp (its opening quote) into out, as UTF-8; 0 when it is
 * not one, or holds what no argument can (a NUL, half a surrogate pair). */
static int ref_string(const uint8_t **pp, const uint8_t *end, sbuf *out)
{
    const uint8_t *p = *pp;
    if (p >= end || *p++ != '"')
        return 0;
    sb_add(out, "", 0);
    for (;;) {
        if (p >= end || *p < 0x20)
            return 0;
        const uint8_t c = *p++;
        if (c == '"')
            break;
        if (c != '\\') {
            sb_add(out, (const char *)&c, 1);
            continue;
        }
        if (p >= end)
            return 0;
        const uint8_t e = *p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            sb_add(out, &"\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"], 1);
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || !hex4(p, end, &cp) || cp == 0 || (cp >= 0xDC00 && cp < 0xE000))
            return 0;
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
            if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, end, &lo) || lo < 0xDC00 || lo >= 0xE000)
                return 0;
            p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        char u[4];
        int n;
        if (cp < 0x80) {
            u[0] = (char)cp;
            n = 1;
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | cp >> 6);
            u[1] = (char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            u[0] = (char)(0xE0 | cp >> 12);
            u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
            u[2] = (char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            u[0] = (char)(0xF0 | cp >> 18);
            u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
            u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
            u[3] = (char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        sb_add(out, u, (size_t)n);
    }
    *pp = p;
    return 1;
}

/* The arguments the file gives ("--key=value", in its order) into *args;
 * the count, or -1 when the file must be refused. */
static int ref_read(const uint8_t *d, size_t n, char ***args)
{
    *args = NULL;
    if (memchr(d, 0, n) || n > 65536)
        return -1;
    const uint8_t *p = ws(d, d + n), *end = d + n;
    int count = 0, cap = 0, ok = 0;
    if (p >= end || *p++ != '{')
        return -1;
    p = ws(p, end);
    if (p < end && *p == '}') {
        p++;
        ok = 1;
    }
    while (!ok) {
        sbuf key = {0}, value = {0};
        p = ws(p, end);
        int good = ref_string(&p, end, &key) && (p = ws(p, end)) < end && *p++ == ':';
        p = ws(p, end);
        if (good && p < end && *p == '"') {
            good = ref_string(&p, end, &value);
        } else if (good) {
            size_t k = 0;
            while (p + k < end && strchr("+-0123456789.eE", p[k]))
                k++;
            sb_add(&value, (const char *)p, k);
            p += k;
            good = k > 0;
        }
        if (good && key.s[0] != '_') {
            const struct option *o = OPTS;
            while (o->name && strcmp(o->name, key.s))
                o++;
            good = o->name && o->has_arg == required_argument && strcmp(key.s, "settings") && strcmp(key.s, "output");
            if (good && count + 1 >= cap) {
                cap = cap ? 2 * cap : 8;
                char **more = realloc(*args, (size_t)cap * sizeof *more);
                good = more != NULL;
                if (more)
                    *args = more;
            }
            if (good) {
                sbuf a = {0};
                sb_printf(&a, "--%s=%s", key.s, value.s);
                (*args)[count++] = a.s;
                (*args)[count] = NULL;
            }
        }
        good = good && !key.oom && !value.oom;
        sb_free(&key);
        sb_free(&value);
        p = ws(p, end);
        if (!good || p >= end || (*p != ',' && *p != '}'))
            break;
        ok = *p++ == '}';
    }
    if (ok && ws(p, end) == end)
        return count;
    for (int i = 0; i < count; i++)
        free((*args)[i]);
    free(*args);
    *args = NULL;
    return -1;
}

/* ---------------------------------------------------------------- messages */

static int n_said;
static char said_subject[400];

static void keep(void *ctx, const char *subject, const char *message)
{
    (void)ctx;
    (void)message;
    n_said++;
    snprintf(said_subject, sizeof said_subject, "%s", subject ? subject : "");
}

/* stderr as a buffer: what cli_error prints, as it prints it (the file and
 * key put in front of a file's value's message). */
static char *err_text;
static size_t err_len, err_seen;

/* The lines printed since the last call: each must start with one of the
 * prefixes (NULL-ended); returns their count. */
static int lines_since(const char *const prefixes[])
{
    fflush(stderr);
    int n = 0;
    for (size_t i = err_seen; i < err_len;) {
        const char *nl = memchr(err_text + i, '\n', err_len - i);
        const size_t len = nl ? (size_t)(nl - (err_text + i)) : err_len - i;
        int fits = 0;
        for (int k = 0; prefixes[k] && !fits; k++)
            fits = len >= strlen(prefixes[k]) && !memcmp(err_text + i, prefixes[k], strlen(prefixes[k]));
        if (!fits) {
            fprintf(real_stderr, "fuzz_settings: the line '%.*s' names neither the file and key nor what it should\n",
                    (int)len, err_text + i);
            abort();
        }
        n++;
        i += len + 1;
    }
    err_seen = err_len;
    return n;
}

/* ---------------------------------------------------------------- the run */

static int setup(void)
{
    if (fuzz_make_root("settings"))
        return -1;
    snprintf(path, sizeof path, "%s/s.json", fuzz_root);
    snprintf(mask_path, sizeof mask_path, "%s/none.png", fuzz_root); /* never made: the run stops there */
    photo = smp_image_new();
    if (!photo || smp_image_alloc(photo, PHOTO_W, PHOTO_H, 3) != SMP_OK)
        return -1;
    memset(smp_image_data(photo), 150, (size_t)PHOTO_W * PHOTO_H * 3);
    return 0;
}

/* The values taken, within their documented ranges (smpsim.h). */
static void check_ranges(const smp_params *p, const cli_mask_opts *mo)
{
    double v[SMP_MAX_LAYERS], x, y;
    const double ppm = smp_params_px_per_mm(p);
    if (!(smp_params_density(p) >= 1 && smp_params_density(p) <= 400) ||
        !(smp_params_dot_diameter(p) >= 0.02 && smp_params_dot_diameter(p) <= 1) ||
        !(smp_params_regularity(p) >= 0.3 && smp_params_regularity(p) <= 0.77) ||
        !(ppm == 0 || (ppm >= 0.5 && ppm <= 1000)) ||
        !(smp_params_feather(p) >= 0 && smp_params_feather(p) <= 50) ||
        !(smp_params_opacity(p) >= 0 && smp_params_opacity(p) <= 1) ||
        smp_params_jpeg_quality(p) < 1 || smp_params_jpeg_quality(p) > 100 ||
        smp_params_show_session(p) < 0 || smp_params_show_session(p) > SMP_MAX_LAYERS)
        fail("a value taken lies outside its range");
    const int nl = smp_params_layers(p, v);
    for (int k = 0; k < nl; k++)
        if (!(v[k] > (k ? v[k - 1] : 0) && v[k] <= 100))
            fail("layers taken that do not rise to at most 100");
    if (smp_params_loupe(p, &x, &y) == SMP_LOUPE_AT && !(x >= 0 && y >= 0 && x < 1e6 && y < 1e6))
        fail("a loupe point taken outside 0..1e6");
    /* Points: "x,y" each, so as many commas as points (strtod takes none). */
    int commas = 0;
    for (const char *s = mo->hairline; s && *s; s++)
        commas += *s == ',';
    if (mo->hairline && (commas < 2 || commas > 9))
        fail("--hairline taken with other than 2 to 9 points");
    commas = 0;
    for (const char *s = mo->measure; s && *s && *s != '='; s++)
        commas += *s == ',';
    if (mo->measure && (commas != 2 || !strchr(mo->measure, '=')))
        fail("--measure taken without its 2 points and mm");
}

static int fuzz_one(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0)
        ready = setup() == 0;
    if (!ready)
        return 0;
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        return 0;

    /* 1. The file read, against the strict reader. */
    char **want;
    const int n_want = ref_read(data, size, &want);
    char setting_eq[320];
    snprintf(setting_eq, sizeof setting_eq, "--settings=%s", path);
    char *typed_sep[] = {"smpsim", "--density=5", "--settings", path, "--seed", "9", NULL};
    char *typed_eq[] = {"smpsim", "--density=5", setting_eq, "--seed", "9", NULL};
    char **argv = size & 2 ? typed_eq : typed_sep;
    int argc = size & 2 ? 5 : 6;
    n_said = 0;
    cli_capture(keep, NULL);
    const int rc = cli_settings_expand(&argc, &argv, OPTS);
    cli_capture(NULL, NULL);
    if (n_want < 0) {
        if (rc != EXIT_INPUT || n_said != 1 || strcmp(said_subject, path))
            fail("a file the strict reader refuses was not refused with one message naming it, exit 2");
        return 0;
    }
    if (rc != 0 || n_said)
        fail("a file the strict reader takes was refused");
    if (argc != 4 + n_want || strcmp(argv[0], "smpsim") || strcmp(argv[1], "--density=5") ||
        strcmp(argv[argc - 2], "--seed") || strcmp(argv[argc - 1], "9") || argv[argc])
        fail("the typed options moved");
    for (int i = 0; i < argc; i++) {
        const int from_file = i >= 2 && i < 2 + n_want;
        const char *file = cli_settings_file_of(argv[i]);
        if (from_file ? !file || strcmp(file, path) || strcmp(argv[i], want[i - 2]) : file != NULL)
            fail("an argument is not the file's option as the strict reader reads it");
    }
    for (int i = 0; i < n_want; i++)
        free(want[i]);
    free(want);

    /* 2. The options applied as render's (or preview's) parse loop does. */
    real_stderr = stderr;
    stderr = open_memstream(&err_text, &err_len);
    if (!stderr) {
        stderr = real_stderr;
        cli_settings_free(argv);
        return 0;
    }
    err_seen = 0;
    const int preview = !(size & 1);
    smp_params *p = smp_params_new();
    cli_mask_opts mo = {0};
    int c, all_ok = 1;
    char file_prefix[sizeof path + CLI_SETTING_KEY + 40];
    optind = 0;
    while (p && (c = getopt_long(argc, argv, "o:fvh", OPTS, NULL)) != -1) {
        char key[CLI_SETTING_KEY];
        const char *file = cli_settings_enter(argv[optind - 1], key);
        cli_settings_record(c, argv[optind - 1]);
        snprintf(file_prefix, sizeof file_prefix, "smpsim: %s: settings: \"%s\": ", path, key);
        int ok = 1;
        double lo, hi;
        switch (c) {
        case OPT_REFERENCE:
        case OPT_SCARS:
        case OPT_METRICS:
        case OPT_DOTS:
        case OPT_MAP: break; /* paths */
        case OPT_RANGE: ok = cli_parse_range("--density-range", optarg, &lo, &hi); break;
        default:
            if (c < CLI_OPT_DENSITY)
                fail("an option getopt did not take");
            if ((ok = cli_mask_option(c, optarg, &mo)) >= 0)
                break;
            ok = 1;
            if (c >= CLI_OPT_LAYOUT && c <= CLI_OPT_LOUPE_ZOOM && !preview) {
                const struct option *o = OPTS;
                while (o->name && o->val != c)
                    o++;
                cli_error(NULL, "--%s is a preview option", o->name);
                ok = 0;
                break;
            }
            ok = cli_param_option(c, optarg, p);
        }
        cli_error_in_setting(NULL, NULL);
        const char *const named[] = {file ? file_prefix : "smpsim: --", NULL};
        const int lines = lines_since(named);
        if (ok ? lines != 0 : lines == 0)
            fail(ok ? "a value taken with a message" : "a value refused without a message");
        if (!ok) {
            all_ok = 0;
            break;
        }
    }

    /* 3. The checks against the photo before any work. */
    if (p && all_ok) {
        check_ranges(p, &mo);
        char loupe_prefix[sizeof path + 40], setting_prefix[sizeof path + 40], mask_prefix[sizeof mask_path + 20],
            photo_prefix[64];
        snprintf(loupe_prefix, sizeof loupe_prefix, "smpsim: %s: settings: \"loupe\": ", path);
        snprintf(setting_prefix, sizeof setting_prefix, "smpsim: %s: settings: \"", path);
        snprintf(mask_prefix, sizeof mask_prefix, "smpsim: %s: ", mask_path);
        snprintf(photo_prefix, sizeof photo_prefix, "smpsim: photo.png: ");
        const char *const loupe_only[] = {loupe_prefix, NULL};
        int r = cli_preview_check_photo(p, photo);
        cli_error_in_setting(NULL, NULL);
        if ((r != 0) != (lines_since(loupe_only) != 0) || (r && r != EXIT_INPUT))
            fail("a file's loupe off the photo not refused as the file's, exit 2");
        /* A hairline file's messages name that file (fuzz_points reads it). */
        if (!r && !mo.hairline_file) {
            smp_image *mask = smp_image_new();
            r = mask ? cli_prepare_mask(mask, mask_path, photo, "photo.png", p, &mo, NULL, 0) : EXIT_INPUT;
            smp_image_free(mask);
            cli_error_in_setting(NULL, NULL);
            /* The file's values refused name it; else the photo's analysis
             * or the missing mask end the run. */
            const char *const expected[] = {setting_prefix, mask_prefix, photo_prefix, NULL};
            if (!lines_since(expected) || r != EXIT_INPUT)
                fail("cli_prepare_mask refused a file's value without naming the file, or not with exit 2");
        }
    }
    fclose(stderr);
    stderr = real_stderr;
    free(err_text);
    err_text = NULL;
    err_len = 0;
    smp_params_free(p);
    cli_settings_free(argv);
    return 0;
}
