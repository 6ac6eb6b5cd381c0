/* Helpers shared by the test files of the nist module (not installed). */
#ifndef MC_NIST_INTERNAL_H
#define MC_NIST_INTERNAL_H
#include "nist/nist.h"

#include <string.h>

/* Start a result with np P-values, all fields zeroed. */
static inline void nist_result_init(nist_result *r, size_t np)
{
    memset(r, 0, sizeof *r);
    r->np = np;
}

/* "Not applicable": the standard's input-size recommendation is not met.
 * Skipped when the sequence is marked relaxed (worked examples). */
#define NIST_REQUIRE(s, cond, ...) \
    do { if (!(s)->relaxed && !(cond)) return mc_fail(MC_E_ARG, __VA_ARGS__); } while (0)

/* Pearson's χ² = Σ (ν_i − N π_i)² / (N π_i) over k+1 classes. */
static inline double nist_chi2(const double *nu, const double *pi, int k, double N)
{
    double chi2 = 0.0;
    for (int i = 0; i <= k; i++) {
        double exp_i = N * pi[i];
        chi2 += (nu[i] - exp_i) * (nu[i] - exp_i) / exp_i;
    }
    return chi2;
}

#endif
