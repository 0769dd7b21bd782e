/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: an earlier run's outputs, known by its report (batch.h).
 * A name says nothing (a client's own smith.after.jpg is a photo); a report
 * that lists the file among the outputs it wrote, and not among its photos,
 * does. The report records each output as OUTPUT/<path>, OUTPUT as that
 * run was given it (relative to a working folder we do not know), and each
 * photo relative to its input folder; report.json records that folder as
 * given. The report sits in OUTPUT, which anchors both. */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"
#include "textout.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

typedef struct report {
    char *name;    /* for messages: from the input folder, or absolute above it */
    char *dir;     /* its folder, absolute */
    char *input;   /* that run's input folder, absolute; NULL when it cannot be told */
    strv outs;     /* the outputs it wrote, relative to dir, sorted */
    strv photos;   /* its photos, relative to input, sorted */
    strv carried;  /* its rows skipped as an earlier run's outputs, relative to input, sorted */
} report;

struct earlier {
    report *v;
    size_t n, cap;
};

static int push(strv *s, char *str)
{
    if (!str)
        return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            free(str);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = str;
    return 0;
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void strv_sort(strv *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

static int strv_has(const strv *s, const char *key)
{
    return s->n && bsearch(&key, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

char *path_normalize(const char *path, int *ups)
{
    size_t len = strlen(path);
    char *out = malloc(len + 2);
    if (!out)
        return NULL;
    const int abs = path[0] == '/';
    size_t w = 0;
    *ups = 0;
    if (abs)
        out[w++] = '/';
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (!n)
            break;
        if (n == 1 && p[0] == '.') {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (w > (size_t)abs) { /* drop the last part */
                while (w > (size_t)abs && out[w - 1] != '/')
                    w--;
                if (w > (size_t)abs)
                    w--;
            } else if (!abs) {
                (*ups)++;
            }
        } else {
            if (w > (size_t)abs)
                out[w++] = '/';
            memcpy(out + w, p, n);
            w += n;
        }
        p += n;
    }
    out[w] = 0;
    return out;
}

/* abs with its last k parts taken off, or NULL when it has fewer. */
static char *ancestor(const char *abs, int k)
{
    char *s = strdup(abs);
    for (int i = 0; s && i < k; i++) {
        char *slash = strrchr(s, '/');
        if (!slash || !slash[1]) {
            free(s);
            return NULL;
        }
        *(slash == s ? slash + 1 : slash) = 0;
    }
    return s;
}

/* abs + "/" + rel (rel normalized, may be empty). */
static char *below(const char *abs, const char *rel)
{
    sbuf b = {0};
    sb_printf(&b, "%s%s%s", abs, *rel && strcmp(abs, "/") ? "/" : "", rel);
    if (b.oom)
        sb_free(&b);
    return b.s;
}

/* Whether given, a folder as an earlier run was given it, can be dir (an
 * absolute path; sb its stat): 2 when it is that folder from here (same
 * file), 1 when its parts are dir's last ones (given from a working folder
 * we do not know: "out", "../clients/out", "."), else 0. */
static int may_name(const char *given, const char *dir, const struct stat *sb)
{
    struct stat gs;
    if (stat(given, &gs) == 0 && gs.st_dev == sb->st_dev && gs.st_ino == sb->st_ino)
        return 2;
    int ups;
    char *n = path_normalize(given, &ups);
    int yes = 0;
    if (n && given[0] == '/') {
        yes = !strcmp(n, dir);
    } else if (n) {
        size_t ln = strlen(n), ld = strlen(dir);
        yes = !ln || (ld > ln && dir[ld - ln - 1] == '/' && !strcmp(dir + ld - ln, n));
    }
    free(n);
    return yes;
}

/* Four hex digits at s into *u; 0 when they are not there. */
static int hex4(const char *s, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++) {
        const char *d = s[i] ? strchr("0123456789abcdef", s[i] | 0x20) : NULL;
        if (!d)
            return 0;
        *u = *u * 16 + (unsigned)(d - "0123456789abcdef");
    }
    return 1;
}

/* report.json's "input" (the folder as that run was given it), or NULL. */
static char *json_input(const char *json_path)
{
    FILE *f = cli_fopen_regular(json_path, "r");
    if (!f)
        return NULL;
    char *line = NULL, *out = NULL;
    size_t cap = 0;
    static const char head[] = "{\"schema\": \"smpsim-batch/1\", \"input\": \"";
    if (batch_getline(f, &line, &cap, BATCH_LINE_MAX) > 0 && !strncmp(line, head, sizeof head - 1) &&
        (out = malloc(strlen(line)))) {
        const char *p = line + sizeof head - 1;
        size_t w = 0;
        for (; *p && *p != '"'; p++) { /* sb_json's escapes: \" \\ and \u00XX for controls */
            unsigned u = 0;
            if (*p != '\\') {
                out[w++] = *p;
            } else if (p[1] == '"' || p[1] == '\\') {
                out[w++] = *++p;
            } else if (p[1] == 'u' && hex4(p + 2, &u) && u && u < 0x80) {
                out[w++] = (char)u;
                p += 5;
            } else {
                break; /* not ours */
            }
        }
        out[w] = 0;
        /* Bytes that were not UTF-8 became U+FFFD: the name is lost. */
        if (*p != '"' || strstr(out, "\xEF\xBF\xBD")) {
            free(out);
            out = NULL;
        }
    }
    free(line);
    fclose(f);
    return out;
}

/* That run's input folder, absolute, from the folder as given (G) and its
 * output folder as given (P, which is dir): both relative to one working
 * folder, so G follows from where P leads. NULL when it cannot be told. */
static char *input_folder(const char *G, const char *P, int p_here, const char *dir)
{
    int ups, pups;
    if (G[0] == '/')
        return path_normalize(G, &ups);
    if (!P || P[0] == '/')
        return NULL; /* the working folder is unknown */
    char real[PATH_MAX];
    if (p_here == 2 && realpath(G, real)) /* P is dir from here: so is the working folder */
        return strdup(real);
    char *g = path_normalize(G, &ups), *p = path_normalize(P, &pups), *out = NULL;
    if (g && p && ups >= pups) {
        int parts = 0; /* dir is cwd/<pups ..>/p: take p's parts off, then G's ".." beyond those */
        for (const char *c = p; *c; c++)
            parts += *c == '/';
        parts += *p != 0;
        char *base = ancestor(dir, parts + ups - pups);
        out = base ? below(base, g) : NULL;
        free(base);
    }
    free(g);
    free(p);
    return out;
}

enum { F_PHOTO, F_MASK, F_STATUS, F_ERROR, F_OUTPUTS, MIN_FIELDS = 12, MAX_FIELDS = 16 };

static const char REPORT_HEAD[] = "photo,mask,status,error,outputs,";

/* The outputs column's entries (OUTPUT/path;OUTPUT/path...) under the output
 * folder as given (P), relative to it, into r->outs. */
static int split_outputs(report *r, const char *cell, const char *P)
{
    const size_t lp = strlen(P);
    sbuf sep = {0};
    sb_printf(&sep, ";%s/", P); /* a path may hold ';': split only where the next output starts */
    if (sep.oom)
        return -1;
    for (const char *s = cell + lp + 1; s;) {
        const char *next = strstr(s, sep.s);
        size_t n = next ? (size_t)(next - s) : strlen(s);
        for (; n && *s == '/'; n--)
            s++; /* -o out/ wrote out//NAME */
        char *one = strndup(s, n);
        int ups = 0;
        char *rel = one ? path_normalize(one, &ups) : NULL;
        free(one);
        int rc = 0;
        if (rel && (ups || !*rel))
            free(rel); /* not below the folder: not one we can place */
        else
            rc = push(&r->outs, rel);
        if (rc) {
            sb_free(&sep);
            return -1;
        }
        s = next ? next + sep.len : NULL;
    }
    sb_free(&sep);
    return 0;
}

/* The output folder as that run was given it: the prefix every entry of
 * every outputs cell shares that names dir best (*how: may_name's answer).
 * Only prefixes shorter than PATH_MAX: that run wrote into the folder, so
 * the system took its name. (Each prefix tried costs its length: every
 * '/' of a long cell made a hostile report of 1 MB take hours.) */
static char *output_folder(const strv *cells, const char *dir, const struct stat *sb, int *how)
{
    char *best = NULL;
    *how = 0;
    const char *first = cells->v[0];
    size_t common = strlen(first); /* the first cell's prefix that every cell shares */
    for (size_t i = 1; i < cells->n && common; i++) {
        size_t k = 0;
        while (k < common && cells->v[i][k] == first[k])
            k++;
        common = k;
    }
    for (const char *slash = strchr(first + 1, '/'); slash && slash - first < PATH_MAX; slash = strchr(slash + 1, '/')) {
        size_t k = (size_t)(slash - first);
        if (k >= common)
            break; /* not every cell has P and then '/' */
        char *P = strndup(first, k);
        int m = P ? may_name(P, dir, sb) : 0;
        if (m && m >= *how) { /* the longest of the best: out/out before out */
            free(best);
            best = P;
            *how = m;
        } else {
            free(P);
        }
    }
    return best;
}

/* Reads one report into r; 0, or -1 when it is not one (or memory ran out). */
static int load(report *r, const char *csv_path, const char *dir, const struct stat *sb)
{
    FILE *f = cli_fopen_regular(csv_path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    strv cells = {0};
    long len, lineno = 1, lines = 0, taken = 1;
    int rc = batch_getline(f, &line, &cap, BATCH_LINE_MAX) > 0 && !strncmp(line, REPORT_HEAD, sizeof REPORT_HEAD - 1) ? 0 : -1;
    while (!rc && !cli_interrupted() && (len = batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines)) != -1) {
        lineno = taken + 1; /* where the record starts */
        taken += lines;
        if (len < 0) { /* not one we wrote: said, so that its outputs are not read as photos unnoticed */
            cli_error(csv_path, "line %ld: %s; not read as an earlier run's report", lineno,
                      len == -2 ? "longer than 1 MB" : "out of memory");
            rc = -1;
            break;
        }
        char *fields[MAX_FIELDS];
        int n = split_csv(line, fields, MAX_FIELDS);
        if (n < MIN_FIELDS)
            continue;
        for (int k = 0; k < F_OUTPUTS + 1; k++)
            csv_unneuter(fields[k]);
        const int skipped = !strcmp(fields[F_STATUS], "skipped");
        const int carried = skipped && !strncmp(fields[F_ERROR], EARLIER_OUTPUT, sizeof EARLIER_OUTPUT - 1);
        /* A file that run was to write for another photo was neither its photo nor (yet) its output. */
        const int run_output = skipped && !strncmp(fields[F_ERROR], RUN_OUTPUT, sizeof RUN_OUTPUT - 1);
        if (*fields[F_PHOTO] && !run_output)
            rc = push(carried ? &r->carried : &r->photos, strdup(fields[F_PHOTO]));
        if (!rc && *fields[F_OUTPUTS])
            rc = push(&cells, strdup(fields[F_OUTPUTS]));
        if (!rc && n > REPORT_F_OLDER && *fields[REPORT_F_OLDER]) { /* an earlier run's, carried: outputs too */
            csv_unneuter(fields[REPORT_F_OLDER]);
            rc = push(&cells, strdup(fields[REPORT_F_OLDER]));
        }
    }
    free(line);
    fclose(f);
    int how = 0;
    char *P = !rc && cells.n ? output_folder(&cells, dir, sb, &how) : NULL;
    for (size_t i = 0; P && !rc && i < cells.n; i++)
        rc = split_outputs(r, cells.v[i], P);
    strv_free(&cells);
    if (!rc && (r->outs.n || r->carried.n)) { /* the input folder: only photos and carried rows need it */
        size_t len = strlen(csv_path);
        sbuf json = {0};
        sb_printf(&json, "%.*s.json", (int)(len - 4), csv_path);
        char *G = json.oom ? NULL : json_input(json.s);
        sb_free(&json);
        if (G)
            r->input = input_folder(G, P, how, dir);
        free(G);
    }
    free(P);
    strv_sort(&r->outs);
    strv_sort(&r->photos);
    strv_sort(&r->carried);
    return rc;
}

static void report_free(report *r)
{
    free(r->name);
    free(r->dir);
    free(r->input);
    strv_free(&r->outs);
    strv_free(&r->photos);
    strv_free(&r->carried);
}

/* report.csv, or a shard's report.shard-K-of-N.csv (not the kept report.1.csv:
 * that run's outputs are the newer one's, or gone). */
int batch_is_report_name(const char *name)
{
    int k, n, end = 0;
    return !strcmp(name, "report.csv") ||
           (sscanf(name, "report.shard-%d-of-%d.csv%n", &k, &n, &end) == 2 && end && !name[end]);
}

int batch_is_journal_name(const char *name)
{
    size_t n = strlen(name);
    char report[NAME_MAX + 1];
    if (n <= 8 || n - 8 + 4 >= sizeof report || strcmp(name + n - 8, ".journal"))
        return 0;
    snprintf(report, sizeof report, "%.*s.csv", (int)(n - 8), name);
    return batch_is_report_name(report);
}

int batch_journal_same(char *const *f, const char *path)
{
    struct stat sb;
    char *end;
    unsigned long long v[5];
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    for (int k = 0; k < 5; k++) {
        v[k] = strtoull(f[k], &end, 10);
        if (end == f[k] || *end)
            return 0;
    }
    return v[0] == (unsigned long long)sb.st_dev && v[1] == (unsigned long long)sb.st_ino &&
           v[2] == (unsigned long long)sb.st_size && v[3] == (unsigned long long)sb.st_mtim.tv_sec &&
           v[4] == (unsigned long long)sb.st_mtim.tv_nsec;
}

/* A journal (batch_run.h) of a run killed before its report, read as a
 * report listing the outputs it published: each one still the very file
 * journaled (path relative to dir, the journal's folder). That run read
 * none of them as a photo (an output never replaces an input). 0, or -1
 * when memory ran out. */
static int load_journal(report *r, const char *path, const char *dir)
{
    FILE *f = cli_fopen_regular(path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    long lines;
    int rc = 0;
    while (!rc && !cli_interrupted() && batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines) >= 0) {
        char *fields[8];
        if (split_csv(line, fields, 8) != 7 || strcmp(fields[0], "written"))
            continue; /* the head, a photo's done record (its outputs have their own), or a torn record */
        csv_unneuter(fields[6]);
        int ups = 0;
        char *rel = path_normalize(fields[6], &ups), *there = rel ? below(dir, rel) : NULL;
        if (!rel || !there)
            rc = -1;
        if (!rc && !ups && *rel && batch_journal_same(fields + 1, there)) {
            rc = push(&r->outs, rel);
            rel = NULL;
        }
        free(rel);
        free(there);
    }
    free(line);
    fclose(f);
    strv_sort(&r->outs);
    return rc;
}

size_t earlier_enter(earlier *e, const char *dir, const char *shown, char *const *names, long n)
{
    size_t added = 0;
    struct stat sb;
    for (long i = 0; e && i < n; i++) {
        const int journal = batch_is_journal_name(names[i]);
        if ((!journal && !batch_is_report_name(names[i])) || (!added && stat(dir, &sb) != 0))
            continue;
        if (e->n == e->cap) {
            size_t cap = e->cap ? 2 * e->cap : 8;
            report *v = realloc(e->v, cap * sizeof *v);
            if (!v)
                break;
            e->v = v;
            e->cap = cap;
        }
        report *r = &e->v[e->n];
        memset(r, 0, sizeof *r);
        char *path = below(dir, names[i]);
        r->name = *shown ? below(shown, names[i]) : strdup(names[i]);
        r->dir = strdup(dir);
        if (path && r->name && r->dir && !(journal ? load_journal(r, path, dir) : load(r, path, dir, &sb)) &&
            (r->outs.n || r->carried.n)) {
            e->n++;
            added++;
        } else {
            report_free(r);
        }
        free(path);
    }
    return added;
}

void earlier_leave(earlier *e, size_t added)
{
    for (; e && added; added--)
        report_free(&e->v[--e->n]);
}

earlier *earlier_open(const char *root)
{
    earlier *e = calloc(1, sizeof *e);
    /* The folders above the input: a run into /data leaves outputs in
     * /data/ann, which a later run on /data/ann must know too. */
    for (int up = 1; e; up++) {
        char *dir = ancestor(root, up);
        if (!dir)
            break;
        DIR *d = opendir(dir);
        for (struct dirent *de; d && (de = readdir(d));) {
            char *name = de->d_name;
            if (batch_is_report_name(name) || batch_is_journal_name(name))
                earlier_enter(e, dir, dir, &name, 1);
        }
        if (d)
            closedir(d);
        free(dir);
    }
    return e;
}

void earlier_close(earlier *e)
{
    if (!e)
        return;
    earlier_leave(e, e->n);
    free(e->v);
    free(e);
}

/* Whether r's rows in list (paths relative to its input) hold path: its
 * input folder and a row make path, or name the same file. Without the
 * folder, unknown: answers unknown. */
static int rows_hold(const report *r, const strv *list, const char *path, const struct stat *sb, int unknown)
{
    for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        if (!strv_has(list, s + 1))
            continue;
        if (!r->input)
            return unknown;
        size_t k = (size_t)(s - path);
        if (strlen(r->input) == k && !strncmp(r->input, path, k))
            return 1;
        char *there = below(r->input, s + 1);
        struct stat ts;
        int same = there && stat(there, &ts) == 0 && ts.st_dev == sb->st_dev && ts.st_ino == sb->st_ino;
        free(there);
        if (same)
            return 1;
    }
    return 0;
}

const char *earlier_lists(const earlier *e, const char *path)
{
    struct stat sb;
    if (!e || !e->n || stat(path, &sb) != 0)
        return NULL;
    for (size_t i = e->n; i-- > 0;) { /* the nearest report first: it names the file */
        const report *r = &e->v[i];
        size_t ld = strlen(r->dir);
        const char *rel = !strncmp(path, r->dir, ld) && path[ld] == '/' ? path + ld + 1
                          : !strcmp(r->dir, "/") && path[0] == '/' ? path + 1 : NULL;
        int listed = rel && strv_has(&r->outs, rel);
        /* A row skipped as an earlier run's output carries it on: its own
         * report may be gone (report.csv keeps the last run only). */
        listed = listed || rows_hold(r, &r->carried, path, &sb, 0);
        /* A file that run read as a photo was a client's, whatever it wrote. */
        if (listed && !rows_hold(r, &r->photos, path, &sb, 1))
            return r->name;
    }
    return NULL;
}

unsigned earlier_cell_lists(const char *cell, const char *dir, const struct stat *sb, const char *const *rels, int n)
{
    char *copy = strdup(cell);
    strv cells = {0};
    if (!copy || push(&cells, copy))
        return 0;
    int how = 0;
    unsigned yes = 0;
    char *P = output_folder(&cells, dir, sb, &how);
    report r = {0};
    if (P && !split_outputs(&r, cell, P))
        for (int k = 0; k < n; k++) {
            int ups = 0;
            char *want = rels[k] ? path_normalize(rels[k], &ups) : NULL;
            for (size_t i = 0; want && !ups && i < r.outs.n && !(yes >> k & 1); i++)
                yes |= (unsigned)!strcmp(r.outs.v[i], want) << k;
            free(want);
        }
    report_free(&r);
    free(P);
    strv_free(&cells);
    return yes;
}

char **earlier_cell_rels(const char *cell, const char *dir, const struct stat *sb, size_t *n)
{
    char *copy = strdup(cell);
    strv cells = {0};
    *n = 0;
    if (!copy || push(&cells, copy))
        return NULL;
    int how = 0;
    char *P = output_folder(&cells, dir, sb, &how);
    report r = {0};
    char **v = NULL;
    if (P && !split_outputs(&r, cell, P)) {
        v = r.outs.v;
        *n = r.outs.n;
        memset(&r.outs, 0, sizeof r.outs);
    }
    report_free(&r);
    free(P);
    strv_free(&cells);
    return v;
}
