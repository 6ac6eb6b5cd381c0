/* GHASH (SP 800-38D §6.4) and a portable constant-time multiplication in GF(2^128)
 * (§6.3). No table indexed by data and no branch on it: carry-less products are built
 * from ordinary integer multiplications of operands whose bits are spread four apart
 * ("multiplication with holes"), so that no carry can reach a bit that is kept. This
 * assumes the processor's 64-bit MUL takes the same time for every operand, which holds
 * on x86-64 and current ARM cores but not on some small microcontrollers. The
 * PCLMULQDQ code in gcm_clmul.c is the fast path; both reduce the same way. */
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/gcm_ghash.h"
#include "util/secure.h"

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

/* Carry-less product of two 32-bit numbers. Split each into four classes of bits,
 * those at positions = a (mod 4). An integer product of class a of x and class b of y
 * has its terms at positions = a+b (mod 4), at most 8 at any one position, and a count
 * below 16 cannot carry into the next position of the same class, 4 bits up: so the
 * bit of that class is the XOR of the terms, i.e. the carry-less product. */
static uint64_t clmul32(uint32_t x, uint32_t y)
{
    const uint32_t m0 = 0x11111111, m1 = 0x22222222, m2 = 0x44444444, m3 = 0x88888888;
    uint64_t x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3;
    uint64_t y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3;
    uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
    uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
    uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
    uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
    return (z0 & 0x1111111111111111ull) | (z1 & 0x2222222222222222ull) |
           (z2 & 0x4444444444444444ull) | (z3 & 0x8888888888888888ull);
}

/* 64 x 64 -> 128-bit carry-less product with Karatsuba's three half-size products:
 * (x1 t + x0)(y1 t + y0) = x1y1 t^2 + ((x0+x1)(y0+y1) + x0y0 + x1y1) t + x0y0. */
static void clmul64(uint64_t x, uint64_t y, uint64_t *hi, uint64_t *lo)
{
    uint32_t x0 = (uint32_t)x, x1 = (uint32_t)(x >> 32), y0 = (uint32_t)y, y1 = (uint32_t)(y >> 32);
    uint64_t a = clmul32(x0, y0), b = clmul32(x1, y1);
    uint64_t m = clmul32(x0 ^ x1, y0 ^ y1) ^ a ^ b;
    *lo = a ^ (m << 32);
    *hi = b ^ (m >> 32);
}

/* x = x . h (§6.3). Read as big-endian integers, GCM blocks are "reflected": the
 * coefficient of x^i is integer bit 127 - i (bit 0 of a block, the top bit of its first
 * byte, is x^0). The carry-less product of two reflected numbers is the reflected
 * product shifted right by one, hence the shift left below; then the reduction modulo
 * x^128 + x^7 + x^2 + x + 1 explained in gcm_clmul.c (clmul_reduce), on 64-bit words. */
void ghash_ct_mul(uint8_t x[16], const uint8_t h[16])
{
    uint64_t xh = load_be64(x), xl = load_be64(x + 8), hh = load_be64(h), hl = load_be64(h + 8);
    uint64_t p0, p1, p2, p3, m0, m1;
    clmul64(xl, hl, &p1, &p0);
    clmul64(xh, hh, &p3, &p2);
    clmul64(xh ^ xl, hh ^ hl, &m1, &m0);
    m0 ^= p0 ^ p2;
    m1 ^= p1 ^ p3;
    p1 ^= m0;
    p2 ^= m1;
    /* [p3:p2:p1:p0] <<= 1 */
    p3 = p3 << 1 | p2 >> 63;
    p2 = p2 << 1 | p1 >> 63;
    p1 = p1 << 1 | p0 >> 63;
    p0 <<= 1;
    /* fold the bits that x^7 + x^2 + x + 1 pushes past x^127 back in, then multiply */
    uint64_t d = p1 ^ (p0 << 63) ^ (p0 << 62) ^ (p0 << 57);
    uint64_t rh = d ^ (d >> 1) ^ (d >> 2) ^ (d >> 7);
    uint64_t rl = p0 ^ (p0 >> 1 | d << 63) ^ (p0 >> 2 | d << 62) ^ (p0 >> 7 | d << 57);
    store_be64(x, p3 ^ rh);
    store_be64(x + 8, p2 ^ rl);
}

void ghash_init(gcm_ghash *g, const uint8_t h[16], int clmul)
{
    memset(g, 0, sizeof *g);
    memcpy(g->h, h, 16);
    g->clmul = clmul;
#if CPU_X86_PATHS
    if (clmul) ghash_clmul_init(g);
#endif
}

/* §6.4: Y_i = (Y_(i-1) xor X_i) . H. */
static void absorb_blocks(gcm_ghash *g, const uint8_t *data, size_t nblocks)
{
#if CPU_X86_PATHS
    if (g->clmul) {
        ghash_clmul_blocks(g, data, nblocks);
        return;
    }
#endif
    for (size_t b = 0; b < nblocks; b++, data += 16) {
        for (int i = 0; i < 16; i++) g->y[i] ^= data[i];
        ghash_ct_mul(g->y, g->h);
    }
}

void ghash_update(gcm_ghash *g, const uint8_t *data, size_t len)
{
    absorb_blocks(g, data, len / 16);
    size_t rest = len % 16;
    if (rest) {
        uint8_t last[16] = {0};
        memcpy(last, data + len - rest, rest);
        absorb_blocks(g, last, 1);
        mc_wipe(last, sizeof last);
    }
}

void ghash_final(gcm_ghash *g, uint64_t aadlen, uint64_t len, uint8_t out[16])
{
    uint8_t lens[16];
    store_be64(lens, aadlen * 8);
    store_be64(lens + 8, len * 8);
    absorb_blocks(g, lens, 1);
    memcpy(out, g->y, 16);
}
