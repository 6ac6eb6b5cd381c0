/* The seeded generator for choosing blocks and pixel pairs: xoshiro256**
 * (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 2021) with its state filled by splitmix64 (Steele, Lea, Flood
 * 2014), as its authors recommend. Reproducible statistics, not secrets. */
#include "metrics/metrics.h"
#include "util/xoshiro.h"

void metric_rng_seed(metric_rng *r, uint64_t seed) { mc_xoshiro_seed(r->s, seed); }

uint64_t metric_rng_next(metric_rng *r) { return mc_xoshiro_next(r->s); }

uint64_t metric_rng_below(metric_rng *r, uint64_t n)
{
    /* Reject the top (2^64 mod n) values so every residue is equally likely. */
    uint64_t limit = -n % n; /* = 2^64 mod n */
    for (;;) {
        uint64_t x = metric_rng_next(r);
        if (x >= limit) return x % n;
    }
}
