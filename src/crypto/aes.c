/* AES front end: key expansion (FIPS-197 §5.2), the choice between the bitsliced and
 * AES-NI implementations, and CTR mode for the bitsliced one. The round functions
 * live in aes_ct.c (portable) and aes_ni.c (AES-NI). */
#include "crypto/aes.h"

#include <string.h>

#include "crypto/aes_impl.h"
#include "crypto/cpu.h"
#include "util/secure.h"

/* FIPS-197 §5.2, Figure 11. Rcon[i] = x^(i-1) in GF(2^8), as the leading byte of a word.
 * Only public values (i, Nk) steer the loop; the key bytes flow through XOR and the
 * constant-time SubWord alone. */
void aes_key_expansion(uint32_t *w, const uint8_t *key, int nk, uint32_t (*sub_word)(uint32_t))
{
    int nr = nk + 6;
    for (int i = 0; i < nk; i++)
        w[i] = (uint32_t)key[4 * i] << 24 | (uint32_t)key[4 * i + 1] << 16 |
               (uint32_t)key[4 * i + 2] << 8 | key[4 * i + 3];
    uint32_t rcon = 0x01;
    for (int i = nk; i < 4 * (nr + 1); i++) {
        uint32_t temp = w[i - 1];
        if (i % nk == 0) {
            temp = sub_word(temp << 8 | temp >> 24) ^ rcon << 24; /* RotWord, then SubWord */
            rcon = (rcon << 1) ^ (0x11b & -(rcon >> 7));          /* xtime (§4.2.1) */
        } else if (nk > 6 && i % nk == 4) {
            temp = sub_word(temp);
        }
        w[i] = w[i - nk] ^ temp;
    }
}

mc_err aes_init_impl(aes_ctx *c, const uint8_t *key, size_t keylen, aes_impl impl)
{
    if (keylen != 16 && keylen != 24 && keylen != 32)
        return mc_fail(MC_E_KEY, "AES key of %zu bytes (need 16, 24 or 32)", keylen);
    cpu_features f = cpu_get();
    int have_ni = CPU_X86_PATHS && f.aesni && f.sse41;
    if (impl == AES_IMPL_AUTO)
        impl = (have_ni && cpu_asm_allowed()) ? AES_IMPL_AESNI : AES_IMPL_BITSLICED;
    if (impl == AES_IMPL_AESNI && !have_ni)
        return mc_fail(MC_E_UNSUPPORTED, "this processor has no AES-NI");
    if (impl != AES_IMPL_AESNI && impl != AES_IMPL_BITSLICED)
        return mc_fail(MC_E_ARG, "unknown AES implementation %d", (int)impl);

    memset(c, 0, sizeof *c);
    int nk = (int)keylen / 4;
    c->nr = nk + 6;
    c->impl = impl;
#if CPU_X86_PATHS
    if (impl == AES_IMPL_AESNI) {
        aes_key_expansion(c->rk, key, nk, aes_ni_sub_word);
        aes_ni_prepare(c);
        return MC_OK;
    }
#endif
    aes_key_expansion(c->rk, key, nk, aes_ct_sub_word);
    aes_ct_prepare(c);
    return MC_OK;
}

mc_err aes_init(aes_ctx *c, const uint8_t *key, size_t keylen)
{
    return aes_init_impl(c, key, keylen, AES_IMPL_AUTO);
}

/* The bitsliced code always works on eight blocks; a single block rides in the first. */
static void bitsliced_one_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16],
                                void (*four)(const aes_ctx *, uint8_t *, const uint8_t *))
{
    uint8_t buf[128] = {0};
    memcpy(buf, in, 16);
    four(c, buf, buf);
    memcpy(out, buf, 16);
    mc_wipe(buf, sizeof buf);
}

void aes_encrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16])
{
#if CPU_X86_PATHS
    if (c->impl == AES_IMPL_AESNI) {
        aes_ni_encrypt_block(c, out, in);
        return;
    }
#endif
    bitsliced_one_block(c, out, in, aes_ct_encrypt8);
}

void aes_decrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16])
{
#if CPU_X86_PATHS
    if (c->impl == AES_IMPL_AESNI) {
        aes_ni_decrypt_block(c, out, in);
        return;
    }
#endif
    bitsliced_one_block(c, out, in, aes_ct_decrypt8);
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Counter block i is ctr with its last word replaced by (n + i) mod 2^32: the inc32
 * function of SP 800-38D §6.2 applied i times. Eight blocks per bitsliced call. */
void aes_ctr_xor(const aes_ctx *c, uint8_t ctr[16], uint8_t *out, const uint8_t *in, size_t len)
{
#if CPU_X86_PATHS
    if (c->impl == AES_IMPL_AESNI) {
        aes_ni_ctr_xor(c, ctr, out, in, len);
        return;
    }
#endif
    uint32_t n = load_be32(ctr + 12);
    uint8_t ks[128];
    while (len > 0) {
        for (int k = 0; k < 8; k++) {
            memcpy(ks + 16 * k, ctr, 12);
            store_be32(ks + 16 * k + 12, n + (uint32_t)k);
        }
        aes_ct_encrypt8(c, ks, ks);
        size_t take = len < sizeof ks ? len : sizeof ks;
        for (size_t i = 0; i < take; i++) out[i] = in[i] ^ ks[i];
        n += (uint32_t)((take + 15) / 16);
        out += take;
        in += take;
        len -= take;
    }
    store_be32(ctr + 12, n);
    mc_wipe(ks, sizeof ks);
}

/* CBC is serial when encrypting, so one block at a time through the single-block
 * functions; speed does not matter for the few kilobytes of a key file. */
void aes_cbc_encrypt(const aes_ctx *c, const uint8_t iv[16], uint8_t *out, const uint8_t *in, size_t len)
{
    uint8_t x[16];
    memcpy(x, iv, 16);
    for (size_t off = 0; off + 16 <= len; off += 16) {
        for (int i = 0; i < 16; i++) x[i] ^= in[off + i];
        aes_encrypt_block(c, x, x);
        memcpy(out + off, x, 16);
    }
    mc_wipe(x, sizeof x);
}

void aes_cbc_decrypt(const aes_ctx *c, const uint8_t iv[16], uint8_t *out, const uint8_t *in, size_t len)
{
    uint8_t prev[16], cur[16], x[16];
    memcpy(prev, iv, 16);
    for (size_t off = 0; off + 16 <= len; off += 16) {
        memcpy(cur, in + off, 16); /* in may be out */
        aes_decrypt_block(c, x, cur);
        for (int i = 0; i < 16; i++) out[off + i] = x[i] ^ prev[i];
        memcpy(prev, cur, 16);
    }
    mc_wipe(x, sizeof x);
}

void aes_wipe(aes_ctx *c)
{
    mc_wipe(c, sizeof *c);
}

const char *aes_impl_name(const aes_ctx *c)
{
    return c->impl == AES_IMPL_AESNI ? "aesni" : "bitsliced";
}
