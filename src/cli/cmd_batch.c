/* smpsim batch: a folder of photos (or a manifest) to previews and renders,
 * in parallel jobs, resumable, reported, and shardable across machines. */
#include "batch.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { WHAT_RENDER = 1, WHAT_PREVIEW = 2 };

typedef struct batch {
    const char *input, *output, *format;
    int what, jobs, threads_per_job, resume, force, jsonl, metrics, tty;
    uint64_t seed;
    const smp_params *params;
    item_list items;
    pthread_mutex_t lock;
    size_t next, done, failed, total_work;
    double started;
} batch;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fputs("Usage: smpsim batch INPUT_DIR -o OUTPUT_DIR [options]\n"
          "\n"
          "Every photo under INPUT_DIR with a mask (NAME.mask.png or NAME_mask.png beside\n"
          "it, or --masks DIR/NAME.png) becomes OUTPUT_DIR/<same path>/NAME.after.EXT\n"
          "and/or NAME.preview.EXT. Photos without a mask are reported as skipped.\n"
          "Writes OUTPUT_DIR/report.csv and report.json (report.shard-K-of-N.* with\n"
          "--shard). Exit 0 when every photo\n"
          "succeeded, 4 when some failed.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR        where the outputs go (required)\n"
          "      --what W            render, preview or both = render\n"
          "      --format F          jpg or png = jpg\n"
          "      --masks DIR         masks as DIR/<relative path>/NAME.png\n"
          "      --manifest FILE     rows photo,mask[,output][,density][,seed] instead of\n"
          "                          scanning (paths relative to INPUT_DIR and OUTPUT_DIR)\n"
          "      --jobs N            photos in parallel = the number of cores\n"
          "      --progress jsonl    one JSON line per finished photo on stdout\n"
          "      --resume            skip photos whose outputs are newer than both inputs\n"
          "      --shard K/N         only the photos whose path hash is K modulo N\n"
          "      --follow-symlinks   follow links that leave INPUT_DIR\n"
          "      --metrics           also write NAME.metrics.json per photo\n"
          "  -f, --force             replace existing outputs\n"
          "  -h, --help              this help\n"
          "Every render/preview option applies to each photo (see 'smpsim render --help').\n"
          "Each photo's seed is derived from --seed and its relative path (the report's\n"
          "seed column): `smpsim render --seed THAT` on the photo gives the same bytes.\n",
          f);
}

enum { OPT_WHAT = 600, OPT_FORMAT, OPT_MASKS, OPT_MANIFEST, OPT_JOBS, OPT_PROGRESS, OPT_RESUME, OPT_SHARD,
       OPT_FOLLOW, OPT_METRICS };

static const struct option LONG_OPTS[] = {
    CLI_PARAM_OPTIONS,
    CLI_LOOK_OPTIONS,
    {"what", required_argument, NULL, OPT_WHAT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"masks", required_argument, NULL, OPT_MASKS},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
    {"metrics", no_argument, NULL, OPT_METRICS},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* mkdir -p for the folder part of path. */
static int make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* OUTPUT/<dir of rel>/<stem><suffix>.<fmt>, or the manifest's output. */
static void output_path(const batch *b, const item *it, const char *suffix, char *out, size_t n)
{
    if (it->out) {
        const char *dot = strrchr(it->out, '.'), *slash = strrchr(it->out, '/');
        int ext = dot && (!slash || dot > slash);
        if (!strcmp(suffix, ".after") || !(b->what & WHAT_RENDER))
            snprintf(out, n, "%s/%s", b->output, it->out);
        else /* both: the preview beside the given output */
            snprintf(out, n, "%s/%.*s%s%s", b->output, ext ? (int)(dot - it->out) : (int)strlen(it->out),
                     it->out, suffix, ext ? dot : "");
        return;
    }
    const char *dot = strrchr(it->photo, '.');
    int stem = dot ? (int)(dot - it->photo) : (int)strlen(it->photo);
    snprintf(out, n, "%s/%.*s%s.%s", b->output, stem, it->photo, suffix, b->format);
}

static double mtime(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec * 1e-9 : -1;
}

static void input_paths(const batch *b, const item *it, char *photo, char *mask, size_t n)
{
    snprintf(photo, n, "%s/%s", b->input, it->photo);
    if (it->mask_is_path)
        snprintf(mask, n, "%s", it->mask);
    else
        snprintf(mask, n, "%s/%s", b->input, it->mask);
}

static void fail(item *it, const char *file, const char *fmt, const char *detail)
{
    it->status = ITEM_FAILED;
    if (snprintf(it->error, sizeof it->error, fmt, file, detail) < 0) /* a long message is cut, fine */
        it->error[0] = 0;
}

/* One photo, start to finish; never throws the batch off course. */
static void process(batch *b, item *it, int *dead)
{
    char photo_path[2048], mask_path[2048], outs[2][1024];
    input_paths(b, it, photo_path, mask_path, sizeof photo_path);
    int n_out = 0;
    if (b->what & WHAT_RENDER)
        output_path(b, it, ".after", outs[n_out++], sizeof outs[0]);
    if (b->what & WHAT_PREVIEW)
        output_path(b, it, ".preview", outs[n_out++], sizeof outs[0]);
    if (b->resume) {
        double newest_in = fmax(mtime(photo_path), mtime(mask_path));
        int fresh = 1;
        for (int i = 0; i < n_out; i++)
            fresh &= mtime(outs[i]) > newest_in && newest_in > 0;
        if (fresh) {
            it->status = ITEM_UP_TO_DATE;
            for (int i = 0; i < n_out; i++)
                memcpy(it->outputs[i], outs[i], sizeof outs[i]);
            return;
        }
    }
    double t0 = now();
    smp_params *p = smp_params_clone(b->params);
    smp_image *photo = smp_image_new(), *mask = smp_image_new(), *composed = NULL;
    smp_result *res = smp_result_new();
    if (!p || !photo || !mask || !res) {
        fail(it, photo_path, "%s: %s", "out of memory");
        goto done;
    }
    smp_params_set_seed(p, it->seed);
    smp_params_set_threads(p, b->threads_per_job);
    smp_params_set_progress(p, cli_progress, NULL);
    smp_params_set_overwrite(p, b->force || b->resume);
    if (it->density > 0)
        smp_params_set_density(p, it->density);
    if (it->density_auto >= 0)
        smp_params_set_density_auto(p, it->density_auto);
    if (smp_image_read_file(photo, photo_path, smp_params_max_pixels(p)) != SMP_OK) {
        fail(it, photo_path, "%s: %s", smp_image_message(photo));
        goto done;
    }
    if (smp_image_read_file(mask, mask_path, smp_params_max_pixels(p)) != SMP_OK) {
        fail(it, mask_path, "%s: %s", smp_image_message(mask));
        goto done;
    }
    smp_status st = smp_simulate(res, p, photo, mask);
    if (st == SMP_ERR_CANCELLED || cli_interrupted()) {
        it->status = ITEM_CANCELLED;
        goto done;
    }
    if (st != SMP_OK) {
        fail(it, st == SMP_ERR_MISMATCH ? mask_path : photo_path, "%s: %s", smp_result_message(res));
        goto done;
    }
    smp_result_dots(res, &it->dots);
    smp_result_tone(res, &it->de_before, &it->de_after, &it->density_used);
    double lab[3];
    it->have_tone = smp_result_colour(res, SMP_COLOUR_REFERENCE, lab);
    for (int i = 0; i < n_out; i++) {
        if (make_parents(outs[i]) != 0) {
            fail(it, outs[i], "%s: cannot create its folder: %s", strerror(errno));
            *dead = 1;
            goto done;
        }
        smp_image *img = smp_result_after(res);
        if (i == 1 || !(b->what & WHAT_RENDER)) { /* the preview */
            composed = composed ? composed : smp_image_new();
            if (!composed || smp_preview(composed, res, photo, p, NULL) != SMP_OK) {
                fail(it, outs[i], "%s: %s", composed ? smp_image_message(composed) : "out of memory");
                goto done;
            }
            img = composed;
        }
        if (cli_interrupted()) {
            it->status = ITEM_CANCELLED;
            goto done;
        }
        if (smp_image_write_file(img, outs[i], p) != SMP_OK) {
            fail(it, outs[i], "%s: %s", smp_image_message(img));
            goto done;
        }
        memcpy(it->outputs[i], outs[i], sizeof outs[i]); /* the report lists what was written */
    }
    if (b->metrics) {
        char mpath[1100];
        const char *first = outs[0], *dot = strrchr(first, '.');
        snprintf(mpath, sizeof mpath, "%.*s.metrics.json", dot ? (int)(dot - first) : (int)strlen(first), first);
        if (smp_result_write_metrics(res, mpath, p) != SMP_OK) {
            fail(it, mpath, "%s: %s", smp_result_message(res));
            goto done;
        }
    }
    it->status = ITEM_OK;
done:
    it->seconds = now() - t0;
    smp_image_free(composed);
    smp_result_free(res);
    smp_image_free(mask);
    smp_image_free(photo);
    smp_params_free(p);
}

static const char *status_name(item_status s)
{
    switch (s) {
    case ITEM_OK: return "ok";
    case ITEM_FAILED: return "failed";
    case ITEM_SKIPPED: return "skipped";
    case ITEM_UP_TO_DATE: return "up-to-date";
    case ITEM_CANCELLED: return "cancelled";
    default: return "not-run";
    }
}

/* A JSON string into buf (escaped). */
static void json_str(char *buf, size_t n, const char *s)
{
    size_t k = 0;
    if (k < n)
        buf[k++] = '"';
    for (; *s && k + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            k += (size_t)snprintf(buf + k, n - k, "\\%c", c);
        else if (c < 0x20)
            k += (size_t)snprintf(buf + k, n - k, "\\u%04x", c);
        else
            buf[k++] = (char)c;
    }
    if (k + 1 < n)
        buf[k++] = '"';
    buf[k < n ? k : n - 1] = 0;
}

static void json_line(const item *it, char *out, size_t n)
{
    char photo[1200], err[1100], o0[2200], o1[2200], de_b[32] = "null", de_a[32] = "null";
    json_str(photo, sizeof photo, it->photo);
    json_str(err, sizeof err, it->error);
    json_str(o0, sizeof o0, it->outputs[0]);
    json_str(o1, sizeof o1, it->outputs[1]);
    if (it->have_tone) {
        snprintf(de_b, sizeof de_b, "%.3f", it->de_before);
        snprintf(de_a, sizeof de_a, "%.3f", it->de_after);
    }
    snprintf(out, n,
             "{\"photo\": %s, \"status\": \"%s\", \"error\": %s, \"outputs\": [%s%s%s], \"seconds\": %.3f, "
             "\"seed\": %llu, \"dots\": %zu, \"density_cm2\": %.2f, \"delta_e_before\": %s, \"delta_e_after\": %s}",
             photo, status_name(it->status), err, it->outputs[0][0] ? o0 : "", it->outputs[1][0] ? ", " : "",
             it->outputs[1][0] ? o1 : "", it->seconds, (unsigned long long)it->seed, it->dots, it->density_used,
             de_b, de_a);
}

static void *worker(void *arg)
{
    batch *b = arg;
    int dead = 0;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next;
        while (i < b->items.n && b->items.v[i].status != ITEM_PENDING)
            i++;
        b->next = i + 1;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->items.n || cli_interrupted() || dead)
            break;
        item *it = &b->items.v[i];
        process(b, it, &dead);
        pthread_mutex_lock(&b->lock);
        b->done++;
        b->failed += it->status == ITEM_FAILED;
        if (b->jsonl) {
            char line[8192];
            json_line(it, line, sizeof line);
            printf("%s\n", line);
            fflush(stdout);
        }
        pthread_mutex_unlock(&b->lock);
    }
    return NULL;
}

static void draw_progress(batch *b, int final)
{
    pthread_mutex_lock(&b->lock);
    size_t done = b->done, total = b->total_work, failed = b->failed;
    pthread_mutex_unlock(&b->lock);
    double el = now() - b->started, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    int width = 30, fill = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.2f photos/s  ETA %d:%02d  failed %zu%s", fill,
            "##############################", width - fill, "", done, total, rate, (int)eta / 60, (int)eta % 60,
            failed, final ? "\n" : "");
    fflush(stderr);
}

/* report.csv and report.json, one row per input, in input order. */
static int write_reports(batch *b, int shard_k, int shard_n)
{
    size_t cap = 4096 + b->items.n * 4096, len = 0, jlen = 0;
    char *csv = malloc(cap), *json = malloc(cap);
    if (!csv || !json) {
        free(csv);
        free(json);
        cli_error(b->output, "out of memory for the report");
        return EXIT_OUTPUT;
    }
    len += (size_t)snprintf(csv, cap, "photo,mask,status,error,outputs,seconds,seed,dots,density_cm2,"
                                      "delta_e_before,delta_e_after\n");
    jlen += (size_t)snprintf(json, cap, "{\"schema\": \"smpsim-batch/1\", \"input\": \"%s\", \"items\": [\n", b->input);
    for (size_t i = 0; i < b->items.n; i++) {
        const item *it = &b->items.v[i];
        char err[1100], outs[2100];
        /* CSV quoting: double the quotes inside a quoted field. */
        size_t k = 0;
        err[k++] = '"';
        for (const char *s = it->error; *s && k + 3 < sizeof err; s++) {
            if (*s == '"')
                err[k++] = '"';
            err[k++] = *s == '\n' ? ' ' : *s;
        }
        err[k++] = '"';
        err[k] = 0;
        snprintf(outs, sizeof outs, "%s%s%s", it->outputs[0], it->outputs[1][0] ? ";" : "", it->outputs[1]);
        char de_b[32] = "", de_a[32] = "";
        if (it->have_tone) {
            snprintf(de_b, sizeof de_b, "%.3f", it->de_before);
            snprintf(de_a, sizeof de_a, "%.3f", it->de_after);
        }
        len += (size_t)snprintf(csv + len, cap - len, "\"%s\",\"%s\",%s,%s,\"%s\",%.3f,%llu,%zu,%.2f,%s,%s\n",
                                it->photo, it->mask ? it->mask : "", status_name(it->status), err, outs,
                                it->seconds, (unsigned long long)it->seed, it->dots, it->density_used, de_b, de_a);
        char line[8192];
        json_line(it, line, sizeof line);
        jlen += (size_t)snprintf(json + jlen, cap - jlen, "  %s%s\n", line, i + 1 < b->items.n ? "," : "");
    }
    jlen += (size_t)snprintf(json + jlen, cap - jlen, "]}\n");
    /* Shards share the output folder: each writes its own report. */
    char path[4096], err[512], name[64] = "report";
    if (shard_n > 1)
        snprintf(name, sizeof name, "report.shard-%d-of-%d", shard_k, shard_n);
    int rc = 0;
    snprintf(path, sizeof path, "%s/%s.csv", b->output, name);
    if (smp_write_file_atomic(path, csv, len, 1, err, sizeof err) != SMP_OK) {
        cli_error(path, "%s", err);
        rc = EXIT_OUTPUT;
    }
    snprintf(path, sizeof path, "%s/%s.json", b->output, name);
    if (!rc && smp_write_file_atomic(path, json, jlen, 1, err, sizeof err) != SMP_OK) {
        cli_error(path, "%s", err);
        rc = EXIT_OUTPUT;
    }
    free(csv);
    free(json);
    return rc;
}

int cmd_batch(int argc, char **argv)
{
    batch b = {.format = "jpg", .what = WHAT_RENDER, .tty = isatty(2)};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b.jobs = cores > 0 ? (int)cores : 1;
    const char *manifest = NULL;
    scan_opts so = {0};
    int shard_k = 0, shard_n = 1, rc = 0, c;
    smp_params *p = smp_params_new();
    if (!p) {
        cli_error(NULL, "out of memory");
        return EXIT_INPUT;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:fh", LONG_OPTS, NULL)) != -1) {
        int ok = 1;
        uint64_t u;
        switch (c) {
        case 'o': b.output = optarg; break;
        case 'f': b.force = 1; break;
        case 'h': usage(stdout); smp_params_free(p); return 0;
        case OPT_WHAT:
            b.what = !strcmp(optarg, "render") ? WHAT_RENDER : !strcmp(optarg, "preview") ? WHAT_PREVIEW
                     : !strcmp(optarg, "both") ? WHAT_RENDER | WHAT_PREVIEW : 0;
            if (!b.what) {
                cli_error(NULL, "--what: '%s' is not render, preview or both", optarg);
                ok = 0;
            }
            break;
        case OPT_FORMAT:
            b.format = optarg;
            if (strcmp(optarg, "jpg") != 0 && strcmp(optarg, "png") != 0) {
                cli_error(NULL, "--format: '%s' is not jpg or png", optarg);
                ok = 0;
            }
            break;
        case OPT_MASKS: so.masks = optarg; break;
        case OPT_MANIFEST: manifest = optarg; break;
        case OPT_JOBS:
            ok = cli_parse_u64("--jobs", optarg, &u) && u >= 1 && u <= 256;
            if (!ok)
                cli_error(NULL, "--jobs: '%s' is not 1..256", optarg);
            b.jobs = (int)u;
            break;
        case OPT_PROGRESS:
            b.jsonl = !strcmp(optarg, "jsonl");
            if (!b.jsonl) {
                cli_error(NULL, "--progress: '%s' is not jsonl", optarg);
                ok = 0;
            }
            break;
        case OPT_RESUME: b.resume = 1; break;
        case OPT_SHARD:
            if (sscanf(optarg, "%d/%d", &shard_k, &shard_n) != 2 || shard_n < 1 || shard_k < 0 || shard_k >= shard_n) {
                cli_error(NULL, "--shard: '%s' is not K/N with 0 <= K < N", optarg);
                ok = 0;
            }
            break;
        case OPT_FOLLOW: so.follow_symlinks = 1; break;
        case OPT_METRICS: b.metrics = 1; break;
        default: ok = cli_param_option(c, optarg, p); break;
        }
        if (!ok) {
            fputs("Try 'smpsim batch --help'.\n", stderr);
            smp_params_free(p);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1 || !b.output) {
        cli_error(NULL, "batch needs INPUT_DIR -o OUTPUT_DIR");
        fputs("Try 'smpsim batch --help'.\n", stderr);
        smp_params_free(p);
        return EXIT_USAGE;
    }
    b.input = so.input = argv[optind];
    so.skip = b.output;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/.", b.output);
    if (make_parents(probe) != 0 || (mkdir(b.output, 0755) != 0 && errno != EEXIST)) {
        cli_error(b.output, "cannot create the output folder: %s", strerror(errno));
        smp_params_free(p);
        return EXIT_OUTPUT;
    }
    rc = manifest ? read_manifest(manifest, &so, &b.items) : scan_folder(&so, &b.items);
    if (rc) {
        items_free(&b.items);
        smp_params_free(p);
        return rc;
    }
    /* Shards, per-photo seeds, and the work left. */
    size_t kept = 0;
    for (size_t i = 0; i < b.items.n; i++) {
        item *it = &b.items.v[i];
        if (path_hash(it->photo) % (uint64_t)shard_n != (uint64_t)shard_k) {
            free(it->photo);
            free(it->mask);
            free(it->out);
            continue;
        }
        if (!it->has_seed)
            it->seed = path_hash(it->photo) ^ (smp_params_seed(p) * 0x9E3779B97F4A7C15ull);
        b.items.v[kept++] = *it;
    }
    b.items.n = kept;
    for (size_t i = 0; i < b.items.n; i++)
        b.total_work += b.items.v[i].status == ITEM_PENDING;
    /* Jobs share the cores: each call gets its share of threads. */
    b.jobs = b.jobs > (int)b.total_work ? (b.total_work ? (int)b.total_work : 1) : b.jobs;
    b.threads_per_job = cores > b.jobs ? (int)(cores / b.jobs) : 1;
    b.params = p;
    pthread_mutex_init(&b.lock, NULL);
    b.started = now();
    pthread_t *th = malloc((size_t)b.jobs * sizeof *th);
    int started = 0;
    for (int i = 0; th && i < b.jobs; i++)
        started += pthread_create(&th[started], NULL, worker, &b) == 0;
    if (!started)
        worker(&b); /* no threads to be had: do it here */
    for (;;) {
        pthread_mutex_lock(&b.lock);
        int finished = b.done >= b.total_work;
        pthread_mutex_unlock(&b.lock);
        if (finished || cli_interrupted())
            break;
        if (b.tty && !b.jsonl)
            draw_progress(&b, 0);
        usleep(200000);
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    if (b.tty && !b.jsonl)
        draw_progress(&b, 1);
    pthread_mutex_destroy(&b.lock);
    size_t failed = 0;
    for (size_t i = 0; i < b.items.n; i++) {
        failed += b.items.v[i].status == ITEM_FAILED;
        if (b.items.v[i].status == ITEM_FAILED)
            cli_error(NULL, "%s", b.items.v[i].error);
    }
    rc = write_reports(&b, shard_k, shard_n);
    if (!rc && failed)
        rc = EXIT_PARTIAL;
    items_free(&b.items);
    smp_params_free(p);
    cli_die_of_signal();
    return rc;
}
