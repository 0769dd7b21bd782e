/* SPDX-License-Identifier: BSD-2-Clause */
/* Matching the client (a policy step of the pipeline).
 *
 * The treated core should look, at viewing distance, like the reference
 * (the stubble around it, as lit like the core) and never darker. Ink is
 * not free to choose: SMP-FACTS gives the practice ranges, 80-150 dots/cm²
 * in the main area (above about 200 the dots merge into a "helmet") and
 * healed triple-point dots of 0.25-0.35 mm. Inside them many settings give
 * the same tone, so the choice prefers, in order: the tone (CIEDE2000),
 * the texture of the client's own stubble, the client's follicle density,
 * a 0.28 mm dot, and the dilution whose colour matches the hair.
 *
 * Texture: the same tone from fewer, darker dots reads as pepper next to
 * light or soft stubble, and from many pale ones as a wash next to dark
 * stubble. For each dilution the best-toned density and dot size are
 * found first; then those dots are drawn into a window of the core, as
 * the run will draw them, and its follicle-scale contrast (realism.h) is
 * compared with the reference's: within 0.5-2x costs little, outside it
 * costs like a visible tone error. At the winning dilution, other dot
 * sizes with their best-toned densities are tried on the side the
 * texture asks for (the 0.28 mm prior against the texture's cost).
 * Where the reference is out of focus its texture is the blur's, and
 * an in-focus core held to it reads as a coarse stipple: there the tone
 * and the priors choose. */
#include "look.h"
#include "match.h"
#include "color.h"
#include "image.h"
#include "params.h"

#include "pattern.h"
#include "realism.h"
#include "render.h"
#include "dmath.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DENSITY_LO 80.0
#define DENSITY_HI 150.0
#define DENSITY_DEFAULT 110.0
#define DOT_LO 0.25
#define DOT_HI 0.35
#define DOT_STEPS_MAX 32 /* room for the dot sizes a search steps through ((DOT_HI - DOT_LO) / 0.01 + 1) */
#define DOT_DEFAULT 0.28
/* A user's own dot size (hairline work, research) may need more or fewer
 * dots than the main area's practice: the old auto range. */
#define FIXED_DOT_DENSITY_LO 40.0
#define FIXED_DOT_DENSITY_HI SMP_MATCH_DENSITY_MAX
#define FOLLICLES_MEANINGFUL 40.0 /* per cm²: half the main area's lowest practice */
#define DARKER_PENALTY 5.0 /* a core darker than the reference: only as a last resort */
#define MAX_TRIALS 16 /* dilutions tried at once (0.15 apart from 0 to 0.9, then 4 about the best) */

/* The colour skin takes under a continuous layer of carbon black at a
 * dilution (the hair is matched against it). */
static void layer_colour(const smp_shade *sh, const smp_optics *o, double load, double dilution, float lin[3])
{
    float od[3];
    smp__od_for_dilution(o, dilution, od);
    smp__colour_for_od(od, sh->skin_lin, load, lin);
}

static void predict_from_area(const smp_match_in *in, const double area[3], double density_cm2, double lab[3])
{
    float lin[3];
    for (int c = 0; c < 3; c++) {
        /* The diffuse light darkens, the shine and the strands over the
         * pigment do not: the render is linear in the dots' transmittance,
         * so the cells about the core's median darken by their share of
         * diffuse light uncovered, exactly (match.h dark_share). */
        const double t = smp__exp(-density_cm2 * in->cover / 100.0 * area[c]);
        lin[c] = (float)(in->sh->core_before_lin[c] * (1 - in->dark_share[c] * (1 - t)));
    }
    smp__linear_to_lab(lin, lab);
}


static double hair_dilution(const smp_match_in *in)
{
    double best = 0, best_de = INFINITY;
    for (int i = 0; i <= 95; i++) {
        float lin[3];
        double lab[3];
        layer_colour(in->sh, in->optics, in->load, i / 100.0, lin);
        smp__linear_to_lab(lin, lab);
        const double de = smp__delta_e2000(lab, in->sh->hair_lab);
        if (de < best_de) {
            best_de = de;
            best = i / 100.0;
        }
    }
    return best;
}

typedef struct trial {
    double density, dot, dilution, cost, de, lab[3];
} trial;

/* The cost of a setting: the tone first, then the priors. */
static double cost_of(const smp_match_in *in, const smp_match *m, const trial *t, double target_density)
{
    const double *ref = in->sh->ref_lab;
    /* The tone at viewing distance is what the client sees first: beyond
     * CIEDE2000 1 it costs five times as much. */
    double c = t->de + 4 * (t->de > 1 ? t->de - 1 : 0) +
               (t->lab[0] < ref[0] - 0.2 ? DARKER_PENALTY + (ref[0] - t->lab[0]) : 0);
    c += 0.5 * fabs(smp__log(t->density / target_density));
    c += 0.5 * fabs(t->dot - DOT_DEFAULT) / 0.1;
    if (t->dilution >= 0)
        c += 0.5 * fabs(t->dilution - m->hair_dilution);
    return c;
}

static void ranges(const smp_match_in *in, double lo[3], double hi[3], double step[3])
{
    lo[0] = in->fix_dot ? FIXED_DOT_DENSITY_LO : DENSITY_LO;
    hi[0] = in->fix_dot ? FIXED_DOT_DENSITY_HI : DENSITY_HI;
    step[0] = 2.5;
    lo[1] = DOT_LO, hi[1] = DOT_HI, step[1] = 0.01;
    lo[2] = 0, hi[2] = 0.9, step[2] = 0.05;
    if (in->fix_density)
        lo[0] = hi[0] = in->density;
    if (in->fix_dot)
        lo[1] = hi[1] = in->dot_mm;
    if (in->fix_dilution || in->given_od)
        lo[2] = hi[2] = in->given_od ? -1 : in->dilution;
}

static void depth_for(const smp_match_in *in, double dilution, float od[3])
{
    if (dilution < 0)
        memcpy(od, in->given_od, 3 * sizeof *od);
    else
        smp__od_for_dilution(in->optics, dilution, od);
}

/* The best-toned density and dot size at one dilution. */
static void best_tone(const smp_match_in *in, const smp_match *m, double target_density, double dil,
                      const double lo[3], const double hi[3], const double step[3], trial *best)
{
    float od[3];
    depth_for(in, dil, od);
    best->cost = INFINITY;
    /* Each dot size's darkened area (an integral: most of this search's
     * time) in parallel first; the sizes are stepped as the loop below
     * steps them, and judged in that order. */
    double dots[DOT_STEPS_MAX], areas[DOT_STEPS_MAX][3];
    int n_dots = 0;
    for (double dot = lo[1]; dot <= hi[1] + 1e-9 && n_dots < DOT_STEPS_MAX; dot += step[1])
        dots[n_dots++] = dot;
    const int nt = smp__threads(in->params ? in->params->threads : 1);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
    for (int k = 0; k < n_dots; k++)
        smp__optics_darkened_area(in->optics, od, dots[k], in->load, areas[k]);
    for (int k = 0; k < n_dots; k++) {
        const double dot = dots[k], *area = areas[k];
        for (double d = lo[0]; d <= hi[0] + 1e-9; d += step[0]) {
            trial t = {.density = d, .dot = dot, .dilution = dil};
            predict_from_area(in, area, d * m->tone_scale, t.lab);
            t.de = smp__delta_e2000(t.lab, in->sh->ref_lab);
            t.cost = cost_of(in, m, &t, target_density);
            if (t.cost < best->cost)
                *best = t;
        }
    }
}

/* Texture's cost: the ratio's distance from 1, and much more beyond 2x. */
static double texture_cost(double ratio)
{
    const double l = fabs(smp__log(ratio));
    return 0.5 * l + 4.0 * (l > smp__log(2.0) ? l - smp__log(2.0) : 0);
}

/* The luminance of the window's core cells over the same before them. */
static double window_ratio(const smp_match_in *in, const smp_image *after)
{
    const smp_coverage *g = &in->patch_grid->grid;
    const float *lin = smp__srgb_linear_table();
    double ya = 0, yb = 0;
    for (uint32_t y = 0; y < after->h; y++) {
        const uint8_t *cells = in->patch_core + (size_t)(y / g->cell) * g->gw;
        const uint8_t *a = after->px + (size_t)y * after->w * 3, *b = in->patch->px + (size_t)y * after->w * 3;
        for (uint32_t x = 0; x < after->w; x++)
            if (cells[x / g->cell]) {
                ya += 0.2126 * lin[a[3 * x]] + 0.7152 * lin[a[3 * x + 1]] + 0.0722 * lin[a[3 * x + 2]];
                yb += 0.2126 * lin[b[3 * x]] + 0.7152 * lin[b[3 * x + 1]] + 0.0722 * lin[b[3 * x + 2]];
            }
    }
    return yb > 0 ? ya / yb : NAN;
}

/* The window's core cells before: mean linear colour, and the share of
 * it the pigment darkens (not the shine, not under strands), as the
 * core's are taken (sim.c). */
static void window_means(const smp_match_in *in, double lin[3], double share[3])
{
    const smp_coverage *g = &in->patch_grid->grid;
    const smp_image *b = in->patch;
    const float *tab = smp__srgb_linear_table();
    const smp_skin_maps *m = in->patch_skin;
    double sum[3] = {0, 0, 0}, dark[3] = {0, 0, 0};
    size_t n = 0;
    for (uint32_t y = 0; y < b->h; y++) {
        const uint8_t *cells = in->patch_core + (size_t)(y / g->cell) * g->gw;
        const uint8_t *p = b->px + (size_t)y * b->w * 3;
        for (uint32_t x = 0; x < b->w; x++, p += 3)
            if (cells[x / g->cell]) {
                const double l[3] = {tab[p[0]], tab[p[1]], tab[p[2]]};
                const double sh = m && m->shine ? smp__shine_at(m->shine, p, x, y) / 65535.0 : 0;
                const double s = fmin(sh, fmin(l[0], fmin(l[1], l[2])));
                const int v = smp__strand_at(m, x, y);
                const double st = smp__strand_weight(v);
                for (int c = 0; c < 3; c++) {
                    sum[c] += l[c];
                    dark[c] += (l[c] - s) * (1 - st);
                }
                n++;
            }
    }
    for (int c = 0; c < 3; c++) {
        lin[c] = n ? sum[c] / (double)n : 0;
        share[c] = sum[c] > 0 ? dark[c] / sum[c] : 1;
    }
}

/* The follicle-scale contrast of the core's window with trial dots drawn
 * into it, sampled and dressed as the run will; and, when asked, the
 * window's luminance ratio (window_ratio). */
static smp_status patch_contrast(const smp_match_in *in, const float od[3], double density, double dot, double *out,
                               double *ratio, char *msg)
{
    const smp_params *p = in->params;
    const double ppm = in->px_per_mm;
    const smp_pattern pat = {p->regularity, p->regularity >= SMP_PATTERN_MAXIMAL_RHO ? 0 : SMP_PATTERN_PAIR_SHARE,
                             dot}; /* placed as healed dots are (sim.c pattern_for) */
    smp_spts pts = {0};
    smp_dot *dots = NULL;
    smp_image *img = smp_image_new();
    smp_status st = img ? smp__image_reset(img, in->patch->w, in->patch->h, 3, 0)
                        : smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate a texture patch");
    if (st == SMP_OK)
        st = smp__pattern_sample(&pat,
                                 &(smp_sample_in){.w_mm = in->patch->w / ppm, .h_mm = in->patch->h / ppm,
                                                  .density_cm2 = density * in->cover, .seed = p->seed, .layer = 1,
                                                  .threads = 1},
                                 &pts, msg);
    if (st == SMP_OK && !(dots = malloc((pts.n + 1) * sizeof *dots)))
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate a texture patch's dots");
    if (st == SMP_OK) {
        const smp_dress dr = {.dot_mm = dot, .size = in->size, .load = in->look_load};
        smp__dress_dots(&pts, p, &dr, ppm, dots);
        for (size_t i = 0; i < pts.n; i++)
            dots[i].blur_mm = (float)in->patch_blur_mm;
        memcpy(img->px, in->patch->px, (size_t)img->w * img->h * 3);
        st = smp__render(img, dots, pts.n, ppm, in->optics, (const float(*)[3])od, 1, 0, in->patch_skin, 1, msg);
    }
    double c[2] = {NAN, NAN};
    if (st == SMP_OK)
        st = smp__texture_contrast(img, in->patch_grid, in->patch_core, NULL, ppm, in->patch_extra_px, 1, c, msg);
    *out = c[0];
    if (ratio)
        *ratio = st == SMP_OK ? window_ratio(in, img) : NAN;
    free(dots);
    smp__spts_free(&pts);
    smp_image_free(img);
    return st;
}

/* Whether trial t (listed idx) may still beat the best: a texture only
 * adds to a trial's cost, so one whose tone alone costs more than the best
 * so far (or as much, listed later) cannot win. The best only improves,
 * so a trial that cannot win now never can. */
static bool may_win(const trial *t, int idx, const trial *best, int best_idx)
{
    return t->cost < best->cost || (t->cost == best->cost && idx <= best_idx);
}

/* The texture contrasts of the n trials t[k[0..n)], one window per thread
 * (each window is drawn on one thread, its bytes its own). On failure, the
 * first failing trial's status and message. */
static smp_status contrasts(const smp_match_in *in, const trial *t, const int *k, int n, double *c, char *msg)
{
    smp_status st[MAX_TRIALS];
    char msgs[MAX_TRIALS][SMP_MSG_LEN];
    const int nt = smp__threads(in->params->threads);
    (void)nt; /* unused without OpenMP */
    SMP_OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
    for (int j = 0; j < n; j++) {
        float od[3];
        depth_for(in, t[k[j]].dilution, od);
        msgs[j][0] = '\0';
        st[j] = patch_contrast(in, od, t[k[j]].density, t[k[j]].dot, &c[j], NULL, msgs[j]);
    }
    for (int j = 0; j < n; j++)
        if (st[j] != SMP_OK) {
            memcpy(msg, msgs[j], SMP_MSG_LEN);
            return st[j];
        }
    return SMP_OK;
}

/* The trials t[order[0..k)] (listed index order[j], or base + j when
 * order is NULL) tried in that order: each that may still win gets its
 * texture's cost (when it counts) and is kept as the best when it beats
 * it (a lower cost, or the same from an earlier listed trial). The windows
 * of the next trials that may win are drawn side by side, one per thread;
 * those the ones before them put out of reach are dropped, so the winner
 * is the one trying them one by one would keep. */
static smp_status try_trials(const smp_match_in *in, smp_match *m, const trial *t, const int *order, int k, int base,
                             int textured, trial *best, int *best_idx, char *msg)
{
    const int nt = smp__threads(in->params->threads), batch_max = nt < 1 ? 1 : nt > MAX_TRIALS ? MAX_TRIALS : nt;
    for (int j = 0; j < k;) {
        int batch[MAX_TRIALS], nb = 0, next = k;
        for (int q = j; q < k && nb < batch_max; q++) {
            const int i = order ? order[q] : q;
            if (may_win(&t[i], order ? i : base + q, best, *best_idx))
                batch[nb++] = i;
            next = q + 1;
        }
        double c[MAX_TRIALS];
        if (textured && nb) {
            smp_status st = contrasts(in, t, batch, nb, c, msg);
            if (st != SMP_OK)
                return st;
        }
        for (int b = 0; b < nb; b++) {
            const int i = batch[b], idx = order ? i : base + i;
            if (!may_win(&t[i], idx, best, *best_idx))
                continue;
            trial u = t[i];
            const double ratio = textured ? c[b] / in->contrast_reference : NAN;
            if (textured)
                u.cost += texture_cost(ratio);
            if (u.cost < best->cost || (u.cost == best->cost && idx < *best_idx)) {
                *best = u;
                *best_idx = idx;
                m->contrast_ratio = ratio;
            }
        }
        j = next;
    }
    return SMP_OK;
}

/* The dilutions dil[first..n): each one's best-toned setting, then the
 * texture of those that may still win, the best-toned first (which makes
 * a later trial's window the exception). */
static smp_status try_dilutions(const smp_match_in *in, smp_match *m, double target_density, const double *dil,
                                int first, int n, const double lo[3], const double hi[3], const double step[3],
                                int textured, trial *best, int *best_idx, char *msg)
{
    trial t[MAX_TRIALS];
    int order[MAX_TRIALS], k = 0;
    for (int i = first; i < n; i++) {
        best_tone(in, m, target_density, dil[i], lo, hi, step, &t[i]);
        int j = k++; /* insertion by tone cost, listed order among equals */
        while (j > 0 && t[order[j - 1]].cost > t[i].cost) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return try_trials(in, m, t, order, k, 0, textured, best, best_idx, msg);
}

/* Along the tone's iso-line at the winning dilution: the best-toned
 * density for other dot sizes, on the side the texture asks for (larger,
 * fewer dots where the core's contrast falls short of the reference's,
 * smaller where it exceeds it), each costed with its texture. Only the
 * dilution's winner is tried this way: each try draws a window. */
static smp_status try_dot_sizes(const smp_match_in *in, smp_match *m, double target_density, const double lo[3],
                                const double hi[3], const double step[3], trial *best, int *best_idx, char *msg)
{
    static const double alt[] = {DOT_LO, 0.31, DOT_HI};
    const double ratio = m->contrast_ratio, dil = best->dilution;
    if (!(hi[1] > lo[1]) || !isfinite(ratio) || ratio == 1)
        return SMP_OK;
    const double dot0 = best->dot;
    trial t[sizeof alt / sizeof *alt];
    int n = 0;
    for (int k = 0; k < (int)(sizeof alt / sizeof *alt); k++) {
        if (ratio < 1 ? alt[k] <= dot0 + 1e-9 : alt[k] >= dot0 - 1e-9)
            continue;
        double lo1[3] = {lo[0], alt[k], lo[2]}, hi1[3] = {hi[0], alt[k], hi[2]};
        best_tone(in, m, target_density, dil, lo1, hi1, step, &t[n++]);
    }
    /* Listed after every dilution (100 on): the same cost never wins. */
    return try_trials(in, m, t, NULL, n, 100, 1, best, best_idx, msg);
}

/* The model's tone against the renderer's: the best-toned dots at the
 * hair's dilution are drawn into the core's window as the run will draw
 * them (sizes, loads and pairs varied, halos overlapping, the shine and
 * strands over them), and the window's darkening, against the model's for
 * that window (its own colour, shine and strands), scales the density
 * every prediction uses. Without it the crown photo's core came out 0.8-1
 * L* darker than predicted. The window is not the core: on the four real
 * photos it holds a tenth to a fiftieth of the core's mean shine (the
 * hairline's lies in the hair, the shine on the temple beside it), and
 * against the core's model the factor read 1.19-1.63 (1.21-1.87 once the
 * shine's diffuse colour was read from plain skin), the shine's share
 * taken for the dots'; against the window's own it reads 1.10-1.11 on
 * all four. */
static smp_status calibrate_tone(const smp_match_in *in, smp_match *m, double target_density, const double lo[3],
                                 const double hi[3], const double step[3], char *msg)
{
    trial t;
    const double dil = lo[2] < 0 ? -1 : fmin(fmax(m->hair_dilution, lo[2]), hi[2]);
    best_tone(in, m, target_density, dil, lo, hi, step, &t);
    float od[3], lin[3];
    double c, window;
    depth_for(in, dil, od);
    smp_status st = patch_contrast(in, od, t.density, t.dot, &c, &window, msg);
    if (st != SMP_OK)
        return st;
    /* The model for the window itself, so that the factor measures the dots alone. */
    double wb[3], share[3], area[3];
    window_means(in, wb, share);
    smp__optics_darkened_area(in->optics, od, t.dot, in->load, area);
    for (int c = 0; c < 3; c++)
        lin[c] = (float)(wb[c] * (1 - share[c] * (1 - smp__exp(-t.density * in->cover / 100.0 * area[c]))));
    const double yb = 0.2126 * wb[0] + 0.7152 * wb[1] + 0.0722 * wb[2];
    const double model = (0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]) / yb;
    const double k = smp__log(window) / smp__log(model);
    if (isfinite(k) && model < 0.999 && window < 1)
        m->tone_scale = fmin(fmax(k, 0.5), 2.0);
    return SMP_OK;
}

/* Dilutions 0.15 apart, then the best one's neighbours 0.05 on either side:
 * texture varies slowly with the dilution, and each try draws a window. */
static smp_status search(const smp_match_in *in, smp_match *m, double target_density, trial *best, char *msg)
{
    double lo[3], hi[3], step[3];
    ranges(in, lo, hi, step);
    const int windowed = in->patch && isfinite(in->contrast_reference) && in->contrast_reference > 0 &&
                         in->params && hi[2] > lo[2];
    const int textured = windowed && !in->reference_defocused;
    best->cost = INFINITY;
    m->contrast_ratio = NAN;
    if (windowed) {
        smp_status st = calibrate_tone(in, m, target_density, lo, hi, step, msg);
        if (st != SMP_OK)
            return st;
    }
    double dil[MAX_TRIALS];
    int n = 0, best_idx = 0;
    for (double d = lo[2]; n < 11 && d <= hi[2] + 1e-9; d += 3 * step[2])
        dil[n++] = d;
    smp_status st = try_dilutions(in, m, target_density, dil, 0, n, lo, hi, step, textured, best, &best_idx, msg);
    const double centre = best->dilution;
    const int first = n;
    for (int k = -2; st == SMP_OK && k <= 2 && hi[2] > lo[2]; k++) {
        const double d = centre + k * step[2];
        if (k != 0 && d >= lo[2] - 1e-9 && d <= hi[2] + 1e-9)
            dil[n++] = d;
    }
    if (st == SMP_OK)
        st = try_dilutions(in, m, target_density, dil, first, n, lo, hi, step, textured, best, &best_idx, msg);
    if (st == SMP_OK && textured)
        st = try_dot_sizes(in, m, target_density, lo, hi, step, best, &best_idx, msg);
    return st;
}

/* The lightness the most ink within the ranges gives: the most dots of
 * the largest size at the darkest dilution. */
static double darkest_l(const smp_match_in *in, const smp_match *m)
{
    double lo[3], hi[3], step[3], area[3], lab[3];
    ranges(in, lo, hi, step);
    float od[3];
    depth_for(in, lo[2], od);
    smp__optics_darkened_area(in->optics, od, hi[1], in->load, area);
    predict_from_area(in, area, hi[0] * m->tone_scale, lab);
    return lab[0];
}

/* Says why the tone could not be met, for the consultant. The
 * surroundings are out of reach only when even the most ink leaves the
 * core lighter: where it could go darker but the best tone stops short
 * (more ink greys the skin's colour away from the surroundings'), the
 * shade is what differs. */
static void explain(const smp_match_in *in, smp_match *m, const trial *t)
{
    const double ref_l = in->sh->ref_lab[0], core_l = in->sh->core_before_lab[0];
    double lo[3], hi[3], step[3];
    ranges(in, lo, hi, step);
    /* Met, but at either end of what auto may choose: the consultant sees
     * almost no change, or the most dots there are, and should know why. */
    if (t->de <= 1.0) {
        if (core_l - t->lab[0] < 1.0)
            snprintf(m->note, sizeof m->note,
                     "the treated area already matches its surroundings (L* %.1f vs %.1f): it barely changes; "
                     "a light session is enough", core_l, ref_l);
        else if (hi[0] > lo[0] && t->density >= hi[0] - 1e-9)
            snprintf(m->note, sizeof m->note,
                     "matching the surrounding hair (L* %.1f) takes the most dots the practice range allows "
                     "(%.0f dots/cm² of %.2f mm); more would read as a painted helmet", ref_l, t->density, t->dot);
        m->limited = m->note[0] != 0;
        return;
    }
    m->limited = 1;
    if (core_l <= ref_l + 0.5)
        snprintf(m->note, sizeof m->note,
                 "the treated area is already as dark as its surroundings (L* %.1f vs %.1f): "
                 "a light session is enough", core_l, ref_l);
    else if (t->lab[0] < ref_l - 1.0) /* only given settings go there: auto is never darker */
        snprintf(m->note, sizeof m->note,
                 "at these settings the treated area comes out darker than its surroundings (L* %.1f vs %.1f): "
                 "fewer or smaller dots, or a lighter shade, will blend", t->lab[0], ref_l);
    else if ((m->darkest = t->lab[0] > ref_l && darkest_l(in, m) > ref_l))
        snprintf(m->note, sizeof m->note,
                 "the surrounding hair is darker than SMP reaches (L* %.1f; at most %.1f with %.0f dots/cm² "
                 "of %.2f mm): shaving it shorter will blend; residual CIEDE2000 %.1f",
                 ref_l, t->lab[0], t->density, t->dot, t->de);
    else
        snprintf(m->note, sizeof m->note,
                 "the pigment's shade differs from the surroundings' (residual CIEDE2000 %.1f at %.0f dots/cm² "
                 "of %.2f mm)", t->de, t->density, t->dot);
}

smp_status smp__match(const smp_match_in *in, smp_match *m, char *msg)
{
    memset(m, 0, sizeof *m);
    m->tone_scale = 1;
    m->hair_dilution = hair_dilution(in);
    /* Too few visible follicles (light or very short stubble) say nothing
     * about the density to aim for. */
    double target = in->follicles_cm2 >= FOLLICLES_MEANINGFUL ? in->follicles_cm2 : DENSITY_DEFAULT;
    target = fmin(fmax(target, DENSITY_LO), DENSITY_HI);
    trial best;
    smp_status st = search(in, m, target, &best, msg);
    if (st != SMP_OK)
        return st;
    m->density = best.density;
    m->dot_mm = best.dot;
    m->dilution = best.dilution;
    memcpy(m->predicted_lab, best.lab, sizeof best.lab);
    m->de_predicted = best.de;
    explain(in, m, &best);
    return SMP_OK;
}
