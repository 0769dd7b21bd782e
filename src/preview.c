/* Before/after layouts with labels. */
#include "font.h"

#include <math.h>
#include <string.h>

static const uint8_t GAP_COLOUR[3] = {0x20, 0x20, 0x20};
static const uint8_t LABEL_INK[3] = {0xff, 0xff, 0xff};
static const uint8_t LABEL_BACKING[3] = {0x00, 0x00, 0x00};

/* A label in the panel's top-left corner on a translucent backing, sized
 * from the panel so it reads at any output size. */
static void label(smp_image *out, uint32_t ox, uint32_t oy, uint32_t pw, uint32_t ph,
                  const char *text)
{
    double short_side = pw < ph ? pw : ph;
    double scale = fmax(1.5, short_side / 200.0);
    double pad = 2 * scale, margin = fmax(4.0, short_side * 0.02);
    double tw = smp__text_width(text, scale), th = 7 * scale;
    int x0 = (int)(ox + margin), y0 = (int)(oy + margin);
    int x1 = (int)ceil(x0 + tw + 2 * pad), y1 = (int)ceil(y0 + th + 2 * pad);
    smp__fill_rect(out, x0, y0, x1, y1, LABEL_BACKING, 0.55);
    smp__draw_text(out, x0 + pad, y0 + pad, text, scale, LABEL_INK);
}

smp_status smp_preview_compose(smp_image *out, const smp_image *before, const smp_image *after,
                               const smp_params *params)
{
    if (!out)
        return SMP_ERR_ARG;
    if (!before || !after || !before->px || !after->px)
        return smp__fail(out->msg, SMP_ERR_ARG, "a preview needs a before and an after image");
    if (before->w != after->w || before->h != after->h)
        return smp__fail(out->msg, SMP_ERR_ARG, "before %ux%u and after %ux%u differ in size",
                         (unsigned)before->w, (unsigned)before->h, (unsigned)after->w,
                         (unsigned)after->h);
    const uint32_t w = before->w, h = before->h;
    const int stacked = w > h;
    uint32_t short_side = w < h ? w : h;
    uint32_t gap = short_side / 150 > 2 ? short_side / 150 : 2;
    uint64_t ow = stacked ? w : 2ull * w + gap, oh = stacked ? 2ull * h + gap : h;
    uint64_t limit = params ? params->max_pixels : 0;
    if (limit && limit <= UINT64_MAX / 2)
        limit *= 2; /* the preview holds the photo twice */
    smp_status st = smp__image_reset(out, (uint32_t)(ow > UINT32_MAX ? UINT32_MAX : ow),
                                     (uint32_t)(oh > UINT32_MAX ? UINT32_MAX : oh), 3, limit);
    if (st != SMP_OK)
        return st;
    for (size_t i = 0; i < (size_t)ow * oh; i++)
        memcpy(out->px + i * 3, GAP_COLOUR, 3);
    uint32_t ax = stacked ? 0 : w + gap, ay = stacked ? h + gap : 0;
    smp__image_blit(out, 0, 0, before, 0, 0, w, h);
    smp__image_blit(out, ax, ay, after, 0, 0, w, h);
    label(out, 0, 0, w, h, "Before");
    label(out, ax, ay, w, h, "After");
    out->orientation = 1;
    out->format = SMP_FORMAT_NONE;
    return smp_image_set_icc(out, before->icc, before->icc_len);
}
