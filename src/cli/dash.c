/* SPDX-License-Identifier: BSD-2-Clause */
/* "-" for standard input or standard output wherever one file goes. The
 * library reads and writes files by name (atomically), so standard output
 * goes through a file in a private temporary folder, copied out once it is
 * whole: a failed run writes nothing to standard output either. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int stdin_taken, stdout_taken;

int cli_is_stdio(const char *path) { return path && path[0] == '-' && !path[1]; }

/* How long a read of standard input waits before it looks at the signal
 * flag again: a signal that lands just before the read, or on another
 * thread, would otherwise leave it blocked on a pipe that stays open. */
#define STDIN_WAIT_MS 100

int cli_read_stdin(unsigned char **data, size_t *len)
{
    if (stdin_taken++) {
        cli_error("-", "standard input can be read only once; name the other inputs");
        return EXIT_USAGE;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    int err = 0;
    for (;;) {
        if (buf && n == cap) {
            unsigned char *bigger = cap < ((size_t)1 << 40) ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
        }
        if (!buf) {
            cli_error("standard input", "out of memory");
            return EXIT_INPUT;
        }
        if (cli_interrupted())
            break;
        struct pollfd in = {STDIN_FILENO, POLLIN, 0};
        const int ready = poll(&in, 1, STDIN_WAIT_MS);
        if (ready < 0 && errno != EINTR) {
            err = errno;
            break;
        }
        if (ready <= 0)
            continue;
        const ssize_t got = read(STDIN_FILENO, buf + n, cap - n);
        if (got < 0 && errno != EINTR && errno != EAGAIN) {
            err = errno;
            break;
        }
        if (got == 0)
            break;
        n += got > 0 ? (size_t)got : 0;
    }
    if (err || cli_interrupted()) {
        if (!cli_interrupted()) /* else the signal ends the process: nothing to say */
            cli_error("standard input", "read failed: %s", strerror(err));
        free(buf);
        return EXIT_INPUT;
    }
    *data = buf;
    *len = n;
    return 0;
}

const char *cli_out_path(cli_out *o, const char *path, const char *ext, int binary)
{
    memset(o, 0, sizeof *o);
    if (!cli_is_stdio(path))
        return path;
    if (stdout_taken++) {
        cli_error("-", "only one output can go to standard output");
        return NULL;
    }
    if (binary && isatty(STDOUT_FILENO)) {
        cli_error("-", "standard output is a terminal; redirect it or name a file");
        return NULL;
    }
    const char *tmp = getenv("TMPDIR");
    size_t n = strlen(tmp && *tmp ? tmp : "/tmp") + strlen(ext) + 32;
    if (!(o->dir = malloc(n)) || !(o->file = malloc(n))) {
        free(o->dir);
        o->dir = NULL;
        cli_error("-", "out of memory");
        return NULL;
    }
    snprintf(o->dir, n, "%s/smpsim-stdout.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(o->dir)) {
        cli_error("-", "cannot make a temporary folder for standard output: %s", strerror(errno));
        free(o->dir);
        free(o->file);
        o->dir = o->file = NULL;
        return NULL;
    }
    snprintf(o->file, n, "%s/stdout%s", o->dir, ext);
    return o->file;
}

int cli_out_end(cli_out *o, int ok)
{
    int rc = 0;
    if (!o->dir)
        return 0;
    FILE *f = ok ? fopen(o->file, "rb") : NULL;
    if (f) {
        char buf[1 << 16];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            if (fwrite(buf, 1, got, stdout) != got)
                break;
        if (ferror(f) || fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("-", "writing standard output failed: %s", strerror(errno));
            rc = EXIT_OUTPUT;
        }
        fclose(f);
    }
    unlink(o->file);
    rmdir(o->dir);
    free(o->file);
    free(o->dir);
    o->file = o->dir = NULL;
    return rc;
}
