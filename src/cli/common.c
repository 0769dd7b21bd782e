/* SPDX-License-Identifier: BSD-2-Clause */
/* Error reporting and option-value parsing shared by the subcommands. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "textout.h"

#include <errno.h>
#include <signal.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static _Thread_local cli_sink sink;
static _Thread_local void *sink_ctx;

void cli_capture(cli_sink fn, void *ctx)
{
    sink = fn;
    sink_ctx = ctx;
}

void cli_capture_pause(cli_sink *fn, void **ctx)
{
    *fn = sink;
    *ctx = sink_ctx;
    sink = NULL;
    sink_ctx = NULL;
}

static const char *setting_file, *setting_key;

void cli_error_in_setting(const char *file, const char *key)
{
    setting_file = file;
    setting_key = key;
}

void cli_error(const char *subject, const char *fmt, ...)
{
    /* File names and messages can carry escape sequences: shown escaped. */
    sbuf raw = {0}, out = {0};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (raw.s = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(raw.s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (sink) {
        sink(sink_ctx, subject, raw.s ? raw.s : fmt);
        sb_free(&raw);
        return;
    }
    sb_puts(&out, "smpsim: ");
    const char *what = raw.s ? raw.s : fmt;
    if (!subject && setting_file) {
        subject = setting_file;
        const size_t k = strlen(setting_key);
        if (!strncmp(what, "--", 2) && !strncmp(what + 2, setting_key, k) && !strncmp(what + 2 + k, ": ", 2))
            what += k + 4; /* the key is named below as the file names it */
    }
    if (subject) {
        sb_term(&out, subject);
        sb_puts(&out, ": ");
    }
    if (setting_file && subject == setting_file) {
        sb_puts(&out, "settings: \"");
        sb_term(&out, setting_key);
        sb_puts(&out, "\": ");
    }
    sb_term(&out, what);
    sb_puts(&out, "\n");
    if (!out.oom)
        fputs(out.s, stderr);
    sb_free(&raw);
    sb_free(&out);
}

int cli_exit_for(smp_status st)
{
    switch (st) {
    case SMP_OK: return 0;
    case SMP_ERR_ARG: return EXIT_USAGE;
    case SMP_ERR_WRITE:
    case SMP_ERR_EXISTS: return EXIT_OUTPUT;
    default: return EXIT_INPUT;
    }
}

int cli_parse_double(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) {
        cli_error(NULL, "%s: '%s' is not a number", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+') {
        cli_error(NULL, "%s: '%s' is not a whole number", opt, s);
        return 0;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno) {
        cli_error(NULL, "%s: '%s' is not a whole number", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_range(const char *opt, const char *s, double *lo, double *hi)
{
    char *end;
    *lo = strtod(s, &end);
    if (end == s || *end != ':' || (*hi = strtod(end + 1, &end), *end) || !(*lo >= 0 && *hi >= *lo && *hi <= 400 && *hi >= 1)) {
        cli_error(NULL, "%s: '%s' is not MIN:MAX dots/cm² with 0 <= MIN <= MAX <= 400", opt, s);
        return 0;
    }
    return 1;
}

int cli_parse_colour(const char *opt, const char *s, uint8_t rgb[3])
{
    const char *h = *s == '#' ? s + 1 : s;
    unsigned v[3];
    if (strlen(h) != 6 || strspn(h, "0123456789abcdefABCDEF") != 6 ||
        sscanf(h, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3) {
        cli_error(NULL, "%s: '%s' is not a colour like '#2b2b2b'", opt, s);
        return 0;
    }
    for (int i = 0; i < 3; i++)
        rgb[i] = (uint8_t)v[i];
    return 1;
}

/* Applies one numeric option through its setter, with the library's range message. */
static int set_num(smp_params *p, const char *opt, const char *val,
                   smp_status (*setter)(smp_params *, double))
{
    double v;
    if (!cli_parse_double(opt, val, &v))
        return 0;
    if (setter(p, v) != SMP_OK) {
        cli_error(NULL, "%s: %s", opt, smp_params_message(p));
        return 0;
    }
    return 1;
}

/* Range first: converting 1e308 to int is undefined behaviour. The message
 * names the value as typed. */
static int set_quality(smp_params *p, const char *value)
{
    double v;
    if (!cli_parse_double("--quality", value, &v))
        return 0;
    if (!(v >= 1 && v <= 100 && v == floor(v))) {
        cli_error(NULL, "--quality: '%s' is not a whole number in 1..100", value);
        return 0;
    }
    return smp_params_set_jpeg_quality(p, (int)v) == SMP_OK;
}

/* Negative dilution means "matched" to the library; typed, it is a mistake. */
static int set_dilution(smp_params *p, const char *value)
{
    double v;
    if (!cli_parse_double("--dilution", value, &v))
        return 0;
    if (v < 0) {
        cli_error(NULL, "--dilution: '%s' is outside 0..1 ('auto' matches it)", value);
        return 0;
    }
    return set_num(p, "--dilution", value, smp_params_set_dilution);
}

/* "30,70,100" -> cumulative layer percentages; errors name opt, the option
 * as typed (--layers and --session-split are one). */
static int set_layers(smp_params *p, const char *opt, const char *val)
{
    double v[SMP_MAX_LAYERS];
    int n = 0;
    const char *s = val;
    while (*s) {
        char *end;
        if (n == SMP_MAX_LAYERS) {
            cli_error(NULL, "%s: at most %d values", opt, SMP_MAX_LAYERS);
            return 0;
        }
        v[n++] = strtod(s, &end);
        if (end == s || (*end && *end != ',')) {
            cli_error(NULL, "%s: '%s' is not a list like 30,70,100", opt, val);
            return 0;
        }
        s = *end ? end + 1 : end;
    }
    if (smp_params_set_layers(p, v, n) != SMP_OK) {
        cli_error(NULL, "%s: %s", opt, smp_params_message(p));
        return 0;
    }
    return 1;
}

int cli_param_option(int c, const char *value, smp_params *p)
{
    uint64_t u;
    uint8_t rgb[3];
    switch (c) {
    case CLI_OPT_DENSITY:
        if (!strcmp(value, "auto"))
            return smp_params_set_density_auto(p, 1) == SMP_OK;
        return set_num(p, "--density", value, smp_params_set_density) &&
               smp_params_set_density_auto(p, 0) == SMP_OK;
    case CLI_OPT_DILUTION:
        if (!strcmp(value, "auto"))
            return smp_params_set_dilution(p, -1) == SMP_OK;
        return set_dilution(p, value);
    case CLI_OPT_SESSION: {
        uint64_t k;
        if (!cli_parse_u64("--session", value, &k) || k < 1 || k > SMP_MAX_LAYERS) {
            cli_error(NULL, "--session: '%s' is not a session number 1..%d", value, SMP_MAX_LAYERS);
            return 0;
        }
        return smp_params_set_show_session(p, (int)k) == SMP_OK;
    }
    case CLI_OPT_SESSIONS: {
        /* Cumulative shares of the final density per session count: one
         * clinical protocol builds 30 % -> 70 % -> 100 % (SMP-FACTS.md). */
        static const char *const SPLITS[] = {"100", "60,100", "30,70,100", "25,50,75,100"};
        uint64_t n;
        if (!cli_parse_u64("--sessions", value, &n) || n < 1 || n > 4) {
            cli_error(NULL, "--sessions: '%s' is not 1 to 4", value);
            return 0;
        }
        return set_layers(p, "--sessions", SPLITS[n - 1]);
    }
    case CLI_OPT_EDGE: {
        smp_edge e = !strcmp(value, "broken") ? SMP_EDGE_BROKEN
                     : !strcmp(value, "soft") ? SMP_EDGE_SOFT
                     : !strcmp(value, "sharp") ? SMP_EDGE_SHARP
                                               : (smp_edge)-1;
        if (smp_params_set_edge(p, e) != SMP_OK) {
            cli_error(NULL, "--edge: '%s' is not broken, soft or sharp", value);
            return 0;
        }
        return 1;
    }
    case CLI_OPT_CAST:
        if (!strcmp(value, "blue") || !strcmp(value, "none"))
            return smp_params_set_cast(p, !strcmp(value, "blue") ? SMP_CAST_BLUE : SMP_CAST_NONE) == SMP_OK;
        cli_error(NULL, "--cast: '%s' is not blue or none", value);
        return 0;
    case CLI_OPT_AGE: {
        double years = -2;
        char *end = NULL;
        if (!strcmp(value, "fresh"))
            years = -1;
        else if (!strcmp(value, "healed"))
            years = 0;
        else {
            years = strtod(value, &end);
            if (end == value || (*end != 'y' && *end != 'Y') || end[1] || !(years >= 0))
                years = -2;
        }
        if (years < -1 || smp_params_set_age(p, years) != SMP_OK) {
            cli_error(NULL, "--age: '%s' is not fresh, healed or a number of years like 3y%s%s", value,
                      years >= -1 ? ": " : "", years >= -1 ? smp_params_message(p) : "");
            return 0;
        }
        return 1;
    }
    case CLI_OPT_DOT:
        if (!strcmp(value, "auto"))
            return smp_params_set_dot_auto(p, 1) == SMP_OK;
        return set_num(p, "--dot", value, smp_params_set_dot_diameter);
    case CLI_OPT_REGULARITY: return set_num(p, "--regularity", value, smp_params_set_regularity);
    case CLI_OPT_OPACITY: return set_num(p, "--opacity", value, smp_params_set_opacity);
    case CLI_OPT_PPM: return set_num(p, "--px-per-mm", value, smp_params_set_px_per_mm);
    case CLI_OPT_FEATHER: return set_num(p, "--feather", value, smp_params_set_feather);
    case CLI_OPT_QUALITY: return set_quality(p, value);
    case CLI_OPT_LAYERS: return set_layers(p, "--layers", value);
    case CLI_OPT_SESSION_SPLIT: return set_layers(p, "--session-split", value);
    case CLI_OPT_SEED: return cli_parse_u64("--seed", value, &u) && smp_params_set_seed(p, u) == SMP_OK;
    case CLI_OPT_PIGMENT:
        return cli_parse_colour("--pigment", value, rgb) &&
               smp_params_set_pigment(p, rgb[0], rgb[1], rgb[2]) == SMP_OK;
    case CLI_OPT_MAXPX:
        if (!cli_parse_u64("--max-pixels", value, &u))
            return 0;
        if (smp_params_set_max_pixels(p, u) != SMP_OK) {
            cli_error(NULL, "--max-pixels: %s", smp_params_message(p));
            return 0;
        }
        return 1;
    default: return cli_preview_option(c, value, p);
    }
}

int cli_same_file(const char *path, const char *other)
{
    struct stat a, b;
    return stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

int cli_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig) { caught = sig; }

void cli_catch_signals(void)
{
    /* A handler that only records the signal: the work stops at the next
     * progress callback, and an atomic write in flight finishes whole.
     * Whatever thread the signal lands on, nothing is left half-written. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cli_interrupted(void) { return caught; }

int cli_progress(void *user, double fraction)
{
    (void)user;
    (void)fraction;
    return caught != 0;
}

void cli_die_of_signal(void)
{
    int sig = caught;
    if (!sig)
        return;
    signal(sig, SIG_DFL);
    raise(sig); /* the shell sees the usual 128 + signal status */
}

int cli_check_output(const char *out, const char *const inputs[], int n, int force)
{
    if (cli_is_stdio(out))
        return 0; /* standard output: nothing to overwrite */
    for (int i = 0; i < n; i++)
        if (inputs[i] && cli_same_file(out, inputs[i])) {
            cli_error(out, "is an input; refusing to overwrite it");
            return EXIT_OUTPUT;
        }
    if (!force && cli_exists(out)) {
        cli_error(out, "exists; use --force to replace it");
        return EXIT_OUTPUT;
    }
    return 0;
}

int cli_is_dots_path(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && (!strcmp(path + n - 4, ".csv") || !strcmp(path + n - 4, ".svg") ||
                     !strcmp(path + n - 4, ".CSV") || !strcmp(path + n - 4, ".SVG"));
}

int cli_is_html_path(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcasecmp(path + n - 5, ".html")) || (n > 4 && !strcasecmp(path + n - 4, ".htm"));
}

int cli_load_image(smp_image *img, const char *path, const smp_params *p)
{
    smp_status st;
    smp_image_set_progress(img, cli_progress, NULL); /* Ctrl-C stops a long decode */
    if (cli_is_stdio(path)) {
        unsigned char *data;
        size_t len;
        int rc = cli_read_stdin(&data, &len);
        if (rc)
            return rc;
        st = smp_image_read_memory(img, data, len, smp_params_max_pixels(p));
        free(data);
        path = "standard input";
    } else {
        st = smp_image_read_file(img, path, smp_params_max_pixels(p));
    }
    if (st == SMP_OK)
        return 0;
    if (st == SMP_ERR_CANCELLED || cli_interrupted())
        return EXIT_INPUT; /* the signal ends the process; nothing to say */
    cli_error(path, "%s", smp_image_message(img));
    return cli_exit_for(st) == EXIT_USAGE ? EXIT_INPUT : cli_exit_for(st);
}

FILE *cli_fopen_regular(const char *path, const char *mode)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        close(fd);
        errno = e;
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, mode);
    if (!f)
        close(fd);
    return f;
}

int cli_check_name(const char *out)
{
    const char *slash = strrchr(out, '/'), *name = slash ? slash + 1 : out;
    /* The atomic writer shortens its temporary's name, so the name alone counts. */
    if (strlen(name) > 255 || strlen(out) >= 4096) {
        cli_error(out, "file name is too long (at most 255 bytes, 4095 for the path)");
        return EXIT_USAGE;
    }
    return 0;
}

/* The same place: one file, or (not there yet) one folder and name. */
static char *place(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096], real[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
    const char *name = slash ? slash + 1 : path;
    size_t n = strlen(name) + sizeof real + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", realpath(dir, real) ? real : dir, name);
    return out;
}

int cli_check_outputs(const char *const outs[], const char *const names[], int n)
{
    for (int i = 0; i < n; i++) {
        if (!outs[i])
            continue;
        if (cli_check_name(outs[i]))
            return EXIT_USAGE;
        for (int j = 0; j < i; j++) {
            if (!outs[j])
                continue;
            char *a = place(outs[i]), *b = place(outs[j]);
            int same = a && b && (!strcmp(a, b) || cli_same_file(outs[i], outs[j]));
            free(a);
            free(b);
            if (same) {
                cli_error(outs[i], "is both %s and %s; give each output its own file", names[j], names[i]);
                return EXIT_USAGE;
            }
        }
    }
    return 0;
}

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

const char *cli_failed_path(const smp_result *res, smp_status st, const char *const paths[SMP_INPUT_COUNT])
{
    const smp_input which = smp_result_failed_input(res);
    if (which != SMP_INPUT_NONE && paths[which])
        return paths[which];
    return st == SMP_ERR_MISMATCH ? paths[SMP_INPUT_MASK] : paths[SMP_INPUT_PHOTO];
}
