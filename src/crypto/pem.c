/* PEM armour, RFC 7468 §2-§5: "-----BEGIN LABEL-----", base64 lines of 64
 * characters, "-----END LABEL-----". The reader is strict in the way of RFC 7468
 * §3's "strict" grammar, except that it accepts CRLF line ends and, as §5.2 asks
 * of parsers, ignores explanatory text before the BEGIN line (openssl pkcs12
 * -nodes writes "Bag Attributes" there); after the END line only white space may
 * follow, and the END label must repeat the BEGIN label. Private keys may be
 * passphrase-protected PKCS#8 (pbes2.h); the traditional OpenSSL encryption
 * (RFC 1421 Proc-Type/DEK-Info headers) is recognised and refused by name. */
#include "crypto/pem.h"
#include "crypto/base64.h"
#include "crypto/pbes2.h"
#include "crypto/rsa_der.h"
#include "util/file.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Find the block; label/llen name it, body/blen cover the base64 text. */
static mc_err pem_unwrap(const char *buf, size_t n, const char **label, size_t *llen,
                         const char **body, size_t *blen)
{
    static const char begin[] = "-----BEGIN ", end[] = "-----END ", dashes[] = "-----";
    /* The first line that starts, after blanks, with "-----BEGIN ". */
    size_t i = 0;
    for (;;) {
        while (i < n && (buf[i] == ' ' || buf[i] == '\t')) i++;
        if (n - i >= sizeof begin - 1 && memcmp(buf + i, begin, sizeof begin - 1) == 0) break;
        while (i < n && buf[i] != '\n') i++;
        if (i >= n) return mc_fail(MC_E_FORMAT, "not a PEM file (no -----BEGIN line)");
        i++;
    }
    i += sizeof begin - 1;
    size_t l0 = i;
    while (i < n && buf[i] != '-' && buf[i] != '\n') i++;
    if (n - i < 5 || memcmp(buf + i, dashes, 5) != 0 || i == l0)
        return mc_fail(MC_E_FORMAT, "PEM: malformed BEGIN line");
    *label = buf + l0;
    *llen = i - l0;
    i += 5;
    if (i < n && buf[i] == '\r') i++;
    if (i >= n || buf[i] != '\n') return mc_fail(MC_E_FORMAT, "PEM: malformed BEGIN line");
    i++;
    *body = buf + i;
    static const char proc[] = "Proc-Type:";
    if (n - i >= sizeof proc - 1 && memcmp(buf + i, proc, sizeof proc - 1) == 0)
        return mc_fail(MC_E_UNSUPPORTED, "traditional encrypted PEM (Proc-Type/DEK-Info headers) is not supported; "
                       "convert it to PKCS#8: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 "
                       "-in OLD.pem -out NEW.pem");
    /* The END line starts at the first '-' after the body. */
    size_t b0 = i;
    while (i < n && buf[i] != '-') i++;
    *blen = i - b0;
    if (n - i < sizeof end - 1 || memcmp(buf + i, end, sizeof end - 1) != 0)
        return mc_fail(MC_E_TRUNCATED, "PEM: no -----END line (file truncated?)");
    i += sizeof end - 1;
    if (n - i < *llen + 5 || memcmp(buf + i, *label, *llen) != 0 || memcmp(buf + i + *llen, dashes, 5))
        return mc_fail(MC_E_FORMAT, "PEM: END label does not match BEGIN %.*s", (int)*llen, *label);
    i += *llen + 5;
    while (i < n && is_space(buf[i])) i++;
    if (i != n) return mc_fail(MC_E_FORMAT, "PEM: %zu trailing bytes after the END line", n - i);
    return MC_OK;
}

static int label_is(const char *label, size_t llen, const char *want)
{
    return strlen(want) == llen && memcmp(label, want, llen) == 0;
}

/* Decode the block; the caller wipes and frees *der. */
static mc_err pem_decode(const char *buf, size_t n, const char **label, size_t *llen, uint8_t **der,
                         size_t *dlen)
{
    const char *body = NULL;
    size_t blen = 0;
    mc_err e = pem_unwrap(buf, n, label, llen, &body, &blen);
    if (e) return e;
    size_t cap = blen / 4 * 3 + 3;
    *der = malloc(cap);
    if (!*der) return mc_fail(MC_E_NOMEM, "out of memory");
    if ((e = base64_decode(body, blen, *der, dlen))) {
        mc_wipe(*der, cap);
        free(*der);
        *der = NULL;
    }
    return e;
}

/* EncryptedPrivateKeyInfo → PrivateKeyInfo → key. A decryption that is not a
 * PrivateKeyInfo means a wrong passphrase as surely as a bad pad does. */
static mc_err parse_encrypted(const uint8_t *der, size_t n, const pem_pass *pass, rsa_priv **priv)
{
    if (!pass || !pass->p)
        return mc_fail(MC_E_KEY, "the private key is protected by a passphrase; give it with --passphrase-file FILE");
    uint8_t *pki;
    size_t m;
    mc_err e = pbes2_decrypt(der, n, pass->p, pass->n, &pki, &m);
    if (e) return e;
    e = rsa_der_parse_pkcs8(pki, m, priv);
    if (e == MC_E_FORMAT || e == MC_E_TRUNCATED)
        e = mc_fail(MC_E_AUTH, "wrong passphrase (or the key file was modified)");
    mc_wipe(pki, m);
    free(pki);
    return e;
}

/* Parse a private key (priv set) or a public key (pub set), by the block's label. */
static mc_err pem_parse_key(const char *buf, size_t n, const pem_pass *pass, rsa_priv **priv, rsa_pub **pub)
{
    const char *label = NULL;
    size_t llen = 0, dlen = 0;
    uint8_t *der;
    mc_err e = pem_decode(buf, n, &label, &llen, &der, &dlen);
    if (e) return e;
    if (priv && label_is(label, llen, "PRIVATE KEY"))
        e = rsa_der_parse_pkcs8(der, dlen, priv);
    else if (priv && label_is(label, llen, "RSA PRIVATE KEY"))
        e = rsa_der_parse_pkcs1_private(der, dlen, priv);
    else if (priv && label_is(label, llen, "ENCRYPTED PRIVATE KEY"))
        e = parse_encrypted(der, dlen, pass, priv);
    else if (priv && label_is(label, llen, "EC PRIVATE KEY"))
        e = mc_fail(MC_E_UNSUPPORTED, "an EC key (RFC 5915) is not supported: medchaos wraps keys with RSA-OAEP "
                    "and needs an RSA key (medchaos keygen)");
    else if (pub && label_is(label, llen, "PUBLIC KEY"))
        e = rsa_der_parse_spki(der, dlen, pub);
    else if (pub && label_is(label, llen, "RSA PUBLIC KEY"))
        e = rsa_der_parse_pkcs1_public(der, dlen, pub);
    else
        e = mc_fail(MC_E_KEY, "expected a %s key, found \"%.*s\"", priv ? "private" : "public", (int)llen, label);
    mc_wipe(der, dlen);
    free(der);
    return e;
}

mc_err pem_parse_private_pass(const char *buf, size_t n, const pem_pass *pass, rsa_priv **k)
{
    *k = NULL;
    return pem_parse_key(buf, n, pass, k, NULL);
}

mc_err pem_parse_private(const char *buf, size_t n, rsa_priv **k) { return pem_parse_private_pass(buf, n, NULL, k); }

mc_err pem_parse_public(const char *buf, size_t n, rsa_pub **k)
{
    *k = NULL;
    return pem_parse_key(buf, n, NULL, NULL, k);
}

void pem_free_text(char *text, size_t n)
{
    if (text) mc_wipe(text, n + 1);
    free(text);
}

/* Armour DER bytes under label, in 64-character lines (RFC 7468 §2). */
static mc_err pem_encode(const char *label, const uint8_t *der, size_t dlen, char **text, size_t *n)
{
    size_t b64 = base64_encoded_len(dlen), lines = (b64 + 63) / 64;
    size_t cap = 2 * (strlen(label) + 16) + b64 + lines + 1;
    char *t = malloc(cap), *o = t;
    if (!t) return mc_fail(MC_E_NOMEM, "out of memory");
    o += sprintf(o, "-----BEGIN %s-----\n", label);
    char *enc = o; /* encode in place, then spread into lines from the back */
    base64_encode(der, dlen, enc);
    for (size_t l = lines; l-- > 0;) {
        size_t len = l + 1 == lines ? b64 - 64 * l : 64;
        memmove(enc + 65 * l, enc + 64 * l, len);
        enc[65 * l + len] = '\n';
    }
    o = enc + b64 + lines;
    o += sprintf(o, "-----END %s-----\n", label);
    *text = t;
    *n = (size_t)(o - t);
    return MC_OK;
}

/* Armour the DER of a private key (priv set; encrypted when pass is given) or a
 * public key, wiping the DER after. */
static mc_err pem_format_key(const rsa_priv *priv, const pem_pass *pass, const rsa_pub *pub, char **text,
                             size_t *n)
{
    uint8_t *der;
    size_t dlen;
    mc_err e = priv ? rsa_der_encode_pkcs8(priv, &der, &dlen) : rsa_der_encode_spki(pub, &der, &dlen);
    if (e) return e;
    const char *label = priv ? "PRIVATE KEY" : "PUBLIC KEY";
    if (priv && pass && pass->p) {
        uint8_t *enc;
        size_t elen;
        e = pbes2_encrypt(der, dlen, pass->p, pass->n, pass->iterations ? pass->iterations : PBES2_ITERATIONS,
                          &enc, &elen);
        mc_wipe(der, dlen);
        free(der);
        if (e) return e;
        der = enc;
        dlen = elen;
        label = "ENCRYPTED PRIVATE KEY";
    }
    e = pem_encode(label, der, dlen, text, n);
    mc_wipe(der, dlen);
    free(der);
    return e;
}

mc_err pem_format_private_pass(const rsa_priv *k, const pem_pass *pass, char **text, size_t *n)
{
    return pem_format_key(k, pass, NULL, text, n);
}
mc_err pem_format_private(const rsa_priv *k, char **text, size_t *n) { return pem_format_key(k, NULL, NULL, text, n); }
mc_err pem_format_public(const rsa_pub *k, char **text, size_t *n) { return pem_format_key(NULL, NULL, k, text, n); }

static mc_err pem_read_key(const char *path, const pem_pass *pass, rsa_priv **priv, rsa_pub **pub)
{
    unsigned char *buf;
    size_t n;
    mc_err e = mc_read_file(path, PEM_MAX_FILE, &buf, &n);
    if (e) return e;
    e = pem_parse_key((const char *)buf, n, pass, priv, pub);
    mc_wipe(buf, n);
    free(buf);
    return e;
}

mc_err pem_read_private_pass(const char *path, const pem_pass *pass, rsa_priv **k)
{
    *k = NULL;
    return pem_read_key(path, pass, k, NULL);
}

mc_err pem_read_private(const char *path, rsa_priv **k) { return pem_read_private_pass(path, NULL, k); }

mc_err pem_read_public(const char *path, rsa_pub **k)
{
    *k = NULL;
    return pem_read_key(path, NULL, NULL, k);
}

/* Private keys 0600, public keys 0644; the text is wiped after the write. */
static mc_err pem_write_key(const char *path, const rsa_priv *priv, const pem_pass *pass, const rsa_pub *pub,
                            int force)
{
    char *t;
    size_t n;
    mc_err e = pem_format_key(priv, pass, pub, &t, &n);
    if (e) return e;
    e = mc_write_file(path, t, n, priv ? 0600 : 0644, force);
    pem_free_text(t, n);
    return e;
}

mc_err pem_write_private_pass(const char *path, const rsa_priv *k, const pem_pass *pass, int force)
{
    return pem_write_key(path, k, pass, NULL, force);
}

mc_err pem_write_private(const char *path, const rsa_priv *k, int force)
{
    return pem_write_key(path, k, NULL, NULL, force);
}

mc_err pem_write_public(const char *path, const rsa_pub *k, int force)
{
    return pem_write_key(path, NULL, NULL, k, force);
}

/* Like OpenSSL's -passin file:F, the first line without its line end. */
mc_err pem_pass_read(const char *path, pem_pass *pass)
{
    memset(pass, 0, sizeof *pass);
    unsigned char *buf;
    size_t n;
    mc_err e = mc_read_file(path, PEM_MAX_PASS + 2, &buf, &n);
    if (e) return e;
    size_t len = 0;
    while (len < n && buf[len] != '\n' && buf[len] != '\r') len++;
    if (len > PEM_MAX_PASS) e = mc_fail(MC_E_TOO_LARGE, "passphrase longer than %d bytes", PEM_MAX_PASS);
    else if (len == 0) e = mc_fail(MC_E_ARG, "the passphrase file's first line is empty");
    else if ((pass->p = malloc(len))) {
        memcpy(pass->p, buf, len);
        pass->n = len;
    } else {
        e = mc_fail(MC_E_NOMEM, "out of memory");
    }
    mc_wipe(buf, n);
    free(buf);
    return e;
}

void pem_pass_free(pem_pass *pass)
{
    if (pass->p) mc_wipe(pass->p, pass->n);
    free(pass->p);
    memset(pass, 0, sizeof *pass);
}
