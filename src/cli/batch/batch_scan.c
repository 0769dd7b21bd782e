/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: finding the work. Folder walks, mask pairing, manifests. */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void item_clear(item *it)
{
    free(it->photo);
    free(it->mask);
    free(it->out);
    for (int k = 0; k < it->n_opts; k++)
        free(it->opts[k].value);
    for (int k = 0; k < ITEM_OUTPUTS; k++) {
        free(it->outputs[k]);
        free(it->written[k]);
    }
    for (size_t k = 0; k < it->n_older; k++)
        free(it->older[k]);
    free(it->older);
    free(it->error);
    free(it->notes);
    memset(it, 0, sizeof *it);
}

void item_set_error(item *it, const char *fmt, ...)
{
    char text[ITEM_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char *e = strdup(text);
    if (e) {
        free(it->error);
        it->error = e;
    }
}

void item_set_notes(item *it, const char *text)
{
    free(it->notes);
    it->notes = text && *text ? strndup(text, ITEM_NOTES_MAX - 1) : NULL;
}

void item_add_note(item *it, const char *fmt, ...)
{
    const size_t len = it->notes ? strlen(it->notes) : 0;
    if (len + (len > 0) + 1 >= ITEM_NOTES_MAX)
        return;
    char line[ITEM_NOTES_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, ITEM_NOTES_MAX - len - (len > 0), fmt, ap);
    va_end(ap);
    const size_t add = strlen(line);
    char *n = realloc(it->notes, len + (len > 0) + add + 1);
    if (!n)
        return;
    if (len)
        n[len] = '\n';
    memcpy(n + len + (len > 0), line, add + 1);
    it->notes = n;
}

void items_free(item_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        item_clear(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static item *add_item(item_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        item *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    it->density_auto = -1;
    it->ppm_auto = -1;
    return it;
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 2);
    if (s)
        snprintf(s, na + nb + 2, "%s%s%s", a, na && nb && a[na - 1] != '/' ? "/" : "", b);
    return s;
}

static int is_image_name(const char *name)
{
    return smp_path_has_ext(name, ".jpg") || smp_path_has_ext(name, ".jpeg") || smp_path_has_ext(name, ".png") || smp_path_has_ext(name, ".webp") ||
           smp_path_has_ext(name, ".heic") || smp_path_has_ext(name, ".heif");
}

static int is_mask_name(const char *name)
{
    return smp_path_has_ext(name, ".mask.png") || smp_path_has_ext(name, "_mask.png") || smp_path_has_ext(name, ".mask.jpg") ||
           smp_path_has_ext(name, "_mask.jpg");
}

long batch_getline(FILE *f, char **buf, size_t *cap, size_t limit)
{
    size_t len = 0;
    int any = 0, end = 0;
    char chunk[4096];
    while (!end && fgets(chunk, sizeof chunk, f)) {
        any = 1;
        size_t n = strlen(chunk);
        end = n && chunk[n - 1] == '\n';
        if (n > limit - len) /* len <= limit: no overflow */
            return -2;
        if (len + n + 1 > *cap) {
            size_t grown = *cap ? *cap : sizeof chunk;
            while (grown < len + n + 1) /* at most twice limit + 1 */
                grown *= 2;
            char *v = realloc(*buf, grown);
            if (!v)
                return -3;
            *buf = v;
            *cap = grown;
        }
        memcpy(*buf + len, chunk, n + 1);
        len += n;
    }
    if (!any)
        return -1;
    while (len && ((*buf)[len - 1] == '\n' || (*buf)[len - 1] == '\r'))
        (*buf)[--len] = 0;
    return (long)len;
}

long batch_getrecord(FILE *f, char **buf, size_t *cap, size_t limit, long *lines)
{
    /* Where the reader is in the record: at a field's start, in an unquoted
     * field, in a quoted one, or just after a quote in a quoted one (its
     * end, or the first of a doubled quote). Only in a quoted field is a
     * newline part of the record. A '#' line (a manifest's comment) is one
     * line whatever it holds; a UTF-8 BOM at the start counts as nothing. */
    enum { START, PLAIN, QUOTED, QUOTE_IN_QUOTED } state = START;
    size_t len = 0;
    int c, comment = 0;
    *lines = 0;
    while ((c = getc(f)) != EOF) {
        if (len + 2 > *cap) {
            if (len >= limit)
                return -2; /* the rest is left unread */
            size_t grown = *cap ? 2 * *cap : 4096;
            char *v = realloc(*buf, grown);
            if (!v)
                return -3;
            *buf = v;
            *cap = grown;
        }
        if (!len)
            comment = c == '#';
        if (c == '\n') {
            ++*lines;
            if (comment || state != QUOTED)
                break;
        }
        const int bom = len < 3 && (unsigned char)c == (unsigned char)"\xEF\xBB\xBF"[len] &&
                        !memcmp(*buf, "\xEF\xBB\xBF", len);
        if (!comment && !bom) {
            if (c == ',')
                state = state == QUOTED ? QUOTED : START;
            else if (c == '"')
                state = state == START || state == QUOTE_IN_QUOTED ? QUOTED : state == QUOTED ? QUOTE_IN_QUOTED : PLAIN;
            else
                state = state == QUOTED ? QUOTED : PLAIN;
        }
        (*buf)[len++] = (char)c;
        (*buf)[len] = 0;
    }
    if (!len && c == EOF)
        return -1;
    (*buf)[len] = 0; /* a record ended by its first byte (an empty line) has stored none */
    if (c == EOF && len)
        ++*lines; /* a last line without its newline */
    if (len > limit)
        return -2;
    while (len && (*buf)[len - 1] == '\r' && state != QUOTED) /* "\r\n" ends a line too */
        (*buf)[--len] = 0;
    return (long)len;
}

uint64_t path_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33; /* fold the high bits down, so that "% N" sees them */
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static int exists_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Within root (both resolved)? A symlink leaving the input folder is not
 * followed unless asked. */
static int inside(const char *root_real, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return 0;
    size_t n = strlen(root_real);
    return !strncmp(real, root_real, n) && (real[n] == '/' || real[n] == 0);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct dev_ino {
    dev_t dev;
    ino_t ino;
} dev_ino;

typedef struct walk {
    const scan_opts *o;
    char root_real[PATH_MAX], skip_real[PATH_MAX];
    item_list *out;
    int depth;
    dev_ino *seen; /* folders walked: a link loop or a second link to one is walked once */
    size_t n_seen, cap_seen;
    earlier *earlier; /* the reports of earlier runs in the folders being walked and above */
} walk;

/* Records a folder; 0 when it was walked already (or memory ran out). */
static int first_visit(walk *w, const struct stat *sb)
{
    for (size_t i = 0; i < w->n_seen; i++)
        if (w->seen[i].dev == sb->st_dev && w->seen[i].ino == sb->st_ino)
            return 0;
    if (w->n_seen == w->cap_seen) {
        size_t cap = w->cap_seen ? w->cap_seen * 2 : 64;
        dev_ino *v = realloc(w->seen, cap * sizeof *v);
        if (!v)
            return 0;
        w->seen = v;
        w->cap_seen = cap;
    }
    w->seen[w->n_seen++] = (dev_ino){sb->st_dev, sb->st_ino};
    return 1;
}

/* A row that says why a path was not processed (it owns rel). */
static int note_row(walk *w, char *rel, item_status status, const char *why)
{
    item *it = add_item(w->out);
    if (!it) {
        free(rel);
        return EXIT_INPUT;
    }
    it->photo = rel;
    it->status = status;
    if (why && *why)
        item_set_error(it, "%s", why);
    return 0;
}

/* The mask for photo rel (its name without the extension is stem). */
static char *find_mask(const walk *w, const char *rel_dir, const char *stem, int *is_path)
{
    *is_path = 0;
    static const char *const suffixes[] = {".mask.png", "_mask.png", ".mask.jpg", "_mask.jpg"};
    for (int i = 0; i < 4; i++) {
        char name[NAME_MAX + 16];
        snprintf(name, sizeof name, "%s%s", stem, suffixes[i]);
        char *rel = join(rel_dir, name), *full = rel ? join(w->o->input, rel) : NULL;
        int ok = full && exists_file(full);
        free(full);
        if (ok)
            return rel;
        free(rel);
    }
    if (w->o->masks) { /* --masks DIR: DIR/<relative dir>/NAME.png, a path from the input's view */
        char name[NAME_MAX + 8];
        snprintf(name, sizeof name, "%s.png", stem);
        char *sub = join(rel_dir, name), *full = sub ? join(w->o->masks, sub) : NULL;
        int ok = full && exists_file(full);
        free(sub);
        if (ok) {
            *is_path = 1;
            return full; /* absolute or relative to the working folder, as given */
        }
        free(full);
    }
    return NULL;
}

/* Reads and sorts the names of a folder (hidden ones left out: they are
 * our temporaries and dotfiles); -1 if it cannot be read. */
static long list_dir(const char *dir_path, char ***out)
{
    DIR *d = opendir(dir_path);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names); /* the same order on every machine */
    *out = names;
    return (long)n;
}

static int walk_dir(walk *w, const char *rel_dir);

/* A row for rel when an earlier run's report lists it as an output: that
 * run wrote it, so it is no client's photo (a name like NAME.after.jpg says
 * nothing: a client's own is a photo). 0 with the row (it takes rel), -1
 * when no report lists it, else an exit code. */
static int earlier_row(walk *w, char *rel)
{
    char *abs = join(w->root_real, rel);
    const char *by = abs ? earlier_lists(w->earlier, abs) : NULL;
    free(abs);
    if (!by)
        return -1;
    char why[1024];
    snprintf(why, sizeof why, "%s (%s lists it): not read as a photo; rename it, or name it in a --manifest, to "
             "process it", EARLIER_OUTPUT, by);
    int rc = note_row(w, rel, ITEM_SKIPPED, why);
    if (!rc)
        w->out->v[w->out->n - 1].earlier_output = 1; /* not an input: this run may write it again */
    return rc;
}

/* One entry of a folder: a folder to walk, a photo to pair, or a row saying
 * why not. Takes rel. */
static int walk_entry(walk *w, const char *rel_dir, const char *name, char *rel)
{
    char *full = join(w->o->input, rel);
    struct stat lsb, sb;
    int rc = 0;
    if (!full || lstat(full, &lsb) != 0) {
        free(rel);
        free(full);
        return 0;
    }
    int link = S_ISLNK(lsb.st_mode), img = is_image_name(name) && !is_mask_name(name);
    char real[PATH_MAX];
    int skipped = w->skip_real[0] && realpath(full, real) && !strcmp(real, w->skip_real);
    int have = stat(full, &sb) == 0;
    if (skipped || (!have && !img)) {
        free(rel);
    } else if (link && !w->o->follow_symlinks && !inside(w->root_real, full)) {
        rc = note_row(w, rel, ITEM_SKIPPED, "a link out of the input folder; --follow-symlinks follows it");
    } else if (have && S_ISDIR(sb.st_mode)) {
        if (w->depth < 64 && first_visit(w, &sb)) { /* loops and second links walked once */
            w->depth++;
            rc = walk_dir(w, rel);
            w->depth--;
        }
        free(rel);
    } else if (!img) {
        free(rel);
    } else if (!have || !S_ISREG(sb.st_mode)) {
        rc = note_row(w, rel, ITEM_SKIPPED, have ? "not a regular file (a FIFO, device or socket)" : "a broken link");
    } else if ((rc = earlier_row(w, rel)) >= 0) {
        /* an earlier run's output: its row says so (or memory ran out) */
    } else {
        rc = 0;
        item *it = add_item(w->out);
        if (!it) {
            free(rel);
            free(full);
            return EXIT_INPUT;
        }
        char stem[NAME_MAX + 1];
        snprintf(stem, sizeof stem, "%s", name);
        char *dot = strrchr(stem, '.');
        if (dot)
            *dot = 0;
        it->photo = rel;
        it->mask = find_mask(w, rel_dir, stem, &it->mask_is_path);
        if (!it->mask && w->o->masks_auto) { /* the suggestion, made when the photo is processed */
            it->mask_auto = 1;
            if (!(it->mask = strdup("auto"))) {
                free(full);
                return EXIT_INPUT;
            }
        } else if (!it->mask) {
            it->status = ITEM_SKIPPED;
            item_set_error(it, "no mask: looked for %s.mask.png and %s_mask.png%s (--masks auto "
                           "suggests one)", stem, stem, w->o->masks ? " and in --masks" : "");
        }
    }
    free(full);
    return rc;
}

static int walk_dir(walk *w, const char *rel_dir)
{
    char *dir_path = join(w->o->input, rel_dir), **names = NULL;
    long n = dir_path ? list_dir(dir_path, &names) : -1;
    if (n < 0) { /* one unreadable folder is one failed row, not the end of the batch */
        char msg[600];
        snprintf(msg, sizeof msg, "cannot read the folder: %s", strerror(errno));
        free(dir_path);
        if (!*rel_dir) {
            cli_error(w->o->input, "%s", msg);
            return EXIT_INPUT;
        }
        size_t len = strlen(rel_dir) + 2;
        char *rel = malloc(len);
        if (rel)
            snprintf(rel, len, "%s/", rel_dir);
        return rel ? note_row(w, rel, ITEM_FAILED, msg) : EXIT_INPUT;
    }
    int rc = 0;
    /* Its earlier runs' reports, for the files here and below. */
    char *dir_abs = join(w->root_real, rel_dir);
    size_t reports = dir_abs ? earlier_enter(w->earlier, dir_abs, rel_dir, names, n) : 0;
    free(dir_abs);
    for (long i = 0; i < n; i++) {
        char *rel = rc || cli_interrupted() ? NULL : join(rel_dir, names[i]); /* a signal: cmd_batch stops */
        if (rel)
            rc = walk_entry(w, rel_dir, names[i], rel);
        free(names[i]);
    }
    earlier_leave(w->earlier, reports);
    free(names);
    free(dir_path);
    return rc;
}

int scan_folder(const scan_opts *o, item_list *out)
{
    walk w = {o, "", "", out, 0, NULL, 0, 0, NULL};
    struct stat sb;
    if (stat(o->input, &sb) != 0 || !S_ISDIR(sb.st_mode) || !realpath(o->input, w.root_real)) {
        cli_error(o->input, "not a folder");
        return EXIT_INPUT;
    }
    if (o->skip && !realpath(o->skip, w.skip_real))
        w.skip_real[0] = 0;
    first_visit(&w, &sb);
    w.earlier = earlier_open(w.root_real);
    int rc = walk_dir(&w, "");
    earlier_close(w.earlier);
    free(w.seen);
    return rc;
}

/* One CSV record (RFC 4180: quotes, doubled quotes, commas and newlines
 * inside quotes: batch_getrecord reads a record whole). Returns the field count, or -1 if malformed. */
int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *w = ++p;
            fields[n++] = w;
            for (;;) {
                if (*p == 0)
                    return -1; /* unterminated quote */
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            *w = 0;
            if (*p != ',' && *p != 0)
                return -1; /* text after a closing quote */
        } else {
            fields[n++] = p;
            while (*p && *p != ',') {
                if (*p == '"')
                    return -1; /* a quote inside an unquoted field */
                p++;
            }
        }
        if (*p == 0)
            return n;
        *p++ = 0;
    }
}

int read_manifest(const char *path, const scan_opts *o, item_list *out)
{
    if (cli_is_stdio(path)) { /* "-": the manifest from standard input */
        unsigned char *data = NULL;
        size_t len = 0;
        int rc = cli_read_stdin(&data, &len);
        if (!rc && !len) {
            cli_error("standard input", "the manifest is empty");
            rc = EXIT_INPUT;
        }
        FILE *f = rc ? NULL : fmemopen(data, len, "r");
        if (!rc && !f) {
            cli_error("standard input", "cannot read the manifest: %s", strerror(errno));
            rc = EXIT_INPUT;
        }
        if (f) {
            rc = read_manifest_stream(f, "standard input", o, out);
            fclose(f);
        }
        free(data);
        return rc;
    }
    FILE *f = cli_fopen_regular(path, "r");
    if (!f) {
        cli_error(path, "cannot open: %s", errno == EINVAL ? "not a regular file" : strerror(errno));
        return EXIT_INPUT;
    }
    int rc = read_manifest_stream(f, path, o, out);
    fclose(f);
    return rc;
}

/* The columns a header may name; the positional order without a header is
 * the first five. Preview options go with their CLI_OPT_* code. */
enum { COL_PHOTO, COL_MASK, COL_OUTPUT, COL_DENSITY, COL_SEED, COL_PPM, COL_FIRST_OPT };
static const struct {
    const char *name;
    int code;
} COLUMNS[] = {{"photo", 0}, {"mask", 0}, {"output", 0}, {"density", 0}, {"seed", 0}, {"px_per_mm", 0},
               {"layout", CLI_OPT_LAYOUT}, {"split_at", CLI_OPT_SPLIT_AT}, {"max_size", CLI_OPT_MAX_SIZE},
               {"caption", CLI_OPT_CAPTION}, {"date", CLI_OPT_DATE}, {"loupe", CLI_OPT_LOUPE},
               {"loupe_zoom", CLI_OPT_LOUPE_ZOOM}};
enum { N_COLUMNS = sizeof COLUMNS / sizeof COLUMNS[0], MAX_FIELDS = 32 };

/* A header row: col[k] is the field index of column k, or -1. */
static int parse_header(char **fields, int n, int col[N_COLUMNS], int masks_auto, const char *path, int lineno)
{
    for (int k = 0; k < N_COLUMNS; k++)
        col[k] = -1;
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (char *c = fields[i]; *c; c++)
            *c = *c == '-' ? '_' : *c; /* px-per-mm and px_per_mm alike */
        while (k < N_COLUMNS && strcmp(fields[i], COLUMNS[k].name) != 0)
            k++;
        if (k == N_COLUMNS || col[k] >= 0) {
            cli_error(path, "line %d: %s column '%s' (photo, mask, output, density, seed, px_per_mm, layout, "
                      "split_at, max_size, caption, date, loupe, loupe_zoom)", lineno,
                      k == N_COLUMNS ? "unknown" : "a second", fields[i]);
            return EXIT_INPUT;
        }
        col[k] = i;
    }
    if (col[COL_PHOTO] < 0 || (col[COL_MASK] < 0 && !masks_auto)) {
        cli_error(path, "line %d: the header needs photo and mask columns (or --masks auto)", lineno);
        return EXIT_INPUT;
    }
    return 0;
}

static const char *cell(char **fields, int n, const int col[N_COLUMNS], int k)
{
    return col[k] >= 0 && col[k] < n && *fields[col[k]] ? fields[col[k]] : NULL;
}

/* The first message cli_error gives while a row's value is checked. */
typedef struct row_why {
    char text[512];
} row_why;

static void keep_why(void *ctx, const char *subject, const char *message)
{
    row_why *w = ctx;
    if (!w->text[0])
        snprintf(w->text, sizeof w->text, "%s%s%s", subject ? subject : "", subject ? ": " : "", message);
}

/* The numbers and options of a row, each checked as the option would be;
 * 1, or 0 with the bad column's index in *bad and why. */
static int row_values(item *it, char **fields, int n, const int col[N_COLUMNS], smp_params *check, int *bad,
                      row_why *why)
{
    const char *v;
    char *end;
    if ((v = cell(fields, n, col, *bad = COL_DENSITY))) {
        if (!strcmp(v, "auto"))
            it->density_auto = 1;
        else if (!((it->density = strtod(v, &end)) >= 1 && it->density <= 400) || *end)
            return snprintf(why->text, sizeof why->text, "not 1..400 or auto"), 0;
        else
            it->density_auto = 0;
    }
    if ((v = cell(fields, n, col, *bad = COL_SEED))) {
        errno = 0;
        it->seed = strtoull(v, &end, 10);
        if (*end || v[0] == '-' || errno)
            return snprintf(why->text, sizeof why->text, "not a whole number"), 0;
        it->has_seed = 1;
    }
    if ((v = cell(fields, n, col, *bad = COL_PPM)) && !strcmp(v, "auto")) {
        it->ppm_auto = 1; /* estimated from the head's breadth, as --px-per-mm auto */
    } else if (v) {
        it->ppm_auto = 0;
        it->px_per_mm = strtod(v, &end);
        if (*end || end == v)
            return snprintf(why->text, sizeof why->text, "not a number (pixels per mm)"), 0;
        if (smp_params_set_px_per_mm(check, it->px_per_mm) != SMP_OK)
            return snprintf(why->text, sizeof why->text, "%s", smp_params_message(check)), 0;
    }
    for (int k = COL_FIRST_OPT; k < N_COLUMNS; k++) {
        if (!(v = cell(fields, n, col, *bad = k)))
            continue;
        cli_capture(keep_why, why); /* the option's own message, on the row's line */
        int ok = cli_preview_option(COLUMNS[k].code, v, check);
        cli_capture(NULL, NULL);
        if (!ok)
            return 0;
        it->opts[it->n_opts].code = COLUMNS[k].code;
        if (!(it->opts[it->n_opts++].value = strdup(v)))
            return snprintf(why->text, sizeof why->text, "out of memory"), 0;
    }
    return 1;
}

/* One data row into the list. */
static int read_row(item_list *out, char **fields, int n, const int col[N_COLUMNS], int headed, int masks_auto,
                    smp_params *check, const char *path, int lineno)
{
    int max = headed ? n : 5;
    const char *photo = cell(fields, n, col, COL_PHOTO), *mask = cell(fields, n, col, COL_MASK);
    if (!mask && masks_auto)
        mask = "auto"; /* no mask given: the suggestion */
    if (photo && !mask && (headed || n <= max)) {
        cli_error(path, "line %d: %s mask for %s; name one, write auto for the suggested mask, or add --masks auto",
                  lineno, n < 2 ? "no" : "an empty", photo);
        return EXIT_INPUT;
    }
    if (n < (masks_auto ? 1 : 2) || (headed ? 0 : n > max) || !photo || !mask) {
        cli_error(path, "line %d: %d fields; a row is photo,mask[,output][,density][,seed] (mask may be auto)",
                  lineno, n);
        return EXIT_INPUT;
    }
    const int suggest = !strcmp(mask, "auto");
    const char *output = cell(fields, n, col, COL_OUTPUT);
    /* Each path as the folder's walk spells it ("./a.jpg" and "sub/../a.jpg" are a.jpg): the
     * photo's seed and shard come from it, so one photo gets one seed however a row names it. */
    const char *given[3] = {photo, suggest ? NULL : mask, output};
    char *norm[3] = {NULL, NULL, NULL};
    int bad = 0;
    for (int k = 0; k < 3; k++) {
        int ups = 0;
        if (!given[k])
            continue;
        if (!(norm[k] = path_normalize(given[k], &ups)))
            bad = -1;
        else if (given[k][0] == '/' || ups || !norm[k][0])
            bad = bad ? bad : 1;
    }
    if (bad) {
        if (bad > 0)
            cli_error(path, "line %d: paths must be relative and stay inside their folders (no '..' above them)",
                      lineno);
        for (int k = 0; k < 3; k++)
            free(norm[k]);
        return EXIT_INPUT;
    }
    item *it = add_item(out);
    if (!it) {
        for (int k = 0; k < 3; k++)
            free(norm[k]);
        return EXIT_INPUT;
    }
    it->photo = norm[0];
    it->mask = suggest ? strdup(mask) : norm[1];
    it->mask_auto = suggest;
    it->out = norm[2];
    if (!it->photo || !it->mask)
        return EXIT_INPUT;
    row_why why = {""};
    if (!row_values(it, fields, n, col, check, &bad, &why)) {
        cli_error(path, "line %d: %s '%s': %s", lineno, COLUMNS[bad].name, cell(fields, n, col, bad), why.text);
        return EXIT_INPUT;
    }
    return 0;
}

/* A header names a photo column; a photo is never called just "photo". */
static int names_photo(char **fields, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(fields[i], "photo"))
            return 1;
    return 0;
}

int read_manifest_stream(FILE *f, const char *path, const scan_opts *o, item_list *out)
{
    char *line = NULL;
    size_t cap = 0;
    long len;
    int lineno = 0, rc = 0, headed = 0, seen_row = 0, col[N_COLUMNS];
    for (int k = 0; k < N_COLUMNS; k++)
        col[k] = k < 5 ? k : -1; /* positional, unless a header */
    smp_params *check = smp_params_new(); /* row values are checked on this */
    if (!check)
        return EXIT_INPUT;
    long lines = 0, taken = 0;
    while (!rc && !cli_interrupted() && (len = batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines)) != -1) {
        lineno = (int)taken + 1; /* a row's messages name the line it starts on */
        taken += lines;
        if (len < 0) {
            if (len == -2)
                cli_error(path, "line %d: longer than %d bytes", lineno, BATCH_LINE_MAX);
            else
                cli_error(path, "line %d: out of memory", lineno);
            rc = EXIT_INPUT;
            break;
        }
        char *text = line;
        if (lineno == 1 && !strncmp(text, "\xEF\xBB\xBF", 3)) /* "CSV UTF-8" from a spreadsheet */
            text += 3;
        if (!*text || text[0] == '#')
            continue;
        char *fields[MAX_FIELDS];
        int n = split_csv(text, fields, MAX_FIELDS);
        if (n < 0) {
            cli_error(path, "line %d: malformed CSV (quotes)", lineno);
            rc = EXIT_INPUT;
        } else if (!seen_row++ && names_photo(fields, n)) {
            headed = 1; /* a header names the columns, in any order */
            rc = parse_header(fields, n, col, o && o->masks_auto, path, lineno);
        } else {
            rc = read_row(out, fields, n, col, headed, o && o->masks_auto, check, path, lineno);
        }
    }
    free(line);
    smp_params_free(check);
    return rc;
}
