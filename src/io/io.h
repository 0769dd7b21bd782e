/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading and writing files: the codecs, EXIF, atomic output and dot lists. */
#ifndef SMP_IO_H
#define SMP_IO_H

#include "internal.h"
#include "image.h"

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

#endif
