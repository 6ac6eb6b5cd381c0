/* SHA-256 compression with the Intel SHA extensions (SHA256RNDS2, SHA256MSG1/2).
 * Same function as sha256_compress_portable (FIPS 180-4 §6.2.2), four rounds per
 * step; the tests check both give the same digests. The instructions are enabled
 * per function with target attributes, so the rest of the library stays
 * baseline x86-64 and this path is only entered when CPUID says it exists. */
#include "crypto/sha256_impl.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(MC_NO_X86_ASM)
#include <cpuid.h>
#include <stdatomic.h>
#include <immintrin.h>

/* Private CPUID probe (the AES files keep their own in cpu.c). */
int sha256_ni_available(void)
{
    /* -1 until probed; threads racing here all store the same answer. */
    static atomic_int cached = -1;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d, ok = 0;
        if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9))) {
            if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) ok = (b >> 29) & 1;
        }
        v = (int)ok;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return v;
}

#define NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds: the instruction does two, taking W+K for both in the low half. */
NI_TARGET static inline void rounds4(__m128i *abef, __m128i *cdgh, __m128i wk)
{
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

NI_TARGET void sha256_compress_ni(uint32_t h[8], const uint8_t *blocks, size_t nblocks)
{
    /* The instructions keep the state as ABEF and CDGH (A in the high word). */
    __m128i dcba = _mm_loadu_si128((const __m128i *)h);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(h + 4));
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    /* Message words are big-endian (§3.1). */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

    for (; nblocks; nblocks--, blocks += 64) {
        __m128i save_abef = abef, save_cdgh = cdgh;
        __m128i w[4];
        for (int g = 0; g < 4; g++)
            w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * g)), bswap);
        for (int g = 0; g < 16; g++) {
            if (g >= 4) {
                /* W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] for four t at once:
                 * MSG1 adds σ0, the alignr supplies W[t-7], MSG2 adds σ1. */
                __m128i prev1 = w[(g + 3) & 3], prev2 = w[(g + 2) & 3];
                __m128i x = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(prev1, prev2, 4));
                w[g & 3] = _mm_sha256msg2_epu32(x, prev1);
            }
            __m128i k = _mm_loadu_si128((const __m128i *)(sha256_K + 4 * g));
            rounds4(&abef, &cdgh, _mm_add_epi32(w[g & 3], k));
        }
        abef = _mm_add_epi32(abef, save_abef);
        cdgh = _mm_add_epi32(cdgh, save_cdgh);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)h, dcba);
    _mm_storeu_si128((__m128i *)(h + 4), hgfe);
}

#else /* not x86-64 with GCC/Clang, or --disable-x86-asm: only the portable path */

int sha256_ni_available(void) { return 0; }

void sha256_compress_ni(uint32_t h[8], const uint8_t *blocks, size_t nblocks)
{
    sha256_compress_portable(h, blocks, nblocks);
}
#endif
