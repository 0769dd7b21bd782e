/* SPDX-License-Identifier: BSD-2-Clause */
/* Status strings and the one way a failure is formatted. */
#include "internal.h"

#include <stdio.h>

const char *smp_strerror(smp_status status)
{
    switch (status) {
    case SMP_OK: return "success";
    case SMP_ERR_ARG: return "invalid argument";
    case SMP_ERR_NOMEM: return "out of memory";
    case SMP_ERR_READ: return "cannot read input";
    case SMP_ERR_FORMAT: return "unsupported or corrupt image";
    case SMP_ERR_LIMIT: return "image too large";
    case SMP_ERR_MISMATCH: return "mask does not fit the photo";
    case SMP_ERR_WRITE: return "cannot write output";
    case SMP_ERR_EXISTS: return "output exists";
    case SMP_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

smp_status smp__fail(char *msg, smp_status status, const char *fmt, ...)
{
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, SMP_MSG_LEN, fmt, ap);
        va_end(ap);
    }
    return status;
}
