/* §2.11 Serial and §2.12 approximate entropy: both compare the frequencies of
 * all overlapping m-bit patterns (the sequence read cyclically, i.e. with its
 * first m−1 bits appended) with their uniform expectation. */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* ν_v for every m-bit pattern v (ε_i first in the high bit), cyclic. */
static void pattern_counts(const nist_seq *s, int m, uint64_t *nu)
{
    size_t n = s->n;
    uint32_t mask = (uint32_t)((1ull << m) - 1), w = 0;
    memset(nu, 0, sizeof *nu << m);
    for (int j = 0; j < m - 1; j++) w = w << 1 | s->e[(size_t)j % n];
    for (size_t i = 0; i < n; i++) {
        w = (w << 1 | s->e[(i + (size_t)m - 1) % n]) & mask;
        nu[w]++;
    }
}

/* The (m−1)-bit counts from the m-bit ones: in the cyclic reading every
 * (m−1)-window is the head of exactly one m-window, so ν'_v = ν_{2v} + ν_{2v+1}. */
static void pattern_counts_shorten(uint64_t *nu, int m)
{
    for (uint32_t v = 0; v < (1u << (m - 1)); v++) nu[v] = nu[2 * v] + nu[2 * v + 1];
}

static int floor_log2(size_t n)
{
    int k = -1;
    for (; n; n >>= 1) k++;
    return k;
}

/* ψ²_m = (2^m/n) Σ_v ν_v² − n (ψ²_0 = 0). */
static double psi2(const uint64_t *nu, int m, size_t n)
{
    uint64_t sq = 0;
    for (uint32_t v = 0; v < (1u << m); v++) sq += nu[v] * nu[v];
    return ldexp((double)sq, m) / (double)n - (double)n;
}

/* §2.11.4: ∇ψ²_m = ψ²_m − ψ²_{m−1}, ∇²ψ²_m = ψ²_m − 2ψ²_{m−1} + ψ²_{m−2};
 * P1 = igamc(2^{m−2}, ∇ψ²_m/2), P2 = igamc(2^{m−3}, ∇²ψ²_m/2). */
mc_err nist_serial(const nist_seq *s, int m, nist_result *r)
{
    if (m < 2 || m > 24) return mc_fail(MC_E_ARG, "serial: m=%d outside 2..24", m);
    NIST_REQUIRE(s, m < floor_log2(s->n) - 2, "serial: m=%d needs m < ⌊log2 n⌋ − 2 = %d (§2.11.7)", m, floor_log2(s->n) - 2);
    uint64_t *nu = malloc(sizeof *nu << m);
    if (!nu) return mc_fail(MC_E_NOMEM, "serial counts for m=%d", m);
    double psi[3];
    pattern_counts(s, m, nu);
    for (int k = 0; k < 3; k++) { /* ψ²_m, ψ²_{m−1}, ψ²_{m−2} */
        psi[k] = m - k > 0 ? psi2(nu, m - k, s->n) : 0.0;
        if (m - k > 1) pattern_counts_shorten(nu, m - k);
    }
    free(nu);
    nist_result_init(r, 2);
    r->stat[0] = psi[0] - psi[1];
    r->stat[1] = psi[0] - 2.0 * psi[1] + psi[2];
    r->p[0] = mc_igamc(ldexp(1.0, m - 2), r->stat[0] / 2.0);
    r->p[1] = mc_igamc(ldexp(1.0, m - 3), r->stat[1] / 2.0);
    return MC_OK;
}

/* φ(m) = Σ_v π_v ln π_v with π_v = ν_v/n (φ(0) = 0). */
static double phi(const uint64_t *nu, int m, size_t n)
{
    double sum = 0.0;
    for (uint32_t v = 0; v < (1u << m); v++)
        if (nu[v]) {
            double pv = (double)nu[v] / (double)n;
            sum += pv * log(pv);
        }
    return sum;
}

/* §2.12.4: ApEn(m) = φ(m) − φ(m+1); χ² = 2n(ln 2 − ApEn(m));
 * P = igamc(2^{m−1}, χ²/2). */
mc_err nist_approximate_entropy(const nist_seq *s, int m, nist_result *r)
{
    if (m < 1 || m > 23) return mc_fail(MC_E_ARG, "approximate entropy: m=%d outside 1..23", m);
    NIST_REQUIRE(s, m < floor_log2(s->n) - 5, "approximate entropy: m=%d needs m < ⌊log2 n⌋ − 5 = %d (§2.12.7)", m, floor_log2(s->n) - 5);
    uint64_t *nu = malloc(sizeof *nu << (m + 1));
    if (!nu) return mc_fail(MC_E_NOMEM, "approximate entropy counts for m=%d", m);
    pattern_counts(s, m + 1, nu);
    double phi_m1 = phi(nu, m + 1, s->n);
    pattern_counts_shorten(nu, m + 1);
    double phi_m = phi(nu, m, s->n);
    free(nu);
    double apen = phi_m - phi_m1;
    nist_result_init(r, 1);
    r->stat[0] = 2.0 * (double)s->n * (log(2.0) - apen);
    r->p[0] = mc_igamc(ldexp(1.0, m - 1), r->stat[0] / 2.0);
    r->aux[0] = apen;
    return MC_OK;
}
