/* SPDX-License-Identifier: BSD-2-Clause */
/* The metrics file (metrics.c). */
#ifndef SMP_METRICS_H
#define SMP_METRICS_H

#include "result.h"
#include "params.h"

/* The metrics file (JSON) for a finished result. */
smp_status smp__write_metrics(const smp_result *res, const smp_params *p, const char *path, char *msg);

#endif
