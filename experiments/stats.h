/* The statistics behind the verdicts of results/: what an ideal cipher gives
 * on a given plain image, two-sided normal P-values, Holm's step-down
 * correction for many comparisons, and a binomial tail. */
#ifndef MC_EXPERIMENTS_STATS_H
#define MC_EXPERIMENTS_STATS_H
#include <stddef.h>
#include "image/image.h"

/* The family-wise significance of every verdict: a verdict flips between two
 * runs (other keys, another arithmetic path) with probability below this when
 * the cipher behaves ideally. */
#define STATS_ALPHA 0.001

/* An ideal cipher's cipher image C is uniform and independent of the plain
 * image P, sample by sample (C_i = P_π(i) XOR K_i with K uniform i.i.d.). Its
 * NPCR, UACI and MSE against P are then means of independent terms whose
 * means and variances follow from P's histogram alone (sums of powers of
 * |p − u| over the L = 2^depth levels u). */
typedef struct {
    double npcr_mu, npcr_sd;   /* % */
    double uaci_mu, uaci_sd;   /* % */
    double mse_mu, mse_sd;
    double psnr_at_mu;         /* 10 log10(F² / mse_mu), F = L − 1 */
} stats_ideal;
void stats_ideal_of(const img_image *plain, stats_ideal *out);

/* 2·(1 − Φ(|z|)). */
double stats_two_sided_p(double z);
/* Holm (1979): how many of the n P-values are rejected at family-wise alpha;
 * *min_adj receives the smallest adjusted P-value (1 when n = 0). */
size_t stats_holm_rejections(const double *p, size_t n, double alpha, double *min_adj);
/* The largest P-value Holm rejects at family-wise alpha (−1 when none):
 * a test of the family is rejected exactly when its P-value is ≤ this. */
double stats_holm_cut(const double *p, size_t n, double alpha);
/* P(X ≥ k) for X ~ Binomial(n, q). */
double stats_binom_upper(size_t k, size_t n, double q);
/* Mean and sample standard deviation of n values (sd 0 when n < 2). */
void stats_mean_sd(const double *v, size_t n, double *mean, double *sd);

#endif
