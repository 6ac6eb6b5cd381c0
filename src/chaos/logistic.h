/* The logistic map x' = r·x·(1 − x) (paper §Methodology 1.A): one iteration,
 * its quantisation to integer digits, the sample generator that watches its
 * own Lyapunov exponent block by block, and a Lyapunov estimate for reports.
 * Only + − × of doubles in a fixed order: every IEEE-754 machine agrees. */
#ifndef MC_CHAOS_LOGISTIC_H
#define MC_CHAOS_LOGISTIC_H
#include <stdint.h>
#include <string.h>

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

typedef struct {
    double r, x;
    double p;     /* derivative product of the current block: p·2^e */
    int64_t e;
    uint64_t n;   /* samples drawn */
    int failed;   /* a finished block had too small an exponent */
} chaos_logistic_gen;

/* Start at x0 and discard CHAOS_LOGISTIC_TRANSIENT iterations. */
void chaos_logistic_start(chaos_logistic_gen *g, double r, double x0);
/* Close a block: test its exponent, set g->failed, restart the product. */
void chaos_logistic_end_block(chaos_logistic_gen *g);

/* Move p's binary exponent into e, leaving p in [0.5, 1): exact bit surgery,
 * the same on every machine. A zero or subnormal p (the orbit went through
 * the critical point 1/2) marks the block as failed. */
static inline void chaos_logistic_renorm(chaos_logistic_gen *g)
{
    uint64_t b;
    memcpy(&b, &g->p, sizeof b);
    const int ex = (int)((b >> 52) & 0x7FF);
    if (ex == 0) {
        g->failed = 1;
        g->p = 0.5;
        return;
    }
    g->e += ex - 1022;
    b = (b & ~(UINT64_C(0x7FF) << 52)) | (UINT64_C(1022) << 52);
    memcpy(&g->p, &b, sizeof b);
}

/* The next sample x_t. The derivative |f'(x)| = |r(1 − 2x)| joins the product
 * on a separate dependency chain, so the check costs little time. Each factor
 * is at most 4 and, unless x is exactly 1/2, far above 2^-60, so renormalising
 * every 8 factors keeps p a normal double. */
static inline double chaos_logistic_next(chaos_logistic_gen *g)
{
    const double x = chaos_logistic_step(g->r, g->x);
    const double d = g->r * (1.0 - 2.0 * x);
    g->x = x;
    g->p *= d < 0 ? -d : d;
    g->n++;
    if ((g->n & 7) == 0) {
        chaos_logistic_renorm(g);
        if (g->n % CHAOS_LOGISTIC_BLOCK == 0) chaos_logistic_end_block(g);
    }
    return x;
}

/* After the last sample: iterate on to the end of the current block so that
 * every sample drawn lies in a checked block. Returns g->failed. */
int chaos_logistic_finish(chaos_logistic_gen *g);

/* Lyapunov exponent estimate lambda = (1/n) sum ln|r·(1 − 2x_t)| over n
 * iterations after `transient` (natural log, per iteration); -INFINITY when
 * the orbit hits x = 1/2. Uses log(): for reports and tests, not for keys. */
double chaos_logistic_lyapunov(double r, double x0, uint32_t transient, uint64_t n);

#endif
