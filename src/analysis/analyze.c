/* SPDX-License-Identifier: BSD-2-Clause */
/* Point-set analysis: count, density, nearest-neighbour statistics and
 * Lagae & Dutre's rho, and the radially averaged power spectrum with its
 * anisotropy (definitions after Schlomer, Heck & Deussen's PSA tool).
 *
 * Spectra come from FFTW (Debian's libfftw3): the points are binned on a
 * grid fine enough for the frequencies reported (up to 4 / d_hex), and the
 * periodogram |sum exp(-2 pi i f.x)|^2 / n is the squared FFT of the bins.
 * Large sets are cut into windows of about 4096 points whose periodograms
 * are averaged (Welch), so millions of points take seconds, not the hours
 * an exact periodogram over all points and frequencies would. The
 * nearest-neighbour search runs in parallel; every sum is taken in point
 * or window order, so the numbers do not depend on the thread count. */
#include "internal.h"

#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define M 512              /* FFT grid per window */
#define WINDOW_POINTS 4096 /* about this many points per window */
#define HIST_BINS 60       /* nearest-neighbour histogram over 0..1.5 d_hex */

struct smp_analysis {
    size_t n;
    double w_mm, h_mm, density_cm2, d_hex;
    double nn_min, nn_mean, rho_min, rho_mean;
    double hist[HIST_BINS];
    size_t n_radial;
    double *radial, *anisotropy; /* per frequency bin of width freq_step (in 1/d_hex) */
    double freq_step;
    float *spectrum; /* M x M, averaged, zero frequency at the centre */
    int threads;     /* for the neighbour search; 0: OpenMP's default */
    char msg[SMP_MSG_LEN];
};

/* FFTW's planner is not thread-safe; execution is. */
static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

smp_analysis *smp_analysis_new(void) { return calloc(1, sizeof(smp_analysis)); }

void smp_analysis_free(smp_analysis *a)
{
    if (!a)
        return;
    free(a->radial);
    free(a->anisotropy);
    free(a->spectrum);
    free(a);
}

const char *smp_analysis_message(const smp_analysis *a) { return a ? a->msg : "no analysis"; }

smp_status smp_analysis_set_threads(smp_analysis *a, int threads)
{
    if (!a)
        return SMP_ERR_ARG;
    smp_status st = smp__check_threads(threads, a->msg);
    if (st == SMP_OK)
        a->threads = threads;
    return st;
}

/* Nearest-neighbour distance of every point, through buckets. */
static smp_status nearest(smp_analysis *a, const double *xy, size_t n, double *nn)
{
    const double cell = a->d_hex;
    const size_t gw = (size_t)(a->w_mm / cell) + 1, gh = (size_t)(a->h_mm / cell) + 1;
    size_t cells;
    if (!smp__mul(gw, gh, &cells) || cells > 4 * n + 1024)
        return smp__fail(a->msg, SMP_ERR_ARG, "the points are spread too thinly over the area to analyse");
    size_t *head = malloc(cells * sizeof *head), *next = malloc(n * sizeof *next);
    if (!head || !next) {
        free(head);
        free(next);
        return smp__fail(a->msg, SMP_ERR_NOMEM, "cannot allocate the neighbour search");
    }
    for (size_t i = 0; i < cells; i++)
        head[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)(xy[2 * i + 1] / cell) * gw + (size_t)(xy[2 * i] / cell);
        next[i] = head[g];
        head[g] = i;
    }
    long long nn_ = (long long)n;
    const int nt = smp__threads(a->threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 1024) num_threads(nt))
    for (long long ii = 0; ii < nn_; ii++) {
        size_t i = (size_t)ii;
        long gx = (long)(xy[2 * i] / cell), gy = (long)(xy[2 * i + 1] / cell);
        double best = INFINITY;
        /* Rings of buckets until the next ring cannot hold anything nearer. */
        for (long ring = 1; ring < 1 << 20; ring++) {
            for (long y = gy - ring; y <= gy + ring; y++)
                for (long x = gx - ring; x <= gx + ring; x++) {
                    if (x < 0 || y < 0 || x >= (long)gw || y >= (long)gh)
                        continue;
                    for (size_t j = head[(size_t)y * gw + (size_t)x]; j != SIZE_MAX; j = next[j])
                        if (j != i)
                            best = fmin(best, hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]));
                }
            if (best <= ring * cell || (ring > (long)gw && ring > (long)gh))
                break;
        }
        nn[i] = best;
    }
    free(head);
    free(next);
    return SMP_OK;
}

/* The spectrum's radial average and anisotropy per ring of one frequency
 * step. */
static smp_status radial_average(smp_analysis *a)
{
    a->n_radial = M / 2;
    a->radial = calloc(a->n_radial, sizeof *a->radial);
    a->anisotropy = calloc(a->n_radial, sizeof *a->anisotropy);
    double *sq = calloc(a->n_radial, sizeof *sq);
    size_t *cnt = calloc(a->n_radial, sizeof *cnt);
    const int ok = a->radial && a->anisotropy && sq && cnt;
    if (ok) {
        for (int y = 0; y < M; y++)
            for (int x = 0; x < M; x++) {
                double r = hypot(x - M / 2.0, y - M / 2.0); /* M is even */
                size_t k = (size_t)lrint(r);
                if (k == 0 || k >= a->n_radial)
                    continue;
                double p = a->spectrum[(size_t)y * M + x];
                a->radial[k] += p;
                sq[k] += p * p;
                cnt[k]++;
            }
        for (size_t k = 1; k < a->n_radial; k++) {
            double mean = cnt[k] ? a->radial[k] / cnt[k] : 0, var = cnt[k] ? sq[k] / cnt[k] - mean * mean : 0;
            a->radial[k] = mean;
            a->anisotropy[k] = mean > 0 && var > 0 ? 10 * log10(var / (mean * mean)) : 0;
        }
    }
    free(sq);
    free(cnt);
    return ok ? SMP_OK : smp__fail(a->msg, SMP_ERR_NOMEM, "cannot allocate the spectrum");
}

/* Averaged periodogram over windows of about WINDOW_POINTS points, serial:
 * the windows are summed in order on one FFTW plan. */
static smp_status spectrum(smp_analysis *a, const double *xy, size_t n)
{
    /* Window side: WINDOW_POINTS points' worth of area, at most the area. */
    double side = sqrt(WINDOW_POINTS * a->w_mm * a->h_mm / (double)n);
    side = fmin(side, fmin(a->w_mm, a->h_mm));
    const long wx = (long)(a->w_mm / side), wy = (long)(a->h_mm / side);
    const long windows = (wx > 0 ? wx : 1) * (wy > 0 ? wy : 1);
    double *sum = calloc((size_t)M * M, sizeof *sum);
    a->spectrum = malloc((size_t)M * M * sizeof *a->spectrum);
    double *grid = fftw_alloc_real((size_t)M * M);
    fftw_complex *freq = fftw_alloc_complex((size_t)M * (M / 2 + 1));
    fftw_plan plan = NULL;
    if (sum && a->spectrum && grid && freq) {
        pthread_mutex_lock(&planner);
        plan = fftw_plan_dft_r2c_2d(M, M, grid, freq, FFTW_ESTIMATE);
        pthread_mutex_unlock(&planner);
    }
    if (!plan) {
        free(sum);
        fftw_free(grid);
        fftw_free(freq);
        return smp__fail(a->msg, SMP_ERR_NOMEM, "cannot allocate the spectrum");
    }
    const long nwx = wx > 0 ? wx : 1;
    for (long w = 0; w < windows; w++) { /* windows in order: the same sums every time */
        const long cx = w % nwx, cy = w / nwx;
        memset(grid, 0, (size_t)M * M * sizeof *grid);
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            double fx = xy[2 * i] / side - cx, fy = xy[2 * i + 1] / side - cy;
            if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1))
                continue;
            grid[(size_t)(fy * M) * M + (size_t)(fx * M)] += 1;
            count++;
        }
        fftw_execute(plan);
        const double norm = count ? 1.0 / (double)count : 0;
        for (int y = 0; y < M; y++)
            for (int x = 0; x <= M / 2; x++) {
                const double *c = freq[(size_t)y * (M / 2 + 1) + x];
                double p = (c[0] * c[0] + c[1] * c[1]) * norm;
                /* Unfold the half spectrum (P(-f) = P(f)), zero frequency at the
                 * centre; columns 0 and M/2 are their own mirror images. */
                int yy = (y + M / 2) % M, xx = (x + M / 2) % M, mx = (M - x + M / 2) % M, my = (M - y + M / 2) % M;
                sum[(size_t)yy * M + xx] += p;
                if (x > 0 && x < M / 2)
                    sum[(size_t)my * M + mx] += p;
            }
    }
    for (size_t i = 0; i < (size_t)M * M; i++)
        a->spectrum[i] = (float)(sum[i] / windows);
    a->spectrum[(size_t)(M / 2) * M + M / 2] = 0;            /* the DC term says only "n points" */
    a->freq_step = a->d_hex / side; /* a ring of one grid frequency, in units of 1 / d_hex */
    pthread_mutex_lock(&planner);
    fftw_destroy_plan(plan);
    pthread_mutex_unlock(&planner);
    free(sum);
    fftw_free(grid);
    fftw_free(freq);
    return radial_average(a);
}

smp_status smp_analyze_points(smp_analysis *a, const double *xy, size_t n, double w_mm, double h_mm)
{
    if (!a)
        return SMP_ERR_ARG;
    free(a->radial);
    free(a->anisotropy);
    free(a->spectrum);
    const int threads = a->threads;
    memset(a, 0, sizeof *a);
    a->threads = threads;
    if (!xy || n < 2 || !(w_mm > 0) || !(h_mm > 0))
        return smp__fail(a->msg, SMP_ERR_ARG, "analysis needs at least two points and a positive area");
    for (size_t i = 0; i < n; i++)
        if (!(xy[2 * i] >= 0 && xy[2 * i] < w_mm && xy[2 * i + 1] >= 0 && xy[2 * i + 1] < h_mm))
            return smp__fail(a->msg, SMP_ERR_ARG, "point %zu (%g, %g) lies outside 0..%g x 0..%g mm", i + 1,
                             xy[2 * i], xy[2 * i + 1], w_mm, h_mm);
    a->n = n;
    a->w_mm = w_mm;
    a->h_mm = h_mm;
    a->density_cm2 = n / (w_mm * h_mm / 100.0);
    a->d_hex = sqrt(2.0 * w_mm * h_mm / (sqrt(3.0) * (double)n));
    double *nn = malloc(n * sizeof *nn);
    if (!nn)
        return smp__fail(a->msg, SMP_ERR_NOMEM, "cannot allocate %zu distances", n);
    smp_status st = nearest(a, xy, n, nn);
    if (st == SMP_OK) {
        double sum = 0, mn = INFINITY;
        for (size_t i = 0; i < n; i++) { /* in point order: the same sum on any thread count */
            sum += nn[i];
            mn = fmin(mn, nn[i]);
            int b = (int)(nn[i] / a->d_hex / 1.5 * HIST_BINS);
            a->hist[b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b] += 1.0 / n;
        }
        if (!(sum > 0))
            st = smp__fail(a->msg, SMP_ERR_ARG, "each of the %zu points coincides with another: no spacing to analyse", n);
        a->nn_min = mn;
        a->nn_mean = sum / n;
        a->rho_min = mn / a->d_hex;
        a->rho_mean = a->nn_mean / a->d_hex;
        if (st == SMP_OK)
            st = spectrum(a, xy, n);
    }
    free(nn);
    return st;
}

size_t smp_analysis_count(const smp_analysis *a) { return a ? a->n : 0; }
double smp_analysis_density(const smp_analysis *a) { return a ? a->density_cm2 : 0; }

void smp_analysis_nearest(const smp_analysis *a, double *min_mm, double *mean_mm, double *rho_min,
                          double *rho_mean)
{
    if (min_mm)
        *min_mm = a->nn_min;
    if (mean_mm)
        *mean_mm = a->nn_mean;
    if (rho_min)
        *rho_min = a->rho_min;
    if (rho_mean)
        *rho_mean = a->rho_mean;
}

const double *smp_analysis_histogram(const smp_analysis *a, size_t *bins, double *bin_width)
{
    if (bins)
        *bins = HIST_BINS;
    if (bin_width)
        *bin_width = 1.5 / HIST_BINS;
    return a->hist;
}

const double *smp_analysis_radial(const smp_analysis *a, size_t *n, double *freq_step, const double **anisotropy_db)
{
    if (n)
        *n = a->n_radial;
    if (freq_step)
        *freq_step = a->freq_step;
    if (anisotropy_db)
        *anisotropy_db = a->anisotropy;
    return a->radial;
}

const float *smp_analysis_spectrum(const smp_analysis *a, int *size)
{
    if (size)
        *size = a->spectrum ? M : 0;
    return a->spectrum;
}
