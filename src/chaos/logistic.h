/* The logistic map x' = r·x·(1 − x) (paper §Methodology 1.A): one iteration,
 * its quantisation to integer digits, the sample generator that watches its
 * own Lyapunov exponent block by block, and a Lyapunov estimate for reports.
 * Only + − × of doubles in a fixed order: every IEEE-754 machine agrees. */
#ifndef MC_CHAOS_LOGISTIC_H
#define MC_CHAOS_LOGISTIC_H
#include <stdint.h>
#include <stddef.h>

/* One iteration, evaluated as (r·x)·(1 − x): the order is part of the
 * specification (CIPHER.md §2.1), since a different order rounds differently. */
static inline double chaos_logistic_step(double r, double x)
{
    return r * x * (1.0 - x);
}

/* D(x) = floor(x·2^52) for x in (0, 1): the first 52 binary digits of x as an
 * integer. Scaling by 2^52 is exact and the cast truncates, so D is exact. */
static inline uint64_t chaos_logistic_digits(double x)
{
    return (uint64_t)(int64_t)(x * 0x1p52);
}

/* Samples come in blocks of CHAOS_LOGISTIC_BLOCK iterations; each block must
 * show a finite-time Lyapunov exponent of at least CHAOS_LOGISTIC_LAMBDA_MIN,
 * or the orbit is declared periodic (CIPHER.md §5.1). */
#define CHAOS_LOGISTIC_BLOCK 4096u

/* The sample generator: the orbit after the transient, with the derivative
 * product of the current block kept as p·2^e (p in [0.5, 1) after each
 * renormalisation). */
typedef struct {
    double r, x;
    double p;
    int64_t e;
    uint64_t n;  /* samples drawn */
    int failed;  /* a finished block had too small an exponent */
} chaos_logistic_gen;

/* Start at x0 and discard CHAOS_LOGISTIC_TRANSIENT iterations. */
void chaos_logistic_start(chaos_logistic_gen *g, double r, double x0);

/* Draw the next n samples x_t into exactly one of: the samples themselves,
 * their sort keys D(x_t) mod 2^32, or keystream bytes D(x_t) mod 2^8. */
void chaos_logistic_draw(chaos_logistic_gen *g, size_t n, double *x, uint32_t *key, uint8_t *byte);

/* After the last sample: iterate on to the end of the current block so that
 * every sample drawn lies in a checked block. Returns g->failed. */
int chaos_logistic_finish(chaos_logistic_gen *g);

/* Lyapunov exponent estimate lambda = (1/n) sum ln|r·(1 − 2x_t)| over n
 * iterations after `transient` (natural log, per iteration); -INFINITY when
 * the orbit hits x = 1/2. Uses log(): for reports and tests, not for keys. */
double chaos_logistic_lyapunov(double r, double x0, uint32_t transient, uint64_t n);

#endif
