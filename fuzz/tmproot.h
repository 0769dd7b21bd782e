/* SPDX-License-Identifier: BSD-2-Clause */
/* A fuzz target's temporary folder, $TMPDIR/smpsim-fuzz-NAME-XXXXXX (in
 * fuzz_root), removed with all it holds at exit. The target defines
 * _XOPEN_SOURCE 700 before its first include (nftw). */
#ifndef SMP_FUZZ_TMPROOT_H
#define SMP_FUZZ_TMPROOT_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static char fuzz_root[256];

static int fuzz_rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void fuzz_rm_root(void)
{
    if (fuzz_root[0])
        nftw(fuzz_root, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes the folder: 0, or -1 (fuzz_root then empty). */
static int fuzz_make_root(const char *name)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_root, sizeof fuzz_root, "%s/smpsim-fuzz-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp(fuzz_root)) {
        fuzz_root[0] = 0;
        return -1;
    }
    atexit(fuzz_rm_root);
    return 0;
}

#endif
