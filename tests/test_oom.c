/* SPDX-License-Identifier: BSD-2-Clause */
/* Out of memory is never silent: the k-th allocation the library makes
 * fails, for every k until a run makes fewer, and each run either reports
 * SMP_ERR_NOMEM or writes exactly the bytes of a run without failures (no
 * label, caption or close-up quietly left out).
 *
 * The hook: this test is linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc (see the Makefile), so the library's own calls come here;
 * allocations inside FreeType, HarfBuzz and the codecs are not counted. */
#include "testutil.h"

#include <stdatomic.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static atomic_long countdown; /* 0: never fail; k: the k-th allocation from now fails */
static atomic_int failed;

static int fail_now(void)
{
    long left = atomic_load(&countdown);
    while (left > 0 && !atomic_compare_exchange_weak(&countdown, &left, left - 1))
        ;
    if (left == 1) {
        atomic_store(&failed, 1);
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t size) { return fail_now() ? NULL : __real_malloc(size); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t size) { return fail_now() ? NULL : __real_realloc(p, size); }

typedef smp_status (*draw_fn)(smp_image *out, void *ctx);

/* Runs draw with the k-th allocation failing, k = 1, 2, ... until a run
 * makes fewer allocations; each must fail with NOMEM or match the reference. */
static void every_allocation_fails_once(const char *what, draw_fn draw, void *ctx)
{
    smp_image *ref = smp_image_new();
    assert_int_equal(draw(ref, ctx), SMP_OK);
    const size_t bytes = (size_t)smp_image_width(ref) * smp_image_height(ref) * smp_image_channels(ref);
    int nomem = 0;
    for (long k = 1; k < 100000; k++) {
        smp_image *out = smp_image_new();
        assert_non_null(out);
        atomic_store(&failed, 0);
        atomic_store(&countdown, k);
        smp_status st = draw(out, ctx);
        atomic_store(&countdown, 0);
        if (!atomic_load(&failed)) { /* every allocation made: done */
            assert_int_equal(st, SMP_OK);
            smp_image_free(out);
            print_message("%s: %ld allocations, each failing once: %d runs reported it\n", what, k - 1, nomem);
            break;
        }
        if (st == SMP_OK) {
            if (smp_image_width(out) != smp_image_width(ref) || smp_image_height(out) != smp_image_height(ref) ||
                memcmp(smp_image_cdata(out), smp_image_cdata(ref), bytes))
                fail_msg("%s: allocation %ld failed, yet SMP_OK with other pixels", what, k);
        } else if (st != SMP_ERR_NOMEM) {
            fail_msg("%s: allocation %ld failed: status %d (%s), not SMP_ERR_NOMEM", what, k, st,
                     smp_image_message(out));
        } else {
            nomem++;
        }
        smp_image_free(out);
    }
    assert_true(nomem > 0);
    smp_image_free(ref);
}

static smp_status draw_plot(smp_image *out, void *ctx) { return smp_analysis_plot(ctx, out); }

static void test_plot_labels(void **state)
{
    (void)state;
    enum { N = 2000 };
    static double xy[2 * N];
    uint64_t s = 99;
    for (size_t i = 0; i < 2 * N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        xy[i] = (double)(s >> 11) / 9007199254740992.0 * 40.0;
    }
    smp_analysis *a = smp_analysis_new();
    assert_int_equal(smp_analyze_points(a, xy, N, 40, 40), SMP_OK);
    every_allocation_fails_once("plot", draw_plot, a);
    smp_analysis_free(a);
}

static smp_status draw_sheet(smp_image *out, void *ctx)
{
    const smp_image *const *cells = ctx;
    static const char *const rows[] = {"row one", "row two"}, *const cols[] = {"left", "right"};
    static const char *const caps[] = {"a 1", "b 2", "c 3", "d 4"};
    return smp_contact_sheet(out, cells, 2, 2, "header\nsecond line", rows, cols, caps, NULL);
}

static void test_sheet_labels(void **state)
{
    (void)state;
    const smp_image *cells[4];
    for (int i = 0; i < 4; i++)
        cells[i] = photo_of(160, 120);
    every_allocation_fails_once("contact sheet", draw_sheet, cells);
    for (int i = 0; i < 4; i++)
        smp_image_free((smp_image *)cells[i]);
}

typedef struct preview_ctx {
    smp_result *res;
    const smp_image *photo;
    const smp_params *p;
} preview_ctx;

static smp_status draw_preview(smp_image *out, void *ctx)
{
    const preview_ctx *c = ctx;
    return smp_preview(out, c->res, c->photo, c->p, NULL);
}

/* The automatic close-up searches the largest treated core: its scratch
 * failing must not drop the loupe quietly. */
static void test_preview_loupe(void **state)
{
    (void)state;
    smp_image *photo = photo_of(400, 300), *mask = rect_mask(400, 300, 60, 45, 340, 255, 255);
    smp_params *p = smp_params_new();
    smp_result *r = smp_result_new();
    smp_params_set_threads(p, 1); /* one order of allocations */
    smp_params_set_px_per_mm(p, 3);
    smp_params_set_date(p, "2026-01-01");
    assert_int_equal(smp_simulate(r, p, photo, mask), SMP_OK);
    smp_image *probe = smp_image_new();
    smp_preview_geometry g;
    assert_int_equal(smp_preview(probe, r, photo, p, &g), SMP_OK);
    assert_true(g.has_loupe); /* placed automatically: the core search ran */
    smp_image_free(probe);
    preview_ctx c = {r, photo, p};
    every_allocation_fails_once("preview", draw_preview, &c);
    smp_result_free(r);
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_labels),
        cmocka_unit_test(test_sheet_labels),
        cmocka_unit_test(test_preview_loupe),
    };
    return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
