/* The pipeline, one entry point: mask -> coverage -> dots -> after image. */
#include "rng.h"
#include "stages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without a scale, assume the frame's shorter side spans 200 mm: a phone
 * photo of a crown or hairline taken at arm's length. */
#define ASSUMED_SHORT_SIDE_MM 200.0

smp_result *smp_result_new(void) { return calloc(1, sizeof(smp_result)); }

static void result_clear(smp_result *r)
{
    smp_image_free(r->after);
    free(r->dots);
    smp__notes_clear(&r->notes);
    free(r->zones);
    r->zones = NULL;
    r->after = NULL;
    r->dots = NULL;
    r->n_dots = 0;
    r->px_per_mm = 0;
    r->w_mm = r->h_mm = 0;
    r->photo_w = r->photo_h = 0;
    r->assumed = 0;
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
 * respecting the earlier ones, at `density` dots/cm² for the last, then
 * dresses the dots (size, opacity: jitter, age, scars). */
static smp_status sample_layers(smp_result *res, const smp_params *p, smp_sample_in in, double density,
                                const smp_coverage *scars, double ppm)
{
    smp_spts all = {0};
    smp_status st = SMP_OK;
    for (int k = 0; k < p->n_layers && st == SMP_OK; k++) {
        smp_spts layer;
        in.density_cm2 = density * p->layers[k] / 100.0;
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
        res->report.per_session[k + 1] = layer.n;
        smp__spts_free(&layer);
    }
    if (st == SMP_OK && all.n) {
        res->dots = malloc(all.n * sizeof *res->dots);
        if (!res->dots)
            st = smp__fail(res->msg, SMP_ERR_NOMEM, "cannot allocate %zu dots", all.n);
        else
            smp__dress_dots(&all, p, scars, ppm, res->dots);
    }
    if (st == SMP_OK)
        res->n_dots = all.n;
    smp__spts_free(&all);
    return st;
}

/* Fraction of the core's area that dots cover with ink at a density. */
static double ink_fraction(const smp_params *p, double density_cm2)
{
    double size, opacity, spread;
    smp__age_effect(p->age_years, &size, &opacity, &spread);
    double r = 0.5 * p->dot_mm * size;
    return density_cm2 / 100.0 * SMP_PI * r * r * p->opacity * opacity;
}

/* Density auto: the density in 40-200 dots/cm² whose predicted core tone is
 * nearest the reference (CIEDE2000) without landing darker than it; when
 * no density reaches it, the dilution moves too, and the note says so. */
static double auto_density(smp_report *rep, const smp_shade *sh, const smp_params *p, double *dilution,
                           float pig[3])
{
    const double lo = 40, hi = 200;
    double best_d = lo, best = INFINITY;
    for (int step = 0; step <= (int)((hi - lo) * 2); step++) {
        double d = lo + 0.5 * step;
        double lab[3];
        smp__predict_core(sh, pig, ink_fraction(p, d), lab);
        double de = smp__delta_e2000(lab, sh->ref_lab);
        if (lab[0] < sh->ref_lab[0] - 0.3)
            de += 5; /* darker than the reference: only as a last resort */
        if (de < best) {
            best = de;
            best_d = d;
        }
    }
    rep->de_predicted = best;
    if (best <= 1.0 || *dilution < 0)
        return best_d;
    /* Out of reach at the chosen shade: at the limit, move the dilution. */
    int darker = best_d >= hi - 1e-9;
    if (!darker && best_d > lo + 1e-9)
        return best_d;
    double best_dil = *dilution;
    for (int i = 0; i <= 95; i++) {
        float trial[3];
        double lab[3], dil = i / 100.0;
        if ((darker && dil > *dilution) || (!darker && dil < *dilution))
            continue;
        smp__pigment_for_dilution(sh, dil, trial);
        smp__predict_core(sh, trial, ink_fraction(p, best_d), lab);
        double de = smp__delta_e2000(lab, sh->ref_lab) + (lab[0] < sh->ref_lab[0] - 0.3 ? 5 : 0);
        if (de < best) {
            best = de;
            best_dil = dil;
        }
    }
    *dilution = best_dil;
    smp__pigment_for_dilution(sh, best_dil, pig);
    rep->de_predicted = best;
    rep->auto_limited = 1;
    snprintf(rep->auto_note, sizeof rep->auto_note,
             darker ? "the reference is darker than SMP reaches at %.0f dots/cm² of %.2f mm dots; "
                      "residual CIEDE2000 %.1f"
                    : "the core is already near the reference at %.0f dots/cm²; residual CIEDE2000 %.1f",
             best_d, darker ? p->dot_mm : best, best);
    if (!darker)
        snprintf(rep->auto_note, sizeof rep->auto_note,
                 "the core is already as dark as the reference at the lowest density (%.0f dots/cm²); "
                 "residual CIEDE2000 %.1f", best_d, best);
    return best_d;
}

/* The core cell (or, without a core, the dot) nearest the centroid of them
 * all: a point that is treated even when the mask is a crescent. */
static void focus_candidate(const smp_result *res, const smp_shade *sh, double cell_mm, size_t i, double *x,
                            double *y)
{
    if (sh->core_cells) {
        const size_t col = i % sh->grid.gw, row = i / sh->grid.gw;
        *x = ((double)col + 0.5) * cell_mm;
        *y = ((double)row + 0.5) * cell_mm;
    } else {
        *x = res->dots[i].x_mm;
        *y = res->dots[i].y_mm;
    }
}

static void find_focus(smp_result *res, const smp_shade *sh, double cell_mm)
{
    const size_t n = sh->core_cells ? sh->grid.gw * sh->grid.gh : res->n_dots;
    double x, y, sx = 0, sy = 0, count = 0, best = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!sh->core_cells || sh->core[i]) {
            focus_candidate(res, sh, cell_mm, i, &x, &y);
            sx += x;
            sy += y;
            count++;
        }
    double *focus = res->report.focus_mm;
    const double cx = count > 0 ? sx / count : res->w_mm / 2, cy = count > 0 ? sy / count : res->h_mm / 2;
    focus[0] = cx;
    focus[1] = cy;
    for (size_t i = 0; i < n; i++)
        if (!sh->core_cells || sh->core[i]) {
            focus_candidate(res, sh, cell_mm, i, &x, &y);
            if (hypot(x - cx, y - cy) < best) {
                best = hypot(x - cx, y - cy);
                focus[0] = x;
                focus[1] = y;
            }
        }
}

/* Achieved density over the core, and the closest pair of dots. */
static void measure_dots(smp_result *res, const smp_shade *sh, double ppm)
{
    smp_report *rep = &res->report;
    const smp_coverage *g = &sh->grid;
    const double cell_mm = g->cell / ppm;
    size_t in_core = 0;
    for (size_t i = 0; i < res->n_dots && sh->core; i++) {
        size_t gx = (size_t)(res->dots[i].x_mm / cell_mm), gy = (size_t)(res->dots[i].y_mm / cell_mm);
        if (gx < g->gw && gy < g->gh)
            in_core += sh->core[gy * g->gw + gx];
    }
    rep->core_area_cm2 = sh->core_cells * cell_mm * cell_mm / 100.0;
    rep->core_density = sh->core_cells ? in_core / rep->core_area_cm2 : 0;
    find_focus(res, sh, cell_mm);
    /* Closest pair, through buckets of the sparsest possible spacing. */
    double best = INFINITY, bucket = 4 * smp__exclusion_mm(rep->density_used > 0 ? rep->density_used : 90);
    size_t bw = (size_t)(res->w_mm / bucket) + 1, bh = (size_t)(res->h_mm / bucket) + 1;
    size_t *head = malloc(bw * bh * sizeof *head), *next = malloc((res->n_dots + 1) * sizeof *next);
    if (head && next) {
        for (size_t i = 0; i < bw * bh; i++)
            head[i] = SIZE_MAX;
        for (size_t i = 0; i < res->n_dots; i++) {
            size_t g = (size_t)(res->dots[i].y_mm / bucket) * bw + (size_t)(res->dots[i].x_mm / bucket);
            next[i] = head[g];
            head[g] = i;
        }
        for (size_t i = 0; i < res->n_dots; i++) {
            long gx = (long)(res->dots[i].x_mm / bucket), gy = (long)(res->dots[i].y_mm / bucket);
            for (long y = gy - 1; y <= gy + 1; y++)
                for (long x = gx - 1; x <= gx + 1; x++) {
                    if (x < 0 || y < 0 || x >= (long)bw || y >= (long)bh)
                        continue;
                    for (size_t j = head[(size_t)y * bw + (size_t)x]; j != SIZE_MAX; j = next[j])
                        if (j > i)
                            best = fmin(best, hypot(res->dots[i].x_mm - res->dots[j].x_mm,
                                                    res->dots[i].y_mm - res->dots[j].y_mm));
                }
        }
    }
    free(head);
    free(next);
    rep->min_spacing_mm = isfinite(best) ? best : 0;
    /* rho against the hexagonal spacing for the core's achieved density */
    rep->rho = rep->core_density > 0 && isfinite(best)
                   ? best / sqrt(2.0 / (sqrt(3.0) * rep->core_density / 100.0))
                   : 0;
}

/* A mask-like image (reference, scars) as coverage on the photo's grid. */
static smp_status side_coverage(smp_result *res, const smp_image *img, const smp_image *photo, uint32_t cell,
                                const char *what, smp_coverage *out)
{
    smp_status st = smp__coverage_from_mask(out, img, photo->w, photo->h, cell, photo->orientation,
                                            &res->notes, res->msg);
    if (st != SMP_OK) {
        char detail[SMP_MSG_LEN];
        memcpy(detail, res->msg, sizeof detail);
        smp__fail(res->msg, st, "%s %s", what, detail);
    }
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
    smp_report *rep = &res->report;
    res->photo_w = photo->w;
    res->photo_h = photo->h;
    res->px_per_mm = p->px_per_mm;
    if (res->px_per_mm <= 0) {
        uint32_t short_side = photo->w < photo->h ? photo->w : photo->h;
        res->px_per_mm = short_side / ASSUMED_SHORT_SIDE_MM;
        res->assumed = 1;
    }
    const double ppm = res->px_per_mm;
    const uint32_t cell = smp__coverage_cell(ppm);
    res->w_mm = photo->w / ppm;
    res->h_mm = photo->h / ppm;

    smp_coverage cov = {0}, ref_cov = {0}, scar_cov = {0};
    smp_shade sh = {0};
    smp_status st = smp__coverage_from_mask(&cov, mask, photo->w, photo->h, cell, photo->orientation,
                                            &res->notes, res->msg);
    if (st == SMP_OK && p->reference)
        st = side_coverage(res, p->reference, photo, cell, "reference:", &ref_cov);
    if (st == SMP_OK && p->scars)
        st = side_coverage(res, p->scars, photo, cell, "scar mask:", &scar_cov);
    smp_coverage map_cov = {0};
    if (st == SMP_OK && p->density_map)
        st = side_coverage(res, p->density_map, photo, cell, "density map:", &map_cov);
    if (st == SMP_OK)
        st = smp__shade_analyze(&sh, photo, &cov, p->reference ? &ref_cov : NULL, ppm, res->msg);

    /* Pigment: given, a set dilution, or the dilution matching the hair. */
    float chosen[3];
    double dilution = -1;
    rep->have_shade = sh.have_reference;
    rep->reference_painted = p->reference != NULL;
    if (p->pigment_set || (!sh.core_cells && p->dilution < 0) || (!sh.have_reference && p->dilution < 0)) {
        for (int c = 0; c < 3; c++)
            chosen[c] = smp__srgb_to_linear(p->pigment[c]);
    } else {
        dilution = p->dilution >= 0 ? p->dilution : smp__dilution_for_colour(&sh, sh.hair_lab);
        smp__pigment_for_dilution(&sh, dilution, chosen);
    }
    double density = p->density;
    if (st == SMP_OK && p->density_auto) {
        rep->auto_used = 1;
        if (sh.have_reference && sh.core_cells)
            density = auto_density(rep, &sh, p, &dilution, chosen);
        else {
            rep->auto_limited = 1;
            snprintf(rep->auto_note, sizeof rep->auto_note,
                     "no usable reference or core: density auto kept %.0f dots/cm²", density);
            smp__note(&res->notes, "%s", rep->auto_note);
        }
        if (rep->auto_limited && sh.have_reference)
            smp__note(&res->notes, "density auto: %s", rep->auto_note);
    }
    if (st == SMP_OK && p->density_map) { /* the map sets the density inside the mask */
        if (p->range_max > 0) {
            if (p->density_auto)
                smp__note(&res->notes, "density auto gives way to the density map's range %g:%g",
                          p->range_min, p->range_max);
            density = p->range_max;
        }
        smp__scale_by_map(&cov, &map_cov, p->range_min, p->range_max, 1);
    }
    smp__coverage_free(&map_cov);
    rep->density_used = density;
    rep->dilution = dilution;
    if (st == SMP_OK && sh.have_reference)
        st = smp__existing_hair_factor(&sh, &cov, res->msg);
    if (st == SMP_OK)
        st = smp__shape_edge(&cov, p->edge, p->feather_mm, ppm, p->seed, res->msg);
    if (st == SMP_OK && cancelled(p, 0.1))
        st = smp__fail(res->msg, SMP_ERR_CANCELLED, "cancelled");
    double box[4];
    if (st == SMP_OK && smp__coverage_extent(&cov, ppm, box))
        st = sample_layers(res, p,
                           (smp_sample_in){.x0_mm = box[0], .y0_mm = box[1], .w_mm = box[2] - box[0],
                                           .h_mm = box[3] - box[1], .cov = &cov, .cov_px_per_mm = ppm,
                                           .seed = p->seed, .threads = p->threads},
                           density, p->scars ? &scar_cov : NULL, ppm);
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
        float pigments[SMP_MAX_LAYERS + 1][3];
        smp__session_pigments(sh.core_cells ? &sh : NULL, p, dilution, chosen, pigments);
        smp__linear_to_lab(pigments[0], rep->pigment);
        double size, opacity, spread;
        smp__age_effect(p->age_years, &size, &opacity, &spread);
        memcpy(res->pigments, pigments, sizeof pigments);
        res->n_pigments = p->n_layers + 1;
        res->n_layers = p->n_layers;
        res->show_session = p->show_session;
        res->spread_mm = spread;
        st = smp__render(res->after, res->dots, res->n_dots, ppm, (const float(*)[3])pigments,
                         res->n_pigments, p->show_session, smp__sigma_px(spread, ppm), p->threads, res->msg);
    }
    if (st == SMP_OK && sh.core_cells) {
        memcpy(rep->skin, sh.skin_lab, sizeof rep->skin);
        memcpy(rep->hair, sh.hair_lab, sizeof rep->hair);
        memcpy(rep->reference, sh.ref_lab, sizeof rep->reference);
        memcpy(rep->reference_photographed, sh.ref_raw_lab, sizeof rep->reference_photographed);
        memcpy(rep->core_before, sh.core_before_lab, sizeof rep->core_before);
        rep->ref_cells = sh.ref_cells;
        rep->ref_accepted = sh.ref_accepted;
        st = smp__core_tone(&sh, res->after, ppm, rep->core_after, res->msg);
        if (sh.have_reference) {
            rep->de_before = smp__delta_e2000(rep->core_before, rep->reference);
            rep->de_after = smp__delta_e2000(rep->core_after, rep->reference);
        }
    }
    if (st == SMP_OK)
        measure_dots(res, &sh, ppm);
    if (st == SMP_OK)
        st = smp__keep_zones(res, &sh, ppm);
    if (st == SMP_OK && res->n_dots == 0)
        smp__note(&res->notes, "the mask selects nothing to treat: no dots placed");
    smp__shade_free(&sh);
    smp__coverage_free(&cov);
    smp__coverage_free(&ref_cov);
    smp__coverage_free(&scar_cov);
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
    res->report.density_used = density;
    if (st == SMP_OK && box[2] > box[0] && box[3] > box[1])
        st = sample_layers(res, p,
                           (smp_sample_in){.x0_mm = box[0], .y0_mm = box[1], .w_mm = box[2] - box[0],
                                           .h_mm = box[3] - box[1], .cov = density_map ? &cov : NULL,
                                           .cov_px_per_mm = map_px_per_mm, .seed = p->seed,
                                           .threads = p->threads},
                           density, NULL, 1.0);
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
    case SMP_COLOUR_CORE_AFTER: src = r->core_after; break;
    }
    if (!src || !known)
        return 0;
    lab[0] = src[0];
    lab[1] = src[1];
    lab[2] = src[2];
    return 1;
}
