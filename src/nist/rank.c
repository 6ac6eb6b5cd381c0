/* §2.5 Binary matrix rank: cut the sequence into M×Q matrices over GF(2) (rows
 * filled in order) and compare the ranks with their exact distribution. */
#include "nist/nist_internal.h"

#include <math.h>

/* Rank over GF(2) of M rows of Q ≤ 64 bits, by Gaussian elimination. */
static int gf2_rank(uint64_t *rows, int M, int Q)
{
    int rank = 0;
    for (int col = Q - 1; col >= 0 && rank < M; col--) {
        uint64_t bit = (uint64_t)1 << col;
        int piv = -1;
        for (int i = rank; i < M; i++)
            if (rows[i] & bit) { piv = i; break; }
        if (piv < 0) continue;
        uint64_t t = rows[piv]; rows[piv] = rows[rank]; rows[rank] = t;
        for (int i = 0; i < M; i++)
            if (i != rank && (rows[i] & bit)) rows[i] ^= rows[rank];
        rank++;
    }
    return rank;
}

/* §3.5: probability that a random M×Q binary matrix has rank r,
 * p_r = 2^{r(Q+M−r)−MQ} ∏_{i=0}^{r−1} (1−2^{i−Q})(1−2^{i−M}) / (1−2^{i−r}).
 * Exact for every size, so 3×3 (example 2.5.4) is handled too, where the
 * standard's asymptotic 0.2888/0.5776/0.1336 are far off. */
static double rank_prob(int M, int Q, int r)
{
    double lp = (double)(r * (Q + M - r) - M * Q) * log(2.0);
    for (int i = 0; i < r; i++)
        lp += log1p(-ldexp(1.0, i - Q)) + log1p(-ldexp(1.0, i - M)) - log1p(-ldexp(1.0, i - r));
    return exp(lp);
}

/* §2.5.4: N = ⌊n/(MQ)⌋ matrices; F_M, F_{M−1} full and one-less ranks;
 * χ² over the three classes {M, M−1, rest}; P = e^{−χ²/2} (2 degrees of freedom). */
mc_err nist_rank(const nist_seq *s, int M, int Q, nist_result *r)
{
    if (M < 2 || Q < 2 || M > 64 || Q > 64)
        return mc_fail(MC_E_ARG, "rank: matrix %d×%d outside 2..64", M, Q);
    size_t bits = (size_t)M * (size_t)Q, N = s->n / bits;
    if (N == 0) return mc_fail(MC_E_ARG, "rank: n=%zu holds no %d×%d matrix", s->n, M, Q);
    NIST_REQUIRE(s, s->n >= 38 * bits, "rank: n=%zu < 38·M·Q=%zu (§2.5.7)", s->n, 38 * bits);
    int full = M < Q ? M : Q;
    double pi[3];
    pi[0] = rank_prob(M, Q, full);
    pi[1] = rank_prob(M, Q, full - 1);
    pi[2] = 1.0 - pi[0] - pi[1];
    double nu[3] = {0};
    uint64_t rows[64];
    for (size_t k = 0; k < N; k++) {
        const uint8_t *e = s->e + k * bits;
        for (int i = 0; i < M; i++) {
            uint64_t row = 0;
            for (int j = 0; j < Q; j++) row = row << 1 | e[i * Q + j];
            rows[i] = row;
        }
        int rk = gf2_rank(rows, M, Q);
        nu[rk == full ? 0 : rk == full - 1 ? 1 : 2] += 1.0;
    }
    nist_result_init(r, 1);
    r->stat[0] = nist_chi2(nu, pi, 2, (double)N);
    r->p[0] = exp(-r->stat[0] / 2.0);
    for (int i = 0; i < 3; i++) r->aux[i] = nu[i];
    return MC_OK;
}
