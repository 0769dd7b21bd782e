/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim sweep: parsing the varied parameters and walking their product. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static smp_status set_density(smp_params *p, double v)
{
    if (v < 0)
        return smp_params_set_density_auto(p, 1);
    smp_status st = smp_params_set_density(p, v);
    return st == SMP_OK ? smp_params_set_density_auto(p, 0) : st;
}

void sweep_init(sweep *s, const smp_params *p)
{
    static const sweep_axis defaults[AXIS_COUNT] = {
        [AXIS_DENSITY] = {"density", "density_cm2", "density (dots/cm²)", " dots/cm²", "auto", set_density, {0}, 1},
        [AXIS_DOT] = {"dot", "dot_mm", "dot (mm)", " mm", NULL, smp_params_set_dot_diameter, {0}, 1},
        [AXIS_DILUTION] = {"dilution", "dilution", "dilution", "", "auto", smp_params_set_dilution, {0}, 1},
        [AXIS_OPACITY] = {"opacity", "opacity", "opacity", "", NULL, smp_params_set_opacity, {0}, 1},
        [AXIS_AGE] = {"age", "age_years", "age (years)", " years", "fresh", smp_params_set_age, {0}, 1},
    };
    memset(s, 0, sizeof *s);
    memcpy(s->axes, defaults, sizeof defaults);
    s->axes[AXIS_DENSITY].values[0] = smp_params_density(p);
    s->axes[AXIS_DOT].values[0] = smp_params_dot_diameter(p);
    s->axes[AXIS_DILUTION].values[0] = -1; /* the params' default: match the hair */
    s->axes[AXIS_OPACITY].values[0] = smp_params_opacity(p);
    s->axes[AXIS_AGE].values[0] = 0;       /* healed */
    s->seeds[0] = smp_params_seed(p);
    s->n_seeds = 1;
    s->feather_mm = smp_params_feather(p);
}

static int add_value(sweep_axis *a, double v, smp_params *scratch, const char *token)
{
    if (a->n >= SWEEP_MAX_VALUES) {
        cli_error(NULL, "--%s: more than %d values", a->option, SWEEP_MAX_VALUES);
        return 0;
    }
    if (a->set(scratch, v) != SMP_OK) {
        cli_error(NULL, "--%s: '%s': %s", a->option, token, smp_params_message(scratch));
        return 0;
    }
    for (int i = 0; i < a->n; i++)
        if (a->values[i] == v) {
            cli_error(NULL, "--%s: %s appears twice", a->option, token);
            return 0;
        }
    a->values[a->n++] = v;
    return 1;
}

static int number(const sweep_axis *a, const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(*v)) {
        cli_error(NULL, "--%s: '%s' is not a number, a list a,b,c or a range start:stop:step", a->option, s);
        return 0;
    }
    if (*v < 0 && a->word) { /* negative stands for the word inside; typed, it is a mistake */
        cli_error(NULL, "--%s: '%s' is negative; say '%s' for that", a->option, s, a->word);
        return 0;
    }
    return 1;
}

/* One comma-separated token: a value, the axis's word, or start:stop:step. */
static int parse_token(sweep_axis *a, char *tok, smp_params *scratch)
{
    if (a->word && !strcmp(tok, a->word))
        return add_value(a, -1, scratch, tok);
    char *c1 = strchr(tok, ':');
    if (!c1) {
        double v;
        return number(a, tok, &v) && add_value(a, v, scratch, tok);
    }
    char *c2 = strchr(c1 + 1, ':');
    *c1 = 0;
    if (c2)
        *c2 = 0;
    double start, stop, step;
    if (!c2 || !number(a, tok, &start) || !number(a, c1 + 1, &stop) || !number(a, c2 + 1, &step) ||
        !(step > 0) || stop < start) {
        cli_error(NULL, "--%s: a range is start:stop:step with start <= stop and step > 0", a->option);
        return 0;
    }
    double count = floor((stop - start) / step + 1e-9) + 1;
    if (count > SWEEP_MAX_VALUES) {
        cli_error(NULL, "--%s: the range has %.0f values; at most %d", a->option, count, SWEEP_MAX_VALUES);
        return 0;
    }
    for (int i = 0; i < (int)count; i++) {
        /* Multiplying, not accumulating, keeps 0.1-steps exact to print. */
        double v = round((start + i * step) * 1e9) / 1e9;
        char shown[64];
        snprintf(shown, sizeof shown, "%g", v);
        if (!add_value(a, v, scratch, shown))
            return 0;
    }
    return 1;
}

int sweep_parse_axis(sweep_axis *a, const char *text, smp_params *scratch)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf) {
        cli_error(NULL, "--%s: the list is too long", a->option);
        return 0;
    }
    a->n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (!parse_token(a, tok, scratch))
            return 0;
    if (!a->n)
        cli_error(NULL, "--%s: no values", a->option);
    return a->n > 0;
}

int sweep_parse_seeds(sweep *s, const char *text)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf) {
        cli_error(NULL, "--seeds: the list is too long");
        return 0;
    }
    s->n_seeds = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *dots = strstr(tok, "..");
        uint64_t lo, hi;
        if (dots)
            *dots = 0;
        if (!cli_parse_u64("--seeds", tok, &lo) || !cli_parse_u64("--seeds", dots ? dots + 2 : tok, &hi))
            return 0;
        if (hi < lo || hi - lo >= (uint64_t)(SWEEP_MAX_SEEDS - s->n_seeds)) {
            cli_error(NULL, "--seeds: '%s' is not a range lo..hi of at most %d seeds in all", text,
                      SWEEP_MAX_SEEDS);
            return 0;
        }
        for (uint64_t v = lo;; v++) {
            for (int i = 0; i < s->n_seeds; i++)
                if (s->seeds[i] == v) {
                    cli_error(NULL, "--seeds: %llu appears twice", (unsigned long long)v);
                    return 0;
                }
            s->seeds[s->n_seeds++] = v;
            if (v == hi)
                break;
        }
    }
    if (!s->n_seeds)
        cli_error(NULL, "--seeds: no seeds");
    return s->n_seeds > 0;
}

int sweep_size(sweep *s)
{
    size_t cells = 1;
    for (int i = 0; i < AXIS_COUNT; i++)
        cells *= (size_t)s->axes[i].n; /* at most 64^5: no overflow in size_t */
    if (cells * (size_t)s->n_seeds > SWEEP_MAX_RUNS) {
        cli_error(NULL, "%zu cells x %d seeds is more than %d runs", cells, s->n_seeds, SWEEP_MAX_RUNS);
        return 0;
    }
    s->cells = cells;
    s->runs = cells * (size_t)s->n_seeds;
    return 1;
}

double sweep_value(const sweep *s, int axis, size_t cell)
{
    for (int i = AXIS_COUNT - 1; i > axis; i--)
        cell /= (size_t)s->axes[i].n;
    return s->axes[axis].values[cell % (size_t)s->axes[axis].n];
}

void sweep_format(const sweep_axis *a, double v, char *buf, size_t len)
{
    if (v < 0 && a->word)
        snprintf(buf, len, "%s", a->word);
    else
        snprintf(buf, len, "%g", v);
}
