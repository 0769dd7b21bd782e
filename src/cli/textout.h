/* SPDX-License-Identifier: BSD-2-Clause */
/* Text for reports and terminals: a growing buffer, CSV cells, JSON strings
 * and terminal-safe strings, whatever bytes a file name holds. */
#ifndef SMP_TEXTOUT_H
#define SMP_TEXTOUT_H

#include <stddef.h>

/* A growing string; oom is set (and text stops being added) when memory runs out. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

void sb_add(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void sb_free(sbuf *b);

/* One CSV cell, RFC 4180: always quoted, quotes doubled. A cell that a
 * spreadsheet would run as a formula (it starts with = + - @, a tab, a CR)
 * or that starts with an apostrophe gets one leading apostrophe, so it
 * stays text; csv_unneuter() undoes exactly that. A CR or LF is kept inside
 * the quotes (a record may span lines), so a name holding one reads back. */
void sb_csv(sbuf *b, const char *cell);
void csv_unneuter(char *cell);
/* A JSON string, quoted. Valid UTF-8 is kept; each invalid byte becomes
 * U+FFFD, so the result is always valid UTF-8. */
void sb_json(sbuf *b, const char *s);
/* Non-zero when s is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
int utf8_valid(const char *s);
/* s with every byte outside printable ASCII and valid UTF-8 as %XX (and %
 * itself): the exact bytes of a name, recoverable, in plain ASCII. */
void sb_pct(sbuf *b, const char *s);
/* s for a terminal: C0 and C1 controls, DEL and invalid UTF-8 as \xHH. */
void sb_term(sbuf *b, const char *s);

#endif
