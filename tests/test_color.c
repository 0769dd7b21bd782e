/* SPDX-License-Identifier: BSD-2-Clause */
/* Colour: sRGB/CIELAB round trips and CIEDE2000 against the published
 * test pairs of Sharma, Wu & Dalal (2005). */
#include "testutil.h"

#include <math.h>

#include "internal.h"
#include "color.h"

static void test_delta_e2000_reference_pairs(void **state)
{
    (void)state;
    static const double pairs[][7] = {
        {50, 2.6772, -79.7751, 50, 0, -82.7485, 2.0425},
        {50, 3.1571, -77.2803, 50, 0, -82.7485, 2.8615},
        {50, 2.8361, -74.0200, 50, 0, -82.7485, 3.4412},
        {50, 0, 0, 50, -1, 2, 2.3669},
        {50, 2.5, 0, 73, 25, -18, 27.1492},
        {50, 2.5, 0, 61, -5, 29, 22.8977},
        {50, 2.5, 0, 56, -27, -3, 31.9030},
        {50, 2.5, 0, 58, 24, 15, 19.4535},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        double d = smp__delta_e2000(pairs[i], pairs[i] + 3), e = smp__delta_e2000(pairs[i] + 3, pairs[i]);
        if (fabs(d - pairs[i][6]) > 5e-4 || fabs(e - d) > 1e-9)
            fail_msg("pair %zu: %.4f, published %.4f", i + 1, d, pairs[i][6]);
    }
}

static void test_lab_round_trip_and_anchors(void **state)
{
    (void)state;
    double lab[3];
    smp__srgb8_to_lab((const uint8_t[]){255, 255, 255}, lab);
    assert_true(fabs(lab[0] - 100) < 0.01 && fabs(lab[1]) < 0.01 && fabs(lab[2]) < 0.01);
    smp__srgb8_to_lab((const uint8_t[]){0, 0, 0}, lab);
    assert_true(fabs(lab[0]) < 0.01);
    smp__srgb8_to_lab((const uint8_t[]){255, 0, 0}, lab); /* sRGB red: L 53.24, a 80.09, b 67.20 */
    assert_true(fabs(lab[0] - 53.24) < 0.05 && fabs(lab[1] - 80.09) < 0.1 && fabs(lab[2] - 67.20) < 0.1);
    for (int v = 0; v < 256; v += 15) {
        const uint8_t px[3] = {(uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v / 2)};
        float lin[3] = {smp__srgb_to_linear(px[0]), smp__srgb_to_linear(px[1]), smp__srgb_to_linear(px[2])}, back[3];
        smp__linear_to_lab(lin, lab);
        smp__lab_to_linear(lab, back);
        for (int c = 0; c < 3; c++)
            assert_true(fabs(back[c] - lin[c]) < 1e-5);
    }
}

/* The shared tables are the functions, byte for byte, and the one encoder
 * rounds every 8-bit value back to itself. */
static void test_shared_srgb_tables(void **state)
{
    (void)state;
    const float *lin = smp__srgb_linear_table();
    const uint8_t *enc = smp__srgb8_table();
    assert_ptr_equal(lin, smp__srgb_linear_table());
    for (int v = 0; v < 256; v++) {
        assert_true(lin[v] == smp__srgb_to_linear((uint8_t)v));
        assert_int_equal(smp__linear_to_srgb8(lin[v]), v);
    }
    for (int i = 0; i < 65536; i++)
        assert_int_equal(enc[i], smp__linear_to_srgb8(i / 65535.0));
    assert_int_equal(smp__linear_to_srgb8(-0.5), 0);
    assert_int_equal(smp__linear_to_srgb8(2.0), 255);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_srgb_tables),
        cmocka_unit_test(test_delta_e2000_reference_pairs),
        cmocka_unit_test(test_lab_round_trip_and_anchors),
    };
    return cmocka_run_group_tests_name("color", tests, NULL, NULL);
}
