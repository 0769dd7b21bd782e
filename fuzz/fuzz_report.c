/* SPDX-License-Identifier: BSD-2-Clause */
/* The batch report writer with hostile names: the input's bytes become
 * photo, mask, error and output names of a few rows; the CSV must read back
 * as rows of 13 fields and the JSON must be valid UTF-8. */
#include "batch_run.h"

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
            s[i] = s[i] ? s[i] : '?'; /* a name holds no NUL */
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
        snprintf(it->error, sizeof it->error, "%s", err ? err : "");
        free(err);
        it->written[0] = piece(&data, &size);
        char *notes = piece(&data, &size); /* lines of any bytes: one cell, one JSON array */
        snprintf(it->notes, sizeof it->notes, "%s", notes ? notes : "");
        free(notes);
        it->status = (item_status)(i % 6);
        it->have_tone = i & 1;
    }
    sbuf csv = {0}, json = {0};
    batch_report_text(input ? input : "", &items, &csv, &json);
    if (!json.oom && json.s && !utf8_valid(json.s))
        abort(); /* the JSON must always be valid UTF-8 */
    char *line = csv.s;
    while (!csv.oom && line && *line) { /* every record: 13 fields (no newline inside a cell) */
        char *nl = strchr(line, '\n');
        if (!nl)
            abort();
        *nl = 0;
        char *fields[16];
        if (split_csv(line, fields, 16) != 13)
            abort();
        line = nl + 1;
    }
    sb_free(&csv);
    sb_free(&json);
    free(input);
    for (size_t i = 0; i < items.n; i++) {
        free(v[i].photo);
        free(v[i].mask);
        free(v[i].written[0]);
    }
    return 0;
}
