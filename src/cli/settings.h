/* SPDX-License-Identifier: BSD-2-Clause */
/* --settings FILE: options from a JSON object (the studio page's export),
 * {"density": 120, "edge": "soft", ...}, named as on the command line. */
#ifndef SMP_CLI_SETTINGS_H
#define SMP_CLI_SETTINGS_H

#include <getopt.h>

/* Replaces *argv by a copy in which each --settings FILE (or
 * --settings=FILE) is replaced by the options its file holds, as
 * "--name=value", so that options given after it on the command line win.
 * Keys starting with '_' are notes and skipped; an option that takes no
 * value, an unknown key, a nested value or a malformed file is an error
 * (EXIT_INPUT, naming the file and the key).
 * Returns 0 (then cli_settings_free(*argv) when done) or an exit code
 * after saying why. */
int cli_settings_expand(int *argc, char ***argv, const struct option *opts);
void cli_settings_free(char **argv);
/* The settings file an argument of the expanded argv came from; NULL for
 * one typed. Its errors are the file's: they name it and exit EXIT_INPUT,
 * as a malformed file does. */
const char *cli_settings_file_of(const char *arg);
/* The same, and when arg came from a file, cli_error names the file and
 * the option's key (into key, kept while they do) until
 * cli_error_in_setting(NULL, NULL): what a parse loop does per option. */
#define CLI_SETTING_KEY 128
const char *cli_settings_enter(const char *arg, char key[CLI_SETTING_KEY]);
/* For the checks made after parsing (a session past the sessions, a loupe
 * off the photo, --measure against a scale): the parse loop records the
 * argument that gave option c its last value (argv[optind - 1]), and a
 * check that refuses c's value calls cli_settings_blame(c) before its
 * message: when a file gave it, the message names the file and the key,
 * and the exit code is the file's, EXIT_INPUT; else EXIT_USAGE. The caller
 * ends with cli_error_in_setting(NULL, NULL). */
void cli_settings_record(int c, const char *arg);
int cli_settings_blame(int c);

#endif
