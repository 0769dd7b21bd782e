/* SPDX-License-Identifier: BSD-2-Clause */
/* Dot lists as files: CSV for analysis, SVG for looking and printing. */
#include "io.h"


typedef struct dots_out {
    const smp_dot *d;
    size_t n;
    double w_mm, h_mm;
} dots_out;

static smp_status emit_csv(FILE *f, const void *ctx, char *msg)
{
    const dots_out *o = ctx;
    fputs("x_mm,y_mm,diameter_mm,layer,opacity\n", f);
    for (size_t i = 0; i < o->n; i++)
        fprintf(f, "%.6f,%.6f,%.6f,%u,%.4f\n", o->d[i].x_mm, o->d[i].y_mm, o->d[i].diameter_mm,
                (unsigned)o->d[i].layer, o->d[i].opacity);
    (void)msg;
    return SMP_OK;
}

static smp_status emit_svg(FILE *f, const void *ctx, char *msg)
{
    const dots_out *o = ctx;
    /* Physical size in mm, so it prints at scale; one group per layer. */
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.3fmm\" height=\"%.3fmm\" "
            "viewBox=\"0 0 %.3f %.3f\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
            o->w_mm, o->h_mm, o->w_mm, o->h_mm);
    int open_layer = -1;
    for (size_t i = 0; i < o->n; i++) {
        if (o->d[i].layer != open_layer) {
            if (open_layer >= 0)
                fputs("</g>\n", f);
            open_layer = o->d[i].layer;
            fprintf(f, "<g id=\"layer%d\" fill=\"#000\">\n", open_layer);
        }
        fprintf(f, "<circle cx=\"%.4f\" cy=\"%.4f\" r=\"%.4f\" fill-opacity=\"%.3f\"/>\n", o->d[i].x_mm,
                o->d[i].y_mm, o->d[i].diameter_mm / 2, o->d[i].opacity);
    }
    if (open_layer >= 0)
        fputs("</g>\n", f);
    fputs("</svg>\n", f);
    (void)msg;
    return SMP_OK;
}

smp_status smp__write_dots(const smp_dot *d, size_t n, double w_mm, double h_mm, const char *path,
                           int overwrite, char *msg)
{
    dots_out o = {d, n, w_mm, h_mm};
    if (smp_path_has_ext(path, ".csv"))
        return smp__atomic_write(path, overwrite, emit_csv, &o, msg);
    if (smp_path_has_ext(path, ".svg"))
        return smp__atomic_write(path, overwrite, emit_svg, &o, msg);
    return smp__fail(msg, SMP_ERR_ARG, "unknown output type for dots; name it .csv or .svg");
}
