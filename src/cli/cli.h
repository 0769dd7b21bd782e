/* SPDX-License-Identifier: BSD-2-Clause */
/* The smpsim command: shared option handling and the subcommands. */
#ifndef SMP_CLI_H
#define SMP_CLI_H

#include "smpsim.h"

#include <stdio.h>

enum { EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_OUTPUT = 3, EXIT_PARTIAL = 4 };

/* "smpsim: <subject>: <what>" on stderr. subject may be NULL. */
void cli_error(const char *subject, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* While set (on this thread), cli_error hands its subject (or NULL) and
 * message to fn instead of printing them: a batch keeps a photo's messages
 * for its report row, a manifest names the row a bad value came from.
 * cli_capture(NULL, NULL) prints again. */
typedef void (*cli_sink)(void *ctx, const char *subject, const char *message);
void cli_capture(cli_sink fn, void *ctx);
/* Prints again until cli_capture(*fn, *ctx) restores what was set: what
 * --verbose says is printed, never kept (a batch's notes and metrics are
 * the same with -v or without). */
void cli_capture_pause(cli_sink *fn, void **ctx);

/* While set, cli_error's messages without a subject are of FILE's setting
 * KEY (an option read from a --settings file): "smpsim: FILE: settings:
 * "KEY": what", the option's own "--KEY: " left out. NULL clears it. */
void cli_error_in_setting(const char *file, const char *key);

/* The file a failed smp_simulate blames: the input the library names
 * (paths holds the command's files by smp_input, NULL where it has none),
 * else the mask for SMP_ERR_MISMATCH and the photo for anything else. */
const char *cli_failed_path(const smp_result *res, smp_status st, const char *const paths[SMP_INPUT_COUNT]);

/* Seconds on the monotonic clock, for timings. */
double cli_now(void);

/* The exit code for a library status: input, output or usage. */
int cli_exit_for(smp_status st);

/* Parsers for option values; each prints its own usage error. */
int cli_parse_double(const char *opt, const char *s, double *out);
int cli_parse_u64(const char *opt, const char *s, uint64_t *out);
int cli_parse_colour(const char *opt, const char *s, uint8_t rgb[3]);

/* Options that set params, shared by the commands. */
enum {
    CLI_OPT_DENSITY = 256, CLI_OPT_DOT, CLI_OPT_OPACITY, CLI_OPT_SEED, CLI_OPT_LAYERS, CLI_OPT_PPM,
    CLI_OPT_FEATHER, CLI_OPT_PIGMENT, CLI_OPT_QUALITY, CLI_OPT_MAXPX, CLI_OPT_DILUTION, CLI_OPT_EDGE,
    CLI_OPT_AGE, CLI_OPT_CAST, CLI_OPT_SESSIONS, CLI_OPT_SESSION, CLI_OPT_REGULARITY,
    CLI_OPT_LAYOUT, CLI_OPT_SPLIT_AT, CLI_OPT_MAX_SIZE, CLI_OPT_CAPTION, CLI_OPT_DATE, CLI_OPT_LOUPE,
    CLI_OPT_LOUPE_ZOOM, CLI_OPT_SESSION_SPLIT
};
#define CLI_PARAM_OPTIONS                                          \
    {"density", required_argument, NULL, CLI_OPT_DENSITY},         \
    {"dot", required_argument, NULL, CLI_OPT_DOT},                 \
    {"opacity", required_argument, NULL, CLI_OPT_OPACITY},         \
    {"seed", required_argument, NULL, CLI_OPT_SEED},               \
    {"layers", required_argument, NULL, CLI_OPT_LAYERS},           \
    {"regularity", required_argument, NULL, CLI_OPT_REGULARITY}
/* The look and output options render, preview and batch share. */
#define CLI_LOOK_OPTIONS                                           \
    {"px-per-mm", required_argument, NULL, CLI_OPT_PPM},           \
    {"feather", required_argument, NULL, CLI_OPT_FEATHER},         \
    {"pigment", required_argument, NULL, CLI_OPT_PIGMENT},         \
    {"quality", required_argument, NULL, CLI_OPT_QUALITY},         \
    {"max-pixels", required_argument, NULL, CLI_OPT_MAXPX},        \
    {"dilution", required_argument, NULL, CLI_OPT_DILUTION},       \
    {"edge", required_argument, NULL, CLI_OPT_EDGE},               \
    {"age", required_argument, NULL, CLI_OPT_AGE},                 \
    {"cast", required_argument, NULL, CLI_OPT_CAST},               \
    {"sessions", required_argument, NULL, CLI_OPT_SESSIONS},       \
    {"session-split", required_argument, NULL, CLI_OPT_SESSION_SPLIT}, \
    {"session", required_argument, NULL, CLI_OPT_SESSION}
/* The preview options preview and batch share (preview_opts.c). */
#define CLI_PREVIEW_OPTIONS                                        \
    {"layout", required_argument, NULL, CLI_OPT_LAYOUT},           \
    {"split-at", required_argument, NULL, CLI_OPT_SPLIT_AT},       \
    {"max-size", required_argument, NULL, CLI_OPT_MAX_SIZE},       \
    {"caption", required_argument, NULL, CLI_OPT_CAPTION},         \
    {"date", required_argument, NULL, CLI_OPT_DATE},               \
    {"loupe", required_argument, NULL, CLI_OPT_LOUPE},             \
    {"loupe-zoom", required_argument, NULL, CLI_OPT_LOUPE_ZOOM}
#define CLI_PREVIEW_HELP                                                                  \
    "Preview:\n"                                                                          \
    "      --layout L        auto (side by side if portrait, stacked if landscape),\n"    \
    "                        side, stack, split or sessions = auto\n"                     \
    "      --split-at F      split layout: the divider's place across [0..1] = 0.5\n"     \
    "      --max-size PX     limit the long side (area-averaged down) = full size;\n"     \
    "                        always within twice --max-pixels (scaled to fit)\n"       \
    "      --caption TEXT    add the client's name or any text to the caption line\n"     \
    "      --date D          the caption's date = today (SOURCE_DATE_EPOCH if set);\n"    \
    "                        none leaves it out\n"                                        \
    "      --loupe WHERE     close-up with the dots drawn at its own scale: auto\n"       \
    "                        (largest treated area, near a hairline), off, or X,Y\n"      \
    "                        in photo pixels = auto\n"                                    \
    "      --loupe-zoom Z    its magnification over the panel = a 10 mm field\n"
/* Sets the preview defaults the library leaves to the caller: the date. */
void cli_preview_defaults(smp_params *p);
/* The sessions layout without --sessions shows the usual three. */
void cli_preview_finish(smp_params *p);
int cli_preview_option(int c, const char *value, smp_params *p);
/* A --loupe point inside the photo; else says so (naming its size) and
 * returns EXIT_USAGE. */
int cli_preview_check_photo(const smp_params *p, const smp_image *photo);
/* Applies a CLI_OPT_* option to p; prints the problem and returns 0 when
 * the value is bad or c is not such an option (getopt's '?'). */
int cli_param_option(int c, const char *value, smp_params *p);

/* "MIN:MAX" dots/cm² for --density-range; prints its own error. */
int cli_parse_range(const char *opt, const char *s, double *lo, double *hi);

/* "-": standard input or output (dash.c). Standard input is read whole,
 * once; an output "-" is a temporary file (named with ext) that
 * cli_out_end copies to standard output when ok, and removes. At most one
 * output goes to standard output; binary ones never to a terminal. */
typedef struct cli_out {
    char *dir, *file;
} cli_out;
int cli_is_stdio(const char *path);
int cli_read_stdin(unsigned char **data, size_t *len);
const char *cli_out_path(cli_out *o, const char *path, const char *ext, int binary);
int cli_out_end(cli_out *o, int ok);

/* Non-zero when something exists at path (a dangling link counts). */
int cli_exists(const char *path);
/* Non-zero when path exists and is the same file as other. */
int cli_same_file(const char *path, const char *other);
/* Refuses (saying why, returning EXIT_OUTPUT) an output that is one of the
 * n inputs (NULL entries skipped) or, without force, exists; else 0. */
int cli_check_output(const char *out, const char *const inputs[], int n, int force);
/* Reads an image within the params' pixel limit; 0, or an exit code after
 * saying why (naming the file). */
int cli_load_image(smp_image *img, const char *path, const smp_params *p);
/* Opens a regular file for reading ("r" or "rb") without ever blocking on a
 * FIFO or device; NULL with errno set (EINVAL: not a regular file). */
FILE *cli_fopen_regular(const char *path, const char *mode);
/* Refuses (saying why, returning EXIT_USAGE) an output whose file name is
 * longer than the folder allows, before any work; else 0. */
int cli_check_name(const char *out);
/* Refuses (saying why, returning EXIT_USAGE) outputs of one run that name
 * one file (names[] says which option gave each; NULL outs skipped), or a
 * name too long; else 0. */
int cli_check_outputs(const char *const outs[], const char *const names[], int n);
/* Non-zero for a name ending in .csv or .svg, the dots formats. */
int cli_is_dots_path(const char *path);
/* Non-zero for a name ending in .html or .htm (any case). */
int cli_is_html_path(const char *path);

/* SIGINT, SIGTERM and SIGHUP only set a flag: cli_progress (an
 * smp_progress_fn) then cancels the library's work, and the command cleans
 * up before cli_die_of_signal re-raises the signal with its default action. */
void cli_catch_signals(void);
int cli_interrupted(void);
int cli_progress(void *user, double fraction);
void cli_die_of_signal(void);

int cmd_render(int argc, char **argv, int preview);
int cmd_points(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_mask(int argc, char **argv);
int cmd_studio(int argc, char **argv);

#endif
