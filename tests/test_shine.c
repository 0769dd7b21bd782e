/* SPDX-License-Identifier: BSD-2-Clause */
/* Shine separation: a known white highlight on mottled, noisy, shaded skin
 * is recovered; plain skin, dark hair and grey hair on pale skin are not
 * called shine; the skin chroma is recovered despite hair, a highlight and
 * a broad sheen over half the skin; the bytes do not depend on the thread
 * count. */
#include "testutil.h"

#include <math.h>

#include "shine.h"
#include "color.h"

#define W 320
#define H 256
#define HX 150.0 /* the highlight's centre and sigma, px */
#define HY 120.0
#define HSIG 10.0

enum { PLAIN = 0, HAIR = 1 };

static uint32_t lcg(uint32_t *z)
{
    *z = *z * 1664525u + 1013904223u;
    return *z >> 8;
}

static double unit(uint32_t *z) { return (double)lcg(z) / 16777216.0; } /* [0, 1) */

typedef struct scene {
    smp_image *img;
    float *lin;      /* W*H*3 linear, before quantisation */
    uint8_t *hair;   /* W*H: 1 where a strand was drawn */
    double added;    /* the highlight's peak, linear */
} scene;

/* Skin of linear colour base: a shading ramp across x, low-frequency
 * mottling in brightness and redness, per-channel 8-bit noise. */
static void skin(scene *s, const double base[3])
{
    s->lin = calloc((size_t)W * H * 3, sizeof *s->lin);
    s->hair = calloc((size_t)W * H, 1);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double shade = 0.8 + 0.3 * x / W;
            double mott = 1 + 0.05 * sin(x * 0.11 + 0.7 * sin(y * 0.05)) * cos(y * 0.09);
            double red = 1 + 0.02 * sin(x * 0.045 + y * 0.06);
            float *p = s->lin + ((size_t)y * W + x) * 3;
            p[0] = (float)(base[0] * shade * mott * red);
            p[1] = (float)(base[1] * shade * mott);
            p[2] = (float)(base[2] * shade * mott / red);
        }
}

/* n strands of linear colour col (+/- vary in brightness), 24 px long, 2 px wide. */
static void strands(scene *s, int n, const double col[3], double vary, uint32_t seed)
{
    uint32_t z = seed;
    for (int k = 0; k < n; k++) {
        double x0 = unit(&z) * W, y0 = unit(&z) * H, a = unit(&z) * SMP_PI, f = 1 + vary * (2 * unit(&z) - 1);
        for (double t = 0; t < 24; t += 0.5)
            for (int wdt = 0; wdt < 2; wdt++) {
                int x = (int)(x0 + t * cos(a) - wdt * sin(a)), y = (int)(y0 + t * sin(a) + wdt * cos(a));
                if (x < 0 || y < 0 || x >= W || y >= H)
                    continue;
                s->hair[(size_t)y * W + x] = HAIR;
                for (int c = 0; c < 3; c++)
                    s->lin[((size_t)y * W + x) * 3 + c] = (float)(col[c] * f);
            }
    }
}

/* White light of peak amount (linear) in a Gaussian of sigma px at (cx, cy). */
static void sheen(scene *s, double cx, double cy, double sigma, double amount)
{
    s->added = amount;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double g = amount * exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma));
            for (int c = 0; c < 3; c++)
                s->lin[((size_t)y * W + x) * 3 + c] += (float)g;
        }
}

static void highlight(scene *s, double amount) { sheen(s, HX, HY, HSIG, amount); }

/* To 8-bit sRGB with +/- 2 levels of independent noise per channel. */
static void quantise(scene *s)
{
    static uint8_t to_srgb[65536];
    smp__linear_to_srgb_table(to_srgb);
    s->img = smp_image_new();
    assert_int_equal(smp_image_alloc(s->img, W, H, 3), SMP_OK);
    uint8_t *p = smp_image_data(s->img);
    uint32_t z = 99;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        double v = fmin(fmax(s->lin[i], 0), 1);
        int q = to_srgb[(int)lrint(v * 65535)] + (int)(lcg(&z) % 5) - 2;
        p[i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
    }
}

static void scene_free(scene *s)
{
    smp_image_free(s->img);
    free(s->lin);
    free(s->hair);
}

static const double SKIN[3] = {0.50, 0.33, 0.24};
static const uint32_t BOX[4] = {0, 0, W, H};

static uint16_t *spec_of(const scene *s, int threads)
{
    float c[3];
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__diffuse_chroma(s->img, BOX, NULL, c, threads, msg), SMP_OK);
    uint16_t *out = malloc((size_t)W * H * sizeof *out);
    assert_int_equal(smp__specular_map(s->img, BOX, c, out, threads, msg), SMP_OK);
    return out;
}

/* Share of pixels of kind (PLAIN or HAIR), farther than far px from the
 * highlight, with s above limit (of 65535); *mean = their mean s. */
static double share_above(const scene *s, const uint16_t *sp, int kind, double far, double limit, double *mean)
{
    double n = 0, above = 0, sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * W + x;
            if (s->hair[i] != kind || hypot(x - HX, y - HY) < far)
                continue;
            n++;
            sum += sp[i];
            above += sp[i] > limit;
        }
    *mean = sum / n;
    return above / n;
}

static void test_highlight_recovered(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    highlight(&s, 0.25);
    quantise(&s);
    uint16_t *sp = spec_of(&s, 2);
    double peak = 0, integral = 0, mean;
    for (int y = -1; y <= 1; y++)
        for (int x = -1; x <= 1; x++)
            peak += sp[(size_t)(HY + y) * W + (size_t)(HX + x)] / 65535.0 / 9;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (hypot(x - HX, y - HY) < 4 * HSIG)
                integral += sp[(size_t)y * W + x] / 65535.0;
    const double want = s.added * 2 * SMP_PI * HSIG * HSIG;
    double high = share_above(&s, sp, PLAIN, 5 * HSIG, 0.005 * 65535, &mean);
    print_message("peak %.4f of %.4f (%.1f %%), integral %.1f of %.1f (%.1f %%); plain skin: mean s %.2f/65535, "
                  "%.3f %% above 0.5 %%\n",
                  peak, s.added, 100 * (peak / s.added - 1), integral, want, 100 * (integral / want - 1), mean,
                  100 * high);
    assert_true(fabs(peak / s.added - 1) < 0.15);
    /* The tails under the gate (S / L below GATE_HI) are given up: about 30 % of the integral. */
    assert_true(integral / want > 0.6 && integral / want < 1.05);
    assert_true(mean < 65535.0 / 255);
    assert_true(high < 0.01);
    free(sp);
    scene_free(&s);
}

static void test_dark_hair_is_not_shine(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    const double brown[3] = {0.035, 0.028, 0.024};
    strands(&s, 150, brown, 0.5, 7);
    quantise(&s);
    uint16_t *sp = spec_of(&s, 2);
    double mean, high = share_above(&s, sp, HAIR, 0, 0.002 * 65535, &mean);
    print_message("dark hair: mean s %.2f/65535, %.3f %% above 0.2 %%\n", mean, 100 * high);
    assert_true(mean < 20);
    assert_true(high < 0.01);
    free(sp);
    scene_free(&s);
}

static void test_grey_hair_is_not_shine(void **state)
{
    (void)state;
    scene s;
    /* Grey hair no brighter than the skin around it is hair, not shine.
     * (Grey hair brighter than the skin counts as shine, and that is
     * harmless: hair lies over the pigment too, so neither darkens.) */
    const double pale[3] = {0.70, 0.55, 0.47}, grey[3] = {0.35, 0.35, 0.35};
    skin(&s, pale);
    strands(&s, 250, grey, 0.2, 11);
    quantise(&s);
    uint16_t *sp = spec_of(&s, 2);
    double mean, high = share_above(&s, sp, HAIR, 0, 0.01 * 65535, &mean);
    print_message("grey hair on pale skin: mean s %.2f/65535, %.3f %% above 1 %%\n", mean, 100 * high);
    assert_true(mean < 100);
    assert_true(high < 0.02);
    free(sp);
    scene_free(&s);
}

static void test_chroma_recovered(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    const double brown[3] = {0.035, 0.028, 0.024};
    strands(&s, 220, brown, 0.5, 3);
    highlight(&s, 0.25);
    quantise(&s);
    size_t hair = 0;
    for (size_t i = 0; i < (size_t)W * H; i++)
        hair += s.hair[i];
    float c[3];
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__diffuse_chroma(s.img, BOX, NULL, c, 1, msg), SMP_OK);
    const double sum = SKIN[0] + SKIN[1] + SKIN[2];
    print_message("hair %.1f %% of pixels; chroma %.4f %.4f %.4f, true %.4f %.4f %.4f\n", 100.0 * hair / (W * H),
                  c[0], c[1], c[2], SKIN[0] / sum, SKIN[1] / sum, SKIN[2] / sum);
    assert_true(hair > (size_t)W * H / 10);
    for (int k = 0; k < 3; k++)
        assert_true(fabs(c[k] - SKIN[k] / sum) < 0.01);
    /* A selection of nothing usable. */
    uint8_t *none = calloc((size_t)W * H, 1);
    assert_int_equal(smp__diffuse_chroma(s.img, BOX, none, c, 2, msg), SMP_ERR_ARG);
    free(none);
    scene_free(&s);
}

/* A broad sheen over much of the skin, as on the hairline photo's temple
 * lit from the side: its whitened colour fills the brighter half of the
 * skin's pixels. A median over all of them came out between skin and grey
 * (0.013 off in r), and the sheen's centre, split into diffuse and
 * specular, lost a tenth of its shine to the diffuse part (which the
 * pigment darkens). The skin no brighter than its median gives the skin's
 * own colour, and the split its true shine. */
static void test_broad_sheen_chroma(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    const double brown[3] = {0.035, 0.028, 0.024};
    strands(&s, 150, brown, 0.5, 13);
    const double cx = 0.7 * W, cy = 0.45 * H, sig = 0.2 * W, amount = 0.2;
    sheen(&s, cx, cy, sig, amount);
    quantise(&s);
    float c[3];
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__diffuse_chroma(s.img, BOX, NULL, c, 2, msg), SMP_OK);
    const double sum = SKIN[0] + SKIN[1] + SKIN[2];
    /* The dichromatic least squares (shine.c) over the skin of the sheen's centre, 5 x 5 px. */
    const double cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    const uint8_t *p = smp_image_cdata(s.img);
    double spec = 0;
    int n = 0;
    for (int y = -2; y <= 2; y++)
        for (int x = -2; x <= 2; x++) {
            const size_t i = (size_t)(cy + y) * W + (size_t)(cx + x);
            if (s.hair[i] != PLAIN)
                continue;
            double I[3], S = 0, P = 0;
            for (int k = 0; k < 3; k++) {
                I[k] = smp__srgb_to_linear(p[3 * i + k]);
                S += I[k];
                P += c[k] * I[k];
            }
            spec += (S * cc - P) / (3 * cc - 1);
            n++;
        }
    assert_true(n >= 10);
    spec /= n;
    size_t sheen_px = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            sheen_px += hypot(x - cx, y - cy) < 2 * sig;
    print_message("sheen over %.0f %% of the box; chroma %.4f %.4f %.4f, true %.4f %.4f %.4f; shine at its centre "
                  "%.4f of %.4f\n",
                  100.0 * sheen_px / (W * H), c[0], c[1], c[2], SKIN[0] / sum, SKIN[1] / sum, SKIN[2] / sum, spec,
                  amount);
    assert_true(sheen_px > (size_t)W * H / 4);
    for (int k = 0; k < 3; k++)
        assert_true(fabs(c[k] - SKIN[k] / sum) < 0.01);
    assert_true(fabs(spec / amount - 1) < 0.06);
    scene_free(&s);
}

/* A camera's tone curve greys bright skin beyond the white light a sheen
 * adds (the crown photo's sheen: its colour alone called 72 % of the light
 * shine, which would leave a diffuse skin half as bright under the sheen as
 * all round it). The shine is bounded by the light above the skin around
 * it: the sheen's centre, greyed to 45 % of its colour, keeps about the
 * light the sheen added, not what its colour says. */
static void test_greyed_sheen_bounded(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    const double cx = 0.5 * W, cy = 0.5 * H, sig = 0.2 * W, amount = 0.2;
    sheen(&s, cx, cy, sig, amount);
    for (size_t i = 0; i < (size_t)W * H; i++) { /* the shoulder: colour fades as the light rises */
        float *q = s.lin + 3 * i;
        const double y = (q[0] + q[1] + q[2]) / 3, t = fmin(fmax((3 * y - 1.1) / 0.4, 0), 1);
        for (int c = 0; c < 3; c++)
            q[c] = (float)(y + (q[c] - y) * (1 - 0.55 * t));
    }
    quantise(&s);
    uint16_t *sp = spec_of(&s, 2);
    const uint8_t *p = smp_image_cdata(s.img);
    double got = 0, colour = 0;
    float c[3];
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__diffuse_chroma(s.img, BOX, NULL, c, 2, msg), SMP_OK);
    const double cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    for (int y = -2; y <= 2; y++)
        for (int x = -2; x <= 2; x++) {
            const size_t i = (size_t)(cy + y) * W + (size_t)(cx + x);
            got += sp[i] / 65535.0 / 25;
            double S = 0, P = 0;
            for (int k = 0; k < 3; k++) {
                const double v = smp__srgb_to_linear(p[3 * i + k]);
                S += v;
                P += c[k] * v;
            }
            colour += (S * cc - P) / (3 * cc - 1) / 25;
        }
    print_message("greyed sheen's centre: shine %.4f, its colour says %.4f, the light added %.4f\n", got, colour,
                  amount);
    assert_true(colour > 1.5 * amount); /* the scene greys the sheen as the photo does */
    assert_true(got > 0.5 * amount && got < 1.2 * amount);
    free(sp);
    scene_free(&s);
}

static void test_threads_and_arguments(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    const double brown[3] = {0.035, 0.028, 0.024};
    strands(&s, 100, brown, 0.5, 5);
    highlight(&s, 0.3);
    quantise(&s);
    uint16_t *one = spec_of(&s, 1);
    for (int t = 2; t <= 3; t++) {
        uint16_t *more = spec_of(&s, t);
        assert_memory_equal(one, more, (size_t)W * H * sizeof *one);
        free(more);
    }
    /* Never more than the smallest channel. */
    const uint8_t *p = smp_image_cdata(s.img);
    for (size_t i = 0; i < (size_t)W * H; i++) {
        uint8_t lo = p[3 * i] < p[3 * i + 1] ? p[3 * i] : p[3 * i + 1];
        lo = lo < p[3 * i + 2] ? lo : p[3 * i + 2];
        assert_true(one[i] <= lrint(smp__srgb_to_linear(lo) * 65535.0) + 1);
    }
    char msg[SMP_MSG_LEN];
    const float c[3] = {0.46f, 0.31f, 0.23f}, greyc[3] = {1, 1, 1};
    const uint32_t outside[4] = {W - 10, 0, 11, H}, empty[4] = {0, 0, 0, H};
    float got[3];
    assert_int_equal(smp__specular_map(s.img, outside, c, one, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__specular_map(s.img, empty, c, one, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__specular_map(s.img, BOX, greyc, one, 1, msg), SMP_ERR_ARG);
    assert_int_equal(smp__diffuse_chroma(s.img, outside, NULL, got, 1, msg), SMP_ERR_ARG);
    free(one);
    scene_free(&s);
}

/* The model (what the renderer reads) gives every pixel the map's value to
 * the bit, also seen from a crop of the image (an offset), and 0 outside
 * its box. */
static void test_model_is_the_map(void **state)
{
    (void)state;
    scene s;
    skin(&s, SKIN);
    const double brown[3] = {0.035, 0.028, 0.024};
    strands(&s, 60, brown, 0.5, 7);
    highlight(&s, 0.3);
    quantise(&s);
    float c[3];
    char msg[SMP_MSG_LEN];
    const uint32_t box[4] = {7, 5, W - 20, H - 11};
    assert_int_equal(smp__diffuse_chroma(s.img, box, NULL, c, 3, msg), SMP_OK);
    uint16_t *map = malloc((size_t)box[2] * box[3] * sizeof *map);
    assert_int_equal(smp__specular_map(s.img, box, c, map, 2, msg), SMP_OK);
    smp_shine m;
    assert_int_equal(smp__shine_model(s.img, box, c, &m, 3, msg), SMP_OK);
    const uint8_t *p = smp_image_cdata(s.img);
    size_t lit = 0;
    for (uint32_t y = 0; y < box[3]; y++)
        for (uint32_t x = 0; x < box[2]; x++) {
            const uint8_t *q = p + (((size_t)(box[1] + y) * W) + box[0] + x) * 3;
            assert_int_equal(smp__shine_at(&m, q, x, y), map[(size_t)y * box[2] + x]);
            lit += map[(size_t)y * box[2] + x] > 0;
        }
    assert_true(lit > 0);
    /* Seen from a crop at (box[0] + 10, box[1] + 4): the same pixels. */
    smp_shine crop = m;
    crop.ox = 10;
    crop.oy = 4;
    for (uint32_t y = 0; y + 4 < box[3]; y += 3)
        for (uint32_t x = 0; x + 10 < box[2]; x += 3) {
            const uint8_t *q = p + (((size_t)(box[1] + 4 + y) * W) + box[0] + 10 + x) * 3;
            assert_int_equal(smp__shine_at(&crop, q, x, y), map[(size_t)(y + 4) * box[2] + x + 10]);
        }
    const uint8_t white[3] = {255, 255, 255};
    /* Row by row (a row's levels, then its pixels), as the renderer reads
     * it: the same values, in the box and in the crop, 0 past their ends. */
    float *lev = malloc(m.gw * sizeof *lev);
    for (uint32_t y = 0; y < box[3] + 2; y++) {
        const bool in = smp__shine_levels(&m, y, lev);
        assert_int_equal(in, y < box[3]);
        for (uint32_t x = 0; in && x < box[2] + 2; x++) {
            const uint8_t *q = x < box[2] ? p + (((size_t)(box[1] + y) * W) + box[0] + x) * 3 : white;
            assert_int_equal(smp__shine_px(&m, lev, q, x), x < box[2] ? map[(size_t)y * box[2] + x] : 0);
        }
        if (in && y % 7 == 0) { /* a span of the row, from a column on */
            uint16_t *span = malloc(box[2] * sizeof *span);
            const uint32_t x0 = y % box[2];
            smp__shine_span(&m, lev, p + (((size_t)(box[1] + y) * W) + box[0] + x0) * 3, x0, box[2] - x0, span);
            assert_memory_equal(span, map + (size_t)y * box[2] + x0, (box[2] - x0) * sizeof *span);
            free(span);
        }
    }
    for (uint32_t y = 0; y + 4 < box[3]; y += 5)
        if (smp__shine_levels(&crop, y, lev))
            for (uint32_t x = 0; x + 10 < box[2]; x += 2) {
                const uint8_t *q = p + (((size_t)(box[1] + 4 + y) * W) + box[0] + 10 + x) * 3;
                assert_int_equal(smp__shine_px(&crop, lev, q, x), map[(size_t)(y + 4) * box[2] + x + 10]);
            }
    free(lev);
    assert_int_equal(smp__shine_at(&m, white, box[2], 0), 0);
    assert_int_equal(smp__shine_at(&crop, white, box[2] - 10, 0), 0);
    smp__shine_free(&m);
    free(map);
    scene_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_is_the_map),
        cmocka_unit_test(test_highlight_recovered),
        cmocka_unit_test(test_dark_hair_is_not_shine),
        cmocka_unit_test(test_grey_hair_is_not_shine),
        cmocka_unit_test(test_chroma_recovered),
        cmocka_unit_test(test_broad_sheen_chroma),
        cmocka_unit_test(test_greyed_sheen_bounded),
        cmocka_unit_test(test_threads_and_arguments),
    };
    return cmocka_run_group_tests_name("shine", tests, NULL, NULL);
}
