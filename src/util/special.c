/* Special functions behind every p-value and critical value in the project
 * (Wu's NPCR/UACI tests, local entropy, chi-square, the 15 SP 800-22 tests):
 * the normal CDF and its inverse, and the regularized incomplete gamma
 * functions (SP 800-22 section 5.5.3 "igamc", the chi-square tails). Written
 * from the textbook definitions cited below. */
#include "util/special.h"

#include <math.h>

double mc_normal_cdf(double z) { return 0.5 * erfc(-z / M_SQRT2); }

/* Φ^-1(p) for 0 < p <= 1/2 (x <= 0), where Φ(x) = erfc(-x/√2)/2 is computed
 * without cancellation. P. J. Acklam's rational approximation (relative
 * error 1.15e-9; central region |p - 1/2| <= 0.47575, tails beyond) is
 * refined by one step of Halley's method on f(x) = Φ(x) - p, which roughly
 * cubes the relative error. */
static double quantile_lower(double p)
{
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                6.680131188771972e+01,  -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                3.754408661907416e+00};
    const double p_low = 0.02425;
    double x;
    if (p < p_low) {
        double q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    /* Halley: x -= u / (1 + x u / 2), u = (Φ(x) - p) / φ(x). */
    double e = mc_normal_cdf(x) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

double mc_normal_quantile(double p)
{
    if (isnan(p) || p < 0 || p > 1) return NAN;
    if (p == 0) return -INFINITY;
    if (p == 1) return INFINITY;
    /* 1 - p is exact for p in [1/2, 1] (Sterbenz), so the upper half reuses
     * the lower one through Φ^-1(p) = -Φ^-1(1 - p). */
    return p <= 0.5 ? quantile_lower(p) : -quantile_lower(1 - p);
}

/* Incomplete gamma, Numerical Recipes (Press et al., 3rd ed., §6.2): the
 * series P(a,x) = e^-x x^a / Γ(a) · Σ x^n / (a (a+1) ... (a+n)) converges
 * fast for x < a + 1; beyond it, Q(a,x) by the continued fraction
 * e^-x x^a / Γ(a) · 1/(x + 1 - a - 1·(1-a)/(x + 3 - a - 2·(2-a)/(x + 5 - a - ...)))
 * evaluated with the modified Lentz method. */
#define IGAM_EPS 1e-16
#define IGAM_TINY 1e-300
#define IGAM_MAX_ITER 1000000

/* The prefactor x^a e^-x / Γ(a) is formed in logs: for the serial test a
 * reaches 2^15 and each factor alone overflows. */
static double igam_prefactor(double a, double x) { return exp(-x + a * log(x) - lgamma(a)); }

static double igam_series(double a, double x)
{
    double ap = a, del = 1 / a, sum = del;
    for (int n = 0; n < IGAM_MAX_ITER; n++) {
        ap += 1;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * IGAM_EPS) break;
    }
    return sum * igam_prefactor(a, x);
}

static double igamc_fraction(double a, double x)
{
    double b = x + 1 - a, c = 1 / IGAM_TINY, d = 1 / b, h = d;
    for (int i = 1; i < IGAM_MAX_ITER; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < IGAM_TINY) d = IGAM_TINY;
        c = b + an / c;
        if (fabs(c) < IGAM_TINY) c = IGAM_TINY;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < IGAM_EPS) break;
    }
    return igam_prefactor(a, x) * h;
}

double mc_igam(double a, double x)
{
    if (!(a > 0) || !(x >= 0)) return NAN;
    if (x == 0) return 0;
    if (isinf(x)) return 1;
    return x < a + 1 ? igam_series(a, x) : 1 - igamc_fraction(a, x);
}

double mc_igamc(double a, double x)
{
    if (!(a > 0) || !(x >= 0)) return NAN;
    if (x == 0) return 1;
    if (isinf(x)) return 0;
    return x < a + 1 ? 1 - igam_series(a, x) : igamc_fraction(a, x);
}
