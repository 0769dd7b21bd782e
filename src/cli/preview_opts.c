/* SPDX-License-Identifier: BSD-2-Clause */
/* The preview options: layout, size, caption, date and loupe. */
#include "cli.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cli_preview_defaults(smp_params *p)
{
    /* SOURCE_DATE_EPOCH makes the date, and so the bytes, reproducible. */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t now = time(NULL);
    struct tm tm;
    uint64_t e;
    int from_epoch = epoch && *epoch && cli_parse_u64("SOURCE_DATE_EPOCH", epoch, &e);
    if (from_epoch)
        now = (time_t)e;
    char date[32];
    if ((from_epoch ? gmtime_r(&now, &tm) : localtime_r(&now, &tm)) && strftime(date, sizeof date, "%Y-%m-%d", &tm))
        smp_params_set_date(p, date);
}

void cli_preview_finish(smp_params *p)
{
    static const double THREE[] = {30, 70, 100}; /* one clinical protocol (SMP-FACTS.md) */
    if (smp_params_layout(p) == SMP_LAYOUT_SESSIONS && smp_params_layers(p, NULL) < 2)
        smp_params_set_layers(p, THREE, 3);
}

int cli_preview_check_photo(const smp_params *p, const smp_image *photo)
{
    double x, y;
    const uint32_t w = smp_image_width(photo), h = smp_image_height(photo);
    if (smp_params_loupe(p, &x, &y) != SMP_LOUPE_AT || (x < w && y < h))
        return 0;
    const int rc = cli_settings_blame(CLI_OPT_LOUPE);
    cli_error(NULL, "--loupe: %g,%g lies outside the photo, which is %ux%u pixels (x 0..%u, y 0..%u)", x, y,
              (unsigned)w, (unsigned)h, (unsigned)w - 1, (unsigned)h - 1);
    cli_error_in_setting(NULL, NULL);
    return rc;
}

static int set_text(smp_params *p, const char *opt, const char *value,
                    smp_status (*set)(smp_params *, const char *))
{
    if (set(p, value) != SMP_OK) {
        cli_error(NULL, "%s: %s", opt, smp_params_message(p));
        return 0;
    }
    return 1;
}

int cli_preview_option(int c, const char *value, smp_params *p)
{
    double v;
    uint64_t u;
    switch (c) {
    case CLI_OPT_LAYOUT: {
        static const char *const NAMES[] = {"auto", "side", "stack", "split", "sessions"};
        for (int i = 0; i < 5; i++)
            if (!strcmp(value, NAMES[i]))
                return smp_params_set_layout(p, (smp_layout)i) == SMP_OK;
        cli_error(NULL, "--layout: '%s' is not auto, side, stack, split or sessions", value);
        return 0;
    }
    case CLI_OPT_SPLIT_AT:
        if (!cli_parse_double("--split-at", value, &v))
            return 0;
        if (smp_params_set_split_at(p, v) != SMP_OK) {
            cli_error(NULL, "--split-at: %s", smp_params_message(p));
            return 0;
        }
        return 1;
    case CLI_OPT_MAX_SIZE:
        if (!cli_parse_u64("--max-size", value, &u))
            return 0;
        if (u > UINT32_MAX || smp_params_set_max_size(p, (uint32_t)u) != SMP_OK) {
            cli_error(NULL, "--max-size: %s", u > UINT32_MAX ? "too large" : smp_params_message(p));
            return 0;
        }
        return 1;
    case CLI_OPT_CAPTION: return set_text(p, "--caption", value, smp_params_set_caption);
    case CLI_OPT_DATE: return set_text(p, "--date", strcmp(value, "none") ? value : "", smp_params_set_date);
    case CLI_OPT_LOUPE: {
        double x, y;
        char tail;
        if (!strcmp(value, "auto") || !strcmp(value, "off"))
            return smp_params_set_loupe(p, strcmp(value, "off") ? SMP_LOUPE_AUTO : SMP_LOUPE_OFF, 0, 0) == SMP_OK;
        if (sscanf(value, "%lf,%lf%c", &x, &y, &tail) != 2 || smp_params_set_loupe(p, SMP_LOUPE_AT, x, y) != SMP_OK) {
            cli_error(NULL, "--loupe: '%s' is not auto, off or X,Y in photo pixels", value);
            return 0;
        }
        return 1;
    }
    case CLI_OPT_LOUPE_ZOOM:
        if (!cli_parse_double("--loupe-zoom", value, &v))
            return 0;
        if (smp_params_set_loupe_zoom(p, v) != SMP_OK) {
            cli_error(NULL, "--loupe-zoom: %s", smp_params_message(p));
            return 0;
        }
        return 1;
    default: return 0; /* getopt has printed the problem */
    }
}
