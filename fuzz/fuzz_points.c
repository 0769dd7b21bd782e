/* SPDX-License-Identifier: BSD-2-Clause */
/* The points the command line reads in photo pixels (masks.c,
 * preview_opts.c): a --hairline-file's JSON, and the strings of --hairline,
 * --measure and --loupe, each taken by its option (cli_mask_option,
 * cli_preview_option) and checked against a 64x48 photo before any work
 * (cli_prepare_mask, its mask file missing so that it stops at reading it;
 * cli_preview_check_photo). Every outcome is checked against readers here
 * that follow each format's own description:
 * - the file: at most 4 KiB of JSON, [[x1,y1],[x2,y2],...] of JSON numbers
 *   (RFC 8259's grammar; finite); 3 to 9 points, or 2 temple points with
 *   --hairline-template; each on the photo. Else one message naming the
 *   file says which of these it is (the count it found, the first point
 *   off the photo), exit 2.
 * - --hairline: "x1,y1 x2,y2 ..." (spaces, tabs or ';' between points, each
 *   number as strtod reads it whole after any white space, finite); refused by the option unless
 *   2..9 points, then by the count (3..9, or 2 with a template) and the
 *   photo; --measure: "x1,y1 x2,y2=MM", 2 points at least 2 px apart,
 *   0 < MM < 10000, on the photo, and a scale (their distance over MM) of
 *   0.5..1000 px/mm, which the params then hold; --loupe: auto, off or X,Y
 *   in 0..1e6 on the photo (glibc's sscanf also takes "1e,5": any X,Y it
 *   takes lies in range and on the photo).
 * Input: a byte (its low 2 bits: the file, --hairline, --measure or
 * --loupe; bit 2: with --hairline-template straight), then the text (a
 * typed value ends at its first NUL). */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "masks.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "tmproot.h"

enum { MODE_FILE = 0, MODE_HAIRLINE, MODE_MEASURE, MODE_LOUPE, F_TEMPLATE = 4 };
enum { PHOTO_W = 64, PHOTO_H = 48, FILE_MAX = 4096 };

static char path[300], mask_path[300];
static smp_image *photo;

static void fail(const char *why, const char *detail)
{
    fprintf(stderr, "fuzz_points: %s%s%s\n", why, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* ---------------------------------------------------------------- messages */

#define SAID_MAX 4
static int n_said;
static char said[SAID_MAX][512], said_subject[SAID_MAX][320];

static void keep(void *ctx, const char *subject, const char *message)
{
    (void)ctx;
    if (n_said < SAID_MAX) {
        snprintf(said[n_said], sizeof said[n_said], "%s", message);
        snprintf(said_subject[n_said], sizeof said_subject[n_said], "%s", subject ? subject : "");
    }
    n_said++;
}

/* Exactly one message since the last call, about subject ("" for none),
 * starting with start (NULL: any). */
static void expect_said(const char *subject, const char *start, const char *what)
{
    char detail[1200];
    snprintf(detail, sizeof detail, "%d messages, the first '%s: %s'; wanted '%s: %s...'", n_said,
             n_said ? said_subject[0] : "", n_said ? said[0] : "", subject, start ? start : "");
    if (n_said != 1 || strcmp(said_subject[0], subject) || (start && strncmp(said[0], start, strlen(start))))
        fail(what, detail);
    n_said = 0;
}

/* ---------------------------------------------------------------- the readers here */

/* A number as strtod reads it, the whole of s[0..n), finite. */
static int whole_number(const char *s, size_t n, double *v)
{
    char *buf = n ? malloc(n + 1) : NULL, *end = NULL;
    if (!buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    *v = strtod(buf, &end);
    const int whole = end == buf + n && isfinite(*v);
    free(buf);
    return whole;
}

/* "x1,y1 x2,y2 ...": points between runs of ' ', '\t' and ';', each "x,y"
 * (each number may follow white space, as strtod skips it: "1,1;\n 2, 2").
 * The count (the first max stored), or -1. */
static int typed_points(const char *s, double *xy, int max)
{
    int n = 0;
    for (;;) {
        s += strspn(s, " \t;");
        if (!*s)
            return n;
        s += strspn(s, " \t\n\v\f\r");
        const size_t xlen = strcspn(s, " \t;,");
        double x, y;
        if (s[xlen] != ',' || !whole_number(s, xlen, &x))
            return -1;
        s += xlen + 1;
        s += strspn(s, " \t\n\v\f\r");
        const size_t ylen = strcspn(s, " \t;");
        if (!whole_number(s, ylen, &y))
            return -1;
        if (n < max) {
            xy[2 * n] = x;
            xy[2 * n + 1] = y;
        }
        n++;
        s += ylen;
    }
}

static const uint8_t *ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int digits(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *s = *p;
    while (*p < end && **p >= '0' && **p <= '9')
        (*p)++;
    return *p > s;
}

/* An RFC 8259 number, finite as a double. */
static int json_number(const uint8_t **pp, const uint8_t *end, double *v)
{
    const uint8_t *p = *pp;
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (!digits(&p, end))
        return 0;
    if (p < end && *p == '.' && (p++, !digits(&p, end)))
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!digits(&p, end))
            return 0;
    }
    if (!whole_number((const char *)*pp, (size_t)(p - *pp), v))
        return 0;
    *pp = p;
    return 1;
}

/* [[x1,y1],...]: the count (the first max stored), or -1. */
static int json_points(const uint8_t *d, size_t size, double *xy, int max)
{
    const uint8_t *p = ws(d, d + size), *end = d + size;
    int n = 0;
    if (memchr(d, 0, size) || p >= end || *p++ != '[')
        return -1;
    p = ws(p, end);
    if (p < end && *p == ']')
        return ws(p + 1, end) == end ? 0 : -1;
    for (;;) {
        double v[2];
        if (p >= end || *p++ != '[')
            return -1;
        for (int i = 0; i < 2; i++) {
            p = ws(p, end);
            if (!json_number(&p, end, &v[i]))
                return -1;
            p = ws(p, end);
            if (p >= end || *p++ != (i ? ']' : ','))
                return -1;
        }
        if (n < max) {
            xy[2 * n] = v[0];
            xy[2 * n + 1] = v[1];
        }
        n++;
        p = ws(p, end);
        if (p < end && *p == ']')
            return ws(p + 1, end) == end ? n : -1;
        if (p >= end || *p++ != ',')
            return -1;
        p = ws(p, end);
    }
}

/* The first of n points off the photo, or -1. */
static int off_photo(const double *xy, int n)
{
    for (int i = 0; i < n; i++)
        if (!(xy[2 * i] >= 0 && xy[2 * i + 1] >= 0 && xy[2 * i] < PHOTO_W && xy[2 * i + 1] < PHOTO_H))
            return i;
    return -1;
}

/* ---------------------------------------------------------------- the run */

static int setup(void)
{
    if (fuzz_make_root("points"))
        return -1;
    snprintf(path, sizeof path, "%s/hairline.json", fuzz_root);
    snprintf(mask_path, sizeof mask_path, "%s/none.png", fuzz_root); /* never made: the run stops there */
    photo = smp_image_new();
    if (!photo || smp_image_alloc(photo, PHOTO_W, PHOTO_H, 3) != SMP_OK)
        return -1;
    memset(smp_image_data(photo), 150, (size_t)PHOTO_W * PHOTO_H * 3);
    cli_capture(keep, NULL);
    return 0;
}

/* cli_prepare_mask with the options; its exit code. */
static int prepare(smp_params *p, const cli_mask_opts *o)
{
    smp_image *mask = smp_image_new();
    const int rc = mask ? cli_prepare_mask(mask, mask_path, photo, "photo.png", p, o, NULL, 0) : -1;
    smp_image_free(mask);
    if (rc < 0)
        fail("out of memory", NULL);
    return rc;
}

/* The run got past the points: it stops at the missing mask. */
static void expect_mask_missing(int rc)
{
    if (rc != EXIT_INPUT)
        fail("the missing mask not exit 2", NULL);
    expect_said(mask_path, NULL, "points taken, and the run did not stop at the missing mask alone");
}

static void hairline_file(const uint8_t *d, size_t size, int template)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(d, 1, size, f) != size) || fclose(f) != 0)
        return;
    cli_mask_opts o = {.hairline_file = path, .template_name = template ? "straight" : NULL};
    smp_params *p = smp_params_new();
    if (!p)
        return;
    const int rc = prepare(p, &o);
    smp_params_free(p);
    double xy[18];
    const int n = size > FILE_MAX ? -2 : json_points(d, size, xy, 9);
    char start[200];
    if (n < 0 || (template ? n != 2 : n < 3 || n > 9) || off_photo(xy, n) >= 0) {
        if (rc != EXIT_INPUT)
            fail("a hairline file refused, not exit 2", NULL);
        if (n == -2)
            snprintf(start, sizeof start, "--hairline-file: larger than 4 KiB");
        else if (n < 0)
            snprintf(start, sizeof start, "--hairline-file: malformed JSON");
        else if (template && n != 2)
            snprintf(start, sizeof start, "--hairline-template takes the 2 temple points in --hairline, not %d", n);
        else if (!template && (n < 3 || n > 9))
            snprintf(start, sizeof start, "a hairline takes 3 to 9 points, not %d", n);
        else
            snprintf(start, sizeof start, "--hairline-file: the point %g,%g lies outside", xy[2 * off_photo(xy, n)],
                     xy[2 * off_photo(xy, n) + 1]);
        expect_said(path, start, "a hairline file not refused as its own reader would");
        return;
    }
    expect_mask_missing(rc);
}

static void hairline_typed(const char *value, int template)
{
    cli_mask_opts o = {0};
    double xy[18];
    const int n = typed_points(value, xy, 9);
    const int taken = cli_mask_option(CLI_OPT_HAIRLINE, value, &o);
    if (taken != (n >= 2 && n <= 9))
        fail(taken ? "--hairline took what is not 2 to 9 points" : "--hairline refused 2 to 9 points", value);
    if (!taken) {
        expect_said("", "--hairline: '", "--hairline refused without saying why");
        return;
    }
    if (n_said)
        fail("--hairline taken with a message", value);
    if (template)
        cli_mask_option(CLI_OPT_TEMPLATE, "straight", &o);
    smp_params *p = smp_params_new();
    if (!p)
        return;
    const int rc = prepare(p, &o);
    smp_params_free(p);
    char start[200];
    if ((template ? n != 2 : n < 3) || off_photo(xy, n) >= 0) {
        if (rc != EXIT_USAGE)
            fail("--hairline refused, not exit 1", value);
        if (template && n != 2)
            snprintf(start, sizeof start, "--hairline-template takes the 2 temple points in --hairline, not %d", n);
        else if (!template && n < 3)
            snprintf(start, sizeof start, "a hairline takes 3 to 9 points, not %d", n);
        else
            snprintf(start, sizeof start, "--hairline: the point %g,%g lies outside", xy[2 * off_photo(xy, n)],
                     xy[2 * off_photo(xy, n) + 1]);
        expect_said("", start, "--hairline not refused as its own reader would");
        return;
    }
    expect_mask_missing(rc);
}

static void measure_typed(const char *value)
{
    cli_mask_opts o = {0};
    double xy[4] = {0, 0, 0, 0}, mm = 0;
    const char *eq = strrchr(value, '=');
    int n = -1;
    if (eq && eq - value < 256) {
        char pts[256];
        memcpy(pts, value, (size_t)(eq - value));
        pts[eq - value] = 0;
        n = typed_points(pts, xy, 2);
    }
    const int well_formed = n == 2 && whole_number(eq + 1, strlen(eq + 1), &mm) && mm > 0 && mm < 10000 &&
                            hypot(xy[2] - xy[0], xy[3] - xy[1]) >= 2;
    const int taken = cli_mask_option(CLI_OPT_MEASURE, value, &o);
    if (taken != well_formed)
        fail(taken ? "--measure took what is not 2 points and mm" : "--measure refused 2 points and mm", value);
    if (!taken) {
        expect_said("", "--measure: '", "--measure refused without saying why");
        return;
    }
    if (n_said)
        fail("--measure taken with a message", value);
    smp_params *p = smp_params_new();
    if (!p)
        return;
    const int rc = prepare(p, &o);
    const double ppm = hypot(xy[2] - xy[0], xy[3] - xy[1]) / mm, got = smp_params_px_per_mm(p);
    smp_params_free(p);
    char start[200];
    if (off_photo(xy, 2) >= 0) {
        snprintf(start, sizeof start, "--measure: the point %g,%g lies outside", xy[2 * off_photo(xy, 2)],
                 xy[2 * off_photo(xy, 2) + 1]);
        expect_said("", start, "--measure off the photo not refused as its own reader would");
    } else if (!(ppm >= 0.5 && ppm <= 1000)) {
        expect_said("", "--measure: scale ", "--measure's scale outside 0.5..1000 not refused");
    } else {
        if (got != ppm)
            fail("--measure's scale is not the points' distance over the mm", value);
        expect_mask_missing(rc);
        return;
    }
    if (rc != EXIT_USAGE)
        fail("--measure refused, not exit 1", value);
}

static void loupe_typed(const char *value)
{
    double x, y;
    const char *comma = strchr(value, ',');
    const int named = !strcmp(value, "auto") || !strcmp(value, "off");
    const int well_formed = named || (comma && whole_number(value, (size_t)(comma - value), &x) &&
                                      whole_number(comma + 1, strlen(comma + 1), &y) && x >= 0 && y >= 0 &&
                                      x < 1e6 && y < 1e6);
    smp_params *p = smp_params_new();
    if (!p)
        return;
    const int taken = cli_preview_option(CLI_OPT_LOUPE, value, p);
    if (well_formed && !taken)
        fail("--loupe refused auto, off or X,Y in range", value);
    if (!taken) {
        expect_said("", "--loupe: '", "--loupe refused without saying why");
        smp_params_free(p);
        return;
    }
    double gx, gy;
    const smp_loupe mode = smp_params_loupe(p, &gx, &gy);
    if (named ? mode != (strcmp(value, "off") ? SMP_LOUPE_AUTO : SMP_LOUPE_OFF)
              : mode != SMP_LOUPE_AT || !(gx >= 0 && gy >= 0 && gx < 1e6 && gy < 1e6) ||
                    (well_formed && (gx != x || gy != y)))
        fail("--loupe took another point than X,Y, or one outside 0..1e6", value);
    const int rc = cli_preview_check_photo(p, photo);
    smp_params_free(p);
    const int off = mode == SMP_LOUPE_AT && !(gx < PHOTO_W && gy < PHOTO_H);
    if (off) {
        if (rc != EXIT_USAGE)
            fail("--loupe off the photo not refused, exit 1", value);
        expect_said("", "--loupe: ", "--loupe off the photo refused without saying why");
    } else if (rc || n_said) {
        fail("--loupe on the photo refused", value);
    }
}

static int fuzz_one(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0)
        ready = setup() == 0;
    if (!ready || !size)
        return 0;
    const int mode = data[0] & 3, template = !!(data[0] & F_TEMPLATE);
    data++;
    size--;
    n_said = 0;
    if (mode == MODE_FILE) {
        hairline_file(data, size, template);
        return 0;
    }
    char *value = malloc(size + 1);
    if (!value)
        return 0;
    memcpy(value, data, size);
    value[size] = 0;
    if (mode == MODE_HAIRLINE)
        hairline_typed(value, template);
    else if (mode == MODE_MEASURE)
        measure_typed(value);
    else
        loupe_typed(value);
    free(value);
    return 0;
}
