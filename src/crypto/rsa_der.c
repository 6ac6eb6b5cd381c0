/* See rsa_der.h. The ASN.1, with the X.690 tags der.c checks:
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER (0), algorithm AlgorithmIdentifier,
 *                                 privateKey OCTET STRING (RSAPrivateKey) }
 *   RSAPrivateKey  ::= SEQUENCE { version (0), n, e, d, p, q, dP, dQ, qInv }
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING (RSAPublicKey) }
 *   RSAPublicKey   ::= SEQUENCE { n, e }
 *   AlgorithmIdentifier for RSA: { rsaEncryption 1.2.840.113549.1.1.1, NULL } (RFC 3279 §2.3.1). */
#include "crypto/rsa_der.h"
#include "crypto/der.h"
#include "crypto/rsa_impl.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t oid_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};

/* Key kinds we are likely to meet instead of RSA, named in the error. */
static const struct {
    const char *name;
    uint8_t n, oid[9];
} other_kinds[] = {
    {"an EC key (id-ecPublicKey, RFC 5480)", 7, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}},
    {"an Ed25519 key (RFC 8410)", 3, {0x2b, 0x65, 0x70}},
    {"an Ed448 key (RFC 8410)", 3, {0x2b, 0x65, 0x71}},
    {"an X25519 key (RFC 8410)", 3, {0x2b, 0x65, 0x6e}},
    {"a DSA key", 7, {0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01}},
    {"an RSASSA-PSS-only key (RFC 4055)", 9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}},
};

static mc_err read_algorithm(der_reader *r)
{
    der_reader alg, oid, null;
    mc_err e;
    if ((e = der_read(r, DER_SEQUENCE, &alg))) return e;
    if ((e = der_read(&alg, DER_OID, &oid))) return e;
    if (oid.n != sizeof oid_rsa || memcmp(oid.p, oid_rsa, sizeof oid_rsa) != 0) {
        for (size_t i = 0; i < sizeof other_kinds / sizeof *other_kinds; i++)
            if (oid.n == other_kinds[i].n && !memcmp(oid.p, other_kinds[i].oid, oid.n))
                return mc_fail(MC_E_UNSUPPORTED, "%s is not supported: medchaos wraps keys with RSA-OAEP and "
                               "needs an RSA key (medchaos keygen)", other_kinds[i].name);
        return mc_fail(MC_E_KEY, "not an RSA key (algorithm is not rsaEncryption)");
    }
    if ((e = der_read(&alg, DER_NULL, &null))) return e;
    if (null.n) return mc_fail(MC_E_FORMAT, "DER: NULL with content");
    return der_end(&alg, "AlgorithmIdentifier");
}

static void put_algorithm(der_buf *b)
{
    der_buf alg = {0};
    der_put_tlv(&alg, DER_OID, oid_rsa, sizeof oid_rsa);
    der_put_header(&alg, DER_NULL, 0);
    der_put_wrap(b, DER_SEQUENCE, &alg);
}

mc_err rsa_der_parse_pkcs1_private(const uint8_t *der, size_t n, rsa_priv **out)
{
    *out = NULL;
    der_reader top = {der, n}, seq;
    mc_err e;
    if ((e = der_read(&top, DER_SEQUENCE, &seq))) return e;
    if ((e = der_end(&top, "RSAPrivateKey"))) return e;
    /* RFC 8017 §A.1.2: version 1 is the multi-prime form (otherPrimeInfos). */
    uint32_t version;
    if ((e = der_read_u32(&seq, &version, "RSAPrivateKey version"))) return e;
    if (version == 1)
        return mc_fail(MC_E_UNSUPPORTED, "multi-prime RSA key (RFC 8017 §A.1.2 version 1, more than two "
                       "primes) is not supported; use a two-prime key (medchaos keygen)");
    if (version != 0) return mc_fail(MC_E_UNSUPPORTED, "RSAPrivateKey version %u is not supported", version);
    rsa_priv *k = rsa_priv_alloc();
    if (!k) return mc_fail(MC_E_NOMEM, "out of memory");
    for (int f = 0; f < RSA_NFIELDS && !e; f++) e = der_read_uint(&seq, rsa_priv_field(k, f));
    if (!e) e = der_end(&seq, "RSAPrivateKey");
    if (!e) e = rsa_priv_finish(k);
    if (e) {
        rsa_priv_free(k);
        return e;
    }
    *out = k;
    return MC_OK;
}

mc_err rsa_der_parse_pkcs8(const uint8_t *der, size_t n, rsa_priv **out)
{
    *out = NULL;
    der_reader top = {der, n}, seq, oct;
    mc_err e;
    if ((e = der_read(&top, DER_SEQUENCE, &seq))) return e;
    if ((e = der_end(&top, "PrivateKeyInfo"))) return e;
    if ((e = der_read_expect_int(&seq, 0, "PrivateKeyInfo"))) return e;
    if ((e = read_algorithm(&seq))) return e;
    if ((e = der_read(&seq, DER_OCTET_STRING, &oct))) return e;
    /* Optional attributes [0] are not produced by OpenSSL for RSA; refuse them. */
    if ((e = der_end(&seq, "PrivateKeyInfo"))) return e;
    return rsa_der_parse_pkcs1_private(oct.p, oct.n, out);
}

mc_err rsa_der_parse_pkcs1_public(const uint8_t *der, size_t n, rsa_pub **out)
{
    *out = NULL;
    der_reader top = {der, n}, seq;
    mc_err e;
    if ((e = der_read(&top, DER_SEQUENCE, &seq))) return e;
    if ((e = der_end(&top, "RSAPublicKey"))) return e;
    rsa_pub *k = rsa_pub_alloc();
    if (!k) return mc_fail(MC_E_NOMEM, "out of memory");
    if (!(e = der_read_uint(&seq, k->n)) && !(e = der_read_uint(&seq, k->e)) &&
        !(e = der_end(&seq, "RSAPublicKey")))
        e = rsa_pub_finish(k);
    if (e) {
        rsa_pub_free(k);
        return e;
    }
    *out = k;
    return MC_OK;
}

mc_err rsa_der_parse_spki(const uint8_t *der, size_t n, rsa_pub **out)
{
    *out = NULL;
    der_reader top = {der, n}, seq, bits;
    mc_err e;
    if ((e = der_read(&top, DER_SEQUENCE, &seq))) return e;
    if ((e = der_end(&top, "SubjectPublicKeyInfo"))) return e;
    if ((e = read_algorithm(&seq))) return e;
    if ((e = der_read(&seq, DER_BIT_STRING, &bits))) return e;
    if ((e = der_end(&seq, "SubjectPublicKeyInfo"))) return e;
    /* The key is a whole number of octets: the "unused bits" octet is 0. */
    if (bits.n < 1 || bits.p[0] != 0) return mc_fail(MC_E_FORMAT, "DER: BIT STRING with unused bits");
    return rsa_der_parse_pkcs1_public(bits.p + 1, bits.n - 1, out);
}

static mc_err finish(der_buf *b, uint8_t **der, size_t *n)
{
    if (b->err) {
        der_buf_free(b);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    *der = b->p;
    *n = b->n;
    return MC_OK;
}

mc_err rsa_der_encode_pkcs8(const rsa_priv *k, uint8_t **der, size_t *n)
{
    der_buf rsa = {0}, body = {0}, top = {0};
    mpz_t zero;
    mpz_init(zero);
    der_put_uint(&rsa, zero);
    for (int f = 0; f < RSA_NFIELDS; f++) der_put_uint(&rsa, rsa_priv_field_c(k, f));
    mpz_clear(zero);
    der_buf inner = {0};
    der_put_wrap(&inner, DER_SEQUENCE, &rsa);
    der_put_raw(&body, "\x02\x01\x00", 3); /* version 0 */
    put_algorithm(&body);
    der_put_wrap(&body, DER_OCTET_STRING, &inner);
    der_put_wrap(&top, DER_SEQUENCE, &body);
    return finish(&top, der, n);
}

mc_err rsa_der_encode_spki(const rsa_pub *k, uint8_t **der, size_t *n)
{
    der_buf rsa = {0}, seq = {0}, body = {0}, top = {0};
    der_put_uint(&rsa, k->n);
    der_put_uint(&rsa, k->e);
    der_put_wrap(&seq, DER_SEQUENCE, &rsa);
    put_algorithm(&body);
    der_put_wrap(&body, DER_BIT_STRING, &seq);
    der_put_wrap(&top, DER_SEQUENCE, &body);
    return finish(&top, der, n);
}
