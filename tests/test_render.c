/* The renderer: ink is conserved for sub-pixel and larger dots, untouched
 * pixels keep their bytes, and the bytes do not depend on the thread count. */
#include "testutil.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "stages.h"

static const float BLACK[1][3] = {{0, 0, 0}};

/* Sum over the image of the darkening in linear light; on a white image
 * under black pigment this is the ink deposited, in px². */
static double ink(const smp_image *img)
{
    const uint8_t *p = smp_image_cdata(img);
    double sum = 0;
    size_t n = (size_t)smp_image_width(img) * smp_image_height(img);
    for (size_t i = 0; i < n; i++)
        sum += 1.0 - smp__srgb_to_linear(p[3 * i + 1]);
    return sum;
}

/* Dots on a grid, in px (rendered at 1 px/mm). */
typedef struct dots {
    smp_dot *d;
    size_t n;
} dots;

static void dots_grid(dots *d, int nx, int ny, double spacing, float r, float opacity)
{
    d->n = (size_t)nx * ny;
    d->d = malloc(d->n * sizeof *d->d);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            /* Sub-pixel offsets vary, so pixel-grid luck averages out. */
            float fx = (float)((i * 0.37 + j * 0.11) - floor(i * 0.37 + j * 0.11));
            float fy = (float)((j * 0.53 + i * 0.07) - floor(j * 0.53 + i * 0.07));
            d->d[(size_t)j * nx + i] = (smp_dot){spacing * (i + 1) + fx, spacing * (j + 1) + fy, 2.0 * r,
                                                 opacity, 0};
        }
}

static void check_ink(float r, double tolerance)
{
    smp_image *img = smp_image_new();
    assert_int_equal(smp_image_alloc(img, 200, 200, 3), SMP_OK);
    memset(smp_image_data(img), 255, 200 * 200 * 3);
    dots d;
    dots_grid(&d, 18, 18, 10, r, 0.8f);
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__render(img, d.d, d.n, 1.0, BLACK, 1, 0, 0.3, 0, msg), SMP_OK);
    double want = d.n * SMP_PI * r * r * 0.8;
    double got = ink(img);
    print_message("r = %.2f px: ink %.2f px², disc area x opacity %.2f px² (%.2f %%)\n", r, got, want,
                  100 * (got / want - 1));
    assert_true(fabs(got / want - 1) < tolerance);
    free(d.d);
    smp_image_free(img);
}

static void test_ink_conserved_subpixel(void **state)
{
    (void)state;
    /* A 0.3 px dot darkens by its area, not by a pixel and not by nothing.
     * Ink is conserved exactly in linear light; the 8-bit output then drops
     * the faint Gaussian tail on pixels whose change is under half a code
     * value (about 5 % of a dot this small), hence the wider bound. */
    check_ink(0.15f, 0.07);
    check_ink(0.5f, 0.03);
}

static void test_ink_conserved_large(void **state)
{
    (void)state;
    check_ink(2.5f, 0.02);
}

static void test_untouched_pixels_keep_bytes(void **state)
{
    (void)state;
    smp_image *img = smp_image_new(), *orig = smp_image_new();
    assert_int_equal(smp_image_alloc(img, 120, 90, 3), SMP_OK);
    assert_int_equal(smp_image_alloc(orig, 120, 90, 3), SMP_OK);
    fill_photo(img, 5);
    memcpy(smp_image_data(orig), smp_image_cdata(img), 120 * 90 * 3);
    smp_dot one = {60.3, 45.6, 2.4, 0.9f, 0};
    char msg[SMP_MSG_LEN];
    assert_int_equal(smp__render(img, &one, 1, 1.0, BLACK, 1, 0, 0.3, 0, msg), SMP_OK);
    const uint8_t *a = smp_image_cdata(img), *b = smp_image_cdata(orig);
    int changed = 0;
    for (int y = 0; y < 90; y++)
        for (int x = 0; x < 120; x++) {
            double dist = hypot(x + 0.5 - 60.3, y + 0.5 - 45.6);
            int same = !memcmp(a + (y * 120 + x) * 3, b + (y * 120 + x) * 3, 3);
            if (dist > 1.2 + 4 * 0.3 + 1.0)
                assert_true(same); /* beyond the footprint: identical bytes */
            changed += !same;
            if (dist < 0.8) /* the core is darkened */
                assert_true(a[(y * 120 + x) * 3] < b[(y * 120 + x) * 3]);
        }
    assert_true(changed >= 4);
    smp_image_free(img);
    smp_image_free(orig);
}

static void test_thread_count_does_not_change_bytes(void **state)
{
    (void)state;
#ifdef _OPENMP
    dots d;
    dots_grid(&d, 40, 40, 7.3, 1.1f, 0.85f); /* many dots cross band edges */
    smp_image *ref = NULL;
    for (int t = 1; t <= 3; t++) {
        omp_set_num_threads(t);
        smp_image *img = smp_image_new();
        assert_int_equal(smp_image_alloc(img, 300, 300, 3), SMP_OK);
        fill_photo(img, 9);
        char msg[SMP_MSG_LEN];
        assert_int_equal(smp__render(img, d.d, d.n, 1.0, BLACK, 1, 0, 0.3, 0, msg), SMP_OK);
        if (!ref)
            ref = img;
        else {
            assert_memory_equal(smp_image_cdata(img), smp_image_cdata(ref), 300 * 300 * 3);
            smp_image_free(img);
        }
    }
    smp_image_free(ref);
    free(d.d);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ink_conserved_subpixel),
        cmocka_unit_test(test_ink_conserved_large),
        cmocka_unit_test(test_untouched_pixels_keep_bytes),
        cmocka_unit_test(test_thread_count_does_not_change_bytes),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
