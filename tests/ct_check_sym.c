/* Constant-time check for the symmetric ciphers, run under valgrind by
 * `make ct-check-sym`. The key, the plaintext and the AAD are marked undefined
 * (VALGRIND_MAKE_MEM_UNDEFINED): memcheck then reports every conditional branch and
 * every memory address computed from them, which is exactly what a timing or cache
 * attack could observe. The bitsliced and AES-NI AES, CTR, and GCM with both GHASH
 * paths run on them; results are marked defined again before they are printed.
 * Not checked: gcm_decrypt's final accept/reject branch, public by design.
 * With -DCT_CHECK_SELFTEST it also runs a textbook table-look-up S-box on the key,
 * which valgrind must catch (the make target expects that run to fail). */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/aes.h"
#include "crypto/cpu.h"
#include "crypto/gcm.h"

static unsigned checksum(const uint8_t *p, size_t n)
{
    VALGRIND_MAKE_MEM_DEFINED(p, n);
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
    return s;
}

#ifdef CT_CHECK_SELFTEST
/* The S-box as a 256-entry table, built from public indices with the slow textbook
 * definition (FIPS-197 §5.1.1) and then indexed by secret bytes: the classic leak. */
static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    for (; b; b >>= 1, a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0)))
        if (b & 1) r ^= a;
    return r;
}

static void leaky_sub_bytes(uint8_t *out, const uint8_t *in, size_t n)
{
    static uint8_t sbox[256];
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (int y = 1; y < 256 && x; y++)
            if (gmul((uint8_t)x, (uint8_t)y) == 1) inv = (uint8_t)y;
        uint8_t b = inv, s = 0x63;
        for (int i = 0; i < 5; i++, b = (uint8_t)(b << 1 | b >> 7)) s ^= b;
        sbox[x] = s;
    }
    for (size_t i = 0; i < n; i++) out[i] = sbox[in[i]]; /* address depends on a secret */
}
#endif

int main(void)
{
    uint8_t key[32], pt[300], aad[40], iv[12], out[300], blk[16], tag[16], ctr[16];
    for (int i = 0; i < 32; i++) key[i] = (uint8_t)(i * 13 + 1);
    for (int i = 0; i < 300; i++) pt[i] = (uint8_t)(i * 7 + 3);
    for (int i = 0; i < 40; i++) aad[i] = (uint8_t)i;
    memset(iv, 0x42, sizeof iv);
    VALGRIND_MAKE_MEM_UNDEFINED(key, sizeof key);
    VALGRIND_MAKE_MEM_UNDEFINED(pt, sizeof pt);
    VALGRIND_MAKE_MEM_UNDEFINED(aad, sizeof aad);

    cpu_features f = cpu_get();
    aes_impl impls[2] = {AES_IMPL_BITSLICED, AES_IMPL_AESNI};
    int nimpl = f.aesni && f.sse41 ? 2 : 1;
    for (int p = 0; p < nimpl; p++) {
        for (size_t keylen = 16; keylen <= 32; keylen += 8) {
            aes_ctx c;
            if (aes_init_impl(&c, key, keylen, impls[p]) != MC_OK) return 2;
            aes_encrypt_block(&c, blk, pt);
            unsigned e = checksum(blk, 16);
            aes_decrypt_block(&c, blk, pt);
            unsigned d = checksum(blk, 16);
            memset(ctr, 0, sizeof ctr);
            aes_ctr_xor(&c, ctr, out, pt, sizeof pt);
            unsigned x = checksum(out, sizeof out);
            if (gcm_encrypt_impl(impls[p], key, keylen, iv, sizeof iv, aad, sizeof aad, pt, sizeof pt, out, tag) != MC_OK)
                return 2;
            unsigned g = checksum(out, sizeof out), t = checksum(tag, 16);
            printf("%-9s AES-%zu: block %08x inverse %08x ctr %08x gcm %08x tag %08x\n", aes_impl_name(&c),
                   keylen * 8, e, d, x, g, t);
            aes_wipe(&c);
        }
    }
    if (nimpl == 1) printf("no AES-NI here: only the portable code was checked\n");
#ifdef CT_CHECK_SELFTEST
    leaky_sub_bytes(blk, key, 16);
    printf("table S-box: %08x\n", checksum(blk, 16));
#endif
    return 0;
}
