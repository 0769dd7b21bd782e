/* SPDX-License-Identifier: BSD-2-Clause */
/* Previews: each layout's geometry, that panels hold the photo and the
 * after image untouched outside their labels, the split position, area
 * averaging under --max-size, the loupe and the caption's checks. */
#include "testutil.h"

#include <math.h>

#include "preview.h"

typedef struct run {
    smp_image *photo, *mask, *out;
    smp_params *p;
    smp_result *r;
    smp_preview_geometry g;
} run;

static void start(run *t, uint32_t w, uint32_t h, double ppm)
{
    t->photo = photo_of(w, h);
    t->mask = rect_mask(w, h, w / 5, h / 5, w * 4 / 5, h * 4 / 5, 255);
    t->p = smp_params_new();
    t->r = smp_result_new();
    t->out = smp_image_new();
    if (ppm > 0)
        assert_int_equal(smp_params_set_px_per_mm(t->p, ppm), SMP_OK);
}

static smp_status preview(run *t)
{
    smp_result_free(t->r);
    t->r = smp_result_new();
    assert_int_equal(smp_simulate(t->r, t->p, t->photo, t->mask), SMP_OK);
    return smp_preview(t->out, t->r, t->photo, t->p, &t->g);
}

static void stop(run *t)
{
    smp_image_free(t->photo);
    smp_image_free(t->mask);
    smp_image_free(t->out);
    smp_params_free(t->p);
    smp_result_free(t->r);
}

static int in_box(const uint32_t b[4], uint32_t x, uint32_t y)
{
    return x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3];
}

/* Pixels of a panel that differ from src (same size), outside the boxes
 * given and outside columns [skip0, skip1). */
static size_t differing(const run *t, const smp_image *src, int panel, uint32_t skip0, uint32_t skip1)
{
    const uint32_t *pan = t->g.panel[panel], ow = smp_image_width(t->out);
    const uint8_t *o = smp_image_cdata(t->out), *s = smp_image_cdata(src);
    size_t n = 0;
    for (uint32_t y = 0; y < pan[3]; y++)
        for (uint32_t x = 0; x < pan[2]; x++) {
            const uint32_t ox = pan[0] + x, oy = pan[1] + y;
            int covered = (x >= skip0 && x < skip1);
            for (int l = 0; l < t->g.labels; l++)
                covered |= in_box(t->g.label[l], ox, oy);
            if (!covered)
                n += memcmp(o + ((size_t)oy * ow + ox) * 3, s + ((size_t)y * pan[2] + x) * 3, 3) != 0;
        }
    return n;
}

/* A label sits in its panel's top corner and darkens what is under it. */
static void check_label(const run *t, int l, int panel, int right)
{
    const uint32_t *b = t->g.label[l], *pan = t->g.panel[panel];
    assert_true(b[2] > 20 && b[3] >= 11);
    assert_true(b[1] >= pan[1] && b[1] - pan[1] < pan[3] / 8);
    if (right)
        assert_true(pan[0] + pan[2] - (b[0] + b[2]) < pan[2] / 8);
    else
        assert_true(b[0] >= pan[0] && b[0] - pan[0] < pan[2] / 8);
    const uint8_t *o = smp_image_cdata(t->out), *ph = smp_image_cdata(t->photo);
    const uint32_t ow = smp_image_width(t->out), pw = smp_image_width(t->photo);
    /* the backing's corner pixel: darker than the photo there */
    const uint8_t *a = o + ((size_t)(b[1] + 1) * ow + b[0] + 1) * 3;
    const uint8_t *u = ph + ((size_t)(b[1] + 1 - pan[1]) * pw + (b[0] + 1 - pan[0])) * 3;
    assert_true(a[0] + a[1] + a[2] < u[0] + u[1] + u[2]);
}

static void check_two_panels(uint32_t w, uint32_t h, smp_layout layout, int stacked)
{
    run t = {0};
    start(&t, w, h, 0);
    smp_params_set_layout(t.p, layout);
    smp_params_set_loupe(t.p, SMP_LOUPE_OFF, 0, 0);
    assert_int_equal(preview(&t), SMP_OK);
    const uint32_t ow = smp_image_width(t.out), oh = smp_image_height(t.out);
    assert_int_equal(ow, t.g.width);
    assert_int_equal(oh, t.g.height);
    assert_int_equal(t.g.panels, 2);
    const uint32_t gap = stacked ? t.g.panel[1][1] - h : t.g.panel[1][0] - w;
    assert_true(gap >= 2 && gap < 40);
    assert_int_equal(ow, stacked ? w : 2 * w + gap);
    assert_int_equal(t.g.caption[1], stacked ? 2 * h + gap : h);
    assert_int_equal(oh, t.g.caption[1] + t.g.caption[3]);
    assert_true(t.g.caption[3] >= 20);
    assert_false(t.g.has_loupe);
    assert_int_equal(differing(&t, t.photo, 0, 0, 0), 0);                   /* before = the photo */
    assert_int_equal(differing(&t, smp_result_after(t.r), 1, 0, 0), 0);     /* after = the render */
    check_label(&t, 0, 0, 0);
    check_label(&t, 1, 1, 0);
    stop(&t);
}

static void test_side_stack_auto(void **state)
{
    (void)state;
    check_two_panels(300, 400, SMP_LAYOUT_AUTO, 0); /* portrait: side by side */
    check_two_panels(300, 300, SMP_LAYOUT_AUTO, 0); /* square: side by side */
    check_two_panels(480, 300, SMP_LAYOUT_AUTO, 1); /* landscape: stacked */
    check_two_panels(480, 300, SMP_LAYOUT_SIDE, 0);
    check_two_panels(300, 400, SMP_LAYOUT_STACK, 1);
}

static void test_split(void **state)
{
    (void)state;
    run t = {0};
    start(&t, 400, 300, 0);
    smp_params_set_layout(t.p, SMP_LAYOUT_SPLIT);
    smp_params_set_split_at(t.p, 0.3);
    smp_params_set_loupe(t.p, SMP_LOUPE_OFF, 0, 0);
    assert_int_equal(preview(&t), SMP_OK);
    assert_int_equal(t.g.panels, 1);
    assert_int_equal(smp_image_width(t.out), 400);
    assert_int_equal(t.g.split_x, 120);
    /* left of the divider the photo, right of it the after image */
    const uint32_t d = 2;
    assert_int_equal(differing(&t, t.photo, 0, t.g.split_x - d, 400), 0);
    assert_int_equal(differing(&t, smp_result_after(t.r), 0, 0, t.g.split_x + d), 0);
    assert_true(differing(&t, t.photo, 0, 0, t.g.split_x + d) > 100); /* the after side has dots */
    check_label(&t, 0, 0, 0);
    check_label(&t, 1, 0, 1);
    assert_int_equal(smp_params_set_split_at(t.p, 1.5), SMP_ERR_ARG);
    stop(&t);
}

static void test_sessions(void **state)
{
    (void)state;
    run t = {0};
    start(&t, 300, 400, 0);
    smp_params_set_layout(t.p, SMP_LAYOUT_SESSIONS);
    smp_params_set_loupe(t.p, SMP_LOUPE_OFF, 0, 0);
    assert_int_equal(preview(&t), SMP_ERR_ARG); /* one layer: no sessions to show */
    const double three[] = {30, 70, 100};
    smp_params_set_layers(t.p, three, 3);
    assert_int_equal(preview(&t), SMP_OK);
    assert_int_equal(t.g.panels, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(t.g.panel_session[i], i == 0 ? -1 : i);
        assert_int_equal(t.g.panel[i][1], 0); /* portrait: one row */
        check_label(&t, i, i, 0);
    }
    assert_int_equal(differing(&t, t.photo, 0, 0, 0), 0);
    assert_int_equal(differing(&t, smp_result_after(t.r), 3, 0, 0), 0); /* session 3 = the whole run */
    /* each session adds dots: the panels darken in turn */
    double sum[4] = {0};
    const uint8_t *o = smp_image_cdata(t.out);
    for (int i = 0; i < 4; i++)
        for (uint32_t y = 200; y < 400; y++) /* below the labels */
            for (uint32_t x = 0; x < 300; x++)
                sum[i] += o[((size_t)y * t.g.width + t.g.panel[i][0] + x) * 3 + 1];
    assert_true(sum[0] > sum[1] && sum[1] > sum[2] && sum[2] > sum[3]);
    stop(&t);
}

/* Fine stripes reduced by area averaging become their linear-light mean,
 * flat, with no moire. */
static void test_max_size_area_average(void **state)
{
    (void)state;
    run t = {0};
    start(&t, 600, 800, 0);
    uint8_t *px = smp_image_data(t.photo);
    for (uint32_t y = 0; y < 800; y++)
        for (uint32_t x = 0; x < 600; x++)
            memset(px + ((size_t)y * 600 + x) * 3, (x + y) % 2 ? 255 : 0, 3);
    smp_params_set_loupe(t.p, SMP_LOUPE_OFF, 0, 0);
    assert_int_equal(smp_params_set_max_size(t.p, 300), SMP_OK);
    assert_int_equal(smp_params_set_max_size(t.p, 10), SMP_ERR_ARG);
    assert_int_equal(preview(&t), SMP_OK);
    assert_true(t.g.width <= 300 && t.g.height <= 300);
    assert_true(t.g.width >= 295 || t.g.height >= 295);
    const uint8_t *o = smp_image_cdata(t.out);
    int lo = 255, hi = 0;
    for (uint32_t y = t.g.panel[0][3] / 2; y < t.g.panel[0][3]; y++)
        for (uint32_t x = 0; x < t.g.panel[0][2]; x++) {
            int v = o[((size_t)y * t.g.width + x) * 3];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    assert_true(lo >= 184 && hi <= 192); /* sRGB of linear 0.5 is 188; plain averaging would give 128 */
    stop(&t);
}

/* The automatic loupe looks where the core has its usual tone: not into a
 * shine at the core's deepest point, where the dots fade under it (on the
 * shared crown it showed dark dots the after image does not), and its
 * close-up keeps the shine over them as the after image does. */
static void test_loupe_off_shine(void **state)
{
    (void)state;
    run t = {0};
    start(&t, 900, 600, 3);
    smp_image_free(t.mask); /* a square, so that its deepest point is the middle */
    t.mask = rect_mask(900, 600, 270, 120, 630, 480, 255);
    uint8_t *px = smp_image_data(t.photo);
    const double cx = 450, cy = 300, r = 60; /* the shine: a bright disc at the core's middle */
    for (uint32_t y = 0; y < 600; y++)
        for (uint32_t x = 0; x < 900; x++) {
            const double d = hypot(x + 0.5 - cx, y + 0.5 - cy), a = d < r ? 1 : d < r + 10 ? (r + 10 - d) / 10 : 0;
            uint8_t *q = px + ((size_t)y * 900 + x) * 3;
            /* Dark hair round the mask, so that the dots are matched dark
             * and no hairline pulls the loupe to an edge. */
            const bool hair = x < 265 || x >= 635 || y < 115 || y >= 485;
            q[0] = (uint8_t)(hair ? 70 : lrint(205 + a * 35));
            q[1] = (uint8_t)(hair ? 52 : lrint(165 + a * 45));
            q[2] = (uint8_t)(hair ? 45 : lrint(145 + a * 50));
        }
    smp_params_set_layout(t.p, SMP_LAYOUT_SIDE);
    assert_int_equal(preview(&t), SMP_OK);
    assert_true(t.g.has_loupe);
    const double *s = t.g.loupe_source, lx = s[0] + s[2] / 2, ly = s[1] + s[3] / 2;
    print_message("loupe at %.0f,%.0f; the shine's disc at %.0f,%.0f, radius %.0f\n", lx, ly, cx, cy, r);
    assert_true(hypot(lx - cx, ly - cy) > r + s[2] / 2); /* the field off the shine (its ramp aside) */
    assert_true(s[0] >= 270 && s[0] + s[2] <= 630 && s[1] >= 120 && s[1] + s[3] <= 480);
    /* A loupe put on the shine shows its dots as faint as the after image
     * does there: the shine kept over them (they were drawn as on bare skin). */
    smp_params_set_loupe(t.p, SMP_LOUPE_AT, cx, cy);
    assert_int_equal(preview(&t), SMP_OK);
    const uint32_t *lb = t.g.loupe;
    const uint8_t *o = smp_image_cdata(t.out);
    int darkest = 255;
    for (uint32_t y = lb[1] + lb[3] / 4; y < lb[1] + lb[3] * 3 / 4; y++)
        for (uint32_t x = lb[0] + lb[2] / 4; x < lb[0] + lb[2] * 3 / 4; x++) {
            const int v = o[((size_t)y * t.g.width + x) * 3 + 1];
            darkest = v < darkest ? v : darkest;
        }
    const uint8_t *af = smp_image_cdata(smp_result_after(t.r));
    int darkest_after = 255;
    for (uint32_t y = (uint32_t)(cy - 20); y < (uint32_t)(cy + 20); y++)
        for (uint32_t x = (uint32_t)(cx - 20); x < (uint32_t)(cx + 20); x++) {
            const int v = af[((size_t)y * 900 + x) * 3 + 1];
            darkest_after = v < darkest_after ? v : darkest_after;
        }
    print_message("darkest green on the shine: loupe %d, after image %d (the shine's own 250)\n", darkest,
                  darkest_after);
    assert_true(darkest > 150 && abs(darkest - darkest_after) <= 10);
    stop(&t);
}

/* The loupe draws the dots at its own scale: at 3 px/mm a 0.15 mm dot is a
 * faint half pixel in the panel, a dark disc several pixels wide in the
 * loupe. */
static void test_loupe(void **state)
{
    (void)state;
    run t = {0};
    start(&t, 900, 600, 3);
    memset(smp_image_data(t.photo), 200, (size_t)900 * 600 * 3);
    smp_params_set_pigment(t.p, 0x2b, 0x2b, 0x2b);
    smp_params_set_layout(t.p, SMP_LAYOUT_SIDE);
    assert_int_equal(preview(&t), SMP_OK);
    assert_true(t.g.has_loupe);
    const double *s = t.g.loupe_source;
    assert_true(fabs(s[2] - 30) < 1e-9); /* the default field: 10 mm at 3 px/mm */
    assert_true(s[0] >= 180 && s[0] + s[2] <= 720 && s[1] >= 120 && s[1] + s[3] <= 480); /* inside the mask */
    assert_true(fabs(t.g.loupe_zoom - t.g.loupe[2] / s[2]) < 1e-9);
    const uint32_t *lb = t.g.loupe, *pan = t.g.panel[1];
    assert_true(in_box(pan, lb[0], lb[1]) && in_box(pan, lb[0] + lb[2] - 1, lb[1] + lb[3] - 1));
    const uint8_t *o = smp_image_cdata(t.out), *af = smp_image_cdata(smp_result_after(t.r));
    int darkest_loupe = 255, darkest_after = 255;
    for (uint32_t y = lb[1] + lb[3] / 4; y < lb[1] + lb[3] * 3 / 4; y++)
        for (uint32_t x = lb[0] + lb[2] / 4; x < lb[0] + lb[2] * 3 / 4; x++) {
            int v = o[((size_t)y * t.g.width + x) * 3 + 1];
            darkest_loupe = v < darkest_loupe ? v : darkest_loupe;
        }
    for (uint32_t y = 120; y < 480; y++)
        for (uint32_t x = 180; x < 720; x++) {
            int v = af[((size_t)y * 900 + x) * 3 + 1];
            darkest_after = v < darkest_after ? v : darkest_after;
        }
    print_message("darkest green: loupe %d, after panel %d\n", darkest_loupe, darkest_after);
    assert_true(darkest_loupe < darkest_after - 15); /* single dots, drawn at the close-up's scale */
    /* At a given point, centred there; a zoom sets the field. */
    smp_params_set_loupe(t.p, SMP_LOUPE_AT, 450, 300);
    smp_params_set_loupe_zoom(t.p, 8);
    assert_int_equal(preview(&t), SMP_OK);
    assert_true(fabs(t.g.loupe_source[0] + t.g.loupe_source[2] / 2 - 450) < 1e-6);
    assert_true(fabs(t.g.loupe_zoom - 8) < 1e-9);
    assert_int_equal(smp_params_set_loupe_zoom(t.p, 0.5), SMP_ERR_ARG);
    /* No treated core: no automatic loupe. */
    smp_params_set_loupe(t.p, SMP_LOUPE_AUTO, 0, 0);
    memset(smp_image_data(t.mask), 0, (size_t)900 * 600);
    assert_int_equal(preview(&t), SMP_OK);
    assert_false(t.g.has_loupe);
    stop(&t);
}

static void test_caption_checks(void **state)
{
    (void)state;
    smp_params *p = smp_params_new();
    char long_text[300];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = 0;
    assert_int_equal(smp_params_set_caption(p, "José Müller, 2nd visit"), SMP_OK);
    assert_int_equal(smp_params_set_caption(p, "two\nlines"), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_caption(p, "bad \xC3"), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_caption(p, "bad \xC3("), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_caption(p, long_text), SMP_ERR_ARG);
    assert_int_equal(smp_params_set_date(p, "2026-11-21"), SMP_OK);
    smp_params_set_pigment(p, 0x2b, 0x2b, 0x2b);
    smp_params_set_density(p, 90);
    smp_params_set_dot_diameter(p, 0.15);
    assert_int_equal(smp_params_set_layout(p, (smp_layout)9), SMP_ERR_ARG);
    /* The caption line says what was simulated. */
    smp_image *photo = photo_of(200, 200), *mask = rect_mask(200, 200, 50, 50, 150, 150, 255);
    smp_result *r = smp_result_new();
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    char text[400];
    smp__preview_caption(text, sizeof text, r, p);
    assert_non_null(strstr(text, "José Müller, 2nd visit · 90 dots/cm² · 0.15 mm dots · pigment #2b2b2b"));
    assert_non_null(strstr(text, "2026-11-21"));
    /* Showing an earlier session, the caption gives that session's share
     * of the density first (it gave the whole treatment's 90 under the
     * first session's picture), and says it. */
    static const double THREE[] = {30, 70, 100};
    assert_int_equal(smp_params_set_layers(p, THREE, 3), SMP_OK);
    assert_int_equal(smp_params_set_show_session(p, 1), SMP_OK);
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    smp__preview_caption(text, sizeof text, r, p);
    assert_non_null(strstr(text, "· 27 dots/cm² after session 1 of 3 (90 after all) · 0.15 mm dots"));
    assert_null(strstr(text, "3 sessions"));
    assert_int_equal(smp_params_set_show_session(p, 3), SMP_OK);
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    smp__preview_caption(text, sizeof text, r, p);
    assert_non_null(strstr(text, "· 90 dots/cm² · 0.15 mm dots · pigment #2b2b2b · 3 sessions · 2026-11-21"));
    smp_result_free(r);
    smp_image_free(photo);
    smp_image_free(mask);
    smp_params_free(p);
}

/* Captions and dates are one line of well-formed UTF-8: shortest forms,
 * no surrogates, nothing past U+10FFFF, no C0 or C1 controls, no line or
 * paragraph separators. */
static void test_caption_utf8(void **state)
{
    (void)state;
    static const char *const good[] = {
        "plain", "\xC2\xA0no-break space", "\xC3\xA9", "\xE2\x82\xAC", "\xED\x9F\xBF (U+D7FF)",
        "\xEE\x80\x80 (U+E000)", "\xEF\xBF\xBD", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF (U+10FFFF)",
        "\xE4\xB8\xAD\xE6\x96\x87", "\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A"};
    static const char *const bad[] = {
        /* overlong */
        "\xC0\xAF", "\xC1\xBF", "\xC0\x80", "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xF0\x80\x80\xAF",
        "\xF0\x8F\xBF\xBF",
        /* UTF-16 surrogates */
        "\xED\xA0\x80", "\xED\xAD\xBF", "\xED\xB0\x80", "\xED\xBF\xBF", "\xED\xA0\xBD\xED\xB8\x80",
        /* past U+10FFFF, and lead bytes F5..FF */
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF", "\xF8\x88\x80\x80\x80",
        "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF",
        /* C1 controls U+0080..U+009F */
        "\xC2\x80", "\xC2\x85", "\xC2\x9B[31m", "\xC2\x9F",
        /* C0 controls and DEL */
        "\x01", "tab\there", "\x1B[31mred", "cr\rhere", "\x7F",
        /* line and paragraph separators */
        "\xE2\x80\xA8", "\xE2\x80\xA9",
        /* stray, missing and extra continuation bytes */
        "\x80", "\xBF", "\xE2\x82", "\xE2\x82x", "\xF0\x9F\x98", "\xC3\xA9\xA9"};
    smp_params *p = smp_params_new();
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (smp_params_set_caption(p, good[i]) != SMP_OK)
            fail_msg("caption %zu refused: %s", i, smp_params_message(p));
        assert_int_equal(smp_params_set_date(p, good[i]), SMP_OK);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[64];
        snprintf(text, sizeof text, "ok %s ok", bad[i]);
        if (smp_params_set_caption(p, text) != SMP_ERR_ARG)
            fail_msg("caption %zu accepted", i);
        assert_non_null(strstr(smp_params_message(p), "UTF-8"));
        assert_int_equal(smp_params_set_date(p, text), SMP_ERR_ARG);
    }
    smp_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_side_stack_auto),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_max_size_area_average),
        cmocka_unit_test(test_loupe),
        cmocka_unit_test(test_loupe_off_shine),
        cmocka_unit_test(test_caption_checks),
        cmocka_unit_test(test_caption_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
