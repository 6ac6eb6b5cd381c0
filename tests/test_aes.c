/* AES (FIPS-197) and AES-CTR: the standard's key-expansion and cipher examples on both
 * implementations, agreement of the bitsliced and AES-NI code on random input, CTR
 * counter handling, OpenSSL's CTR output when $OPENSSL is set, and argument checks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "crypto/aes.h"
#include "crypto/cpu.h"
#include "crypto_vectors.h"

static const aes_impl impls[] = {AES_IMPL_BITSLICED, AES_IMPL_AESNI};

static int have_aesni(void)
{
    cpu_features f = cpu_get();
    return f.aesni && f.sse41;
}

static void random_bytes(void *p, size_t n)
{
    cr_assert_eq(getrandom(p, n, 0), (ssize_t)n, "getrandom failed");
}

static cv_record *load(const char *rel, int *n)
{
    cv_record *r = NULL;
    *n = cv_load(rel, &r);
    cr_assert_gt(*n, 0, "no vectors read from %s", rel);
    return r;
}

Test(aes, fips197_appendix_a_key_expansion_both_paths)
{
    int n;
    cv_record *v = load("aes/fips197_appendix_a.txt", &n);
    for (int p = 0; p < 2; p++) {
        if (impls[p] == AES_IMPL_AESNI && !have_aesni()) continue;
        for (int i = 0; i < n; i++) {
            const cv_field *key = cv_get(&v[i], "KEY"), *w = cv_get(&v[i], "W");
            aes_ctx c;
            cr_assert_eq(aes_init_impl(&c, key->bytes, key->len, impls[p]), MC_OK);
            cr_assert_eq(w->len, 16u * (unsigned)(c.nr + 1), "%s: W has %zu bytes", v[i].name, w->len);
            for (size_t j = 0; j < w->len / 4; j++) {
                const uint8_t *b = w->bytes + 4 * j;
                uint32_t want = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
                cr_assert_eq(c.rk[j], want, "%s (%s): w[%zu] = %08x, want %08x", v[i].name,
                             aes_impl_name(&c), j, c.rk[j], want);
            }
        }
    }
    cv_free(v, n);
}

Test(aes, fips197_appendix_b_c_cipher_and_inverse_both_paths)
{
    int n;
    cv_record *v = load("aes/fips197_appendix_c.txt", &n);
    int checked = 0;
    for (int p = 0; p < 2; p++) {
        if (impls[p] == AES_IMPL_AESNI && !have_aesni()) continue;
        for (int i = 0; i < n; i++) {
            const cv_field *key = cv_get(&v[i], "KEY"), *pt = cv_get(&v[i], "PLAINTEXT"),
                           *ct = cv_get(&v[i], "CIPHERTEXT");
            cr_assert(key && pt && ct && pt->len == 16 && ct->len == 16, "%s: bad record", v[i].name);
            aes_ctx c;
            uint8_t out[16];
            cr_assert_eq(aes_init_impl(&c, key->bytes, key->len, impls[p]), MC_OK);
            aes_encrypt_block(&c, out, pt->bytes);
            cr_assert_arr_eq(out, ct->bytes, 16, "%s (%s): cipher", v[i].name, aes_impl_name(&c));
            aes_decrypt_block(&c, out, ct->bytes);
            cr_assert_arr_eq(out, pt->bytes, 16, "%s (%s): inverse cipher", v[i].name, aes_impl_name(&c));
            checked++;
        }
    }
    cr_assert_geq(checked, 4);
    cv_free(v, n);
}

Test(aes, bitsliced_and_aesni_agree_on_random_blocks)
{
    if (!have_aesni()) cr_skip_test("no AES-NI on this processor");
    for (int trial = 0; trial < 300; trial++) {
        size_t keylen = 16 + 8 * (size_t)(trial % 3);
        uint8_t key[32], in[16], a[16], b[16];
        random_bytes(key, sizeof key);
        random_bytes(in, sizeof in);
        aes_ctx cs, cn;
        cr_assert_eq(aes_init_impl(&cs, key, keylen, AES_IMPL_BITSLICED), MC_OK);
        cr_assert_eq(aes_init_impl(&cn, key, keylen, AES_IMPL_AESNI), MC_OK);
        cr_assert_arr_eq(cs.rk, cn.rk, sizeof cs.rk, "key schedules differ");
        aes_encrypt_block(&cs, a, in);
        aes_encrypt_block(&cn, b, in);
        cr_assert_arr_eq(a, b, 16, "encryption differs, trial %d", trial);
        aes_decrypt_block(&cs, a, in);
        aes_decrypt_block(&cn, b, in);
        cr_assert_arr_eq(a, b, 16, "decryption differs, trial %d", trial);
        aes_encrypt_block(&cs, a, in);
        aes_decrypt_block(&cn, b, a);
        cr_assert_arr_eq(b, in, 16, "decrypt(encrypt) is not the identity");
    }
}

/* CTR's keystream block i is E(K, counter block i), by the definition of SP 800-38A
 * §6.5; the block cipher itself was checked against FIPS-197 above. */
Test(aes_ctr, keystream_is_cipher_of_counter_blocks_with_32bit_wrap)
{
    for (int p = 0; p < 2; p++) {
        if (impls[p] == AES_IMPL_AESNI && !have_aesni()) continue;
        uint8_t key[16], ctr[16], ctr0[16], zeros[16 * 11] = {0}, ks[16 * 11];
        random_bytes(key, sizeof key);
        random_bytes(ctr, sizeof ctr);
        memcpy(ctr + 12, "\xff\xff\xff\xfb", 4); /* wraps after 5 blocks */
        memcpy(ctr0, ctr, 16);
        aes_ctx c;
        cr_assert_eq(aes_init_impl(&c, key, 16, impls[p]), MC_OK);
        aes_ctr_xor(&c, ctr, ks, zeros, sizeof ks - 7); /* 10 whole blocks and a partial one */
        for (uint32_t i = 0; i < 11; i++) {
            uint8_t blk[16], want[16];
            memcpy(blk, ctr0, 12);
            uint32_t n = 0xfffffffbu + i;
            blk[12] = (uint8_t)(n >> 24), blk[13] = (uint8_t)(n >> 16), blk[14] = (uint8_t)(n >> 8), blk[15] = (uint8_t)n;
            aes_encrypt_block(&c, want, blk);
            size_t take = i < 10 ? 16 : 9;
            cr_assert_arr_eq(ks + 16 * i, want, take, "%s: keystream block %u", aes_impl_name(&c), i);
        }
        cr_assert_arr_eq(ctr, ctr0, 12, "the upper 96 bits must not change");
        cr_assert_arr_eq(ctr + 12, "\x00\x00\x00\x06", 4, "counter advanced by 11 blocks mod 2^32");
    }
}

Test(aes_ctr, paths_agree_on_random_lengths_and_split_calls)
{
    if (!have_aesni()) cr_skip_test("no AES-NI on this processor");
    static uint8_t in[2000], a[2000], b[2000];
    for (int trial = 0; trial < 40; trial++) {
        uint8_t key[32], iv[16], ca[16], cb[16];
        uint16_t r;
        random_bytes(key, sizeof key);
        random_bytes(iv, sizeof iv);
        random_bytes(&r, sizeof r);
        size_t len = r % sizeof in, keylen = 16 + 8 * (size_t)(trial % 3);
        random_bytes(in, len);
        aes_ctx cs, cn;
        cr_assert_eq(aes_init_impl(&cs, key, keylen, AES_IMPL_BITSLICED), MC_OK);
        cr_assert_eq(aes_init_impl(&cn, key, keylen, AES_IMPL_AESNI), MC_OK);
        memcpy(ca, iv, 16);
        memcpy(cb, iv, 16);
        aes_ctr_xor(&cs, ca, a, in, len);
        /* the AES-NI side in two calls split at a block boundary */
        size_t cut = (len / 2) & ~(size_t)15;
        aes_ctr_xor(&cn, cb, b, in, cut);
        aes_ctr_xor(&cn, cb, b + cut, in + cut, len - cut);
        cr_assert_arr_eq(a, b, len, "CTR output differs, len %zu", len);
        cr_assert_arr_eq(ca, cb, 16, "counters differ, len %zu", len);
        aes_ctr_xor(&cn, iv, b, a, len); /* decrypting gives the input back */
        cr_assert_arr_eq(b, in, len);
    }
}

static void hex(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* An independent reference: OpenSSL's command line. Its CTR counter is the whole
 * 128-bit block, ours the last 32 bits; the two agree while the low word does not wrap,
 * so the test keeps it small. */
Test(aes_ctr, matches_openssl_enc_when_available)
{
    const char *openssl = getenv("OPENSSL");
    if (!openssl || !*openssl) cr_skip_test("OPENSSL not set");
    static const char *names[] = {"aes-128-ctr", "aes-192-ctr", "aes-256-ctr"};
    for (int p = 0; p < 2; p++) {
        if (impls[p] == AES_IMPL_AESNI && !have_aesni()) continue;
        for (int ks = 0; ks < 3; ks++) {
            size_t keylen = 16 + 8 * (size_t)ks, len = 1000 + 7 * (size_t)ks;
            uint8_t key[32], iv[16], ctr[16], in[1100], want[1100], got[1100];
            random_bytes(key, sizeof key);
            random_bytes(iv, sizeof iv);
            iv[12] = 0;
            random_bytes(in, len);
            char dir[] = "/tmp/mc_aes_XXXXXX", pin[64], pout[80], cmd[512], hk[65], hiv[33];
            cr_assert_not_null(mkdtemp(dir));
            snprintf(pin, sizeof pin, "%s/in", dir);
            snprintf(pout, sizeof pout, "%s/out", dir);
            FILE *f = fopen(pin, "wb");
            cr_assert_not_null(f);
            cr_assert_eq(fwrite(in, 1, len, f), len);
            fclose(f);
            hex(hk, key, keylen);
            hex(hiv, iv, 16);
            snprintf(cmd, sizeof cmd, "'%s' enc -%s -K %s -iv %s -in %s -out %s", openssl, names[ks], hk, hiv, pin, pout);
            cr_assert_eq(system(cmd), 0, "%s failed", cmd);
            f = fopen(pout, "rb");
            cr_assert_not_null(f);
            cr_assert_eq(fread(want, 1, sizeof want, f), len);
            fclose(f);
            unlink(pin);
            unlink(pout);
            rmdir(dir);
            aes_ctx c;
            cr_assert_eq(aes_init_impl(&c, key, keylen, impls[p]), MC_OK);
            memcpy(ctr, iv, 16);
            aes_ctr_xor(&c, ctr, got, in, len);
            cr_assert_arr_eq(got, want, len, "%s (%s) differs from OpenSSL", names[ks], aes_impl_name(&c));
        }
    }
}

Test(aes_cbc, sp800_38a_f2_vectors_both_ways_both_paths)
{
    int n;
    cv_record *v = load("aes/sp800_38a_f2_cbc.txt", &n);
    cr_assert_eq(n, 3);
    for (int p = 0; p < 2; p++) {
        if (impls[p] == AES_IMPL_AESNI && !have_aesni()) continue;
        for (int i = 0; i < n; i++) {
            const cv_field *key = cv_get(&v[i], "KEY"), *iv = cv_get(&v[i], "IV"), *pt = cv_get(&v[i], "PLAINTEXT"),
                           *ct = cv_get(&v[i], "CIPHERTEXT");
            cr_assert(key && iv && pt && ct && pt->len == 64 && ct->len == 64, "%s: bad record", v[i].name);
            aes_ctx c;
            uint8_t out[64];
            cr_assert_eq(aes_init_impl(&c, key->bytes, key->len, impls[p]), MC_OK);
            aes_cbc_encrypt(&c, iv->bytes, out, pt->bytes, 64);
            cr_expect_arr_eq(out, ct->bytes, 64, "%s (%s): encryption", v[i].name, aes_impl_name(&c));
            aes_cbc_decrypt(&c, iv->bytes, out, out, 64); /* in place */
            cr_expect_arr_eq(out, pt->bytes, 64, "%s (%s): decryption", v[i].name, aes_impl_name(&c));
        }
    }
    cv_free(v, n);
}

Test(aes, rejects_wrong_key_length)
{
    uint8_t key[64] = {0};
    const size_t bad[] = {0, 1, 8, 15, 17, 20, 23, 25, 31, 33, 48, 64};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aes_ctx c;
        cr_assert_eq(aes_init(&c, key, bad[i]), MC_E_KEY, "length %zu accepted", bad[i]);
        cr_assert_eq(aes_init_impl(&c, key, bad[i], AES_IMPL_BITSLICED), MC_E_KEY);
    }
}

Test(aes, no_asm_environment_variable_selects_bitsliced)
{
    uint8_t key[16] = {0};
    aes_ctx c;
    setenv("MEDCHAOS_NO_ASM", "1", 1);
    cr_assert_eq(aes_init(&c, key, 16), MC_OK);
    cr_assert_str_eq(aes_impl_name(&c), "bitsliced");
    unsetenv("MEDCHAOS_NO_ASM");
    cr_assert_eq(aes_init(&c, key, 16), MC_OK);
    cr_assert_str_eq(aes_impl_name(&c), have_aesni() ? "aesni" : "bitsliced");
}

Test(aes, wipe_clears_round_keys)
{
    uint8_t key[32];
    random_bytes(key, sizeof key);
    aes_ctx c;
    cr_assert_eq(aes_init(&c, key, 32), MC_OK);
    aes_wipe(&c);
    const uint8_t *p = (const uint8_t *)&c;
    for (size_t i = 0; i < sizeof c; i++) cr_assert_eq(p[i], 0, "byte %zu not wiped", i);
}
