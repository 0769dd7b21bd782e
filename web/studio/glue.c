/* SPDX-License-Identifier: BSD-2-Clause */
/* The studio page's bridge to the library (WebAssembly): one session
 * holding the params, the photo, its analysis, the mask, the last result
 * and the analysis cache its redraws share (smp_simulate_cached), and
 * the RGBA buffers the page's canvases exchange with it. Only the public
 * API; the page calls the smp_params_set_* setters directly. */
#include "smpsim.h"

#include <emscripten/emscripten.h>
#include <inttypes.h>
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
    free(s);
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
    /* The page shows the image, not the core's tone after: not measured. */
    smp_params_set_tone_after(s->p, 0);
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
 * and dots, faster when only the settings or the mask changed. */
EMSCRIPTEN_KEEPALIVE smp_status st_simulate_cached(studio *s)
{
    smp_status st = smp_simulate_cached(s->res, s->cache, s->p, s->photo, s->mask);
    return st == SMP_OK ? st : fail(s, st, smp_result_message(s->res));
}

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

/* The after image into the exchange buffer as RGBA (NULL when none). */
EMSCRIPTEN_KEEPALIVE uint8_t *st_after(studio *s)
{
    smp_image *a = smp_result_after(s->res);
    const uint32_t w = smp_image_width(a), h = smp_image_height(a);
    const int ch = smp_image_channels(a);
    uint8_t *out = w && h ? st_rgba(s, w, h) : NULL;
    if (!out)
        return NULL;
    const uint8_t *d = smp_image_cdata(a);
    for (size_t i = 0, n = (size_t)w * h; i < n; i++) {
        const uint8_t *q = d + (size_t)ch * i;
        out[4 * i] = q[0];
        out[4 * i + 1] = q[ch >= 3];
        out[4 * i + 2] = q[ch >= 3 ? 2 : 0];
        out[4 * i + 3] = 255;
    }
    return out;
}

/* What the last run chose or measured: 0 dots, 1 density used (dots/cm²),
 * 2 dot size (mm), 3 px/mm used, 4 whether assumed, 5 dilution,
 * 6 CIEDE2000 before, 7 after. */
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

/* The darkened area per dot of dot_mm (smp_result_tone_area) of the last
 * run, its look and sessions: the three channels into out; 0 or a status. */
EMSCRIPTEN_KEEPALIVE smp_status st_tone_area(studio *s, double dot_mm, double *out)
{
    return smp_result_tone_area(s->res, s->p, dot_mm, out);
}
