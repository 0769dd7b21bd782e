/* SPDX-License-Identifier: BSD-2-Clause */
/* The before/after page: one self-contained HTML file with the images
 * embedded as JPEG data URLs, a divider for mouse, touch and keys, pinch
 * and wheel zoom, the labels, the caption, a session selector and the
 * close-up. No external scripts, fonts or requests: it works offline. */
#include "font.h"
#include "loupe.h"
#include "io.h"
#include "preview.h"
#include "view.h"
#include "image.h"
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_LONG_SIDE 2560 /* the images' long side unless the params set a max size */
#define HTML_LOUPE_PX 480

typedef struct page {
    const smp_result *res;
    const smp_params *p;
    const smp_image *panels[SMP_MAX_PANELS]; /* before, then the after states */
    smp_image *work[SMP_MAX_PANELS], *small[SMP_MAX_PANELS]; /* what holds them */
    int sessions[SMP_MAX_PANELS];      /* -1 before, 0 the run's after, k session k */
    int n;
    smp_image *loupe;
    smp_preview_geometry g;             /* loupe source and zoom */
    uint32_t w, h;
} page;

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

/* The image as a data URL: JPEG in memory, then base64. */
static smp_status put_image(FILE *f, const smp_image *img, int quality, char *msg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot open a memory stream");
    smp_status st = smp__jpeg_encode(img, mem, quality, msg);
    if (fclose(mem) != 0 && st == SMP_OK)
        st = smp__fail(msg, SMP_ERR_NOMEM, "cannot encode an image in memory");
    static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    fputs("data:image/jpeg;base64,", f);
    for (size_t i = 0; st == SMP_OK && i < len; i += 3) {
        const unsigned char *b = (const unsigned char *)buf + i;
        const uint32_t v = (uint32_t)b[0] << 16 | (i + 1 < len ? (uint32_t)b[1] << 8 : 0) | (i + 2 < len ? b[2] : 0);
        char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < len ? B64[v >> 6 & 63] : '=',
                     i + 2 < len ? B64[v & 63] : '='};
        fwrite(q, 1, 4, f);
    }
    free(buf);
    return st;
}

static const char STYLE[] =
    "*{box-sizing:border-box}html,body{margin:0;background:#151515;color:#eee;"
    "font:16px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "main{max-width:min(100vw,calc((100vh - 9rem) * var(--aspect)));margin:0 auto;padding:.5rem}"
    ".stage{position:relative;width:100%;aspect-ratio:var(--aspect);overflow:hidden;touch-action:none;"
    "user-select:none;-webkit-user-select:none;background:#000;cursor:ew-resize}"
    ".layer{position:absolute;inset:0;overflow:hidden}.layer img{position:absolute;left:0;top:0;width:100%;"
    "height:100%;transform-origin:0 0;pointer-events:none}.layer img[hidden]{display:none}"
    ".outline{position:absolute;border:2px solid #fff;box-shadow:0 0 0 1px #000;transform-origin:0 0;"
    "pointer-events:none}"
    ".label{position:absolute;top:.6rem;padding:.2rem .55rem;background:rgba(0,0,0,.55);color:#fff;"
    "font-weight:600;border-radius:.25rem;pointer-events:none}#label-before{left:.6rem}#label-after{right:.6rem}"
    "#divider{position:absolute;top:0;bottom:0;width:44px;margin-left:-22px;cursor:ew-resize;outline:none}"
    "#divider::before{content:'';position:absolute;left:21px;top:0;bottom:0;width:2px;background:#fff;"
    "box-shadow:0 0 0 1px rgba(0,0,0,.4)}"
    "#divider span{position:absolute;left:6px;top:50%;width:32px;height:32px;margin-top:-16px;border-radius:50%;"
    "background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.6)}"
    "#divider:focus-visible span{outline:3px solid #4da3ff}"
    ".bar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}"
    ".bar button{font:inherit;padding:.3rem .8rem;border-radius:.3rem;border:1px solid #666;background:#222;"
    "color:#eee}.bar button[aria-pressed=true]{background:#eee;color:#111}"
    ".caption{margin:.4rem 0;color:#ccc}figure{margin:.8rem 0}figure img{display:block;max-width:100%;"
    "border:2px solid #fff}figcaption{color:#bbb;font-size:.9rem}";

/* Divider by pointer (mouse, touch, pen) and keys; pinch, wheel and
 * drag-to-pan once zoomed; double-click resets. No network, no eval. */
static const char SCRIPT[] =
    "(function(){'use strict';"
    "var stage=document.getElementById('stage'),div=document.getElementById('divider'),"
    "top=document.getElementById('layer-after'),imgs=stage.querySelectorAll('.layer img'),"
    "outline=document.getElementById('outline'),pos=50,zoom=1,tx=0,ty=0,pts=new Map(),pinch=null,drag=null;"
    "function setPos(p){pos=Math.max(0,Math.min(100,p));top.style.clipPath='inset(0 0 0 '+pos+'%)';"
    "div.style.left=pos+'%';div.setAttribute('aria-valuenow',String(Math.round(pos)));}"
    "function view(){var r=stage.getBoundingClientRect();zoom=Math.max(1,Math.min(16,zoom));"
    "tx=Math.min(0,Math.max(r.width*(1-zoom),tx));ty=Math.min(0,Math.max(r.height*(1-zoom),ty));"
    "var t='translate('+tx+'px,'+ty+'px) scale('+zoom+')';imgs.forEach(function(i){i.style.transform=t;});"
    "if(outline)outline.style.transform=t;}"
    "function zoomAt(f,x,y){var r=stage.getBoundingClientRect(),px=x-r.left,py=y-r.top,nz=Math.max(1,"
    "Math.min(16,zoom*f));tx=px-(px-tx)*nz/zoom;ty=py-(py-ty)*nz/zoom;zoom=nz;view();}"
    "function posAt(x){var r=stage.getBoundingClientRect();setPos((x-r.left)/r.width*100);}"
    "stage.addEventListener('pointerdown',function(e){stage.setPointerCapture(e.pointerId);"
    "pts.set(e.pointerId,{x:e.clientX,y:e.clientY});"
    "if(pts.size===2){var a=Array.from(pts.values());pinch={d:Math.hypot(a[0].x-a[1].x,a[0].y-a[1].y)||1};drag=null;}"
    "else{var onDiv=e.target===div||div.contains(e.target);drag={divider:onDiv||zoom===1,x:e.clientX,y:e.clientY};"
    "if(drag.divider)posAt(e.clientX);}e.preventDefault();});"
    "stage.addEventListener('pointermove',function(e){if(!pts.has(e.pointerId))return;"
    "pts.set(e.pointerId,{x:e.clientX,y:e.clientY});"
    "if(pinch&&pts.size===2){var a=Array.from(pts.values()),d=Math.hypot(a[0].x-a[1].x,a[0].y-a[1].y)||1;"
    "zoomAt(d/pinch.d,(a[0].x+a[1].x)/2,(a[0].y+a[1].y)/2);pinch.d=d;}"
    "else if(drag){if(drag.divider)posAt(e.clientX);else{tx+=e.clientX-drag.x;ty+=e.clientY-drag.y;"
    "drag.x=e.clientX;drag.y=e.clientY;view();}}});"
    "function up(e){pts.delete(e.pointerId);if(pts.size<2)pinch=null;if(!pts.size)drag=null;}"
    "stage.addEventListener('pointerup',up);stage.addEventListener('pointercancel',up);"
    "stage.addEventListener('wheel',function(e){e.preventDefault();zoomAt(Math.exp(-e.deltaY*0.002),"
    "e.clientX,e.clientY);},{passive:false});"
    "stage.addEventListener('dblclick',function(){zoom=1;tx=ty=0;view();});"
    "function key(e){if(e.target.tagName==='BUTTON')return;var s=e.shiftKey?10:2;"
    "if(e.key==='ArrowLeft')setPos(pos-s);else if(e.key==='ArrowRight')setPos(pos+s);"
    "else if(e.key==='Home')setPos(0);else if(e.key==='End')setPos(100);else return;e.preventDefault();}"
    "document.addEventListener('keydown',key);"
    "document.querySelectorAll('[data-show]').forEach(function(b){b.addEventListener('click',function(){"
    "var k=b.getAttribute('data-show');document.querySelectorAll('#layer-after img').forEach(function(i){"
    "i.hidden=i.getAttribute('data-session')!==k;});document.querySelectorAll('[data-show]').forEach(function(o){"
    "o.setAttribute('aria-pressed',String(o===b));});document.getElementById('label-after').textContent="
    "b.getAttribute('data-label');});});"
    "window.addEventListener('resize',view);setPos(50);view();})();";

static smp_status emit_page(FILE *f, const void *ctx, char *msg)
{
    const page *pg = ctx;
    const smp_params *p = pg->p;
    const int q = p->jpeg_quality;
    char caption[400], text[64];
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>",
          f);
    put_escaped(f, p->caption[0] ? p->caption : "Before and after");
    fprintf(f, " · smpsim preview</title>\n<style>%s</style></head>\n<body>\n<main style=\"--aspect:%u/%u\">\n",
            STYLE, (unsigned)pg->w, (unsigned)pg->h);
    /* A treated point, in fractions of the image: where before and after differ. */
    const double *focus = pg->res->report.focus_mm, ppm = pg->res->px_per_mm;
    fprintf(f, "<div class=\"stage\" id=\"stage\" data-focus=\"%.4f,%.4f\">\n<div class=\"layer\" id=\"layer-before\">"
               "<img alt=\"Before\" src=\"",
            focus[0] * ppm / pg->w, focus[1] * ppm / pg->h);
    smp_status st = put_image(f, pg->panels[0], q, msg);
    fputs("\"></div>\n<div class=\"layer\" id=\"layer-after\">", f);
    const int shown = pg->n - 1;
    for (int i = 1; st == SMP_OK && i < pg->n; i++) {
        fprintf(f, "<img alt=\"After\" data-session=\"%d\"%s src=\"", pg->sessions[i], i == shown ? "" : " hidden");
        st = put_image(f, pg->panels[i], q, msg);
        fputs("\">", f);
    }
    if (pg->loupe)
        fprintf(f, "<div class=\"outline\" id=\"outline\" style=\"left:%.3f%%;top:%.3f%%;width:%.3f%%;height:%.3f%%\">"
                   "</div>",
                100 * pg->g.loupe_source[0] / pg->w, 100 * pg->g.loupe_source[1] / pg->h,
                100 * pg->g.loupe_source[2] / pg->w, 100 * pg->g.loupe_source[3] / pg->h);
    fputs("</div>\n<div class=\"label\" id=\"label-before\">Before</div><div class=\"label\" id=\"label-after\">", f);
    if (pg->sessions[shown] > 0)
        snprintf(text, sizeof text, "Session %d", pg->sessions[shown]);
    else
        snprintf(text, sizeof text, "After");
    fprintf(f, "%s</div>\n<div id=\"divider\" role=\"slider\" tabindex=\"0\" aria-label=\"Before and after divider\" "
               "aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"50\"><span></span></div>\n</div>\n",
            text);
    if (pg->n > 2) {
        fputs("<div class=\"bar\" role=\"group\" aria-label=\"Sessions\">", f);
        for (int i = 1; i < pg->n; i++)
            fprintf(f, "<button type=\"button\" data-show=\"%d\" data-label=\"Session %d\" aria-pressed=\"%s\">"
                       "Session %d</button>",
                    pg->sessions[i], pg->sessions[i], i == shown ? "true" : "false", pg->sessions[i]);
        fputs("</div>\n", f);
    }
    smp__preview_caption(caption, sizeof caption, pg->res, p);
    fputs("<p class=\"caption\" id=\"caption\">", f);
    put_escaped(f, caption);
    fputs("</p>\n", f);
    if (st == SMP_OK && pg->loupe) {
        fputs("<figure><img id=\"loupe\" alt=\"Close-up\" src=\"", f);
        st = put_image(f, pg->loupe, q, msg);
        fprintf(f, "\"><figcaption>Close-up ×%.1f: a %.1f mm field, the dots drawn at their true size "
                   "(outlined above)</figcaption></figure>\n",
                pg->g.loupe_zoom, pg->g.loupe_source[2] / ppm);
    }
    fprintf(f, "</main>\n<script>%s</script>\n</body></html>\n", SCRIPT);
    return st != SMP_OK ? st : ferror(f) ? smp__fail(msg, SMP_ERR_WRITE, "cannot write the page") : SMP_OK;
}

smp_status smp_preview_write_html(smp_result *res, const smp_image *photo, const char *path, const smp_params *p)
{
    if (!res)
        return SMP_ERR_ARG;
    if (!p || !photo || !photo->px || !res->after || !path)
        return smp__fail(res->msg, SMP_ERR_ARG, "a page needs a finished result, its photo, a path and params");
    if (photo->w != res->after->w || photo->h != res->after->h)
        return smp__fail(res->msg, SMP_ERR_ARG, "the photo is not the result's size");
    page pg = {.res = res, .p = p};
    const uint32_t limit = p->max_size ? p->max_size : HTML_LONG_SIDE;
    const uint32_t longer = photo->w > photo->h ? photo->w : photo->h;
    const double s = longer > limit ? (double)limit / longer : 1.0;
    pg.w = (uint32_t)fmax(1, lround(photo->w * s));
    pg.h = (uint32_t)fmax(1, lround(photo->h * s));
    smp_image *copy = NULL;
    const smp_image *rgb = NULL;
    smp_status st = smp__rgb_view(photo, &copy, &rgb);
    if (st != SMP_OK)
        smp__fail(res->msg, st, "cannot convert the photo to RGB");
    /* before, then each session (when the run has them), the last being the run's own after */
    pg.sessions[pg.n++] = -1;
    const int last = res->show_session ? res->show_session : res->n_layers;
    for (int k = 1; res->n_layers > 1 && k < last; k++)
        pg.sessions[pg.n++] = k;
    pg.sessions[pg.n++] = 0;
    for (int i = 0; st == SMP_OK && i < pg.n; i++) {
        pg.work[i] = smp_image_new();
        pg.small[i] = smp_image_new();
        st = pg.work[i] && pg.small[i] ? smp__state_image(&pg.panels[i], pg.work[i], pg.small[i], res, rgb,
                                                          pg.sessions[i], pg.w, pg.h, p->threads)
                                       : SMP_ERR_NOMEM;
        if (st != SMP_OK)
            smp__fail(res->msg, st, "%s", pg.small[i] ? pg.small[i]->msg : "out of memory");
    }
    if (res->n_layers > 1)
        pg.sessions[pg.n - 1] = last;
    /* The close-up: placed as on an image preview of the page's size. */
    bool loupe = false;
    if (st == SMP_OK && p->loupe != SMP_LOUPE_OFF &&
        (st = smp__preview_loupe_box(&pg.g, res, p, photo->w, photo->h, s, HTML_LOUPE_PX, &loupe)) != SMP_OK)
        smp__fail(res->msg, st, "cannot place the close-up: out of memory");
    if (st == SMP_OK && loupe) {
        pg.loupe = smp_image_new();
        st = pg.loupe ? smp__render_loupe(pg.loupe, res, rgb, pg.g.loupe_source, HTML_LOUPE_PX, 0, p->threads)
                      : SMP_ERR_NOMEM;
        if (st != SMP_OK)
            smp__fail(res->msg, st, "close-up: %s", pg.loupe ? pg.loupe->msg : "out of memory");
    }
    if (st == SMP_OK)
        st = smp__atomic_write(path, p->overwrite, emit_page, &pg, res->msg);
    for (int i = 0; i < pg.n; i++) {
        smp_image_free(pg.work[i]);
        smp_image_free(pg.small[i]);
    }
    smp_image_free(pg.loupe);
    smp_image_free(copy);
    return st;
}
