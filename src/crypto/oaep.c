/* RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1, mask generation §B.2.1).
 * Decoding is constant time: every check of §7.1.2 step 3 is folded into one
 * flag with masks, the message is moved into place by a data-independent
 * rotation, and all failures return the same error after the same work, so the
 * decryptor is no padding oracle (Manger, CRYPTO 2001). */
#include "crypto/random.h"
#include "crypto/rsa_impl.h"
#include "crypto/sha256.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

#define HLEN SHA256_DIGEST_LEN

/* out ^= MGF1(seed, outlen): T = Hash(seed || C(0)) || Hash(seed || C(1)) || ... */
static void mgf1_xor(uint8_t *out, size_t outlen, const uint8_t *seed, size_t seedlen)
{
    uint8_t block[HLEN];
    for (uint32_t counter = 0; outlen; counter++) {
        uint8_t c[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16), (uint8_t)(counter >> 8),
                        (uint8_t)counter};
        sha256_ctx h;
        sha256_init(&h);
        sha256_update(&h, seed, seedlen);
        sha256_update(&h, c, 4);
        sha256_final(&h, block);
        size_t take = outlen < HLEN ? outlen : HLEN;
        for (size_t i = 0; i < take; i++) out[i] ^= block[i];
        out += take;
        outlen -= take;
    }
    mc_wipe(block, sizeof block);
}

/* Constant-time helpers on machine words: all-ones when the condition holds. */
static size_t ct_is_zero(size_t x) { return (size_t)0 - (((x | (0 - x)) >> (sizeof x * 8 - 1)) ^ 1); }
static size_t ct_eq(size_t a, size_t b) { return ct_is_zero(a ^ b); }
static size_t ct_select(size_t mask, size_t a, size_t b) { return (mask & a) | (~mask & b); }
/* a <= b for a, b < 2^(bits-1). */
static size_t ct_le(size_t a, size_t b) { return (size_t)0 - (((a - b - 1) >> (sizeof a * 8 - 1)) & 1); }

mc_err rsa_oaep_encrypt(const rsa_pub *k, const uint8_t *label, size_t llen, const uint8_t *msg,
                        size_t mlen, uint8_t *out)
{
    size_t kb = k->bytes;
    if (mlen > kb - 2 * HLEN - 2)
        return mc_fail(MC_E_ARG, "message of %zu bytes too long for OAEP with a %u-bit key (at most %zu)",
                       mlen, k->bits, kb - 2 * HLEN - 2);
    uint8_t *em = calloc(kb, 1);
    if (!em) return mc_fail(MC_E_NOMEM, "out of memory");
    /* EM = 0x00 || maskedSeed || maskedDB, DB = lHash || PS || 0x01 || M (§7.1.1 step 2). */
    uint8_t *seed = em + 1, *db = em + 1 + HLEN;
    size_t dblen = kb - HLEN - 1;
    sha256(label, llen, db);
    db[dblen - mlen - 1] = 0x01;
    memcpy(db + dblen - mlen, msg, mlen);
    mc_err e = rand_bytes(seed, HLEN);
    if (!e) {
        mgf1_xor(db, dblen, seed, HLEN);   /* maskedDB = DB xor MGF(seed) */
        mgf1_xor(seed, HLEN, db, dblen);   /* maskedSeed = seed xor MGF(maskedDB) */
        e = rsa_public_op(k, em, out);
    }
    mc_wipe(em, kb);
    free(em);
    return e;
}

static mc_err oaep_fail(void)
{
    return mc_fail(MC_E_AUTH, "OAEP decryption failed (wrong key or corrupted ciphertext)");
}

mc_err rsa_oaep_decrypt(const rsa_priv *k, const uint8_t *label, size_t llen, const uint8_t *ct,
                        size_t clen, uint8_t *msg, size_t *mlen)
{
    size_t kb = k->pub.bytes, dblen = kb - HLEN - 1;
    /* Step 1: lengths are public. */
    if (clen != kb) return oaep_fail();
    uint8_t *em = malloc(kb);
    if (!em) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = rsa_private_op(k, ct, em);
    if (e == MC_E_NOMEM || e == MC_E_RANDOM) goto out;
    if (e) {
        e = oaep_fail();
        goto out;
    }
    uint8_t *seed = em + 1, *db = em + 1 + HLEN, lhash[HLEN];
    mgf1_xor(seed, HLEN, db, dblen);
    mgf1_xor(db, dblen, seed, HLEN);
    sha256(label, llen, lhash);

    /* Step 3g: Y = 0, lHash' = lHash, then PS (zeros) and a 0x01 before M. */
    size_t good = ct_is_zero(em[0]) & ct_eq((size_t)mc_ct_equal(db, lhash, HLEN), 1);
    size_t looking = ~(size_t)0, one_at = 0;
    for (size_t i = HLEN; i < dblen; i++) {
        size_t is_one = ct_eq(db[i], 1), is_zero = ct_is_zero(db[i]);
        one_at = ct_select(looking & is_one, i, one_at);
        good &= ~(looking & ~is_one & ~is_zero); /* a byte other than 0 or 1 inside PS */
        looking &= ~is_one;
    }
    good &= ~looking;
    size_t off = one_at + 1 - HLEN, len = dblen - one_at - 1;
    size_t cap = *mlen < dblen ? *mlen : dblen; /* public clamp keeps ct_le in range */
    good &= ct_le(len, cap);

    /* Shift M to the front of the tail by `off` bytes, one power of two at a time. */
    uint8_t *tail = db + HLEN;
    size_t tl = dblen - HLEN;
    for (size_t s = 1; s < tl; s <<= 1) {
        uint8_t mask = (uint8_t)(0 - ((off / s) & 1));
        for (size_t i = 0; i < tl; i++) {
            uint8_t from = i + s < tl ? tail[i + s] : 0;
            tail[i] = (uint8_t)((tail[i] & ~mask) | (from & mask));
        }
    }
    /* Only now, with all the work done, is the verdict (public anyway) looked at. */
    MC_DECLASSIFY(&good, sizeof good);
    if (good) {
        MC_DECLASSIFY(&len, sizeof len);
        memcpy(msg, tail, len);
        *mlen = len;
        e = MC_OK;
    } else {
        e = oaep_fail();
    }
    mc_wipe(lhash, sizeof lhash);
out:
    mc_wipe(em, kb);
    free(em);
    return e;
}
