/* §2.8 Overlapping template matching: count every (possibly overlapping)
 * occurrence of B = 1^m in blocks of M bits and compare the class counts
 * 0, 1, ..., K−1, ≥ K with their exact probabilities. */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

#define OVERLAP_K 5

/* Exact class probabilities (§3.8 gives them for m = 9, M = 1032 after Hamano
 * and Kaneko's correction; the 2001 text used a Pólya–Aeppli approximation).
 * Walk M random bits with the state (trailing run of ones capped at m−1,
 * matches so far capped at K); a 1 arriving on a run of m−1 or more completes
 * a match. Works for any m and M. */
mc_err nist_overlapping_pi(int m, size_t M, int K, double *pi)
{
    if (m < 1 || m > 32 || K < 1 || K > 16 || M < (size_t)m)
        return mc_fail(MC_E_ARG, "overlapping template: m=%d, M=%zu, K=%d out of range", m, M, K);
    size_t S = (size_t)m * (size_t)(K + 1);
    double *p = calloc(S, sizeof *p), *q = calloc(S, sizeof *q);
    if (!p || !q) {
        free(p);
        free(q);
        return mc_fail(MC_E_NOMEM, "overlapping template distribution");
    }
    p[0] = 1.0; /* p[c·m + run] */
    for (size_t step = 0; step < M; step++) {
        memset(q, 0, S * sizeof *q);
        for (int c = 0; c <= K; c++)
            for (int run = 0; run < m; run++) {
                double pr = 0.5 * p[c * m + run];
                q[c * m] += pr; /* a 0 */
                if (run == m - 1) {
                    int c2 = c < K ? c + 1 : K;
                    q[c2 * m + run] += pr;
                } else {
                    q[c * m + run + 1] += pr;
                }
            }
        double *t = p; p = q; q = t;
    }
    for (int c = 0; c <= K; c++) {
        pi[c] = 0.0;
        for (int run = 0; run < m; run++) pi[c] += p[c * m + run];
    }
    free(p);
    free(q);
    return MC_OK;
}

/* §2.8.4: N = ⌊n/M⌋ blocks; ν_i blocks with i matches (i = K: K or more);
 * χ² = Σ (ν_i − Nπ_i)²/(Nπ_i); P = igamc(K/2, χ²/2). */
mc_err nist_overlapping_template(const nist_seq *s, int m, size_t M, nist_result *r)
{
    double pi[OVERLAP_K + 1], nu[OVERLAP_K + 1] = {0};
    mc_err err = nist_overlapping_pi(m, M, OVERLAP_K, pi);
    if (err) return err;
    size_t N = s->n / M;
    if (N == 0) return mc_fail(MC_E_ARG, "overlapping template: n=%zu < M=%zu", s->n, M);
    double pmin = pi[0];
    for (int i = 1; i <= OVERLAP_K; i++) pmin = fmin(pmin, pi[i]);
    NIST_REQUIRE(s, (double)N * pmin > 5.0,
                 "overlapping template: N·min π = %.2f ≤ 5 (§2.8.7; n=%zu too short)", (double)N * pmin, s->n);
    for (size_t b = 0; b < N; b++) {
        const uint8_t *e = s->e + b * M;
        size_t run = 0, hits = 0;
        for (size_t j = 0; j < M; j++) {
            run = e[j] ? run + 1 : 0;
            hits += run >= (size_t)m;
        }
        nu[hits < OVERLAP_K ? hits : OVERLAP_K] += 1.0;
    }
    nist_result_init(r, 1);
    r->stat[0] = nist_chi2(nu, pi, OVERLAP_K, (double)N);
    r->p[0] = mc_igamc(OVERLAP_K / 2.0, r->stat[0] / 2.0);
    for (int i = 0; i <= OVERLAP_K; i++) {
        r->aux[i] = nu[i];
        r->aux[6 + i] = pi[i];
    }
    return MC_OK;
}
