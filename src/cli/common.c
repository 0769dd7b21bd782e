/* Error reporting and option-value parsing shared by the subcommands. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cli_error(const char *subject, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("smpsim: ", stderr);
    if (subject)
        fprintf(stderr, "%s: ", subject);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_exit_for(smp_status st)
{
    switch (st) {
    case SMP_OK: return 0;
    case SMP_ERR_ARG: return EXIT_USAGE;
    case SMP_ERR_WRITE:
    case SMP_ERR_EXISTS: return EXIT_OUTPUT;
    default: return EXIT_INPUT;
    }
}

int cli_parse_double(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) {
        cli_error(NULL, "%s: '%s' is not a number", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+') {
        cli_error(NULL, "%s: '%s' is not a whole number", opt, s);
        return 0;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno) {
        cli_error(NULL, "%s: '%s' is not a whole number", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_colour(const char *opt, const char *s, uint8_t rgb[3])
{
    const char *h = *s == '#' ? s + 1 : s;
    unsigned v[3];
    if (strlen(h) != 6 || strspn(h, "0123456789abcdefABCDEF") != 6 ||
        sscanf(h, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3) {
        cli_error(NULL, "%s: '%s' is not a colour like '#2b2b2b'", opt, s);
        return 0;
    }
    for (int i = 0; i < 3; i++)
        rgb[i] = (uint8_t)v[i];
    return 1;
}

int cli_same_file(const char *path, const char *other)
{
    struct stat a, b;
    return stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

int cli_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig) { caught = sig; }

void cli_catch_signals(void)
{
    /* A handler that only records the signal: the work stops at the next
     * progress callback, and an atomic write in flight finishes whole.
     * Whatever thread the signal lands on, nothing is left half-written. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cli_interrupted(void) { return caught; }

int cli_progress(void *user, double fraction)
{
    (void)user;
    (void)fraction;
    return caught != 0;
}

void cli_die_of_signal(void)
{
    int sig = caught;
    if (!sig)
        return;
    signal(sig, SIG_DFL);
    raise(sig); /* the shell sees the usual 128 + signal status */
}
