/* SPDX-License-Identifier: BSD-2-Clause */
/* The steps smp_simulate reports through its progress callback (one call
 * after each of sim.c's steps, in this order), and a progress callback that
 * charges each step the time since the call before by the bench's own clock
 * (CPU seconds for bench_steps, wall milliseconds for studio_steps). */
#ifndef SMP_BENCH_STEPS_H
#define SMP_BENCH_STEPS_H

#include <stddef.h>

static const char *const STEPS[] = {"read_inputs",    "use_shade_maps", "skin_maps",  "measure_stubble",
                                    "shape_coverage", "choose_shade",   "place_dots", "render_after",
                                    "measure_after"};
#define N_STEPS (sizeof STEPS / sizeof *STEPS)

typedef struct clock_state {
    double (*now)(void);
    double last;
    double t[N_STEPS];
    size_t i;
} clock_state;

static int tick(void *user, double fraction)
{
    (void)fraction;
    clock_state *c = user;
    const double t = c->now();
    if (c->i < N_STEPS)
        c->t[c->i++] = t - c->last;
    c->last = t;
    return 0;
}

#endif
