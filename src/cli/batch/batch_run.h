/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: the run's state, shared by cmd_batch.c (options, workers),
 * batch_plan.c (outputs, collisions, resume, lock), batch_journal.c and
 * batch_report.c. */
#ifndef SMP_BATCH_RUN_H
#define SMP_BATCH_RUN_H

#include "batch.h"
#include "masks.h"
#include "textout.h"

#include <limits.h>
#include <pthread.h>
#include <sys/types.h>

enum { WHAT_RENDER = 1, WHAT_PREVIEW = 2 };

enum { INPUT_PHOTO, INPUT_MASK, INPUT_UNLISTED };
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int kind; /* INPUT_*, for the message; UNLISTED: a file the run would write that no report lists */
} file_id;

typedef struct batch {
    const char *input, *output, *format;
    char report[64];           /* "report" or "report.shard-K-of-N" */
    int what, jobs, threads_per_job, resume, force, jsonl, metrics, tty, verbose;
    cli_mask_opts mask;        /* --px-per-mm auto, --mask-paint: each photo's mask as render makes it */
    char input_real[PATH_MAX]; /* the input folder resolved (or as given): --resume's key */
    uint64_t args_hash;        /* the options that shape the outputs, as parsed (options_key) */
    uint64_t args_hash_argv;   /* as reports before that hashed them: the arguments as typed */
    uint64_t args_hash_legacy; /* the same as reports before the resolved key hashed them (--manifest too) */
    const smp_params *params;
    item_list items;
    file_id *inputs;           /* every input of the folder, of every shard, sorted: never written */
    size_t n_inputs;
    int lock_fd;
    int journal_fd;            /* OUTPUT/<report>.journal, opened at the first write; -1 before */
    pthread_mutex_t lock;
    size_t next, done, failed, total_work;
    double started;
    /* A signal's prompt end (cmd_batch.c): workers alive, workers writing
     * outputs, and closing (set once: no more writes, no more results
     * taken; the report is made from what was handed back). abandoned:
     * workers still in a photo when the report was written. */
    pthread_cond_t changed;
    int running, writing, closing, abandoned;
} batch;

/* Before the shard is taken, for the photos of every shard: each one's
 * output paths; with scanned, a file found that the run writes as a
 * photo's output is no photo (a RUN_OUTPUT row: another shard may be
 * writing it right now); two photos that would write one file fail. 0 or
 * an exit code. */
int batch_plan_outputs(batch *b, int scanned);
/* Every photo found (processed or skipped, of any shard; not an earlier
 * run's output), every file found that the run writes and no report lists,
 * and every mask: the files no output may replace. Before the shard is
 * taken. 0 or an exit code. */
int batch_collect_inputs(batch *b);
/* This shard's hashes, outputs that are inputs, and (with --resume) which
 * photos the earlier report shows done with the same hash, and which
 * outputs its successful rows wrote. 0 or an exit code. */
int batch_plan(batch *b);
/* The input that path is (itself, or a link to it), or NULL. */
const file_id *batch_input_at(const batch *b, const char *path);
/* The output folder's lock and its earlier run: 0, or an exit code after
 * saying why. batch_unlock removes the lock. */
int batch_lock(batch *b);
void batch_unlock(batch *b);
/* Removes our temporaries (.smpsim-tmp-*) over an hour old under the output. */
void batch_clean_stale(const batch *b);

/* An output of the run by its path below the output folder (normalised),
 * and the photo by its path as batch_canon spells it; their qsort and
 * bsearch orders. */
typedef struct out_ref {
    char *rel; /* normalised, below the output folder */
    size_t i;  /* the item */
    int k;
} out_ref;
typedef struct by_photo {
    char *key; /* the photo's path, canonical */
    item *it;
} by_photo;
int batch_cmp_out_ref(const void *a, const void *b);
int batch_cmp_by_photo(const void *a, const void *b);
/* The canonical form of a path for comparing (no "./", no "//"), in place. */
void batch_canon(char *s);
/* Each output (of every item, or of those whose row is ok or up to date
 * when written_only) below the output folder, normalised and sorted; NULL
 * when memory ran out. Free with batch_refs_free. */
out_ref *batch_output_refs(const batch *b, int written_only, size_t *m);
void batch_refs_free(out_ref *refs, size_t m);

/* The journal: before an output (written whole under a temporary name) is
 * published under its own, the run appends its file's identity (device,
 * inode, size, mtime) and its path below the output folder to
 * OUTPUT/<report>.journal ("written" records); once every output of a photo
 * is published, a "done" record: the photo, its hash (item_hash: options,
 * seed, inputs), its notes, and each output's path and identity. A run
 * killed before its report (SIGKILL, a crash, power) leaves outputs no
 * report lists: --resume knows them by the journal as this run's, and
 * replaces them, while a file there that is not the one journaled (a
 * stranger's, or ours replaced) stays refused; a photo whose done record
 * has its hash and names its outputs as they are is up to date. A scan
 * reads a journal as a report of those outputs (with -o the input folder,
 * they are never photos). */
/* Appends the record for a finished temporary (under b->lock); 0, or -1
 * with errno. */
int batch_journal_add(batch *b, const char *output, const struct stat *sb);
/* Appends a photo's done record (under b->lock; its outputs published,
 * their identities in written_id); 0, or -1 with errno. */
int batch_journal_done(batch *b, const item *it);
/* After the report is written: the journal keeps only what the report does
 * not say (a record whose file is still the one journaled and that no ok
 * or up-to-date row lists: a photo cancelled, failed or not run this time,
 * an earlier killed run's); with nothing left, it goes. */
void batch_journal_settle(batch *b);
/* Whether the folder holds a journal of this report name (an interrupted run). */
int batch_journal_exists(const batch *b);
/* --resume: what the journals of the output folder (of any shard) say:
 * outputs that are the very files a run journaled become the items' to
 * replace; photos whose done record holds (batch_journal.c) are up to date. */
void batch_journal_read(batch *b);

const char *batch_status_name(item_status s);
/* One item as a JSON object (report.json's rows and --progress jsonl). */
void batch_json_item(sbuf *out, const item *it);
/* The whole reports into csv and json. */
void batch_report_text(const char *input, const item_list *items, sbuf *csv, sbuf *json);
/* Writes them (keeping the previous ones as NAME.1.*); 0 or an exit code. */
int batch_write_reports(const batch *b);

#endif
