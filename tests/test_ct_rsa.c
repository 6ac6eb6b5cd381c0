/* Constant-time check for RSA-OAEP decryption (`make ct-check-rsa`, not part of
 * make check). Loads a 2048-bit key, then marks the private values (d, dP, dQ,
 * qInv and their padded copies; with the argument "primes" also p and q) and the
 * plaintext as undefined for valgrind memcheck, encrypts and decrypts. memcheck then reports each
 * conditional jump or memory address that depends on a secret; random bytes
 * (OAEP seed, blinding factor) are secret too (random.c under MC_CT_CHECK).
 * Exit status 0 and no memcheck errors mean no secret-dependent control flow
 * or indexing was executed along this path. */
#include "crypto/ct.h"
#include "crypto/pem.h"
#include "crypto/random.h"
#include "crypto/rsa_impl.h"

#include <stdio.h>
#include <string.h>

static void secret_mpz(mpz_srcptr x)
{
    MC_SECRET((void *)mpz_limbs_read(x), mpz_size(x) * sizeof(mp_limb_t));
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "primes"))) {
        fprintf(stderr, "usage: %s KEY.pem [primes]\n", argv[0]);
        return 2;
    }
    rsa_priv *k;
    mc_err e = pem_read_private(argv[1], &k);
    if (e) {
        fprintf(stderr, "%s: %s\n", argv[1], mc_errmsg(e));
        return 1;
    }
    const int secret_fields[] = {RSA_F_D, RSA_F_DP, RSA_F_DQ, RSA_F_QINV};
    for (size_t i = 0; i < sizeof secret_fields / sizeof *secret_fields; i++)
        secret_mpz(rsa_priv_field_c(k, secret_fields[i]));
    /* p and q are also the moduli of the CRT halves: GMP's mpn_sec_powm and
     * mpn_sec_div_r are silent in base and exponent, but their per-modulus set-up
     * (divisor normalisation, invert_limb / binvert_limb table look-ups) reads a few
     * bits of the modulus. That pass is reported separately (see pk.mk). */
    if (argc == 3) {
        secret_mpz(k->p);
        secret_mpz(k->q);
    }
    MC_SECRET(k->limbs, k->nlimbs * sizeof *k->limbs);
    /* Valgrind has no AVX-512 and its CPUID hides it, so rsa_core.c takes the GMP path
     * here; the IFMA path's constant-time argument is written in rsa_ifma.c. */
    printf("ct_rsa: exponentiation path %s\n", rsa_core_impl(k));

    uint8_t msg[32], ct[256], out[256];
    size_t olen = sizeof out;
    memcpy(msg, "a secret 32-byte AES key here..", 32);
    MC_SECRET(msg, sizeof msg);
    if ((e = rsa_oaep_encrypt(rsa_priv_public(k), (const uint8_t *)"lbl", 3, msg, 32, ct))) goto fail;
    MC_DECLASSIFY(ct, sizeof ct); /* the ciphertext is public */
    if ((e = rsa_oaep_decrypt(k, (const uint8_t *)"lbl", 3, ct, sizeof ct, out, &olen))) goto fail;
    MC_DECLASSIFY(out, olen);
    MC_DECLASSIFY(msg, sizeof msg);
    int same = olen == 32 && memcmp(out, msg, 32) == 0;
    /* A tampered ciphertext takes the same path to the same error. */
    ct[100] ^= 1;
    olen = sizeof out;
    mc_err bad = rsa_oaep_decrypt(k, (const uint8_t *)"lbl", 3, ct, sizeof ct, out, &olen);
    rsa_priv_free(k);
    printf("ct_rsa: round trip %s, tampered ciphertext -> %s\n", same ? "ok" : "WRONG",
           bad == MC_E_AUTH ? "MC_E_AUTH" : "unexpected");
    return same && bad == MC_E_AUTH ? 0 : 1;
fail:
    fprintf(stderr, "ct_rsa: %s\n", mc_errmsg(e));
    rsa_priv_free(k);
    return 1;
}
