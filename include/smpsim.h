/* SPDX-License-Identifier: BSD-2-Clause */
/* smpsim: scalp micropigmentation preview library.
 *
 * Conventions: opaque handles with _new/_free pairs (freeing NULL is a no-op);
 * every fallible call returns smp_status (0 = SMP_OK) and keeps a detailed
 * message in the handle it acted on (smp_*_message). Units are physical:
 * millimetres, dots per cm², pixels per mm. The library never prints, exits
 * or aborts on bad input, and keeps no global mutable state. */
#ifndef SMPSIM_H
#define SMPSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
/* The library is built with hidden visibility: only what this header
 * declares is exported from libsmpsim.so. */
#if defined(__GNUC__) && __GNUC__ >= 4
#pragma GCC visibility push(default)
#endif

#define SMP_VERSION_MAJOR 0
#define SMP_VERSION_MINOR 1
#define SMP_VERSION_PATCH 0

/* "0.1.0"; the library's version, which may differ from the header's. */
const char *smp_version(void);
/* Non-zero when the library was built with OpenMP. */
int smp_has_openmp(void);
/* The library's licence as an SPDX identifier: "BSD-2-Clause". */
const char *smp_license(void);
/* The libraries it links and their versions, e.g. "libpng 1.6.39, ...":
 * writes at most size bytes (NUL-terminated when size > 0) like snprintf
 * and returns the full length. buf may be NULL with size 0. */
size_t smp_libraries(char *buf, size_t size);

typedef enum smp_status {
    SMP_OK = 0,
    SMP_ERR_ARG,       /* an argument or parameter is out of range */
    SMP_ERR_NOMEM,     /* an allocation failed */
    SMP_ERR_READ,      /* an input could not be opened or read */
    SMP_ERR_FORMAT,    /* an input is not a supported image, or is corrupt */
    SMP_ERR_LIMIT,     /* an input exceeds the pixel limit or size arithmetic */
    SMP_ERR_MISMATCH,  /* the mask does not fit the photo */
    SMP_ERR_WRITE,     /* an output could not be written */
    SMP_ERR_EXISTS,    /* the output exists and overwriting was not allowed */
    SMP_ERR_CANCELLED  /* the progress callback asked to stop */
} smp_status;

/* A short, static description of a status. Never NULL. */
const char *smp_strerror(smp_status status);

/* ------------------------------------------------------------------ params */

typedef struct smp_params smp_params;
typedef struct smp_image smp_image;

/* Called with the fraction done in [0,1]; return non-zero to cancel. May be
 * called from the calling thread only. */
typedef int (*smp_progress_fn)(void *user, double fraction);

smp_params *smp_params_new(void); /* defaults from SMP-FACTS.md; NULL if out of memory */
void smp_params_free(smp_params *p);
/* A copy with every setting (borrowed images and the progress callback
 * are shared, not copied); NULL if out of memory. */
smp_params *smp_params_clone(const smp_params *p);
const char *smp_params_message(const smp_params *p);

/* Each setter validates its value; on SMP_ERR_ARG the old value is kept and
 * the message says the accepted range. */
smp_status smp_params_set_seed(smp_params *p, uint64_t seed);
/* Density and dot size are matched to the photo by default (see
 * smp_params_set_density_auto); setting one fixes it exactly. Without a
 * photo to match, 110 dots/cm² and 0.28 mm. */
smp_status smp_params_set_density(smp_params *p, double dots_per_cm2);    /* 1..400 */
smp_status smp_params_set_dot_diameter(smp_params *p, double mm);         /* 0.02..1 */
smp_status smp_params_set_px_per_mm(smp_params *p, double px_per_mm);     /* 0 = assume, else 0.5..1000 */
smp_status smp_params_set_feather(smp_params *p, double mm);              /* 0..50, default 4 (the broken edge:
                                                                            * where hair is outside, about 1 mm) */
smp_status smp_params_set_pigment(smp_params *p, uint8_t r, uint8_t g, uint8_t b); /* sRGB */
smp_status smp_params_set_opacity(smp_params *p, double opacity);         /* 0..1, default 0.85 */
/* The dot pattern's regularity: its minimum distance over the hexagonal
 * spacing for its density (Lagae & Dutre's rho). 0.77 is a maximal
 * Poisson-disk set, which reads as print; practitioners randomise, about
 * 0.6 (default), and 15 % of dots come in close pairs like follicular units. */
smp_status smp_params_set_regularity(smp_params *p, double rho);          /* 0.3..0.77, default 0.6 */
/* Also measure the after image's realism (core and shine darkening, texture
 * against the reference, hair strands kept): smp_measures and the metrics
 * file then carry them. Costs about a render's time on a 12 MP photo. */
smp_status smp_params_set_measures(smp_params *p, int on);              /* default off */
/* Measure the treated core's tone in the after image (its colour, the
 * CIEDE2000 after): off for a preview that only shows the image, as the
 * studio page's redraws (about a tenth of a 2000x1500 redraw). Off, the
 * after image and dots are the same bytes; the core's colour after is
 * unknown (smp_result_colour 0), its CIEDE2000 after NAN, and the metrics
 * file writes null for both. */
smp_status smp_params_set_tone_after(smp_params *p, int on);            /* default on */
/* Measure the dots' spacing (the closest pair, rho, the density achieved
 * over the core) and the point a close-up zooms to: off for a preview that
 * only shows the image, as the studio page's redraws (5-8 ms of each in
 * WebAssembly at 2000x1500). Off, the after image and dots are the same
 * bytes; smp_measures' achieved_core_cm2, min_spacing_mm and rho are NAN,
 * its focus the frame's centre, and the metrics file writes null for them. */
smp_status smp_params_set_spacing(smp_params *p, int on);               /* default on */
smp_status smp_params_set_max_pixels(smp_params *p, uint64_t pixels);     /* default 200e6 */
smp_status smp_params_set_jpeg_quality(smp_params *p, int quality);       /* 1..100, default 92 */
smp_status smp_params_set_overwrite(smp_params *p, int allow);            /* default 0 */
/* Shade and look. By default density, dot size and dilution are chosen
 * together, inside the practice ranges (80-150 dots/cm², 0.25-0.35 mm), so
 * that the treated core's viewing-scale tone matches the reference (a band
 * 3-15 mm outside the mask, or a painted reference image), near the
 * client's own follicle density and with the dilution whose colour is the
 * hair's. Density auto with a fixed dot size searches 40-200 dots/cm². The
 * pigment is carbon black under the skin, diluted with water; or give a
 * colour, the shade skin takes under a continuous layer of it. */
typedef enum smp_edge { SMP_EDGE_BROKEN = 0, SMP_EDGE_SOFT, SMP_EDGE_SHARP } smp_edge;
typedef enum smp_cast { SMP_CAST_NONE = 0, SMP_CAST_BLUE } smp_cast;
smp_status smp_params_set_density_auto(smp_params *p, int on); /* default on */
smp_status smp_params_set_dot_auto(smp_params *p, int on);     /* default on */
smp_status smp_params_set_dilution(smp_params *p, double dilution); /* 0..1; <0: matched */
smp_status smp_params_set_edge(smp_params *p, smp_edge edge);      /* default broken */
/* Age of the dots: < 0 fresh (darker, larger), 0 healed (default), N years. */
smp_status smp_params_set_age(smp_params *p, double years);
smp_status smp_params_set_cast(smp_params *p, smp_cast cast);       /* "poor technique" */
/* Show the state after session k (1-based; 0 = all). */
smp_status smp_params_set_show_session(smp_params *p, int k);
int smp_params_show_session(const smp_params *p); /* 0: the last */
/* Borrowed images (they must outlive the params' use): a painted reference
 * region, and scar tissue (which takes pigment less well). NULL clears. */
smp_status smp_params_set_reference(smp_params *p, const smp_image *reference);
smp_status smp_params_set_scars(smp_params *p, const smp_image *scars);
/* A density map (borrowed, grey; transparency as for masks): grey g sets
 * the density to min + (max - min) * g / 255 dots/cm² inside the mask. With
 * min = max = 0 it scales the params' density instead (white = it, black =
 * none). For render, preview and points. */
smp_status smp_params_set_density_map(smp_params *p, const smp_image *map, double min_cm2, double max_cm2);

/* Layers (SMP sessions): cumulative percentages of the density, rising,
 * e.g. {30, 70, 100}; each layer is sampled respecting the earlier ones
 * and its dots carry layer numbers 1, 2, 3. Default: one layer, {100}. */
#define SMP_MAX_LAYERS 8
/* The most dots one run may expect (the density over the treated area, at
 * the scale used): simulate and points refuse more with SMP_ERR_LIMIT before
 * sampling. A whole scalp (about 600 cm²) at 400 dots/cm² is 240 000. */
#define SMP_MAX_DOTS 1000000
smp_status smp_params_set_layers(smp_params *p, const double *cumulative_percent, int n);
smp_status smp_params_set_progress(smp_params *p, smp_progress_fn fn, void *user);

/* Previews (smp_preview, smp_preview_write_html). */
typedef enum smp_layout {
    SMP_LAYOUT_AUTO = 0, /* side by side for portrait photos, stacked for landscape ones */
    SMP_LAYOUT_SIDE,
    SMP_LAYOUT_STACK,
    SMP_LAYOUT_SPLIT,    /* one image: before left of a divider, after right of it */
    SMP_LAYOUT_SESSIONS  /* before, then the state after each session */
} smp_layout;
typedef enum smp_loupe { SMP_LOUPE_AUTO = 0, SMP_LOUPE_OFF, SMP_LOUPE_AT } smp_loupe;
smp_status smp_params_set_layout(smp_params *p, smp_layout layout);
smp_status smp_params_set_split_at(smp_params *p, double fraction);     /* 0..1 across, default 0.5 */
/* The output's long side in px (area-averaged down, never up); 0 = full size. */
smp_status smp_params_set_max_size(smp_params *p, uint32_t long_side_px); /* 0 or 160..65000 */
/* One line of UTF-8 each (copied; NULL or "" = none): the client's name or
 * any text, and the date, both in the caption line. */
smp_status smp_params_set_caption(smp_params *p, const char *text);   /* < 256 bytes */
smp_status smp_params_set_date(smp_params *p, const char *text);      /* < 32 bytes */
/* The close-up: automatic (inside the largest fully treated area, near the
 * hairline when there is one), off, or centred at (x, y) photo pixels. */
smp_status smp_params_set_loupe(smp_params *p, smp_loupe mode, double x_px, double y_px);
/* Magnification over the panel it sits on; 0 (default) shows a 10 mm field. */
smp_status smp_params_set_loupe_zoom(smp_params *p, double zoom);
/* The loupe's mode, and its point (photo pixels) when placed at one. A point
 * outside the photo is refused by smp_simulate and smp_preview. */
smp_loupe smp_params_loupe(const smp_params *p, double *x_px, double *y_px);     /* 0 or 1..64 */
/* Threads one call may use (0 = OpenMP's default). The output bytes do not
 * depend on it; it lets a caller running calls in parallel share the cores. */
smp_status smp_params_set_threads(smp_params *p, int threads);
/* A 64-bit key of every setting that shapes a run's outputs, for knowing
 * whether earlier outputs are still current (smpsim batch --resume): not
 * the threads, the progress callback or overwrite, which change no byte.
 * Borrowed images count by their size and pixels. A setting at its default
 * adds nothing, so a key does not change when a version adds a setting.
 * The same on every machine; 0 for NULL. */
uint64_t smp_params_key(const smp_params *p);

/* The getters read a NULL params as zero: 0, each enum's zero value (its
 * default), black pigment, no layers. */
uint64_t smp_params_seed(const smp_params *p);
double smp_params_density(const smp_params *p);
int smp_params_density_auto(const smp_params *p);
int smp_params_dot_auto(const smp_params *p);
double smp_params_regularity(const smp_params *p);
double smp_params_dot_diameter(const smp_params *p);
double smp_params_px_per_mm(const smp_params *p);
double smp_params_feather(const smp_params *p);
double smp_params_opacity(const smp_params *p);
uint64_t smp_params_max_pixels(const smp_params *p);
int smp_params_jpeg_quality(const smp_params *p);
smp_layout smp_params_layout(const smp_params *p);
void smp_params_pigment(const smp_params *p, uint8_t rgb[3]);
/* The layer count; fills cumulative_percent (SMP_MAX_LAYERS entries) if not NULL. */
int smp_params_layers(const smp_params *p, double *cumulative_percent);

/* ------------------------------------------------------------------ images */

/* WEBP and HEIF are input formats only (smp_image_format); outputs are PNG or JPEG. */
typedef enum smp_format { SMP_FORMAT_NONE = 0, SMP_FORMAT_PNG, SMP_FORMAT_JPEG, SMP_FORMAT_WEBP, SMP_FORMAT_HEIF } smp_format;

smp_image *smp_image_new(void); /* an empty image; NULL if out of memory */
void smp_image_free(smp_image *img);
const char *smp_image_message(const smp_image *img);

/* 8-bit pixels, rows packed without padding. channels: 1 grey, 2 grey+alpha,
 * 3 RGB, 4 RGBA. Pixels start zeroed. */
smp_status smp_image_alloc(smp_image *img, uint32_t width, uint32_t height, int channels);

/* Decode a PNG, JPEG, WebP or HEIF/HEIC (sniffed by content, not by name),
 * apply its orientation (EXIF; HEIF's irot/imir) and keep its ICC profile. Refuses more than max_pixels pixels
 * (0 = the default limit) before allocating them. */
smp_status smp_image_read_file(smp_image *img, const char *path, uint64_t max_pixels);
smp_status smp_image_read_memory(smp_image *img, const void *data, size_t size, uint64_t max_pixels);

/* Encode by the path's extension (.png, .jpg, .jpeg; case-insensitive),
 * atomically: a temporary file in the same folder renamed into place, so a
 * failure leaves nothing behind. An existing file is refused with
 * SMP_ERR_EXISTS unless the params allow overwriting. params may be NULL. */
smp_status smp_image_write_file(smp_image *img, const char *path, const smp_params *params);
/* The format smp_image_write_file would write for a path; NONE if unknown. */
smp_format smp_format_for_path(const char *path);
/* Non-zero when path ends in ext (with its dot: ".png"), ignoring ASCII
 * case, after at least one other character. */
int smp_path_has_ext(const char *path, const char *ext);
/* utf8 as a quoted JSON string: '"' and backslash escaped, control bytes
 * and DEL as six-character escapes (u00XX after a backslash), each byte
 * that is not well-formed UTF-8 as U+FFFD, so the result is valid UTF-8
 * and JSON. Writes at most size bytes (NUL-terminated when
 * size > 0) like snprintf and returns the full length; buf may be NULL
 * with size 0. NULL reads as "". */
size_t smp_json_quote(char *buf, size_t size, const char *utf8);
/* out = the w x h block of src at (x, y), as RGB with src's ICC profile. */
smp_status smp_image_crop(smp_image *out, const smp_image *src, uint32_t x, uint32_t y, uint32_t w, uint32_t h);

uint32_t smp_image_width(const smp_image *img);
uint32_t smp_image_height(const smp_image *img);
int smp_image_channels(const smp_image *img);
uint8_t *smp_image_data(smp_image *img);
const uint8_t *smp_image_cdata(const smp_image *img);
smp_format smp_image_format(const smp_image *img);       /* what it was decoded from */
/* For a caller that decodes pixels itself (a browser): what they were
 * decoded from. It matters: the photo's blur is measured allowing for
 * JPEG's 8x8 blocks, so the same pixels marked JPEG render as the same
 * file read by smp_image_read_file does. SMP_ERR_ARG for an unknown format. */
smp_status smp_image_set_format(smp_image *img, smp_format format);
int smp_image_orientation(const smp_image *img);         /* EXIF orientation applied, 1..8 */
/* The ICC profile carried with the pixels, or NULL. */
const uint8_t *smp_image_icc(const smp_image *img, size_t *size);
smp_status smp_image_set_icc(smp_image *img, const void *profile, size_t size);
/* Progress and cancellation while an image is read: fn is called now and
 * then (every few rows, scans or megabytes) with the fraction done; a
 * non-zero return stops the read with SMP_ERR_CANCELLED. JPEG and PNG stop
 * within rows; WebP and HEIF between reading and decoding. fn NULL: none. */
smp_status smp_image_set_progress(smp_image *img, smp_progress_fn fn, void *user);

/* Writes len bytes to path atomically (a temporary file renamed into
 * place); refuses an existing file unless overwrite. On failure, err (if
 * not NULL, err_len bytes) says why. For reports and other text outputs. */
smp_status smp_write_file_atomic(const char *path, const void *data, size_t len, int overwrite, char *err,
                                 size_t err_len);

/* ---------------------------------------------------------------- simulate */

typedef struct smp_result smp_result;

/* One simulated pigment dot, in millimetres from the photo's top-left corner
 * (as displayed, after EXIF orientation). */
typedef struct smp_dot {
    double x_mm, y_mm;
    double diameter_mm;
    float opacity;      /* pigment load, 0..1 */
    uint8_t layer;
    float aspect;       /* the long axis over the short one (1 = round) */
    float angle;        /* the long axis's direction, radians from +x */
    float blur_mm;      /* the photo's own blur where the dot lies (Gaussian sigma), drawn with it */
} smp_dot;

smp_result *smp_result_new(void); /* NULL if out of memory */
void smp_result_free(smp_result *res);
const char *smp_result_message(const smp_result *res);

/* The whole pipeline: mask -> coverage -> dots -> after image. The mask is
 * white = treat, grey = partial, black = leave; a mask with real
 * transparency uses its alpha. A mask of the photo's aspect ratio (within
 * 1 %) but another size is resampled (see the notes). On failure the result
 * holds no image. */
smp_status smp_simulate(smp_result *res, const smp_params *params,
                        const smp_image *photo, const smp_image *mask);
/* smp_simulate for a caller that needs neither the photo nor the mask
 * afterwards: the mask's pixels are freed once read, and an 8-bit RGB
 * photo's pixels (and ICC profile) become the after image instead of being
 * copied (unless the realism measures are on: they compare the two). A
 * 12 MP photo's peak is then 36 + 12 MB lower. The same result to the
 * byte; photo and mask may be left empty (0 x 0), whatever the outcome. */
smp_status smp_simulate_consume(smp_result *res, const smp_params *params, smp_image *photo, smp_image *mask);
/* The checks smp_simulate makes before its work, alone and cheap (one pass
 * over the mask): a loupe point inside the photo, and at most SMP_MAX_DOTS
 * dots expected (the density, or the most auto may choose, over the mask's
 * treated area at the params' or the assumed scale). For a caller with
 * other work to do first; the message is res's. */
smp_status smp_simulate_check(smp_result *res, const smp_params *p, const smp_image *photo, const smp_image *mask);

/* An analysis cache for a caller that simulates one photo again and again
 * with other settings or another mask (the studio page while a slider
 * moves). smp_simulate_cached gives the same result as smp_simulate, byte
 * for byte, and keeps what the photo and the mask alone decide: their
 * coverage, the shade analysis, the shine, strand and focus maps, the
 * client's stubble and the core's window. The next call with the same
 * photo, mask and scale (compared byte for byte; any other setting may
 * change) starts at the first step that reads the look's settings (edge,
 * then density, dot size, shade, sessions, age, regularity), and reuses
 * the edge's shaping and the sampled dots while what they read is unchanged
 * (a change of shade or of the session shown samples nothing); with the same
 * photo and another mask it makes the analysis again but takes the focus,
 * strand and shine maps when the treated box did not move (an edit inside
 * the treated area). With a reference, scars or a density map set the
 * cache is not used (the run is smp_simulate's). It holds a copy of the
 * photo and the mask plus about a byte per photo pixel of maps; one cache
 * serves one caller at a time. */
typedef struct smp_cache smp_cache;
smp_cache *smp_cache_new(void); /* NULL if out of memory */
void smp_cache_free(smp_cache *cache);
/* Why the last run kept nothing (out of memory), else "". */
const char *smp_cache_message(const smp_cache *cache);
/* Forgets the analysis (and frees its memory). */
void smp_cache_clear(smp_cache *cache);
/* smp_simulate through the cache; the message is res's, as smp_simulate's. */
smp_status smp_simulate_cached(smp_result *res, smp_cache *cache, const smp_params *params,
                               const smp_image *photo, const smp_image *mask);
/* What the last smp_simulate_cached took from the cache: 0 nothing, else
 * SMP_REUSED_* flags. */
#define SMP_REUSED_ANALYSIS 1  /* the whole analysis: the same photo and mask */
#define SMP_REUSED_SKIN_MAPS 2 /* focus, strand or shine maps: the same photo and treated box */
#define SMP_REUSED_SHAPE 4     /* the edge's shaping: the same analysis, edge, feather and seed */
#define SMP_REUSED_POINTS 8    /* the sampled dots (then sized and shaded again): also the same density,
                                * sessions, regularity and dot size */
#define SMP_REUSED_BASE 16     /* the first session's dots before their close pairs, or the second's as
                                * sampled: the same shaping, densities and regularity (a dot size change
                                * thins and pairs them again); or the first's as sampled, which most
                                * regularity changes leave as they are (they thin and jitter them again) */
int smp_cache_reused(const smp_cache *cache);
/* Samples the dots an smp_simulate_cached run of these params, photo and
 * mask would sample, and keeps them in the cache's memo of sampled points
 * without dressing, rendering or measuring them: a later run with those
 * settings (and the same photo, mask, scale, edge and seed) then skips
 * the sampling, its result the same to the byte. For a caller with time
 * between runs (the studio page makes a slider's other positions ready
 * while the consultant looks). A call samples one session's new dots at
 * most: with more to do it keeps them and says *made 3, and the next
 * call for these settings goes on from there (unless two other settings'
 * sessions were sampled between), so a caller can serve a run between
 * the parts (SMP_PREPARED_PART). The memo holds the points of several
 * settings, at most smp_cache_set_points_bound's bytes (64 MB unless set;
 * a dot list is 0.5-1 MB at 2000x1500); over it, those farthest from the
 * last smp_simulate_cached run's settings go first (density and dot size
 * counted in steps of 5 dots/cm² and 0.01 mm; another regularity or
 * edge style 8 steps more, and the regularity's own steps of 0.01 or 4
 * for another style; other sessions farthest), never that run's own. The points of the last
 * three edge shapings (edge, feather, seed) are kept side by side; a
 * fourth drops the least recently used one's; a change of photo, mask or
 * scale drops them all. *made (when given) is one of
 * SMP_PREPARED_*. The last run's smp_cache_reused stays; on failure
 * smp_cache_message says why. */
#define SMP_PREPARED_NOT_KEPT 0 /* nothing kept: farther than the bound holds, params the cache
                                 * does not serve, or nothing to treat */
#define SMP_PREPARED_MADE 1     /* sampled and kept */
#define SMP_PREPARED_HELD 2     /* the memo held them already */
#define SMP_PREPARED_PART 3     /* one session's sampling kept: call again to go on */
smp_status smp_cache_prepare(smp_cache *cache, const smp_params *params, const smp_image *photo,
                             const smp_image *mask, int *made);
void smp_cache_set_points_bound(smp_cache *cache, size_t bytes);
/* How many settings' points the memo holds, and their bytes. */
size_t smp_cache_points_held(const smp_cache *cache, size_t *bytes);

/* The tone preview (the studio page's quick redraw while the exact image
 * is made; never an export): the pigment model's mean, in which skin under
 * n dots/mm² transmits exp(-n * area[c]) of its diffuse light per channel,
 * its shine staying on top and hair strands keeping their share of the light.
 * smp_cache_tone_maps, after an smp_simulate_cached run that succeeded,
 * writes w x h pixels (at most the photo's size; each the photo's block
 * under it) of 4 bytes: 0 the coverage the dots followed (0..255: the
 * edge's shaping and hair already there applied; the dots' density is the
 * density used times coverage / 255); 1 the share of a coverage painted
 * there that the dots would follow (255: no hair already there); 2 the
 * shine as a share of the pixel's least channel (linear light, /255);
 * 3 the strands' weight over the pigment (/255). SMP_ERR_ARG when the
 * cache holds no such run. smp_result_tone_area gives area[c] in mm² for
 * dots of dot_mm (as smp_params_set_dot_diameter) in the pigment, sessions
 * and look of res's run and p's params (the session shown counted; SMP_ERR_ARG
 * when p's sessions are not the run's). */
smp_status smp_cache_tone_maps(const smp_cache *cache, uint32_t w, uint32_t h, uint8_t *maps);
smp_status smp_result_tone_area(const smp_result *res, const smp_params *p, double dot_mm, double area_mm2[3]);
/* The coverage (byte 0 of smp_cache_tone_maps, w x h the same way) the
 * dots would follow under p's edge style, feather and seed, from the
 * shapings the cache holds for its photo, mask and p's scale after an
 * smp_simulate_cached run: that run's, or another style's made ready
 * (smp_cache_prepare), so a caller can preview an edge change before its
 * exact image. SMP_ERR_ARG when it holds none. */
smp_status smp_cache_tone_cover(const smp_cache *cache, const smp_params *p, uint32_t w, uint32_t h, uint8_t *cover);

/* The input a failed smp_simulate blames, so a caller names the right file
 * without reading the message: the mask, or one of the params' images
 * (reference, scars, density map), that does not fit the photo; NONE when
 * the failure is no input's in particular (memory, limits, cancelling) and
 * after a success. */
typedef enum smp_input {
    SMP_INPUT_NONE = 0,
    SMP_INPUT_PHOTO,
    SMP_INPUT_MASK,
    SMP_INPUT_REFERENCE,
    SMP_INPUT_SCARS,
    SMP_INPUT_DENSITY_MAP
} smp_input;
#define SMP_INPUT_COUNT (SMP_INPUT_DENSITY_MAP + 1)
smp_input smp_result_failed_input(const smp_result *res);

/* The after image, owned by the result (write it, do not free it). */
smp_image *smp_result_after(smp_result *res);
const smp_dot *smp_result_dots(const smp_result *res, size_t *count);
double smp_result_px_per_mm(const smp_result *res);
int smp_result_px_per_mm_assumed(const smp_result *res);
/* Informational notes from the last run ("mask resampled from ..."). */
size_t smp_result_note_count(const smp_result *res);
const char *smp_result_note(const smp_result *res, size_t i);
/* Adds a note of the caller's to the result's (a mask check's warning made
 * before the run), so that the metrics file holds every note of the run.
 * Call it after smp_simulate, which starts the notes afresh. SMP_ERR_ARG
 * without a result or note, SMP_ERR_NOMEM when it cannot be kept. */
smp_status smp_result_add_note(smp_result *res, const char *note);

/* Dots alone over a w x h mm rectangle, at the params' density (dots/cm²)
 * and layers. With a density map (a grey image, white = the full density,
 * black = none, transparency as for masks) at map_px_per_mm, the density
 * follows it; the map's top-left is the rectangle's. The result holds the
 * dots and no image. */
smp_status smp_points(smp_result *res, const smp_params *params, double w_mm, double h_mm,
                      const smp_image *density_map, double map_px_per_mm);

/* Writes the result's dots to path: .csv (header x_mm,y_mm,diameter_mm,
 * layer,opacity; one dot a line, in the sampler's deterministic order) or
 * .svg (circles at physical size, one group per layer). Atomic, and an
 * existing file is refused unless the params allow overwriting. */
smp_status smp_result_write_dots(smp_result *res, const char *path, const smp_params *params);

/* The metrics file (JSON, schema "smpsim-metrics/1", documented in the
 * README): every parameter and the seed, the scale, dots per session,
 * achieved density and spacing, the colours in CIELAB and the viewing-scale
 * CIEDE2000 between the treated core and the reference, before and after. */
smp_status smp_result_write_metrics(smp_result *res, const char *path, const smp_params *params);
/* The core's viewing-scale CIEDE2000 to the reference before and after, and
 * the density used (dots/cm²; chosen by density auto). Any may be NULL. */
void smp_result_tone(const smp_result *res, double *delta_e_before, double *delta_e_after,
                     double *density_cm2);

/* What the shade match aimed at (smp_measures match_aim). */
typedef enum smp_aim { SMP_AIM_NONE, SMP_AIM_TONE, SMP_AIM_DARKEST } smp_aim;

/* What a run measured, in one place for sweeps and reports. */
typedef struct smp_measures {
    size_t dots;
    double density_used_cm2;  /* where coverage is full (density auto: the choice) */
    double achieved_core_cm2; /* dots per cm² counted over the treated core */
    double core_area_cm2;
    double min_spacing_mm, rho; /* the closest pair; rho against d_hex at the achieved density */
    double dilution;          /* the pigment's dilution; < 0 when the pigment was given */
    double delta_e_before, delta_e_after; /* viewing-scale CIEDE2000; NAN without a reference */
    double focus_x_px, focus_y_px;        /* a treated point near the centroid of the core */
    double dot_mm;                        /* the main area's mean dot (chosen when matched) */
    /* The client's stubble in the reference: measured (a reference was
     * found), resolved (the photo shows single follicles, about 6 px/mm or
     * finer), their density, apparent diameter and contrast. */
    int follicles_measured, follicles_resolved;
    double follicles_cm2, follicle_mm, follicle_contrast;
    /* Realism: 1 - mean(after / before) of linear luminance over the core's
     * ordinary pixels and over its shine (brightest 3 %, 25 % above its
     * median); follicle-scale contrast of the core over the reference's;
     * the largest change on pixels wholly hair strands (8-bit levels; a
     * pixel mixing hair and skin darkens by its skin's share). NAN when
     * unknown. */
    double core_darkening, shine_darkening, contrast_ratio, strand_max_diff;
    /* What the match aimed at when it chose the density, dot size or
     * dilution (auto): the reference's tone, met within their ranges
     * (CIEDE2000 1, not at a range's end), or the most ink they allow (the
     * reference is darker than SMP reaches); run again with another value
     * fixed, it chooses the rest for the same aim. SMP_AIM_NONE: nothing
     * chosen, or stopped short otherwise (the shade differs, the area
     * already matches). */
    smp_aim match_aim;
} smp_measures;
smp_status smp_result_measures(const smp_result *res, smp_measures *out);

/* Colours the run measured or chose, in CIELAB (D65). Returns 0 when the
 * colour is unknown (no reference found, no treated core). */
typedef enum smp_colour {
    SMP_COLOUR_SKIN, SMP_COLOUR_HAIR, SMP_COLOUR_PIGMENT, SMP_COLOUR_REFERENCE,
    SMP_COLOUR_CORE_BEFORE, SMP_COLOUR_CORE_AFTER
} smp_colour;
int smp_result_colour(const smp_result *res, smp_colour which, double lab[3]);

/* ----------------------------------------------------------------- analyze */

/* A point set's statistics: count, density, nearest-neighbour distances
 * and Lagae & Dutre's rho (minimum and mean distance over the hexagonal
 * spacing d_hex for the count), their histogram, and the radially averaged
 * power spectrum with its anisotropy (PSA's definitions; frequencies in
 * units of 1 / d_hex, white noise has power 1). */
typedef struct smp_analysis smp_analysis;
smp_analysis *smp_analysis_new(void);
void smp_analysis_free(smp_analysis *a);
const char *smp_analysis_message(const smp_analysis *a);
/* Threads the nearest-neighbour search may use (0 = OpenMP's default, as
 * smp_params_set_threads); kept across smp_analyze_points. The numbers do
 * not depend on it. */
smp_status smp_analysis_set_threads(smp_analysis *a, int threads);
/* xy holds n points (x, y interleaved, mm) inside 0..w_mm x 0..h_mm. */
smp_status smp_analyze_points(smp_analysis *a, const double *xy, size_t n, double w_mm, double h_mm);
size_t smp_analysis_count(const smp_analysis *a);
double smp_analysis_density(const smp_analysis *a); /* dots per cm² */
void smp_analysis_nearest(const smp_analysis *a, double *min_mm, double *mean_mm, double *rho_min,
                          double *rho_mean);
/* Fractions of points per bin of nearest-neighbour distance / d_hex. */
const double *smp_analysis_histogram(const smp_analysis *a, size_t *bins, double *bin_width);
/* Radial power per frequency ring of width freq_step (ring 0 is unused). */
const double *smp_analysis_radial(const smp_analysis *a, size_t *n, double *freq_step,
                                  const double **anisotropy_db);
/* The averaged 2-D periodogram, size x size, zero frequency at the centre. */
const float *smp_analysis_spectrum(const smp_analysis *a, int *size);
/* A figure (RGB, 1540 x 560): the 2-D spectrum, the radial power and the
 * anisotropy against frequency, with labelled axes. */
smp_status smp_analysis_plot(const smp_analysis *a, smp_image *out);

/* ----------------------------------------------------------------- preview */

/* Where a preview put things, in output pixels ({x, y, w, h} boxes). */
#define SMP_MAX_PANELS (SMP_MAX_LAYERS + 1)
typedef struct smp_preview_geometry {
    uint32_t width, height;
    double scale;                    /* output px per photo px in each panel */
    int panels;                      /* split: 1 */
    uint32_t panel[SMP_MAX_PANELS][4];
    int panel_session[SMP_MAX_PANELS]; /* -1 before, 0 after (all), k: after session k */
    int labels;
    uint32_t label[SMP_MAX_PANELS + 1][4];
    uint32_t split_x;                /* split: the first column showing the after image */
    uint32_t caption[4];             /* the caption strip below the panels */
    int has_loupe;
    uint32_t loupe[4];               /* the inset */
    double loupe_source[4];          /* the photo pixels it magnifies */
    double loupe_zoom;               /* its magnification over the panel */
} smp_preview_geometry;

/* A preview of a finished simulation in the params' layout, with labels,
 * the caption line (density, dot size, pigment, date, caption text) and
 * the loupe: a close-up with the photo resampled and the dots drawn again
 * at the close-up's scale. Panels larger than the max size are
 * area-averaged in linear light. geometry may be NULL. */
smp_status smp_preview(smp_image *out, smp_result *res, const smp_image *photo, const smp_params *params,
                       smp_preview_geometry *geometry);
/* The same as one self-contained HTML page (images embedded as JPEG, no
 * external requests): a before/after slider driven by mouse, touch and
 * the arrow keys, pinch or wheel zoom, the labels and caption, a session
 * selector when there are sessions, and the close-up. Atomic like images. */
smp_status smp_preview_write_html(smp_result *res, const smp_image *photo, const char *path,
                                  const smp_params *params);


/* A contact sheet (RGB): header lines ('\n' separates them), then a grid of
 * rows x cols cells (cells[r * cols + c], all one size, RGB or grey) with
 * col_labels above, row_labels at the left and captions in each cell's
 * bottom-left corner. Any label array or entry may be NULL. params (may be
 * NULL) gives the pixel limit. */
smp_status smp_contact_sheet(smp_image *out, const smp_image *const *cells, int rows, int cols,
                             const char *header, const char *const *row_labels,
                             const char *const *col_labels, const char *const *captions,
                             const smp_params *params);

/* ----------------------------------------- masks and scale from the photo */

/* A scalp analysis of one photo (suggest.c, scale.c, maskcheck.c,
 * hairline.c): skin and hair by colour and texture on a grid of cells of
 * about 1/480 of the long side, the head as the largest skin-and-hair
 * region, the bald or thin scalp on it (thin as grey: the share of hair
 * missing), and the head's breadth as a scale. No learned model. */
typedef struct smp_scalp smp_scalp;

typedef struct smp_scalp_info {
    double head_fraction;   /* of the frame */
    double treated_cm2;     /* the suggestion's area weighted by its grey, at the scale used */
    double bald_cm2;        /* where it is 80 % or more */
    double thin_cm2;        /* where it is 20-80 % */
    double px_per_mm_used;  /* the params' scale, or the estimate below when none was set */
    /* Scale from the head's breadth against 152 mm (adult biparietal
     * breadth, ANSUR 1988) plus the hair at its outline. 0 when unknown. */
    double px_per_mm;       /* the estimate */
    double px_per_mm_low, px_per_mm_high; /* its plausible range */
    double breadth_px;      /* the head's breadth measured across its long axis */
    double length_ratio;    /* head length over breadth as seen (1.2-1.4 from above) */
    int confidence;         /* 0 none, 1 low, 2 medium */
    int head_cut;           /* the head touches the frame across its breadth */
    /* The forehead left out of the suggestion: the face's side of the
     * frame (0 none found, 1 bottom, 2 top, 3 right, 4 left), the two
     * temple points (x, y in photo pixels) where the side fringes end, how
     * far the head runs on past the level line through the one nearer the
     * back (mm, at the scale used), and the cut: that line, or past dense
     * frontal hair in front of it (a y for the bottom and top, an x for
     * the sides, photo pixels); the skin past the cut is left out. A cut
     * past frontal hair holds over the middle and turns back to the level
     * line at the temple points, as a hairline's corners do.
     * Between the temple points, where hair still covers the middle of a
     * receded front, the skin in front of that hair is left out too:
     * forehead_front_mm is the most that moves the cut back from the line
     * (mm, at the scale used; 0 where no such hair). */
    int forehead_side;
    double temple_px[2][2];
    double forehead_mm;
    double forehead_cut_px;
    double forehead_front_mm;
} smp_scalp_info;

smp_scalp *smp_scalp_new(void); /* NULL if out of memory */
void smp_scalp_free(smp_scalp *s);
const char *smp_scalp_message(const smp_scalp *s);
/* Analyses photo (any channels; params may be NULL: its scale, pixel
 * limit and progress are used). SMP_ERR_ARG when no head is found. */
smp_status smp_scalp_analyze(smp_scalp *s, const smp_image *photo, const smp_params *params);
const smp_scalp_info *smp_scalp_get_info(const smp_scalp *s);
/* The suggested mask at the photo's size: grey 8-bit, white = bald scalp,
 * grey = thin (the share of hair missing), black = hair, face, background. */
smp_status smp_scalp_mask(smp_scalp *s, smp_image *mask);

/* Checks a mask against an analysed photo (s may be NULL: the photo-like
 * check alone). Returns SMP_ERR_FORMAT when the mask looks like a photo
 * (colourful and textured), with a hint in the message; otherwise SMP_OK
 * and, in *outside, the share of the mask's weight off the scalp the
 * analysis found (background, face: 0..1; -1 when s is NULL). */
smp_status smp_mask_check(smp_scalp *s, const smp_image *mask, double *outside);
/* A mask painted in one colour over the photo: out (grey, the painted
 * image's size) is white where painted carries the paint (r, g, b), grey
 * where it is partly blended over photo (may be NULL), black elsewhere. */
smp_status smp_mask_from_paint(smp_image *out, const smp_image *painted, const smp_image *photo, uint8_t r,
                               uint8_t g, uint8_t b);

/* A hairline through points (hairline.c): a smooth curve (centripetal
 * Catmull-Rom) through n points (3..9, photo pixels, in order along the
 * line), extended straight to the frame. The treated side is the one away
 * from the face where the analysis found one (smp_scalp_info's
 * forehead_side), else the one holding
 * more of the scalp near the line: hair on the head, and the mask so far
 * (the scalp, not the forehead; a dark background is not the head). mask (grey, the
 * photo's size, e.g. from smp_scalp_mask or a decoded mask made grey) is
 * cut to that side, and the scalp there (inside the head's rim, as the
 * suggestion's) is added up to the hair: full where bald, grey where thin. The edge zone comes later from the look
 * (smp_params_set_edge). */
smp_status smp_hairline_apply(smp_scalp *s, smp_image *mask, const double *xy, int n);
/* Template shapes placed by two temple points (t0, t1, photo pixels):
 * fills out (9 points, x y pairs) for smp_hairline_apply. The names:
 * "straight" (flat front, rounded corners), "rounded" (an even arc),
 * "mature" (the temples set back, a flatter centre) and "widows-peak"
 * (a point at the centre). The forehead side is where s finds less hair
 * (s may be NULL: then below the temple line in the image, as in a
 * front view). SMP_ERR_ARG for an unknown name. */
smp_status smp_hairline_template(smp_scalp *s, const char *name, const double t0[2], const double t1[2],
                                 double out[18]);

#if defined(__GNUC__) && __GNUC__ >= 4
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
