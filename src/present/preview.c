/* SPDX-License-Identifier: BSD-2-Clause */
/* Before/after previews: layouts, labels, the caption line and the loupe. */
#include "font.h"
#include "loupe.h"
#include "preview.h"
#include "view.h"
#include "color.h"
#include "image.h"
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOUPE_FIELD_MM 10.0 /* the default close-up: a dozen dots across */
#define LOUPE_SHARE 0.36    /* of the panel's shorter side */
#define LOUPE_MIN_PX 96     /* smaller than this a close-up shows nothing */

static const uint8_t BACKGROUND[3] = {0x1a, 0x1a, 0x1a};
static const uint8_t INK[3] = {0xff, 0xff, 0xff};
static const uint8_t CAPTION_INK[3] = {0xe6, 0xe6, 0xe6};
static const uint8_t SHADOW[3] = {0x00, 0x00, 0x00};

typedef struct plan {
    smp_preview_geometry g;
    smp_layout layout;
    uint32_t pw, ph, short_side;
    double label_cap, caption_cap;
    char label_text[SMP_MAX_PANELS + 1][32];
    smp_status st; /* SMP_ERR_NOMEM when a label could not be measured */
} plan;

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static void box(uint32_t b[4], double x, double y, double w, double h)
{
    b[0] = (uint32_t)lround(fmax(x, 0));
    b[1] = (uint32_t)lround(fmax(y, 0));
    b[2] = (uint32_t)lround(fmax(w, 0));
    b[3] = (uint32_t)lround(fmax(h, 0));
}

/* Panels, gaps and the caption strip at scale s (output px per photo px). */
static void arrange(plan *pl, uint32_t w, uint32_t h, int n_sessions, double s)
{
    smp_preview_geometry *g = &pl->g;
    const uint32_t pw = max_u32(1, (uint32_t)lround(w * s)), ph = max_u32(1, (uint32_t)lround(h * s));
    const uint32_t shorter = min_u32(pw, ph);
    const int n = pl->layout == SMP_LAYOUT_SPLIT ? 1 : pl->layout == SMP_LAYOUT_SESSIONS ? 1 + n_sessions : 2;
    int cols = n, rows = 1;
    if (pl->layout == SMP_LAYOUT_STACK)
        cols = 1, rows = 2;
    else if (pl->layout == SMP_LAYOUT_SESSIONS && w > h) /* landscape: two columns */
        cols = n >= 3 ? 2 : 1, rows = (n + cols - 1) / cols;
    const uint32_t gap = n > 1 ? max_u32(2, shorter / 150) : 0;
    const uint64_t panels_w = (uint64_t)cols * pw + (uint64_t)(cols - 1) * gap;
    const uint64_t panels_h = (uint64_t)rows * ph + (uint64_t)(rows - 1) * gap;
    pl->pw = pw;
    pl->ph = ph;
    pl->short_side = shorter;
    pl->label_cap = fmax(11.0, 0.034 * shorter);
    pl->caption_cap = fmax(10.0, 0.02 * (double)(panels_w < panels_h ? panels_w : panels_h));
    const uint32_t caption_h = (uint32_t)ceil(pl->caption_cap * 2.4);
    g->scale = s;
    g->panels = n;
    for (int i = 0; i < n; i++) {
        const int row = i / cols; /* whole rows */
        box(g->panel[i], (double)(i % cols) * (pw + gap), (double)row * (ph + gap), pw, ph);
    }
    g->width = (uint32_t)(panels_w > UINT32_MAX ? UINT32_MAX : panels_w);
    g->height = (uint32_t)(panels_h + caption_h > UINT32_MAX ? UINT32_MAX : panels_h + caption_h);
    box(g->caption, 0, (double)panels_h, g->width, caption_h);
}

static smp_layout resolve_layout(smp_layout l, uint32_t w, uint32_t h)
{
    return l == SMP_LAYOUT_AUTO ? (w > h ? SMP_LAYOUT_STACK : SMP_LAYOUT_SIDE) : l;
}

/* The label box for text at the top-left (or top-right) of a panel. */
static void label_box(plan *pl, const uint32_t panel[4], const char *text, int right, uint32_t out[4])
{
    const double cap = pl->label_cap, pad = 0.5 * cap, margin = fmax(6.0, 0.02 * pl->short_side);
    const double bw = smp__text_width(text, cap, &pl->st) + 2 * pad, bh = cap + 2 * pad;
    const double x = right ? panel[0] + panel[2] - margin - bw : panel[0] + margin;
    box(out, x, panel[1] + margin, bw, bh);
}

static void panel_label(char *buf, size_t n, int session, const smp_result *res)
{
    if (session < 0)
        snprintf(buf, n, "Before");
    else if (session > 0)
        snprintf(buf, n, "Session %d", session);
    else if (res->show_session && res->show_session < res->n_layers)
        snprintf(buf, n, "After session %d", res->show_session);
    else
        snprintf(buf, n, "After");
}

static bool overlaps(const uint32_t a[4], const double b[4])
{
    return a[0] < b[0] + b[2] && b[0] < (double)a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < (double)a[1] + a[3];
}

smp_status smp__preview_loupe_box(smp_preview_geometry *g, const smp_result *res, const smp_params *p, uint32_t w,
                                  uint32_t h, double s, uint32_t side, bool *placed)
{
    *placed = false;
    if (p->loupe == SMP_LOUPE_OFF || res->px_per_mm <= 0)
        return SMP_OK;
    const double ppm = res->px_per_mm;
    double src = p->loupe_zoom > 0 ? side / (s * p->loupe_zoom) : LOUPE_FIELD_MM * ppm;
    src = fmin(fmin(src, side), fmin((double)w, (double)h)); /* never a reduction */
    double cx = p->loupe_x, cy = p->loupe_y;
    if (p->loupe == SMP_LOUPE_AUTO) {
        bool found;
        const smp_status st = smp__loupe_spot(res, src / ppm, &cx, &cy, &found);
        if (st != SMP_OK || !found)
            return st;
    }
    g->loupe_source[0] = fmin(fmax(cx - src / 2, 0), w - src);
    g->loupe_source[1] = fmin(fmax(cy - src / 2, 0), h - src);
    g->loupe_source[2] = g->loupe_source[3] = src;
    g->loupe_zoom = side / (src * s);
    *placed = true;
    return SMP_OK;
}

/* Loupe source (photo px) and inset (output px), or none (*placed false). */
static smp_status plan_loupe(plan *pl, const smp_result *res, const smp_params *p, uint32_t w, uint32_t h,
                             bool *placed)
{
    smp_preview_geometry *g = &pl->g;
    const int target = g->panels - 1;
    const uint32_t side = (uint32_t)lround(LOUPE_SHARE * pl->short_side);
    *placed = false;
    if (side < LOUPE_MIN_PX)
        return SMP_OK;
    smp_status st = smp__preview_loupe_box(g, res, p, w, h, g->scale, side, placed);
    if (st != SMP_OK || !*placed)
        return st;
    const double x0 = g->loupe_source[0], y0 = g->loupe_source[1], src = g->loupe_source[2];
    /* The inset goes in a corner of the after panel clear of the outline and labels. */
    const uint32_t *pan = g->panel[target];
    const double sx = (double)pl->pw / w, sy = (double)pl->ph / h, margin = fmax(6.0, 0.03 * pl->short_side);
    const double outline[4] = {pan[0] + x0 * sx - margin, pan[1] + y0 * sy - margin, src * sx + 2 * margin,
                               src * sy + 2 * margin};
    const double right = pan[0] + pan[2] - margin - side, bottom = pan[1] + pan[3] - margin - side;
    const double corners[4][2] = {{right, bottom}, {right, pan[1] + margin + pl->label_cap * 2 + margin},
                                  {pan[0] + margin, bottom}, {pan[0] + margin, pan[1] + margin + pl->label_cap * 2 + margin}};
    int pick = 0;
    for (int c = 3; c >= 0; c--) {
        uint32_t b[4];
        box(b, corners[c][0], corners[c][1], side, side);
        bool clear = !overlaps(b, outline);
        for (int l = 0; l < g->labels && clear; l++) {
            const double lb[4] = {g->label[l][0], g->label[l][1], g->label[l][2], g->label[l][3]};
            clear = !overlaps(b, lb);
        }
        if (clear)
            pick = c;
    }
    box(g->loupe, corners[pick][0], corners[pick][1], side, side);
    return SMP_OK;
}

/* The most pixels a preview may have: twice the photo limit (two panels). */
static uint64_t preview_limit(const smp_params *p)
{
    return 2 * (p->max_pixels ? p->max_pixels : SMP_DEFAULT_MAX_PIXELS);
}

static smp_status make_plan(plan *pl, const smp_result *res, const smp_params *p, uint32_t w, uint32_t h)
{
    memset(pl, 0, sizeof *pl);
    pl->layout = resolve_layout(p->layout, w, h);
    const int n_sessions = res->n_layers;
    double s = 1;
    arrange(pl, w, h, n_sessions, s);
    for (int i = 0; p->max_size && i < 60; i++) {
        const uint32_t longer = max_u32(pl->g.width, pl->g.height);
        if (longer <= p->max_size)
            break;
        s *= fmin((double)p->max_size / longer, 0.995);
        arrange(pl, w, h, n_sessions, s);
    }
    /* Scaled down to fit the output limit, as --max-size would. */
    const uint64_t limit = preview_limit(p);
    for (int i = 0; i < 60 && (uint64_t)pl->g.width * pl->g.height > limit; i++) {
        s *= fmin(sqrt((double)limit / ((double)pl->g.width * pl->g.height)), 0.995);
        arrange(pl, w, h, n_sessions, s);
    }
    smp_preview_geometry *g = &pl->g;
    for (int i = 0; i < g->panels; i++)
        g->panel_session[i] = i == 0 ? -1 : pl->layout == SMP_LAYOUT_SESSIONS ? i : 0;
    if (pl->layout == SMP_LAYOUT_SPLIT) { /* both labels on the one panel, after at the right */
        g->split_x = (uint32_t)lround(p->split_at * pl->pw);
        g->labels = 2;
        for (int l = 0; l < 2; l++) {
            panel_label(pl->label_text[l], sizeof pl->label_text[l], l - 1, res);
            label_box(pl, g->panel[0], pl->label_text[l], l, g->label[l]);
        }
    } else {
        g->labels = g->panels;
        for (int i = 0; i < g->panels; i++) {
            panel_label(pl->label_text[i], sizeof pl->label_text[i], g->panel_session[i], res);
            label_box(pl, g->panel[i], pl->label_text[i], 0, g->label[i]);
        }
    }
    bool placed;
    const smp_status st = plan_loupe(pl, res, p, w, h, &placed);
    g->has_loupe = placed;
    return st != SMP_OK ? st : pl->st;
}

void smp__preview_caption(char *buf, size_t n, const smp_result *res, const smp_params *p)
{
    uint8_t hex[3];
    for (int c = 0; c < 3; c++)
        hex[c] = smp__linear_to_srgb8(res->pigment_lin[c]);
    /* The density is the whole treatment's; where the after image shows an
     * earlier session (its label says "After session K"), that session's
     * share of it first, so a client does not read the full density under
     * the first session's picture. */
    char density[96], sessions[32] = "";
    const int k = res->show_session, layers = res->n_layers;
    const bool earlier = k > 0 && k < layers && k <= p->n_layers && p->layout != SMP_LAYOUT_SESSIONS;
    if (earlier)
        snprintf(density, sizeof density, "%.0f dots/cm² after session %d of %d (%.0f after all)",
                 res->report.density_used * p->layers[k - 1] / 100, k, layers, res->report.density_used);
    else
        snprintf(density, sizeof density, "%.0f dots/cm²", res->report.density_used);
    if (layers > 1 && !earlier)
        snprintf(sessions, sizeof sessions, " · %d sessions", layers);
    snprintf(buf, n, "%s%s%s · %.2f mm dots · pigment #%02x%02x%02x%s%s%s", p->caption, p->caption[0] ? " · " : "",
             density, res->dot_mm, hex[0], hex[1], hex[2], sessions, p->date[0] ? " · " : "", p->date);
}

/* Shrinks the caption to fit, then cuts it with an ellipsis. */
static double fit_caption(char *text, double cap, double room, smp_status *st)
{
    double width = smp__text_width(text, cap, st);
    if (width > room)
        cap = fmax(9.0, 0.97 * cap * room / width); /* sizes are not exactly linear */
    size_t len = strlen(text);
    while (len > 0 && smp__text_width(text, cap, st) > room) {
        do
            len--;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80);
        memcpy(text + len, "…", sizeof "…");
    }
    return cap;
}

/* A frame of thickness t around a box, with a dark edge outside so it
 * reads on light and dark skin alike. */
static void frame(smp_image *out, double x, double y, double w, double h, int t)
{
    const int x0 = (int)lround(x), y0 = (int)lround(y), x1 = (int)lround(x + w), y1 = (int)lround(y + h);
    smp__fill_rect(out, x0 - t - 1, y0 - t - 1, x1 + t + 1, y0, SHADOW, 0.5);
    smp__fill_rect(out, x0 - t - 1, y1, x1 + t + 1, y1 + t + 1, SHADOW, 0.5);
    smp__fill_rect(out, x0 - t - 1, y0, x0, y1, SHADOW, 0.5);
    smp__fill_rect(out, x1, y0, x1 + t + 1, y1, SHADOW, 0.5);
    smp__fill_rect(out, x0 - t, y0 - t, x1 + t, y0, INK, 0.9);
    smp__fill_rect(out, x0 - t, y1, x1 + t, y1 + t, INK, 0.9);
    smp__fill_rect(out, x0 - t, y0, x0, y1, INK, 0.9);
    smp__fill_rect(out, x1, y0, x1 + t, y1, INK, 0.9);
}

static smp_status label(smp_image *out, const uint32_t b[4], const char *text, double cap)
{
    smp__fill_rect(out, (int)b[0], (int)b[1], (int)(b[0] + b[2]), (int)(b[1] + b[3]), SHADOW, 0.5);
    return smp__draw_text(out, b[0] + 0.5 * cap, b[1] + 0.5 * cap, text, cap, INK);
}

static smp_status draw_loupe(smp_image *out, const plan *pl, const smp_result *res, const smp_image *photo_rgb,
                             int session, int threads)
{
    const smp_preview_geometry *g = &pl->g;
    smp_image *inset = smp_image_new();
    if (!inset)
        return smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate the close-up");
    smp_status st = smp__render_loupe(inset, res, photo_rgb, g->loupe_source, g->loupe[2], session, threads);
    if (st != SMP_OK) {
        smp__fail(out->msg, st, "close-up: %s", inset->msg);
        smp_image_free(inset);
        return st;
    }
    const uint32_t *pan = g->panel[g->panels - 1];
    const double sx = (double)pl->pw / photo_rgb->w, sy = (double)pl->ph / photo_rgb->h;
    const int t = pl->short_side / 400 > 2 ? (int)(pl->short_side / 400) : 2; /* whole pixels */
    frame(out, pan[0] + g->loupe_source[0] * sx, pan[1] + g->loupe_source[1] * sy, g->loupe_source[2] * sx,
          g->loupe_source[3] * sy, t);
    smp__image_blit(out, g->loupe[0], g->loupe[1], inset, 0, 0, g->loupe[2], g->loupe[3]);
    frame(out, g->loupe[0], g->loupe[1], g->loupe[2], g->loupe[3], t);
    smp_image_free(inset);
    /* Its magnification, and a scale bar in millimetres. */
    char text[48];
    const double cap = fmax(10.0, g->loupe[2] * 0.055), ppm_out = res->px_per_mm * g->loupe[2] / g->loupe_source[2];
    snprintf(text, sizeof text, "×%.1f", g->loupe_zoom);
    uint32_t b[4];
    box(b, g->loupe[0] + 0.4 * cap, g->loupe[1] + 0.4 * cap, smp__text_width(text, cap, &st) + cap, 2 * cap);
    if (st == SMP_OK)
        st = label(out, b, text, cap);
    double bar_mm = 5;
    while (bar_mm > 0.5 && bar_mm * ppm_out > 0.4 * g->loupe[2])
        bar_mm = bar_mm > 1.5 ? (bar_mm > 3 ? 2 : 1) : 0.5;
    snprintf(text, sizeof text, "%g mm", bar_mm);
    const double bar = bar_mm * ppm_out, bx = g->loupe[0] + cap, by = g->loupe[1] + g->loupe[3] - cap;
    box(b, bx - 0.4 * cap, by - 2.2 * cap, fmax(bar, smp__text_width(text, cap, &st)) + 0.8 * cap, 2.6 * cap);
    smp__fill_rect(out, (int)b[0], (int)b[1], (int)(b[0] + b[2]), (int)(b[1] + b[3]), SHADOW, 0.45);
    smp__fill_rect(out, (int)lround(bx), (int)lround(by - 0.35 * cap), (int)lround(bx + bar), (int)lround(by), INK, 1.0);
    if (st == SMP_OK)
        st = smp__draw_text(out, bx, by - 1.75 * cap, text, cap, INK);
    return st;
}

smp_status smp_preview(smp_image *out, smp_result *res, const smp_image *photo, const smp_params *p,
                       smp_preview_geometry *geometry)
{
    if (!out)
        return SMP_ERR_ARG;
    if (!res || !p || !photo || !photo->px || !res->after)
        return smp__fail(out->msg, SMP_ERR_ARG, "a preview needs a finished result, its photo and params");
    if (photo->w != res->after->w || photo->h != res->after->h)
        return smp__fail(out->msg, SMP_ERR_ARG, "the photo %ux%u is not the result's %ux%u", (unsigned)photo->w,
                         (unsigned)photo->h, (unsigned)res->after->w, (unsigned)res->after->h);
    plan pl;
    const uint32_t w = photo->w, h = photo->h;
    out->msg[0] = 0;
    smp_status st = smp__check_loupe(p, w, h, out->msg);
    if (st != SMP_OK)
        return st;
    if ((st = make_plan(&pl, res, p, w, h)) != SMP_OK)
        return smp__fail(out->msg, st, "cannot lay out the preview's labels and close-up: out of memory");
    if (pl.layout == SMP_LAYOUT_SESSIONS && res->n_layers < 2)
        return smp__fail(out->msg, SMP_ERR_ARG, "the sessions layout needs a run with sessions (layers)");
    const smp_preview_geometry *g = &pl.g;
    st = smp__image_reset(out, g->width, g->height, 3, preview_limit(p));
    if (st != SMP_OK)
        return st;
    for (size_t i = 0; i < (size_t)g->width * g->height; i++)
        memcpy(out->px + i * 3, BACKGROUND, 3);
    smp_image *rgb = NULL, *work = smp_image_new(), *small = smp_image_new(), *small2 = smp_image_new();
    const smp_image *photo_rgb = photo;
    if (!work || !small || !small2)
        st = smp__fail(out->msg, SMP_ERR_NOMEM, "cannot allocate the preview's panels");
    if (st == SMP_OK && (st = smp__rgb_view(photo, &rgb, &photo_rgb)) != SMP_OK)
        smp__fail(out->msg, st, "cannot convert the photo to RGB");
    for (int i = 0; st == SMP_OK && i < g->panels; i++) {
        const smp_image *shown = NULL, *after = NULL;
        const uint32_t *pan = g->panel[i];
        st = smp__state_image(&shown, work, small, res, photo_rgb, g->panel_session[i], pl.pw, pl.ph, p->threads);
        if (st == SMP_OK && pl.layout == SMP_LAYOUT_SPLIT)
            st = smp__state_image(&after, work, small2, res, photo_rgb, 0, pl.pw, pl.ph, p->threads);
        if (st != SMP_OK) {
            smp__fail(out->msg, st, "%s", small && small->msg[0] ? small->msg : small2 ? small2->msg : "");
            break;
        }
        if (!after) {
            smp__image_blit(out, pan[0], pan[1], shown, 0, 0, pl.pw, pl.ph);
            continue;
        }
        smp__image_blit(out, pan[0], pan[1], shown, 0, 0, g->split_x, pl.ph);
        smp__image_blit(out, pan[0] + g->split_x, pan[1], after, g->split_x, 0, pl.pw - g->split_x, pl.ph);
        const int d = pl.short_side / 400 > 2 ? (int)(pl.short_side / 400) : 2; /* thin, whole pixels, centred */
        smp__fill_rect(out, (int)g->split_x - d / 2, (int)pan[1], (int)g->split_x - d / 2 + d, (int)(pan[1] + pan[3]),
                       INK, 0.85);
    }
    smp_image_free(small);
    smp_image_free(small2);
    if (st == SMP_OK && g->has_loupe) {
        const int last = g->panel_session[g->panels - 1];
        st = draw_loupe(out, &pl, res, photo_rgb, last > 0 ? last : 0, p->threads);
    }
    smp_image_free(work);
    smp_image_free(rgb);
    char text[400];
    for (int i = 0; st == SMP_OK && i < g->labels; i++)
        st = label(out, g->label[i], pl.label_text[i], pl.label_cap);
    if (st == SMP_OK) {
        smp__preview_caption(text, sizeof text, res, p);
        const double room = g->caption[2] - 2.0 * pl.caption_cap;
        const double cap = fit_caption(text, pl.caption_cap, room, &st);
        if (st == SMP_OK)
            st = smp__draw_text(out, pl.caption_cap, g->caption[1] + (g->caption[3] - cap) / 2 - 0.15 * cap, text,
                                cap, CAPTION_INK);
    }
    if (st != SMP_OK)
        return out->msg[0] ? st : smp__fail(out->msg, st, "cannot open the label font");
    if (geometry)
        *geometry = *g;
    out->orientation = 1;
    out->format = SMP_FORMAT_NONE;
    return smp_image_set_icc(out, photo->icc, photo->icc_len);
}
