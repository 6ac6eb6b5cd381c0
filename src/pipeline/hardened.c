/* See hardened.h. The chained passes, over the n stored bytes a[0..n) after the
 * paper's permutation and XOR, with keystream bytes s[0..n):
 *   forward   t[k] = rotl3((a[k] + t[k−1]) mod 256) ⊕ s[k],        t[−1] = s[n−1]
 *   backward  c[k] = rotl5((t[k] + c[k+1]) mod 256) ⊕ s[n−1−k],    c[n]  = s[0]
 * The rotations keep a difference from travelling as one constant offset (with
 * plain addition a change of 128 would cancel in every second byte). */
#include "pipeline/hardened.h"

#include <stdlib.h>
#include <string.h>

#include "chaos/cipher.h"
#include "crypto/sha256.h"
#include "keynet/keynet.h"
#include "pipeline/bytes.h"
#include "pipeline/pipeline.h"
#include "util/secure.h"

mc_err hardened_params(const chaos_params *base, const img_image *plain, chaos_params *out)
{
    static const char label[] = "medchaos-hardened/1";
    uint8_t ih[32], d[32], v[8];
    pipe_image_hash(plain, ih);
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, label, sizeof label);
    uint8_t map = (uint8_t)base->map;
    sha256_update(&c, &map, 1);
    for (int i = 0; i < 6; i++) {
        be64_put(v, f64_bits(base->v[i]));
        sha256_update(&c, v, 8);
    }
    sha256_update(&c, ih, 32);
    sha256_final(&c, d);
    double u[3];
    for (int i = 0; i < 3; i++) u[i] = ((double)(be64_get(d + 8 * i) >> 11) + 0.5) / 9007199254740992.0;
    return keynet_unit_params(base->map, u, out);
}

static uint8_t rotl(uint8_t x, int r) { return (uint8_t)(x << r | x >> (8 - r)); }
static uint8_t rotr(uint8_t x, int r) { return (uint8_t)(x >> r | x << (8 - r)); }

void hardened_encrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                      const keymat *k)
{
    size_t n = k->zlen / 2;
    const uint8_t *s = k->zkey + n;
    cipher_encrypt(dst, src, h, w, pixel_bytes, k->xindex, k->yindex, k->zkey);
    uint8_t prev = s[n - 1];
    for (size_t i = 0; i < n; i++) prev = dst[i] = rotl((uint8_t)(dst[i] + prev), 3) ^ s[i];
    prev = s[0];
    for (size_t i = n; i-- > 0;) prev = dst[i] = rotl((uint8_t)(dst[i] + prev), 5) ^ s[n - 1 - i];
}

mc_err hardened_decrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                        const keymat *k)
{
    size_t n = k->zlen / 2;
    const uint8_t *s = k->zkey + n;
    uint8_t *t = malloc(n ? n : 1);
    if (!t) return mc_fail(MC_E_NOMEM, "out of memory");
    /* Undo the backward pass: t[k] = rotr5(c[k] ⊕ s[n−1−k]) − c[k+1]. */
    uint8_t next = s[0];
    for (size_t i = n; i-- > 0;) {
        t[i] = (uint8_t)(rotr(src[i] ^ s[n - 1 - i], 5) - next);
        next = src[i];
    }
    /* Undo the forward pass in place, front to back: a[k] = rotr3(t[k] ⊕ s[k]) − t[k−1]. */
    uint8_t prev = s[n - 1];
    for (size_t i = 0; i < n; i++) {
        uint8_t ti = t[i];
        t[i] = (uint8_t)(rotr(ti ^ s[i], 3) - prev);
        prev = ti;
    }
    cipher_decrypt(dst, t, h, w, pixel_bytes, k->xindex, k->yindex, k->zkey);
    mc_wipe(t, n);
    free(t);
    return MC_OK;
}
