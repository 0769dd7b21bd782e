/* SPDX-License-Identifier: BSD-2-Clause */
/* smp_result_failed_input: which input a failed run blames.
 *
 * Interim: until sim.c records the input in the result (a field set where it
 * fails, see issue 12), this reads the prefix sim.c's side_coverage() puts
 * before the message of a side image that does not fit. It is the one place
 * that knows those prefixes; callers use the enum. */
#include "stages.h"

#include <string.h>

smp_input smp_result_failed_input(const smp_result *res)
{
    static const struct {
        const char *prefix;
        smp_input input;
    } sides[] = {
        {"reference:", SMP_INPUT_REFERENCE},
        {"scar mask:", SMP_INPUT_SCARS},
        {"density map:", SMP_INPUT_DENSITY_MAP},
    };
    if (!res)
        return SMP_INPUT_NONE;
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++)
        if (!strncmp(res->msg, sides[i].prefix, strlen(sides[i].prefix)))
            return sides[i].input;
    return SMP_INPUT_NONE;
}
