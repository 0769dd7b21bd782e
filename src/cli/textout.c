/* SPDX-License-Identifier: BSD-2-Clause */
/* Text for reports and terminals (textout.h). */
#include "textout.h"

#include "smpsim.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(sbuf *b, size_t more)
{
    if (b->oom)
        return 0;
    if (more > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return 0;
    }
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return 0;
    }
    b->s = s;
    b->cap = cap;
    return 1;
}

void sb_add(sbuf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_free(sbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void sb_csv(sbuf *b, const char *cell)
{
    sb_add(b, "\"", 1);
    if (cell && strchr("=+-@\t\r'", cell[0]) && cell[0])
        sb_add(b, "'", 1);
    for (const char *p = cell ? cell : ""; *p; p++) {
        if (*p == '"')
            sb_add(b, "\"\"", 2);
        else
            sb_add(b, p, 1); /* a CR or LF too: inside the quotes, a reader keeps it */
    }
    sb_add(b, "\"", 1);
}

void csv_unneuter(char *cell)
{
    if (cell[0] == '\'' && cell[1] && strchr("=+-@\t\r '", cell[1]))
        memmove(cell, cell + 1, strlen(cell));
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || /* overlong, surrogates */
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))  /* overlong, > U+10FFFF */
        return 0;
    return n;
}

int utf8_valid(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        if (!n)
            return 0;
        p += n;
    }
    return 1;
}

void sb_json(sbuf *b, const char *s)
{
    const size_t n = smp_json_quote(NULL, 0, s);
    if (!grow(b, n))
        return;
    smp_json_quote(b->s + b->len, n + 1, s);
    b->len += n;
}

void sb_pct(sbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7F || *p == '%')
            sb_printf(b, "%%%02X", *p);
        else
            sb_add(b, (const char *)p, 1);
    }
}

void sb_term(sbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        int c1 = n == 2 && p[0] == 0xC2 && p[1] < 0xA0; /* U+0080..U+009F: C1 controls */
        if (!n || *p < 0x20 || *p == 0x7F || c1) {
            for (size_t i = 0; i < (n ? n : 1); i++)
                sb_printf(b, "\\x%02x", p[i]);
            p += n ? n : 1;
        } else {
            sb_add(b, (const char *)p, n);
            p += n;
        }
    }
}
