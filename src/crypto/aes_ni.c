/* AES with the AES-NI instructions (Intel, "Advanced Encryption Standard (AES) New
 * Instructions Set", 2010): each AESENC is one full round of FIPS-197 §5.1 (SubBytes,
 * ShiftRows, MixColumns, AddRoundKey) done in hardware in constant time. The key
 * expansion is the portable one of aes.c with AESKEYGENASSIST as SubWord. Built with
 * -maes -msse4.1 -mpclmul; called only after cpu_get() saw AES-NI. */
#include <string.h>

#include "crypto/aes_impl.h"
#include "crypto/aes_ni.h"
#include "util/secure.h"

/* AESKEYGENASSIST puts SubWord(lane 1) in lane 0. SubWord works byte by byte, so the
 * word's byte order does not matter. */
uint32_t aes_ni_sub_word(uint32_t w)
{
    __m128i x = _mm_set_epi32(0, 0, (int)w, 0);
    return (uint32_t)_mm_cvtsi128_si32(_mm_aeskeygenassist_si128(x, 0));
}

/* Round keys as the bytes AESENC expects, and for decryption the keys of the equivalent
 * inverse cipher (§5.3.5): reversed order, InvMixColumns (AESIMC) on the middle ones. */
void aes_ni_prepare(aes_ctx *c)
{
    /* rk[] words hold their first byte in the top bits: reverse the bytes of each. */
    const __m128i word_bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    for (int r = 0; r <= c->nr; r++) {
        __m128i w = _mm_loadu_si128((const __m128i *)&c->rk[4 * r]);
        _mm_storeu_si128((__m128i *)c->k.ni[0][r], _mm_shuffle_epi8(w, word_bswap));
    }
    for (int r = 0; r <= c->nr; r++) {
        __m128i k = _mm_loadu_si128((const __m128i *)c->k.ni[0][c->nr - r]);
        if (r > 0 && r < c->nr) k = _mm_aesimc_si128(k);
        _mm_storeu_si128((__m128i *)c->k.ni[1][r], k);
    }
}

void aes_ni_encrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16])
{
    __m128i x = _mm_loadu_si128((const __m128i *)in);
    aes_ni_encrypt_n(&x, 1, c);
    _mm_storeu_si128((__m128i *)out, x);
}

/* §5.3.5 Figure 15: the equivalent inverse cipher, one AESDEC per round. */
void aes_ni_decrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16])
{
    __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), aes_ni_key(c, 1, 0));
    for (int r = 1; r < c->nr; r++) x = _mm_aesdec_si128(x, aes_ni_key(c, 1, r));
    x = _mm_aesdeclast_si128(x, aes_ni_key(c, 1, c->nr));
    _mm_storeu_si128((__m128i *)out, x);
}

/* CTR with eight blocks in flight. The counter is kept byte-reversed so that lane 0 is
 * the 32-bit counter as a native integer; _mm_add_epi32 then wraps it mod 2^32 without
 * touching the other 96 bits, exactly inc32 (SP 800-38D §6.2). */
void aes_ni_ctr_xor(const aes_ctx *c, uint8_t ctr[16], uint8_t *out, const uint8_t *in, size_t len)
{
    __m128i x[8];
    const __m128i one = _mm_set_epi32(0, 0, 0, 1);
    __m128i n = bswap128(_mm_loadu_si128((const __m128i *)ctr));
    for (; len >= 128; len -= 128, in += 128, out += 128) aes_ni_ctr8(c, &n, x, out, in);
    for (; len > 0;) {
        x[0] = bswap128(n);
        n = _mm_add_epi32(n, one);
        aes_ni_encrypt_n(x, 1, c);
        uint8_t ks[16];
        _mm_storeu_si128((__m128i *)ks, x[0]);
        size_t take = len < 16 ? len : 16;
        for (size_t i = 0; i < take; i++) out[i] = in[i] ^ ks[i];
        mc_wipe(ks, sizeof ks);
        in += take;
        out += take;
        len -= take;
    }
    _mm_storeu_si128((__m128i *)ctr, bswap128(n));
}
