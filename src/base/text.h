/* SPDX-License-Identifier: BSD-2-Clause */
/* UTF-8 (text.c). */
#ifndef SMP_TEXT_H
#define SMP_TEXT_H

#include "internal.h"

/* Length of the well-formed UTF-8 sequence at s (1..4) with its code
 * point in *cp, or 0 (text.c). */
int smp__utf8_sequence(const unsigned char *s, uint32_t *cp);

#endif
