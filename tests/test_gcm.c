/* AES-GCM (SP 800-38D): the 18 test cases of the GCM specification and an AAD-only NIST
 * vector on both implementations, agreement of the two on random messages, and
 * rejection of altered tags, ciphertexts and AAD with the output zeroed. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "crypto/cpu.h"
#include "crypto/gcm.h"
#include "crypto_vectors.h"

static const aes_impl impls[] = {AES_IMPL_BITSLICED, AES_IMPL_AESNI};

static int have_fast(void)
{
    cpu_features f = cpu_get();
    return f.aesni && f.sse41 && f.pclmul;
}

static void random_bytes(void *p, size_t n)
{
    cr_assert_eq(getrandom(p, n, 0), (ssize_t)n, "getrandom failed");
}

static size_t random_below(size_t n)
{
    uint32_t r;
    random_bytes(&r, sizeof r);
    return r % n;
}

/* Runs every record of a vector file through encryption and decryption. */
static int check_file(const char *rel, aes_impl impl)
{
    cv_record *v = NULL;
    int n = cv_load(rel, &v);
    cr_assert_gt(n, 0, "no vectors in %s", rel);
    for (int i = 0; i < n; i++) {
        const cv_field *k = cv_get(&v[i], "K"), *iv = cv_get(&v[i], "IV"), *a = cv_get(&v[i], "A"),
                       *p = cv_get(&v[i], "P"), *c = cv_get(&v[i], "C"), *t = cv_get(&v[i], "T");
        cr_assert(k && iv && a && p && c && t && t->len == 16 && p->len == c->len, "%s: bad record", v[i].name);
        uint8_t *out = malloc(p->len + 1), tag[16];
        cr_assert_eq(gcm_encrypt_impl(impl, k->bytes, k->len, iv->bytes, iv->len, a->bytes, a->len, p->bytes,
                                      p->len, out, tag), MC_OK, "%s", v[i].name);
        if (c->len) cr_assert_arr_eq(out, c->bytes, c->len, "%s: ciphertext", v[i].name);
        cr_assert_arr_eq(tag, t->bytes, 16, "%s: tag", v[i].name);
        cr_assert_eq(gcm_decrypt_impl(impl, k->bytes, k->len, iv->bytes, iv->len, a->bytes, a->len, c->bytes,
                                      c->len, t->bytes, out), MC_OK, "%s: decrypt", v[i].name);
        if (p->len) cr_assert_arr_eq(out, p->bytes, p->len, "%s: plaintext", v[i].name);
        free(out);
    }
    cv_free(v, n);
    return n;
}

Test(gcm, spec_test_cases_1_to_18_bitsliced)
{
    cr_assert_eq(check_file("gcm/mcgrew_viega_tc1-18.txt", AES_IMPL_BITSLICED), 18);
}

Test(gcm, spec_test_cases_1_to_18_aesni_pclmul)
{
    if (!have_fast()) cr_skip_test("no AES-NI/PCLMULQDQ");
    cr_assert_eq(check_file("gcm/mcgrew_viega_tc1-18.txt", AES_IMPL_AESNI), 18);
}

Test(gcm, aad_only_message_both_paths)
{
    cr_assert_eq(check_file("gcm/nist_cavp_aad_only.txt", AES_IMPL_BITSLICED), 1);
    if (have_fast()) cr_assert_eq(check_file("gcm/nist_cavp_aad_only.txt", AES_IMPL_AESNI), 1);
}

/* Random lengths around the 8-block (128-byte) stride of the fast path, IVs of 96 bits
 * and of other lengths, in-place and out-of-place. */
Test(gcm, paths_agree_on_random_messages)
{
    if (!have_fast()) cr_skip_test("no AES-NI/PCLMULQDQ");
    static uint8_t pt[3000], a[3000], b[3000], aad[300];
    for (int trial = 0; trial < 60; trial++) {
        uint8_t key[32], iv[80], ta[16], tb[16];
        size_t keylen = 16 + 8 * (size_t)(trial % 3);
        size_t len = trial < 10 ? 128 * (size_t)trial + (size_t)(trial % 2) : random_below(sizeof pt);
        size_t aadlen = random_below(sizeof aad), ivlen = trial % 4 ? 12 : 1 + random_below(sizeof iv);
        random_bytes(key, sizeof key);
        random_bytes(iv, sizeof iv);
        random_bytes(pt, len);
        random_bytes(aad, aadlen);
        cr_assert_eq(gcm_encrypt_impl(AES_IMPL_BITSLICED, key, keylen, iv, ivlen, aad, aadlen, pt, len, a, ta), MC_OK);
        memcpy(b, pt, len);
        cr_assert_eq(gcm_encrypt_impl(AES_IMPL_AESNI, key, keylen, iv, ivlen, aad, aadlen, b, len, b, tb), MC_OK);
        cr_assert_arr_eq(a, b, len, "ciphertexts differ: len %zu aad %zu iv %zu", len, aadlen, ivlen);
        cr_assert_arr_eq(ta, tb, 16, "tags differ: len %zu aad %zu iv %zu", len, aadlen, ivlen);
        cr_assert_eq(gcm_decrypt_impl(AES_IMPL_AESNI, key, keylen, iv, ivlen, aad, aadlen, b, len, ta, b), MC_OK);
        cr_assert_arr_eq(b, pt, len);
        cr_assert_eq(gcm_decrypt_impl(AES_IMPL_BITSLICED, key, keylen, iv, ivlen, aad, aadlen, a, len, ta, a), MC_OK);
        cr_assert_arr_eq(a, pt, len);
    }
}

/* Flips one random bit of the tag, the ciphertext or the AAD and expects MC_E_AUTH with
 * every output byte zero, on each implementation. */
static void check_tamper(int what)
{
    for (int p = 0; p < 2; p++) {
        if (impls[p] == AES_IMPL_AESNI && !have_fast()) continue;
        uint8_t key[16], iv[12], aad[40], pt[300], ct[300], out[300], tag[16];
        random_bytes(key, sizeof key);
        random_bytes(iv, sizeof iv);
        random_bytes(aad, sizeof aad);
        random_bytes(pt, sizeof pt);
        cr_assert_eq(gcm_encrypt_impl(impls[p], key, 16, iv, 12, aad, sizeof aad, pt, sizeof pt, ct, tag), MC_OK);
        uint8_t *target = what == 0 ? tag : what == 1 ? ct : aad;
        size_t n = what == 0 ? sizeof tag : what == 1 ? sizeof ct : sizeof aad;
        target[random_below(n)] ^= (uint8_t)(1u << random_below(8));
        memset(out, 0xAA, sizeof out);
        cr_assert_eq(gcm_decrypt_impl(impls[p], key, 16, iv, 12, aad, sizeof aad, ct, sizeof ct, tag, out), MC_E_AUTH);
        for (size_t i = 0; i < sizeof out; i++) cr_assert_eq(out[i], 0, "plaintext byte %zu released", i);
    }
}

Test(gcm, rejects_tampered_tag_with_zeroed_output) { check_tamper(0); }
Test(gcm, rejects_tampered_ciphertext_with_zeroed_output) { check_tamper(1); }
Test(gcm, rejects_tampered_aad_with_zeroed_output) { check_tamper(2); }

Test(gcm, rejects_wrong_key_iv_with_zeroed_output)
{
    uint8_t key[32], iv[12], pt[64], ct[64], out[64], tag[16];
    random_bytes(key, sizeof key);
    random_bytes(iv, sizeof iv);
    random_bytes(pt, sizeof pt);
    cr_assert_eq(gcm_encrypt(key, 32, iv, 12, NULL, 0, pt, sizeof pt, ct, tag), MC_OK);
    key[31] ^= 1;
    memset(out, 0x55, sizeof out);
    cr_assert_eq(gcm_decrypt(key, 32, iv, 12, NULL, 0, ct, sizeof ct, tag, out), MC_E_AUTH);
    for (size_t i = 0; i < sizeof out; i++) cr_assert_eq(out[i], 0);
    key[31] ^= 1;
    iv[0] ^= 0x80;
    cr_assert_eq(gcm_decrypt(key, 32, iv, 12, NULL, 0, ct, sizeof ct, tag, out), MC_E_AUTH);
}

Test(gcm, rejects_wrong_key_length_and_empty_iv)
{
    uint8_t key[33] = {0}, iv[12] = {0}, buf[16] = {0}, tag[16];
    const size_t bad[] = {0, 15, 17, 31, 33};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(gcm_encrypt(key, bad[i], iv, 12, NULL, 0, buf, 16, buf, tag), MC_E_KEY);
        cr_assert_eq(gcm_decrypt(key, bad[i], iv, 12, NULL, 0, buf, 16, tag, buf), MC_E_KEY);
    }
    cr_assert_eq(gcm_encrypt(key, 16, iv, 0, NULL, 0, buf, 16, buf, tag), MC_E_ARG);
}

Test(gcm, empty_message_and_empty_aad_round_trip)
{
    uint8_t key[16], iv[12], tag[16];
    random_bytes(key, sizeof key);
    random_bytes(iv, sizeof iv);
    cr_assert_eq(gcm_encrypt(key, 16, iv, 12, NULL, 0, NULL, 0, NULL, tag), MC_OK);
    cr_assert_eq(gcm_decrypt(key, 16, iv, 12, NULL, 0, NULL, 0, tag, NULL), MC_OK);
    tag[5] ^= 4;
    cr_assert_eq(gcm_decrypt(key, 16, iv, 12, NULL, 0, NULL, 0, tag, NULL), MC_E_AUTH);
}
