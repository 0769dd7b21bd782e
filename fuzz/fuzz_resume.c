/* SPDX-License-Identifier: BSD-2-Clause */
/* What `smpsim batch --resume` (or --force) reads back from the output
 * folder that a kill, a full disk, an editor or a stranger may have left in
 * any state: report.csv, report.json and the journal (also a shard's). The
 * input's bytes become those files in a batch's folder of a few real
 * photos, masks and earlier outputs; the batch then runs as cmd_batch runs
 * it up to its work: the scan (the earlier reports and journals, read as
 * lists of outputs: batch_earlier.c), the plan and --resume (resume_from:
 * each row, its outputs and older outputs cells; batch_journal_read: the
 * written and done records), and, after a run's end, batch_journal_settle.
 *
 * Input: a flags byte, then up to five sections, each ended by a line
 * "====": report.csv, report.json, report.journal,
 * report.shard-1-of-2.journal, report.shard-0-of-2.csv (older than
 * report.csv). A missing section is no file. In them, "@I0".."@I3" become
 * the identity (device,inode,size,s,ns) of an earlier output in the output
 * folder (a.after.jpg, sub/b.after.jpg, a.after.png, a.after.metrics.json),
 * "@H0".."@H2" the hash of a.jpg, sub/b.jpg, c.jpg as this run keys them,
 * "@O" and "@N" the output and input folders: what a journal and a report
 * hold but a file cannot know in advance. */
#define _XOPEN_SOURCE 700
#include "batch_run.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "tmproot.h"

enum {
    F_RESUME = 1,      /* --resume, else --force */
    F_MASKS_AUTO = 2,  /* --masks auto: c.jpg gets the suggested mask */
    F_METRICS = 4,     /* --metrics */
    F_PREVIEW = 8,     /* --what both */
    F_PNG = 16,        /* --format png: the earlier .jpg outputs are older ones */
    F_OUT_APART = 32,  /* -o ROOT/out, else -o the input folder */
    F_SETTLE = 64,     /* the run's end: batch_journal_settle */
    F_DONE_OK = 128,   /* ... with every pending photo done (else cancelled) */
};

static char in_dir[300], out_dir[2][300];
static const char *const PHOTOS[] = {"a.jpg", "sub/b.jpg", "c.jpg"};
static const char *const OUTPUTS[] = {"a.after.jpg", "sub/b.after.jpg", "a.after.png", "a.after.metrics.json"};
static const char *const REPORTS[] = {"report.csv", "report.json", "report.journal", "report.shard-1-of-2.journal",
                                      "report.shard-0-of-2.csv"};
static char ident[2][4][128];                   /* @I<k> in each output folder */
static unsigned long long hashes[2][3];         /* @H<k> without and with --masks auto */
static const time_t FIXED = 1700000000;         /* every file's mtime: the hashes are the same each run */

static void discard(void *ctx, const char *subject, const char *message)
{
    (void)ctx;
    (void)subject;
    (void)message;
}

static int put(const char *dir, const char *name, const void *data, size_t n, time_t mtime)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = n ? fwrite(data, 1, n, f) : 0;
    if (fclose(f) != 0 || w != n)
        return -1;
    const struct timespec t[2] = {{mtime, 123456789}, {mtime, 123456789}};
    return utimensat(AT_FDCWD, path, t, 0);
}

static void batch_init(batch *b, int flags)
{
    memset(b, 0, sizeof *b);
    const int apart = !!(flags & F_OUT_APART);
    b->input = in_dir;
    b->output = out_dir[apart];
    b->format = flags & F_PNG ? "png" : "jpg";
    b->what = WHAT_RENDER | (flags & F_PREVIEW ? WHAT_PREVIEW : 0);
    b->metrics = !!(flags & F_METRICS);
    b->resume = flags & F_RESUME;
    b->force = !b->resume;
    b->lock_fd = b->journal_fd = -1;
    snprintf(b->report, sizeof b->report, "report");
    snprintf(b->input_real, sizeof b->input_real, "/fuzz/in"); /* the key (not the files): the same each run */
    b->args_hash = 0x5eed;
    b->args_hash_argv = 0x5eed2;
    b->args_hash_legacy = 0x5eed3;
}

/* cmd_batch's steps from the scan to the work; 0 when the plan was made. */
static int plan(batch *b, int flags)
{
    scan_opts so = {.input = in_dir, .masks_auto = !!(flags & F_MASKS_AUTO), .skip = b->output};
    int rc = scan_folder(&so, &b->items);
    for (size_t i = 0; i < b->items.n; i++)
        b->items.v[i].seed = path_hash(b->items.v[i].photo);
    if (!rc)
        rc = batch_plan_outputs(b, 1);
    if (!rc)
        rc = batch_collect_inputs(b);
    if (!rc)
        rc = batch_plan(b);
    return rc;
}

static void batch_done(batch *b)
{
    free(b->inputs);
    items_free(&b->items);
}

static int setup(void)
{
    if (fuzz_make_root("resume"))
        return -1;
    snprintf(in_dir, sizeof in_dir, "%s/in", fuzz_root);
    snprintf(out_dir[0], sizeof out_dir[0], "%s", in_dir);
    snprintf(out_dir[1], sizeof out_dir[1], "%s/out", fuzz_root);
    char sub[400];
    int bad = mkdir(in_dir, 0755) || mkdir(out_dir[1], 0755);
    for (int o = 0; o < 2; o++) {
        snprintf(sub, sizeof sub, "%s/sub", out_dir[o]);
        bad |= mkdir(sub, 0755) != 0;
    }
    /* The photos and masks (never decoded: a plan reads no pixels). */
    bad |= put(in_dir, "a.jpg", "photo a", 7, FIXED) || put(in_dir, "a.mask.png", "mask a", 6, FIXED) ||
           put(in_dir, "sub/b.jpg", "photo b", 7, FIXED) || put(in_dir, "sub/b_mask.png", "mask b", 6, FIXED) ||
           put(in_dir, "c.jpg", "photo c, no mask", 16, FIXED);
    /* The earlier outputs, in either output folder. */
    for (int o = 0; o < 2; o++)
        for (int k = 0; k < 4; k++) {
            char path[1024];
            struct stat sb = {0};
            snprintf(path, sizeof path, "%s/%s", out_dir[o], OUTPUTS[k]);
            bad |= put(out_dir[o], OUTPUTS[k], OUTPUTS[k], strlen(OUTPUTS[k]), FIXED + k) || stat(path, &sb);
            snprintf(ident[o][k], sizeof ident[o][k], "%llu,%llu,%lld,%lld,%ld", (unsigned long long)sb.st_dev,
                     (unsigned long long)sb.st_ino, (long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
                     (long)sb.st_mtim.tv_nsec);
        }
    /* The hashes as this run keys each photo (no report yet: all pending). */
    for (int m = 0; m < 2 && !bad; m++) {
        batch b;
        batch_init(&b, m ? F_MASKS_AUTO | F_OUT_APART : F_OUT_APART);
        plan(&b, m ? F_MASKS_AUTO | F_OUT_APART : F_OUT_APART);
        for (size_t i = 0; i < b.items.n; i++)
            for (int k = 0; k < 3; k++)
                if (!strcmp(b.items.v[i].photo, PHOTOS[k]))
                    hashes[m][k] = b.items.v[i].hash;
        batch_done(&b);
    }
    return bad ? -1 : 0;
}

/* The section with the placeholders filled in. */
static void expand(sbuf *out, const uint8_t *s, size_t n, int flags)
{
    const int apart = !!(flags & F_OUT_APART), m = !!(flags & F_MASKS_AUTO);
    size_t from = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '@')
            continue;
        const char c = (char)s[i + 1], d = i + 2 < n ? (char)s[i + 2] : 0;
        char hex[24];
        const char *rep = NULL;
        size_t used = 2;
        if (c == 'O' || c == 'N') {
            rep = c == 'O' ? out_dir[apart] : in_dir;
        } else if (c == 'I' && d >= '0' && d <= '3') {
            rep = ident[apart][d - '0'];
            used = 3;
        } else if (c == 'H' && d >= '0' && d <= '2') {
            snprintf(hex, sizeof hex, "%016llx", hashes[m][d - '0']);
            rep = hex;
            used = 3;
        }
        if (!rep)
            continue;
        sb_add(out, (const char *)s + from, i - from);
        sb_puts(out, rep);
        from = i + used;
        i += used - 1;
    }
    sb_add(out, (const char *)s + from, n - from);
}

static int fuzz_one(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0) {
        cli_capture(discard, NULL); /* the readers say what they refuse: not here */
        ready = setup() == 0;
    }
    if (!ready || !size)
        return 0;
    const int flags = data[0];
    const int apart = !!(flags & F_OUT_APART);
    data++;
    size--;
    /* The sections, each ended by a line "====" (the last one by the end). */
    for (int k = 0; k < 5; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", out_dir[apart], REPORTS[k]);
        unlink(path);
        snprintf(path, sizeof path, "%s/%s", out_dir[!apart], REPORTS[k]);
        unlink(path);
        if (!size && k)
            continue;
        const uint8_t *end = NULL;
        size_t n = size;
        if (size >= 5 && !memcmp(data, "====\n", 5))
            end = data;
        else
            for (const uint8_t *p = data; p && (p = memchr(p, '\n', (size_t)(data + size - p))); p++)
                if ((size_t)(data + size - p) >= 6 && !memcmp(p, "\n====\n", 6)) {
                    end = p + 1;
                    break;
                }
        if (end)
            n = (size_t)(end - data);
        sbuf text = {0};
        expand(&text, data, n, flags);
        /* report.csv the newest: --resume reads the newest report first */
        if (!text.oom)
            put(out_dir[apart], REPORTS[k], text.s ? text.s : "", text.len, FIXED + (k == 4 ? 100 : 200));
        sb_free(&text);
        data += end ? n + 5 : n;
        size -= end ? n + 5 : n;
    }
    batch b;
    batch_init(&b, flags);
    if (plan(&b, flags) == 0 && (flags & F_SETTLE)) {
        /* The run's end: the pending photos done (or cancelled), then the
         * journal keeps what the report does not list. */
        for (size_t i = 0; i < b.items.n; i++) {
            item *it = &b.items.v[i];
            if (it->status != ITEM_PENDING)
                continue;
            it->status = flags & F_DONE_OK ? ITEM_OK : ITEM_CANCELLED;
            for (int k = 0; k < ITEM_OUTPUTS && (flags & F_DONE_OK); k++)
                it->written[k] = it->outputs[k] ? strdup(it->outputs[k]) : NULL;
        }
        batch_journal_settle(&b);
    }
#ifndef SMP_LIBFUZZER
    if (getenv("SMP_FUZZ_SHOW")) /* what the plan made of the files, to check a seed */
        for (size_t i = 0; i < b.items.n; i++)
            printf("%s: %s, replace %x, %zu older, %s\n", b.items.v[i].photo, batch_status_name(b.items.v[i].status),
                   b.items.v[i].may_replace, b.items.v[i].n_older, item_error(&b.items.v[i]));
#endif
    batch_done(&b);
    return 0;
}
