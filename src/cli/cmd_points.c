/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim points: the dots alone, over an area in mm, as CSV or SVG. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: smpsim points [options] -o DOTS.csv|DOTS.svg\n"
          "\n"
          "Variable-density Poisson-disk dots over a rectangle, without a photo: for\n"
          "studying spacing, density and sessions, or printing a stencil at scale.\n"
          "The CSV has the header x_mm,y_mm,diameter_mm,layer,opacity.\n"
          "\n"
          "Options (units in brackets, defaults after '='):\n"
          "      --width-mm W       width of the area [mm]; default: the density map's\n"
          "      --height-mm H      height of the area [mm]; default: the density map's\n"
          "      --density N        dots per cm² (where a density map is white) [1..400] = 110;\n"
          "                         at most 1000000 dots in all (density x area)\n"
          "      --density-map FILE grey image: white = the full density, black = none\n"
          "      --px-per-mm P      the density map's scale [px/mm, 0.5..1000] (required\n"
          "                         with a map)\n"
          "      --density-range MIN:MAX  grey 0..255 of the map as MIN..MAX dots/cm²\n"
          "      --layers LIST      sessions as cumulative %, e.g. 30,70,100 = 100\n"
          "      --dot MM           mean dot diameter written to the file [mm] = 0.28\n"
          "      --regularity R     min distance over the hexagonal spacing [0.3..0.77] = 0.6,\n"
          "                         with 15 % of dots in close pairs; 0.77: maximal, no pairs\n"
          "      --opacity F        mean dot opacity written to the file [0..1] = 0.85\n"
          "      --seed N           random seed = 1\n"
          "  -o, --output FILE      .csv or .svg (required)\n"
          "      --svg FILE         also write the dots as an SVG at physical size\n"
          "  -f, --force            replace existing outputs\n"
          "  -v, --verbose          report the count and the achieved density on stderr\n"
          "  -h, --help             this help\n",
          f);
}

enum { OPT_W = 512, OPT_H, OPT_MAP, OPT_MAP_PPM, OPT_SVG, OPT_RANGE };

static const struct option LONG_OPTS[] = {
    CLI_PARAM_OPTIONS,
    {"width-mm", required_argument, NULL, OPT_W},
    {"height-mm", required_argument, NULL, OPT_H},
    {"density-map", required_argument, NULL, OPT_MAP},
    {"px-per-mm", required_argument, NULL, OPT_MAP_PPM},
    {"density-range", required_argument, NULL, OPT_RANGE},
    {"svg", required_argument, NULL, OPT_SVG},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static int usage_error(void)
{
    fputs("Try 'smpsim points --help'.\n", stderr);
    return EXIT_USAGE;
}

/* The map's scale, in the range every command's --px-per-mm takes (the
 * library's setter says it); points keeps it apart from the params. */
static int parse_scale(const char *s, double *v, smp_params *p)
{
    if (!cli_parse_double("--px-per-mm", s, v))
        return 0;
    if (smp_params_set_px_per_mm(p, *v) != SMP_OK) {
        cli_error(NULL, "--px-per-mm: %s", smp_params_message(p));
        return 0;
    }
    smp_params_set_px_per_mm(p, 0);
    if (!(*v > 0)) {
        cli_error(NULL, "--px-per-mm: the map's scale must be positive");
        return 0;
    }
    return 1;
}

static int write_dots(smp_result *res, const char *path, const smp_params *p)
{
    smp_status st = smp_result_write_dots(res, path, p);
    if (st == SMP_OK)
        return 0;
    cli_error(path, "%s", smp_result_message(res));
    return st == SMP_ERR_ARG ? EXIT_USAGE : EXIT_OUTPUT;
}

typedef struct points_opts {
    double w, h, map_ppm, range_lo, range_hi;
    const char *out, *svg, *map_path;
    int verbose, force;
} points_opts;

/* Options into p and o; 0 to continue, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, smp_params *p, points_opts *o)
{
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:fvh", LONG_OPTS, NULL)) != -1) {
        int ok = 1;
        switch (c) {
        case OPT_W: ok = cli_parse_double("--width-mm", optarg, &o->w); break;
        case OPT_H: ok = cli_parse_double("--height-mm", optarg, &o->h); break;
        case OPT_MAP_PPM: ok = parse_scale(optarg, &o->map_ppm, p); break;
        case OPT_MAP: o->map_path = optarg; break;
        case OPT_SVG: o->svg = optarg; break;
        case OPT_RANGE: ok = cli_parse_range("--density-range", optarg, &o->range_lo, &o->range_hi); break;
        case 'o': o->out = optarg; break;
        case 'f': smp_params_set_overwrite(p, 1); o->force = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); return -1;
        default: ok = cli_param_option(c, optarg, p); break;
        }
        if (!ok)
            return usage_error();
    }
    if (optind != argc || !o->out) {
        cli_error(NULL, optind != argc ? "points takes no file arguments ('%s')" : "points needs -o DOTS.csv",
                  optind != argc ? argv[optind] : "");
        return usage_error();
    }
    if (o->map_path && !(o->map_ppm > 0)) {
        cli_error(NULL, "--density-map needs --px-per-mm, the map's scale");
        return usage_error();
    }
    return 0;
}

/* The outputs' types, and neither one the map; 0 or an exit code. */
static int check_outputs(const points_opts *o)
{
    const char *outs[2] = {o->out, o->svg};
    for (int i = 0; i < 2; i++) {
        if (!outs[i])
            continue;
        if (!cli_is_dots_path(outs[i]) && !cli_is_stdio(outs[i])) {
            cli_error(outs[i], "unknown output type; name it .csv or .svg");
            return usage_error();
        }
        const char *const inputs[] = {o->map_path};
        int rc = cli_check_output(outs[i], inputs, 1, o->force);
        if (rc)
            return rc;
    }
    return 0;
}

/* The density map into p, and the area: given, else the map's; 0 or an
 * exit code. */
static int load_map_and_area(points_opts *o, smp_params *p, smp_image **map)
{
    if (o->map_path) {
        int rc = 0;
        *map = smp_image_new();
        if (!*map || (rc = cli_load_image(*map, o->map_path, p))) {
            if (!*map)
                cli_error(o->map_path, "out of memory");
            return rc ? rc : EXIT_INPUT;
        }
        smp_params_set_density_map(p, *map, o->range_lo, o->range_hi);
        if (o->w <= 0)
            o->w = smp_image_width(*map) / o->map_ppm;
        if (o->h <= 0)
            o->h = smp_image_height(*map) / o->map_ppm;
    }
    if (!(o->w > 0 && o->h > 0)) {
        cli_error(NULL, "points needs --width-mm and --height-mm (or a --density-map)");
        return usage_error();
    }
    if (smp_params_density_auto(p)) {
        cli_error(NULL, "--density auto needs a photo; points takes a number");
        return usage_error();
    }
    return 0;
}

/* The dots, then the files ("-": standard output, as CSV, or SVG for
 * --svg -); 0 or an exit code. */
static int place_and_write(const points_opts *o, smp_params *p, smp_result *res, const smp_image *map,
                           cli_out std_out[2])
{
    smp_params_set_progress(p, cli_progress, NULL);
    smp_status st = smp_points(res, p, o->w, o->h, map, o->map_ppm);
    if (st == SMP_ERR_CANCELLED)
        return 0;
    if (st != SMP_OK) {
        cli_error(o->map_path, "%s", smp_result_message(res));
        return st == SMP_ERR_ARG ? EXIT_USAGE : EXIT_INPUT;
    }
    size_t n;
    smp_result_dots(res, &n);
    if (o->verbose)
        fprintf(stderr, "smpsim: %zu dots over %.1f x %.1f mm: %.2f dots/cm² on average\n", n, o->w, o->h,
                n / (o->w * o->h / 100.0));
    const char *out_path = NULL, *svg_path = NULL;
    int rc = 0;
    if (!(out_path = cli_out_path(&std_out[0], o->out, ".csv", 0)) ||
        (o->svg && !(svg_path = cli_out_path(&std_out[1], o->svg, ".svg", 0))))
        rc = EXIT_USAGE;
    if (!rc && !cli_interrupted())
        rc = write_dots(res, out_path, p);
    if (!rc && o->svg && !cli_interrupted())
        rc = write_dots(res, svg_path, p);
    return rc;
}

int cmd_points(int argc, char **argv)
{
    points_opts o = {0};
    int rc = 0;
    smp_params *p = smp_params_new();
    smp_result *res = smp_result_new();
    smp_image *map = NULL;
    /* No photo to match: the numbers given, or the defaults. */
    if (p && (smp_params_set_density_auto(p, 0) != SMP_OK || smp_params_set_dot_auto(p, 0) != SMP_OK))
        p = NULL;
    cli_out std_out[2] = {{0}};
    if (!p || !res) {
        cli_error(NULL, "out of memory");
        rc = EXIT_INPUT;
    } else if (!(rc = parse(argc, argv, p, &o)) && !(rc = check_outputs(&o)) &&
               !(rc = load_map_and_area(&o, p, &map))) {
        rc = place_and_write(&o, p, res, map, std_out);
    }
    rc = rc < 0 ? 0 : rc; /* --help */
    for (int i = 0; i < 2; i++) {
        int out_rc = cli_out_end(&std_out[i], !rc && !cli_interrupted());
        rc = rc ? rc : out_rc;
    }
    smp_image_free(map);
    smp_result_free(res);
    smp_params_free(p);
    cli_die_of_signal();
    return rc;
}
