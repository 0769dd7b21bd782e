/* Label text: the embedded DejaVu Sans, rasterised by FreeType.
 *
 * Why FreeType and not the project's own bitmap font: captions carry
 * client names (accents, any script DejaVu covers) and must read from a
 * 12 px thumbnail to a 4K print; an outline font rasterised with exact
 * area coverage does that, a scaled bitmap does not. A FreeType handle is
 * opened per call: the library keeps no global state, and opening a face
 * from memory costs well under a millisecond. */
#include "font.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_ADVANCES_H

#include <math.h>

extern const unsigned char smp__font_ttf[];
extern const size_t smp__font_ttf_len;

typedef struct typeface {
    FT_Library lib;
    FT_Face face;
} typeface;

static void close_face(typeface *t)
{
    if (t->face)
        FT_Done_Face(t->face);
    if (t->lib)
        FT_Done_FreeType(t->lib);
}

/* Opens the face at a size whose capitals are cap_px high. */
static bool open_face(typeface *t, double cap_px)
{
    *t = (typeface){0};
    if (FT_Init_FreeType(&t->lib) ||
        FT_New_Memory_Face(t->lib, smp__font_ttf, (FT_Long)smp__font_ttf_len, 0, &t->face)) {
        close_face(t);
        return false;
    }
    const TT_OS2 *os2 = FT_Get_Sfnt_Table(t->face, FT_SFNT_OS2);
    double cap = os2 && os2->version >= 2 && os2->sCapHeight > 0
                     ? (double)os2->sCapHeight / t->face->units_per_EM
                     : 0.73;
    double em = fmin(fmax(cap_px / cap, 1.0), 4000.0);
    if (FT_Set_Char_Size(t->face, 0, (FT_F26Dot6)lround(em * 64), 72, 72)) {
        close_face(t);
        return false;
    }
    return true;
}

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

/* Kerning between two glyphs in px (0 for the first). */
static double kern(FT_Face face, FT_UInt prev, FT_UInt gi)
{
    FT_Vector k;
    if (prev && FT_HAS_KERNING(face) && !FT_Get_Kerning(face, prev, gi, FT_KERNING_UNFITTED, &k))
        return k.x / 64.0;
    return 0;
}

/* Unhinted advance of a glyph in px: text measures the same at any position. */
static double advance(FT_Face face, FT_UInt gi)
{
    FT_Fixed adv = 0;
    FT_Get_Advance(face, gi, FT_LOAD_NO_HINTING, &adv);
    return adv / 65536.0;
}

double smp__text_width(const char *utf8, double cap_px)
{
    typeface t;
    if (!utf8 || !*utf8 || !open_face(&t, cap_px))
        return 0;
    double w = 0;
    FT_UInt prev = 0;
    for (const unsigned char *s = (const unsigned char *)utf8; *s;) {
        FT_UInt gi = FT_Get_Char_Index(t.face, next_cp(&s));
        w += kern(t.face, prev, gi) + advance(t.face, gi);
        prev = gi;
    }
    close_face(&t);
    return w;
}

/* Linear-light blend of colour over one pixel with coverage a. */
static void blend(uint8_t *px, const float lin[3], float a)
{
    for (int c = 0; c < 3; c++) {
        float under = smp__srgb_to_linear(px[c]);
        float v = under + (lin[c] - under) * a;
        double s = v <= 0.0031308f ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
        px[c] = (uint8_t)lrint(fmin(fmax(s, 0), 1) * 255);
    }
}

smp_status smp__draw_text(smp_image *img, double x, double y, const char *utf8, double cap_px,
                          const uint8_t colour[3])
{
    if (!utf8 || !*utf8)
        return SMP_OK;
    typeface t;
    if (!open_face(&t, cap_px))
        return SMP_ERR_NOMEM;
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = smp__srgb_to_linear(colour[c]);
    /* Light hinting snaps only vertically, so the baseline is whole and
     * each glyph keeps its fractional horizontal position. */
    const long baseline = lround(y + cap_px);
    double pen = x;
    FT_UInt prev = 0;
    for (const unsigned char *s = (const unsigned char *)utf8; *s;) {
        FT_UInt gi = FT_Get_Char_Index(t.face, next_cp(&s));
        pen += kern(t.face, prev, gi);
        double whole = floor(pen);
        FT_Vector delta = {(FT_Pos)lround((pen - whole) * 64), 0};
        FT_Set_Transform(t.face, NULL, &delta);
        prev = gi;
        const double step = advance(t.face, gi);
        if (FT_Load_Glyph(t.face, gi, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT) ||
            t.face->glyph->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) {
            pen += step;
            continue;
        }
        const FT_Bitmap *bm = &t.face->glyph->bitmap;
        const long left = (long)whole + t.face->glyph->bitmap_left, top = baseline - t.face->glyph->bitmap_top;
        for (unsigned r = 0; r < bm->rows; r++) {
            long py = top + (long)r;
            if (py < 0 || py >= (long)img->h)
                continue;
            const unsigned char *row = bm->buffer + (long)r * bm->pitch;
            for (unsigned c = 0; c < bm->width; c++) {
                long px = left + (long)c;
                if (row[c] && px >= 0 && px < (long)img->w)
                    blend(img->px + ((size_t)py * img->w + (size_t)px) * 3, lin, row[c] / 255.0f);
            }
        }
        pen += step;
    }
    close_face(&t);
    return SMP_OK;
}

void smp__fill_rect(smp_image *img, int x0, int y0, int x1, int y1, const uint8_t colour[3],
                    double alpha)
{
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > (int)img->w ? (int)img->w : x1;
    y1 = y1 > (int)img->h ? (int)img->h : y1;
    float lin[3];
    for (int c = 0; c < 3; c++)
        lin[c] = smp__srgb_to_linear(colour[c]);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            blend(img->px + ((size_t)y * img->w + x) * 3, lin, (float)alpha);
}
