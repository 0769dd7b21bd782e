/* SPDX-License-Identifier: BSD-2-Clause */
/* The batch manifest reader (strict CSV), from memory. */
#include "batch.h"

#include <stdio.h>

#include "driver.h"

static int fuzz_one(const uint8_t *data, size_t size)
{
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    scan_opts o = {.input = ".", .masks_auto = (int)(size & 1)}; /* both readings of an empty mask */
    item_list items = {0};
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w"); /* the reader reports malformed rows there */
    read_manifest_stream(f, "fuzz.csv", &o, &items);
    if (stderr)
        fclose(stderr);
    stderr = saved;
    items_free(&items);
    fclose(f);
    return 0;
}
