/* The random-walk tests: §2.13 cumulative sums, §2.14 random excursions and
 * §2.15 random excursions variant. All read S_k = Σ_{i≤k} (2ε_i − 1). */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* §2.13.4 step 4: P-value of the maximal excursion z of an n-step walk,
 * P = 1 − Σ_{k=(−n/z+1)/4}^{(n/z−1)/4} [Φ((4k+1)z/√n) − Φ((4k−1)z/√n)]
 *       + Σ_{k=(−n/z−3)/4}^{(n/z−1)/4} [Φ((4k+3)z/√n) − Φ((4k+1)z/√n)].
 * The summation bounds are taken in integer arithmetic truncating toward zero
 * (n/z first, then /4), as the worked example 2.13.4 requires: floor()
 * instead adds the k = −1 term, ~7e-5 at n = 10 (0.411585 vs the standard's
 * 0.4116588), and nothing measurable at n ≥ 10^3. */
static double cusum_pvalue(long z, long n)
{
    double sq = sqrt((double)n), dz = (double)z, sum1 = 0.0, sum2 = 0.0;
    long nz = n / z, hi = (nz - 1) / 4;
    for (long k = (-nz + 1) / 4; k <= hi; k++)
        sum1 += mc_normal_cdf((4 * k + 1) * dz / sq) - mc_normal_cdf((4 * k - 1) * dz / sq);
    for (long k = (-nz - 3) / 4; k <= hi; k++)
        sum2 += mc_normal_cdf((4 * k + 3) * dz / sq) - mc_normal_cdf((4 * k + 1) * dz / sq);
    return 1.0 - sum1 + sum2;
}

/* §2.13.4: z = max_k |S_k| for the walk read forward (mode 0) and backward
 * (mode 1, from ε_n). */
mc_err nist_cusum(const nist_seq *s, nist_result *r)
{
    NIST_REQUIRE(s, s->n >= 100, "cumulative sums: n=%zu < 100 (§2.13.7)", s->n);
    long S = 0, zf = 0, zb = 0;
    for (size_t i = 0; i < s->n; i++) {
        S += 2 * s->e[i] - 1;
        if (labs(S) > zf) zf = labs(S);
    }
    S = 0;
    for (size_t i = s->n; i-- > 0;) {
        S += 2 * s->e[i] - 1;
        if (labs(S) > zb) zb = labs(S);
    }
    nist_result_init(r, 2);
    r->stat[0] = (double)zf;
    r->stat[1] = (double)zb;
    r->p[0] = cusum_pvalue(zf, (long)s->n);
    r->p[1] = cusum_pvalue(zb, (long)s->n);
    return MC_OK;
}

/* §2.14.7: fewer than 500 cycles make the χ² approximation unreliable. */
#define EXCURSION_MIN_J 500

/* Walk the sequence once, cutting it into cycles (S'_0 = 0, S_1..S_n, and a
 * closing 0 when S_n ≠ 0). For each cycle, hand the visit counts of the
 * states −R..R (index x + R) to visit(); return J, the number of cycles. */
static size_t walk_cycles(const nist_seq *s, int R, void (*visit)(const size_t *cnt, void *ctx),
                          size_t *total, void *ctx)
{
    size_t cnt[2 * 20 + 1] = {0}, J = 0;
    long S = 0;
    for (size_t i = 0; i < s->n; i++) {
        S += 2 * s->e[i] - 1;
        if (S == 0) {
            J++;
            if (visit) visit(cnt, ctx);
            memset(cnt, 0, sizeof cnt);
        } else if (labs(S) <= R) {
            cnt[S + R]++;
            if (total) total[S + R]++;
        }
    }
    if (S != 0) {
        J++;
        if (visit) visit(cnt, ctx);
    }
    return J;
}

/* ν_k(x): number of cycles visiting state x exactly k times (k = 5: ≥ 5). */
typedef struct { double nu[8][6]; } excursion_counts;
static const int excursion_states[8] = {-4, -3, -2, -1, 1, 2, 3, 4};

static void excursion_visit(const size_t *cnt, void *ctx)
{
    excursion_counts *c = ctx;
    for (int i = 0; i < 8; i++) {
        size_t k = cnt[excursion_states[i] + 4];
        c->nu[i][k < 5 ? k : 5] += 1.0;
    }
}

/* §3.14: probability that a cycle visits x exactly k times,
 * π_0 = 1 − 1/(2|x|), π_k = (1/(4x²))(1 − 1/(2|x|))^{k−1} (k = 1..4),
 * π_5 (five or more) = (1/(2|x|))(1 − 1/(2|x|))^4. */
static void excursion_pi(int x, double *pi)
{
    double a = 1.0 / (2.0 * abs(x));
    pi[0] = 1.0 - a;
    for (int k = 1; k <= 4; k++) pi[k] = a * a * pow(1.0 - a, k - 1);
    pi[5] = a * pow(1.0 - a, 4);
}

/* §2.14.4: χ²(x) = Σ_k (ν_k(x) − Jπ_k(x))²/(Jπ_k(x)), P = igamc(5/2, χ²/2). */
mc_err nist_random_excursions(const nist_seq *s, nist_result *r)
{
    /* §2.14.7 recommends n ≥ 10^6; what the χ² needs is J ≥ 500, checked below. */
    excursion_counts c;
    memset(&c, 0, sizeof c);
    size_t J = walk_cycles(s, 4, excursion_visit, NULL, &c);
    if (J == 0) return mc_fail(MC_E_ARG, "random excursions: no cycle");
    NIST_REQUIRE(s, J >= EXCURSION_MIN_J, "random excursions: J=%zu cycles < 500 (§2.14.7)", J);
    nist_result_init(r, 8);
    for (int i = 0; i < 8; i++) {
        double pi[6];
        excursion_pi(excursion_states[i], pi);
        r->stat[i] = nist_chi2(c.nu[i], pi, 5, (double)J);
        r->p[i] = mc_igamc(2.5, r->stat[i] / 2.0);
    }
    r->aux[0] = (double)J;
    return MC_OK;
}

/* §2.15.4: ξ(x) = total visits to x; P = erfc(|ξ(x) − J| / √(2J(4|x| − 2))). */
mc_err nist_random_excursions_variant(const nist_seq *s, nist_result *r)
{
    size_t xi[2 * 9 + 1] = {0};
    size_t J = walk_cycles(s, 9, NULL, xi, NULL);
    if (J == 0) return mc_fail(MC_E_ARG, "random excursions variant: no cycle");
    NIST_REQUIRE(s, J >= EXCURSION_MIN_J, "random excursions variant: J=%zu cycles < 500 (§2.15.7)", J);
    nist_result_init(r, 18);
    size_t i = 0;
    for (int x = -9; x <= 9; x++) {
        if (x == 0) continue;
        double d = (double)xi[x + 9];
        r->stat[i] = d;
        r->p[i] = erfc(fabs(d - (double)J) / sqrt(2.0 * (double)J * (4.0 * abs(x) - 2.0)));
        i++;
    }
    r->aux[0] = (double)J;
    return MC_OK;
}
