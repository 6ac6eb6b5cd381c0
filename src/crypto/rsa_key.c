/* RSA key objects: allocation, wiping, accessors and the consistency checks run
 * on every key we build or load (RFC 8017 §3.1-3.2, SP 800-56B §6.4.1 style):
 * n = p·q, e·d ≡ 1 (mod λ(n)), dP, dQ, qInv as defined, n of 2048 bits or more. */
#include "crypto/rsa_impl.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

void rsa_mpz_wipe_clear(mpz_t x)
{
    /* mpz_limbs_write hands back the whole allocation (the _mp_alloc limbs the
     * mpz owns); wiping it all also removes values from before a shrink. */
    size_t alloc = (size_t)x->_mp_alloc;
    mp_limb_t *l = mpz_limbs_write(x, (mp_size_t)alloc);
    mc_wipe(l, alloc * sizeof *l);
    mpz_limbs_finish(x, 0);
    mpz_clear(x);
}

mpz_ptr rsa_priv_field(rsa_priv *k, int f)
{
    switch (f) {
    case RSA_F_N: return k->pub.n;
    case RSA_F_E: return k->pub.e;
    case RSA_F_D: return k->d;
    case RSA_F_P: return k->p;
    case RSA_F_Q: return k->q;
    case RSA_F_DP: return k->dp;
    case RSA_F_DQ: return k->dq;
    default: return k->qinv;
    }
}

mpz_srcptr rsa_priv_field_c(const rsa_priv *k, int f) { return rsa_priv_field((rsa_priv *)k, f); }

rsa_pub *rsa_pub_alloc(void)
{
    rsa_pub *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    mpz_inits(k->n, k->e, NULL);
    return k;
}

rsa_priv *rsa_priv_alloc(void)
{
    rsa_priv *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    for (int f = 0; f < RSA_NFIELDS; f++) mpz_init(rsa_priv_field(k, f));
    pthread_mutex_init(&k->blind_lock, NULL);
    return k;
}

void rsa_pub_free(rsa_pub *k)
{
    if (!k) return;
    mpz_clears(k->n, k->e, NULL);
    free(k);
}

void rsa_priv_free(rsa_priv *k)
{
    if (!k) return;
    for (int f = 0; f < RSA_NFIELDS; f++) rsa_mpz_wipe_clear(rsa_priv_field(k, f));
    if (k->limbs) mc_wipe(k->limbs, k->nlimbs * sizeof *k->limbs);
    free(k->limbs);
    pthread_mutex_destroy(&k->blind_lock);
    mc_wipe(k, sizeof *k);
    free(k);
}

const rsa_pub *rsa_priv_public(const rsa_priv *k) { return &k->pub; }
size_t rsa_pub_bytes(const rsa_pub *k) { return k->bytes; }
unsigned rsa_pub_bits(const rsa_pub *k) { return k->bits; }
size_t rsa_oaep_max_msg(const rsa_pub *k) { return k->bytes - 2 * 32 - 2; }

mc_err rsa_pub_dup(const rsa_pub *k, rsa_pub **out)
{
    rsa_pub *c = rsa_pub_alloc();
    if (!c) return mc_fail(MC_E_NOMEM, "out of memory");
    mpz_set(c->n, k->n);
    mpz_set(c->e, k->e);
    c->bits = k->bits;
    c->bytes = k->bytes;
    *out = c;
    return MC_OK;
}

mc_err rsa_pub_finish(rsa_pub *k)
{
    size_t bits = mpz_sgn(k->n) > 0 ? mpz_sizeinbase(k->n, 2) : 0;
    if (bits < RSA_MIN_BITS)
        return mc_fail(MC_E_KEY, "RSA key of %zu bits; %d or more required", bits, RSA_MIN_BITS);
    if (bits > 16384) return mc_fail(MC_E_KEY, "RSA key of %zu bits; at most 16384 supported", bits);
    if (mpz_even_p(k->n)) return mc_fail(MC_E_KEY, "RSA modulus is even");
    /* e odd, 3 <= e < n (RFC 8017 §3.1). */
    if (mpz_cmp_ui(k->e, 3) < 0 || mpz_even_p(k->e) || mpz_cmp(k->e, k->n) >= 0)
        return mc_fail(MC_E_KEY, "RSA public exponent must be odd and in [3, n)");
    k->bits = (unsigned)bits;
    k->bytes = (bits + 7) / 8;
    return MC_OK;
}

/* The checks of a private key, each with its own message. Runs at load time
 * on the key owner's own file, so plain (variable-time) mpz calls are used. */
static mc_err priv_check(const rsa_priv *k)
{
    mc_err e = MC_OK;
    mpz_t t, pm1, qm1, lambda;
    mpz_inits(t, pm1, qm1, lambda, NULL);
    if (mpz_cmp_ui(k->p, 3) < 0 || mpz_cmp_ui(k->q, 3) < 0 || mpz_even_p(k->p) || mpz_even_p(k->q)) {
        e = mc_fail(MC_E_KEY, "RSA primes p and q must be odd and greater than 2");
        goto out;
    }
    mpz_mul(t, k->p, k->q);
    if (mpz_cmp(t, k->pub.n) != 0) {
        e = mc_fail(MC_E_KEY, "RSA key is inconsistent: n != p*q");
        goto out;
    }
    /* GMP runs a Baillie-PSW test for reps <= 24, which has no known pseudoprime. */
    if (!mpz_probab_prime_p(k->p, 15) || !mpz_probab_prime_p(k->q, 15)) {
        e = mc_fail(MC_E_KEY, "RSA key is inconsistent: p or q is not prime");
        goto out;
    }
    mpz_sub_ui(pm1, k->p, 1);
    mpz_sub_ui(qm1, k->q, 1);
    mpz_lcm(lambda, pm1, qm1);
    /* d may be reduced mod λ(n) (FIPS 186) or mod φ(n) (older OpenSSL): e·d ≡ 1 mod λ holds for both. */
    mpz_mul(t, k->pub.e, k->d);
    mpz_mod(t, t, lambda);
    if (mpz_sgn(k->d) <= 0 || mpz_cmp(k->d, k->pub.n) >= 0 || mpz_cmp_ui(t, 1) != 0) {
        e = mc_fail(MC_E_KEY, "RSA key is inconsistent: e*d != 1 mod lcm(p-1, q-1)");
        goto out;
    }
    mpz_mod(t, k->d, pm1);
    int bad = mpz_cmp(t, k->dp) != 0;
    mpz_mod(t, k->d, qm1);
    bad |= mpz_cmp(t, k->dq) != 0;
    if (bad) {
        e = mc_fail(MC_E_KEY, "RSA key is inconsistent: CRT exponents dP, dQ do not match d");
        goto out;
    }
    mpz_mul(t, k->qinv, k->q);
    mpz_mod(t, t, k->p);
    if (mpz_sgn(k->qinv) <= 0 || mpz_cmp(k->qinv, k->p) >= 0 || mpz_cmp_ui(t, 1) != 0) {
        e = mc_fail(MC_E_KEY, "RSA key is inconsistent: qInv is not q^-1 mod p");
        goto out;
    }
out:
    rsa_mpz_wipe_clear(t);
    rsa_mpz_wipe_clear(lambda);
    rsa_mpz_wipe_clear(pm1);
    rsa_mpz_wipe_clear(qm1);
    return e;
}

static void copy_padded(mp_limb_t *dst, mp_size_t n, mpz_srcptr x)
{
    mp_size_t xn = (mp_size_t)mpz_size(x);
    memset(dst, 0, (size_t)n * sizeof *dst);
    memcpy(dst, mpz_limbs_read(x), (size_t)xn * sizeof *dst);
}

mc_err rsa_priv_finish(rsa_priv *k)
{
    mc_err e = rsa_pub_finish(&k->pub);
    if (e) return e;
    if ((e = priv_check(k))) return e;
    mp_size_t pn = (mp_size_t)mpz_size(k->p), qn = (mp_size_t)mpz_size(k->q);
    if (k->limbs) mc_wipe(k->limbs, k->nlimbs * sizeof *k->limbs);
    free(k->limbs);
    mp_size_t nn = (mp_size_t)mpz_size(k->pub.n);
    k->nlimbs = (size_t)(2 * pn + qn + 2 * nn);
    k->limbs = calloc(k->nlimbs, sizeof(mp_limb_t));
    if (!k->limbs) return mc_fail(MC_E_NOMEM, "out of memory");
    k->dp_l = k->limbs;
    k->qinv_l = k->limbs + pn;
    k->dq_l = k->limbs + 2 * pn;
    k->blind_re = k->limbs + 2 * pn + qn;
    k->blind_rinv = k->blind_re + nn;
    k->blind_uses = 0;
    k->pbits = (unsigned)mpz_sizeinbase(k->p, 2);
    k->qbits = (unsigned)mpz_sizeinbase(k->q, 2);
    copy_padded(k->dp_l, pn, k->dp);
    copy_padded(k->qinv_l, pn, k->qinv);
    copy_padded(k->dq_l, qn, k->dq);
    return MC_OK;
}
