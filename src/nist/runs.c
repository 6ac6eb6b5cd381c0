/* §2.3 Runs and §2.4 longest run of ones in a block: do runs of identical bits
 * alternate as fast, and grow as long, as in a random sequence? */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* §2.3.4: prerequisite |π − 1/2| < τ = 2/√n (else P = 0, the frequency test
 * has already failed); V_n = 1 + #{k : ε_k ≠ ε_{k+1}};
 * P = erfc(|V_n − 2nπ(1−π)| / (2√(2n) π(1−π))). */
mc_err nist_runs(const nist_seq *s, nist_result *r)
{
    NIST_REQUIRE(s, s->n >= 100, "runs: n=%zu < 100 (§2.3.7)", s->n);
    size_t n = s->n, ones = 0, v = 1;
    for (size_t i = 0; i < n; i++) ones += s->e[i];
    for (size_t i = 0; i + 1 < n; i++) v += s->e[i] != s->e[i + 1];
    double pi = (double)ones / (double)n;
    nist_result_init(r, 1);
    r->stat[0] = (double)v;
    if (fabs(pi - 0.5) >= 2.0 / sqrt((double)n)) {
        r->p[0] = 0.0;
        return MC_OK;
    }
    double q = pi * (1.0 - pi);
    r->p[0] = erfc(fabs((double)v - 2.0 * (double)n * q) / (2.0 * sqrt(2.0 * (double)n) * q));
    return MC_OK;
}

/* P(longest run of ones in M random bits ≤ r): count strings with no run
 * longer than r by the state "length of the current run of ones", in
 * probabilities (each step halves). */
static double longest_run_cdf(size_t M, int r)
{
    double *p = calloc((size_t)r + 1, sizeof *p), *q = calloc((size_t)r + 1, sizeof *q);
    if (!p || !q) {
        free(p);
        free(q);
        return NAN;
    }
    p[0] = 1.0;
    for (size_t step = 0; step < M; step++) {
        double zero = 0.0;
        for (int j = 0; j <= r; j++) zero += p[j];
        q[0] = 0.5 * zero;                         /* a 0 ends any run */
        for (int j = 1; j <= r; j++) q[j] = 0.5 * p[j - 1]; /* a 1 extends it */
        double *t = p; p = q; q = t;
    }
    double sum = 0.0;
    for (int j = 0; j <= r; j++) sum += p[j];
    free(p);
    free(q);
    return sum;
}

/* §2.4.2 parameters for a block length M: classes ≤ lo, lo+1, ..., ≥ lo+K. */
static int longest_run_classes(size_t M, int *K, int *lo)
{
    switch (M) {
    case 8: *K = 3; *lo = 1; return 1;
    case 128: *K = 5; *lo = 4; return 1;
    case 10000: *K = 6; *lo = 10; return 1;
    default: return 0;
    }
}

mc_err nist_longest_run_pi(size_t M, double *pi)
{
    int K, lo;
    if (!longest_run_classes(M, &K, &lo)) return mc_fail(MC_E_ARG, "longest run: M=%zu is not 8, 128 or 10000", M);
    double prev = 0.0;
    for (int i = 0; i < K; i++) {
        double c = longest_run_cdf(M, lo + i);
        if (isnan(c)) return mc_fail(MC_E_NOMEM, "longest run distribution");
        pi[i] = c - prev;
        prev = c;
    }
    pi[K] = 1.0 - prev;
    return MC_OK;
}

/* §2.4.4 step 4 / §3.4: the class probabilities the standard (and sts) use.
 * They agree with the exact values of nist_longest_run_pi to ~6e-5 for M = 8
 * and 128, but for M = 10^4 differ by up to 1.6e-3 (π_0 = 0.0882 vs 0.08663);
 * we keep the standard's so that P-values match sts and the worked example
 * 2.4.8 (χ² = 4.882605, P = 0.180598; the standard prints 0.180609, which is
 * what the exact π would give). */
static const double longest_run_table[3][7] = {
    {0.2148, 0.3672, 0.2305, 0.1875},
    {0.1174, 0.2430, 0.2493, 0.1752, 0.1027, 0.1124},
    {0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727},
};

/* §2.4.4: N blocks of M bits; ν_i counts blocks by longest run of ones, in
 * the classes of §2.4.4 step 2; χ² = Σ (ν_i − Nπ_i)²/(Nπ_i), P = igamc(K/2, χ²/2). */
mc_err nist_longest_run(const nist_seq *s, nist_result *r)
{
    size_t M = s->n >= 750000 ? 10000 : s->n >= 6272 ? 128 : 8;
    if (s->n < 128) return mc_fail(MC_E_ARG, "longest run: n=%zu < 128 (§2.4.2)", s->n);
    int K, lo;
    longest_run_classes(M, &K, &lo);
    size_t N = s->n / M; /* every whole block, as sts does (§2.4.2 lists the minimum N) */
    const double *pi = longest_run_table[M == 8 ? 0 : M == 128 ? 1 : 2];
    double nu[8] = {0};
    for (size_t b = 0; b < N; b++) {
        int run = 0, longest = 0;
        for (size_t j = 0; j < M; j++) {
            run = s->e[b * M + j] ? run + 1 : 0;
            if (run > longest) longest = run;
        }
        int cls = longest <= lo ? 0 : longest >= lo + K ? K : longest - lo;
        nu[cls] += 1.0;
    }
    nist_result_init(r, 1);
    r->stat[0] = nist_chi2(nu, pi, K, (double)N);
    r->p[0] = mc_igamc(K / 2.0, r->stat[0] / 2.0);
    for (int i = 0; i <= K; i++) r->aux[i] = nu[i];
    r->aux[19] = (double)M;
    return MC_OK;
}
