/* Key files: Base64 against RFC 4648 §10, PEM/DER round trips that must give back
 * OpenSSL's own files byte for byte, the strict DER reader on malformed input
 * (lengths, tags, minimal encodings, trailing bytes), key validation (1024-bit and
 * inconsistent keys), atomic writes with the right modes, and `medchaos keygen`. */
#include <criterion/criterion.h>
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/base64.h"
#include "crypto/der.h"
#include "crypto/pbes2.h"
#include "crypto/pem.h"
#include "crypto/rsa_der.h"
#include "pk_vectors.h"
#include "util/file.h"

static char *slurp(const char *rel, size_t *n)
{
    unsigned char *b;
    cr_assert_eq(mc_read_file(vec_path(rel), 1 << 20, &b, n), MC_OK, "%s", rel);
    return (char *)b;
}

Test(base64, rfc4648_vectors_both_ways)
{
    size_t nc;
    vec_case *cs = vec_load("tests/vectors/pem/rfc4648_base64.txt", &nc);
    cr_assert_eq(nc, 7);
    for (size_t i = 0; i < nc; i++) {
        const char *a = vec_get(&cs[i], "ascii"), *b = vec_get(&cs[i], "b64");
        char enc[16] = {0};
        uint8_t dec[16];
        size_t dn;
        base64_encode((const uint8_t *)a, strlen(a), enc);
        cr_expect_str_eq(enc, b, "encode '%s'", a);
        cr_expect_eq(base64_decode(b, strlen(b), dec, &dn), MC_OK);
        cr_expect(dn == strlen(a) && memcmp(dec, a, dn) == 0, "decode '%s'", b);
    }
    vec_free(cs, nc);
}

Test(base64, rejects_garbage_bad_padding_and_noncanonical_bits)
{
    const char *bad[] = {"Zm9", "Zm9v*A==", "Z===", "=Zm9", "Zg==Zm9v", "Zh==", "Zm9=", "Zm 9v", "Zg=A"};
    uint8_t out[16];
    size_t n;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_expect_eq(base64_decode(bad[i], strlen(bad[i]), out, &n), MC_E_FORMAT, "'%s' accepted", bad[i]);
    cr_expect_eq(base64_decode("Zm9v\r\nYmFy\n", 11, out, &n), MC_OK, "line breaks are allowed");
    cr_expect_eq(n, 6);
}

Test(pem, openssl_files_round_trip_byte_for_byte)
{
    const char *files[] = {"tests/vectors/pem/openssl_2048.pem", "tests/vectors/pem/openssl_2048.pub.pem"};
    for (int f = 0; f < 2; f++) {
        size_t n, tn;
        char *src = slurp(files[f], &n), *text;
        if (f == 0) {
            rsa_priv *k;
            cr_assert_eq(pem_parse_private(src, n, &k), MC_OK, "%s", mc_errmsg(MC_E_KEY));
            cr_assert_eq(pem_format_private(k, &text, &tn), MC_OK);
            rsa_priv_free(k);
        } else {
            rsa_pub *k;
            cr_assert_eq(pem_parse_public(src, n, &k), MC_OK);
            cr_assert_eq(rsa_pub_bits(k), 2048);
            cr_assert_eq(pem_format_public(k, &text, &tn), MC_OK);
            rsa_pub_free(k);
        }
        cr_expect(tn == n && memcmp(text, src, n) == 0, "%s re-encoded differently", files[f]);
        pem_free_text(text, tn);
        free(src);
    }
}

Test(pem, reads_pkcs1_rsa_private_key_form)
{
    rsa_priv *k;
    mc_err e = pem_read_private(vec_path("tests/vectors/oaep/wycheproof_2048_sha256.pem"), &k);
    cr_assert_eq(e, MC_OK, "%s", mc_errmsg(e));
    cr_assert_eq(rsa_pub_bits(rsa_priv_public(k)), 2048);
    rsa_priv_free(k);
}

Test(pem, keys_under_2048_bits_are_refused)
{
    rsa_priv *k;
    rsa_pub *p;
    mc_err e = pem_read_private(vec_path("tests/vectors/pem/openssl_1024.pem"), &k);
    cr_assert_eq(e, MC_E_KEY);
    cr_assert_str_eq(mc_errmsg(e), "RSA key of 1024 bits; 2048 or more required");
    cr_assert_null(k);
    e = pem_read_public(vec_path("tests/vectors/pem/openssl_1024.pub.pem"), &p);
    cr_assert_eq(e, MC_E_KEY);
    cr_assert_null(p);
}

Test(pem, every_truncation_is_an_error)
{
    size_t n;
    char *src = slurp("tests/vectors/pem/openssl_2048.pem", &n);
    for (size_t cut = 0; cut < n - 1; cut += 13) {
        rsa_priv *k;
        cr_assert_neq(pem_parse_private(src, cut, &k), MC_OK, "accepted %zu of %zu bytes", cut, n);
        cr_assert_null(k);
    }
    free(src);
}

Test(pem, garbled_base64_wrong_type_and_trailing_text_are_errors)
{
    size_t n;
    char *src = slurp("tests/vectors/pem/openssl_2048.pem", &n), *t = malloc(n + 64);
    rsa_priv *k;
    rsa_pub *p;
    memcpy(t, src, n);
    t[100] = '*';
    cr_expect_eq(pem_parse_private(t, n, &k), MC_E_FORMAT, "invalid base64 character");
    t[100] = src[100] == 'A' ? 'B' : 'A';
    cr_expect_neq(pem_parse_private(t, n, &k), MC_OK, "a changed key byte must not pass validation");
    memcpy(t, src, n);
    memcpy(t + n, "junk\n", 5);
    cr_expect_eq(pem_parse_private(t, n + 5, &k), MC_E_FORMAT, "trailing text");
    cr_expect_eq(pem_parse_private(src, n, &k), MC_OK);
    rsa_priv_free(k);
    cr_expect_eq(pem_parse_public(src, n, &p), MC_E_KEY, "private key where a public one is expected");
    size_t pn;
    char *pub = slurp("tests/vectors/pem/openssl_2048.pub.pem", &pn);
    cr_expect_eq(pem_parse_private(pub, pn, &k), MC_E_KEY, "public key where a private one is expected");
    const char *mism = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    cr_expect_eq(pem_parse_private(mism, strlen(mism), &k), MC_E_FORMAT, "END label differs");
    const char *enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    cr_expect_eq(pem_parse_private(enc, strlen(enc), &k), MC_E_KEY, "encrypted key without a passphrase");
    cr_expect_eq(pem_parse_private("", 0, &k), MC_E_FORMAT);
    free(pub);
    free(t);
    free(src);
}

/* The PKCS#8 DER of the OpenSSL fixture, to mutate. */
static uint8_t *fixture_der(size_t *n)
{
    size_t sn;
    char *src = slurp("tests/vectors/pem/openssl_2048.pem", &sn);
    char *b = strchr(src, '\n') + 1, *e = strstr(src, "-----END");
    uint8_t *der = malloc(sn);
    cr_assert_eq(base64_decode(b, (size_t)(e - b), der, n), MC_OK);
    free(src);
    return der;
}

static mc_err parse_mutant(const uint8_t *der, size_t n)
{
    rsa_priv *k;
    mc_err e = rsa_der_parse_pkcs8(der, n, &k);
    if (!e) rsa_priv_free(k);
    return e;
}

Test(der, strict_reader_rejects_mutated_pkcs8)
{
    size_t n;
    uint8_t *der = fixture_der(&n), *m = malloc(n + 8);
    cr_assert_eq(parse_mutant(der, n), MC_OK);
    cr_assert(der[0] == 0x30 && der[1] == 0x82 && der[4] == 0x02 && der[5] == 0x01, "fixture layout");
    size_t outer = (size_t)der[2] << 8 | der[3];

    memcpy(m, der, n);
    m[0] = 0x31; /* SET instead of SEQUENCE */
    cr_expect_eq(parse_mutant(m, n), MC_E_FORMAT, "wrong tag");
    memcpy(m, der, n);
    m[3]++; /* outer length one too long */
    cr_expect_eq(parse_mutant(m, n), MC_E_FORMAT, "length overruns");
    memcpy(m, der, n);
    m[3]--; /* one too short: the inner OCTET STRING overruns */
    cr_expect_eq(parse_mutant(m, n), MC_E_FORMAT, "length too short");
    memcpy(m, der, n);
    m[n] = 0;
    cr_expect_eq(parse_mutant(m, n + 1), MC_E_FORMAT, "trailing byte");

    /* version INTEGER 02 01 00 re-encoded as 02 81 01 00 (non-minimal length) and
     * as 02 02 00 00 (non-minimal integer); the outer length grows by one. */
    const uint8_t *alt[] = {(const uint8_t *)"\x02\x81\x01\x00", (const uint8_t *)"\x02\x02\x00\x00"};
    for (int a = 0; a < 2; a++) {
        m[0] = 0x30, m[1] = 0x82, m[2] = (uint8_t)((outer + 1) >> 8), m[3] = (uint8_t)(outer + 1);
        memcpy(m + 4, alt[a], 4);
        memcpy(m + 8, der + 7, n - 7);
        cr_expect_eq(parse_mutant(m, n + 1), MC_E_FORMAT, "non-minimal encoding %d", a);
    }
    /* Algorithm OID 1.2.840.113549.1.1.5 (sha1WithRSAEncryption) is not rsaEncryption. */
    memcpy(m, der, n);
    cr_assert_eq(m[7 + 2 + 10], 0x01);
    m[7 + 2 + 10] = 0x05;
    cr_expect_eq(parse_mutant(m, n), MC_E_KEY, "wrong algorithm");
    /* The last byte belongs to qInv: the CRT check must catch it. */
    memcpy(m, der, n);
    m[n - 1] ^= 1;
    mc_err e = parse_mutant(m, n);
    cr_expect_eq(e, MC_E_KEY);
    cr_expect(strstr(mc_errmsg(e), "qInv") != NULL, "message: %s", mc_errmsg(e));
    free(m);
    free(der);
}

Test(der, integer_and_length_rules)
{
    struct {
        const char *der;
        size_t n;
        mc_err want;
    } cases[] = {
        {"\x02\x01\x7f", 3, MC_OK},       {"\x02\x02\x00\x80", 4, MC_OK},
        {"\x02\x01\x80", 3, MC_E_FORMAT}, /* negative */
        {"\x02\x02\x00\x7f", 4, MC_E_FORMAT}, /* superfluous zero */
        {"\x02\x00", 2, MC_E_FORMAT},     /* empty */
        {"\x02\x80\x00", 3, MC_E_FORMAT}, /* indefinite */
        {"\x02\x81\x01\x05", 4, MC_E_FORMAT}, /* long form for a short length */
        {"\x02\x82\x00\x81", 4, MC_E_FORMAT}, /* leading zero length octet */
        {"\x02\x02\x01", 3, MC_E_FORMAT}, /* truncated */
        {"\x04\x01\x01", 3, MC_E_FORMAT}, /* wrong tag */
        {"\x02", 1, MC_E_FORMAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        der_reader r = {(const uint8_t *)cases[i].der, cases[i].n};
        mpz_t x;
        mpz_init(x);
        cr_expect_eq(der_read_uint(&r, x), cases[i].want, "case %zu", i);
        mpz_clear(x);
    }
}

static int mode_of(const char *p)
{
    struct stat st;
    cr_assert_eq(stat(p, &st), 0, "%s missing", p);
    return (int)(st.st_mode & 0777);
}

Test(pem, writes_are_atomic_with_0600_and_0644_and_need_force)
{
    const char *dir = vec_mktemp();
    rsa_priv *k;
    cr_assert_eq(pem_read_private(vec_path("tests/vectors/pem/openssl_2048.pem"), &k), MC_OK);
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/k.pem", dir);
    snprintf(b, sizeof b, "%s/k.pub.pem", dir);
    cr_assert_eq(pem_write_private(a, k, 0), MC_OK);
    cr_assert_eq(pem_write_public(b, rsa_priv_public(k), 0), MC_OK);
    cr_expect_eq(mode_of(a), 0600);
    cr_expect_eq(mode_of(b), 0644);
    cr_expect_eq(pem_write_private(a, k, 0), MC_E_EXISTS);
    cr_expect_eq(pem_write_public(b, rsa_priv_public(k), 0), MC_E_EXISTS);
    cr_expect_eq(pem_write_private(a, k, 1), MC_OK);
    rsa_priv *back;
    cr_expect_eq(pem_read_private(a, &back), MC_OK);
    rsa_priv_free(back);
    rsa_priv_free(k);
    vec_rmtemp();
}

Test(keygen_cli, refuses_1024_bits_keeps_files_without_force_and_writes_0600, .timeout = 60)
{
    const char *bd = getenv("MC_BUILDDIR");
    if (!bd) cr_skip("MC_BUILDDIR not set");
    const char *dir = vec_mktemp();
    char priv[128], pub[128];
    snprintf(priv, sizeof priv, "%s/id.pem", dir);
    snprintf(pub, sizeof pub, "%s/id.pub.pem", dir);
    cr_expect_eq(vec_sh("'%s/medchaos' keygen --bits 1024 -o '%s/id' 2>/dev/null", bd, dir), 2);
    cr_expect_eq(access(priv, F_OK), -1, "no output for a refused size");
    cr_expect_eq(vec_sh("'%s/medchaos' keygen --help >/dev/null", bd), 0);
    cr_assert_eq(vec_sh("'%s/medchaos' keygen --bits 2048 -o '%s/id' >/dev/null", bd, dir), 0);
    cr_expect_eq(mode_of(priv), 0600);
    cr_expect_eq(mode_of(pub), 0644);
    size_t n1, n2;
    unsigned char *before, *after;
    cr_assert_eq(mc_read_file(priv, 1 << 16, &before, &n1), MC_OK);
    cr_expect_eq(vec_sh("'%s/medchaos' keygen --bits 2048 -o '%s/id' 2>/dev/null", bd, dir), MC_E_EXISTS + 1);
    cr_assert_eq(mc_read_file(priv, 1 << 16, &after, &n2), MC_OK);
    cr_expect(n1 == n2 && memcmp(before, after, n1) == 0, "key overwritten without --force");
    free(after);
    cr_assert_eq(vec_sh("'%s/medchaos' keygen --bits=2048 --force -o '%s/id' >/dev/null", bd, dir), 0);
    cr_assert_eq(mc_read_file(priv, 1 << 16, &after, &n2), MC_OK);
    cr_expect(n1 != n2 || memcmp(before, after, n1) != 0, "--force did not replace the key");
    rsa_priv *k;
    rsa_pub *p;
    cr_expect_eq(pem_read_private(priv, &k), MC_OK);
    cr_expect_eq(pem_read_public(pub, &p), MC_OK);
    rsa_priv_free(k);
    rsa_pub_free(p);
    free(before), free(after);
    vec_rmtemp();
}

/* ---- passphrase-protected PKCS#8 (RFC 5958 §3, RFC 8018 PBES2) ---- */

static pem_pass fixture_pass(void)
{
    pem_pass p;
    cr_assert_eq(pem_pass_read(vec_path("tests/vectors/pem/passphrase.txt"), &p), MC_OK);
    cr_assert_eq(p.n, strlen("medchaos test passphrase"), "the line end is not part of the passphrase");
    return p;
}

/* The unencrypted PKCS#8 text of a key file, for byte comparisons. */
static char *plain_text_of(const rsa_priv *k, size_t *n)
{
    char *t;
    cr_assert_eq(pem_format_private(k, &t, n), MC_OK);
    return t;
}

Test(pkcs8, openssl_pkcs8_read_by_medchaos)
{
    size_t on;
    char *orig = slurp("tests/vectors/pem/openssl_2048.pem", &on);
    pem_pass pass = fixture_pass();
    const char *files[] = {"tests/vectors/pem/openssl_2048_pbes2_aes256.pem", "tests/vectors/pem/openssl_2048_pbes2_aes128.pem"};
    for (int f = 0; f < 2; f++) {
        rsa_priv *k;
        cr_assert_eq(pem_read_private_pass(vec_path(files[f]), &pass, &k), MC_OK, "%s: %s", files[f], mc_errmsg(MC_E_AUTH));
        size_t n;
        char *t = plain_text_of(k, &n);
        cr_expect(n == on && memcmp(t, orig, n) == 0, "%s: not the key OpenSSL encrypted", files[f]);
        pem_free_text(t, n);
        rsa_priv_free(k);
    }
    /* And a file OpenSSL encrypts now, when its command line is available. */
    const char *ossl = getenv("OPENSSL");
    if (ossl && *ossl) {
        const char *dir = vec_mktemp();
        char key[512]; /* vec_path's buffer is static: one path at a time */
        snprintf(key, sizeof key, "%s", vec_path("tests/vectors/pem/openssl_2048.pem"));
        cr_assert_eq(vec_sh("'%s' pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in '%s' -passout file:'%s' -out '%s/e.pem'",
                            ossl, key, vec_path("tests/vectors/pem/passphrase.txt"), dir), 0);
        char path[128];
        snprintf(path, sizeof path, "%s/e.pem", dir);
        rsa_priv *k;
        cr_assert_eq(pem_read_private_pass(path, &pass, &k), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
        rsa_priv_free(k);
        vec_rmtemp();
    }
    pem_pass_free(&pass);
    free(orig);
}

Test(pkcs8, pkcs8_encrypted_key_read_by_openssl)
{
    const char *ossl = getenv("OPENSSL");
    if (!ossl || !*ossl) cr_skip("OPENSSL not set");
    rsa_priv *k;
    cr_assert_eq(pem_read_private(vec_path("tests/vectors/pem/openssl_2048.pem"), &k), MC_OK);
    pem_pass pass = fixture_pass();
    const char *dir = vec_mktemp();
    char enc[128], dec[128];
    snprintf(enc, sizeof enc, "%s/k.pem", dir);
    snprintf(dec, sizeof dec, "%s/plain.pem", dir);
    pass.iterations = 1000;
    cr_assert_eq(pem_write_private_pass(enc, k, &pass, 0), MC_OK);
    size_t en;
    unsigned char *et;
    cr_assert_eq(mc_read_file(enc, 1 << 16, &et, &en), MC_OK);
    cr_expect(en > 37 && !memcmp(et, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38));
    cr_expect(mode_of(enc) == 0600);
    free(et);
    /* OpenSSL decrypts it (and names the scheme), and gives back OpenSSL's own file. */
    cr_assert_eq(vec_sh("'%s' pkey -in '%s' -passin file:'%s' -out '%s'", ossl, enc,
                        vec_path("tests/vectors/pem/passphrase.txt"), dec), 0);
    cr_expect_eq(vec_sh("'%s' asn1parse -in '%s' | grep -q hmacWithSHA256 && '%s' asn1parse -in '%s' | grep -q aes-256-cbc",
                        ossl, enc, ossl, enc), 0, "not PBKDF2-HMAC-SHA-256 with AES-256-CBC");
    size_t a, b;
    char *want = slurp("tests/vectors/pem/openssl_2048.pem", &a);
    unsigned char *got;
    cr_assert_eq(mc_read_file(dec, 1 << 16, &got, &b), MC_OK);
    cr_expect(a == b && memcmp(want, got, a) == 0, "OpenSSL's decryption differs from the key");
    cr_expect_neq(vec_sh("'%s' pkey -in '%s' -passin pass:wrong -out '%s' 2>/dev/null", ossl, enc, dec), 0);
    free(want), free(got);
    pem_pass_free(&pass);
    rsa_priv_free(k);
    vec_rmtemp();
}

Test(pkcs8, round_trip_with_fresh_salt_and_iv)
{
    rsa_priv *k, *back;
    cr_assert_eq(pem_read_private(vec_path("tests/vectors/pem/openssl_2048.pem"), &k), MC_OK);
    pem_pass pass = {(uint8_t *)"p", 1, 10};
    char *t1, *t2;
    size_t n1, n2;
    cr_assert_eq(pem_format_private_pass(k, &pass, &t1, &n1), MC_OK);
    cr_assert_eq(pem_format_private_pass(k, &pass, &t2, &n2), MC_OK);
    cr_expect(n1 != n2 || memcmp(t1, t2, n1) != 0, "salt and IV must be fresh");
    cr_assert_eq(pem_parse_private_pass(t1, n1, &pass, &back), MC_OK);
    size_t a, b;
    char *x = plain_text_of(k, &a), *y = plain_text_of(back, &b);
    cr_expect(a == b && !memcmp(x, y, a));
    pem_free_text(x, a), pem_free_text(y, b), pem_free_text(t1, n1), pem_free_text(t2, n2);
    rsa_priv_free(back);
    rsa_priv_free(k);
}

Test(pkcs8, wrong_passphrase_refused)
{
    rsa_priv *k;
    pem_pass wrong = {(uint8_t *)"medchaos test passphrasf", 24, 0};
    const char *f = vec_path("tests/vectors/pem/openssl_2048_pbes2_aes256.pem");
    cr_expect_eq(pem_read_private_pass(f, &wrong, &k), MC_E_AUTH);
    cr_expect(strstr(mc_errmsg(MC_E_AUTH), "wrong passphrase") != NULL, "%s", mc_errmsg(MC_E_AUTH));
    cr_expect_null(k);
    cr_expect_eq(pem_read_private(f, &k), MC_E_KEY, "no passphrase given");
    cr_expect(strstr(mc_errmsg(MC_E_KEY), "--passphrase-file") != NULL, "%s", mc_errmsg(MC_E_KEY));
    /* Many wrong passphrases: every one refused as such, none accepted by a lucky pad. */
    for (int i = 0; i < 40; i++) {
        char pw[16];
        snprintf(pw, sizeof pw, "guess %d", i);
        pem_pass p = {(uint8_t *)pw, strlen(pw), 0};
        cr_expect_eq(pem_read_private_pass(vec_path("tests/vectors/pem/openssl_2048_pbes2_aes128.pem"), &p, &k), MC_E_AUTH, "%s", pw);
    }
}

Test(pkcs8, every_truncation_and_bit_flip_of_the_encrypted_key_is_an_error)
{
    size_t n;
    char *src = slurp("tests/vectors/pem/openssl_2048_pbes2_aes128.pem", &n);
    pem_pass pass = fixture_pass();
    rsa_priv *k;
    for (size_t cut = 0; cut < n - 2; cut += 97) cr_expect_neq(pem_parse_private_pass(src, cut, &pass, &k), MC_OK, "cut %zu", cut);
    /* The DER, mutated byte by byte in its parameters (the first 90 bytes). */
    char *b = strchr(src, '\n') + 1, *e = strstr(src, "-----END");
    uint8_t *der = malloc(n);
    size_t dn;
    cr_assert_eq(base64_decode(b, (size_t)(e - b), der, &dn), MC_OK);
    for (size_t i = 0; i < 90; i++) {
        der[i] ^= 0x01;
        uint8_t *pki;
        size_t m;
        mc_err r = pbes2_decrypt(der, dn, pass.p, pass.n, &pki, &m);
        if (r == MC_OK) {
            /* A changed salt, IV or count gives another key: the result must not parse. */
            rsa_priv *kk;
            cr_expect_neq(rsa_der_parse_pkcs8(pki, m, &kk), MC_OK, "byte %zu flipped, still a key", i);
            free(pki);
        }
        der[i] ^= 0x01;
    }
    free(der);
    pem_pass_free(&pass);
    free(src);
}

static mc_err read_fixture(const char *rel)
{
    rsa_priv *k;
    pem_pass pass = fixture_pass();
    mc_err e = pem_read_private_pass(vec_path(rel), &pass, &k);
    if (!e) rsa_priv_free(k);
    pem_pass_free(&pass);
    return e;
}

Test(pem, traditional_encrypted_pem_named)
{
    cr_expect_eq(read_fixture("tests/vectors/pem/openssl_2048_traditional_aes256.pem"), MC_E_UNSUPPORTED);
    const char *m = mc_errmsg(MC_E_UNSUPPORTED);
    cr_expect(strstr(m, "Proc-Type") && strstr(m, "openssl pkcs8 -topk8"), "%s", m);
}

Test(pem, unsupported_key_kinds_named)
{
    cr_expect_eq(read_fixture("tests/vectors/pem/openssl_2048_3prime.pem"), MC_E_UNSUPPORTED);
    cr_expect(strstr(mc_errmsg(MC_E_UNSUPPORTED), "multi-prime"), "%s", mc_errmsg(MC_E_UNSUPPORTED));
    cr_expect_eq(read_fixture("tests/vectors/pem/openssl_p256_ec.pem"), MC_E_UNSUPPORTED);
    cr_expect(strstr(mc_errmsg(MC_E_UNSUPPORTED), "EC key"), "%s", mc_errmsg(MC_E_UNSUPPORTED));
    cr_expect_eq(read_fixture("tests/vectors/pem/openssl_2048_pkcs12_3des.pem"), MC_E_UNSUPPORTED);
    cr_expect(strstr(mc_errmsg(MC_E_UNSUPPORTED), "PKCS#12"), "%s", mc_errmsg(MC_E_UNSUPPORTED));
}

Test(pem, leading_text_before_begin_tolerated)
{
    size_t n;
    char *src = slurp("tests/vectors/pem/openssl_2048.pem", &n);
    /* What openssl pkcs12 -nodes -nocerts writes in front of the key. */
    static const char bag[] = "Bag Attributes\n    localKeyID: 01 00 00 00 \nKey Attributes: <No Attributes>\n";
    char *t = malloc(n + sizeof bag);
    memcpy(t, bag, sizeof bag - 1);
    memcpy(t + sizeof bag - 1, src, n);
    rsa_priv *k;
    cr_expect_eq(pem_parse_private(t, n + sizeof bag - 1, &k), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    rsa_priv_free(k);
    /* A BEGIN inside a line is not a BEGIN line. */
    t[sizeof bag - 2] = ' ';
    cr_expect_neq(pem_parse_private(t, n + sizeof bag - 1, &k), MC_OK);
    free(t);
    free(src);
}

Test(keygen_cli, passphrase_file_protects_the_key_and_decrypt_reads_it)
{
    const char *bd = getenv("MC_BUILDDIR");
    if (!bd) cr_skip("MC_BUILDDIR not set");
    const char *dir = vec_mktemp(), *pw = vec_path("tests/vectors/pem/passphrase.txt");
    cr_assert_eq(vec_sh("'%s/medchaos' keygen --bits 2048 --passphrase-file '%s' -o '%s/id' >/dev/null", bd, pw, dir), 0);
    char priv[128];
    snprintf(priv, sizeof priv, "%s/id.pem", dir);
    size_t n;
    unsigned char *t;
    cr_assert_eq(mc_read_file(priv, 1 << 16, &t, &n), MC_OK);
    cr_expect(n > 37 && !memcmp(t, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37));
    free(t);
    rsa_priv *k;
    pem_pass pass = fixture_pass();
    cr_expect_eq(pem_read_private_pass(priv, &pass, &k), MC_OK);
    rsa_priv_free(k);
    pem_pass_free(&pass);
    /* An empty passphrase file is a usage error, and writes nothing. */
    cr_expect_eq(vec_sh("printf '\\n' > '%s/empty'; '%s/medchaos' keygen --passphrase-file '%s/empty' -o '%s/x' 2>/dev/null",
                        dir, bd, dir, dir), MC_E_ARG + 1);
    snprintf(priv, sizeof priv, "%s/x.pem", dir);
    cr_expect_eq(access(priv, F_OK), -1);
    vec_rmtemp();
}
