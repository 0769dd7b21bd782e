/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_pipeline: throughput of each stage of `smpsim render` on one photo,
 * against baselines measured in the same run: the JPEG decode + encode
 * round trip (what any tool that touches the photo pays) and one memcpy of
 * the RGB image (the memory-bandwidth floor).
 * Usage: bench_pipeline PHOTO MASK PX_PER_MM THREADS... */
#include "render.h"
#include "mask.h"
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define REPEATS 5

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static long peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_pipeline: %s: %s\n", what, msg);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_pipeline PHOTO MASK PX_PER_MM THREADS...\n");
        return 1;
    }
    const char *photo_path = argv[1], *mask_path = argv[2];
    const double ppm = atof(argv[3]);
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    double t0 = now();
    if (smp_image_read_file(photo, photo_path, 0) != SMP_OK)
        die(photo_path, smp_image_message(photo));
    double t_decode = now() - t0;
    if (smp_image_read_file(mask, mask_path, 0) != SMP_OK)
        die(mask_path, smp_image_message(mask));
    const double mp = (double)photo->w * photo->h / 1e6;
    const size_t rgb_bytes = (size_t)photo->w * photo->h * 3;

    /* Baselines: JPEG round trip through the same codecs, and memcpy. */
    double rt[REPEATS], cp[REPEATS];
    char out[] = "/tmp/smpsim-bench-XXXXXX.jpg";
    int fd = mkstemps(out, 4);
    if (fd < 0)
        die("mkstemps", "cannot create a temporary file");
    close(fd);
    smp_params *p = smp_params_new();
    smp_params_set_overwrite(p, 1);
    smp_params_set_px_per_mm(p, ppm);
    uint8_t *copy = malloc(rgb_bytes);
    for (int i = 0; i < REPEATS; i++) {
        smp_image *tmp = smp_image_new();
        double a = now();
        if (smp_image_read_file(tmp, photo_path, 0) != SMP_OK ||
            smp_image_write_file(tmp, out, p) != SMP_OK)
            die(out, smp_image_message(tmp));
        rt[i] = now() - a;
        smp_image_free(tmp);
        a = now();
        memcpy(copy, photo->px, rgb_bytes);
        cp[i] = now() - a;
    }
    double t_rt = median(rt, REPEATS), t_cp = median(cp, REPEATS);
    printf("photo %s: %ux%u (%.1f MP), %.2f px/mm; decode %.3f s\n", photo_path, (unsigned)photo->w,
           (unsigned)photo->h, mp, ppm, t_decode);
    printf("baseline jpeg decode+encode (q92 4:4:4): %.3f s, %.1f MP/s\n", t_rt, mp / t_rt);
    printf("baseline memcpy of the RGB image:        %.4f s, %.0f MP/s\n\n", t_cp, mp / t_cp);
    printf("| threads | stage | seconds | throughput | vs baseline |\n");
    printf("|---|---|---|---|---|\n");

    for (int ti = 4; ti < argc; ti++) {
        int threads = atoi(argv[ti]);
#ifdef _OPENMP
        omp_set_num_threads(threads);
#endif
        double tc[REPEATS], ts[REPEATS], tr[REPEATS], tall[REPEATS];
        size_t n_dots = 0;
        for (int i = 0; i < REPEATS; i++) {
            char msg[SMP_MSG_LEN];
            smp_notes notes = {0};
            smp_coverage cov;
            double a = now();
            if (smp__coverage_from_mask(&cov, mask, photo->w, photo->h, smp__coverage_cell(ppm), 1,
                                        &notes, msg) != SMP_OK ||
                smp__coverage_feather(&cov, 4.0 * ppm, threads, msg) != SMP_OK)
                die("coverage", msg);
            double b = now();
            smp_spts pts;
            smp_sample_in in = {.w_mm = photo->w / ppm, .h_mm = photo->h / ppm, .density_cm2 = 90,
                                .cov = &cov, .cov_px_per_mm = ppm, .seed = 1, .layer = 1};
            if (smp__sample(&in, &pts, msg) != SMP_OK)
                die("sample", msg);
            double c = now();
            smp_dot *dots = malloc((pts.n + 1) * sizeof *dots);
            for (size_t k = 0; k < pts.n; k++)
                dots[k] = (smp_dot){pts.p[k].x, pts.p[k].y, 0.28, 0.85f, 1, 1.0f, 0, 0};
            smp_image *after = smp_image_new();
            const float od[1][3] = {{2.8f, 2.5f, 2.3f}}; /* undiluted carbon black */
    smp_optics optics;
    double look_size, look_load;
    smp__optics_for_look(&optics, 0, SMP_CAST_NONE, &look_size, &look_load);
            if (smp__image_to_rgb(photo, after) != SMP_OK ||
                smp__render(after, dots, pts.n, ppm, &optics, od, 1, 0, NULL, 0, msg) != SMP_OK)
                die("render", msg);
            double d = now();
            smp_result *res = smp_result_new();
            if (smp_simulate(res, p, photo, mask) != SMP_OK)
                die("simulate", smp_result_message(res));
            tall[i] = now() - d;
            smp_result_free(res);
            tc[i] = b - a;
            ts[i] = c - b;
            tr[i] = d - c;
            n_dots = pts.n;
            smp_image_free(after);
            free(dots);
            smp__spts_free(&pts);
            smp__coverage_free(&cov);
            smp__notes_clear(&notes);
        }
        double c_ = median(tc, REPEATS), s_ = median(ts, REPEATS), r_ = median(tr, REPEATS),
               all = median(tall, REPEATS);
        printf("| %d | mask -> coverage + feather | %.3f | %.0f MP/s | %.2fx memcpy |\n", threads, c_,
               mp / c_, c_ / t_cp);
        printf("| %d | sample (%zu dots) | %.3f | %.2f M dots/s | - |\n", threads, n_dots, s_,
               n_dots / s_ / 1e6);
        printf("| %d | copy + render | %.3f | %.0f MP/s, %.2f M dots/s | %.2fx memcpy |\n", threads, r_,
               mp / r_, n_dots / r_ / 1e6, r_ / t_cp);
        printf("| %d | smp_simulate (all of the above) | %.3f | %.1f MP/s | %.2fx jpeg round trip |\n",
               threads, all, mp / all, all / t_rt);
    }
    printf("\npeak RSS of this process: %ld MB (RGB image: %.0f MB)\n", peak_rss_mb(),
           rgb_bytes / 1e6);
    remove(out);
    free(copy);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
    return 0;
}
