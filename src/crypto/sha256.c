/* SHA-256, FIPS 180-4: the portable compression function (§6.2.2) and the
 * padding/streaming layer shared by both implementations. Plain 32-bit word
 * operations only, so the running time never depends on the data. */
#include "crypto/sha256.h"
#include "crypto/sha256_impl.h"
#include "util/secure.h"

#include <string.h>

const uint32_t sha256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
/* The six logical functions of §4.1.2. */
static uint32_t Ch(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
static uint32_t Maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
static uint32_t Sigma0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
static uint32_t Sigma1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
static uint32_t sigma0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
static uint32_t sigma1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void sha256_compress_portable(uint32_t h[8], const uint8_t *blocks, size_t nblocks)
{
    uint32_t W[64];
    for (; nblocks; nblocks--, blocks += 64) {
        /* Step 1: the message schedule. */
        for (int t = 0; t < 16; t++) W[t] = load_be32(blocks + 4 * t);
        for (int t = 16; t < 64; t++)
            W[t] = sigma1(W[t - 2]) + W[t - 7] + sigma0(W[t - 15]) + W[t - 16];
        /* Steps 2-3: 64 rounds on the working variables a..h. */
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++) {
            uint32_t T1 = hh + Sigma1(e) + Ch(e, f, g) + sha256_K[t] + W[t];
            uint32_t T2 = Sigma0(a) + Maj(a, b, c);
            hh = g; g = f; f = e; e = d + T1;
            d = c; c = b; b = a; a = T1 + T2;
        }
        /* Step 4: the next chaining value. */
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
        h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    mc_wipe(W, sizeof W);
}

/* The implementation is probed once; the answer never changes afterwards, so
 * a benign race between threads can only store the same value twice. */
static int force_portable;

static void compress(uint32_t h[8], const uint8_t *blocks, size_t nblocks)
{
    if (!force_portable && sha256_ni_available())
        sha256_compress_ni(h, blocks, nblocks);
    else
        sha256_compress_portable(h, blocks, nblocks);
}

void sha256_force_portable(int on) { force_portable = on; }

const char *sha256_impl_name(void)
{
    return !force_portable && sha256_ni_available() ? "sha-ni" : "portable";
}

void sha256_init(sha256_ctx *c)
{
    /* H(0), §5.3.3: fractional parts of the square roots of the first 8 primes. */
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, H0, sizeof H0);
    c->len = 0;
    c->n = 0;
}

void sha256_update(sha256_ctx *c, const void *p, size_t n)
{
    const uint8_t *in = p;
    if (n == 0) return; /* p may be NULL then (an empty OAEP label) */
    c->len += n;
    if (c->n) {
        size_t take = 64 - c->n < n ? 64 - c->n : n;
        memcpy(c->buf + c->n, in, take);
        c->n += take;
        in += take;
        n -= take;
        if (c->n < 64) return;
        compress(c->h, c->buf, 1);
        c->n = 0;
    }
    if (n >= 64) {
        compress(c->h, in, n / 64);
        in += n & ~(size_t)63;
        n &= 63;
    }
    memcpy(c->buf, in, n);
    c->n = n;
}

void sha256_final(sha256_ctx *c, uint8_t out[32])
{
    /* §5.1.1: append bit 1, zeros to 448 mod 512 bits, then the 64-bit length in bits. */
    uint64_t bits = c->len * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (c->n < 56 ? 56 : 120) - c->n;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
    mc_wipe(c, sizeof *c);
}

void sha256(const void *p, size_t n, uint8_t out[32])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, p, n);
    sha256_final(&c, out);
}
