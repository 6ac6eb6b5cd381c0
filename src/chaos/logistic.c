/* Logistic map: the sample generator with its per-block Lyapunov check, and
 * a Lyapunov estimate for reports. The iteration itself is inline in
 * logistic.h; which samples become which key is decided in keys.c. */
#include "chaos/logistic.h"

#include <math.h>
#include <string.h>

#include "chaos/chaos.h"

void chaos_logistic_start(chaos_logistic_gen *g, double r, double x0)
{
    double x = x0;
    for (uint32_t t = 0; t < CHAOS_LOGISTIC_TRANSIENT; t++) x = chaos_logistic_step(r, x);
    *g = (chaos_logistic_gen){.r = r, .x = x, .p = 0.5, .e = 1, .n = 0, .failed = 0};
}

/* Move p's binary exponent into e, leaving p in [0.5, 1): exact bit surgery,
 * the same on every machine. A zero or subnormal p (the orbit went through
 * the critical point 1/2) fails the block. */
static inline void renorm(double *p, int64_t *e, int *failed)
{
    uint64_t b;
    memcpy(&b, p, sizeof b);
    const int ex = (int)((b >> 52) & 0x7FF);
    if (ex == 0) {
        *failed = 1;
        *p = 0.5;
        return;
    }
    *e += ex - 1022;
    b = (b & ~(UINT64_C(0x7FF) << 52)) | (UINT64_C(1022) << 52);
    memcpy(p, &b, sizeof b);
}

/* The block's product is P = p·2^e with p in [0.5, 1), so log2 P >= e − 1.
 * Asking e − 1 >= B·lambda_min/ln 2 tests lambda >= lambda_min without a
 * logarithm: the decision is exact and the same on every machine. */
static inline void end_block(double *p, int64_t *e, int *failed)
{
    const double need = (double)CHAOS_LOGISTIC_BLOCK * CHAOS_LOGISTIC_LAMBDA_MIN * M_LOG2E;
    if ((double)(*e - 1) < need) *failed = 1;
    *p = 0.5;
    *e = 1;
}

/* One loop serves all three outputs; always_inline lets each caller below get
 * a copy with `out` fixed, and keeps the state in registers (through a
 * pointer the compiler would store and reload it every iteration, which
 * costs five times the iteration itself). The derivative |r(1 − 2x)| goes
 * into p on a second dependency chain beside the orbit's. Each factor is at
 * most 4 and, unless x is exactly 1/2, far above 2^-60: renormalising every 8
 * factors keeps p a normal double. */
enum { OUT_X, OUT_KEY, OUT_BYTE };
static inline __attribute__((always_inline)) void draw(chaos_logistic_gen *g, size_t count, int out, double *xs,
                                                       uint32_t *key, uint8_t *byte)
{
    const double r = g->r;
    double x = g->x, p = g->p;
    int64_t e = g->e;
    uint64_t n = g->n;
    int failed = g->failed;
    for (size_t k = 0; k < count; k++) {
        x = chaos_logistic_step(r, x);
        p *= fabs(r * (1.0 - 2.0 * x));
        if (out == OUT_X) xs[k] = x;
        if (out == OUT_KEY) key[k] = (uint32_t)chaos_logistic_digits(x);
        if (out == OUT_BYTE) byte[k] = (uint8_t)chaos_logistic_digits(x);
        if ((++n & 7) == 0) {
            renorm(&p, &e, &failed);
            if (n % CHAOS_LOGISTIC_BLOCK == 0) end_block(&p, &e, &failed);
        }
    }
    *g = (chaos_logistic_gen){.r = r, .x = x, .p = p, .e = e, .n = n, .failed = failed};
}

void chaos_logistic_draw(chaos_logistic_gen *g, size_t n, double *x, uint32_t *key, uint8_t *byte)
{
    if (x)
        draw(g, n, OUT_X, x, NULL, NULL);
    else if (key)
        draw(g, n, OUT_KEY, NULL, key, NULL);
    else if (byte)
        draw(g, n, OUT_BYTE, NULL, NULL, byte);
}

int chaos_logistic_finish(chaos_logistic_gen *g)
{
    uint8_t sink[CHAOS_LOGISTIC_BLOCK];
    size_t rest = (CHAOS_LOGISTIC_BLOCK - g->n % CHAOS_LOGISTIC_BLOCK) % CHAOS_LOGISTIC_BLOCK;
    draw(g, rest, OUT_BYTE, NULL, NULL, sink);
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
