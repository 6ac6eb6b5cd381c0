/* RSA on GMP: key generation (FIPS 186-5 §A.1.3, B.3), RSAES-OAEP with SHA-256 and
 * MGF1-SHA-256 (RFC 8017 §7.1), keys of 2048 bits or more. Keys are opaque; they
 * are read and written as PEM by pem.h. Private-key arithmetic uses GMP's
 * side-channel-silent mpn_sec_* functions (see rsa_core.c). */
#ifndef MC_CRYPTO_RSA_H
#define MC_CRYPTO_RSA_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

typedef struct rsa_pub rsa_pub;
typedef struct rsa_priv rsa_priv;

#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 8192
/* 3072 bits: the NIST SP 800-57 Part 1 Table 2 size for 128-bit security, the
 * level of the AES-128/SHA-256 primitives beside it. */
#define RSA_DEFAULT_BITS 3072

/* New key pair with e = 65537; bits is a multiple of 256 in [2048, 8192].
 * MC_E_KEY for an unsupported size, MC_E_RANDOM if getrandom fails. */
mc_err rsa_generate(rsa_priv **out, unsigned bits);
/* The public half of a private key (owned by k, not to be freed). */
const rsa_pub *rsa_priv_public(const rsa_priv *k);
/* A separately owned copy of k's public half (free with rsa_pub_free). */
mc_err rsa_pub_dup(const rsa_pub *k, rsa_pub **out);

/* Modulus size in bytes (the ciphertext length) and in bits. */
size_t rsa_pub_bytes(const rsa_pub *k);
unsigned rsa_pub_bits(const rsa_pub *k);
/* Longest OAEP-SHA-256 message for this key: k - 2·32 - 2 bytes (RFC 8017 §7.1.1). */
size_t rsa_oaep_max_msg(const rsa_pub *k);

/* RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1); out receives rsa_pub_bytes(k) bytes. */
mc_err rsa_oaep_encrypt(const rsa_pub *k, const uint8_t *label, size_t llen, const uint8_t *msg,
                        size_t mlen, uint8_t *out);
/* RSAES-OAEP-DECRYPT (§7.1.2). *mlen: capacity of msg in, message length out.
 * Every failure (wrong length, wrong key, tampered ciphertext, bad padding)
 * gives the same MC_E_AUTH and the same message, and the padding check takes
 * the same time whatever is wrong (Manger's attack, §7.1.2 note). */
mc_err rsa_oaep_decrypt(const rsa_priv *k, const uint8_t *label, size_t llen, const uint8_t *ct,
                        size_t clen, uint8_t *msg, size_t *mlen);

/* Free and wipe; NULL is fine. */
void rsa_priv_free(rsa_priv *k);
void rsa_pub_free(rsa_pub *k);

#endif
