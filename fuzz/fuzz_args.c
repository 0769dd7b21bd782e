/* SPDX-License-Identifier: BSD-2-Clause */
/* The command line's option values: NUL-separated (option, value) pairs
 * applied to params as `smpsim render` would, then validated settings used. */
#include "cli.h"

#include <string.h>

#include "driver.h"

static int fuzz_one(const uint8_t *data, size_t size)
{
    smp_params *p = smp_params_new();
    if (!p)
        return 0;
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w");
    char buf[512];
    size_t i = 0;
    while (i + 2 <= size) {
        int opt = CLI_OPT_DENSITY + data[i] % (CLI_OPT_SESSION - CLI_OPT_DENSITY + 1);
        size_t n = 0;
        for (i++; i < size && data[i] && n + 1 < sizeof buf; i++)
            buf[n++] = (char)data[i];
        buf[n] = 0;
        i++;
        cli_param_option(opt, buf, p);
    }
    if (stderr)
        fclose(stderr);
    stderr = saved;
    double layers[SMP_MAX_LAYERS];
    int nl = smp_params_layers(p, layers);
    for (int k = 1; k < nl; k++)
        if (!(layers[k] > layers[k - 1]))
            __builtin_trap(); /* accepted layers must rise */
    smp_params_free(p);
    return 0;
}
