/* Passphrase-protected private keys: PKCS#8 EncryptedPrivateKeyInfo (RFC 5958
 * §3) with PBES2 (RFC 8018 §6.2), key derivation PBKDF2-HMAC-SHA-256 (§5.2) and
 * encryption AES-CBC (SP 800-38A §6.2) with PKCS#5 padding (RFC 8018 §6.1.1).
 * What `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256` writes and
 * `openssl pkey -passin` reads. We write AES-256-CBC and read AES-128/192/256. */
#ifndef MC_CRYPTO_PBES2_H
#define MC_CRYPTO_PBES2_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* PBKDF2 iterations we write (OWASP's 2023 figure for PBKDF2-HMAC-SHA-256) and
 * the most we accept when reading: a file may not make us spin for minutes. */
#define PBES2_ITERATIONS 600000u
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define PBES2_MAX_ITERATIONS 4096u /* keeps each fuzzing run short */
#else
#define PBES2_MAX_ITERATIONS 10000000u
#endif

/* Encrypt the DER PrivateKeyInfo pki under pass (fresh random salt and IV);
 * *der is fresh EncryptedPrivateKeyInfo DER (not secret, but wiped anyway). */
mc_err pbes2_encrypt(const uint8_t *pki, size_t n, const uint8_t *pass, size_t plen, uint32_t iterations,
                     uint8_t **der, size_t *dlen);

/* Decrypt EncryptedPrivateKeyInfo DER into *pki (fresh, the caller wipes and
 * frees it). MC_E_AUTH: wrong passphrase (or a modified file: CBC has no
 * integrity, so the two cannot be told apart); MC_E_UNSUPPORTED: another
 * scheme (PBES1, PKCS#12 PBE, scrypt, HMAC-SHA-1, ...), named in the detail. */
mc_err pbes2_decrypt(const uint8_t *der, size_t n, const uint8_t *pass, size_t plen, uint8_t **pki,
                     size_t *pkilen);

#endif
