/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: what each photo will write, and the rules every output
 * follows: never an input, never another output of the run, never cut
 * short; --resume from the earlier report; one run per folder (batch_run.h). */
#define _POSIX_C_SOURCE 200809L
#include "batch_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { PATH_LIMIT = 4096, NAME_LIMIT = 255 };

/* A heap path, or NULL when it would exceed what the system takes: a path is
 * never cut short (two photos could then share one output). */
static char *checked_path(sbuf *b)
{
    const char *slash = b->s ? strrchr(b->s, '/') : NULL;
    if (b->oom || !b->s || b->len >= PATH_LIMIT || strlen(slash ? slash + 1 : b->s) > NAME_LIMIT) {
        sb_free(b);
        return NULL;
    }
    return b->s;
}

/* OUTPUT/<dir of rel>/<stem><suffix>.<fmt>, or the manifest's output. */
static char *output_path(const batch *b, const item *it, const char *suffix, const char *fmt)
{
    sbuf out = {0};
    if (it->out) {
        const char *dot = strrchr(it->out, '.'), *slash = strrchr(it->out, '/');
        int ext = dot && (!slash || dot > slash);
        if (!strcmp(suffix, ".after") || !(b->what & WHAT_RENDER) || !strcmp(suffix, ".metrics"))
            sb_printf(&out, "%s/%.*s%s%s", b->output, ext ? (int)(dot - it->out) : (int)strlen(it->out), it->out,
                      strcmp(suffix, ".metrics") ? "" : suffix, !strcmp(suffix, ".metrics") ? ".json" : ext ? dot : "");
        else /* both: the preview beside the given output */
            sb_printf(&out, "%s/%.*s%s%s", b->output, ext ? (int)(dot - it->out) : (int)strlen(it->out), it->out,
                      suffix, ext ? dot : "");
        return checked_path(&out);
    }
    const char *dot = strrchr(it->photo, '.'), *slash = strrchr(it->photo, '/');
    int stem = dot && (!slash || dot > slash) ? (int)(dot - it->photo) : (int)strlen(it->photo);
    sb_printf(&out, "%s/%.*s%s.%s", b->output, stem, it->photo, suffix, fmt);
    return checked_path(&out);
}

/* FNV-1a over bytes, continuing from h. */
static uint64_t mix(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t mix_file(uint64_t h, const char *path)
{
    struct stat sb;
    long long v[3] = {-1, 0, 0};
    if (stat(path, &sb) == 0) {
        v[0] = (long long)sb.st_size;
        v[1] = (long long)sb.st_mtim.tv_sec;
        v[2] = (long long)sb.st_mtim.tv_nsec;
    }
    return mix(h, v, sizeof v);
}

static void input_path(const batch *b, const item *it, int mask, sbuf *out)
{
    if (mask && it->mask_is_path)
        sb_puts(out, it->mask);
    else
        sb_printf(out, "%s/%s", b->input, mask ? it->mask : it->photo);
}

/* The canonical form of a path for comparing (no "./", no "//"). */
void batch_canon(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '.' && r[1] == '/' && (r == s || r[-1] == '/')) {
            r += 2;
        } else if (*r == '/' && w > s && w[-1] == '/') {
            r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
}

/* An input as --resume keys it: the input folder resolved and the path
 * below it, or a --masks file's folder resolved and its name; so "in",
 * "in/", "./in" and /abs/in are one folder. */
static void key_path(const batch *b, const item *it, int mask, sbuf *out)
{
    if (mask && it->mask_is_path) {
        const char *slash = strrchr(it->mask, '/');
        char real[PATH_MAX];
        sbuf dir = {0};
        if (!slash)
            sb_puts(&dir, ".");
        else
            sb_printf(&dir, "%.*s", slash == it->mask ? 1 : (int)(slash - it->mask), it->mask);
        if (!dir.oom && dir.s && strlen(dir.s) < sizeof real && realpath(dir.s, real))
            sb_printf(out, "%s/%s", real, slash ? slash + 1 : it->mask);
        else
            sb_puts(out, it->mask);
        sb_free(&dir);
        return;
    }
    size_t at = out->len;
    sb_printf(out, "%s/%s", b->input_real, mask ? it->mask : it->photo);
    if (!out->oom && out->s) {
        batch_canon(out->s + at);
        out->len = at + strlen(out->s + at);
    }
}

/* The parameters and inputs that shape this photo's outputs; as reports
 * before keyed them: the options as typed (form 1), also the paths as
 * typed (form 2). */
static uint64_t item_hash(const batch *b, const item *it, int form)
{
    const int legacy = form == 2;
    uint64_t h = mix(form == 2 ? b->args_hash_legacy : form == 1 ? b->args_hash_argv : b->args_hash, &it->seed,
                     sizeof it->seed);
    h = mix(h, &it->density, sizeof it->density);
    h = mix(h, &it->density_auto, sizeof it->density_auto);
    h = mix(h, &it->px_per_mm, sizeof it->px_per_mm);
    if (it->ppm_auto > 0) /* only then: a report from before it was a column still matches */
        h = mix(h, &it->ppm_auto, sizeof it->ppm_auto);
    for (int k = 0; k < it->n_opts; k++)
        h = mix(mix(h, &it->opts[k].code, sizeof(int)), it->opts[k].value, strlen(it->opts[k].value) + 1);
    if (it->mask_auto) /* the suggestion: what the library of this version makes of the photo */
        h = mix(mix(h, "suggested mask ", 15), smp_version(), strlen(smp_version()) + 1);
    for (int m = 0; m < 2 - it->mask_auto; m++) { /* a hand mask's path, size and mtime: one that appears
                                                      later is never taken for the suggestion */
        sbuf p = {0}, key = {0};
        input_path(b, it, m, &p);
        if (legacy)
            sb_puts(&key, p.s ? p.s : "");
        else
            key_path(b, it, m, &key);
        h = mix_file(mix(h, key.s ? key.s : "", key.s ? key.len + 1 : 1), p.s ? p.s : "");
        sb_free(&p);
        sb_free(&key);
    }
    return h ? h : 1;
}

static void set_failed(item *it, const char *fmt, const char *a, const char *b)
{
    it->status = ITEM_FAILED;
    item_set_error(it, fmt, a, b ? b : "");
}

/* Each pending photo's output paths. */
static int plan_outputs(batch *b)
{
    const char *fmt = b->format;
    for (size_t i = 0; i < b->items.n; i++) {
        item *it = &b->items.v[i];
        if (it->status != ITEM_PENDING)
            continue;
        int n = 0, bad = 0;
        if (b->what & WHAT_RENDER)
            bad |= !(it->outputs[n++] = output_path(b, it, ".after", !strcmp(fmt, "html") ? "jpg" : fmt));
        if (b->what & WHAT_PREVIEW)
            bad |= !(it->outputs[n++] = output_path(b, it, ".preview", fmt));
        if (b->metrics && !bad) {
            const char *first = it->outputs[0], *dot = strrchr(first, '.');
            sbuf m = {0};
            sb_printf(&m, "%.*s.metrics.json", dot ? (int)(dot - first) : (int)strlen(first), first);
            bad |= !(it->outputs[n++] = checked_path(&m));
        }
        if (it->mask_auto && !bad) { /* the suggestion beside the outputs, to check and correct */
            const char *name = it->out ? it->out : it->photo, *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
            sbuf m = {0};
            sb_printf(&m, "%s/%.*s.suggested-mask.png", b->output,
                      dot && (!slash || dot > slash) ? (int)(dot - name) : (int)strlen(name), name);
            bad |= !(it->outputs[n++] = checked_path(&m));
            it->mask_out = n;
        }
        if (bad)
            set_failed(it, "an output path would be longer than the system allows (%s%s)",
                       "at most 255 bytes a name, 4095 a path", NULL); /* the row names the photo */
    }
    return 0;
}

typedef struct claim {
    char *path;
    size_t item;
    int kind; /* 0 output, 1 the report */
} claim;

static int cmp_claim(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->item > y->item) - (x->item < y->item);
}

/* Two photos that would write one file both fail, naming each other. */
static int find_collisions(batch *b)
{
    size_t n = 2;
    for (size_t i = 0; i < b->items.n; i++)
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            n += b->items.v[i].outputs[k] != NULL;
    claim *c = calloc(n, sizeof *c);
    if (!c)
        return EXIT_OUTPUT;
    size_t m = 0;
    for (int k = 0; k < 2; k++) {
        sbuf r = {0};
        sb_printf(&r, "%s/%s.%s", b->output, b->report, k ? "json" : "csv");
        c[m++] = (claim){r.s, (size_t)-1, 1};
    }
    for (size_t i = 0; i < b->items.n; i++)
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            if (b->items.v[i].outputs[k])
                c[m++] = (claim){strdup(b->items.v[i].outputs[k]), i, 0};
    int rc = 0;
    for (size_t i = 0; i < m; i++)
        if (!c[i].path)
            rc = EXIT_OUTPUT;
        else
            batch_canon(c[i].path);
    if (!rc)
        qsort(c, m, sizeof *c, cmp_claim);
    for (size_t i = 1; i < m && !rc; i++) {
        if (strcmp(c[i].path, c[i - 1].path) != 0)
            continue;
        for (size_t j = i - 1; j <= i; j++) {
            if (c[j].kind)
                continue;
            item *it = &b->items.v[c[j].item];
            const claim *o = &c[j == i ? i - 1 : i];
            set_failed(it, "%s: is also the output of %s", c[j].path,
                       o->kind ? "the batch report" : b->items.v[o->item].photo);
        }
    }
    for (size_t i = 0; i < m; i++)
        free(c[i].path);
    free(c);
    return rc;
}

static int cmp_id(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return (x->ino > y->ino) - (x->ino < y->ino);
}

static void add_input(batch *b, const struct stat *sb, int kind)
{
    b->inputs[b->n_inputs++] = (file_id){sb->st_dev, sb->st_ino, kind};
}

/* Every input's (device, inode): a link or a second name finds it too. A
 * photo skipped for want of a mask is a client's photo all the same (with
 * -o the input folder and --force, smith.jpg's after image replaced the
 * client's own smith.after.jpg that had no mask). */
int batch_collect_inputs(batch *b)
{
    b->inputs = malloc((3 * b->items.n + 1) * sizeof *b->inputs);
    if (!b->inputs) {
        cli_error(b->input, "out of memory");
        return EXIT_INPUT;
    }
    for (size_t i = 0; i < b->items.n && !cli_interrupted(); i++) {
        const item *it = &b->items.v[i];
        for (int m = 0; m < 2 && !it->earlier_output; m++) {
            if (m && (it->mask_auto || !it->mask))
                break;
            sbuf p = {0};
            struct stat sb, lsb;
            const int kind = m ? INPUT_MASK : it->run_output ? INPUT_UNLISTED : INPUT_PHOTO;
            input_path(b, it, m, &p);
            if (p.s && stat(p.s, &sb) == 0)
                add_input(b, &sb, kind);
            if (p.s && !m && lstat(p.s, &lsb) == 0 && S_ISLNK(lsb.st_mode))
                add_input(b, &lsb, kind); /* the link itself: a write would replace it */
            sb_free(&p);
        }
    }
    qsort(b->inputs, b->n_inputs, sizeof *b->inputs, cmp_id);
    return 0;
}

const file_id *batch_input_at(const batch *b, const char *path)
{
    struct stat sb;
    for (int k = 0; k < 2; k++) {
        if ((k ? lstat(path, &sb) : stat(path, &sb)) != 0)
            continue;
        file_id key = {sb.st_dev, sb.st_ino, 0};
        const file_id *in = bsearch(&key, b->inputs, b->n_inputs, sizeof key, cmp_id);
        if (in)
            return in;
    }
    return NULL;
}

/* A photo whose output would replace an input fails before it is worked
 * on, whatever --force says (the write checks again: batch_input_at). */
static void refuse_inputs(batch *b)
{
    for (size_t i = 0; i < b->items.n && !cli_interrupted(); i++) { /* a signal: cmd_batch stops */
        item *it = &b->items.v[i];
        for (int k = 0; k < ITEM_OUTPUTS && it->status == ITEM_PENDING && it->outputs[k]; k++) {
            const file_id *in = batch_input_at(b, it->outputs[k]);
            if (!in)
                continue;
            it->status = ITEM_FAILED;
            if (in->kind == INPUT_UNLISTED)
                item_set_error(it, "%s: is in the input folder and no earlier run's report lists it "
                               "as an output (a client's own file?), and an output never replaces an input, even with "
                               "--force: write the outputs elsewhere (-o) or rename that file", it->outputs[k]);
            else
                item_set_error(it, "%s: is %s of this batch, and an output never replaces an input, "
                               "even with --force: write the outputs elsewhere (-o) or rename that file",
                               it->outputs[k], in->kind == INPUT_MASK ? "a mask" : "a photo");
        }
    }
}

int batch_cmp_out_ref(const void *a, const void *b)
{
    return strcmp(((const out_ref *)a)->rel, ((const out_ref *)b)->rel);
}

/* The photo's earlier outputs that this run does not write (the earlier
 * row's outputs when it succeeded, and the older ones it carried): those
 * still there become its older outputs, listed in the report so that it
 * accounts for every file of the folder a run wrote, and replaced by a
 * later --resume that writes them again. planned: every output of this
 * run, sorted. */
static void note_older(batch *b, item *it, const char *written, const char *older, const char *out_real,
                       const struct stat *out_sb, const out_ref *planned, size_t n_planned)
{
    const char *cells[2] = {written, older};
    for (int c = 0; c < 2; c++) {
        size_t n = 0;
        char **rels = *cells[c] ? earlier_cell_rels(cells[c], out_real, out_sb, &n) : NULL;
        for (size_t j = 0; j < n; j++) {
            out_ref key = {rels[j], 0, 0};
            sbuf p = {0};
            struct stat sb;
            sb_printf(&p, "%s/%s", b->output, rels[j]);
            int keep = p.s && !bsearch(&key, planned, n_planned, sizeof *planned, batch_cmp_out_ref) &&
                       lstat(p.s, &sb) == 0 && S_ISREG(sb.st_mode);
            for (size_t o = 0; keep && o < it->n_older; o++)
                keep = strcmp(it->older[o], p.s) != 0;
            char **grown = keep ? realloc(it->older, (it->n_older + 1) * sizeof *grown) : NULL;
            if (grown) {
                it->older = grown;
                it->older[it->n_older++] = p.s;
            } else {
                sb_free(&p);
            }
            free(rels[j]);
        }
        free(rels);
    }
}

int batch_cmp_by_photo(const void *a, const void *b)
{
    return strcmp(((const by_photo *)a)->key, ((const by_photo *)b)->key);
}

/* A row of the earlier report applied to its photo (the same path, as
 * canon spells it). Only a row that succeeded wrote outputs: those its
 * outputs cell lists are ours to replace (a row skipped or failed wrote
 * none, so a file of that name is someone else's). The photo is up to
 * date when the row's hash is its hash (as keyed now, or as reports keyed
 * it before: item_hash's forms) and every output is there and listed. */
static void resume_row(batch *b, item *it, char **fields, int n, const char *out_real, const struct stat *out_sb,
                       const struct out_ref *planned, size_t n_planned)
{
    const int ok_row = !strcmp(fields[2], "ok") || !strcmp(fields[2], "up-to-date");
    const size_t lo = strlen(b->output);
    const char *rels[ITEM_OUTPUTS] = {0}; /* the outputs in the output folder, relative to it */
    for (int k = 0; k < ITEM_OUTPUTS; k++)
        if (it->outputs[k] && !strncmp(it->outputs[k], b->output, lo) && it->outputs[k][lo] == '/')
            rels[k] = it->outputs[k] + lo + 1;
    if (ok_row && *fields[4])
        it->may_replace |= earlier_cell_lists(fields[4], out_real, out_sb, rels, ITEM_OUTPUTS);
    if (n > REPORT_F_OLDER && *fields[REPORT_F_OLDER]) { /* written by a run before that one: ours as well */
        csv_unneuter(fields[REPORT_F_OLDER]);
        it->may_replace |= earlier_cell_lists(fields[REPORT_F_OLDER], out_real, out_sb, rels, ITEM_OUTPUTS);
    }
    note_older(b, it, ok_row ? fields[4] : "", n > REPORT_F_OLDER ? fields[REPORT_F_OLDER] : "", out_real, out_sb,
               planned, n_planned);
    if (!b->resume)
        return; /* --force: the earlier outputs of other options only */
    char *end;
    unsigned long long h = strtoull(fields[11], &end, 16);
    int done = ok_row && *fields[11] && !*end && (h == it->hash || h == item_hash(b, it, 1) || h == item_hash(b, it, 2));
    for (int k = 0; k < ITEM_OUTPUTS && done; k++)
        done = !it->outputs[k] || ((it->may_replace >> k & 1) && cli_exists(it->outputs[k]));
    if (!done)
        return;
    it->status = ITEM_UP_TO_DATE;
    for (int k = 0; k < ITEM_OUTPUTS; k++)
        it->written[k] = it->outputs[k] ? strdup(it->outputs[k]) : NULL;
    if (n >= 13) { /* its notes stay in the report (joined there by " | ") */
        csv_unneuter(fields[12]);
        char notes[ITEM_NOTES_MAX];
        size_t o = 0;
        for (const char *c = fields[12]; *c && o + 1 < sizeof notes;)
            if (!strncmp(c, " | ", 3)) {
                notes[o++] = '\n';
                c += 3;
            } else {
                notes[o++] = *c++;
            }
        notes[o] = 0;
        item_set_notes(it, notes);
    }
}

/* One earlier report's rows (of any length up to BATCH_LINE_MAX) applied
 * to the photos in idx not yet matched: 0, or an exit code after saying why. */
static int resume_file(batch *b, const char *path, by_photo *idx, size_t m, const char *out_real,
                       const struct stat *out_sb, const out_ref *planned, size_t n_planned)
{
    FILE *f = cli_fopen_regular(path, "r");
    if (!f)
        return 0; /* gone meanwhile: nothing to resume from */
    char *line = NULL;
    size_t cap = 0;
    long len, lineno = 0, lines = 0, taken = 0;
    int rc = 0;
    while (!cli_interrupted() && (len = batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines)) != -1) {
        lineno = taken + 1; /* where the record starts */
        taken += lines;
        if (len < 0) {
            if (!b->resume) /* --force: read for the older outputs only; a report not ours lists none */
                break;
            cli_error(path, "line %ld: %s; not a report that smpsim batch wrote? Move it away, or redo the run "
                      "with --force instead of --resume", lineno, len == -2 ? "longer than 1 MB" : "out of memory");
            rc = EXIT_INPUT;
            break;
        }
        char *fields[16];
        int n = split_csv(line, fields, 16);
        if (n < 12) /* 12: a report from before the notes column */
            continue;
        csv_unneuter(fields[0]);
        csv_unneuter(fields[4]);
        batch_canon(fields[0]);
        by_photo key = {fields[0], NULL}, *hit = m ? bsearch(&key, idx, m, sizeof *idx, batch_cmp_by_photo) : NULL;
        if (hit && hit->it) {
            resume_row(b, hit->it, fields, n, out_real, out_sb, planned, n_planned);
            hit->it = NULL; /* a photo's row in the newest report only */
        }
    }
    free(line);
    fclose(f);
    return rc;
}

typedef struct report_file {
    char *path;
    struct timespec mtime;
} report_file;

static int cmp_newest(const void *a, const void *b)
{
    const report_file *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return strcmp(x->path, y->path);
}

/* The output folder's reports (report.csv and every shard's, not the kept
 * report.1.*), newest first: a run with other shards (or none) resumes
 * from them too. NULL-terminated, or NULL when memory ran out. */
static report_file *list_reports(const batch *b, size_t *n)
{
    DIR *d = opendir(b->output);
    report_file *v = NULL;
    size_t cap = 0;
    int bad = 0;
    *n = 0;
    for (struct dirent *e; d && !bad && (e = readdir(d));) {
        struct stat sb;
        sbuf p = {0};
        if (!batch_is_report_name(e->d_name))
            continue;
        sb_printf(&p, "%s/%s", b->output, e->d_name);
        if (p.oom || stat(p.s, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            bad |= p.oom;
            sb_free(&p);
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 4;
            report_file *grown = realloc(v, cap * sizeof *v);
            if (!grown) {
                sb_free(&p);
                bad = 1;
                break;
            }
            v = grown;
        }
        v[(*n)++] = (report_file){p.s, sb.st_mtim};
    }
    if (d)
        closedir(d);
    if (bad) {
        for (size_t i = 0; i < *n; i++)
            free(v[i].path);
        free(v);
        *n = 0;
        return NULL;
    }
    if (*n)
        qsort(v, *n, sizeof *v, cmp_newest);
    return v ? v : calloc(1, sizeof *v);
}

/* Each output (of every item, or of those whose row is ok or up to date
 * when written_only) below the output folder, normalised and sorted; NULL
 * when memory ran out. */
out_ref *batch_output_refs(const batch *b, int written_only, size_t *m)
{
    const size_t lo = strlen(b->output);
    size_t n_refs = 0;
    *m = 0;
    for (size_t i = 0; i < b->items.n; i++)
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            n_refs += b->items.v[i].outputs[k] != NULL || b->items.v[i].written[k] != NULL;
    out_ref *refs = calloc(n_refs + 1, sizeof *refs);
    for (size_t i = 0; refs && i < b->items.n; i++) {
        const item *it = &b->items.v[i];
        if (written_only && it->status != ITEM_OK && it->status != ITEM_UP_TO_DATE)
            continue;
        for (int k = 0; k < ITEM_OUTPUTS; k++) {
            const char *o = written_only ? it->written[k] : it->outputs[k];
            int ups = 0;
            if (!o || strncmp(o, b->output, lo) || o[lo] != '/')
                continue;
            char *rel = path_normalize(o + lo + 1, &ups);
            if (rel && !ups)
                refs[(*m)++] = (out_ref){rel, i, k};
            else
                free(rel);
        }
    }
    if (*m)
        qsort(refs, *m, sizeof *refs, batch_cmp_out_ref);
    return refs;
}

void batch_refs_free(out_ref *refs, size_t m)
{
    for (size_t i = 0; refs && i < m; i++)
        free(refs[i].rel);
    free(refs);
}

/* --resume: each pending photo's row in the newest report of the output
 * folder that has one. 0, or an exit code after saying why. */
static int resume_from(batch *b)
{
    size_t n_pending = 0, m = 0, n_reports = 0;
    for (size_t i = 0; i < b->items.n; i++)
        n_pending += b->items.v[i].status == ITEM_PENDING;
    by_photo *idx = calloc(n_pending + 1, sizeof *idx);
    report_file *reports = list_reports(b, &n_reports);
    char out_real[PATH_MAX];
    struct stat out_sb;
    int rc = 0;
    if (!idx || !reports) {
        cli_error(b->output, "out of memory reading the earlier reports");
        rc = EXIT_OUTPUT;
    } else if (!realpath(b->output, out_real) || stat(out_real, &out_sb) != 0) {
        cli_error(b->output, "cannot resolve the output folder: %s", strerror(errno));
        rc = EXIT_OUTPUT;
    }
    for (size_t i = 0; i < b->items.n && !rc; i++) {
        item *it = &b->items.v[i];
        if (it->status != ITEM_PENDING)
            continue;
        if (!(idx[m].key = strdup(it->photo))) {
            cli_error(b->output, "out of memory reading the earlier reports");
            rc = EXIT_OUTPUT;
            break;
        }
        batch_canon(idx[m].key);
        idx[m++].it = it;
    }
    if (!rc && m)
        qsort(idx, m, sizeof *idx, batch_cmp_by_photo);
    size_t n_planned = 0;
    out_ref *planned = rc ? NULL : batch_output_refs(b, 0, &n_planned);
    if (!rc && !planned) {
        cli_error(b->output, "out of memory reading the earlier reports");
        rc = EXIT_OUTPUT;
    }
    for (size_t r = 0; r < n_reports && !rc && m; r++)
        rc = resume_file(b, reports[r].path, idx, m, out_real, &out_sb, planned, n_planned);
    batch_refs_free(planned, n_planned);
    if (!rc && b->resume)
        batch_journal_read(b);
    for (size_t i = 0; idx && i < m; i++)
        free(idx[i].key);
    for (size_t r = 0; r < n_reports; r++)
        free(reports[r].path);
    free(reports);
    free(idx);
    return rc;
}

/* A scanned file that the run writes as a photo's output is no photo of
 * it: another shard may be writing it right now, before its report lists
 * it. It gets a RUN_OUTPUT row and stays an input (not ours to replace
 * unless a report lists it: batch_collect_inputs); its own outputs are not
 * planned. One pass: every file the photos found would write. */
static int mark_run_outputs(batch *b)
{
    size_t n = 0, m = 0;
    for (size_t i = 0; i < b->items.n; i++)
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            n += b->items.v[i].outputs[k] != NULL;
    typedef struct planned {
        file_id id;
        size_t by; /* the item that writes it */
    } planned;
    planned *v = calloc(n + 1, sizeof *v);
    if (!v)
        return EXIT_OUTPUT;
    for (size_t i = 0; i < b->items.n && !cli_interrupted(); i++) { /* a signal: cmd_batch stops */
        const item *it = &b->items.v[i];
        struct stat sb;
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            if (it->outputs[k] && stat(it->outputs[k], &sb) == 0)
                v[m++] = (planned){{sb.st_dev, sb.st_ino, 0}, i};
    }
    if (m) /* file_id first: cmp_id orders them */
        qsort(v, m, sizeof *v, cmp_id);
    for (size_t i = 0; i < b->items.n && m && !cli_interrupted(); i++) {
        item *it = &b->items.v[i];
        struct stat sb;
        sbuf p = {0};
        const planned *hit = NULL;
        input_path(b, it, 0, &p);
        if (!it->earlier_output && p.s && stat(p.s, &sb) == 0) {
            const planned key = {{sb.st_dev, sb.st_ino, 0}, 0};
            hit = bsearch(&key, v, m, sizeof *v, cmp_id);
        }
        sb_free(&p);
        if (!hit || hit->by == i)
            continue;
        item_set_error(it, "%s (for %s): not read as a photo, and not replaced unless an earlier "
                       "run's report lists it; rename it to process it as a photo", RUN_OUTPUT, b->items.v[hit->by].photo);
        it->status = ITEM_SKIPPED;
        it->run_output = 1;
        if (it->mask_auto) { /* no mask was looked for: none to show */
            free(it->mask);
            it->mask = NULL;
            it->mask_auto = 0;
        }
        it->mask_out = 0;
    }
    free(v);
    /* Their own outputs are not the run's: dropped once every file was looked at. */
    for (size_t i = 0; i < b->items.n; i++)
        for (int k = 0; k < ITEM_OUTPUTS && b->items.v[i].run_output; k++) {
            free(b->items.v[i].outputs[k]);
            b->items.v[i].outputs[k] = NULL;
        }
    return 0;
}

int batch_plan_outputs(batch *b, int scanned)
{
    int rc = plan_outputs(b);
    if (!rc && scanned)
        rc = mark_run_outputs(b);
    if (!rc && !cli_interrupted()) /* a signal: cmd_batch stops */
        rc = find_collisions(b);
    if (rc)
        cli_error(b->output, "out of memory planning the batch");
    return rc;
}

int batch_plan(batch *b)
{
    /* Each loop stops at a signal (two stats an item, more with --masks): cmd_batch then stops. */
    for (size_t i = 0; i < b->items.n && !cli_interrupted(); i++) /* also of a photo whose outputs are refused */
        if (b->items.v[i].status == ITEM_PENDING || b->items.v[i].outputs[0])
            b->items.v[i].hash = item_hash(b, &b->items.v[i], 0);
    refuse_inputs(b);
    /* --force reads the earlier reports too: the outputs of other options are listed (older_outputs) */
    return (b->resume || b->force) && !cli_interrupted() ? resume_from(b) : 0;
}

/* OUTPUT/<report>.lock, held (flock) for the run. A lock file unlinked by
 * the run before us is retried, so two runs never hold two different files. */
int batch_lock(batch *b)
{
    sbuf p = {0};
    sb_printf(&p, "%s/%s.lock", b->output, b->report);
    for (int tries = 0; p.s && tries < 10; tries++) {
        int fd = open(p.s, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            break;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e != EWOULDBLOCK)
                break;
            cli_error(b->output, "another smpsim batch is writing here (it holds %s.lock); wait for it to "
                      "finish or use another folder", b->report);
            sb_free(&p);
            return EXIT_OUTPUT;
        }
        struct stat a, c;
        if (fstat(fd, &a) == 0 && stat(p.s, &c) == 0 && a.st_ino == c.st_ino && a.st_dev == c.st_dev) {
            b->lock_fd = fd;
            sb_free(&p);
            return 0;
        }
        close(fd); /* the previous holder removed it meanwhile: take the new one */
    }
    cli_error(p.s ? p.s : b->output, "cannot create the lock file: %s", strerror(errno));
    sb_free(&p);
    return EXIT_OUTPUT;
}

void batch_unlock(batch *b)
{
    if (b->lock_fd < 0)
        return;
    sbuf p = {0};
    sb_printf(&p, "%s/%s.lock", b->output, b->report);
    if (p.s)
        unlink(p.s); /* while still held: see batch_lock */
    sb_free(&p);
    close(b->lock_fd);
    b->lock_fd = -1;
}

/* A killed run's temporaries: ours by name, and too old to be in flight
 * (a write takes seconds; an hour leaves room for shards on other machines). */
static void clean_dir(const char *dir, int depth, time_t cutoff)
{
    DIR *d = depth < 64 ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        sbuf p = {0};
        struct stat sb;
        sb_printf(&p, "%s/%s", dir, e->d_name);
        if (p.s && lstat(p.s, &sb) == 0) {
            if (S_ISDIR(sb.st_mode))
                clean_dir(p.s, depth + 1, cutoff);
            else if (S_ISREG(sb.st_mode) && !strncmp(e->d_name, ".smpsim-tmp-", 12) && sb.st_mtime < cutoff)
                unlink(p.s);
        }
        sb_free(&p);
    }
    if (d)
        closedir(d);
}

void batch_clean_stale(const batch *b) { clean_dir(b->output, 0, time(NULL) - 3600); }
