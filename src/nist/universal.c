/* §2.9 Maurer's "universal statistical" test: how far back did each L-bit
 * block last occur? A compressible sequence has short distances. */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* §2.9.4 step 5 table: expectedValue(L) and variance(L), L = 1..16. */
static const double universal_mean[17] = {
    0, 0.7326495, 1.5374383, 2.4016068, 3.3112247, 4.2534266, 5.2177052, 6.1962507,
    7.1836656, 8.1764248, 9.1723243, 10.170032, 11.168765, 12.168070, 13.167693,
    14.167488, 15.167379};
static const double universal_var[17] = {
    0, 0.690, 1.338, 1.901, 2.358, 2.705, 2.954, 3.125, 3.238, 3.311, 3.356, 3.384,
    3.401, 3.410, 3.416, 3.419, 3.421};

/* §2.9.7: the smallest n for L = 6..16 (with Q = 10·2^L, K ≈ 1000·2^L). */
static const double universal_min_n[17] = {
    0, 0, 0, 0, 0, 0, 387840, 904960, 2068480, 4654080, 10342400, 22753280,
    49643520, 107560960, 231669760, 496435200, 1059061760};

/* §2.9.4: Q initialisation blocks record the last position of each L-bit
 * value; for the K test blocks f_n = (1/K) Σ log2(i − T[block]);
 * c = 0.7 − 0.8/L + (4 + 32/L)·K^{−3/L}/15, σ = c·√(variance(L)/K);
 * P = erfc(|f_n − expectedValue(L)| / (√2·σ)). */
mc_err nist_universal(const nist_seq *s, int L, size_t Q, nist_result *r)
{
    if (L == 0) {
        for (L = 6; L < 16 && (double)s->n >= universal_min_n[L + 1]; L++) {}
        Q = (size_t)10 << L;
        if ((double)s->n < universal_min_n[6])
            return mc_fail(MC_E_ARG, "universal: n=%zu < 387840 (§2.9.7)", s->n);
    }
    if (L < 1 || L > 16 || Q == 0)
        return mc_fail(MC_E_ARG, "universal: L=%d outside 1..16 or Q=0", L);
    NIST_REQUIRE(s, L >= 6 && (double)s->n >= universal_min_n[L] && Q >= ((size_t)10 << L),
                 "universal: L=%d, Q=%zu, n=%zu below §2.9.7's recommendation", L, Q, s->n);
    size_t blocks = s->n / (size_t)L;
    if (blocks <= Q) return mc_fail(MC_E_ARG, "universal: n=%zu leaves no test blocks after Q=%zu", s->n, Q);
    size_t K = blocks - Q;
    size_t *T = calloc((size_t)1 << L, sizeof *T);
    if (!T) return mc_fail(MC_E_NOMEM, "universal table");
    double sum = 0.0;
    for (size_t i = 1; i <= Q + K; i++) { /* block i is bits (i−1)L .. iL−1 */
        size_t v = 0;
        for (int j = 0; j < L; j++) v = v << 1 | s->e[(i - 1) * (size_t)L + (size_t)j];
        if (i > Q) sum += log2((double)(i - T[v]));
        T[v] = i;
    }
    free(T);
    double fn = sum / (double)K;
    double c = 0.7 - 0.8 / L + (4.0 + 32.0 / L) * pow((double)K, -3.0 / L) / 15.0;
    double sigma = c * sqrt(universal_var[L] / (double)K);
    nist_result_init(r, 1);
    r->stat[0] = fn;
    r->p[0] = erfc(fabs(fn - universal_mean[L]) / (sqrt(2.0) * sigma));
    r->aux[0] = L;
    r->aux[1] = (double)Q;
    r->aux[2] = (double)K;
    return MC_OK;
}
