/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers: file name extensions, JSON strings, the params getters
 * on NULL, the analysis thread setting, the shared region labelling. */
#include "testutil.h"

#include <string.h>

#include "internal.h"
#include "params.h"
#include "regions.h"

static void test_path_has_ext(void **state)
{
    (void)state;
    assert_true(smp_path_has_ext("a.png", ".png"));
    assert_true(smp_path_has_ext("dir/A.PnG", ".png"));
    assert_true(smp_path_has_ext("x.mask.png", ".mask.png"));
    assert_false(smp_path_has_ext(".png", ".png")); /* nothing before the extension */
    assert_false(smp_path_has_ext("a.jpg", ".png"));
    assert_false(smp_path_has_ext("png", ".png"));
    assert_false(smp_path_has_ext(NULL, ".png"));
    assert_false(smp_path_has_ext("a.png", NULL));
}

static void test_json_quote(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"a\"b\\c", "\"a\\\"b\\\\c\""},
        {"tab\there\n", "\"tab\\u0009here\\u000a\""},
        {"del\x7f", "\"del\\u007f\""},
        {"\xc3\xa9 cm\xc2\xb2", "\"\xc3\xa9 cm\xc2\xb2\""},        /* valid UTF-8 kept */
        {"bad\xff\xc0\xafz", "\"bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\""}, /* each bad byte U+FFFD */
        {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},        /* a surrogate */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[64];
        size_t n = smp_json_quote(buf, sizeof buf, cases[i].in);
        assert_string_equal(buf, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
        assert_int_equal(smp_json_quote(NULL, 0, cases[i].in), n);
    }
    char small[5];
    assert_int_equal(smp_json_quote(small, sizeof small, "abcdef"), 8);
    assert_string_equal(small, "\"abc"); /* cut like snprintf, terminated */
    assert_int_equal(smp_json_quote(small, sizeof small, NULL), 2);
    assert_string_equal(small, "\"\"");
}

static void test_params_getters_on_null(void **state)
{
    (void)state;
    const smp_params *p = NULL;
    assert_int_equal(smp_params_seed(p), 0);
    assert_true(smp_params_density(p) == 0 && smp_params_dot_diameter(p) == 0 && smp_params_regularity(p) == 0);
    assert_true(smp_params_px_per_mm(p) == 0 && smp_params_feather(p) == 0 && smp_params_opacity(p) == 0);
    assert_int_equal(smp_params_density_auto(p), 0);
    assert_int_equal(smp_params_dot_auto(p), 0);
    assert_int_equal(smp_params_max_pixels(p), 0);
    assert_int_equal(smp_params_jpeg_quality(p), 0);
    assert_int_equal(smp_params_layout(p), SMP_LAYOUT_AUTO);
    assert_int_equal(smp_params_show_session(p), 0);
    uint8_t rgb[3] = {1, 2, 3};
    smp_params_pigment(p, rgb);
    assert_true(rgb[0] == 0 && rgb[1] == 0 && rgb[2] == 0);
    double layers[SMP_MAX_LAYERS];
    assert_int_equal(smp_params_layers(p, layers), 0);
    double x = 1, y = 1;
    assert_int_equal(smp_params_loupe(p, &x, &y), SMP_LOUPE_AUTO);
    assert_true(x == 0 && y == 0);
}

/* smp_params_key: each setting that shapes an output changes it, the
 * threads, the progress callback and overwrite do not; a setting given its
 * default value is the default. */
static int no_progress(void *user, double fraction)
{
    (void)user;
    (void)fraction;
    return 0;
}

static void test_params_key(void **state)
{
    (void)state;
    smp_params *p = smp_params_new(), *q = smp_params_new();
    assert_non_null(p);
    assert_non_null(q);
    const uint64_t k0 = smp_params_key(p);
    assert_true(k0 != 0);
    assert_true(smp_params_key(NULL) == 0);
    smp_params_set_threads(q, 3);
    smp_params_set_overwrite(q, 1);
    smp_params_set_progress(q, no_progress, NULL);
    smp_params_set_jpeg_quality(q, 92); /* the default, given */
    smp_params_set_max_size(q, 0);
    assert_true(smp_params_key(q) == k0);
    uint64_t seen[16];
    int n = 0;
    seen[n++] = k0;
#define CHANGED(call)                                  \
    do {                                               \
        smp_params *c = smp_params_clone(p);           \
        assert_non_null(c);                            \
        assert_int_equal(call, SMP_OK);                \
        uint64_t k = smp_params_key(c);                \
        for (int i = 0; i < n; i++)                    \
            assert_true(k != seen[i]);                 \
        seen[n++] = k;                                 \
        smp_params_free(c);                            \
    } while (0)
    CHANGED(smp_params_set_density(c, 90));
    CHANGED(smp_params_set_density(c, 91));
    CHANGED(smp_params_set_seed(c, 7));
    CHANGED(smp_params_set_jpeg_quality(c, 80));
    CHANGED(smp_params_set_edge(c, SMP_EDGE_SOFT));
    CHANGED(smp_params_set_age(c, 2));
    CHANGED(smp_params_set_caption(c, "Ann"));
    CHANGED(smp_params_set_max_size(c, 2560));
    CHANGED(smp_params_set_loupe(c, SMP_LOUPE_AT, 10, 20));
    CHANGED(smp_params_set_loupe(c, SMP_LOUPE_AT, 10, 21));
    CHANGED(smp_params_set_pigment(c, 0x2b, 0x2b, 0x2b)); /* the default colour, given: no dilution model */
#undef CHANGED
    smp_params_free(p);
    smp_params_free(q);
    /* A field added to struct smp_params changes its size (LP64): decide
     * whether it shapes an output, so belongs in smp_params_key, then
     * update this figure. */
#if UINTPTR_MAX == UINT64_MAX
    assert_int_equal(sizeof(struct smp_params), 1136);
#endif
}

/* The same numbers on one thread and on several; the setting survives a run. */
static void test_analysis_threads(void **state)
{
    (void)state;
    enum { N = 3000 };
    static double xy[2 * N];
    uint64_t s = 12345;
    for (size_t i = 0; i < 2 * N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        xy[i] = (double)(s >> 11) / 9007199254740992.0 * 50.0;
    }
    smp_analysis *a = smp_analysis_new(), *b = smp_analysis_new();
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(smp_analysis_set_threads(a, -1), SMP_ERR_ARG);
    assert_int_equal(smp_analysis_set_threads(NULL, 1), SMP_ERR_ARG);
    assert_int_equal(smp_analysis_set_threads(a, 1), SMP_OK);
    assert_int_equal(smp_analysis_set_threads(b, 3), SMP_OK);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(smp_analyze_points(a, xy, N, 50, 50), SMP_OK);
        assert_int_equal(smp_analyze_points(b, xy, N, 50, 50), SMP_OK);
        double am[4], bm[4];
        smp_analysis_nearest(a, &am[0], &am[1], &am[2], &am[3]);
        smp_analysis_nearest(b, &bm[0], &bm[1], &bm[2], &bm[3]);
        assert_memory_equal(am, bm, sizeof am);
    }
    smp_analysis_free(a);
    smp_analysis_free(b);
}

/* The shared flood fill: labels in scan order, sizes, the largest. */
static void test_label_regions(void **state)
{
    (void)state;
    static const uint8_t cells[5 * 4] = {
        1, 1, 0, 2, 2, /* */
        0, 1, 0, 0, 2, /* */
        0, 0, 0, 4, 0, /* 4 is not in the bits asked for below */
        3, 3, 3, 0, 3,
    };
    uint32_t stack[20], label[20], largest;
    size_t size;
    assert_int_equal(smp__largest_region(cells, 3, 5, 4, stack, label, &largest, &size), SMP_OK);
    static const uint32_t want[20] = {1, 1, 0, 2, 2, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 3, 3, 0, 4};
    assert_memory_equal(label, want, sizeof want);
    assert_int_equal(largest, 1); /* 1, 2 and 3 have 3 cells: the first */
    assert_int_equal(size, 3);
    static const uint8_t none[4] = {0};
    assert_int_equal(smp__largest_region(none, 0xFF, 2, 2, stack, label, &largest, &size), SMP_OK);
    assert_int_equal(largest, 0);
    assert_int_equal(size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_has_ext),
        cmocka_unit_test(test_json_quote),
        cmocka_unit_test(test_params_getters_on_null),
        cmocka_unit_test(test_params_key),
        cmocka_unit_test(test_analysis_threads),
        cmocka_unit_test(test_label_regions),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
