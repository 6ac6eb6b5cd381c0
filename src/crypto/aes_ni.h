/* Inline AES-NI helpers shared by aes_ni.c and gcm_clmul.c, the two files built with
 * -maes -msse4.1 -mpclmul (libaesni.la in sym.mk). Include nowhere else: the compiler
 * refuses these intrinsics in files built without those flags. */
#ifndef MC_CRYPTO_AES_NI_H
#define MC_CRYPTO_AES_NI_H

#include <immintrin.h>

#include "crypto/aes.h"

/* Unroll the loop over the blocks in flight so they live in registers, not in an array
 * in memory (GCC and Clang both honour this pragma). */
#define MC_UNROLL8 _Pragma("GCC unroll 8")

/* Round keys of the cipher (dec = 0) or of the equivalent inverse cipher (dec = 1).
 * All 15 slots are loaded (unused ones are zero) so that the compiler sees k[]
 * initialised whatever Nr is. */
static inline void aes_ni_load_keys(__m128i k[15], const aes_ctx *c, int dec)
{
    for (int r = 0; r < 15; r++) k[r] = _mm_loadu_si128((const __m128i *)c->k.ni[dec][r]);
}

/* Encrypts n blocks side by side. AESENC has a latency of several cycles but a
 * throughput of one or two per cycle, so interleaving independent blocks keeps the
 * unit busy; n is a compile-time constant at every call, letting the loops unroll. */
static inline void aes_ni_encrypt_n(__m128i *x, int n, const __m128i k[15], int nr)
{
    MC_UNROLL8
    for (int i = 0; i < n; i++) x[i] = _mm_xor_si128(x[i], k[0]);
    for (int r = 1; r < nr; r++) {
        MC_UNROLL8
        for (int i = 0; i < n; i++) x[i] = _mm_aesenc_si128(x[i], k[r]);
    }
    MC_UNROLL8
    for (int i = 0; i < n; i++) x[i] = _mm_aesenclast_si128(x[i], k[nr]);
}

/* Byte-reverses a block: turns the counter's big-endian last word into lane 0 as a
 * little-endian integer (so _mm_add_epi32 is inc32), and GHASH blocks into the
 * bit-reflected integers that PCLMULQDQ multiplies (gcm_clmul.c). */
static inline __m128i bswap128(__m128i x)
{
    return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

#endif
