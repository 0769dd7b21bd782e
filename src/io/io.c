/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading files, sniffing formats by content, and atomic writes. */
#define _POSIX_C_SOURCE 200809L
#include "io.h"
#include "image.h"
#include "params.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Names formats people send by mistake, so the refusal says what it is. */
static const char *other_format(const uint8_t *d, size_t n)
{
    if (n >= 12 && !memcmp(d + 4, "ftyp", 4))
        return "ISO media";
    if (n >= 6 && !memcmp(d, "GIF8", 4))
        return "GIF";
    if (n >= 2 && d[0] == 'B' && d[1] == 'M')
        return "BMP";
    if (n >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4)))
        return "TIFF";
    return NULL;
}

/* An ICC profile whose header matches its length and signature. */
static bool icc_plausible(const uint8_t *p, size_t n)
{
    if (n < 132 || memcmp(p + 36, "acsp", 4) != 0)
        return false;
    uint32_t size = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    uint32_t tags = (uint32_t)p[128] << 24 | (uint32_t)p[129] << 16 | (uint32_t)p[130] << 8 | p[131];
    return size == n && tags <= (n - 132) / 12;
}

smp_status smp_image_read_memory(smp_image *img, const void *data, size_t size, uint64_t max_pixels)
{
    if (!img || (!data && size))
        return SMP_ERR_ARG;
    const uint8_t *d = data;
    uint8_t *exif = NULL;
    size_t exif_len = 0;
    smp_status st;
    smp_image_set_icc(img, NULL, 0);
    if (size == 0)
        return smp__fail(img->msg, SMP_ERR_FORMAT, "file is empty");
    if ((st = smp__image_progress(img, 0)) != SMP_OK)
        return st;
    if (size >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
        st = smp__png_decode(img, d, size, max_pixels, &exif, &exif_len);
    } else if (size >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        st = smp__jpeg_decode(img, d, size, max_pixels, &exif, &exif_len);
    } else if (size >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) {
        st = smp__webp_decode(img, d, size, max_pixels, &exif, &exif_len);
    } else if (smp__heif_sniff(d, size)) {
        st = smp__heif_decode(img, d, size, max_pixels, &exif, &exif_len);
    } else {
        const char *other = other_format(d, size);
        if (other)
            return smp__fail(img->msg, SMP_ERR_FORMAT,
                             "is a %s image; only PNG, JPEG, WebP and HEIF are supported", other);
        return smp__fail(img->msg, SMP_ERR_FORMAT, "not a PNG, JPEG, WebP or HEIF image");
    }
    if (st == SMP_OK)
        st = smp__image_progress(img, 1); /* WebP and HEIF decode in one call: stop at least after it */
    if (st == SMP_OK)
        st = smp__image_orient(img, smp__exif_orientation(exif, exif_len));
    if (st == SMP_OK && img->icc && !icc_plausible(img->icc, img->icc_len))
        smp_image_set_icc(img, NULL, 0); /* a profile that lies about itself is dropped, not carried */
    free(exif);
    return st;
}

/* Opens path for reading without blocking on a FIFO or device (O_NONBLOCK,
 * then a regular-file check), so a named pipe is refused, not waited on. */
static FILE *open_regular(smp_image *img, const char *path, off_t *size, smp_status *st)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *st = smp__fail(img->msg, SMP_ERR_READ, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat sb = {0};
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        *st = smp__fail(img->msg, SMP_ERR_READ, S_ISDIR(sb.st_mode) ? "is a directory" : "is not a regular file");
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        *st = smp__fail(img->msg, SMP_ERR_NOMEM, "cannot open: %s", strerror(errno));
        close(fd);
    }
    *size = sb.st_size;
    return f;
}

#define READ_PIECE ((size_t)8 << 20)

smp_status smp_image_read_file(smp_image *img, const char *path, uint64_t max_pixels)
{
    if (!img || !path)
        return SMP_ERR_ARG;
    smp_status st = SMP_OK;
    off_t fsize = 0;
    FILE *f = open_regular(img, path, &fsize, &st);
    if (!f)
        return st;
    if ((uintmax_t)fsize > SIZE_MAX) {
        fclose(f);
        return smp__fail(img->msg, SMP_ERR_LIMIT, "file is too large to read");
    }
    /* The signature first: a 2 GB file of zeros is refused after 16 bytes. */
    uint8_t head[16];
    size_t n_head = fread(head, 1, sizeof head, f);
    int png = n_head >= 8 && !memcmp(head, "\x89PNG\r\n\x1a\n", 8);
    int jpeg = n_head >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
    int webp = n_head >= 12 && !memcmp(head, "RIFF", 4) && !memcmp(head + 8, "WEBP", 4);
    int heif = n_head >= 12 && !memcmp(head + 4, "ftyp", 4); /* its brands are checked on the whole box */
    if (!png && !jpeg && !webp && !heif) {
        fclose(f);
        return smp_image_read_memory(img, head, n_head, max_pixels); /* names the format, or says empty */
    }
    size_t size = (size_t)fsize > n_head ? (size_t)fsize : n_head;
    uint8_t *buf = malloc(size);
    if (!buf) {
        fclose(f);
        return smp__fail(img->msg, SMP_ERR_NOMEM, "cannot allocate %zu bytes to read it", size);
    }
    memcpy(buf, head, n_head);
    /* In pieces, so a slow or huge file can be cancelled while it is read. */
    size_t got = n_head;
    while (got < size && st == SMP_OK) {
        const size_t want = size - got < READ_PIECE ? size - got : READ_PIECE;
        const size_t n = fread(buf + got, 1, want, f);
        got += n;
        if (n < want)
            break;
        st = smp__image_progress(img, 0);
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (st == SMP_OK && err)
        st = smp__fail(img->msg, SMP_ERR_READ, "read error: %s", strerror(err));
    else if (st == SMP_OK)
        st = smp_image_read_memory(img, buf, got, max_pixels);
    free(buf);
    return st;
}

smp_format smp_format_for_path(const char *path)
{
    if (smp_path_has_ext(path, ".png"))
        return SMP_FORMAT_PNG;
    if (smp_path_has_ext(path, ".jpg") || smp_path_has_ext(path, ".jpeg"))
        return SMP_FORMAT_JPEG;
    return SMP_FORMAT_NONE;
}

/* Writes to a temporary file beside path and renames it into place, so a
 * reader never sees a partial file and a failure leaves nothing behind.
 * Without overwrite, link() publishes it only if path does not exist yet,
 * with no window between the check and the write. */
smp_status smp__atomic_write(const char *path, int overwrite, smp__emit_fn emit, const void *ctx,
                             char *msg)
{
    struct stat sb;
    if (!overwrite && lstat(path, &sb) == 0)
        return smp__fail(msg, SMP_ERR_EXISTS, "exists; use --force to replace it");
    size_t n = strlen(path);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    /* A recognisable name (a later batch removes stale ones), shortened so a
     * 255-byte output name still has a temporary that fits. */
    char *tmp = malloc(n + 32);
    if (!tmp)
        return smp__fail(msg, SMP_ERR_NOMEM, "cannot allocate a file name");
    snprintf(tmp, n + 32, "%.*s.smpsim-tmp-%.200s.XXXXXX", (int)dirlen, path, path + dirlen);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        smp_status st = smp__fail(msg, SMP_ERR_WRITE, "cannot create a file in its folder: %s",
                                  strerror(errno));
        free(tmp);
        return st;
    }
    fchmod(fd, 0644);
    FILE *f = fdopen(fd, "wb");
    smp_status st;
    if (!f) {
        close(fd);
        st = smp__fail(msg, SMP_ERR_WRITE, "cannot open for writing: %s", strerror(errno));
    } else {
        st = emit(f, ctx, msg);
        int err = 0;
        if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
            err = errno ? errno : EIO;
        if (fclose(f) != 0 && !err)
            err = errno;
        if (err)
            st = smp__fail(msg, SMP_ERR_WRITE, "write failed: %s", strerror(err));
    }
    if (st == SMP_OK) {
        if (overwrite) {
            if (rename(tmp, path) != 0)
                st = smp__fail(msg, SMP_ERR_WRITE, "cannot rename into place: %s", strerror(errno));
        } else if (link(tmp, path) != 0) {
            int e = errno;
            if (e == EEXIST)
                st = smp__fail(msg, SMP_ERR_EXISTS, "exists; use --force to replace it");
            else if (e == EPERM || e == ENOTSUP || e == EXDEV || e == EMLINK) {
                /* Filesystems without hard links: a plain rename after the check above. */
                if (rename(tmp, path) != 0)
                    st = smp__fail(msg, SMP_ERR_WRITE, "cannot rename into place: %s", strerror(errno));
            } else {
                st = smp__fail(msg, SMP_ERR_WRITE, "cannot publish: %s", strerror(e));
            }
        }
    }
    unlink(tmp); /* after link() or on failure; after rename() it is already gone */
    free(tmp);
    return st;
}

typedef struct image_out {
    const smp_image *img;
    smp_format fmt;
    int quality;
} image_out;

static smp_status emit_image(FILE *f, const void *ctx, char *msg)
{
    const image_out *o = ctx;
    return o->fmt == SMP_FORMAT_PNG ? smp__png_encode(o->img, f, msg)
                                    : smp__jpeg_encode(o->img, f, o->quality, msg);
}

smp_status smp_image_write_file(smp_image *img, const char *path, const smp_params *params)
{
    if (!img || !path || !img->px)
        return img ? smp__fail(img->msg, SMP_ERR_ARG, "nothing to write") : SMP_ERR_ARG;
    image_out o = {img, smp_format_for_path(path), params ? params->jpeg_quality : 92};
    if (o.fmt == SMP_FORMAT_NONE)
        return smp__fail(img->msg, SMP_ERR_ARG, "unknown output type; name it .png, .jpg or .jpeg");
    return smp__atomic_write(path, params ? params->overwrite : 0, emit_image, &o, img->msg);
}

typedef struct bytes_out {
    const void *data;
    size_t len;
} bytes_out;

static smp_status emit_bytes(FILE *f, const void *ctx, char *msg)
{
    const bytes_out *b = ctx;
    (void)msg;
    fwrite(b->data, 1, b->len, f); /* errors surface at fflush/fclose in smp__atomic_write */
    return SMP_OK;
}

smp_status smp_write_file_atomic(const char *path, const void *data, size_t len, int overwrite, char *err,
                                 size_t err_len)
{
    if (!path || (!data && len))
        return SMP_ERR_ARG;
    char msg[SMP_MSG_LEN] = "";
    bytes_out b = {data, len};
    smp_status st = smp__atomic_write(path, overwrite, emit_bytes, &b, msg);
    if (st != SMP_OK && err && err_len)
        snprintf(err, err_len, "%s", msg);
    return st;
}
