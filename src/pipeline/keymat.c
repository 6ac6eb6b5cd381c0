/* See keymat.h. Big-endian throughout so that a hex dump reads naturally. */
#include "pipeline/keymat.h"

#include <stdlib.h>
#include <string.h>

#include "chaos/cipher.h"
#include "pipeline/bytes.h"
#include "util/secure.h"

/* Room for the sequences of an h×w image of zlen bytes; k is wiped on failure. */
static mc_err keymat_alloc(keymat *k, const chaos_params *p, uint32_t h, uint32_t w, size_t zlen)
{
    k->params = *p;
    k->h = h;
    k->w = w;
    k->zlen = zlen;
    k->xindex = malloc((size_t)h * sizeof *k->xindex);
    k->yindex = malloc((size_t)w * sizeof *k->yindex);
    k->zkey = malloc(zlen ? zlen : 1);
    if (!k->xindex || !k->yindex || !k->zkey) {
        keymat_free(k);
        return mc_fail(MC_E_NOMEM, "cannot allocate key material for %ux%u", h, w);
    }
    return MC_OK;
}

mc_err keymat_derive(keymat *k, const chaos_params *p, uint32_t h, uint32_t w, size_t zlen)
{
    memset(k, 0, sizeof *k);
    mc_err e = chaos_validate(p);
    if (e) return e;
    if ((e = keymat_alloc(k, p, h, w, zlen))) return e;
    e = chaos_keys(p, h, w, zlen, k->xindex, k->yindex, k->zkey);
    if (e) keymat_free(k);
    return e;
}

mc_err keymat_derive_walk(keymat *k, chaos_params *p, uint32_t h, uint32_t w, size_t zlen)
{
    mc_err e = keymat_derive(k, p, h, w, zlen);
    for (int t = 1; e == MC_E_RANGE && p->map == CHAOS_LOGISTIC && t < 64; t++) {
        p->v[0] += (CHAOS_R_MAX - CHAOS_R_MIN) / 4099.0;
        if (p->v[0] >= CHAOS_R_MAX) p->v[0] -= CHAOS_R_MAX - CHAOS_R_MIN;
        e = keymat_derive(k, p, h, w, zlen);
    }
    return e;
}

void keymat_free(keymat *k)
{
    if (k->xindex) mc_wipe(k->xindex, (size_t)k->h * sizeof *k->xindex);
    if (k->yindex) mc_wipe(k->yindex, (size_t)k->w * sizeof *k->yindex);
    if (k->zkey) mc_wipe(k->zkey, k->zlen);
    free(k->xindex);
    free(k->yindex);
    free(k->zkey);
    mc_wipe(k, sizeof *k);
}

/* Compact: map (1 byte) + six IEEE-754 doubles. Full: the same, then
 * xindex[h] and yindex[w] as u32 and the zkey bytes (the paper's key file). */
enum { PARAMS_BYTES = 1 + 6 * 8 };

size_t keymat_serial_size(keymat_mode mode, uint32_t h, uint32_t w, size_t zlen)
{
    if (mode == KEYMAT_COMPACT) return PARAMS_BYTES;
    return PARAMS_BYTES + 4 * ((size_t)h + w) + zlen;
}

size_t keymat_size(const keymat *k, keymat_mode mode) { return keymat_serial_size(mode, k->h, k->w, k->zlen); }

void keymat_write(const keymat *k, keymat_mode mode, uint8_t *out)
{
    uint8_t *p = out;
    *p++ = (uint8_t)k->params.map;
    for (int i = 0; i < 6; i++, p += 8) be64_put(p, f64_bits(k->params.v[i]));
    if (mode == KEYMAT_COMPACT) return;
    for (uint32_t i = 0; i < k->h; i++, p += 4) be32_put(p, k->xindex[i]);
    for (uint32_t j = 0; j < k->w; j++, p += 4) be32_put(p, k->yindex[j]);
    memcpy(p, k->zkey, k->zlen);
}

mc_err keymat_read(keymat *k, keymat_mode mode, const uint8_t *buf, size_t len,
                   uint32_t h, uint32_t w, size_t zlen)
{
    memset(k, 0, sizeof *k);
    if (len < PARAMS_BYTES) return mc_fail(MC_E_FORMAT, "key material too short");
    chaos_params p;
    memset(&p, 0, sizeof p);
    p.map = (chaos_map)buf[0];
    for (int i = 0; i < 6; i++) p.v[i] = f64_from_bits(be64_get(buf + 1 + 8 * i));
    if (mode == KEYMAT_COMPACT) {
        if (len != PARAMS_BYTES) return mc_fail(MC_E_FORMAT, "compact key material has %zu bytes, expected %d", len, PARAMS_BYTES);
        return keymat_derive(k, &p, h, w, zlen);
    }
    size_t want = keymat_serial_size(mode, h, w, zlen);
    if (len != want) return mc_fail(MC_E_FORMAT, "key material has %zu bytes, expected %zu for %ux%u", len, want, h, w);
    mc_err e = keymat_alloc(k, &p, h, w, zlen);
    if (e) return e;
    const uint8_t *q = buf + PARAMS_BYTES;
    for (uint32_t i = 0; i < h; i++, q += 4) k->xindex[i] = be32_get(q);
    for (uint32_t j = 0; j < w; j++, q += 4) k->yindex[j] = be32_get(q);
    memcpy(k->zkey, q, zlen);
    e = cipher_check_perm(k->xindex, h);
    if (!e) e = cipher_check_perm(k->yindex, w);
    if (e) keymat_free(k);
    return e;
}
