/* See pbes2.h. The ASN.1 (RFC 5958 §3, RFC 8018 §A.2, §A.4, §B.2.5; RFC 3565 §4.1):
 *   EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier,
 *                                          encryptedData OCTET STRING }
 *   encryptionAlgorithm = { id-PBES2, PBES2-params }
 *   PBES2-params  ::= SEQUENCE { keyDerivationFunc { id-PBKDF2, PBKDF2-params },
 *                                encryptionScheme  { aes256-CBC, iv OCTET STRING (16) } }
 *   PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
 *                                keyLength INTEGER OPTIONAL,
 *                                prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
 * The PKCS#5 padding is checked without branching on its bytes, and a bad pad,
 * like a decryption that is not a PrivateKeyInfo, reads as a wrong passphrase. */
#include "crypto/pbes2.h"
#include "crypto/aes.h"
#include "crypto/der.h"
#include "crypto/pbkdf2.h"
#include "crypto/random.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t oid_pbes2[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d};
static const uint8_t oid_pbkdf2[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c};
static const uint8_t oid_hmac_sha256[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09};
/* aes128-CBC, aes192-CBC, aes256-CBC: 2.16.840.1.101.3.4.1.{2,22,42}; the key
 * bytes follow from the last arc. */
static const uint8_t oid_aes_cbc_prefix[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01};

enum { SALT_BYTES = 16, IV_BYTES = 16, MAX_SALT = 1024 };

static int oid_is(const der_reader *oid, const uint8_t *want, size_t n)
{
    return oid->n == n && memcmp(oid->p, want, n) == 0;
}

/* Name the schemes OpenSSL and others write that we do not read. */
static mc_err unsupported_scheme(const der_reader *oid)
{
    static const uint8_t pkcs5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05};
    static const uint8_t pkcs12[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01};
    const char *what = "an unknown encryption scheme";
    if (oid->n == sizeof pkcs5 + 1 && !memcmp(oid->p, pkcs5, sizeof pkcs5)) what = "PBES1 (RFC 8018 §6.1)";
    if (oid->n == sizeof pkcs12 + 1 && !memcmp(oid->p, pkcs12, sizeof pkcs12)) what = "a PKCS#12 PBE scheme";
    return mc_fail(MC_E_UNSUPPORTED, "private key encrypted with %s; medchaos reads PBES2 with PBKDF2-HMAC-SHA-256 "
                   "and AES-CBC: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 converts it", what);
}

typedef struct {
    der_reader salt, iv, data;
    uint32_t iterations;
    size_t key_bytes;
} pbes2_params;

static mc_err read_pbkdf2(der_reader *kdf, pbes2_params *pp)
{
    der_reader oid, params, prf, prf_oid;
    mc_err e;
    if ((e = der_read(kdf, DER_OID, &oid))) return e;
    if (!oid_is(&oid, oid_pbkdf2, sizeof oid_pbkdf2))
        return mc_fail(MC_E_UNSUPPORTED, "PBES2 key derivation is not PBKDF2 (scrypt?); only PBKDF2 is read");
    if ((e = der_read(kdf, DER_SEQUENCE, &params)) || (e = der_end(kdf, "keyDerivationFunc"))) return e;
    if (der_peek(&params) != DER_OCTET_STRING)
        return mc_fail(MC_E_UNSUPPORTED, "PBKDF2 salt is not an OCTET STRING (otherSource is not read)");
    if ((e = der_read(&params, DER_OCTET_STRING, &pp->salt))) return e;
    if (pp->salt.n > MAX_SALT) return mc_fail(MC_E_TOO_LARGE, "PBKDF2 salt of %zu bytes", pp->salt.n);
    if ((e = der_read_u32(&params, &pp->iterations, "PBKDF2 iterationCount"))) return e;
    if (pp->iterations < 1) return mc_fail(MC_E_FORMAT, "PBKDF2 iterationCount is 0");
    if (pp->iterations > PBES2_MAX_ITERATIONS)
        return mc_fail(MC_E_TOO_LARGE, "PBKDF2 iterationCount %u exceeds the %u we accept", pp->iterations,
                       PBES2_MAX_ITERATIONS);
    if (der_peek(&params) == DER_INTEGER) {
        uint32_t kl;
        if ((e = der_read_u32(&params, &kl, "PBKDF2 keyLength"))) return e;
        if (kl != pp->key_bytes) return mc_fail(MC_E_FORMAT, "PBKDF2 keyLength %u does not match the cipher's", kl);
    }
    if (der_peek(&params) < 0)
        return mc_fail(MC_E_UNSUPPORTED, "PBKDF2 with HMAC-SHA-1 (the default PRF) is not read; "
                       "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 converts the key");
    if ((e = der_read(&params, DER_SEQUENCE, &prf)) || (e = der_end(&params, "PBKDF2-params"))) return e;
    if ((e = der_read(&prf, DER_OID, &prf_oid))) return e;
    if (!oid_is(&prf_oid, oid_hmac_sha256, sizeof oid_hmac_sha256))
        return mc_fail(MC_E_UNSUPPORTED, "PBKDF2 PRF is not hmacWithSHA256; "
                       "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 converts the key");
    if (der_peek(&prf) == DER_NULL) {
        der_reader null;
        if ((e = der_read(&prf, DER_NULL, &null))) return e;
        if (null.n) return mc_fail(MC_E_FORMAT, "DER: NULL with content");
    }
    return der_end(&prf, "PBKDF2 prf");
}

/* The cipher first (its key size is needed to check keyLength), then PBKDF2. */
static mc_err read_params(const uint8_t *der, size_t n, pbes2_params *pp)
{
    der_reader top = {der, n}, seq, alg, oid, params, kdf, enc, enc_oid;
    mc_err e;
    if ((e = der_read(&top, DER_SEQUENCE, &seq)) || (e = der_end(&top, "EncryptedPrivateKeyInfo"))) return e;
    if ((e = der_read(&seq, DER_SEQUENCE, &alg)) || (e = der_read(&seq, DER_OCTET_STRING, &pp->data)) ||
        (e = der_end(&seq, "EncryptedPrivateKeyInfo")))
        return e;
    if ((e = der_read(&alg, DER_OID, &oid))) return e;
    if (!oid_is(&oid, oid_pbes2, sizeof oid_pbes2)) return unsupported_scheme(&oid);
    if ((e = der_read(&alg, DER_SEQUENCE, &params)) || (e = der_end(&alg, "encryptionAlgorithm"))) return e;
    if ((e = der_read(&params, DER_SEQUENCE, &kdf)) || (e = der_read(&params, DER_SEQUENCE, &enc)) ||
        (e = der_end(&params, "PBES2-params")))
        return e;
    if ((e = der_read(&enc, DER_OID, &enc_oid))) return e;
    int arc = enc_oid.n == sizeof oid_aes_cbc_prefix + 1 &&
                      !memcmp(enc_oid.p, oid_aes_cbc_prefix, sizeof oid_aes_cbc_prefix)
                  ? enc_oid.p[sizeof oid_aes_cbc_prefix]
                  : -1;
    if (arc != 2 && arc != 22 && arc != 42)
        return mc_fail(MC_E_UNSUPPORTED, "PBES2 encryption scheme is not AES-CBC (DES-EDE3-CBC?); "
                       "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 converts the key");
    pp->key_bytes = arc == 2 ? 16 : arc == 22 ? 24 : 32;
    if ((e = der_read(&enc, DER_OCTET_STRING, &pp->iv)) || (e = der_end(&enc, "encryptionScheme"))) return e;
    if (pp->iv.n != IV_BYTES) return mc_fail(MC_E_FORMAT, "AES-CBC IV of %zu bytes, not 16", pp->iv.n);
    if ((e = read_pbkdf2(&kdf, pp))) return e;
    if (pp->data.n == 0 || pp->data.n % 16)
        return mc_fail(MC_E_FORMAT, "encrypted key of %zu bytes is not a whole number of AES blocks", pp->data.n);
    return MC_OK;
}

/* RFC 8018 §6.1.1 step 4 padding, 1..16 bytes of value k. Returns the unpadded
 * length, or 0 when the pad is bad; the loop reads all 16 last bytes whatever k is. */
static size_t unpad(const uint8_t *p, size_t n)
{
    unsigned k = p[n - 1], bad = (unsigned)((k - 1) >> 8) | (unsigned)((16 - k) >> 8);
    for (unsigned i = 1; i <= 16; i++) {
        unsigned in_pad = (unsigned)((k - i) >> 8) ^ 1u; /* 1 when i <= k (k, i <= 16) */
        bad |= (in_pad & 1u) * (unsigned)(p[n - i] ^ k);
    }
    return bad ? 0 : n - k;
}

mc_err pbes2_decrypt(const uint8_t *der, size_t n, const uint8_t *pass, size_t plen, uint8_t **pki,
                     size_t *pkilen)
{
    *pki = NULL;
    *pkilen = 0;
    pbes2_params pp;
    mc_err e = read_params(der, n, &pp);
    if (e) return e;
    uint8_t key[32];
    pbkdf2_hmac_sha256(pass, plen, pp.salt.p, pp.salt.n, pp.iterations, key, pp.key_bytes);
    aes_ctx c;
    uint8_t *out = malloc(pp.data.n);
    if (!out) e = mc_fail(MC_E_NOMEM, "out of memory");
    else if (!(e = aes_init(&c, key, pp.key_bytes))) {
        aes_cbc_decrypt(&c, pp.iv.p, out, pp.data.p, pp.data.n);
        aes_wipe(&c);
    }
    mc_wipe(key, sizeof key);
    size_t m = e ? 0 : unpad(out, pp.data.n);
    if (!e && m == 0) e = mc_fail(MC_E_AUTH, "wrong passphrase (or the key file was modified)");
    if (e) {
        if (out) mc_wipe(out, pp.data.n);
        free(out);
        return e;
    }
    mc_wipe(out + m, pp.data.n - m);
    *pki = out;
    *pkilen = m;
    return MC_OK;
}

mc_err pbes2_encrypt(const uint8_t *pki, size_t n, const uint8_t *pass, size_t plen, uint32_t iterations,
                     uint8_t **der, size_t *dlen)
{
    *der = NULL;
    *dlen = 0;
    if (iterations < 1 || iterations > PBES2_MAX_ITERATIONS)
        return mc_fail(MC_E_ARG, "PBKDF2 iterations must be 1 to %u", PBES2_MAX_ITERATIONS);
    uint8_t salt[SALT_BYTES], iv[IV_BYTES], key[32];
    mc_err e;
    if ((e = rand_bytes(salt, sizeof salt)) || (e = rand_bytes(iv, sizeof iv))) return e;
    size_t cn = (n / 16 + 1) * 16; /* RFC 8018 §6.1.1 step 4: 1..16 pad bytes */
    uint8_t *ct = malloc(cn);
    if (!ct) return mc_fail(MC_E_NOMEM, "out of memory");
    memcpy(ct, pki, n);
    memset(ct + n, (int)(cn - n), cn - n);
    pbkdf2_hmac_sha256(pass, plen, salt, sizeof salt, iterations, key, sizeof key);
    aes_ctx c;
    if (!(e = aes_init(&c, key, sizeof key))) {
        aes_cbc_encrypt(&c, iv, ct, ct, cn);
        aes_wipe(&c);
    }
    mc_wipe(key, sizeof key);
    if (e) {
        mc_wipe(ct, cn);
        free(ct);
        return e;
    }
    der_buf prf = {0}, kdfp = {0}, kdf = {0}, enc = {0}, params = {0}, alg = {0}, body = {0}, top = {0};
    der_put_tlv(&prf, DER_OID, oid_hmac_sha256, sizeof oid_hmac_sha256);
    der_put_header(&prf, DER_NULL, 0);
    der_put_tlv(&kdfp, DER_OCTET_STRING, salt, sizeof salt);
    der_put_u32(&kdfp, iterations);
    der_put_wrap(&kdfp, DER_SEQUENCE, &prf);
    der_put_tlv(&kdf, DER_OID, oid_pbkdf2, sizeof oid_pbkdf2);
    der_put_wrap(&kdf, DER_SEQUENCE, &kdfp);
    static const uint8_t oid_aes256_cbc[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a};
    der_put_tlv(&enc, DER_OID, oid_aes256_cbc, sizeof oid_aes256_cbc);
    der_put_tlv(&enc, DER_OCTET_STRING, iv, sizeof iv);
    der_put_wrap(&params, DER_SEQUENCE, &kdf);
    der_put_wrap(&params, DER_SEQUENCE, &enc);
    der_put_tlv(&alg, DER_OID, oid_pbes2, sizeof oid_pbes2);
    der_put_wrap(&alg, DER_SEQUENCE, &params);
    der_put_wrap(&body, DER_SEQUENCE, &alg);
    der_put_tlv(&body, DER_OCTET_STRING, ct, cn);
    der_put_wrap(&top, DER_SEQUENCE, &body);
    mc_wipe(ct, cn);
    free(ct);
    if (top.err) {
        der_buf_free(&top);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    *der = top.p;
    *dlen = top.n;
    return MC_OK;
}
