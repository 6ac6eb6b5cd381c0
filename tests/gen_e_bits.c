/* e = Σ_{k≥0} 1/k! by binary splitting: for the terms a < k ≤ b,
 *   Σ_{k=a+1}^{b} 1/((a+1)(a+2)…k) = P(a,b)/Q(a,b),  Q(a,b) = (a+1)…b,
 *   P(a,b) = P(a,m)·Q(m,b) + P(m,b),  Q(a,b) = Q(a,m)·Q(m,b),
 * so e = 1 + P(0,K)/Q(0,K), and ⌊e·2^{n−2}⌋ (e has 2 integer bits) is one
 * big division. ~0.1 s for 10^6 bits; used only by tests and benchmarks. */
#include "gen_e_bits.h"

#include <gmp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void split(unsigned long a, unsigned long b, mpz_t P, mpz_t Q)
{
    if (b - a == 1) {
        mpz_set_ui(P, 1);
        mpz_set_ui(Q, b);
        return;
    }
    unsigned long m = a + (b - a) / 2;
    mpz_t P2, Q2;
    mpz_inits(P2, Q2, NULL);
    split(a, m, P, Q);
    split(m, b, P2, Q2);
    mpz_mul(P, P, Q2);
    mpz_add(P, P, P2);
    mpz_mul(Q, Q, Q2);
    mpz_clears(P2, Q2, NULL);
}

uint8_t *gen_e_bits(size_t nbits)
{
    size_t guard = 64, prec = nbits + guard;
    /* Terms until log2(K!) > prec + 2 (the tail after K is below 2/K!). */
    unsigned long K = 2;
    double lgk = 0.0;
    while (lgk < (double)prec + 4.0) lgk += log2((double)++K);
    mpz_t P, Q, x;
    mpz_inits(P, Q, x, NULL);
    split(0, K, P, Q);
    mpz_add(P, P, Q);                 /* e ≈ (P + Q)/Q */
    mpz_mul_2exp(P, P, prec - 2);     /* the first bit of e is the 2^1 place */
    mpz_tdiv_q(x, P, Q);              /* x = ⌊e·2^{prec−2}⌋, prec bits long */
    mpz_tdiv_q_2exp(x, x, guard);     /* keep the first nbits bits */
    size_t nbytes = (nbits + 7) / 8;
    uint8_t *out = calloc(nbytes ? nbytes : 1, 1);
    if (out) {
        size_t pad = nbytes * 8 - nbits; /* left-align in the last byte */
        mpz_mul_2exp(x, x, pad);
        size_t count = 0;
        uint8_t *raw = mpz_export(NULL, &count, 1, 1, 1, 0, x);
        memcpy(out + (nbytes - count), raw, count);
        void (*freefunc)(void *, size_t);
        mp_get_memory_functions(NULL, NULL, &freefunc);
        freefunc(raw, count);
    }
    mpz_clears(P, Q, x, NULL);
    return out;
}
