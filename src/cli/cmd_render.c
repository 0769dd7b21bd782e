/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim render / smpsim preview: one photo and its mask to an image. */
#include "masks.h"
#include "render_opts.h"
#include "settings.h"

#include <getopt.h>
#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f, const char *cmd)
{
    const int preview = !strcmp(cmd, "preview");
    fprintf(f,
            "Usage: smpsim %s [options] PHOTO MASK|auto -o OUTPUT\n"
            "\n"
            "%s\n"
            "PHOTO and MASK are PNG or JPEG (read by content). MASK: white = treat,\n"
            "grey = partial, black = leave; a mask with transparency uses its alpha.\n"
            "OUTPUT is .png or .jpg%s, written atomically; an existing file is kept\n"
            "unless --force, and an input is never overwritten.\n"
            "\n"
            "Options (units in brackets, defaults after '='):\n"
            "  -o, --output FILE     where to write (required)\n"
            "%s"
            "      --density N|auto  dots per cm² where the mask is white [1..400] = auto:\n"
            "                        with --dot also auto, density (80..150) and dot size\n"
            "                        (0.25..0.35 mm) are chosen together so the treated\n"
            "                        core's tone matches the reference at viewing scale;\n"
            "                        with a given --dot, the density alone (40..200);\n"
            "                        at most 1000000 dots in all (density x treated\n"
            "                        area, checked before the work)\n"
            "      --dot MM|auto     healed dot diameter in the main area [0.02..1 mm] = auto;\n"
            "                        110 dots/cm² of 0.28 mm without a reference\n"
            "      --regularity R    min dot distance over the hexagonal spacing [0.3..0.77]\n"
            "                        = 0.6; 0.77 is a maximal Poisson-disk set\n"
            "      --px-per-mm N     photo scale [px/mm, 0.5..1000]; default: the shorter side\n"
            "                        spans 200 mm, kept within 0.5..1000\n"
            "      --feather MM      width of the density ramp across the mask edge [0..50 mm] = 4;\n"
            "                        the broken edge's is about 1 mm where hair is outside\n"
            "      --pigment RRGGBB  the shade skin takes under a continuous layer, sRGB hex;\n"
            "                        default: carbon black under the skin, diluted to match\n"
            "      --dilution D      carbon black diluted with water [0..1]; 0 undiluted\n"
            "      --reference FILE  painted region to match (white = reference) instead of\n"
            "                        the band 3..15 mm outside the mask\n"
            "      --edge STYLE      broken (irregular, default; fades into bare skin, keeps the\n"
            "                        density up to hair), soft or sharp\n"
            "      --opacity F       mean pigment load of a dot [0..1] = 0.85\n"
            "      --seed N          random seed; same seed + inputs = same bytes = 1\n"
            "      --sessions N      1..4 sessions, cumulative 30,70,100 %% for 3 = 1\n"
            "      --session-split L cumulative %% per session, e.g. 25,60,100\n"
            "      --session K       show the state after session K = the last\n"
            "      --age A           fresh, healed (default) or Ny: N years of fading\n"
            "      --cast blue       a blue cast, as from poor technique (never default)\n"
            "      --scar-mask FILE  scar tissue (white): takes less pigment, spreads more\n"
            "      --metrics FILE    write the measurements as JSON (with the realism measures)\n"
            "      --dots FILE       write the placed dots (.csv or .svg, as smpsim points)\n"
            "      --density-map FILE grey map of the density inside the mask: white = the\n"
            "                        density (or MAX), black = none (or MIN)\n"
            "      --density-range MIN:MAX  the map's scale in dots/cm²\n"
            "      --quality N       JPEG quality [1..100] = 92 (4:4:4 chroma)\n"
            "      --max-pixels N    refuse images larger than N pixels = 200000000\n"
            "  -f, --force           replace an existing output\n"
            "  -v, --verbose         report scale, dots and timings on stderr\n"
            "  -h, --help            this help\n"
            CLI_MASK_HELP
            "%s",
            cmd,
            preview ? "Writes before and after together in a layout, labelled, with a caption\n"
                      "line and a close-up (loupe) of the dots at their true size."
                    : "Writes the after image alone, at the photo's size and orientation.",
            preview ? ", or .html: one self-contained before/after slider page" : "",
            "      --settings FILE   options from a JSON object, named as here: {\"density\":\n"
            "                        120, \"edge\": \"soft\"} (smpsim studio's export; keys\n"
            "                        starting with _ are notes); later options win\n",
            preview ? CLI_PREVIEW_HELP : "");
}

const struct option cli_render_options[] = {
    CLI_PARAM_OPTIONS,
    CLI_LOOK_OPTIONS,
    CLI_PREVIEW_OPTIONS,
    CLI_MASK_OPTIONS,
    {"reference", required_argument, NULL, OPT_REFERENCE},
    {"scar-mask", required_argument, NULL, OPT_SCARS},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"dots", required_argument, NULL, OPT_DOTS},
    {"density-map", required_argument, NULL, OPT_MAP},
    {"density-range", required_argument, NULL, OPT_RANGE},
    {"settings", required_argument, NULL, OPT_SETTINGS},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static const char *option_name(int c)
{
    for (const struct option *o = cli_render_options; o->name; o++)
        if (o->val == c)
            return o->name;
    return "?";
}

/* What the command line asks beyond the params. */
typedef struct opts {
    const char *out, *reference, *scars, *metrics, *map, *dots;
    double range_lo, range_hi;
    int verbose, force;
    cli_mask_opts mask;
} opts;

/* Parses options into p and o; returns 0 to continue, or an exit code. */
static int parse(int argc, char **argv, const char *cmd, smp_params *p, opts *o)
{
    int c;
    optind = 1;
    cli_preview_defaults(p);
    while ((c = getopt_long(argc, argv, "o:fvh", cli_render_options, NULL)) != -1) {
        int ok = 1;
        /* An option from a --settings file ("--key=value"): its errors
         * name the file and the key. */
        char key[CLI_SETTING_KEY];
        const char *file = cli_settings_enter(argv[optind - 1], key);
        cli_settings_record(c, argv[optind - 1]);
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'f': smp_params_set_overwrite(p, 1); o->force = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout, cmd); return -1;
        case OPT_REFERENCE: o->reference = optarg; break;
        case OPT_SCARS: o->scars = optarg; break;
        case OPT_METRICS: o->metrics = optarg; break;
        case OPT_DOTS: o->dots = optarg; break;
        case OPT_MAP: o->map = optarg; break;
        case OPT_RANGE: ok = cli_parse_range("--density-range", optarg, &o->range_lo, &o->range_hi); break;
        case OPT_SETTINGS: break; /* read before parsing: cli_settings_expand */
        default:
            if ((ok = cli_mask_option(c, optarg, &o->mask)) >= 0)
                break;
            ok = 1;
            if (c >= CLI_OPT_LAYOUT && c <= CLI_OPT_LOUPE_ZOOM && strcmp(cmd, "preview") != 0) {
                cli_error(NULL, "--%s is a preview option", option_name(c));
                ok = 0;
                break;
            }
            ok = cli_param_option(c, optarg, p);
            break;
        }
        cli_error_in_setting(NULL, NULL);
        if (!ok && file)
            return EXIT_INPUT;
        if (!ok) {
            fprintf(stderr, "Try 'smpsim %s --help'.\n", cmd);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 2 || !o->out) {
        cli_error(NULL, "%s needs PHOTO MASK -o OUTPUT", cmd);
        fprintf(stderr, "Try 'smpsim %s --help'.\n", cmd);
        return EXIT_USAGE;
    }
    return 0;
}

static void report(const char *photo_path, const smp_image *photo, smp_result *res, const smp_params *p)
{
    size_t n_dots;
    smp_result_dots(res, &n_dots);
    double before, after, density;
    smp_result_tone(res, &before, &after, &density);
    fprintf(stderr, "smpsim: %s: %ux%u, %.2f px/mm%s\n", photo_path, (unsigned)smp_image_width(photo),
            (unsigned)smp_image_height(photo), smp_result_px_per_mm(res),
            smp_result_px_per_mm_assumed(res) ? " (assumed: the shorter side spans 200 mm; set --px-per-mm)"
                                              : "");
    smp_measures m;
    smp_result_measures(res, &m);
    (void)p;
    fprintf(stderr, "smpsim: %zu dots at %.0f dots/cm², %.2f mm; core to reference CIEDE2000 %.2f -> %.2f\n",
            n_dots, density, m.dot_mm, before, after);
    if (m.follicles_resolved && m.follicles_cm2 > 0)
        fprintf(stderr, "smpsim: the client's stubble: %.0f follicles/cm², %.2f mm, contrast %.0f %%\n",
                m.follicles_cm2, m.follicle_mm, 100 * m.follicle_contrast);
    else if (m.follicles_resolved)
        fprintf(stderr, "smpsim: the client's stubble: no follicles found in the reference\n");
    else if (m.follicles_measured && smp_result_px_per_mm(res) < 6)
        fprintf(stderr, "smpsim: the photo is too coarse (%.1f px/mm, under 6) to resolve single follicles: "
                        "matched by tone and texture, not by follicle count\n", smp_result_px_per_mm(res));
    else if (m.follicles_measured) /* fine enough, but the reference is out of focus (the note says how much) */
        fprintf(stderr, "smpsim: the client's stubble is too blurred to count follicles or judge its texture: "
                        "matched by tone alone\n");
    /* A core without shine or without texture has no ratio to give (NaN): say nothing of it. */
    if (isfinite(m.core_darkening)) {
        fprintf(stderr, "smpsim: core %.1f %% darker", 100 * m.core_darkening);
        if (isfinite(m.shine_darkening))
            fprintf(stderr, ", its shine %.1f %%", 100 * m.shine_darkening);
        if (isfinite(m.contrast_ratio))
            fprintf(stderr, "; follicle-scale contrast %.2f of the reference's", m.contrast_ratio);
        fputc('\n', stderr);
    }
}

/* A session to show must be one of those planned. */
static int check_sessions(const smp_params *p)
{
    int k = smp_params_show_session(p), n = smp_params_layers(p, NULL);
    if (k > n && n > 0) {
        const int rc = cli_settings_blame(CLI_OPT_SESSION);
        cli_error(NULL, "--session: %d is past the last of %d sessions", k, n);
        cli_error_in_setting(NULL, NULL);
        return rc;
    }
    return 0;
}

/* One render or preview: the command's handles, filled step by step. */
typedef struct run {
    const char *cmd, *photo_path, *mask_path;
    int preview, html, cancelled;
    opts o;
    smp_params *p;
    smp_image *photo, *mask, *composed, *reference, *scars, *map;
    smp_result *res;
    cli_out std_out[3];
    const char *out_path, *metrics_path, *dots_path;
    char **args; /* argv with --settings expanded */
    char warning[256]; /* the mask check's, for the metrics' notes */
} run;

/* Output types, outputs that are inputs or each other, and "-" (standard
 * output, through a temporary file). 0 to continue, or an exit code. */
static int check_outputs(run *r)
{
    const opts *o = &r->o;
    const char *const inputs[] = {r->photo_path, r->mask_path, o->reference, o->scars, o->map};
    if (smp_format_for_path(o->out) == SMP_FORMAT_NONE && !r->html && !cli_is_stdio(o->out)) {
        cli_error(o->out, r->preview ? "unknown output type; name it .png, .jpg, .jpeg or .html"
                                     : "unknown output type; name it .png, .jpg or .jpeg");
        return EXIT_USAGE;
    }
    if (o->dots && !cli_is_dots_path(o->dots) && !cli_is_stdio(o->dots)) {
        cli_error(o->dots, "unknown output type; name it .csv or .svg");
        return EXIT_USAGE;
    }
    const char *const outs[] = {o->out, o->metrics, o->dots};
    static const char *const OUT_NAMES[] = {"-o", "--metrics", "--dots"};
    int rc;
    if ((rc = cli_check_outputs(outs, OUT_NAMES, 3)) || (rc = check_sessions(r->p)) ||
        (rc = cli_check_output(o->out, inputs, 5, o->force)) ||
        (o->metrics && (rc = cli_check_output(o->metrics, inputs, 5, o->force))) ||
        (o->dots && (rc = cli_check_output(o->dots, inputs, 5, o->force))))
        return rc;
    if (!(r->out_path = cli_out_path(&r->std_out[0], o->out, ".png", 1)) ||
        (o->metrics && !(r->metrics_path = cli_out_path(&r->std_out[1], o->metrics, ".json", 0))) ||
        (o->dots && !(r->dots_path = cli_out_path(&r->std_out[2], o->dots, ".csv", 0))))
        return EXIT_USAGE;
    return 0;
}

/* The photo, the mask (read, painted, drawn or suggested) and the side
 * images, into the params. 0 to continue, or an exit code. */
static int load_inputs(run *r)
{
    opts *o = &r->o;
    smp_params *p = r->p;
    int rc;
    o->mask.verbose = o->verbose;
    if ((rc = cli_load_image(r->photo, r->photo_path, p)) || (rc = cli_preview_check_photo(p, r->photo)) ||
        (rc = cli_prepare_mask(r->mask, r->mask_path, r->photo, r->photo_path, p, &o->mask, r->warning,
                                   sizeof r->warning)))
        return rc;
    if (o->reference && (!(r->reference = smp_image_new()) || (rc = cli_load_image(r->reference, o->reference, p))))
        return rc;
    if (o->scars && (!(r->scars = smp_image_new()) || (rc = cli_load_image(r->scars, o->scars, p))))
        return rc;
    if (o->map && (!(r->map = smp_image_new()) || (rc = cli_load_image(r->map, o->map, p))))
        return rc;
    if (!o->map && o->range_hi > 0) {
        cli_error(NULL, "--density-range goes with --density-map");
        return EXIT_USAGE;
    }
    cli_preview_finish(p);
    smp_params_set_measures(p, o->metrics || o->verbose);
    smp_params_set_reference(p, r->reference);
    smp_params_set_scars(p, r->scars);
    if (r->map && smp_params_set_density_map(p, r->map, o->range_lo, o->range_hi) != SMP_OK) {
        cli_error(NULL, "--density-range: %s", smp_params_message(p));
        return EXIT_USAGE;
    }
    return 0;
}

/* The pipeline, its notes, and a failure blamed on the input it names.
 * 0 to go on (unless cancelled: then nothing is written), or an exit code. */
static int simulate(run *r)
{
    /* A plain render writes the after image alone: the photo's pixels can
     * become it, and the mask go once read (a 12 MP photo: 48 MB less). */
    const int consume = !r->preview && !r->html && !r->o.verbose && !r->o.metrics;
    smp_status st = cli_interrupted() ? SMP_ERR_CANCELLED
                    : consume         ? smp_simulate_consume(r->res, r->p, r->photo, r->mask)
                                      : smp_simulate(r->res, r->p, r->photo, r->mask);
    if ((r->cancelled = st == SMP_ERR_CANCELLED))
        return 0; /* interrupted: nothing written, the signal ends the process */
    /* Named by the mask, or by the photo when the mask is its suggestion
     * (they read "auto: note: ..."). */
    const char *about = strcmp(r->mask_path, "auto") ? r->mask_path : r->photo_path;
    for (size_t i = 0; i < smp_result_note_count(r->res); i++)
        cli_error(about, "note: %s", smp_result_note(r->res, i));
    if (st != SMP_OK) {
        const char *const inputs[SMP_INPUT_COUNT] = {
            [SMP_INPUT_PHOTO] = r->photo_path, [SMP_INPUT_MASK] = r->mask_path,
            [SMP_INPUT_REFERENCE] = r->o.reference, [SMP_INPUT_SCARS] = r->o.scars,
            [SMP_INPUT_DENSITY_MAP] = r->o.map};
        cli_error(cli_failed_path(r->res, st, inputs), "%s", smp_result_message(r->res));
        return cli_exit_for(st) == EXIT_USAGE ? EXIT_INPUT : cli_exit_for(st);
    }
    /* The mask check's warning (printed already) joins the notes, so that the
     * metrics file holds every note of the run. */
    if (r->warning[0] && smp_result_add_note(r->res, r->warning) != SMP_OK) {
        cli_error(NULL, "out of memory");
        return EXIT_INPUT;
    }
    if (r->o.verbose)
        report(r->photo_path, r->photo, r->res, r->p);
    return 0;
}

/* The after image, preview or page, then the metrics and the dots; a run
 * that fails from the metrics on leaves none of them. 0 or an exit code. */
static int write_outputs(run *r)
{
    const opts *o = &r->o;
    smp_image *to_write = smp_result_after(r->res);
    smp_status st;
    if (r->html && !cli_interrupted()) {
        st = smp_preview_write_html(r->res, r->photo, r->out_path, r->p);
        if (st != SMP_OK) {
            cli_error(o->out, "%s", smp_result_message(r->res));
            return st == SMP_ERR_ARG ? EXIT_USAGE : EXIT_OUTPUT;
        }
        to_write = NULL;
    } else if (r->preview && !cli_interrupted()) {
        r->composed = smp_image_new();
        st = r->composed ? smp_preview(r->composed, r->res, r->photo, r->p, NULL) : SMP_ERR_NOMEM;
        if (st != SMP_OK) {
            cli_error(o->out, "%s", r->composed ? smp_image_message(r->composed) : "out of memory");
            return EXIT_OUTPUT;
        }
        to_write = r->composed;
    }
    if (cli_interrupted())
        return 0;
    st = to_write ? smp_image_write_file(to_write, r->out_path, r->p) : SMP_OK;
    if (st != SMP_OK) {
        cli_error(o->out, "%s", smp_image_message(to_write));
        return cli_exit_for(st) == EXIT_USAGE ? EXIT_USAGE : EXIT_OUTPUT;
    }
    int rc = 0;
    if (o->metrics && !cli_interrupted() && smp_result_write_metrics(r->res, r->metrics_path, r->p) != SMP_OK) {
        cli_error(o->metrics, "%s", smp_result_message(r->res));
        rc = EXIT_OUTPUT;
    }
    if (!rc && o->dots && !cli_interrupted() && smp_result_write_dots(r->res, r->dots_path, r->p) != SMP_OK) {
        cli_error(o->dots, "%s", smp_result_message(r->res));
        rc = EXIT_OUTPUT;
        if (o->metrics)
            unlink(o->metrics);
    }
    if (rc || cli_interrupted())
        unlink(o->out); /* a failed run leaves nothing (a replaced file is gone either way) */
    return rc;
}

/* Publishes or drops the standard-output copies, frees the handles; the
 * exit code. */
static int finish(run *r, int rc)
{
    for (int i = 0; i < 3; i++) {
        int out_rc = cli_out_end(&r->std_out[i], !rc && !cli_interrupted());
        rc = rc ? rc : out_rc;
    }
    smp_image_free(r->composed);
    smp_image_free(r->map);
    smp_image_free(r->scars);
    smp_image_free(r->reference);
    smp_result_free(r->res);
    smp_image_free(r->mask);
    smp_image_free(r->photo);
    smp_params_free(r->p);
    cli_settings_free(r->args);
    cli_die_of_signal();
    return rc < 0 ? 0 : rc;
}

int cmd_render(int argc, char **argv, int preview)
{
    run r = {.cmd = preview ? "preview" : "render", .preview = preview};
    r.p = smp_params_new();
    r.photo = smp_image_new();
    r.mask = smp_image_new();
    r.res = smp_result_new();
    if (!r.p || !r.photo || !r.mask || !r.res) {
        cli_error(NULL, "out of memory");
        return finish(&r, EXIT_INPUT);
    }
    r.args = argv;
    int rc = cli_settings_expand(&argc, &r.args, cli_render_options);
    if (rc) {
        r.args = NULL;
        return finish(&r, rc);
    }
    argv = r.args;
    rc = parse(argc, argv, r.cmd, r.p, &r.o);
    if (rc)
        return finish(&r, rc);
    smp_params_set_progress(r.p, cli_progress, NULL);
    r.photo_path = argv[optind];
    r.mask_path = argv[optind + 1];
    r.html = preview && cli_is_html_path(r.o.out);
    if (!(rc = check_outputs(&r)) && !(rc = load_inputs(&r)) && !(rc = simulate(&r)) && !r.cancelled)
        rc = write_outputs(&r);
    return finish(&r, rc);
}
