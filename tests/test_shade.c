/* SPDX-License-Identifier: BSD-2-Clause */
/* Matching and the SMP look, on synthetic scenes with known truth (SMP
 * dots of known density, size and dilution around an undotted patch, drawn
 * by the dot model): the match lands the core on the reference and finds
 * the truth's texture, density and shade; thin regions get fewer dots; and
 * sessions, age, cast and scars change what they should. */
#include "testutil.h"

#include <math.h>

#include "internal.h"
#include "scene.h"
#include "chamfer.h"
#include "look.h"
#include "color.h"
#include "select.h"
#include "result.h"
#include "rng.h"

#define TRUTH_DENSITY 110.0
#define TRUTH_DOT 0.28
#define TRUTH_DILUTION 0.3

typedef struct scene_images {
    smp_image *photo, *mask;
} scene_images;

static scene_images make_scene(double smp_density, double hair_density)
{
    scalp_scene sc = {1200, 900, 16, 11, hair_density, smp_density, TRUTH_DOT, TRUTH_DILUTION, 0.85};
    scene_images s = {smp_image_new(), smp_image_new()};
    assert_int_equal(scalp_scene_make(&sc, s.photo, s.mask), 0);
    return s;
}

static void free_scene(scene_images *s)
{
    smp_image_free(s->photo);
    smp_image_free(s->mask);
}

static smp_params *params_at(double ppm)
{
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, ppm);
    smp_params_set_measures(p, 1);
    return p;
}

static smp_result *run(const smp_params *p, const scene_images *s)
{
    smp_result *r = smp_result_new();
    if (smp_simulate(r, p, s->photo, s->mask) != SMP_OK)
        fail_msg("simulate: %s", smp_result_message(r));
    return r;
}

static void test_match_recovers_the_truth(void **state)
{
    (void)state;
    scene_images s = make_scene(TRUTH_DENSITY, 0);
    smp_params *p = params_at(16);
    smp_result *r = run(p, &s);
    smp_measures m;
    assert_int_equal(smp_result_measures(r, &m), SMP_OK);
    double ref[3], core[3];
    assert_true(smp_result_colour(r, SMP_COLOUR_REFERENCE, ref));
    assert_true(smp_result_colour(r, SMP_COLOUR_CORE_AFTER, core));
    print_message("truth %.0f/cm², %.2f mm, dilution %.2f: matched %.1f/cm², %.2f mm, dilution %.2f; "
                  "CIEDE2000 %.2f -> %.2f, texture %.2f of the reference's\n",
                  TRUTH_DENSITY, TRUTH_DOT, TRUTH_DILUTION, m.density_used_cm2, m.dot_mm, m.dilution,
                  m.delta_e_before, m.delta_e_after, m.contrast_ratio);
    assert_true(m.delta_e_after <= 1.0 && m.delta_e_after < m.delta_e_before);
    assert_true(core[0] >= ref[0] - 1.0); /* lands on it, not darker */
    assert_true(m.contrast_ratio > 0.5 && m.contrast_ratio < 2.0);
    assert_true(m.dot_mm >= 0.25 && m.dot_mm <= 0.35);
    /* Its aim (smp_measures match_aim), as the studio's tone preview reads
     * it: met, so run again with the density fixed it takes the dot size
     * and shade to the same tone (the preview holds the core's tone on that
     * word); with nothing left to choose there is no aim. */
    assert_int_equal(m.match_aim, SMP_AIM_TONE);
    const double chosen = m.density_used_cm2, fixed[2] = {0.7 * chosen, 1.5 * chosen};
    smp_result_free(r);
    double l[2], now[3];
    for (int k = 0; k < 2; k++) {
        smp_params_set_density(p, fixed[k]);
        r = run(p, &s);
        assert_int_equal(smp_result_measures(r, &m), SMP_OK);
        assert_true(smp_result_colour(r, SMP_COLOUR_CORE_AFTER, now));
        l[k] = now[0];
        assert_true(m.density_used_cm2 == fixed[k] && fabs(l[k] - core[0]) < 1.0);
        smp_result_free(r);
    }
    print_message("core L* %.2f; at %.1f and %.1f/cm² fixed, %.2f and %.2f\n", core[0], fixed[0], fixed[1], l[0], l[1]);
    smp_params_set_dot_diameter(p, TRUTH_DOT);
    smp_params_set_dilution(p, TRUTH_DILUTION);
    r = run(p, &s);
    assert_int_equal(smp_result_measures(r, &m), SMP_OK);
    assert_int_equal(m.match_aim, SMP_AIM_NONE);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

static void test_auto_density_at_the_true_dot(void **state)
{
    (void)state;
    scene_images s = make_scene(TRUTH_DENSITY, 0);
    smp_params *p = params_at(16);
    smp_params_set_dot_diameter(p, TRUTH_DOT);
    smp_params_set_dilution(p, TRUTH_DILUTION);
    smp_params_set_density_auto(p, 1);
    smp_result *r = run(p, &s);
    smp_measures m;
    assert_int_equal(smp_result_measures(r, &m), SMP_OK);
    print_message("density auto at the true dot and dilution: %.1f/cm² (truth %.0f), CIEDE2000 %.2f\n",
                  m.density_used_cm2, TRUTH_DENSITY, m.delta_e_after);
    assert_true(m.dot_mm == TRUTH_DOT && m.dilution == TRUTH_DILUTION); /* given values are honoured */
    assert_true(m.delta_e_after <= 1.0);
    /* The reference is judged against its own bare skin (shade.c): between
     * SMP dots 1 mm apart there is none, their halos reach it, so part of
     * the dots' even darkening passes for shade and the match asks for
     * less ink than the truth holds: measured 75 for 110. */
    assert_true(m.density_used_cm2 > 0.55 * TRUTH_DENSITY && m.density_used_cm2 < 1.15 * TRUTH_DENSITY);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

static void test_fixed_density_is_honoured(void **state)
{
    (void)state;
    scene_images s = make_scene(100, 0);
    smp_params *p = params_at(16);
    smp_params_set_density(p, 60);
    smp_result *r = run(p, &s);
    double density;
    smp_result_tone(r, NULL, NULL, &density);
    assert_true(density == 60);
    smp_result_free(r);
    /* Given settings far past the surroundings' tone are said to be too dark
     * (the note called that a difference of shade). */
    smp_params_set_density(p, 300);
    smp_params_set_dot_diameter(p, 0.4);
    smp_params_set_dilution(p, 0);
    r = run(p, &s);
    int said = 0;
    for (size_t i = 0; i < smp_result_note_count(r); i++)
        said |= strstr(smp_result_note(r, i), "darker than its surroundings") != NULL;
    print_message("300/cm² of 0.4 mm undiluted against 100/cm²: said too dark: %d\n", said);
    assert_true(said);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

/* Surroundings far darker than natural SMP (four times the dots, larger,
 * undiluted): the match goes to its limit and says the surroundings are
 * out of reach, which it says only when even the most ink leaves the core
 * lighter. */
static void test_out_of_reach_is_said(void **state)
{
    (void)state;
    scalp_scene sc = {1200, 900, 16, 11, 0, 450, 0.4, 0, 0.85};
    scene_images s = {smp_image_new(), smp_image_new()};
    assert_int_equal(scalp_scene_make(&sc, s.photo, s.mask), 0);
    smp_params *p = params_at(16);
    smp_result *r = run(p, &s);
    int said = 0;
    for (size_t i = 0; i < smp_result_note_count(r); i++)
        said |= strstr(smp_result_note(r, i), "darker than SMP reaches") != NULL;
    double density;
    smp_result_tone(r, NULL, NULL, &density);
    print_message("surroundings of 450/cm² of 0.4 mm: %.1f/cm², said out of reach: %d\n", density, said);
    assert_true(said);
    smp_measures m;
    assert_int_equal(smp_result_measures(r, &m), SMP_OK);
    assert_int_equal(m.match_aim, SMP_AIM_DARKEST); /* the most ink: 150/cm² of 0.35 mm, undiluted */
    assert_true(m.density_used_cm2 == 150 && fabs(m.dot_mm - 0.35) < 1e-9 && m.dilution == 0);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

/* A metrics file's text (until the next call). */
static const char *metrics_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* A metrics file's number after "key": (the first), NAN when absent. */
static double metric(const char *path, const char *key)
{
    const char *buf = metrics_text(path);
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *at = strstr(buf, pat);
    return at ? strtod(at + strlen(pat), NULL) : NAN;
}

/* Shine gathered in a few of the core's cells (a shiny top): the core's
 * tone is the median over its cells, which hold little of it, so the
 * match's prediction takes the darkening of the cells about the median,
 * not that of the core's mean shine. From the mean it predicted 0.10
 * where the render gave 0.19 here (on the crown photo 0.09 for 0.53);
 * now 0.16 for 0.17. */
static void test_prediction_with_gathered_shine(void **state)
{
    (void)state;
    scene_images s = make_scene(TRUTH_DENSITY, 0);
    const uint32_t w = smp_image_width(s.photo), h = smp_image_height(s.photo);
    const uint8_t *mk = smp_image_cdata(s.mask);
    uint8_t *px = smp_image_data(s.photo), *to_srgb = malloc(65536);
    assert_non_null(to_srgb);
    smp__linear_to_srgb_table(to_srgb);
    double cx = 0, cy = 0, n = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            if (mk[(size_t)y * w + x] >= 128)
                cx += x, cy += y, n++;
    assert_true(n > 0);
    cx /= n, cy /= n;
    const double sig = 0.08 * sqrt(n); /* a highlight over a tenth of the patch, clipping at its top */
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const double g = 0.9 * exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sig * sig));
            for (int c = 0; c < 3; c++) {
                uint8_t *v = px + ((size_t)y * w + x) * 3 + c;
                const double l = smp__srgb_to_linear(*v) + g;
                *v = to_srgb[(int)lrint((l > 1 ? 1 : l) * 65535.0)];
            }
        }
    free(to_srgb);
    smp_params *p = params_at(16);
    smp_result *r = run(p, &s);
    char dir[] = "/tmp/smp-shade-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/m.json", dir);
    if (smp_result_write_metrics(r, path, p) != SMP_OK)
        fail_msg("metrics: %s", smp_result_message(r));
    const double before = metric(path, "before"), after = metric(path, "after"), pred = metric(path, "predicted");
    remove(path);
    rmdir(dir);
    print_message("gathered shine: CIEDE2000 %.2f -> %.2f, predicted %.2f\n", before, after, pred);
    assert_true(after < before);
    assert_true(fabs(pred - after) < 0.05);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

/* The photo's blur where edges hold it (focus.h: trust). The stubble on the
 * right of a synthetic scalp, defocused by DEFOCUS_PX (in linear light),
 * gives its dots clearly more blur than the cap, up to its own (the map reads
 * such blurred stubble low: about 3 px here); the bald patch, whose soft
 * shading reads as 4-8 px on a sharp photo, keeps the cap, in focus or not;
 * the sharp stubble stays sharp. */
#define DEFOCUS_PX 5.0
#define DEFOCUS_X0 600 /* sharp to its left, defocused from DEFOCUS_X1 on, a blend between */
#define DEFOCUS_X1 760
static float right_side(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    (void)y, (void)w, (void)h;
    return x >= DEFOCUS_X1 ? 1.0f : x <= DEFOCUS_X0 ? 0.0f : (float)(x - DEFOCUS_X0) / (DEFOCUS_X1 - DEFOCUS_X0);
}

/* The photo blurred by sigma px (in linear light) with the weight
 * where(x, y) of the blur, 0 sharp to 1 blurred. */
static void defocus_where(smp_image *photo, double sigma, float (*where)(uint32_t, uint32_t, uint32_t, uint32_t))
{
    const uint32_t w = smp_image_width(photo), h = smp_image_height(photo);
    uint8_t *px = smp_image_data(photo), *to_srgb = malloc(65536);
    const int r = (int)ceil(3 * sigma);
    float *lin = malloc(sizeof(float) * w * h * 3), *tmp = malloc(sizeof(float) * w * h * 3), k[128];
    assert_true(2 * r + 1 <= 128);
    assert_non_null(lin);
    assert_non_null(tmp);
    assert_non_null(to_srgb);
    smp__linear_to_srgb_table(to_srgb);
    double ks = 0;
    for (int t = -r; t <= r; t++)
        ks += k[t + r] = (float)exp(-0.5 * t * t / (sigma * sigma));
    for (int t = 0; t <= 2 * r; t++)
        k[t] = (float)(k[t] / ks);
    for (size_t i = 0; i < (size_t)w * h * 3; i++)
        lin[i] = smp__srgb_to_linear(px[i]);
    for (int pass = 0; pass < 2; pass++) /* rows, then columns, edges replicated */
        for (uint32_t y = 0; y < h; y++)
            for (uint32_t x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) {
                    float a = 0;
                    for (int t = -r; t <= r; t++) {
                        const long u = pass ? (long)x : (long)x + t, v = pass ? (long)y + t : (long)y;
                        const long cu = u < 0 ? 0 : u >= (long)w ? (long)w - 1 : u;
                        const long cv = v < 0 ? 0 : v >= (long)h ? (long)h - 1 : v;
                        a += k[t + r] * (pass ? tmp : lin)[((size_t)cv * w + (size_t)cu) * 3 + c];
                    }
                    (pass ? lin : tmp)[((size_t)y * w + x) * 3 + c] = a;
                }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const float t = where(x, y, w, h);
            if (t > 0)
                for (int c = 0; c < 3; c++) {
                    const size_t i = ((size_t)y * w + x) * 3 + c;
                    const float v = t * lin[i] + (1 - t) * smp__srgb_to_linear(px[i]);
                    px[i] = to_srgb[(int)lrintf((v < 0 ? 0 : v > 1 ? 1 : v) * 65535.0f)];
                }
        }
    free(lin);
    free(tmp);
    free(to_srgb);
}

static void test_dots_take_the_photos_defocus(void **state)
{
    (void)state;
    const double ppm = 16;
    scene_images s = make_scene(0, 300);
    defocus_where(s.photo, DEFOCUS_PX, right_side);
    /* Treated: all but the sharp stubble of the left sixth (the reference). */
    const uint32_t w = smp_image_width(s.photo), h = smp_image_height(s.photo);
    uint8_t *m = smp_image_data(s.mask);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            m[(size_t)y * w + x] = x < w / 6 ? 0 : 255;
    smp_params *p = params_at(ppm);
    smp_result *r = run(p, &s);
    size_t n, nd = 0, ns = 0, nb = 0;
    const smp_dot *d = smp_result_dots(r, &n);
    float *defocused = malloc(sizeof(float) * n), *sharp = malloc(sizeof(float) * n);
    assert_non_null(defocused);
    assert_non_null(sharp);
    double bald_max = 0;
    for (size_t i = 0; i < n; i++) {
        /* The scene's bald ellipse (tools/scene.c), in its semi-axes; its
         * middle is over a focus cell and a half from the hair. */
        const double x = d[i].x_mm * ppm, y = d[i].y_mm * ppm;
        const double e = hypot((x - 0.5 * w) / (0.26 * w), (y - 0.48 * h) / (0.27 * h));
        if (e < 0.35)
            nb++, bald_max = fmax(bald_max, d[i].blur_mm);
        else if (e > 1.6 && x > DEFOCUS_X1 + 128)
            defocused[nd++] = d[i].blur_mm;
        else if (e > 1.6 && x < DEFOCUS_X0 - 128)
            sharp[ns++] = d[i].blur_mm;
    }
    const double cap = smp__photo_blur_cap_mm(ppm, NAN); /* the most it can be */
    const double med = nd ? smp__kth_float(defocused, nd, nd / 2) : 0, sharp_med = ns ? smp__kth_float(sharp, ns, ns / 2) : 0;
    print_message("defocused stubble (%.1f px): dots' blur median %.2f px (%zu dots); sharp stubble %.2f px (%zu); "
                  "bald patch at most %.4f px (%zu), the cap %.4f px\n",
                  DEFOCUS_PX, med * ppm, nd, sharp_med * ppm, ns, bald_max * ppm, nb, cap * ppm);
    assert_true(nb > 100 && nd > 200 && ns > 100);
    assert_true(med > 1.5 * cap && med * ppm < 1.1 * DEFOCUS_PX);
    assert_true(sharp_med < 0.75 * cap);
    /* The trust map is smooth: a dot near a trusted edge may take a hair more. */
    assert_true(bald_max <= 1.02 * cap);
    free(sharp);
    free(defocused);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

/* Out of focus beyond the scene's bald ellipse and its thinning rim
 * (tools/scene.c: 6 mm, a third of the semi-axis at 16 px/mm), sharp inside. */
static double patch_e(double x, double y, uint32_t w, uint32_t h)
{
    return hypot((x - 0.5 * w) / (0.26 * w), (y - 0.48 * h) / (0.27 * h));
}

static float outside_patch(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    const double e = patch_e(x + 0.5, y + 0.5, w, h);
    return e >= 1.45 ? 1.0f : e <= 1.35 ? 0.0f : (float)((e - 1.35) / 0.1);
}

/* Sharp pores in the bald patch, as a crown's core in focus shows them:
 * discs of 2.5 px radius, 25 % darker, on a jittered 1.8 mm grid. */
static void sharp_pores(smp_image *photo, double ppm)
{
    const uint32_t w = smp_image_width(photo), h = smp_image_height(photo);
    uint8_t *px = smp_image_data(photo), *to_srgb = malloc(65536);
    assert_non_null(to_srgb);
    smp__linear_to_srgb_table(to_srgb);
    const double step = 1.0 * ppm;
    uint32_t z = 12345;
    for (double cy = step / 2; cy < h; cy += step)
        for (double cx = step / 2; cx < w; cx += step) {
            z = z * 1664525u + 1013904223u;
            const double x0 = cx + ((z >> 8) % 1000 / 1000.0 - 0.5) * step * 0.6;
            z = z * 1664525u + 1013904223u;
            const double y0 = cy + ((z >> 8) % 1000 / 1000.0 - 0.5) * step * 0.6;
            if (patch_e(x0, y0, w, h) > 1.35)
                continue;
            for (long y = (long)y0 - 3; y <= (long)y0 + 3; y++)
                for (long x = (long)x0 - 3; x <= (long)x0 + 3; x++)
                    if (x >= 0 && y >= 0 && x < (long)w && y < (long)h && hypot(x + 0.5 - x0, y + 0.5 - y0) <= 2.5)
                        for (int c = 0; c < 3; c++) {
                            uint8_t *v = px + ((size_t)y * w + (size_t)x) * 3 + c;
                            *v = to_srgb[(int)lrint(0.6 * smp__srgb_to_linear(*v) * 65535.0)];
                        }
        }
    free(to_srgb);
}

/* Whether the run's metrics file holds text. */
static int metrics_hold(smp_result *r, const smp_params *p, const char *text)
{
    char dir[] = "/tmp/smp-shade-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/m.json", dir);
    if (smp_result_write_metrics(r, path, p) != SMP_OK)
        fail_msg("metrics: %s", smp_result_message(r));
    const int hold = strstr(metrics_text(path), text) != NULL;
    remove(path);
    rmdir(dir);
    return hold;
}

static int has_note(const smp_result *r, const char *text)
{
    for (size_t i = 0; i < smp_result_note_count(r); i++)
        if (strstr(smp_result_note(r, i), text))
            return 1;
    return 0;
}

/* A reference out of focus around a sharp bald core (the crown photo's
 * rim reads 0.37 mm): its texture is the blur's, and the core's dots held
 * to it came out fewer and coarser (82.5/cm² of 0.35 mm on the crown, a
 * stipple at viewing size). The match then leaves texture out: the tone
 * is still met, the note says why, and no texture is predicted; with the
 * same scene in focus the texture counts. */
#define REF_DEFOCUS_PX 8.0 /* 0.5 mm: the band reads 0.25 mm, the pored core 0.07 */
static void test_defocused_reference_leaves_texture_out(void **state)
{
    (void)state;
    const double ppm = 16;
    scene_images s = make_scene(0, 300);
    sharp_pores(s.photo, ppm);
    smp_params *p = params_at(ppm);
    smp_result *sharp = run(p, &s);
    defocus_where(s.photo, REF_DEFOCUS_PX, outside_patch);
    smp_result *soft = run(p, &s);
    smp_measures ms, md;
    assert_int_equal(smp_result_measures(sharp, &ms), SMP_OK);
    assert_int_equal(smp_result_measures(soft, &md), SMP_OK);
    const int predicted_sharp = !metrics_hold(sharp, p, "\"contrast_predicted\": null");
    const int predicted_soft = !metrics_hold(soft, p, "\"contrast_predicted\": null");
    print_message("in focus: %.1f/cm² of %.2f mm, CIEDE2000 %.2f, texture %s; reference blurred %.0f px: "
                  "%.1f/cm² of %.2f mm, CIEDE2000 %.2f, texture %s\n",
                  ms.density_used_cm2, ms.dot_mm, ms.delta_e_after, predicted_sharp ? "predicted" : "left out",
                  REF_DEFOCUS_PX, md.density_used_cm2, md.dot_mm, md.delta_e_after,
                  predicted_soft ? "predicted" : "left out");
    assert_true(predicted_sharp && !has_note(sharp, "out of focus"));
    assert_true(has_note(soft, "out of focus"));
    assert_false(predicted_soft);
    assert_true(md.delta_e_after <= 1.0 && md.delta_e_after < md.delta_e_before);
    smp_result_free(sharp);
    smp_result_free(soft);
    smp_params_free(p);
    free_scene(&s);
}

static size_t dots_in_layer(const smp_result *r, int layer)
{
    size_t n, k = 0;
    const smp_dot *d = smp_result_dots(r, &n);
    for (size_t i = 0; i < n; i++)
        k += d[i].layer == layer;
    return k;
}

static double core_l(smp_result *r)
{
    double lab[3];
    assert_true(smp_result_colour(r, SMP_COLOUR_CORE_AFTER, lab));
    return lab[0];
}

static void test_sessions_build_up(void **state)
{
    (void)state;
    scene_images s = make_scene(100, 0);
    smp_params *p = params_at(16);
    const double split[3] = {30, 70, 100};
    smp_params_set_layers(p, split, 3);
    smp_result *all = run(p, &s);
    size_t n1 = dots_in_layer(all, 1), n2 = dots_in_layer(all, 2), n3 = dots_in_layer(all, 3);
    size_t n = n1 + n2 + n3;
    print_message("sessions: %zu + %zu + %zu dots\n", n1, n2, n3);
    assert_true(fabs((double)n1 / n - 0.30) < 0.05);
    assert_true(fabs((double)(n1 + n2) / n - 0.70) < 0.05);
    /* Showing session 1 draws fewer dots: the core stays lighter. */
    smp_params_set_show_session(p, 1);
    smp_result *first = run(p, &s);
    assert_true(core_l(first) > core_l(all) + 0.1);
    smp_result_free(first);
    smp_result_free(all);
    smp_params_free(p);
    free_scene(&s);
}

static void test_age_and_cast(void **state)
{
    (void)state;
    scene_images s = make_scene(100, 0);
    smp_params *p = params_at(16);
    smp_params_set_density(p, 100); /* fixed: the look alone changes */
    smp_params_set_dot_diameter(p, 0.28);
    smp_params_set_dilution(p, 0.3);
    smp_result *healed = run(p, &s);
    smp_params_set_age(p, -1);
    smp_result *fresh = run(p, &s);
    smp_params_set_age(p, 5);
    smp_result *faded = run(p, &s);
    double lh = core_l(healed), lf = core_l(fresh), l5 = core_l(faded);
    print_message("age: core L fresh %.2f, healed %.2f, 5 years %.2f\n", lf, lh, l5);
    assert_true(lf < lh - 0.2 && l5 > lh + 0.1);
    size_t n;
    const smp_dot *df = smp_result_dots(fresh, &n), *dh = smp_result_dots(healed, &n);
    assert_true(df[0].diameter_mm > dh[0].diameter_mm * 1.3); /* fresh dots are larger */
    smp_params_set_age(p, 0);
    smp_params_set_cast(p, SMP_CAST_BLUE);
    smp_result *blue = run(p, &s);
    double a[3], b[3];
    assert_true(smp_result_colour(healed, SMP_COLOUR_PIGMENT, a));
    assert_true(smp_result_colour(blue, SMP_COLOUR_PIGMENT, b));
    assert_true(b[2] < a[2] - 5); /* towards blue */
    smp_result_free(blue);
    smp_result_free(faded);
    smp_result_free(fresh);
    smp_result_free(healed);
    smp_params_free(p);
    free_scene(&s);
}

/* The look shows one treatment: at matched settings, fresh, five years on
 * and a blue cast keep the healed run's density, dot size and every dot's
 * place, and darken or fade it (the match re-fitted each look, so five
 * years on looked as dark as healed); a given colour fades too. */
static void test_look_keeps_the_treatment(void **state)
{
    (void)state;
    scene_images s = make_scene(TRUTH_DENSITY, 0);
    smp_params *p = params_at(16);
    smp_result *healed = run(p, &s);
    double d_healed, d;
    smp_result_tone(healed, NULL, NULL, &d_healed);
    size_t n, m;
    const smp_dot *dh = smp_result_dots(healed, &n);
    const double ages[3] = {-1, 5, 0}, size[3] = {1.4, 1.2, 1.0};
    double l[3];
    for (int k = 0; k < 3; k++) {
        smp_params_set_age(p, ages[k]);
        smp_params_set_cast(p, k == 2 ? SMP_CAST_BLUE : SMP_CAST_NONE);
        smp_result *r = run(p, &s);
        smp_result_tone(r, NULL, NULL, &d);
        assert_true(d == d_healed);
        const smp_dot *dk = smp_result_dots(r, &m);
        assert_int_equal(m, n);
        for (size_t i = 0; i < n; i++) {
            assert_true(dk[i].x_mm == dh[i].x_mm && dk[i].y_mm == dh[i].y_mm);
            assert_true(fabs(dk[i].diameter_mm / dh[i].diameter_mm - size[k]) < 1e-3);
        }
        l[k] = core_l(r);
        smp_result_free(r);
    }
    const double lh = core_l(healed);
    print_message("one treatment at %.1f dots/cm²: core L fresh %.2f, healed %.2f, 5 years %.2f, cast %.2f\n",
                  d_healed, l[0], lh, l[1], l[2]);
    assert_true(l[0] < lh - 0.5 && l[1] > lh + 0.5);
    smp_params_set_cast(p, SMP_CAST_NONE);
    smp_params_set_age(p, 0);
    smp_params_set_pigment(p, 0x40, 0x3a, 0x3a);
    smp_result *given = run(p, &s);
    smp_params_set_age(p, 5);
    smp_result *given5 = run(p, &s);
    print_message("a given colour: core L healed %.2f, 5 years %.2f\n", core_l(given), core_l(given5));
    assert_true(core_l(given5) > core_l(given) + 0.5);
    smp_result_free(given5);
    smp_result_free(given);
    smp_result_free(healed);
    smp_params_free(p);
    free_scene(&s);
}

static void test_scars_take_less_pigment(void **state)
{
    (void)state;
    scene_images s = make_scene(100, 0);
    smp_image *scars = smp_image_new();
    assert_int_equal(smp_image_alloc(scars, 1200, 900, 1), SMP_OK);
    uint8_t *px = smp_image_data(scars);
    for (uint32_t y = 0; y < 900; y++) /* the left half is scar tissue */
        memset(px + (size_t)y * 1200, 255, 600);
    smp_params *p = params_at(16);
    smp_params_set_scars(p, scars);
    smp_result *r = run(p, &s);
    size_t n;
    const smp_dot *d = smp_result_dots(r, &n);
    double op_scar = 0, op_skin = 0, sz_scar = 0, sz_skin = 0;
    size_t k_scar = 0, k_skin = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i].x_mm < 600 / 16.0 - 1) {
            op_scar += d[i].opacity;
            sz_scar += d[i].diameter_mm;
            k_scar++;
        } else if (d[i].x_mm > 600 / 16.0 + 1) {
            op_skin += d[i].opacity;
            sz_skin += d[i].diameter_mm;
            k_skin++;
        }
    }
    assert_true(k_scar > 100 && k_skin > 100);
    assert_true(op_scar / k_scar < 0.7 * op_skin / k_skin);
    assert_true(sz_scar / k_scar > 1.2 * sz_skin / k_skin);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(scars);
    free_scene(&s);
}

static void test_existing_hair_lowers_density(void **state)
{
    (void)state;
    /* The stubble scene's mask is grey over the thinning rim: there, the
     * dots thin out with the grey and with the hair already present. */
    scene_images s = make_scene(0, 120);
    smp_params *p = params_at(16);
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    smp_params_set_feather(p, 0);
    smp_result *r = run(p, &s);
    size_t n;
    const smp_dot *d = smp_result_dots(r, &n);
    /* Compare dot density per mask grey level band. */
    const uint8_t *m = smp_image_cdata(s.mask);
    size_t full = 0, rim = 0, full_px = 0, rim_px = 0;
    for (size_t i = 0; i < 1200 * 900; i++) {
        full_px += m[i] == 255;
        rim_px += m[i] > 0 && m[i] < 128;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t v = m[(size_t)(d[i].y_mm * 16) * 1200 + (size_t)(d[i].x_mm * 16)];
        full += v == 255;
        rim += v > 0 && v < 128;
    }
    double dens_full = full / (double)full_px, dens_rim = rim / (double)rim_px;
    print_message("thin regions: %.4f dots/px where bald, %.4f where the mask is under half grey\n",
                  dens_full, dens_rim);
    assert_true(dens_rim < 0.5 * dens_full);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}


/* A frontal hairline: short dark hair above the receded stripe (the mask),
 * bare forehead below, both in the band 3-15 mm outside the mask. The
 * reference must be the hair side's: it is what the treated area should
 * read as the shadow of. Before, the uniform forehead made the hair side
 * the band's lightness outliers: the reference read L* 72.0 (the core's
 * own, 0.7 % darker after) where the hair side painted as the reference
 * reads 63.3; now 64.2, and the core darkens 25 %. Painting the same
 * reference over the forehead-less hair side changes nothing. */
static void test_hairline_reference_is_the_hair_side(void **state)
{
    (void)state;
    const int w = 1200, h = 900;
    const double ppm = 12;
    scene_images s = {smp_image_new(), smp_image_new()};
    assert_int_equal(frontal_hairline_scene_make(w, h, ppm, 5, s.photo, s.mask), 0);
    smp_image *ref = smp_image_new();
    assert_int_equal(smp_image_alloc(ref, (uint32_t)w, (uint32_t)h, 1), SMP_OK);
    uint8_t *rp = smp_image_data(ref);
    for (int y = 0; y < h; y++) /* the band's hair side: 3-15 mm above the hairline */
        for (int x = 0; x < w; x++)
            rp[(size_t)y * w + x] = y + 0.5 >= 0.35 * h - 15 * ppm && y + 0.5 < 0.35 * h - 3 * ppm ? 255 : 0;
    smp_params *p = params_at(ppm);
    smp_result *band = run(p, &s);
    smp_params_set_reference(p, ref);
    smp_result *hair = run(p, &s);
    double lb[3], lh[3], before[3];
    assert_true(smp_result_colour(band, SMP_COLOUR_REFERENCE, lb));
    assert_true(smp_result_colour(hair, SMP_COLOUR_REFERENCE, lh));
    assert_true(smp_result_colour(band, SMP_COLOUR_CORE_BEFORE, before));
    smp_measures m;
    assert_int_equal(smp_result_measures(band, &m), SMP_OK);
    print_message("hairline: reference L* %.2f from the band, %.2f painted on the hair side; core %.2f, %.1f %% darker\n",
                  lb[0], lh[0], before[0], 100 * m.core_darkening);
    assert_true(fabs(lb[0] - lh[0]) < 2.0);
    assert_true(lb[0] < before[0] - 5);
    assert_true(m.core_darkening > 0.15);
    smp_result_free(band);
    smp_result_free(hair);
    smp_params_free(p);
    smp_image_free(ref);
    free_scene(&s);
}

/* Part of the band in deep, smooth shade (the back of a head turning away
 * from the light, a dark background beside it: the crown photo's auto
 * mask has a third of its band so): no skin shows there within 2 mm, but
 * neither do hair's lighter gaps, so its darkening is the light's. Read
 * as dense hair against the lit skin nearby (the old local skin), it took
 * the reference's target 6 L* darker here and the core was darkened 24 %
 * instead of 8 %; the shade's own lightest is its skin now. */
static void test_smooth_shade_is_not_hair(void **state)
{
    (void)state;
    const double ppm = 16;
    scalp_scene sc = {1200, 900, ppm, 11, 150, 0, 0, 0, 0};
    scene_images s = {smp_image_new(), smp_image_new()};
    assert_int_equal(scalp_scene_make(&sc, s.photo, s.mask), 0);
    smp_params *p = params_at(ppm);
    smp_result *lit = run(p, &s);
    /* The shade: left of x0, the untreated pixels bare skin without
     * hair, smooth, in a light falling from 0.35 at x0 to 0.05 at the
     * frame's edge. */
    const uint32_t w = smp_image_width(s.photo), h = smp_image_height(s.photo), x0 = (uint32_t)(0.5 * w);
    uint8_t *px = smp_image_data(s.photo);
    const uint8_t *mk = smp_image_data(s.mask);
    const double skin[3] = {0.730, 0.434, 0.296}; /* sRGB 222, 176, 148, linear */
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < x0; x++)
            if (mk[(size_t)y * w + x] == 0) {
                const double f = 0.05 + 0.3 * x / x0;
                for (int c = 0; c < 3; c++) {
                    const double v = skin[c] * f, e = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
                    px[((size_t)y * w + x) * 3 + c] = (uint8_t)lrint(255 * e);
                }
            }
    smp_result *shaded = run(p, &s);
    double ll[3], ls[3];
    assert_true(smp_result_colour(lit, SMP_COLOUR_REFERENCE, ll));
    assert_true(smp_result_colour(shaded, SMP_COLOUR_REFERENCE, ls));
    smp_measures ml, ms;
    assert_int_equal(smp_result_measures(lit, &ml), SMP_OK);
    assert_int_equal(smp_result_measures(shaded, &ms), SMP_OK);
    print_message("smooth shade: reference L* %.2f lit, %.2f with the shade; core %.1f %% / %.1f %% darker\n", ll[0],
                  ls[0], 100 * ml.core_darkening, 100 * ms.core_darkening);
    assert_true(fabs(ls[0] - ll[0]) < 2.0);
    assert_true(fabs(ms.core_darkening - ml.core_darkening) < 0.03);
    smp_result_free(lit);
    smp_result_free(shaded);
    smp_params_free(p);
    free_scene(&s);
}

/* The untreated pixels from d0 to d1 mm outside the mask (treated: at
 * least half) and left of x1 px near black: the skin's colour at 1.4-4 %
 * of its light, in folds of 3 x 4 mm, so that no cell is lit (under 5 %
 * of the skin's luminance) and the view is not smooth (its folds' light
 * within 2 mm of every cell). */
static void paint_dark(smp_image *photo, smp_image *mask, double ppm, double d0, double d1, uint32_t x1)
{
    const uint32_t w = smp_image_width(photo), h = smp_image_height(photo);
    uint8_t *px = smp_image_data(photo);
    const uint8_t *mk = smp_image_data(mask);
    float *d = malloc((size_t)w * h * sizeof *d);
    assert_non_null(d);
    for (size_t i = 0; i < (size_t)w * h; i++)
        d[i] = mk[i] >= 128 ? 0 : INFINITY;
    smp__chamfer_mm(d, w, h, 1 / ppm);
    const double skin[3] = {0.730, 0.434, 0.296}; /* sRGB 222, 176, 148, linear */
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < x1; x++) {
            const float dm = d[(size_t)y * w + x];
            if (dm < d0 || dm > d1)
                continue;
            const double tau = 6.283185307179586,
                         f = 0.027 * (1 + 0.5 * sin(tau * x / (3 * ppm)) * sin(tau * y / (4 * ppm)));
            for (int c = 0; c < 3; c++) {
                const double v = skin[c] * f, e = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
                px[((size_t)y * w + x) * 3 + c] = (uint8_t)lrint(255 * e);
            }
        }
    free(d);
}

/* The stubble scene (150 x 112 mm, the mask 78 x 61 mm) beside a
 * background in shadow, near black and wide: from 2 mm outside the mask
 * to the frame's edge over its left 60 %. Its near black passes as scalp
 * and, with no skin confirmed there, borrows its local skin from the lit
 * stubble, so it read as dense hair; a wide unlit area is background
 * (rim.h), and the target stays the stubble's. The same dark folds in a
 * ring 10 mm wide about the mask (2-12 mm outside it, the lit stubble
 * beyond) are a fringe of black hair, and still darken the target. */
static void test_wide_shadow_is_not_hair(void **state)
{
    (void)state;
    const double ppm = 8;
    scalp_scene sc = {1200, 900, ppm, 11, 150, 0, 0, 0, 0};
    scene_images s = {smp_image_new(), smp_image_new()};
    assert_int_equal(scalp_scene_make(&sc, s.photo, s.mask), 0);
    smp_params *p = params_at(ppm);
    smp_result *lit = run(p, &s);
    paint_dark(s.photo, s.mask, ppm, 2, 1e9, 720);
    smp_result *wide = run(p, &s);
    assert_int_equal(scalp_scene_make(&sc, s.photo, s.mask), 0);
    paint_dark(s.photo, s.mask, ppm, 2, 12, 1200);
    smp_result *band = run(p, &s);
    double ll[3], lw[3], lb[3];
    assert_true(smp_result_colour(lit, SMP_COLOUR_REFERENCE, ll));
    assert_true(smp_result_colour(wide, SMP_COLOUR_REFERENCE, lw));
    assert_true(smp_result_colour(band, SMP_COLOUR_REFERENCE, lb));
    smp_measures ml, mw, mb;
    assert_int_equal(smp_result_measures(lit, &ml), SMP_OK);
    assert_int_equal(smp_result_measures(wide, &mw), SMP_OK);
    assert_int_equal(smp_result_measures(band, &mb), SMP_OK);
    print_message("wide shadow: reference L* %.2f lit, %.2f beside a wide shadow, %.2f in a dark ring; core %.1f / "
                  "%.1f / %.1f %% darker\n",
                  ll[0], lw[0], lb[0], 100 * ml.core_darkening, 100 * mw.core_darkening, 100 * mb.core_darkening);
    assert_true(fabs(lw[0] - ll[0]) < 1.5);
    assert_true(fabs(mw.core_darkening - ml.core_darkening) < 0.015);
    assert_true(lb[0] < ll[0] - 3);
    assert_true(mb.core_darkening > ml.core_darkening + 0.02);
    smp_result_free(lit);
    smp_result_free(wide);
    smp_result_free(band);
    smp_params_free(p);
    free_scene(&s);
}

/* The core as its own reference: auto has nothing to darken toward, and
 * the consultant, who sees almost no change, is told why (before, the
 * note was empty whenever the residual was under 1). */
static void test_no_change_is_said(void **state)
{
    (void)state;
    scene_images s = make_scene(0, 120);
    smp_params *p = params_at(16);
    smp_params_set_reference(p, s.mask);
    smp_result *r = run(p, &s);
    int said = 0;
    for (size_t i = 0; i < smp_result_note_count(r); i++)
        said |= strstr(smp_result_note(r, i), "already matches its surroundings") != NULL;
    double before, after;
    smp_result_tone(r, &before, &after, NULL);
    print_message("the core as its reference: CIEDE2000 %.2f -> %.2f, said: %d\n", before, after, said);
    assert_true(said);
    smp_result_free(r);
    smp_params_free(p);
    free_scene(&s);
}

/* The broken edge wanders: on a straight-edged mask, its 50 % line strays
 * by millimetres along the edge (a soft edge's stays straight), it fades
 * over a wider zone where the mask ends on a front and within about a
 * millimetre where it ends on hair, nothing outside the mask is treated,
 * and the bytes are the same on 1 or 4 threads. */
static double line_wander_mm(const smp_coverage *c, uint32_t edge_row, double cell_mm, double *mean_mm,
                             double *width_mm)
{
    double sum = 0, sum2 = 0, wsum = 0;
    for (uint32_t x = 0; x < c->gw; x++) {
        /* from the outside in: the first rows at 10, 50 and 90 % */
        double at[3] = {0, 0, 0};
        const double lv[3] = {0.1, 0.5, 0.9};
        for (int k = 0; k < 3; k++)
            for (uint32_t y = edge_row + 40; y-- > 0;)
                if (c->c[(size_t)y * c->gw + x] >= lv[k] * 255) {
                    at[k] = (edge_row - (double)y) * cell_mm;
                    break;
                }
        sum += at[1];
        sum2 += at[1] * at[1];
        wsum += at[2] - at[0];
    }
    *mean_mm = sum / c->gw;
    *width_mm = wsum / c->gw;
    return sqrt(fmax(0, sum2 / c->gw - *mean_mm * *mean_mm));
}

static void test_broken_edge_wanders(void **state)
{
    (void)state;
    const double ppm = 4; /* 1 px cells of 0.25 mm */
    const uint32_t w = 1600, h = 240, edge_row = 120; /* a 400 mm straight edge, treated above */
    uint8_t *zones = malloc((size_t)w * h);
    assert_non_null(zones);
    uint8_t *hzones = malloc((size_t)w * h);
    assert_non_null(hzones);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        zones[i] = i / w >= edge_row ? SMP_ZONE_HAIRLINE : SMP_ZONE_CORE;
        hzones[i] = i / w >= edge_row ? SMP_ZONE_OUT | SMP_ZONE_OUT_HAIR : SMP_ZONE_CORE;
    }
    const smp_front front = {zones, w, h, 0.25}, hair = {hzones, w, h, 0.25};
    double stdv[4], mean[4], width[4];
    for (int k = 0; k < 4; k++) { /* soft, broken (no zones), broken on a front, broken on hair */
        const smp_edge edge = k ? SMP_EDGE_BROKEN : SMP_EDGE_SOFT;
        uint8_t *out[2] = {NULL, NULL};
        for (int t = 0; t < 2; t++) {
            smp_coverage c = {malloc((size_t)w * h), w, h, 1, w, h};
            assert_non_null(c.c);
            for (size_t i = 0; i < (size_t)w * h; i++)
                c.c[i] = i / w < edge_row ? 255 : 0;
            uint8_t *reach = NULL;
            char msg[256];
            const smp_front *f = k == 2 ? &front : k == 3 ? &hair : NULL;
            assert_int_equal(smp__edge_reach(&c, edge, 4, ppm, 7, f, t ? 4 : 1, &reach, msg), SMP_OK);
            assert_true(k ? reach != NULL : reach == NULL);
            assert_int_equal(smp__shape_edge(&c, edge, 4, ppm, 7, reach, t ? 4 : 1, msg), SMP_OK);
            free(reach);
            out[t] = c.c;
        }
        assert_memory_equal(out[0], out[1], (size_t)w * h);
        smp_coverage c = {out[0], w, h, 1, w, h};
        stdv[k] = line_wander_mm(&c, edge_row, 0.25, &mean[k], &width[k]);
        if (k) /* broken: nothing outside the mask */
            for (size_t i = (size_t)edge_row * w; i < (size_t)w * h; i++)
                assert_int_equal(out[0][i], 0);
        free(out[0]);
        free(out[1]);
    }
    print_message("50 %% line wander (std) soft %.2f, broken %.2f, on a front %.2f, on hair %.2f mm; inside the "
                  "edge by %.2f, %.2f, %.2f, %.2f mm; 10-90 %% %.2f, %.2f, %.2f, %.2f mm\n",
                  stdv[0], stdv[1], stdv[2], stdv[3], mean[0], mean[1], mean[2], mean[3], width[0], width[1], width[2],
                  width[3]);
    assert_true(stdv[0] < 0.1);
    assert_true(stdv[1] > 0.5 && stdv[2] > 1.0);
    assert_true(width[2] > 1.5 * width[1]);
    /* on hair: full within about a millimetre, still broken (not a straight line) */
    assert_true(mean[3] < 1.0 && mean[3] + 0.5 * width[3] < 1.5 && stdv[3] > 0.05);
    free(zones);
    free(hzones);
}

/* Both coverages shaped at once (the edge alone, and with the hair
 * already there: sim.c) give each one's own shaping to the byte, for
 * every style, whether the two differ or not, on 1 or 4 threads, with
 * hair outside part of the mask or none. */
static void test_shape_edges_as_two(void **state)
{
    (void)state;
    const double ppm = 4;
    const uint32_t w = 300, h = 220;
    const size_t n = (size_t)w * h;
    uint8_t *painted = malloc(n), *hair = malloc(n), *c[4];
    assert_non_null(painted);
    assert_non_null(hair);
    uint32_t seed = 12345;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const double dx = (x - 140.0) / 110, dy = (y - 100.0) / 80;
            seed = seed * 1103515245u + 12345u;
            painted[(size_t)y * w + x] = dx * dx + dy * dy < 1 ? 255 : 0;
            /* the hair factor's share, in blocks of 4 cells (its analysis cells) */
            hair[(size_t)y * w + x] = (uint8_t)(((x / 4 + y / 4) % 7 == 0) ? 255 - (seed >> 24) % 120 : 255);
        }
    /* hair outside the left half (the broken edge's reach then undoes the
     * feather there: look.h's second plane) */
    uint8_t *zones = malloc(n);
    assert_non_null(zones);
    for (size_t i = 0; i < n; i++)
        zones[i] = painted[i] ? 0 : i % w < 140 ? SMP_ZONE_OUT | SMP_ZONE_OUT_HAIR : SMP_ZONE_OUT;
    const smp_front on_hair = {zones, w, h, 0.25};
    for (int k = 0; k < 6; k++)
        for (int same = 0; same < 2; same++)
            for (int t = 0; t < 2; t++) {
                const smp_edge edge = (smp_edge)(k % 3);
                const smp_coverage p = {painted, w, h, 1, w, h};
                uint8_t *reach = NULL;
                char msg[256];
                assert_int_equal(smp__edge_reach(&p, edge, 4, ppm, 7, k >= 3 ? &on_hair : NULL, 1, &reach, msg),
                                 SMP_OK);
                for (int j = 0; j < 4; j++) {
                    assert_non_null(c[j] = malloc(n));
                    for (size_t i = 0; i < n; i++) /* 0, 1: the edge alone; 2, 3: with the hair */
                        c[j][i] = j < 2 || same ? painted[i] : (uint8_t)((painted[i] * hair[i] + 127) / 255);
                }
                smp_coverage a0 = {c[0], w, h, 1, w, h}, a1 = {c[1], w, h, 1, w, h};
                smp_coverage b0 = {c[2], w, h, 1, w, h}, b1 = {c[3], w, h, 1, w, h};
                assert_int_equal(smp__shape_edge(&a0, edge, 4, ppm, 7, reach, 1, msg), SMP_OK);
                assert_int_equal(smp__shape_edge(&b0, edge, 4, ppm, 7, reach, 1, msg), SMP_OK);
                assert_int_equal(smp__shape_edges(&a1, &b1, edge, 4, ppm, 7, reach, t ? 4 : 1, msg), SMP_OK);
                assert_memory_equal(c[1], c[0], n);
                assert_memory_equal(c[3], c[2], n);
                for (int j = 0; j < 4; j++)
                    free(c[j]);
                free(reach);
            }
    free(painted);
    free(hair);
    free(zones);
}

/* The broken edge's reach made again about a mask edit
 * (smp__edge_reach_again) is the one made whole, to the byte, and so is
 * the edge shaped again with it (smp__shape_edge_again): discs
 * erased and painted inside, across the edge, outside and at the frame,
 * one after another (each from the last one's), at three scales; with a
 * front it declines. */
static void test_edge_reach_again(void **state)
{
    (void)state;
    const uint32_t w = 420, h = 300;
    const size_t n = (size_t)w * h;
    uint8_t *a = malloc(n), *b = malloc(n);
    assert_non_null(a);
    assert_non_null(b);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const double dx = (x - 200.0) / 150, dy = (y - 140.0) / 110;
            a[(size_t)y * w + x] = dx * dx + dy * dy < 1 ? 200 : 0;
        }
    uint32_t rng = 777;
    char msg[256];
    int again = 0, shaped = 0;
    for (int k = 0; k < 36; k++) {
        const double ppm = k % 3 == 0 ? 2.5 : k % 3 == 1 ? 5 : 9;
        const smp_coverage old = {a, w, h, 1, w, h}, now = {b, w, h, 1, w, h};
        uint8_t *r0 = NULL, *r1 = NULL, *r2 = NULL;
        assert_int_equal(smp__edge_reach(&old, SMP_EDGE_BROKEN, 4, ppm, 7, NULL, 1, &r0, msg), SMP_OK);
        memcpy(b, a, n);
        rng = rng * 1103515245u + 12345u;
        const int cx = (int)(rng >> 8) % (int)w, rad = 1 + (int)(rng >> 4) % 30;
        rng = rng * 1103515245u + 12345u;
        const int cy = k % 5 == 4 ? 0 : (int)(rng >> 8) % (int)h;
        const uint8_t v = k % 2 ? 0 : k % 4 ? 255 : 90; /* erased, painted, painted lighter */
        for (int y = cy - rad; y <= cy + rad; y++)
            for (int x = cx - rad; x <= cx + rad; x++)
                if (x >= 0 && y >= 0 && x < (int)w && y < (int)h &&
                    (x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad)
                    b[(size_t)y * w + x] = v;
        assert_int_equal(smp__edge_reach(&now, SMP_EDGE_BROKEN, 4, ppm, 7, NULL, 1, &r1, msg), SMP_OK);
        if (smp__edge_reach_again(&now, &old, r0, SMP_EDGE_BROKEN, 4, ppm, 7, NULL, &r2)) {
            assert_memory_equal(r2, r1, n);
            again++;
            /* the edge shaped with each reach: whole, and again from the old shaping */
            uint8_t *e0 = malloc(n), *e1 = malloc(n), *e2 = malloc(n);
            assert_non_null(e0);
            assert_non_null(e1);
            assert_non_null(e2);
            memcpy(e0, a, n);
            memcpy(e1, b, n);
            memcpy(e2, b, n);
            smp_coverage c0 = {e0, w, h, 1, w, h}, c1 = {e1, w, h, 1, w, h}, c2 = {e2, w, h, 1, w, h};
            assert_int_equal(smp__shape_edge(&c0, SMP_EDGE_BROKEN, 4, ppm, 7, r0, 1, msg), SMP_OK);
            assert_int_equal(smp__shape_edge(&c1, SMP_EDGE_BROKEN, 4, ppm, 7, r1, 1, msg), SMP_OK);
            if (smp__shape_edge_again(&c2, &old, e0, SMP_EDGE_BROKEN, 4, ppm, 7, r1)) {
                assert_memory_equal(e2, e1, n);
                shaped++;
            }
            free(e0);
            free(e1);
            free(e2);
        }
        if (k == 0) { /* a front: declined */
            uint8_t zones[4] = {0, SMP_ZONE_HAIRLINE, 0, 0};
            const smp_front front = {zones, 2, 2, w / ppm / 2};
            uint8_t *r3 = NULL;
            assert_false(smp__edge_reach_again(&now, &old, r0, SMP_EDGE_BROKEN, 4, ppm, 7, &front, &r3));
            assert_null(r3);
        }
        free(r0);
        free(r1);
        free(r2);
        memcpy(a, b, n);
    }
    assert_true(again >= 30);
    assert_true(shaped >= 30);
    free(a);
    free(b);
}

/* The broken edge's noise memoised (smp__shape_edges_memo) against none:
 * a coverage with hair, shaped and kept, then another (hair changed in
 * places, a disc erased) shaped from that memo, alone and beside its edge,
 * gives the plain shaping's bytes. */
static void test_noise_memo(void **state)
{
    (void)state;
    const double ppm = 4;
    const uint32_t w = 300, h = 220;
    const size_t n = (size_t)w * h;
    uint8_t *cov[2], *pre0 = malloc(n), *out0 = malloc(n), *pre1 = malloc(n), *plain = malloc(n), *edge = malloc(n);
    assert_non_null(pre0);
    assert_non_null(out0);
    assert_non_null(pre1);
    assert_non_null(plain);
    assert_non_null(edge);
    uint32_t seed = 99;
    for (int k = 0; k < 2; k++) {
        assert_non_null(cov[k] = malloc(n));
        for (uint32_t y = 0; y < h; y++)
            for (uint32_t x = 0; x < w; x++) {
                const double dx = (x - 140.0) / 110, dy = (y - 100.0) / 80, ex = x - 120.0, ey = y - 90.0;
                seed = seed * 1103515245u + 12345u;
                const int in = dx * dx + dy * dy < 1 && !(k && ex * ex + ey * ey < 100);
                const int hair = (x / 4 + y / 4) % 7 == 0 && !(k && x > 200 && (seed >> 24) % 3 == 0);
                cov[k][(size_t)y * w + x] = (uint8_t)(in ? hair ? 255 - (x * 7 + y * 3) % 120 : 255 : 0);
            }
    }
    const smp_coverage p = {cov[1], w, h, 1, w, h};
    uint8_t *reach = NULL;
    char msg[256];
    assert_int_equal(smp__edge_reach(&p, SMP_EDGE_BROKEN, 4, ppm, 7, NULL, 1, &reach, msg), SMP_OK);
    /* the memo from the first coverage */
    memcpy(out0, cov[0], n);
    smp_coverage c0 = {out0, w, h, 1, w, h};
    const smp_noise_memo keep = {NULL, NULL, pre0};
    assert_int_equal(smp__shape_edges_memo(&c0, NULL, SMP_EDGE_BROKEN, 4, ppm, 7, reach, &keep, 1, msg), SMP_OK);
    /* the second, plain */
    memcpy(plain, cov[1], n);
    smp_coverage cp = {plain, w, h, 1, w, h};
    assert_int_equal(smp__shape_edge(&cp, SMP_EDGE_BROKEN, 4, ppm, 7, reach, 1, msg), SMP_OK);
    for (int beside = 0; beside < 2; beside++) {
        uint8_t *c1b = malloc(n);
        assert_non_null(c1b);
        memcpy(c1b, cov[1], n);
        for (size_t i = 0; i < n; i++) /* the edge alone: the hair's cells full */
            edge[i] = cov[1][i] ? 255 : 0;
        smp_coverage c1 = {c1b, w, h, 1, w, h}, ce = {edge, w, h, 1, w, h};
        const smp_noise_memo use = {pre0, out0, pre1};
        assert_int_equal(smp__shape_edges_memo(beside ? &ce : &c1, beside ? &c1 : NULL, SMP_EDGE_BROKEN, 4, ppm, 7,
                                               reach, &use, beside ? 4 : 1, msg),
                         SMP_OK);
        assert_memory_equal(c1b, plain, n);
        free(c1b);
    }
    free(reach);
    for (int k = 0; k < 2; k++)
        free(cov[k]);
    free(pre0), free(out0), free(pre1), free(plain), free(edge);
}

/* The broken edge where the mask meets hair, and where it meets bare skin:
 * a bald rectangle (the mask) 80 x 40 mm on skin, stubble around it down
 * to the line of its bottom edge, bare skin below: its top edge and sides
 * end on hair, its bottom edge on bare skin (as light as the inside: not a
 * frontal hairline, whose front zone is wider still). Against hair an
 * artist keeps the density up to the hair (a fade there read as a light
 * ridge inside the edge: the hairline photo's 0 dots/cm2 in its first mm,
 * 17 at 2 mm, 70 at 4 mm of 130); into bare skin the fade stays. Dots
 * within 0.25-1.5 mm and 1-2 mm of each edge, against the core's: before,
 * both edges a few %; now the hair's edge about half and most of the
 * core's density, the skin's a few % still; no dot outside the mask, and
 * the same dots on 1 or 3 threads. */
#define EDGE_PPM 8.0
static void hair_edge_scene(smp_image *photo, smp_image *mask)
{
    const uint32_t w = 960, h = 720; /* 120 x 90 mm */
    assert_int_equal(smp_image_alloc(photo, w, h, 3), SMP_OK);
    assert_int_equal(smp_image_alloc(mask, w, h, 1), SMP_OK);
    uint8_t *ph = smp_image_data(photo), *mk = smp_image_data(mask);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const double mx = x / EDGE_PPM, my = y / EDGE_PPM;
            const int in = mx >= 20 && mx < 100 && my >= 25 && my < 65;
            mk[(size_t)y * w + x] = in ? 255 : 0;
            /* skin with a little mottle; outside the mask down to its bottom edge, stubble:
             * dark shafts 1 px wide and 6 px long on half of the columns' runs
             * (darker and the cells read as a shadow, rim.h's unlit) */
            const uint64_t hsh = smp__mix64((uint64_t)y * w + x);
            double v = 0.96 + 0.04 * (double)(hsh & 0xff) / 255.0;
            if (!in && my < 65) {
                const uint64_t shaft = smp__mix64(((uint64_t)(y / 6) << 32) ^ x ^ 0x5151);
                if (shaft % 2)
                    v *= 0.3;
            }
            uint8_t *q = ph + 3 * ((size_t)y * w + x);
            q[0] = (uint8_t)lrint(214 * v), q[1] = (uint8_t)lrint(170 * v), q[2] = (uint8_t)lrint(146 * v);
        }
}

/* Dots per cm2 over [x0, x1) x [y0, y1) mm. */
static double dots_cm2(const smp_dot *d, size_t n, double x0, double x1, double y0, double y1)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += d[i].x_mm >= x0 && d[i].x_mm < x1 && d[i].y_mm >= y0 && d[i].y_mm < y1;
    return k / ((x1 - x0) * (y1 - y0) / 100);
}

static void test_edge_keeps_density_at_hair(void **state)
{
    (void)state;
    scene_images s = {smp_image_new(), smp_image_new()};
    hair_edge_scene(s.photo, s.mask);
    smp_dot *first = NULL;
    size_t first_n = 0;
    for (int t = 0; t < 2; t++) {
        smp_params *p = params_at(EDGE_PPM);
        smp_params_set_density(p, 100);
        smp_params_set_dot_diameter(p, 0.28);
        smp_params_set_threads(p, t ? 3 : 1);
        smp_result *r = run(p, &s);
        size_t n;
        const smp_dot *d = smp_result_dots(r, &n);
        if (!t) {
            const double core = dots_cm2(d, n, 30, 90, 35, 55);
            /* the top edge at 25 mm, the bottom one at 65 */
            const double hair = dots_cm2(d, n, 30, 90, 25.25, 26.5), skin = dots_cm2(d, n, 30, 90, 63.5, 64.75);
            const double hair2 = dots_cm2(d, n, 30, 90, 26, 27), skin2 = dots_cm2(d, n, 30, 90, 63, 64);
            print_message("dots/cm2 within 0.25-1.5 mm of the edge: on hair %.0f, on skin %.0f; within 1-2 mm: %.0f, "
                          "%.0f; core %.0f\n",
                          hair, skin, hair2, skin2, core);
            assert_true(core > 90);
            assert_true(hair > 0.35 * core && hair2 > 0.6 * core);
            assert_true(skin < 0.1 * core && skin2 < 0.15 * core);
            for (size_t i = 0; i < n; i++) /* none outside the mask (a coverage cell's quarter mm) */
                assert_true(d[i].x_mm > 19.75 && d[i].x_mm < 100.25 && d[i].y_mm > 24.75 && d[i].y_mm < 65.25);
            first = malloc(n * sizeof *first);
            assert_non_null(first);
            memcpy(first, d, n * sizeof *first);
            first_n = n;
        } else {
            assert_int_equal(n, first_n);
            for (size_t i = 0; i < n; i++) { /* field by field: the struct has padding */
                assert_memory_equal(&d[i].x_mm, &first[i].x_mm, 3 * sizeof(double));
                assert_true(d[i].opacity == first[i].opacity && d[i].layer == first[i].layer &&
                            d[i].aspect == first[i].aspect && d[i].angle == first[i].angle &&
                            d[i].blur_mm == first[i].blur_mm);
            }
        }
        smp_result_free(r);
        smp_params_free(p);
    }
    free(first);
    free_scene(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_edges_as_two),
        cmocka_unit_test(test_edge_reach_again),
        cmocka_unit_test(test_noise_memo),
        cmocka_unit_test(test_match_recovers_the_truth),
        cmocka_unit_test(test_dots_take_the_photos_defocus),
        cmocka_unit_test(test_defocused_reference_leaves_texture_out),
        cmocka_unit_test(test_auto_density_at_the_true_dot),
        cmocka_unit_test(test_fixed_density_is_honoured),
        cmocka_unit_test(test_prediction_with_gathered_shine),
        cmocka_unit_test(test_out_of_reach_is_said),
        cmocka_unit_test(test_sessions_build_up),
        cmocka_unit_test(test_age_and_cast),
        cmocka_unit_test(test_look_keeps_the_treatment),
        cmocka_unit_test(test_scars_take_less_pigment),
        cmocka_unit_test(test_existing_hair_lowers_density),
        cmocka_unit_test(test_hairline_reference_is_the_hair_side),
        cmocka_unit_test(test_smooth_shade_is_not_hair),
        cmocka_unit_test(test_wide_shadow_is_not_hair),
        cmocka_unit_test(test_no_change_is_said),
        cmocka_unit_test(test_broken_edge_wanders),
        cmocka_unit_test(test_edge_keeps_density_at_hair),
    };
    return cmocka_run_group_tests_name("shade", tests, NULL, NULL);
}
