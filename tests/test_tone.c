/* SPDX-License-Identifier: BSD-2-Clause */
/* The tone preview (smp_cache_tone_maps, smp_cache_tone_cover,
 * smp_result_tone_area): its maps say where the dots went, under the edge
 * style shown or another made ready, and what of the skin they leave
 * alone, and the pigment model's mean drawn from them (as the studio page
 * draws it) gives the exact render's tone over the treated core. */
#include "testutil.h"

#include "scene.h"

#include <math.h>
#include <string.h>

#define PPM 8.0

static float lin_of(uint8_t v)
{
    const double c = v / 255.0;
    return (float)(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
}

/* The preview's and the exact image's mean luminance over the core
 * (coverage 255), relative to the photo's there. */
static void core_ratios(const smp_image *photo, const smp_image *exact, const uint8_t *maps, double density_cm2,
                        const double area[3], double *preview, double *real)
{
    const uint8_t *b = smp_image_cdata(photo), *a = smp_image_cdata(exact);
    const size_t n = (size_t)smp_image_width(photo) * smp_image_height(photo);
    static const double Y[3] = {0.2126, 0.7152, 0.0722};
    double yb = 0, ya = 0, yp = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *m = maps + 4 * i;
        if (m[0] < 255)
            continue;
        float lin[3];
        for (int c = 0; c < 3; c++)
            lin[c] = lin_of(b[3 * i + c]);
        const float least = fminf(lin[0], fminf(lin[1], lin[2])), s = m[2] / 255.0f * least;
        for (int c = 0; c < 3; c++) {
            const double t = exp(-density_cm2 / 100.0 * m[0] / 255.0 * area[c]);
            double v = (lin[c] - s) * t + s;
            v += (lin[c] - v) * (m[3] / 255.0);
            yb += Y[c] * lin[c];
            yp += Y[c] * v;
            ya += Y[c] * lin_of(a[3 * i + c]);
        }
    }
    assert_true(yb > 0);
    *preview = yp / yb;
    *real = ya / yb;
}

static void test_preview_tone(void **state)
{
    (void)state;
    scalp_scene sc = {480, 360, PPM, 5, 30, 0, 0.2, 0, 0};
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    assert_int_equal(scalp_scene_make(&sc, photo, mask), 0);
    const uint32_t w = smp_image_width(photo), h = smp_image_height(photo);
    smp_cache *cache = smp_cache_new();
    smp_result *res = smp_result_new();
    smp_params *p = smp_params_new();
    uint8_t *maps = malloc((size_t)w * h * 4);
    assert_non_null(maps);
    smp_params_set_px_per_mm(p, PPM);
    smp_params_set_threads(p, 1);
    smp_params_set_dilution(p, 0.3);
    /* Nothing cached yet: nothing to draw from. */
    assert_int_equal(smp_cache_tone_maps(cache, w, h, maps), SMP_ERR_ARG);
    /* The model's mean is calibrated on one exact render, as the page
     * does with each exact image it gets (the match calibrates its own the
     * same way, tone_scale): its exponent times log(real) / log(model). */
    double last = 2, scale = 0;
    static const double densities[] = {60, 120, 180};
    for (int k = 0; k < 3; k++) {
        smp_params_set_density(p, densities[k]);
        assert_int_equal(smp_simulate_cached(res, cache, p, photo, mask), SMP_OK);
        assert_int_equal(smp_cache_tone_maps(cache, w, h, maps), SMP_OK);
        double area[3], used, preview, real;
        smp_result_tone(res, NULL, NULL, &used);
        assert_int_equal(smp_result_tone_area(res, p, 0.3, area), SMP_OK);
        for (int c = 0; c < 3; c++)
            assert_true(area[c] > 0.01 && area[c] < 1.0); /* about a 0.3 mm disc's 0.07 mm², with its halo */
        core_ratios(photo, smp_result_after(res), maps, used * (k ? scale : 1), area, &preview, &real);
        assert_true(real < 0.99); /* the core darkens */
        if (!k) { /* the bare model: within the match's calibration range */
            scale = log(real) / log(preview);
            assert_true(scale > 0.5 && scale < 2.0);
            continue;
        }
        /* Calibrated at another density: the darkening within a tenth. */
        assert_true(fabs(preview - real) < 0.1 * (1 - real));
        assert_true(preview < last); /* denser is darker */
        last = preview;
    }
    /* Where the mask treats nothing, no coverage; a larger dot darkens more. */
    assert_int_equal(smp_cache_tone_maps(cache, w / 4, h / 4, maps), SMP_OK);
    assert_int_equal(maps[0], 0);
    double a3[3], a4[3];
    assert_int_equal(smp_result_tone_area(res, p, 0.3, a3), SMP_OK);
    assert_int_equal(smp_result_tone_area(res, p, 0.4, a4), SMP_OK);
    assert_true(a4[1] > a3[1]);
    /* Out of bounds. */
    assert_int_equal(smp_cache_tone_maps(cache, w + 1, h, maps), SMP_ERR_ARG);
    assert_int_equal(smp_result_tone_area(res, p, 0, a3), SMP_ERR_ARG);
    const double two[] = {50, 100}; /* not the run's sessions */
    assert_int_equal(smp_params_set_layers(p, two, 2), SMP_OK);
    assert_int_equal(smp_result_tone_area(res, p, 0.3, a3), SMP_ERR_ARG);
    free(maps);
    smp_params_free(p);
    smp_result_free(res);
    smp_cache_free(cache);
    smp_image_free(photo);
    smp_image_free(mask);
}

/* cover (w x h) is the coverage the cache's last run followed. */
static void last_run_followed(const smp_cache *cache, uint32_t w, uint32_t h, const uint8_t *cover)
{
    uint8_t *maps = malloc((size_t)w * h * 4);
    assert_non_null(maps);
    assert_int_equal(smp_cache_tone_maps(cache, w, h, maps), SMP_OK);
    for (size_t i = 0; i < (size_t)w * h; i++)
        assert_int_equal(cover[i], maps[4 * i]);
    free(maps);
}

/* The coverage under another edge style (smp_cache_tone_cover): none until
 * that style is made ready, then exactly what its own run follows. */
static void test_edge_cover(void **state)
{
    (void)state;
    scalp_scene sc = {480, 360, PPM, 5, 30, 0, 0.2, 0, 0};
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    assert_int_equal(scalp_scene_make(&sc, photo, mask), 0);
    const uint32_t w = smp_image_width(photo) / 2, h = smp_image_height(photo) / 2;
    const size_t n = (size_t)w * h;
    smp_cache *cache = smp_cache_new();
    smp_result *res = smp_result_new();
    smp_params *p = smp_params_new();
    uint8_t *broken = malloc(n), *sharp = malloc(n);
    assert_true(broken && sharp);
    smp_params_set_px_per_mm(p, PPM);
    smp_params_set_threads(p, 1);
    smp_params_set_density(p, 120);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, broken), SMP_ERR_ARG); /* nothing run */
    assert_int_equal(smp_simulate_cached(res, cache, p, photo, mask), SMP_OK);
    /* The style shown: the maps' own coverage. */
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, broken), SMP_OK);
    last_run_followed(cache, w, h, broken);
    /* Another style: none until made ready; then the coverage its run follows. */
    smp_params_set_edge(p, SMP_EDGE_SHARP);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, sharp), SMP_ERR_ARG);
    int made = 0;
    assert_int_equal(smp_cache_prepare(cache, p, photo, mask, &made), SMP_OK);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, sharp), SMP_OK);
    size_t differ = 0, outside = 0;
    for (size_t i = 0; i < n; i++) {
        differ += broken[i] != sharp[i];
        outside += !broken[i] && !sharp[i];
    }
    assert_true(differ > n / 20);  /* another edge, another coverage */
    assert_true(outside > n / 4); /* and nothing far from the patch in either */
    assert_int_equal(smp_simulate_cached(res, cache, p, photo, mask), SMP_OK);
    last_run_followed(cache, w, h, sharp);
    /* Another mask (its upper half erased): the shapings made on the last
     * one go with it, the broken edge's made ready above too. */
    smp_params_set_edge(p, SMP_EDGE_BROKEN);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, broken), SMP_OK);
    memset(smp_image_data(mask), 0,
           (size_t)smp_image_width(mask) * (smp_image_height(mask) / 2) * (size_t)smp_image_channels(mask));
    smp_params_set_edge(p, SMP_EDGE_SHARP);
    assert_int_equal(smp_simulate_cached(res, cache, p, photo, mask), SMP_OK);
    smp_params_set_edge(p, SMP_EDGE_BROKEN);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, broken), SMP_ERR_ARG);
    smp_params_set_edge(p, SMP_EDGE_SHARP);
    /* Another seed's shaping was never made, nor another scale's; too large
     * a size is refused. */
    const uint64_t seed = smp_params_seed(p);
    smp_params_set_seed(p, seed + 1);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, sharp), SMP_ERR_ARG);
    smp_params_set_seed(p, seed);
    smp_params_set_px_per_mm(p, 2 * PPM); /* nor at another scale */
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, sharp), SMP_ERR_ARG);
    smp_params_set_px_per_mm(p, PPM);
    assert_int_equal(smp_cache_tone_cover(cache, p, w, h, sharp), SMP_OK);
    assert_int_equal(smp_cache_tone_cover(cache, p, 2 * w + 1, h, sharp), SMP_ERR_ARG);
    free(broken);
    free(sharp);
    smp_params_free(p);
    smp_result_free(res);
    smp_cache_free(cache);
    smp_image_free(photo);
    smp_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_preview_tone), cmocka_unit_test(test_edge_cover)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
