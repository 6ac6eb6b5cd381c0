/* §2.7 Non-overlapping template matching: count occurrences of each aperiodic
 * m-bit template in N blocks, the window jumping past each match. Also the
 * generator of the aperiodic templates (sts reads them from a file). */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* A template overlaps itself when some proper prefix equals the suffix of the
 * same length (a "border"); aperiodic templates have none. */
static int template_is_aperiodic(uint32_t B, int m)
{
    for (int k = 1; k < m; k++)
        if ((B >> (m - k)) == (B & ((1u << k) - 1))) return 0;
    return 1;
}

size_t nist_aperiodic_templates(int m, uint32_t *out, size_t max)
{
    size_t count = 0;
    if (m < 1 || m > 21) return 0;
    for (uint32_t B = 0; B < (1u << m); B++)
        if (template_is_aperiodic(B, m)) {
            if (count < max) out[count] = B;
            count++;
        }
    return count;
}

/* Reference count, exactly as §2.7.4 step 2 words it: slide an m-bit window;
 * on a match jump m positions, otherwise one. */
static size_t count_greedy(const uint8_t *e, size_t M, int m, uint32_t B)
{
    size_t W = 0;
    for (size_t j = 0; j + (size_t)m <= M;) {
        int hit = 1;
        for (int k = 0; k < m && hit; k++) hit = e[j + k] == (B >> (m - 1 - k) & 1);
        if (hit) { W++; j += (size_t)m; }
        else j++;
    }
    return W;
}

/* Fast count for aperiodic templates: two occurrences of an aperiodic B can
 * never overlap (an overlap by m−s bits would be a border), so the jumping
 * count equals the plain number of windows equal to B, and one pass filling a
 * histogram of all 2^m window values serves every template at once. */
static void window_histogram(const uint8_t *e, size_t M, int m, uint32_t *hist)
{
    uint32_t mask = (1u << m) - 1, w = 0;
    for (size_t j = 0; j < M; j++) {
        w = (w << 1 | e[j]) & mask;
        if (j + 1 >= (size_t)m) hist[w]++;
    }
}

/* §2.7.4: M = ⌊n/N⌋; μ = (M−m+1)/2^m; σ² = M(1/2^m − (2m−1)/2^{2m});
 * χ²(B) = Σ_j (W_j − μ)²/σ²; P = igamc(N/2, χ²/2). */
mc_err nist_nonoverlapping_template(const nist_seq *s, int m, size_t N,
                                    const uint32_t *templates, size_t ntemplates,
                                    nist_result *r)
{
    if (m < 2 || m > 21) return mc_fail(MC_E_ARG, "non-overlapping template: m=%d outside 2..21", m);
    if (ntemplates == 0 || ntemplates > NIST_MAX_P)
        return mc_fail(MC_E_ARG, "non-overlapping template: %zu templates (1..%d)", ntemplates, NIST_MAX_P);
    if (N == 0 || s->n / N < (size_t)m)
        return mc_fail(MC_E_ARG, "non-overlapping template: n=%zu too short for N=%zu blocks of ≥ m=%d bits", s->n, N, m);
    size_t M = s->n / N;
    NIST_REQUIRE(s, N <= 100 && (double)M > 0.01 * (double)s->n,
                 "non-overlapping template: needs N ≤ 100 and M > 0.01·n (§2.7.7)");
    int aperiodic = 1;
    for (size_t t = 0; t < ntemplates; t++) {
        if (templates[t] >> m) return mc_fail(MC_E_ARG, "template %zu has more than m=%d bits", t, m);
        aperiodic &= template_is_aperiodic(templates[t], m);
    }
    double *W = calloc(N * ntemplates, sizeof *W);
    uint32_t *hist = aperiodic ? malloc(sizeof *hist << m) : NULL;
    if (!W || (aperiodic && !hist)) {
        free(W);
        free(hist);
        return mc_fail(MC_E_NOMEM, "non-overlapping template counts");
    }
    for (size_t j = 0; j < N; j++) {
        const uint8_t *block = s->e + j * M;
        if (aperiodic) {
            memset(hist, 0, sizeof *hist << m);
            window_histogram(block, M, m, hist);
        }
        for (size_t t = 0; t < ntemplates; t++)
            W[t * N + j] = aperiodic ? hist[templates[t]] : (double)count_greedy(block, M, m, templates[t]);
    }
    double mu = (double)(M - (size_t)m + 1) / ldexp(1.0, m);
    double sigma2 = (double)M * (ldexp(1.0, -m) - (2.0 * m - 1.0) * ldexp(1.0, -2 * m));
    nist_result_init(r, ntemplates);
    for (size_t t = 0; t < ntemplates; t++) {
        double chi2 = 0.0;
        for (size_t j = 0; j < N; j++) chi2 += (W[t * N + j] - mu) * (W[t * N + j] - mu) / sigma2;
        r->stat[t] = chi2;
        r->p[t] = mc_igamc((double)N / 2.0, chi2 / 2.0);
    }
    free(W);
    free(hist);
    return MC_OK;
}
