/* SPDX-License-Identifier: BSD-2-Clause */
/* The analysis cache (smp_simulate_cached): through a sequence of settings
 * changes, mask edits (inside the treated box, and moving it), another
 * photo and params it does not serve, every result is the plain
 * smp_simulate's to the byte (after image, dots, notes, metrics file),
 * and the cache says what it took (the analysis, the skin maps, the
 * edge's shaping, the sampled points). */
#include "testutil.h"

#include "scene.h"

#define PPM 8.0
/* What smp_cache_reused says: the analysis; with the edge's shaping; all. */
#define A (SMP_REUSED_ANALYSIS | SMP_REUSED_SKIN_MAPS)
#define A_SHAPE (A | SMP_REUSED_SHAPE)
#define ALL (A_SHAPE | SMP_REUSED_POINTS)
#define A_BASE (A_SHAPE | SMP_REUSED_BASE) /* the first session's dots before their pairs */

typedef struct fixture {
    smp_image *photo, *mask;
    smp_cache *cache;
    char *dir;
    int n;
} fixture;

/* The cached run against a plain one with the same inputs; returns what
 * the cache took. */
static int same_as_plain(fixture *f, const smp_params *p, const smp_image *photo, const smp_image *mask)
{
    smp_result *a = smp_result_new(), *b = smp_result_new();
    const smp_status sa = smp_simulate(a, p, photo, mask);
    const smp_status sb = smp_simulate_cached(b, f->cache, p, photo, mask);
    assert_int_equal(sb, sa);
    assert_string_equal(smp_result_message(b), smp_result_message(a));
    if (sa == SMP_OK) {
        const smp_image *ia = smp_result_after(a), *ib = smp_result_after(b);
        assert_int_equal(smp_image_width(ib), smp_image_width(ia));
        assert_int_equal(smp_image_height(ib), smp_image_height(ia));
        assert_memory_equal(smp_image_cdata(ib), smp_image_cdata(ia),
                            (size_t)smp_image_width(ia) * smp_image_height(ia) * smp_image_channels(ia));
        size_t na, nb;
        const smp_dot *da = smp_result_dots(a, &na), *db = smp_result_dots(b, &nb);
        assert_int_equal(nb, na);
        assert_true(na > 0);
        for (size_t i = 0; i < na; i++) { /* field by field: the struct has padding */
            assert_memory_equal(&db[i].x_mm, &da[i].x_mm, 3 * sizeof(double));
            assert_true(db[i].opacity == da[i].opacity && db[i].layer == da[i].layer &&
                        db[i].aspect == da[i].aspect && db[i].angle == da[i].angle && db[i].blur_mm == da[i].blur_mm);
        }
        assert_int_equal(smp_result_note_count(b), smp_result_note_count(a));
        for (size_t i = 0; i < smp_result_note_count(a); i++)
            assert_string_equal(smp_result_note(b, i), smp_result_note(a, i));
        /* Everything measured and chosen, as the metrics file says it. */
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/plain%d.json", f->dir, f->n);
        snprintf(pb, sizeof pb, "%s/cached%d.json", f->dir, f->n++);
        assert_int_equal(smp_result_write_metrics(a, pa, p), SMP_OK);
        assert_int_equal(smp_result_write_metrics(b, pb, p), SMP_OK);
        size_t la, lb;
        char *ja = read_all(pa, &la), *jb = read_all(pb, &lb);
        assert_int_equal(lb, la);
        assert_memory_equal(jb, ja, la);
        free(ja);
        free(jb);
    }
    smp_result_free(a);
    smp_result_free(b);
    return smp_cache_reused(f->cache);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    /* stubble around a bald patch: a reference, follicles, shine and strands */
    scalp_scene sc = {480, 360, PPM, 5, 30, 0, 0.2, 0, 0};
    f->photo = smp_image_new();
    f->mask = smp_image_new();
    f->cache = smp_cache_new();
    f->dir = scratch_dir();
    assert_non_null(f->cache);
    assert_int_equal(scalp_scene_make(&sc, f->photo, f->mask), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    smp_image_free(f->photo);
    smp_image_free(f->mask);
    smp_cache_free(f->cache);
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* Each setting the studio's controls change, one after the other: the
 * analysis is taken whole from the second run on. */
static void test_settings_changes(void **state)
{
    fixture *f = *state;
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, PPM);
    smp_params_set_threads(p, 1);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), 0); /* fills the cache */
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    const double layers[] = {30, 70, 100};
    /* what each change leaves to reuse: the shaped coverage while the edge
     * and seed stay, the sampled points while nothing they read changes
     * (the age's spread moves no dot), the first session's dots before
     * their pairs while only the dot size changes */
    static const int expect[] = {A_SHAPE, A_BASE, A_SHAPE, ALL, ALL, A, A, ALL, A_SHAPE, A_BASE};
    for (int k = 0; k < 10; k++) {
        switch (k) {
        case 0: smp_params_set_density(p, 150); smp_params_set_dot_diameter(p, 0.33); break;
        case 1: smp_params_set_dot_diameter(p, 0.26); break;
        case 2: smp_params_set_layers(p, layers, 3); break;
        case 3: smp_params_set_dilution(p, 0.4); smp_params_set_show_session(p, 2); break;
        case 4: smp_params_set_age(p, 5); break;
        case 5: smp_params_set_edge(p, SMP_EDGE_SOFT); break;
        case 6: smp_params_set_regularity(p, 0.5); smp_params_set_seed(p, 99); break;
        case 7: smp_params_set_measures(p, 1); smp_params_set_threads(p, 2); break;
        case 8: smp_params_set_regularity(p, 0.77); break; /* a maximal set: no pairs */
        case 9: smp_params_set_dot_diameter(p, 0.3); break;
        }
        assert_int_equal(same_as_plain(f, p, f->photo, f->mask), expect[k]);
    }
    /* A failure fails the same way. */
    smp_params_set_loupe(p, SMP_LOUPE_AT, 5000, 5000);
    same_as_plain(f, p, f->photo, f->mask);
    smp_params_free(p);
}

/* The shade alone and the session shown alone, as the studio's slider and
 * picker change them, at one and two threads: the dots are the memo's,
 * dressed and drawn again, the bytes the plain run's. */
static void test_shade_and_session(void **state)
{
    fixture *f = *state;
    smp_params *p = smp_params_new();
    const double layers[] = {30, 70, 100};
    smp_params_set_px_per_mm(p, PPM);
    smp_params_set_layers(p, layers, 3);
    smp_params_set_dilution(p, 0.3);
    smp_params_set_threads(p, 1);
    same_as_plain(f, p, f->photo, f->mask);
    for (int t = 1; t <= 2; t++) {
        smp_params_set_threads(p, t);
        smp_params_set_dilution(p, 0.3 + 0.1 * t);
        assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
        smp_params_set_show_session(p, t);
        assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    }
    smp_params_set_show_session(p, 0);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_free(p);
}

/* Mask edits: an erased disc inside the treated area keeps the treated box
 * (the focus, strand and shine maps are taken); a wider mask moves it
 * (made again). Another photo, or a density map, takes nothing. */
static void test_mask_and_photo_changes(void **state)
{
    fixture *f = *state;
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, PPM);
    smp_params_set_density(p, 120);
    smp_params_set_dot_diameter(p, 0.3);
    smp_cache_clear(f->cache);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), 0);
    const uint32_t w = smp_image_width(f->mask), h = smp_image_height(f->mask);
    uint8_t *m = smp_image_data(f->mask);
    /* the treated area's centre of mass */
    double sx = 0, sy = 0, sw = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            sx += (double)x * m[(size_t)y * w + x];
            sy += (double)y * m[(size_t)y * w + x];
            sw += m[(size_t)y * w + x];
        }
    assert_true(sw > 0);
    const int cx = (int)(sx / sw), cy = (int)(sy / sw);
    for (int y = cy - 12; y <= cy + 12; y++)
        for (int x = cx - 12; x <= cx + 12; x++)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 144)
                m[(size_t)y * w + x] = 0;
    int reused = same_as_plain(f, p, f->photo, f->mask);
    assert_int_equal(reused, SMP_REUSED_SKIN_MAPS);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    /* a band along the top: the treated box grows */
    memset(m, 255, (size_t)w * 6);
    assert_false(same_as_plain(f, p, f->photo, f->mask) & SMP_REUSED_ANALYSIS);
    /* another photo */
    smp_image *other = smp_image_new();
    assert_int_equal(smp_image_crop(other, f->photo, 0, 0, w, h), SMP_OK);
    smp_image_data(other)[3 * (w * (h / 2) + w / 2)] ^= 1;
    assert_int_equal(same_as_plain(f, p, other, f->mask), 0);
    assert_int_equal(same_as_plain(f, p, other, f->mask), ALL);
    /* another scale */
    smp_params_set_px_per_mm(p, PPM * 1.25);
    assert_int_equal(same_as_plain(f, p, other, f->mask), 0);
    /* a density map: not the cache's to serve */
    smp_image *map = rect_mask(w, h, 0, 0, w, h, 200);
    smp_params_set_density_map(p, map, 0, 0);
    assert_int_equal(same_as_plain(f, p, other, f->mask), 0);
    assert_int_equal(same_as_plain(f, p, other, f->mask), 0);
    smp_params_free(p);
    smp_image_free(map);
    smp_image_free(other);
}

/* Photos with less to analyse: no stubble around the mask (no reference,
 * no core window) in colour, and the same in grey (no shine). */
static void test_plain_and_grey_photos(void **state)
{
    fixture *f = *state;
    smp_image *rgb = photo_of(320, 240), *grey = smp_image_new(), *mask = rect_mask(320, 240, 60, 40, 260, 200, 255);
    assert_int_equal(smp_image_alloc(grey, 320, 240, 1), SMP_OK);
    for (size_t i = 0; i < 320 * 240; i++)
        smp_image_data(grey)[i] = smp_image_cdata(rgb)[3 * i + 1];
    smp_params *p = smp_params_new();
    smp_params_set_px_per_mm(p, 4);
    const smp_image *photos[] = {rgb, grey};
    for (int k = 0; k < 2; k++) {
        smp_cache_clear(f->cache);
        smp_params_set_density(p, 100);
        assert_int_equal(same_as_plain(f, p, photos[k], mask), 0);
        smp_params_set_density(p, 140);
        assert_int_equal(same_as_plain(f, p, photos[k], mask), A_SHAPE);
    }
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(grey);
    smp_image_free(rgb);
}

/* What smp_cache_prepare says of p's points (made, held, not kept) once
 * done, called again while it says 3 (partly); *calls: how many calls. */
static int prepare_calls(fixture *f, const smp_params *p, int *calls)
{
    int made = SMP_PREPARED_PART;
    for (*calls = 0; made == SMP_PREPARED_PART; ++*calls) {
        assert_true(*calls < 8);
        assert_int_equal(smp_cache_prepare(f->cache, p, f->photo, f->mask, &made), SMP_OK);
    }
    return made;
}

static int prepare(fixture *f, const smp_params *p)
{
    int calls;
    return prepare_calls(f, p, &calls);
}

/* The studio's settings (one thread, 120 dots/cm², 0.3 mm; three sessions
 * 30/70/100 % or one) on an empty cache, their first run checked. */
static smp_params *studio_first_run(fixture *f, int sessions)
{
    static const double three[] = {30, 70, 100};
    smp_params *p = smp_params_new();
    assert_non_null(p);
    smp_params_set_px_per_mm(p, PPM);
    smp_params_set_threads(p, 1);
    if (sessions == 3)
        smp_params_set_layers(p, three, 3);
    smp_params_set_density(p, 120);
    smp_params_set_dot_diameter(p, 0.3);
    smp_cache_clear(f->cache);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), 0);
    return p;
}

/* Points made ready for other densities and dot sizes (as the studio does
 * between changes) serve later runs with those settings, which equal the
 * plain run's to the byte; several are kept, within the bound, the
 * farthest from the last run's settings going first; another seed keeps
 * them on their own shaping, a mask edit drops them; the last run's reuse
 * flags stay as they were. */
static void test_prepared_points(void **state)
{
    fixture *f = *state;
    smp_params *p = studio_first_run(f, 3);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    size_t one = 0;
    assert_int_equal(smp_cache_points_held(f->cache, &one), 1);
    assert_true(one > 0);
    /* density 110, 130, 140 at 0.3 mm; 0.28 and 0.32 mm at 120; a density
     * in three calls (a session's sampling each), a dot size in one (the
     * first two sessions' sampling taken from the base and raw memos) */
    static const double dens[] = {110, 130, 140}, dots[] = {0.28, 0.32};
    static const int order[][2] = {{0, 0}, {1, 0}, {0, 1}, {0, 2}, {1, 1}};
    for (int i = 0; i < 5; i++) {
        const int dot = order[i][0], k = order[i][1];
        smp_params_set_density(p, dot ? 120 : dens[k]);
        smp_params_set_dot_diameter(p, dot ? dots[k] : 0.3);
        int calls;
        assert_int_equal(prepare_calls(f, p, &calls), SMP_PREPARED_MADE);
        assert_int_equal(calls, dot ? 1 : 3);
    }
    assert_int_equal(prepare(f, p), SMP_PREPARED_HELD); /* held: nothing made again */
    size_t bytes;
    assert_int_equal(smp_cache_points_held(f->cache, &bytes), 6);
    assert_int_equal(smp_cache_reused(f->cache), ALL); /* still the last run's */
    /* each served from the memo, the same bytes as a plain run */
    smp_params_set_dot_diameter(p, 0.3);
    for (int k = 2; k >= 0; k--) {
        smp_params_set_density(p, dens[k]);
        assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    }
    smp_params_set_density(p, 120);
    for (int k = 0; k < 2; k++) {
        smp_params_set_dot_diameter(p, dots[k]);
        assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    }
    /* density auto: keyed on the density it chose */
    smp_params_set_density_auto(p, 1);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_set_density(p, 120);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    /* The bound: room for about three lists. The last run's settings are
     * 120 and 0.32 mm; 125 made now is near, so 140 (4 steps, then 3.2 at
     * 130 and 110...) and the farther go; 200 is farther than all kept: not
     * kept. */
    smp_params_set_dot_diameter(p, 0.32);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_cache_set_points_bound(f->cache, 3 * one + one / 2);
    smp_params_set_density(p, 125);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_true(smp_cache_points_held(f->cache, &bytes) <= 4);
    assert_true(bytes <= 3 * one + one / 2);
    assert_int_equal(prepare(f, p), SMP_PREPARED_HELD);
    smp_params_set_density(p, 120);
    assert_int_equal(prepare(f, p), SMP_PREPARED_HELD); /* the current's own stays */
    smp_params_set_dot_diameter(p, 0.3);
    assert_int_equal(prepare(f, p), SMP_PREPARED_HELD); /* 0.02 mm away: 2 steps */
    smp_params_set_density(p, 200);
    smp_params_set_dot_diameter(p, 0.32);
    assert_int_equal(prepare(f, p), SMP_PREPARED_NOT_KEPT);
    smp_cache_points_held(f->cache, &bytes);
    assert_true(bytes <= 3 * one + one / 2);
    /* a bound under one list: the run's own still kept */
    smp_cache_set_points_bound(f->cache, 1);
    smp_params_set_density(p, 130);
    assert_false(same_as_plain(f, p, f->photo, f->mask) & SMP_REUSED_POINTS);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 1);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_cache_set_points_bound(f->cache, (size_t)64 << 20);
    /* another seed shapes and samples again, beside the first seed's */
    smp_params_set_density(p, 140);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 2);
    smp_params_set_seed(p, 7);
    smp_params_set_density(p, 130);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), A);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 3);
    smp_params_set_density(p, 140);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_set_seed(p, 1); /* the first seed's (the default), still held */
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_set_seed(p, 7);
    /* so does a mask edit (a disc erased in the middle) */
    const uint32_t w = smp_image_width(f->mask), h = smp_image_height(f->mask);
    uint8_t *m = smp_image_data(f->mask);
    smp_params_set_density(p, 110);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 5); /* seed 1: 130, 140; seed 7: 130, 140, 110 */
    for (uint32_t y = h / 2 - 6; y < h / 2 + 6; y++)
        memset(m + (size_t)y * w + w / 2 - 6, 0, 12);
    smp_params_set_density(p, 140);
    assert_false(same_as_plain(f, p, f->photo, f->mask) & SMP_REUSED_POINTS);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 1);
    smp_params_set_density(p, 110);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE); /* made again on the new mask */
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    /* params the cache does not serve: nothing made */
    smp_image *map = rect_mask(w, h, 0, 0, w, h, 200);
    smp_params_set_density_map(p, map, 0, 0);
    assert_int_equal(prepare(f, p), SMP_PREPARED_NOT_KEPT);
    smp_params_free(p);
    smp_image_free(map);
}

/* A regularity change: the first session's sampler reads the regularity
 * only near the maximal set's (pattern.h: smp__pattern_raw_key), so below
 * 0.65 its sampled dots are taken and thinned, jittered and paired again;
 * 0.7 samples them anew; the bytes the plain run's, one session or three. */
static void test_regularity(void **state)
{
    fixture *f = *state;
    smp_params *p = studio_first_run(f, 1);
    static const double rho[] = {0.5, 0.7, 0.45, 0.62, 0.3};
    static const int expect[] = {A_BASE, A_SHAPE, A_BASE, A_BASE, A_BASE};
    for (int k = 0; k < 5; k++) {
        smp_params_set_regularity(p, rho[k]);
        assert_int_equal(same_as_plain(f, p, f->photo, f->mask), expect[k]);
    }
    const double layers[] = {30, 70, 100};
    smp_params_set_layers(p, layers, 3);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), A_SHAPE); /* 30 %: another density */
    smp_params_set_regularity(p, 0.55);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), A_BASE);
    smp_params_free(p);
}

/* The studio's other pickers: points made ready for the other edge styles
 * and another regularity serve runs with them (each style's shaping kept
 * beside the others'), the bytes the plain run's; the tone preview's maps
 * stay the last run's while another style is made ready; a fourth shaping
 * takes the place of the least recently used one (not the last run's), and
 * the points sampled on it go too. */
static void test_prepared_edges(void **state)
{
    fixture *f = *state;
    smp_params *p = studio_first_run(f, 3);
    const uint32_t tw = 120, th = 90;
    const size_t tn = (size_t)tw * th * 4;
    uint8_t *tone[2] = {malloc(tn), malloc(tn)};
    assert_non_null(tone[0]);
    assert_non_null(tone[1]);
    assert_int_equal(smp_cache_tone_maps(f->cache, tw, th, tone[0]), SMP_OK);
    /* soft and sharp made ready: three sessions' sampling each */
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    int calls;
    assert_int_equal(prepare_calls(f, p, &calls), SMP_PREPARED_MADE);
    assert_int_equal(calls, 3);
    smp_params_set_edge(p, SMP_EDGE_SHARP);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 3);
    assert_int_equal(smp_cache_tone_maps(f->cache, tw, th, tone[1]), SMP_OK);
    assert_memory_equal(tone[1], tone[0], tn); /* the broken edge's, the last run's */
    /* each style from the memo, shaping included, and back */
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    assert_int_equal(smp_cache_tone_maps(f->cache, tw, th, tone[1]), SMP_OK);
    assert_memory_not_equal(tone[1], tone[0], tn); /* the sharp edge's now */
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_set_edge(p, SMP_EDGE_BROKEN);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    assert_int_equal(smp_cache_tone_maps(f->cache, tw, th, tone[1]), SMP_OK);
    assert_memory_equal(tone[1], tone[0], tn);
    /* another regularity made ready on the broken edge */
    smp_params_set_regularity(p, 0.5);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    /* a fourth shaping (another seed) made ready: sharp's goes (soft ran
     * after it), with its points; the broken edge's (the last run's) and
     * soft's stay */
    smp_params_set_seed(p, 5);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE);
    smp_params_set_seed(p, 1); /* the default's */
    smp_params_set_regularity(p, 0.6);
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_set_edge(p, SMP_EDGE_SHARP);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), A);
    /* Over the bound, another style's points rank as a density position
     * of the style shown 4 steps out (SHAPE_STEPS): one 5 steps out is not
     * kept over them, one 3 steps out is */
    smp_cache_clear(f->cache);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), 0);
    size_t one;
    smp_cache_points_held(f->cache, &one);
    smp_cache_set_points_bound(f->cache, 2 * one + one / 2);
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE); /* room for it */
    smp_params_set_edge(p, SMP_EDGE_SHARP);
    smp_params_set_density(p, 145);
    assert_int_equal(prepare(f, p), SMP_PREPARED_NOT_KEPT); /* soft's stay */
    smp_params_set_density(p, 135);
    assert_int_equal(prepare(f, p), SMP_PREPARED_MADE); /* soft's go */
    smp_params_set_density(p, 120);
    smp_params_set_edge(p, SMP_EDGE_SOFT);
    assert_int_equal(prepare(f, p), SMP_PREPARED_NOT_KEPT);
    smp_cache_set_points_bound(f->cache, (size_t)64 << 20);
    free(tone[0]);
    free(tone[1]);
    smp_params_free(p);
}

/* The sessions picker's other splits: points made ready for one serve a
 * run with it, the bytes the plain run's; over the bound they rank as a
 * density position SPLIT_STEPS (4) out, so one 16 steps out goes before
 * them. */
static void test_prepared_splits(void **state)
{
    fixture *f = *state;
    smp_params *p = studio_first_run(f, 3);
    const double three[] = {30, 70, 100}, two[] = {60, 100};
    size_t one, held;
    smp_cache_points_held(f->cache, &one);
    smp_params_set_layers(p, two, 2);
    int calls;
    assert_int_equal(prepare_calls(f, p, &calls), SMP_PREPARED_MADE);
    smp_params_set_layers(p, three, 3);
    smp_params_set_density(p, 200);
    assert_int_equal(prepare_calls(f, p, &calls), SMP_PREPARED_MADE);
    assert_int_equal(smp_cache_points_held(f->cache, &held), 3);
    /* one list more than the bound holds: 200 goes, the split stays */
    smp_cache_set_points_bound(f->cache, held + one / 2);
    smp_params_set_density(p, 125);
    assert_int_equal(prepare_calls(f, p, &calls), SMP_PREPARED_MADE);
    assert_int_equal(smp_cache_points_held(f->cache, NULL), 3);
    smp_params_set_density(p, 120);
    smp_params_set_layers(p, two, 2);
    assert_int_equal(same_as_plain(f, p, f->photo, f->mask), ALL);
    smp_params_set_layers(p, three, 3);
    smp_params_set_density(p, 200);
    assert_false(same_as_plain(f, p, f->photo, f->mask) & SMP_REUSED_POINTS);
    smp_cache_set_points_bound(f->cache, (size_t)64 << 20);
    smp_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_changes),
        cmocka_unit_test(test_shade_and_session),
        cmocka_unit_test(test_mask_and_photo_changes),
        cmocka_unit_test(test_plain_and_grey_photos),
        cmocka_unit_test(test_prepared_points),
        cmocka_unit_test(test_prepared_edges),
        cmocka_unit_test(test_prepared_splits),
        cmocka_unit_test(test_regularity),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
