/* PBKDF2 with HMAC-SHA-256 as the pseudorandom function (RFC 8018 §5.2),
 * checked against RFC 7914 §11's PBKDF2-HMAC-SHA256 vectors. */
#ifndef MC_CRYPTO_PBKDF2_H
#define MC_CRYPTO_PBKDF2_H
#include <stddef.h>
#include <stdint.h>

/* DK = T_1 || T_2 || ... truncated to dklen bytes, c >= 1 iterations. */
void pbkdf2_hmac_sha256(const uint8_t *pass, size_t plen, const uint8_t *salt, size_t slen, uint32_t c,
                        uint8_t *dk, size_t dklen);

#endif
