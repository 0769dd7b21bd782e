/* SPDX-License-Identifier: BSD-2-Clause */
/* What the preview's writers share (preview.c, html.c). */
#ifndef SMP_PREVIEW_H
#define SMP_PREVIEW_H

#include "result.h"
#include "params.h"

/* The caption line: the client's text, the run's numbers and the date. */
void smp__preview_caption(char *buf, size_t n, const smp_result *res, const smp_params *p);

#endif
