/* Private to the SHA-256 files: the two compression functions and the
 * round constants they share. Not installed. */
#ifndef MC_CRYPTO_SHA256_IMPL_H
#define MC_CRYPTO_SHA256_IMPL_H
#include <stddef.h>
#include <stdint.h>

/* K(0..63), FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of
 * the cube roots of the first 64 primes. */
extern const uint32_t sha256_K[64];

/* Process nblocks consecutive 64-byte blocks into h (§6.2.2 steps 1-4). */
void sha256_compress_portable(uint32_t h[8], const uint8_t *blocks, size_t nblocks);
void sha256_compress_ni(uint32_t h[8], const uint8_t *blocks, size_t nblocks);
/* 1 when the CPU has the SHA extensions and SSE4.1 (CPUID leaf 7 EBX bit 29, leaf 1 ECX bit 19). */
int sha256_ni_available(void);

#endif
