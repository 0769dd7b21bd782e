/* SPDX-License-Identifier: BSD-2-Clause */
/* The pipeline, one entry point: mask -> coverage -> dots -> after image. */
#include "focus.h"
#include "follicles.h"
#include "match.h"
#include "pattern.h"
#include "realism.h"
#include "dotstats.h"
#include "render.h"
#include "shine.h"
#include "strands.h"
#include "window.h"
#include "rng.h"
#include "run.h"
#include "io.h"
#include "look.h"
#include "mask.h"
#include "metrics.h"
#include "result.h"
#include "sample.h"
#include "shade.h"
#include "zones.h"
#include "gap.h"
#include "color.h"
#include "image.h"
#include "params.h"
#include "select.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without a core to measure: light skin (sRGB e0b6a0) and a mid dilution. */
static const float DEFAULT_SKIN_LIN[3] = {0.7454f, 0.4678f, 0.3515f};
#define DEFAULT_DILUTION 0.3
/* Below this scale hair strands and the photo's blur are not measured. */
#define MIN_DETAIL_PPM 2.0
/* Texture is measured in the densest window of this side of a region. */
#define TEXTURE_WINDOW_MM 20.0
/* Dots' halos reach about 1 mm past the treated area's cells. */
#define SKIN_MARGIN_MM 1.5

smp_result *smp_result_new(void) { return calloc(1, sizeof(smp_result)); }

static void result_clear(smp_result *r)
{
    smp_image_free(r->after);
    free(r->dots);
    smp__notes_clear(&r->notes);
    free(r->zones);
    smp__shine_free(r->shine);
    free(r->shine);
    free(r->strands);
    free(r->companion);
    r->shine = NULL;
    r->strands = NULL;
    r->companion = NULL;
    r->zones = NULL;
    r->after = NULL;
    r->dots = NULL;
    r->n_dots = 0;
    r->px_per_mm = 0;
    r->w_mm = r->h_mm = 0;
    r->photo_w = r->photo_h = 0;
    r->assumed = 0;
    r->failed_input = SMP_INPUT_NONE;
    memset(&r->report, 0, sizeof r->report);
    r->msg[0] = 0;
}

void smp_result_free(smp_result *r)
{
    if (!r)
        return;
    result_clear(r);
    free(r);
}

const char *smp_result_message(const smp_result *r) { return r ? r->msg : "no result"; }
smp_image *smp_result_after(smp_result *r) { return r ? r->after : NULL; }
double smp_result_px_per_mm(const smp_result *r) { return r ? r->px_per_mm : 0; }
int smp_result_px_per_mm_assumed(const smp_result *r) { return r ? r->assumed : 0; }
size_t smp_result_note_count(const smp_result *r) { return r ? r->notes.count : 0; }
smp_input smp_result_failed_input(const smp_result *r) { return r ? r->failed_input : SMP_INPUT_NONE; }

const smp_dot *smp_result_dots(const smp_result *r, size_t *count)
{
    if (count)
        *count = r ? r->n_dots : 0;
    return r ? r->dots : NULL;
}

const char *smp_result_note(const smp_result *r, size_t i)
{
    return r && i < r->notes.count ? r->notes.items[i] : NULL;
}

smp_status smp_result_add_note(smp_result *r, const char *note)
{
    if (!r || !note)
        return SMP_ERR_ARG;
    size_t before = r->notes.count;
    smp__note(&r->notes, "%s", note);
    return r->notes.count > before ? SMP_OK : SMP_ERR_NOMEM;
}

static int cancelled(const smp_params *p, double fraction)
{
    return p->progress && p->progress(p->progress_user, fraction) != 0;
}

/* The last progress report; on failure the result is emptied but keeps
 * its message and the input it blames. */
static smp_status finish(smp_result *res, const smp_params *p, smp_status st)
{
    if (st == SMP_OK && cancelled(p, 1.0))
        st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");
    if (st != SMP_OK) {
        char keep[SMP_MSG_LEN];
        const smp_input blamed = res->failed_input;
        memcpy(keep, res->msg, sizeof keep);
        result_clear(res);
        memcpy(res->msg, keep, sizeof keep);
        res->failed_input = blamed;
    }
    return st;
}

/* The close pairs' settings for the dots' size and the regularity. */
static smp_pattern pattern_for(const smp_params *p, const smp_dress *dr)
{
    /* Practitioners randomise: a less regular set than a maximal one, with
     * close pairs like follicular units; a maximal set (0.77) has none.
     * Pairs are spaced for the healed size: the dots stay where they were
     * placed when they look fresh, fade or spread (dr->size). */
    return (smp_pattern){p->regularity, p->regularity >= SMP_PATTERN_MAXIMAL_RHO ? 0 : SMP_PATTERN_PAIR_SHARE,
                         dr->dot_mm};
}

/* The first layer's dots before their companions, from the run's cache
 * when it holds them for this density and regularity (only the companions
 * read the dot size), else placed and offered to it. */
static smp_status first_layer(run *r, const smp_pattern *pat, const smp_sample_in *in, smp_spts *layer,
                              char *msg)
{
    if (r && smp__cache_base(r->cache, r, in->density_cm2, pat->rho, layer))
        return SMP_OK;
    /* The sampler's dots before thinning, from the cache when it holds
     * them for what they read of the pattern (smp__pattern_raw_key): a
     * regularity change below 0.65 thins and jitters them again, and
     * samples nothing. */
    double key[2];
    smp__pattern_raw_key(pat, in, key);
    smp_status st = SMP_OK;
    if (!(r && smp__cache_sampled(r->cache, r, key, layer))) {
        st = smp__pattern_raw(pat, in, layer, msg);
        if (st == SMP_OK && r)
            smp__cache_keep_sampled(r->cache, r, key, layer);
    }
    if (st == SMP_OK)
        st = smp__pattern_refine(pat, in, layer, msg);
    /* A prepare run stops here, its sampling kept, when sessions follow. */
    if (st == SMP_OK && r && smp__cache_keep_base(r->cache, r, in->density_cm2, pat->rho, layer) && r->prepare &&
        in->layer < r->p->n_layers)
        r->partial = 1;
    return st;
}

/* Layer k after the first (k from 1): sampled, refined and paired; the
 * second's sampled dots (before thinning) from the run's cache when it
 * holds them for these densities (the first layer's and this one's) and
 * regularity: they read of the first layer only its dots before their
 * companions, which the dot size leaves as they are. */
static smp_status later_layer(run *r, int k, const smp_pattern *pat, const smp_sample_in *in, double first_density,
                              smp_spts *layer, char *msg)
{
    const bool memo = r && k == 1;
    smp_status st = SMP_OK;
    if (!(memo && smp__cache_raw(r->cache, r, first_density, in->density_cm2, pat->rho, layer))) {
        st = smp__pattern_raw(pat, in, layer, msg);
        if (st == SMP_OK && memo && smp__cache_keep_raw(r->cache, r, first_density, in->density_cm2, pat->rho, layer) &&
            r->prepare && k + 1 < r->p->n_layers) {
            r->partial = 1; /* as first_layer's */
            return st;
        }
    }
    if (st == SMP_OK)
        st = smp__pattern_refine(pat, in, layer, msg);
    if (st == SMP_OK)
        st = smp__pattern_pair(pat, in, layer, msg);
    return st;
}

/* Samples the cumulative layers (sessions) one after the other, each
 * respecting the earlier ones, at `density` dots/cm² for the last, into
 * all (the report counts them per session, and the close pairs); r, when
 * given, is the run whose cache may hold the first two layers' sampling. */
static smp_status sample_points(smp_result *res, const smp_params *p, smp_sample_in in, double density,
                                const smp_pattern *pat, run *r, smp_spts *all)
{
    smp_status st = SMP_OK;
    for (int k = 0; k < p->n_layers && st == SMP_OK; k++) {
        smp_spts layer;
        in.density_cm2 = density * p->layers[k] / 100.0;
        in.layer = (uint8_t)(k + 1);
        in.existing = all->p;
        in.n_existing = all->n;
        if (k == 0) {
            st = first_layer(r, pat, &in, &layer, res->msg);
            if (st == SMP_OK && !(r && r->partial))
                st = smp__pattern_pair(pat, &in, &layer, res->msg);
        } else
            st = later_layer(r, k, pat, &in, density * p->layers[0] / 100.0, &layer, res->msg);
        if (st != SMP_OK)
            break;
        if (r && r->partial) {
            smp__spts_free(&layer);
            break;
        }
        for (size_t i = 0; i < layer.n; i++)
            res->report.pairs += smp__is_companion(&layer.p[i]);
        smp_spt *grown = realloc(all->p, (all->n + layer.n + 1) * sizeof *grown);
        if (!grown) {
            smp__spts_free(&layer);
            st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot keep %zu dots", all->n + layer.n);
            break;
        }
        memcpy(grown + all->n, layer.p, layer.n * sizeof *grown);
        all->p = grown;
        all->n += layer.n;
        res->report.per_session[k + 1] = layer.n;
        smp__spts_free(&layer);
    }
    return st;
}

/* The points become the result's dots: size, load, shape (jitter, age,
 * hairline, scars). */
static smp_status dress_points(smp_result *res, const smp_params *p, const smp_spts *all, const smp_dress *dr,
                               double ppm)
{
    if (all->n) {
        res->dots = malloc(all->n * sizeof *res->dots);
        res->companion = malloc(all->n);
        if (!res->dots || !res->companion)
            return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate %zu dots", all->n);
        smp__dress_dots(all, p, dr, ppm, res->dots);
        for (size_t i = 0; i < all->n; i++)
            res->companion[i] = (uint8_t)smp__is_companion(&all->p[i]);
    }
    res->n_dots = all->n;
    return SMP_OK;
}

/* Samples and dresses the dots (smp_points). */
static smp_status sample_layers(smp_result *res, const smp_params *p, smp_sample_in in, double density,
                                const smp_dress *dr, double ppm)
{
    smp_spts all = {0};
    const smp_pattern pat = pattern_for(p, dr);
    smp_status st = sample_points(res, p, in, density, &pat, NULL, &all);
    if (st == SMP_OK)
        st = dress_points(res, p, &all, dr, ppm);
    smp__spts_free(&all);
    return st;
}

static void run_free(run *r)
{
    if (r->borrowed) { /* the cache's: read, not owned */
        memset(&r->sh, 0, sizeof r->sh);
        memset(&r->focus, 0, sizeof r->focus);
        r->patch = NULL;
        r->patch_strands = r->patch_core = NULL;
    }
    smp__shade_free(&r->sh);
    smp__shade_photo_free(&r->shade_part);
    smp__coverage_free(&r->cov);
    smp__coverage_free(&r->ref_cov);
    smp__coverage_free(&r->scar_cov);
    smp__coverage_free(&r->map_cov);
    smp__coverage_free(&r->edge_cov);
    smp__coverage_free(&r->hair_cov);
    smp_image_free(r->patch);
    free(r->patch_strands);
    free(r->patch_core); /* also the patch grid's cells */
    smp__focus_free(&r->focus);
}

/* A failure to read an input as coverage is that input's unless memory
 * ran out. */
static void blame_input(smp_result *res, smp_status st, smp_input which)
{
    if (st != SMP_OK && st != SMP_ERR_NOMEM)
        res->failed_input = which;
}

/* A mask-like image (reference, scars, density map) as coverage on the
 * photo's grid; a failure's message names which input it was, and the
 * result records it. */
static smp_status side_coverage(run *r, const smp_image *img, smp_input which, const char *what,
                                smp_coverage *out)
{
    smp_result *res = r->res;
    smp_status st = smp__coverage_from_mask_mt(out, img, r->photo->w, r->photo->h, r->cov.cell,
                                               r->photo->orientation, r->p->threads, &res->notes, res->msg);
    if (st != SMP_OK) {
        char detail[SMP_MSG_LEN];
        memcpy(detail, res->msg, sizeof detail);
        smp__fail(res->msg, st, "%s %s", what, detail);
        blame_input(res, st, which);
    }
    return st;
}

/* The treated area's box in photo pixels, with a margin for the halos;
 * false when nothing is treated. */
static bool treated_box(const run *r, uint32_t box[4])
{
    double mm[4];
    if (!smp__coverage_extent(&r->cov, r->ppm, mm))
        return false;
    const double m = SKIN_MARGIN_MM;
    const double x0 = fmax(0, (mm[0] - m) * r->ppm), y0 = fmax(0, (mm[1] - m) * r->ppm);
    const double x1 = fmin(r->photo->w, ceil((mm[2] + m) * r->ppm)), y1 = fmin(r->photo->h, ceil((mm[3] + m) * r->ppm));
    if (!(x1 > x0 && y1 > y0))
        return false;
    box[0] = (uint32_t)x0;
    box[1] = (uint32_t)y0;
    box[2] = (uint32_t)x1 - box[0];
    box[3] = (uint32_t)y1 - box[1];
    return box[2] > 0 && box[3] > 0;
}

/* The skin's chromaticity over the treated area (coverage > 0). */
static smp_status treated_chroma(run *r, const uint32_t box[4], float chroma[3])
{
    smp_result *res = r->res;
    uint8_t *sel = malloc((size_t)box[2] * box[3]);
    if (!sel)
        return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the skin selection");
    const smp_coverage *cov = &r->cov; /* its cells, not interpolated: a selection needs no more */
    for (uint32_t y = 0; y < box[3]; y++) {
        const uint8_t *crow = cov->c + (size_t)((box[1] + y) / cov->cell) * cov->gw;
        uint8_t *srow = sel + (size_t)y * box[2];
        if (cov->cell == 1) { /* a cell a pixel: no runs to set */
            for (uint32_t x = 0; x < box[2]; x++)
                srow[x] = crow[box[0] + x] > 0;
            continue;
        }
        /* cell by cell along the row: no division per pixel */
        for (uint32_t x = 0, cx = box[0] / cov->cell, left = cov->cell - box[0] % cov->cell; x < box[2]; cx++) {
            const uint32_t run = left < box[2] - x ? left : box[2] - x;
            memset(srow + x, crow[cx] > 0, run);
            x += run;
            left = cov->cell;
        }
    }
    char why[SMP_MSG_LEN];
    smp_status st = smp__diffuse_chroma(res->after, box, sel, chroma, r->p->threads, why);
    free(sel);
    return st;
}

/* Calls fn(x, i) for each pixel of row y of the box in the core, in x
 * order: cell by cell along the row (no division per pixel). */
#define CORE_ROW(r, y, x, i, body)                                                                                    \
    do {                                                                                                            \
        const smp_coverage *g_ = &(r)->sh.grid;                                                                     \
        const uint32_t *b_ = (r)->res->skin_box;                                                                    \
        const uint8_t *core_ = (r)->sh.core + (size_t)((b_[1] + (y)) / g_->cell) * g_->gw;                          \
        for (uint32_t x0_ = 0, cx_ = b_[0] / g_->cell, left_ = g_->cell - b_[0] % g_->cell; x0_ < b_[2]; cx_++) { \
            const uint32_t x1_ = left_ < b_[2] - x0_ ? x0_ + left_ : b_[2];                                          \
            for (uint32_t x = x0_; core_[cx_] && x < x1_; x++) {                                                    \
                const size_t i = (size_t)(y) * b_[2] + x;                                                           \
                body                                                                                                \
            }                                                                                                       \
            x0_ = x1_;                                                                                              \
            left_ = g_->cell;                                                                                       \
        }                                                                                                           \
    } while (0)

#define CORE_ROWS 32 /* rows whose terms are taken in parallel, then summed in order (4.3 MB at 2800 px) */

/* A pixel's linear colour (o[0..2]), and the part of it the pigment
 * darkens (render.c: not the shine, at most its least channel, and not
 * what a strand covers: o[3..5]). */
static void dark_terms(const float *tab, const uint8_t *px, double shine, double strand, double o[6])
{
    const double l[3] = {tab[px[0]], tab[px[1]], tab[px[2]]};
    const double s = fmin(shine, fmin(l[0], fmin(l[1], l[2])));
    for (int c = 0; c < 3; c++) {
        o[c] = l[c];
        o[3 + c] = (l[c] - s) * (1 - strand);
    }
}

/* Row y's pixels in the core's cells about its median tone: their
 * dark_terms, six a pixel in row order, into t; how many pixels. lev: a
 * buffer for the shine's levels of the row (NULL: none, the shine is
 * taken pixel by pixel, to the same bit). */
static size_t row_terms(const run *r, uint32_t y, float *lev, double *t)
{
    const smp_result *res = r->res;
    const smp_shine *sm = res->shine;
    const uint32_t *box = res->skin_box;
    const smp_coverage *g = &r->sh.grid;
    const float *tab = smp__srgb_linear_table();
    const bool levels = sm && lev && smp__shine_levels(sm, y, lev);
    const uint8_t *row = res->after->px + (size_t)(box[1] + y) * res->after->w * 3;
    const uint8_t *mid = r->sh.core_mid + (size_t)((box[1] + y) / g->cell) * g->gw;
    size_t k = 0;
    CORE_ROW(r, y, x, i, {
        const uint8_t *px = row + (size_t)(box[0] + x) * 3;
        if (mid[(box[0] + x) / g->cell]) {
            const double shine = levels ? smp__shine_px(sm, lev, px, x) / 65535.0
                                 : sm && !lev ? smp__shine_at(sm, px, x, y) / 65535.0
                                              : 0;
            dark_terms(tab, px, shine, !res->strands ? 0 : smp__strand_weight(res->strands[i]),
                       t + 6 * k++);
        }
    });
    return k;
}

/* The share of the light the pigment darkens, per channel, over the
 * core's cells about its median tone (shade.h core_mid), for the
 * prediction. The render is linear in the dots' transmittance T, so those
 * cells' mean after is their mean before times 1 - share (1 - T) exactly;
 * from the mean shine and strand weight (the min of means for the mean of
 * mins, the product of means for the mean of products) it is not. The
 * terms of CORE_ROWS rows are taken in parallel, then summed pixel by
 * pixel in row order: the same sums whatever the threads. */
static void core_skin_means(run *r)
{
    const smp_result *res = r->res;
    const uint32_t *box = res->skin_box;
    const smp_shine *sm = res->shine;
    double sum[6] = {0, 0, 0, 0, 0, 0};
    const int nt = smp__threads(r->p->threads);
    uint32_t rows = CORE_ROWS;
    float *lev = sm ? malloc((size_t)nt * (sm->gw + 1) * sizeof *lev) : NULL;
    double *t = malloc((size_t)rows * box[2] * 6 * sizeof *t);
    if (!t) /* short of memory: a row at a time (no row: the shares stay 1, as with no core) */
        t = malloc((size_t)(rows = 1) * box[2] * 6 * sizeof *t);
    size_t cnt[CORE_ROWS];
    (void)nt; /* unused without OpenMP */
    for (uint32_t y0 = 0; t && r->sh.core && r->sh.core_mid && y0 < box[3]; y0 += rows) {
        const uint32_t y1 = box[3] - y0 < rows ? box[3] : y0 + rows;
        SMP_OMP(omp parallel for schedule(dynamic, 4) num_threads(nt))
        for (uint32_t y = y0; y < y1; y++)
            cnt[y - y0] = row_terms(r, y, lev ? lev + (size_t)smp__thread_id() * (sm->gw + 1) : NULL,
                                    t + (size_t)(y - y0) * box[2] * 6);
        for (uint32_t y = y0; y < y1; y++)
            for (const double *o = t + (size_t)(y - y0) * box[2] * 6, *e = o + 6 * cnt[y - y0]; o < e; o += 6)
                for (int c = 0; c < 6; c++)
                    sum[c] += o[c];
    }
    free(t);
    free(lev);
    for (int c = 0; c < 3; c++)
        r->dark_share[c] = sum[c] > 0 ? sum[3 + c] / sum[c] : 1;
}

/* The focus map's box: the treated box and the reference's cells, whose
 * texture is compared at the core's blur (realism.h). */
static void focus_box(const run *r, const uint32_t box[4], uint32_t out[4])
{
    const smp_coverage *g = &r->sh.grid;
    uint32_t x0 = box[0], y0 = box[1], x1 = box[0] + box[2], y1 = box[1] + box[3];
    for (uint32_t y = 0; r->sh.have_reference && r->sh.accept && y < g->gh; y++)
        for (uint32_t x = 0; x < g->gw; x++)
            if (r->sh.accept[(size_t)y * g->gw + x]) {
                const uint32_t cx1 = (x + 1) * g->cell < g->w ? (x + 1) * g->cell : g->w;
                const uint32_t cy1 = (y + 1) * g->cell < g->h ? (y + 1) * g->cell : g->h;
                x0 = x * g->cell < x0 ? x * g->cell : x0;
                y0 = y * g->cell < y0 ? y * g->cell : y0;
                x1 = cx1 > x1 ? cx1 : x1;
                y1 = cy1 > y1 ? cy1 : y1;
            }
    out[0] = x0;
    out[1] = y0;
    out[2] = x1 - x0;
    out[3] = y1 - y0;
}

/* The median of the photo's blur (px) over the cells sel of the shade
 * grid; NAN with no cells or no focus map. */
static double region_blur(const run *r, const uint8_t *sel)
{
    const smp_coverage *g = &r->sh.grid;
    size_t n = 0;
    for (size_t i = 0; sel && r->focus.sigma && i < (size_t)g->gw * g->gh; i++)
        n += sel[i] != 0;
    float *v = n ? malloc(n * sizeof *v) : NULL;
    if (!v)
        return NAN;
    n = 0;
    for (uint32_t y = 0; y < g->gh; y++)
        for (uint32_t x = 0; x < g->gw; x++)
            if (sel[(size_t)y * g->gw + x])
                v[n++] = smp__focus_at(&r->focus, (x + 0.5) * g->cell, (y + 0.5) * g->cell);
    const double m = smp__kth_float(v, n, n / 2);
    free(v);
    return m;
}

/* What of the photo lies over the pigment, over the treated area's box:
 * its shine and its hair strands. */
static smp_status skin_maps(run *r)
{
    smp_result *res = r->res;
    uint32_t *box = res->skin_box;
    if (!treated_box(r, box))
        return SMP_OK;
    size_t n;
    if (!smp__mul(box[2], box[3], &n))
        return smp__fail(res->msg, SMP_ERR_LIMIT, "the treated area is too large");
    smp_status st = SMP_OK;
    /* Below MIN_DETAIL_PPM a strand is a fifth of a pixel wide: none to
     * find, and no edges to read the photo's blur from. */
    if (r->ppm >= MIN_DETAIL_PPM) { /* the blur first: its buffers are the larger, the strand map is kept */
        uint32_t fbox[4];
        focus_box(r, box, fbox);
        memcpy(r->focus_box, fbox, sizeof fbox);
        if (!smp__cache_focus(r->cache, r, fbox))
            st = smp__focus_map(res->after, fbox, r->ppm, &r->focus, r->p->threads, res->msg);
        if (st == SMP_OK) {
            r->blur_px[0] = region_blur(r, r->sh.core);
            r->blur_px[1] = r->sh.have_reference ? region_blur(r, r->sh.accept) : NAN;
        }
        if (st == SMP_OK && !smp__cache_strands(r->cache, r, box)) {
            if (!(res->strands = malloc(n)))
                return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the strand map");
            st = smp__strand_map(res->after, box, r->ppm, res->strands, r->p->threads, res->msg);
            if (st == SMP_OK) /* where strands are, then how much of each pixel's light is hair's */
                st = smp__strand_cover(res->after, box, r->ppm, res->strands, r->p->threads, res->msg);
        }
    }
    /* Shine needs colour: a grey photo, or one with no skin in the treated
     * area, has none to separate (the chroma says why; not an error). */
    if (st == SMP_OK && r->photo->ch >= 3 && treated_chroma(r, box, res->chroma) == SMP_OK &&
        !smp__cache_shine(r->cache, r, box, res->chroma)) {
        if (!(res->shine = calloc(1, sizeof *res->shine)))
            return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the shine model");
        st = smp__shine_model(res->after, box, res->chroma, res->shine, r->p->threads, res->msg);
        if (st == SMP_ERR_ARG) { /* skin as grey as its shine: nothing to separate */
            free(res->shine);
            res->shine = NULL;
            st = SMP_OK;
        }
    }
    if (st == SMP_OK)
        core_skin_means(r);
    return st;
}

/* sel restricted to its densest TEXTURE_WINDOW_MM window (caller frees). */
static smp_status texture_window(const run *r, const uint8_t *sel, uint8_t **out)
{
    const smp_coverage *g = &r->sh.grid;
    const uint32_t side = (uint32_t)ceil(TEXTURE_WINDOW_MM * r->ppm / g->cell);
    if (!(*out = malloc((size_t)g->gw * g->gh)))
        return smp__fail(r->res->msg, SMP_ERR_NOMEM, "cannot allocate a texture window");
    return smp__densest_window(sel, g->gw, g->gh, side, *out, r->res->msg);
}

/* A box-sized map's block at (x, y) photo px, w x h, into a new array of
 * elem-byte entries (zero outside the map). */
static void *crop_map(const void *map, const uint32_t box[4], size_t elem, uint32_t x, uint32_t y, uint32_t w,
                      uint32_t h)
{
    uint8_t *out = calloc((size_t)w * h, elem);
    for (uint32_t j = 0; out && map && j < h; j++)
        for (uint32_t i = 0; i < w; i++) {
            const uint32_t px = x + i, py = y + j;
            if (px >= box[0] && py >= box[1] && px - box[0] < box[2] && py - box[1] < box[3])
                memcpy(out + ((size_t)j * w + i) * elem,
                       (const uint8_t *)map + ((size_t)(py - box[1]) * box[2] + (px - box[0])) * elem, elem);
        }
    return out;
}

/* The core's window (cells sel of the shade grid) cut out of the photo,
 * with its skin maps and a grid of its cells, for the match's trials. */
static smp_status core_patch(run *r, const uint8_t *sel)
{
    const smp_coverage *g = &r->sh.grid;
    uint32_t cx0 = g->gw, cy0 = g->gh, cx1 = 0, cy1 = 0;
    for (uint32_t y = 0; y < g->gh; y++)
        for (uint32_t x = 0; x < g->gw; x++)
            if (sel[(size_t)y * g->gw + x]) {
                cx0 = x < cx0 ? x : cx0;
                cy0 = y < cy0 ? y : cy0;
                cx1 = x + 1 > cx1 ? x + 1 : cx1;
                cy1 = y + 1 > cy1 ? y + 1 : cy1;
            }
    if (cx1 <= cx0 || cy1 <= cy0)
        return SMP_OK;
    const smp_result *res = r->res;
    const uint32_t x = cx0 * g->cell, y = cy0 * g->cell;
    const uint32_t w = (cx1 * g->cell < g->w ? cx1 * g->cell : g->w) - x;
    const uint32_t h = (cy1 * g->cell < g->h ? cy1 * g->cell : g->h) - y;
    smp_shade *pg = &r->patch_grid;
    pg->grid = (smp_coverage){.gw = cx1 - cx0, .gh = cy1 - cy0, .cell = g->cell, .w = w, .h = h};
    r->patch_core = malloc((size_t)pg->grid.gw * pg->grid.gh);
    r->patch = smp_image_new();
    if (!r->patch_core || !r->patch || smp_image_crop(r->patch, res->after, x, y, w, h) != SMP_OK)
        return smp__fail(r->res->msg, SMP_ERR_NOMEM, "cannot allocate the core's window");
    for (uint32_t j = 0; j < pg->grid.gh; j++)
        memcpy(r->patch_core + (size_t)j * pg->grid.gw, sel + (size_t)(cy0 + j) * g->gw + cx0, pg->grid.gw);
    pg->grid.c = r->patch_core;
    if (res->shine) {
        r->patch_shine = *res->shine;
        r->patch_shine.ox = (int64_t)x - res->skin_box[0];
        r->patch_shine.oy = (int64_t)y - res->skin_box[1];
    }
    r->patch_strands = res->strands ? crop_map(res->strands, res->skin_box, 1, x, y, w, h) : NULL;
    if (res->strands && !r->patch_strands)
        return smp__fail(r->res->msg, SMP_ERR_NOMEM, "cannot allocate the core's window maps");
    r->patch_skin = (smp_skin_maps){NULL, r->patch_strands, {0, 0, w, h}, res->shine ? &r->patch_shine : NULL};
    r->patch_centre[0] = x + 0.5 * w;
    r->patch_centre[1] = y + 0.5 * h;
    return SMP_OK;
}

/* The client's stubble in the reference, what the dots should resemble:
 * its follicles and its follicle-scale contrast; and a window of the core
 * to try dots in. */
static smp_status measure_stubble(run *r)
{
    smp_report *rep = &r->res->report;
    r->contrast_ref = NAN;
    if (!r->sh.have_reference || !r->sh.core_cells)
        return SMP_OK;
    uint8_t *ref = NULL, *core = NULL;
    smp_follicles f;
    const smp_coverage *g = &r->sh.grid;
    double c[2];
    smp_status st = texture_window(r, r->sh.accept, &ref);
    if (st == SMP_OK)
        st = texture_window(r, r->sh.core, &core);
    if (st == SMP_OK)
        st = smp__measure_follicles(r->res->after, ref, g->gw, g->gh, g->cell, r->ppm, &f, r->p->threads,
                                    r->res->msg);
    /* The reference's texture varies along the band (sparse stubble, a
     * hair mass): its contrast is taken over all of it, as realism.h does. */
    if (st == SMP_OK) /* as photographed: only the core is ever blurred to match (realism.c) */
        st = smp__texture_contrast(r->photo, &r->sh, r->sh.accept, NULL, r->ppm, 0, r->p->threads, c, r->res->msg);
    if (st == SMP_OK)
        st = core_patch(r, core);
    free(ref);
    free(core);
    if (st != SMP_OK)
        return st;
    r->contrast_ref = c[0];
    rep->have_follicles = 1;
    rep->follicles_resolved = f.resolved;
    /* Out of focus, the photo resolves follicles no better than a coarse one
     * (a reference reading blurrier than the bald core: see realism.c), and
     * its texture is the blur's, not the stubble's: an in-focus core
     * matched to it would get a few coarse dots (the crown photo's 0.37 mm
     * rim chose 85/cm² of 0.35 mm that read as a stipple), so the match
     * leaves texture out there (match.h). */
    r->ref_defocused = r->ppm >= SMP_FOLLICLES_MIN_PPM && r->blur_px[1] > r->blur_px[0] &&
                       r->blur_px[1] / r->ppm > SMP_FOLLICLES_MAX_BLUR_MM && r->blur_px[1] > SMP_FOLLICLES_MAX_BLUR_PX;
    if (r->ref_defocused) {
        rep->follicles_resolved = 0;
        smp__note(&r->res->notes,
                  "the surroundings are out of focus in this photo (blur %.2f mm): their follicles cannot be "
                  "counted, so the dots are matched to their tone",
                  r->blur_px[1] / r->ppm);
    }
    rep->follicles_cm2 = f.per_cm2;
    rep->follicle_mm = f.diameter_mm;
    rep->follicle_contrast = f.contrast;
    return SMP_OK;
}

static smp_status measure_realism(run *r)
{
    smp_result *res = r->res;
    smp_report *rep = &res->report;
    if (!r->sh.core_cells)
        return SMP_OK;
    const smp_skin_maps maps = {NULL, res->strands,
                                {res->skin_box[0], res->skin_box[1], res->skin_box[2], res->skin_box[3]}, res->shine};
    smp_realism m;
    smp_status st = smp__measure_realism(r->photo, res->after, &r->sh, r->ppm, res->strands ? &maps : NULL,
                                         r->blur_px, &m,
                                         r->p->threads, res->msg);
    if (st != SMP_OK)
        return st;
    rep->have_realism = 1;
    rep->core_darkening = m.core_darkening;
    rep->shine_darkening = m.shine_darkening;
    rep->shine_px = m.shine_px;
    rep->contrast_before = m.contrast_core_before;
    rep->contrast_after = m.contrast_core_after;
    rep->contrast_reference = m.contrast_reference;
    rep->contrast_ratio = m.contrast_ratio;
    rep->blur_mm[0] = m.blur_px[0] / r->ppm;
    rep->blur_mm[1] = m.blur_px[1] / r->ppm;
    rep->strand_max_diff = m.strand_max_diff;
    rep->strand_px = m.strand_px;
    return SMP_OK;
}

static void set_scale(run *r)
{
    smp_result *res = r->res;
    res->photo_w = r->photo->w;
    res->photo_h = r->photo->h;
    res->px_per_mm = r->p->px_per_mm;
    if (res->px_per_mm <= 0) {
        int clamped;
        res->px_per_mm = smp__assumed_px_per_mm(r->photo->w, r->photo->h, &clamped);
        res->assumed = 1;
        if (clamped)
            smp__note(&res->notes, "the shorter side spanning %.0f mm would mean %.3g px/mm; kept to %g px/mm, "
                                   "the range of a given scale",
                      SMP_ASSUMED_SHORT_SIDE_MM,
                      (r->photo->w < r->photo->h ? r->photo->w : r->photo->h) / SMP_ASSUMED_SHORT_SIDE_MM,
                      res->px_per_mm);
    }
    r->ppm = res->px_per_mm;
    res->w_mm = r->photo->w / r->ppm;
    res->h_mm = r->photo->h / r->ppm;
}

/* The dots to expect at a density over the treated area, against the cap,
 * before anything is sampled or allocated for them. */
static smp_status check_dot_count(run *r, double density_cm2)
{
    return smp__check_dot_count(density_cm2, smp__coverage_area_mm2(&r->cov, r->ppm), r->ppm, r->res->msg);
}

/* The most the density can become: what is fixed, or what auto may choose. */
static double density_bound(const smp_params *p)
{
    if (p->density_map && p->range_max > 0)
        return p->range_max;
    return p->density_auto && p->density < SMP_MATCH_DENSITY_MAX ? SMP_MATCH_DENSITY_MAX : p->density;
}

static smp_status read_inputs(run *r)
{
    const smp_params *p = r->p;
    smp_result *res = r->res;
    smp_status st = smp__coverage_from_mask_mt(&r->cov, r->mask, r->photo->w, r->photo->h,
                                               smp__coverage_cell(r->ppm), r->photo->orientation, p->threads,
                                               &res->notes, res->msg);
    blame_input(res, st, SMP_INPUT_MASK);
    if (r->take_mask) { /* read: the coverage is all the rest needs of it */
        free(r->take_mask->px);
        r->take_mask->px = NULL;
        r->take_mask->w = r->take_mask->h = 0;
        r->mask = NULL;
    }
    if (st == SMP_OK)
        st = check_dot_count(r, density_bound(p));
    if (st == SMP_OK && p->reference)
        st = side_coverage(r, p->reference, SMP_INPUT_REFERENCE, "reference:", &r->ref_cov);
    if (st == SMP_OK && p->scars)
        st = side_coverage(r, p->scars, SMP_INPUT_SCARS, "scar mask:", &r->scar_cov);
    if (st == SMP_OK && p->density_map)
        st = side_coverage(r, p->density_map, SMP_INPUT_DENSITY_MAP, "density map:", &r->map_cov);
    if (st == SMP_OK) { /* the photo's part from the cache, or made and offered to it */
        const smp_shade_photo *given = smp__cache_shade_part(r->cache);
        st = smp__shade_analyze_part(&r->sh, r->photo, &r->cov, p->reference ? &r->ref_cov : NULL, r->ppm,
                                     p->threads, given, r->cache && !given ? &r->shade_part : NULL, res->msg);
    }
    if (st == SMP_OK && !(res->after = smp_image_new()))
        st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the after image");
    if (st == SMP_OK && r->take_photo && r->photo->ch == 3 && !p->measures) {
        /* The photo's own pixels become the after image: nothing reads the
         * photo as it was once the dots are drawn (the realism measures
         * would, hence !measures), and until then the two are the same. */
        smp_image *ph = r->take_photo, *a = res->after;
        a->w = ph->w;
        a->h = ph->h;
        a->ch = 3;
        a->px = ph->px;
        a->icc = ph->icc;
        a->icc_len = ph->icc_len;
        a->orientation = ph->orientation;
        a->format = ph->format;
        ph->px = ph->icc = NULL;
        ph->w = ph->h = 0;
        ph->icc_len = 0;
        r->photo = a;
    } else if (st == SMP_OK && (st = smp__image_to_rgb(r->photo, res->after)) != SMP_OK)
        memcpy(res->msg, res->after->msg, SMP_MSG_LEN);
    return st;
}

/* Pigment, density and dot size: what the user gave, the rest matched. */
static smp_status choose_shade(run *r)
{
    const smp_params *p = r->p;
    smp_result *res = r->res;
    smp_report *rep = &res->report;
    const smp_shade *sh = &r->sh;
    /* The treatment is chosen as it heals: fresh, aged or too deep ("cast")
     * is that same treatment seen at another time or placed wrong, so the
     * match sees healed optics and the look only changes the rendering. */
    smp_optics healed;
    double healed_size, healed_load;
    smp__optics_for_look(&healed, 0, SMP_CAST_NONE, &healed_size, &healed_load);
    smp__optics_for_look(&res->optics, p->age_years, p->cast, &r->size, &r->look_load);
    r->load = r->look_load * p->opacity;
    const int healed_look = p->age_years == 0 && p->cast == SMP_CAST_NONE;
    const int map_sets = p->density_map && p->range_max > 0; /* the map's range sets the density */
    rep->have_shade = sh->have_reference;
    rep->reference_painted = p->reference != NULL;
    /* A core the hair already there or the edge leaves no coverage gets no
     * dots: nothing there to match (the trial patch would sample nothing). */
    const int matchable = sh->have_reference && sh->core_cells && r->core_cover > 0;
    smp_match_in in = {.sh = sh, .optics = &healed, .load = healed_load * p->opacity,
                       .dark_share = {r->dark_share[0], r->dark_share[1], r->dark_share[2]},
                       .follicles_cm2 = rep->follicles_resolved ? rep->follicles_cm2 : 0,
                       .fix_density = !p->density_auto || !matchable || map_sets,
                       .fix_dot = !p->dot_auto || !matchable, .fix_dilution = p->dilution >= 0,
                       .density = map_sets ? p->range_max : p->density, .dot_mm = p->dot_mm, .cover = r->core_cover,
                       .dilution = p->dilution, .contrast_reference = r->contrast_ref,
                       .reference_defocused = r->ref_defocused, .patch = r->patch,
                       .patch_skin = &r->patch_skin, .patch_grid = &r->patch_grid, .patch_core = r->patch_core, .params = p, .px_per_mm = r->ppm, .size = healed_size, .look_load = healed_load,
                       .patch_extra_px = smp__texture_core_blur(r->blur_px),
                       .patch_blur_mm = r->patch ? smp__dot_photo_blur_mm(&r->focus, r->patch_centre[0],
                                                                          r->patch_centre[1], r->ppm)
                                                 : 0};
    const float *skin = sh->core_cells ? sh->skin_lin : DEFAULT_SKIN_LIN;
    float given_od[3];
    if (p->pigment_set) { /* the colour the healed dots take; the look fades or tilts it */
        float colour[3];
        for (int c = 0; c < 3; c++)
            colour[c] = smp__srgb_to_linear(p->pigment[c]);
        smp__od_for_colour(colour, skin, in.load, given_od);
        memcpy(r->final_od, given_od, sizeof given_od);
        smp__optics_cast_tilt(&res->optics, r->final_od);
        in.given_od = given_od;
    }
    smp_match m = {.density = in.density, .dot_mm = p->dot_mm, .dilution = p->pigment_set ? -1 : p->dilution};
    if (matchable) {
        smp_status st = smp__match(&in, &m, res->msg);
        if (st != SMP_OK)
            return st;
        rep->contrast_predicted = m.contrast_ratio;
        if (!healed_look) { /* the match predicts the healed treatment, not what the look renders */
            m.de_predicted = NAN;
            rep->contrast_predicted = NAN;
        }
    } else if (!p->pigment_set && p->dilution < 0)
        m.dilution = DEFAULT_DILUTION;
    r->density = m.density;
    r->dot_mm = m.dot_mm;
    r->dilution = m.dilution;
    if (r->dilution >= 0)
        smp__od_for_dilution(&res->optics, r->dilution, r->final_od);
    rep->auto_used = matchable && (p->density_auto || p->dot_auto);
    rep->de_predicted = m.de_predicted;
    rep->auto_limited = m.limited;
    if (matchable && (p->density_auto || p->dot_auto || (p->dilution < 0 && !p->pigment_set)))
        rep->match_aim = !m.limited ? SMP_AIM_TONE : m.darkest ? SMP_AIM_DARKEST : SMP_AIM_NONE;
    snprintf(rep->auto_note, sizeof rep->auto_note, "%s", m.note);
    if ((p->density_auto || p->dot_auto) && !matchable && sh->core_cells) { /* no core: nothing treated */
        rep->auto_limited = 1;
        snprintf(rep->auto_note, sizeof rep->auto_note,
                 "no usable reference or core: kept %.0f dots/cm² of %.2f mm dots", r->density, r->dot_mm);
    }
    if (rep->auto_limited && rep->auto_note[0])
        smp__note(&res->notes, "%s", rep->auto_note);
    rep->density_used = r->density;
    rep->dot_used = r->dot_mm;
    rep->dilution = r->dilution;
    return SMP_OK;
}

/* Frees the shade analysis's per-cell colour maps, which only the
 * analysis, the existing-hair factor, the zones and the gap note read;
 * its grid, core and accepted cells stay for the measures. */
static void drop_shade_maps(smp_shade *sh)
{
    free(sh->tone);
    free(sh->view);
    free(sh->lskin);
    free(sh->dist_out);
    free(sh->view_l);
    sh->tone = sh->view = sh->lskin = sh->dist_out = NULL;
    sh->view_l = NULL;
}

/* What the later steps need of the shade's per-cell colour maps, taken
 * right after the analysis so that the maps (about 1 byte per photo pixel)
 * are not held through the skin maps, sampling and rendering: the zones,
 * and the coverage with the density map and the hair already there
 * applied (hair_cov; edge_cov the same without the hair). cov stays as
 * painted for the skin maps' box and chroma. */
static smp_status use_shade_maps(run *r)
{
    const smp_params *p = r->p;
    smp_result *res = r->res;
    smp_status st = smp__coverage_copy(&r->hair_cov, &r->cov, res->msg);
    if (st == SMP_OK && p->density_map) /* the map sets the density inside the mask */
        smp__scale_by_map(&r->hair_cov, &r->map_cov, p->range_min, p->range_max, 1);
    if (st == SMP_OK)
        st = smp__coverage_copy(&r->edge_cov, &r->hair_cov, res->msg);
    if (st == SMP_OK && r->sh.have_reference)
        st = smp__existing_hair_factor(&r->sh, &r->hair_cov, p->threads, res->msg);
    if (st == SMP_OK)
        st = smp__keep_zones(res, &r->sh, r->ppm);
    if (st == SMP_OK)
        st = smp__note_mask_gap(res, &r->sh, r->ppm);
    drop_shade_maps(&r->sh);
    return st;
}

/* The coverage the sampler follows: the density map, hair already there
 * (use_shade_maps), and the edge in the look's style; the edge alone is
 * kept for the hairline's dot sizes. */
static smp_status shape_coverage(run *r)
{
    const smp_params *p = r->p;
    smp_result *res = r->res;
    if (p->density_map && p->range_max > 0 && p->density_auto)
        smp__note(&res->notes, "density auto gives way to the density map's range %g:%g", p->range_min,
                  p->range_max);
    if (smp__cache_shape(r->cache, r))
        return SMP_OK;
    /* The broken edge's zone, from the mask as painted: the same for the
     * coverage with and without the hair already there. */
    const smp_front front = {res->zones, res->zones_w, res->zones_h, res->zone_mm};
    uint8_t *reach = NULL;
    smp_status st = SMP_OK;
    if (!smp__cache_edge_reach(r->cache, r, &front, &reach)) /* from the last painting's, or made */
        st = smp__edge_reach(&r->cov, p->edge, p->feather_mm, r->ppm, p->seed, &front, p->threads, &reach,
                             res->msg);
    smp_coverage painted = r->cov; /* as painted: the skin maps are done; the cache may keep it */
    r->cov = r->hair_cov;
    memset(&r->hair_cov, 0, sizeof r->hair_cov);
    /* The broken edge's noise over the coverage with the hair: memoised by
     * the cache (look.h), its values before the noise kept for the next. */
    smp_noise_memo memo = {NULL, NULL, NULL};
    if (st == SMP_OK && reach && r->cache) {
        smp__cache_noise_memo(r->cache, r, &memo);
        memo.pre = malloc((size_t)r->cov.gw * r->cov.gh);
    }
    if (st == SMP_OK && smp__cache_edge_shape(r->cache, r, &front, reach)) /* the edge alone from the last painting's */
        st = smp__shape_edges_memo(&r->cov, NULL, p->edge, p->feather_mm, r->ppm, p->seed, reach, &memo, p->threads,
                                   res->msg);
    else if (st == SMP_OK) /* the edge alone and with the hair: both at once */
        st = smp__shape_edges_memo(&r->edge_cov, &r->cov, p->edge, p->feather_mm, r->ppm, p->seed, reach, &memo,
                                   p->threads, res->msg);
    if (st == SMP_OK) {
        smp__cache_keep_reach(r->cache, r, &front, &painted, &reach);
        smp__cache_keep_noise(r->cache, r, &memo.pre);
    }
    free(memo.pre);
    smp__coverage_free(&painted);
    free(reach);
    /* What of the density the core gets: hair already there, the edge's
     * reach and a density map take their share. Over the cells the
     * prediction and the measures read (about the median tone, core_mid,
     * when there are any): a broken edge's front zone may reach into the
     * core, on skin lighter than those cells. */
    const smp_coverage *g = &r->sh.grid;
    const uint8_t *cells = r->sh.core;
    for (size_t i = 0; r->sh.core_mid && i < (size_t)g->gw * g->gh; i++)
        if (r->sh.core_mid[i]) {
            cells = r->sh.core_mid;
            break;
        }
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; st == SMP_OK && cells && i < (size_t)g->gw * g->gh; i++)
        if (cells[i]) {
            sum += smp__coverage_at(&r->cov, (i % g->gw + 0.5) * g->cell, (i / g->gw + 0.5) * g->cell) / 255.0;
            n++;
        }
    r->core_cover = n ? sum / (double)n : 1.0;
    if (st == SMP_OK)
        smp__cache_keep_shape(r->cache, r);
    return st;
}

/* The coverages, once the dots are placed: nothing after reads them. */
static void drop_coverages(run *r)
{
    smp__coverage_free(&r->cov);
    smp__coverage_free(&r->ref_cov);
    smp__coverage_free(&r->scar_cov);
    smp__coverage_free(&r->map_cov);
    smp__coverage_free(&r->edge_cov);
}

static smp_status place_dots(run *r)
{
    const smp_params *p = r->p;
    smp_result *res = r->res;
    double box[4];
    smp_status st = SMP_OK;
    if (smp__coverage_extent(&r->cov, r->ppm, box)) {
        st = check_dot_count(r, r->density);
        const smp_dress dr = {.dot_mm = r->dot_mm, .size = r->size, .load = r->look_load, .focus = &r->focus,
                              .edge = &r->edge_cov, .scars = p->scars ? &r->scar_cov : NULL};
        const smp_pattern pat = pattern_for(p, &dr);
        smp_points_key key = {.density = r->density, .regularity = p->regularity, .pair_mm = pat.dot_mm,
                              .n_layers = p->n_layers};
        memcpy(key.layers, p->layers, sizeof key.layers);
        r->key = key;
        r->have_key = 1;
        smp_spts all = {0};
        const smp_sample_in in = {.x0_mm = box[0], .y0_mm = box[1], .w_mm = box[2] - box[0], .h_mm = box[3] - box[1],
                                  .cov = &r->cov, .cov_px_per_mm = r->ppm, .seed = p->seed, .threads = p->threads};
        if (st == SMP_OK && r->prepare) { /* the points into the memo, no more */
            if (smp__cache_holds_points(r->cache, r, &key))
                r->prepared = SMP_PREPARED_HELD;
            else if ((st = sample_points(res, p, in, r->density, &pat, r, &all)) == SMP_OK)
                r->prepared = r->partial ? SMP_PREPARED_PART
                              : smp__cache_keep_points(r->cache, r, &key, &all) ? SMP_PREPARED_MADE
                                                                                 : SMP_PREPARED_NOT_KEPT;
        } else if (st == SMP_OK && !smp__cache_points(r->cache, r, &key, &all)) {
            st = sample_points(res, p, in, r->density, &pat, r, &all);
            if (st == SMP_OK)
                smp__cache_keep_points(r->cache, r, &key, &all);
        }
        if (st == SMP_OK && !r->prepare)
            st = dress_points(res, p, &all, &dr, r->ppm);
        smp__spts_free(&all);
    }
    drop_coverages(r);
    return st;
}

static smp_status render_after(run *r)
{
    const smp_params *p = r->p;
    smp_result *res = r->res;
    smp__session_depths(&res->optics, p, r->dilution, r->final_od, res->od);
    res->n_od = p->n_layers + 1;
    res->n_layers = p->n_layers;
    res->show_session = p->show_session;
    res->dot_mm = r->dot_mm;
    const float *skin = r->sh.core_cells ? r->sh.skin_lin : DEFAULT_SKIN_LIN;
    smp__colour_for_od(res->od[0], skin, r->load, res->pigment_lin);
    smp__linear_to_lab(res->pigment_lin, res->report.pigment);
    /* With a cache, the shine's values as a map made once per photo: the
     * same values the render would read off the model. */
    const uint16_t *spec = r->cache && res->shine ? smp__cache_specular(r->cache, r) : NULL;
    const smp_skin_maps maps = {spec, res->strands,
                                {res->skin_box[0], res->skin_box[1], res->skin_box[2], res->skin_box[3]}, res->shine};
    const smp_render_job job = {res->after, res->dots, res->n_dots, r->ppm, &res->optics,
                                (const float(*)[3])res->od, res->n_od, p->show_session, &maps, p->threads};
    int first = 0, end = INT_MAX;
    if (p->render_bands)
        p->render_bands(p->render_bands_ctx, &job, &first, &end);
    return smp__render_bands(&job, first, end, res->msg);
}

static smp_status measure_after(run *r)
{
    smp_result *res = r->res;
    smp_report *rep = &res->report;
    const smp_shade *sh = &r->sh;
    smp_status st = SMP_OK;
    if (sh->core_cells) {
        memcpy(rep->skin, sh->skin_lab, sizeof rep->skin);
        memcpy(rep->hair, sh->hair_lab, sizeof rep->hair);
        memcpy(rep->reference, sh->ref_lab, sizeof rep->reference);
        memcpy(rep->reference_photographed, sh->ref_raw_lab, sizeof rep->reference_photographed);
        memcpy(rep->core_before, sh->core_before_lab, sizeof rep->core_before);
        rep->ref_cells = sh->ref_cells;
        rep->ref_accepted = sh->ref_accepted;
        rep->untoned_after = r->p->no_tone_after;
        if (!rep->untoned_after)
            st = smp__core_tone(sh, res->after, r->ppm, r->p->threads, rep->core_after, res->msg);
        if (sh->have_reference) {
            rep->de_before = smp__delta_e2000(rep->core_before, rep->reference);
            rep->de_after = rep->untoned_after ? NAN : smp__delta_e2000(rep->core_after, rep->reference);
        }
    }
    if (st == SMP_OK && r->p->measures)
        st = measure_realism(r);
    if (st == SMP_OK && r->p->no_spacing) { /* a preview's: see smp_params_set_spacing */
        rep->core_area_cm2 = smp__core_area_cm2(sh, r->ppm);
        rep->core_density = rep->min_spacing_mm = rep->rho = NAN;
        rep->focus_mm[0] = res->w_mm / 2;
        rep->focus_mm[1] = res->h_mm / 2;
    }
    /* The same points as the last run's (a shade, session or age change): their measures. */
    else if (st == SMP_OK && !(r->have_key && smp__cache_dot_measures(r->cache, r, &r->key, res->n_dots, rep))) {
        st = smp__measure_dots(res, sh, r->ppm);
        if (st == SMP_OK && r->have_key)
            smp__cache_keep_dot_measures(r->cache, r, &r->key, res->n_dots, rep);
    }
    if (st == SMP_OK && res->n_dots == 0 && sh->core_cells && r->core_cover <= 0)
        smp__note(&res->notes,
                  "no dots placed: at %.3g px/mm the mask lies within the edge's %g mm ramp or under hair already "
                  "there; check the scale, or narrow the feather",
                  r->ppm, r->p->feather_mm);
    else if (st == SMP_OK && res->n_dots == 0)
        smp__note(&res->notes, "the mask selects nothing to treat: no dots placed");
    return st;
}

static smp_status simulate(smp_result *res, const smp_params *p, const smp_image *photo, const smp_image *mask,
                           smp_image *take_photo, smp_image *take_mask, smp_cache *cache, int *prepare)
{
    if (!res)
        return SMP_ERR_ARG;
    result_clear(res);
    if (!p || !photo || !mask || !photo->px || !mask->px)
        return smp__fail(res->msg, SMP_ERR_ARG, "simulate needs params, a photo and a mask");
    run r = {.res = res, .p = p, .photo = photo, .mask = mask, .take_photo = take_photo, .take_mask = take_mask,
             .blur_px = {NAN, NAN}, .dark_share = {1, 1, 1}, .prepare = prepare != NULL};
    set_scale(&r);
    smp_status st = smp__check_loupe(p, photo->w, photo->h, res->msg);
    /* Each step, with the progress (and a chance to cancel) after it; the
     * long ones also ask within themselves (r.stop). */
    static smp_status (*const steps[])(run *) = {read_inputs,   use_shade_maps, skin_maps,   measure_stubble,
                                                  shape_coverage, choose_shade,  place_dots,  render_after,
                                                  measure_after};
    static const double done_at[] = {0.02, 0.05, 0.09, 0.1, 0.11, 0.12, 0.4, 0.95, 1.0};
    const size_t n_steps = sizeof steps / sizeof *steps;
    size_t first = 0;
    if (st == SMP_OK && cache && smp__cache_usable(p)) {
        if (smp__cache_lookup(cache, p, photo, mask) == 2) {
            /* The analysis steps' state as they left it; then the checks
             * read_inputs makes that read the settings. */
            st = smp__cache_restore(cache, &r);
            if (st == SMP_OK)
                st = check_dot_count(&r, density_bound(p));
            for (; first < SMP_RUN_ANALYSIS_STEPS && st == SMP_OK; first++)
                if (cancelled(p, done_at[first]))
                    st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");
        } else
            r.cache = cache;
    }
    for (size_t i = first; i < n_steps && st == SMP_OK; i++) {
        if (i == SMP_RUN_ANALYSIS_STEPS && r.cache && !r.borrowed)
            smp__cache_store(cache, &r);
        st = steps[i](&r);
        if (r.prepare && steps[i] == place_dots)
            break;
        if (st == SMP_OK && i + 1 < n_steps && cancelled(p, done_at[i]))
            st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");
    }
    if (prepare)
        *prepare = r.prepared;
    run_free(&r);
    return finish(res, p, st);
}

smp_status smp_simulate(smp_result *res, const smp_params *p, const smp_image *photo, const smp_image *mask)
{
    return simulate(res, p, photo, mask, NULL, NULL, NULL, NULL);
}

smp_status smp_simulate_cached(smp_result *res, smp_cache *cache, const smp_params *p, const smp_image *photo,
                               const smp_image *mask)
{
    if (!cache && res)
        return smp__fail(res->msg, SMP_ERR_ARG, "simulate_cached needs a cache");
    return simulate(res, p, photo, mask, NULL, NULL, cache, NULL);
}

smp_status smp_cache_prepare(smp_cache *cache, const smp_params *p, const smp_image *photo, const smp_image *mask,
                             int *made)
{
    if (made)
        *made = 0;
    if (!cache || !p)
        return SMP_ERR_ARG;
    if (!smp__cache_usable(p)) /* no memo serves such runs */
        return SMP_OK;
    smp_result *res = smp_result_new();
    if (!res)
        return SMP_ERR_NOMEM;
    /* Without the caller's progress: this is no run of theirs to report. */
    smp_params q = *p;
    q.progress = NULL;
    const int reused = smp__cache_swap_reused(cache, 0);
    int prepared = SMP_PREPARED_NOT_KEPT;
    const smp_status st = simulate(res, &q, photo, mask, NULL, NULL, cache, &prepared);
    smp__cache_swap_reused(cache, reused);
    if (st != SMP_OK)
        smp__cache_set_message(cache, smp_result_message(res));
    else if (made)
        *made = prepared;
    smp_result_free(res);
    return st;
}

smp_status smp_simulate_consume(smp_result *res, const smp_params *p, smp_image *photo, smp_image *mask)
{
    return simulate(res, p, photo, mask, photo, mask, NULL, NULL);
}

smp_status smp_simulate_check(smp_result *res, const smp_params *p, const smp_image *photo, const smp_image *mask)
{
    if (!res)
        return SMP_ERR_ARG;
    result_clear(res);
    if (!p || !photo || !mask || !photo->px || !mask->px)
        return smp__fail(res->msg, SMP_ERR_ARG, "a check needs params, a photo and a mask");
    run r = {.res = res, .p = p, .photo = photo, .mask = mask};
    set_scale(&r);
    smp_status st = smp__check_loupe(p, photo->w, photo->h, res->msg);
    /* The mask's mean over the frame: what its coverage will hold. */
    const double frame_mm2 = (double)photo->w * photo->h / (r.ppm * r.ppm);
    if (st == SMP_OK)
        st = smp__check_dot_count(density_bound(p), smp__mask_share(mask, p->threads) * frame_mm2, r.ppm, res->msg);
    return st;
}

/* The dots points may expect: the density over the box, or over the
 * density map's coverage within it. */
static smp_status check_points_count(double density, const double box[4], const smp_coverage *map, double map_ppm,
                                     char *msg)
{
    double area = box[2] > box[0] && box[3] > box[1] ? (box[2] - box[0]) * (box[3] - box[1]) : 0;
    if (map)
        area = fmin(area, smp__coverage_area_mm2(map, map_ppm));
    return smp__check_dot_count(density, area, map ? map_ppm : 0, msg);
}

smp_status smp_points(smp_result *res, const smp_params *p, double w_mm, double h_mm,
                      const smp_image *density_map, double map_px_per_mm)
{
    if (!res)
        return SMP_ERR_ARG;
    result_clear(res);
    if (!p)
        return smp__fail(res->msg, SMP_ERR_ARG, "points needs params");
    if (!(w_mm > 0 && h_mm > 0 && w_mm <= 1e5 && h_mm <= 1e5))
        return smp__fail(res->msg, SMP_ERR_ARG, "the area %g x %g mm must be positive and at most 100 m",
                         w_mm, h_mm);
    smp_coverage cov = {0};
    smp_status st = SMP_OK;
    res->w_mm = w_mm;
    res->h_mm = h_mm;
    if (density_map) {
        if (!(map_px_per_mm >= SMP_MIN_PX_PER_MM && map_px_per_mm <= SMP_MAX_PX_PER_MM))
            return smp__fail(res->msg, SMP_ERR_ARG, "a density map needs its scale in px/mm, %g..%g (not %g)",
                             SMP_MIN_PX_PER_MM, SMP_MAX_PX_PER_MM, map_px_per_mm);
        st = smp__coverage_from_mask(&cov, density_map, density_map->w, density_map->h, 1, 1,
                                     &res->notes, res->msg);
        if (st == SMP_OK && p->range_max > 0) {
            smp_coverage map = cov; /* the map is the coverage: scale it in place */
            smp__scale_by_map(&cov, &map, p->range_min, p->range_max, 0);
        }
        res->px_per_mm = map_px_per_mm;
    }
    double box[4] = {0, 0, w_mm, h_mm};
    if (density_map && st == SMP_OK && !smp__coverage_extent(&cov, map_px_per_mm, box))
        box[2] = box[0]; /* an all-black map: no dots */
    box[2] = box[2] < w_mm ? box[2] : w_mm;
    box[3] = box[3] < h_mm ? box[3] : h_mm;
    const double density = density_map && p->range_max > 0 ? p->range_max : p->density;
    if (st == SMP_OK)
        st = check_points_count(density, box, density_map ? &cov : NULL, map_px_per_mm, res->msg);
    res->report.density_used = density;
    res->report.dot_used = p->dot_mm;
    smp_optics optics;
    smp_dress dr = {.dot_mm = p->dot_mm};
    smp__optics_for_look(&optics, p->age_years, p->cast, &dr.size, &dr.load);
    if (st == SMP_OK && box[2] > box[0] && box[3] > box[1])
        st = sample_layers(res, p,
                           (smp_sample_in){.x0_mm = box[0], .y0_mm = box[1], .w_mm = box[2] - box[0],
                                           .h_mm = box[3] - box[1], .cov = density_map ? &cov : NULL,
                                           .cov_px_per_mm = map_px_per_mm, .seed = p->seed,
                                           .threads = p->threads},
                           density, &dr, 1.0);
    smp__coverage_free(&cov);
    return finish(res, p, st);
}

smp_status smp_result_write_dots(smp_result *res, const char *path, const smp_params *params)
{
    if (!res || !path)
        return SMP_ERR_ARG;
    return smp__write_dots(res->dots, res->n_dots, res->w_mm, res->h_mm, path,
                           params ? params->overwrite : 0, res->msg);
}

smp_status smp_result_write_metrics(smp_result *res, const char *path, const smp_params *params)
{
    if (!res || !path || !params)
        return SMP_ERR_ARG;
    return smp__write_metrics(res, params, path, res->msg);
}

void smp_result_tone(const smp_result *res, double *delta_e_before, double *delta_e_after,
                     double *density_cm2)
{
    if (delta_e_before)
        *delta_e_before = res ? res->report.de_before : 0;
    if (delta_e_after)
        *delta_e_after = res ? res->report.de_after : 0;
    if (density_cm2)
        *density_cm2 = res ? res->report.density_used : 0;
}

smp_status smp_result_measures(const smp_result *res, smp_measures *out)
{
    if (!res || !out)
        return SMP_ERR_ARG;
    const smp_report *r = &res->report;
    const int toned = r->have_shade && r->core_area_cm2 > 0;
    *out = (smp_measures){
        .dots = res->n_dots,
        .density_used_cm2 = r->density_used,
        .achieved_core_cm2 = r->core_density,
        .core_area_cm2 = r->core_area_cm2,
        .min_spacing_mm = r->min_spacing_mm,
        .rho = r->rho,
        .dilution = r->dilution,
        .delta_e_before = toned ? r->de_before : NAN,
        .delta_e_after = toned ? r->de_after : NAN,
        .focus_x_px = r->focus_mm[0] * res->px_per_mm,
        .focus_y_px = r->focus_mm[1] * res->px_per_mm,
        .dot_mm = r->dot_used,
        .follicles_measured = r->have_follicles,
        .follicles_resolved = r->follicles_resolved,
        .follicles_cm2 = r->follicles_cm2,
        .follicle_mm = r->follicle_mm,
        .follicle_contrast = r->follicle_contrast,
        .core_darkening = r->have_realism ? r->core_darkening : NAN,
        .shine_darkening = r->have_realism ? r->shine_darkening : NAN,
        .contrast_ratio = r->have_realism ? r->contrast_ratio : NAN,
        .strand_max_diff = r->have_realism ? r->strand_max_diff : NAN,
        .match_aim = r->match_aim,
    };
    return SMP_OK;
}

int smp_result_colour(const smp_result *res, smp_colour which, double lab[3])
{
    if (!res || !lab)
        return 0;
    const smp_report *r = &res->report;
    const double *src = NULL;
    int known = r->core_area_cm2 > 0 || r->have_shade;
    switch (which) {
    case SMP_COLOUR_SKIN: src = r->skin; break;
    case SMP_COLOUR_HAIR: src = r->hair; known = r->have_shade; break;
    case SMP_COLOUR_PIGMENT: src = r->pigment; known = res->after != NULL; break;
    case SMP_COLOUR_REFERENCE: src = r->reference; known = r->have_shade; break;
    case SMP_COLOUR_CORE_BEFORE: src = r->core_before; break;
    case SMP_COLOUR_CORE_AFTER: src = r->core_after; known = known && !r->untoned_after; break;
    }
    if (!src || !known)
        return 0;
    lab[0] = src[0];
    lab[1] = src[1];
    lab[2] = src[2];
    return 1;
}
