/* SPDX-License-Identifier: BSD-2-Clause */
/* The realism measures on images whose answer is known: an unchanged photo,
 * a core darkened by a known factor with a shine patch left alone, a dot
 * pattern whose contrast is worked out independently (direct 2-D
 * convolution), a strand map with one changed pixel, and any thread count. */
#include "testutil.h"

#include <math.h>

#include "realism.h"
#include "scene.h"
#include "color.h"

#define PPM 16.0

typedef struct fixture {
    smp_image *photo, *mask, *after;
    smp_coverage cov;
    smp_shade sh;
} fixture;

static void analyze(fixture *f)
{
    char msg[SMP_MSG_LEN] = "";
    smp_notes notes = {0};
    const smp_image *p = f->photo;
    if (smp__coverage_from_mask(&f->cov, f->mask, p->w, p->h, smp__coverage_cell(PPM), 1, &notes, msg) != SMP_OK ||
        smp__shade_analyze(&f->sh, p, &f->cov, NULL, PPM, 0, msg) != SMP_OK)
        fail_msg("analysis: %s", msg);
    smp__notes_clear(&notes);
    assert_true(f->sh.core_cells > 0);
}

static int in_core(const fixture *f, uint32_t x, uint32_t y)
{
    const smp_coverage *g = &f->sh.grid;
    return f->sh.core[(size_t)(y / g->cell) * g->gw + x / g->cell];
}

/* The synthetic scalp (stubble around a bald patch), with a bright square of
 * side `shine` px (0: none) at the core's middle; after = a copy. */
static void make_scene(fixture *f, int shine)
{
    scalp_scene sc = {1200, 900, PPM, 7, 30, 0, 0.2, 0, 0};
    f->photo = smp_image_new();
    f->mask = smp_image_new();
    f->after = smp_image_new();
    assert_int_equal(scalp_scene_make(&sc, f->photo, f->mask), 0);
    for (int y = 0; y < shine; y++)
        for (int x = 0; x < shine; x++)
            memset(f->photo->px + ((size_t)(432 + y) * 1200 + 600 + x) * 3, 250, 3);
    analyze(f);
    assert_int_equal(smp_image_crop(f->after, f->photo, 0, 0, 1200, 900), SMP_OK);
}

static void free_fixture(fixture *f)
{
    smp__shade_free(&f->sh);
    smp__coverage_free(&f->cov);
    smp_image_free(f->photo);
    smp_image_free(f->mask);
    smp_image_free(f->after);
}

static smp_realism measure_blurred(const fixture *f, const uint8_t *strands, const double *blur_px, int threads)
{
    smp_realism r;
    char msg[SMP_MSG_LEN] = "";
    const smp_skin_maps skin = {NULL, strands, {0, 0, f->photo->w, f->photo->h}, NULL};
    if (smp__measure_realism(f->photo, f->after, &f->sh, PPM, strands ? &skin : NULL, blur_px, &r, threads, msg) !=
        SMP_OK)
        fail_msg("measure: %s", msg);
    return r;
}

static smp_realism measure(const fixture *f, const uint8_t *strands, int threads)
{
    return measure_blurred(f, strands, NULL, threads);
}

static uint8_t encode(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return (uint8_t)lrint(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055));
}

static void test_unchanged(void **state)
{
    (void)state;
    fixture f = {0};
    make_scene(&f, 0);
    smp_realism r = measure(&f, NULL, 2);
    print_message("unchanged: contrast core %.4f, reference %.4f, %zu + %zu px\n", r.contrast_core_before,
                  r.contrast_reference, r.core_px, r.shine_px);
    assert_true(r.core_darkening == 0);
    assert_true(r.shine_px == 0 && isnan(r.shine_darkening)); /* nothing 1.25 x the median */
    assert_true(r.core_px > 100000);
    assert_true(r.contrast_core_after == r.contrast_core_before);
    assert_true(r.contrast_ratio == r.contrast_core_before / r.contrast_reference);
    assert_true(r.contrast_core_before > 0 && r.contrast_reference > 0);
    assert_true(isnan(r.strand_max_diff) && r.strand_px == 0);
    free_fixture(&f);
}

/* after = before x 0.8 in linear light over the core, but for the shine. */
static void darken_core(fixture *f)
{
    for (uint32_t y = 0; y < f->photo->h; y++)
        for (uint32_t x = 0; x < f->photo->w; x++) {
            const size_t i = ((size_t)y * f->photo->w + x) * 3;
            if (in_core(f, x, y) && f->photo->px[i] != 250)
                for (int c = 0; c < 3; c++)
                    f->after->px[i + c] = encode(0.8 * smp__srgb_to_linear(f->photo->px[i + c]));
        }
}

static void test_darkening_and_shine(void **state)
{
    (void)state;
    fixture f = {0};
    make_scene(&f, 12);
    darken_core(&f);
    smp_realism r = measure(&f, NULL, 2);
    print_message("x0.8: core darkening %.4f (%zu px), shine %.4f (%zu px)\n", r.core_darkening, r.core_px,
                  r.shine_darkening, r.shine_px);
    assert_true(fabs(r.core_darkening - 0.2) < 0.01);
    assert_true(r.shine_px == 144); /* the scene's own highlight stays under 1.25 x the median */
    assert_true(fabs(r.shine_darkening) < 1e-9);
    /* Identical figures for any thread count. */
    for (int t = 1; t <= 3; t++) {
        smp_realism q = measure(&f, NULL, t);
        assert_memory_equal(&q, &r, sizeof q);
    }
    free_fixture(&f);
}

/* A flat grey photo (a mask rectangle) and a dot pattern over it in the
 * after image: 3 x 3 px dots of level 90 on 180, every 16 px. */
#define PERIOD 16
static int dot_at(long x, long y)
{
    return (x % PERIOD + PERIOD) % PERIOD < 3 && (y % PERIOD + PERIOD) % PERIOD < 3;
}

static void make_flat(fixture *f)
{
    f->photo = smp_image_new();
    f->mask = smp_image_new();
    f->after = smp_image_new();
    assert_int_equal(smp_image_alloc(f->photo, 640, 480, 3), SMP_OK);
    assert_int_equal(smp_image_alloc(f->mask, 640, 480, 1), SMP_OK);
    memset(f->photo->px, 180, (size_t)640 * 480 * 3);
    for (uint32_t y = 80; y < 400; y++)
        memset(f->mask->px + (size_t)y * 640 + 100, 255, 440);
    analyze(f);
    assert_int_equal(smp_image_crop(f->after, f->photo, 0, 0, 640, 480), SMP_OK);
    for (uint32_t y = 80; y < 400; y++)
        for (uint32_t x = 100; x < 540; x++)
            if (dot_at(x, y))
                memset(f->after->px + ((size_t)y * 640 + x) * 3, 90, 3);
}

/* The pattern's contrast over the core, blurred by extra px more, by
 * direct 2-D convolution in doubles with the same truncated, normalised
 * Gaussians. */
static double pattern_contrast(const fixture *f, double extra)
{
    const double sig[2] = {hypot(0.04 * PPM, extra), hypot(0.4 * PPM, extra)};
    const double lo = smp__srgb_to_linear(90), hi = smp__srgb_to_linear(180);
    double table[PERIOD][PERIOD][2];
    for (int q = 0; q < 2; q++) {
        const int r = (int)ceil(3 * sig[q]);
        double w[64], sum = 0;
        for (int i = -r; i <= r; i++)
            sum += w[i + r] = exp(-0.5 * i * i / (sig[q] * sig[q]));
        for (int y = 0; y < PERIOD; y++)
            for (int x = 0; x < PERIOD; x++) {
                double acc = 0;
                for (int j = -r; j <= r; j++)
                    for (int i = -r; i <= r; i++)
                        acc += w[i + r] * w[j + r] / (sum * sum) * (dot_at(x + i, y + j) ? lo : hi);
                table[y][x][q] = acc;
            }
    }
    double s = 0, s2 = 0, n = 0;
    for (uint32_t y = 0; y < 480; y++)
        for (uint32_t x = 0; x < 640; x++)
            if (in_core(f, x, y)) {
                const double *t = table[y % PERIOD][x % PERIOD], c = (t[0] - t[1]) / t[1];
                s += c;
                s2 += c * c;
                n++;
            }
    return sqrt(s2 / n - (s / n) * (s / n));
}

static void test_dot_pattern_contrast(void **state)
{
    (void)state;
    fixture f = {0};
    make_flat(&f);
    smp_realism r = measure(&f, NULL, 3);
    const double want = pattern_contrast(&f, 0);
    print_message("dots: contrast core %.5f -> %.5f, direct convolution %.5f\n", r.contrast_core_before,
                  r.contrast_core_after, want);
    assert_true(r.contrast_core_before < 1e-6); /* flat */
    assert_true(fabs(r.contrast_core_after - want) < 1e-3 * want);
    free_fixture(&f);
}

/* Core and reference compared at one blur: the sharper region is blurred
 * to the blurrier one's sigma first (the Gaussians add in quadrature). */
static void test_blur_matched_contrast(void **state)
{
    (void)state;
    assert_true(fabs(smp__texture_core_blur((const double[2]){1.0, 5.0}) - sqrt(24.0)) < 1e-12);
    assert_true(smp__texture_core_blur((const double[2]){2.0, 2.0}) == 0);
    assert_true(smp__texture_core_blur((const double[2]){5.0, 1.0}) == 0); /* a sharper reference: left alone */
    assert_true(smp__texture_core_blur((const double[2]){1.0, NAN}) == 0); /* unknown: as photographed */

    fixture f = {0};
    make_flat(&f);
    const smp_realism sharp = measure(&f, NULL, 2), matched = measure_blurred(&f, NULL, (const double[2]){0.5, 2.5}, 3);
    const double want = pattern_contrast(&f, sqrt(2.5 * 2.5 - 0.5 * 0.5));
    print_message("dots: contrast %.5f as photographed, %.5f at the reference's blur (direct %.5f)\n",
                  sharp.contrast_core_after, matched.contrast_core_after, want);
    assert_true(fabs(matched.contrast_core_after - want) < 1e-3 * want);
    assert_true(matched.contrast_core_after < 0.5 * sharp.contrast_core_after);
    assert_true(matched.blur_px[0] == 0.5 && matched.blur_px[1] == 2.5);
    free_fixture(&f);
}

static void test_strand_change(void **state)
{
    (void)state;
    fixture f = {0};
    make_scene(&f, 0);
    uint8_t *strands = calloc((size_t)1200 * 900, 1);
    assert_non_null(strands);
    for (uint32_t y = 400; y < 405; y++) /* a strand of 5 x 5 px wholly hair in the core */
        memset(strands + (size_t)y * 1200 + 600, 255, 5);
    for (uint32_t y = 420; y < 425; y++) /* and one whose pixels are part skin, which darkens */
        memset(strands + (size_t)y * 1200 + 600, 200, 5);
    for (uint32_t y = 10; y < 15; y++) /* and one far outside the mask, changed a lot */
        memset(strands + (size_t)y * 1200 + 10, 255, 5);
    f.after->px[((size_t)12 * 1200 + 12) * 3] ^= 0xff;
    uint8_t *p = f.after->px + ((size_t)402 * 1200 + 602) * 3 + 1;
    *p = (uint8_t)(*p >= 37 ? *p - 37 : *p + 37);
    p = f.after->px + ((size_t)422 * 1200 + 602) * 3 + 1;
    *p = (uint8_t)(*p >= 50 ? *p - 50 : *p + 50);
    smp_realism r = measure(&f, strands, 2);
    assert_true(r.strand_max_diff == 37);
    assert_true(r.strand_px == 25);
    assert_true(r.core_darkening == 0); /* the changed strand pixel is not an ordinary one */
    free(strands);
    free_fixture(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unchanged),
        cmocka_unit_test(test_darkening_and_shine),
        cmocka_unit_test(test_dot_pattern_contrast),
        cmocka_unit_test(test_blur_matched_contrast),
        cmocka_unit_test(test_strand_change),
    };
    return cmocka_run_group_tests_name("realism", tests, NULL, NULL);
}
