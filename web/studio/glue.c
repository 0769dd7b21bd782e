/* SPDX-License-Identifier: BSD-2-Clause */
/* The studio page's bridge to the library (WebAssembly): one session
 * holding the params, the photo, its analysis, the mask, the last result
 * and the analysis cache its redraws share (smp_simulate_cached), and
 * the RGBA buffers the page's canvases exchange with it. The public API,
 * but for the render split between two workers (st_bands_*, below: the
 * renderer's band ranges, internal); the page calls the smp_params_set_*
 * setters directly. */
#include "smpsim.h"
#include "params.h"
#include "render.h"

#include <emscripten/emscripten.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct studio studio;
static smp_status fail(studio *s, smp_status st, const char *what);

struct studio {
    smp_params *p;
    smp_image *photo, *mask;
    smp_scalp *scalp;
    int analyzed;      /* the scalp analysis matches the photo (cached) */
    smp_status scalp_status;
    smp_result *res;
    smp_cache *cache;  /* the redraws' analysis, while only settings or the mask change */
    uint8_t *rgba;     /* exchange buffer: the photo in, the after image out */
    size_t rgba_len;
    uint8_t *maps;     /* the tone preview's maps (st_tone_maps) */
    uint8_t *cover;    /* its coverage under another edge style (st_tone_cover) */
    /* The redraw worker's side of a split render (st_bands_share): the
     * share of the work it keeps, the last run's split (its first band
     * left to the other worker, -1: none) and that run's inputs, for
     * drawing the rest here when the other worker fails (valid until the
     * next run); the skin maps last sent (a copy, to send them only when
     * they change). */
    double share;
    int split;
    smp_render_job job;
    smp_skin_maps job_maps;
    uint8_t *head;
    size_t head_len;
    uint8_t *sent_maps;
    size_t sent_len;
    uint32_t sent_box[4];
    /* The render-only worker's side: the skin maps it was sent and the
     * image it draws its bands on. */
    uint16_t *b_spec;
    uint8_t *b_strands;
    uint32_t b_box[4];
    smp_image *work;
    /* The last run's steps (sim.c's, one progress call after each): ms
     * each, for the page's timings. */
    double step_ms[12], step_last;
    int steps;
    char msg[512];
};

static smp_status fail(studio *s, smp_status st, const char *what)
{
    strncpy(s->msg, what ? what : smp_strerror(st), sizeof s->msg - 1);
    s->msg[sizeof s->msg - 1] = 0;
    return st;
}

EMSCRIPTEN_KEEPALIVE void st_free(studio *s)
{
    if (!s)
        return;
    smp_params_free(s->p);
    smp_image_free(s->photo);
    smp_image_free(s->mask);
    smp_scalp_free(s->scalp);
    smp_result_free(s->res);
    smp_cache_free(s->cache);
    free(s->rgba);
    free(s->maps);
    free(s->cover);
    free(s->head);
    free(s->sent_maps);
    free(s->b_spec);
    free(s->b_strands);
    smp_image_free(s->work);
    free(s);
}

/* The progress callback: each step charged the time since the call before. */
static int step_clock(void *user, double fraction)
{
    (void)fraction;
    studio *s = user;
    const double t = emscripten_get_now();
    if (s->steps < (int)(sizeof s->step_ms / sizeof *s->step_ms))
        s->step_ms[s->steps++] = t - s->step_last;
    s->step_last = t;
    return 0;
}

EMSCRIPTEN_KEEPALIVE studio *st_new(void)
{
    studio *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->p = smp_params_new();
    s->photo = smp_image_new();
    s->mask = smp_image_new();
    s->scalp = smp_scalp_new();
    s->res = smp_result_new();
    s->cache = smp_cache_new();
    if (!s->p || !s->photo || !s->mask || !s->scalp || !s->res || !s->cache) {
        st_free(s);
        return NULL;
    }
    smp_params_set_threads(s->p, 1);
    /* The page shows the image, not the core's tone after nor the dots'
     * spacing: neither measured. */
    smp_params_set_tone_after(s->p, 0);
    smp_params_set_spacing(s->p, 0);
    smp_params_set_progress(s->p, step_clock, s);
    return s;
}

EMSCRIPTEN_KEEPALIVE smp_params *st_params(studio *s) { return s->p; }
EMSCRIPTEN_KEEPALIVE const char *st_message(studio *s) { return s->msg; }
/* The seed as a double: JavaScript numbers hold integers to 2^53 exactly,
 * and a 64-bit argument would need BigInt on the page's side. */
EMSCRIPTEN_KEEPALIVE smp_status st_set_seed(studio *s, double seed)
{
    if (!(seed >= 0 && seed <= 9007199254740992.0))
        return fail(s, SMP_ERR_ARG, "the seed is 0 to 2^53 here");
    return smp_params_set_seed(s->p, (uint64_t)seed);
}


/* An exchange buffer of w x h RGBA pixels (NULL when too large or out of
 * memory); its address changes when it grows. */
EMSCRIPTEN_KEEPALIVE uint8_t *st_rgba(studio *s, uint32_t w, uint32_t h)
{
    size_t n = (size_t)w * h;
    if ((h && n / h != w) || n > SIZE_MAX / 4)
        return NULL;
    if (n * 4 > s->rgba_len) {
        uint8_t *b = realloc(s->rgba, n * 4);
        if (!b)
            return NULL;
        s->rgba = b;
        s->rgba_len = n * 4;
    }
    return s->rgba;
}

/* The exchange buffer let go (a full-size export, between taking the
 * photo and giving the after image: its memory serves the render). */
EMSCRIPTEN_KEEPALIVE void st_rgba_release(studio *s)
{
    free(s->rgba);
    s->rgba = NULL;
    s->rgba_len = 0;
}

/* The exchange buffer (w x h RGBA, as the page's canvas gives it) becomes
 * the photo, decoded from format (smp_format: JPEG matters, see
 * smp_image_set_format); the analysis and the mask are dropped. */
EMSCRIPTEN_KEEPALIVE smp_status st_set_photo(studio *s, uint32_t w, uint32_t h, int format)
{
    if ((size_t)w * h * 4 > s->rgba_len)
        return fail(s, SMP_ERR_ARG, "the photo buffer is smaller than the photo");
    smp_status st = smp_image_alloc(s->photo, w, h, 3);
    if (st != SMP_OK)
        return fail(s, st, smp_image_message(s->photo));
    uint8_t *d = smp_image_data(s->photo);
    for (size_t i = 0, n = (size_t)w * h; i < n; i++)
        memcpy(d + 3 * i, s->rgba + 4 * i, 3);
    if ((st = smp_image_set_format(s->photo, (smp_format)format)) != SMP_OK)
        return fail(s, st, "unknown image format");
    s->analyzed = 0;
    smp_cache_clear(s->cache); /* another photo: its analysis is of no use */
    smp_image_alloc(s->mask, w, h, 1);
    return SMP_OK;
}

/* The scalp analysis, made once per photo (at the params' scale). */
static smp_status analyze(studio *s)
{
    if (!s->analyzed) {
        s->scalp_status = smp_scalp_analyze(s->scalp, s->photo, s->p);
        s->analyzed = 1;
    }
    return s->scalp_status == SMP_OK ? SMP_OK : fail(s, s->scalp_status, smp_scalp_message(s->scalp));
}

/* The suggested mask replaces the mask. */
EMSCRIPTEN_KEEPALIVE smp_status st_suggest(studio *s)
{
    smp_status st = analyze(s);
    if (st != SMP_OK)
        return st;
    st = smp_scalp_mask(s->scalp, s->mask);
    return st == SMP_OK ? st : fail(s, st, smp_scalp_message(s->scalp));
}

/* The mask's grey pixels (the photo's size), for the page to paint on. */
EMSCRIPTEN_KEEPALIVE uint8_t *st_mask(studio *s) { return smp_image_data(s->mask); }

/* A mask of w x h (zeroed) in place of the photo-sized one, for a render
 * at another size than the mask was painted at: smp_simulate resamples a
 * mask of the photo's aspect ratio, as the command does a mask file. */
EMSCRIPTEN_KEEPALIVE uint8_t *st_mask_alloc(studio *s, uint32_t w, uint32_t h)
{
    return smp_image_alloc(s->mask, w, h, 1) == SMP_OK ? smp_image_data(s->mask) : NULL;
}

/* The scale the analysis estimates from the head's breadth (0: unknown). */
EMSCRIPTEN_KEEPALIVE double st_scale_estimate(studio *s)
{
    if (analyze(s) != SMP_OK)
        return 0;
    return smp_scalp_get_info(s->scalp)->px_per_mm;
}

/* A hairline through n points (xy, photo pixels) cuts the mask. */
EMSCRIPTEN_KEEPALIVE smp_status st_hairline(studio *s, const double *xy, int n)
{
    smp_status st = analyze(s);
    if (st != SMP_OK)
        return st;
    st = smp_hairline_apply(s->scalp, s->mask, xy, n);
    return st == SMP_OK ? st : fail(s, st, smp_scalp_message(s->scalp));
}

/* The whole pipeline on the photo and the mask; then st_after. */
EMSCRIPTEN_KEEPALIVE smp_status st_simulate(studio *s)
{
    smp_status st = smp_simulate(s->res, s->p, s->photo, s->mask);
    return st == SMP_OK ? st : fail(s, st, smp_result_message(s->res));
}

/* st_simulate through the session's analysis cache: the same after image
 * and dots, faster when only the settings or the mask changed. With a
 * share set (st_bands_share) the render may be split: see st_bands_split. */
EMSCRIPTEN_KEEPALIVE smp_status st_simulate_cached(studio *s)
{
    s->split = -1;
    s->steps = 0;
    s->step_last = emscripten_get_now();
    smp_status st = smp_simulate_cached(s->res, s->cache, s->p, s->photo, s->mask);
    return st == SMP_OK ? st : fail(s, st, smp_result_message(s->res));
}

/* The last st_simulate_cached's k-th step in ms (-1: no such step). */
EMSCRIPTEN_KEEPALIVE double st_step_ms(studio *s, int k) { return k >= 0 && k < s->steps ? s->step_ms[k] : -1; }

/* The dots of the params as set now, on the photo and the mask of the last
 * cached run, made ready in the cache (smp_cache_prepare) for a later
 * st_simulate_cached with those settings: one of SMP_PREPARED_* (1 made,
 * 2 held already, 3 partly: call again, 0 not kept), -1 failed (st_message). */
EMSCRIPTEN_KEEPALIVE int st_prepare(studio *s)
{
    int made = 0;
    smp_status st = smp_cache_prepare(s->cache, s->p, s->photo, s->mask, &made);
    if (st != SMP_OK) {
        fail(s, st, smp_cache_message(s->cache));
        return -1;
    }
    return made;
}

/* How many settings' dots the cache holds (bytes 0), or their bytes (1). */
EMSCRIPTEN_KEEPALIVE double st_points_held(studio *s, int bytes)
{
    size_t b;
    const size_t n = smp_cache_points_held(s->cache, &b);
    return bytes ? (double)b : (double)n;
}

/* What the last cached run took from the cache (SMP_REUSED_* flags). */
EMSCRIPTEN_KEEPALIVE int st_reused(studio *s) { return smp_cache_reused(s->cache); }

/* n RGB pixels as RGBA (alpha 255), four at a time as 32-bit words
 * (WebAssembly is little-endian: a word's first byte is its low one): the
 * byte-by-byte loop took a few ms of each redraw's answer. */
static void rgb_to_rgba(uint8_t *out, const uint8_t *in, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4, in += 12, out += 16) {
        uint32_t a, b, c;
        memcpy(&a, in, 4); /* R0 G0 B0 R1 */
        memcpy(&b, in + 4, 4); /* G1 B1 R2 G2 */
        memcpy(&c, in + 8, 4); /* B2 R3 G3 B3 */
        const uint32_t o[4] = {a | 0xff000000u, (a >> 24) | (b << 8) | 0xff000000u,
                               (b >> 16) | (c << 16) | 0xff000000u, (c >> 8) | 0xff000000u};
        memcpy(out, o, 16);
    }
    for (; i < n; i++, in += 3, out += 4) {
        memcpy(out, in, 3);
        out[3] = 255;
    }
}

/* The after image's first rows into the exchange buffer (the image's
 * size) as RGBA (NULL when none). */
EMSCRIPTEN_KEEPALIVE uint8_t *st_after_rows(studio *s, uint32_t rows)
{
    smp_image *a = smp_result_after(s->res);
    const uint32_t w = smp_image_width(a), h = smp_image_height(a);
    const int ch = smp_image_channels(a);
    uint8_t *out = w && h ? st_rgba(s, w, h) : NULL;
    if (!out)
        return NULL;
    const uint8_t *d = smp_image_cdata(a);
    const size_t n = (size_t)w * (rows < h ? rows : h);
    if (ch == 3) {
        rgb_to_rgba(out, d, n);
        return out;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *q = d + (size_t)ch * i;
        out[4 * i] = q[0];
        out[4 * i + 1] = q[ch >= 3];
        out[4 * i + 2] = q[ch >= 3 ? 2 : 0];
        out[4 * i + 3] = 255;
    }
    return out;
}

/* The whole after image into the exchange buffer as RGBA (NULL when none). */
EMSCRIPTEN_KEEPALIVE uint8_t *st_after(studio *s) { return st_after_rows(s, UINT32_MAX); }

/* The last run's dots the after image shows: those of the sessions up to
 * the one shown (the renderer leaves a later session's without ink), all
 * of them when it shows the last. */
static size_t shown_dots(const studio *s)
{
    size_t n;
    const smp_dot *d = smp_result_dots(s->res, &n);
    const int k = smp_params_show_session(s->p), layers = smp_params_layers(s->p, NULL);
    if (!d || k <= 0 || k >= layers)
        return n;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        shown += d[i].layer <= k;
    return shown;
}

/* What the last run chose or measured: 0 dots (all sessions'), 1 density
 * used (dots/cm²), 2 dot size (mm), 3 px/mm used, 4 whether assumed,
 * 5 dilution, 6 CIEDE2000 before, 7 after, 8 what the match aimed at
 * (smp_aim), 9 the dots of the session shown (all when the last). */
EMSCRIPTEN_KEEPALIVE double st_info(studio *s, int which)
{
    smp_measures m;
    if (smp_result_measures(s->res, &m) != SMP_OK)
        return -1;
    double before, after;
    smp_result_tone(s->res, &before, &after, NULL);
    switch (which) {
    case 0: return (double)m.dots;
    case 1: return m.density_used_cm2;
    case 2: return m.dot_mm;
    case 3: return smp_result_px_per_mm(s->res);
    case 4: return smp_result_px_per_mm_assumed(s->res);
    case 5: return m.dilution;
    case 6: return before;
    case 7: return after;
    case 8: return m.match_aim;
    case 9: return (double)shown_dots(s);
    default: return -1;
    }
}

/* The last run's notes, in words a consultant can pass on (the auto
 * match's reach, a mask that stops short of the hair, the photo's focus):
 * how many, and note i (NULL past the last). */
EMSCRIPTEN_KEEPALIVE int st_note_count(studio *s) { return (int)smp_result_note_count(s->res); }
EMSCRIPTEN_KEEPALIVE const char *st_note(studio *s, int i)
{
    return i >= 0 ? smp_result_note(s->res, (size_t)i) : NULL;
}

/* The last run's dots as /dotsK.csv in the engine's memory file system,
 * written by the library as `smpsim render --dots` writes them. */
EMSCRIPTEN_KEEPALIVE smp_status st_write_dots(studio *s, int k)
{
    char path[32];
    snprintf(path, sizeof path, "/dots%d.csv", k);
    smp_params_set_overwrite(s->p, 1);
    smp_status st = smp_result_write_dots(s->res, path, s->p);
    smp_params_set_overwrite(s->p, 0);
    return st == SMP_OK ? st : fail(s, st, smp_result_message(s->res));
}

/* The last run's dots as /bitsK.txt, each field's bits in hex, as the
 * tests' imgtool dotbits prints them natively: the studio's test checks
 * that the two builds agree to the last bit (the CSV rounds). */
EMSCRIPTEN_KEEPALIVE smp_status st_write_dot_bits(studio *s, int k)
{
    char path[32];
    snprintf(path, sizeof path, "/bits%d.txt", k);
    FILE *f = fopen(path, "w");
    if (!f)
        return fail(s, SMP_ERR_WRITE, "cannot write the dot bits");
    size_t n;
    const smp_dot *d = smp_result_dots(s->res, &n);
    for (size_t i = 0; i < n; i++) {
        uint64_t b[3];
        uint32_t c[4];
        memcpy(&b[0], &d[i].x_mm, 8);
        memcpy(&b[1], &d[i].y_mm, 8);
        memcpy(&b[2], &d[i].diameter_mm, 8);
        memcpy(&c[0], &d[i].opacity, 4);
        memcpy(&c[1], &d[i].aspect, 4);
        memcpy(&c[2], &d[i].angle, 4);
        memcpy(&c[3], &d[i].blur_mm, 4);
        fprintf(f, "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %08" PRIx32 " %u %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n",
                b[0], b[1], b[2], c[0], (unsigned)d[i].layer, c[1], c[2], c[3]);
    }
    return fclose(f) == 0 ? SMP_OK : fail(s, SMP_ERR_WRITE, "cannot write the dot bits");
}

/* The tone preview's maps (smp_cache_tone_maps) of the last cached run at
 * w x h, into a buffer of the session's (NULL when none: no such run, too
 * large, out of memory); valid until the next call. */
EMSCRIPTEN_KEEPALIVE uint8_t *st_tone_maps(studio *s, uint32_t w, uint32_t h)
{
    size_t n = (size_t)w * h;
    if ((h && n / h != w) || n > SIZE_MAX / 4 || !n)
        return NULL;
    free(s->maps);
    if (!(s->maps = malloc(n * 4)))
        return NULL;
    return smp_cache_tone_maps(s->cache, w, h, s->maps) == SMP_OK ? s->maps : NULL;
}

/* The coverage the dots would follow under the params' edge style at
 * w x h (smp_cache_tone_cover), or NULL when that shaping is not made. */
EMSCRIPTEN_KEEPALIVE uint8_t *st_tone_cover(studio *s, uint32_t w, uint32_t h)
{
    size_t n = (size_t)w * h;
    if ((h && n / h != w) || !n)
        return NULL;
    free(s->cover);
    if (!(s->cover = malloc(n)))
        return NULL;
    return smp_cache_tone_cover(s->cache, s->p, w, h, s->cover) == SMP_OK ? s->cover : NULL;
}

/* The darkened area per dot of dot_mm (smp_result_tone_area) of the last
 * run, its look and sessions: the three channels into out; 0 or a status. */
EMSCRIPTEN_KEEPALIVE smp_status st_tone_area(studio *s, double dot_mm, double *out)
{
    return smp_result_tone_area(s->res, s->p, dot_mm, out);
}

/* ------------------------------------------------------------------------
 * The render split between two workers. The render's bands of rows are
 * independent (render.h: smp__render_bands), so while the redraw worker
 * draws the first bands of a change's after image, a render-only worker
 * draws the rest on its own copy of the photo, from the dots and the
 * render's inputs the redraw worker posts it (smpBandsPost, worker.js)
 * once they are made; the page puts the two parts together. A part is
 * the bytes the whole render gives those rows, so the image is the same. */

/* What the render-only worker needs besides the dots (which follow it in
 * the message): both workers run this one build, so the structs' bytes. */
typedef struct bands_head {
    double ppm;
    uint32_t n, n_od, max_layer, first, w, h;
    uint32_t has_spec, has_strands;
    uint32_t box[4];
    smp_optics optics;
    float od[SMP_MAX_LAYERS + 1][3];
} bands_head;

/* Posts a job (head and dots) and, when they changed, the skin maps (0
 * lengths: unchanged), to the render-only worker; 0 when there is none. */
EM_JS(int, bands_post, (const void *head, size_t head_len, const void *dots, size_t dots_len, const void *spec,
                        size_t spec_len, const void *strands, size_t strands_len, int maps),
      { return typeof smpBandsPost === 'function' ? smpBandsPost(head, head_len, dots, dots_len, spec, spec_len,
                                                                 strands, strands_len, maps) : 0; })

/* Whether the skin maps differ from the ones last sent (kept: a copy). */
static int maps_changed(studio *s, const smp_skin_maps *m, size_t spec_len, size_t strands_len)
{
    const size_t n = spec_len + strands_len;
    if (s->sent_maps && n == s->sent_len && !memcmp(s->sent_box, m->box, sizeof s->sent_box) &&
        (!spec_len || !memcmp(s->sent_maps, m->specular, spec_len)) &&
        (!strands_len || !memcmp(s->sent_maps + spec_len, m->strands, strands_len)))
        return 0;
    free(s->sent_maps);
    s->sent_maps = malloc(n ? n : 1);
    s->sent_len = n;
    memcpy(s->sent_box, m->box, sizeof s->sent_box);
    if (!s->sent_maps)
        return -1;
    if (spec_len)
        memcpy(s->sent_maps, m->specular, spec_len);
    if (strands_len)
        memcpy(s->sent_maps + spec_len, m->strands, strands_len);
    return 1;
}

/* The render's hook (params.h: render_bands): the bands from the split on
 * go to the render-only worker, the first ones are drawn here. Not split:
 * no dots, a shine model without its map (its values are made while
 * drawing, from the photo's bytes), nothing to gain, or no worker. */
static void bands_hook(void *ctx, const smp_render_job *j, int *first, int *end)
{
    studio *s = ctx;
    const smp_skin_maps *m = j->skin;
    const int nb = smp__render_band_count(j->img->h);
    if (j->n == 0 || j->n_od < 1 || j->n_od > SMP_MAX_LAYERS + 1 || (m && !m->specular && m->shine))
        return;
    const int k = smp__render_split(j, s->share);
    if (k <= 0 || k >= nb)
        return;
    const size_t area = m ? (size_t)m->box[2] * m->box[3] : 0;
    const size_t spec_len = m && m->specular ? area * sizeof *m->specular : 0;
    const size_t strands_len = m && m->strands ? area : 0;
    if (!s->head && !(s->head = malloc(sizeof(bands_head))))
        return;
    bands_head *b = (bands_head *)s->head;
    *b = (bands_head){.ppm = j->ppm, .n = (uint32_t)j->n, .n_od = (uint32_t)j->n_od, .max_layer = (uint32_t)j->max_layer,
                      .first = (uint32_t)k, .w = j->img->w, .h = j->img->h, .has_spec = spec_len > 0, .has_strands = strands_len > 0,
                      .optics = *j->optics};
    if (m)
        memcpy(b->box, m->box, sizeof b->box);
    memcpy(b->od, j->od, (size_t)j->n_od * sizeof *j->od);
    const int changed = m ? maps_changed(s, m, spec_len, strands_len) : 0;
    if (changed < 0)
        return;
    if (!bands_post(b, sizeof *b, j->dots, j->n * sizeof *j->dots, m ? m->specular : NULL, changed ? spec_len : 0,
                    m ? m->strands : NULL, changed ? strands_len : 0, changed))
        return;
    s->job = *j;
    if (m) {
        s->job_maps = *m;
        s->job.skin = &s->job_maps;
    }
    s->split = k;
    *first = 0;
    *end = k;
}

/* The share (0..1) of a render's work the redraw worker keeps, the rest
 * posted to the render-only worker; 0: no split (the whole render here). */
EMSCRIPTEN_KEEPALIVE void st_bands_share(studio *s, double share)
{
    s->share = share;
    smp_params *p = s->p;
    p->render_bands = share > 0 && share < 1 ? bands_hook : NULL;
    p->render_bands_ctx = s;
    s->sent_len = 0;
    free(s->sent_maps); /* a new render-only worker has no maps yet */
    s->sent_maps = NULL;
}

/* The share changed, the same render-only worker (the page balances the
 * two workers' parts by when each comes: studio.js, tuneShare): the skin
 * maps it holds stay. */
EMSCRIPTEN_KEEPALIVE void st_bands_tune(studio *s, double share)
{
    if (s->p->render_bands && share > 0 && share < 1)
        s->share = share;
}

/* The last cached run's split: its first row left to the render-only
 * worker, -1 when the whole image was drawn here. */
EMSCRIPTEN_KEEPALIVE int st_bands_split(studio *s)
{
    return s->split < 0 ? -1 : s->split * SMP_RENDER_BAND;
}

/* The rest of the last run's render drawn here (the render-only worker
 * failed): the whole after image then, as one worker draws it. */
EMSCRIPTEN_KEEPALIVE smp_status st_bands_rest(studio *s)
{
    if (s->split < 0)
        return SMP_OK;
    smp_status st = smp__render_bands(&s->job, s->split, INT_MAX, s->msg);
    s->split = -1;
    return st;
}

/* Rows y0.. of the after image (RGBA, at rgba) as the render-only worker
 * drew them, into the last run's after image and the exchange buffer
 * st_after filled (for the tone preview's basis, made from it). */
EMSCRIPTEN_KEEPALIVE void st_bands_rows(studio *s, const uint8_t *rgba, uint32_t y0)
{
    smp_image *a = smp_result_after(s->res);
    const uint32_t w = smp_image_width(a), h = smp_image_height(a);
    if (smp_image_channels(a) != 3 || y0 >= h || (size_t)w * h * 4 > s->rgba_len)
        return;
    uint8_t *d = smp_image_data(a);
    const size_t from = (size_t)y0 * w, n = (size_t)w * h;
    for (size_t i = from; i < n; i++)
        memcpy(d + 3 * i, rgba + 4 * (i - from), 3);
    memcpy(s->rgba + 4 * from, rgba, 4 * (n - from));
}

/* The render-only worker: the skin maps (box-sized, malloc'd by the
 * caller, now the session's; NULL: none) for the jobs that follow, their
 * box read from the job's head that came with them. */
EMSCRIPTEN_KEEPALIVE void st_bands_maps(studio *s, const uint8_t *head, uint16_t *spec, uint8_t *strands)
{
    bands_head b;
    memcpy(&b, head, sizeof b);
    free(s->b_spec);
    free(s->b_strands);
    s->b_spec = spec;
    s->b_strands = strands;
    memcpy(s->b_box, b.box, sizeof s->b_box);
}

/* The render-only worker: a job (head and dots, as posted) drawn on the
 * photo's rows from its first band on; the rows as RGBA in the exchange
 * buffer (NULL: failed, st_message says why). */
EMSCRIPTEN_KEEPALIVE uint8_t *st_bands_render(studio *s, const uint8_t *job, size_t len)
{
    const uint32_t w = smp_image_width(s->photo), h = smp_image_height(s->photo);
    bands_head b;
    if (len < sizeof b) {
        fail(s, SMP_ERR_ARG, "a short render job");
        return NULL;
    }
    memcpy(&b, job, sizeof b);
    const uint32_t y0 = b.first * SMP_RENDER_BAND;
    if (b.w != w || b.h != h || y0 >= h || !w || b.n_od < 1 || b.n_od > SMP_MAX_LAYERS + 1 ||
        len != sizeof b + (size_t)b.n * sizeof(smp_dot) || smp_image_channels(s->photo) != 3 ||
        ((b.has_spec || b.has_strands) && memcmp(b.box, s->b_box, sizeof b.box)) || (b.has_spec && !s->b_spec) ||
        (b.has_strands && !s->b_strands)) {
        fail(s, SMP_ERR_ARG, "a render job for another photo or other maps");
        return NULL;
    }
    if (!s->work && !(s->work = smp_image_new())) {
        fail(s, SMP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if ((smp_image_width(s->work) != w || smp_image_height(s->work) != h) &&
        smp_image_alloc(s->work, w, h, 3) != SMP_OK) {
        fail(s, SMP_ERR_NOMEM, "out of memory for the render's image");
        return NULL;
    }
    /* Its rows of the photo; the render writes no others. */
    const size_t row = (size_t)w * 3;
    memcpy(smp_image_data(s->work) + y0 * row, smp_image_cdata(s->photo) + y0 * row, (h - y0) * row);
    smp_dot *dots = b.n ? malloc((size_t)b.n * sizeof *dots) : NULL;
    if (b.n && !dots) {
        fail(s, SMP_ERR_NOMEM, "out of memory for the dots");
        return NULL;
    }
    if (b.n)
        memcpy(dots, job + sizeof b, (size_t)b.n * sizeof *dots);
    const smp_skin_maps maps = {b.has_spec ? s->b_spec : NULL, b.has_strands ? s->b_strands : NULL,
                                {b.box[0], b.box[1], b.box[2], b.box[3]}, NULL};
    const smp_render_job j = {s->work, dots, b.n, b.ppm, &b.optics, (const float(*)[3])b.od, (int)b.n_od,
                              (int)b.max_layer, &maps, 1};
    smp_status st = smp__render_bands(&j, (int)b.first, INT_MAX, s->msg);
    free(dots);
    s->split = (int)b.first;
    if (st != SMP_OK)
        return NULL;
    uint8_t *out = st_rgba(s, w, h - y0);
    if (!out) {
        fail(s, SMP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    rgb_to_rgba(out, smp_image_cdata(s->work) + y0 * row, (size_t)w * (h - y0));
    return out;
}
