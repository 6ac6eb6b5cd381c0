/* xoshiro256** (Blackman & Vigna, 2018) seeded with splitmix64; Box–Muller
 * normals. For weight initialisation and dropout only. */
#include "nn/rng.h"
#include "util/xoshiro.h"

#include <math.h>

void nn_rng_seed(nn_rng *r, uint64_t seed) { mc_xoshiro_seed(r->s, seed); }

uint64_t nn_rng_next(nn_rng *r) { return mc_xoshiro_next(r->s); }

double nn_rng_uniform(nn_rng *r) { return (double)(nn_rng_next(r) >> 11) * 0x1.0p-53; }

double nn_rng_normal(nn_rng *r)
{
    double u1;
    do u1 = nn_rng_uniform(r);
    while (u1 <= 0.0);
    const double u2 = nn_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
