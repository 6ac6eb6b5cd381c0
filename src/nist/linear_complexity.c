/* §2.10 Linear complexity: the length of the shortest LFSR generating each
 * M-bit block (Berlekamp–Massey), compared with its distribution for random
 * blocks. The readable Berlekamp–Massey and a bit-packed one side by side. */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* Berlekamp–Massey over GF(2) (§2.10.4 step 2, Massey 1969): C(x) is the
 * current connection polynomial, B(x) the one before the last length change
 * at step m; the discrepancy d = s_N + Σ_{i=1}^{L} c_i s_{N−i}. */
int nist_bm_reference(const uint8_t *bits, size_t M)
{
    uint8_t *C = calloc(M + 1, 1), *B = calloc(M + 1, 1), *T = malloc(M + 1);
    if (!C || !B || !T) {
        free(C); free(B); free(T);
        return -1;
    }
    C[0] = B[0] = 1;
    size_t L = 0;
    long m = -1;
    for (size_t N = 0; N < M; N++) {
        uint8_t d = bits[N];
        for (size_t i = 1; i <= L; i++) d ^= C[i] & bits[N - i];
        if (!d) continue;
        memcpy(T, C, M + 1);
        size_t shift = (size_t)((long)N - m);
        for (size_t i = 0; i + shift <= M; i++) C[i + shift] ^= B[i];
        if (2 * L <= N) {
            L = N + 1 - L;
            m = (long)N;
            memcpy(B, T, M + 1);
        }
    }
    free(C); free(B); free(T);
    return (int)L;
}

/* The same algorithm on 64-bit words. R holds the history reversed (bit i =
 * s_{N−i}), so the discrepancy is the parity of C & R, and C ^= x^{N−m}·B is a
 * word-shifted XOR: about 64× fewer operations than the byte version. */
static void words_shift_left(uint64_t *dst, const uint64_t *src, size_t nw, size_t shift)
{
    size_t ws = shift / 64, bs = shift % 64;
    for (size_t i = nw; i-- > 0;) {
        uint64_t v = 0;
        if (i >= ws) {
            v = src[i - ws] << bs;
            if (bs && i > ws) v |= src[i - ws - 1] >> (64 - bs);
        }
        dst[i] ^= v;
    }
}

int nist_bm_packed(const uint8_t *bits, size_t M)
{
    size_t nw = M / 64 + 2;
    uint64_t *buf = calloc(4 * nw, sizeof *buf);
    if (!buf) return -1;
    uint64_t *C = buf, *B = buf + nw, *T = buf + 2 * nw, *R = buf + 3 * nw;
    C[0] = B[0] = 1;
    size_t L = 0;
    long m = -1;
    for (size_t N = 0; N < M; N++) {
        size_t used = N / 64 + 1; /* words holding R's bits 0..N */
        for (size_t i = used; i-- > 1;) R[i] = R[i] << 1 | R[i - 1] >> 63;
        R[0] = R[0] << 1 | bits[N];
        uint64_t acc = 0;
        for (size_t i = 0; i <= L / 64; i++) acc ^= C[i] & R[i];
        if (!(__builtin_popcountll(acc) & 1)) continue;
        memcpy(T, C, nw * sizeof *C);
        words_shift_left(C, B, (N + 1) / 64 + 1, (size_t)((long)N - m)); /* deg C ≤ N+1 */
        if (2 * L <= N) {
            L = N + 1 - L;
            m = (long)N;
            memcpy(B, T, nw * sizeof *B);
        }
    }
    free(buf);
    return (int)L;
}

/* §2.10.4: μ = M/2 + (9 + (−1)^{M+1})/36 − (M/3 + 2/9)/2^M;
 * T_i = (−1)^M (L_i − μ) + 2/9, binned at ≤−2.5, (−2.5,−1.5], ..., >2.5;
 * χ² against π = (1/96, 1/32, 1/8, 1/2, 1/4, 1/16, 1/48) (§3.10; the
 * standard prints π_0 = 0.01047, which is why its example 2.10.8 says
 * χ² = 2.700348 where the exact π_0 = 1/96 gives 2.7059...), P = igamc(3, χ²/2). */
mc_err nist_linear_complexity(const nist_seq *s, size_t M, nist_result *r)
{
    if (M < 3 || M > s->n) return mc_fail(MC_E_ARG, "linear complexity: M=%zu outside 3..n=%zu", M, s->n);
    size_t N = s->n / M;
    NIST_REQUIRE(s, M >= 500 && M <= 5000 && N >= 200,
                 "linear complexity: needs 500 ≤ M ≤ 5000 and N ≥ 200 blocks (§2.10.7), got M=%zu N=%zu", M, N);
    static const double pi[7] = {1.0 / 96, 1.0 / 32, 1.0 / 8, 1.0 / 2, 1.0 / 4, 1.0 / 16, 1.0 / 48};
    double sign = (M % 2) ? -1.0 : 1.0; /* (−1)^M */
    double mu = M / 2.0 + (9.0 - sign) / 36.0 - (M / 3.0 + 2.0 / 9.0) / ldexp(1.0, M > 2000 ? 2000 : (int)M); /* 2^M: 0 term past 2000 */
    double nu[7] = {0};
    for (size_t b = 0; b < N; b++) {
        int Lb = nist_bm_packed(s->e + b * M, M);
        if (Lb < 0) return mc_fail(MC_E_NOMEM, "Berlekamp–Massey on M=%zu bits", M);
        double T = sign * (Lb - mu) + 2.0 / 9.0;
        int cls = T <= -2.5 ? 0 : T <= -1.5 ? 1 : T <= -0.5 ? 2 : T <= 0.5 ? 3 : T <= 1.5 ? 4 : T <= 2.5 ? 5 : 6;
        nu[cls] += 1.0;
    }
    nist_result_init(r, 1);
    r->stat[0] = nist_chi2(nu, pi, 6, (double)N);
    r->p[0] = mc_igamc(3.0, r->stat[0] / 2.0);
    for (int i = 0; i < 7; i++) r->aux[i] = nu[i];
    return MC_OK;
}
