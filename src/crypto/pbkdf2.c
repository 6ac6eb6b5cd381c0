/* See pbkdf2.h. RFC 8018 §5.2:
 *   T_i = U_1 ⊕ U_2 ⊕ ... ⊕ U_c,  U_1 = PRF(P, S || INT(i)),  U_j = PRF(P, U_{j-1}).
 * The key P is the same in every PRF call, so the two HMAC pads are hashed once
 * (FIPS 198-1 §4: the first block of each hash is K0 ⊕ ipad or K0 ⊕ opad) and
 * each U_j costs two compressions instead of four. */
#include "crypto/pbkdf2.h"
#include "crypto/sha256.h"
#include "util/secure.h"

#include <string.h>

typedef struct {
    sha256_ctx inner, outer; /* after absorbing K0 ⊕ ipad and K0 ⊕ opad */
} hmac_pads;

static void pads_init(hmac_pads *h, const uint8_t *key, size_t klen)
{
    uint8_t k0[SHA256_BLOCK_LEN] = {0}, pad[SHA256_BLOCK_LEN];
    if (klen > SHA256_BLOCK_LEN)
        sha256(key, klen, k0);
    else if (klen)
        memcpy(k0, key, klen);
    for (int i = 0; i < SHA256_BLOCK_LEN; i++) pad[i] = k0[i] ^ 0x36;
    sha256_init(&h->inner);
    sha256_update(&h->inner, pad, sizeof pad);
    for (int i = 0; i < SHA256_BLOCK_LEN; i++) pad[i] = k0[i] ^ 0x5c;
    sha256_init(&h->outer);
    sha256_update(&h->outer, pad, sizeof pad);
    mc_wipe(k0, sizeof k0);
    mc_wipe(pad, sizeof pad);
}

/* HMAC(K, m1 || m2) from the precomputed pads. */
static void pads_mac(const hmac_pads *h, const uint8_t *m1, size_t n1, const uint8_t *m2, size_t n2,
                     uint8_t out[32])
{
    sha256_ctx c = h->inner;
    sha256_update(&c, m1, n1);
    if (n2) sha256_update(&c, m2, n2);
    sha256_final(&c, out);
    c = h->outer;
    sha256_update(&c, out, 32);
    sha256_final(&c, out);
}

void pbkdf2_hmac_sha256(const uint8_t *pass, size_t plen, const uint8_t *salt, size_t slen, uint32_t c,
                        uint8_t *dk, size_t dklen)
{
    hmac_pads h;
    pads_init(&h, pass, plen);
    uint8_t u[32], t[32];
    for (uint32_t i = 1; dklen > 0; i++) {
        uint8_t be[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        pads_mac(&h, salt, slen, be, 4, u);
        memcpy(t, u, 32);
        for (uint32_t j = 1; j < c; j++) {
            pads_mac(&h, u, 32, NULL, 0, u);
            for (int k = 0; k < 32; k++) t[k] ^= u[k];
        }
        size_t take = dklen < 32 ? dklen : 32;
        memcpy(dk, t, take);
        dk += take;
        dklen -= take;
    }
    mc_wipe(&h, sizeof h);
    mc_wipe(u, sizeof u);
    mc_wipe(t, sizeof t);
}
