/* SPDX-License-Identifier: BSD-2-Clause */
/* Drawing a finished result again (view.c): sessions and close-ups. */
#ifndef SMP_VIEW_H
#define SMP_VIEW_H

#include "result.h"
#include "image.h"

/* out = the photo (RGB) with the dots of sessions 1..session (0: the run's
 * own choice) drawn at the photo's scale. */
smp_status smp__render_session(smp_image *out, const smp_result *res, const smp_image *photo_rgb, int session,
                               int threads);
/* *rgb = img when it is RGB, else a converted *copy (the caller frees it). */
smp_status smp__rgb_view(const smp_image *img, smp_image **copy, const smp_image **rgb);
/* What a panel shows at w x h: the photo (session < 0), the run's after
 * image (0) or session k, drawn into work when needed and area-averaged
 * into small when smaller; *shown is whichever holds it. On failure
 * small's message says why. */
smp_status smp__state_image(const smp_image **shown, smp_image *work, smp_image *small, const smp_result *res,
                            const smp_image *photo_rgb, int session, uint32_t w, uint32_t h, int threads);
/* out = side x side px: the photo box src = {x, y, w, h} (photo px, square)
 * enlarged, with the dots drawn again at the enlarged scale. */
smp_status smp__render_loupe(smp_image *out, const smp_result *res, const smp_image *photo_rgb, const double src[4],
                             uint32_t side, int session, int threads);

#endif
