/* SPDX-License-Identifier: BSD-2-Clause */
/* The metrics file: a stable JSON record of a run (schema smpsim-metrics/1). */
#include "io.h"
#include "metrics.h"
#include "params.h"

#include <math.h>
#include <stdio.h>

typedef struct metrics_ctx {
    const smp_result *res;
    const smp_params *p;
} metrics_ctx;

/* A note (at most 239 bytes, each at most 6 once escaped) as a JSON string. */
static void json_string(FILE *f, const char *s)
{
    char quoted[6 * sizeof ((smp_report *)0)->auto_note + 3];
    smp_json_quote(quoted, sizeof quoted, s);
    fputs(quoted, f);
}

static void json_lab(FILE *f, const char *name, const double lab[3], int have, int last)
{
    fprintf(f, "    \"%s\": ", name);
    if (have)
        fprintf(f, "[%.2f, %.2f, %.2f]", lab[0], lab[1], lab[2]);
    else
        fputs("null", f);
    fputs(last ? "\n" : ",\n", f);
}

/* A number, or null when it is not finite (not measured). */
static void json_number(FILE *f, double v, int decimals)
{
    if (isfinite(v))
        fprintf(f, "%.*f", decimals, v);
    else
        fputs("null", f);
}

/* The dot model as used: its optics after the look, per channel R G B. */
static void emit_model(FILE *f, const smp_result *r)
{
    const smp_optics *o = &r->optics;
    fprintf(f, "  \"model\": {\"core_mm\": %.4f, \"halo_mm\": [%.4f, %.4f, %.4f], "
               "\"halo_share\": [%.3f, %.3f, %.3f], \"gain\": [%.3f, %.3f, %.3f], "
               "\"depth\": [%.3f, %.3f, %.3f]},\n",
            o->core_mm, o->halo_mm[0], o->halo_mm[1], o->halo_mm[2], o->halo_share[0], o->halo_share[1],
            o->halo_share[2], o->gain[0], o->gain[1], o->gain[2], r->od[0][0], r->od[0][1], r->od[0][2]);
}

static void emit_stubble(FILE *f, const smp_report *rep)
{
    fputs("  \"stubble\": ", f);
    if (!rep->have_follicles) {
        fputs("null,\n", f);
        return;
    }
    fprintf(f, "{\"resolved\": %s, \"follicles_cm2\": ", rep->follicles_resolved ? "true" : "false");
    json_number(f, rep->follicles_resolved ? rep->follicles_cm2 : NAN, 1);
    fputs(", \"diameter_mm\": ", f);
    json_number(f, rep->follicles_resolved ? rep->follicle_mm : NAN, 3);
    fputs(", \"contrast\": ", f);
    json_number(f, rep->follicles_resolved ? rep->follicle_contrast : NAN, 3);
    fputs("},\n", f);
}

static void emit_realism(FILE *f, const smp_report *rep)
{
    fputs("  \"realism\": ", f);
    if (!rep->have_realism) {
        fputs("null\n", f);
        return;
    }
    fputs("{\"core_darkening\": ", f);
    json_number(f, rep->core_darkening, 4);
    fputs(", \"shine_darkening\": ", f);
    json_number(f, rep->shine_darkening, 4);
    fprintf(f, ", \"shine_px\": %zu, \"contrast\": {\"core_before\": ", rep->shine_px);
    json_number(f, rep->contrast_before, 4);
    fputs(", \"core_after\": ", f);
    json_number(f, rep->contrast_after, 4);
    fputs(", \"reference\": ", f);
    json_number(f, rep->contrast_reference, 4);
    fputs(", \"ratio\": ", f);
    json_number(f, rep->contrast_ratio, 3);
    fputs(", \"photo_blur_mm\": {\"core\": ", f);
    json_number(f, rep->blur_mm[0], 3);
    fputs(", \"reference\": ", f);
    json_number(f, rep->blur_mm[1], 3);
    fputs("}}, \"strand_max_diff\": ", f);
    json_number(f, rep->strand_max_diff, 0);
    fprintf(f, ", \"strand_px\": %zu}\n", rep->strand_px);
}

static const char *edge_name(smp_edge e)
{
    return e == SMP_EDGE_SOFT ? "soft" : e == SMP_EDGE_SHARP ? "sharp" : "broken";
}

/* The params the run used, as given (auto where they were chosen). */
static void emit_params(FILE *f, const smp_params *p, const smp_report *rep)
{
    fputs("  \"params\": {\n", f);
    if (p->density_auto)
        fputs("    \"density_cm2\": \"auto\",\n", f);
    else
        fprintf(f, "    \"density_cm2\": %.2f,\n", p->density);
    if (p->dot_auto)
        fputs("    \"dot_mm\": \"auto\",\n", f);
    else
        fprintf(f, "    \"dot_mm\": %.4f,\n", p->dot_mm);
    fprintf(f, "    \"opacity\": %.3f,\n    \"feather_mm\": %.2f,\n    \"regularity\": %.3f,\n", p->opacity,
            p->feather_mm, p->regularity);
    fprintf(f, "    \"edge\": \"%s\",\n", edge_name(p->edge));
    fputs("    \"sessions_percent\": [", f);
    for (int k = 0; k < p->n_layers; k++)
        fprintf(f, "%s%.1f", k ? ", " : "", p->layers[k]);
    fprintf(f, "],\n    \"show_session\": %d,\n", p->show_session);
    if (p->age_years < 0)
        fputs("    \"age\": \"fresh\",\n", f);
    else if (p->age_years == 0)
        fputs("    \"age\": \"healed\",\n", f);
    else
        fprintf(f, "    \"age\": \"%gy\",\n", p->age_years);
    fprintf(f, "    \"cast\": \"%s\",\n", p->cast == SMP_CAST_BLUE ? "blue" : "none");
    if (p->pigment_set)
        fprintf(f, "    \"pigment\": \"#%02x%02x%02x\",\n", p->pigment[0], p->pigment[1], p->pigment[2]);
    else
        fputs("    \"pigment\": null,\n", f);
    if (p->dilution >= 0)
        fprintf(f, "    \"dilution\": %.3f,\n", p->dilution);
    else
        fputs("    \"dilution\": null,\n", f);
    fprintf(f, "    \"reference\": \"%s\",\n    \"scars\": %s\n  },\n",
            rep->reference_painted ? "painted" : "band 3-15 mm", p->scars ? "true" : "false");
}

/* The colours (CIELAB), the reference's cells and the colour differences. */
static void emit_colours(FILE *f, const smp_report *rep)
{
    fputs("  \"colors_lab\": {\n", f);
    int core = rep->core_area_cm2 > 0 || rep->have_shade;
    json_lab(f, "skin", rep->skin, core, 0);
    json_lab(f, "hair", rep->hair, rep->have_shade, 0);
    json_lab(f, "pigment", rep->pigment, 1, 0);
    json_lab(f, "reference", rep->reference, rep->have_shade, 0);
    json_lab(f, "reference_as_photographed", rep->reference_photographed, rep->have_shade, 0);
    json_lab(f, "core_before", rep->core_before, core, 0);
    json_lab(f, "core_after", rep->core_after, core && !rep->untoned_after, 1);
    fputs("  },\n  \"reference_cells\": ", f);
    fprintf(f, "{\"in_region\": %zu, \"accepted\": %zu},\n", rep->ref_cells, rep->ref_accepted);
    fputs("  \"delta_e2000\": ", f);
    if (!rep->have_shade)
        fputs("null,\n", f);
    else {
        char after[32] = "null", predicted[32] = "null";
        if (!rep->untoned_after)
            snprintf(after, sizeof after, "%.3f", rep->de_after);
        if (rep->auto_used && isfinite(rep->de_predicted)) /* not for a fresh, aged or cast look */
            snprintf(predicted, sizeof predicted, "%.3f", rep->de_predicted);
        fprintf(f, "{\"before\": %.3f, \"after\": %s, \"predicted\": %s},\n", rep->de_before, after, predicted);
    }
}

static smp_status emit(FILE *f, const void *ctx, char *msg)
{
    const metrics_ctx *m = ctx;
    const smp_result *r = m->res;
    const smp_params *p = m->p;
    const smp_report *rep = &r->report;
    (void)msg;
    fprintf(f, "{\n  \"schema\": \"smpsim-metrics/1\",\n  \"version\": \"%s\",\n", smp_version());
    fprintf(f, "  \"seed\": %llu,\n", (unsigned long long)p->seed);
    fprintf(f, "  \"photo\": {\"width\": %u, \"height\": %u},\n", (unsigned)r->photo_w, (unsigned)r->photo_h);
    fprintf(f, "  \"scale\": {\"px_per_mm\": %.4f, \"assumed\": %s},\n", r->px_per_mm,
            r->assumed ? "true" : "false");
    emit_params(f, p, rep);
    fprintf(f, "  \"dots\": {\"total\": %zu, \"per_session\": [", r->n_dots);
    for (int k = 1; k <= p->n_layers; k++)
        fprintf(f, "%s%zu", k > 1 ? ", " : "", rep->per_session[k]);
    fprintf(f, "], \"in_pairs\": %zu, \"dot_mm\": %.4f},\n", 2 * rep->pairs, rep->dot_used);
    emit_model(f, r);
    fprintf(f, "  \"density\": {\"used_cm2\": %.2f, \"core_area_cm2\": %.3f, \"achieved_core_cm2\": ",
            rep->density_used, rep->core_area_cm2);
    json_number(f, rep->core_density, 2); /* NAN unmeasured: smp_params_set_spacing */
    fputs("},\n  \"spacing\": {\"min_mm\": ", f);
    json_number(f, rep->min_spacing_mm, 4);
    fputs(", \"rho\": ", f);
    json_number(f, rep->rho, 4);
    fputs("},\n", f);
    fprintf(f, "  \"pigment\": {\"dilution\": ");
    if (rep->dilution >= 0)
        fprintf(f, "%.3f", rep->dilution);
    else
        fputs("null", f);
    fputs("},\n", f);
    emit_colours(f, rep);
    static const char *const aims[] = {"none", "tone", "darkest"}; /* smp_aim */
    fprintf(f, "  \"auto\": {\"used\": %s, \"hit_limit\": %s, \"aim\": \"%s\", \"contrast_predicted\": ",
            rep->auto_used ? "true" : "false", rep->auto_limited ? "true" : "false", aims[rep->match_aim]);
    json_number(f, rep->contrast_predicted, 3);
    fputs(", \"note\": ", f);
    json_string(f, rep->auto_note);
    fputs("},\n", f);
    /* Every note the run gave, as the command prints them (focus, a mask
     * short of the hair, a resampled mask, the match's). */
    fputs("  \"notes\": [", f);
    for (size_t i = 0; i < r->notes.count; i++) {
        char quoted[6 * SMP_MSG_LEN + 3];
        smp_json_quote(quoted, sizeof quoted, r->notes.items[i]);
        fprintf(f, "%s%s", i ? ", " : "", quoted);
    }
    fputs("],\n", f);
    emit_stubble(f, rep);
    emit_realism(f, rep);
    fputs("}\n", f);
    return SMP_OK;
}

smp_status smp__write_metrics(const smp_result *res, const smp_params *p, const char *path, char *msg)
{
    metrics_ctx m = {res, p};
    return smp__atomic_write(path, p->overwrite, emit, &m, msg);
}
