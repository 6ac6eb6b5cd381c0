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

/* Round key r of the cipher (dec = 0) or of the equivalent inverse cipher (dec = 1),
 * read straight from the context each time: no copy of the key schedule is left in a
 * local array on the stack, and L1 loads cost nothing next to an AESENC. */
static inline __m128i aes_ni_key(const aes_ctx *c, int dec, int r)
{
    return _mm_loadu_si128((const __m128i *)c->k.ni[dec][r]);
}

/* Encrypts n blocks side by side. AESENC has a latency of several cycles but a
 * throughput of one or two per cycle, so interleaving independent blocks keeps the
 * unit busy; n is a compile-time constant at every call, letting the loops unroll. */
static inline void aes_ni_encrypt_n(__m128i *x, int n, const aes_ctx *c)
{
    __m128i k = aes_ni_key(c, 0, 0);
    MC_UNROLL8
    for (int i = 0; i < n; i++) x[i] = _mm_xor_si128(x[i], k);
    for (int r = 1; r < c->nr; r++) {
        k = aes_ni_key(c, 0, r);
        MC_UNROLL8
        for (int i = 0; i < n; i++) x[i] = _mm_aesenc_si128(x[i], k);
    }
    k = aes_ni_key(c, 0, c->nr);
    MC_UNROLL8
    for (int i = 0; i < n; i++) x[i] = _mm_aesenclast_si128(x[i], k);
}

/* Byte-reverses a block: turns the counter's big-endian last word into lane 0 as a
 * little-endian integer (so _mm_add_epi32 is inc32), and GHASH blocks into the
 * bit-reflected integers that PCLMULQDQ multiplies (gcm_clmul.c). */
static inline __m128i bswap128(__m128i x)
{
    return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* CTR on eight blocks: counter blocks n, n+1, ..., n+7 (n byte-reversed, see
 * bswap128; advanced by 8), encrypted and XORed into in[0..127] -> out[0..127].
 * x[] is left holding the eight output blocks, for GCM to hash. */
static inline void aes_ni_ctr8(const aes_ctx *c, __m128i *n, __m128i x[8], uint8_t *out, const uint8_t *in)
{
    const __m128i one = _mm_set_epi32(0, 0, 0, 1);
    MC_UNROLL8
    for (int i = 0; i < 8; i++) {
        x[i] = bswap128(*n);
        *n = _mm_add_epi32(*n, one);
    }
    aes_ni_encrypt_n(x, 8, c);
    MC_UNROLL8
    for (int i = 0; i < 8; i++) {
        x[i] = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16 * i)), x[i]);
        _mm_storeu_si128((__m128i *)(out + 16 * i), x[i]);
    }
}

#endif
