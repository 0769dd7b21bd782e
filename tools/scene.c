/* SPDX-License-Identifier: BSD-2-Clause */
/* The synthetic scalp scene (see scene.h).
 *
 * Skin with dome shading, mottling and pores; short stubble hairs at a known
 * density (hairs/cm²) outside an elliptical bald patch; a thinning rim where
 * the hair density falls linearly to zero; and the matching mask (white =
 * bald, grey = the thinning rim in proportion to the missing hair, black =
 * full hair). In SMP-truth mode the area around the patch carries SMP dots
 * of a known density, size and pigment instead. Deterministic for a seed. */
#include "scene.h"

#include "render.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double u01(uint64_t seed, uint64_t a, uint64_t b)
{
    return (double)(mix(mix(seed ^ mix(a)) ^ b) >> 11) * 0x1.0p-53;
}

/* Smooth value noise on a lattice of the given period (px). */
static double noise(uint64_t seed, double x, double y, double period)
{
    x /= period;
    y /= period;
    double fx = floor(x), fy = floor(y);
    double tx = x - fx, ty = y - fy;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    int64_t ix = (int64_t)fx, iy = (int64_t)fy;
    double v00 = u01(seed, (uint64_t)ix, (uint64_t)iy), v10 = u01(seed, (uint64_t)ix + 1, (uint64_t)iy);
    double v01 = u01(seed, (uint64_t)ix, (uint64_t)iy + 1);
    double v11 = u01(seed, (uint64_t)ix + 1, (uint64_t)iy + 1);
    return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
}

typedef struct geometry {
    int w, h;
    double ppm;
    double cx, cy, ax, ay; /* bald ellipse centre and semi-axes, px */
    double rim_mm;         /* width of the thinning rim outside the ellipse */
} geometry;

/* Elliptical "distance" outside the bald patch, in mm (0 inside). */
static double outside_mm(const geometry *s, double x, double y)
{
    double dx = (x - s->cx) / s->ax, dy = (y - s->cy) / s->ay;
    double q = sqrt(dx * dx + dy * dy);
    if (q <= 1)
        return 0;
    double rpx = fmin(s->ax, s->ay);
    return (q - 1) * rpx / s->ppm;
}

/* Fraction of the full hair density at a point: 0 bald, 1 full. */
static double hair_fraction(const geometry *s, double x, double y)
{
    double d = outside_mm(s, x, y);
    return d >= s->rim_mm ? 1.0 : d / s->rim_mm;
}

static void blend(float *px, const float c[3], double a)
{
    for (int k = 0; k < 3; k++)
        px[k] = (float)(px[k] * (1 - a) + c[k] * a);
}

/* A hair as a capsule from (x0,y0) to (x1,y1), half-width hw px, drawn with
 * 3 x 3 sub-sample coverage into a linear-light float buffer. */
static void draw_hair(float *buf, int w, int h, double x0, double y0, double x1, double y1,
                      double hw, const float col[3], double opacity)
{
    int bx0 = (int)floor(fmin(x0, x1) - hw - 1), bx1 = (int)ceil(fmax(x0, x1) + hw + 1);
    int by0 = (int)floor(fmin(y0, y1) - hw - 1), by1 = (int)ceil(fmax(y0, y1) + hw + 1);
    double vx = x1 - x0, vy = y1 - y0, len2 = vx * vx + vy * vy;
    for (int y = by0 < 0 ? 0 : by0; y <= by1 && y < h; y++)
        for (int x = bx0 < 0 ? 0 : bx0; x <= bx1 && x < w; x++) {
            int in = 0;
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 3; i++) {
                    double px = x + (i + 0.5) / 3, py = y + (j + 0.5) / 3;
                    double t = len2 > 0 ? ((px - x0) * vx + (py - y0) * vy) / len2 : 0;
                    t = t < 0 ? 0 : t > 1 ? 1 : t;
                    double dx = px - (x0 + t * vx), dy = py - (y0 + t * vy);
                    in += dx * dx + dy * dy <= hw * hw;
                }
            if (in)
                blend(buf + ((size_t)y * w + x) * 3, col, opacity * in / 9.0);
        }
}

static float lin(double srgb8)
{
    double s = srgb8 / 255;
    return (float)(s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4));
}

static uint8_t enc(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    double s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
    return (uint8_t)lrint(s * 255);
}


/* SMP dots placed by dart throwing at 0.8 of the hexagonal spacing for the
 * density (a plain, independent sampler: the truth should not share its
 * placement with what it tests), then thinned to the exact density; drawn
 * as optical depth by the library's dot model, on the diffuse light. */
/* The photo and mask at w x h, and the linear RGB canvas the photo is
 * painted on (NULL when any allocation fails). */
static float *scene_canvas(int w, int h, smp_image *photo, smp_image *mask)
{
    if (smp_image_alloc(photo, (uint32_t)w, (uint32_t)h, 3) != SMP_OK ||
        smp_image_alloc(mask, (uint32_t)w, (uint32_t)h, 1) != SMP_OK)
        return NULL;
    return malloc((size_t)w * h * 3 * sizeof(float));
}

/* The canvas encoded into the photo's sRGB bytes, then freed. */
static void scene_encode(float *buf, smp_image *photo)
{
    uint8_t *px = smp_image_data(photo);
    const size_t n = (size_t)smp_image_width(photo) * smp_image_height(photo) * 3;
    for (size_t i = 0; i < n; i++)
        px[i] = enc(buf[i]);
    free(buf);
}

static void draw_smp(float *buf, const scalp_scene *sc, const geometry *g)
{
    const int w = sc->width, h = sc->height;
    const double ppm = sc->px_per_mm, d_mm = 0.8 * sqrt(2.0 / (sqrt(3.0) * sc->smp_density / 100.0));
    const double cell = d_mm * ppm / sqrt(2.0);
    const int gw = (int)(w / cell) + 1, gh = (int)(h / cell) + 1;
    double *gx = malloc(sizeof *gx * (size_t)gw * gh * 2);
    smp_dot *dots = malloc(sizeof *dots * (size_t)gw * gh);
    float *depth = malloc(sizeof *depth * (size_t)w * h * 3);
    if (!gx || !dots || !depth)
        goto done;
    for (long i = 0; i < (long)gw * gh; i++)
        gx[2 * i] = -1e9;
    /* Enough darts to saturate: the count at this spacing is ~0.8-0.9 of the
     * target, so dots are thinned afterwards to the exact density. */
    const double r2 = d_mm * ppm * d_mm * ppm;
    long placed = 0, darts = (long)gw * gh * 30;
    for (long t = 0; t < darts; t++) {
        double x = u01(sc->seed, 31, (uint64_t)t) * w, y = u01(sc->seed, 32, (uint64_t)t) * h;
        if (outside_mm(g, x, y) <= 0.5)
            continue; /* the patch stays undotted, with a small margin */
        int cx = (int)(x / cell), cy = (int)(y / cell), ok = 1;
        for (int j = cy - 2; j <= cy + 2 && ok; j++)
            for (int i = cx - 2; i <= cx + 2 && ok; i++)
                if (i >= 0 && j >= 0 && i < gw && j < gh) {
                    double *q = gx + 2 * ((size_t)j * gw + i);
                    if ((q[0] - x) * (q[0] - x) + (q[1] - y) * (q[1] - y) < r2)
                        ok = 0;
                }
        if (!ok)
            continue;
        gx[2 * ((size_t)cy * gw + cx)] = x;
        gx[2 * ((size_t)cy * gw + cx) + 1] = y;
        dots[placed++] = (smp_dot){x / ppm, y / ppm, sc->smp_dot_mm, (float)sc->smp_load, 1, 1.0f, 0, 0};
    }
    /* Thin to the asked density over the dotted area. */
    double area_cm2 = 0;
    for (int y = 0; y < h; y += 4)
        for (int x = 0; x < w; x += 4)
            area_cm2 += outside_mm(g, x + 2, y + 2) > 0.5;
    area_cm2 *= 16 / (ppm * ppm * 100);
    const double keep = sc->smp_density * area_cm2 / (placed ? placed : 1);
    long kept = 0;
    for (long i = 0; i < placed; i++)
        if (u01(sc->seed, 33, (uint64_t)i) < keep)
            dots[kept++] = dots[i];
    smp_optics o;
    double size, load;
    float od[3];
    char msg[SMP_MSG_LEN];
    smp__optics_for_look(&o, 0, SMP_CAST_NONE, &size, &load);
    smp__od_for_dilution(&o, sc->smp_dilution, od);
    if (smp__depth_field(depth, (uint32_t)w, (uint32_t)h, dots, (size_t)kept, ppm, &o, od, msg) == SMP_OK)
        for (size_t i = 0; i < (size_t)w * h * 3; i++)
            buf[i] *= expf(-depth[i]);
done:
    free(depth);
    free(dots);
    free(gx);
}

int scalp_scene_make(const scalp_scene *sc, smp_image *photo, smp_image *mask)
{
    const int w = sc->width, h = sc->height;
    const double ppm = sc->px_per_mm;
    const uint64_t seed = sc->seed;
    const int truth = sc->smp_density > 0;
    geometry s = {w, h, ppm, w * 0.5, h * 0.48, w * 0.26, h * 0.27, truth ? 0.0 : 6.0};
    float *buf = scene_canvas(w, h, photo, mask), *shine = malloc((size_t)w * h * sizeof *shine);
    if (!buf || !shine) {
        free(buf);
        free(shine);
        return 1;
    }
    /* Skin: a light-medium tone, darker toward the frame's edges (the head
     * curving away), a soft highlight, mottling and pores. */
    const float skin[3] = {lin(222), lin(176), lin(148)};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double dx = (x - w * 0.5) / (w * 0.6), dy = (y - h * 0.45) / (h * 0.6);
            double dome = 1.0 - 0.35 * (dx * dx + dy * dy);
            double hl = 0.12 * exp(-((x - w * 0.45) * (x - w * 0.45) + (y - h * 0.35) * (y - h * 0.35)) /
                                   (2 * pow(w * 0.12, 2)));
            double mottle = 0.92 + 0.08 * noise(seed, x, y, 6 * ppm) + 0.04 * noise(seed + 1, x, y, 1.5 * ppm);
            float *p = buf + ((size_t)y * w + x) * 3;
            for (int k = 0; k < 3; k++)
                p[k] = (float)(skin[k] * dome * mottle);
            shine[(size_t)y * w + x] = (float)hl; /* on top of any pigment: added last */
        }
    /* Pores: about 2 per mm², 0.05-0.1 mm, slightly darker. */
    const float pore[3] = {lin(170), lin(120), lin(100)};
    long pores = lrint(2.0 * (w / ppm) * (h / ppm));
    for (long i = 0; i < pores; i++) {
        double x = u01(seed, 11, (uint64_t)i) * w, y = u01(seed, 12, (uint64_t)i) * h;
        double r = (0.025 + 0.025 * u01(seed, 13, (uint64_t)i)) * ppm;
        draw_hair(buf, w, h, x, y, x, y, r, pore, 0.35);
    }
    if (truth)
        draw_smp(buf, sc, &s);
    for (size_t i = 0; i < (size_t)w * h; i++)
        for (int k = 0; k < 3; k++)
            buf[3 * i + k] += shine[i];
    free(shine);
    /* Stubble: dark shafts 0.08 mm wide, 0.4-1.2 mm long, combed roughly one
     * way, placed by thinning a uniform field with the hair fraction. */
    const float hair[3] = {lin(46), lin(36), lin(32)};
    double area_cm2 = (w / ppm) * (h / ppm) / 100.0;
    long tries = truth ? 0 : lrint(sc->hair_density * area_cm2);
    for (long i = 0; i < tries; i++) {
        double x = u01(seed, 21, (uint64_t)i) * w, y = u01(seed, 22, (uint64_t)i) * h;
        if (u01(seed, 23, (uint64_t)i) >= hair_fraction(&s, x, y))
            continue;
        double len = (0.4 + 0.8 * u01(seed, 24, (uint64_t)i)) * ppm;
        double ang = 1.2 + 0.5 * (u01(seed, 25, (uint64_t)i) - 0.5) + 0.4 * noise(seed + 2, x, y, 20 * ppm);
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.04 * ppm, hair,
                  0.75 + 0.2 * u01(seed, 26, (uint64_t)i));
    }

    scene_encode(buf, photo);
    uint8_t *mk = smp_image_data(mask);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        double x = (double)(i % (size_t)w) + 0.5, y = (double)(i / (size_t)w) + 0.5;
        mk[i] = truth ? (outside_mm(&s, x, y) <= 0 ? 255 : 0)
                      : (uint8_t)lrint(255 * (1 - hair_fraction(&s, x, y)));
    }
    return 0;
}
/* face: the head's front is a hairless face between the temples' hair that
 * the frame's bottom edge cuts (the head centred 0.6 of its half-length
 * above that edge). */

/* patch: 0 none, 1 blue-black, 2 lit grey (see scene.h): locks on a
 * noise of LOCK_MM, the skin bare between them where it is under LOCK_GAP
 * (a fifth of the disc). */
#define LOCK_MM 2.5
#define LOCK_GAP 0.3
static int head_scene(int width, int height, double px_per_mm, double bald_mm, uint64_t seed, int face, double patch_mm,
                      int patch, smp_image *photo, smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm;
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const double ax = 76 * ppm, ay = 97.5 * ppm; /* head semi-axes */
    const double cx = w * 0.5, cy = face ? h - 0.6 * ay : h * 0.5;
    const double bx = 0.5 * bald_mm * ppm, by = 0.6 * bald_mm * ppm, bcy = cy - 0.1 * ay; /* bald crown */
    const float skin[3] = {lin(222), lin(176), lin(148)}, wall[3] = {lin(150), lin(165), lin(190)};
    geometry bald = {w, h, ppm, cx, bcy, bx, by, 8.0};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            double dx = (x + 0.5 - cx) / ax, dy = (y + 0.5 - cy) / ay, q = dx * dx + dy * dy;
            if (q > 1) {
                double n = 0.9 + 0.1 * noise(seed + 7, x, y, 3 * ppm);
                for (int k = 0; k < 3; k++)
                    p[k] = (float)(wall[k] * n);
                continue;
            }
            double dome = 1.0 - 0.3 * q, mottle = 0.93 + 0.07 * noise(seed, x, y, 4 * ppm);
            for (int k = 0; k < 3; k++)
                p[k] = (float)(skin[k] * dome * mottle);
        }
    /* Hair: strokes 0.1 mm wide, 3-6 mm long, about 60 per cm² (the visible
     * strands of short hair), thinned by the bald crown's rim. */
    const float hair[3] = {lin(40), lin(32), lin(28)}, blue_black[3] = {lin(18), lin(26), lin(58)};
    /* Lit white hair: a neutral grey at 0.8 of the skin's luminance. */
    const float lit_grey[3] = {lin(180), lin(179), lin(177)};
    const double px = cx + 57 * ppm, py = cy; /* the patch's centre */
    /* In the patch the hair lies flat and covers the scalp whole; lit grey
     * hair, in locks, shows no strands (its sheen is as even as the skin)
     * and takes the head's shading as the skin does. */
    for (int y = 0; patch && y < h; y++)
        for (int x = 0; x < w; x++)
            if (hypot(x + 0.5 - px, y + 0.5 - py) < patch_mm * ppm &&
                (patch == 1 || noise(seed + 11, x, y, LOCK_MM * ppm) > LOCK_GAP)) {
                const double dx = (x + 0.5 - cx) / ax, dy = (y + 0.5 - cy) / ay, dome = 1.0 - 0.3 * (dx * dx + dy * dy);
                const float grey[3] = {(float)(lit_grey[0] * dome), (float)(lit_grey[1] * dome), (float)(lit_grey[2] * dome)};
                blend(buf + ((size_t)y * w + x) * 3, patch == 1 ? blue_black : grey, 0.9);
            }
    long tries = lrint(60.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        double x = u01(seed, 41, (uint64_t)i) * w, y = u01(seed, 42, (uint64_t)i) * h;
        double dx = (x - cx) / ax, dy = (y - cy) / ay;
        if (dx * dx + dy * dy > 0.97 || (face && dy > 0.3 && fabs(dx) < 0.65))
            continue;
        if (u01(seed, 43, (uint64_t)i) >= hair_fraction(&bald, x, y))
            continue;
        double len = (3 + 3 * u01(seed, 44, (uint64_t)i)) * ppm, ang = atan2(y - cy, x - cx) + 0.3;
        const int in_patch = patch && hypot(x - px, y - py) < patch_mm * ppm, blue = in_patch && patch == 1;
        if (in_patch && !blue)
            continue;
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), (blue ? 0.15 : 0.05) * ppm + 0.4,
                  blue ? blue_black : hair, 0.9);
    }
    scene_encode(buf, photo);
    uint8_t *mk = smp_image_data(mask);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        double x = (double)(i % (size_t)w) + 0.5, y = (double)(i / (size_t)w) + 0.5;
        mk[i] = (uint8_t)lrint(255 * (1 - hair_fraction(&bald, x, y)));
    }
    return 0;
}

int head_scene_make(int width, int height, double px_per_mm, double bald_mm, uint64_t seed, smp_image *photo,
                    smp_image *mask)
{
    return head_scene(width, height, px_per_mm, bald_mm, seed, 0, 0, 0, photo, mask);
}

int head_patch_scene_make(int width, int height, double px_per_mm, double bald_mm, double patch_mm, uint64_t seed,
                          smp_image *photo, smp_image *mask)
{
    return head_scene(width, height, px_per_mm, bald_mm, seed, 0, patch_mm, 1, photo, mask);
}

int head_grey_patch_scene_make(int width, int height, double px_per_mm, double bald_mm, double patch_mm, uint64_t seed,
                               smp_image *photo, smp_image *mask)
{
    return head_scene(width, height, px_per_mm, bald_mm, seed, 0, patch_mm, 2, photo, mask);
}

int head_face_scene_make(int width, int height, double px_per_mm, double bald_mm, uint64_t seed, smp_image *photo,
                         smp_image *mask)
{
    return head_scene(width, height, px_per_mm, bald_mm, seed, 1, 0, 0, photo, mask);
}

/* forehead: a receded head seen from above and in front, the face toward
 * the frame's bottom edge, which cuts it below the eyes. Hair: a fringe
 * FRINGE_MM thick along the outline at the back and sides, ending at the
 * temple line; between the fringes above that line, bald scalp (the mask);
 * below it, the forehead with brows and eyes, which is not scalp. */
#define SCENE_FRINGE_MM 25.0

static double head_q(double x, double y, double cx, double cy, double ax, double ay)
{
    const double dx = (x - cx) / ax, dy = (y - cy) / ay;
    return dx * dx + dy * dy;
}

/* tufts: two dense tufts 25 mm wide, 15 mm deep, either side of a 10 mm
 * bald channel, ending TUFT_FRONT_MM past the temple line (the hairline);
 * the bald scalp between the tufts' outer edges runs down to it. */
#define TUFT_FRONT_MM 38.0
static int tuft(double x, double y, double cx, double temple_y, double ppm)
{
    const double ax = fabs(x - cx) / ppm, dy = (y - temple_y) / ppm;
    return ax >= 5 && ax <= 30 && dy >= TUFT_FRONT_MM - 15 && dy < TUFT_FRONT_MM;
}

/* forelock: hair over the middle FORELOCK_HALF_MM either side of the
 * centre line from the back down to FORELOCK_BACK_MM short of the temple
 * line; receded temples either side of it, bare forehead in front. */
#define FORELOCK_HALF_MM 30.0
#define FORELOCK_BACK_MM 25.0
static int forelock(double x, double y, double cx, double temple_y, double ppm, double fall_mm)
{
    const double back = FORELOCK_BACK_MM - (x < cx ? fall_mm : 0);
    return fabs(x - cx) <= FORELOCK_HALF_MM * ppm && y < temple_y - back * ppm;
}

/* front: 0 bare, 1 tufts, 2 a forelock, 3 none: the fringe closed round
 * the head as a ring and no face in the frame (its front 15 mm inside),
 * 4 a forelock whose left half reaches fall_mm further forward (a lock
 * fallen forward on one side; see forehead_lock_scene_make).
 * fringe_mm: the fringe's width; grey: grey hair instead of dark;
 * thin_front: faint grey strands over the bald scalp within THIN_FRONT_MM
 * behind the temple line (as the thin crown's: see scene.h). */
#define THIN_FRONT_MM 30.0
static int forehead_scene(int width, double px_per_mm, uint64_t seed, int front_kind, double fringe_mm, int grey,
                          int thin_front, double fall_mm, smp_image *photo, smp_image *mask)
{
    const int tufts = front_kind == 1, lock = front_kind == 2 || front_kind == 4, ring = front_kind == 3;
    const double fall = front_kind == 4 ? fall_mm : 0;
    const double ppm = px_per_mm, ax = 76 * ppm, ay = 97.5 * ppm;
    const double cx = width * 0.5, cy = ay + 15 * ppm;     /* the back of the head 15 mm below the top */
    /* The temple line; a ring has none (past the head). */
    const double temple_y = ring ? cy + 2 * ay : cy + 0.1 * ay;
    const double front_y = temple_y + (tufts ? TUFT_FRONT_MM * ppm : 0); /* the hairline */
    const double brow_y = front_y + 50 * ppm, eye_y = brow_y + 14 * ppm;
    /* Cut below the eyes, or 15 mm past a ring's front. */
    const int w = width, h = (int)lrint(ring ? cy + ay + 15 * ppm : eye_y + 12 * ppm);
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, wall[3] = {lin(150), lin(165), lin(190)};
    const float dark[3] = {lin(40), lin(32), lin(28)}, brow[3] = {lin(60), lin(45), lin(38)};
    const float grey_hair[3] = {lin(125), lin(123), lin(120)};
    const float *hair = grey ? grey_hair : dark;
    /* The fringe: within fringe_mm of the outline (in q, roughly),
     * above the temple line. */
    const double qin = pow(1 - fringe_mm * ppm / ax, 2);
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double q = head_q(x + 0.5, y + 0.5, cx, cy, ax, ay);
            const int front = y + 0.5 >= temple_y && y + 0.5 < front_y && fabs(x + 0.5 - cx) <= 30 * ppm &&
                              !tuft(x + 0.5, y + 0.5, cx, temple_y, ppm);
            /* With a forelock the forehead reaches up to its front
             * between its sides (a lock fallen forward: up to the level
             * line halfway between the two halves' fronts, the lock not
             * scalp); the receded temples beside it are scalp down to the
             * temple line. */
            const int brow_side = lock && fabs(x + 0.5 - cx) <= FORELOCK_HALF_MM * ppm &&
                                  (y + 0.5 >= temple_y - (FORELOCK_BACK_MM - fall / 2) * ppm ||
                                   forelock(x + 0.5, y + 0.5, cx, temple_y, ppm, fall));
            const int scalp = q <= 1 && ((q < qin && y + 0.5 < temple_y && !brow_side) || front);
            mk[(size_t)y * w + x] = scalp ? 255 : 0;
            if (q > 1) {
                const double n = 0.9 + 0.1 * noise(seed + 7, x, y, 3 * ppm);
                for (int k = 0; k < 3; k++)
                    p[k] = (float)(wall[k] * n);
                continue;
            }
            const double dome = 1.0 - 0.3 * q, mottle = 0.93 + 0.07 * noise(seed, x, y, 4 * ppm);
            for (int k = 0; k < 3; k++)
                p[k] = (float)(skin[k] * dome * mottle);
        }
    /* Hair strokes over the fringe (and the tufts or forelock), 3-6 mm, about 150 per cm². */
    long tries = lrint(150.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 51, (uint64_t)i) * w, y = u01(seed, 52, (uint64_t)i) * h;
        const double q = head_q(x, y, cx, cy, ax, ay);
        const int in_tuft = (tufts && tuft(x, y, cx, temple_y, ppm)) || (lock && q <= 0.97 && forelock(x, y, cx, temple_y, ppm, fall));
        if (!in_tuft && (q > 0.97 || q < qin || y >= temple_y))
            continue;
        const double len = (3 + 3 * u01(seed, 54, (uint64_t)i)) * ppm, ang = atan2(y - cy, x - cx) + 0.3;
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.05 * ppm + 0.4, hair, 0.9);
    }
    /* The thin front's strands, 3-6 mm, 40 per cm², each covering a third. */
    const float thin_grey[3] = {lin(205), lin(203), lin(200)};
    tries = thin_front ? lrint(40.0 * (w / ppm) * (h / ppm) / 100.0) : 0;
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 55, (uint64_t)i) * w, y = u01(seed, 56, (uint64_t)i) * h;
        if (head_q(x, y, cx, cy, ax, ay) >= qin || y >= temple_y || y < temple_y - THIN_FRONT_MM * ppm)
            continue;
        const double len = (3 + 3 * u01(seed, 57, (uint64_t)i)) * ppm, ang = 2 * PI * u01(seed, 58, (uint64_t)i);
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.05 * ppm + 0.4, thin_grey, 0.33);
    }
    /* Brows: two bands 45 x 8 mm; eyes: two dark lids 28 x 5 mm below. */
    for (int side = -1; side <= 1 && !ring; side += 2) {
        const double bx = cx + side * 32 * ppm;
        draw_hair(buf, w, h, bx - 22 * ppm, brow_y, bx + 22 * ppm, brow_y, 4 * ppm, brow, 0.8);
        draw_hair(buf, w, h, bx - 14 * ppm, eye_y, bx + 14 * ppm, eye_y, 2.5 * ppm, dark, 0.9);
    }
    scene_encode(buf, photo);
    return 0;
}

int forehead_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 0, SCENE_FRINGE_MM, 0, 0, 0, photo, mask);
}

int forehead_thin_front_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 0, SCENE_FRINGE_MM, 0, 1, 0, photo, mask);
}

int forehead_tufts_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 1, SCENE_FRINGE_MM, 0, 0, 0, photo, mask);
}

int forehead_forelock_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 2, SCENE_FRINGE_MM, 0, 0, 0, photo, mask);
}

int forehead_lock_scene_make(int width, double px_per_mm, double fall_mm, uint64_t seed, smp_image *photo,
                             smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 4, SCENE_FRINGE_MM, 0, 0, fall_mm, photo, mask);
}

int fringe_scene_make(int width, double px_per_mm, double fringe_mm, int grey, uint64_t seed, smp_image *photo,
                      smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 0, fringe_mm, grey, 0, 0, photo, mask);
}

int ring_scene_make(int width, double px_per_mm, double ring_mm, int grey, uint64_t seed, smp_image *photo,
                    smp_image *mask)
{
    return forehead_scene(width, px_per_mm, seed, 3, ring_mm, grey, 0, 0, photo, mask);
}

/* Clumps: discs of CLUMP_MM radius 20 mm diagonally off the centre. */
#define CLUMP_MM 5.0
static int strands_scene(int width, int height, double px_per_mm, double thin, int clumps, uint64_t seed,
                         smp_image *photo, smp_image *mask);

int strands_scene_make(int width, int height, double px_per_mm, double thin, uint64_t seed, smp_image *photo,
                       smp_image *mask)
{
    return strands_scene(width, height, px_per_mm, thin, 0, seed, photo, mask);
}

int strands_clumps_scene_make(int width, int height, double px_per_mm, double thin, uint64_t seed, smp_image *photo,
                              smp_image *mask)
{
    return strands_scene(width, height, px_per_mm, thin, 1, seed, photo, mask);
}

static int strands_scene(int width, int height, double px_per_mm, double thin, int clumps, uint64_t seed,
                         smp_image *photo, smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm, ax = 76 * ppm, ay = 97.5 * ppm, cx = w * 0.5, cy = h * 0.5;
    const double tx = 40 * ppm, ty = 50 * ppm; /* the thinning ellipse's semi-axes */
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, wall[3] = {lin(150), lin(165), lin(190)};
    const float hair[3] = {lin(40), lin(32), lin(28)};
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double q = head_q(x + 0.5, y + 0.5, cx, cy, ax, ay);
            const int in_thin = head_q(x + 0.5, y + 0.5, cx, cy, tx, ty) <= 1;
            mk[(size_t)y * w + x] = in_thin ? (uint8_t)lrint(255 * (1 - thin)) : 0;
            const double n = q > 1 ? 0.9 + 0.1 * noise(seed + 7, x, y, 3 * ppm) : (1.0 - 0.3 * q) *
                                                                                  (0.93 + 0.07 * noise(seed, x, y, 4 * ppm));
            for (int k = 0; k < 3; k++)
                p[k] = (float)((q > 1 ? wall[k] : skin[k]) * n);
        }
    /* Strands 10-20 mm long combed one way, 120 per cm² where the hair is
     * full: they overlap and hide the scalp; in the ellipse a share thin. */
    long tries = lrint(120.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 61, (uint64_t)i) * w, y = u01(seed, 62, (uint64_t)i) * h;
        if (head_q(x, y, cx, cy, ax, ay) > 0.95)
            continue;
        if (head_q(x, y, cx, cy, tx, ty) <= 1 && u01(seed, 63, (uint64_t)i) >= thin)
            continue;
        const double len = (10 + 10 * u01(seed, 64, (uint64_t)i)) * ppm;
        const double ang = 1.3 + 0.3 * (u01(seed, 65, (uint64_t)i) - 0.5);
        draw_hair(buf, w, h, x, y - 0.5 * len * sin(ang), x + len * cos(ang), y + 0.5 * len * sin(ang),
                  0.04 * ppm + 0.4, hair, 0.9);
    }
    /* The clumps: strands gathered there, 600 per cm², 4-8 mm, hiding the scalp. */
    for (long i = 0; clumps && i < lrint(600.0 * 4 * SMP_PI * CLUMP_MM * CLUMP_MM / 100.0); i++) {
        const int k = (int)(i & 3);
        const double a = 2 * SMP_PI * u01(seed, 66, (uint64_t)i), rr = CLUMP_MM * sqrt(u01(seed, 67, (uint64_t)i));
        const double x = cx + ((k & 1 ? 20 : -20) + rr * cos(a)) * ppm, y = cy + ((k & 2 ? 20 : -20) + rr * sin(a)) * ppm;
        const double len = (4 + 4 * u01(seed, 68, (uint64_t)i)) * ppm, ang = 1.3 + 0.3 * (u01(seed, 69, (uint64_t)i) - 0.5);
        draw_hair(buf, w, h, x, y - 0.5 * len * sin(ang), x + len * cos(ang), y + 0.5 * len * sin(ang), 0.04 * ppm + 0.4,
                  hair, 0.9);
    }
    scene_encode(buf, photo);
    return 0;
}

/* rim: a bald top inside a fringe of sparse grey hair RIM_SCENE_MM wide
 * along the outline, in the shade of the head's curve (the skin darkens to
 * 45 % at the outline), closed by the silhouette's dark shadow line. */
#define RIM_SCENE_MM 18.0

/* warm: the shade reddens as it deepens, as in photos (light off the skin
 * around it, the camera's tone curve): green falls as shade^(1 + warm),
 * blue as shade^(1 + 2 warm), red as shade. 0 for a grey shade. */
static int rim_scene(int width, int height, double px_per_mm, uint64_t seed, double fringe_mm, double warm,
                     smp_image *photo, smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm, ax = 76 * ppm, ay = 97.5 * ppm, cx = w * 0.5, cy = h * 0.5;
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, wall[3] = {lin(150), lin(165), lin(190)};
    const float grey[3] = {lin(200), lin(198), lin(196)}, shadow[3] = {lin(38), lin(30), lin(27)};
    const double qin = pow(1 - fringe_mm * ppm / ax, 2), qline = pow(1 - 2.5 * ppm / ax, 2);
    const double tint[3] = {1, 1 + warm, 1 + 2 * warm};
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double q = head_q(x + 0.5, y + 0.5, cx, cy, ax, ay);
            mk[(size_t)y * w + x] = q < qin ? 255 : 0;
            if (q > 1) {
                const double n = 0.9 + 0.1 * noise(seed + 7, x, y, 3 * ppm);
                for (int k = 0; k < 3; k++)
                    p[k] = (float)(wall[k] * n);
                continue;
            }
            const double shade = q < qin ? 1 : 1 - 0.55 * (q - qin) / (1 - qin);
            const double dome = (1.0 - 0.3 * q) * shade, mottle = 0.93 + 0.07 * noise(seed, x, y, 4 * ppm);
            for (int k = 0; k < 3; k++)
                p[k] = (float)((q > qline ? shadow[k] : skin[k]) * dome * mottle *
                               (warm > 0 && q <= qline ? pow(shade, tint[k] - 1) : 1));
        }
    /* Grey strands over the fringe, 3-6 mm, 25 per cm², faint (a third covering). */
    long tries = lrint(25.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 61, (uint64_t)i) * w, y = u01(seed, 62, (uint64_t)i) * h;
        const double q = head_q(x, y, cx, cy, ax, ay);
        if (q > qline || q < qin)
            continue;
        const double len = (3 + 3 * u01(seed, 64, (uint64_t)i)) * ppm, ang = atan2(y - cy, x - cx) + 1.2;
        const double shade = 1 - 0.55 * (q - qin) / (1 - qin);
        float g[3];
        for (int k = 0; k < 3; k++)
            g[k] = (float)(grey[k] * shade * (warm > 0 ? pow(shade, tint[k] - 1) : 1));
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.05 * ppm + 0.4, g, 0.3);
    }
    scene_encode(buf, photo);
    return 0;
}

int rim_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    return rim_scene(width, height, px_per_mm, seed, RIM_SCENE_MM, 0, photo, mask);
}

int rim_warm_scene_make(int width, int height, double px_per_mm, uint64_t seed, double fringe_mm, double warm,
                        smp_image *photo, smp_image *mask)
{
    return rim_scene(width, height, px_per_mm, seed, fringe_mm, warm, photo, mask);
}

/* lit fringe: the fringe LIT_FRINGE_MM wide; white where the direction
 * from the head's centre lies within LIT_DEG of the right-hand axis. */
#define LIT_FRINGE_MM 20.0
#define LIT_DEG 75.0
int lit_fringe_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm, ax = 76 * ppm, ay = 97.5 * ppm, cx = w * 0.5, cy = h * 0.5;
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, pillow[3] = {lin(205), lin(208), lin(204)};
    const float white[3] = {lin(190), lin(189), lin(187)}, dark[3] = {lin(40), lin(32), lin(28)};
    const double qin = pow(1 - LIT_FRINGE_MM * ppm / ax, 2), cos_lit = cos(LIT_DEG * PI / 180);
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double q = head_q(x + 0.5, y + 0.5, cx, cy, ax, ay);
            const double dx = x + 0.5 - cx, dy = y + 0.5 - cy, lit = dx > cos_lit * hypot(dx, dy);
            mk[(size_t)y * w + x] = q < qin ? 255 : 0;
            if (q > 1) {
                const double n = 0.95 + 0.05 * noise(seed + 7, x, y, 3 * ppm);
                for (int k = 0; k < 3; k++)
                    p[k] = (float)(pillow[k] * n);
                continue;
            }
            /* The white hair lies flat and even: shaded as the skin, no strands. */
            const double dome = 1.0 - 0.3 * q, mottle = 0.93 + 0.07 * noise(seed, x, y, 4 * ppm);
            const float *c = q >= qin && lit ? white : skin;
            for (int k = 0; k < 3; k++)
                p[k] = (float)(c[k] * dome * (c == white ? 1 : mottle));
        }
    /* Dark strokes over the rest of the fringe, 3-6 mm, 150 per cm². */
    const long tries = lrint(150.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 81, (uint64_t)i) * w, y = u01(seed, 82, (uint64_t)i) * h;
        const double q = head_q(x, y, cx, cy, ax, ay);
        if (q > 0.97 || q < qin || x - cx > cos_lit * hypot(x - cx, y - cy))
            continue;
        const double len = (3 + 3 * u01(seed, 84, (uint64_t)i)) * ppm, ang = atan2(y - cy, x - cx) + 0.3;
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.05 * ppm + 0.4, dark, 0.9);
    }
    scene_encode(buf, photo);
    return 0;
}

#define THIN_FRINGE_MM 18.0
#define SHADE_DEPTH 0.3
#define SHADE_UNEVEN 0.25
#define SKIN_HUE_MOTTLE 0.02
int thin_crown_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm, ax = 76 * ppm, ay = 97.5 * ppm, cx = w * 0.5, cy = h * 0.5;
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, wall[3] = {lin(150), lin(165), lin(190)};
    const float dark[3] = {lin(40), lin(32), lin(28)}, grey[3] = {lin(205), lin(203), lin(200)};
    const double qin = pow(1 - THIN_FRINGE_MM * ppm / ax, 2);
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double q = head_q(x + 0.5, y + 0.5, cx, cy, ax, ay);
            mk[(size_t)y * w + x] = q >= qin ? 0 : y + 0.5 < cy ? 255 : 180;
            if (q > 1) {
                const double n = 0.9 + 0.1 * noise(seed + 7, x, y, 3 * ppm);
                for (int k = 0; k < 3; k++)
                    p[k] = (float)(wall[k] * n);
                continue;
            }
            const double dome = 1.0 - 0.3 * q, mottle = 0.93 + 0.07 * noise(seed, x, y, 4 * ppm);
            for (int k = 0; k < 3; k++)
                p[k] = (float)(skin[k] * dome * mottle);
        }
    /* The fringe's dark strokes, then the crown's grey strands, 3-6 mm. */
    for (int pass = 0; pass < 2; pass++) {
        const long tries = lrint((pass ? 40.0 : 150.0) * (w / ppm) * (h / ppm) / 100.0);
        for (long i = 0; i < tries; i++) {
            const double x = u01(seed, 91 + 4 * pass, (uint64_t)i) * w, y = u01(seed, 92 + 4 * pass, (uint64_t)i) * h;
            const double q = head_q(x, y, cx, cy, ax, ay);
            if (pass ? q >= qin || y < cy : q > 0.97 || q < qin)
                continue;
            const double len = (3 + 3 * u01(seed, 93 + 4 * pass, (uint64_t)i)) * ppm,
                         ang = pass ? 2 * PI * u01(seed, 94 + 4 * pass, (uint64_t)i) : atan2(y - cy, x - cx) + 0.3;
            draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.05 * ppm + 0.4, pass ? grey : dark,
                      pass ? 0.33 : 0.9);
        }
    }
    scene_encode(buf, photo);
    return 0;
}

int shaded_crown_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm, ax = 76 * ppm, ay = 97.5 * ppm, cx = w * 0.5, cy = h * 0.5;
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, wall[3] = {lin(150), lin(165), lin(190)};
    const float dark[3] = {lin(40), lin(32), lin(28)};
    const double qin = pow(1 - THIN_FRINGE_MM * ppm / ax, 2);
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double q = head_q(x + 0.5, y + 0.5, cx, cy, ax, ay);
            mk[(size_t)y * w + x] = q < qin ? 255 : 0;
            if (q > 1) {
                const double n = 0.9 + 0.1 * noise(seed + 7, x, y, 3 * ppm);
                for (int k = 0; k < 3; k++)
                    p[k] = (float)(wall[k] * n);
                continue;
            }
            /* The shade: none in front of the centre, SHADE_DEPTH from 20 mm
             * behind it, SHADE_UNEVEN of it uneven over a few millimetres. */
            const double t = fmin(fmax((y + 0.5 - cy) / (20 * ppm), 0), 1), ramp = t * t * (3 - 2 * t);
            const double shade =
                1 - SHADE_DEPTH * ramp * (1 - SHADE_UNEVEN + 2 * SHADE_UNEVEN * noise(seed + 5, x, y, 3 * ppm));
            const double dome = 1.0 - 0.3 * q, mottle = 0.93 + 0.07 * noise(seed, x, y, 4 * ppm);
            for (int k = 0; k < 3; k++) /* warm: green falls as shade², blue as shade³; the skin's hue mottled */
                p[k] = (float)(skin[k] * dome * mottle * pow(shade, 1 + k) *
                               (1 + SKIN_HUE_MOTTLE * (2 * noise(seed + 11 + (uint64_t)k, x, y, 2 * ppm) - 1)));
        }
    /* The fringe's dark strokes, 3-6 mm, 150 per cm². */
    const long tries = lrint(150.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 91, (uint64_t)i) * w, y = u01(seed, 92, (uint64_t)i) * h;
        const double q = head_q(x, y, cx, cy, ax, ay);
        if (q > 0.97 || q < qin)
            continue;
        const double len = (3 + 3 * u01(seed, 93, (uint64_t)i)) * ppm, ang = atan2(y - cy, x - cx) + 0.3;
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y + len * sin(ang), 0.05 * ppm + 0.4, dark, 0.9);
    }
    scene_encode(buf, photo);
    return 0;
}

int frontal_hairline_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo,
                                smp_image *mask)
{
    const int w = width, h = height;
    const double ppm = px_per_mm, hair_y = 0.35 * h, brow_y = 0.65 * h;
    float *buf = scene_canvas(w, h, photo, mask);
    if (!buf)
        return 1;
    const float skin[3] = {lin(222), lin(176), lin(148)}, hair[3] = {lin(46), lin(36), lin(32)};
    uint8_t *mk = smp_image_data(mask);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = buf + ((size_t)y * w + x) * 3;
            const double mottle = 0.92 + 0.08 * noise(seed, x, y, 6 * ppm) + 0.04 * noise(seed + 1, x, y, 1.5 * ppm);
            for (int k = 0; k < 3; k++)
                p[k] = (float)(skin[k] * mottle);
            mk[(size_t)y * w + x] = y + 0.5 >= hair_y && y + 0.5 < brow_y ? 255 : 0;
        }
    /* Short dark hair above the hairline, 250 per cm², 1-2 mm; in the
     * receded stripe a fifth of it left, as a receding front keeps. */
    const long tries = lrint(250.0 * (w / ppm) * (h / ppm) / 100.0);
    for (long i = 0; i < tries; i++) {
        const double x = u01(seed, 71, (uint64_t)i) * w, y = u01(seed, 72, (uint64_t)i) * h;
        if (y >= brow_y || (y >= hair_y && u01(seed, 75, (uint64_t)i) >= 0.2))
            continue;
        const double len = (1 + u01(seed, 73, (uint64_t)i)) * ppm, ang = 1.3 + 0.4 * (u01(seed, 74, (uint64_t)i) - 0.5);
        draw_hair(buf, w, h, x, y, x + len * cos(ang), y - len * sin(ang), 0.04 * ppm + 0.3, hair, 0.85);
    }
    scene_encode(buf, photo);
    return 0;
}
