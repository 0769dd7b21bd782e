/* SPDX-License-Identifier: BSD-2-Clause */
/* --settings FILE (see settings.h): a small reader for one flat JSON
 * object of strings and numbers, each turned into "--key=value". */
#include "settings.h"

#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETTINGS_MAX 65536 /* bytes: a settings file is a few lines */

/* The arguments the files gave and their files, for cli_settings_file_of
 * (one expansion a process). */
static struct origin {
    const char *arg, *path;
} *origins;
static int n_origins;

/* The argument that gave each option its last value (cli_settings_record),
 * and the key of the one blamed last (cli_settings_blame). */
#define GIVEN_MAX 64
static struct given {
    int c;
    const char *arg;
} given[GIVEN_MAX];
static int n_given;
static char blamed_key[CLI_SETTING_KEY];

typedef struct reader {
    const char *p, *path;
    char **out;   /* the new argv being built */
    int n, cap;
    const struct option *opts;
} reader;

/* Appends s (owned) to the new argv; 0, having said so, when out of memory. */
static int push(reader *r, char *s)
{
    if (!s) {
        cli_error(NULL, "out of memory");
        return 0;
    }
    if (r->n + 1 >= r->cap) {
        int cap = r->cap ? 2 * r->cap : 16;
        char **o = realloc(r->out, (size_t)cap * sizeof *o);
        if (!o) {
            free(s);
            cli_error(NULL, "out of memory");
            return 0;
        }
        r->out = o;
        r->cap = cap;
    }
    r->out[r->n++] = s;
    r->out[r->n] = NULL;
    return 1;
}

static void skip_space(reader *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
        r->p++;
}

/* Four hex digits at s (within e); the code unit, or -1. */
static long hex4(const char *s, const char *e)
{
    long cp = 0;
    for (int i = 0; i < 4; i++) {
        if (s + i >= e || !isxdigit((unsigned char)s[i]))
            return -1;
        cp = cp * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
    }
    return cp;
}

/* A JSON string at r->p into a new buffer, as UTF-8 (a surrogate pair,
 * "\ud83d\ude00", as its character). NULL when malformed, or when it
 * holds what no argument can: \u0000 (it cut the value there) or half of a
 * surrogate pair (it became bytes that are not UTF-8). */
static char *string(reader *r)
{
    if (*r->p != '"')
        return NULL;
    const char *s = ++r->p;
    size_t len = 0;
    while (s[len] && s[len] != '"')
        len += s[len] == '\\' && s[len + 1] ? 2 : 1;
    if (s[len] != '"')
        return NULL;
    char *out = malloc(len * 3 + 1), *o = out; /* \uXXXX (6 bytes) never needs more than 3 */
    if (!out)
        return NULL;
    const char *e = s + len;
    for (; s < e; s++) {
        if ((unsigned char)*s < 0x20) {
            free(out);
            return NULL;
        }
        if (*s != '\\') {
            *o++ = *s;
            continue;
        }
        s++;
        const char *simple = strchr("\"\\/bfnrt", *s);
        if (simple && *s) {
            *o++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            continue;
        }
        long cp = *s == 'u' ? hex4(s + 1, e) : -1, lo = -1;
        if (cp >= 0xD800 && cp < 0xDC00 && e - s >= 11 && s[5] == '\\' && s[6] == 'u')
            lo = hex4(s + 7, e);
        if (cp >= 0xD800 && cp < 0xDC00 && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            s += 6;
        } else if (cp <= 0 || (cp >= 0xD800 && cp < 0xE000)) {
            free(out);
            return NULL;
        }
        s += 4;
        if (cp < 0x80) {
            *o++ = (char)cp;
        } else if (cp < 0x800) {
            *o++ = (char)(0xc0 | cp >> 6);
            *o++ = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            *o++ = (char)(0xe0 | cp >> 12);
            *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
            *o++ = (char)(0x80 | (cp & 0x3f));
        } else {
            *o++ = (char)(0xf0 | cp >> 18);
            *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
            *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
            *o++ = (char)(0x80 | (cp & 0x3f));
        }
    }
    *o = 0;
    r->p = e + 1;
    return out;
}

/* A JSON number's text as written (the option's parser reads it). */
static char *number(reader *r)
{
    const char *s = r->p;
    while (*r->p && strchr("+-0123456789.eE", *r->p))
        r->p++;
    if (r->p == s)
        return NULL;
    char *out = malloc((size_t)(r->p - s) + 1);
    if (out) {
        memcpy(out, s, (size_t)(r->p - s));
        out[r->p - s] = 0;
    }
    return out;
}

static const struct option *find(const struct option *opts, const char *name)
{
    for (const struct option *o = opts; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

/* The object's members as options; 0 or an exit code. */
static int members(reader *r)
{
    skip_space(r);
    if (*r->p++ != '{') {
        cli_error(r->path, "settings: not a JSON object");
        return EXIT_INPUT;
    }
    skip_space(r);
    if (*r->p == '}')
        r->p++;
    else
        for (;;) {
            skip_space(r);
            char *key = string(r), *value = NULL;
            skip_space(r);
            if (!key || *r->p++ != ':') {
                free(key);
                cli_error(r->path, "settings: malformed JSON (a \"name\": value pair expected)");
                return EXIT_INPUT;
            }
            skip_space(r);
            const int quoted = *r->p == '"';
            value = quoted ? string(r) : number(r);
            if (!value) {
                cli_error(r->path, quoted ? "settings: \"%s\": not a string an option can take (cut short, or a control "
                                            "character, a bad escape, \\u0000 or half of a surrogate pair)"
                                          : "settings: \"%s\" must be a string or a number",
                          key);
                free(key);
                return EXIT_INPUT;
            }
            const struct option *o = find(r->opts, key);
            int rc = 0;
            if (key[0] == '_') {
                /* a note, e.g. which photo and mask the studio worked on */
            } else if (!o || o->has_arg != required_argument || !strcmp(key, "settings") || !strcmp(key, "output")) {
                cli_error(r->path, "settings: \"%s\" is not an option taking a value here", key);
                rc = EXIT_INPUT;
            } else {
                size_t len = strlen(key) + strlen(value) + 4;
                char *arg = malloc(len);
                struct origin *more = realloc(origins, (size_t)(n_origins + 1) * sizeof *more);
                if (arg)
                    snprintf(arg, len, "--%s=%s", key, value);
                if (more) {
                    origins = more;
                    origins[n_origins++] = (struct origin){arg, r->path};
                }
                if (!more || !push(r, arg)) {
                    if (!more) {
                        free(arg);
                        cli_error(NULL, "out of memory");
                    }
                    rc = EXIT_INPUT;
                }
            }
            free(key);
            free(value);
            if (rc)
                return rc;
            skip_space(r);
            if (*r->p == ',') {
                r->p++;
                continue;
            }
            if (*r->p++ == '}')
                break;
            cli_error(r->path, "settings: malformed JSON (',' or '}' expected)");
            return EXIT_INPUT;
        }
    skip_space(r);
    if (*r->p) {
        cli_error(r->path, "settings: text after the object");
        return EXIT_INPUT;
    }
    return 0;
}

static int expand_file(reader *r, const char *path)
{
    FILE *f = cli_fopen_regular(path, "rb");
    if (!f) {
        cli_error(path, "cannot open: %s", errno == EINVAL ? "not a regular file" : strerror(errno));
        return EXIT_INPUT;
    }
    char *buf = malloc(SETTINGS_MAX + 1);
    size_t len = buf ? fread(buf, 1, SETTINGS_MAX, f) : 0;
    const int big = buf && len == SETTINGS_MAX && fgetc(f) != EOF, bad = ferror(f);
    fclose(f);
    if (!buf || big || bad) {
        cli_error(path, !buf ? "out of memory" : big ? "settings: larger than 64 KiB" : "cannot read");
        free(buf);
        return EXIT_INPUT;
    }
    buf[len] = 0;
    if (strlen(buf) != len) {
        cli_error(path, "settings: not a JSON text (a NUL byte)");
        free(buf);
        return EXIT_INPUT;
    }
    r->p = buf;
    r->path = path;
    int rc = members(r);
    free(buf);
    return rc;
}

const char *cli_settings_file_of(const char *arg)
{
    for (int i = 0; arg && i < n_origins; i++)
        if (origins[i].arg == arg)
            return origins[i].path;
    return NULL;
}

const char *cli_settings_enter(const char *arg, char key[CLI_SETTING_KEY])
{
    const char *file = cli_settings_file_of(arg);
    if (file) {
        snprintf(key, CLI_SETTING_KEY, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
        cli_error_in_setting(file, key);
    }
    return file;
}

void cli_settings_record(int c, const char *arg)
{
    int i = 0;
    while (i < n_given && given[i].c != c)
        i++;
    if (i == GIVEN_MAX)
        return; /* more options than any command has: none blamed on a file */
    n_given += i == n_given;
    given[i] = (struct given){c, arg};
}

int cli_settings_blame(int c)
{
    for (int i = 0; i < n_given; i++)
        if (given[i].c == c)
            return cli_settings_enter(given[i].arg, blamed_key) ? EXIT_INPUT : EXIT_USAGE;
    return EXIT_USAGE;
}

void cli_settings_free(char **argv)
{
    free(origins);
    origins = NULL;
    n_origins = 0;
    n_given = 0;
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

int cli_settings_expand(int *argc, char ***argv, const struct option *opts)
{
    reader r = {.opts = opts};
    int rc = 0;
    for (int i = 0; i < *argc && !rc; i++) {
        const char *a = (*argv)[i];
        if (!strcmp(a, "--"))
            for (; i < *argc && !rc; i++)
                rc = push(&r, strdup((*argv)[i])) ? 0 : EXIT_INPUT;
        else if (!strcmp(a, "--settings") || !strncmp(a, "--settings=", 11)) {
            const char *path = a[10] == '=' ? a + 11 : i + 1 < *argc ? (*argv)[++i] : NULL;
            if (!path) {
                cli_error(NULL, "--settings needs a FILE");
                rc = EXIT_USAGE;
            } else {
                rc = expand_file(&r, path);
            }
        } else if (!push(&r, strdup(a))) {
            rc = EXIT_INPUT;
        }
    }
    if (!rc && !r.out)
        rc = push(&r, strdup("smpsim")) ? 0 : EXIT_INPUT;
    if (rc) {
        cli_settings_free(r.out);
        return rc;
    }
    *argc = r.n;
    *argv = r.out;
    return 0;
}
