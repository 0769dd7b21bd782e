/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim studio: writes the consultation studio, the one-file offline page
 * that `make studio` builds (web/studio/) and the build embeds here. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The page (build/gen/studio_page.c); length 0 when it was not built. */
extern const unsigned char smp_studio_html[];
extern const size_t smp_studio_html_len;

static void usage(FILE *f)
{
    fputs("Usage: smpsim studio -o STUDIO.html\n"
          "\n"
          "Writes the consultation studio: one self-contained page, offline (no\n"
          "network requests; the photo never leaves the device), that opens a photo\n"
          "(file, drag and drop or a tablet's camera), suggests the mask, edits it\n"
          "(brush, eraser, hairline, undo), sets the look (density, dot size, shade,\n"
          "sessions, age, edge, regularity, px/mm) and shows the after image with a\n"
          "before/after divider. It exports the preview JPEG, the after image, the\n"
          "mask PNG and the settings that 'smpsim render PHOTO MASK --settings FILE'\n"
          "reproduces. The page is built by 'make studio' (it needs emscripten).\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE     the page, .html, written atomically; '-': standard output\n"
          "  -f, --force           replace an existing output\n"
          "  -h, --help            this help\n",
          f);
}

int cmd_studio(int argc, char **argv)
{
    static const struct option LONG_OPTS[] = {{"output", required_argument, NULL, 'o'},
                                              {"force", no_argument, NULL, 'f'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:fh", LONG_OPTS, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': force = 1; break;
        case 'h': usage(stdout); return 0;
        default: fputs("Try 'smpsim studio --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc || !out) {
        cli_error(NULL, optind != argc ? "studio takes no arguments, only -o FILE" : "studio needs -o FILE");
        fputs("Try 'smpsim studio --help'.\n", stderr);
        return EXIT_USAGE;
    }
    if (!smp_studio_html_len) {
        cli_error(NULL, "this smpsim was built without the studio page: run 'make studio' (it installs or needs "
                        "emscripten), then build/studio.html is the page and this command writes it");
        return EXIT_OUTPUT;
    }
    if (cli_is_stdio(out)) {
        if (fwrite(smp_studio_html, 1, smp_studio_html_len, stdout) != smp_studio_html_len || fflush(stdout)) {
            cli_error(out, "cannot write to standard output");
            return EXIT_OUTPUT;
        }
        return 0;
    }
    int rc = cli_check_output(out, NULL, 0, force);
    if (rc)
        return rc;
    char err[256];
    /* Stopped before the page is written, none is (a file already there
     * stays as it was); a write under way finishes whole, then the signal
     * ends the process. */
    cli_die_of_signal();
    if (smp_write_file_atomic(out, smp_studio_html, smp_studio_html_len, force, err, sizeof err) != SMP_OK) {
        cli_error(out, "%s", err);
        return EXIT_OUTPUT;
    }
    cli_die_of_signal();
    return 0;
}
