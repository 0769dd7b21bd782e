/* SPDX-License-Identifier: BSD-2-Clause */
/* The batch report writer with hostile names: the input's bytes become
 * photo, mask, error and output names of a few rows; the CSV must read back
 * as rows of 14 fields (each photo the name written) and the JSON must be
 * valid UTF-8. */
#include "batch_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static char *piece(const uint8_t **d, size_t *n)
{
    size_t len = 0;
    while (len < *n && (*d)[len] != '\n')
        len++;
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, *d, len);
        s[len] = 0;
        for (size_t i = 0; i < len; i++)
            s[i] = s[i] == '\v' ? '\n' : s[i] ? s[i] : '?'; /* no NUL; a vertical tab is a newline */
    }
    *d += len < *n ? len + 1 : len;
    *n -= len < *n ? len + 1 : len;
    return s;
}

static int fuzz_one(const uint8_t *data, size_t size)
{
    item v[4];
    memset(v, 0, sizeof v);
    item_list items = {v, 0, 4};
    char *input = piece(&data, &size);
    for (int i = 0; i < 4 && size; i++) {
        item *it = &v[items.n++];
        it->photo = piece(&data, &size);
        it->mask = piece(&data, &size);
        char *err = piece(&data, &size);
        item_set_error(it, "%s", err ? err : "");
        free(err);
        it->written[0] = piece(&data, &size);
        char *notes = piece(&data, &size); /* lines of any bytes: one cell, one JSON array */
        item_set_notes(it, notes);
        free(notes);
        it->status = (item_status)(i % 6);
        it->have_tone = i & 1;
        /* an older output (another format's), the same hostile name: its own cell and JSON array */
        it->older = (i & 1) && it->written[0] ? malloc(sizeof *it->older) : NULL;
        if (it->older && (it->older[0] = strdup(it->written[0])))
            it->n_older = 1;
    }
    sbuf csv = {0}, json = {0};
    batch_report_text(input ? input : "", &items, &csv, &json);
    if (!json.oom && json.s && !utf8_valid(json.s))
        abort(); /* the JSON must always be valid UTF-8 */
    /* Every record reads back (batch_getrecord: a quoted cell may hold a CR or
     * LF) as 14 fields, its photo the name written. */
    FILE *f = !csv.oom && csv.s ? fmemopen(csv.s, csv.len, "r") : NULL;
    char *line = NULL;
    size_t cap = 0;
    long lines, len, row = -1;
    while (f && (len = batch_getrecord(f, &line, &cap, BATCH_LINE_MAX, &lines)) != -1) {
        char *fields[16];
        if (len < 0 || split_csv(line, fields, 16) != 14)
            abort();
        csv_unneuter(fields[0]);
        if (row >= 0 && strcmp(fields[0], v[row].photo ? v[row].photo : ""))
            abort();
        row++;
    }
    if (f && row != (long)items.n)
        abort();
    if (f)
        fclose(f);
    free(line);
    sb_free(&csv);
    sb_free(&json);
    free(input);
    for (size_t i = 0; i < items.n; i++) {
        free(v[i].photo);
        free(v[i].mask);
        free(v[i].written[0]);
        for (size_t k = 0; k < v[i].n_older; k++)
            free(v[i].older[k]);
        free(v[i].older);
        free(v[i].error);
        free(v[i].notes);
    }
    return 0;
}
