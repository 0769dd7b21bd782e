/* The pipeline, one entry point: mask -> coverage -> dots -> after image. */
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

    smp_coverage cov;
    smp_status st = smp__coverage_from_mask(&cov, mask, photo->w, photo->h, smp__coverage_cell(ppm),
                                            photo->orientation, &res->notes, res->msg);
    if (st == SMP_OK)
        st = smp__coverage_feather(&cov, p->feather_mm * ppm, res->msg);
    if (st == SMP_OK && cancelled(p, 0.1))
        st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");

    smp_dots dots = {0};
    if (st == SMP_OK) {
        smp_sample_spec spec = {.density_cm2 = p->density, .px_per_mm = ppm, .dot_mm = p->dot_mm,
                                .opacity = p->opacity, .seed = p->seed, .layer = 0};
        st = smp__sample(&cov, &spec, &dots, res->msg);
    }
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
        st = smp__render(res->after, &dots, p->pigment, sigma < MIN_SIGMA_PX ? MIN_SIGMA_PX : sigma,
                         res->msg);
    }
    if (st == SMP_OK && dots.n) {
        res->dots = malloc(dots.n * sizeof *res->dots);
        if (!res->dots)
            st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate %zu dots", dots.n);
        for (size_t i = 0; st == SMP_OK && i < dots.n; i++) {
            const smp_pdot *d = &dots.d[i];
            res->dots[i] = (smp_dot){d->x / ppm, d->y / ppm, 2.0 * d->r / ppm, d->opacity, d->layer};
        }
        res->n_dots = dots.n;
    }
    if (st == SMP_OK && dots.n == 0)
        smp__note(&res->notes, "the mask selects nothing to treat: no dots placed");
    smp__dots_free(&dots);
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
