/* See stats.h. */
#include "experiments/stats.h"

#include <math.h>
#include <stdlib.h>

#include "util/special.h"

/* Σ_{k=0}^{a} k^j for j = 1, 2, 4 (Faulhaber). */
static double s1(double a) { return a * (a + 1) / 2; }
static double s2(double a) { return a * (a + 1) * (2 * a + 1) / 6; }
static double s4(double a) { return a * (a + 1) * (2 * a + 1) * (3 * a * a + 3 * a - 1) / 30; }

void stats_ideal_of(const img_image *P, stats_ideal *out)
{
    const unsigned L = 1u << P->depth;
    const double F = L - 1.0;
    uint64_t *h = calloc(L, sizeof *h);
    if (!h) {   /* 512 KiB at most; report an impossible expectation rather than crash */
        *out = (stats_ideal){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        return;
    }
    const size_t n = img_size_bytes(P) / (P->depth == 16 ? 2 : 1);
    for (size_t i = 0; i < n; i++) h[P->depth == 16 ? (unsigned)P->data[2 * i] << 8 | P->data[2 * i + 1] : P->data[i]]++;
    /* For one sample of value p and u uniform on 0..L−1: E|p−u|^j = (Σ_{k≤p} k^j + Σ_{k≤L−1−p} k^j) / L. */
    double e1 = 0, v1 = 0, e2 = 0, v2 = 0;
    for (unsigned p = 0; p < L; p++) {
        if (!h[p]) continue;
        const double a = p, b = F - p, m1 = (s1(a) + s1(b)) / L, m2 = (s2(a) + s2(b)) / L, m4 = (s4(a) + s4(b)) / L;
        e1 += h[p] * m1, v1 += h[p] * (m2 - m1 * m1);
        e2 += h[p] * m2, v2 += h[p] * (m4 - m2 * m2);
    }
    free(h);
    const double q = 1.0 / L;
    out->npcr_mu = 100 * (1 - q);
    out->npcr_sd = 100 * sqrt(q * (1 - q) / n);
    out->uaci_mu = 100 * e1 / (n * F);
    out->uaci_sd = 100 * sqrt(v1) / (n * F);
    out->mse_mu = e2 / n;
    out->mse_sd = sqrt(v2) / n;
    out->psnr_at_mu = 10 * log10(F * F / out->mse_mu);
}

double stats_two_sided_p(double z) { return 2 * (1 - mc_normal_cdf(fabs(z))); }

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Holm's step-down on the sorted P-values: the number rejected, the
 * smallest adjusted P-value and the largest rejected P-value. */
static size_t holm(const double *p, size_t n, double alpha, double *min_adj, double *cut)
{
    *min_adj = 1, *cut = -1;
    if (!n) return 0;
    double *s = malloc(n * sizeof *s);
    if (!s) return 0;
    for (size_t i = 0; i < n; i++) s[i] = p[i];
    qsort(s, n, sizeof *s, cmp_double);
    /* Reject the i-th smallest while p_(i) ≤ α / (n − i). */
    size_t r = 0;
    while (r < n && s[r] <= alpha / (double)(n - r)) r++;
    *min_adj = fmin(1, s[0] * (double)n);
    if (r) *cut = s[r - 1];
    free(s);
    return r;
}

size_t stats_holm_rejections(const double *p, size_t n, double alpha, double *min_adj)
{
    double cut;
    return holm(p, n, alpha, min_adj, &cut);
}

double stats_holm_cut(const double *p, size_t n, double alpha)
{
    double min_adj, cut;
    holm(p, n, alpha, &min_adj, &cut);
    return cut;
}

double stats_binom_upper(size_t k, size_t n, double q)
{
    if (k == 0) return 1;
    if (k > n) return 0;
    double sum = 0;
    for (size_t j = k; j <= n; j++)
        sum += exp(lgamma(n + 1.0) - lgamma(j + 1.0) - lgamma(n - j + 1.0) + j * log(q) + (n - j) * log1p(-q));
    return fmin(1, sum);
}

void stats_mean_sd(const double *v, size_t n, double *mean, double *sd)
{
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++) m += v[i];
    m = n ? m / n : NAN;
    for (size_t i = 0; i < n; i++) s += (v[i] - m) * (v[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(s / (n - 1)) : 0;
}
