/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim sweep: one photo under the product of several parameter values,
 * run in parallel, summarised as a contact sheet and tables. */
#include "sweep.h"

#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("Usage: smpsim sweep [options] PHOTO MASK [-o SHEET] [--csv RUNS.csv]\n"
          "\n"
          "Runs the photo under every combination of the listed values, in parallel,\n"
          "each run deterministic. VALUES is a comma list of numbers and ranges\n"
          "start:stop:step (stop included), e.g. 40:160:20 or 0.10,0.15,0.20.\n"
          "\n"
          "Varied parameters:\n"
          "      --density VALUES  dots per cm² [1..400] = 110; 'auto' may be listed; at\n"
          "                        most 1000000 dots a run (density x treated area)\n"
          "      --dot VALUES      dot diameter [0.02..1 mm] = 0.28\n"
          "      --dilution VALUES carbon black towards the skin [0..1] = auto (from the hair)\n"
          "      --opacity VALUES  mean dot opacity [0..1] = 0.85\n"
          "      --age VALUES      years of fading [0..30] = 0 (healed); 'fresh' may be listed\n"
          "      --seeds LIST      seeds, e.g. 1..5 or 1,7,9 = 1 (--seed N: one seed)\n"
          "\n"
          "Outputs (at least one; written atomically when every run has finished):\n"
          "  -o, --output FILE     contact sheet (.png or .jpg): rows are the first varied\n"
          "                        parameter, columns the others; each cell a crop of the\n"
          "                        first seed's after image around the treated core, at the\n"
          "                        photo's resolution, captioned with its measurements\n"
          "      --csv FILE        one row per run: every parameter, the scale, dots,\n"
          "                        achieved density, closest spacing, rho, CIEDE2000\n"
          "                        before and after, and seconds (the only column that\n"
          "                        changes between identical runs)\n"
          "      --summary FILE    per cell: mean and sample sd over the seeds\n"
          "                        = the CSV's name with .summary.csv, when seeds > 1\n"
          "\n"
          "Other options:\n"
          "      --cell-mm MM      side of each sheet cell [5..200 mm] = 25\n"
          "      --jobs N          runs in parallel = the number of cores\n"
          "      --reference FILE  painted region to match instead of the band outside\n"
          "      --px-per-mm, --feather, --pigment, --edge, --cast, --sessions,\n"
          "      --session-split, --session, --layers, --quality, --max-pixels: as render\n"
          "  -f, --force           replace existing outputs\n"
          "  -v, --verbose         a line on stderr per finished run\n"
          "  -h, --help            this help\n",
          f);
}

enum { OPT_SEEDS = 800, OPT_CSV, OPT_SUMMARY, OPT_CELL, OPT_JOBS, OPT_REFERENCE };

static const struct option LONG_OPTS[] = {
    CLI_PARAM_OPTIONS,
    CLI_LOOK_OPTIONS,
    {"seeds", required_argument, NULL, OPT_SEEDS},
    {"csv", required_argument, NULL, OPT_CSV},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"cell-mm", required_argument, NULL, OPT_CELL},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"reference", required_argument, NULL, OPT_REFERENCE},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

typedef struct opts {
    const char *sheet, *csv, *summary, *reference;
    const char *axis_text[AXIS_COUNT], *seeds_text;
    double cell_mm;
    int jobs, force, verbose;
} opts;

/* The shared state of the workers. */
typedef struct pool {
    sweep *s;
    sweep_run *runs;
    smp_image **cells; /* the first seed's crop per cell */
    const smp_params *base;
    const smp_image *photo, *mask;
    double cell_mm;
    int threads, verbose;
    pthread_mutex_t lock;
    size_t next, finished;
    size_t failed_run; /* the lowest failed run, SIZE_MAX when none */
    smp_status failed_status;
    char failed_msg[600];
} pool;

static int axis_of_option(int c)
{
    switch (c) {
    case CLI_OPT_DENSITY: return AXIS_DENSITY;
    case CLI_OPT_DOT: return AXIS_DOT;
    case CLI_OPT_DILUTION: return AXIS_DILUTION;
    case CLI_OPT_OPACITY: return AXIS_OPACITY;
    case CLI_OPT_AGE: return AXIS_AGE;
    default: return -1;
    }
}

static int parse(int argc, char **argv, smp_params *p, opts *o)
{
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:fvh", LONG_OPTS, NULL)) != -1) {
        int ok = 1, axis = axis_of_option(c);
        uint64_t u;
        if (axis >= 0) {
            o->axis_text[axis] = optarg;
            continue;
        }
        switch (c) {
        case 'o': o->sheet = optarg; break;
        case 'f': smp_params_set_overwrite(p, 1); o->force = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); return -1;
        case CLI_OPT_SEED:
        case OPT_SEEDS: o->seeds_text = optarg; break;
        case OPT_CSV: o->csv = optarg; break;
        case OPT_SUMMARY: o->summary = optarg; break;
        case OPT_REFERENCE: o->reference = optarg; break;
        case OPT_CELL:
            ok = cli_parse_double("--cell-mm", optarg, &o->cell_mm);
            if (ok && !(o->cell_mm >= 5 && o->cell_mm <= 200)) {
                cli_error(NULL, "--cell-mm: '%s' is not 5..200", optarg);
                ok = 0;
            }
            break;
        case OPT_JOBS:
            ok = cli_parse_u64("--jobs", optarg, &u) && u >= 1 && u <= 256;
            if (!ok)
                cli_error(NULL, "--jobs: '%s' is not 1..256", optarg);
            o->jobs = ok ? (int)u : 0;
            break;
        default: ok = cli_param_option(c, optarg, p); break;
        }
        if (!ok) {
            fputs("Try 'smpsim sweep --help'.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 2 || (!o->sheet && !o->csv && !o->summary)) {
        cli_error(NULL, "sweep needs PHOTO MASK and at least one of -o SHEET, --csv FILE, --summary FILE");
        fputs("Try 'smpsim sweep --help'.\n", stderr);
        return EXIT_USAGE;
    }
    return 0;
}

/* Sheet cells are at least this wide: smaller crops are enlarged by
 * repeating pixels, so every rendered pixel stays as it was. */
#define MIN_CELL_PX 240
#define MAX_ZOOM 8

static int zoom_for(uint32_t side)
{
    int z = (int)((MIN_CELL_PX + side - 1) / side);
    return z < 1 ? 1 : z > MAX_ZOOM ? MAX_ZOOM : z;
}

static smp_status enlarge(smp_image *img, int z)
{
    smp_image *big = z > 1 ? smp_image_new() : NULL;
    if (z <= 1)
        return SMP_OK;
    const uint32_t w = smp_image_width(img), h = smp_image_height(img);
    smp_status st = big ? smp_image_alloc(big, w * (uint32_t)z, h * (uint32_t)z, 3) : SMP_ERR_NOMEM;
    if (st == SMP_OK) {
        const uint8_t *src = smp_image_cdata(img);
        uint8_t *dst = smp_image_data(big);
        for (uint32_t y = 0; y < h * (uint32_t)z; y++)
            for (uint32_t x = 0; x < w * (uint32_t)z; x++)
                memcpy(dst + ((size_t)y * w * (uint32_t)z + x) * 3,
                       src + ((size_t)(y / (uint32_t)z) * w + x / (uint32_t)z) * 3, 3);
        st = smp_image_crop(img, big, 0, 0, w * (uint32_t)z, h * (uint32_t)z);
    }
    smp_image_free(big);
    return st;
}

/* The square crop of side cell_mm around the run's focus, clamped inside. */
static smp_status crop_cell(smp_image *out, smp_result *res, double cell_mm, int *zoom)
{
    smp_image *after = smp_result_after(res);
    const uint32_t w = smp_image_width(after), h = smp_image_height(after);
    double side = fmin(fmin(round(cell_mm * smp_result_px_per_mm(res)), 1200.0), fmin(w, h));
    const uint32_t n = (uint32_t)fmax(side, 1.0);
    smp_measures m;
    smp_result_measures(res, &m);
    double x = fmin(fmax(m.focus_x_px - n / 2.0, 0.0), (double)(w - n));
    double y = fmin(fmax(m.focus_y_px - n / 2.0, 0.0), (double)(h - n));
    smp_status st = smp_image_crop(out, after, (uint32_t)x, (uint32_t)y, n, n);
    *zoom = zoom_for(n);
    return st == SMP_OK ? enlarge(out, *zoom) : st;
}

static void fail(pool *pl, size_t i, smp_status st, const char *msg)
{
    pthread_mutex_lock(&pl->lock);
    if (i < pl->failed_run) {
        pl->failed_run = i;
        pl->failed_status = st;
        snprintf(pl->failed_msg, sizeof pl->failed_msg, "%s", msg);
    }
    pthread_mutex_unlock(&pl->lock);
}

static void run_one(pool *pl, size_t i)
{
    const sweep *s = pl->s;
    sweep_run *r = &pl->runs[i];
    r->cell = i / (size_t)s->n_seeds;
    r->seed = s->seeds[i % (size_t)s->n_seeds];
    smp_params *p = smp_params_clone(pl->base);
    smp_result *res = smp_result_new();
    smp_status st = p && res ? SMP_OK : SMP_ERR_NOMEM;
    for (int a = 0; st == SMP_OK && a < AXIS_COUNT; a++)
        st = s->axes[a].set(p, sweep_value(s, a, r->cell));
    if (st == SMP_OK)
        st = smp_params_set_seed(p, r->seed);
    if (st == SMP_OK)
        st = smp_params_set_threads(p, pl->threads);
    const double t0 = cli_now();
    if (st == SMP_OK)
        st = smp_simulate(res, p, pl->photo, pl->mask);
    r->seconds = cli_now() - t0;
    if (st == SMP_OK) {
        smp_result_measures(res, &r->m);
        r->px_per_mm = smp_result_px_per_mm(res);
        r->ok = 1;
    }
    if (st == SMP_OK && i % (size_t)s->n_seeds == 0) {
        smp_image *cell = smp_image_new();
        st = cell ? crop_cell(cell, res, pl->cell_mm, &r->zoom) : SMP_ERR_NOMEM;
        if (st != SMP_OK && cell)
            fail(pl, i, st, smp_image_message(cell));
        pl->cells[r->cell] = cell;
    } else if (st != SMP_OK) {
        fail(pl, i, st, res ? smp_result_message(res) : p ? smp_params_message(p) : "out of memory");
    }
    smp_result_free(res);
    smp_params_free(p);
    pthread_mutex_lock(&pl->lock);
    pl->finished++;
    if (pl->verbose && r->ok)
        fprintf(stderr, "smpsim: sweep: %zu/%zu done (cell %zu, seed %llu): %zu dots, %.2f s\n", pl->finished,
                s->runs, r->cell, (unsigned long long)r->seed, r->m.dots, r->seconds);
    pthread_mutex_unlock(&pl->lock);
}

static void *worker(void *arg)
{
    pool *pl = arg;
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        size_t i = pl->next < pl->s->runs && pl->failed_run == SIZE_MAX && !cli_interrupted() ? pl->next++ : SIZE_MAX;
        pthread_mutex_unlock(&pl->lock);
        if (i == SIZE_MAX)
            return NULL;
        run_one(pl, i);
    }
}

/* Runs every combination; 0 or an exit code after saying why. */
static int run_all(pool *pl, int jobs, const char *photo_path)
{
    pthread_mutex_init(&pl->lock, NULL);
    pl->failed_run = SIZE_MAX;
    pthread_t th[256];
    int started = 0;
    for (int i = 0; i < jobs; i++)
        started += pthread_create(&th[started], NULL, worker, pl) == 0;
    if (!started)
        worker(pl);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&pl->lock);
    if (pl->failed_run != SIZE_MAX && pl->failed_status != SMP_ERR_CANCELLED) {
        cli_error(photo_path, "run %zu: %s", pl->failed_run, pl->failed_msg);
        int rc = cli_exit_for(pl->failed_status);
        return rc == EXIT_USAGE ? EXIT_INPUT : rc;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Writes the contact sheet; 0 or an exit code. */
static int write_sheet(const pool *pl, const opts *o, const char *photo_path, const smp_params *p)
{
    const sweep *s = pl->s;
    int varied[AXIS_COUNT] = {0}, n_varied = 0;
    for (int a = 0; a < AXIS_COUNT; a++)
        if (s->axes[a].n > 1)
            varied[n_varied++] = a;
    const int rows = n_varied >= 2 ? s->axes[varied[0]].n : 1;
    const int cols = (int)(s->cells / (size_t)rows);
    const int first_col_axis = n_varied >= 2 ? 1 : 0;
    char **labels = calloc(s->cells + (size_t)rows + (size_t)cols, sizeof *labels);
    int rc = labels ? 0 : EXIT_OUTPUT;
    char **captions = labels, **row_labels = labels ? labels + s->cells : NULL;
    char **col_labels = row_labels ? row_labels + rows : NULL;
    for (size_t cell = 0; !rc && cell < s->cells; cell++) {
        const sweep_run *r = &pl->runs[cell * (size_t)s->n_seeds];
        char text[160], de[40] = "";
        if (isfinite(r->m.delta_e_after))
            snprintf(de, sizeof de, "  ΔE %.1f", r->m.delta_e_after);
        snprintf(text, sizeof text, "%.0f/cm²  ρ %.2f%s", r->m.achieved_core_cm2, r->m.rho, de);
        rc = (captions[cell] = strdup(text)) ? 0 : EXIT_OUTPUT;
        const int row = (int)(cell / (size_t)cols), col = (int)(cell % (size_t)cols);
        char v[32], joined[200] = "";
        if (!rc && col == 0 && n_varied >= 2) {
            sweep_format(&s->axes[varied[0]], sweep_value(s, varied[0], cell), v, sizeof v);
            rc = (row_labels[row] = strdup(v)) ? 0 : EXIT_OUTPUT;
        }
        if (!rc && row == 0 && n_varied > first_col_axis) {
            for (int k = first_col_axis; k < n_varied; k++) {
                sweep_format(&s->axes[varied[k]], sweep_value(s, varied[k], cell), v, sizeof v);
                snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s",
                         k > first_col_axis ? " / " : "", v);
            }
            rc = (col_labels[col] = strdup(joined)) ? 0 : EXIT_OUTPUT;
        }
    }
    char header[1200], fixed[400] = "", axes_line[300] = "";
    for (int a = 0; a < AXIS_COUNT; a++) {
        char v[32];
        sweep_format(&s->axes[a], s->axes[a].values[0], v, sizeof v);
        if (s->axes[a].n == 1)
            snprintf(fixed + strlen(fixed), sizeof fixed - strlen(fixed), "%s%s %s%s", fixed[0] ? ", " : "",
                     s->axes[a].option, v, s->axes[a].values[0] < 0 ? "" : s->axes[a].unit);
    }
    for (int k = 0; k < n_varied; k++)
        snprintf(axes_line + strlen(axes_line), sizeof axes_line - strlen(axes_line), "%s%s",
                 k == 0 ? (n_varied >= 2 ? "rows: " : "columns: ") : k == 1 ? "; columns: " : " / ",
                 s->axes[varied[k]].label);
    const smp_image *first = pl->cells[0];
    const int zoom = pl->runs[0].zoom;
    char shown[40] = "";
    if (zoom > 1)
        snprintf(shown, sizeof shown, ", shown %d× (pixels repeated)", zoom);
    snprintf(header, sizeof header,
             "smpsim sweep: %s, %.2f px/mm, seed %llu%s\n%s%sfeather %g mm\n%s%scells: %.0f mm around the treated core%s\n"
             "captions: achieved density over the core, ρ, CIEDE2000 to the reference after",
             base_name(photo_path), pl->runs[0].px_per_mm, (unsigned long long)s->seeds[0],
             s->n_seeds > 1 ? " shown (all seeds in the tables)" : "", fixed, fixed[0] ? ", " : "",
             s->feather_mm, axes_line, axes_line[0] ? "\n" : "",
             (double)smp_image_width(first) / zoom / pl->runs[0].px_per_mm, shown);
    smp_image *sheet = rc ? NULL : smp_image_new();
    smp_status st = sheet ? smp_contact_sheet(sheet, (const smp_image *const *)pl->cells, rows, cols, header,
                                              n_varied >= 2 ? (const char *const *)row_labels : NULL,
                                              n_varied ? (const char *const *)col_labels : NULL,
                                              (const char *const *)captions, p)
                          : SMP_ERR_NOMEM;
    if (st == SMP_OK && !cli_interrupted())
        st = smp_image_write_file(sheet, o->sheet, p);
    if (st != SMP_OK) {
        cli_error(o->sheet, "%s", sheet ? smp_image_message(sheet) : "out of memory");
        rc = cli_exit_for(st) == EXIT_USAGE ? EXIT_USAGE : EXIT_OUTPUT;
    }
    smp_image_free(sheet);
    for (size_t i = 0; labels && i < s->cells + (size_t)rows + (size_t)cols; i++)
        free(labels[i]);
    free(labels);
    return rc;
}

/* X.csv -> X.summary.csv */
static char *summary_path(const char *csv)
{
    size_t n = strlen(csv);
    if (n > 4 && !strcmp(csv + n - 4, ".csv"))
        n -= 4;
    char *out = malloc(n + sizeof ".summary.csv");
    if (out)
        snprintf(out, n + sizeof ".summary.csv", "%.*s.summary.csv", (int)n, csv);
    return out;
}

/* The axes and seeds into s, the summary's name when one is due, the
 * sheet's type; 0 or an exit code. */
static int plan_runs(sweep *s, opts *o, smp_params *p, smp_params *scratch, char **derived_summary)
{
    int rc = 0;
    sweep_init(s, p);
    for (int a = 0; a < AXIS_COUNT; a++)
        if (o->axis_text[a] && !sweep_parse_axis(&s->axes[a], o->axis_text[a], scratch))
            rc = EXIT_USAGE;
    if (!rc && o->seeds_text && !sweep_parse_seeds(s, o->seeds_text))
        rc = EXIT_USAGE;
    if (!rc && !sweep_size(s))
        rc = EXIT_USAGE;
    if (!rc && o->csv && !cli_is_stdio(o->csv) && !o->summary && s->n_seeds > 1 &&
        !(o->summary = *derived_summary = summary_path(o->csv))) {
        cli_error(NULL, "out of memory");
        rc = EXIT_OUTPUT;
    }
    if (!rc && o->sheet && smp_format_for_path(o->sheet) == SMP_FORMAT_NONE && !cli_is_stdio(o->sheet)) {
        cli_error(o->sheet, "unknown output type; name it .png, .jpg or .jpeg");
        rc = EXIT_USAGE;
    }
    return rc;
}

/* Outputs that are inputs or each other; "-" as standard output (the sheet
 * as PNG) through a temporary file. 0 or an exit code. */
static int check_outputs(opts *o, const char *const inputs[3], cli_out std_out[3])
{
    const char *const outs[] = {o->sheet, o->csv, o->summary};
    static const char *const OUT_NAMES[] = {"-o", "--csv", "--summary"};
    int rc = cli_check_outputs(outs, OUT_NAMES, 3);
    for (int i = 0; i < 3 && !rc; i++)
        if (outs[i])
            rc = cli_check_output(outs[i], inputs, 3, o->force);
    if (!rc && ((o->sheet && !(o->sheet = cli_out_path(&std_out[0], o->sheet, ".png", 1))) ||
                (o->csv && !(o->csv = cli_out_path(&std_out[1], o->csv, ".csv", 0))) ||
                (o->summary && !(o->summary = cli_out_path(&std_out[2], o->summary, ".csv", 0)))))
        rc = EXIT_USAGE;
    return rc;
}

/* The pool over the runs: jobs in parallel, the cores shared among them;
 * 0 or an exit code. */
static int start_pool(pool *pl, int *jobs, sweep *s, const opts *o, const smp_params *p, const smp_image *photo,
                      const smp_image *mask)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cores = cores > 0 ? cores : 1;
    *jobs = o->jobs ? o->jobs : (int)(cores < 256 ? cores : 256);
    *jobs = (size_t)*jobs > s->runs ? (int)s->runs : *jobs;
    *pl = (pool){.s = s, .base = p, .photo = photo, .mask = mask, .cell_mm = o->cell_mm, .verbose = o->verbose,
                 .threads = cores > *jobs ? (int)(cores / *jobs) : 1};
    pl->runs = calloc(s->runs, sizeof *pl->runs);
    pl->cells = calloc(s->cells, sizeof(smp_image *));
    if (!pl->runs || !pl->cells) {
        cli_error(NULL, "out of memory for %zu runs", s->runs);
        return EXIT_INPUT;
    }
    return 0;
}

/* The sheet, the runs' CSV and the summary, once every run has finished. */
static int write_outputs(const pool *pl, const opts *o, const char *photo_path, const smp_params *p)
{
    int rc = 0;
    if (o->sheet)
        rc = write_sheet(pl, o, photo_path, p);
    if (!rc && o->csv && !cli_interrupted())
        rc = sweep_write_runs(pl->s, pl->runs, o->csv, o->force);
    if (!rc && o->summary && !cli_interrupted())
        rc = sweep_write_summary(pl->s, pl->runs, o->summary, o->force);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    opts o = {.cell_mm = 25};
    smp_params *p = smp_params_new(), *scratch = smp_params_new();
    smp_image *photo = smp_image_new(), *mask = smp_image_new(), *reference = NULL;
    sweep *s = calloc(1, sizeof *s);
    pool pl = {0};
    char *derived_summary = NULL;
    cli_out std_out[3] = {{0}};
    int rc = p && scratch && photo && mask && s ? 0 : EXIT_INPUT;
    if (rc)
        cli_error(NULL, "out of memory");
    if (!rc)
        rc = parse(argc, argv, p, &o);
    if (rc || (rc = plan_runs(s, &o, p, scratch, &derived_summary)))
        goto done;
    const char *photo_path = argv[optind], *mask_path = argv[optind + 1];
    const char *const inputs[] = {photo_path, mask_path, o.reference};
    rc = check_outputs(&o, inputs, std_out);
    if (rc || (rc = cli_load_image(photo, photo_path, p)) || (rc = cli_load_image(mask, mask_path, p)))
        goto done;
    if (o.reference && (!(reference = smp_image_new()) || (rc = cli_load_image(reference, o.reference, p))))
        goto done;
    smp_params_set_reference(p, reference);
    smp_params_set_progress(p, cli_progress, NULL);
    int jobs;
    if ((rc = start_pool(&pl, &jobs, s, &o, p, photo, mask)) || (rc = run_all(&pl, jobs, photo_path)) ||
        cli_interrupted())
        goto done;
    rc = write_outputs(&pl, &o, photo_path, p);
done:
    for (int i = 0; i < 3; i++) {
        int out_rc = cli_out_end(&std_out[i], !rc && !cli_interrupted());
        rc = rc ? rc : out_rc;
    }
    for (size_t i = 0; pl.cells && i < s->cells; i++)
        smp_image_free(pl.cells[i]);
    free(pl.cells);
    free(pl.runs);
    free(derived_summary);
    free(s);
    smp_image_free(reference);
    smp_image_free(mask);
    smp_image_free(photo);
    smp_params_free(scratch);
    smp_params_free(p);
    cli_die_of_signal();
    return rc < 0 ? 0 : rc;
}
