/* SPDX-License-Identifier: BSD-2-Clause */
/* Text helpers the library and the command share: UTF-8 sequences, file
 * name extensions and JSON strings. */
#include "internal.h"
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0: shortest
 * forms only, no UTF-16 surrogates (ED A0..BF), nothing past U+10FFFF
 * (F4 90.. and the lead bytes F5..FF), no stray continuation bytes. */
int smp__utf8_sequence(const unsigned char *s, uint32_t *cp)
{
    const unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* Lead byte: its length and the range of its first continuation byte. */
    int n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* E0 80..9F: overlong */
        hi = c == 0xED ? 0x9F : 0xBF; /* ED A0..BF: surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; /* F0 80..8F: overlong */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* F4 90..: past U+10FFFF */
    } else
        return 0; /* 80..BF continuation, C0/C1 overlong, F5..FF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    uint32_t v = c & (0x7Fu >> n);
    for (int k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[k] & 0x3Fu);
    }
    *cp = v;
    return n;
}

int smp_path_has_ext(const char *path, const char *ext)
{
    if (!path || !ext)
        return 0;
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* Appends n bytes to buf (size bytes) at *len, as far as they fit; *len
 * counts them all. */
static void put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, (*len)++)
        if (*len + 1 < size)
            buf[*len] = s[i];
}

size_t smp_json_quote(char *buf, size_t size, const char *utf8)
{
    size_t len = 0;
    put(buf, size, &len, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(utf8 ? utf8 : ""); *p;) {
        uint32_t cp;
        const int n = smp__utf8_sequence(p, &cp);
        if (!n) {
            put(buf, size, &len, "\xEF\xBF\xBD", 3); /* U+FFFD for the invalid byte */
            p++;
        } else if (*p == '"' || *p == '\\') {
            put(buf, size, &len, "\\", 1);
            put(buf, size, &len, (const char *)p++, 1);
        } else if (*p < 0x20 || *p == 0x7F) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *p++);
            put(buf, size, &len, esc, 6);
        } else {
            put(buf, size, &len, (const char *)p, (size_t)n);
            p += n;
        }
    }
    put(buf, size, &len, "\"", 1);
    if (size)
        buf[len < size ? len : size - 1] = 0;
    return len;
}
