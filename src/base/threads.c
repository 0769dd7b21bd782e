/* SPDX-License-Identifier: BSD-2-Clause */
/* The OpenMP queries: threads for a parallel region, the calling thread;
 * and the check of a thread setting. */
#include "internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int smp__threads(int want)
{
#ifdef _OPENMP
    return want > 0 ? want : omp_get_max_threads();
#else
    (void)want;
    return 1;
#endif
}

int smp__thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

smp_status smp__check_threads(int threads, char *msg)
{
    if (threads < 0 || threads > 1024)
        return smp__fail(msg, SMP_ERR_ARG, "threads %d is outside 0..1024", threads);
    return SMP_OK;
}
