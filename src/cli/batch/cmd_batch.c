/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: a folder of photos (or a manifest) to previews and renders,
 * in parallel jobs, resumable, reported, and shardable across machines. */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"
#include "batch_run.h"
#include "settings.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("Usage: smpsim batch INPUT_DIR -o OUTPUT_DIR [options]\n"
          "\n"
          "Every photo under INPUT_DIR with a mask (NAME.mask.png or NAME_mask.png beside\n"
          "it, or --masks DIR/NAME.png) becomes OUTPUT_DIR/<same path>/NAME.after.EXT\n"
          "and/or NAME.preview.EXT. Photos without a mask (unless --masks auto), special\n"
          "files and links out of INPUT_DIR are reported as skipped; an unreadable\n"
          "folder as failed.\n"
          "Writes OUTPUT_DIR/report.csv and report.json (report.shard-K-of-N.* with\n"
          "--shard), keeping the previous ones as report.1.*; a row's older_outputs are\n"
          "its photo's files from earlier runs with other options (another --format),\n"
          "kept, not deleted. Exit 0 when every photo succeeded, 4 when some failed.\n"
          "An output is never an input (a photo found, even one skipped, or a mask;\n"
          "even with --force), nor another output of the run; a folder holding an\n"
          "earlier run (or a killed run's report.journal) needs --resume or --force;\n"
          "two runs on one folder (and shard) are refused while the first holds its lock.\n"
          "A file that an earlier run's report (report.csv in the file's folder or a\n"
          "folder above) lists among its outputs, and not among its photos, is not read\n"
          "as a photo: its row says skipped and names the report. A name like\n"
          "NAME.after.jpg alone is a photo like any other, unless it is a file this run\n"
          "writes for a photo it finds (in any shard): that is never read as a photo,\n"
          "and replaced only when a report lists it as an output.\n"
          "In report.csv a cell starting with = + - @ ' or a tab gets a leading ' so a\n"
          "spreadsheet shows it as text; a newline in a name stays inside its cell's\n"
          "quotes; report.json keeps the exact name (photo_bytes, %XX-encoded, when a\n"
          "name is not UTF-8).\n",
          f);
    fputs("\n"
          "Options:\n"
          "  -o, --output DIR        where the outputs go (required)\n"
          "      --what W            render, preview or both = render\n"
          "      --format F          jpg, png or html (previews only) = jpg\n"
          "      --masks DIR|auto    masks as DIR/<relative path>/NAME.png; auto: a photo\n"
          "                          without a mask gets the suggested one (as 'smpsim\n"
          "                          mask' makes it), also a manifest row whose mask is\n"
          "                          empty; it is written as NAME.suggested-mask.png and\n"
          "                          the report's mask column says auto (a folder named\n"
          "                          auto: ./auto)\n"
          "      --manifest FILE     rows photo,mask[,output][,density][,seed] instead of\n"
          "                          scanning (paths relative to INPUT_DIR and OUTPUT_DIR;\n"
          "                          a mask auto is the suggested one);\n"
          "                          with a header, any columns in any order, also\n"
          "                          px_per_mm, layout, split_at, max_size, caption, date,\n"
          "                          loupe and loupe_zoom; '#' lines are comments; '-':\n"
          "                          standard input\n"
          "      --jobs N            photos in parallel = the number of cores\n"
          "      --progress jsonl    one JSON line per finished photo on stdout\n"
          "      --resume            skip photos whose outputs exist and whose parameters\n"
          "                          (as parsed: spelling and order do not count, nor\n"
          "                          options that change no output, such as --jobs),\n"
          "                          inputs (size, mtime) are those of the earlier report;\n"
          "                          a hand mask where one was suggested redoes the photo;\n"
          "                          paths count resolved (in, ./in, /abs/in are one);\n"
          "                          a row from the newest report there (any shard's);\n"
          "                          replaces only outputs its ok rows list as written\n"
          "                          (or as older_outputs), or a killed run's\n"
          "                          report.journal records; a photo it records done\n"
          "                          with the same parameters and inputs is up to date\n"
          "      --shard K/N         only the photos whose path hash is K modulo N\n"
          "      --follow-symlinks   follow links that leave INPUT_DIR\n"
          "      --metrics           also write the measures beside the first output:\n"
          "                          NAME.after.metrics.json (NAME.preview.metrics.json\n"
          "                          with --what preview)\n"
          "  -f, --force             replace existing outputs\n"
          "  -h, --help              this help\n"
          "  -v, --verbose           print every photo's notes (the report holds them)\n"
          "Render's and preview's options apply to each photo (see 'smpsim render\n"
          "--help' and 'smpsim preview --help'), also --settings, --px-per-mm auto\n"
          "(a manifest's px_per_mm may be auto) and --mask-paint; --measure, --hairline,\n"
          "--hairline-file, --hairline-template, --reference, --scar-mask,\n"
          "--density-map, --density-range and --dots are one photo's and refused.\n"
          "Previews default to --max-size 2560. Each mask is checked as render checks\n"
          "it: a warning (a mask off the scalp: inverted?) is printed naming the photo;\n"
          "it and the run's notes are in the report's notes and the metrics file.\n"
          "Each photo's seed is derived from --seed and its relative path (the report's\n"
          "seed column): `smpsim render --seed THAT` on the photo gives the same bytes.\n"
          "Temporary files are named .smpsim-tmp-*; ones over an hour old are removed,\n"
          "and a killed run's of the outputs this run (this shard) writes at its start.\n",
          f);
}

enum { OPT_WHAT = 600, OPT_FORMAT, OPT_MASKS, OPT_MANIFEST, OPT_JOBS, OPT_PROGRESS, OPT_RESUME, OPT_SHARD,
       OPT_FOLLOW, OPT_METRICS, OPT_SETTINGS, OPT_ONE_PHOTO };

static const struct option LONG_OPTS[] = {
    CLI_PARAM_OPTIONS,
    CLI_LOOK_OPTIONS,
    CLI_PREVIEW_OPTIONS,
    CLI_MASK_OPTIONS,
    {"settings", required_argument, NULL, OPT_SETTINGS},
    /* render's options for one photo's files: known, to be refused with why */
    {"reference", required_argument, NULL, OPT_ONE_PHOTO},
    {"scar-mask", required_argument, NULL, OPT_ONE_PHOTO},
    {"density-map", required_argument, NULL, OPT_ONE_PHOTO},
    {"density-range", required_argument, NULL, OPT_ONE_PHOTO},
    {"dots", required_argument, NULL, OPT_ONE_PHOTO},
    {"verbose", no_argument, NULL, 'v'},
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
    char *buf = strdup(path);
    int rc = buf ? 0 : -1;
    for (char *p = buf ? buf + 1 : NULL; p && *p && !rc; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            rc = -1;
        *p = '/';
    }
    free(buf);
    return rc;
}

static void fail(item *it, const char *file, const char *detail)
{
    it->status = ITEM_FAILED;
    item_set_error(it, "%s: %s", file, detail); /* a long message is cut, fine */
}

/* The photo's own parameters: seed, threads, and its manifest row. */
static smp_params *item_params(const batch *b, const item *it)
{
    smp_params *p = smp_params_clone(b->params);
    if (!p)
        return NULL;
    smp_params_set_seed(p, it->seed);
    smp_params_set_threads(p, b->threads_per_job);
    smp_params_set_progress(p, cli_progress, NULL);
    if (it->density > 0)
        smp_params_set_density(p, it->density);
    if (it->density_auto >= 0)
        smp_params_set_density_auto(p, it->density_auto);
    if (it->px_per_mm > 0)
        smp_params_set_px_per_mm(p, it->px_per_mm);
    for (int k = 0; k < it->n_opts; k++)
        cli_preview_option(it->opts[k].code, it->opts[k].value, p); /* checked when the manifest was read */
    cli_preview_finish(p);
    return p;
}

/* OUT's folder/.smpsim-tmp-stage-<hash of OUT>.<OUT's extension>: where an
 * output is written before it is published (a short name: an output's own
 * may be 255 bytes; the extension picks the format). NULL: out of memory. */
static char *stage_path(const char *out)
{
    const char *slash = strrchr(out, '/'), *name = slash ? slash + 1 : out, *dot = strrchr(name, '.');
    sbuf s = {0};
    sb_printf(&s, "%.*s.smpsim-tmp-stage-%016llx%.16s", (int)(name - out), out, (unsigned long long)path_hash(out),
              dot ? dot : "");
    if (s.oom)
        sb_free(&s);
    return s.s;
}

typedef struct stage_ref {
    char *dir, *name; /* the stage's folder (with its '/') and name */
} stage_ref;

static int cmp_stage_ref(const void *a, const void *b)
{
    const stage_ref *x = a, *y = b;
    int c = strcmp(x->dir, y->dir);
    return c ? c : strcmp(x->name, y->name);
}

/* What a killed run left of this shard's outputs: each one's stage and the
 * library's temporaries of it (.smpsim-tmp-<stage name>.XXXXXX, left when
 * the kill came while it was written). Their names are made from the
 * output's path, which no other photo writes, and this shard's lock is
 * held: none is in flight. (Other temporaries go after an hour:
 * batch_clean_stale.) A signal stops it (a stage left is removed by the
 * next run): 0 for stopped(). */
static int clean_stages(const batch *b)
{
    size_t n = 0, m = 0;
    for (size_t i = 0; i < b->items.n; i++)
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            n += b->items.v[i].outputs[k] != NULL;
    stage_ref *v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; v && i < b->items.n && !cli_interrupted(); i++)
        for (int k = 0; k < ITEM_OUTPUTS; k++) {
            char *stage = b->items.v[i].outputs[k] ? stage_path(b->items.v[i].outputs[k]) : NULL;
            const char *slash = stage ? strrchr(stage, '/') : NULL;
            struct stat sb;
            if (!stage)
                continue;
            if (lstat(stage, &sb) == 0 && S_ISREG(sb.st_mode))
                unlink(stage);
            v[m].dir = strndup(stage, slash ? (size_t)(slash - stage + 1) : 0);
            v[m].name = strdup(slash ? slash + 1 : stage);
            free(stage);
            if (v[m].dir && v[m].name)
                m++;
            else {
                free(v[m].dir);
                free(v[m].name);
            }
        }
    if (m)
        qsort(v, m, sizeof *v, cmp_stage_ref);
    static const char TMP[] = ".smpsim-tmp-";
    for (size_t g = 0; g < m && !cli_interrupted();) { /* each folder once */
        size_t end = g;
        while (end < m && !strcmp(v[end].dir, v[g].dir))
            end++;
        DIR *d = opendir(*v[g].dir ? v[g].dir : ".");
        for (struct dirent *e; d && (e = readdir(d));) {
            const char *dot = strrchr(e->d_name, '.');
            if (strncmp(e->d_name, TMP, sizeof TMP - 1) || !dot || dot <= e->d_name + sizeof TMP - 1)
                continue;
            char name[NAME_MAX + 1];
            snprintf(name, sizeof name, "%.*s", (int)(dot - e->d_name - (sizeof TMP - 1)), e->d_name + sizeof TMP - 1);
            stage_ref key = {v[g].dir, name};
            if (bsearch(&key, v + g, end - g, sizeof *v, cmp_stage_ref)) {
                sbuf p = {0};
                sb_printf(&p, "%s%s", v[g].dir, e->d_name);
                if (p.s)
                    unlink(p.s);
                sb_free(&p);
            }
        }
        if (d)
            closedir(d);
        g = end;
    }
    for (size_t i = 0; i < m; i++) {
        free(v[i].dir);
        free(v[i].name);
    }
    free(v);
    return 0;
}

/* The finished stage journaled (its identity: batch_run.h), then given its
 * name: replacing the file there when replace, else only if there is none
 * (link, with no window; a plain rename after a check where the folder has
 * no hard links). 0, or -1 with the item failed and the stage removed. */
static int publish(batch *b, item *it, const char *stage, const char *final, int replace, unsigned long long id[5])
{
    struct stat sb;
    int rc = stat(stage, &sb);
    if (!rc) {
        id[0] = (unsigned long long)sb.st_dev; /* the file published keeps them (link, rename) */
        id[1] = (unsigned long long)sb.st_ino;
        id[2] = (unsigned long long)sb.st_size;
        id[3] = (unsigned long long)sb.st_mtim.tv_sec;
        id[4] = (unsigned long long)sb.st_mtim.tv_nsec;
        pthread_mutex_lock(&b->lock);
        rc = batch_journal_add(b, final, &sb);
        pthread_mutex_unlock(&b->lock);
    }
    if (rc) {
        fail(it, final, "cannot record it in the run's journal");
        unlink(stage);
        return -1;
    }
    const char *why = NULL;
    if (replace) {
        if (rename(stage, final) != 0)
            why = "cannot rename into place";
    } else if (link(stage, final) != 0) {
        int e = errno;
        if (e == EEXIST)
            why = "exists; use --force to replace it";
        else if ((e != EPERM && e != ENOTSUP && e != EXDEV && e != EMLINK) || lstat(final, &sb) == 0)
            why = lstat(final, &sb) == 0 ? "exists; use --force to replace it" : "cannot publish";
        else if (rename(stage, final) != 0)
            why = "cannot rename into place";
    }
    unlink(stage); /* after link(), or on failure; after rename() it is gone */
    if (why)
        fail(it, final, why);
    return why ? -1 : 0;
}

/* Writes output k (0: render unless preview only) of a simulated photo. */
static int write_one(batch *b, item *it, int k, smp_result *res, const smp_image *photo, smp_image *mask,
                     smp_params *p, smp_image **composed)
{
    const char *out = it->outputs[k];
    if (make_parents(out) != 0) {
        fail(it, out, "cannot create its folder");
        return -1;
    }
    const file_id *in = batch_input_at(b, out);
    if (in) { /* refused when planned (refuse_inputs); again here, should a link have moved since */
        fail(it, out, in->kind == INPUT_MASK ? "is a mask of this batch; an output never replaces an input, even with --force"
                      : in->kind == INPUT_PHOTO ? "is a photo of this batch; an output never replaces an input, even with --force"
                      : "is in the input folder and no earlier run's report lists it as an output; an output never "
                        "replaces an input, even with --force");
        return -1;
    }
    /* --resume replaces only what the earlier report's successful row lists as written (or its journal) */
    const int replace = b->force || (it->may_replace >> k & 1);
    struct stat sb;
    if (!replace && lstat(out, &sb) == 0) { /* before the work of encoding */
        fail(it, out, "exists; use --force to replace it");
        return -1;
    }
    /* Written whole under a temporary name of ours, journaled, then published (publish). */
    char *stage = stage_path(out);
    if (!stage) {
        fail(it, out, "out of memory");
        return -1;
    }
    const char *final = out;
    out = stage;
    smp_params_set_overwrite(p, 1); /* a stage a killed run left */
    smp_status st;
    const char *msg;
    int n_img = !!(b->what & WHAT_RENDER) + !!(b->what & WHAT_PREVIEW);
    int preview = k == 1 || b->what == WHAT_PREVIEW;
    if (k == it->mask_out - 1) { /* the suggested mask, last */
        st = smp_image_write_file(mask, out, p);
        msg = smp_image_message(mask);
    } else if (k >= n_img) { /* the metrics after the images */
        st = smp_result_write_metrics(res, out, p);
        msg = smp_result_message(res);
    } else if (preview && !strcmp(b->format, "html")) {
        st = smp_preview_write_html(res, photo, out, p);
        msg = smp_result_message(res);
    } else {
        smp_image *img = smp_result_after(res);
        if (preview) {
            *composed = *composed ? *composed : smp_image_new();
            if (!*composed || smp_preview(*composed, res, photo, p, NULL) != SMP_OK) {
                fail(it, out, *composed ? smp_image_message(*composed) : "out of memory");
                return -1;
            }
            img = *composed;
        }
        st = smp_image_write_file(img, out, p);
        msg = smp_image_message(img);
    }
    if (st != SMP_OK) {
        fail(it, final, msg);
        free(stage);
        return -1;
    }
    int rc = publish(b, it, stage, final, replace, it->written_id[k]);
    free(stage);
    if (rc)
        return -1;
    it->written[k] = strdup(final);
    return 0;
}

/* What cli_error says while a photo's mask is made (cli_capture): each
 * message a line of the item's notes; the last also kept whole, the error
 * when the mask cannot be made. A message about the photo or its mask is
 * kept without their path (the row names them). */
typedef struct said {
    item *it;
    const char *photo_path, *mask_path;
    size_t last_at; /* where the last message starts in it->notes */
    char last_subject[500], last[500]; /* both fit the item's error */
} said;

static void add_note(item *it, const char *subject, const char *note)
{
    item_add_note(it, "%s%s%s", subject ? subject : "", subject ? ": " : "", note);
}

static void keep_said(void *ctx, const char *subject, const char *message)
{
    said *s = ctx;
    const int own = !subject || !strcmp(subject, s->photo_path) || !strcmp(subject, s->mask_path);
    s->last_at = strlen(item_notes(s->it));
    snprintf(s->last_subject, sizeof s->last_subject, "%s", subject ? subject : s->photo_path);
    snprintf(s->last, sizeof s->last, "%s", message);
    add_note(s->it, own ? NULL : subject, message);
}

/* Simulates one photo into res, its mask made as render makes it (read and
 * checked, painted, suggested; the scale estimated): 0, or -1 with the item
 * marked. The mask's warnings and the run's notes go to the item's notes
 * and the result's (the metrics file). */
static int simulate(const batch *b, item *it, const char *photo_path, const char *mask_path, smp_params *p,
                    smp_image *photo, smp_image *mask, smp_result *res)
{
    smp_image_set_progress(photo, cli_progress, NULL); /* a signal stops a long decode too */
    if (smp_image_read_file(photo, photo_path, smp_params_max_pixels(p)) != SMP_OK) {
        if (cli_interrupted())
            it->status = ITEM_CANCELLED;
        else
            fail(it, photo_path, smp_image_message(photo));
        return -1;
    }
    cli_mask_opts mo = b->mask;
    mo.verbose = b->verbose;
    if (it->ppm_auto >= 0)
        mo.ppm_auto = it->ppm_auto; /* the row's px_per_mm, a number or auto */
    said s = {.it = it, .photo_path = photo_path, .mask_path = mask_path};
    cli_capture(keep_said, &s);
    int rc = cli_prepare_mask(mask, it->mask_auto ? "auto" : mask_path, photo, photo_path, p, &mo, NULL, 0);
    cli_capture(NULL, NULL);
    if (rc) {
        if (cli_interrupted()) {
            it->status = ITEM_CANCELLED;
        } else if (s.last[0]) {
            if (it->notes) /* the last message is the error, not a note */
                it->notes[s.last_at] = 0;
            fail(it, s.last_subject, s.last);
        } else {
            fail(it, photo_path, "cannot make its mask");
        }
        return -1;
    }
    const size_t cli_notes = strlen(item_notes(it));
    smp_status st = smp_simulate(res, p, photo, mask);
    if (st == SMP_ERR_CANCELLED || cli_interrupted()) {
        it->status = ITEM_CANCELLED;
        return -1;
    }
    for (size_t i = 0; i < smp_result_note_count(res); i++)
        add_note(it, NULL, smp_result_note(res, i));
    if (st != SMP_OK) {
        const char *const inputs[SMP_INPUT_COUNT] = {[SMP_INPUT_PHOTO] = photo_path, [SMP_INPUT_MASK] = mask_path};
        fail(it, cli_failed_path(res, st, inputs), smp_result_message(res));
        return -1;
    }
    /* The mask's messages join the result's notes: the metrics file holds every note of the run. */
    for (const char *n = item_notes(it), *end = n + cli_notes; n < end;) {
        size_t len = strcspn(n, "\n");
        char note[ITEM_NOTES_MAX];
        snprintf(note, sizeof note, "%.*s", (int)len, n);
        if (smp_result_add_note(res, note) != SMP_OK) {
            fail(it, photo_path, "out of memory");
            return -1;
        }
        n += len + (n[len] == '\n');
    }
    return 0;
}

/* Whether the outputs may be written: not once the batch is closing. A
 * yes counts the worker as writing until its hand_back. */
static int begin_writing(batch *b)
{
    pthread_mutex_lock(&b->lock);
    int ok = !b->closing;
    b->writing += ok;
    pthread_mutex_unlock(&b->lock);
    return ok;
}

/* The photo's result handed back to the batch (under the lock): its
 * count, and its --progress jsonl line. Not once the batch is closing,
 * unless this worker was writing (the close waits for that): 1 if taken. */
static int hand_back(batch *b, item *it, const item *w, int was_writing)
{
    pthread_mutex_lock(&b->lock);
    if (was_writing)
        b->writing--;
    const int taken = !b->closing || was_writing;
    if (taken) {
        free(it->error);
        free(it->notes);
        *it = *w;
        b->done++;
        b->failed += it->status == ITEM_FAILED;
        if (b->jsonl) {
            sbuf line = {0};
            batch_json_item(&line, it);
            sb_puts(&line, "\n");
            /* A closed pipe (| head) stops the lines, not the batch. */
            if (line.oom || fputs(line.s, stdout) == EOF || fflush(stdout) != 0)
                b->jsonl = 0;
            sb_free(&line);
        }
    }
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    return taken;
}

/* One photo, start to finish; never throws the batch off course. A photo
 * that fails leaves none of its outputs behind. The worker works on its
 * own copy of the item and hands it back at the end, so that a signal's
 * report can be made at any moment from what was handed back. */
static void process(batch *b, item *shared)
{
    item copy = *shared, *it = &copy;
    /* Its error and notes are the copy's own: hand_back replaces the shared ones. */
    copy.error = shared->error ? strdup(shared->error) : NULL;
    copy.notes = shared->notes ? strdup(shared->notes) : NULL;
    int writing = 0;
    sbuf photo_path = {0}, mask_path = {0};
    sb_printf(&photo_path, "%s/%s", b->input, it->photo);
    if (it->mask_auto)
        sb_puts(&mask_path, "the suggested mask");
    else if (it->mask_is_path)
        sb_puts(&mask_path, it->mask);
    else
        sb_printf(&mask_path, "%s/%s", b->input, it->mask);
    double t0 = cli_now();
    smp_params *p = item_params(b, it);
    smp_image *photo = smp_image_new(), *mask = smp_image_new(), *composed = NULL;
    smp_result *res = smp_result_new();
    if (!p || !photo || !mask || !res || photo_path.oom || mask_path.oom) {
        fail(it, it->photo, "out of memory");
    } else if (simulate(b, it, photo_path.s, mask_path.s, p, photo, mask, res) == 0) {
        smp_result_dots(res, &it->dots);
        smp_result_tone(res, &it->de_before, &it->de_after, &it->density_used);
        double lab[3];
        it->have_tone = smp_result_colour(res, SMP_COLOUR_REFERENCE, lab);
        it->status = ITEM_OK;
        writing = begin_writing(b);
        if (!writing)
            it->status = ITEM_CANCELLED;
        for (int k = 0; k < ITEM_OUTPUTS && it->outputs[k] && it->status == ITEM_OK; k++) {
            if (cli_interrupted())
                it->status = ITEM_CANCELLED;
            else
                write_one(b, it, k, res, photo, mask, p, &composed);
        }
    }
    if (it->status == ITEM_OK && writing) { /* every output published: --resume after a kill knows it done */
        pthread_mutex_lock(&b->lock);
        batch_journal_done(b, it); /* without it, the photo is redone (its outputs may be replaced) */
        pthread_mutex_unlock(&b->lock);
    }
    for (int k = 0; k < ITEM_OUTPUTS && it->status != ITEM_OK; k++) {
        if (it->written[k])
            unlink(it->written[k]);
        free(it->written[k]);
        it->written[k] = NULL;
    }
    it->seconds = cli_now() - t0;
    if (!hand_back(b, shared, it, writing)) {
        free(copy.error);
        free(copy.notes);
    }
    sb_free(&photo_path);
    sb_free(&mask_path);
    smp_image_free(composed);
    smp_result_free(res);
    smp_image_free(mask);
    smp_image_free(photo);
    smp_params_free(p);
}

static void *worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next;
        while (i < b->items.n && b->items.v[i].status != ITEM_PENDING)
            i++;
        b->next = i + 1;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->items.n || cli_interrupted())
            break;
        process(b, &b->items.v[i]);
    }
    pthread_mutex_lock(&b->lock);
    b->running--;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* After a signal: the workers get CLOSE_GRACE_S to stop their photo (the
 * library stops at its next progress call); then the batch closes: writes
 * in flight finish whole, nothing more is written or handed back, and the
 * photos still running are left to die with the process (not run). */
#define CLOSE_GRACE_S 0.4
#define PROGRESS_S 0.2
/* The CLOCK_REALTIME time s seconds (under one) from now: a deadline for
 * pthread_cond_timedwait. */
static struct timespec deadline_in(double s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)(s * 1e9);
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    return until;
}

static void close_after_signal(batch *b)
{
    const struct timespec until = deadline_in(CLOSE_GRACE_S);
    pthread_mutex_lock(&b->lock);
    while (b->running > 0 && pthread_cond_timedwait(&b->changed, &b->lock, &until) == 0)
        ;
    b->closing = 1;
    while (b->writing > 0)
        pthread_cond_wait(&b->changed, &b->lock);
    b->abandoned = b->running > 0;
    pthread_mutex_unlock(&b->lock);
}

static size_t count(const batch *b, item_status s)
{
    size_t n = 0;
    for (size_t i = 0; i < b->items.n; i++)
        n += b->items.v[i].status == s;
    return n;
}

/* The bar counts the photos this run processes; those skipped (no mask,
 * special files) and up to date (--resume) are shown beside it, as in the
 * closing summary. */
static void draw_progress(batch *b, const size_t skipped[2], int final)
{
    pthread_mutex_lock(&b->lock);
    size_t done = b->done, total = b->total_work, failed = b->failed;
    pthread_mutex_unlock(&b->lock);
    double el = cli_now() - b->started, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    int width = 30, fill = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.2f photos/s  ETA %d:%02d  failed %zu  skipped %zu", fill,
            "##############################", width - fill, "", done, total, rate, (int)eta / 60, (int)eta % 60,
            failed, skipped[0]);
    if (skipped[1])
        fprintf(stderr, "  up-to-date %zu", skipped[1]);
    fputs(final ? "\n" : "", stderr);
    fflush(stderr);
}

/* Starts the workers and waits for them, drawing progress; a signal ends
 * the wait at once (the workers cancel their photo and stop). */
static void run(batch *b, long cores)
{
    b->jobs = b->jobs > (int)b->total_work ? (b->total_work ? (int)b->total_work : 1) : b->jobs;
    b->threads_per_job = cores > b->jobs ? (int)(cores / b->jobs) : 1;
    const size_t skipped[2] = {count(b, ITEM_SKIPPED), count(b, ITEM_UP_TO_DATE)};
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->changed, NULL);
    b->started = cli_now();
    pthread_t *th = malloc((size_t)b->jobs * sizeof *th);
    int started = 0;
    for (int i = 0; th && i < b->jobs; i++) {
        pthread_mutex_lock(&b->lock);
        b->running++;
        pthread_mutex_unlock(&b->lock);
        if (pthread_create(&th[started], NULL, worker, b) == 0) {
            started++;
        } else {
            pthread_mutex_lock(&b->lock);
            b->running--;
            pthread_mutex_unlock(&b->lock);
        }
    }
    if (!started) {
        b->running = 1;
        worker(b); /* no threads to be had: do it here */
    }
    /* Woken by each photo done (workers broadcast), so the batch ends as
     * its last photo does; at least every PROGRESS_S for the bar and a
     * signal, which sets a flag and wakes no one. */
    for (;;) {
        pthread_mutex_lock(&b->lock);
        if (b->done < b->total_work && !cli_interrupted()) {
            const struct timespec until = deadline_in(PROGRESS_S);
            pthread_cond_timedwait(&b->changed, &b->lock, &until);
        }
        int finished = b->done >= b->total_work;
        pthread_mutex_unlock(&b->lock);
        if (finished || cli_interrupted())
            break;
        if (b->tty && !b->jsonl)
            draw_progress(b, skipped, 0);
    }
    if (cli_interrupted())
        close_after_signal(b);
    for (int i = 0; i < started && !b->abandoned; i++)
        pthread_join(th[i], NULL);
    free(th);
    if (b->tty && !b->jsonl)
        draw_progress(b, skipped, 1);
    if (!b->abandoned) {
        pthread_cond_destroy(&b->changed);
        pthread_mutex_destroy(&b->lock);
    }
}

/* A photo's warnings (and notes, as render says them: "warning: ...",
 * "note: ...") on stderr, naming the photo; with -v every note. The
 * report holds them all. */
static void print_notes(const batch *b, const item *it)
{
    for (const char *n = item_notes(it); *n;) {
        size_t len = strcspn(n, "\n");
        if (b->verbose || !strncmp(n, "warning: ", 9) || !strncmp(n, "note: ", 6))
            cli_error(it->photo, "%.*s", (int)len, n);
        n += len + (n[len] == '\n');
    }
}

/* The key --resume compares: every option that shapes a photo's outputs,
 * as parsed (the parameters, not how they were typed, in which order, or
 * from a --settings file), and none that does not (where the outputs go,
 * -j and the threads, --resume, -v, --progress, --shard, --follow-symlinks,
 * --masks and --manifest: each photo's own hash holds its mask and its
 * row). The preview's options count only when a preview is written; the
 * caption's date when not given is the run's day, not a date. 0 when
 * memory ran out. */
static uint64_t options_key(const batch *b, const smp_params *p, int date_given)
{
    smp_params *k = smp_params_clone(p), *d = smp_params_new();
    if (!k || !d) {
        smp_params_free(k);
        smp_params_free(d);
        return 0;
    }
    smp_params_set_seed(k, smp_params_seed(d)); /* each photo's seed is in its hash */
    cli_preview_finish(k);                     /* as item_params: --layout sessions sets the sessions */
    if (!(b->what & WHAT_PREVIEW)) {           /* a render: none of the preview's options show */
        smp_params_set_layout(k, SMP_LAYOUT_AUTO);
        smp_params_set_split_at(k, 0.5);
        smp_params_set_max_size(k, 0);
        smp_params_set_caption(k, NULL);
        date_given = 0;
    }
    if (!date_given)
        smp_params_set_date(k, NULL);
    sbuf t = {0}; /* the command's own: what and how it writes, and each mask */
    sb_printf(&t, "batch options 2|what %d|format %s|metrics %d|date %s|mask-paint %s|px-per-mm auto %d|params %016llx",
              b->what, b->format, b->metrics, date_given ? "given" : (b->what & WHAT_PREVIEW) ? "the run's day" : "-",
              b->mask.paint ? b->mask.paint : "-", b->mask.ppm_auto, (unsigned long long)smp_params_key(k));
    uint64_t h = 0;
    if (!t.oom && t.s) {
        h = path_hash(t.s);
        h = h ? h : 1;
    }
    sb_free(&t);
    smp_params_free(k);
    smp_params_free(d);
    return h;
}

/* The options as reports before options_key hashed them: the arguments as
 * typed (not where the outputs go, how many jobs, or how the run is
 * reported); legacy: also --manifest's name. */
static uint64_t args_hash(int argc, char **argv, int legacy)
{
    /* --masks picks each photo's mask, which its own hash holds (the path,
     * size and mtime, or the suggestion): adding --masks auto to a run
     * redoes only the photos that had none. Likewise --manifest: each row's
     * values are in its photo's hash, the file's name is not (legacy: as
     * reports before that hashed it). */
    static const char *const IGNORED[] = {"-o", "--output", "-f", "--force", "--resume", "-v", "--verbose", "--jobs",
                                          "--progress", "--shard", "--masks", "-h", "--help", "--manifest", NULL};
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 1; i < argc; i++) {
        int skip = 0;
        for (int k = 0; IGNORED[k] && !skip; k++) {
            if (legacy && !strcmp(IGNORED[k], "--manifest"))
                break;
            size_t n = strlen(IGNORED[k]);
            skip = !strncmp(argv[i], IGNORED[k], n) && (argv[i][n] == 0 || argv[i][n] == '=');
            /* with a separate value */
            if (skip && argv[i][n] == 0 && strcmp(IGNORED[k], "-f") && strcmp(IGNORED[k], "--force") &&
                strcmp(IGNORED[k], "--resume") && strcmp(IGNORED[k], "-v") && strcmp(IGNORED[k], "--verbose") &&
                i + 1 < argc)
                i++;
        }
        if (skip || i == optind)
            continue;
        for (const char *c = argv[i]; ; c++) {
            h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
            if (!*c)
                break;
        }
    }
    return h;
}

/* The options; 0 to go on, -1 after --help, else an exit code. */
static int parse(int argc, char **argv, batch *b, scan_opts *so, const char **manifest, int shard[2], smp_params *p,
                 int *date_given)
{
    int c, max_size = 0;
    optind = 1;
    cli_preview_defaults(p);
    int idx = 0;
    while ((c = getopt_long(argc, argv, "o:fvh", LONG_OPTS, &idx)) != -1) {
        int ok = 1;
        uint64_t u;
        /* An option from a --settings file ("--key=value"): its errors
         * name the file and the key. */
        char key[CLI_SETTING_KEY];
        const char *file = cli_settings_enter(argv[optind - 1], key);
        switch (c) {
        case 'o': b->output = optarg; break;
        case 'f': b->force = 1; break;
        case 'v': b->verbose = 1; break;
        case 'h': usage(stdout); return -1;
        case OPT_SETTINGS: break; /* read before parsing: cli_settings_expand */
        case OPT_ONE_PHOTO: /* an image or a file of one photo's: a folder's photos each need their own */
            cli_error(NULL, "--%s is for one photo (render or preview it alone): %s", LONG_OPTS[idx].name,
                      !strcmp(LONG_OPTS[idx].name, "dots") ? "a batch writes images, --metrics and reports per photo"
                                                           : "its image must fit that photo, and a batch's photos differ");
            ok = 0;
            break;
        case CLI_OPT_MEASURE:
        case CLI_OPT_HAIRLINE:
        case CLI_OPT_HAIRLINE_FILE:
        case CLI_OPT_TEMPLATE: /* points in one photo's pixels */
            cli_error(NULL, "%s takes points in one photo's pixels; in a batch, give the scale per photo (a "
                      "manifest's px_per_mm, a number or auto) and draw the hairline into each mask",
                      c == CLI_OPT_MEASURE ? "--measure" : c == CLI_OPT_TEMPLATE ? "--hairline-template"
                      : c == CLI_OPT_HAIRLINE ? "--hairline" : "--hairline-file");
            ok = 0;
            break;
        case OPT_WHAT:
            b->what = !strcmp(optarg, "render") ? WHAT_RENDER : !strcmp(optarg, "preview") ? WHAT_PREVIEW
                      : !strcmp(optarg, "both") ? WHAT_RENDER | WHAT_PREVIEW : 0;
            if (!b->what && (ok = 0) == 0)
                cli_error(NULL, "--what: '%s' is not render, preview or both", optarg);
            break;
        case OPT_FORMAT:
            b->format = optarg;
            if (strcmp(optarg, "jpg") && strcmp(optarg, "png") && strcmp(optarg, "html") && (ok = 0) == 0)
                cli_error(NULL, "--format: '%s' is not jpg, png or html", optarg);
            break;
        case OPT_MASKS:
            if (!strcmp(optarg, "auto"))
                so->masks_auto = 1;
            else
                so->masks = optarg;
            break;
        case OPT_MANIFEST: *manifest = optarg; break;
        case OPT_JOBS:
            ok = cli_parse_u64("--jobs", optarg, &u) && u >= 1 && u <= 256;
            if (!ok)
                cli_error(NULL, "--jobs: '%s' is not 1..256", optarg);
            b->jobs = ok ? (int)u : 1;
            break;
        case OPT_PROGRESS:
            if (!(b->jsonl = !strcmp(optarg, "jsonl")) && (ok = 0) == 0)
                cli_error(NULL, "--progress: '%s' is not jsonl", optarg);
            break;
        case OPT_RESUME: b->resume = 1; break;
        case OPT_SHARD: {
            int end = 0; /* all of it: "1/2x" or "1/2/3" is no K/N */
            if (sscanf(optarg, "%d/%d%n", &shard[0], &shard[1], &end) != 2 || optarg[end] || shard[1] < 1 ||
                shard[0] < 0 || shard[0] >= shard[1]) {
                cli_error(NULL, "--shard: '%s' is not K/N with 0 <= K < N", optarg);
                ok = 0;
            }
            break;
        }
        case OPT_FOLLOW: so->follow_symlinks = 1; break;
        case OPT_METRICS: b->metrics = 1; break;
        default:
            if ((ok = cli_mask_option(c, optarg, &b->mask)) >= 0) /* --px-per-mm auto, --mask-paint */
                break;
            max_size |= c == CLI_OPT_MAX_SIZE;
            *date_given |= c == CLI_OPT_DATE;
            ok = cli_param_option(c, optarg, p);
            break;
        }
        cli_error_in_setting(NULL, NULL);
        if (!ok)
            return file ? EXIT_INPUT : EXIT_USAGE;
    }
    if (argc - optind != 1 || !b->output) {
        cli_error(NULL, "batch needs INPUT_DIR -o OUTPUT_DIR");
        return EXIT_USAGE;
    }
    if (!strcmp(b->format, "html") && (b->what & WHAT_RENDER)) {
        cli_error(NULL, "--format html is for previews: add --what preview");
        return EXIT_USAGE;
    }
    if (!max_size && (b->what & WHAT_PREVIEW))
        smp_params_set_max_size(p, 2560); /* a screen's worth, not the photo's 12 MP twice over */
    return 0;
}

/* Gives each photo its seed. */
static void seed_items(batch *b, uint64_t seed)
{
    for (size_t i = 0; i < b->items.n; i++) {
        item *it = &b->items.v[i];
        if (!it->has_seed)
            it->seed = path_hash(it->photo) ^ (seed * 0x9E3779B97F4A7C15ull);
    }
}

/* Keeps this shard's photos. */
static void shard_items(batch *b, int k, int n)
{
    size_t kept = 0;
    for (size_t i = 0; i < b->items.n; i++) {
        item *it = &b->items.v[i];
        if (path_hash(it->photo) % (uint64_t)n != (uint64_t)k) {
            item_clear(it);
            continue;
        }
        b->items.v[kept++] = *it;
    }
    b->items.n = kept;
}

/* A signal during the scan, the plan or clean_stages: their loops stop at
 * once (cli_interrupted), what they read is incomplete (a read it broke
 * off failed), and the run ends here with nothing run or written (a signal
 * later is run()'s: a report). */
static int stopped(int rc) { return (!rc || rc == EXIT_INPUT) && cli_interrupted() ? BATCH_STOPPED : rc; }

/* The output folder, its lock, and no earlier run unless asked for. */
static int prepare_output(batch *b)
{
    sbuf probe = {0};
    sb_printf(&probe, "%s/.", b->output);
    int bad = probe.oom || make_parents(probe.s) != 0 || (mkdir(b->output, 0755) != 0 && errno != EEXIST);
    sb_free(&probe);
    if (bad) {
        cli_error(b->output, "cannot create the output folder: %s", strerror(errno));
        return EXIT_OUTPUT;
    }
    int rc = batch_lock(b);
    if (rc)
        return rc;
    sbuf rep = {0};
    sb_printf(&rep, "%s/%s.csv", b->output, b->report);
    if (!b->resume && !b->force && rep.s && cli_exists(rep.s)) {
        cli_error(b->output, "holds an earlier run (%s.csv); use --resume to continue it or --force to redo it",
                  b->report);
        rc = EXIT_OUTPUT;
    } else if (!b->resume && !b->force && batch_journal_exists(b)) {
        cli_error(b->output, "holds an interrupted run (%s.journal: it ended before its report); use --resume to "
                  "continue it or --force to redo it", b->report);
        rc = EXIT_OUTPUT;
    }
    sb_free(&rep);
    if (!rc)
        batch_clean_stale(b);
    return rc;
}

int cmd_batch(int argc, char **argv)
{
    batch b = {.format = "jpg", .what = WHAT_RENDER, .tty = isatty(2), .lock_fd = -1, .journal_fd = -1};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b.jobs = cores > 0 ? (int)cores : 1;
    const char *manifest = NULL;
    scan_opts so = {0};
    int shard[2] = {0, 1}, rc;
    smp_params *p = smp_params_new();
    if (!p) {
        cli_error(NULL, "out of memory");
        return EXIT_INPUT;
    }
    signal(SIGPIPE, SIG_IGN); /* a reader gone away (| head) must not kill the run before its report */
    char **args = argv; /* --settings FILE expanded into its options (hashed as given for --resume) */
    rc = cli_settings_expand(&argc, &args, LONG_OPTS);
    if (rc) {
        smp_params_free(p);
        return rc;
    }
    argv = args;
    int date_given = 0;
    rc = parse(argc, argv, &b, &so, &manifest, shard, p, &date_given);
    if (rc) {
        if (rc == EXIT_USAGE) /* (a settings file's error is the file's: EXIT_INPUT) */
            fputs("Try 'smpsim batch --help'.\n", stderr);
        smp_params_free(p);
        cli_settings_free(args);
        return rc < 0 ? 0 : rc;
    }
    b.input = so.input = argv[optind];
    so.skip = b.output;
    b.args_hash = options_key(&b, p, date_given);
    b.args_hash_argv = args_hash(argc, argv, 0);
    b.args_hash_legacy = args_hash(argc, argv, 1);
    if (!b.args_hash) {
        cli_error(NULL, "out of memory");
        smp_params_free(p);
        cli_settings_free(args);
        return EXIT_INPUT;
    }
    if (!realpath(b.input, b.input_real)) /* a manifest's folder need not exist: then as given */
        snprintf(b.input_real, sizeof b.input_real, "%s", b.input);
    snprintf(b.report, sizeof b.report, shard[1] > 1 ? "report.shard-%d-of-%d" : "report", shard[0], shard[1]);
    rc = prepare_output(&b);
    if (!rc)
        rc = stopped(manifest ? read_manifest(manifest, &so, &b.items) : scan_folder(&so, &b.items));
    const char *stage = "reading"; /* for the message of a signal */
    if (!rc) { /* the outputs of every shard: another shard's are never this one's photos */
        stage = "planning the batch of";
        seed_items(&b, smp_params_seed(p));
        b.params = p;
        rc = stopped(batch_plan_outputs(&b, !manifest));
    }
    if (!rc) /* of every shard: another shard's photo is a photo all the same */
        rc = stopped(batch_collect_inputs(&b));
    if (!rc) {
        shard_items(&b, shard[0], shard[1]);
        rc = stopped(batch_plan(&b));
    }
    if (!rc) /* the last step before the photos: a signal meanwhile still ends the run without them */
        rc = stopped(clean_stages(&b));
    if (rc == BATCH_STOPPED)
        fprintf(stderr, "smpsim: batch: stopped by a signal while %s %s, before any photo ran; no report "
                "written\n", stage, !manifest ? b.input : cli_is_stdio(manifest) ? "standard input" : manifest);
    if (!rc) {
        b.total_work = count(&b, ITEM_PENDING);
        run(&b, cores);
        for (size_t i = 0; i < b.items.n; i++)
            print_notes(&b, &b.items.v[i]);
        for (size_t i = 0; i < b.items.n; i++)
            if (b.items.v[i].status == ITEM_FAILED)
                cli_error(NULL, "%s", item_error(&b.items.v[i]));
        rc = batch_write_reports(&b);
        if (!rc) /* the journal keeps what the report does not list */
            batch_journal_settle(&b);
        size_t failed = count(&b, ITEM_FAILED), earlier = 0, ours = 0;
        for (size_t i = 0; i < b.items.n; i++) {
            earlier += b.items.v[i].earlier_output;
            ours += b.items.v[i].run_output;
        }
        char why[128] = ""; /* the skipped that are outputs (an earlier run's, or this run's), not photos */
        size_t w = 0;
        if (earlier)
            w += (size_t)snprintf(why, sizeof why, " (%zu an earlier run's output%s", earlier, earlier > 1 ? "s" : "");
        if (ours)
            w += (size_t)snprintf(why + w, sizeof why - w, "%s%zu this run's output%s", earlier ? ", " : " (", ours,
                                  ours > 1 ? "s" : "");
        if (w)
            snprintf(why + w, sizeof why - w, ")");
        fprintf(stderr, "smpsim: batch: %zu ok, %zu failed, %zu skipped%s, %zu up-to-date, %zu not run in %.1f s\n",
                count(&b, ITEM_OK), failed, count(&b, ITEM_SKIPPED), why, count(&b, ITEM_UP_TO_DATE),
                count(&b, ITEM_CANCELLED) + count(&b, ITEM_PENDING), cli_now() - b.started);
        size_t older = 0;
        for (size_t i = 0; i < b.items.n; i++)
            older += b.items.v[i].n_older;
        if (older) /* another --format (or --what, --metrics) than before: the earlier files stay */
            fprintf(stderr, "smpsim: batch: note: %zu older output%s of earlier runs with other options kept (the "
                    "report's older_outputs)\n", older, older > 1 ? "s" : "");
        if (!rc && failed)
            rc = EXIT_PARTIAL;
    }
    batch_unlock(&b);
    if (b.abandoned) /* workers still read these: the signal ends them all next */
        cli_die_of_signal();
    free(b.inputs);
    items_free(&b.items);
    smp_params_free(p);
    cli_settings_free(args);
    cli_die_of_signal();
    return rc == BATCH_STOPPED ? EXIT_INPUT : rc; /* (not reached: the signal ends the process) */
}
