/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim: the command-line front end. It parses, calls the library, reports. */
#include "cli.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("Usage: smpsim COMMAND [options] ARGS\n"
          "\n"
          "Scalp micropigmentation preview: simulated pigment dots in the masked\n"
          "(bald or thinning) regions of a scalp photo.\n"
          "\n"
          "Commands:\n"
          "  preview PHOTO MASK -o OUT     before and after together, labelled\n"
          "  render  PHOTO MASK -o OUT     the after image alone\n"
          "  points  -o DOTS.csv|.svg      the dots alone over an area in mm\n"
          "  batch   DIR -o OUTDIR         every photo of a folder, in parallel, with a report\n"
          "  sweep   PHOTO MASK -o SHEET   parameter combinations in parallel: sheet and CSV\n"
          "  analyze POINTS                density, spacing, rho and spectrum of a point set\n"
          "  mask    PHOTO -o MASK.png     suggest the mask (bald or thin scalp) from the photo\n"
          "  studio  -o STUDIO.html        the offline consultation page (built by make studio)\n"
          "  version                       version, licence and the libraries linked\n"
          "\n"
          "'smpsim COMMAND --help' describes each command's options. Any single input\n"
          "or output FILE may be '-': standard input or output (images as PNG).\n"
          "Exit codes: 0 ok, 1 usage, 2 bad input, 3 output error, 4 some of a batch failed,\n"
          "130, 143 or 129 (128 + the signal) stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP:\n"
          "any command, leaving no partial output.\n",
          f);
}

/* Two settings the runtimes read only as the process starts, so the
 * process starts itself again once with them (where the user set one, it
 * stays as set; the bytes never depend on either):
 * - Large buffers in 2 MB pages. A render touches about its peak memory
 *   once, freshly mapped: 21 000 page faults for a 2000 x 1500 photo, a
 *   tenth of its time on a virtual machine. glibc advises the kernel to
 *   use huge pages for its mappings when its tunable glibc.malloc.hugetlb
 *   is 1 (glibc 2.35 on; older ones ignore it; a kernel that keeps huge
 *   pages off changes nothing).
 * - OpenMP threads that sleep when they wait (OMP_WAIT_POLICY=passive):
 *   between parallel steps a waiting thread otherwise spins, and on a
 *   shared or busy machine the spinning takes the core the working thread
 *   needs (the 12 MP crown under load: 5.0 s wall spinning, 3.5 passive).
 * Not under valgrind (the new image would run outside it), and only once:
 * the second start finds both set. Only for the commands that work on
 * photos, and not for their help: starting again costs about 15 ms of CPU
 * (the libraries loaded twice), most of `smpsim version`. */
static void tune_runtime(int argc, char **argv)
{
#if defined(__linux__) && defined(__GLIBC__)
    static const char *const heavy[] = {"render", "preview", "batch", "sweep", "mask"};
    bool worth = false;
    for (size_t i = 0; argc > 1 && i < sizeof heavy / sizeof *heavy; i++)
        worth |= !strcmp(argv[1], heavy[i]);
    for (int i = 2; worth && i < argc; i++)
        worth = strcmp(argv[i], "-h") && strcmp(argv[i], "--help");
    if (!worth)
        return;
    static const char tunable[] = "glibc.malloc.hugetlb";
    const char *t = getenv("GLIBC_TUNABLES"), *pre = getenv("LD_PRELOAD");
    const bool huge = t && strstr(t, tunable), waits = getenv("OMP_WAIT_POLICY") != NULL;
    if ((huge && waits) || (pre && strstr(pre, "vgpreload")))
        return;
    char was[512], value[sizeof was + sizeof tunable + 4];
    const int m = snprintf(was, sizeof was, "%s", t ? t : "");
    if (m < 0 || (size_t)m >= sizeof was)
        return;
    snprintf(value, sizeof value, "%s%s%s=1", was, *was ? ":" : "", tunable);
    if ((!huge && setenv("GLIBC_TUNABLES", value, 1) != 0) || (!waits && setenv("OMP_WAIT_POLICY", "passive", 1) != 0))
        return;
    execv("/proc/self/exe", argv);
    /* Could not start again (no /proc): on as the process started. */
    if (!huge && t)
        setenv("GLIBC_TUNABLES", was, 1);
    else if (!huge)
        unsetenv("GLIBC_TUNABLES");
    if (!waits)
        unsetenv("OMP_WAIT_POLICY");
#else
    (void)argc;
    (void)argv;
#endif
}

int main(int argc, char **argv)
{
    tune_runtime(argc, argv);
    /* A file size limit must fail the write (EFBIG), not kill the process
     * before the temporary file is removed. */
    signal(SIGXFSZ, SIG_IGN);
    /* The commands that stop their work at a signal and clean up catch it;
     * analyze, which has no work to stop, dies of it at once until it
     * writes its figure (it caught it and ran on to exit 0). Either way the
     * exit is 128 + the signal. */
    static const char *const stoppable[] = {"render", "preview", "batch", "sweep", "mask", "points", "studio"};
    for (size_t i = 0; argc > 1 && i < sizeof stoppable / sizeof *stoppable; i++)
        if (!strcmp(argv[1], stoppable[i]))
            cli_catch_signals();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    /* getopt names argv[0] in its messages: the commands get argv + 1, so
     * that would be "render: unrecognized option"; one prefix for all. */
    static char prog[] = "smpsim";
    argv[1] = prog;
    if (!strcmp(cmd, "render"))
        return cmd_render(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "preview"))
        return cmd_render(argc - 1, argv + 1, 1);
    if (!strcmp(cmd, "analyze"))
        return cmd_analyze(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return cmd_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "batch"))
        return cmd_batch(argc - 1, argv + 1);
    if (!strcmp(cmd, "mask"))
        return cmd_mask(argc - 1, argv + 1);
    if (!strcmp(cmd, "studio"))
        return cmd_studio(argc - 1, argv + 1);
    if (!strcmp(cmd, "points"))
        return cmd_points(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        char libs[512];
        smp_libraries(libs, sizeof libs);
        printf("smpsim %s (%s)\n"
               "Licence: %s; see LICENSE (https://spdx.org/licenses/%s.html).\n"
               "The built-in label font, DejaVu Sans, is under its own free licence.\n"
               "Linked: %s\n",
               smp_version(), smp_has_openmp() ? "OpenMP" : "serial", smp_license(), smp_license(), libs);
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    cli_error(NULL, "unknown command '%s'", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
