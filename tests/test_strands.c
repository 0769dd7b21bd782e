/* SPDX-License-Identifier: BSD-2-Clause */
/* The strand map: on synthetic skin with hair strands (straight at several
 * angles, and curved) and round dark spots (SMP dots, follicles), strands
 * score high and spots and skin low; the bytes do not depend on the thread
 * count or on the box; bad arguments are refused. */
#include "testutil.h"

#include <math.h>

#include "rng.h"
#include "strands.h"

/* Features in mm. A line is a segment (x0, y0)-(x1, y1); a curve is an arc
 * of radius rad about (x0, y0) from angle a0 to a1; a blob is a disc. */
typedef struct feature {
    int kind; /* 0 line, 1 arc, 2 blob */
    double x0, y0, x1, y1, rad, a0, a1, half; /* half: half-width or blob radius */
} feature;

typedef struct scene {
    int w, h;
    double ppm;
    smp_image *img;
    uint8_t *label; /* 0 skin, 1 line centre, 2 blob, 3 near a feature (not scored), 4 inside a
                     * large disc's rim (0.3 mm) */
} scene;

static const feature FEATURES[] = {
    {0, 2, 2, 26, 4, 0, 0, 0, 0.03},      /* nearly horizontal, 0.06 mm wide */
    {0, 3, 17, 12, 5, 0, 0, 0, 0.045},    /* 53 degrees */
    {0, 14, 18, 27, 7, 0, 0, 0, 0.06},    /* 40 degrees, 0.12 mm */
    {0, 28, 2, 28.5, 18, 0, 0, 0, 0.04},  /* nearly vertical */
    {1, 16, 24, 0, 0, 9, -2.6, -1.9, 0.035}, /* curved, radius 9 mm */
    {1, 8, 3, 0, 0, 7, 1.3, 2.2, 0.05},   /* curved, radius 7 mm */
    {2, 5, 8, 0, 0, 0, 0, 0, 0.075},      /* blobs 0.15-0.35 mm across */
    {2, 8.5, 12.5, 0, 0, 0, 0, 0, 0.1},
    {2, 11, 9, 0, 0, 0, 0, 0, 0.125},
    {2, 17, 11, 0, 0, 0, 0, 0, 0.175},
    {2, 20, 14, 0, 0, 0, 0, 0, 0.15},
    {2, 22, 8, 0, 0, 0, 0, 0, 0.1},
    {2, 6, 14, 0, 0, 0, 0, 0, 0.175},
    {2, 10, 15, 0, 0, 0, 0, 0, 0.125},
    {2, 25, 15, 0, 0, 0, 0, 0, 0.15},
    {2, 19, 7, 0, 0, 0, 0, 0, 0.1},
    {2, 22.5, 17.5, 0, 0, 0, 0, 0, 1.5}, /* a mole or shadow: its rim is an edge, not a line */
};
#define N_FEATURES (sizeof FEATURES / sizeof *FEATURES)
#define W_MM 30.0
#define H_MM 20.0

/* Distance in mm from p to a feature's centre line (lines, arcs) or centre
 * (blobs). */
static double feature_dist(const feature *f, double x, double y)
{
    if (f->kind == 2)
        return hypot(x - f->x0, y - f->y0);
    if (f->kind == 1) {
        double a = atan2(y - f->y0, x - f->x0);
        if (a >= f->a0 && a <= f->a1)
            return fabs(hypot(x - f->x0, y - f->y0) - f->rad);
        double e0 = hypot(x - f->x0 - f->rad * cos(f->a0), y - f->y0 - f->rad * sin(f->a0));
        double e1 = hypot(x - f->x0 - f->rad * cos(f->a1), y - f->y0 - f->rad * sin(f->a1));
        return e0 < e1 ? e0 : e1;
    }
    double dx = f->x1 - f->x0, dy = f->y1 - f->y0;
    double t = ((x - f->x0) * dx + (y - f->y0) * dy) / (dx * dx + dy * dy);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(x - f->x0 - t * dx, y - f->y0 - t * dy);
}

/* True when p is within 0.3 mm of an end of a line or arc (ends fade). */
static bool near_end(const feature *f, double x, double y)
{
    double ex[2], ey[2];
    if (f->kind == 0) {
        ex[0] = f->x0, ey[0] = f->y0, ex[1] = f->x1, ey[1] = f->y1;
    } else {
        ex[0] = f->x0 + f->rad * cos(f->a0), ey[0] = f->y0 + f->rad * sin(f->a0);
        ex[1] = f->x0 + f->rad * cos(f->a1), ey[1] = f->y0 + f->rad * sin(f->a1);
    }
    return hypot(x - ex[0], y - ey[0]) < 0.3 || hypot(x - ex[1], y - ey[1]) < 0.3;
}

/* Skin: light, mottled at ~2 mm, with pixel noise of +-4 levels. */
static void skin(double x, double y, uint64_t n, float lin[3])
{
    static const float base[3] = {0.62f, 0.42f, 0.33f};
    double mottle = 1.0 + 0.06 * sin(x * 2.9 + 0.7 * sin(y * 1.3)) * cos(y * 3.1);
    double noise = (smp__u01(smp__hash(7, 1, n, 0)) - 0.5) * 0.06;
    for (int k = 0; k < 3; k++)
        lin[k] = (float)(base[k] * (mottle + noise));
}

static uint8_t to_srgb8(float v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    double s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
    return (uint8_t)(s * 255 + 0.5);
}

/* Renders one pixel: coverage of each feature by the distance from the
 * pixel centre (a 1 px anti-aliased edge), hair (dark brown) over skin. */
static void render_px(scene *s, int px, int py)
{
    const double pm = 1.0 / s->ppm, x = (px + 0.5) * pm, y = (py + 0.5) * pm;
    static const float hair[3] = {0.02f, 0.015f, 0.012f};
    float lin[3];
    skin(x, y, (uint64_t)py * s->w + px, lin);
    uint8_t label = 0;
    for (size_t i = 0; i < N_FEATURES; i++) {
        const feature *f = &FEATURES[i];
        double d = feature_dist(f, x, y), dpx = d * s->ppm, hpx = f->half * s->ppm;
        double cov = hpx + 0.5 - dpx;
        cov = cov < 0 ? 0 : cov > 1 ? 1 : cov;
        if (f->kind != 2 && hpx < 0.5) /* sub-pixel: the strand's share of the pixel */
            cov = fmax(0, 1 - dpx) * 2 * hpx;
        for (int k = 0; k < 3; k++)
            lin[k] += (float)((hair[k] - lin[k]) * cov * 0.9);
        if (d < 0.3 + 2 * pm)
            label = label ? label : 3;
        if (f->kind == 2 && f->half > 1 && d < f->half)
            label = d > f->half - 0.3 ? 4 : 3;
        else if (f->kind == 2 && dpx < fmax(hpx, 0.75)) /* at least the pixels it darkens most */
            label = 2;
        else if (f->kind != 2 && dpx < 0.5 && !near_end(f, x, y))
            label = 1;
    }
    uint8_t *p = smp_image_data(s->img) + ((size_t)py * s->w + px) * 3;
    for (int k = 0; k < 3; k++)
        p[k] = to_srgb8(lin[k]);
    s->label[(size_t)py * s->w + px] = label;
}

static scene scene_make(double ppm)
{
    scene s = {(int)(W_MM * ppm), (int)(H_MM * ppm), ppm, smp_image_new(), NULL};
    assert_int_equal(smp_image_alloc(s.img, (uint32_t)s.w, (uint32_t)s.h, 3), SMP_OK);
    s.label = malloc((size_t)s.w * s.h);
    assert_non_null(s.label);
    for (int y = 0; y < s.h; y++)
        for (int x = 0; x < s.w; x++)
            render_px(&s, x, y);
    return s;
}

static void scene_free(scene *s)
{
    smp_image_free(s->img);
    free(s->label);
}

static uint8_t *map_of(const scene *s, const uint32_t box[4], int threads)
{
    uint8_t *out = malloc((size_t)box[2] * box[3]);
    assert_non_null(out);
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__strand_map(s->img, box, s->ppm, out, threads, msg), SMP_OK);
    return out;
}

/* Fractions of line-centre, blob and skin pixels scoring >= 128. */
static void measure(double ppm, double min_line, double max_blob, double max_skin)
{
    scene s = scene_make(ppm);
    const uint32_t box[4] = {0, 0, (uint32_t)s.w, (uint32_t)s.h};
    uint8_t *m = map_of(&s, box, 0);
    size_t n[5] = {0}, hi[5] = {0};
    for (size_t i = 0; i < (size_t)s.w * s.h; i++) {
        n[s.label[i]]++;
        hi[s.label[i]] += m[i] >= 128;
    }
    double fl = (double)hi[1] / n[1], fb = (double)hi[2] / n[2], fs = (double)hi[0] / n[0];
    double fr = (double)hi[4] / n[4];
    print_message("%.1f px/mm: >= 128 on %.3f of %zu line-centre px, %.3f of %zu blob px, %.5f of %zu skin px, "
                  "%.3f of %zu px inside a dark disc's rim\n",
                  ppm, fl, n[1], fb, n[2], fs, n[0], fr, n[4]);
    assert_true(fr <= max_blob);
    assert_true(fl >= min_line);
    assert_true(fb <= max_blob);
    assert_true(fs <= max_skin);
    free(m);
    scene_free(&s);
}

static void test_separates_at_15_px_per_mm(void **state)
{
    (void)state;
    measure(15.0, 0.80, 0.10, 0.002);
}

static void test_separates_at_4_5_px_per_mm(void **state)
{
    (void)state;
    measure(4.5, 0.60, 0.15, 0.005);
}

static void test_threads_do_not_change_bytes(void **state)
{
    (void)state;
    scene s = scene_make(15.0);
    const uint32_t box[4] = {3, 5, (uint32_t)s.w - 7, (uint32_t)s.h - 9};
    uint8_t *ref = map_of(&s, box, 1);
    for (int t = 2; t <= 3; t++) {
        uint8_t *m = map_of(&s, box, t);
        assert_memory_equal(m, ref, (size_t)box[2] * box[3]);
        free(m);
    }
    free(ref);
    scene_free(&s);
}

/* Boxes at the image's edges and inside it give the whole map's bytes. */
static void test_box_does_not_change_bytes(void **state)
{
    (void)state;
    scene s = scene_make(15.0);
    const uint32_t whole[4] = {0, 0, (uint32_t)s.w, (uint32_t)s.h};
    uint8_t *ref = map_of(&s, whole, 2);
    const uint32_t boxes[][4] = {{0, 0, 100, 70},
                                 {(uint32_t)s.w - 90, (uint32_t)s.h - 130, 90, 130},
                                 {17, 33, 1, 1},
                                 {200, 0, 7, (uint32_t)s.h},
                                 {41, 77, 203, 150}};
    for (size_t b = 0; b < sizeof boxes / sizeof *boxes; b++) {
        uint8_t *m = map_of(&s, boxes[b], 2);
        for (uint32_t y = 0; y < boxes[b][3]; y++)
            assert_memory_equal(m + (size_t)y * boxes[b][2],
                                ref + (size_t)(y + boxes[b][1]) * s.w + boxes[b][0], boxes[b][2]);
        free(m);
    }
    free(ref);
    scene_free(&s);
}

/* The hair's share of the light: the detection map is dilated to hold a
 * strand's anti-aliased edge, so it also marks skin beside the strand;
 * kept whole, that skin stayed undarkened around every treated hair (a
 * light halo). After smp__strand_cover the pixels the lines do not touch
 * give the renderer little to keep, the line centres much, and the bytes
 * do not depend on the thread count. */
static void test_cover_is_the_hair_share(void **state)
{
    (void)state;
    scene s = scene_make(15.0);
    const uint32_t box[4] = {0, 0, (uint32_t)s.w, (uint32_t)s.h};
    uint8_t *det = map_of(&s, box, 1), *m = malloc((size_t)s.w * s.h), *m3 = malloc((size_t)s.w * s.h);
    assert_non_null(m);
    assert_non_null(m3);
    memcpy(m, det, (size_t)s.w * s.h);
    memcpy(m3, det, (size_t)s.w * s.h);
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__strand_cover(s.img, box, s.ppm, m, 1, msg), SMP_OK);
    assert_int_equal(smp__strand_cover(s.img, box, s.ppm, m3, 3, msg), SMP_OK);
    assert_memory_equal(m, m3, (size_t)s.w * s.h);
    double bare = 0, centre = 0;
    size_t nb = 0, nc = 0;
    for (int y = 0; y < s.h; y++)
        for (int x = 0; x < s.w; x++) {
            const size_t i = (size_t)y * s.w + x;
            if (det[i] < 128)
                continue;
            double cov = 0; /* render_px's: the lines' share of the pixel */
            for (size_t k = 0; k < N_FEATURES; k++)
                if (FEATURES[k].kind != 2) {
                    const double d = feature_dist(&FEATURES[k], (x + 0.5) / s.ppm, (y + 0.5) / s.ppm) * s.ppm;
                    cov = fmax(cov, fmin(1, fmax(0, FEATURES[k].half * s.ppm + 0.5 - d)));
                }
            if (cov == 0) {
                bare += m[i] / 255.0;
                nb++;
            } else if (s.label[i] == 1) {
                centre += m[i] / 255.0;
                nc++;
            }
        }
    print_message("strand pixels with no hair: %zu, kept %.3f (detection: 1); line centres: %zu, kept %.3f\n", nb,
                  bare / nb, nc, centre / nc);
    assert_true(nb > 500 && nc > 500);
    assert_true(bare / nb < 0.1);
    assert_true(centre / nc > 0.6);
    free(det);
    free(m);
    free(m3);
    scene_free(&s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    smp_image *img = smp_image_new(), *grey = smp_image_new();
    assert_int_equal(smp_image_alloc(img, 40, 30, 3), SMP_OK);
    assert_int_equal(smp_image_alloc(grey, 40, 30, 1), SMP_OK);
    uint8_t out[40 * 30];
    char msg[SMP_MSG_LEN];
    const uint32_t ok[4] = {0, 0, 40, 30}, outside[4] = {30, 0, 11, 30}, below[4] = {0, 29, 40, 2},
                   empty[4] = {5, 5, 0, 3}, far[4] = {UINT32_MAX, 0, 2, 2};
    assert_int_equal(smp__strand_map(img, ok, 15, out, 1, msg), SMP_OK);
    assert_int_equal(smp__strand_map(img, outside, 15, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(img, below, 15, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(img, empty, 15, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(img, far, 15, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(grey, ok, 15, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(img, ok, 0, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(img, ok, NAN, out, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(img, ok, 15, NULL, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__strand_map(NULL, ok, 15, out, 1, msg), SMP_ERR_ARG);
    /* A flat photo has no strands; the largest scale still runs. */
    assert_int_equal(smp__strand_map(img, ok, 1000, out, 2, msg), SMP_OK);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0);
    smp_image_free(img);
    smp_image_free(grey);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_separates_at_15_px_per_mm),
        cmocka_unit_test(test_separates_at_4_5_px_per_mm),
        cmocka_unit_test(test_threads_do_not_change_bytes),
        cmocka_unit_test(test_box_does_not_change_bytes),
        cmocka_unit_test(test_cover_is_the_hair_share),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("strands", tests, NULL, NULL);
}
