/* Special functions the P-values need: the regularized upper incomplete gamma
 * function Q(a, x) (SP 800-22 §5.5.3 "igamc") and the normal CDF. erfc and
 * lgamma come from libm. */
#include "nist/nist.h"

#include <float.h>
#include <math.h>

#define IGAM_EPS 1e-15
#define IGAM_MAXIT 1000000

/* ln of the common prefactor x^a e^{−x} / Γ(a), kept in logs because for the
 * serial test a reaches 2^15 and each factor alone overflows. */
static double igam_log_prefactor(double a, double x)
{
    return a * log(x) - x - lgamma(a);
}

/* Lower series: P(a,x) = x^a e^{−x}/Γ(a+1) · Σ_k x^k / ((a+1)…(a+k)).
 * Converges for every x; used for x < a + 1 where it is fast. */
static double igam_series(double a, double x)
{
    double term = 1.0 / a, sum = term;
    for (int k = 1; k < IGAM_MAXIT; k++) {
        term *= x / (a + k);
        sum += term;
        if (term < sum * IGAM_EPS) break;
    }
    return sum * exp(igam_log_prefactor(a, x));
}

/* Upper continued fraction (Legendre), evaluated by the modified Lentz method:
 * Γ(a,x)/Γ(a) = prefactor · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))).
 * Used for x ≥ a + 1 where it converges quickly. */
static double igamc_fraction(double a, double x)
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < IGAM_MAXIT; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < IGAM_EPS) break;
    }
    return h * exp(igam_log_prefactor(a, x));
}

double nist_igamc(double a, double x)
{
    if (!(a > 0.0) || !(x >= 0.0)) return NAN;
    if (x == 0.0) return 1.0;
    if (isinf(x)) return 0.0;
    if (x < a + 1.0) return 1.0 - igam_series(a, x);
    return igamc_fraction(a, x);
}

double nist_normal_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}
