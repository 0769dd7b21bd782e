/* The pipeline, one entry point: mask -> coverage -> dots -> after image. */
#include "rng.h"
#include "stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Without a scale, assume the frame's shorter side spans 200 mm: a phone
 * photo of a crown or hairline taken at arm's length. */
#define ASSUMED_SHORT_SIDE_MM 200.0
/* Healed pigment spreads slightly past the needle's impression. */
#define PIGMENT_SPREAD_MM 0.015
/* Below this the 4 x 4 sub-samples would not resolve the edge. */
#define MIN_SIGMA_PX 0.3

struct smp_result {
    smp_image *after;
    smp_dot *dots;
    size_t n_dots;
    double px_per_mm;
    double w_mm, h_mm; /* the area the dots cover */
    int assumed;
    smp_notes notes;
    char msg[SMP_MSG_LEN];
};

smp_result *smp_result_new(void) { return calloc(1, sizeof(smp_result)); }

static void result_clear(smp_result *r)
{
    smp_image_free(r->after);
    free(r->dots);
    smp__notes_clear(&r->notes);
    r->after = NULL;
    r->dots = NULL;
    r->n_dots = 0;
    r->px_per_mm = 0;
    r->w_mm = r->h_mm = 0;
    r->assumed = 0;
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

static int cancelled(const smp_params *p, double fraction)
{
    return p->progress && p->progress(p->progress_user, fraction) != 0;
}

/* The last progress report; on failure the result is emptied but keeps
 * its message. */
static smp_status finish(smp_result *res, const smp_params *p, smp_status st)
{
    if (st == SMP_OK && cancelled(p, 1.0))
        st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");
    if (st != SMP_OK) {
        char keep[SMP_MSG_LEN];
        memcpy(keep, res->msg, sizeof keep);
        result_clear(res);
        memcpy(res->msg, keep, sizeof keep);
    }
    return st;
}

/* Samples the cumulative layers (sessions) one after the other, each
 * respecting the earlier ones, then gives every dot its size and opacity:
 * healed dots vary by about +-10 % in both, keyed by (seed, dot index). */
static smp_status sample_layers(smp_result *res, const smp_params *p, smp_sample_in in)
{
    smp_spts all = {0};
    smp_status st = SMP_OK;
    for (int k = 0; k < p->n_layers && st == SMP_OK; k++) {
        smp_spts layer;
        in.density_cm2 = p->density * p->layers[k] / 100.0;
        in.layer = (uint8_t)(k + 1);
        in.existing = all.p;
        in.n_existing = all.n;
        st = smp__sample(&in, &layer, res->msg);
        if (st != SMP_OK)
            break;
        smp_spt *grown = realloc(all.p, (all.n + layer.n + 1) * sizeof *grown);
        if (!grown) {
            smp__spts_free(&layer);
            st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot keep %zu dots", all.n + layer.n);
            break;
        }
        memcpy(grown + all.n, layer.p, layer.n * sizeof *grown);
        all.p = grown;
        all.n += layer.n;
        smp__spts_free(&layer);
    }
    if (st == SMP_OK && all.n) {
        res->dots = malloc(all.n * sizeof *res->dots);
        if (!res->dots)
            st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate %zu dots", all.n);
    }
    for (size_t i = 0; st == SMP_OK && i < all.n; i++) {
        uint64_t h = smp__hash(p->seed, UINT64_MAX - 1, i, 0);
        double js = 1.0 + 0.2 * (smp__u01(h) - 0.5), jo = 1.0 + 0.2 * (smp__u01(smp__mix64(h)) - 0.5);
        double op = p->opacity * jo;
        res->dots[i] = (smp_dot){all.p[i].x, all.p[i].y, p->dot_mm * js, (float)(op > 1 ? 1 : op),
                                 all.p[i].layer};
    }
    if (st == SMP_OK)
        res->n_dots = all.n;
    smp__spts_free(&all);
    return st;
}

smp_status smp_simulate(smp_result *res, const smp_params *p, const smp_image *photo,
                        const smp_image *mask)
{
    if (!res)
        return SMP_ERR_ARG;
    result_clear(res);
    if (!p || !photo || !mask || !photo->px || !mask->px)
        return smp__fail(res->msg, SMP_ERR_ARG, "simulate needs params, a photo and a mask");

    res->px_per_mm = p->px_per_mm;
    if (res->px_per_mm <= 0) {
        uint32_t short_side = photo->w < photo->h ? photo->w : photo->h;
        res->px_per_mm = short_side / ASSUMED_SHORT_SIDE_MM;
        res->assumed = 1;
    }
    const double ppm = res->px_per_mm;
    res->w_mm = photo->w / ppm;
    res->h_mm = photo->h / ppm;

    smp_coverage cov;
    smp_status st = smp__coverage_from_mask(&cov, mask, photo->w, photo->h, smp__coverage_cell(ppm),
                                            photo->orientation, &res->notes, res->msg);
    if (st == SMP_OK)
        st = smp__coverage_feather(&cov, p->feather_mm * ppm, res->msg);
    if (st == SMP_OK && cancelled(p, 0.1))
        st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");
    double box[4];
    if (st == SMP_OK && smp__coverage_extent(&cov, ppm, box))
        st = sample_layers(res, p,
                           (smp_sample_in){.x0_mm = box[0], .y0_mm = box[1], .w_mm = box[2] - box[0],
                                           .h_mm = box[3] - box[1], .cov = &cov, .cov_px_per_mm = ppm,
                                           .seed = p->seed});
    smp__coverage_free(&cov);
    if (st == SMP_OK && cancelled(p, 0.4))
        st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");

    if (st == SMP_OK) {
        res->after = smp_image_new();
        if (!res->after)
            st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate the after image");
    }
    if (st == SMP_OK) {
        st = smp__image_to_rgb(photo, res->after);
        if (st != SMP_OK)
            memcpy(res->msg, res->after->msg, SMP_MSG_LEN);
    }
    if (st == SMP_OK) {
        double sigma = PIGMENT_SPREAD_MM * ppm;
        st = smp__render(res->after, res->dots, res->n_dots, ppm, p->pigment,
                         sigma < MIN_SIGMA_PX ? MIN_SIGMA_PX : sigma, res->msg);
    }
    if (st == SMP_OK && res->n_dots == 0)
        smp__note(&res->notes, "the mask selects nothing to treat: no dots placed");
    return finish(res, p, st);
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
        if (!(map_px_per_mm > 0))
            return smp__fail(res->msg, SMP_ERR_ARG, "a density map needs its scale in px/mm");
        st = smp__coverage_from_mask(&cov, density_map, density_map->w, density_map->h, 1, 1,
                                     &res->notes, res->msg);
        res->px_per_mm = map_px_per_mm;
    }
    double box[4] = {0, 0, w_mm, h_mm};
    if (density_map && st == SMP_OK && !smp__coverage_extent(&cov, map_px_per_mm, box))
        box[2] = box[0]; /* an all-black map: no dots */
    box[2] = box[2] < w_mm ? box[2] : w_mm;
    box[3] = box[3] < h_mm ? box[3] : h_mm;
    if (st == SMP_OK && box[2] > box[0] && box[3] > box[1])
        st = sample_layers(res, p,
                           (smp_sample_in){.x0_mm = box[0], .y0_mm = box[1], .w_mm = box[2] - box[0],
                                           .h_mm = box[3] - box[1], .cov = density_map ? &cov : NULL,
                                           .cov_px_per_mm = map_px_per_mm, .seed = p->seed});
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
