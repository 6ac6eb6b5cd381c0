/* The one seeded generator of the project's statistics and initialisation:
 * splitmix64 (Steele, Lea, Flood 2014) and xoshiro256** (Blackman & Vigna,
 * ACM TOMS 2021) seeded by it, as its authors recommend. Reproducible from a
 * seed; never for keys or anything secret (those come from getrandom(2)). */
#ifndef MC_UTIL_XOSHIRO_H
#define MC_UTIL_XOSHIRO_H
#include <stdint.h>

/* Advance *x by the golden-ratio increment and return the mixed value. */
uint64_t mc_splitmix64(uint64_t *x);
/* Fill the four state words from splitmix64(seed). */
void mc_xoshiro_seed(uint64_t s[4], uint64_t seed);
/* The next xoshiro256** output. */
uint64_t mc_xoshiro_next(uint64_t s[4]);

#endif
