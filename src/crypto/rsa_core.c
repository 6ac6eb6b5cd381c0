/* Raw RSA: RSAEP (RFC 8017 §5.1.1) and RSADP with the CRT (§5.1.2, second form).
 * Everything that touches a secret runs on GMP's mpn_sec_* functions, whose
 * memory accesses and branches depend only on operand sizes, never on values.
 * The private operation also blinds its input (c' = c·r^e, Kocher's timing
 * attack) and re-encrypts its result (m^e == c), refusing to release a value
 * that a fault in the CRT would otherwise turn into a factorisation of n
 * (Boneh-DeMillo-Lipton). `make ct-check-rsa` checks all this under valgrind:
 * with d, dP, dQ, qInv, the message and the random bytes secret, memcheck finds no
 * secret-dependent branch or address. With p and q secret too it finds GMP's
 * per-modulus set-up inside mpn_sec_div_r and mpn_sec_powm: a branch on the
 * divisor's leading-zero count (always 0 here, as p and q have their top bits set)
 * and look-ups in the small invert_limb / binvert_limb tables indexed by the top
 * 9 and low 8 bits of p or q. Cache-line granularity bounds that to a few bits of
 * each prime, far below what factoring with partial knowledge needs (about half);
 * avoiding it would mean exponentiating mod n without the CRT, 3-4 times slower.
 * Cost: the two half-size mpn_sec_powm calls are 92% of a private operation
 * (callgrind, RSA-2048), the fault check 3.5%, blinding and the rest under 5%.
 * Where the CPU has AVX-512 IFMA, both halves instead run side by side in vector
 * registers (rsa_ifma.c, radix 2^52), about 3 times faster than mpn_sec_powm for
 * 1024-bit primes and 4-6 times for 1536 and 2048; blinding, the CRT recombination
 * and the fault check below are the same on both paths. That path is constant time
 * by construction (argued at the top of rsa_ifma.c) but outside ct-check-rsa's
 * reach: valgrind implements no AVX-512 and its CPUID says so, so under valgrind
 * the dispatcher (use_ifma) picks GMP, which is what the check then covers. */
#include "crypto/random.h"
#include "crypto/rsa_ifma.h"
#include "crypto/rsa_impl.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

/* Big-endian byte strings <-> little-endian limb arrays; the loops run over every
 * byte whatever the values, so the conversion is data-independent. */
static void bytes_to_limbs(mp_limb_t *r, mp_size_t rn, const uint8_t *b, size_t blen)
{
    memset(r, 0, (size_t)rn * sizeof *r);
    for (size_t i = 0; i < blen; i++) {
        size_t bit = 8 * (blen - 1 - i);
        r[bit / GMP_NUMB_BITS] |= (mp_limb_t)b[i] << (bit % GMP_NUMB_BITS);
    }
}

static void limbs_to_bytes(uint8_t *b, size_t blen, const mp_limb_t *r)
{
    for (size_t i = 0; i < blen; i++) {
        size_t bit = 8 * (blen - 1 - i);
        b[i] = (uint8_t)(r[bit / GMP_NUMB_BITS] >> (bit % GMP_NUMB_BITS));
    }
}

static mp_size_t max_sz(mp_size_t a, mp_size_t b) { return a > b ? a : b; }

/* A number of bits as mpn_sec_powm wants it for an exponent below 2^bits. */
static mp_bitcnt_t bitlen(mpz_srcptr x) { return (mp_bitcnt_t)mpz_sizeinbase(x, 2); }

/* out = in^e mod n on nn-limb numbers (in > 0, in < n); tp is scratch. */
static void pub_powm(const rsa_pub *k, mp_limb_t *out, const mp_limb_t *in, mp_limb_t *tp)
{
    mp_size_t nn = (mp_size_t)mpz_size(k->n);
    mpn_sec_powm(out, in, nn, mpz_limbs_read(k->e), bitlen(k->e), mpz_limbs_read(k->n), nn, tp);
}

static mp_size_t pub_itch(const rsa_pub *k)
{
    mp_size_t nn = (mp_size_t)mpz_size(k->n);
    return mpn_sec_powm_itch(nn, bitlen(k->e), nn);
}

mc_err rsa_public_op(const rsa_pub *k, const uint8_t *in, uint8_t *out)
{
    mp_size_t nn = (mp_size_t)mpz_size(k->n), tn = pub_itch(k);
    mp_limb_t *buf = malloc((size_t)(2 * nn + tn) * sizeof *buf);
    if (!buf) return mc_fail(MC_E_NOMEM, "out of memory");
    mp_limb_t *m = buf, *c = buf + nn, *tp = buf + 2 * nn;
    bytes_to_limbs(m, nn, in, k->bytes);
    mc_err e = MC_OK;
    /* RSAEP step 1: 0 < m < n (zero is excluded as mpn_sec_powm needs a positive
     * base). m is secret (an OAEP encoding), so the test is done with a subtraction
     * and an OR of all limbs; only its verdict is made public. */
    mp_limb_t any = 0;
    for (mp_size_t i = 0; i < nn; i++) any |= m[i];
    mp_limb_t below = mpn_sub_n(c, m, mpz_limbs_read(k->n), nn); /* borrow: m < n */
    int ok = (any != 0) & (int)below;
    MC_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        e = mc_fail(MC_E_ARG, "RSA message representative out of range");
    } else {
        pub_powm(k, c, m, tp);
        limbs_to_bytes(out, k->bytes, c);
    }
    mc_wipe(buf, (size_t)(2 * nn + tn) * sizeof *buf);
    free(buf);
    return e;
}

/* Working space of one private operation, carved out of a single allocation. */
typedef struct {
    mp_size_t nn, pn, qn, wn;           /* limbs of n, p, q; wn = max(pn, qn) */
    mp_limb_t *c, *r, *rinv, *cb, *wide, *m1, *m2, *x, *h, *m, *t, *tp;
    size_t total;
} priv_ws;

static mp_limb_t *ws_alloc(priv_ws *w, const rsa_priv *k)
{
    mp_size_t nn = w->nn = (mp_size_t)mpz_size(k->pub.n);
    mp_size_t pn = w->pn = (mp_size_t)mpz_size(k->p);
    mp_size_t qn = w->qn = (mp_size_t)mpz_size(k->q);
    mp_size_t wn = w->wn = max_sz(pn, qn);
    mp_size_t tn = pub_itch(&k->pub);
    tn = max_sz(tn, mpn_sec_invert_itch(nn));
    tn = max_sz(tn, mpn_sec_mul_itch(nn, nn));
    tn = max_sz(tn, mpn_sec_sqr_itch(nn));
    tn = max_sz(tn, mpn_sec_div_r_itch(2 * nn, nn));
    tn = max_sz(tn, mpn_sec_div_r_itch(nn + 2, nn));
    tn = max_sz(tn, mpn_sec_div_r_itch(nn, pn));
    tn = max_sz(tn, mpn_sec_div_r_itch(nn, qn));
    tn = max_sz(tn, mpn_sec_div_r_itch(wn, pn));
    tn = max_sz(tn, mpn_sec_div_r_itch(2 * pn, pn));
    tn = max_sz(tn, mpn_sec_powm_itch(pn, k->pbits, pn));
    tn = max_sz(tn, mpn_sec_powm_itch(qn, k->qbits, qn));
    tn = max_sz(tn, mpn_sec_mul_itch(pn, pn));
    tn = max_sz(tn, mpn_sec_mul_itch(wn, pn < qn ? pn : qn));
#if RSA_IFMA_COMPILED
    tn = max_sz(tn, rsa_ifma_itch(wn));
#endif
    /* c r rinv cb m: nn each; wide nn+2; m1 pn; m2 qn; x (pn+qn); h pn; t 2nn+4. */
    w->total = (size_t)(6 * nn + 2 + 3 * pn + 2 * qn + 2 * nn + 4 + tn);
    mp_limb_t *b = calloc(w->total, sizeof *b);
    if (!b) return NULL;
    mp_limb_t *p = b;
    w->c = p; p += nn;
    w->r = p; p += nn;
    w->rinv = p; p += nn;
    w->cb = p; p += nn;
    w->wide = p; p += nn + 2;
    w->m = p; p += nn;
    w->m1 = p; p += pn;
    w->m2 = p; p += qn;
    w->x = p; p += pn + qn;
    w->h = p; p += pn;
    w->t = p; p += 2 * nn + 4;
    w->tp = p;
    return b;
}

/* A fresh blinding pair into the key's cache: r uniform in [1, n) (16 spare random
 * bytes make the bias of the reduction negligible, 2^-128), r^-1 by the
 * constant-time inversion, r^e by the public exponentiation. */
static mc_err blinding_fresh(const rsa_priv *k, priv_ws *w)
{
    mp_size_t nn = w->nn;
    const mp_limb_t *n = mpz_limbs_read(k->pub.n);
    size_t rb = (size_t)nn * sizeof(mp_limb_t) + 16;
    uint8_t *bytes = (uint8_t *)w->t; /* t has 2nn+4 limbs: room for rb bytes */
    for (int tries = 0; tries < 8; tries++) {
        mc_err e = rand_bytes(bytes, rb);
        if (e) return e;
        bytes_to_limbs(w->wide, nn + 2, bytes, rb);
        mpn_sec_div_r(w->wide, nn + 2, n, nn, w->tp);
        memcpy(w->r, w->wide, (size_t)nn * sizeof *w->wide);
        memcpy(w->rinv, w->wide, (size_t)nn * sizeof *w->wide); /* mpn_sec_invert destroys its input */
        int ok = mpn_sec_invert(k->blind_rinv, w->rinv, n, nn, 2 * (mp_bitcnt_t)nn * GMP_NUMB_BITS, w->tp);
        MC_DECLASSIFY(&ok, sizeof ok); /* r is not invertible with probability ~2^-1000 */
        if (ok) {
            pub_powm(&k->pub, k->blind_re, w->r, w->tp);
            return MC_OK;
        }
    }
    return mc_fail(MC_E_RANDOM, "could not draw an invertible RSA blinding factor");
}

/* x = x^2 mod n, in place through the workspace (mpn_sec_sqr: a squaring
 * computes each cross product once, about half the work of mpn_sec_mul). */
static void sqr_mod_n(priv_ws *w, mp_limb_t *x, const mp_limb_t *n)
{
    mpn_sec_sqr(w->t, x, w->nn, w->tp);
    mpn_sec_div_r(w->t, 2 * w->nn, n, w->nn, w->tp);
    memcpy(x, w->t, (size_t)w->nn * sizeof *x);
}

/* Take the next blinding pair: w->r = r^e, w->rinv = r^-1. The cached pair is
 * squared ((r^2)^e and (r^2)^-1 belong together) so no two operations share one. */
static mc_err blinding(const rsa_priv *k, priv_ws *w)
{
    rsa_priv *mk = (rsa_priv *)k; /* the cache is the only mutable part of a key */
    const mp_limb_t *n = mpz_limbs_read(k->pub.n);
    mc_err e = MC_OK;
    pthread_mutex_lock(&mk->blind_lock);
    if (mk->blind_uses == 0 || mk->blind_uses >= RSA_BLIND_REUSE) {
        e = blinding_fresh(k, w);
        mk->blind_uses = 0;
    } else {
        sqr_mod_n(w, mk->blind_re, n);
        sqr_mod_n(w, mk->blind_rinv, n);
    }
    if (!e) {
        mk->blind_uses++;
        memcpy(w->r, k->blind_re, (size_t)w->nn * sizeof *w->r);
        memcpy(w->rinv, k->blind_rinv, (size_t)w->nn * sizeof *w->rinv);
    }
    pthread_mutex_unlock(&mk->blind_lock);
    return e;
}

/* cx = cb mod x (xn limbs) for one prime x. */
static void crt_reduce(priv_ws *w, mp_limb_t *cx, mpz_srcptr x)
{
    mp_size_t xn = (mp_size_t)mpz_size(x);
    memcpy(w->t, w->cb, (size_t)w->nn * sizeof *w->t);
    mpn_sec_div_r(w->t, w->nn, mpz_limbs_read(x), xn, w->tp);
    memcpy(cx, w->t, (size_t)xn * sizeof *cx);
}

/* m_x = (c mod x)^(d mod (x-1)) mod x for one prime x (RFC 8017 §5.1.2 step 2b i-ii). */
static void crt_half(priv_ws *w, mp_limb_t *mx, mpz_srcptr x, unsigned xbits, const mp_limb_t *dx)
{
    mp_size_t xn = (mp_size_t)mpz_size(x);
    crt_reduce(w, w->x, x);
    mpn_sec_powm(mx, w->x, xn, dx, xbits, mpz_limbs_read(x), xn, w->tp);
}

/* Which exponentiation the private operation uses. The IFMA one (rsa_ifma.c) does both
 * CRT halves at once, so it wants p and q of the same limb count (always so for keys
 * from rsa_generate and OpenSSL, whose primes have exactly half the bits of n) and at
 * most RSA_IFMA_MAX_BITS each. rsa_core_force_gmp(1) or MEDCHAOS_NO_ASM=1 pins GMP. */
static int force_gmp;

void rsa_core_force_gmp(int on) { force_gmp = on; }

static int use_ifma(const rsa_priv *k)
{
#if RSA_IFMA_COMPILED
    return !force_gmp && mpz_size(k->p) == mpz_size(k->q) && k->pbits <= RSA_IFMA_MAX_BITS &&
           k->qbits <= RSA_IFMA_MAX_BITS && rsa_ifma_available();
#else
    (void)k;
    return 0;
#endif
}

const char *rsa_core_impl(const rsa_priv *k) { return use_ifma(k) ? "ifma" : "gmp"; }

/* Step 2b i-ii for both primes: m1 = cb^dP mod p, m2 = cb^dQ mod q. */
static void crt_exponentiations(const rsa_priv *k, priv_ws *w)
{
#if RSA_IFMA_COMPILED
    if (use_ifma(k)) {
        mp_limb_t *cp = w->x, *cq = w->x + w->pn; /* x has pn + qn limbs */
        crt_reduce(w, cp, k->p);
        crt_reduce(w, cq, k->q);
        unsigned bits = k->pbits > k->qbits ? k->pbits : k->qbits;
        rsa_ifma_powm2(w->m1, cp, k->dp_l, mpz_limbs_read(k->p), w->m2, cq, k->dq_l, mpz_limbs_read(k->q), w->pn,
                       bits, w->tp);
        return;
    }
#endif
    crt_half(w, w->m1, k->p, k->pbits, k->dp_l);
    crt_half(w, w->m2, k->q, k->qbits, k->dq_l);
}

mc_err rsa_private_op(const rsa_priv *k, const uint8_t *in, uint8_t *out)
{
    priv_ws w;
    mp_limb_t *buf = ws_alloc(&w, k);
    if (!buf) return mc_fail(MC_E_NOMEM, "out of memory");
    mp_size_t nn = w.nn, pn = w.pn, qn = w.qn;
    const mp_limb_t *n = mpz_limbs_read(k->pub.n), *p = mpz_limbs_read(k->p),
                    *q = mpz_limbs_read(k->q);
    mc_err e = MC_OK;

    /* Step 1: 0 < c < n. The ciphertext is public, so this test may branch. */
    bytes_to_limbs(w.c, nn, in, k->pub.bytes);
    if (mpn_zero_p(w.c, nn) || mpn_cmp(w.c, n, nn) >= 0) {
        e = mc_fail(MC_E_AUTH, "ciphertext representative out of range");
        goto out;
    }

    /* Blind: cb = c · r^e mod n (w.r holds r^e). */
    if ((e = blinding(k, &w))) goto out;
    mpn_sec_mul(w.t, w.c, nn, w.r, nn, w.tp);
    mpn_sec_div_r(w.t, 2 * nn, n, nn, w.tp);
    memcpy(w.cb, w.t, (size_t)nn * sizeof *w.t);

    /* Step 2b: the two half-size exponentiations. */
    crt_exponentiations(k, &w);

    /* h = qInv · (m1 − m2) mod p, with m2 first reduced mod p (q may exceed p). */
    memset(w.x, 0, (size_t)(pn + qn) * sizeof *w.x);
    memcpy(w.x, w.m2, (size_t)qn * sizeof *w.x);
    if (qn >= pn) mpn_sec_div_r(w.x, qn, p, pn, w.tp); /* else m2 < 2^(64·qn) <= p already */
    mp_limb_t borrow = mpn_sub_n(w.h, w.m1, w.x, pn);
    mpn_cnd_add_n(borrow, w.h, w.h, p, pn);
    mpn_sec_mul(w.t, k->qinv_l, pn, w.h, pn, w.tp);
    mpn_sec_div_r(w.t, 2 * pn, p, pn, w.tp);
    memcpy(w.h, w.t, (size_t)pn * sizeof *w.t);

    /* m = m2 + q·h (< n, so no carry out of pn+qn limbs and the top limbs past nn are 0). */
    if (qn >= pn)
        mpn_sec_mul(w.t, q, qn, w.h, pn, w.tp);
    else
        mpn_sec_mul(w.t, w.h, pn, q, qn, w.tp);
    memset(w.x, 0, (size_t)(pn + qn) * sizeof *w.x);
    memcpy(w.x, w.m2, (size_t)qn * sizeof *w.x);
    mpn_add_n(w.t, w.t, w.x, pn + qn);
    memcpy(w.m, w.t, (size_t)nn * sizeof *w.t);

    /* Unblind: m · r^-1 mod n. */
    mpn_sec_mul(w.t, w.m, nn, w.rinv, nn, w.tp);
    mpn_sec_div_r(w.t, 2 * nn, n, nn, w.tp);
    memcpy(w.m, w.t, (size_t)nn * sizeof *w.t);

    /* Fault check: m^e must give back c. m > 0 because c > 0. The exponent is
     * public, but m is not: for OAEP it is the encoded message, which never
     * leaves rsa_oaep_decrypt (and for a forged c it is what Manger's attack
     * wants to learn), and a faulty m is a factorisation of n. So this stays on
     * mpn_sec_powm: mpz_powm would be about 8 us faster of ~700 us at 2048 bits
     * (1%), but its running time depends on m's limb count and bits. */
    pub_powm(&k->pub, w.x, w.m, w.tp);
    int ok = mc_ct_equal(w.x, w.c, (size_t)nn * sizeof *w.x);
    MC_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        e = mc_fail(MC_E_KEY, "RSA private-key operation failed its check (fault or corrupt key)");
        goto out;
    }
    limbs_to_bytes(out, k->pub.bytes, w.m);
out:
    mc_wipe(buf, w.total * sizeof *buf);
    free(buf);
    return e;
}
