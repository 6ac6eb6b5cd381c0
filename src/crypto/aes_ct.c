/* Portable constant-time AES (FIPS-197), bitsliced: four blocks are held as eight
 * 64-bit "bit planes" (two such sets side by side: eight blocks per call), and every
 * step of the cipher is a fixed sequence of AND, XOR, shifts and rotations. There is
 * no table look-up and no branch on key or data, so the running time and the memory
 * addresses touched do not depend on secrets.
 *
 * Layout. Plane q[b] holds bit b of 64 bytes: byte (row r, column c) of block k of the
 * FIPS-197 state (§3.4: input byte in[r + 4c] is s[r,c]) sits at bit 16r + 4c + k. So
 * each row of all four states is one 16-bit field, which turns ShiftRows into rotations
 * inside those fields and the "next row" of MixColumns into a 16-bit rotation of the
 * whole word.
 *
 * SubBytes follows its definition in §5.1.1 literally: the multiplicative inverse in
 * GF(2^8), computed as x^254 with bitsliced field multiplications, then the affine
 * transform. This is slower than a hand-optimised Boolean circuit but can be checked
 * line by line against the standard. */
#include <string.h>

#include "crypto/aes_impl.h"
#include "util/secure.h"

/* The loops below have fixed trip counts over plane indices; unrolling them lets the
 * compiler keep the planes in registers instead of indexed arrays (5x faster here). */
#define UNROLL _Pragma("GCC unroll 16")
#define INLINE static inline __attribute__((always_inline))

/* Two 64-bit words side by side (a GCC/Clang vector type: SSE2 on x86-64, NEON on
 * ARM, plain pairs elsewhere), so each operation below works on 8 blocks: blocks 0-3 in
 * lane 0 and blocks 4-7 in lane 1, each lane laid out as described above. */
typedef uint64_t bs_word __attribute__((vector_size(16)));

/* ---- GF(2^8) arithmetic on bit planes (FIPS-197 §4.2) ---------------------------
 * An element is a[0..7], plane a[i] holding the coefficient of x^i of 64 bytes at once. */

/* Reduce a product of degree <= 14 modulo m(x) = x^8 + x^4 + x^3 + x + 1 (§4.2, eq. 4.1):
 * x^k = x^(k-8) (x^4 + x^3 + x + 1), folded from the top down. */
INLINE void gf_reduce(bs_word out[8], bs_word p[15])
{
    UNROLL
    for (int k = 14; k >= 8; k--) {
        p[k - 4] ^= p[k];
        p[k - 5] ^= p[k];
        p[k - 7] ^= p[k];
        p[k - 8] ^= p[k];
    }
    memcpy(out, p, 8 * sizeof *out);
}

/* out = a * b (§4.2): schoolbook polynomial product, 64 ANDs, then reduction. */
INLINE void gf_mul(bs_word out[8], const bs_word a[8], const bs_word b[8])
{
    bs_word p[15];
    UNROLL
    for (int k = 0; k < 15; k++) p[k] = (bs_word){0, 0};
    UNROLL
    for (int i = 0; i < 8; i++) {
        UNROLL
        for (int j = 0; j < 8; j++) p[i + j] ^= a[i] & b[j];
    }
    gf_reduce(out, p);
}

/* out = a^2: squaring is linear in characteristic 2, (sum a_i x^i)^2 = sum a_i x^2i. */
INLINE void gf_square(bs_word out[8], const bs_word a[8])
{
    bs_word p[15];
    UNROLL
    for (int k = 0; k < 15; k++) p[k] = (bs_word){0, 0};
    UNROLL
    for (int i = 0; i < 8; i++) p[2 * i] = a[i];
    gf_reduce(out, p);
}

/* a^-1 = a^254 (a^255 = 1 for a != 0), and 0 maps to 0 as §5.1.1 asks. Addition chain:
 * a^2, a^3, a^12, a^14, a^15, a^240, a^254: 4 multiplications, 7 squarings. */
static void gf_inverse(bs_word a[8])
{
    bs_word a2[8], a3[8], a12[8], a14[8], a15[8], t[8];
    gf_square(a2, a);
    gf_mul(a3, a2, a);
    gf_square(t, a3);
    gf_square(a12, t);
    gf_mul(a14, a12, a2);
    gf_mul(a15, a12, a3);
    gf_square(t, a15);
    for (int i = 0; i < 3; i++) gf_square(t, t); /* a^240 */
    gf_mul(a, t, a14);
}

/* out = x * a, the xtime() of §4.2.1: shift up one degree, fold x^8 back as 0x1b. */
INLINE void xtime(bs_word a[8])
{
    bs_word hi = a[7];
    a[7] = a[6];
    a[6] = a[5];
    a[5] = a[4];
    a[4] = a[3] ^ hi;
    a[3] = a[2] ^ hi;
    a[2] = a[1];
    a[1] = a[0] ^ hi;
    a[0] = hi;
}

/* ---- The round transformations ---------------------------------------------------- */

/* §5.1.1: inverse in GF(2^8), then b'_i = b_i + b_(i+4) + b_(i+5) + b_(i+6) + b_(i+7) + c_i
 * (indices mod 8) with c = 0x63, whose set bits 0, 1, 5, 6 complement those planes. */
static void SubBytes(bs_word q[8])
{
    gf_inverse(q);
    bs_word b[8];
    UNROLL
    for (int i = 0; i < 8; i++)
        b[i] = q[i] ^ q[(i + 4) % 8] ^ q[(i + 5) % 8] ^ q[(i + 6) % 8] ^ q[(i + 7) % 8];
    b[0] = ~b[0];
    b[1] = ~b[1];
    b[5] = ~b[5];
    b[6] = ~b[6];
    memcpy(q, b, sizeof b);
}

/* §5.3.2: the inverse affine map b_i = b'_(i+2) + b'_(i+5) + b'_(i+7) + d_i with
 * d = 0x05, then the same field inversion (an involution). */
static void InvSubBytes(bs_word q[8])
{
    bs_word b[8];
    UNROLL
    for (int i = 0; i < 8; i++) b[i] = q[(i + 2) % 8] ^ q[(i + 5) % 8] ^ q[(i + 7) % 8];
    b[0] = ~b[0];
    b[2] = ~b[2];
    memcpy(q, b, sizeof b);
    gf_inverse(q);
}

/* §5.1.2: row r moves left by r columns, s'[r,c] = s[r, c + r mod 4]. Row r is the
 * 16-bit field at bit 16r, column c the nibble at 4c inside it, so row r rotates right
 * by 4r bits within its field. Row 0 stays; row 2 swaps its two bytes. */
static void ShiftRows(bs_word q[8])
{
    UNROLL
    for (int b = 0; b < 8; b++) {
        bs_word x = q[b];
        q[b] = (x & 0x000000000000FFFFull) |
               ((x & 0x00000000FFF00000ull) >> 4) | ((x & 0x00000000000F0000ull) << 12) |
               ((x & 0x0000FF0000000000ull) >> 8) | ((x & 0x000000FF00000000ull) << 8) |
               ((x & 0xF000000000000000ull) >> 12) | ((x & 0x0FFF000000000000ull) << 4);
    }
}

/* §5.3.1: the inverse, row r rotates left by 4r bits within its field. */
static void InvShiftRows(bs_word q[8])
{
    UNROLL
    for (int b = 0; b < 8; b++) {
        bs_word x = q[b];
        q[b] = (x & 0x000000000000FFFFull) |
               ((x & 0x000000000FFF0000ull) << 4) | ((x & 0x00000000F0000000ull) >> 12) |
               ((x & 0x0000FF0000000000ull) >> 8) | ((x & 0x000000FF00000000ull) << 8) |
               ((x & 0xFFF0000000000000ull) >> 4) | ((x & 0x000F000000000000ull) << 12);
    }
}

/* Bring row r+1 (mod 4) of every column to row r: rotate the word right by 16n bits. */
static bs_word next_rows(bs_word x, int n)
{
    return (x >> (16 * n)) | (x << (64 - 16 * n));
}

/* §5.1.3, eq. 5.6: s'_r = {02} s_r + {03} s_(r+1) + s_(r+2) + s_(r+3)
 *                       = x(s_r + s_(r+1)) + s_(r+1) + s_(r+2) + s_(r+3). */
static void MixColumns(bs_word q[8])
{
    bs_word t[8];
    UNROLL
    for (int b = 0; b < 8; b++) t[b] = q[b] ^ next_rows(q[b], 1);
    xtime(t);
    UNROLL
    for (int b = 0; b < 8; b++)
        q[b] = t[b] ^ next_rows(q[b], 1) ^ next_rows(q[b], 2) ^ next_rows(q[b], 3);
}

/* §5.3.3, eq. 5.10: the column polynomial {0b}x^3 + {0d}x^2 + {09}x + {0e} equals
 * ({03}x^3 + x^2 + x + {02}) ({04}x^2 + {05}) mod x^4 + 1, so first
 * s_r += {04}(s_r + s_(r+2)), then MixColumns. */
static void InvMixColumns(bs_word q[8])
{
    bs_word t[8];
    UNROLL
    for (int b = 0; b < 8; b++) t[b] = q[b] ^ next_rows(q[b], 2);
    xtime(t);
    xtime(t);
    UNROLL
    for (int b = 0; b < 8; b++) q[b] ^= t[b];
    MixColumns(q);
}

/* §5.1.4: XOR with the round key, kept as one set of 8 planes (4 copies of the key)
 * and applied to both vector lanes. */
static void AddRoundKey(bs_word q[8], const uint64_t k[8])
{
    UNROLL
    for (int b = 0; b < 8; b++) q[b] ^= k[b];
}

/* ---- Conversion between bytes and bit planes -----------------------------------------
 * Eight words of eight bytes form a 64 x 8 bit matrix; two transposes turn it into 8
 * planes of 64 bits: first each word's own 8x8 bit matrix (byte m, bit b) -> (byte b,
 * bit m), then the 8x8 matrix of bytes across the words (word j, byte b) -> (word b,
 * byte j). Both are swaps at fixed positions (Hacker's Delight, §7-3). */

static uint64_t transpose_bits8x8(uint64_t x)
{
    uint64_t t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
    x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
    x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
    x ^= t ^ (t << 28);
    return x;
}

static void transpose_bytes8x8(uint64_t w[8])
{
    for (int s = 32; s >= 8; s /= 2) {
        uint64_t m = s == 32 ? 0x00000000FFFFFFFFull : s == 16 ? 0x0000FFFF0000FFFFull : 0x00FF00FF00FF00FFull;
        int d = s / 8; /* distance between the paired words */
        for (int j = 0; j < 8; j++) {
            if (j & d) continue;
            uint64_t t = ((w[j] >> s) ^ w[j + d]) & m;
            w[j] ^= t << s;
            w[j + d] ^= t;
        }
    }
}

/* Byte m of word j is byte (r, c) of block k with 8j + m = 16r + 4c + k. */
static int byte_index(int j, int m, int *k)
{
    int r = j >> 1, c = 2 * (j & 1) + (m >> 2);
    *k = m & 3;
    return r + 4 * c;
}

static void load_lane(uint64_t q[8], const uint8_t in[64])
{
    for (int j = 0; j < 8; j++) {
        uint64_t w = 0;
        for (int m = 0; m < 8; m++) {
            int k, i = byte_index(j, m, &k);
            w |= (uint64_t)in[16 * k + i] << (8 * m);
        }
        q[j] = transpose_bits8x8(w);
    }
    transpose_bytes8x8(q);
}

static void store_lane(uint8_t out[64], const uint64_t q[8])
{
    uint64_t w[8];
    memcpy(w, q, sizeof w);
    transpose_bytes8x8(w);
    for (int j = 0; j < 8; j++) {
        uint64_t x = transpose_bits8x8(w[j]);
        for (int m = 0; m < 8; m++) {
            int k, i = byte_index(j, m, &k);
            out[16 * k + i] = (uint8_t)(x >> (8 * m));
        }
    }
    mc_wipe(w, sizeof w);
}

/* Eight blocks (128 bytes) to and from the two lanes of bit planes. */
static void load_planes(bs_word q[8], const uint8_t in[128])
{
    uint64_t w[2][8];
    load_lane(w[0], in);
    load_lane(w[1], in + 64);
    for (int b = 0; b < 8; b++) q[b] = (bs_word){w[0][b], w[1][b]};
    mc_wipe(w, sizeof w);
}

static void store_planes(uint8_t out[128], const bs_word q[8])
{
    uint64_t w[2][8];
    for (int b = 0; b < 8; b++) {
        w[0][b] = q[b][0];
        w[1][b] = q[b][1];
    }
    store_lane(out, w[0]);
    store_lane(out + 64, w[1]);
    mc_wipe(w, sizeof w);
}

/* ---- Entry points (aes_impl.h) ------------------------------------------------------ */

/* SubWord of §5.2: the S-box on each byte of a word, with the bytes in lanes 0..3. */
uint32_t aes_ct_sub_word(uint32_t w)
{
    uint8_t buf[128] = {0};
    for (int i = 0; i < 4; i++) buf[i] = (uint8_t)(w >> (24 - 8 * i));
    bs_word q[8];
    load_planes(q, buf);
    SubBytes(q);
    store_planes(buf, q);
    uint32_t r = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
    mc_wipe(buf, sizeof buf);
    mc_wipe(q, sizeof q);
    return r;
}

/* Each round key w[4r .. 4r+3] becomes 16 bytes, copied to all four lanes, in planes. */
void aes_ct_prepare(aes_ctx *c)
{
    uint8_t buf[64];
    for (int r = 0; r <= c->nr; r++) {
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 16; i++)
                buf[16 * k + i] = (uint8_t)(c->rk[4 * r + i / 4] >> (24 - 8 * (i % 4)));
        load_lane(c->k.bs[r], buf);
    }
    mc_wipe(buf, sizeof buf);
}

/* The cipher, §5.1 Figure 5. */
void aes_ct_encrypt8(const aes_ctx *c, uint8_t out[128], const uint8_t in[128])
{
    bs_word q[8];
    load_planes(q, in);
    AddRoundKey(q, c->k.bs[0]);
    for (int r = 1; r < c->nr; r++) {
        SubBytes(q);
        ShiftRows(q);
        MixColumns(q);
        AddRoundKey(q, c->k.bs[r]);
    }
    SubBytes(q);
    ShiftRows(q);
    AddRoundKey(q, c->k.bs[c->nr]);
    store_planes(out, q);
    mc_wipe(q, sizeof q);
}

/* The inverse cipher, §5.3 Figure 12. */
void aes_ct_decrypt8(const aes_ctx *c, uint8_t out[128], const uint8_t in[128])
{
    bs_word q[8];
    load_planes(q, in);
    AddRoundKey(q, c->k.bs[c->nr]);
    for (int r = c->nr - 1; r > 0; r--) {
        InvShiftRows(q);
        InvSubBytes(q);
        AddRoundKey(q, c->k.bs[r]);
        InvMixColumns(q);
    }
    InvShiftRows(q);
    InvSubBytes(q);
    AddRoundKey(q, c->k.bs[0]);
    store_planes(out, q);
    mc_wipe(q, sizeof q);
}
