/* SPDX-License-Identifier: BSD-2-Clause */
/* The library's version, licence, OpenMP build and the libraries it links. */
#include "smpsim.h"

#include <stdio.h>

#include <fftw3.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <jpeglib.h>
#include <fontconfig/fontconfig.h>
#include <fribidi.h>
#include <harfbuzz/hb.h>
#include <libheif/heif_version.h>
#include <png.h>
#include <webp/decode.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define SMP_STR_(x) #x
#define SMP_STR(x) SMP_STR_(x)

const char *smp_version(void) { return "0.1.0"; }

int smp_has_openmp(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

const char *smp_license(void) { return "BSD-2-Clause"; }

size_t smp_libraries(char *buf, size_t size)
{
    /* libpng and FFTW report the version loaded at run time; libjpeg and
     * FreeType (without a library handle) the one built against, and so
     * does libheif (opened only when a file needs it, src/io/io_heif.c). */
    const char *jpeg =
#ifdef LIBJPEG_TURBO_VERSION
        "libjpeg-turbo " SMP_STR(LIBJPEG_TURBO_VERSION) " (libjpeg API " SMP_STR(JPEG_LIB_VERSION) ")";
#else
        "libjpeg " SMP_STR(JPEG_LIB_VERSION);
#endif
    const char *omp =
#ifdef _OPENMP
        "OpenMP " SMP_STR(_OPENMP);
#else
        "no OpenMP";
#endif
    const int webp = WebPGetDecoderVersion();
    int n = snprintf(buf, buf ? size : 0,
                     "libpng %s, %s, %s, FreeType %d.%d.%d, libheif %s, libwebp %d.%d.%d, HarfBuzz %s, "
                     "fontconfig %d, GNU FriBidi %s, %s",
                     png_get_libpng_ver(NULL), jpeg, fftw_version, FREETYPE_MAJOR, FREETYPE_MINOR, FREETYPE_PATCH,
                     LIBHEIF_VERSION, webp >> 16, (webp >> 8) & 0xff, webp & 0xff, hb_version_string(),
                     FcGetVersion(), FRIBIDI_VERSION, omp);
    return n < 0 ? 0 : (size_t)n;
}
