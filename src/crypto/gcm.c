/* AES-GCM, SP 800-38D §7: the pre-counter block J0, GCTR encryption and the GHASH tag.
 * Decryption authenticates first and decrypts only if the tag matches, so a forged
 * message never yields plaintext. GHASH is in gcm_ghash.c (portable) and gcm_clmul.c
 * (PCLMULQDQ, with the fused AES-NI encryption loop). */
#include "crypto/gcm.h"

#include <string.h>

#include "crypto/cpu.h"
#include "crypto/gcm_ghash.h"
#include "util/secure.h"

typedef struct {
    aes_ctx aes;
    gcm_ghash gh;
    uint8_t j0[16]; /* pre-counter block J0 (§7.1 step 2) */
} gcm_state;

/* §7.1 steps 1-2: H = CIPH_K(0^128); J0 = IV || 0^31 || 1 for a 96-bit IV, else
 * J0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64). */
static mc_err gcm_setup(gcm_state *s, aes_impl impl, const uint8_t *key, size_t keylen,
                        const uint8_t *iv, size_t ivlen, size_t aadlen, size_t len)
{
    if (ivlen == 0) return mc_fail(MC_E_ARG, "GCM IV must not be empty (SP 800-38D §5.2.1.1)");
    if ((uint64_t)len > GCM_MAX_LEN)
        return mc_fail(MC_E_TOO_LARGE, "GCM message of %zu bytes exceeds 2^39-256 bits", len);
    if ((uint64_t)aadlen >> 61)
        return mc_fail(MC_E_TOO_LARGE, "GCM additional data of %zu bytes exceeds 2^64-1 bits", aadlen);
    mc_err e = aes_init_impl(&s->aes, key, keylen, impl);
    if (e != MC_OK) return e;

    cpu_features f = cpu_get();
    int clmul = s->aes.impl == AES_IMPL_AESNI && f.pclmul;
    uint8_t h[16] = {0};
    aes_encrypt_block(&s->aes, h, h);
    ghash_init(&s->gh, h, clmul);
    mc_wipe(h, sizeof h);

    if (ivlen == 12) {
        memcpy(s->j0, iv, 12);
        memset(s->j0 + 12, 0, 3);
        s->j0[15] = 1;
    } else {
        ghash_update(&s->gh, iv, ivlen);
        ghash_final(&s->gh, 0, ivlen, s->j0); /* the 0^64 || [len(IV)]_64 block */
        memset(s->gh.y, 0, 16);               /* start the tag's GHASH afresh */
    }
    return MC_OK;
}

/* §7.1 step 6: T = MSB_128(GCTR_K(J0, S)) = CIPH_K(J0) xor S, with S the GHASH of
 * A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64 (step 5). */
static void gcm_tag(gcm_state *s, size_t aadlen, size_t len, uint8_t tag[16])
{
    uint8_t ek[16], sum[16];
    ghash_final(&s->gh, aadlen, len, sum);
    aes_encrypt_block(&s->aes, ek, s->j0);
    for (int i = 0; i < 16; i++) tag[i] = ek[i] ^ sum[i];
    mc_wipe(ek, sizeof ek);
    mc_wipe(sum, sizeof sum);
}

/* inc32(J0), the first counter block used for the data (§7.1 step 3). */
static void first_counter(const gcm_state *s, uint8_t ctr[16])
{
    memcpy(ctr, s->j0, 16);
    for (int i = 15; i >= 12; i--)
        if (++ctr[i] != 0) break;
}

mc_err gcm_encrypt_impl(aes_impl impl, const uint8_t *key, size_t keylen, const uint8_t *iv,
                        size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *pt,
                        size_t len, uint8_t *ct, uint8_t tag[16])
{
    gcm_state s;
    mc_err e = gcm_setup(&s, impl, key, keylen, iv, ivlen, aadlen, len);
    if (e == MC_OK) {
        uint8_t ctr[16];
        first_counter(&s, ctr);
        ghash_update(&s.gh, aad, aadlen);
        if (len > 0) {
            size_t done = 0;
#if CPU_X86_PATHS
            if (s.gh.clmul) done = gcm_clmul_encrypt(&s.aes, &s.gh, ctr, ct, pt, len);
#endif
            aes_ctr_xor(&s.aes, ctr, ct + done, pt + done, len - done); /* step 3: C = GCTR(P) */
            ghash_update(&s.gh, ct + done, len - done);
        }
        gcm_tag(&s, aadlen, len, tag);
    }
    mc_wipe(&s, sizeof s);
    return e;
}

mc_err gcm_decrypt_impl(aes_impl impl, const uint8_t *key, size_t keylen, const uint8_t *iv,
                        size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *ct,
                        size_t len, const uint8_t tag[16], uint8_t *pt)
{
    gcm_state s;
    mc_err e = gcm_setup(&s, impl, key, keylen, iv, ivlen, aadlen, len);
    if (e == MC_OK) {
        /* §7.2 steps 5-8: recompute the tag from A and C and compare in constant time. */
        uint8_t want[16];
        ghash_update(&s.gh, aad, aadlen);
        ghash_update(&s.gh, ct, len);
        gcm_tag(&s, aadlen, len, want);
        if (!mc_ct_equal(want, tag, 16)) {
            e = mc_fail(MC_E_AUTH, "GCM tag mismatch: wrong key or altered data");
        } else {
            uint8_t ctr[16];
            first_counter(&s, ctr);
            aes_ctr_xor(&s.aes, ctr, pt, ct, len); /* step 4: P = GCTR(inc32(J0), C) */
        }
        mc_wipe(want, sizeof want);
    }
    if (e != MC_OK && pt && len) memset(pt, 0, len);
    mc_wipe(&s, sizeof s);
    return e;
}

mc_err gcm_encrypt(const uint8_t *key, size_t keylen, const uint8_t *iv, size_t ivlen,
                   const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t len,
                   uint8_t *ct, uint8_t tag[16])
{
    return gcm_encrypt_impl(AES_IMPL_AUTO, key, keylen, iv, ivlen, aad, aadlen, pt, len, ct, tag);
}

mc_err gcm_decrypt(const uint8_t *key, size_t keylen, const uint8_t *iv, size_t ivlen,
                   const uint8_t *aad, size_t aadlen, const uint8_t *ct, size_t len,
                   const uint8_t tag[16], uint8_t *pt)
{
    return gcm_decrypt_impl(AES_IMPL_AUTO, key, keylen, iv, ivlen, aad, aadlen, ct, len, tag, pt);
}
