/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: the list of work (batch_scan.c) and its running (cmd_batch.c). */
#ifndef SMP_BATCH_H
#define SMP_BATCH_H

#include "cli.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

typedef enum item_status { ITEM_PENDING, ITEM_OK, ITEM_FAILED, ITEM_SKIPPED, ITEM_UP_TO_DATE, ITEM_CANCELLED } item_status;

/* A preview option a manifest row sets for its photo (CLI_OPT_*). */
typedef struct row_opt {
    int code;
    char *value;
} row_opt;
enum { ROW_OPTS_MAX = 8 };
/* What a photo may write: render, preview, metrics, its suggested mask. */
enum { ITEM_OUTPUTS = 4 };

/* One photo of the batch. Paths are relative to the input (photo, mask)
 * or output (out) folder; a manifest row may set a few parameters. */
typedef struct item {
    char *photo, *mask, *out;
    int mask_is_path;    /* mask came from --masks: a path as given, not under the input */
    int mask_auto;       /* no mask given: the suggested one (mask is "auto") */
    int mask_out;        /* 1 + the index in outputs of the suggested mask's file, 0: none */
    double density;      /* 0: the command line's */
    int density_auto;    /* -1: the command line's */
    double px_per_mm;    /* 0: the command line's */
    int ppm_auto;        /* px_per_mm auto: 1, a number: 0, -1: the command line's */
    row_opt opts[ROW_OPTS_MAX];
    int n_opts;
    uint64_t seed;       /* derived from the global seed and the photo's path */
    int has_seed;        /* the manifest gave it */
    item_status status;
    char *error;         /* why it failed or was skipped, heap, NULL: none (item_error) */
    char *notes;         /* the photo's warnings and notes, a line each, heap, NULL: none (item_notes) */
    char *outputs[ITEM_OUTPUTS]; /* what this photo writes (render, preview, metrics, mask), heap */
    char *written[ITEM_OUTPUTS]; /* the subset written, for the report */
    uint64_t hash;       /* parameters and inputs' size and mtime, for --resume */
    unsigned may_replace; /* --resume: bit k, the earlier report's successful row lists outputs[k] as written */
    unsigned long long written_id[ITEM_OUTPUTS][5]; /* each published output's file: dev, ino, size, mtime s, ns */
    char **older;        /* the photo's outputs of earlier runs with other options (another --format,
                            --what, --metrics), still there and not this run's: OUTPUT/path, heap */
    size_t n_older;
    int earlier_output;  /* skipped: an earlier run's report lists it as an output (not an input) */
    int run_output;      /* skipped: a file this run writes for another photo (RUN_OUTPUT), not a photo */
    double seconds;
    size_t dots;
    double density_used, de_before, de_after;
    int have_tone;
} item;

/* An item's error and notes are cut at these sizes, with the last byte
 * for the NUL. They are kept on the heap only when there are any: most
 * photos have none, and a batch can hold 100 000 items. */
enum { ITEM_ERROR_MAX = 1024, ITEM_NOTES_MAX = 2048 };
static inline const char *item_error(const item *it) { return it->error ? it->error : ""; }
static inline const char *item_notes(const item *it) { return it->notes ? it->notes : ""; }
/* The error, as printf (cut at ITEM_ERROR_MAX); out of memory leaves the
 * one before. */
void item_set_error(item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The notes replaced by text ("" or NULL: none), cut at ITEM_NOTES_MAX. */
void item_set_notes(item *it, const char *text);
/* A line added to the notes, as printf, while they stay under
 * ITEM_NOTES_MAX (the line is cut there); out of memory drops it. */
void item_add_note(item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct item_list {
    item *v;
    size_t n, cap;
} item_list;

typedef struct scan_opts {
    const char *input;       /* the input folder */
    const char *masks;       /* --masks DIR, or NULL */
    int masks_auto;          /* --masks auto: photos without a mask get the suggested one */
    const char *skip;        /* a folder not to scan (the output, if inside), or NULL */
    int follow_symlinks;
} scan_opts;

/* Walks the input folder in sorted order and pairs each photo with its
 * mask (NAME.mask.png, NAME_mask.png, or --masks DIR/NAME.png); photos
 * without one are listed as skipped with the reason, or with --masks auto
 * get the suggested mask. A file an earlier run's report lists as its output
 * is listed as skipped (EARLIER_OUTPUT ...), not read as a photo.
 * 0 on success, else an exit code after printing why. */
int scan_folder(const scan_opts *o, item_list *out);
/* cmd_batch's code for a scan or plan a signal stopped (never an exit code:
 * the process ends by the signal, 128 + it). */
enum { BATCH_STOPPED = -1 };
/* Reads a manifest CSV into the list: rows photo,mask[,output][,density][,seed],
 * or any columns in any order under a header naming them (also px_per_mm
 * and the preview options); a BOM and '#' comment lines are allowed. A mask
 * cell "auto" (or, with --masks auto, an empty one) asks for the suggested
 * mask. Malformed rows are refused with their line. */
int read_manifest(const char *path, const scan_opts *o, item_list *out);
/* The same from an open stream; path only names it in messages. */
int read_manifest_stream(FILE *f, const char *path, const scan_opts *o, item_list *out);
void items_free(item_list *l);

/* The error of a row skipped as an earlier run's output; a report's rows
 * starting with it carry the file on as an output to later runs. */
#define EARLIER_OUTPUT "an output of an earlier run"

/* The error of a row skipped because the run itself writes that file (as
 * another photo's output): not a photo, and not carried on as an output. */
#define RUN_OUTPUT "an output of this run"

/* The longest line a report or manifest may have (a row holds at most a
 * few paths of 4 KB, doubled by quoting). */
enum { BATCH_LINE_MAX = 1 << 20 };
/* One line of f into *buf (grown as needed), without its "\n" or "\r\n":
 * its length; -1 at the end of the file; -2 when longer than limit (then
 * the rest of the line is left unread); -3 when memory ran out. */
long batch_getline(FILE *f, char **buf, size_t *cap, size_t limit);
/* One CSV record of f into *buf (RFC 4180: a quoted field may hold CR and
 * LF, so a record may span lines), without the newline ending it; *lines:
 * the lines it took. A line starting with '#' is one record whatever it
 * holds. Returns as batch_getline (a record longer than limit: -2). */
long batch_getrecord(FILE *f, char **buf, size_t *cap, size_t limit, long *lines);

/* report.csv, or a shard's report.shard-K-of-N.csv (not a kept report.1.csv). */
int batch_is_report_name(const char *name);
/* A report's older_outputs column (the 14th): the photo's outputs of
 * earlier runs with other options (another --format, --what, --metrics),
 * still there. Reports before it have 13. */
enum { REPORT_F_OLDER = 13 };
/* report.journal, or a shard's report.shard-K-of-N.journal: the outputs a
 * run published before its report lists them (batch_run.h). */
int batch_is_journal_name(const char *name);
/* Whether the file at path is the one a journal record's identity fields
 * f[0..4] (device, inode, size, mtime s and ns) name. */
int batch_journal_same(char *const *f, const char *path);

/* The earlier runs' reports in the folders being walked and above the
 * input (batch_earlier.c): which files are their outputs. */
typedef struct earlier earlier;
/* With the reports of the folders above root (an absolute path); NULL when
 * memory ran out (then nothing is known). */
earlier *earlier_open(const char *root);
/* Adds the reports among a folder's names (dir: its absolute path; shown:
 * how messages name it); returns how many, for earlier_leave. */
size_t earlier_enter(earlier *e, const char *dir, const char *shown, char *const *names, long n);
void earlier_leave(earlier *e, size_t added);
/* The report (as shown) that lists path, absolute, as an output and not
 * as a photo of its run; NULL when none does. */
const char *earlier_lists(const earlier *e, const char *path);
void earlier_close(earlier *e);
/* Which of rels[0..n) (paths relative to dir; NULL: none) a report's
 * outputs cell lists (the report lying in dir, absolute; sb its stat):
 * bit k for rels[k], written by that run. The cell is read once. */
unsigned earlier_cell_lists(const char *cell, const char *dir, const struct stat *sb, const char *const *rels, int n);
/* The entries of such a cell, each relative to the output folder and
 * normalised (heap, *n of them; NULL when none or memory ran out). */
char **earlier_cell_rels(const char *cell, const char *dir, const struct stat *sb, size_t *n);

/* Splits one CSV record in place (RFC 4180; a quoted field may hold newlines);
 * the field count, or -1 if malformed. */
int split_csv(char *line, char **fields, int max);
void item_clear(item *it);

/* path without "." and empty parts, "x/.." folded (heap; NULL when memory
 * ran out); a relative path's leading ".." parts are counted in *ups, not
 * written. Absolute paths keep their "/" ("/" alone for the root). */
char *path_normalize(const char *path, int *ups);
/* 64-bit FNV-1a of a string, then mixed: stable across machines and runs. */
uint64_t path_hash(const char *s);

#endif
