/* SPDX-License-Identifier: BSD-2-Clause */
/* The pipeline through the public API: mask semantics, size checks, the
 * untouched outside, determinism across thread counts, params validation,
 * cancellation, and the before/after preview layout. */
#include "testutil.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "mask.h"

static void test_mask_semantics(void **state)
{
    (void)state;
    char msg[SMP_MSG_LEN];
    smp_notes notes = {0};
    smp_coverage cov;
    /* Grey: luminance is coverage. */
    smp_image *m = rect_mask(4, 4, 0, 0, 2, 4, 255);
    smp_image_data(m)[3] = 100;
    assert_int_equal(smp__coverage_from_mask(&cov, m, 4, 4, 1, 1, &notes, msg), SMP_OK);
    assert_int_equal(cov.c[0], 255);
    assert_int_equal(cov.c[2], 0);
    assert_int_equal(cov.c[3], 100);
    smp__coverage_free(&cov);
    smp_image_free(m);

    /* RGB: white treats, black leaves, a mid grey is partial. */
    m = smp_image_new();
    assert_int_equal(smp_image_alloc(m, 3, 1, 3), SMP_OK);
    memcpy(smp_image_data(m), "\xff\xff\xff\x00\x00\x00\x80\x80\x80", 9);
    assert_int_equal(smp__coverage_from_mask(&cov, m, 3, 1, 1, 1, &notes, msg), SMP_OK);
    assert_int_equal(cov.c[0], 255);
    assert_int_equal(cov.c[1], 0);
    assert_int_equal(cov.c[2], 128);
    smp__coverage_free(&cov);
    smp_image_free(m);

    /* Real transparency: alpha is the painted area, whatever the colour. */
    m = smp_image_new();
    assert_int_equal(smp_image_alloc(m, 2, 1, 4), SMP_OK);
    memcpy(smp_image_data(m), "\x00\x00\x00\xff\xff\xff\xff\x00", 8);
    assert_int_equal(smp__coverage_from_mask(&cov, m, 2, 1, 1, 1, &notes, msg), SMP_OK);
    assert_int_equal(cov.c[0], 255);
    assert_int_equal(cov.c[1], 0);
    smp__coverage_free(&cov);
    /* An alpha channel that is all opaque is not transparency: luminance. */
    memcpy(smp_image_data(m), "\x00\x00\x00\xff\xff\xff\xff\xff", 8);
    assert_int_equal(smp__coverage_from_mask(&cov, m, 2, 1, 1, 1, &notes, msg), SMP_OK);
    assert_int_equal(cov.c[0], 0);
    assert_int_equal(cov.c[1], 255);
    smp__coverage_free(&cov);
    smp_image_free(m);
    assert_int_equal(notes.count, 0);
}

static void test_mask_sizes(void **state)
{
    (void)state;
    char msg[SMP_MSG_LEN];
    smp_notes notes = {0};
    smp_coverage cov;
    /* Same aspect within 1 %: resampled, with a note. */
    smp_image *m = rect_mask(100, 75, 0, 0, 50, 75, 255);
    assert_int_equal(smp__coverage_from_mask(&cov, m, 400, 300, 1, 1, &notes, msg), SMP_OK);
    assert_int_equal(notes.count, 1);
    assert_non_null(strstr(notes.items[0], "100x75"));
    assert_non_null(strstr(notes.items[0], "400x300"));
    assert_int_equal(cov.c[150 * 400 + 10], 255);  /* left half treated */
    assert_int_equal(cov.c[150 * 400 + 390], 0);   /* right half not */
    smp__coverage_free(&cov);
    smp_image_free(m);
    smp__notes_clear(&notes);

    /* Another aspect: an error naming both sizes. */
    m = rect_mask(100, 100, 0, 0, 1, 1, 255);
    assert_int_equal(smp__coverage_from_mask(&cov, m, 400, 300, 1, 1, &notes, msg), SMP_ERR_MISMATCH);
    assert_non_null(strstr(msg, "100x100"));
    assert_non_null(strstr(msg, "400x300"));
    assert_null(strstr(msg, "EXIF"));
    smp_image_free(m);

    /* A mask drawn on the photo as stored, before its EXIF rotation. */
    m = rect_mask(400, 300, 0, 0, 1, 1, 255);
    assert_int_equal(smp__coverage_from_mask(&cov, m, 300, 400, 1, 6, &notes, msg), SMP_ERR_MISMATCH);
    assert_non_null(strstr(msg, "before its EXIF rotation"));
    smp_image_free(m);
}

/* Everything farther from the mask than the feather's reach, plus a dot's
 * footprint, keeps its bytes; inside, the photo changes. */
static void test_outside_is_byte_identical(void **state)
{
    (void)state;
    const uint32_t W = 400, H = 300, X0 = 150, Y0 = 100, X1 = 250, Y1 = 200;
    const double ppm = 5, feather = 3;
    smp_image *photo = photo_of(W, H), *mask = rect_mask(W, H, X0, Y0, X1, Y1, 255);
    smp_params *p = smp_params_new();
    assert_int_equal(smp_params_set_px_per_mm(p, ppm), SMP_OK);
    assert_int_equal(smp_params_set_feather(p, feather), SMP_OK);
    assert_int_equal(smp_params_set_dot_diameter(p, 0.15), SMP_OK);
    smp_result *r = smp_result_new();
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    size_t n;
    smp_result_dots(r, &n);
    assert_true(n > 100);
    /* Three box passes reach 3 x their radius; a dot reaches its radius
     * (up to 1.25:1 elliptic) + 2.5 sigmas of the widest halo (0.30 mm),
     * widened by the photo's own blur (under 4 px here). */
    double sigma = feather * ppm / 2.563, box = (sqrt(4 * sigma * sigma + 1) - 1) / 2;
    double halo = sqrt(pow(0.30 * ppm, 2) + 1.0 / 12 + 16);
    double reach = 3 * ceil(box) + 2 + (0.15 * 1.1 * 1.12 / 2) * ppm + 2.5 * halo + 1;
    const uint8_t *a = smp_image_cdata(smp_result_after(r)), *b = smp_image_cdata(photo);
    size_t far = 0, inside_changed = 0, inside = 0;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            double dx = x < X0 ? X0 - x : x >= X1 ? x - X1 + 1 : 0;
            double dy = y < Y0 ? Y0 - y : y >= Y1 ? y - Y1 + 1 : 0;
            int same = !memcmp(a + ((size_t)y * W + x) * 3, b + ((size_t)y * W + x) * 3, 3);
            if (hypot(dx, dy) > reach) {
                far++;
                if (!same)
                    fail_msg("pixel (%u,%u) changed %.1f px from the mask", x, y, hypot(dx, dy));
            }
            if (dx == 0 && dy == 0) {
                inside++;
                inside_changed += !same;
            }
        }
    assert_true(far > W * H / 2);
    assert_true(inside_changed > inside / 20);
    /* Dots are reported in mm, inside the photo. */
    const smp_dot *d = smp_result_dots(r, &n);
    for (size_t i = 0; i < n; i++) {
        assert_true(d[i].x_mm >= 0 && d[i].x_mm < W / ppm && d[i].y_mm >= 0 && d[i].y_mm < H / ppm);
        /* 0.15 mm +-10 %, smaller toward the edge (down to 0.55 x at the front) */
        assert_true(d[i].diameter_mm <= 0.15 * 1.1 + 1e-9 && d[i].diameter_mm >= 0.15 * 0.55 * 0.9 - 1e-9);
    }
    assert_true(smp_result_px_per_mm(r) == ppm);
    assert_false(smp_result_px_per_mm_assumed(r));
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

static smp_image *simulate_copy(const smp_params *p, const smp_image *photo, const smp_image *mask)
{
    smp_result *r = smp_result_new();
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    const smp_image *after = smp_result_after(r);
    smp_image *copy = smp_image_new();
    assert_int_equal(smp_image_alloc(copy, smp_image_width(after), smp_image_height(after), 3), SMP_OK);
    memcpy(smp_image_data(copy), smp_image_cdata(after),
           (size_t)smp_image_width(after) * smp_image_height(after) * 3);
    smp_result_free(r);
    return copy;
}

static void test_deterministic_across_threads_and_seeds(void **state)
{
    (void)state;
    smp_image *photo = photo_of(640, 480), *mask = rect_mask(640, 480, 80, 60, 560, 420, 255);
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, 4);
    smp_params_set_seed(p, 99);
    smp_image *ref = simulate_copy(p, photo, mask);
#ifdef _OPENMP
    for (int t = 1; t <= 3; t++) {
        omp_set_num_threads(t);
        smp_image *img = simulate_copy(p, photo, mask);
        assert_memory_equal(smp_image_cdata(img), smp_image_cdata(ref), 640 * 480 * 3);
        smp_image_free(img);
    }
#endif
    smp_params_set_seed(p, 100);
    smp_image *other = simulate_copy(p, photo, mask);
    assert_true(memcmp(smp_image_cdata(other), smp_image_cdata(ref), 640 * 480 * 3) != 0);
    smp_image_free(other);
    smp_image_free(ref);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

static void test_black_mask_places_nothing(void **state)
{
    (void)state;
    smp_image *photo = photo_of(200, 150), *mask = rect_mask(200, 150, 0, 0, 0, 0, 0);
    smp_params *p = smp_params_new();
    smp_result *r = smp_result_new();
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    size_t n;
    smp_result_dots(r, &n);
    assert_int_equal(n, 0);
    assert_memory_equal(smp_image_cdata(smp_result_after(r)), smp_image_cdata(photo), 200 * 150 * 3);
    assert_int_equal(smp_result_note_count(r), 1);
    assert_non_null(strstr(smp_result_note(r, 0), "nothing"));
    /* A caller's note joins the run's, after them, and the metrics file holds both. */
    assert_int_equal(smp_result_add_note(r, "warning: \"inverted\"?"), SMP_OK);
    assert_int_equal(smp_result_note_count(r), 2);
    assert_string_equal(smp_result_note(r, 1), "warning: \"inverted\"?");
    assert_int_equal(smp_result_add_note(r, NULL), SMP_ERR_ARG);
    assert_int_equal(smp_result_add_note(NULL, "x"), SMP_ERR_ARG);
    char *dir = scratch_dir(), path[600];
    snprintf(path, sizeof path, "%s/m.json", dir);
    assert_int_equal(smp_result_write_metrics(r, path, p), SMP_OK);
    size_t len;
    char *json = read_all(path, &len);
    const char *notes = strstr(json, "\"notes\": [");
    assert_non_null(notes);
    assert_non_null(strstr(notes, "nothing"));
    assert_non_null(strstr(notes, "\"warning: \\\"inverted\\\"?\""));
    free(json);
    rm_tree(dir);
    /* The next run starts its notes afresh. */
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    assert_int_equal(smp_result_note_count(r), 1);
    /* Without a scale, the shorter side is assumed to span 200 mm. */
    assert_true(smp_result_px_per_mm_assumed(r));
    assert_true(fabs(smp_result_px_per_mm(r) - 150 / 200.0) < 1e-12);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

static int cancel_at_once(void *user, double fraction)
{
    (void)fraction;
    ++*(int *)user;
    return 1;
}

static void test_params_validation_and_cancel(void **state)
{
    (void)state;
    smp_params *p = smp_params_new();
    assert_int_equal(smp_params_set_density(p, 5000), SMP_ERR_ARG);
    assert_non_null(strstr(smp_params_message(p), "density"));
    assert_true(smp_params_density(p) == 110); /* the old value is kept */
    assert_true(smp_params_density_auto(p) && smp_params_dot_auto(p)); /* matched by default */
    assert_int_equal(smp_params_set_dot_diameter(p, NAN), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_opacity(p, 1.5), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_px_per_mm(p, -3), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_jpeg_quality(p, 0), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_max_pixels(p, 0), SMP_ERR_ARG);
    assert_true(smp_params_dot_diameter(p) == 0.28);
    assert_int_equal(smp_params_set_regularity(p, 0.9), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_dot_diameter(p, 0.3), SMP_OK);
    assert_false(smp_params_dot_auto(p)); /* a given size is honoured exactly */

    int calls = 0;
    smp_params_set_progress(p, cancel_at_once, &calls);
    smp_image *photo = photo_of(100, 80), *mask = rect_mask(100, 80, 10, 10, 90, 70, 255);
    smp_result *r = smp_result_new();
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_ERR_CANCELLED);
    assert_int_equal(calls, 1);
    assert_null(smp_result_after(r));
    assert_int_equal(smp_simulate(r, p, NULL, mask), SMP_ERR_ARG);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

/* Records the fractions reported and asks to stop at the stop-th call. */
typedef struct stepper {
    int calls, stop;
    double last;
    int monotone;
} stepper;

static int stop_at_call(void *user, double fraction)
{
    stepper *s = user;
    s->monotone &= fraction >= s->last && fraction <= 1;
    s->last = fraction;
    return ++s->calls >= s->stop;
}

/* The simulation asks for progress after each of its steps, not only twice
 * in all (a batch's Ctrl-C waited seconds for the next question), and a
 * stop at any of them ends it with SMP_ERR_CANCELLED and nothing kept. */
static void test_cancel_after_every_step(void **state)
{
    (void)state;
    smp_params *p = smp_params_new();
    smp_image *photo = photo_of(160, 120), *mask = rect_mask(160, 120, 20, 20, 140, 100, 255);
    smp_result *r = smp_result_new();
    stepper all = {0, 1 << 30, 0, 1};
    smp_params_set_progress(p, stop_at_call, &all);
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    assert_true(all.monotone);
    assert_true(all.last == 1.0);
    assert_true(all.calls >= 9); /* read, shade, skin maps, stubble, shape, match, dots, render, measures */
    for (int k = 1; k < all.calls; k++) {
        stepper one = {0, k, 0, 1};
        smp_params_set_progress(p, stop_at_call, &one);
        assert_int_equal(smp_simulate(r, p, photo, mask), SMP_ERR_CANCELLED);
        assert_int_equal(one.calls, k);
        assert_null(smp_result_after(r));
    }
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

/* A side image that does not fit the photo is named by the enum, not by
 * the caller reading the message. */
static void test_failed_input(void **state)
{
    (void)state;
    smp_image *photo = photo_of(120, 90), *mask = rect_mask(120, 90, 20, 20, 100, 70, 255);
    smp_image *odd = rect_mask(50, 50, 0, 0, 50, 50, 255), *wrong = rect_mask(60, 90, 0, 0, 60, 90, 255);
    smp_params *p = smp_params_new();
    smp_result *r = smp_result_new();
    assert_int_equal(smp_result_failed_input(NULL), SMP_INPUT_NONE);
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    assert_int_equal(smp_result_failed_input(r), SMP_INPUT_NONE);
    smp_params_set_reference(p, odd);
    assert_int_not_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    assert_int_equal(smp_result_failed_input(r), SMP_INPUT_REFERENCE);
    smp_params_set_reference(p, NULL);
    smp_params_set_scars(p, odd);
    assert_int_not_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    assert_int_equal(smp_result_failed_input(r), SMP_INPUT_SCARS);
    smp_params_set_scars(p, NULL);
    assert_int_equal(smp_params_set_density_map(p, odd, 0, 0), SMP_OK);
    assert_int_not_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    assert_int_equal(smp_result_failed_input(r), SMP_INPUT_DENSITY_MAP);
    assert_int_equal(smp_params_set_density_map(p, NULL, 0, 0), SMP_OK);
    /* The mask's own mismatch blames the mask. */
    assert_int_equal(smp_simulate(r, p, photo, wrong), SMP_ERR_MISMATCH);
    assert_int_equal(smp_result_failed_input(r), SMP_INPUT_MASK);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(wrong);
    smp_image_free(odd);
    smp_image_free(mask);
    smp_image_free(photo);
}

static void test_density_map_sets_density_in_mask(void **state)
{
    (void)state;
    smp_image *photo = photo_of(600, 400), *mask = rect_mask(600, 400, 0, 0, 600, 400, 255);
    smp_image *map = rect_mask(600, 400, 300, 0, 600, 400, 255); /* left black, right white */
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, 4);
    smp_params_set_feather(p, 0);
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    assert_int_equal(smp_params_set_density_map(p, map, 40, 120), SMP_OK);
    assert_int_equal(smp_params_set_density_map(p, map, 130, 120), SMP_ERR_ARG); /* must rise */
    smp_result *r = smp_result_new();
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    size_t n, left = 0, right = 0;
    const smp_dot *d = smp_result_dots(r, &n);
    for (size_t i = 0; i < n; i++) { /* away from the map's edge and the frame */
        if (d[i].y_mm < 10 || d[i].y_mm > 90)
            continue;
        left += d[i].x_mm > 10 && d[i].x_mm < 65;
        right += d[i].x_mm > 85 && d[i].x_mm < 140;
    }
    double area = 55.0 * 80.0 / 100.0; /* cm² */
    print_message("density map: %.1f dots/cm² where black (40 asked), %.1f where white (120 asked)\n", left / area,
                  right / area);
    assert_true(fabs(left / area / 40 - 1) < 0.06 && fabs(right / area / 120 - 1) < 0.06);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(map);
    smp_image_free(mask);
    smp_image_free(photo);
}

/* Measures: the focus lies in the treated core, density and rho are sane. */
static void test_measures(void **state)
{
    (void)state;
    smp_image *photo = photo_of(600, 400), *mask = rect_mask(600, 400, 300, 100, 560, 360, 255);
    smp_params *p = smp_params_new();
    smp_result *r = smp_result_new();
    assert_int_equal(smp_params_set_px_per_mm(p, 4), SMP_OK);
    assert_int_equal(smp_params_set_density(p, 90), SMP_OK);
    /* A soft edge: the broken edge's zone lies inside the mask and reaches
     * into the core (3 mm inside), thinning it (72 dots/cm² here). */
    assert_int_equal(smp_params_set_edge(p, SMP_EDGE_SOFT), SMP_OK);
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    smp_measures m;
    assert_int_equal(smp_result_measures(r, &m), SMP_OK);
    assert_int_equal(smp_result_measures(NULL, &m), SMP_ERR_ARG);
    size_t n;
    smp_result_dots(r, &n);
    assert_int_equal(m.dots, n);
    assert_true(m.focus_x_px > 300 + 12 && m.focus_x_px < 560 - 12); /* 3 mm inside */
    assert_true(m.focus_y_px > 100 + 12 && m.focus_y_px < 360 - 12);
    assert_true(fabs(m.focus_x_px - 430) < 8 && fabs(m.focus_y_px - 230) < 8);
    assert_true(m.achieved_core_cm2 > 0.9 * 90 && m.achieved_core_cm2 < 1.05 * 90);
    assert_true(m.rho > 0.5 && m.rho < 0.7); /* the natural pattern's 0.6, over dots not in a pair */
    /* Without the core's tone after: the same image, dots and measures,
     * the tone after unknown. */
    double lab[3], before, after;
    assert_int_equal(smp_result_colour(r, SMP_COLOUR_CORE_AFTER, lab), 1);
    smp_result *u = smp_result_new();
    assert_int_equal(smp_params_set_tone_after(p, 0), SMP_OK);
    assert_int_equal(smp_simulate(u, p, photo, mask), SMP_OK);
    assert_memory_equal(smp_image_cdata(smp_result_after(u)), smp_image_cdata(smp_result_after(r)), 600 * 400 * 3);
    smp_measures mu;
    assert_int_equal(smp_result_measures(u, &mu), SMP_OK);
    assert_int_equal(mu.dots, m.dots);
    assert_true(mu.achieved_core_cm2 == m.achieved_core_cm2 && mu.rho == m.rho);
    assert_int_equal(smp_result_colour(u, SMP_COLOUR_CORE_AFTER, lab), 0);
    assert_int_equal(smp_result_colour(u, SMP_COLOUR_CORE_BEFORE, lab), 1);
    smp_result_tone(u, &before, &after, NULL);
    assert_true(isnan(mu.delta_e_after) && (isnan(after) || after == 0)); /* no reference here: 0 before and after */
    assert_int_equal(smp_params_set_tone_after(NULL, 0), SMP_ERR_ARG);
    /* Without the dots' spacing either (the studio's redraws): the same
     * image and dots, the core's area known, its density, the closest pair
     * and rho not, and the metrics file says null for them. */
    smp_result *v = smp_result_new();
    assert_int_equal(smp_params_set_spacing(p, 0), SMP_OK);
    assert_int_equal(smp_simulate(v, p, photo, mask), SMP_OK);
    assert_memory_equal(smp_image_cdata(smp_result_after(v)), smp_image_cdata(smp_result_after(r)), 600 * 400 * 3);
    size_t nv;
    const smp_dot *dv = smp_result_dots(v, &nv), *dr = smp_result_dots(r, &n);
    assert_int_equal(nv, n);
    for (size_t i = 0; i < n; i++) /* field by field: the padding is not the run's */
        assert_true(dv[i].x_mm == dr[i].x_mm && dv[i].y_mm == dr[i].y_mm && dv[i].diameter_mm == dr[i].diameter_mm &&
                    dv[i].opacity == dr[i].opacity && dv[i].layer == dr[i].layer && dv[i].aspect == dr[i].aspect &&
                    dv[i].angle == dr[i].angle && dv[i].blur_mm == dr[i].blur_mm);
    smp_measures mv;
    assert_int_equal(smp_result_measures(v, &mv), SMP_OK);
    assert_true(mv.core_area_cm2 == m.core_area_cm2 && mv.core_area_cm2 > 0);
    assert_true(isnan(mv.achieved_core_cm2) && isnan(mv.min_spacing_mm) && isnan(mv.rho));
    assert_true(fabs(mv.focus_x_px - 300) < 1 && fabs(mv.focus_y_px - 200) < 1); /* the frame's centre */
    char *dir = scratch_dir(), path[600];
    snprintf(path, sizeof path, "%s/m.json", dir);
    assert_int_equal(smp_result_write_metrics(v, path, p), SMP_OK);
    size_t len;
    char *json = read_all(path, &len);
    assert_non_null(strstr(json, "\"achieved_core_cm2\": null"));
    assert_non_null(strstr(json, "\"spacing\": {\"min_mm\": null, \"rho\": null}"));
    free(json);
    rm_tree(dir);
    assert_int_equal(smp_params_set_spacing(NULL, 0), SMP_ERR_ARG);
    smp_result_free(v);
    smp_result_free(u);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

/* smp_simulate_consume: the same after image to the byte as smp_simulate,
 * made of the photo's own pixels (the photo and mask left empty); with the
 * realism measures on, the photo is kept (they compare before and after). */
static void test_consume(void **state)
{
    (void)state;
    smp_image *photo = photo_of(640, 480), *mask = rect_mask(640, 480, 80, 60, 560, 420, 255);
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, 16);
    smp_params_set_seed(p, 7);
    smp_image *ref = simulate_copy(p, photo, mask);
    for (int measures = 0; measures <= 1; measures++) {
        smp_image *ph = smp_image_new(), *mk = smp_image_new();
        assert_int_equal(smp_image_crop(ph, photo, 0, 0, 640, 480), SMP_OK);
        assert_int_equal(smp_image_crop(mk, mask, 0, 0, 640, 480), SMP_OK);
        const uint8_t *pixels = smp_image_cdata(ph);
        smp_params_set_measures(p, measures);
        smp_result *r = smp_result_new();
        assert_int_equal(smp_simulate_consume(r, p, ph, mk), SMP_OK);
        const smp_image *after = smp_result_after(r);
        assert_int_equal(smp_image_width(after), 640);
        assert_memory_equal(smp_image_cdata(after), smp_image_cdata(ref), 640 * 480 * 3);
        assert_int_equal(smp_image_width(mk), 0);
        if (measures) /* kept, as it was */
            assert_memory_equal(smp_image_cdata(ph), smp_image_cdata(photo), 640 * 480 * 3);
        else {
            assert_true(smp_image_cdata(after) == pixels);
            assert_int_equal(smp_image_width(ph), 0);
        }
        smp_result_free(r);
        smp_image_free(ph);
        smp_image_free(mk);
    }
    smp_image_free(ref);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

/* Crops copy pixels exactly and refuse to leave the image; a sheet places
 * every cell whole, with labels outside the cells. */
static void test_crop_and_contact_sheet(void **state)
{
    (void)state;
    smp_image *photo = photo_of(120, 90), *cells[6];
    const uint8_t *src = smp_image_cdata(photo);
    for (int i = 0; i < 6; i++) {
        cells[i] = smp_image_new();
        assert_int_equal(smp_image_crop(cells[i], photo, (uint32_t)i * 10, 5, 50, 40), SMP_OK);
        assert_int_equal(smp_image_width(cells[i]), 50);
        for (uint32_t y = 0; y < 40; y++)
            assert_memory_equal(smp_image_cdata(cells[i]) + (size_t)y * 50 * 3,
                                src + ((size_t)(y + 5) * 120 + (uint32_t)i * 10) * 3, 50 * 3);
    }
    smp_image *bad = smp_image_new();
    assert_int_equal(smp_image_crop(bad, photo, 100, 0, 30, 10), SMP_ERR_ARG);
    assert_int_equal(smp_image_crop(bad, photo, 0, 0, 0, 10), SMP_ERR_ARG);
    assert_int_equal(smp_image_crop(bad, photo, UINT32_MAX, 0, 2, 2), SMP_ERR_ARG);

    const char *rows[] = {"40", "80"}, *cols[] = {"0.10", "0.15", "0.20"};
    smp_image *sheet = smp_image_new();
    assert_int_equal(smp_contact_sheet(sheet, (const smp_image *const *)cells, 2, 3, "head\nline two", rows, cols,
                                       NULL, NULL),
                     SMP_OK);
    const uint32_t sw = smp_image_width(sheet), sh = smp_image_height(sheet);
    assert_true(sw >= 3 * 50 && sh >= 2 * 40);
    /* Each cell appears whole: find cell 5's rows in the bottom-right area. */
    const uint8_t *o = smp_image_cdata(sheet);
    int found = 0;
    for (uint32_t y = 0; y + 40 <= sh && !found; y++)
        for (uint32_t x = 0; x + 50 <= sw && !found; x++) {
            int all = 1;
            for (uint32_t k = 0; k < 40 && all; k++)
                all = !memcmp(o + ((size_t)(y + k) * sw + x) * 3, smp_image_cdata(cells[5]) + (size_t)k * 50 * 3,
                              50 * 3);
            found = all && x > sw / 2 && y > sh / 2;
        }
    assert_true(found);
    /* Cells of different sizes and empty grids are refused. */
    assert_int_equal(smp_image_crop(cells[3], photo, 0, 0, 20, 20), SMP_OK);
    assert_int_equal(smp_contact_sheet(sheet, (const smp_image *const *)cells, 2, 3, NULL, NULL, NULL, NULL, NULL),
                     SMP_ERR_ARG);
    assert_int_equal(smp_contact_sheet(sheet, (const smp_image *const *)cells, 0, 3, NULL, NULL, NULL, NULL, NULL),
                     SMP_ERR_ARG);
    /* The pixel limit holds. */
    smp_params *p = smp_params_new();
    assert_int_equal(smp_params_set_max_pixels(p, 1000), SMP_OK);
    assert_int_equal(smp_contact_sheet(sheet, (const smp_image *const *)cells, 1, 1, NULL, NULL, NULL, NULL, p),
                     SMP_ERR_LIMIT);
    smp_params_free(p);
    for (int i = 0; i < 6; i++)
        smp_image_free(cells[i]);
    smp_image_free(sheet);
    smp_image_free(bad);
    smp_image_free(photo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_semantics),
        cmocka_unit_test(test_mask_sizes),
        cmocka_unit_test(test_outside_is_byte_identical),
        cmocka_unit_test(test_deterministic_across_threads_and_seeds),
        cmocka_unit_test(test_black_mask_places_nothing),
        cmocka_unit_test(test_params_validation_and_cancel),
        cmocka_unit_test(test_cancel_after_every_step),
        cmocka_unit_test(test_failed_input),
        cmocka_unit_test(test_density_map_sets_density_in_mask),
        cmocka_unit_test(test_measures),
        cmocka_unit_test(test_crop_and_contact_sheet),
        cmocka_unit_test(test_consume),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
