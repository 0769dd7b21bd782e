/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim sweep: the parameter axes, the runs and their tables. */
#ifndef SMP_CLI_SWEEP_H
#define SMP_CLI_SWEEP_H

#include "cli.h"

#include <stddef.h>

#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_SEEDS 1000
#define SWEEP_MAX_RUNS 10000

/* A parameter the sweep can vary. A value below 0 means "auto" (dilution
 * from the hair) or "fresh" (age), as the params take it. */
typedef struct sweep_axis {
    const char *option;  /* "density" */
    const char *column;  /* CSV column, "density_cm2" */
    const char *label;   /* on the sheet, "density (dots/cm²)" */
    const char *unit;    /* after a value on the sheet, " mm" */
    const char *word;    /* the name of the value < 0, or NULL */
    smp_status (*set)(smp_params *, double);
    double values[SWEEP_MAX_VALUES];
    int n;
} sweep_axis;

enum { AXIS_DENSITY, AXIS_DOT, AXIS_DILUTION, AXIS_OPACITY, AXIS_AGE, AXIS_COUNT };

/* One simulation: a cell (a combination of axis values) and a seed. */
typedef struct sweep_run {
    size_t cell;
    uint64_t seed;
    int ok;
    smp_measures m;
    double px_per_mm, seconds;
    int zoom; /* the sheet cell's enlargement (first seed only) */
} sweep_run;

typedef struct sweep {
    sweep_axis axes[AXIS_COUNT];
    uint64_t seeds[SWEEP_MAX_SEEDS];
    int n_seeds;
    size_t cells, runs;
    double feather_mm;
} sweep;

/* The axes with their defaults (one value each, taken from p). */
void sweep_init(sweep *s, const smp_params *p);
/* Parses "a:b:step" ranges and comma lists into an axis, checking each value
 * with the params; prints the problem and returns 0 when bad. */
int sweep_parse_axis(sweep_axis *a, const char *text, smp_params *scratch);
/* Parses "1..5", "3" or "1,4,9" (mixable) into the seeds. */
int sweep_parse_seeds(sweep *s, const char *text);
/* Counts cells and runs; prints why and returns 0 when too many. */
int sweep_size(sweep *s);
/* The value of an axis in a cell (axes vary slowest first). */
double sweep_value(const sweep *s, int axis, size_t cell);
/* Formats a value for labels and CSV ("auto", "0.15"). */
void sweep_format(const sweep_axis *a, double v, char *buf, size_t len);

/* The per-run CSV and, with several seeds, the per-cell mean and standard
 * deviation; each built in memory and written atomically. */
int sweep_write_runs(const sweep *s, const sweep_run *runs, const char *path, int force);
int sweep_write_summary(const sweep *s, const sweep_run *runs, const char *path, int force);

#endif
