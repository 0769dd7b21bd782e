/* SPDX-License-Identifier: BSD-2-Clause */
/* The params handle: every setting, validated, with defaults from SMP-FACTS.md. */
#include "internal.h"
#include "image.h"
#include "params.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The defaults into a zeroed p. */
static void set_defaults(smp_params *p)
{
    p->seed = 1;
    /* Without a photo to match (points, or no reference): the main area's
     * practice, 80-150 dots/cm² about 1 mm apart, and healed triple-point
     * dots of 0.25-0.35 mm (SMP-FACTS.md). With one, both are matched. */
    p->density = 110.0;
    p->dot_mm = 0.28;
    p->density_auto = 1;
    p->dot_auto = 1;
    p->regularity = 0.6; /* min distance / hexagonal spacing; a maximal set is 0.77 */
    p->px_per_mm = 0.0;
    p->feather_mm = 4.0;
    p->opacity = 0.85;
    /* Carbon black seen through healed epidermis reads as a neutral dark grey. */
    p->pigment[0] = p->pigment[1] = p->pigment[2] = 0x2b;
    p->max_pixels = SMP_DEFAULT_MAX_PIXELS;
    p->jpeg_quality = 92;
    p->n_layers = 1;
    p->layers[0] = 100;
    p->dilution = -1;
    p->split_at = 0.5;
}

smp_params *smp_params_new(void)
{
    smp_params *p = calloc(1, sizeof *p);
    if (p)
        set_defaults(p);
    return p;
}

void smp_params_free(smp_params *p) { free(p); }

smp_params *smp_params_clone(const smp_params *p)
{
    smp_params *c = p ? malloc(sizeof *c) : NULL;
    if (c)
        *c = *p;
    return c;
}

const char *smp_params_message(const smp_params *p) { return p ? p->msg : "no params"; }

static smp_status check_range(smp_params *p, const char *what, double v, double lo, double hi,
                              const char *unit)
{
    if (!p)
        return SMP_ERR_ARG;
    if (!isfinite(v) || v < lo || v > hi)
        return smp__fail(p->msg, SMP_ERR_ARG, "%s %g %s is outside %g..%g", what, v, unit, lo, hi);
    return SMP_OK;
}

smp_status smp_params_set_seed(smp_params *p, uint64_t seed)
{
    if (!p)
        return SMP_ERR_ARG;
    p->seed = seed;
    return SMP_OK;
}

/* A setter for a double field that must lie in [lo, hi]. */
#define RANGED_SETTER(name, field, what, lo, hi, unit)                    \
    smp_status smp_params_set_##name(smp_params *p, double v)             \
    {                                                                     \
        smp_status st = check_range(p, what, v, lo, hi, unit);            \
        if (st == SMP_OK)                                                 \
            p->field = v;                                                 \
        return st;                                                        \
    }

/* A setter for a double field in [lo, hi] that also turns its matching off:
 * an explicit value is honoured exactly. */
#define FIXING_SETTER(name, field, automatic, what, lo, hi, unit)         \
    smp_status smp_params_set_##name(smp_params *p, double v)             \
    {                                                                     \
        smp_status st = check_range(p, what, v, lo, hi, unit);            \
        if (st == SMP_OK) {                                               \
            p->field = v;                                                 \
            p->automatic = 0;                                             \
        }                                                                 \
        return st;                                                        \
    }

FIXING_SETTER(density, density, density_auto, "density", 1, 400, "dots/cm²")
FIXING_SETTER(dot_diameter, dot_mm, dot_auto, "dot diameter", 0.02, 1.0, "mm")
RANGED_SETTER(regularity, regularity, "regularity", 0.3, 0.77, "(min distance / hexagonal spacing)")
RANGED_SETTER(feather, feather_mm, "feather", 0, 50, "mm")
RANGED_SETTER(opacity, opacity, "opacity", 0, 1, "")

smp_status smp_params_set_px_per_mm(smp_params *p, double v)
{
    smp_status st = v == 0.0 ? (p ? SMP_OK : SMP_ERR_ARG)
                             : check_range(p, "scale", v, SMP_MIN_PX_PER_MM, SMP_MAX_PX_PER_MM, "px/mm");
    if (st == SMP_OK)
        p->px_per_mm = v;
    return st;
}

double smp__assumed_px_per_mm(uint32_t w, uint32_t h, int *clamped)
{
    const double v = (w < h ? w : h) / SMP_ASSUMED_SHORT_SIDE_MM;
    const double c = v < SMP_MIN_PX_PER_MM ? SMP_MIN_PX_PER_MM : v > SMP_MAX_PX_PER_MM ? SMP_MAX_PX_PER_MM : v;
    if (clamped)
        *clamped = c != v;
    return c;
}

smp_status smp_params_set_pigment(smp_params *p, uint8_t r, uint8_t g, uint8_t b)
{
    if (!p)
        return SMP_ERR_ARG;
    p->pigment_set = 1;
    p->pigment[0] = r;
    p->pigment[1] = g;
    p->pigment[2] = b;
    return SMP_OK;
}

smp_status smp_params_set_max_pixels(smp_params *p, uint64_t v)
{
    if (!p)
        return SMP_ERR_ARG;
    if (v == 0)
        return smp__fail(p->msg, SMP_ERR_ARG, "the pixel limit must be positive");
    p->max_pixels = v;
    return SMP_OK;
}

smp_status smp_params_set_jpeg_quality(smp_params *p, int v)
{
    smp_status st = check_range(p, "JPEG quality", v, 1, 100, "");
    if (st == SMP_OK)
        p->jpeg_quality = v;
    return st;
}

smp_status smp_params_set_overwrite(smp_params *p, int allow)
{
    if (!p)
        return SMP_ERR_ARG;
    p->overwrite = allow != 0;
    return SMP_OK;
}

smp_status smp_params_set_density_auto(smp_params *p, int on)
{
    if (!p)
        return SMP_ERR_ARG;
    p->density_auto = on != 0;
    return SMP_OK;
}

smp_status smp_params_set_measures(smp_params *p, int on)
{
    if (!p)
        return SMP_ERR_ARG;
    p->measures = on != 0;
    return SMP_OK;
}

smp_status smp_params_set_tone_after(smp_params *p, int on)
{
    if (!p)
        return SMP_ERR_ARG;
    p->no_tone_after = on == 0;
    return SMP_OK;
}

smp_status smp_params_set_spacing(smp_params *p, int on)
{
    if (!p)
        return SMP_ERR_ARG;
    p->no_spacing = on == 0;
    return SMP_OK;
}

smp_status smp_params_set_dot_auto(smp_params *p, int on)
{
    if (!p)
        return SMP_ERR_ARG;
    p->dot_auto = on != 0;
    return SMP_OK;
}

smp_status smp_params_set_dilution(smp_params *p, double v)
{
    if (!p)
        return SMP_ERR_ARG;
    if (!(v < 0) && check_range(p, "dilution", v, 0, 1, "") != SMP_OK)
        return SMP_ERR_ARG;
    p->dilution = v < 0 ? -1 : v;
    return SMP_OK;
}

smp_status smp_params_set_edge(smp_params *p, smp_edge edge)
{
    if (!p)
        return SMP_ERR_ARG;
    if (edge != SMP_EDGE_BROKEN && edge != SMP_EDGE_SOFT && edge != SMP_EDGE_SHARP)
        return smp__fail(p->msg, SMP_ERR_ARG, "edge is broken, soft or sharp");
    p->edge = edge;
    return SMP_OK;
}

smp_status smp_params_set_age(smp_params *p, double years)
{
    if (!p)
        return SMP_ERR_ARG;
    if (!(years < 0) && check_range(p, "age", years, 0, 30, "years") != SMP_OK)
        return SMP_ERR_ARG;
    p->age_years = years < 0 ? -1 : years;
    return SMP_OK;
}

smp_status smp_params_set_cast(smp_params *p, smp_cast cast)
{
    if (!p)
        return SMP_ERR_ARG;
    if (cast != SMP_CAST_NONE && cast != SMP_CAST_BLUE)
        return smp__fail(p->msg, SMP_ERR_ARG, "cast is none or blue");
    p->cast = cast;
    return SMP_OK;
}

smp_status smp_params_set_show_session(smp_params *p, int k)
{
    if (!p)
        return SMP_ERR_ARG;
    if (k < 0 || k > SMP_MAX_LAYERS)
        return smp__fail(p->msg, SMP_ERR_ARG, "session %d is outside 0..%d", k, SMP_MAX_LAYERS);
    p->show_session = k;
    return SMP_OK;
}

int smp_params_show_session(const smp_params *p) { return p ? p->show_session : 0; }

smp_status smp_params_set_reference(smp_params *p, const smp_image *reference)
{
    if (!p)
        return SMP_ERR_ARG;
    p->reference = reference;
    return SMP_OK;
}

smp_status smp_params_set_density_map(smp_params *p, const smp_image *map, double min_cm2, double max_cm2)
{
    if (!p)
        return SMP_ERR_ARG;
    if (max_cm2 != 0 || min_cm2 != 0) {
        if (check_range(p, "density range maximum", max_cm2, 1, 400, "dots/cm²") != SMP_OK)
            return SMP_ERR_ARG;
        if (!(min_cm2 >= 0 && min_cm2 <= max_cm2))
            return smp__fail(p->msg, SMP_ERR_ARG, "density range %g:%g must rise from 0 or more", min_cm2, max_cm2);
    }
    p->density_map = map;
    p->range_min = min_cm2;
    p->range_max = max_cm2;
    return SMP_OK;
}

smp_status smp_params_set_scars(smp_params *p, const smp_image *scars)
{
    if (!p)
        return SMP_ERR_ARG;
    p->scars = scars;
    return SMP_OK;
}

smp_status smp_params_set_layers(smp_params *p, const double *cumulative_percent, int n)
{
    if (!p)
        return SMP_ERR_ARG;
    if (!cumulative_percent || n < 1 || n > SMP_MAX_LAYERS)
        return smp__fail(p->msg, SMP_ERR_ARG, "1 to %d layers, please", SMP_MAX_LAYERS);
    for (int i = 0; i < n; i++) {
        double v = cumulative_percent[i], prev = i ? cumulative_percent[i - 1] : 0;
        if (!isfinite(v) || v <= prev || v > 100)
            return smp__fail(p->msg, SMP_ERR_ARG,
                             "layers are cumulative percentages rising to at most 100 (%g after %g)", v,
                             prev);
    }
    memcpy(p->layers, cumulative_percent, (size_t)n * sizeof *p->layers);
    p->n_layers = n;
    return SMP_OK;
}

int smp_params_layers(const smp_params *p, double *cumulative_percent)
{
    if (!p)
        return 0;
    if (cumulative_percent)
        memcpy(cumulative_percent, p->layers, (size_t)p->n_layers * sizeof *p->layers);
    return p->n_layers;
}

smp_status smp_params_set_threads(smp_params *p, int threads)
{
    if (!p)
        return SMP_ERR_ARG;
    smp_status st = smp__check_threads(threads, p->msg);
    if (st == SMP_OK)
        p->threads = threads;
    return st;
}

smp_status smp_params_set_progress(smp_params *p, smp_progress_fn fn, void *user)
{
    if (!p)
        return SMP_ERR_ARG;
    p->progress = fn;
    p->progress_user = user;
    return SMP_OK;
}

/* Getters read a NULL params as zero: the zero value of each enum, which is
 * its default, black pigment and no layers (as smp_params_layout and
 * smp_params_show_session always did). */
uint64_t smp_params_seed(const smp_params *p) { return p ? p->seed : 0; }
double smp_params_density(const smp_params *p) { return p ? p->density : 0; }
int smp_params_density_auto(const smp_params *p) { return p ? p->density_auto : 0; }
int smp_params_dot_auto(const smp_params *p) { return p ? p->dot_auto : 0; }
double smp_params_regularity(const smp_params *p) { return p ? p->regularity : 0; }
double smp_params_dot_diameter(const smp_params *p) { return p ? p->dot_mm : 0; }
double smp_params_px_per_mm(const smp_params *p) { return p ? p->px_per_mm : 0; }
double smp_params_feather(const smp_params *p) { return p ? p->feather_mm : 0; }
double smp_params_opacity(const smp_params *p) { return p ? p->opacity : 0; }
uint64_t smp_params_max_pixels(const smp_params *p) { return p ? p->max_pixels : 0; }
int smp_params_jpeg_quality(const smp_params *p) { return p ? p->jpeg_quality : 0; }

void smp_params_pigment(const smp_params *p, uint8_t rgb[3])
{
    for (int c = 0; c < 3; c++)
        rgb[c] = p ? p->pigment[c] : 0;
}

smp_status smp_params_set_layout(smp_params *p, smp_layout layout)
{
    if (!p)
        return SMP_ERR_ARG;
    if (layout < SMP_LAYOUT_AUTO || layout > SMP_LAYOUT_SESSIONS)
        return smp__fail(p->msg, SMP_ERR_ARG, "layout is auto, side, stack, split or sessions");
    p->layout = layout;
    return SMP_OK;
}

smp_status smp_params_set_split_at(smp_params *p, double fraction)
{
    if (!p)
        return SMP_ERR_ARG;
    if (!(fraction >= 0 && fraction <= 1))
        return smp__fail(p->msg, SMP_ERR_ARG, "split position %g is outside 0..1", fraction);
    p->split_at = fraction;
    return SMP_OK;
}

smp_status smp_params_set_max_size(smp_params *p, uint32_t long_side_px)
{
    if (!p)
        return SMP_ERR_ARG;
    if (long_side_px && (long_side_px < 160 || long_side_px > 65000))
        return smp__fail(p->msg, SMP_ERR_ARG, "max size %u px is outside 160..65000 (0 = full size)",
                         (unsigned)long_side_px);
    p->max_size = long_side_px;
    return SMP_OK;
}

/* Copies UTF-8 text into a fixed field: refuses what does not fit,
 * malformed UTF-8, C0 and C1 control characters, DEL and the line and
 * paragraph separators (a caption is one line). */
static smp_status set_text(smp_params *p, char *field, size_t size, const char *text, const char *what)
{
    size_t len = text ? strlen(text) : 0;
    if (len >= size)
        return smp__fail(p->msg, SMP_ERR_ARG, "%s is %zu bytes; at most %zu", what, len, size - 1);
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        const int n = smp__utf8_sequence((const unsigned char *)text + i, &cp);
        if (!n)
            return smp__fail(p->msg, SMP_ERR_ARG, "%s must be well-formed UTF-8 (byte %zu is not)", what, i + 1);
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
            return smp__fail(p->msg, SMP_ERR_ARG,
                             "%s must be one line of UTF-8 text without control characters (U+%04X at byte %zu)",
                             what, (unsigned)cp, i + 1);
        i += (size_t)n;
    }
    memcpy(field, text ? text : "", len + 1);
    return SMP_OK;
}

smp_status smp_params_set_caption(smp_params *p, const char *text)
{
    return p ? set_text(p, p->caption, sizeof p->caption, text, "the caption") : SMP_ERR_ARG;
}

smp_status smp_params_set_date(smp_params *p, const char *text)
{
    return p ? set_text(p, p->date, sizeof p->date, text, "the date") : SMP_ERR_ARG;
}

smp_status smp_params_set_loupe(smp_params *p, smp_loupe mode, double x_px, double y_px)
{
    if (!p)
        return SMP_ERR_ARG;
    if (mode < SMP_LOUPE_AUTO || mode > SMP_LOUPE_AT)
        return smp__fail(p->msg, SMP_ERR_ARG, "loupe is auto, off or at a point");
    if (mode == SMP_LOUPE_AT && !(x_px >= 0 && y_px >= 0 && x_px < 1e6 && y_px < 1e6))
        return smp__fail(p->msg, SMP_ERR_ARG, "loupe position %g,%g is not a pixel of a photo", x_px, y_px);
    p->loupe = mode;
    p->loupe_x = x_px;
    p->loupe_y = y_px;
    return SMP_OK;
}

smp_status smp_params_set_loupe_zoom(smp_params *p, double zoom)
{
    if (!p)
        return SMP_ERR_ARG;
    if (!(zoom == 0 || (zoom >= 1 && zoom <= 64)))
        return smp__fail(p->msg, SMP_ERR_ARG, "loupe zoom %g is outside 1..64 (0 = a 10 mm field)", zoom);
    p->loupe_zoom = zoom;
    return SMP_OK;
}

smp_layout smp_params_layout(const smp_params *p) { return p ? p->layout : SMP_LAYOUT_AUTO; }

smp_loupe smp_params_loupe(const smp_params *p, double *x_px, double *y_px)
{
    if (x_px)
        *x_px = p ? p->loupe_x : 0;
    if (y_px)
        *y_px = p ? p->loupe_y : 0;
    return p ? p->loupe : SMP_LOUPE_AUTO;
}

smp_status smp__check_loupe(const smp_params *p, uint32_t w, uint32_t h, char *msg)
{
    if (p->loupe != SMP_LOUPE_AT || (p->loupe_x < w && p->loupe_y < h))
        return SMP_OK;
    return smp__fail(msg, SMP_ERR_ARG, "loupe at %g,%g lies outside the photo (%ux%u pixels: x 0..%u, y 0..%u)",
                     p->loupe_x, p->loupe_y, (unsigned)w, (unsigned)h, (unsigned)w - 1, (unsigned)h - 1);
}

/* FNV-1a, each value's bytes little-endian whatever the machine. */
static uint64_t key_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *c = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t key_u64(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        h = (h ^ (unsigned char)(v >> 8 * i)) * 0x100000001b3ull;
    return h;
}

static uint64_t key_double(uint64_t h, double v)
{
    uint64_t bits;
    v = v == 0 ? 0 : v; /* -0 is 0 */
    memcpy(&bits, &v, sizeof bits);
    return key_u64(h, bits);
}

/* A setting that differs from its default: its name, then its value. */
#define KEY_IF(cond, name, mix) \
    if (cond) {                 \
        h = key_bytes(h, name, sizeof name); \
        h = mix;                \
    }

static uint64_t key_image(uint64_t h, const smp_image *img)
{
    h = key_u64(key_u64(key_u64(h, img->w), img->h), (uint64_t)img->ch);
    return img->px ? key_bytes(h, img->px, (size_t)img->w * img->h * (size_t)img->ch) : h;
}

uint64_t smp_params_key(const smp_params *p)
{
    if (!p)
        return 0;
    smp_params defaults;
    memset(&defaults, 0, sizeof defaults);
    set_defaults(&defaults);
    const smp_params *d = &defaults;
    uint64_t h = 0xcbf29ce484222325ull;
    KEY_IF(p->seed != d->seed, "seed", key_u64(h, p->seed))
    KEY_IF(p->density != d->density, "density", key_double(h, p->density))
    KEY_IF(p->dot_mm != d->dot_mm, "dot", key_double(h, p->dot_mm))
    KEY_IF(p->px_per_mm != d->px_per_mm, "px_per_mm", key_double(h, p->px_per_mm))
    KEY_IF(p->feather_mm != d->feather_mm, "feather", key_double(h, p->feather_mm))
    KEY_IF(p->opacity != d->opacity, "opacity", key_double(h, p->opacity))
    KEY_IF(memcmp(p->pigment, d->pigment, 3) || p->pigment_set != d->pigment_set, "pigment",
           key_u64(key_bytes(h, p->pigment, 3), (uint64_t)p->pigment_set))
    KEY_IF(p->max_pixels != d->max_pixels, "max_pixels", key_u64(h, p->max_pixels))
    KEY_IF(p->jpeg_quality != d->jpeg_quality, "quality", key_u64(h, (uint64_t)p->jpeg_quality))
    int layers_differ = p->n_layers != d->n_layers;
    for (int k = 0; k < p->n_layers && k < SMP_MAX_LAYERS && !layers_differ; k++)
        layers_differ = p->layers[k] != d->layers[k];
    if (layers_differ) {
        h = key_bytes(h, "layers", sizeof "layers");
        h = key_u64(h, (uint64_t)p->n_layers);
        for (int k = 0; k < p->n_layers && k < SMP_MAX_LAYERS; k++)
            h = key_double(h, p->layers[k]);
    }
    KEY_IF(p->density_auto != d->density_auto, "density_auto", key_u64(h, (uint64_t)p->density_auto))
    KEY_IF(p->dot_auto != d->dot_auto, "dot_auto", key_u64(h, (uint64_t)p->dot_auto))
    KEY_IF(p->regularity != d->regularity, "regularity", key_double(h, p->regularity))
    KEY_IF(p->measures != d->measures, "measures", key_u64(h, (uint64_t)p->measures))
    KEY_IF(p->no_tone_after != d->no_tone_after, "no_tone_after", key_u64(h, (uint64_t)p->no_tone_after))
    KEY_IF(p->no_spacing != d->no_spacing, "no_spacing", key_u64(h, (uint64_t)p->no_spacing))
    KEY_IF(p->dilution != d->dilution, "dilution", key_double(h, p->dilution))
    KEY_IF(p->edge != d->edge, "edge", key_u64(h, (uint64_t)p->edge))
    KEY_IF(p->show_session != d->show_session, "show_session", key_u64(h, (uint64_t)p->show_session))
    KEY_IF(p->age_years != d->age_years, "age", key_double(h, p->age_years))
    KEY_IF(p->cast != d->cast, "cast", key_u64(h, (uint64_t)p->cast))
    KEY_IF(p->reference, "reference", key_image(h, p->reference))
    KEY_IF(p->scars, "scars", key_image(h, p->scars))
    KEY_IF(p->density_map, "density_map", key_double(key_double(key_image(h, p->density_map), p->range_min), p->range_max))
    KEY_IF(p->layout != d->layout, "layout", key_u64(h, (uint64_t)p->layout))
    KEY_IF(p->split_at != d->split_at, "split_at", key_double(h, p->split_at))
    KEY_IF(p->max_size != d->max_size, "max_size", key_u64(h, p->max_size))
    KEY_IF(strcmp(p->caption, d->caption), "caption", key_bytes(h, p->caption, strlen(p->caption) + 1))
    KEY_IF(strcmp(p->date, d->date), "date", key_bytes(h, p->date, strlen(p->date) + 1))
    KEY_IF(p->loupe != d->loupe || (p->loupe == SMP_LOUPE_AT && (p->loupe_x != d->loupe_x || p->loupe_y != d->loupe_y)),
           "loupe", key_double(key_double(key_u64(h, (uint64_t)p->loupe), p->loupe_x), p->loupe_y))
    KEY_IF(p->loupe_zoom != d->loupe_zoom, "loupe_zoom", key_double(h, p->loupe_zoom))
    return h;
}
