/* SPDX-License-Identifier: BSD-2-Clause */
/* A result's notes: informational lines for the caller (a resampled mask,
 * an assumed scale, a photo out of focus), kept in order. */
#include "notes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void smp__note(smp_notes *notes, const char *fmt, ...)
{
    char buf[SMP_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **items = realloc(notes->items, (notes->count + 1) * sizeof *items);
    if (!items)
        return; /* a note is informational; losing one under memory pressure is harmless */
    notes->items = items;
    size_t len = strlen(buf) + 1;
    char *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, buf, len);
    notes->items[notes->count++] = copy;
}

void smp__notes_clear(smp_notes *notes)
{
    for (size_t i = 0; i < notes->count; i++)
        free(notes->items[i]);
    free(notes->items);
    notes->items = NULL;
    notes->count = 0;
}
