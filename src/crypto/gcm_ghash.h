/* Internal interface of GHASH (SP 800-38D §6.4), the universal hash behind the GCM tag,
 * with its two implementations: portable constant-time C (gcm_ghash.c) and PCLMULQDQ
 * (gcm_clmul.c, built with -mpclmul). Not installed. */
#ifndef MC_CRYPTO_GCM_GHASH_H
#define MC_CRYPTO_GCM_GHASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/aes.h"

typedef struct {
    uint8_t y[16];       /* running value Y_i of §6.4, as bytes */
    uint8_t h[16];       /* hash subkey H = E(K, 0^128) */
    uint8_t hpow[8][16]; /* PCLMULQDQ only: H^1 .. H^8 as reflected integers (gcm_clmul.c) */
    uint8_t hkar[8][16]; /* PCLMULQDQ only: the two halves of H^i XORed, for Karatsuba */
    int clmul;           /* use PCLMULQDQ */
} gcm_ghash;

/* Y = 0 and H set; clmul selects the PCLMULQDQ code (the caller checked the CPU). */
void ghash_init(gcm_ghash *g, const uint8_t h[16], int clmul);

/* Absorbs len bytes as ceil(len/16) blocks, the last one zero-padded: GCM pads A and C
 * separately (§7.1 step 5), so call once for A and once for C. */
void ghash_update(gcm_ghash *g, const uint8_t *data, size_t len);

/* Absorbs the last block [len(A)]_64 || [len(C)]_64 (lengths in bits) and writes Y. */
void ghash_final(gcm_ghash *g, uint64_t aadlen, uint64_t len, uint8_t out[16]);

/* Portable pieces (gcm_ghash.c). */
void ghash_ct_mul(uint8_t x[16], const uint8_t h[16]); /* x = x . h in GF(2^128), §6.3 */

/* PCLMULQDQ pieces (gcm_clmul.c). */
void ghash_clmul_init(gcm_ghash *g);
void ghash_clmul_blocks(gcm_ghash *g, const uint8_t *data, size_t nblocks);
/* Fused AES-NI CTR encryption and GHASH of the ciphertext, 8 blocks per step: handles the
 * largest multiple of 128 bytes of len and returns how many bytes it did. */
size_t gcm_clmul_encrypt(const aes_ctx *c, gcm_ghash *g, uint8_t ctr[16], uint8_t *out,
                         const uint8_t *in, size_t len);

#endif
