/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim batch: report.csv and report.json, built in growing buffers, with
 * any bytes a file name may hold (batch_run.h). */
#define _POSIX_C_SOURCE 200809L
#include "batch_run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *batch_status_name(item_status s)
{
    switch (s) {
    case ITEM_OK: return "ok";
    case ITEM_FAILED: return "failed";
    case ITEM_SKIPPED: return "skipped";
    case ITEM_UP_TO_DATE: return "up-to-date";
    case ITEM_CANCELLED: return "cancelled";
    default: return "not-run";
    }
}

static void json_tone(sbuf *out, int have, double v)
{
    if (have && v == v)
        sb_printf(out, "%.3f", v);
    else
        sb_puts(out, "null");
}

void batch_json_item(sbuf *out, const item *it)
{
    sb_puts(out, "{\"photo\": ");
    sb_json(out, it->photo);
    if (!utf8_valid(it->photo ? it->photo : "")) { /* the exact bytes, recoverable */
        sb_puts(out, ", \"photo_bytes\": \"");
        sb_pct(out, it->photo);
        sb_puts(out, "\"");
    }
    sb_puts(out, ", \"mask\": ");
    if (it->mask)
        sb_json(out, it->mask);
    else
        sb_puts(out, "null");
    sb_printf(out, ", \"mask_suggested\": %s", it->mask_auto ? "true" : "false");
    sb_printf(out, ", \"status\": \"%s\", \"error\": ", batch_status_name(it->status));
    sb_json(out, item_error(it));
    sb_puts(out, ", \"outputs\": [");
    for (int k = 0, first = 1; k < ITEM_OUTPUTS; k++) {
        if (!it->written[k])
            continue;
        sb_puts(out, first ? "" : ", ");
        sb_json(out, it->written[k]);
        first = 0;
    }
    sb_printf(out, "], \"seconds\": %.3f, \"seed\": %llu, \"dots\": %zu, \"density_cm2\": %.2f, \"hash\": \"%016llx\", "
                   "\"delta_e_before\": ",
              it->seconds, (unsigned long long)it->seed, it->dots, it->density_used == it->density_used ? it->density_used : 0,
              (unsigned long long)it->hash);
    json_tone(out, it->have_tone, it->de_before);
    sb_puts(out, ", \"delta_e_after\": ");
    json_tone(out, it->have_tone, it->de_after);
    sb_puts(out, ", \"notes\": [");
    const char *notes = item_notes(it);
    for (const char *n = notes; *n;) {
        size_t len = strcspn(n, "\n");
        char note[ITEM_NOTES_MAX];
        snprintf(note, sizeof note, "%.*s", (int)len, n);
        sb_puts(out, n == notes ? "" : ", ");
        sb_json(out, note);
        n += len + (n[len] == '\n');
    }
    sb_puts(out, "], \"older_outputs\": [");
    for (size_t k = 0; k < it->n_older; k++) {
        sb_puts(out, k ? ", " : "");
        sb_json(out, it->older[k]);
    }
    sb_puts(out, "]}");
}

static void csv_row(sbuf *csv, const item *it)
{
    sb_csv(csv, it->photo);
    sb_puts(csv, ",");
    sb_csv(csv, it->mask ? it->mask : "");
    sb_printf(csv, ",%s,", batch_status_name(it->status));
    sb_csv(csv, item_error(it));
    sb_puts(csv, ",");
    sbuf outs = {0};
    for (int k = 0; k < ITEM_OUTPUTS; k++)
        if (it->written[k]) {
            sb_puts(&outs, outs.len ? ";" : "");
            sb_puts(&outs, it->written[k]);
        }
    sb_csv(csv, outs.s ? outs.s : "");
    csv->oom |= outs.oom;
    sb_free(&outs);
    sb_printf(csv, ",%.3f,%llu,%zu,%.2f,", it->seconds, (unsigned long long)it->seed, it->dots,
              it->density_used == it->density_used ? it->density_used : 0);
    if (it->have_tone)
        sb_printf(csv, "%.3f,%.3f", it->de_before, it->de_after);
    else
        sb_puts(csv, ",");
    sb_printf(csv, ",%016llx,", (unsigned long long)it->hash);
    char notes[ITEM_NOTES_MAX * 2]; /* a cell's lines joined by " | ": a report row is one line */
    size_t w = 0;
    for (const char *n = item_notes(it); *n && w + 4 < sizeof notes; n++)
        if (*n != '\n')
            notes[w++] = *n;
        else if (n[1])
            w += (size_t)snprintf(notes + w, sizeof notes - w, " | ");
    notes[w] = 0;
    sb_csv(csv, notes);
    sb_puts(csv, ",");
    sbuf older = {0}; /* joined as the outputs are */
    for (size_t k = 0; k < it->n_older; k++) {
        sb_puts(&older, older.len ? ";" : "");
        sb_puts(&older, it->older[k]);
    }
    sb_csv(csv, older.s ? older.s : "");
    csv->oom |= older.oom;
    sb_free(&older);
    sb_puts(csv, "\n");
}

void batch_report_text(const char *input, const item_list *items, sbuf *csv, sbuf *json)
{
    sb_puts(csv, "photo,mask,status,error,outputs,seconds,seed,dots,density_cm2,delta_e_before,delta_e_after,hash,notes,"
                 "older_outputs\n");
    sb_puts(json, "{\"schema\": \"smpsim-batch/1\", \"input\": ");
    sb_json(json, input);
    sb_puts(json, ", \"items\": [\n");
    for (size_t i = 0; i < items->n; i++) {
        const item *it = &items->v[i];
        csv_row(csv, it);
        sb_puts(json, "  ");
        batch_json_item(json, it);
        sb_puts(json, i + 1 < items->n ? ",\n" : "\n");
    }
    sb_puts(json, "]}\n");
}

/* NAME.csv -> NAME.1.csv, so the earlier run's report is kept. A copy (a
 * second link, renamed into place), not a move: NAME.csv stays until the
 * new one replaces it in one rename, so a scan at work meanwhile (another
 * shard's, or a run on a folder above) always finds a report listing
 * these outputs, never none. */
static void keep_previous(const char *dir, const char *name, const char *ext)
{
    sbuf from = {0}, to = {0}, tmp = {0};
    sb_printf(&from, "%s/%s.%s", dir, name, ext);
    sb_printf(&to, "%s/%s.1.%s", dir, name, ext);
    sb_printf(&tmp, "%s/.smpsim-tmp-%s.1.%s", dir, name, ext); /* ours: a scan skips it, a stale one is cleaned */
    if (!from.oom && !to.oom && !tmp.oom) {
        unlink(tmp.s); /* one left by a killed run (the lock makes it no one else's) */
        if (link(from.s, tmp.s) == 0) {
            if (rename(tmp.s, to.s) != 0)
                unlink(tmp.s);
        } else if (errno != ENOENT) { /* no hard links here: move it, as before */
            rename(from.s, to.s);
        } /* nothing there: nothing to keep */
    }
    sb_free(&from);
    sb_free(&to);
    sb_free(&tmp);
}

int batch_write_reports(const batch *b)
{
    sbuf csv = {0}, json = {0};
    batch_report_text(b->input, &b->items, &csv, &json);
    int rc = 0;
    if (csv.oom || json.oom) {
        cli_error(b->output, "out of memory for the report");
        rc = EXIT_OUTPUT;
    }
    static const char *const EXT[] = {"csv", "json"};
    const sbuf *text[] = {&csv, &json};
    for (int k = 0; k < 2 && !rc; k++) {
        char err[512];
        sbuf path = {0};
        sb_printf(&path, "%s/%s.%s", b->output, b->report, EXT[k]);
        keep_previous(b->output, b->report, EXT[k]);
        if (path.oom || smp_write_file_atomic(path.s, text[k]->s, text[k]->len, 1, err, sizeof err) != SMP_OK) {
            cli_error(path.s ? path.s : b->output, "%s", path.oom ? "out of memory" : err);
            rc = EXIT_OUTPUT;
        }
        sb_free(&path);
    }
    sb_free(&csv);
    sb_free(&json);
    return rc;
}
