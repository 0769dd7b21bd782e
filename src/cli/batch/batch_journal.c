/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: the journal of a run's published outputs, for a run
 * killed before its report (batch_run.h). */
#define _POSIX_C_SOURCE 200809L
#include "batch_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void journal_name(const batch *b, const char *report, sbuf *out)
{
    sb_printf(out, "%s/%s.journal", b->output, report);
}

int batch_journal_exists(const batch *b)
{
    sbuf p = {0};
    journal_name(b, b->report, &p);
    int yes = p.s && cli_exists(p.s);
    sb_free(&p);
    return yes;
}

static const char JOURNAL_HEAD[] = "# smpsim batch journal: outputs published before the report lists them\n";

/* The journal open for appending (its head written when new); a record a
 * kill cut short at its end is cut off, so that the next record starts on
 * a line of its own (an open quote would swallow it). 0, or -1. */
static int journal_open(batch *b, sbuf *line)
{
    if (b->journal_fd >= 0)
        return 0;
    sbuf p = {0};
    journal_name(b, b->report, &p);
    b->journal_fd = p.s ? open(p.s, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
    sb_free(&p);
    struct stat js;
    if (b->journal_fd < 0 || fstat(b->journal_fd, &js) != 0)
        return -1;
    if (js.st_size == 0) {
        sb_puts(line, JOURNAL_HEAD);
        return 0;
    }
    char c = '\n';
    off_t end = js.st_size;
    while (end > 0 && pread(b->journal_fd, &c, 1, end - 1) == 1 && c != '\n')
        end--; /* the lock is ours: no one else writes here */
    if (end < js.st_size && ftruncate(b->journal_fd, end) != 0)
        return -1;
    return 0;
}

/* One write: a kill cuts no record in two (a torn one is not read, and cut
 * off by the next run: journal_open). */
static int journal_write(batch *b, sbuf *line)
{
    int rc = -1;
    if (!line->oom && line->s) {
        ssize_t w = write(b->journal_fd, line->s, line->len);
        rc = w == (ssize_t)line->len ? 0 : -1;
        if (w >= 0 && rc)
            errno = ENOSPC;
    } else {
        errno = ENOMEM;
    }
    sb_free(line);
    return rc;
}

int batch_journal_add(batch *b, const char *output, const struct stat *st)
{
    const size_t lo = strlen(b->output);
    if (strncmp(output, b->output, lo) || output[lo] != '/') {
        errno = EINVAL; /* every output lies below the output folder */
        return -1;
    }
    sbuf line = {0};
    if (journal_open(b, &line) != 0) {
        sb_free(&line);
        return -1;
    }
    sb_printf(&line, "written,%llu,%llu,%lld,%lld,%ld,", (unsigned long long)st->st_dev,
              (unsigned long long)st->st_ino, (long long)st->st_size, (long long)st->st_mtim.tv_sec,
              (long)st->st_mtim.tv_nsec);
    sb_csv(&line, output + lo + 1);
    sb_puts(&line, "\n");
    return journal_write(b, &line);
}

/* done,HASH,"photo","notes",N then N times dev,ino,size,s,ns,"path": */
enum { DONE_HEAD = 5, DONE_EACH = 6, DONE_MAX = DONE_HEAD + DONE_EACH * ITEM_OUTPUTS };

int batch_journal_done(batch *b, const item *it)
{
    const size_t lo = strlen(b->output);
    sbuf line = {0};
    int n = 0;
    for (int k = 0; k < ITEM_OUTPUTS; k++)
        if (it->outputs[k]) {
            if (!it->written[k] || strncmp(it->outputs[k], b->output, lo) || it->outputs[k][lo] != '/') {
                errno = EINVAL;
                return -1;
            }
            n++;
        }
    if (journal_open(b, &line) != 0) {
        sb_free(&line);
        return -1;
    }
    sb_printf(&line, "done,%016llx,", (unsigned long long)it->hash);
    sb_csv(&line, it->photo);
    sb_puts(&line, ",");
    sb_csv(&line, item_notes(it));
    sb_printf(&line, ",%d", n);
    for (int k = 0; k < ITEM_OUTPUTS; k++) {
        if (!it->outputs[k])
            continue;
        const unsigned long long *id = it->written_id[k];
        sb_printf(&line, ",%llu,%llu,%llu,%llu,%llu,", id[0], id[1], id[2], id[3], id[4]);
        sb_csv(&line, it->outputs[k] + lo + 1);
    }
    sb_puts(&line, "\n");
    return journal_write(b, &line);
}


/* A done record's fields (n of them) as read: its output count, or -1
 * when it is not one (or torn). Its paths are taken out of their CSV
 * guard (csv_unneuter) here, once. */
static int done_outputs(char **f, int n)
{
    char *end = "";
    long c = n >= DONE_HEAD && !strcmp(f[0], "done") ? strtol(f[4], &end, 10) : -1;
    if (c < 0 || c > ITEM_OUTPUTS || *end || n != DONE_HEAD + DONE_EACH * (int)c)
        return -1;
    csv_unneuter(f[2]);
    csv_unneuter(f[3]);
    for (int j = 0; j < (int)c; j++)
        csv_unneuter(f[DONE_HEAD + DONE_EACH * j + 5]);
    return (int)c;
}

/* Whether every output a done record names is still the file journaled. */
static int done_intact(const batch *b, char **f, int c)
{
    for (int j = 0; j < c; j++) {
        char **g = f + DONE_HEAD + DONE_EACH * j;
        sbuf p = {0};
        sb_printf(&p, "%s/%s", b->output, g[5]);
        int same = p.s && batch_journal_same(g, p.s);
        sb_free(&p);
        if (!same)
            return 0;
    }
    return 1;
}

/* Whether a done record names each of the item's outputs (rel: each
 * one's path below the output folder, normalised; NULL: none). */
static int done_names(char **f, int c, char *const *rel)
{
    for (int k = 0; k < ITEM_OUTPUTS; k++) {
        int found = !rel[k];
        for (int j = 0; j < c && !found; j++) {
            int ups = 0;
            char *a = path_normalize(f[DONE_HEAD + DONE_EACH * j + 5], &ups);
            found = a && !ups && !strcmp(a, rel[k]);
            free(a);
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* A done record applied to the item it is of: its hash, its outputs (each
 * the file journaled): the photo is up to date. 1 when it was. */
static int apply_done(batch *b, item *it, char **f, int c, unsigned long long h)
{
    const size_t lo = strlen(b->output);
    char *rel[ITEM_OUTPUTS] = {0};
    int ok = h == it->hash && (it->status == ITEM_PENDING || it->status == ITEM_UP_TO_DATE);
    for (int k = 0; k < ITEM_OUTPUTS && ok; k++) {
        int ups = 0;
        if (!it->outputs[k])
            continue;
        ok = !strncmp(it->outputs[k], b->output, lo) && it->outputs[k][lo] == '/' &&
             (rel[k] = path_normalize(it->outputs[k] + lo + 1, &ups)) && !ups;
    }
    ok = ok && done_names(f, c, rel) && done_intact(b, f, c);
    for (int k = 0; k < ITEM_OUTPUTS; k++)
        free(rel[k]);
    if (!ok)
        return 0;
    if (it->status == ITEM_PENDING) {
        it->status = ITEM_UP_TO_DATE;
        for (int k = 0; k < ITEM_OUTPUTS; k++)
            it->written[k] = it->outputs[k] ? strdup(it->outputs[k]) : NULL;
        item_set_notes(it, f[3]);
    }
    for (int k = 0; k < ITEM_OUTPUTS; k++)
        it->may_replace |= (unsigned)(it->outputs[k] != NULL) << k;
    return 1;
}

/* The journals a killed run left in the output folder (of any shard), for
 * --resume: each output there that is the very file a run journaled is
 * ours to replace (published, its report never written); a photo whose
 * done record has its hash and names each of its outputs as the file there
 * now is up to date (its outputs need no redoing). A photo the report
 * counts up to date whose output is a file journaled since (a later run,
 * killed, replaced it) without such a record is redone. */
void batch_journal_read(batch *b)
{
    size_t m = 0, np = 0;
    out_ref *refs = batch_output_refs(b, 0, &m);
    unsigned char *seen = calloc(b->items.n + 1, 1), *done = calloc(b->items.n + 1, 1);
    by_photo *idx = calloc(b->items.n + 1, sizeof *idx); /* the photos that may be up to date, by path */
    int bad = !refs || !seen || !done || !idx;
    for (size_t i = 0; !bad && i < b->items.n; i++) {
        item *it = &b->items.v[i];
        if (it->status != ITEM_PENDING && it->status != ITEM_UP_TO_DATE)
            continue;
        bad = !(idx[np].key = strdup(it->photo));
        if (!bad) {
            batch_canon(idx[np].key);
            idx[np++].it = it;
        }
    }
    if (np)
        qsort(idx, np, sizeof *idx, batch_cmp_by_photo);
    DIR *d = !bad && m ? opendir(b->output) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!batch_is_journal_name(e->d_name))
            continue;
        sbuf p = {0};
        sb_printf(&p, "%s/%s", b->output, e->d_name);
        FILE *f = p.s ? cli_fopen_regular(p.s, "r") : NULL;
        char *line = NULL;
        size_t cap = 0;
        long lines;
        while (f && !cli_interrupted() && batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines) >= 0) {
            char *fields[DONE_MAX + 1];
            int n = split_csv(line, fields, DONE_MAX + 1), c = n > 0 ? done_outputs(fields, n) : -1;
            if (n == 7 && !strcmp(fields[0], "written")) {
                csv_unneuter(fields[6]);
                int ups = 0;
                out_ref key = {path_normalize(fields[6], &ups), 0, 0};
                const out_ref *hit = key.rel && !ups ? bsearch(&key, refs, m, sizeof *refs, batch_cmp_out_ref) : NULL;
                /* (a path two items write is no item's: find_collisions failed both) */
                if (hit && batch_journal_same(fields + 1, b->items.v[hit->i].outputs[hit->k])) {
                    b->items.v[hit->i].may_replace |= 1u << hit->k;
                    seen[hit->i] = 1;
                }
                free(key.rel);
            } else if (c >= 0 && np) {
                char *end;
                unsigned long long h = strtoull(fields[1], &end, 16);
                batch_canon(fields[2]);
                by_photo key = {fields[2], NULL}, *hit = *end ? NULL : bsearch(&key, idx, np, sizeof *idx, batch_cmp_by_photo);
                /* a manifest may name a photo twice (each row its outputs): every row of it */
                while (hit && hit > idx && !strcmp(hit[-1].key, fields[2]))
                    hit--;
                for (; hit && hit < idx + np && !strcmp(hit->key, fields[2]); hit++) {
                    size_t i = (size_t)(hit->it - b->items.v);
                    if (!done[i])
                        done[i] = (unsigned char)apply_done(b, hit->it, fields, c, h);
                }
            }
        }
        free(line);
        if (f)
            fclose(f);
        sb_free(&p);
    }
    if (d)
        closedir(d);
    /* Up to date by the report, yet an output is a file journaled since without its photo's done
     * record of this hash: the report's file was replaced (a later run, with other options, killed). */
    for (size_t i = 0; !bad && i < b->items.n; i++) {
        item *it = &b->items.v[i];
        if (it->status != ITEM_UP_TO_DATE || !seen[i] || done[i])
            continue;
        it->status = ITEM_PENDING;
        item_set_notes(it, NULL);
        for (int k = 0; k < ITEM_OUTPUTS; k++) {
            free(it->written[k]);
            it->written[k] = NULL;
        }
    }
    for (size_t i = 0; idx && i < np; i++)
        free(idx[i].key);
    free(idx);
    free(seen);
    free(done);
    batch_refs_free(refs, m);
}

void batch_journal_settle(batch *b)
{
    if (b->journal_fd >= 0)
        close(b->journal_fd);
    b->journal_fd = -1;
    sbuf p = {0}, kept = {0};
    journal_name(b, b->report, &p);
    FILE *f = p.s ? cli_fopen_regular(p.s, "r") : NULL;
    if (!f) {
        sb_free(&p);
        return;
    }
    size_t m = 0;
    out_ref *listed = batch_output_refs(b, 1, &m); /* what the report says: its ok and up-to-date rows' outputs */
    char *line = NULL, *copy = NULL;
    size_t cap = 0;
    long len, lines;
    int records = 0, bad = !listed;
    while (!bad && (len = batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines)) >= 0) {
        free(copy);
        copy = strdup(line);
        bad = !copy;
        char *fields[DONE_MAX + 1];
        int n = bad ? -1 : split_csv(line, fields, DONE_MAX + 1), c = n > 0 ? done_outputs(fields, n) : -1, keep = 0;
        if (n == 7 && !strcmp(fields[0], "written")) {
            csv_unneuter(fields[6]);
            int ups = 0;
            out_ref key = {path_normalize(fields[6], &ups), 0, 0};
            sbuf there = {0};
            sb_printf(&there, "%s/%s", b->output, fields[6]);
            keep = key.rel && !ups && there.s && batch_journal_same(fields + 1, there.s) &&
                   !bsearch(&key, listed, m, sizeof *listed, batch_cmp_out_ref);
            bad |= !key.rel || there.oom;
            free(key.rel);
            sb_free(&there);
        } else if (c >= 0) { /* kept unless the report's ok rows list every output it names */
            int all = 1;
            for (int j = 0; j < c && all; j++) {
                int ups = 0;
                out_ref key = {path_normalize(fields[DONE_HEAD + DONE_EACH * j + 5], &ups), 0, 0};
                all = key.rel && !ups && bsearch(&key, listed, m, sizeof *listed, batch_cmp_out_ref);
                bad |= !key.rel;
                free(key.rel);
            }
            keep = !all && done_intact(b, fields, c);
        }
        if (keep) {
            sb_puts(&kept, records++ ? "" : JOURNAL_HEAD);
            sb_add(&kept, copy, strlen(copy));
            sb_puts(&kept, "\n");
        }
    }
    fclose(f);
    free(line);
    free(copy);
    batch_refs_free(listed, m);
    char err[512];
    if (bad || kept.oom) {
        /* kept whole: more than it needs, never less */
    } else if (!records) {
        unlink(p.s);
    } else if (smp_write_file_atomic(p.s, kept.s, kept.len, 1, err, sizeof err) != SMP_OK) {
        cli_error(p.s, "%s; kept as it was", err);
    }
    sb_free(&kept);
    sb_free(&p);
}
