/* Matching the client (a policy step of the pipeline).
 *
 * The treated core should look, at viewing distance, like the reference
 * (the stubble around it, as lit like the core) and never darker. Ink is
 * not free to choose: SMP-FACTS gives the practice ranges, 80-150 dots/cm²
 * in the main area (above about 200 the dots merge into a "helmet") and
 * healed triple-point dots of 0.25-0.35 mm. Inside them many settings give
 * the same tone, so the choice prefers, in order: the tone (CIEDE2000),
 * the client's own follicle density, a 0.28 mm dot, and the dilution whose
 * colour matches the hair. */
#include "match.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DENSITY_LO 80.0
#define DENSITY_HI 150.0
#define DENSITY_DEFAULT 110.0
#define DOT_LO 0.25
#define DOT_HI 0.35
#define DOT_DEFAULT 0.28
/* A user's own dot size (hairline work, research) may need more or fewer
 * dots than the main area's practice: the old auto range. */
#define FIXED_DOT_DENSITY_LO 40.0
#define FIXED_DOT_DENSITY_HI 200.0
#define FOLLICLES_MEANINGFUL 40.0 /* per cm²: half the main area's lowest practice */
#define DARKER_PENALTY 5.0  /* a core darker than the reference: only as a last resort */

void smp__layer_colour(const smp_shade *sh, const smp_optics *o, double load, double dilution, float lin[3])
{
    float od[3];
    smp__od_for_dilution(o, dilution, od);
    smp__colour_for_od(od, sh->skin_lin, load, lin);
}

static void predict_from_area(const smp_match_in *in, const double area[3], double density_cm2, double lab[3])
{
    const smp_shade *sh = in->sh;
    float lin[3];
    for (int c = 0; c < 3; c++) {
        /* The diffuse light darkens, the shine and the strands over the
         * pigment do not. */
        const double t = exp(-density_cm2 / 100.0 * area[c]);
        const double keep = in->strand_share + (1 - in->strand_share) * t;
        const double shine = fmin(in->shine_lin, sh->core_before_lin[c]);
        lin[c] = (float)((sh->core_before_lin[c] - shine) * keep + shine);
    }
    smp__linear_to_lab(lin, lab);
}

void smp__predict_core(const smp_match_in *in, const float od[3], double density_cm2, double dot_mm, double lab[3])
{
    double area[3];
    smp__optics_darkened_area(in->lut, in->optics, od, dot_mm, in->load, area);
    predict_from_area(in, area, density_cm2, lab);
}

static double hair_dilution(const smp_match_in *in)
{
    double best = 0, best_de = INFINITY;
    for (int i = 0; i <= 95; i++) {
        float lin[3];
        double lab[3];
        smp__layer_colour(in->sh, in->optics, in->load, i / 100.0, lin);
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
    double c = t->de + (t->lab[0] < ref[0] - 0.5 ? DARKER_PENALTY + (ref[0] - t->lab[0]) : 0);
    c += 0.5 * fabs(log(t->density / target_density));
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

static void search(const smp_match_in *in, const smp_match *m, double target_density, trial *best)
{
    double lo[3], hi[3], step[3];
    ranges(in, lo, hi, step);
    best->cost = INFINITY;
    for (double dil = lo[2]; dil <= hi[2] + 1e-9; dil += step[2])
        for (double dot = lo[1]; dot <= hi[1] + 1e-9; dot += step[1]) {
            float od[3];
            double area[3];
            if (dil < 0)
                memcpy(od, in->given_od, sizeof od);
            else
                smp__od_for_dilution(in->optics, dil, od);
            smp__optics_darkened_area(in->lut, in->optics, od, dot, in->load, area);
            for (double d = lo[0]; d <= hi[0] + 1e-9; d += step[0]) {
                trial t = {.density = d, .dot = dot, .dilution = dil};
                predict_from_area(in, area, d, t.lab);
                t.de = smp__delta_e2000(t.lab, in->sh->ref_lab);
                t.cost = cost_of(in, m, &t, target_density);
                if (t.cost < best->cost)
                    *best = t;
            }
        }
}

/* Says why the tone could not be met, for the consultant. */
static void explain(const smp_match_in *in, smp_match *m, const trial *t)
{
    const double ref_l = in->sh->ref_lab[0], core_l = in->sh->core_before_lab[0];
    if (t->de <= 1.0)
        return;
    m->limited = 1;
    if (core_l <= ref_l + 0.5)
        snprintf(m->note, sizeof m->note,
                 "the treated area is already as dark as its surroundings (L* %.1f vs %.1f): "
                 "a light session is enough", core_l, ref_l);
    else if (t->lab[0] > ref_l)
        snprintf(m->note, sizeof m->note,
                 "the surrounding hair is darker than SMP reaches (L* %.1f; at most %.1f with %.0f dots/cm² "
                 "of %.2f mm): shaving it shorter will blend; residual CIEDE2000 %.1f",
                 ref_l, t->lab[0], t->density, t->dot, t->de);
    else
        snprintf(m->note, sizeof m->note,
                 "the pigment's shade differs from the surroundings' (residual CIEDE2000 %.1f at %.0f dots/cm² "
                 "of %.2f mm)", t->de, t->density, t->dot);
}

void smp__match(const smp_match_in *in, smp_match *m)
{
    memset(m, 0, sizeof *m);
    m->hair_dilution = hair_dilution(in);
    /* Too few visible follicles (light or very short stubble) say nothing
     * about the density to aim for. */
    double target = in->follicles_cm2 >= FOLLICLES_MEANINGFUL ? in->follicles_cm2 : DENSITY_DEFAULT;
    target = fmin(fmax(target, DENSITY_LO), DENSITY_HI);
    trial best;
    search(in, m, target, &best);
    m->density = best.density;
    m->dot_mm = best.dot;
    m->dilution = best.dilution;
    memcpy(m->predicted_lab, best.lab, sizeof best.lab);
    m->de_predicted = best.de;
    explain(in, m, &best);
}
