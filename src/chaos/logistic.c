/* Logistic map: the block check of the sample generator and a Lyapunov
 * estimate for reports. The iteration itself is inline in logistic.h; key
 * drawing is in keys.c. */
#include "chaos/logistic.h"

#include <math.h>

#include "chaos/chaos.h"

void chaos_logistic_start(chaos_logistic_gen *g, double r, double x0)
{
    double x = x0;
    for (uint32_t t = 0; t < CHAOS_LOGISTIC_TRANSIENT; t++) x = chaos_logistic_step(r, x);
    *g = (chaos_logistic_gen){.r = r, .x = x, .p = 0.5, .e = 1, .n = 0, .failed = 0};
}

/* The block's product is P = p·2^e with p in [0.5, 1), so log2 P >= e − 1.
 * Asking e − 1 >= B·lambda_min/ln 2 tests lambda >= lambda_min without a
 * logarithm: the decision is exact and the same on every machine. */
void chaos_logistic_end_block(chaos_logistic_gen *g)
{
    const double need = (double)CHAOS_LOGISTIC_BLOCK * CHAOS_LOGISTIC_LAMBDA_MIN * M_LOG2E;
    if ((double)(g->e - 1) < need) g->failed = 1;
    g->p = 0.5;
    g->e = 1;
}

int chaos_logistic_finish(chaos_logistic_gen *g)
{
    while (g->n % CHAOS_LOGISTIC_BLOCK != 0) chaos_logistic_next(g);
    return g->failed;
}

/* Benettin-style: the derivative product is renormalised with frexp (exact)
 * every 8 factors and the logarithm taken once at the end. */
double chaos_logistic_lyapunov(double r, double x0, uint32_t transient, uint64_t n)
{
    double x = x0, p = 1.0;
    int64_t e = 0;
    for (uint32_t t = 0; t < transient; t++) x = chaos_logistic_step(r, x);
    for (uint64_t t = 0; t < n; t++) {
        x = chaos_logistic_step(r, x);
        p *= fabs(r * (1.0 - 2.0 * x));
        if ((t & 7) == 7 || t + 1 == n) {
            int k;
            p = frexp(p, &k);
            e += k;
            if (p == 0.0) return -INFINITY;
        }
    }
    return ((double)e * M_LN2 + log(p)) / (double)n;
}
