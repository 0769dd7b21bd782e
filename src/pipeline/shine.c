/* SPDX-License-Identifier: BSD-2-Clause */
/* Diffuse / specular separation (the dichromatic reflection model).
 *
 * Per pixel, in linear light, I_c = m * chroma_c + s: least squares over
 * the three channels gives, with S = sum I and P = chroma . I and
 * cc = chroma . chroma (sum chroma = 1),
 *     s = (S cc - P) / (3 cc - 1),   m = S - 3 s,
 * clamped to 0 <= s <= min_c I_c. That alone calls every desaturated pixel
 * shine: grey and dark hair, pale patches, JPEG chroma noise. Shine is a
 * surface highlight, so s is kept only where the pixel is also brighter
 * than the diffuse skin around it: the local level L is the median
 * brightness S of skin-coloured pixels in blocks of about 1/40 of the box's
 * short side (a few mm on a crown photo), read bilinearly between block
 * centres. A pixel's s is at most (S - L) / 3 (the light above the skin
 * around it, spread over three channels) unless a channel nears clipping
 * (TOP_LO to TOP_HI, where S no longer tells the light), and is faded in
 * as S / L rises from GATE_LO to GATE_HI, which is where ordinary skin
 * mottling ends; a small floor then takes off the remaining chroma noise. */
#include "shine.h"
#include "color.h"
#include "image.h"
#include "select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define CLIP8 250         /* an 8-bit channel at or above this may be clipped */
#define CHROMA_BINS 4096  /* chromaticity histogram: 1/4096 resolution */
#define LEVEL_BINS 3072   /* brightness S (0..3) histogram */
#define DARK_SHARE 0.5    /* pixels under this share of the 80th-percentile S are hair */
#define BRIGHT_Q 0.95     /* the brightest 5 % may hold highlights: left out of the chroma */
#define SKIN_T_LO 0.8     /* skin-coloured: chroma projected on skin's, 1 = skin, 0 = grey */
#define SKIN_T_HI 1.6
#define BLOCK_DIV 40      /* block side = the box's short side / BLOCK_DIV ... */
#define BLOCK_MIN 16      /* ... within these, px */
#define BLOCK_MAX 96
#define SKIN_SHARE 0.1    /* a block needs this share of skin pixels for its own level */
#define GATE_LO 1.08      /* S / L where shine starts to count ... */
#define GATE_HI 1.16      /* ... and where it counts fully */
#define SKIN_LO 0.4       /* the diffuse part over L where shine starts to count ... */
#define SKIN_HI 0.7       /* ... and where it counts fully: hair shows no skin under it */
#define BRIGHT_LO 1.1     /* S / L from where a pixel counts as a highlight ... */
#define BRIGHT_HI 1.3     /* ... whatever its colour (hair is not that much brighter than skin) */
#define TOP_LO 0.84f      /* linear channel (8-bit 237) from where a pixel may be clipped ... */
#define TOP_HI 0.96f      /* ... (251): there the colour alone tells the shine */
#define FLOOR 0.01        /* noise floor, a share of the local level per channel (L / 3) */
/* Medians of many pixels read every other row and column: the chroma's over
 * a box of SPARSE_PX or more (a quarter of a million pixels still puts its
 * median within a bin of 1/4096), a block's level in blocks of SPARSE_B px
 * or more (hundreds of pixels a block). Smaller photos read every pixel. */
#define SPARSE_PX (1u << 20)
#define SPARSE_B 32

typedef struct shine_ctx {
    const smp_image *img;
    uint32_t x0, y0, w, h;
    const float *lin; /* smp__srgb_linear_table */
    float c[3], cc, den; /* chroma, chroma . chroma, 3 cc - 1 */
} shine_ctx;

static smp_status ctx_init(shine_ctx *k, const smp_image *img, const uint32_t box[4], char *msg)
{
    if (!img || !img->px || !box)
        return smp__fail(msg, SMP_ERR_ARG, "no image or box for the shine map");
    if (box[2] == 0 || box[3] == 0 || (uint64_t)box[0] + box[2] > img->w || (uint64_t)box[1] + box[3] > img->h)
        return smp__fail(msg, SMP_ERR_ARG, "box %ux%u at (%u, %u) is not inside the %ux%u image", box[2], box[3],
                         box[0], box[1], img->w, img->h);
    k->img = img;
    k->x0 = box[0];
    k->y0 = box[1];
    k->w = box[2];
    k->h = box[3];
    k->lin = smp__srgb_linear_table();
    return SMP_OK;
}

/* fminf for values that are never NaN, inline: libm's call was a tenth of
 * the per-pixel cost here. */
static inline float min_f(float a, float b) { return b < a ? b : a; }

/* The 8-bit samples of box pixel (x, y); grey images repeat their one channel. */
static inline const uint8_t *px_at(const shine_ctx *k, uint32_t x, uint32_t y)
{
    const smp_image *m = k->img;
    return m->px + (((size_t)(k->y0 + y) * m->w) + k->x0 + x) * (size_t)m->ch;
}

static inline void px_linear(const shine_ctx *k, const uint8_t *p, int grey, float I[3])
{
    I[0] = k->lin[p[0]];
    I[1] = k->lin[p[grey ? 0 : 1]];
    I[2] = k->lin[p[grey ? 0 : 2]];
}

static inline bool clipped(const uint8_t *p, int grey)
{
    return p[0] >= CLIP8 || (!grey && (p[1] >= CLIP8 || p[2] >= CLIP8));
}

/* The value below which a share q of the histogram's count lies, in bins. */
static double hist_quantile(const uint32_t *hist, int bins, uint64_t total, double q)
{
    uint64_t want = (uint64_t)(q * (double)total), run = 0;
    for (int i = 0; i < bins; i++) {
        run += hist[i];
        if (run > want)
            return i + 0.5;
    }
    return bins - 0.5;
}

/* The bin (as hist_quantile gives it) at the median of the histogram's
 * count in bins lo..hi; hi when that is empty. */
static double median_between(const uint32_t *hist, double lo, double hi)
{
    uint64_t in = 0, run = 0;
    for (int b = 0; b < LEVEL_BINS; b++)
        in += b >= lo && b <= hi ? hist[b] : 0;
    for (int b = 0; b < LEVEL_BINS && in; b++) {
        run += b >= lo && b <= hi ? hist[b] : 0;
        if (2 * run >= in)
            return b + 0.5;
    }
    return hi;
}

static inline int level_bin(float s)
{
    int b = (int)(s * (LEVEL_BINS / 3.0f));
    return b < 0 ? 0 : b >= LEVEL_BINS ? LEVEL_BINS - 1 : b;
}

static inline bool selected(const shine_ctx *k, const uint8_t *sel, uint32_t x, uint32_t y)
{
    return !sel || sel[(size_t)y * k->w + x];
}

/* Shine lifts a pixel above the skin's diffuse brightness and moves its
 * chromaticity toward grey (white light added to the skin's colour), so
 * the skin's own colour is read where shine adds least: the median
 * chromaticity of the skin no brighter than its median. Skin is what lies
 * between hair (under DARK_SHARE of the 80th percentile) and the brightest
 * BRIGHT_Q. A median over all of it is pulled toward grey as far as shine
 * fills the brighter half: on the hairline photo, whose brighter skin is
 * largely a broad sheen at the temple, red's share read 0.588, where the
 * forehead's plain skin reads 0.62 and the shaded temple 0.64 (now 0.630);
 * the sheen's top then split 50 % specular instead of 57 %. */
smp_status smp__diffuse_chroma(const smp_image *rgb, const uint32_t box[4], const uint8_t *sel, float chroma[3],
                               int threads, char *msg)
{
    shine_ctx k;
    smp_status st = ctx_init(&k, rgb, box, msg);
    if (st != SMP_OK)
        return st;
    const int grey = rgb->ch <= 2;
    uint32_t *lev = calloc(LEVEL_BINS + 2 * CHROMA_BINS, sizeof *lev);
    if (!lev)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the chroma histograms");
    uint32_t *hr = lev + LEVEL_BINS, *hg = hr + CHROMA_BINS;
    uint64_t n = 0, m = 0;
    const uint32_t step = (uint64_t)k.w * k.h >= SPARSE_PX ? 2 : 1;
    const int nt = smp__threads(threads);
    (void)nt; /* unused without OpenMP */
    /* Counts only: the rows in parallel, each thread's histograms added up. */
    SMP_OMP(omp parallel for schedule(static) num_threads(nt) reduction(+ : lev[0 : LEVEL_BINS], n))
    for (uint32_t y = 0; y < k.h; y += step) /* pass 1: brightness of the unclipped selection */
        for (uint32_t x = 0; x < k.w; x += step) {
            const uint8_t *p = px_at(&k, x, y);
            if (!selected(&k, sel, x, y) || clipped(p, grey))
                continue;
            float I[3];
            px_linear(&k, p, grey, I);
            lev[level_bin(I[0] + I[1] + I[2])]++;
            n++;
        }
    const double lo = DARK_SHARE * hist_quantile(lev, LEVEL_BINS, n, 0.8);
    const double hi = median_between(lev, lo, hist_quantile(lev, LEVEL_BINS, n, BRIGHT_Q));
    const uint32_t rows = n ? k.h : 0;
    SMP_OMP(omp parallel for schedule(static) num_threads(nt) \
            reduction(+ : hr[0 : CHROMA_BINS], hg[0 : CHROMA_BINS], m))
    for (uint32_t y = 0; y < rows; y += step) /* pass 2: chromaticity within [lo, hi] */
        for (uint32_t x = 0; x < k.w; x += step) {
            const uint8_t *p = px_at(&k, x, y);
            if (!selected(&k, sel, x, y) || clipped(p, grey))
                continue;
            float I[3];
            px_linear(&k, p, grey, I);
            const float s = I[0] + I[1] + I[2];
            const int b = level_bin(s);
            if (b < lo || b > hi || s <= 0)
                continue;
            hr[(int)min_f(I[0] / s * CHROMA_BINS, CHROMA_BINS - 1)]++;
            hg[(int)min_f(I[1] / s * CHROMA_BINS, CHROMA_BINS - 1)]++;
            m++;
        }
    if (m == 0) {
        free(lev);
        return smp__fail(msg, SMP_ERR_ARG, "no usable skin pixels for the diffuse chroma");
    }
    chroma[0] = (float)(hist_quantile(hr, CHROMA_BINS, m, 0.5) / CHROMA_BINS);
    chroma[1] = (float)(hist_quantile(hg, CHROMA_BINS, m, 0.5) / CHROMA_BINS);
    chroma[2] = 1.0f - chroma[0] - chroma[1];
    free(lev);
    return SMP_OK;
}

/* Least-squares specular amount of I (S = its sum), unclamped. */
static inline float spec_ls(const shine_ctx *k, const float I[3], float S)
{
    const float P = k->c[0] * I[0] + k->c[1] * I[1] + k->c[2] * I[2];
    return (S * k->cc - P) / k->den;
}

/* The same clamped to [0, min I]. */
static inline float spec_raw(const shine_ctx *k, const float I[3], float S)
{
    const float s = spec_ls(k, I, S);
    const float lo = min_f(I[0], min_f(I[1], I[2]));
    return s < 0 ? 0 : s > lo ? lo : s;
}

/* Skin-coloured: the pixel's chromaticity, projected on the line from grey
 * to skin's, lies near skin (t = 1 is the skin chroma, 0 grey). */
static inline bool skin_like(const shine_ctx *k, const float I[3], float S)
{
    if (S <= 1e-4f)
        return false;
    float num = 0, den = 0;
    for (int c = 0; c < 3; c++) {
        const float d = k->c[c] - 1.0f / 3;
        num += (I[c] / S - 1.0f / 3) * d;
        den += d * d;
    }
    const float t = num / den;
    return t >= SKIN_T_LO && t <= SKIN_T_HI;
}


/* Level of one block: median S of its skin pixels (every other row and
 * column of a large block), or -1 with too few;
 * *all = median S of all its unclipped pixels (a fallback), -1 if none;
 * all NULL: not wanted. */
static void block_level(const shine_ctx *k, uint32_t bx, uint32_t by, uint32_t B, float *buf, float *skin,
                        float *all)
{
    const int grey = k->img->ch <= 2;
    const uint32_t x1 = bx + B < k->w ? bx + B : k->w, y1 = by + B < k->h ? by + B : k->h;
    size_t ns = 0, na = 0, cap = (size_t)B * B, total = 0;
    const uint32_t st = B >= SPARSE_B ? 2 : 1;
    float I[3];
    for (uint32_t y = by; y < y1; y += st)
        for (uint32_t x = bx; x < x1; x += st, total++) {
            const uint8_t *p = px_at(k, x, y);
            if (clipped(p, grey))
                continue;
            px_linear(k, p, grey, I);
            const float S = I[0] + I[1] + I[2];
            if (skin_like(k, I, S))
                buf[ns++] = S;
            else
                buf[cap - 1 - na++] = S; /* the others fill from the end */
        }
    *skin = ns > 0 && (double)ns >= SKIN_SHARE * (double)total ? smp__kth_float(buf, ns, ns / 2) : -1.0f;
    if (!all)
        return;
    if (ns + na == 0) {
        *all = -1.0f;
        return;
    }
    memmove(buf + ns, buf + cap - na, na * sizeof *buf);
    *all = smp__kth_float(buf, ns + na, (ns + na) / 2);
}

/* Blocks without their own level take the mean of defined neighbours,
 * ring by ring (sequential: deterministic); with no skin block anywhere,
 * every block takes its all-pixel median. */
static void fill_levels(float *lev, const float *all, uint32_t gw, uint32_t gh, float *tmp)
{
    bool any = false;
    for (size_t i = 0; i < (size_t)gw * gh; i++)
        any |= lev[i] >= 0;
    if (!any) {
        for (size_t i = 0; i < (size_t)gw * gh; i++)
            lev[i] = all[i] > 0 ? all[i] : 1.0f;
        return;
    }
    for (bool missing = true; missing;) {
        missing = false;
        memcpy(tmp, lev, (size_t)gw * gh * sizeof *tmp);
        for (uint32_t y = 0; y < gh; y++)
            for (uint32_t x = 0; x < gw; x++) {
                if (tmp[(size_t)y * gw + x] >= 0)
                    continue;
                float sum = 0;
                int n = 0;
                for (uint32_t j = y ? y - 1 : 0; j <= y + 1 && j < gh; j++)
                    for (uint32_t i = x ? x - 1 : 0; i <= x + 1 && i < gw; i++)
                        if (tmp[(size_t)j * gw + i] >= 0) {
                            sum += tmp[(size_t)j * gw + i];
                            n++;
                        }
                lev[(size_t)y * gw + x] = n ? sum / (float)n : -1.0f;
                missing |= n == 0;
            }
    }
}

/* Each level becomes the smallest of its 3 x 3 block neighbourhood: a
 * highlight about a block wide lifts its own blocks' medians, not the
 * skin's level around it. */
static void min_levels(float *lev, uint32_t gw, uint32_t gh, float *tmp)
{
    memcpy(tmp, lev, (size_t)gw * gh * sizeof *tmp);
    for (uint32_t y = 0; y < gh; y++)
        for (uint32_t x = 0; x < gw; x++) {
            float v = tmp[(size_t)y * gw + x];
            for (uint32_t j = y ? y - 1 : 0; j <= y + 1 && j < gh; j++)
                for (uint32_t i = x ? x - 1 : 0; i <= x + 1 && i < gw; i++)
                    v = min_f(v, tmp[(size_t)j * gw + i]);
            lev[(size_t)y * gw + x] = v;
        }
}

static smp_status block_levels(const shine_ctx *k, uint32_t B, uint32_t gw, uint32_t gh, float *lev, int threads,
                               char *msg)
{
    const int nt = smp__threads(threads);
    size_t cells = (size_t)gw * gh, per = (size_t)B * B, bytes;
    float *all = malloc(cells * sizeof *all), *tmp = malloc(cells * sizeof *tmp), *bufs = NULL;
    if (smp__mul(per, (size_t)nt, &bytes) && smp__mul(bytes, sizeof *bufs, &bytes))
        bufs = malloc(bytes);
    if (!all || !tmp || !bufs) {
        free(all);
        free(tmp);
        free(bufs);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shine map's block levels");
    }
    /* The all-pixel medians only serve when no block has skin enough for
     * its own level: a second pass then, as it is rare. */
    for (int pass = 0; pass < 2; pass++) {
        SMP_OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
        for (long i = 0; i < (long)cells; i++) {
            int t = 0;
#ifdef _OPENMP
            t = omp_get_thread_num();
#endif
            const uint32_t bx = (uint32_t)((size_t)i % gw), by = (uint32_t)((size_t)i / gw);
            float skin;
            block_level(k, bx * B, by * B, B, bufs + (size_t)t * per, pass ? &skin : &lev[i], pass ? &all[i] : NULL);
        }
        bool any = false;
        for (size_t i = 0; i < cells; i++)
            any |= lev[i] >= 0;
        if (any)
            break;
    }
    fill_levels(lev, all, gw, gh, tmp);
    min_levels(lev, gw, gh, tmp);
    free(all);
    free(tmp);
    free(bufs);
    return SMP_OK;
}

/* The local level along row y: block levels interpolated between block
 * centres in y, one value per block column, into row[gw]. */
static void level_row(const float *lev, uint32_t gw, uint32_t gh, uint32_t B, uint32_t y, float *row)
{
    const float fy = ((float)y + 0.5f) / (float)B - 0.5f;
    const int j0 = fy < 0 ? 0 : (int)fy, j1 = j0 + 1 < (int)gh ? j0 + 1 : (int)gh - 1;
    const float ty = fy < 0 ? 0 : min_f(fy - (float)j0, 1.0f);
    for (uint32_t i = 0; i < gw; i++)
        row[i] = lev[(size_t)j0 * gw + i] * (1 - ty) + lev[(size_t)j1 * gw + i] * ty;
}

/* Where box column x reads a row of levels: level_at's indices and weight. */
struct smp_shine_col {
    int i0, i1;
    float tx;
};

static inline struct smp_shine_col level_col(uint32_t gw, uint32_t B, uint32_t x)
{
    const float fx = ((float)x + 0.5f) / (float)B - 0.5f;
    const int i0 = fx < 0 ? 0 : (int)fx, i1 = i0 + 1 < (int)gw ? i0 + 1 : (int)gw - 1;
    const float tx = fx < 0 ? 0 : min_f(fx - (float)i0, 1.0f);
    return (struct smp_shine_col){i0, i1, tx};
}

static inline float level_of(const float *row, struct smp_shine_col c)
{
    return row[c.i0] * (1 - c.tx) + row[c.i1] * c.tx;
}

static inline float level_at(const float *row, uint32_t gw, uint32_t B, uint32_t x)
{
    return level_of(row, level_col(gw, B, x));
}

/* 0 at or below lo, 1 at or above hi, linear between. */
static inline float ramp(float v, double lo, double hi)
{
    return v <= (float)lo ? 0.0f : v >= (float)hi ? 1.0f : (v - (float)lo) / (float)(hi - lo);
}

/* The specular amount of one pixel, given the local level L. */
static inline float spec_pixel(const shine_ctx *k, const float I[3], float L)
{
    const float S = I[0] + I[1] + I[2];
    const float r = S / L;
    if (r <= (float)GATE_LO) /* most skin: not above its surroundings */
        return 0;
    const float s = spec_raw(k, I, S);
    if (s <= 0)
        return 0;
    /* The skin under the light: about 1 on skin, near 0 on hair. A pixel far
     * brighter than the skin around it is a highlight however little skin
     * colour is left in it (a near-clipped core). */
    const float m = (S - 3 * s) / L;
    const float skin = fmaxf(ramp(m, SKIN_LO, SKIN_HI), ramp(r, BRIGHT_LO, BRIGHT_HI));
    const float gate = ramp(r, GATE_LO, GATE_HI) * skin;
    /* The light above the skin around it bounds the shine: a camera's tone
     * curve greys bright skin beyond the white light added (the crown
     * photo's sheen read 72 % shine by its colour, 35 % by its light), and
     * the diffuse skin under a sheen is not darker than all round it. Only
     * where a channel nears clipping, and S falls short of the light, does
     * the colour rule. */
    const float top = fmaxf(I[0], fmaxf(I[1], I[2]));
    const float cap = fmaxf((S - L) / 3, s * ramp(top, TOP_LO, TOP_HI));
    const float v = min_f(s * gate, cap) - (float)FLOOR * L / 3;
    return v > 0 ? v : 0;
}

/* The chroma's constants into k; SMP_ERR_ARG for a bad or grey chroma. */
static smp_status chroma_init(shine_ctx *k, const float chroma[3], char *msg)
{
    const double sum = (double)chroma[0] + chroma[1] + chroma[2];
    if (!(chroma[0] >= 0 && chroma[1] >= 0 && chroma[2] >= 0 && sum > 0))
        return smp__fail(msg, SMP_ERR_ARG, "diffuse chroma must be non-negative");
    for (int c = 0; c < 3; c++)
        k->c[c] = (float)(chroma[c] / sum);
    k->cc = k->c[0] * k->c[0] + k->c[1] * k->c[1] + k->c[2] * k->c[2];
    k->den = 3 * k->cc - 1;
    if (k->den < 1e-3f) /* chroma close to grey: diffuse and specular look alike */
        return smp__fail(msg, SMP_ERR_ARG, "diffuse chroma too close to grey to separate shine");
    return SMP_OK;
}

/* Block side and grid over the box. */
static void block_grid(const shine_ctx *k, uint32_t *B, uint32_t *gw, uint32_t *gh)
{
    uint32_t side = (k->w < k->h ? k->w : k->h) / BLOCK_DIV;
    *B = side < BLOCK_MIN ? BLOCK_MIN : side > BLOCK_MAX ? BLOCK_MAX : side;
    *gw = (k->w + *B - 1) / *B;
    *gh = (k->h + *B - 1) / *B;
}

/* One pixel's stored value, given the local level L. */
static inline uint16_t spec_value(const shine_ctx *k, const float I[3], float L)
{
    return (uint16_t)lrintf(min_f(spec_pixel(k, I, L > 1e-4f ? L : 1e-4f), 1.0f) * 65535.0f);
}

smp_status smp__specular_map(const smp_image *rgb, const uint32_t box[4], const float chroma[3], uint16_t *out,
                             int threads, char *msg)
{
    shine_ctx k;
    smp_status st = ctx_init(&k, rgb, box, msg);
    if (st != SMP_OK)
        return st;
    if (!out || !chroma)
        return smp__fail(msg, SMP_ERR_ARG, "no chroma or output for the shine map");
    size_t n;
    if (!smp__mul(k.w, k.h, &n) || !smp__mul(n, sizeof *out, &n))
        return smp__fail(msg, SMP_ERR_LIMIT, "shine map of %ux%u is too large", k.w, k.h);
    if (rgb->ch <= 2) {
        memset(out, 0, n);
        return SMP_OK;
    }
    if ((st = chroma_init(&k, chroma, msg)) != SMP_OK)
        return st;
    uint32_t B, gw, gh;
    block_grid(&k, &B, &gw, &gh);
    const int nt = smp__threads(threads);
    float *lev = malloc((size_t)gw * gh * sizeof *lev), *rows = malloc((size_t)gw * nt * sizeof *rows);
    if (!lev || !rows) {
        free(lev);
        free(rows);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shine map's levels");
    }
    st = block_levels(&k, B, gw, gh, lev, nt, msg);
    if (st == SMP_OK) {
        SMP_OMP(omp parallel for schedule(static) num_threads(nt))
        for (long y = 0; y < (long)k.h; y++) {
            int t = 0;
#ifdef _OPENMP
            t = omp_get_thread_num();
#endif
            float *row = rows + (size_t)t * gw, I[3];
            level_row(lev, gw, gh, B, (uint32_t)y, row);
            uint16_t *o = out + (size_t)y * k.w;
            for (uint32_t x = 0; x < k.w; x++) {
                px_linear(&k, px_at(&k, x, (uint32_t)y), 0, I);
                const float L = level_at(row, gw, B, x);
                o[x] = spec_value(&k, I, L);
            }
        }
    }
    free(lev);
    free(rows);
    return st;
}

smp_status smp__shine_model(const smp_image *rgb, const uint32_t box[4], const float chroma[3], smp_shine *out,
                            int threads, char *msg)
{
    shine_ctx k;
    smp_status st = ctx_init(&k, rgb, box, msg);
    if (st != SMP_OK)
        return st;
    if (!out || !chroma)
        return smp__fail(msg, SMP_ERR_ARG, "no chroma or output for the shine model");
    memset(out, 0, sizeof *out);
    if (rgb->ch <= 2)
        return smp__fail(msg, SMP_ERR_ARG, "a grey photo has no shine to separate");
    if ((st = chroma_init(&k, chroma, msg)) != SMP_OK)
        return st;
    uint32_t B, gw, gh;
    block_grid(&k, &B, &gw, &gh);
    float *lev = malloc((size_t)gw * gh * sizeof *lev);
    if (!lev)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shine's levels");
    if ((st = block_levels(&k, B, gw, gh, lev, smp__threads(threads), msg)) != SMP_OK) {
        free(lev);
        return st;
    }
    /* Each column's place among the levels, once: not a division per
     * pixel read. */
    if (!(out->col = malloc((size_t)k.w * sizeof *out->col))) {
        free(lev);
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate the shine's columns");
    }
    for (uint32_t x = 0; x < k.w; x++)
        out->col[x] = level_col(gw, B, x);
    memcpy(out->lin, k.lin, sizeof out->lin);
    memcpy(out->c, k.c, sizeof out->c);
    out->cc = k.cc;
    out->den = k.den;
    out->w = k.w;
    out->h = k.h;
    out->B = B;
    out->gw = gw;
    out->gh = gh;
    out->lev = lev;
    return SMP_OK;
}

smp_status smp__shine_copy(smp_shine *out, const smp_shine *src)
{
    *out = *src;
    const size_t nl = (size_t)src->gw * src->gh, nc = src->w;
    out->lev = src->lev ? malloc(nl * sizeof *out->lev) : NULL;
    out->col = src->col ? malloc(nc * sizeof *out->col) : NULL;
    if ((src->lev && !out->lev) || (src->col && !out->col)) {
        smp__shine_free(out);
        return SMP_ERR_NOMEM;
    }
    if (src->lev)
        memcpy(out->lev, src->lev, nl * sizeof *out->lev);
    if (src->col)
        memcpy(out->col, src->col, nc * sizeof *out->col);
    return SMP_OK;
}

void smp__shine_free(smp_shine *s)
{
    if (s) {
        free(s->lev);
        free(s->col);
        s->lev = NULL;
        s->col = NULL;
    }
}

/* The specular share of pixel p at level L, from the model's constants. */
static uint16_t model_value(const smp_shine *s, const uint8_t p[3], float L)
{
    shine_ctx k;
    memcpy(k.c, s->c, sizeof k.c);
    k.cc = s->cc;
    k.den = s->den;
    const float I[3] = {s->lin[p[0]], s->lin[p[1]], s->lin[p[2]]};
    return spec_value(&k, I, L);
}

uint16_t smp__shine_at(const smp_shine *s, const uint8_t p[3], uint32_t x, uint32_t y)
{
    const int64_t bx = (int64_t)x + s->ox, by = (int64_t)y + s->oy;
    if (!s->lev || bx < 0 || by < 0 || bx >= (int64_t)s->w || by >= (int64_t)s->h)
        return 0;
    /* level_row and level_at of one pixel: the same operations in the same
     * order, so the value is the map's to the bit. */
    const uint32_t gw = s->gw, gh = s->gh, B = s->B;
    const float fy = ((float)by + 0.5f) / (float)B - 0.5f;
    const int j0 = fy < 0 ? 0 : (int)fy, j1 = j0 + 1 < (int)gh ? j0 + 1 : (int)gh - 1;
    const float ty = fy < 0 ? 0 : min_f(fy - (float)j0, 1.0f);
    const float fx = ((float)bx + 0.5f) / (float)B - 0.5f;
    const int i0 = fx < 0 ? 0 : (int)fx, i1 = i0 + 1 < (int)gw ? i0 + 1 : (int)gw - 1;
    const float tx = fx < 0 ? 0 : min_f(fx - (float)i0, 1.0f);
    const float r0 = s->lev[(size_t)j0 * gw + i0] * (1 - ty) + s->lev[(size_t)j1 * gw + i0] * ty;
    const float r1 = s->lev[(size_t)j0 * gw + i1] * (1 - ty) + s->lev[(size_t)j1 * gw + i1] * ty;
    const float L = r0 * (1 - tx) + r1 * tx;
    return model_value(s, p, L);
}

bool smp__shine_levels(const smp_shine *s, uint32_t y, float *lev_row)
{
    const int64_t by = (int64_t)y + s->oy;
    if (!s->lev || by < 0 || by >= (int64_t)s->h)
        return false;
    level_row(s->lev, s->gw, s->gh, s->B, (uint32_t)by, lev_row);
    return true;
}

uint16_t smp__shine_px(const smp_shine *s, const float *lev_row, const uint8_t p[3], uint32_t x)
{
    /* level_at of the row's levels: shine_at's operations in its order. */
    const int64_t bx = (int64_t)x + s->ox;
    if (bx < 0 || bx >= (int64_t)s->w)
        return 0;
    const float L = level_of(lev_row, s->col[bx]);
    return model_value(s, p, L);
}

void smp__shine_span(const smp_shine *s, const float *lev_row, const uint8_t *p, uint32_t x, uint32_t n,
                     uint16_t *out)
{
    shine_ctx k;
    memcpy(k.c, s->c, sizeof k.c);
    k.cc = s->cc;
    k.den = s->den;
    for (uint32_t i = 0; i < n; i++, p += 3) {
        const int64_t bx = (int64_t)x + i + s->ox;
        if (bx < 0 || bx >= (int64_t)s->w) {
            out[i] = 0;
            continue;
        }
        const float L = level_of(lev_row, s->col[bx]);
        const float I[3] = {s->lin[p[0]], s->lin[p[1]], s->lin[p[2]]};
        out[i] = spec_value(&k, I, L);
    }
}
