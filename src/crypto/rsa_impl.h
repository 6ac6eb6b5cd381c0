/* Private to src/crypto: the layout of RSA keys, shared by the key code, the
 * arithmetic, OAEP and the PEM/DER codec. Not installed. */
#ifndef MC_CRYPTO_RSA_IMPL_H
#define MC_CRYPTO_RSA_IMPL_H
#include <gmp.h>
#include <pthread.h>
#include "crypto/ct.h"
#include "crypto/rsa.h"

struct rsa_pub {
    mpz_t n, e;
    unsigned bits;   /* bit length of n */
    size_t bytes;    /* k = ceil(bits / 8), RFC 8017 §2 */
};

/* RSAPrivateKey of RFC 8017 §A.1.2 (two-prime form). */
#define RSA_BLIND_REUSE 32

struct rsa_priv {
    struct rsa_pub pub;
    mpz_t d, p, q, dp, dq, qinv;
    /* dP, dQ and qInv zero-padded to the limb counts of p, q and p, as the
     * fixed-width mpn_sec_* calls want them (one allocation, wiped on free). */
    mp_limb_t *limbs;
    size_t nlimbs;
    /* Bit lengths of p and q, public sizes kept apart from the secret limbs so
     * that no size computation at use time reads a secret value. */
    unsigned pbits, qbits;
    /* Blinding pair (r^e, r^-1 mod n), nn limbs each inside `limbs`. Drawing r
     * costs a constant-time inversion (mpn_sec_invert, as long as one CRT half),
     * so like OpenSSL's BN_BLINDING the pair is squared after each use and
     * redrawn every RSA_BLIND_REUSE uses. It is mutable state behind a const key,
     * guarded by the mutex. */
    pthread_mutex_t blind_lock;
    mp_limb_t *blind_re, *blind_rinv;
    unsigned blind_uses;
    mp_limb_t *dp_l, *dq_l, *qinv_l;
};

/* Field order of RSAPrivateKey after the version: n e d p q dP dQ qInv. */
enum { RSA_F_N, RSA_F_E, RSA_F_D, RSA_F_P, RSA_F_Q, RSA_F_DP, RSA_F_DQ, RSA_F_QINV, RSA_NFIELDS };
/* The mpz of field f (pointer into k). */
mpz_ptr rsa_priv_field(rsa_priv *k, int f);
mpz_srcptr rsa_priv_field_c(const rsa_priv *k, int f);

/* Empty key objects with every mpz initialised to 0. */
rsa_priv *rsa_priv_alloc(void);
rsa_pub *rsa_pub_alloc(void);
/* After the fields are set: validate (rsa_key.c) and build the padded limbs.
 * MC_E_KEY with a one-line reason when the key is inconsistent or too small. */
mc_err rsa_priv_finish(rsa_priv *k);
mc_err rsa_pub_finish(rsa_pub *k);

/* Overwrite every allocated limb of x (not only the used ones), then clear it. */
void rsa_mpz_wipe_clear(mpz_t x);

/* Raw RSA (RFC 8017 §5.1.1 RSAEP, §5.1.2 RSADP) on k-byte big-endian strings.
 * rsa_public_op refuses inputs >= n (MC_E_ARG); rsa_private_op gives MC_E_AUTH for
 * an input >= n and MC_E_KEY when the fault check m^e == c fails. */
mc_err rsa_public_op(const rsa_pub *k, const uint8_t *in, uint8_t *out);
mc_err rsa_private_op(const rsa_priv *k, const uint8_t *in, uint8_t *out);

/* The CRT exponentiation rsa_private_op uses for k: "ifma" (AVX-512 IFMA, rsa_ifma.c)
 * or "gmp" (mpn_sec_powm). rsa_core_force_gmp(1) pins GMP (tests compare the two);
 * MEDCHAOS_NO_ASM=1 in the environment does the same. */
const char *rsa_core_impl(const rsa_priv *k);
void rsa_core_force_gmp(int on);

#endif
