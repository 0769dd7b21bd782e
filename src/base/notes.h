/* SPDX-License-Identifier: BSD-2-Clause */
/* A result's notes: lines for the caller, kept in order (notes.c). */
#ifndef SMP_NOTES_H
#define SMP_NOTES_H

#include "internal.h"

/* Notes go to the result, so the caller decides whether to show them. */
typedef struct smp_notes {
    char **items;
    size_t count;
} smp_notes;
void smp__note(smp_notes *notes, const char *fmt, ...) SMP_PRINTF(2, 3);
void smp__notes_clear(smp_notes *notes);

#endif
