/* SPDX-License-Identifier: BSD-2-Clause */
/* The analysis cache behind smp_cache (run.h): what smp_simulate's
 * photo-and-mask steps leave (coverage, shade analysis, skin maps, the
 * focus map, the client's stubble, the core's window), kept with copies
 * of the photo and the mask it was made from. A run whose photo, mask and
 * scale match starts at the first step that reads the look's settings; a
 * run with the same photo and another mask makes the analysis again but
 * takes the focus, strand and shine maps when their boxes did not move.
 * Everything taken is what the steps would have made, so the result is
 * byte-identical to smp_simulate's. */
#include "run.h"
#include "params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Dots kept under a key of up to three numbers (unused ones 0), on the
 * shaping numbered gen. */
typedef struct dots_memo {
    int have;
    double key[3];
    uint32_t gen;
    smp_spts pts;
} dots_memo;

/* One run's sampled points (before dressing) and their report counts, on
 * the shaping numbered gen. */
typedef struct points_memo {
    smp_points_key key;
    uint32_t gen;
    smp_spts pts;
    size_t per_session[SMP_MAX_LAYERS + 1], pairs;
    uint64_t born; /* when kept: the older of two as far goes first */
} points_memo;

/* The points memo's default bound (smp_cache_set_points_bound): the
 * studio's every density and dot size position around one setting (33 +
 * 36 slider stops) on the 12 MP crown at 2000x1500 took 38 MB; 64 MB
 * holds them with room for a larger treated area or the positions of the
 * setting before, on an engine heap of 160-190 MB there without them.
 * (The base and raw memos, three of each at 0.1-0.5 MB, are not counted.) */
#define POINTS_BOUND ((size_t)64 << 20)
/* Three of the base and raw memos: a dot size made ready at the current
 * density finds its base again after densities made ready beside it, and
 * a density made ready in parts (smp_cache_prepare) finds its own after
 * a run between. */
#define N_DOTS_MEMO 3
/* Shapings kept (the edge in the look's style): the studio's three edge
 * styles, so that another style's points made ready (smp_cache_prepare)
 * and those of the style shown stay side by side. */
#define N_SHAPES 3

/* The coverage shaped by one (edge, feather, seed), and the number the
 * memos' entries made on it carry (never 0). */
typedef struct shape_memo {
    int have, edge;
    double feather;
    uint64_t seed;
    smp_coverage cov, edge_cov;
    double core_cover;
    uint32_t gen;
    uint64_t used; /* when last taken or kept: the least recent goes first */
} shape_memo;

struct smp_cache {
    int full;              /* snap holds an analysis */
    int lookup;            /* the last lookup: 0, 1 photo, 2 photo and mask */
    int reused;            /* what the last run took: SMP_REUSED_* */
    smp_image *photo, *mask; /* what snap was made from */
    double ppm_param;        /* the params' scale (0: assumed) */
    run snap;              /* the run after the analysis steps; owns its parts */
    smp_result *sres;      /* its result's parts (no after image) */
    /* The look's memo on the analysis above (run.h): the shapings, the
     * last run's (cur, -1 none: what the tone preview reads), numbering
     * and clock. */
    shape_memo shapes[N_SHAPES];
    int cur;
    uint32_t shape_gen;
    uint64_t shape_clock;
    /* The sampled points of several settings (smp__cache_points), at
     * most points_bound bytes of them; over it, those farthest from the
     * last run's settings (current) go first. */
    points_memo *memo;
    size_t n_memo, cap_memo, memo_bytes, points_bound;
    uint64_t memo_clock;
    int have_current;
    smp_points_key current;
    uint32_t current_gen;
    /* The last run's dots' measures (smp__cache_dot_measures): its points'
     * key, how many dots, the report's fields smp__measure_dots sets. */
    int have_measures;
    smp_points_key measures_key;
    uint32_t measures_gen;
    size_t measures_n;
    double measures[6];
    /* Most recently used first: */
    dots_memo base[N_DOTS_MEMO]; /* the first layer before its companions: its density, the regularity */
    dots_memo raw[N_DOTS_MEMO];  /* the second layer as sampled: the first's density, its own, the regularity */
    dots_memo sampled[N_DOTS_MEMO]; /* the first layer as sampled: the sampler's key (smp__pattern_raw_key) */
    /* The shine model's specular share of every pixel of the photo over
     * sres's skin box (render.h's map), made at the first render that asks
     * (smp__cache_specular): a redraw's render read the model pixel by
     * pixel again, a seventh of its work. Its box and chroma: what it was
     * made for. */
    uint16_t *spec;
    uint32_t spec_box[4];
    /* The shade analysis's photo part (shade.h), kept while the photo
     * stays: a mask edit's analysis takes it. */
    smp_shade_photo part;
    float spec_chroma[3];
    /* The broken edge's reach (look.h) last made, and the coverage as
     * painted it was made from, for its edge, feather, scale and seed:
     * a mask edit's shaping makes it again only about the cells the edit
     * changed (smp__edge_reach_again). Kept while the photo stays. */
    smp_coverage reach_painted;
    uint8_t *reach;
    uint8_t *reach_shaped; /* the edge alone shaped with it (run.h's edge_cov), or NULL */
    /* The coverage with the hair before and after the broken edge's noise
     * (look.h's memo), or NULL, and what it was made with: its own, as it
     * holds with a front too. */
    uint8_t *noise_pre, *noise_out;
    uint64_t noise_seed;
    double noise_ppm;
    uint32_t noise_gw, noise_gh, noise_cell;
    int reach_edge;
    double reach_feather, reach_ppm;
    uint64_t reach_seed;
    char msg[SMP_MSG_LEN];
};

smp_cache *smp_cache_new(void)
{
    smp_cache *c = calloc(1, sizeof(smp_cache));
    if (c) {
        c->points_bound = POINTS_BOUND;
        c->cur = -1;
    }
    return c;
}

static void evict_points(smp_cache *c, size_t i);

/* What the memos hold on the shaping numbered gen (0: on any). */
static void drop_gen(smp_cache *c, uint32_t gen)
{
    for (size_t i = c->n_memo; i-- > 0;)
        if (!gen || c->memo[i].gen == gen)
            evict_points(c, i);
    for (int i = 0; i < N_DOTS_MEMO; i++) {
        if (!gen || c->base[i].gen == gen) {
            smp__spts_free(&c->base[i].pts);
            c->base[i].have = 0;
        }
        if (!gen || c->raw[i].gen == gen) {
            smp__spts_free(&c->raw[i].pts);
            c->raw[i].have = 0;
        }
        if (!gen || c->sampled[i].gen == gen) {
            smp__spts_free(&c->sampled[i].pts);
            c->sampled[i].have = 0;
        }
    }
    if (!gen || c->measures_gen == gen)
        c->have_measures = 0;
}

static void shape_free(shape_memo *m)
{
    smp__coverage_free(&m->cov);
    smp__coverage_free(&m->edge_cov);
    m->have = 0;
}

static void drop_reach(smp_cache *c)
{
    smp__coverage_free(&c->reach_painted);
    free(c->reach);
    free(c->reach_shaped);
    c->reach = c->reach_shaped = NULL;
}

static void drop_noise(smp_cache *c)
{
    free(c->noise_pre);
    free(c->noise_out);
    c->noise_pre = c->noise_out = NULL;
}

static void drop_look(smp_cache *c)
{
    for (int i = 0; i < N_SHAPES; i++)
        shape_free(&c->shapes[i]);
    c->cur = -1;
    drop_gen(c, 0);
}

static void drop_snapshot(smp_cache *c)
{
    drop_look(c);
    free(c->spec);
    c->spec = NULL;
    run *s = &c->snap;
    smp__shade_free(&s->sh);
    smp__coverage_free(&s->cov);
    smp__coverage_free(&s->hair_cov);
    smp__coverage_free(&s->edge_cov);
    smp_image_free(s->patch);
    free(s->patch_strands);
    free(s->patch_core);
    smp__focus_free(&s->focus);
    smp_result_free(c->sres);
    smp_image_free(c->photo);
    smp_image_free(c->mask);
    memset(s, 0, sizeof *s);
    c->sres = NULL;
    c->photo = c->mask = NULL;
    c->full = 0;
}

void smp_cache_clear(smp_cache *c)
{
    if (c) {
        drop_snapshot(c);
        smp__shade_photo_free(&c->part);
        drop_reach(c);
        drop_noise(c);
        c->lookup = c->reused = 0;
    }
}

void smp_cache_free(smp_cache *c)
{
    if (!c)
        return;
    drop_snapshot(c);
    smp__shade_photo_free(&c->part);
    drop_reach(c);
    drop_noise(c);
    free(c->memo);
    free(c);
}

const char *smp_cache_message(const smp_cache *c) { return c ? c->msg : "no cache"; }
int smp_cache_reused(const smp_cache *c) { return c ? c->reused : 0; }

int smp__cache_swap_reused(smp_cache *c, int reused)
{
    const int was = c->reused;
    c->reused = reused;
    return was;
}

void smp__cache_set_message(smp_cache *c, const char *msg)
{
    memcpy(c->msg, msg, SMP_MSG_LEN);
    c->msg[SMP_MSG_LEN - 1] = 0;
}

bool smp__cache_usable(const smp_params *p) { return !p->reference && !p->scars && !p->density_map; }

static bool same_bytes(const void *a, const void *b, size_t n) { return n == 0 || (a && b && !memcmp(a, b, n)); }

static bool same_image(const smp_image *a, const smp_image *b)
{
    return a && b && a->w == b->w && a->h == b->h && a->ch == b->ch && a->orientation == b->orientation &&
           a->format == b->format && a->icc_len == b->icc_len && same_bytes(a->icc, b->icc, a->icc_len) &&
           same_bytes(a->px, b->px, (size_t)a->w * a->h * (size_t)a->ch);
}

int smp__cache_lookup(smp_cache *c, const smp_params *p, const smp_image *photo, const smp_image *mask)
{
    c->reused = 0;
    c->lookup = 0;
    if (c->full && c->ppm_param == p->px_per_mm && same_image(c->photo, photo))
        c->lookup = same_image(c->mask, mask) ? 2 : 1;
    return c->lookup;
}

/* A copy of an image's pixels and what describes them. */
static smp_image *image_copy(const smp_image *src)
{
    smp_image *d = smp_image_new();
    const size_t n = (size_t)src->w * src->h * (size_t)src->ch;
    if (!d || smp__image_reset(d, src->w, src->h, src->ch, 0) != SMP_OK ||
        (src->icc_len && !(d->icc = malloc(src->icc_len)))) {
        smp_image_free(d);
        return NULL;
    }
    memcpy(d->px, src->px, n);
    if (src->icc_len)
        memcpy(d->icc, src->icc, src->icc_len);
    d->icc_len = src->icc_len;
    d->orientation = src->orientation;
    d->format = src->format;
    return d;
}

static bool shine_copy(const smp_shine *src, smp_shine **out)
{
    *out = NULL;
    if (!src)
        return true;
    smp_shine *s = malloc(sizeof *s);
    if (!s)
        return false;
    if (smp__shine_copy(s, src) != SMP_OK) {
        free(s);
        return false;
    }
    *out = s;
    return true;
}

static bool focus_copy(const smp_focus *src, smp_focus *out)
{
    const size_t n = (size_t)src->gw * src->gh * sizeof(float);
    *out = *src;
    out->sigma = smp__dup_bytes(src->sigma, n);
    out->trust = smp__dup_bytes(src->trust, n);
    if ((src->sigma && !out->sigma) || (src->trust && !out->trust)) {
        smp__focus_free(out);
        return false;
    }
    return true;
}

/* The result's parts the analysis steps made (no after image: it is the
 * photo until the dots are drawn), from src into dst. */
static bool result_parts(smp_result *dst, const smp_result *src)
{
    dst->report = src->report;
    memcpy(dst->skin_box, src->skin_box, sizeof dst->skin_box);
    memcpy(dst->chroma, src->chroma, sizeof dst->chroma);
    dst->zones_w = src->zones_w;
    dst->zones_h = src->zones_h;
    dst->zone_mm = src->zone_mm;
    smp__notes_clear(&dst->notes);
    for (size_t i = 0; i < src->notes.count; i++)
        smp__note(&dst->notes, "%s", src->notes.items[i]);
    dst->zones = smp__dup_bytes(src->zones, (size_t)src->zones_w * src->zones_h);
    dst->strands = smp__dup_bytes(src->strands, (size_t)src->skin_box[2] * src->skin_box[3]);
    return dst->notes.count == src->notes.count && (!src->zones || dst->zones) &&
           (!src->strands || dst->strands) && shine_copy(src->shine, &dst->shine);
}

static bool coverages_copy(run *dst, const run *src, char *msg)
{
    return smp__coverage_copy(&dst->cov, &src->cov, msg) == SMP_OK &&
           smp__coverage_copy(&dst->hair_cov, &src->hair_cov, msg) == SMP_OK &&
           smp__coverage_copy(&dst->edge_cov, &src->edge_cov, msg) == SMP_OK;
}

/* The core window's shine is the result's model seen from the window:
 * pointed at the model kept alongside. */
static void point_patch(run *r, const smp_shine *shine)
{
    if (!r->patch) /* no window (no reference): nothing points at the model */
        return;
    if (shine) {
        r->patch_shine.lev = shine->lev;
        r->patch_shine.col = shine->col;
    }
    r->patch_skin.shine = shine ? &r->patch_shine : NULL;
    r->patch_skin.strands = r->patch_strands;
}

void smp__cache_store(smp_cache *c, run *r)
{
    /* The specular map outlives the snapshot when the photo stays (lookup
     * 1: a mask edit) and the model it was made for does: same box, same
     * chroma, so the same model (smp__cache_shine's rule), the same map. */
    uint16_t *spec = c->spec;
    uint32_t spec_box[4];
    float spec_chroma[3];
    memcpy(spec_box, c->spec_box, sizeof spec_box);
    memcpy(spec_chroma, c->spec_chroma, sizeof spec_chroma);
    c->spec = NULL;
    const int same_photo = c->lookup >= 1;
    drop_snapshot(c);
    /* The photo part: the run's when it made one, else the cache's own
     * while the photo stays. */
    if (r->shade_part.tone || !same_photo)
        smp__shade_photo_free(&c->part);
    if (!same_photo) {
        drop_reach(c);
        drop_noise(c);
    }
    if (r->shade_part.tone) {
        c->part = r->shade_part;
        memset(&r->shade_part, 0, sizeof r->shade_part);
    }
    run *s = &c->snap;
    c->photo = image_copy(r->photo);
    c->mask = image_copy(r->mask);
    c->sres = smp_result_new();
    bool ok = c->photo && c->mask && c->sres && result_parts(c->sres, r->res);
    *s = *r;
    memset(&s->shade_part, 0, sizeof s->shade_part);
    memset(&s->cov, 0, sizeof s->cov);
    memset(&s->hair_cov, 0, sizeof s->hair_cov);
    memset(&s->edge_cov, 0, sizeof s->edge_cov);
    ok = ok && coverages_copy(s, r, c->msg);
    if (!ok) {
        /* The run keeps what it owns: nothing of it is the snapshot's yet. */
        memset(&s->sh, 0, sizeof s->sh);
        memset(&s->focus, 0, sizeof s->focus);
        s->patch = NULL;
        s->patch_strands = s->patch_core = NULL;
        drop_snapshot(c);
        smp__shade_photo_free(&c->part);
        free(spec);
        smp__fail(c->msg, SMP_ERR_NOMEM, "out of memory keeping the analysis: nothing cached");
        return;
    }
    s->res = NULL;
    s->p = NULL;
    s->photo = s->mask = NULL;
    s->take_photo = s->take_mask = NULL;
    s->cache = NULL;
    s->prepare = s->prepared = 0;
    point_patch(s, c->sres->shine);
    if (spec && same_photo && r->res->shine && !memcmp(spec_box, r->res->skin_box, sizeof spec_box) &&
        !memcmp(spec_chroma, r->res->chroma, sizeof spec_chroma)) {
        c->spec = spec;
        memcpy(c->spec_box, spec_box, sizeof spec_box);
        memcpy(c->spec_chroma, spec_chroma, sizeof spec_chroma);
        spec = NULL;
    }
    free(spec);
    c->ppm_param = r->p->px_per_mm;
    c->full = 1;
    r->borrowed = 1; /* the shade analysis, focus map, disc table and window are the cache's now */
    c->msg[0] = 0;
}

smp_status smp__cache_restore(smp_cache *c, run *r)
{
    smp_result *res = r->res;
    run keep = *r;
    *r = c->snap;
    r->res = keep.res;
    r->p = keep.p;
    r->photo = keep.photo;
    r->mask = keep.mask;
    r->take_photo = keep.take_photo;
    r->take_mask = keep.take_mask;
    r->cache = c;
    r->borrowed = 1;
    r->prepare = keep.prepare;
    memset(&r->cov, 0, sizeof r->cov);
    memset(&r->hair_cov, 0, sizeof r->hair_cov);
    memset(&r->edge_cov, 0, sizeof r->edge_cov);
    point_patch(r, c->sres->shine);
    if (!coverages_copy(r, &c->snap, res->msg) || !result_parts(res, c->sres))
        return smp__fail(res->msg, SMP_ERR_NOMEM, "out of memory copying the cached analysis");
    if (!(res->after = smp_image_new()))
        return smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the after image");
    smp_status st = smp__image_to_rgb(r->photo, res->after);
    if (st != SMP_OK)
        memcpy(res->msg, res->after->msg, SMP_MSG_LEN);
    c->reused = SMP_REUSED_ANALYSIS | SMP_REUSED_SKIN_MAPS;
    return st;
}

const smp_shade_photo *smp__cache_shade_part(const smp_cache *c)
{
    return c && c->lookup >= 1 && c->part.tone ? &c->part : NULL;
}

static bool same_box(const uint32_t a[4], const uint32_t b[4]) { return !memcmp(a, b, 4 * sizeof *a); }

bool smp__cache_focus(smp_cache *c, run *r, const uint32_t fbox[4])
{
    if (!c || c->lookup < 1 || !c->snap.focus.sigma || !same_box(c->snap.focus_box, fbox))
        return false;
    if (!focus_copy(&c->snap.focus, &r->focus))
        return false;
    c->reused |= SMP_REUSED_SKIN_MAPS;
    return true;
}

bool smp__cache_strands(smp_cache *c, run *r, const uint32_t box[4])
{
    const smp_result *s = c ? c->sres : NULL;
    if (!s || c->lookup < 1 || !s->strands || !same_box(s->skin_box, box))
        return false;
    if (!(r->res->strands = smp__dup_bytes(s->strands, (size_t)box[2] * box[3])))
        return false;
    c->reused |= SMP_REUSED_SKIN_MAPS;
    return true;
}

bool smp__cache_shine(smp_cache *c, run *r, const uint32_t box[4], const float chroma[3])
{
    const smp_result *s = c ? c->sres : NULL;
    if (!s || c->lookup < 1 || !s->shine || !same_box(s->skin_box, box) || memcmp(s->chroma, chroma, sizeof s->chroma))
        return false;
    if (!shine_copy(s->shine, &r->res->shine))
        return false;
    c->reused |= SMP_REUSED_SKIN_MAPS;
    return true;
}

const uint16_t *smp__cache_specular(smp_cache *c, const run *r)
{
    const smp_result *res = r->res, *s = c ? c->sres : NULL;
    const uint32_t *box = res->skin_box;
    if (!c || !c->full || !s || !s->shine || !res->shine || !res->after || !same_box(s->skin_box, box) ||
        memcmp(s->chroma, res->chroma, sizeof s->chroma))
        return NULL;
    if (c->spec && same_box(c->spec_box, box) && !memcmp(c->spec_chroma, res->chroma, sizeof c->spec_chroma))
        return c->spec;
    free(c->spec);
    c->spec = NULL;
    size_t n;
    const smp_image *a = res->after;
    if (!smp__mul(box[2], box[3], &n) || !smp__mul(n, sizeof *c->spec, &n) || a->ch != 3 ||
        (size_t)box[0] + box[2] > a->w || (size_t)box[1] + box[3] > a->h)
        return NULL;
    uint16_t *map = malloc(n ? n : 1);
    float *lev = malloc(((size_t)res->shine->gw + 1) * sizeof *lev);
    if (!map || !lev) { /* the render reads the model itself */
        free(map);
        free(lev);
        return NULL;
    }
    /* Row by row as the render reads it (smp__shine_levels, then
     * smp__shine_span over the row's pixels, each pixel's value its own),
     * 0 where the model has no row: the render's values, to the bit. */
    for (uint32_t y = 0; y < box[3]; y++) {
        uint16_t *out = map + (size_t)y * box[2];
        if (smp__shine_levels(res->shine, y, lev))
            smp__shine_span(res->shine, lev, a->px + ((size_t)(box[1] + y) * a->w + box[0]) * 3, 0, box[2], out);
        else
            memset(out, 0, (size_t)box[2] * sizeof *out);
    }
    free(lev);
    c->spec = map;
    memcpy(c->spec_box, box, sizeof c->spec_box);
    memcpy(c->spec_chroma, res->chroma, sizeof c->spec_chroma);
    return map;
}

/* Whether the reach kept was made for r's settings. */
static bool reach_for(const smp_cache *c, const run *r)
{
    const smp_params *p = r->p;
    return c && c->reach && c->reach_edge == (int)p->edge && c->reach_feather == p->feather_mm &&
           c->reach_seed == p->seed && c->reach_ppm == r->ppm;
}

bool smp__cache_edge_shape(smp_cache *c, run *r, const smp_front *front, const uint8_t *reach)
{
    /* With a front or hair outside the reach may move far from the edit
     * (the zones are the analysis's): only without, as the kept shaping was
     * made. */
    const smp_params *p = r->p;
    return reach_for(c, r) && c->reach_shaped && !smp__front_any(front) && !smp__hair_any(front) &&
           smp__shape_edge_again(&r->edge_cov, &c->reach_painted, c->reach_shaped, p->edge, p->feather_mm, r->ppm,
                                 p->seed, reach);
}

void smp__cache_noise_memo(smp_cache *c, const run *r, smp_noise_memo *memo)
{
    memo->last_pre = memo->last_out = NULL;
    if (c && c->noise_pre && c->noise_out && r->p->edge == SMP_EDGE_BROKEN && c->noise_seed == r->p->seed &&
        c->noise_ppm == r->ppm && c->noise_gw == r->cov.gw && c->noise_gh == r->cov.gh &&
        c->noise_cell == r->cov.cell) {
        memo->last_pre = c->noise_pre;
        memo->last_out = c->noise_out;
    }
}

bool smp__cache_edge_reach(smp_cache *c, const run *r, const smp_front *front, uint8_t **reach)
{
    *reach = NULL;
    const smp_params *p = r->p;
    if (!reach_for(c, r))
        return false;
    return smp__edge_reach_again(&r->cov, &c->reach_painted, c->reach, p->edge, p->feather_mm, r->ppm, p->seed, front,
                                 reach);
}

void smp__cache_keep_noise(smp_cache *c, const run *r, uint8_t **noise_pre)
{
    const size_t n = (size_t)r->cov.gw * r->cov.gh;
    if (!c || !*noise_pre || !r->cov.c || r->p->edge != SMP_EDGE_BROKEN || n > ((size_t)8 << 20))
        return;
    drop_noise(c);
    if (!(c->noise_out = smp__dup_bytes(r->cov.c, n)))
        return;
    c->noise_pre = *noise_pre;
    *noise_pre = NULL;
    c->noise_seed = r->p->seed;
    c->noise_ppm = r->ppm;
    c->noise_gw = r->cov.gw;
    c->noise_gh = r->cov.gh;
    c->noise_cell = r->cov.cell;
}

void smp__cache_keep_reach(smp_cache *c, const run *r, const smp_front *front, smp_coverage *painted, uint8_t **reach)
{
    /* Not past 8 M cells (three grids of them here, two for the noise: 40
     * MB; the studio works at 2000 px a side, 3-4 M cells); none made
     * (another style) leaves the one kept. */
    if (!c || !*reach || !painted->c || (size_t)painted->gw * painted->gh > ((size_t)8 << 20) || smp__front_any(front) ||
        smp__hair_any(front))
        return;
    drop_reach(c);
    c->reach_painted = *painted;
    memset(painted, 0, sizeof *painted);
    c->reach = *reach;
    *reach = NULL;
    /* the edge alone as shaped (no density map: the cache serves none) */
    c->reach_shaped = r->edge_cov.c && r->edge_cov.gw == c->reach_painted.gw && r->edge_cov.gh == c->reach_painted.gh
                          ? smp__dup_bytes(r->edge_cov.c, (size_t)r->edge_cov.gw * r->edge_cov.gh)
                          : NULL;
    c->reach_edge = (int)r->p->edge;
    c->reach_feather = r->p->feather_mm;
    c->reach_seed = r->p->seed;
    c->reach_ppm = r->ppm;
}

/* Which kept shaping p's settings make, or -1. */
static int shape_index(const smp_cache *c, const smp_params *p)
{
    for (int i = 0; i < N_SHAPES; i++) {
        const shape_memo *m = &c->shapes[i];
        if (m->have && m->edge == (int)p->edge && m->feather == p->feather_mm && m->seed == p->seed)
            return i;
    }
    return -1;
}

static shape_memo *shape_of(smp_cache *c, const smp_params *p)
{
    const int i = shape_index(c, p);
    return i < 0 ? NULL : &c->shapes[i];
}

/* The number r's memo entries carry: its shaping's, 0 when the cache holds
 * none for r (then nothing is taken or kept). */
static uint32_t gen_of(smp_cache *c, const run *r)
{
    const shape_memo *m = c && r->borrowed ? shape_of(c, r->p) : NULL;
    return m ? m->gen : 0;
}

/* A run's (not smp_cache_prepare's) shaping becomes the current one. */
static void shape_used(smp_cache *c, const run *r, shape_memo *m)
{
    m->used = ++c->shape_clock;
    if (!r->prepare)
        c->cur = (int)(m - c->shapes);
}

bool smp__cache_shape(smp_cache *c, run *r)
{
    shape_memo *m = c && r->borrowed ? shape_of(c, r->p) : NULL;
    if (!m)
        return false;
    smp_coverage cov = {0}, edge = {0};
    char msg[SMP_MSG_LEN];
    if (smp__coverage_copy(&cov, &m->cov, msg) != SMP_OK || smp__coverage_copy(&edge, &m->edge_cov, msg) != SMP_OK) {
        smp__coverage_free(&cov);
        return false;
    }
    smp__coverage_free(&r->cov);
    smp__coverage_free(&r->hair_cov);
    smp__coverage_free(&r->edge_cov);
    r->cov = cov;
    r->edge_cov = edge;
    r->core_cover = m->core_cover;
    shape_used(c, r, m);
    c->reused |= SMP_REUSED_SHAPE;
    return true;
}

void smp__cache_keep_shape(smp_cache *c, const run *r)
{
    if (!c || !r->borrowed || shape_of(c, r->p))
        return;
    /* A free slot, else the least recently used but the current one; what
     * was sampled on the shaping it held goes with it. */
    shape_memo *m = NULL;
    for (int i = 0; i < N_SHAPES && !m; i++)
        if (!c->shapes[i].have)
            m = &c->shapes[i];
    for (int i = 0; i < N_SHAPES; i++) /* (N_SHAPES > 1: one is not the current) */
        if (i != c->cur && (!m || (m->have && c->shapes[i].used < m->used)))
            m = &c->shapes[i];
    if (m->have) {
        drop_gen(c, m->gen);
        shape_free(m);
    }
    if (smp__coverage_copy(&m->cov, &r->cov, c->msg) != SMP_OK ||
        smp__coverage_copy(&m->edge_cov, &r->edge_cov, c->msg) != SMP_OK) {
        shape_free(m);
        return;
    }
    m->edge = (int)r->p->edge;
    m->feather = r->p->feather_mm;
    m->seed = r->p->seed;
    m->core_cover = r->core_cover;
    if (!++c->shape_gen) /* 0 is no shaping's */
        c->shape_gen = 1;
    m->gen = c->shape_gen;
    m->have = 1;
    shape_used(c, r, m);
}

static bool same_points(const smp_points_key *a, const smp_points_key *b)
{
    if (a->density != b->density || a->regularity != b->regularity || a->pair_mm != b->pair_mm ||
        a->n_layers != b->n_layers)
        return false;
    for (int k = 0; k < a->n_layers; k++)
        if (a->layers[k] != b->layers[k])
            return false;
    return true;
}

/* How far kept points are from the current run's, in the studio's
 * slider steps (5 dots/cm², 0.01 mm: a consultant's moves); another
 * regularity (0.01 a step) OTHER_LOOK steps more; another shaping (edge
 * style) or sessions split (the pickers' other values, one tap away)
 * SHAPE_STEPS or SPLIT_STEPS. In the studio with the crown (WARM=1), the
 * other looks as far as any position (1e6) lost the other edge styles
 * made ready to density positions 16 steps out, and no more than 4 steps
 * lost a density position 4 steps out to the regularity's. Ranked 12 (8 +
 * 4), the edge styles went to density and dot positions 11 steps out once
 * a density and a dot size series had filled the memo around them; the
 * other splits, ranked beyond every position, went first. */
#define SHAPE_STEPS 4.0
#define SPLIT_STEPS 4.0
#define OTHER_LOOK 8.0
static double points_distance(const smp_cache *c, const points_memo *m)
{
    if (!c->have_current)
        return 0;
    const smp_points_key *o = &c->current, *k = &m->key;
    double d = fabs(k->density - o->density) / 5.0 + fabs(k->pair_mm - o->pair_mm) / 0.01;
    bool other = k->n_layers != o->n_layers;
    for (int i = 0; !other && i < k->n_layers; i++)
        other = k->layers[i] != o->layers[i];
    const double reg = fabs(k->regularity - o->regularity) / 0.01;
    if (reg > 0)
        d += OTHER_LOOK + reg;
    return d + (m->gen != c->current_gen ? SHAPE_STEPS : 0) + (other ? SPLIT_STEPS : 0);
}

static points_memo *find_points(smp_cache *c, const smp_points_key *k, uint32_t gen)
{
    for (size_t i = 0; i < c->n_memo; i++)
        if (c->memo[i].gen == gen && same_points(&c->memo[i].key, k))
            return &c->memo[i];
    return NULL;
}

static void evict_points(smp_cache *c, size_t i)
{
    c->memo_bytes -= c->memo[i].pts.n * sizeof *c->memo[i].pts.p;
    smp__spts_free(&c->memo[i].pts);
    c->memo[i] = c->memo[--c->n_memo];
}

bool smp__cache_points(smp_cache *c, run *r, const smp_points_key *k, smp_spts *all)
{
    const uint32_t gen = gen_of(c, r);
    if (!gen)
        return false;
    c->current = *k; /* what the next points kept are measured from */
    c->current_gen = gen;
    c->have_current = 1;
    const points_memo *m = find_points(c, k, gen);
    if (!m)
        return false;
    all->n = m->pts.n;
    all->p = smp__dup_bytes(m->pts.p, m->pts.n * sizeof *m->pts.p);
    if (m->pts.n && !all->p)
        return false;
    memcpy(r->res->report.per_session, m->per_session, sizeof m->per_session);
    r->res->report.pairs = m->pairs;
    c->reused |= SMP_REUSED_POINTS;
    return true;
}

bool smp__cache_holds_points(smp_cache *c, const run *r, const smp_points_key *k)
{
    const uint32_t gen = gen_of(c, r);
    return gen && find_points(c, k, gen);
}

bool smp__cache_keep_points(smp_cache *c, const run *r, const smp_points_key *k, const smp_spts *all)
{
    const uint32_t gen = gen_of(c, r);
    if (!gen)
        return false;
    points_memo *old = find_points(c, k, gen);
    if (old)
        evict_points(c, (size_t)(old - c->memo));
    if (c->n_memo == c->cap_memo) {
        const size_t cap = c->cap_memo ? 2 * c->cap_memo : 16;
        points_memo *grown = realloc(c->memo, cap * sizeof *grown);
        if (!grown)
            return false;
        c->memo = grown;
        c->cap_memo = cap;
    }
    points_memo *m = &c->memo[c->n_memo];
    m->pts.p = smp__dup_bytes(all->p, all->n * sizeof *all->p);
    if (all->n && !m->pts.p)
        return false;
    m->pts.n = all->n;
    m->key = *k;
    m->gen = gen;
    memcpy(m->per_session, r->res->report.per_session, sizeof m->per_session);
    m->pairs = r->res->report.pairs;
    m->born = c->memo_clock++;
    c->n_memo++;
    c->memo_bytes += all->n * sizeof *all->p;
    /* Over the bound: the farthest from the current settings go (the older
     * of two as far first); the current's own stay, even alone over it. */
    while (c->memo_bytes > c->points_bound && c->n_memo) {
        size_t far = 0;
        double fd = -1;
        for (size_t i = 0; i < c->n_memo; i++) {
            const double d = points_distance(c, &c->memo[i]);
            if (d > fd || (d == fd && c->memo[i].born < c->memo[far].born)) {
                fd = d;
                far = i;
            }
        }
        if (c->have_current && c->memo[far].gen == c->current_gen && same_points(&c->memo[far].key, &c->current))
            break;
        evict_points(c, far);
    }
    return find_points(c, k, gen) != NULL;
}

bool smp__cache_dot_measures(smp_cache *c, const run *r, const smp_points_key *k, size_t n, smp_report *rep)
{
    const uint32_t gen = gen_of(c, r);
    if (!gen || !c->have_measures || c->measures_gen != gen || c->measures_n != n ||
        !same_points(&c->measures_key, k) || rep->density_used != k->density)
        return false;
    const double *m = c->measures;
    rep->core_area_cm2 = m[0];
    rep->core_density = m[1];
    rep->focus_mm[0] = m[2];
    rep->focus_mm[1] = m[3];
    rep->min_spacing_mm = m[4];
    rep->rho = m[5];
    return true;
}

void smp__cache_keep_dot_measures(smp_cache *c, const run *r, const smp_points_key *k, size_t n,
                                  const smp_report *rep)
{
    const uint32_t gen = gen_of(c, r);
    if (!gen || rep->density_used != k->density)
        return;
    c->measures_key = *k;
    c->measures_gen = gen;
    c->measures_n = n;
    c->measures[0] = rep->core_area_cm2;
    c->measures[1] = rep->core_density;
    c->measures[2] = rep->focus_mm[0];
    c->measures[3] = rep->focus_mm[1];
    c->measures[4] = rep->min_spacing_mm;
    c->measures[5] = rep->rho;
    c->have_measures = 1;
}

void smp_cache_set_points_bound(smp_cache *c, size_t bytes)
{
    if (c)
        c->points_bound = bytes;
}

size_t smp_cache_points_held(const smp_cache *c, size_t *bytes)
{
    if (bytes)
        *bytes = c ? c->memo_bytes : 0;
    return c ? c->n_memo : 0;
}

/* A copy of kept dots the sampler's way (never NULL, even for none). */
static bool spts_copy(const smp_spts *src, smp_spts *out)
{
    out->n = src->n;
    out->p = malloc((src->n + 1) * sizeof *out->p);
    if (!out->p) {
        out->n = 0;
        return false;
    }
    if (src->n)
        memcpy(out->p, src->p, src->n * sizeof *out->p);
    return true;
}

static bool memo_key_is(const dots_memo *m, const double k[3], uint32_t gen)
{
    return m->have && m->gen == gen && m->key[0] == k[0] && m->key[1] == k[1] && m->key[2] == k[2];
}

/* The memo's dots into out when one of its keys is k: true (and counted
 * as reused); that one becomes the most recently used. */
static bool memo_take(smp_cache *c, const run *r, dots_memo *m, const double k[3], smp_spts *out)
{
    const uint32_t gen = gen_of(c, r);
    if (!gen)
        return false;
    for (int i = 0; i < N_DOTS_MEMO; i++)
        if (memo_key_is(&m[i], k, gen)) {
            if (!spts_copy(&m[i].pts, out))
                return false;
            const dots_memo hit = m[i];
            memmove(m + 1, m, (size_t)i * sizeof *m);
            m[0] = hit;
            c->reused |= SMP_REUSED_BASE;
            return true;
        }
    return false;
}

/* pts kept under k as the most recently used; the least recently used
 * goes. True when kept. */
static bool memo_keep(smp_cache *c, const run *r, dots_memo *m, const double k[3], const smp_spts *pts)
{
    const uint32_t gen = gen_of(c, r);
    if (!gen)
        return false;
    smp__spts_free(&m[N_DOTS_MEMO - 1].pts);
    memmove(m + 1, m, (N_DOTS_MEMO - 1) * sizeof *m);
    m[0].have = spts_copy(pts, &m[0].pts);
    memcpy(m[0].key, k, sizeof m[0].key);
    m[0].gen = gen;
    return m[0].have;
}

bool smp__cache_base(smp_cache *c, run *r, double density, double regularity, smp_spts *out)
{
    return c && memo_take(c, r, c->base, (const double[3]){density, regularity, 0}, out);
}

bool smp__cache_keep_base(smp_cache *c, const run *r, double density, double regularity, const smp_spts *pts)
{
    return c && memo_keep(c, r, c->base, (const double[3]){density, regularity, 0}, pts);
}

bool smp__cache_raw(smp_cache *c, run *r, double first_density, double density, double regularity, smp_spts *out)
{
    return c && memo_take(c, r, c->raw, (const double[3]){first_density, density, regularity}, out);
}

bool smp__cache_keep_raw(smp_cache *c, const run *r, double first_density, double density, double regularity,
                         const smp_spts *pts)
{
    return c && memo_keep(c, r, c->raw, (const double[3]){first_density, density, regularity}, pts);
}

bool smp__cache_sampled(smp_cache *c, run *r, const double key[2], smp_spts *out)
{
    return c && memo_take(c, r, c->sampled, (const double[3]){key[0], key[1], 0}, out);
}

bool smp__cache_keep_sampled(smp_cache *c, const run *r, const double key[2], const smp_spts *pts)
{
    return c && memo_keep(c, r, c->sampled, (const double[3]){key[0], key[1], 0}, pts);
}

const smp_coverage *smp__cache_shaped_for(const smp_cache *c, const smp_params *p, const smp_image **photo)
{
    const int i = c->full && c->photo && c->cur >= 0 && c->ppm_param == p->px_per_mm ? shape_index(c, p) : -1;
    *photo = c->photo;
    return i >= 0 && c->shapes[i].cov.c ? &c->shapes[i].cov : NULL;
}

bool smp__cache_tone_parts(const smp_cache *c, const smp_image **photo, const smp_coverage **shaped,
                           const smp_coverage **hair, const smp_coverage **edge, const smp_result **parts)
{
    if (!c->full || c->cur < 0 || !c->photo || !c->sres || !c->snap.hair_cov.c || !c->snap.edge_cov.c)
        return false;
    *photo = c->photo;
    *shaped = &c->shapes[c->cur].cov;
    *hair = &c->snap.hair_cov;
    *edge = &c->snap.edge_cov;
    *parts = c->sres;
    return true;
}
