/* RSA keys as DER: PKCS#8 PrivateKeyInfo (RFC 5208 §5) around RSAPrivateKey
 * (RFC 8017 §A.1.2), SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) around
 * RSAPublicKey (§A.1.1), and the bare PKCS#1 forms OpenSSL calls
 * "RSA PRIVATE KEY" / "RSA PUBLIC KEY". Parsed keys are validated. */
#ifndef MC_CRYPTO_RSA_DER_H
#define MC_CRYPTO_RSA_DER_H
#include <stddef.h>
#include <stdint.h>
#include "crypto/rsa.h"

mc_err rsa_der_parse_pkcs8(const uint8_t *der, size_t n, rsa_priv **k);
mc_err rsa_der_parse_pkcs1_private(const uint8_t *der, size_t n, rsa_priv **k);
mc_err rsa_der_parse_spki(const uint8_t *der, size_t n, rsa_pub **k);
mc_err rsa_der_parse_pkcs1_public(const uint8_t *der, size_t n, rsa_pub **k);

/* Fresh buffers (caller wipes and frees the private one). */
mc_err rsa_der_encode_pkcs8(const rsa_priv *k, uint8_t **der, size_t *n);
mc_err rsa_der_encode_spki(const rsa_pub *k, uint8_t **der, size_t *n);

#endif
