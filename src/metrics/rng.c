/* The seeded generator for choosing blocks and pixel pairs: xoshiro256**
 * (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 2021) with its state filled by splitmix64 (Steele, Lea, Flood
 * 2014), as its authors recommend. Reproducible statistics, not secrets. */
#include "metrics/metrics.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void metric_rng_seed(metric_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t metric_rng_next(metric_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

uint64_t metric_rng_below(metric_rng *r, uint64_t n)
{
    /* Reject the top (2^64 mod n) values so every residue is equally likely. */
    uint64_t limit = -n % n; /* = 2^64 mod n */
    for (;;) {
        uint64_t x = metric_rng_next(r);
        if (x >= limit) return x % n;
    }
}
