/* SHA-256 against FIPS 180-4's example messages, HMAC-SHA-256 against RFC 4231,
 * the SHA-NI path against the portable one, and getrandom-backed rand_bytes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/hmac.h"
#include "crypto/pbkdf2.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "pk_vectors.h"

static void hex_of(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* Feed the message `repeat` times in uneven pieces, so buffering is exercised too. */
static void check_fips_cases(int portable)
{
    sha256_force_portable(portable);
    size_t nc;
    vec_case *cs = vec_load("tests/vectors/sha256/fips180-4_examples.txt", &nc);
    cr_assert_geq(nc, 9);
    for (size_t i = 0; i < nc; i++) {
        const char *ascii = vec_get(&cs[i], "ascii"), *hex = vec_get(&cs[i], "hex");
        const char *rep = vec_get(&cs[i], "repeat"), *want = vec_get(&cs[i], "digest");
        size_t mlen;
        uint8_t *m;
        if (ascii) {
            mlen = strlen(ascii);
            m = (uint8_t *)strdup(ascii);
        } else {
            m = vec_hex(hex, &mlen);
        }
        long times = rep ? atol(rep) : 1;
        sha256_ctx c;
        sha256_init(&c);
        for (long t = 0; t < times; t++) sha256_update(&c, m, mlen);
        uint8_t d[32];
        char got[65];
        sha256_final(&c, d);
        hex_of(d, 32, got);
        cr_expect_str_eq(got, want, "case %zu (%s x %ld) via %s", i, ascii ? ascii : hex, times,
                         sha256_impl_name());
        if (times == 1) {
            sha256(m, mlen, d);
            hex_of(d, 32, got);
            cr_expect_str_eq(got, want, "one-shot case %zu", i);
        }
        free(m);
    }
    vec_free(cs, nc);
    sha256_force_portable(0);
}

Test(sha256, fips180_4_examples_portable) { check_fips_cases(1); }
Test(sha256, fips180_4_examples_default_impl) { check_fips_cases(0); }

Test(sha256, sha_ni_matches_portable_for_all_lengths)
{
    sha256_force_portable(0);
    if (strcmp(sha256_impl_name(), "sha-ni") != 0) cr_skip("this CPU has no SHA extensions");
    uint8_t msg[1100];
    cr_assert_eq(rand_bytes(msg, sizeof msg), MC_OK);
    for (size_t n = 0; n <= sizeof msg; n += 7) {
        uint8_t a[32], b[32];
        sha256(msg, n, a);
        sha256_force_portable(1);
        sha256(msg, n, b);
        sha256_force_portable(0);
        cr_assert_eq(memcmp(a, b, 32), 0, "length %zu", n);
    }
}

Test(sha256, split_updates_equal_one_shot)
{
    uint8_t msg[200], whole[32];
    for (int i = 0; i < 200; i++) msg[i] = (uint8_t)(i * 31 + 7);
    sha256(msg, sizeof msg, whole);
    for (size_t cut = 0; cut <= sizeof msg; cut++) {
        sha256_ctx c;
        uint8_t d[32];
        sha256_init(&c);
        sha256_update(&c, msg, cut);
        sha256_update(&c, msg + cut, sizeof msg - cut);
        sha256_final(&c, d);
        cr_assert_eq(memcmp(d, whole, 32), 0, "split at %zu", cut);
    }
}

Test(hmac_sha256, rfc4231_test_cases_1_to_7)
{
    size_t nc;
    vec_case *cs = vec_load("tests/vectors/hmac/rfc4231.txt", &nc);
    cr_assert_eq(nc, 7);
    for (size_t i = 0; i < nc; i++) {
        size_t kl, dl, ml;
        uint8_t *k1 = vec_hex(vec_get(&cs[i], "key"), &kl), *d1 = vec_hex(vec_get(&cs[i], "data"), &dl);
        uint8_t *want = vec_hex(vec_get(&cs[i], "mac"), &ml);
        const char *kr = vec_get(&cs[i], "key_repeat"), *dr = vec_get(&cs[i], "data_repeat");
        size_t krep = kr ? (size_t)atol(kr) : 1, drep = dr ? (size_t)atol(dr) : 1;
        uint8_t *key = malloc(kl * krep + 1), *data = malloc(dl * drep + 1), mac[32];
        for (size_t r = 0; r < krep; r++) memcpy(key + r * kl, k1, kl);
        for (size_t r = 0; r < drep; r++) memcpy(data + r * dl, d1, dl);
        hmac_sha256(key, kl * krep, data, dl * drep, mac);
        cr_expect_eq(memcmp(mac, want, ml), 0, "RFC 4231 test case %s", vec_get(&cs[i], "case"));
        free(k1), free(d1), free(want), free(key), free(data);
    }
    vec_free(cs, nc);
}

Test(pbkdf2_hmac_sha256, rfc7914_and_published_vectors)
{
    size_t nc;
    vec_case *cs = vec_load("tests/vectors/pbkdf2/rfc7914_and_published.txt", &nc);
    cr_assert_eq(nc, 5);
    for (size_t i = 0; i < nc; i++) {
        const char *pw = vec_get(&cs[i], "pass"), *salt = vec_get(&cs[i], "salt");
        size_t n;
        uint8_t *want = vec_hex(vec_get(&cs[i], "dk"), &n), got[64];
        cr_assert_leq(n, sizeof got);
        pbkdf2_hmac_sha256((const uint8_t *)pw, strlen(pw), (const uint8_t *)salt, strlen(salt),
                           (uint32_t)atol(vec_get(&cs[i], "c")), got, n);
        cr_expect_arr_eq(got, want, n, "case %s", vec_get(&cs[i], "case"));
        free(want);
    }
    vec_free(cs, nc);
}

Test(random, rand_bytes_fills_large_buffers_with_distinct_draws)
{
    size_t n = 1 << 20; /* larger than one getrandom call returns for some kernels' limits */
    uint8_t *a = calloc(n, 1), *b = calloc(n, 1);
    cr_assert_eq(rand_bytes(a, n), MC_OK);
    cr_assert_eq(rand_bytes(b, n), MC_OK);
    cr_assert_neq(memcmp(a, b, 64), 0);
    /* Every byte value should occur in 1 MiB of uniform bytes (expected count 4096 each). */
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++) count[a[i]]++;
    for (int v = 0; v < 256; v++) cr_assert_gt(count[v], 3000, "byte %d seen %zu times", v, count[v]);
    cr_assert_eq(rand_bytes(a, 0), MC_OK);
    free(a);
    free(b);
}
