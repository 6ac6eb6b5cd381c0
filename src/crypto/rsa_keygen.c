/* RSA key-pair generation after FIPS 186-5 §A.1.3 ("probable primes"):
 * random candidates of exactly nlen/2 bits with the top two bits set (so
 * p·q has exactly nlen bits and p, q >= √2·2^(nlen/2−1)), gcd(e, p−1) = 1,
 * Miller–Rabin with the round counts of Table B.1 and random bases from
 * getrandom, |p − q| > 2^(nlen/2−100), d = e^−1 mod lcm(p−1, q−1) > 2^(nlen/2).
 * Candidates that fail are discarded, so their timing reveals nothing kept;
 * the Miller–Rabin exponentiations on the survivor use mpz_powm_sec. */
#include "crypto/random.h"
#include "crypto/rsa_impl.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

/* Table B.1 of FIPS 186-5, M-R only, for the error probability matching the
 * security strength: 1024-bit primes 5 rounds (2^-112), 1536-bit 4 (2^-128),
 * 2048-bit 4 (2^-144). Larger primes only lower the error, so 4 stays safe. */
static int mr_rounds(unsigned pbits) { return pbits <= 1024 ? 5 : 4; }

/* Odd primes below 2000, for trial division before Miller–Rabin (§B.3 allows it).
 * Rebuilt per call (microseconds) rather than cached, so there is no shared state. */
typedef struct { unsigned p[320]; int n; } small_primes;

static void init_small_primes(small_primes *sp)
{
    sp->n = 0;
    for (unsigned c = 3; c < 2000 && sp->n < 320; c += 2) {
        int prime = 1;
        for (unsigned d = 3; d * d <= c; d += 2)
            if (c % d == 0) { prime = 0; break; }
        if (prime) sp->p[sp->n++] = c;
    }
}

/* x = a random integer of exactly `bits` bits (bits a multiple of 8). */
static mc_err random_bits(mpz_t x, unsigned bits, uint8_t *tmp)
{
    size_t nb = bits / 8;
    mc_err e = rand_bytes(tmp, nb);
    if (e) return e;
    mpz_import(x, nb, 1, 1, 1, 0, tmp);
    mc_wipe(tmp, nb);
    return MC_OK;
}

/* Miller–Rabin, FIPS 186-5 §B.3.1, with `rounds` random bases b in [2, w−2]. */
static mc_err miller_rabin(mpz_srcptr w, int rounds, int *probably_prime, uint8_t *tmp)
{
    unsigned wbits = (unsigned)mpz_sizeinbase(w, 2);
    mpz_t wm1, m, b, z;
    mpz_inits(wm1, m, b, z, NULL);
    mpz_sub_ui(wm1, w, 1);
    mp_bitcnt_t a = mpz_scan1(wm1, 0);   /* w − 1 = 2^a · m */
    mpz_tdiv_q_2exp(m, wm1, a);
    mc_err e = MC_OK;
    *probably_prime = 1;
    for (int i = 0; i < rounds && *probably_prime; i++) {
        /* Step 4.1-4.2: a base from getrandom, redrawn until 1 < b < w − 1. */
        do {
            if ((e = random_bits(b, wbits, tmp))) goto out;
            mpz_mod(b, b, w);
        } while (mpz_cmp_ui(b, 1) <= 0 || mpz_cmp(b, wm1) >= 0);
        mpz_powm_sec(z, b, m, w);
        if (mpz_cmp_ui(z, 1) == 0 || mpz_cmp(z, wm1) == 0) continue;
        int witness = 1;
        for (mp_bitcnt_t j = 1; j < a; j++) {
            mpz_mul(z, z, z);
            mpz_mod(z, z, w);
            if (mpz_cmp(z, wm1) == 0) { witness = 0; break; }
            if (mpz_cmp_ui(z, 1) == 0) break;
        }
        if (witness) *probably_prime = 0;
    }
out:
    rsa_mpz_wipe_clear(wm1);
    rsa_mpz_wipe_clear(m);
    rsa_mpz_wipe_clear(b);
    rsa_mpz_wipe_clear(z);
    return e;
}

/* One prime of pbits bits with gcd(e, p−1) = 1 (§A.1.3 steps 4.2-4.7 / 5.2-5.8).
 * `other` (when non-NULL) is the first prime: the second must differ from it by
 * more than 2^(pbits−100). */
static mc_err gen_prime(mpz_t p, unsigned pbits, mpz_srcptr e, mpz_srcptr other, const small_primes *sp,
                        uint8_t *tmp)
{
    mpz_t t;
    mpz_init2(t, pbits + 64);
    mc_err err = MC_OK;
    /* §A.1.3 bounds the loop at 5·nlen/2 tries (20·nlen/2 for q); be as generous as the latter. */
    for (unsigned tries = 0; tries < 20 * pbits; tries++) {
        if ((err = random_bits(p, pbits, tmp))) break;
        mpz_setbit(p, pbits - 1);
        mpz_setbit(p, pbits - 2);
        mpz_setbit(p, 0);
        if (other) {
            mpz_sub(t, p, other);
            mpz_abs(t, t);
            if (mpz_sizeinbase(t, 2) <= pbits - 99) continue; /* so |p − q| >= 2^(pbits−99) */
        }
        int divisible = 0;
        for (int i = 0; i < sp->n && !divisible; i++) divisible = mpz_fdiv_ui(p, sp->p[i]) == 0;
        if (divisible) continue;
        mpz_sub_ui(t, p, 1);
        mpz_gcd(t, t, e);
        if (mpz_cmp_ui(t, 1) != 0) continue;
        int prime;
        if ((err = miller_rabin(p, mr_rounds(pbits), &prime, tmp))) break;
        if (prime) {
            rsa_mpz_wipe_clear(t);
            return MC_OK;
        }
    }
    rsa_mpz_wipe_clear(t);
    return err ? err : mc_fail(MC_E_RANDOM, "no %u-bit prime found (random source broken?)", pbits);
}

mc_err rsa_generate(rsa_priv **out, unsigned bits)
{
    *out = NULL;
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || bits % 256)
        return mc_fail(MC_E_KEY, "RSA key of %u bits; a multiple of 256 from %d to %d required", bits,
                       RSA_MIN_BITS, RSA_MAX_BITS);
    small_primes sp;
    init_small_primes(&sp);
    unsigned pbits = bits / 2;
    rsa_priv *k = rsa_priv_alloc();
    uint8_t *tmp = malloc(pbits / 8);
    if (!k || !tmp) {
        rsa_priv_free(k);
        free(tmp);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    /* Room for every value up front, so GMP never reallocates (and frees unwiped) a secret. */
    for (int f = 0; f < RSA_NFIELDS; f++) mpz_realloc2(rsa_priv_field(k, f), 2 * bits + 64);
    mpz_t pm1, qm1, lambda;
    mpz_init2(pm1, bits + 64);
    mpz_init2(qm1, bits + 64);
    mpz_init2(lambda, 2 * bits + 64);
    mpz_set_ui(k->pub.e, 65537);
    mc_err e;
    for (;;) {
        if ((e = gen_prime(k->p, pbits, k->pub.e, NULL, &sp, tmp))) break;
        if ((e = gen_prime(k->q, pbits, k->pub.e, k->p, &sp, tmp))) break;
        mpz_sub_ui(pm1, k->p, 1);
        mpz_sub_ui(qm1, k->q, 1);
        mpz_lcm(lambda, pm1, qm1);
        mpz_invert(k->d, k->pub.e, lambda);
        /* §A.1.1 step 3(c): d > 2^(nlen/2); otherwise start again (probability ~2^-nlen/2). */
        if (mpz_sizeinbase(k->d, 2) <= pbits) continue;
        mpz_mul(k->pub.n, k->p, k->q);
        mpz_mod(k->dp, k->d, pm1);
        mpz_mod(k->dq, k->d, qm1);
        mpz_invert(k->qinv, k->q, k->p);
        e = rsa_priv_finish(k);
        break;
    }
    rsa_mpz_wipe_clear(pm1);
    rsa_mpz_wipe_clear(qm1);
    rsa_mpz_wipe_clear(lambda);
    free(tmp);
    if (e) {
        rsa_priv_free(k);
        return e;
    }
    *out = k;
    return MC_OK;
}
