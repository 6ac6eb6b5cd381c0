/* §2.1 Frequency (monobit) and §2.2 frequency within a block: is the proportion
 * of ones 1/2, over the whole sequence and within blocks of M bits? */
#include "nist/nist_internal.h"

#include <math.h>

/* §2.1.4: S_n = Σ (2ε_i − 1), s_obs = |S_n|/√n, P = erfc(s_obs/√2). */
mc_err nist_frequency(const nist_seq *s, nist_result *r)
{
    NIST_REQUIRE(s, s->n >= 100, "frequency: n=%zu < 100 (§2.1.7)", s->n);
    long long sum = 0;
    for (size_t i = 0; i < s->n; i++) sum += 2 * s->e[i] - 1;
    nist_result_init(r, 1);
    r->stat[0] = fabs((double)sum) / sqrt((double)s->n);
    r->p[0] = erfc(r->stat[0] / sqrt(2.0));
    return MC_OK;
}

/* §2.2.4: N = ⌊n/M⌋ blocks, π_i = ones in block i / M,
 * χ² = 4M Σ (π_i − 1/2)², P = igamc(N/2, χ²/2). Bits past N·M are unused. */
mc_err nist_block_frequency(const nist_seq *s, size_t M, nist_result *r)
{
    if (M == 0 || M > s->n) return mc_fail(MC_E_ARG, "block frequency: M=%zu outside 1..n=%zu", M, s->n);
    /* §2.2.7 also asks N < 100, which sts's own default M = 128 breaks at
     * n = 10^6; like sts we only insist on n ≥ 100 and M ≥ 20. */
    NIST_REQUIRE(s, s->n >= 100 && M >= 20, "block frequency: needs n ≥ 100 and M ≥ 20 (§2.2.7), got n=%zu M=%zu", s->n, M);
    size_t N = s->n / M;
    double sum = 0.0;
    for (size_t b = 0; b < N; b++) {
        size_t ones = 0;
        for (size_t j = 0; j < M; j++) ones += s->e[b * M + j];
        double pi = (double)ones / (double)M - 0.5;
        sum += pi * pi;
    }
    nist_result_init(r, 1);
    r->stat[0] = 4.0 * (double)M * sum;
    r->p[0] = mc_igamc((double)N / 2.0, r->stat[0] / 2.0);
    return MC_OK;
}
