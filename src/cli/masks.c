/* SPDX-License-Identifier: BSD-2-Clause */
/* Masks and scale from the photo (see masks.h). */
#include "masks.h"
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OFF_SCALP_WARN 0.3 /* warn when this share of a mask is off the scalp */

/* Points "x1,y1 x2,y2 ..." (spaces or ';' between points). Returns the
 * count, or -1 when malformed or more than max. */
static int parse_points(const char *s, double *xy, int max)
{
    int n = 0;
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == ';' || *p == '\t')
            p++;
        if (!*p)
            return n;
        if (n == max)
            return -1;
        char *end;
        double x = strtod(p, &end);
        if (end == p || *end != ',')
            return -1;
        p = end + 1;
        double y = strtod(p, &end);
        if (end == p || !isfinite(x) || !isfinite(y))
            return -1;
        xy[2 * n] = x;
        xy[2 * n + 1] = y;
        n++;
        p = end;
        if (*p && *p != ' ' && *p != ';' && *p != '\t')
            return -1;
    }
}

/* A JSON number at *p (its grammar: strtod alone takes "inf", hex, "+1"). */
static int json_number(const char **p, double *v)
{
    const char *s = *p;
    s += *s == '-';
    if (!isdigit((unsigned char)*s))
        return 0;
    s += *s == '0' ? 1 : strspn(s, "0123456789");
    if (*s == '.') {
        if (!isdigit((unsigned char)*++s))
            return 0;
        s += strspn(s, "0123456789");
    }
    if (*s == 'e' || *s == 'E') {
        s += 1 + (s[1] == '+' || s[1] == '-');
        if (!isdigit((unsigned char)*s))
            return 0;
        s += strspn(s, "0123456789");
    }
    *v = strtod(*p, NULL);
    *p = s;
    return isfinite(*v);
}

/* A JSON array of [x, y] pairs, [[x1,y1],[x2,y2],...]: the count of points
 * (the first max stored), -1 when the text is not that, -2 when the file
 * cannot be opened (errno says why), -3 when it is too long for one. */
static int read_points_file(const char *path, double *xy, int max)
{
    FILE *f = cli_fopen_regular(path, "rb"); /* a FIFO is refused, not waited on */
    if (!f)
        return -2;
    char buf[4096 + 1];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    int big = len == sizeof buf - 1 && fgetc(f) != EOF; /* a byte past 4 KiB (feof alone refused 4095 bytes) */
    fclose(f);
    if (big)
        return -3;
    buf[len] = 0;
    if (strlen(buf) != len)
        return -1;
    const char *p = buf + strspn(buf, " \t\r\n");
    int n = 0;
    if (*p++ != '[')
        return -1;
    p += strspn(p, " \t\r\n");
    if (*p == ']')
        p++;
    else
        for (;;) {
            double v[2];
            if (*p++ != '[')
                return -1;
            for (int i = 0; i < 2; i++) {
                p += strspn(p, " \t\r\n");
                if (!json_number(&p, &v[i]))
                    return -1;
                p += strspn(p, " \t\r\n");
                if (*p++ != (i ? ']' : ','))
                    return -1;
            }
            if (n < max) {
                xy[2 * n] = v[0];
                xy[2 * n + 1] = v[1];
            }
            n++;
            p += strspn(p, " \t\r\n");
            if (*p == ']') {
                p++;
                break;
            }
            if (*p++ != ',')
                return -1;
            p += strspn(p, " \t\r\n");
        }
    p += strspn(p, " \t\r\n");
    return *p ? -1 : n;
}

int cli_mask_option(int c, const char *value, cli_mask_opts *o)
{
    uint8_t rgb[3];
    double xy[4], mm;
    switch (c) {
    case CLI_OPT_PPM:
        o->ppm_auto = !strcmp(value, "auto");
        o->ppm_given = !o->ppm_auto; /* noted, and set by cli_param_option: --measure must not override it */
        return o->ppm_auto ? 1 : -1;
    case CLI_OPT_MASK_PAINT:
        if (!cli_parse_colour("--mask-paint", value, rgb))
            return 0;
        o->paint = value;
        return 1;
    case CLI_OPT_MEASURE: {
        const char *eq = strrchr(value, '=');
        char pts[256];
        if (!eq || (size_t)(eq - value) >= sizeof pts)
            goto bad_measure;
        memcpy(pts, value, (size_t)(eq - value));
        pts[eq - value] = 0;
        char *end;
        mm = strtod(eq + 1, &end);
        if (*end || !(mm > 0 && mm < 10000) || parse_points(pts, xy, 2) != 2 ||
            hypot(xy[2] - xy[0], xy[3] - xy[1]) < 2)
            goto bad_measure;
        o->measure = value;
        return 1;
    bad_measure:
        cli_error(NULL, "--measure: '%s' is not \"x1,y1 x2,y2=MM\" (two points in photo pixels at least 2 px "
                        "apart, and their distance in mm)", value);
        return 0;
    }
    case CLI_OPT_HAIRLINE: {
        double pts[18];
        int n = parse_points(value, pts, 9);
        if (n < 2) {
            cli_error(NULL, "--hairline: '%s' is not 3 to 9 points \"x1,y1 x2,y2 ...\" in photo pixels (or 2 "
                            "temple points with --hairline-template)", value);
            return 0;
        }
        o->hairline = value;
        return 1;
    }
    case CLI_OPT_HAIRLINE_FILE: o->hairline_file = value; return 1;
    case CLI_OPT_TEMPLATE: o->template_name = value; return 1;
    default: return -1;
    }
}

/* --measure's two points (a value cli_mask_option took); returns the mm. */
static double measure_points(const char *value, double xy[4])
{
    const char *eq = strrchr(value, '=');
    char pts[256];
    memcpy(pts, value, (size_t)(eq - value));
    pts[eq - value] = 0;
    parse_points(pts, xy, 2);
    return strtod(eq + 1, NULL);
}

static const char *const CONFIDENCE[] = {"none", "low", "medium"};

/* smp_simulate's own checks before the work (the loupe, the expected dots). */
static int check_work(const smp_image *mask, const smp_image *photo, const char *photo_path, const smp_params *p)
{
    smp_result *r = smp_result_new();
    smp_status st = r ? smp_simulate_check(r, p, photo, mask) : SMP_ERR_NOMEM;
    if (st != SMP_OK)
        cli_error(photo_path, "%s", r ? smp_result_message(r) : "out of memory");
    smp_result_free(r);
    return st == SMP_OK ? 0 : cli_exit_for(st) == EXIT_USAGE ? EXIT_INPUT : cli_exit_for(st);
}

/* One mask to prepare: what cli_prepare_mask was given, and the photo's
 * analysis (in is NULL when it found no head). */
typedef struct mask_job {
    smp_image *mask;
    const char *mask_path, *photo_path;
    const smp_image *photo;
    smp_params *p;
    const cli_mask_opts *o;
    smp_scalp *s;
    const smp_scalp_info *in;
    char *warning; /* the mask check's warning, kept for the run's notes (may be NULL) */
    size_t warning_len;
    double hairline[18]; /* the points of --hairline or --hairline-file, x y pairs */
    int hairline_n;
} mask_job;

/* Before refusing the value of option c (or also's; 0: none): the exit
 * code. A --hairline-file's points are that file's (its messages name it:
 * exit 2); a value from a --settings file is the file's too, and
 * cli_error then names the file and key (cli_settings_blame) until
 * cli_error_in_setting(NULL, NULL); typed, exit 1. */
static int blame(const char *file, int c, int also)
{
    if (file)
        return EXIT_INPUT;
    const int rc = cli_settings_blame(c);
    return rc == EXIT_INPUT || !also ? rc : cli_settings_blame(also);
}

/* Points typed in photo pixels must lie on the photo, as --loupe's must
 * (preview_opts.c): a point off it is a slip, not a line that runs on. 0, or
 * the exit code after naming the point and the photo's size (file: the
 * file the points came from, NULL when option c gave them). */
static int check_on_photo(const mask_job *j, const char *opt, int c, const char *file, const double *xy, int n)
{
    const uint32_t w = smp_image_width(j->photo), h = smp_image_height(j->photo);
    for (int i = 0; i < n; i++) {
        const double x = xy[2 * i], y = xy[2 * i + 1];
        if (x >= 0 && y >= 0 && x < w && y < h)
            continue;
        const int rc = blame(file, c, 0);
        cli_error(file, "%s: the point %g,%g lies outside the photo, which is %ux%u pixels (x 0..%u, y 0..%u)", opt,
                  x, y, (unsigned)w, (unsigned)h, (unsigned)w - 1, (unsigned)h - 1);
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    return 0;
}

/* --measure: the scale from two points a known distance apart (xy and
 * mm, as measure_points read them). */
static int measure_scale(const mask_job *j, const double xy[4], double mm)
{
    if (j->o->measure && (j->o->ppm_auto || j->o->ppm_given)) {
        /* A file's --px-per-mm against a typed --measure is the file's. */
        int rc = cli_settings_blame(CLI_OPT_MEASURE);
        rc = rc == EXIT_INPUT ? rc : cli_settings_blame(CLI_OPT_PPM);
        cli_error(NULL, "--measure and --px-per-mm both set the scale: give one");
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    if (!j->o->measure)
        return 0;
    const double ppm = hypot(xy[2] - xy[0], xy[3] - xy[1]) / mm;
    if (smp_params_set_px_per_mm(j->p, ppm) != SMP_OK) {
        const int rc = cli_settings_blame(CLI_OPT_MEASURE);
        cli_error(NULL, "--measure: %s", smp_params_message(j->p));
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    if (j->o->verbose) {
        cli_sink fn;
        void *ctx;
        cli_capture_pause(&fn, &ctx); /* (said, not kept: see cli_capture_pause) */
        cli_error(j->photo_path, "scale %.2f px/mm, measured", ppm);
        cli_capture(fn, ctx);
    }
    return 0;
}

/* --px-per-mm auto: the scale the analysis estimated, said with its range. */
static int auto_scale(const mask_job *j)
{
    const smp_scalp_info *in = j->in;
    if (!in || !(in->px_per_mm > 0) || smp_params_set_px_per_mm(j->p, in->px_per_mm) != SMP_OK) {
        cli_error(j->photo_path, "--px-per-mm auto: cannot estimate the scale (%s); measure it (--measure) or "
                                 "give --px-per-mm",
                  in ? "no head breadth" : smp_scalp_message(j->s));
        return EXIT_INPUT;
    }
    cli_error(j->photo_path, "scale %.1f px/mm estimated from the head's breadth (%.0f px as %.0f mm), likely "
                             "%.1f-%.1f, %s confidence%s",
              in->px_per_mm, in->breadth_px, in->breadth_px / in->px_per_mm, in->px_per_mm_low, in->px_per_mm_high,
              CONFIDENCE[in->confidence],
              in->head_cut ? ": the frame cuts the head" : in->confidence < 2 ? ": unusual head proportions" : "");
    return 0;
}

/* --verbose: the forehead the suggestion leaves out (forehead.c), or why
 * none was cut. */
static void forehead_note(const char *photo_path, const smp_scalp_info *in)
{
    static const char *const SIDE[] = {"", "bottom", "top", "right", "left"};
    if (in->forehead_side < 1 || in->forehead_side > 4) {
        cli_error(photo_path, "forehead: none cut (no face past fringes that end on both sides of the head)");
        return;
    }
    const int vertical = in->forehead_side <= 2; /* the cut is level across the frame: y = const */
    const char *axis = vertical ? "y" : "x";
    /* The level temple line: through the temple point nearer the back. */
    const int c = vertical ? 1 : 0, back_is_less = in->forehead_side == 1 || in->forehead_side == 3;
    const double a = in->temple_px[0][c], b = in->temple_px[1][c], temple_line = back_is_less ? fmin(a, b) : fmax(a, b);
    char corners[96] = "", front[128] = "";
    if (fabs(in->forehead_cut_px - temple_line) >= 1) /* moved past frontal hair: its corners turn back */
        snprintf(corners, sizeof corners, " over the middle, turning back to %s = %.0f px at the temple points", axis,
                 temple_line);
    if (in->forehead_front_mm >= 0.5) /* the cut follows the hair's front between the temples */
        snprintf(front, sizeof front, "; between the temples, the skin in front of the hair there too (up to %.0f mm "
                 "before that line)", in->forehead_front_mm);
    cli_error(photo_path,
              "forehead: the face is toward the frame's %s; temple points (%.0f,%.0f) and (%.0f,%.0f); the skin "
              "past %s = %.0f px is left out%s (the head runs on %.0f mm past the temples)%s",
              SIDE[in->forehead_side], in->temple_px[0][0], in->temple_px[0][1], in->temple_px[1][0],
              in->temple_px[1][1], axis, in->forehead_cut_px, corners, in->forehead_mm, front);
}

/* Whether a mask treats any pixel. */
static int any_treated(const smp_image *mask)
{
    const uint8_t *px = smp_image_cdata(mask);
    const size_t n = (size_t)smp_image_width(mask) * smp_image_height(mask) * (size_t)smp_image_channels(mask);
    for (size_t i = 0; px && i < n; i++)
        if (px[i])
            return 1;
    return 0;
}

/* MASK auto: the suggested mask. */
static int suggested_mask(const mask_job *j)
{
    const smp_scalp_info *in = j->in;
    if (!in) {
        cli_error(j->photo_path, "cannot suggest a mask: %s; paint one (white = treat)", smp_scalp_message(j->s));
        return EXIT_INPUT;
    }
    if (smp_scalp_mask(j->s, j->mask) != SMP_OK) {
        cli_error(j->photo_path, "%s", smp_scalp_message(j->s));
        return EXIT_INPUT;
    }
    /* Said even without --verbose: a render then places no dots, and the
     * library's note alone would blame a mask the user never painted. */
    if (!any_treated(j->mask))
        cli_error(j->photo_path, "note: the suggested mask is empty: no bald or thin scalp found on the head; paint "
                                 "one (white = treat)");
    return 0;
}

/* --verbose: the suggested mask's areas, of the mask as used (a hairline
 * changes it after the analysis measured its own), and the forehead cut.
 * Counted on the mask's pixels (grey at the photo's size) as the analysis
 * counts its cells: bald from 80 %, thin below. */
static void suggestion_note(const mask_job *j, int hairline)
{
    const smp_scalp_info *in = j->in;
    const uint8_t *px = smp_image_cdata(j->mask);
    const size_t n = (size_t)smp_image_width(j->mask) * smp_image_height(j->mask);
    double bald = 0, thin = 0, grey = 0;
    for (size_t i = 0; px && smp_image_channels(j->mask) == 1 && i < n; i++) {
        bald += px[i] >= 204;
        thin += px[i] > 0 && px[i] < 204;
        grey += px[i];
    }
    const double px_cm2 = 1 / (100 * in->px_per_mm_used * in->px_per_mm_used);
    cli_error(j->photo_path, "suggested mask%s: %.0f cm² bald and %.0f cm² thin (%.0f cm² weighted by its grey) at %.1f "
                             "px/mm; the head fills %.0f %% of the frame",
              hairline ? " with the hairline" : "", bald * px_cm2, thin * px_cm2, grey / 255 * px_cm2,
              in->px_per_mm_used, 100 * in->head_fraction);
    forehead_note(j->photo_path, in);
}

/* A mask file (read now unless already read), its paint read when it is
 * painted, and the checks: a photo given as a mask, a mask off the scalp. */
static int given_mask(const mask_job *j, int already_read)
{
    int rc;
    if (!already_read && (rc = cli_load_image(j->mask, j->mask_path, j->p)))
        return rc;
    if (j->o->paint) {
        uint8_t rgb[3];
        cli_parse_colour("--mask-paint", j->o->paint, rgb);
        smp_image *painted = smp_image_new();
        if (!painted || smp_mask_from_paint(painted, j->mask, j->photo, rgb[0], rgb[1], rgb[2]) != SMP_OK) {
            cli_error(j->mask_path, "%s", painted ? smp_image_message(painted) : "out of memory");
            smp_image_free(painted);
            return EXIT_INPUT;
        }
        /* The painted pixels become the mask (a grey copy replaces it). */
        smp_image_crop(j->mask, painted, 0, 0, smp_image_width(painted), smp_image_height(painted));
        smp_image_free(painted);
    }
    double outside = -1;
    if (smp_mask_check(j->in ? j->s : NULL, j->mask, &outside) == SMP_ERR_FORMAT) {
        cli_error(j->mask_path, "%s", j->in ? smp_scalp_message(j->s)
                                            : "looks like a photo, not a mask: paint the area white on black, or "
                                              "give its paint colour with --mask-paint");
        return EXIT_INPUT;
    }
    if (outside >= OFF_SCALP_WARN) {
        char warning[256];
        snprintf(warning, sizeof warning, "warning: %.0f %% of the mask is off the scalp (background, face or clothes)%s",
                 100 * outside, outside >= 0.5 ? "; is it inverted? white = treat" : "");
        cli_error(j->mask_path, "%s", warning);
        if (j->warning)
            snprintf(j->warning, j->warning_len, "%s", warning);
    }
    return 0;
}

/* The mask as grey at the photo's size, read as the library reads masks
 * (alpha when it has one, else luminance); 0 or an exit code. */
static int mask_to_grey(const mask_job *j)
{
    const smp_image *mask = j->mask, *photo = j->photo;
    if (smp_image_channels(mask) == 1 && smp_image_width(mask) == smp_image_width(photo) &&
        smp_image_height(mask) == smp_image_height(photo))
        return 0;
    smp_image *grey = smp_image_new();
    if (!grey || smp_scalp_mask(j->s, grey) != SMP_OK) {
        smp_image_free(grey);
        cli_error(NULL, "out of memory");
        return EXIT_INPUT;
    }
    uint8_t *g = smp_image_data(grey);
    const uint8_t *m = smp_image_cdata(mask);
    const uint32_t mw = smp_image_width(mask), mh = smp_image_height(mask), pw = smp_image_width(photo),
                   ph = smp_image_height(photo);
    const int ch = smp_image_channels(mask);
    for (uint32_t y = 0; y < ph; y++)
        for (uint32_t x = 0; x < pw; x++) {
            const uint8_t *q = m + ((size_t)(y * (uint64_t)mh / ph) * mw + (size_t)(x * (uint64_t)mw / pw)) * ch;
            g[(size_t)y * pw + x] = ch == 2 || ch == 4 ? q[ch - 1]
                                    : ch == 1       ? q[0]
                                                    : (uint8_t)((2126u * q[0] + 7152u * q[1] + 722u * q[2] + 5000u) / 10000u);
        }
    smp_image_crop(j->mask, grey, 0, 0, pw, ph);
    smp_image_free(grey);
    return 0;
}

/* The points of --hairline or --hairline-file, read and checked (their
 * count, on the photo) before the photo's analysis. 0 or an exit code. */
static int read_hairline(mask_job *j)
{
    const cli_mask_opts *o = j->o;
    if (!o->hairline && !o->hairline_file) {
        if (!o->template_name)
            return 0;
        const int rc = blame(NULL, CLI_OPT_TEMPLATE, 0);
        cli_error(NULL, "--hairline-template needs the 2 temple points: --hairline \"x1,y1 x2,y2\"");
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    const char *file = o->hairline ? NULL : o->hairline_file;
    int n = file ? read_points_file(file, j->hairline, 9) : parse_points(o->hairline, j->hairline, 9);
    if (n == -2) {
        cli_error(file, "cannot open: %s", errno == EINVAL ? "not a regular file" : strerror(errno));
        return EXIT_INPUT;
    }
    if (n < 0) { /* parse_points' -1 was refused with the option (cli_mask_option) */
        cli_error(file, "--hairline-file: %s", n == -3 ? "larger than 4 KiB; it holds 3 to 9 points"
                                                       : "malformed JSON: not [[x1,y1],[x2,y2],...] of numbers");
        return EXIT_INPUT;
    }
    if (o->template_name ? n != 2 : n < 3 || n > 9) {
        const int rc = blame(file, CLI_OPT_HAIRLINE, o->template_name ? CLI_OPT_TEMPLATE : 0);
        if (o->template_name)
            cli_error(file, "--hairline-template takes the 2 temple points in --hairline, not %d", n);
        else
            cli_error(file, "a hairline takes 3 to 9 points, not %d", n);
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    j->hairline_n = n;
    return check_on_photo(j, file ? "--hairline-file" : "--hairline", CLI_OPT_HAIRLINE, file, j->hairline, n);
}

/* --hairline (points or a file, or 2 temple points with a template): the
 * forehead side of the line leaves the mask. */
static int apply_hairline(mask_job *j)
{
    const cli_mask_opts *o = j->o;
    double *xy = j->hairline;
    int n = j->hairline_n;
    if (!n)
        return 0;
    if (o->template_name) {
        double t0[2] = {xy[0], xy[1]}, t1[2] = {xy[2], xy[3]};
        if (smp_hairline_template(j->in ? j->s : NULL, o->template_name, t0, t1, xy) != SMP_OK) {
            const int rc = blame(NULL, CLI_OPT_TEMPLATE, 0);
            cli_error(NULL, "--hairline-template: %s", j->in ? smp_scalp_message(j->s) : "unknown template or points");
            cli_error_in_setting(NULL, NULL);
            return rc;
        }
        n = 9;
    }
    if (!j->in) {
        cli_error(j->photo_path, "cannot place a hairline: %s", smp_scalp_message(j->s));
        return EXIT_INPUT;
    }
    int rc = mask_to_grey(j); /* the hairline works on a grey mask at the photo's size */
    if (rc)
        return rc;
    if (smp_hairline_apply(j->s, j->mask, xy, n) != SMP_OK) {
        rc = blame(NULL, CLI_OPT_HAIRLINE, 0);
        cli_error(NULL, "--hairline: %s", smp_scalp_message(j->s));
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    return 0;
}

int cli_prepare_mask(smp_image *mask, const char *mask_path, const smp_image *photo, const char *photo_path,
                     smp_params *p, const cli_mask_opts *o, char *warning, size_t warning_len)
{
    const int suggest = !strcmp(mask_path, "auto");
    mask_job j = {.mask = mask, .mask_path = mask_path, .photo_path = photo_path, .photo = photo, .p = p, .o = o,
                  .s = smp_scalp_new(), .warning = warning_len ? warning : NULL, .warning_len = warning_len};
    if (j.warning)
        j.warning[0] = 0;
    if (!j.s) {
        cli_error(NULL, "out of memory");
        return EXIT_INPUT;
    }
    double measured[4] = {0, 0, 0, 0}, mm = 0;
    int rc = 0;
    if (o->measure) {
        mm = measure_points(o->measure, measured);
        rc = check_on_photo(&j, "--measure", CLI_OPT_MEASURE, NULL, measured, 2);
    }
    if (rc || (rc = read_hairline(&j)) || (rc = measure_scale(&j, measured, mm)))
        goto done;
    /* A mask file first, when the scale is known: a run that would expect
     * too many dots stops before the photo's analysis. */
    const int early = !suggest && !o->ppm_auto && !o->paint;
    if (early && ((rc = cli_load_image(mask, mask_path, p)) || (rc = check_work(mask, photo, photo_path, p))))
        goto done;
    if (o->ppm_auto)
        smp_params_set_px_per_mm(p, 0); /* the analysis reports its areas at its own estimate */
    smp_status st = smp_scalp_analyze(j.s, photo, p);
    j.in = st == SMP_OK ? smp_scalp_get_info(j.s) : NULL;
    if (st == SMP_ERR_NOMEM || st == SMP_ERR_CANCELLED) {
        if (st == SMP_ERR_NOMEM)
            cli_error(photo_path, "%s", smp_scalp_message(j.s));
        rc = EXIT_INPUT;
        goto done;
    }
    if ((o->ppm_auto && (rc = auto_scale(&j))) || (rc = suggest ? suggested_mask(&j) : given_mask(&j, early)))
        goto done;
    if (!(rc = apply_hairline(&j)) && suggest && o->verbose) {
        cli_sink fn;
        void *ctx;
        cli_capture_pause(&fn, &ctx);
        suggestion_note(&j, o->hairline || o->hairline_file);
        cli_capture(fn, ctx);
    }
done:
    smp_scalp_free(j.s);
    return rc;
}
