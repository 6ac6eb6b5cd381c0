/* pipeline: every variant, layout and odd size round-trips bit for bit through
 * the cipher and the envelope; every tampering, mismatch and wrong key is caught
 * before a pixel is produced. Keys are OpenSSL-made (tests/data/keys). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/pem.h"
#include "crypto/random.h"
#include "pipeline/bytes.h"
#include "image/origin.h"
#include "pipeline/hardened.h"
#include "pipeline/pipeline.h"
#include "pk_vectors.h"

static rsa_pub *pub;
static rsa_priv *priv, *other;

static void load_keys(void)
{
    char a[1024];
    const char *src = getenv("MC_SRCDIR");
    cr_assert_not_null(src, "MC_SRCDIR must point at the source tree");
    snprintf(a, sizeof a, "%s/tests/data/keys/a2048.pub.pem", src);
    cr_assert_eq(pem_read_public(a, &pub), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    snprintf(a, sizeof a, "%s/tests/data/keys/a2048.pem", src);
    cr_assert_eq(pem_read_private(a, &priv), MC_OK);
    snprintf(a, sizeof a, "%s/tests/data/keys/b2048.pem", src);
    cr_assert_eq(pem_read_private(a, &other), MC_OK);
}

static void free_keys(void)
{
    rsa_pub_free(pub);
    rsa_priv_free(priv);
    rsa_priv_free(other);
}

TestSuite(pipeline, .init = load_keys, .fini = free_keys);

static img_image random_image(uint32_t w, uint32_t h, uint8_t c, uint8_t depth)
{
    img_image im;
    cr_assert_eq(img_new(&im, w, h, c, depth), MC_OK);
    cr_assert_eq(rand_bytes(im.data, img_size_bytes(&im)), MC_OK);
    return im;
}

static chaos_params logistic(void) { return (chaos_params){CHAOS_LOGISTIC, {3.99, 0.3141592653589793}}; }
static chaos_params lorenz(void)
{
    return (chaos_params){CHAOS_LORENZ, {1.0, 1.0, 20.0, 10.0, 28.0, 8.0 / 3.0}};
}

static void header(envelope_header *h, keymat_mode mode, cipher_variant v, int aes)
{
    memset(h, 0, sizeof *h);
    h->mode = (uint8_t)mode;
    h->variant = (uint8_t)v;
    h->aes_bytes = (uint8_t)aes;
    strcpy(h->model, "manual");
    strcpy(h->meta, "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid=");
}

static void round_trip(const img_image *plain, chaos_params p, keymat_mode mode, cipher_variant v, int aes)
{
    envelope_header h, h2;
    header(&h, mode, v, aes);
    img_image cipher, back;
    uint8_t *env;
    size_t envlen;
    cr_assert_eq(pipe_encrypt(plain, &p, &h, pub, &cipher, &env, &envlen, NULL), MC_OK, "encrypt: %s",
                 mc_errmsg(MC_E_ARG));
    cr_assert_eq(cipher.width, plain->width);
    cr_assert_eq(cipher.height, plain->height);
    cr_assert_eq(cipher.channels, plain->channels);
    cr_assert_eq(cipher.depth, plain->depth);
    cr_assert_eq(pipe_decrypt(&cipher, env, envlen, priv, &h2, &back), MC_OK, "decrypt: %s",
                 mc_errmsg(MC_E_ARG));
    cr_assert_eq(memcmp(back.data, plain->data, img_size_bytes(plain)), 0,
                 "decryption is not bit-exact for %ux%u c%u d%u", plain->width, plain->height,
                 plain->channels, plain->depth);
    cr_assert_str_eq(h2.meta, h.meta);
    img_free(&cipher);
    img_free(&back);
    free(env);
}

Test(pipeline, round_trip_every_layout_and_depth_both_maps_both_modes)
{
    static const uint32_t sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {7, 3}, {13, 17}, {64, 48}};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (uint8_t c = 1; c <= 4; c++)
            for (uint8_t d = 8; d <= 16; d += 8) {
                img_image im = random_image(sizes[s][0], sizes[s][1], c, d);
                round_trip(&im, logistic(), KEYMAT_FULL, VARIANT_PAPER, 16);
                round_trip(&im, lorenz(), KEYMAT_COMPACT, VARIANT_PAPER, 16);
                round_trip(&im, logistic(), KEYMAT_COMPACT, VARIANT_HARDENED, 32);
                round_trip(&im, lorenz(), KEYMAT_FULL, VARIANT_HARDENED, 16);
                img_free(&im);
            }
}

Test(pipeline, round_trip_paper_size_2124x2056, .timeout = 60)
{
    img_image im = random_image(2124, 2056, 1, 8);
    round_trip(&im, logistic(), KEYMAT_FULL, VARIANT_PAPER, 16);
    round_trip(&im, lorenz(), KEYMAT_COMPACT, VARIANT_PAPER, 16);
    img_free(&im);
}

/* Encrypt once; return the pieces for the failure tests. */
static void sealed(img_image *plain, img_image *cipher, uint8_t **env, size_t *envlen, keymat_mode mode)
{
    *plain = random_image(31, 23, 3, 8);
    envelope_header h;
    header(&h, mode, VARIANT_PAPER, 16);
    chaos_params p = logistic();
    cr_assert_eq(pipe_encrypt(plain, &p, &h, pub, cipher, env, envlen, NULL), MC_OK);
}

Test(pipeline, cipher_differs_from_plain)
{
    img_image plain, cipher;
    uint8_t *env;
    size_t n;
    sealed(&plain, &cipher, &env, &n, KEYMAT_FULL);
    size_t same = 0;
    for (size_t i = 0; i < img_size_bytes(&plain); i++) same += plain.data[i] == cipher.data[i];
    /* A random byte matches by chance with probability 1/256. */
    cr_assert_lt(same, img_size_bytes(&plain) / 64);
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

Test(pipeline, wrong_private_key_is_a_key_error)
{
    img_image plain, cipher, out;
    uint8_t *env;
    size_t n;
    envelope_header h;
    sealed(&plain, &cipher, &env, &n, KEYMAT_FULL);
    cr_assert_eq(pipe_decrypt(&cipher, env, n, other, &h, &out), MC_E_KEY);
    cr_assert_null(out.data);
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

Test(pipeline, every_flipped_envelope_byte_is_rejected)
{
    img_image plain, cipher, out;
    uint8_t *env;
    size_t n;
    envelope_header h;
    sealed(&plain, &cipher, &env, &n, KEYMAT_COMPACT);
    for (size_t i = 0; i < n; i++) {
        env[i] ^= 0x01;
        mc_err e = pipe_decrypt(&cipher, env, n, priv, &h, &out);
        cr_assert_neq(e, MC_OK, "flipping envelope byte %zu went unnoticed", i);
        cr_assert_null(out.data);
        env[i] ^= 0x01;
    }
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

Test(pipeline, every_truncation_is_rejected)
{
    img_image plain, cipher, out;
    uint8_t *env;
    size_t n;
    envelope_header h;
    sealed(&plain, &cipher, &env, &n, KEYMAT_COMPACT);
    for (size_t len = 0; len < n; len++) {
        mc_err e = pipe_decrypt(&cipher, env, len, priv, &h, &out);
        cr_assert(e == MC_E_TRUNCATED || e == MC_E_FORMAT || e == MC_E_KEY, "length %zu gave %d", len, e);
    }
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

Test(pipeline, tampered_cipher_image_fails_authentication)
{
    img_image plain, cipher, out;
    uint8_t *env;
    size_t n;
    envelope_header h;
    sealed(&plain, &cipher, &env, &n, KEYMAT_FULL);
    cipher.data[img_size_bytes(&cipher) / 2] ^= 0x80;
    cr_assert_eq(pipe_decrypt(&cipher, env, n, priv, &h, &out), MC_E_AUTH);
    cr_assert_null(out.data);
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

Test(pipeline, envelope_of_another_image_is_detected)
{
    img_image p1, c1, p2, c2, out;
    uint8_t *e1, *e2;
    size_t n1, n2;
    envelope_header h;
    sealed(&p1, &c1, &e1, &n1, KEYMAT_FULL);
    sealed(&p2, &c2, &e2, &n2, KEYMAT_FULL);
    cr_assert_eq(pipe_decrypt(&c1, e2, n2, priv, &h, &out), MC_E_AUTH);
    img_image small = random_image(5, 5, 3, 8);
    cr_assert_eq(pipe_decrypt(&small, e1, n1, priv, &h, &out), MC_E_MISMATCH);
    img_free(&small);
    img_free(&p1);
    img_free(&c1);
    img_free(&p2);
    img_free(&c2);
    free(e1);
    free(e2);
}

Test(pipeline, unknown_version_is_reported_as_such)
{
    img_image plain, cipher, out;
    uint8_t *env;
    size_t n;
    envelope_header h;
    sealed(&plain, &cipher, &env, &n, KEYMAT_FULL);
    env[9] = 7;
    cr_assert_eq(pipe_decrypt(&cipher, env, n, priv, &h, &out), MC_E_VERSION);
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

Test(pipeline, hardened_variant_changes_everything_for_one_pixel)
{
    /* The standard differential test, in miniature: one sample +1, same base key. */
    img_image a = random_image(64, 64, 1, 8), b = random_image(64, 64, 1, 8);
    memcpy(b.data, a.data, img_size_bytes(&a));
    b.data[2000] ^= 1;
    envelope_header h;
    img_image ca, cb;
    uint8_t *ea, *eb;
    size_t na, nb;
    chaos_params p = logistic();
    header(&h, KEYMAT_FULL, VARIANT_HARDENED, 16);
    cr_assert_eq(pipe_encrypt(&a, &p, &h, pub, &ca, &ea, &na, NULL), MC_OK);
    header(&h, KEYMAT_FULL, VARIANT_HARDENED, 16);
    cr_assert_eq(pipe_encrypt(&b, &p, &h, pub, &cb, &eb, &nb, NULL), MC_OK);
    size_t diff = 0;
    for (size_t i = 0; i < img_size_bytes(&a); i++) diff += ca.data[i] != cb.data[i];
    /* Wu et al. 2011: NPCR of an ideal cipher is 255/256 = 99.61 %; 99 % is a loose floor. */
    cr_assert_gt(diff * 100, img_size_bytes(&a) * 99, "only %zu of %zu bytes changed", diff, img_size_bytes(&a));
    img_free(&a);
    img_free(&b);
    img_free(&ca);
    img_free(&cb);
    free(ea);
    free(eb);
}

Test(pipeline, paper_variant_fails_the_differential_test_by_construction)
{
    /* Plaintext-independent keys: one changed sample changes one cipher sample. */
    img_image a = random_image(64, 64, 1, 8), b;
    cr_assert_eq(img_new(&b, 64, 64, 1, 8), MC_OK);
    memcpy(b.data, a.data, img_size_bytes(&a));
    b.data[2000] ^= 1;
    chaos_params p = logistic();
    keymat k;
    cr_assert_eq(keymat_derive(&k, &p, 64, 64, img_size_bytes(&a)), MC_OK);
    img_image ca, cb;
    cr_assert_eq(pipe_apply(&a, &k, VARIANT_PAPER, 0, &ca), MC_OK);
    cr_assert_eq(pipe_apply(&b, &k, VARIANT_PAPER, 0, &cb), MC_OK);
    size_t diff = 0;
    for (size_t i = 0; i < img_size_bytes(&a); i++) diff += ca.data[i] != cb.data[i];
    cr_assert_eq(diff, 1);
    keymat_free(&k);
    img_free(&a);
    img_free(&b);
    img_free(&ca);
    img_free(&cb);
}

Test(pipeline, sealed_metadata_and_origin_come_back_and_the_clear_header_is_bare)
{
    img_image plain = random_image(9, 5, 1, 8), cipher, out;
    envelope_header h, h2;
    header(&h, KEYMAT_COMPACT, VARIANT_HARDENED, 16);
    uint8_t origin[40];
    for (size_t i = 0; i < sizeof origin; i++) origin[i] = (uint8_t)(i * 7);
    h.origin = origin;
    h.origin_len = sizeof origin;
    chaos_params p = lorenz();
    uint8_t *env;
    size_t n;
    cr_assert_eq(pipe_encrypt(&plain, &p, &h, pub, &cipher, &env, &n, NULL), MC_OK);
    envelope_header clear;
    cr_assert_eq(envelope_read_header(env, n, &clear), MC_OK);
    cr_expect_eq(clear.version, ENVELOPE_VERSION);
    cr_expect_str_empty(clear.meta, "metadata in the clear header");
    cr_assert_eq(pipe_decrypt(&cipher, env, n, priv, &h2, &out), MC_OK);
    cr_expect_str_eq(h2.meta, h.meta);
    cr_assert_eq(h2.origin_len, sizeof origin);
    cr_expect_arr_eq(h2.origin, origin, sizeof origin);
    envelope_header_clear(&h2);
    img_free(&out);
    /* Version 2 with metadata in the clear is malformed, not silently read. */
    size_t clear_end = 12 + be16_get(env + 10);
    env[clear_end - 1] = 1;
    cr_expect_eq(envelope_read_header(env, n, &clear), MC_E_FORMAT);
    img_free(&plain);
    img_free(&cipher);
    free(env);
}

/* docs/FORMAT.md §6 worked example and a 16-bit RGB one, as written by the
 * independent tests/gen_hardened_vectors.py from that text. */
static void check_hardened_vector(const char *rel)
{
    size_t nc;
    vec_case *cs = vec_load(rel, &nc);
    cr_assert_eq(nc, 1);
    const vec_case *v = &cs[0];
    unsigned w, h, ch, depth;
    cr_assert_eq(sscanf(vec_get(v, "geometry"), "%u %u %u %u", &w, &h, &ch, &depth), 4);
    img_image plain;
    cr_assert_eq(img_new(&plain, w, h, (uint8_t)ch, (uint8_t)depth), MC_OK);
    size_t n, m;
    uint8_t *b = vec_hex(vec_get(v, "plain"), &n);
    cr_assert_eq(n, img_size_bytes(&plain));
    memcpy(plain.data, b, n);
    free(b);
    uint8_t ih[32];
    pipe_image_hash(&plain, ih);
    b = vec_hex(vec_get(v, "image_hash"), &m);
    cr_expect_arr_eq(ih, b, 32, "%s: image hash (FORMAT.md §4)", rel);
    free(b);
    chaos_params base = {CHAOS_LOGISTIC, {f64_from_bits(strtoull(vec_get(v, "base_r"), NULL, 16)),
                                          f64_from_bits(strtoull(vec_get(v, "base_x0"), NULL, 16))}};
    chaos_params p;
    cr_assert_eq(hardened_params(&base, &plain, &p), MC_OK);
    cr_expect_eq(f64_bits(p.v[0]), strtoull(vec_get(v, "r"), NULL, 16), "%s: derived r = %.17g", rel, p.v[0]);
    cr_expect_eq(f64_bits(p.v[1]), strtoull(vec_get(v, "x0"), NULL, 16), "%s: derived x0 = %.17g", rel, p.v[1]);
    keymat k;
    cr_assert_eq(keymat_derive_walk(&k, &p, h, w, 2 * n), MC_OK);
    char *q = (char *)vec_get(v, "xindex");
    for (uint32_t i = 0; i < h; i++) cr_expect_eq(k.xindex[i], (uint32_t)strtoul(q, &q, 10), "%s: xindex[%u]", rel, i);
    q = (char *)vec_get(v, "yindex");
    for (uint32_t j = 0; j < w; j++) cr_expect_eq(k.yindex[j], (uint32_t)strtoul(q, &q, 10), "%s: yindex[%u]", rel, j);
    b = vec_hex(vec_get(v, "zkey"), &m);
    cr_assert_eq(m, 2 * n, "%s: the compact keystream has 2N bytes", rel);
    cr_expect_arr_eq(k.zkey, b, m, "%s: zkey", rel);
    free(b);
    img_image c, back;
    cr_assert_eq(pipe_apply(&plain, &k, VARIANT_HARDENED, 0, &c), MC_OK);
    b = vec_hex(vec_get(v, "cipher"), &m);
    cr_expect_arr_eq(c.data, b, n, "%s: cipher bytes", rel);
    free(b);
    cr_assert_eq(pipe_apply(&c, &k, VARIANT_HARDENED, 1, &back), MC_OK);
    cr_expect_arr_eq(back.data, plain.data, n);
    img_free(&c), img_free(&back), img_free(&plain);
    keymat_free(&k);
    vec_free(cs, nc);
}

Test(pipeline, hardened_variant_matches_the_format_md_worked_example)
{
    check_hardened_vector("tests/vectors/hardened/example_gray8.txt");
    check_hardened_vector("tests/vectors/hardened/example_rgb16.txt");
}

Test(pipeline, sealed_part_written_from_format_md_by_python_is_read)
{
    /* fuzz/make_corpus.py builds this sealed part from docs/FORMAT.md §3.1-§3.2
     * (after 4 bytes of padding the harness skips): compact logistic key
     * material, the canonical string, an origin record with one tEXt chunk. */
    char path[1024];
    snprintf(path, sizeof path, "%s/fuzz/corpus/envelope/sealed_v2.bin", getenv("MC_SRCDIR"));
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    uint8_t buf[512];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    envelope_header h = {.version = ENVELOPE_VERSION, .map = 1, .mode = KEYMAT_COMPACT, .width = 2, .height = 2,
                         .channels = 1, .depth = 8};
    keymat k;
    cr_assert_eq(envelope_read_sealed(buf + 4, n - 4, &h, &k), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_expect_str_eq(h.meta, "medchaos-meta/1;2004-08-26T10:11:12.000000;tz=+02:00;uid=1.2.840.1");
    cr_expect_eq(k.params.v[0], 3.99);
    img_origin o;
    cr_assert_eq(img_origin_parse(h.origin, h.origin_len, &o), MC_OK);
    cr_expect(o.depth == 8 && o.colour == 0 && o.nchunks == 1 && !memcmp(o.chunks[0].type, "tEXt", 4) &&
              o.chunks[0].len == 7 && o.chunks[0].place == IMG_BEFORE_PLTE);
    img_origin_free(&o);
    envelope_header_clear(&h);
    keymat_free(&k);
    /* One byte short is malformed; one more is an attachment (FORMAT.md §7),
     * which the image reader refuses and the attached reader hands out. */
    cr_expect_eq(envelope_read_sealed(buf + 4, n - 5, &h, &k), MC_E_FORMAT);
    buf[n] = 0x5a;
    cr_expect_eq(envelope_read_sealed(buf + 4, n - 3, &h, &k), MC_E_UNSUPPORTED);
    uint8_t *att;
    size_t natt;
    cr_assert_eq(envelope_read_sealed_attached(buf + 4, n - 3, &h, &k, &att, &natt), MC_OK);
    cr_expect(natt == 1 && att[0] == 0x5a, "the byte after the origin record is the attachment");
    free(att);
    envelope_header_clear(&h);
    keymat_free(&k);
}
