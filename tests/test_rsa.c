/* RSA: Wycheproof's OAEP-SHA-256 decryption vectors, key generation per FIPS 186-5,
 * OAEP round trips and failures (wrong key, tampered ciphertext, wrong label), the
 * fault check, interoperability with the OpenSSL command line ($OPENSSL), and the
 * AVX-512 IFMA exponentiation against GMP's mpz_powm (skipped without IFMA). */
#include <criterion/criterion.h>
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/pem.h"
#include "crypto/random.h"
#include "crypto/rsa.h"
#include "crypto/rsa_ifma.h"
#include "crypto/rsa_impl.h"
#include "pk_vectors.h"

static rsa_priv *load_priv(const char *rel)
{
    rsa_priv *k = NULL;
    mc_err e = pem_read_private(vec_path(rel), &k);
    cr_assert_eq(e, MC_OK, "%s: %s", rel, mc_errmsg(e));
    return k;
}

Test(rsa_oaep, wycheproof_sha256_mgf1sha256_2048_vectors)
{
    rsa_priv *k = load_priv("tests/vectors/oaep/wycheproof_2048_sha256.pem");
    size_t nc, nvalid = 0, ninvalid = 0;
    vec_case *cs = vec_load("tests/vectors/oaep/wycheproof_2048_sha256.txt", &nc);
    cr_assert_geq(nc, 25);
    for (size_t i = 0; i < nc; i++) {
        size_t ll, ml, cl;
        uint8_t *label = vec_hex(vec_get(&cs[i], "label"), &ll), *msg = vec_hex(vec_get(&cs[i], "msg"), &ml);
        uint8_t *ct = vec_hex(vec_get(&cs[i], "ct"), &cl), out[256];
        size_t olen = sizeof out;
        const char *id = vec_get(&cs[i], "tcId");
        mc_err e = rsa_oaep_decrypt(k, label, ll, ct, cl, out, &olen);
        if (!strcmp(vec_get(&cs[i], "result"), "valid")) {
            cr_expect_eq(e, MC_OK, "tcId %s: %s", id, mc_errmsg(e));
            cr_expect(e == MC_OK && olen == ml && memcmp(out, msg, ml) == 0, "tcId %s: wrong plaintext", id);
            nvalid++;
        } else {
            cr_expect_eq(e, MC_E_AUTH, "tcId %s must fail with MC_E_AUTH, got %d", id, e);
            nvalid += 0, ninvalid++;
        }
        free(label), free(msg), free(ct);
    }
    cr_expect_geq(nvalid, 10);
    cr_expect_geq(ninvalid, 10);
    vec_free(cs, nc);
    rsa_priv_free(k);
}

Test(rsa_oaep, all_invalid_cases_give_one_and_the_same_message)
{
    rsa_priv *k = load_priv("tests/vectors/oaep/wycheproof_2048_sha256.pem");
    size_t nc;
    vec_case *cs = vec_load("tests/vectors/oaep/wycheproof_2048_sha256.txt", &nc);
    char first[256] = "";
    for (size_t i = 0; i < nc; i++) {
        if (strcmp(vec_get(&cs[i], "result"), "invalid")) continue;
        size_t ll, cl, olen = 256;
        uint8_t *label = vec_hex(vec_get(&cs[i], "label"), &ll), *ct = vec_hex(vec_get(&cs[i], "ct"), &cl);
        uint8_t out[256];
        mc_err e = rsa_oaep_decrypt(k, label, ll, ct, cl, out, &olen);
        if (!*first) snprintf(first, sizeof first, "%s", mc_errmsg(e));
        cr_expect_str_eq(mc_errmsg(e), first, "tcId %s", vec_get(&cs[i], "tcId"));
        free(label), free(ct);
    }
    vec_free(cs, nc);
    rsa_priv_free(k);
}

Test(rsa_keygen, refuses_sizes_below_2048_and_odd_sizes)
{
    rsa_priv *k = (rsa_priv *)1;
    cr_expect_eq(rsa_generate(&k, 1024), MC_E_KEY);
    cr_expect_null(k);
    cr_expect_eq(rsa_generate(&k, 2047), MC_E_KEY);
    cr_expect_eq(rsa_generate(&k, 2048 + 8), MC_E_KEY);
    cr_expect_eq(rsa_generate(&k, 16384), MC_E_KEY);
}

/* FIPS 186-5 §A.1.3 conditions, checked with plain GMP on the generated values. */
static void check_fips_properties(const rsa_priv *k, unsigned bits)
{
    unsigned pb = bits / 2;
    cr_assert_eq(mpz_sizeinbase(k->pub.n, 2), bits);
    cr_assert_eq(mpz_cmp_ui(k->pub.e, 65537), 0);
    cr_assert_eq(mpz_sizeinbase(k->p, 2), pb);
    cr_assert_eq(mpz_sizeinbase(k->q, 2), pb);
    cr_assert(mpz_tstbit(k->p, pb - 2) && mpz_tstbit(k->q, pb - 2), "top two bits set");
    cr_assert_neq(mpz_probab_prime_p(k->p, 30), 0);
    cr_assert_neq(mpz_probab_prime_p(k->q, 30), 0);
    mpz_t t, u, l;
    mpz_inits(t, u, l, NULL);
    mpz_sub(t, k->p, k->q);
    mpz_abs(t, t);
    cr_assert_gt(mpz_sizeinbase(t, 2), pb - 100, "|p - q| > 2^(nlen/2 - 100)");
    mpz_sub_ui(t, k->p, 1);
    mpz_sub_ui(u, k->q, 1);
    mpz_lcm(l, t, u);
    mpz_gcd(t, t, k->pub.e);
    cr_assert_eq(mpz_cmp_ui(t, 1), 0, "gcd(e, p-1) = 1");
    mpz_mul(t, k->pub.e, k->d);
    mpz_mod(t, t, l);
    cr_assert_eq(mpz_cmp_ui(t, 1), 0, "e*d = 1 mod lcm(p-1, q-1)");
    cr_assert_lt(mpz_cmp(k->d, l), 0, "d reduced mod lambda");
    cr_assert_gt(mpz_sizeinbase(k->d, 2), pb, "d > 2^(nlen/2)");
    mpz_clears(t, u, l, NULL);
}

static void roundtrip(const rsa_priv *k)
{
    const rsa_pub *pub = rsa_priv_public(k);
    size_t kb = rsa_pub_bytes(pub), max = rsa_oaep_max_msg(pub);
    cr_assert_eq(max, kb - 66);
    uint8_t msg[1024], ct[1024], out[1024], ct2[1024];
    cr_assert_eq(rand_bytes(msg, max), MC_OK);
    size_t lens[] = {0, 1, 16, 32, max - 1, max};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        size_t olen = sizeof out;
        cr_assert_eq(rsa_oaep_encrypt(pub, (const uint8_t *)"L", 1, msg, lens[i], ct), MC_OK);
        cr_assert_eq(rsa_oaep_encrypt(pub, (const uint8_t *)"L", 1, msg, lens[i], ct2), MC_OK);
        cr_assert_neq(memcmp(ct, ct2, kb), 0, "OAEP is randomised");
        mc_err e = rsa_oaep_decrypt(k, (const uint8_t *)"L", 1, ct, kb, out, &olen);
        cr_assert_eq(e, MC_OK, "length %zu: %s", lens[i], mc_errmsg(e));
        cr_assert_eq(olen, lens[i]);
        cr_assert_eq(memcmp(out, msg, olen), 0);
    }
    cr_assert_eq(rsa_oaep_encrypt(pub, NULL, 0, msg, max + 1, ct), MC_E_ARG);
}

Test(rsa_keygen, key_2048_meets_fips186_5_and_round_trips, .timeout = 60)
{
    rsa_priv *k;
    cr_assert_eq(rsa_generate(&k, 2048), MC_OK);
    check_fips_properties(k, 2048);
    roundtrip(k);
    rsa_priv_free(k);
}

/* The two larger sizes the issue names; one key each keeps the suite fast. */
Test(rsa_keygen, keys_3072_and_4096_meet_fips186_5_and_round_trip, .timeout = 120)
{
    unsigned sizes[] = {3072, 4096};
    for (int i = 0; i < 2; i++) {
        rsa_priv *k;
        cr_assert_eq(rsa_generate(&k, sizes[i]), MC_OK);
        check_fips_properties(k, sizes[i]);
        roundtrip(k);
        rsa_priv_free(k);
    }
}

Test(rsa_oaep, round_trip_with_openssl_generated_key)
{
    rsa_priv *k = load_priv("tests/vectors/pem/openssl_2048.pem");
    roundtrip(k);
    rsa_priv_free(k);
}

Test(rsa_oaep, tampered_ciphertext_wrong_label_and_wrong_key_fail)
{
    rsa_priv *k = load_priv("tests/vectors/pem/openssl_2048.pem");
    rsa_priv *other = load_priv("tests/vectors/oaep/wycheproof_2048_sha256.pem");
    const rsa_pub *pub = rsa_priv_public(k);
    uint8_t ct[256], out[256], msg[32] = "a 32-byte content key for AES..";
    size_t olen;
    cr_assert_eq(rsa_oaep_encrypt(pub, NULL, 0, msg, 32, ct), MC_OK);
    for (size_t i = 0; i < 256; i += 5) {
        for (int bit = 0; bit < 8; bit += 3) {
            ct[i] ^= (uint8_t)(1 << bit);
            olen = sizeof out;
            cr_assert_eq(rsa_oaep_decrypt(k, NULL, 0, ct, 256, out, &olen), MC_E_AUTH, "byte %zu bit %d", i, bit);
            ct[i] ^= (uint8_t)(1 << bit);
        }
    }
    olen = sizeof out;
    cr_assert_eq(rsa_oaep_decrypt(k, (const uint8_t *)"x", 1, ct, 256, out, &olen), MC_E_AUTH);
    olen = sizeof out;
    cr_assert_eq(rsa_oaep_decrypt(other, NULL, 0, ct, 256, out, &olen), MC_E_AUTH);
    olen = sizeof out;
    cr_assert_eq(rsa_oaep_decrypt(k, NULL, 0, ct, 255, out, &olen), MC_E_AUTH, "short ciphertext");
    olen = 31;
    cr_assert_eq(rsa_oaep_decrypt(k, NULL, 0, ct, 256, out, &olen), MC_E_AUTH, "capacity too small");
    olen = sizeof out;
    cr_assert_eq(rsa_oaep_decrypt(k, NULL, 0, ct, 256, out, &olen), MC_OK);
    cr_assert_eq(memcmp(out, msg, 32), 0);
    rsa_priv_free(k);
    rsa_priv_free(other);
}

Test(rsa_core, fault_check_refuses_a_wrong_crt_result)
{
    rsa_priv *k = load_priv("tests/vectors/pem/openssl_2048.pem");
    uint8_t in[256] = {0}, out[256];
    in[255] = 2;
    cr_assert_eq(rsa_private_op(k, in, out), MC_OK);
    /* A fault in dP (as a glitch would cause) must not release m (Boneh-DeMillo-Lipton). */
    k->dp_l[0] ^= 4;
    cr_assert_eq(rsa_private_op(k, in, out), MC_E_KEY);
    rsa_priv_free(k);
}

Test(rsa_core, private_op_inverts_public_op)
{
    rsa_priv *k = load_priv("tests/vectors/pem/openssl_2048.pem");
    uint8_t m[256], c[256], back[256];
    /* More operations than RSA_BLIND_REUSE, so the blinding pair is both squared and redrawn. */
    for (int t = 0; t < RSA_BLIND_REUSE + 8; t++) {
        cr_assert_eq(rand_bytes(m, 256), MC_OK);
        m[0] = 0;
        cr_assert_eq(rsa_public_op(rsa_priv_public(k), m, c), MC_OK);
        cr_assert_eq(rsa_private_op(k, c, back), MC_OK);
        cr_assert_eq(memcmp(m, back, 256), 0);
    }
    memset(m, 0xff, 256); /* >= n */
    cr_assert_eq(rsa_public_op(rsa_priv_public(k), m, c), MC_E_ARG);
    cr_assert_eq(rsa_private_op(k, m, c), MC_E_AUTH);
    rsa_priv_free(k);
}

/* ---- interoperability with the OpenSSL command line ---- */

static const char *openssl_or_skip(void)
{
    const char *o = getenv("OPENSSL");
    if (!o || !*o) cr_skip("OPENSSL is empty: interoperability with OpenSSL not tested");
    return o;
}

static void write_bytes(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

static size_t read_bytes(const char *path, uint8_t *b, size_t cap)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s missing", path);
    size_t n = fread(b, 1, cap, f);
    fclose(f);
    return n;
}

#define OAEP_OPTS "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256"

Test(openssl_interop, openssl_checks_our_keys_and_decrypts_our_ciphertext, .timeout = 60)
{
    const char *ossl = openssl_or_skip();
    const char *tmpdir = vec_mktemp();
    char priv[128], pub[128], ctf[128], ptf[128];
    snprintf(priv, sizeof priv, "%s/k.pem", tmpdir);
    snprintf(pub, sizeof pub, "%s/k.pub.pem", tmpdir);
    snprintf(ctf, sizeof ctf, "%s/ct.bin", tmpdir);
    snprintf(ptf, sizeof ptf, "%s/pt.bin", tmpdir);
    rsa_priv *k;
    cr_assert_eq(rsa_generate(&k, 2048), MC_OK);
    cr_assert_eq(pem_write_private(priv, k, 0), MC_OK);
    cr_assert_eq(pem_write_public(pub, rsa_priv_public(k), 0), MC_OK);
    cr_assert_eq(vec_sh("'%s' pkey -check -noout -in '%s' >/dev/null 2>&1", ossl, priv), 0,
                 "openssl pkey -check rejects our private key");
    cr_assert_eq(vec_sh("'%s' pkey -pubin -noout -in '%s' 2>/dev/null", ossl, pub), 0,
                 "openssl rejects our public key");
    /* Re-encoding by OpenSSL gives back the same bytes: our DER is canonical. */
    cr_assert_eq(vec_sh("'%s' pkey -in '%s' | cmp -s - '%s'", ossl, priv, priv), 0, "PKCS#8 differs from OpenSSL's");
    cr_assert_eq(vec_sh("'%s' pkey -pubin -in '%s' | cmp -s - '%s'", ossl, pub, pub), 0, "SPKI differs from OpenSSL's");
    uint8_t msg[190], ct[256], back[256];
    cr_assert_eq(rand_bytes(msg, sizeof msg), MC_OK);
    cr_assert_eq(rsa_oaep_encrypt(rsa_priv_public(k), NULL, 0, msg, sizeof msg, ct), MC_OK);
    write_bytes(ctf, ct, 256);
    cr_assert_eq(vec_sh("'%s' pkeyutl -decrypt -inkey '%s' -in '%s' -out '%s' " OAEP_OPTS, ossl, priv, ctf, ptf), 0);
    cr_assert_eq(read_bytes(ptf, back, sizeof back), sizeof msg);
    cr_assert_eq(memcmp(back, msg, sizeof msg), 0, "OpenSSL decrypted something else");
    rsa_priv_free(k);
    vec_rmtemp();
}

Test(openssl_interop, we_decrypt_openssl_ciphertexts_for_an_openssl_key)
{
    const char *ossl = openssl_or_skip();
    const char *tmpdir = vec_mktemp();
    const char *priv = vec_path("tests/vectors/pem/openssl_2048.pem");
    char privc[512], pubc[512], ptf[128], ctf[128], lab[128];
    snprintf(privc, sizeof privc, "%s", priv);
    snprintf(pubc, sizeof pubc, "%s", vec_path("tests/vectors/pem/openssl_2048.pub.pem"));
    snprintf(ptf, sizeof ptf, "%s/pt.bin", tmpdir);
    snprintf(ctf, sizeof ctf, "%s/ct.bin", tmpdir);
    rsa_priv *k = load_priv("tests/vectors/pem/openssl_2048.pem");
    rsa_pub *pub;
    cr_assert_eq(pem_read_public(pubc, &pub), MC_OK);
    cr_assert_eq(mpz_cmp(pub->n, k->pub.n), 0, "public file and private key disagree");
    uint8_t msg[64], ct[256], out[256];
    for (int t = 0; t < 3; t++) {
        cr_assert_eq(rand_bytes(msg, sizeof msg), MC_OK);
        write_bytes(ptf, msg, sizeof msg);
        snprintf(lab, sizeof lab, t == 2 ? "-pkeyopt rsa_oaep_label:6d656463686173" : "");
        cr_assert_eq(vec_sh("'%s' pkeyutl -encrypt -pubin -inkey '%s' -in '%s' -out '%s' " OAEP_OPTS " %s", ossl, pubc,
                        ptf, ctf, lab), 0);
        cr_assert_eq(read_bytes(ctf, ct, sizeof ct), 256);
        size_t olen = sizeof out;
        mc_err e = t == 2 ? rsa_oaep_decrypt(k, (const uint8_t *)"medchas", 7, ct, 256, out, &olen)
                          : rsa_oaep_decrypt(k, NULL, 0, ct, 256, out, &olen);
        cr_assert_eq(e, MC_OK, "%s", mc_errmsg(e));
        cr_assert_eq(olen, sizeof msg);
        cr_assert_eq(memcmp(out, msg, sizeof msg), 0);
    }
    rsa_pub_free(pub);
    rsa_priv_free(k);
    vec_rmtemp();
}

Test(openssl_interop, we_load_a_freshly_generated_openssl_key)
{
    const char *ossl = openssl_or_skip();
    const char *tmpdir = vec_mktemp();
    char p8[128], p1[128];
    snprintf(p8, sizeof p8, "%s/g.pem", tmpdir);
    snprintf(p1, sizeof p1, "%s/g1.pem", tmpdir);
    cr_assert_eq(vec_sh("'%s' genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out '%s' 2>/dev/null", ossl, p8), 0);
    cr_assert_eq(vec_sh("'%s' rsa -traditional -in '%s' -out '%s' 2>/dev/null", ossl, p8, p1), 0);
    rsa_priv *a, *b;
    cr_assert_eq(pem_read_private(p8, &a), MC_OK, "%s", mc_errmsg(MC_E_KEY));
    cr_assert_eq(pem_read_private(p1, &b), MC_OK, "PKCS#1 form");
    cr_assert_eq(mpz_cmp(a->d, b->d), 0);
    cr_assert_eq(rsa_pub_bits(rsa_priv_public(a)), 2048);
    /* and the PKCS#1 public form ("RSA PUBLIC KEY") */
    cr_assert_eq(vec_sh("'%s' rsa -in '%s' -RSAPublicKey_out -out '%s' 2>/dev/null", ossl, p8, p1), 0);
    rsa_pub *pub;
    cr_assert_eq(pem_read_public(p1, &pub), MC_OK);
    cr_assert_eq(mpz_cmp(pub->n, a->pub.n), 0);
    rsa_pub_free(pub);
    rsa_priv_free(a);
    rsa_priv_free(b);
    vec_rmtemp();
}

/* ---- the AVX-512 IFMA exponentiation (rsa_ifma.c) against GMP's mpz_powm ---- */

#if RSA_IFMA_COMPILED
static void ifma_or_skip(void)
{
    if (!rsa_ifma_available()) cr_skip_test("no AVX-512 IFMA on this processor (or MEDCHAOS_NO_ASM=1)");
}

/* One rsa_ifma_powm2 call on two (base, exponent, modulus) triples of at most `bits`
 * bits, each result checked against mpz_powm. */
static void check_pair(mpz_t b[2], mpz_t e[2], mpz_t m[2], unsigned bits, const char *what)
{
    mp_size_t n = (mp_size_t)((bits + 63) / 64);
    mp_limb_t *l = calloc((size_t)(8 * n + rsa_ifma_itch(n)), sizeof *l);
    cr_assert_not_null(l);
    mp_limb_t *lb[2] = {l, l + n}, *le[2] = {l + 2 * n, l + 3 * n}, *lm[2] = {l + 4 * n, l + 5 * n},
              *lr[2] = {l + 6 * n, l + 7 * n}, *tp = l + 8 * n;
    for (int h = 0; h < 2; h++) {
        cr_assert_eq(mpz_size(m[h]), (size_t)n, "%s: modulus fills its limbs", what);
        mpz_export(lb[h], NULL, -1, sizeof(mp_limb_t), 0, 0, b[h]);
        mpz_export(le[h], NULL, -1, sizeof(mp_limb_t), 0, 0, e[h]);
        mpz_export(lm[h], NULL, -1, sizeof(mp_limb_t), 0, 0, m[h]);
    }
    rsa_ifma_powm2(lr[0], lb[0], le[0], lm[0], lr[1], lb[1], le[1], lm[1], n, bits, tp);
    mpz_t want, got;
    mpz_inits(want, got, NULL);
    for (int h = 0; h < 2; h++) {
        mpz_powm(want, b[h], e[h], m[h]);
        mpz_import(got, (size_t)n, -1, sizeof(mp_limb_t), 0, 0, lr[h]);
        cr_assert_eq(mpz_cmp(got, want), 0, "%s, %u bits, half %d: x^e mod m differs from mpz_powm", what, bits,
                     h);
    }
    mpz_clears(want, got, NULL);
    free(l);
}

/* Random odd moduli with the top bit set, bases below them, exponents of up to the
 * modulus' length: every size from one digit to the 2048-bit limit, with the RSA
 * half sizes (1024, 1536, 2048) and sizes next to a digit or register boundary. */
Test(rsa_ifma, powm2_matches_mpz_powm_on_random_inputs, .timeout = 60)
{
    ifma_or_skip();
    unsigned sizes[] = {64, 100, 127, 192, 257, 414, 415, 416, 500, 767, 830, 831, 1000, 1023, 1024,
                        1038, 1039, 1200, 1535, 1536, 1662, 1663, 1800, 2047, 2048};
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, 20261125);
    mpz_t b[2], e[2], m[2];
    for (int h = 0; h < 2; h++) mpz_inits(b[h], e[h], m[h], NULL);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned bits = sizes[s];
        for (int t = 0; t < (bits <= 1024 ? 6 : 2); t++) {
            for (int h = 0; h < 2; h++) {
                mpz_urandomb(m[h], rs, bits);
                mpz_setbit(m[h], bits - 1);
                mpz_setbit(m[h], 0);
                mpz_urandomm(b[h], rs, m[h]);
                mpz_urandomb(e[h], rs, bits - (unsigned)(t & 1) * (bits / 2)); /* short exponents too */
            }
            check_pair(b, e, m, bits, "random");
        }
    }
    for (int h = 0; h < 2; h++) mpz_clears(b[h], e[h], m[h], NULL);
    gmp_randclear(rs);
}

/* The values where digit handling and carries go wrong first: bases 0, 1, 2 and m-1;
 * exponents 0, 1, 2, all ones and a lone top bit; moduli 2^k - 1 (every digit full,
 * long carry chains), 2^(k-1) + 1 (smallest with the top bit) and 2^k - 189. */
Test(rsa_ifma, powm2_matches_mpz_powm_on_edge_values, .timeout = 60)
{
    ifma_or_skip();
    unsigned sizes[] = {64, 1024, 1536, 2048};
    mpz_t b[2], e[2], m[2], mods[3], bases[4], exps[5];
    for (int h = 0; h < 2; h++) mpz_inits(b[h], e[h], m[h], NULL);
    for (int i = 0; i < 3; i++) mpz_init(mods[i]);
    for (int i = 0; i < 4; i++) mpz_init(bases[i]);
    for (int i = 0; i < 5; i++) mpz_init(exps[i]);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned bits = sizes[s];
        mpz_set_ui(mods[0], 0);
        mpz_setbit(mods[0], bits);
        mpz_sub_ui(mods[0], mods[0], 1); /* 2^k - 1 */
        mpz_set_ui(mods[1], 0);
        mpz_setbit(mods[1], bits - 1);
        mpz_add_ui(mods[1], mods[1], 1); /* 2^(k-1) + 1 */
        mpz_sub_ui(mods[2], mods[0], 188); /* 2^k - 189, odd, top bits set */
        for (int mi = 0; mi < 3; mi++) {
            mpz_set_ui(bases[0], 0);
            mpz_set_ui(bases[1], 1);
            mpz_set_ui(bases[2], 2);
            mpz_sub_ui(bases[3], mods[mi], 1);
            mpz_set_ui(exps[0], 0);
            mpz_set_ui(exps[1], 1);
            mpz_set_ui(exps[2], 2);
            mpz_set_ui(exps[3], 0);
            mpz_setbit(exps[3], bits);
            mpz_sub_ui(exps[3], exps[3], 1); /* all ones */
            mpz_set_ui(exps[4], 0);
            mpz_setbit(exps[4], bits - 1); /* only the top bit */
            for (int bi = 0; bi < 4; bi++)
                for (int ei = 0; ei < 5; ei++) {
                    /* half 0 takes the edge case, half 1 its mirror (so both halves see them all) */
                    mpz_set(m[0], mods[mi]);
                    mpz_set(b[0], bases[bi]);
                    mpz_set(e[0], exps[ei]);
                    mpz_set(m[1], mods[2 - mi]);
                    mpz_set(b[1], bases[3 - bi]);
                    mpz_mod(b[1], b[1], m[1]);
                    mpz_set(e[1], exps[4 - ei]);
                    check_pair(b, e, m, bits, "edge");
                }
        }
    }
    for (int h = 0; h < 2; h++) mpz_clears(b[h], e[h], m[h], NULL);
    for (int i = 0; i < 3; i++) mpz_clear(mods[i]);
    for (int i = 0; i < 4; i++) mpz_clear(bases[i]);
    for (int i = 0; i < 5; i++) mpz_clear(exps[i]);
}

/* The private operation gives the same bytes on both exponentiation paths, raw and
 * through OAEP, for OpenSSL's key and for one of each size we generate. */
Test(rsa_core, ifma_and_gmp_paths_give_identical_results, .timeout = 60)
{
    ifma_or_skip();
    rsa_priv *keys[3] = {load_priv("tests/vectors/pem/openssl_2048.pem"), NULL, NULL};
    cr_assert_eq(rsa_generate(&keys[1], 3072), MC_OK);
    cr_assert_eq(rsa_generate(&keys[2], 4096), MC_OK);
    for (int ki = 0; ki < 3; ki++) {
        const rsa_priv *k = keys[ki];
        const rsa_pub *pub = rsa_priv_public(k);
        size_t kb = rsa_pub_bytes(pub);
        cr_assert_str_eq(rsa_core_impl(k), "ifma", "the IFMA path is the default where the CPU has it");
        uint8_t in[512], a[512], b[512], msg[512], out[512];
        for (int t = 0; t < 8; t++) {
            cr_assert_eq(rand_bytes(in, kb), MC_OK);
            in[0] = 0;
            if (t == 0) memset(in, 0, kb), in[kb - 1] = 1; /* c = 1 */
            cr_assert_eq(rsa_private_op(k, in, a), MC_OK);
            rsa_core_force_gmp(1);
            cr_assert_str_eq(rsa_core_impl(k), "gmp");
            cr_assert_eq(rsa_private_op(k, in, b), MC_OK);
            rsa_core_force_gmp(0);
            cr_assert_eq(memcmp(a, b, kb), 0, "key %d, input %d: IFMA and GMP private operations differ", ki, t);
        }
        size_t max = rsa_oaep_max_msg(pub), olen;
        cr_assert_eq(rand_bytes(msg, max), MC_OK);
        cr_assert_eq(rsa_oaep_encrypt(pub, NULL, 0, msg, max, in), MC_OK);
        for (int path = 0; path < 2; path++) {
            rsa_core_force_gmp(path);
            olen = sizeof out;
            cr_assert_eq(rsa_oaep_decrypt(k, NULL, 0, in, kb, out, &olen), MC_OK);
            cr_assert_eq(olen, max);
            cr_assert_eq(memcmp(out, msg, max), 0, "key %d, %s path: OAEP round trip", ki, path ? "GMP" : "IFMA");
        }
        rsa_core_force_gmp(0);
    }
    for (int ki = 0; ki < 3; ki++) rsa_priv_free(keys[ki]);
}
#else
Test(rsa_ifma, not_built_here)
{
    cr_skip_test("rsa_ifma.c is not built (non-x86 host or --disable-x86-asm): GMP path only");
}
#endif
