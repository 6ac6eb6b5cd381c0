/* The seeded pseudo-random generator of src/nn (weight initialisation and
 * dropout masks): xoshiro256** seeded through splitmix64. It is NOT torch's
 * Mersenne Twister: weights drawn from a seed follow the same distributions as
 * torchvision's, not the same numbers. Not for keys or anything secret. */
#ifndef MC_NN_RNG_H
#define MC_NN_RNG_H
#include <stdint.h>

typedef struct nn_rng { uint64_t s[4]; } nn_rng;

void nn_rng_seed(nn_rng *r, uint64_t seed);
uint64_t nn_rng_next(nn_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double nn_rng_uniform(nn_rng *r);
/* Standard normal (Box–Muller). */
double nn_rng_normal(nn_rng *r);

#endif
