/* smpsim batch: finding the work. Folder walks, mask pairing, manifests. */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void items_free(item_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].photo);
        free(l->v[i].mask);
        free(l->v[i].out);
    }
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

static int ends_with(const char *s, const char *ext)
{
    size_t n = strlen(s), e = strlen(ext);
    return n > e && strcasecmp(s + n - e, ext) == 0;
}

static int is_image_name(const char *name)
{
    return ends_with(name, ".jpg") || ends_with(name, ".jpeg") || ends_with(name, ".png") || ends_with(name, ".webp") ||
           ends_with(name, ".heic") || ends_with(name, ".heif");
}

static int is_mask_name(const char *name)
{
    return ends_with(name, ".mask.png") || ends_with(name, "_mask.png") || ends_with(name, ".mask.jpg") ||
           ends_with(name, "_mask.jpg");
}

int safe_relative(const char *rel)
{
    if (!rel || !*rel || rel[0] == '/')
        return 0;
    for (const char *p = rel; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        if (!slash)
            break;
        p = slash + 1;
    }
    return 1;
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

typedef struct walk {
    const scan_opts *o;
    char root_real[PATH_MAX], skip_real[PATH_MAX];
    item_list *out;
    int depth;
} walk;

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

static int walk_dir(walk *w, const char *rel_dir)
{
    char *dir_path = join(w->o->input, rel_dir);
    DIR *d = dir_path ? opendir(dir_path) : NULL;
    if (!d) {
        cli_error(dir_path ? dir_path : rel_dir, "cannot read the folder: %s", strerror(errno));
        free(dir_path);
        return EXIT_INPUT;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') /* hidden files and our own temporaries */
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
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char *rel = join(rel_dir, names[i]), *full = rel ? join(w->o->input, rel) : NULL;
        struct stat lsb, sb;
        if (!full || lstat(full, &lsb) != 0) {
            free(rel);
            free(full);
            continue;
        }
        int link = S_ISLNK(lsb.st_mode);
        if (link && !w->o->follow_symlinks && !inside(w->root_real, full)) {
            free(rel);
            free(full);
            continue; /* leaves the input folder */
        }
        char real[PATH_MAX];
        int skipped = w->skip_real[0] && realpath(full, real) && !strcmp(real, w->skip_real);
        if (!skipped && stat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (w->depth < 64) { /* deep enough for any real tree; stops link loops */
                w->depth++;
                rc = walk_dir(w, rel);
                w->depth--;
            }
        } else if (!skipped && S_ISREG(sb.st_mode) && is_image_name(names[i]) && !is_mask_name(names[i])) {
            item *it = add_item(w->out);
            if (!it) {
                rc = EXIT_INPUT;
            } else {
                char stem[NAME_MAX + 1];
                snprintf(stem, sizeof stem, "%s", names[i]);
                char *dot = strrchr(stem, '.');
                if (dot)
                    *dot = 0;
                it->photo = rel;
                rel = NULL;
                it->mask = find_mask(w, rel_dir, stem, &it->mask_is_path);
                if (!it->mask) {
                    it->status = ITEM_SKIPPED;
                    snprintf(it->error, sizeof it->error, "no mask: looked for %s.mask.png and %s_mask.png%s",
                             stem, stem, w->o->masks ? " and in --masks" : "");
                }
            }
        }
        free(rel);
        free(full);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dir_path);
    return rc;
}

int scan_folder(const scan_opts *o, item_list *out)
{
    walk w = {o, "", "", out, 0};
    struct stat sb;
    if (stat(o->input, &sb) != 0 || !S_ISDIR(sb.st_mode) || !realpath(o->input, w.root_real)) {
        cli_error(o->input, "not a folder");
        return EXIT_INPUT;
    }
    if (o->skip && !realpath(o->skip, w.skip_real))
        w.skip_real[0] = 0;
    return walk_dir(&w, "");
}

/* One CSV record (RFC 4180: quotes, doubled quotes, commas inside quotes;
 * no newlines inside fields). Returns the field count, or -1 if malformed. */
static int split_csv(char *line, char **fields, int max)
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
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error(path, "cannot open: %s", strerror(errno));
        return EXIT_INPUT;
    }
    int rc = read_manifest_stream(f, path, o, out);
    fclose(f);
    return rc;
}

int read_manifest_stream(FILE *f, const char *path, const scan_opts *o, item_list *out)
{
    char line[8192];
    int lineno = 0, rc = 0;
    int col_output = 2, col_density = 3, col_seed = 4, ncols = 5; /* positional, unless a header */
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            cli_error(path, "line %d: longer than %zu characters", lineno, sizeof line - 2);
            rc = EXIT_INPUT;
            break;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (!len || line[0] == '#')
            continue;
        char *fields[16];
        int n = split_csv(line, fields, 16);
        if (n < 0) {
            cli_error(path, "line %d: malformed CSV (quotes)", lineno);
            rc = EXIT_INPUT;
            break;
        }
        if (lineno == 1 && !strcmp(fields[0], "photo")) { /* a header names the columns */
            col_output = col_density = col_seed = -1;
            for (int i = 1; i < n; i++) {
                if (!strcmp(fields[i], "output"))
                    col_output = i;
                else if (!strcmp(fields[i], "density"))
                    col_density = i;
                else if (!strcmp(fields[i], "seed"))
                    col_seed = i;
                else if (strcmp(fields[i], "mask") != 0) {
                    cli_error(path, "line 1: unknown column '%s' (photo, mask, output, density, seed)", fields[i]);
                    rc = EXIT_INPUT;
                }
            }
            ncols = n;
            continue;
        }
        if (n < 2 || n > ncols) {
            cli_error(path, "line %d: %d fields; a row is photo,mask[,output][,density][,seed]", lineno, n);
            rc = EXIT_INPUT;
            break;
        }
        item *it = add_item(out);
        if (!it) {
            rc = EXIT_INPUT;
            break;
        }
        const char *output = col_output >= 0 && col_output < n && *fields[col_output] ? fields[col_output] : NULL;
        if (!safe_relative(fields[0]) || !safe_relative(fields[1]) || (output && !safe_relative(output))) {
            cli_error(path, "line %d: paths must be relative and stay inside their folders (no '..')", lineno);
            rc = EXIT_INPUT;
            break;
        }
        it->photo = strdup(fields[0]);
        it->mask = strdup(fields[1]);
        it->out = output ? strdup(output) : NULL;
        if (col_density >= 0 && col_density < n && *fields[col_density]) {
            char *end;
            if (!strcmp(fields[col_density], "auto"))
                it->density_auto = 1;
            else if ((it->density = strtod(fields[col_density], &end)) < 1 || it->density > 400 || *end) {
                cli_error(path, "line %d: density '%s' is not 1..400 or auto", lineno, fields[col_density]);
                rc = EXIT_INPUT;
                break;
            } else
                it->density_auto = 0;
        }
        if (col_seed >= 0 && col_seed < n && *fields[col_seed]) {
            char *end;
            it->seed = strtoull(fields[col_seed], &end, 10);
            if (*end || fields[col_seed][0] == '-') {
                cli_error(path, "line %d: seed '%s' is not a whole number", lineno, fields[col_seed]);
                rc = EXIT_INPUT;
                break;
            }
            it->has_seed = 1;
        }
        if (!it->photo || !it->mask)
            rc = EXIT_INPUT;
        (void)o;
    }
    return rc;
}
