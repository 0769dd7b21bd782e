/* SPDX-License-Identifier: BSD-2-Clause */
/* Private definitions shared by the library's stages. */
#ifndef SMP_INTERNAL_H
#define SMP_INTERNAL_H

#include "smpsim.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#if defined(__GNUC__)
#define SMP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SMP_PRINTF(f, a)
#endif

/* OpenMP directives that vanish, without a warning, in a serial build. */
#ifdef _OPENMP
#define SMP_OMP(directive) _Pragma(#directive)
#else
#define SMP_OMP(directive)
#endif

#define SMP_MSG_LEN 512
#define SMP_PI 3.14159265358979323846
#define SMP_SQRT1_2 0.70710678118654752440
#define SMP_DEFAULT_MAX_PIXELS 200000000ull
/* The scales smp_params_set_px_per_mm accepts; an assumed scale is kept in
 * the same range. */
#define SMP_MIN_PX_PER_MM 0.5
#define SMP_MAX_PX_PER_MM 1000.0
/* Without a scale, assume the frame's shorter side spans this much: a phone
 * photo of a crown or hairline taken at arm's length. */
#define SMP_ASSUMED_SHORT_SIDE_MM 200.0
/* The scale assumed for a w x h photo: its shorter side spanning
 * SMP_ASSUMED_SHORT_SIDE_MM, kept within the accepted scales; *clamped
 * (if not NULL) says whether the range moved it. */
double smp__assumed_px_per_mm(uint32_t w, uint32_t h, int *clamped);
/* SMP_ERR_LIMIT when density_cm2 over area_mm2 expects more than
 * SMP_MAX_DOTS dots; checked before sampling, with what to check. */
smp_status smp__check_dot_count(double density_cm2, double area_mm2, double px_per_mm, char *msg);

struct smp_image {
    uint32_t w, h;
    int ch;
    uint8_t *px;
    uint8_t *icc;
    size_t icc_len;
    int orientation;
    smp_format format;
    smp_progress_fn progress; /* reading's progress and cancellation */
    void *progress_user;
    char msg[SMP_MSG_LEN];
};
/* Reading's progress callback: SMP_ERR_CANCELLED (message set) when it asks
 * to stop, else SMP_OK. */
smp_status smp__image_progress(smp_image *img, double fraction);

struct smp_params {
    uint64_t seed;
    double density;      /* dots per cm² where the mask is white */
    double dot_mm;       /* healed dot diameter */
    double px_per_mm;    /* 0 = assume from the frame */
    double feather_mm;
    double opacity;
    uint8_t pigment[3];
    uint64_t max_pixels;
    int jpeg_quality;
    int overwrite;
    int threads;          /* 0: OpenMP's default */
    int n_layers;
    double layers[SMP_MAX_LAYERS]; /* cumulative % of the density, rising, last one 100 */
    int density_auto;     /* choose the density for a tone match (default) */
    int dot_auto;         /* choose the dot size with it (default) */
    double regularity;    /* the pattern's min distance over the hexagonal spacing */
    int measures;         /* compute the realism measures after rendering */
    double dilution;      /* < 0: from the hair colour */
    int pigment_set;      /* the pigment was given: no dilution model */
    smp_edge edge;
    int show_session;     /* 0: all sessions */
    double age_years;     /* < 0 fresh, 0 healed */
    smp_cast cast;
    const smp_image *reference, *scars, *density_map; /* borrowed */
    double range_min, range_max; /* density map scale, dots/cm²; max 0: white = density, black = none */
    smp_progress_fn progress;
    void *progress_user;
    /* Previews (preview.c, html.c). */
    smp_layout layout;
    double split_at;      /* split layout: the divider's place across the width */
    uint32_t max_size;    /* long side of the output, px; 0 = full size */
    char caption[256], date[32]; /* UTF-8 */
    smp_loupe loupe;
    double loupe_x, loupe_y; /* SMP_LOUPE_AT: centre in photo pixels */
    double loupe_zoom;       /* over the panel; 0 = a 10 mm field */
    char msg[SMP_MSG_LEN];
};

/* Formats into msg (may be NULL) and returns status, so a failure is one line. */
smp_status smp__fail(char *msg, smp_status status, const char *fmt, ...) SMP_PRINTF(3, 4);

/* Threads for a parallel region: want if positive, else OpenMP's default
 * (1 without OpenMP). */
int smp__threads(int want);
/* SMP_ERR_ARG (message in msg) unless threads is a thread setting: 0
 * (OpenMP's default) to 1024. */
smp_status smp__check_threads(int threads, char *msg);
/* The calling thread's number in a parallel region (0 without OpenMP): for
 * choosing a scratch buffer, never for results. */
int smp__thread_id(void);

/* Checks a photo (RGB 8-bit), a box {x0, y0, w, h} inside it and a scale
 * for an analysis named what; the message says what is wrong. */
smp_status smp__check_photo_box(const smp_image *rgb, const uint32_t box[4], double px_per_mm, const char *what,
                                char *msg);

/* Overflow-checked size arithmetic; false on overflow. */
bool smp__mul(size_t a, size_t b, size_t *out);
/* Bytes for w*h*ch pixels within max_pixels (0 = default); an error otherwise. */
smp_status smp__pixel_bytes(char *msg, uint64_t w, uint64_t h, int ch, uint64_t max_pixels,
                            size_t *bytes);

/* Replaces img's pixels by a new zeroed buffer; keeps its ICC profile. */
smp_status smp__image_reset(smp_image *img, uint32_t w, uint32_t h, int ch, uint64_t max_pixels);

/* Codec adapters: decode into img without orientation; they fill img->icc,
 * and set *exif and *exif_len to the raw EXIF TIFF block (caller frees) or NULL. */
smp_status smp__png_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                           uint8_t **exif, size_t *exif_len);
smp_status smp__jpeg_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint8_t **exif, size_t *exif_len);
/* WebP (io_webp.c) and HEIF (io_heif.c, libheif). HEIF applies its own
 * irot/imir/clap transforms and never returns EXIF (its orientation is
 * already applied); smp__heif_sniff recognises the files libheif reads. */
smp_status smp__webp_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint8_t **exif, size_t *exif_len);
smp_status smp__heif_decode(smp_image *img, const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint8_t **exif, size_t *exif_len);
bool smp__heif_sniff(const uint8_t *data, size_t size);
/* Encoders write an RGB or grey image to an open stream. */
smp_status smp__png_encode(const smp_image *img, void *file, char *msg);
smp_status smp__jpeg_encode(const smp_image *img, void *file, int quality, char *msg);

/* Atomic file output: emit writes the content to a stream; the file
 * appears whole at path or not at all (see io.c). */
typedef smp_status (*smp__emit_fn)(FILE *f, const void *ctx, char *msg);
smp_status smp__atomic_write(const char *path, int overwrite, smp__emit_fn emit, const void *ctx,
                             char *msg);

/* Writes dots as .csv or .svg (by the path's extension), atomically. */
smp_status smp__write_dots(const smp_dot *d, size_t n, double w_mm, double h_mm, const char *path,
                           int overwrite, char *msg);

/* EXIF orientation (1..8) from a TIFF block; 1 when absent or unreadable. */
int smp__exif_orientation(const uint8_t *tiff, size_t len);
/* Rotates/flips img so that it shows as a viewer would display it. */
smp_status smp__image_orient(smp_image *img, int orientation);

/* True when img's ICC profile describes its channels (an RGB profile on RGB,
 * a grey one on grey), so an encoder may embed it. */
bool smp__icc_fits(const smp_image *img);

/* Copy of the pixels converted to 3-channel RGB (alpha dropped). */
/* Copies the w x h block of src at (sx, sy) into the RGB image dst at
 * (ox, oy), grey expanded and alpha dropped; both blocks must fit. */
void smp__image_blit(smp_image *dst, uint32_t ox, uint32_t oy, const smp_image *src, uint32_t sx, uint32_t sy,
                     uint32_t w, uint32_t h);
smp_status smp__image_to_rgb(const smp_image *src, smp_image *dst);
/* out = an RGB image area-averaged in linear light to w x h (no larger). */
smp_status smp__resize_area(smp_image *out, const smp_image *src, uint32_t w, uint32_t h, int threads);
/* out = w x h px of an RGB image magnified by scale from (x0, y0) in its
 * pixels (Catmull-Rom, edges clamped). */
smp_status smp__enlarge(smp_image *out, const smp_image *src, double x0, double y0, double scale, uint32_t w,
                        uint32_t h);

/* Length of the well-formed UTF-8 sequence at s (1..4) with its code
 * point in *cp, or 0 (text.c). */
int smp__utf8_sequence(const unsigned char *s, uint32_t *cp);

/* A mask "has real transparency" when its alpha channel is not all opaque:
 * then alpha is the painted area (mask.c, maskcheck.c). */
int smp__mask_has_alpha(const smp_image *m);

/* Regions: labels the 4-connected regions of the w x h cells where
 * cells[i] & bits is non-zero, 1, 2, ... in scan order, into label (stack:
 * w * h entries of scratch), calling each (if not NULL) with every
 * region's label and cell count as it is finished; the first status other
 * than SMP_OK that each returns stops the calls (not the labelling) and is
 * returned. SMP_ERR_LIMIT for a grid of 2^32 cells or more (regions.c). */
typedef smp_status (*smp__region_fn)(void *ctx, uint32_t label, size_t count);
smp_status smp__label_regions(const uint8_t *cells, uint8_t bits, uint32_t w, uint32_t h, uint32_t *stack,
                              uint32_t *label, smp__region_fn each, void *ctx);
/* The largest such region (the first of equal ones): its label (0: none)
 * and size; label as above. */
smp_status smp__largest_region(const uint8_t *cells, uint8_t bits, uint32_t w, uint32_t h, uint32_t *stack,
                               uint32_t *label, uint32_t *largest, size_t *size);

/* The k-th smallest of v[0..n), n > 0 (reorders v). */
float smp__kth_float(float *v, size_t n, size_t k);

/* sRGB transfer: 8-bit to linear, and a 65536-entry table from linear
 * (v * 65535, rounded) back to 8-bit with correct rounding. */
float smp__srgb_to_linear(uint8_t v);
void smp__linear_to_srgb_table(uint8_t table[65536]);
/* One linear value (any range; clamped to 0..1 after encoding) to 8-bit sRGB,
 * rounded: the one implementation of the encoding. */
uint8_t smp__linear_to_srgb8(double linear);
/* The same conversions as shared read-only tables, built once on first use
 * (thread-safe): smp__srgb_to_linear of every byte, and the 65536-entry
 * table of smp__linear_to_srgb_table. Still building their own copies, for
 * a later change: focus.c, follicles.c, realism.c (twice), render.c,
 * shade.c (twice), shine.c, strands.c. */
const float *smp__srgb_linear_table(void);
const uint8_t *smp__srgb8_table(void);
/* CIELAB (D65) from linear sRGB and back, and the CIEDE2000 difference. */
void smp__linear_to_lab(const float rgb[3], double lab[3]);
/* Its L* alone, to the bit: one cube root instead of three. */
double smp__linear_to_l(const float rgb[3]);
void smp__lab_to_linear(const double lab[3], float rgb[3]);
void smp__srgb8_to_lab(const uint8_t srgb[3], double lab[3]);
double smp__delta_e2000(const double lab1[3], const double lab2[3]);

#endif
