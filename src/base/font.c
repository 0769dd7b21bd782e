/* SPDX-License-Identifier: BSD-2-Clause */
/* Label text: the embedded DejaVu Sans first, other installed fonts for
 * what it lacks, shaped by HarfBuzz, ordered by FriBidi, rasterised by
 * FreeType.
 *
 * Why FreeType and not the project's own bitmap font: captions carry
 * client names (accents, any script) and must read from a 12 px thumbnail
 * to a 4K print; an outline font rasterised with exact area coverage does
 * that, a scaled bitmap does not. Why shaping: Arabic letters take joined
 * forms and ligatures (lam-alef) that only a shaper picks, marks sit on
 * their bases through GPOS, and right-to-left runs are laid out in visual
 * order (FriBidi's Unicode bidi algorithm, then HarfBuzz per run).
 *
 * Fonts: DejaVu Sans is compiled in and used for every character it has,
 * so a machine without fonts still writes the same Latin, Greek, Cyrillic,
 * Arabic and Hebrew captions. A character it lacks (Chinese, Japanese,
 * Korean, Devanagari, ...) is looked up through fontconfig: the first
 * scalable, non-colour font, in fontconfig's order for "sans-serif", that
 * has it (Noto Sans CJK for Han when fonts-noto-cjk is installed). No font
 * at all: DejaVu's .notdef box, as before.
 *
 * State: FreeType and HarfBuzz handles are opened per call (opening the
 * embedded face costs well under a millisecond); fontconfig is asked only
 * when DejaVu lacks a character, through its own process-wide default
 * configuration (loaded once by fontconfig, from its caches). */
#include "font.h"
#include "color.h"
#include "image.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H

#include <fontconfig/fontconfig.h>
#include <fribidi.h>
#include <hb-ft.h>
#include <hb.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char smp__font_ttf[];
extern const size_t smp__font_ttf_len;

/* Next code point of a UTF-8 string; malformed bytes read as U+FFFD. */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = *p++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if ((c >= 0x80 && !extra) || c >= 0xF8) {
        *s = p;
        return 0xFFFD;
    }
    if (extra)
        c &= 0x3Fu >> extra;
    for (int i = 0; i < extra; i++, p++) {
        if ((*p & 0xC0) != 0x80) {
            *s = p;
            return 0xFFFD;
        }
        c = c << 6 | (*p & 0x3Fu);
    }
    *s = p;
    return c;
}

enum { MAX_FACES = 8, MAX_LOOKUPS = 16 };

typedef struct face_slot {
    FT_Face face;
    hb_font_t *hb;
} face_slot;

typedef struct typeset {
    FT_Library lib;
    face_slot f[MAX_FACES]; /* f[0]: the embedded DejaVu Sans */
    int nf, lookups;
    double em; /* px per em, the same for every face */
    smp__glyph *g;
    size_t n, chars;
    double width;
} typeset;

static void typeset_free(typeset *t)
{
    for (int i = 0; i < t->nf; i++) {
        hb_font_destroy(t->f[i].hb);
        FT_Done_Face(t->f[i].face);
    }
    if (t->lib)
        FT_Done_FreeType(t->lib);
    free(t->g);
    *t = (typeset){0};
}

/* Adds an opened face at the common size; false (face closed) if it cannot be sized. */
static bool add_face(typeset *t, FT_Face face)
{
    if (t->nf >= MAX_FACES || FT_Set_Char_Size(face, 0, (FT_F26Dot6)lround(t->em * 64), 72, 72)) {
        FT_Done_Face(face);
        return false;
    }
    hb_font_t *hb = hb_ft_font_create_referenced(face);
    if (!hb) {
        FT_Done_Face(face);
        return false;
    }
    hb_ft_font_set_load_flags(hb, FT_LOAD_NO_HINTING); /* advances measure the same at any position */
    t->f[t->nf++] = (face_slot){face, hb};
    return true;
}

/* Opens the embedded face at a size whose capitals are cap_px high. */
static bool typeset_open(typeset *t, double cap_px)
{
    *t = (typeset){0};
    FT_Face face;
    if (FT_Init_FreeType(&t->lib) ||
        FT_New_Memory_Face(t->lib, smp__font_ttf, (FT_Long)smp__font_ttf_len, 0, &face)) {
        typeset_free(t);
        return false;
    }
    const TT_OS2 *os2 = FT_Get_Sfnt_Table(face, FT_SFNT_OS2);
    double cap = os2 && os2->version >= 2 && os2->sCapHeight > 0 ? (double)os2->sCapHeight / face->units_per_EM
                                                                   : 0.73;
    t->em = fmin(fmax(cap_px / cap, 1.0), 4000.0);
    if (!add_face(t, face)) {
        typeset_free(t);
        return false;
    }
    return true;
}

/* An installed font with a glyph for cp, through fontconfig; its slot or -1. */
static int add_fallback(typeset *t, uint32_t cp)
{
    if (t->nf >= MAX_FACES || t->lookups >= MAX_LOOKUPS)
        return -1;
    t->lookups++;
    int found = -1;
    FcPattern *pat = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    FcFontSet *fs = NULL;
    if (!pat || !cs || !FcCharSetAddChar(cs, cp) || !FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif") ||
        !FcPatternAddCharSet(pat, FC_CHARSET, cs) || !FcConfigSubstitute(NULL, pat, FcMatchPattern))
        goto out;
    FcDefaultSubstitute(pat);
    FcResult r;
    fs = FcFontSort(NULL, pat, FcFalse, NULL, &r);
    for (int i = 0; fs && i < fs->nfont && found < 0; i++) {
        const FcPattern *f = fs->fonts[i];
        FcCharSet *has;
        FcBool flag;
        FcChar8 *file;
        int index = 0;
        if (FcPatternGetCharSet(f, FC_CHARSET, 0, &has) != FcResultMatch || !FcCharSetHasChar(has, cp) ||
            (FcPatternGetBool(f, FC_SCALABLE, 0, &flag) == FcResultMatch && !flag) ||
            (FcPatternGetBool(f, FC_COLOR, 0, &flag) == FcResultMatch && flag) ||
            FcPatternGetString(f, FC_FILE, 0, &file) != FcResultMatch)
            continue;
        (void)FcPatternGetInteger(f, FC_INDEX, 0, &index);
        FT_Face face;
        if (FT_New_Face(t->lib, (const char *)file, index, &face))
            continue;
        if (!FT_Get_Char_Index(face, cp)) {
            FT_Done_Face(face);
            continue;
        }
        if (add_face(t, face))
            found = t->nf - 1;
    }
out:
    if (fs)
        FcFontSetDestroy(fs);
    if (cs)
        FcCharSetDestroy(cs);
    if (pat)
        FcPatternDestroy(pat);
    return found;
}

/* Characters that take the font of their neighbour when it has them:
 * spaces, punctuation, digits, combining marks. */
static bool is_weak(hb_unicode_funcs_t *uf, uint32_t cp)
{
    hb_script_t s = hb_unicode_script(uf, cp);
    return s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED || s == HB_SCRIPT_UNKNOWN;
}

static int face_for(typeset *t, hb_unicode_funcs_t *uf, uint32_t cp, int prev)
{
    if (prev >= 0 && is_weak(uf, cp) && FT_Get_Char_Index(t->f[prev].face, cp))
        return prev;
    for (int i = 0; i < t->nf; i++)
        if (FT_Get_Char_Index(t->f[i].face, cp))
            return i;
    /* Format characters (joiners, bidi marks) are the shaper's business. */
    if (hb_unicode_general_category(uf, cp) == HB_UNICODE_GENERAL_CATEGORY_FORMAT)
        return prev >= 0 ? prev : 0;
    int k = add_fallback(t, cp);
    return k >= 0 ? k : prev >= 0 ? prev : 0;
}

typedef struct run {
    size_t start, len;   /* code points, logical order */
    size_t g0, ng;       /* its glyphs in t->g, visual order within the run */
    int face;
    hb_script_t script;
    FriBidiLevel level;
    double width;
} run;

/* Scripts, with spaces, digits and marks taking their neighbours'. */
static void assign_scripts(hb_unicode_funcs_t *uf, const uint32_t *cp, size_t n, hb_script_t *script)
{
    hb_script_t last = HB_SCRIPT_COMMON;
    for (size_t i = 0; i < n; i++) {
        hb_script_t s = hb_unicode_script(uf, cp[i]);
        script[i] = is_weak(uf, cp[i]) ? last : s;
        if (!is_weak(uf, cp[i]))
            last = s;
    }
    for (size_t i = n; i-- > 0;) /* leading weak characters take the first real script */
        if (script[i] == HB_SCRIPT_COMMON && i + 1 < n)
            script[i] = script[i + 1];
}

/* Shapes one run with the whole line cp[0..n) as context, appending its
 * glyphs to t->g (capacity *cap); false when out of memory. */
static bool shape_run(typeset *t, hb_buffer_t *buf, const uint32_t *cp, size_t n, run *u, size_t *cap)
{
    hb_buffer_clear_contents(buf);
    hb_buffer_add_codepoints(buf, cp, (int)n, (unsigned)u->start, (int)u->len);
    hb_buffer_set_direction(buf, u->level & 1 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    if (u->script != HB_SCRIPT_COMMON && u->script != HB_SCRIPT_INHERITED && u->script != HB_SCRIPT_UNKNOWN)
        hb_buffer_set_script(buf, u->script);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(t->f[u->face].hb, buf, NULL, 0);
    if (!hb_buffer_allocation_successful(buf))
        return false;
    unsigned ng;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &ng);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &ng);
    if (t->n + ng > *cap) {
        size_t want = (t->n + ng) * 2, bytes;
        if (!smp__mul(want, sizeof *t->g, &bytes))
            return false;
        smp__glyph *g = realloc(t->g, bytes);
        if (!g)
            return false;
        t->g = g;
        *cap = want;
    }
    u->g0 = t->n;
    u->ng = ng;
    double pen = 0;
    for (unsigned k = 0; k < ng; k++) {
        t->g[t->n++] = (smp__glyph){.id = info[k].codepoint, .face = u->face, .cluster = info[k].cluster,
                                    .x = pen + pos[k].x_offset / 64.0, .y = pos[k].y_offset / 64.0,
                                    .advance = pos[k].x_advance / 64.0};
        pen += pos[k].x_advance / 64.0;
    }
    u->width = pen;
    return true;
}

/* Visual order of the runs (rule L2): from the highest level down to the
 * lowest odd one, reverse every sequence at that level or above. */
static void visual_order(const run *runs, size_t nr, size_t *order)
{
    int hi = 0, lo_odd = 1000;
    for (size_t r = 0; r < nr; r++) {
        order[r] = r;
        hi = runs[r].level > hi ? runs[r].level : hi;
        if (runs[r].level & 1)
            lo_odd = runs[r].level < lo_odd ? runs[r].level : lo_odd;
    }
    for (int lev = hi; lev >= lo_odd; lev--)
        for (size_t a = 0; a < nr;) {
            if (runs[order[a]].level < lev) {
                a++;
                continue;
            }
            size_t b = a;
            while (b < nr && runs[order[b]].level >= lev)
                b++;
            for (size_t i = a, j = b - 1; i < j; i++, j--) {
                size_t tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            a = b;
        }
}

/* Places the runs left to right and puts the glyphs in that order;
 * false when out of memory. */
static bool place_runs(typeset *t, const run *runs, const size_t *order, size_t nr)
{
    size_t bytes;
    smp__glyph *vis = t->n && smp__mul(t->n, sizeof *vis, &bytes) ? malloc(bytes) : NULL;
    if (t->n && !vis)
        return false;
    double pen = 0;
    size_t m = 0;
    for (size_t r = 0; r < nr; r++) {
        const run *u = &runs[order[r]];
        for (size_t k = 0; k < u->ng; k++) {
            vis[m] = t->g[u->g0 + k];
            vis[m++].x += pen;
        }
        pen += u->width;
    }
    free(t->g);
    t->g = vis;
    t->width = pen;
    return true;
}

/* Lays utf8 out into t->g: glyphs in visual order, x from the line's left
 * end, y up from the baseline, in px. False when out of memory. */
static bool typeset_layout(typeset *t, const char *utf8)
{
    size_t len = strlen(utf8);
    if (len == 0)
        return true;
    if (len > (1u << 20)) /* far beyond a line of text; FriBidi counts in int */
        return false;
    uint32_t *cp = malloc(len * sizeof *cp);
    int *face = malloc(len * sizeof *face);
    hb_script_t *script = malloc(len * sizeof *script);
    FriBidiCharType *types = malloc(len * sizeof *types);
    FriBidiBracketType *brackets = malloc(len * sizeof *brackets);
    FriBidiLevel *levels = malloc(len * sizeof *levels);
    run *runs = malloc(len * sizeof *runs);
    size_t *order = malloc(len * sizeof *order);
    hb_buffer_t *buf = hb_buffer_create();
    bool ok = false;
    if (!cp || !face || !script || !types || !brackets || !levels || !runs || !order ||
        !hb_buffer_allocation_successful(buf))
        goto out;
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)utf8; *s;)
        cp[n++] = next_cp(&s);

    /* Bidi levels (paragraph direction from the first strong character). */
    FriBidiParType dir = FRIBIDI_PAR_ON;
    fribidi_get_bidi_types(cp, (FriBidiStrIndex)n, types);
    fribidi_get_bracket_types(cp, (FriBidiStrIndex)n, types, brackets);
    if (!fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n, &dir, levels))
        goto out;

    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    assign_scripts(uf, cp, n, script);

    /* Fonts. */
    for (size_t i = 0; i < n; i++)
        face[i] = face_for(t, uf, cp[i], i ? face[i - 1] : -1);

    /* Runs of one level, script and font, shaped with the whole line as context. */
    size_t nr = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        if (nr && levels[i] == runs[nr - 1].level && script[i] == runs[nr - 1].script && face[i] == runs[nr - 1].face) {
            runs[nr - 1].len++;
            continue;
        }
        runs[nr++] = (run){.start = i, .len = 1, .face = face[i], .script = script[i], .level = levels[i]};
    }
    for (size_t r = 0; r < nr; r++)
        if (!shape_run(t, buf, cp, n, &runs[r], &cap))
            goto out;
    visual_order(runs, nr, order);
    if (!place_runs(t, runs, order, nr))
        goto out;
    t->chars = n;
    ok = true;
out:
    hb_buffer_destroy(buf);
    free(order);
    free(runs);
    free(levels);
    free(brackets);
    free(types);
    free(script);
    free(face);
    free(cp);
    return ok;
}

size_t smp__text_shape(const char *utf8, double cap_px, smp__glyph *out, size_t max, size_t *chars)
{
    typeset t;
    if (chars)
        *chars = 0;
    if (!utf8 || !typeset_open(&t, cap_px))
        return 0;
    size_t n = 0;
    if (typeset_layout(&t, utf8)) {
        n = t.n;
        if (out)
            memcpy(out, t.g, (n < max ? n : max) * sizeof *out);
        if (chars)
            *chars = t.chars;
    }
    typeset_free(&t);
    return n;
}

double smp__text_width(const char *utf8, double cap_px, smp_status *st)
{
    typeset t;
    if (!utf8 || !*utf8)
        return 0;
    double width = 0;
    bool laid = typeset_open(&t, cap_px);
    if (laid) {
        laid = typeset_layout(&t, utf8);
        width = laid ? t.width : 0;
        typeset_free(&t);
    }
    if (!laid && st && *st == SMP_OK)
        *st = SMP_ERR_NOMEM;
    return width;
}

/* The shared sRGB tables, fetched once per drawing call. */
typedef struct tables {
    const float *to_lin;
    const uint8_t *to_srgb;
} tables;

static tables shared_tables(void) { return (tables){smp__srgb_linear_table(), smp__srgb8_table()}; }

/* Linear-light blend of colour over one pixel with coverage a, through
 * the shared tables (two pow() per channel made text and translucent
 * panels the most of a plot's time). */
static void blend(const tables *t, uint8_t *px, const float lin[3], float a)
{
    for (int c = 0; c < 3; c++) {
        float under = t->to_lin[px[c]];
        float v = under + (lin[c] - under) * a;
        px[c] = t->to_srgb[lrintf(fminf(fmaxf(v, 0.0f), 1.0f) * 65535.0f)];
    }
}

smp_status smp__draw_text(smp_image *img, double x, double y, const char *utf8, double cap_px,
                          const uint8_t colour[3])
{
    if (!utf8 || !*utf8)
        return SMP_OK;
    typeset t;
    if (!typeset_open(&t, cap_px))
        return SMP_ERR_NOMEM;
    if (!typeset_layout(&t, utf8)) {
        typeset_free(&t);
        return SMP_ERR_NOMEM;
    }
    const tables tab = shared_tables();
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = smp__srgb_to_linear(colour[c]);
    /* Light hinting snaps only vertically, so the baseline is whole and
     * each glyph keeps its fractional horizontal position. */
    const long baseline = lround(y + cap_px);
    for (size_t i = 0; i < t.n; i++) {
        const smp__glyph *g = &t.g[i];
        FT_Face face = t.f[g->face].face;
        double pen = x + g->x, whole = floor(pen);
        FT_Vector delta = {(FT_Pos)lround((pen - whole) * 64), 0};
        FT_Set_Transform(face, NULL, &delta);
        if (FT_Load_Glyph(face, g->id, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT) ||
            face->glyph->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY)
            continue;
        const FT_Bitmap *bm = &face->glyph->bitmap;
        const long left = (long)whole + face->glyph->bitmap_left,
                   top = baseline - lround(g->y) - face->glyph->bitmap_top;
        for (unsigned r = 0; r < bm->rows; r++) {
            long py = top + (long)r;
            if (py < 0 || py >= (long)img->h)
                continue;
            const unsigned char *row = bm->buffer + (long)r * bm->pitch;
            for (unsigned c = 0; c < bm->width; c++) {
                long px = left + (long)c;
                if (row[c] && px >= 0 && px < (long)img->w)
                    blend(&tab, img->px + ((size_t)py * img->w + (size_t)px) * 3, lin, row[c] / 255.0f);
            }
        }
    }
    typeset_free(&t);
    return SMP_OK;
}

void smp__fill_rect(smp_image *img, int x0, int y0, int x1, int y1, const uint8_t colour[3],
                    double alpha)
{
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > (int)img->w ? (int)img->w : x1;
    y1 = y1 > (int)img->h ? (int)img->h : y1;
    const tables tab = shared_tables();
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = smp__srgb_to_linear(colour[c]);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            blend(&tab, img->px + ((size_t)y * img->w + x) * 3, lin, (float)alpha);
}
