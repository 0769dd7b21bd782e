/* SPDX-License-Identifier: BSD-2-Clause */
/* EXIF orientation: the one tag smpsim needs, read from IFD0 of a TIFF block.
 * A bounds-checked reader of ~50 lines rather than libexif: it adds no
 * run-time dependency to a fresh machine, and every read is checked against
 * the block's length, which the fuzz targets exercise. */
#include "io.h"

static unsigned rd16(const uint8_t *p, int le) { return le ? p[0] | p[1] << 8 : p[0] << 8 | p[1]; }

static uint32_t rd32(const uint8_t *p, int le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int smp__exif_orientation(const uint8_t *t, size_t len)
{
    if (!t || len < 8)
        return 1;
    int le;
    if (t[0] == 'I' && t[1] == 'I')
        le = 1;
    else if (t[0] == 'M' && t[1] == 'M')
        le = 0;
    else
        return 1;
    if (rd16(t + 2, le) != 42)
        return 1;
    uint32_t ifd = rd32(t + 4, le);
    if (ifd > len || len - ifd < 2)
        return 1;
    unsigned count = rd16(t + ifd, le);
    size_t entries = ((size_t)len - ifd - 2) / 12;
    if (count > entries)
        count = (unsigned)entries;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = t + ifd + 2 + (size_t)i * 12;
        if (rd16(e, le) != 0x0112)
            continue;
        unsigned type = rd16(e + 2, le);
        /* SHORT is the standard; some writers use LONG. The value sits in
         * the first bytes of the value field either way. */
        unsigned v = type == 3 ? rd16(e + 8, le) : type == 4 ? rd32(e + 8, le) : 0;
        return v >= 1 && v <= 8 ? (int)v : 1;
    }
    return 1;
}
