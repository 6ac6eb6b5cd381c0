/* HMAC-SHA-256 (RFC 2104, FIPS 198-1), checked against RFC 4231's test cases. */
#ifndef MC_CRYPTO_HMAC_H
#define MC_CRYPTO_HMAC_H
#include <stddef.h>
#include <stdint.h>

void hmac_sha256(const uint8_t *key, size_t klen, const void *msg, size_t n, uint8_t out[32]);

#endif
