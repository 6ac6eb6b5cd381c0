/* GHASH (SP 800-38D §6.4) and its portable multiplication in GF(2^128) (§6.3), in
 * constant time: Algorithm 1 of §6.3 with each "if" replaced by an AND with an
 * all-ones or all-zeros mask, so neither the hash key H nor the data steers a branch
 * or an address. About 128 simple steps per block: the PCLMULQDQ code in gcm_clmul.c
 * is the fast path. */
#include <string.h>

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

/* §6.3 Algorithm 1. Bit 0 of a block (the leftmost, x^0) is the top bit of its first
 * byte, so with the block read as big-endian words (hi, lo), "V >> 1" is a right shift
 * of the 128-bit number and LSB_1(V) is the lowest bit of lo. R = 11100001 || 0^120. */
void ghash_ct_mul(uint8_t x[16], const uint8_t h[16])
{
    uint64_t xh = load_be64(x), xl = load_be64(x + 8);
    uint64_t vh = load_be64(h), vl = load_be64(h + 8);
    uint64_t zh = 0, zl = 0;
    for (int i = 0; i < 128; i++) {
        uint64_t bit = i < 64 ? xh >> (63 - i) : xl >> (127 - i); /* x_i; i is public */
        uint64_t take = -(bit & 1);                               /* x_i ? all ones : 0 */
        zh ^= vh & take;
        zl ^= vl & take;
        uint64_t carry = -(vl & 1); /* LSB_1(V) ? all ones : 0 */
        vl = (vl >> 1) | (vh << 63);
        vh = (vh >> 1) ^ (0xE100000000000000ull & carry);
    }
    store_be64(x, zh);
    store_be64(x + 8, zl);
}

void ghash_init(gcm_ghash *g, const uint8_t h[16], int clmul)
{
    memset(g, 0, sizeof *g);
    memcpy(g->h, h, 16);
    g->clmul = clmul;
    if (clmul) ghash_clmul_init(g);
}

/* §6.4: Y_i = (Y_(i-1) xor X_i) . H. */
static void absorb_blocks(gcm_ghash *g, const uint8_t *data, size_t nblocks)
{
    if (g->clmul) {
        ghash_clmul_blocks(g, data, nblocks);
        return;
    }
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
