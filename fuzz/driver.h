/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz targets build two ways. With libFuzzer (-DSMP_LIBFUZZER, clang
 * -fsanitize=fuzzer) the engine drives fuzz_one(). As a plain program, main()
 * replays files and folders given on the command line, so `make test` runs
 * every corpus file and every kept crasher as a regression test. */
#ifndef SMP_FUZZ_DRIVER_H
#define SMP_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

static int fuzz_one(const uint8_t *data, size_t size);

#ifdef SMP_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_one(data, size); }
#else
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    size_t got = buf ? fread(buf, 1, (size_t)(n > 0 ? n : 0), f) : 0;
    fclose(f);
    if (!buf)
        return 1;
    fuzz_one(buf, got);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0)
            continue;
        if (!S_ISDIR(sb.st_mode)) {
            files += replay_file(argv[i]) == 0;
            continue;
        }
        DIR *d = opendir(argv[i]);
        for (struct dirent *e; d && (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            files += replay_file(path) == 0;
        }
        if (d)
            closedir(d);
    }
    printf("%s: replayed %d inputs\n", argv[0], files);
    return 0;
}
#endif
#endif
