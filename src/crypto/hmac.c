/* HMAC-SHA-256: H((K0 ^ opad) || H((K0 ^ ipad) || m)), FIPS 198-1 §4.
 * Keys longer than the 64-byte block are hashed first (K0 = H(K) padded). */
#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "util/secure.h"

#include <string.h>

void hmac_sha256(const uint8_t *key, size_t klen, const void *msg, size_t n, uint8_t out[32])
{
    uint8_t k0[SHA256_BLOCK_LEN] = {0}, pad[SHA256_BLOCK_LEN], inner[SHA256_DIGEST_LEN];
    if (klen > SHA256_BLOCK_LEN)
        sha256(key, klen, k0);
    else if (klen)
        memcpy(k0, key, klen);

    sha256_ctx c;
    for (int i = 0; i < SHA256_BLOCK_LEN; i++) pad[i] = k0[i] ^ 0x36; /* ipad */
    sha256_init(&c);
    sha256_update(&c, pad, sizeof pad);
    sha256_update(&c, msg, n);
    sha256_final(&c, inner);

    for (int i = 0; i < SHA256_BLOCK_LEN; i++) pad[i] = k0[i] ^ 0x5c; /* opad */
    sha256_init(&c);
    sha256_update(&c, pad, sizeof pad);
    sha256_update(&c, inner, sizeof inner);
    sha256_final(&c, out);

    mc_wipe(k0, sizeof k0);
    mc_wipe(pad, sizeof pad);
    mc_wipe(inner, sizeof inner);
}
