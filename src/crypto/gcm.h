/* AES-GCM authenticated encryption (NIST SP 800-38D) with a 128-bit tag. One call
 * encrypts or decrypts a whole message; decryption checks the tag before it releases
 * any plaintext. IVs of any non-zero length are accepted (12 bytes is the recommended
 * and fastest case, §8.2.1). */
#ifndef MC_CRYPTO_GCM_H
#define MC_CRYPTO_GCM_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/aes.h"
#include "util/err.h"

/* SP 800-38D §5.2.1.1: at most 2^39 - 256 bits of plaintext. */
#define GCM_MAX_LEN ((((uint64_t)1) << 36) - 32)

/* Authenticated encryption, §7.1: ct (len bytes; may equal pt) and the tag.
 * MC_E_KEY for a key that is not 16, 24 or 32 bytes, MC_E_ARG for an empty IV,
 * MC_E_TOO_LARGE past GCM_MAX_LEN. */
mc_err gcm_encrypt(const uint8_t *key, size_t keylen, const uint8_t *iv, size_t ivlen,
                   const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t len,
                   uint8_t *ct, uint8_t tag[16]);

/* Authenticated decryption, §7.2. The tag is computed over the ciphertext and compared
 * in constant time before anything is decrypted; on a mismatch pt is zeroed and
 * MC_E_AUTH returned. pt may equal ct. */
mc_err gcm_decrypt(const uint8_t *key, size_t keylen, const uint8_t *iv, size_t ivlen,
                   const uint8_t *aad, size_t aadlen, const uint8_t *ct, size_t len,
                   const uint8_t tag[16], uint8_t *pt);

/* The same with an explicit implementation: AES_IMPL_AESNI uses AES-NI and, when the
 * processor has it, PCLMULQDQ for GHASH; AES_IMPL_BITSLICED uses the portable AES and
 * the portable GHASH. For tests and benchmarks that compare the two. */
mc_err gcm_encrypt_impl(aes_impl impl, const uint8_t *key, size_t keylen, const uint8_t *iv,
                        size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *pt,
                        size_t len, uint8_t *ct, uint8_t tag[16]);
mc_err gcm_decrypt_impl(aes_impl impl, const uint8_t *key, size_t keylen, const uint8_t *iv,
                        size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *ct,
                        size_t len, const uint8_t tag[16], uint8_t *pt);

#endif
