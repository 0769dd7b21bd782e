/* SPDX-License-Identifier: BSD-2-Clause */
/* render's and preview's options (cmd_render.c), also read by
 * fuzz/fuzz_settings.c, which parses a settings file as render does. */
#ifndef SMP_CLI_RENDER_OPTS_H
#define SMP_CLI_RENDER_OPTS_H

#include <getopt.h>

enum { OPT_REFERENCE = 512, OPT_SCARS, OPT_METRICS, OPT_MAP, OPT_RANGE, OPT_DOTS, OPT_SETTINGS };

extern const struct option cli_render_options[];

#endif
