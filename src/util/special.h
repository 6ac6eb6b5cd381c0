/* Special functions for p-values and critical values (special.c): the standard
 * normal CDF and quantile, the regularized incomplete gamma functions. Shared
 * by the image metrics (src/metrics) and the SP 800-22 tests (src/nist). */
#ifndef MC_UTIL_SPECIAL_H
#define MC_UTIL_SPECIAL_H

/* Standard normal CDF Φ(z) = erfc(-z/√2)/2. */
double mc_normal_cdf(double z);
/* Φ^-1(p) for 0 < p < 1, to about 1e-15 relative: Acklam's rational
 * approximation refined by one Halley step on erfc. 0 or 1 give ∓inf. */
double mc_normal_quantile(double p);
/* Regularized incomplete gamma functions P(a,x) and Q(a,x) = 1 - P(a,x),
 * for a > 0, x >= 0 (NaN otherwise). Q(k/2, χ²/2) is the chi-square upper
 * tail with k degrees of freedom (SP 800-22 §5.5.3 igamc). */
double mc_igam(double a, double x);
double mc_igamc(double a, double x);

#endif
