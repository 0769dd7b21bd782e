/* SPDX-License-Identifier: BSD-2-Clause */
/* The renderer and its dot model: the optical depth a dot deposits is
 * conserved at any scale, blur or shape; the drawn tone is what the match
 * predicts; the shine and hair strands stay on top; untouched pixels keep
 * their bytes; the bytes do not depend on the thread count. */
#include "testutil.h"

#include <limits.h>
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "match.h"
#include "render.h"
#include "color.h"

static const float CARBON[1][3] = {{2.8f, 2.5f, 2.3f}};

static smp_optics healed(void)
{
    smp_optics o;
    double size, load;
    smp__optics_for_look(&o, 0, SMP_CAST_NONE, &size, &load);
    return o;
}

/* Dots on a grid (mm) at offsets that vary, so pixel-grid luck averages
 * out. */
static smp_dot *dots_grid(int nx, int ny, double spacing, double diameter, float load, float aspect)
{
    smp_dot *d = malloc((size_t)nx * ny * sizeof *d);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            double fx = (i * 0.37 + j * 0.11) - floor(i * 0.37 + j * 0.11);
            double fy = (j * 0.53 + i * 0.07) - floor(j * 0.53 + i * 0.07);
            d[(size_t)j * nx + i] = (smp_dot){spacing * (i + 1) + fx, spacing * (j + 1) + fy, diameter, load, 1,
                                              aspect, (float)(0.7 * i + 0.3 * j), 0};
        }
    return d;
}

/* Conservation: summed over the skin, each channel's optical depth is
 * load x od x the dots' area, for dots from 0.3 px to 6 px wide, round or
 * elliptic, under the healed, fresh, aged and too-deep optics. */
static void test_depth_conserved(void **state)
{
    (void)state;
    const double diameters[] = {0.3, 1.0, 2.5, 6.0};
    const double ages[] = {0, -1, 6};
    for (int a = 0; a < 4; a++)
        for (int g = 0; g < 3; g++) {
            smp_optics o;
            double size, load;
            smp__optics_for_look(&o, ages[g], g == 2 ? SMP_CAST_BLUE : SMP_CAST_NONE, &size, &load);
            const int n = 10;
            const double spacing = 10, d = diameters[a] / 4; /* mm: dots 0.3 to 6 px wide at 4 px/mm */
            smp_dot *dots = dots_grid(n, n, spacing, d, 0.7f, a % 2 ? 1.2f : 1.0f);
            const uint32_t side = (uint32_t)(spacing * (n + 1) * 4);
            float *depth = malloc((size_t)side * side * 3 * sizeof *depth);
            char msg[SMP_MSG_LEN];
            /* At 4 px/mm a halo sigma of 0.18-0.39 mm is 0.7-1.6 px: both
             * sides of the explicit normalisation. */
            assert_int_equal(smp__depth_field(depth, side, side, dots, (size_t)n * n, 4.0, &o, CARBON[0], msg),
                             SMP_OK);
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (size_t i = 0; i < (size_t)side * side; i++)
                    sum += depth[3 * i + c];
                const double r = d / 2 * 4.0, want = n * n * 0.7 * CARBON[0][c] * SMP_PI * r * r;
                if (c == 0)
                    print_message("dot %.1f px, age %g, cast %d: depth %.4f of %.4f (%+.3f %%)\n", diameters[a], ages[g], g == 2,
                                  sum, want, 100 * (sum / want - 1));
                assert_true(fabs(sum / want - 1) < 0.005);
            }
            free(depth);
            free(dots);
        }
}

/* Conservation where the halo is drawn at half resolution (halo sigmas of
 * 2.9 px and more at 16 px/mm): summed over the skin, each channel's depth
 * is still load x od x the dots' area within 0.3 %, for dots 0.15 to
 * 0.6 mm, round or elliptic, sharp or under the photo's blur, whatever
 * their offset on the pixel grid. */
static void test_depth_conserved_half(void **state)
{
    (void)state;
    const double diameters[] = {0.15, 0.28, 0.6};
    const double ages[] = {0, -1, 6};
    const double ppm = 16;
    for (int a = 0; a < 3; a++)
        for (int g = 0; g < 3; g++) {
            smp_optics o;
            double size, load;
            smp__optics_for_look(&o, ages[g], g == 2 ? SMP_CAST_BLUE : SMP_CAST_NONE, &size, &load);
            const int n = 8;
            const double spacing = 3;
            smp_dot *dots = dots_grid(n, n, spacing, diameters[a], 0.8f, g == 1 ? 1.3f : 1.0f);
            for (int i = 0; i < n * n; i++)
                dots[i].blur_mm = (float)(a == 1 ? 0.02 * (i % 5) : 0);
            const uint32_t side = (uint32_t)(spacing * (n + 2) * ppm);
            float *depth = malloc((size_t)side * side * 3 * sizeof *depth);
            char msg[SMP_MSG_LEN];
            assert_int_equal(smp__depth_field(depth, side, side, dots, (size_t)n * n, ppm, &o, CARBON[0], msg), SMP_OK);
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (size_t i = 0; i < (size_t)side * side; i++)
                    sum += depth[3 * i + c];
                const double r = diameters[a] / 2 * ppm, want = n * n * 0.8 * CARBON[0][c] * SMP_PI * r * r;
                if (c == 0)
                    print_message("dot %.2f mm, age %g, cast %d: depth %.4f of %.4f (%+.3f %%)\n", diameters[a],
                                  ages[g], g == 2, sum, want, 100 * (sum / want - 1));
                assert_true(fabs(sum / want - 1) < 0.003);
            }
            free(depth);
            free(dots);
        }
}

/* The healed calibration: a 0.2 mm disc of full load shows 61, 55 and 53 %
 * contrast (R, G, B) at its centre (see optics.c). */
static void test_centre_contrast(void **state)
{
    (void)state;
    smp_optics o = healed();
    const double ppm = 200;
    smp_dot one = {1.0, 1.0, 0.2, 1.0f, 1, 1.0f, 0, 0};
    const uint32_t side = 400;
    float *depth = malloc((size_t)side * side * 3 * sizeof *depth);
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__depth_field(depth, side, side, &one, 1, ppm, &o, CARBON[0], msg), SMP_OK);
    const double want[3] = {0.61, 0.55, 0.53};
    const size_t centre = (size_t)200 * side + 200;
    for (int c = 0; c < 3; c++) {
        const double contrast = 1 - exp(-depth[3 * centre + c]);
        print_message("channel %d: centre contrast %.3f (calibrated %.2f)\n", c, contrast, want[c]);
        assert_true(fabs(contrast - want[c]) < 0.02);
    }
    /* Blue-grey: red darkens most, and its halo reaches furthest. */
    const size_t out = centre + 80; /* 0.4 mm from the centre */
    assert_true(depth[3 * centre] > depth[3 * centre + 2]);
    assert_true(depth[3 * out] / depth[3 * centre] > depth[3 * out + 2] / depth[3 * centre + 2]);
    free(depth);
}

static smp_image *flat(uint32_t w, uint32_t h, uint8_t v)
{
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, w, h, 3), SMP_OK);
    memset(smp_image_data(img), v, (size_t)w * h * 3);
    return img;
}

/* The tone drawn on 8-bit skin is the one the match predicts from a dot's
 * darkened area (optics.h): the mean transmission of a field of dressed
 * dots, within 2 %. */
static void test_tone_as_predicted(void **state)
{
    (void)state;
    smp_optics o = healed();
    const double ppm = 10, spacing_mm = 0.95;
    const int n = 40;
    smp_dot *dots = dots_grid(n, n, spacing_mm, 0.28, 0.85f, 1.0f);
    const uint32_t side = (uint32_t)((n + 1) * spacing_mm * ppm);
    smp_image *img = flat(side, side, 200);
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__render(img, dots, (size_t)n * n, ppm, &o, CARBON, 1, 0, NULL, 1, msg), SMP_OK);
    double area[3];
    smp__optics_darkened_area(&o, CARBON[0], 0.28, 0.85, area);
    const float base = smp__srgb_to_linear(200);
    const uint32_t m = (uint32_t)(3 * ppm); /* the grid's own border is left out */
    for (int c = 0; c < 3; c++) {
        double sum = 0;
        size_t k = 0;
        for (uint32_t y = m; y < side - m; y++)
            for (uint32_t x = m; x < side - m; x++, k++)
                sum += smp__srgb_to_linear(smp_image_cdata(img)[((size_t)y * side + x) * 3 + c]);
        const double got = sum / (double)k / base, want = exp(-area[c] / (spacing_mm * spacing_mm));
        print_message("channel %d: mean transmission %.4f, predicted %.4f\n", c, got, want);
        assert_true(fabs(got / want - 1) < 0.02);
    }
    smp_image_free(img);
    free(dots);
}

/* Strands (map >= 128) keep their bytes; shine (the specular part) is not
 * darkened; pixels beyond every dot's reach keep theirs. */
static void test_skin_on_top(void **state)
{
    (void)state;
    smp_optics o = healed();
    const uint32_t w = 120, h = 90;
    smp_image *img = smp_image_new(), *orig = smp_image_new();
    assert_int_equal(smp_image_alloc(img, w, h, 3), SMP_OK);
    fill_photo(img, 5);
    assert_int_equal(smp_image_alloc(orig, w, h, 3), SMP_OK);
    memcpy(smp_image_data(orig), smp_image_cdata(img), (size_t)w * h * 3);
    uint8_t *strands = calloc((size_t)w * h, 1);
    uint16_t *shine = calloc((size_t)w * h, sizeof *shine);
    for (uint32_t y = 0; y < h; y++) {
        strands[y * w + 60] = 255; /* a strand down column 60, all its light hair's */
        strands[y * w + 62] = 128; /* and one giving half a pixel's light: its skin's half darkens */
    }
    for (uint32_t x = 40; x < 50; x++)
        shine[45 * w + x] = 65535; /* all shine: as much as the darkest channel */
    const smp_skin_maps skin = {shine, strands, {0, 0, w, h}, NULL};
    smp_dot one = {6.0, 4.5, 3.0, 1.0f, 1, 1.0f, 0, 0}; /* at 10 px/mm: centre (60, 45), 30 px wide */
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__render(img, &one, 1, 10.0, &o, CARBON, 1, 0, &skin, 1, msg), SMP_OK);
    const uint8_t *a = smp_image_cdata(img), *b = smp_image_cdata(orig);
    const double reach = 15 + 2.5 * 10 * 0.30 + 1;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const size_t i = ((size_t)y * w + x) * 3;
            if (x == 60 || hypot(x + 0.5 - 60, y + 0.5 - 45) > reach)
                assert_memory_equal(a + i, b + i, 3);
        }
    /* Under the dot, an ordinary pixel darkens a lot; the all-shine pixel
     * keeps its least channel's light in every channel. */
    const size_t core = ((size_t)45 * w + 55) * 3, bright = ((size_t)45 * w + 45) * 3;
    assert_true(a[core + 1] < b[core + 1] - 40);
    const float *lin = smp__srgb_linear_table();
    for (uint32_t y = 40; y < 50; y++) {
        const size_t half = ((size_t)y * w + 62) * 3 + 1, next = half + 3;
        const double kept = lin[a[half]] / lin[b[half]], skin = lin[a[next]] / lin[b[next]];
        assert_true(fabs((1 - kept) - (127.0 / 255) * (1 - skin)) < 0.03);
    }
    uint8_t least = b[bright];
    for (int c = 1; c < 3; c++)
        least = b[bright + c] < least ? b[bright + c] : least;
    for (int c = 0; c < 3; c++)
        assert_true(a[bright + c] + 1 >= least && a[bright + c] > b[bright + c] - 60);
    free(strands);
    free(shine);
    smp_image_free(img);
    smp_image_free(orig);
}

/* At 10 px/mm the halos are drawn at full resolution, at 17 px/mm on the
 * half grid (whose rows each band reads around its own). */
static void test_thread_count_does_not_change_bytes(void **state)
{
    (void)state;
#ifdef _OPENMP
    smp_optics o = healed();
    smp_dot *d = dots_grid(40, 40, 0.73, 0.3, 0.85f, 1.15f); /* many dots cross band edges */
    for (int i = 0; i < 1600; i += 3)
        d[i].blur_mm = 0.05f;
    const double ppms[] = {10.0, 17.0};
    for (int s = 0; s < 2; s++) {
        const uint32_t side = s ? 510 : 300;
        smp_image *ref = NULL;
        for (int t = 1; t <= 3; t++) {
            smp_image *img = smp_image_new();
            assert_int_equal(smp_image_alloc(img, side, side, 3), SMP_OK);
            fill_photo(img, 9);
            char msg[SMP_MSG_LEN];
            assert_int_equal(smp__render(img, d, 1600, ppms[s], &o, CARBON, 1, 0, NULL, t, msg), SMP_OK);
            if (!ref)
                ref = img;
            else {
                assert_memory_equal(smp_image_cdata(img), smp_image_cdata(ref), (size_t)side * side * 3);
                smp_image_free(img);
            }
        }
        smp_image_free(ref);
    }
    free(d);
#else
    skip();
#endif
}

/* A render split into two band ranges, each drawn on its own copy of the
 * photo (the studio's two workers) and merged by rows, is the whole render
 * byte for byte, at the split the work suggests and at others, with skin
 * maps over part of the image, a session hidden, halos at full and half
 * resolution, and wide blurred dots reaching bands far from their centre's
 * (each part prepares only the dots that may reach it). */
static void test_band_ranges_merge_to_whole(void **state)
{
    (void)state;
    smp_optics o = healed();
    smp_dot *d = dots_grid(40, 40, 0.73, 0.3, 0.85f, 1.15f); /* many dots cross band edges */
    for (int i = 0; i < 1600; i += 3)
        d[i].blur_mm = 0.05f;
    for (int i = 0; i < 1600; i += 4)
        d[i].layer = 2;
    for (int i = 0; i < 1600; i += 37) /* a few wide and soft ones: they reach far past their band */
        d[i].blur_mm = 0.6f, d[i].diameter_mm = 1.2;
    static const float ods[2][3] = {{2.8f, 2.5f, 2.3f}, {1.4f, 1.3f, 1.2f}};
    const double ppms[] = {10.0, 17.0};
    for (int s = 0; s < 2; s++) {
        const uint32_t w = s ? 510 : 300, h = s ? 520 : 330;
        const uint32_t box[4] = {20, 30, w - 60, h - 70};
        uint8_t *strands = malloc((size_t)box[2] * box[3]);
        uint16_t *spec = malloc((size_t)box[2] * box[3] * sizeof *spec);
        for (size_t i = 0; i < (size_t)box[2] * box[3]; i++) {
            strands[i] = (uint8_t)(i % 7 == 0 ? 200 : 0);
            spec[i] = (uint16_t)(i % 11 == 0 ? 3000 : 0);
        }
        const smp_skin_maps skin = {spec, strands, {box[0], box[1], box[2], box[3]}, NULL};
        for (int shown = 0; shown <= 1; shown++) {
            smp_image *whole = smp_image_new(), *a = smp_image_new(), *b = smp_image_new();
            for (smp_image **im = (smp_image *[]){whole, a, b, NULL}; *im; im++) {
                assert_int_equal(smp_image_alloc(*im, w, h, 3), SMP_OK);
                fill_photo(*im, 9);
            }
            char msg[SMP_MSG_LEN];
            smp_render_job job = {whole, d, 1600, ppms[s], &o, ods, 2, shown, &skin, 1};
            assert_int_equal(smp__render_bands(&job, 0, INT_MAX, msg), SMP_OK);
            const int nb = smp__render_band_count(h);
            const int k0 = smp__render_split(&job, 0.5);
            assert_true(k0 > 0 && k0 < nb);
            const int splits[] = {k0, 1, nb - 1, 0, nb};
            for (int t = 0; t < 5; t++) {
                const int k = splits[t];
                fill_photo(a, 9);
                fill_photo(b, 9);
                job.img = a;
                assert_int_equal(smp__render_bands(&job, 0, k, msg), SMP_OK);
                job.img = b;
                assert_int_equal(smp__render_bands(&job, k, nb, msg), SMP_OK);
                job.img = whole;
                const size_t row = (size_t)w * 3, cut = (size_t)k * SMP_RENDER_BAND * row;
                const size_t all = (size_t)h * row, at = cut < all ? cut : all;
                assert_memory_equal(smp_image_cdata(a), smp_image_cdata(whole), at);
                if (at < all)
                    assert_memory_equal(smp_image_cdata(b) + at, smp_image_cdata(whole) + at, all - at);
            }
            /* A middle range alone (a part bounded on both sides prepares only the dots near it). */
            fill_photo(a, 9);
            job.img = a;
            assert_int_equal(smp__render_bands(&job, 1, nb - 1, msg), SMP_OK);
            job.img = whole;
            const size_t row = (size_t)w * 3, from = (size_t)SMP_RENDER_BAND * row;
            assert_memory_equal(smp_image_cdata(a) + from, smp_image_cdata(whole) + from,
                                (size_t)(nb - 2) * SMP_RENDER_BAND * row);
            smp_image_free(whole);
            smp_image_free(a);
            smp_image_free(b);
        }
        free(strands);
        free(spec);
    }
    free(d);
}

/* The half-resolution halo against the full-resolution drawing it stands
 * for, on the same pixels at 15 px/mm (the blue halo's sigma 2.7 px) and
 * 40 px/mm: dots 0.15 to 0.35 mm at any pixel phase, sharp or blurred, differ
 * by under 2 % of their peak depth anywhere, and their sums by under 0.3 %
 * (the most blurred row's cores, 3.2 px at 40 px/mm, go to the half grid
 * too). */
static void test_half_halo_matches_full(void **state)
{
    (void)state;
    smp_optics o = healed();
    const double ppms[] = {15.0, 40.0};
    for (int s = 0; s < 2; s++) {
        const double ppm = ppms[s];
        smp_dot *dots = dots_grid(4, 4, 2.0, 0.15, 1.0f, 1.0f);
        for (int i = 0; i < 16; i++) {
            dots[i].diameter_mm = 0.15 + 0.2 * (i % 4) / 3.0;
            dots[i].blur_mm = (float)(i / 4 == 3 ? 0.08 : 0.02 * (i / 4));
            dots[i].aspect = i % 3 ? 1.0f : 1.3f;
        }
        const uint32_t side = (uint32_t)(11 * ppm);
        float *d[2];
        for (int k = 0; k < 2; k++) {
            d[k] = malloc((size_t)side * side * 3 * sizeof *d[k]);
            char msg[SMP_MSG_LEN];
            assert_int_equal(smp__depth_field_at(d[k], side, side, dots, 16, ppm, &o, CARBON[0], k == 1, msg), SMP_OK);
        }
        for (int c = 0; c < 3; c++) {
            double worst = 0, peak = 0, sum[2] = {0, 0};
            for (size_t i = 0; i < (size_t)side * side; i++) {
                peak = fmax(peak, d[0][3 * i + c]);
                worst = fmax(worst, fabs(d[1][3 * i + c] - d[0][3 * i + c]));
                sum[0] += d[0][3 * i + c];
                sum[1] += d[1][3 * i + c];
            }
            print_message("%g px/mm, channel %d: half against full, worst %.4f of a peak depth %.4f, sums %+.3f %%\n",
                          ppm, c, worst, peak, 100 * (sum[1] / sum[0] - 1));
            assert_true(worst < 0.02 * peak);
            assert_true(fabs(sum[1] / sum[0] - 1) < 0.003);
        }
        free(d[0]);
        free(d[1]);
        free(dots);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth_conserved),
        cmocka_unit_test(test_depth_conserved_half),
        cmocka_unit_test(test_centre_contrast),
        cmocka_unit_test(test_tone_as_predicted),
        cmocka_unit_test(test_skin_on_top),
        cmocka_unit_test(test_thread_count_does_not_change_bytes),
        cmocka_unit_test(test_half_halo_matches_full),
        cmocka_unit_test(test_band_ranges_merge_to_whole),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
