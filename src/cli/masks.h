/* SPDX-License-Identifier: BSD-2-Clause */
/* Masks and scale from the photo, shared by mask, render and preview
 * (masks.c): a suggested mask (auto), a mask painted in a colour, the
 * checks, a hairline from points or a template, and the scale (auto or
 * measured). */
#ifndef SMP_CLI_MASKS_H
#define SMP_CLI_MASKS_H

#include "cli.h"

#include <getopt.h>

typedef struct cli_mask_opts {
    const char *paint;          /* --mask-paint COLOUR */
    const char *measure;        /* --measure "x1,y1 x2,y2=MM" */
    const char *hairline;       /* --hairline "x1,y1 x2,y2 ..." */
    const char *hairline_file;  /* --hairline-file FILE.json */
    const char *template_name;  /* --hairline-template NAME */
    int ppm_auto;               /* --px-per-mm auto */
    int ppm_given;              /* --px-per-mm N (the last --px-per-mm wins) */
    int verbose;
} cli_mask_opts;

enum { CLI_OPT_MASK_PAINT = 700, CLI_OPT_MEASURE, CLI_OPT_HAIRLINE, CLI_OPT_HAIRLINE_FILE, CLI_OPT_TEMPLATE };
#define CLI_MASK_OPTIONS                                               \
    {"mask-paint", required_argument, NULL, CLI_OPT_MASK_PAINT},       \
    {"measure", required_argument, NULL, CLI_OPT_MEASURE},             \
    {"hairline", required_argument, NULL, CLI_OPT_HAIRLINE},           \
    {"hairline-file", required_argument, NULL, CLI_OPT_HAIRLINE_FILE}, \
    {"hairline-template", required_argument, NULL, CLI_OPT_TEMPLATE}
/* The hairline's and the measure's lines, which mask shares (it has no
 * MASK to give or paint, and its --px-per-mm says auto itself). */
#define CLI_HAIRLINE_HELP                                                                    \
    "      --hairline PTS    a hairline through 3..9 points \"x1,y1 x2,y2 ...\" (photo\n"   \
    "                        px): the scalp side is treated, the forehead side not;\n"       \
    "                        or 2 temple points with --hairline-template\n"                  \
    "      --hairline-file F the points as JSON: [[x1,y1],[x2,y2],...]\n"                    \
    "      --hairline-template NAME  straight, rounded, mature or widows-peak\n"
#define CLI_MEASURE_HELP                                                                     \
    "      --measure \"x1,y1 x2,y2=MM\"  the scale from two points MM apart (a ruler)\n"
#define CLI_MASK_HELP                                                                        \
    "Masks and scale:\n"                                                                     \
    "      MASK auto         suggest the mask from the photo (as smpsim mask does)\n"        \
    "      --mask-paint C    MASK is the photo painted over in colour C (#ff0000):\n"        \
    "                        read the paint, not the brightness\n"                           \
    CLI_HAIRLINE_HELP                                                                        \
    "      --px-per-mm auto  estimate the scale from the head's breadth (printed with\n"     \
    "                        its range)\n"                                                   \
    CLI_MEASURE_HELP

/* Handles a CLI_OPT_MASK_* option or "--px-per-mm auto"; 1 when taken
 * (0 with an error printed for a bad value, -1 when not ours). */
int cli_mask_option(int c, const char *value, cli_mask_opts *o);
/* After the photo is loaded: sets the scale (measure, auto), makes or
 * reads the mask (auto, painted, given) and checks it, applies a hairline.
 * A warning the check gives (a mask off the scalp) is also kept in warning
 * (warning_len bytes; "" when none; NULL, 0: not kept), for the run's notes.
 * Returns 0 or an exit code after saying why. */
int cli_prepare_mask(smp_image *mask, const char *mask_path, const smp_image *photo, const char *photo_path,
                     smp_params *p, const cli_mask_opts *o, char *warning, size_t warning_len);

#endif
