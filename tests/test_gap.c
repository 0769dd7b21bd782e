/* SPDX-License-Identifier: BSD-2-Clause */
/* The note for a mask that stops short of the client's hair (gap.c), on
 * synthetic scenes: bare skin with dark stubble beyond a radius or above a
 * line. A mask ending 10 mm inside the stubble's edge gets the note; one
 * reaching into the stubble does not, nor a frontal hairline's, whose bare
 * forehead runs on to the frame. */
#include "testutil.h"

#include <math.h>

#define W 1200
#define H 900
#define PPM 10.0

/* A deterministic stream (no rand(): the same scene everywhere). */
static uint32_t next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Skin with a faint texture, and stubble wherever in_hair says: strokes
 * 1.5 mm long and 0.2 mm wide, about one per mm², covering about 30 %
 * and leaving bare skin between them. */
static smp_image *stubble_photo(int (*in_hair)(double x_mm, double y_mm))
{
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, W, H, 3), SMP_OK);
    uint8_t *p = smp_image_data(img);
    uint32_t s = 12345;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        const int n = (int)(next(&s) % 5) - 2;
        p[3 * i] = (uint8_t)(205 + n);
        p[3 * i + 1] = (uint8_t)(160 + n);
        p[3 * i + 2] = (uint8_t)(140 + n);
    }
    const int strokes = (int)(W / PPM * H / PPM);
    for (int k = 0; k < strokes; k++) {
        const double x = next(&s) % (W * 16) / 16.0, y = next(&s) % (H * 16) / 16.0;
        const double a = next(&s) % 6283 / 1000.0;
        if (!in_hair(x / PPM, y / PPM))
            continue;
        for (int t = 0; t < (int)(1.5 * PPM); t++) {
            const int cx = (int)(x + t * cos(a)), cy = (int)(y + t * sin(a));
            for (int d = 0; d < 2; d++) {
                const int px = cx + d, py = cy;
                if (px < 0 || py < 0 || px >= W || py >= H)
                    continue;
                uint8_t *q = p + 3 * ((size_t)py * W + (size_t)px);
                q[0] = 55;
                q[1] = 42;
                q[2] = 36;
            }
        }
    }
    return img;
}

static int beyond_30mm(double x, double y) { return hypot(x - W / PPM / 2, y - H / PPM / 2) >= 30; }
static int above_40mm(double x, double y) { return (void)x, y < 40; }

/* White inside radius r_mm of the centre. */
static smp_image *disc_mask(double r_mm)
{
    smp_image *m = smp_image_new();
    assert_int_equal(smp_image_alloc(m, W, H, 1), SMP_OK);
    uint8_t *p = smp_image_data(m);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            p[(size_t)y * W + x] = hypot(x - W / 2.0, y - H / 2.0) < r_mm * PPM ? 255 : 0;
    return m;
}

/* The first note saying the mask stops short of the hair, or NULL. */
static const char *gap_note(smp_image *photo, smp_image *mask)
{
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, PPM);
    smp_result *r = smp_result_new();
    if (smp_simulate(r, p, photo, mask) != SMP_OK)
        fail_msg("simulate: %s", smp_result_message(r));
    static char note[512];
    note[0] = 0;
    for (size_t i = 0; i < smp_result_note_count(r); i++)
        if (strstr(smp_result_note(r, i), "stops short of the hair"))
            snprintf(note, sizeof note, "%s", smp_result_note(r, i));
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    return note[0] ? note : NULL;
}

static void test_mask_short_of_the_hair_is_noted(void **state)
{
    (void)state;
    smp_image *photo = stubble_photo(beyond_30mm);
    const char *note = gap_note(photo, disc_mask(20));
    assert_non_null(note);
    print_message("%s\n", note);
    /* The whole edge, 10 mm short (the width is where the hair begins). */
    int share = 0, mm = 0;
    assert_int_equal(sscanf(strstr(note, "along "), "along %d %% of its edge (a band of bare skin about %d", &share,
                            &mm),
                     2);
    assert_true(share >= 80);
    assert_true(mm >= 7 && mm <= 11);
    smp_image_free(photo);
}

static void test_mask_reaching_the_hair_is_not(void **state)
{
    (void)state;
    smp_image *photo = stubble_photo(beyond_30mm);
    assert_null(gap_note(photo, disc_mask(31)));
    smp_image_free(photo);
}

/* Stubble above 40 mm, the mask down to 45 mm across the frame, and bare
 * forehead below it to the frame's bottom: meant to stay bare. */
static void test_frontal_hairline_is_not(void **state)
{
    (void)state;
    smp_image *photo = stubble_photo(above_40mm);
    assert_null(gap_note(photo, rect_mask(W, H, 0, 0, W, (uint32_t)(45 * PPM), 255)));
    smp_image_free(photo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_short_of_the_hair_is_noted),
        cmocka_unit_test(test_mask_reaching_the_hair_is_not),
        cmocka_unit_test(test_frontal_hairline_is_not),
    };
    return cmocka_run_group_tests_name("gap", tests, NULL, NULL);
}
