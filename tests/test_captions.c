/* SPDX-License-Identifier: BSD-2-Clause */
/* Captions in any script: the label text is shaped (HarfBuzz), ordered
 * (FriBidi) and drawn from DejaVu or an installed fallback font
 * (fontconfig). Checked on the glyphs' ink, not only on the shaper's
 * answers: accents present, Chinese not drawn as .notdef boxes, Arabic
 * joined (no gaps along the baseline) and laid out right to left. */
#include "testutil.h"

#include "font.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdbool.h>
#include <sys/wait.h>

/* fontconfig keeps a little of its configuration parse (through expat)
 * until exit; that is not smpsim's. Full stacks (slow unwinding) let the
 * sanitized build ignore exactly that, and still see any leak of ours. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; }
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:XML_ParseBuffer\n"; }

enum { CAP = 40 };

static const uint8_t WHITE[3] = {255, 255, 255};

/* A black canvas with text drawn in white, CAP px capitals, 10 px margins. */
static smp_image *render(const char *text)
{
    double w = smp__text_width(text, CAP, NULL);
    assert_true(w > 0);
    smp_image *img = smp_image_new();
    assert_non_null(img);
    assert_int_equal(smp_image_alloc(img, (uint32_t)ceil(w) + 20, 3 * CAP, 3), SMP_OK);
    assert_int_equal(smp__draw_text(img, 10, CAP, text, CAP, WHITE), SMP_OK);
    return img;
}

/* Ink (0..1 per pixel, red channel) in the box [x0,x1) x [y0,y1). */
static double ink(const smp_image *img, int x0, int y0, int x1, int y1)
{
    int w = (int)smp_image_width(img), h = (int)smp_image_height(img);
    double s = 0;
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++)
            s += smp_image_cdata(img)[((size_t)y * w + x) * 3] / 255.0;
    return s;
}

static double all_ink(const smp_image *img) { return ink(img, 0, 0, (int)smp_image_width(img), (int)smp_image_height(img)); }

/* The rows holding ink: first and one past the last. */
static void ink_rows(const smp_image *img, int *top, int *bottom)
{
    int w = (int)smp_image_width(img), h = (int)smp_image_height(img);
    *top = h;
    *bottom = 0;
    for (int y = 0; y < h; y++)
        if (ink(img, 0, y, w, y + 1) > 0.5) {
            *top = y < *top ? y : *top;
            *bottom = y + 1;
        }
}

static size_t shape(const char *text, smp__glyph *g, size_t max, size_t *chars)
{
    size_t n = smp__text_shape(text, CAP, g, max, chars);
    assert_true(n > 0 && n <= max);
    return n;
}

/* Latin with accents: DejaVu has every glyph, and each accent puts ink
 * where its base letter has none (above, or below for the cedilla and
 * ogonek). */
static void test_latin_accents(void **state)
{
    (void)state;
    smp__glyph g[64];
    size_t chars, n = shape("Åçéñøü Łódź Ærø", g, 64, &chars);
    assert_int_equal(n, chars);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(g[i].face, 0);
        assert_true(g[i].id != 0);
        if (i)
            assert_true(g[i].x > g[i - 1].x); /* left to right */
    }
    static const struct {
        const char *plain, *accented;
        int below;
    } pairs[] = {{"e", "é", 0}, {"n", "ñ", 0}, {"u", "ü", 0}, {"A", "Å", 0}, {"o", "ó", 0},
                 {"c", "ç", 1}, {"a", "ą", 1}, {"z", "ź", 0}, {"E", "Ê", 0}};
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
        smp_image *p = render(pairs[k].plain), *a = render(pairs[k].accented);
        int top, bottom;
        ink_rows(p, &top, &bottom);
        int w = (int)smp_image_width(a);
        double extra = pairs[k].below ? ink(a, 0, bottom + 1, w, 3 * CAP) : ink(a, 0, 0, w, top - 1);
        if (extra < 5)
            fail_msg("%s: %.1f px of ink %s %s, expected an accent", pairs[k].accented, extra,
                     pairs[k].below ? "below" : "above", pairs[k].plain);
        smp_image_free(p);
        smp_image_free(a);
    }
}

/* The .notdef box: what a character no font has is drawn as. */
#define MISSING "\xF4\x8F\xBF\xBD" /* U+10FFFD, private use, in no font */

static double image_diff(const smp_image *a, const smp_image *b)
{
    uint32_t w = smp_image_width(a) < smp_image_width(b) ? smp_image_width(a) : smp_image_width(b);
    uint32_t h = smp_image_height(a);
    double d = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            d += abs(smp_image_cdata(a)[((size_t)y * smp_image_width(a) + x) * 3] -
                     smp_image_cdata(b)[((size_t)y * smp_image_width(b) + x) * 3]) /
                 255.0;
    return d;
}

/* Whether fontconfig knows a scalable font with a glyph for cp. */
static bool installed_font_has(uint32_t cp)
{
    FcPattern *pat = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, (char *)NULL);
    FcFontSet *fs = FcFontList(NULL, pat, os);
    bool has = fs && fs->nfont > 0;
    FcFontSetDestroy(fs);
    FcObjectSetDestroy(os);
    FcCharSetDestroy(cs);
    FcPatternDestroy(pat);
    return has;
}

/* Chinese: drawn from an installed CJK font (Noto Sans CJK from
 * fonts-noto-cjk), each character its own glyph with its own ink, none the
 * .notdef box, full-width advances; Latin beside it stays in DejaVu. */
static void test_chinese(void **state)
{
    (void)state;
    smp__glyph g[16];
    size_t chars, n = shape("张伟你好", g, 16, &chars);
    assert_int_equal(n, 4);
    if (!installed_font_has(0x5F20)) {
        printf("SKIP: no installed font has Chinese (Debian's fonts-noto-cjk); Chinese caption checks skipped\n");
        skip();
    }
    smp__glyph m[4];
    shape(MISSING, m, 4, &chars);
    assert_int_equal(m[0].id, 0);
    smp_image *box = render(MISSING);
    double box_ink = all_ink(box);
    assert_true(box_ink > 20);
    static const char *const han[4] = {"张", "伟", "你", "好"};
    smp_image *one[4];
    for (int i = 0; i < 4; i++) {
        assert_true(g[i].face > 0);
        assert_true(g[i].id != 0);
        /* Full width: an ideograph advances by about one em (cap / 0.73). */
        assert_true(fabs(g[i].advance - CAP / 0.729) < 0.15 * CAP / 0.729);
        one[i] = render(han[i]);
        double a = all_ink(one[i]);
        if (a < 0.5 * box_ink)
            fail_msg("%s: %.0f px of ink, the .notdef box has %.0f", han[i], a, box_ink);
        double d = image_diff(one[i], box);
        if (d < 0.3 * box_ink)
            fail_msg("%s looks like the .notdef box (differs by %.0f px of ink)", han[i], d);
    }
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (image_diff(one[i], one[j]) < 0.3 * all_ink(one[i]))
                fail_msg("%s and %s draw alike", han[i], han[j]);
    for (int i = 0; i < 4; i++)
        smp_image_free(one[i]);
    smp_image_free(box);

    smp__glyph mix[16];
    n = shape("张伟 Zhang", mix, 16, &chars);
    assert_int_equal(n, 8);
    assert_true(mix[0].face > 0 && mix[1].face > 0);
    for (int i = 3; i < 8; i++)
        assert_int_equal(mix[i].face, 0);
}

/* Columns between the first and last inked ones that have no ink in the
 * band from baseline - CAP/4 to the baseline + 2 (the joining stroke). */
static int baseline_gaps(const smp_image *img)
{
    int w = (int)smp_image_width(img), base = CAP + CAP; /* y + cap_px in render() */
    int first = -1, last = -1, gaps = 0;
    for (int x = 0; x < w; x++)
        if (ink(img, x, base - CAP / 4, x + 1, base + 2) > 0.2) {
            if (first < 0)
                first = x;
            last = x;
        }
    for (int x = first; x >= 0 && x <= last; x++)
        gaps += ink(img, x, base - CAP / 4, x + 1, base + 2) <= 0.2;
    return gaps;
}

/* Arabic: joined forms and the lam-alef ligature (fewer glyphs than
 * letters), an unbroken joining stroke, right-to-left order. DejaVu Sans
 * has Arabic, so this needs no installed font. */
static void test_arabic(void **state)
{
    (void)state;
    smp__glyph g[64];
    size_t chars;
    const char *greeting = "السلام عليكم"; /* as-salamu alaykum: lam-alef in the first word */
    size_t n = shape(greeting, g, 64, &chars);
    assert_int_equal(chars, 12);
    if (n >= chars)
        fail_msg("%zu glyphs for %zu letters: no ligature", n, chars);
    /* Right to left: the first letter is drawn rightmost, the last leftmost. */
    for (size_t i = 1; i < n; i++)
        assert_true(g[i].cluster <= g[i - 1].cluster);
    assert_int_equal(g[n - 1].cluster, 0);

    /* Joined forms: the middle beh of three is not the isolated beh, and
     * with zero-width non-joiners between them all three are isolated. */
    smp__glyph iso[4], joined[4], apart[8];
    shape("ب", iso, 4, &chars);
    assert_int_equal(shape("ببب", joined, 4, &chars), 3);
    assert_true(joined[1].id != iso[0].id && joined[0].id != iso[0].id && joined[2].id != iso[0].id);
    size_t na = shape("ب\u200cب\u200cب", apart, 8, &chars);
    for (size_t i = 0; i < na; i++)
        assert_true(apart[i].id == iso[0].id || apart[i].advance == 0);

    /* Ink: a joined word has an unbroken stroke along the baseline; the
     * same letters kept apart do not. */
    smp_image *word = render("بببببب"), *loose = render("ب\u200cب\u200cب\u200cب\u200cب\u200cب");
    int gw = baseline_gaps(word), gl = baseline_gaps(loose);
    if (gw != 0 || gl < 5)
        fail_msg("baseline gaps: %d columns in the joined word, %d in the loose letters", gw, gl);
    assert_true(all_ink(word) > 50);
    smp_image_free(word);
    smp_image_free(loose);

    /* The greeting's ink sits where its glyphs are: the rightmost glyph is
     * the first letter (alef of al-), and both halves are inked. */
    smp_image *img = render(greeting);
    int w = (int)smp_image_width(img);
    assert_true(ink(img, 0, 0, w / 2, 3 * CAP) > 30 && ink(img, w / 2, 0, w, 3 * CAP) > 30);
    smp_image_free(img);
}

/* Mixed directions: a left-to-right line keeps its Latin on the left with
 * the Arabic name reversed after it; a line that starts in Arabic is
 * right-to-left, so its Latin comes out on the left. */
static void test_bidi_lines(void **state)
{
    (void)state;
    smp__glyph g[32];
    size_t chars, n = shape("Ali علي", g, 32, &chars);
    assert_int_equal(n, 7);
    static const uint32_t ltr[7] = {0, 1, 2, 3, 6, 5, 4};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(g[i].cluster, ltr[i]);
    n = shape("علي Ali", g, 32, &chars);
    assert_int_equal(n, 7);
    static const uint32_t rtl[7] = {4, 5, 6, 3, 2, 1, 0};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(g[i].cluster, rtl[i]);
    for (size_t i = 1; i < n; i++)
        assert_true(g[i].x > g[i - 1].x);
}

/* Without any fontconfig font (an empty configuration, in a child process
 * since fontconfig keeps one configuration per process), the built-in
 * DejaVu still draws Latin and Arabic, and Chinese falls back to boxes
 * without failing. */
static void test_builtin_font_alone(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char conf[600];
    snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
    static const char empty[] = "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n";
    write_file(conf, empty, sizeof empty - 1);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("FONTCONFIG_FILE", conf, 1);
        unsetenv("FONTCONFIG_PATH");
        FcFini(); /* drop the configuration an earlier test loaded; the next use reads conf */
        smp__glyph g[32];
        size_t chars, n = smp__text_shape("José علي 张", CAP, g, 32, &chars);
        int bad = n != 10;
        for (size_t i = 0; i < n && i < 32; i++)
            bad |= g[i].face != 0 || (g[i].id == 0) != (g[i].cluster == 9);
        smp_image *img = smp_image_new();
        bad |= !img || smp_image_alloc(img, 400, 120, 3) != SMP_OK ||
               smp__draw_text(img, 10, 40, "José علي 张", CAP, WHITE) != SMP_OK || ink(img, 0, 0, 400, 120) < 100;
        smp_image_free(img);
        _exit(bad);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin_accents), cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_arabic),        cmocka_unit_test(test_bidi_lines),
        cmocka_unit_test(test_builtin_font_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
