/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim mask: a suggested mask from the photo alone. */
#include "masks.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: smpsim mask [options] PHOTO -o MASK.png\n"
          "\n"
          "Suggests the region to treat: the bald or thin scalp on the head, found by\n"
          "colour and texture (skin, hair), the head as the largest skin-and-hair region,\n"
          "and the scalp as the skin that hair surrounds. Writes a grey mask: white =\n"
          "bald, grey = thin (the share of hair missing), black = hair, face, background.\n"
          "Check it over the photo; render and preview take it, or 'auto' directly.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE     the mask, .png (or .jpg); - for standard output (PNG)\n"
          "      --px-per-mm N     the scale for the areas --verbose reports; auto or\n"
          "                        unset: estimated from the head\n"
          "      --max-pixels N    refuse images larger than N pixels = 200000000\n"
          "  -f, --force           replace an existing output\n"
          "  -v, --verbose         say what was found: the scale, area in cm², bald and thin\n"
          "                        (of the mask written, after --hairline), and the\n"
          "                        forehead cut (temple points and line)\n"
          "  -h, --help            this help\n"
          "\n"
          "Hairline and scale:\n" CLI_HAIRLINE_HELP CLI_MEASURE_HELP,
          f);
}

enum { OPT_MAXPX = 800 };

static const struct option LONG_OPTS[] = {
    CLI_MASK_OPTIONS,
    {"px-per-mm", required_argument, NULL, CLI_OPT_PPM},
    {"max-pixels", required_argument, NULL, CLI_OPT_MAXPX},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

int cmd_mask(int argc, char **argv)
{
    smp_params *p = smp_params_new();
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    cli_mask_opts mo = {0};
    cli_out std_out = {0};
    const char *out = NULL, *out_path = NULL;
    int rc = 0, force = 0, c;
    if (!p || !photo || !mask) {
        cli_error(NULL, "out of memory");
        rc = EXIT_INPUT;
        goto done;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:fvh", LONG_OPTS, NULL)) != -1) {
        int ok = 1;
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': force = 1; smp_params_set_overwrite(p, 1); break;
        case 'v': mo.verbose = 1; break;
        case 'h': usage(stdout); goto done;
        default: {
            int taken = cli_mask_option(c, optarg, &mo);
            ok = taken < 0 ? cli_param_option(c, optarg, p) : taken;
        }
        }
        if (!ok) {
            fputs("Try 'smpsim mask --help'.\n", stderr);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (argc - optind != 1 || !out) {
        cli_error(NULL, "mask needs PHOTO -o MASK.png");
        fputs("Try 'smpsim mask --help'.\n", stderr);
        rc = EXIT_USAGE;
        goto done;
    }
    if (mo.paint) {
        cli_error(NULL, "--mask-paint reads a painted mask: it goes with render and preview");
        rc = EXIT_USAGE;
        goto done;
    }
    const char *photo_path = argv[optind];
    const char *const inputs[] = {photo_path};
    if (smp_format_for_path(out) == SMP_FORMAT_NONE && !cli_is_stdio(out)) {
        cli_error(out, "unknown output type; name it .png, .jpg or .jpeg");
        rc = EXIT_USAGE;
        goto done;
    }
    if ((rc = cli_check_output(out, inputs, 1, force)))
        goto done;
    if (!(out_path = cli_out_path(&std_out, out, ".png", 1))) { /* "-": PNG through a temporary file */
        rc = EXIT_USAGE;
        goto done;
    }
    if ((rc = cli_load_image(photo, photo_path, p)))
        goto done;
    if ((rc = cli_prepare_mask(mask, "auto", photo, photo_path, p, &mo, NULL, 0)))
        goto done;
    if (cli_interrupted())
        goto done;
    smp_status st = smp_image_write_file(mask, out_path, p);
    if (st != SMP_OK) {
        cli_error(out, "%s", smp_image_message(mask));
        rc = cli_exit_for(st) == EXIT_USAGE ? EXIT_USAGE : EXIT_OUTPUT;
    }
done:;
    const int out_rc = cli_out_end(&std_out, !rc && !cli_interrupted());
    rc = rc ? rc : out_rc;
    smp_image_free(mask);
    smp_image_free(photo);
    smp_params_free(p);
    cli_die_of_signal();
    return rc;
}
