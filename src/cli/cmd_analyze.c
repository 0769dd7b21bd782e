/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim analyze: statistics and spectra of a point set from a CSV or a
 * whitespace-separated file. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: smpsim analyze [options] POINTS\n"
          "\n"
          "POINTS is smpsim's dots CSV (x_mm,y_mm,...) or any CSV or whitespace file of\n"
          "x y points. Reports the count and density, nearest-neighbour distances, rho\n"
          "(min and mean; Lagae & Dutre), their histogram, and the radially averaged\n"
          "power spectrum with its anisotropy (PSA definitions; frequency in 1/d_hex).\n"
          "\n"
          "Options:\n"
          "      --columns X,Y     1-based columns of x and y = x_mm,y_mm by header, else 1,2\n"
          "      --width-mm W      the area's width [mm]; default: the points' extent\n"
          "      --height-mm H     the area's height [mm]; default: the points' extent\n"
          "      --json            JSON instead of text\n"
          "      --plot FILE.png   a figure: the 2-D spectrum, radial power, anisotropy\n"
          "  -f, --force           replace an existing figure\n"
          "  -h, --help            this help\n",
          f);
}

enum { OPT_COLUMNS = 700, OPT_W, OPT_H, OPT_JSON, OPT_PLOT };

static const struct option LONG_OPTS[] = {
    {"columns", required_argument, NULL, OPT_COLUMNS}, {"width-mm", required_argument, NULL, OPT_W},
    {"height-mm", required_argument, NULL, OPT_H},     {"json", no_argument, NULL, OPT_JSON},
    {"plot", required_argument, NULL, OPT_PLOT},       {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},                  {NULL, 0, NULL, 0}};

/* Splits a line on commas, or on runs of blanks when it has no comma. */
static int fields(char *line, char **f, int max)
{
    int n = 0, comma = strchr(line, ',') != NULL;
    char *p = line;
    while (*p && n < max) {
        if (!comma)
            while (*p == ' ' || *p == '\t')
                p++;
        if (!*p)
            break;
        f[n++] = p;
        while (*p && (comma ? *p != ',' : (*p != ' ' && *p != '\t')))
            p++;
        if (*p)
            *p++ = 0;
    }
    return n;
}

/* Reads the points; 0 or an exit code after saying why. */
static int read_points(const char *path, int cx, int cy, double **xy, size_t *n)
{
    /* Never a blocking open: a FIFO or device is refused, not waited on. */
    FILE *f = cli_is_stdio(path) ? stdin : cli_fopen_regular(path, "r");
    if (!f) {
        cli_error(path, "cannot open: %s", errno == EINVAL ? "not a regular file" : strerror(errno));
        return EXIT_INPUT;
    }
    char line[4096];
    size_t cap = 0;
    int lineno = 0, rc = 0;
    *xy = NULL;
    *n = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        char *fl[64];
        int nf = fields(line, fl, 64);
        if (lineno == 1 && nf && strtod(fl[0], NULL) == 0 && (fl[0][0] < '0' || fl[0][0] > '9') && fl[0][0] != '-' &&
            fl[0][0] != '.') {
            /* A header: find x_mm and y_mm unless the columns were given. */
            for (int i = 0; i < nf && cx < 0; i++)
                if (!strcmp(fl[i], "x_mm") || !strcmp(fl[i], "x"))
                    cx = i;
            for (int i = 0; i < nf && cy < 0; i++)
                if (!strcmp(fl[i], "y_mm") || !strcmp(fl[i], "y"))
                    cy = i;
            continue;
        }
        int ix = cx < 0 ? 0 : cx, iy = cy < 0 ? 1 : cy;
        char *ex, *ey;
        if (ix >= nf || iy >= nf) {
            cli_error(path, "line %d: %d fields, no column %d", lineno, nf, (ix > iy ? ix : iy) + 1);
            rc = EXIT_INPUT;
            break;
        }
        double x = strtod(fl[ix], &ex), y = strtod(fl[iy], &ey);
        if (ex == fl[ix] || *ex || ey == fl[iy] || *ey || !isfinite(x) || !isfinite(y)) {
            cli_error(path, "line %d: '%s', '%s' are not numbers", lineno, fl[ix], fl[iy]);
            rc = EXIT_INPUT;
            break;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 4096;
            double *g = realloc(*xy, cap * 2 * sizeof *g);
            if (!g) {
                cli_error(path, "out of memory at line %d", lineno);
                rc = EXIT_INPUT;
                break;
            }
            *xy = g;
        }
        (*xy)[2 * *n] = x;
        (*xy)[2 * *n + 1] = y;
        (*n)++;
    }
    if (f != stdin)
        fclose(f);
    if (rc) {
        free(*xy);
        *xy = NULL;
        *n = 0;
    }
    return rc;
}

typedef struct analyze_opts {
    int cx, cy, json, force; /* columns 0-based, -1: by header or 1,2 */
    const char *plot, *path;
    double w, h;
} analyze_opts;

/* Options and the one POINTS file; 0 to continue, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, analyze_opts *o)
{
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "fh", LONG_OPTS, NULL)) != -1) {
        switch (c) {
        case OPT_COLUMNS:
            if (sscanf(optarg, "%d,%d", &o->cx, &o->cy) != 2 || o->cx < 1 || o->cy < 1) {
                cli_error(NULL, "--columns: '%s' is not X,Y (1-based)", optarg);
                return EXIT_USAGE;
            }
            o->cx--;
            o->cy--;
            break;
        case OPT_W:
            if (!cli_parse_double("--width-mm", optarg, &o->w))
                return EXIT_USAGE;
            break;
        case OPT_H:
            if (!cli_parse_double("--height-mm", optarg, &o->h))
                return EXIT_USAGE;
            break;
        case OPT_JSON: o->json = 1; break;
        case OPT_PLOT: o->plot = optarg; break;
        case 'f': o->force = 1; break;
        case 'h': usage(stdout); return -1;
        default: fputs("Try 'smpsim analyze --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error(NULL, "analyze needs one POINTS file");
        fputs("Try 'smpsim analyze --help'.\n", stderr);
        return EXIT_USAGE;
    }
    o->path = argv[optind];
    if (o->plot && smp_format_for_path(o->plot) == SMP_FORMAT_NONE) {
        cli_error(o->plot, "unknown output type; name it .png or .jpg");
        return EXIT_USAGE;
    }
    const char *const inputs[] = {o->path};
    return o->plot ? cli_check_output(o->plot, inputs, 1, o->force) : 0;
}

/* Without a given area, the points' extent, with the points shifted to the
 * origin; 0, or EXIT_INPUT when they span no area. */
static int points_area(const analyze_opts *o, double *xy, size_t n, double *w, double *h)
{
    *w = o->w;
    *h = o->h;
    if (*w > 0 && *h > 0)
        return 0;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        x0 = fmin(x0, xy[2 * i]);
        x1 = fmax(x1, xy[2 * i]);
        y0 = fmin(y0, xy[2 * i + 1]);
        y1 = fmax(y1, xy[2 * i + 1]);
    }
    if ((!(*w > 0) && !(x1 > x0)) || (!(*h > 0) && !(y1 > y0))) {
        cli_error(o->path, "the %zu points have no area (%s): no density to measure; give --width-mm and "
                           "--height-mm",
                  n, x1 > x0 || y1 > y0 ? "all on one line" : "all at one place");
        return EXIT_INPUT;
    }
    for (size_t i = 0; i < n; i++) {
        xy[2 * i] -= x0;
        xy[2 * i + 1] -= y0;
    }
    *w = *w > 0 ? *w : (x1 - x0) * (1 + 1e-9) + 1e-12;
    *h = *h > 0 ? *h : (y1 - y0) * (1 + 1e-9) + 1e-12;
    return 0;
}

/* The numbers on standard output, as text or JSON. */
static void print_analysis(const smp_analysis *a, int json, size_t n, double w, double h)
{
    double mn, mean, rmin, rmean, step;
    smp_analysis_nearest(a, &mn, &mean, &rmin, &rmean);
    size_t bins, nr;
    double bw;
    const double *hist = smp_analysis_histogram(a, &bins, &bw), *aniso;
    const double *radial = smp_analysis_radial(a, &nr, &step, &aniso);
    size_t last = (size_t)(4.0 / step); /* report up to 4 / d_hex */
    last = last < nr ? last : nr - 1;
    if (json) {
        printf("{\n  \"schema\": \"smpsim-analysis/1\",\n  \"count\": %zu,\n  \"area_mm\": [%.4f, %.4f],\n", n, w, h);
        printf("  \"density_cm2\": %.4f,\n  \"nn_min_mm\": %.6f,\n  \"nn_mean_mm\": %.6f,\n", smp_analysis_density(a), mn,
               mean);
        printf("  \"rho_min\": %.4f,\n  \"rho_mean\": %.4f,\n  \"nn_histogram\": {\"bin_width_dhex\": %.4f, \"fractions\": [",
               rmin, rmean, bw);
        for (size_t i = 0; i < bins; i++)
            printf("%s%.5f", i ? ", " : "", hist[i]);
        printf("]},\n  \"spectrum\": {\"freq_step_per_dhex\": %.5f, \"power\": [", step);
        for (size_t k = 1; k <= last; k++)
            printf("%s%.4f", k > 1 ? ", " : "", radial[k]);
        printf("], \"anisotropy_db\": [");
        for (size_t k = 1; k <= last; k++)
            printf("%s%.3f", k > 1 ? ", " : "", aniso[k]);
        printf("]}\n}\n");
        return;
    }
    printf("points        %zu over %.2f x %.2f mm\n", n, w, h);
    printf("density       %.3f per cm²\n", smp_analysis_density(a));
    printf("nearest       min %.4f mm, mean %.4f mm\n", mn, mean);
    printf("rho           min %.4f, mean %.4f (Lagae & Dutre)\n", rmin, rmean);
    printf("histogram     nearest-neighbour distance / d_hex: fraction\n");
    for (size_t i = 0; i < bins; i++)
        if (hist[i] > 0)
            printf("  %.3f-%.3f  %.4f\n", i * bw, (i + 1) * bw, hist[i]);
    printf("spectrum      frequency (1/d_hex)  power  anisotropy (dB)\n");
    for (size_t k = 1; k <= last; k++)
        printf("  %.3f  %.4f  %.2f\n", k * step, radial[k], aniso[k]);
}

/* The figure, atomically; 0 or EXIT_OUTPUT. */
static int write_plot(const smp_analysis *a, const char *path, int force)
{
    int rc = 0;
    smp_image *fig = smp_image_new();
    smp_params *p = smp_params_new();
    smp_params_set_overwrite(p, force);
    if (!fig || !p || smp_analysis_plot(a, fig) != SMP_OK || smp_image_write_file(fig, path, p) != SMP_OK) {
        cli_error(path, "%s", fig ? smp_image_message(fig) : "out of memory");
        rc = EXIT_OUTPUT;
    }
    smp_params_free(p);
    smp_image_free(fig);
    return rc;
}

int cmd_analyze(int argc, char **argv)
{
    analyze_opts o = {.cx = -1, .cy = -1};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    double *xy, w, h;
    size_t n;
    if ((rc = read_points(o.path, o.cx, o.cy, &xy, &n)))
        return rc;
    if ((rc = points_area(&o, xy, n, &w, &h))) {
        free(xy);
        return rc;
    }
    smp_analysis *a = smp_analysis_new();
    smp_status st = a ? smp_analyze_points(a, xy, n, w, h) : SMP_ERR_NOMEM;
    free(xy);
    if (st != SMP_OK) {
        cli_error(o.path, "%s", a ? smp_analysis_message(a) : "out of memory");
        smp_analysis_free(a);
        return EXIT_INPUT;
    }
    print_analysis(a, o.json, n, w, h);
    /* Until here a signal ends the process at once (nothing written yet);
     * the figure's atomic write finishes whole, then the signal ends it. */
    cli_catch_signals();
    rc = o.plot ? write_plot(a, o.plot, o.force) : 0;
    smp_analysis_free(a);
    cli_die_of_signal();
    return rc;
}
