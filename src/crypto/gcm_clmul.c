/* GHASH with the carry-less multiply instruction PCLMULQDQ, and GCM encryption that
 * runs AES-NI CTR and GHASH over the same eight blocks in one loop. Built with
 * -maes -msse4.1 -mpclmul; used only after cpu_get() saw AES-NI and PCLMULQDQ.
 *
 * Representation (S. Gueron and M. Kounavis, "Intel Carry-Less Multiplication
 * Instruction and its Usage for Computing the GCM Mode", Intel white paper). GCM
 * numbers the bits of a block from the left: bit 0, the top bit of byte 0, is the
 * coefficient of x^0. After
 * reversing the 16 bytes, the block read as a 128-bit integer has the coefficient of x^i
 * at bit 127 - i: the polynomial "reflected". The carry-less product of two reflected
 * numbers is the reflected product shifted right by one bit, so we shift the 256-bit
 * product left by one and then reduce modulo g(x) = x^128 + x^7 + x^2 + x + 1. */
#include <string.h>

#include "crypto/aes_ni.h"
#include "crypto/gcm_ghash.h"

/* Accumulates the unreduced 256-bit product a.b as three 128-bit parts with
 * Karatsuba's three multiplications: lo = a0 b0, hi = a1 b1 and
 * mid = (a0 + a1)(b0 + b1), whose excess lo + hi clmul_reduce removes. Products of
 * several pairs can be summed before that one correction and one reduction, since
 * both are linear. bk holds b0 + b1 in its low lane. */
static inline void clmul_acc(__m128i a, __m128i b, __m128i bk, __m128i *lo, __m128i *mid, __m128i *hi)
{
    __m128i ak = _mm_xor_si128(a, _mm_shuffle_epi32(a, 0x4E)); /* a0 + a1 */
    *lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(a, b, 0x00));
    *hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(a, b, 0x11));
    *mid = _mm_xor_si128(*mid, _mm_clmulepi64_si128(ak, bk, 0x00));
}

static inline __m128i fold(__m128i b)
{
    return _mm_xor_si128(b, _mm_shuffle_epi32(b, 0x4E));
}

/* 128-bit right shift of x by n (0 < n < 64) across the two 64-bit lanes. */
static inline __m128i shr128(__m128i x, int n)
{
    return _mm_xor_si128(_mm_srli_epi64(x, n), _mm_slli_epi64(_mm_srli_si128(x, 8), 64 - n));
}

/* Turns an accumulated product into the reduced reflected result. */
static inline __m128i clmul_reduce(__m128i lo, __m128i mid, __m128i hi)
{
    mid = _mm_xor_si128(mid, _mm_xor_si128(lo, hi)); /* Karatsuba: a0 b1 + a1 b0 */
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    /* [hi:lo] <<= 1, carrying bit 63 -> 64 inside each half and bit 127 -> 128. */
    __m128i clo = _mm_srli_epi64(lo, 63), chi = _mm_srli_epi64(hi, 63);
    lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(clo, 8));
    hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(chi, 8)), _mm_srli_si128(clo, 8));
    /* Now hi holds the coefficients of x^0..x^127 and lo those of x^128..x^255, and
     * x^128 = x^7 + x^2 + x + 1, which in reflected form is a right shift by 0, 1, 2, 7.
     * First fold back the bits those shifts push out of lo (terms x^128..x^134), into
     * the top of lo (first step of the white paper's shift-based reduction) ... */
    __m128i x0 = _mm_slli_si128(lo, 8); /* lo's low lane moved to the high lane */
    __m128i d = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(x0, 63), _mm_slli_epi64(x0, 62)),
                              _mm_slli_epi64(x0, 57));
    lo = _mm_xor_si128(lo, d);
    /* ... then multiply by x^7 + x^2 + x + 1 and add to the low-degree half (step 2). */
    __m128i r = _mm_xor_si128(_mm_xor_si128(lo, shr128(lo, 1)), _mm_xor_si128(shr128(lo, 2), shr128(lo, 7)));
    return _mm_xor_si128(hi, r);
}

static inline __m128i gf128_mul(__m128i a, __m128i b)
{
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    clmul_acc(a, b, fold(b), &lo, &mid, &hi);
    return clmul_reduce(lo, mid, hi);
}

static inline __m128i load_block(const uint8_t *p)
{
    return bswap128(_mm_loadu_si128((const __m128i *)p));
}

static inline void store_block(uint8_t *p, __m128i x)
{
    _mm_storeu_si128((__m128i *)p, bswap128(x));
}

/* H^1 .. H^8 for the eight-block aggregated update, with their Karatsuba folds. They
 * stay in the context and are loaded where used, so no copy lingers on the stack. */
void ghash_clmul_init(gcm_ghash *g)
{
    __m128i h = load_block(g->h), p = h;
    for (int i = 0; i < 8; i++) {
        if (i > 0) p = gf128_mul(p, h);
        _mm_storeu_si128((__m128i *)g->hpow[i], p);
        _mm_storeu_si128((__m128i *)g->hkar[i], fold(p));
    }
}

/* Adds x . H^(i+1) to the accumulated product. */
static inline void mul_hpow(__m128i x, const gcm_ghash *g, int i, __m128i *lo, __m128i *mid, __m128i *hi)
{
    clmul_acc(x, _mm_loadu_si128((const __m128i *)g->hpow[i]), _mm_loadu_si128((const __m128i *)g->hkar[i]),
              lo, mid, hi);
}

/* Eight steps of §6.4 at once, expanded:
 *   Y_8 = (Y_0 + X_1) H^8 + X_2 H^7 + ... + X_8 H,
 * with one reduction for the eight products (the white paper's "aggregated
 * reduction"). x[] holds the eight blocks already byte-reversed. */
static inline __m128i ghash8(__m128i y, const __m128i x[8], const gcm_ghash *g)
{
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    mul_hpow(_mm_xor_si128(y, x[0]), g, 7, &lo, &mid, &hi);
    MC_UNROLL8
    for (int i = 1; i < 8; i++) mul_hpow(x[i], g, 7 - i, &lo, &mid, &hi);
    return clmul_reduce(lo, mid, hi);
}

void ghash_clmul_blocks(gcm_ghash *g, const uint8_t *data, size_t nblocks)
{
    __m128i x[8], y = load_block(g->y);
    for (; nblocks >= 8; nblocks -= 8, data += 128) {
        MC_UNROLL8
        for (int i = 0; i < 8; i++) x[i] = load_block(data + 16 * i);
        y = ghash8(y, x, g);
    }
    for (; nblocks > 0; nblocks--, data += 16) {
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        mul_hpow(_mm_xor_si128(y, load_block(data)), g, 0, &lo, &mid, &hi);
        y = clmul_reduce(lo, mid, hi);
    }
    store_block(g->y, y);
}

/* GCTR (§6.5) and GHASH over the fresh ciphertext, 128 bytes per iteration. The AES
 * rounds of one iteration do not depend on the GHASH of the previous one, so the
 * processor overlaps the two instruction streams. */
size_t gcm_clmul_encrypt(const aes_ctx *c, gcm_ghash *g, uint8_t ctr[16], uint8_t *out,
                         const uint8_t *in, size_t len)
{
    __m128i x[8];
    __m128i n = bswap128(_mm_loadu_si128((const __m128i *)ctr));
    __m128i y = load_block(g->y);
    size_t done = 0;
    for (; len - done >= 128; done += 128) {
        aes_ni_ctr8(c, &n, x, out + done, in + done);
        MC_UNROLL8
        for (int i = 0; i < 8; i++) x[i] = bswap128(x[i]);
        y = ghash8(y, x, g);
    }
    _mm_storeu_si128((__m128i *)ctr, bswap128(n));
    store_block(g->y, y);
    return done;
}
