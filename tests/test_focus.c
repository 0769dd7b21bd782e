/* SPDX-License-Identifier: BSD-2-Clause */
/* The focus map: on a synthetic texture (dots, edges, lines, skin-like
 * noise) blurred by known Gaussians in different regions, the map reads each
 * region's sigma; a flat region takes its neighbours' value; the values do
 * not depend on the thread count; bad arguments are refused. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "focus.h"
#include "look.h"
#include "rng.h"
#include "scene.h"
#include "select.h"

#define W 960
#define H 480
#define PPM 10.0 /* cells of 40 px */
#define SS 4     /* supersampling of the sharp scene */

static const double SIGMAS[3] = {0.7, 1.5, 3.0}; /* by thirds across the width */

/* A sharp scene in linear light, area-sampled: nf random dots, rectangles
 * and strokes of sizes size0 .. size0 + span on a mid-grey, flat where
 * flat_x0 <= x < flat_x1. */
static float *sharp_scene(uint64_t seed, int flat_x0, int flat_x1, int nf, double size0, double span)
{
    float *img = calloc((size_t)W * H, sizeof *img);
    assert_non_null(img);
    uint64_t ctr = 0;
#define U() smp__u01(smp__hash(seed, 1, ctr++, 0))
    enum { NF = 700 };
    double f[NF][6];
    for (int k = 0; k < nf && k < NF; k++) {
        f[k][0] = U() * W, f[k][1] = U() * H;
        f[k][2] = size0 + span * U();              /* size */
        f[k][3] = U() * SMP_PI;                    /* angle */
        f[k][4] = 0.03 + 0.3 * U();                /* level */
        f[k][5] = (double)(k % 3);                                   /* 0 dot, 1 square, 2 stroke */
    }
    /* Painted in order on a supersampled canvas, then area-averaged. */
    float *ss = malloc(sizeof(float) * W * SS * H * SS);
    assert_non_null(ss);
    for (size_t i = 0; i < (size_t)W * SS * H * SS; i++)
        ss[i] = 0.18f;
    for (int k = 0; k < nf && k < NF; k++) {
        const double r = 2 * f[k][2], c = cos(f[k][3]), s = sin(f[k][3]);
        for (int sy = (int)fmax(0, (f[k][1] - r) * SS); sy < (int)fmin(H * SS, (f[k][1] + r) * SS); sy++)
            for (int sx = (int)fmax(0, (f[k][0] - r) * SS); sx < (int)fmin(W * SS, (f[k][0] + r) * SS); sx++) {
                const double dx = (sx + 0.5) / SS - f[k][0], dy = (sy + 0.5) / SS - f[k][1];
                const double u = dx * c + dy * s, w = dy * c - dx * s;
                const bool in = f[k][5] == 0   ? u * u + w * w < f[k][2] * f[k][2]
                                : f[k][5] == 1 ? fabs(u) < f[k][2] && fabs(w) < f[k][2]
                                               : fabs(u) < 2 * f[k][2] && fabs(w) < 1.5;
                if (in)
                    ss[(size_t)sy * W * SS + sx] = (float)f[k][4];
            }
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double acc = 0;
            for (int sy = 0; sy < SS; sy++)
                for (int sx = 0; sx < SS; sx++)
                    acc += ss[(size_t)(y * SS + sy) * W * SS + x * SS + sx];
            img[(size_t)y * W + x] = x >= flat_x0 && x < flat_x1 ? 0.18f : (float)(acc / (SS * SS));
        }
    free(ss);
    return img;
}

/* src blurred by a Gaussian of sigma s (edges replicated) into dst. */
static void blur(const float *src, float *dst, double s)
{
    const int r = (int)ceil(4 * s);
    double k[64], sum = 0;
    for (int t = -r; t <= r; t++)
        sum += k[t + r] = exp(-0.5 * t * t / (s * s));
    float *tmp = malloc(sizeof(float) * W * H);
    assert_non_null(tmp);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double a = 0;
            for (int t = -r; t <= r; t++)
                a += k[t + r] * src[(size_t)y * W + (x + t < 0 ? 0 : x + t >= W ? W - 1 : x + t)];
            tmp[(size_t)y * W + x] = (float)(a / sum);
        }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double a = 0;
            for (int t = -r; t <= r; t++)
                a += k[t + r] * tmp[(size_t)(y + t < 0 ? 0 : y + t >= H ? H - 1 : y + t) * W + x];
            dst[(size_t)y * W + x] = (float)(a / sum);
        }
    free(tmp);
}

static uint8_t to_srgb(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    v = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
    return (uint8_t)(255 * v + 0.5);
}

/* The test photo: the scene blurred by SIGMAS[x / (W / 3)], with skin-like
 * noise (1 % of the level, 2x2-correlated) added after the blur. */
static smp_image *photo(int flat_x0, int flat_x1)
{
    float *sharp = sharp_scene(7, flat_x0, flat_x1, 700, 3, 9), *b[3];
    for (int i = 0; i < 3; i++) {
        b[i] = malloc(sizeof(float) * W * H);
        assert_non_null(b[i]);
        blur(sharp, b[i], SIGMAS[i]);
    }
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, W, H, 3), SMP_OK);
    uint8_t *px = smp_image_data(img);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const double v = b[x / (W / 3)][(size_t)y * W + x];
            const double n = 0.01 * v * (smp__u01(smp__hash(11, 2, (uint64_t)(y / 2), (uint64_t)(x / 2))) * 2 - 1) * 1.7;
            px[((size_t)y * W + x) * 3] = to_srgb(v * 1.25 + n);
            px[((size_t)y * W + x) * 3 + 1] = to_srgb(v + n);
            px[((size_t)y * W + x) * 3 + 2] = to_srgb(v * 0.9 + n);
        }
    for (int i = 0; i < 3; i++)
        free(b[i]);
    free(sharp);
    return img;
}

/* A defocused photo as a phone makes it: a scene of few, large, faint
 * features (a fifth of sharp_scene's contrast) blurred by sigma (px),
 * sharpened (unsharp mask of 1 px, amount 0.8), with grain (2 % of the
 * level, 2x2-correlated) and JPEG-like noise: in each 8x8 block, three
 * random DCT patterns of up to 1.5 % of the level. */
static smp_image *soft_photo(double sigma)
{
    float *sharp = sharp_scene(5, 0, 0, 60, 10, 30), *b = malloc(sizeof(float) * W * H);
    float *b1 = malloc(sizeof(float) * W * H);
    assert_non_null(b);
    assert_non_null(b1);
    for (size_t i = 0; i < (size_t)W * H; i++)
        sharp[i] = 0.18f + 0.2f * (sharp[i] - 0.18f);
    blur(sharp, b, sigma);
    blur(b, b1, 1.0);
    for (size_t i = 0; i < (size_t)W * H; i++)
        b[i] += 0.8f * (b[i] - b1[i]);
    uint64_t ctr = 0;
    for (int by = 0; by < H; by += 8)
        for (int bx = 0; bx < W; bx += 8)
            for (int k = 0; k < 3; k++) {
                const int u = 1 + (int)(7 * smp__u01(smp__hash(13, 3, ctr++, 0)));
                const int v = (int)(8 * smp__u01(smp__hash(13, 3, ctr++, 0)));
                const double a = 0.015 * (2 * smp__u01(smp__hash(13, 3, ctr++, 0)) - 1);
                for (int y = by; y < by + 8; y++)
                    for (int x = bx; x < bx + 8; x++)
                        b[(size_t)y * W + x] *= (float)(1 + a * cos(SMP_PI * (2 * (x - bx) + 1) * u / 16) *
                                                            cos(SMP_PI * (2 * (y - by) + 1) * v / 16));
            }
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, W, H, 3), SMP_OK);
    uint8_t *px = smp_image_data(img);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const double v = b[(size_t)y * W + x];
            const double n = 0.02 * v * (smp__u01(smp__hash(17, 2, (uint64_t)(y / 2), (uint64_t)(x / 2))) * 2 - 1) * 1.7;
            px[((size_t)y * W + x) * 3] = to_srgb(v * 1.25 + n);
            px[((size_t)y * W + x) * 3 + 1] = to_srgb(v + n);
            px[((size_t)y * W + x) * 3 + 2] = to_srgb(v * 0.9 + n);
        }
    free(b1);
    free(b);
    free(sharp);
    return img;
}

/* The median of the map's cells whose centres lie in [x0, x1) x [y0, y1). */
static double region_median(const smp_focus *f, int x0, int x1, int y0, int y1)
{
    float v[4096];
    int n = 0;
    for (uint32_t j = 0; j < f->gh; j++)
        for (uint32_t i = 0; i < f->gw; i++) {
            const double cx = (i + 0.5) * f->cell_px, cy = (j + 0.5) * f->cell_px;
            if (cx >= x0 && cx < x1 && cy >= y0 && cy < y1 && n < 4096)
                v[n++] = f->sigma[j * f->gw + i];
        }
    assert_true(n > 0);
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && v[b - 1] > v[b]; b--) {
            const float t = v[b];
            v[b] = v[b - 1];
            v[b - 1] = t;
        }
    return v[n / 2];
}

static void test_recovers_sigma(void **state)
{
    (void)state;
    smp_image *img = photo(0, 0);
    const uint32_t box[4] = {0, 0, W, H};
    smp_focus f;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__focus_map(img, box, PPM, &f, 2, msg), SMP_OK);
    assert_int_equal(f.cell_px, 40);
    assert_int_equal(f.gw, W / 40);
    assert_int_equal(f.gh, H / 40);
    for (int r = 0; r < 3; r++) {
        /* The region less a cell and the smoothing's reach at its sides. */
        const double m = region_median(&f, r * W / 3 + 60, (r + 1) * W / 3 - 60, 0, H);
        print_message("sigma %.2f: map median %.3f (%+.1f %%)\n", SIGMAS[r], m, 100 * (m / SIGMAS[r] - 1));
        assert_true(fabs(m / SIGMAS[r] - 1) < 0.25);
    }
    /* Bilinear reads agree with the cells at their centres; 0 without a map. */
    assert_float_equal(smp__focus_at(&f, 60, 100), f.sigma[2 * f.gw + 1], 1e-5);
    assert_float_equal(smp__focus_at(NULL, 60, 100), 0, 0);
    smp__focus_free(&f);
    assert_null(f.sigma);
    smp_image_free(img);
}

static void test_flat_takes_neighbours(void **state)
{
    (void)state;
    /* A flat 4-cell-wide band inside the sigma-3 region. */
    smp_image *img = photo(720, 880);
    const uint32_t box[4] = {0, 0, W, H};
    smp_focus f;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__focus_map(img, box, PPM, &f, 2, msg), SMP_OK);
    const double flat = region_median(&f, 760, 840, 0, H), side = region_median(&f, 680, 720, 0, H);
    print_message("flat band %.3f, beside it %.3f\n", flat, side);
    assert_true(fabs(flat / SIGMAS[2] - 1) < 0.3);
    assert_true(fabs(flat / side - 1) < 0.2);
    smp__focus_free(&f);
    smp_image_free(img);
}

static void test_defocused_sparse_noisy(void **state)
{
    (void)state;
    /* Little detail, all of it defocused by 4 px, under sharpening and
     * noise that read sharp at fine scales (the map read 2.0 here before
     * its coarser levels). */
    smp_image *img = soft_photo(4.0);
    const uint32_t box[4] = {0, 0, W, H};
    smp_focus f;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__focus_map(img, box, PPM, &f, 2, msg), SMP_OK);
    const double m = region_median(&f, 0, W, 0, H);
    smp_focus t = f;
    t.sigma = f.trust;
    print_message("sigma 4.00 (sparse, noisy): map median %.3f, trust median %.2f, in focus %.2f\n", m,
                  region_median(&t, 0, W, 0, H), f.sharp_px);
    assert_true(m >= 3.0 && m <= 6.0);
    /* All of it defocused: where the map is sure, it says so. */
    assert_true(isnan(f.sharp_px) || f.sharp_px >= 3.0);
    smp__focus_free(&f);
    smp_image_free(img);
}

/* The median of the map's trust over the cells whose centres lie in
 * [x0, x1) x [0, H). */
static double trust_median(const smp_focus *f, int x0, int x1)
{
    smp_focus t = *f;
    t.sigma = f->trust;
    return region_median(&t, x0, x1, 0, H);
}

static void test_trust(void **state)
{
    (void)state;
    /* Edges and lines everywhere: trusted, blurred or not; a flat band
     * 4 cells wide (whose blur is its neighbours'): not in its middle. */
    smp_image *img = photo(720, 880);
    const uint32_t box[4] = {0, 0, W, H};
    smp_focus f;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__focus_map(img, box, PPM, &f, 2, msg), SMP_OK);
    const double t[3] = {trust_median(&f, 60, W / 3 - 60), trust_median(&f, W / 3 + 60, 2 * W / 3 - 60),
                         trust_median(&f, 2 * W / 3, 720 - 40)},
                 flat = trust_median(&f, 780, 820);
    print_message("trust: sigma %.1f %.2f, %.1f %.2f, %.1f %.2f; flat band %.2f\n", SIGMAS[0], t[0], SIGMAS[1], t[1],
                  SIGMAS[2], t[2], flat);
    for (int r = 0; r < 3; r++)
        assert_true(t[r] > 0.9);
    assert_true(flat == 0);
    /* The photo's in-focus blur: the lower quartile of the trusted cells
     * lies in the sharpest third. */
    print_message("in focus: %.2f px (the sharpest third %.1f)\n", f.sharp_px, SIGMAS[0]);
    assert_true(fabs(f.sharp_px / SIGMAS[0] - 1) < 0.3);
    assert_float_equal(smp__focus_trust_at(&f, 800, 240), 0, 0);
    assert_float_equal(smp__focus_trust_at(NULL, 60, 100), 0, 0);
    smp__focus_free(&f);
    assert_null(f.trust);
    smp_image_free(img);
}

static void test_sharp_from_hairs(void **state)
{
    (void)state;
    /* The bundled sample's scene (tools/gen_scalp: 120 x 90 mm at 8 px/mm):
     * sharp stubble strokes, whose blur level 1 does not read, round a bald
     * oval of smooth mottled skin, which reads 1.5-2.8 px. No cell is
     * trusted, so the in-focus blur comes from the sharper quarter of all
     * cells, the stubble's: the dots in the oval take 0.1 mm at most, where
     * they took 1.5 px (0.19 mm) when it was unknown. */
    scalp_scene sc = {960, 720, 8, 7, 120, 0, 0.28, 0.3, 0.85};
    smp_image *img = smp_image_new(), *mask = smp_image_new();
    assert_int_equal(scalp_scene_make(&sc, img, mask), 0);
    const uint32_t box[4] = {0, 0, 960, 720};
    smp_focus f;
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__focus_map(img, box, 8, &f, 2, msg), SMP_OK);
    const double oval = smp__focus_at(&f, 480, 346), dot = smp__dot_photo_blur_mm(&f, 480, 346, 8);
    print_message("sample: in focus %.2f px, the oval reads %.2f px, its dots take %.3f mm\n", f.sharp_px, oval, dot);
    assert_false(isnan(f.sharp_px));
    assert_true(f.sharp_px < 1.0);
    assert_true(oval > 1.2); /* the mottle still reads soft... */
    assert_true(dot <= SMP_MAX_PHOTO_BLUR_MM + 1e-9); /* ...and the dots are not blurred by it */
    smp__focus_free(&f);
    smp_image_free(img);
    smp_image_free(mask);
}

static void test_threads_and_args(void **state)
{
    (void)state;
    smp_image *img = photo(0, 0);
    const uint32_t box[4] = {50, 30, 700, 411};
    smp_focus f[3];
    char msg[SMP_MSG_LEN];
    for (int t = 0; t < 3; t++)
        assert_int_equal(smp__focus_map(img, box, PPM, &f[t], t + 1, msg), SMP_OK);
    assert_int_equal(f[0].gw, 18);
    assert_int_equal(f[0].gh, 11);
    for (int t = 1; t < 3; t++) {
        assert_memory_equal(f[0].sigma, f[t].sigma, sizeof(float) * f[0].gw * f[0].gh);
        assert_memory_equal(f[0].trust, f[t].trust, sizeof(float) * f[0].gw * f[0].gh);
        assert_memory_equal(&f[0].sharp_px, &f[t].sharp_px, sizeof f[0].sharp_px);
    }
    for (int t = 0; t < 3; t++)
        smp__focus_free(&f[t]);
    smp_focus g;
    const uint32_t out[4] = {900, 0, 100, 10}, empty[4] = {0, 0, 0, 10};
    assert_int_equal(smp__focus_map(img, out, PPM, &g, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__focus_map(img, empty, PPM, &g, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__focus_map(img, box, 0.0, &g, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__focus_map(NULL, box, PPM, &g, 1, msg), SMP_ERR_ARG);
    /* Narrow and short boxes, whose last cell may hold no column or row at
     * the coarser levels (a 36 x 1 box at 8.67 px/mm read past a buffer). */
    static const uint32_t hs[] = {1, 5, 37};
    for (uint32_t w = 1; w <= 80; w++)
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 2; k++) {
                const uint32_t h = hs[i], b[4] = {3, 5, w, h};
                assert_int_equal(smp__focus_map(img, b, k ? 8.67 : 3.1, &g, 1, msg), SMP_OK);
                assert_non_null(g.sigma);
                smp__focus_free(&g);
                const uint32_t t[4] = {3, 5, h, w};
                assert_int_equal(smp__focus_map(img, t, k ? 8.67 : 3.1, &g, 1, msg), SMP_OK);
                smp__focus_free(&g);
            }
    smp_image_free(img);
}

/* The order statistics under the map's medians: exact, and safe at the ends. */
static void test_order_statistics(void **state)
{
    (void)state;
    float v[9] = {5, 1, 4, 1, 5, 9, 2, 6, 5};
    const float sorted[9] = {1, 1, 2, 4, 5, 5, 5, 6, 9};
    for (size_t k = 0; k < 9; k++) {
        float w[9];
        memcpy(w, v, sizeof w);
        assert_float_equal(smp__kth_float(w, 9, k), sorted[k], 0);
    }
    assert_float_equal(smp__kth_float(v, 9, 40), 9, 0);
    assert_true(isnan(smp__kth_float(v, 0, 0)));
    double d[1] = {2.5};
    assert_float_equal(smp__kth_double(d, 1, 0), 2.5, 0);
    assert_true(isnan(smp__kth_double(d, 0, 0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_sigma),
        cmocka_unit_test(test_flat_takes_neighbours),
        cmocka_unit_test(test_defocused_sparse_noisy),
        cmocka_unit_test(test_trust),
        cmocka_unit_test(test_sharp_from_hairs),
        cmocka_unit_test(test_threads_and_args),
        cmocka_unit_test(test_order_statistics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
