/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim sweep: the per-run table and the per-cell mean ± sd table. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The measured columns, in both tables. */
enum { M_DOTS, M_ACHIEVED, M_SPACING, M_RHO, M_DE_BEFORE, M_DE_AFTER, M_SECONDS, M_COUNT };
static const char *const MEASURE_NAMES[M_COUNT] = {"dots",           "achieved_cm2",  "min_spacing_mm", "rho",
                                                   "delta_e_before", "delta_e_after", "seconds"};
static const char *const MEASURE_FORMATS[M_COUNT] = {"%.1f", "%.2f", "%.4f", "%.4f", "%.3f", "%.3f", "%.3f"};

static double measure(const sweep_run *r, int which)
{
    switch (which) {
    case M_DOTS: return (double)r->m.dots;
    case M_ACHIEVED: return r->m.achieved_core_cm2;
    case M_SPACING: return r->m.min_spacing_mm;
    case M_RHO: return r->m.rho;
    case M_DE_BEFORE: return r->m.delta_e_before;
    case M_DE_AFTER: return r->m.delta_e_after;
    default: return r->seconds;
    }
}

/* A number, or an empty field for one that was not measured. */
static void field(FILE *f, const char *fmt, double v)
{
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, fmt, v);
}

static void parameters(FILE *f, const sweep *s, size_t cell)
{
    for (int a = 0; a < AXIS_COUNT; a++) {
        char v[32];
        sweep_format(&s->axes[a], sweep_value(s, a, cell), v, sizeof v);
        fprintf(f, ",%s", v);
    }
}

static void parameter_header(FILE *f, const sweep *s)
{
    for (int a = 0; a < AXIS_COUNT; a++)
        fprintf(f, ",%s", s->axes[a].column);
}

/* A memory stream for a table (finish writes it), or NULL after saying why. */
static FILE *open_table(char **buf, size_t *len, const char *path)
{
    FILE *f = open_memstream(buf, len);
    if (!f)
        cli_error(path, "out of memory");
    return f;
}

/* Closes the memory stream (which sets buf and len) and writes it. */
static int finish(FILE *f, char **buf, const size_t *len, const char *path, int force)
{
    int rc = 0;
    if (fclose(f) != 0 || !*buf) {
        cli_error(path, "out of memory");
        rc = EXIT_OUTPUT;
    } else {
        char err[512];
        if (smp_write_file_atomic(path, *buf, *len, force, err, sizeof err) != SMP_OK) {
            cli_error(path, "%s", err);
            rc = EXIT_OUTPUT;
        }
    }
    free(*buf);
    return rc;
}

int sweep_write_runs(const sweep *s, const sweep_run *runs, const char *path, int force)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_table(&buf, &len, path);
    if (!f)
        return EXIT_OUTPUT;
    fputs("cell,seed", f);
    parameter_header(f, s);
    fputs(",feather_mm,px_per_mm,density_used_cm2,dilution_used", f);
    for (int m = 0; m < M_COUNT; m++)
        fprintf(f, ",%s", MEASURE_NAMES[m]);
    fputc('\n', f);
    for (size_t i = 0; i < s->runs; i++) {
        const sweep_run *r = &runs[i];
        fprintf(f, "%zu,%llu", r->cell, (unsigned long long)r->seed);
        parameters(f, s, r->cell);
        fprintf(f, ",%g,%.4f,%.2f", s->feather_mm, r->px_per_mm, r->m.density_used_cm2);
        field(f, "%.3f", r->m.dilution >= 0 ? r->m.dilution : NAN);
        for (int m = 0; m < M_COUNT; m++)
            field(f, m == M_DOTS ? "%.0f" : MEASURE_FORMATS[m], measure(r, m));
        fputc('\n', f);
    }
    return finish(f, &buf, &len, path, force);
}

int sweep_write_summary(const sweep *s, const sweep_run *runs, const char *path, int force)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_table(&buf, &len, path);
    if (!f)
        return EXIT_OUTPUT;
    fputs("cell", f);
    parameter_header(f, s);
    fputs(",seeds", f);
    for (int m = 0; m < M_COUNT; m++)
        fprintf(f, ",%s_mean,%s_sd", MEASURE_NAMES[m], MEASURE_NAMES[m]);
    fputc('\n', f);
    const size_t k = (size_t)s->n_seeds;
    for (size_t cell = 0; cell < s->cells; cell++) {
        const sweep_run *r = &runs[cell * k]; /* a cell's seeds are adjacent */
        fprintf(f, "%zu", cell);
        parameters(f, s, cell);
        fprintf(f, ",%zu", k);
        for (int m = 0; m < M_COUNT; m++) {
            /* In seed order, so the figures do not depend on the schedule. */
            double sum = 0, sq = 0;
            for (size_t i = 0; i < k; i++)
                sum += measure(&r[i], m);
            const double mean = sum / (double)k;
            for (size_t i = 0; i < k; i++)
                sq += (measure(&r[i], m) - mean) * (measure(&r[i], m) - mean);
            field(f, MEASURE_FORMATS[m], mean);
            field(f, MEASURE_FORMATS[m], k > 1 ? sqrt(sq / (double)(k - 1)) : NAN);
        }
        fputc('\n', f);
    }
    return finish(f, &buf, &len, path, force);
}
