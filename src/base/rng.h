/* SPDX-License-Identifier: BSD-2-Clause */
/* Counter-based randomness: every draw is a hash of its key, so results do
 * not depend on call order, thread or schedule. SplitMix64's finaliser. */
#ifndef SMP_RNG_H
#define SMP_RNG_H

#include <stdint.h>

static inline uint64_t smp__mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A 64-bit value keyed by (seed, stream, a, b). */
static inline uint64_t smp__hash(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b)
{
    return smp__mix64(smp__mix64(smp__mix64(smp__mix64(seed) ^ stream) ^ a) ^ b);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double smp__u01(uint64_t h) { return (double)(h >> 11) * 0x1.0p-53; }

#endif
