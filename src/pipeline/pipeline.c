/* See pipeline.h. */
#include "pipeline/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "chaos/cipher.h"
#include "crypto/sha256.h"
#include "pipeline/hardened.h"
#include "pipeline/bytes.h"

void pipe_image_hash(const img_image *im, uint8_t out[32])
{
    uint8_t geo[10];
    be32_put(geo, im->width);
    be32_put(geo + 4, im->height);
    geo[8] = im->channels;
    geo[9] = im->depth;
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, geo, sizeof geo);
    sha256_update(&c, im->data, img_size_bytes(im));
    sha256_final(&c, out);
}

mc_err pipe_apply(const img_image *in, const keymat *k, cipher_variant v, int decrypt, img_image *out)
{
    size_t want = img_size_bytes(in) * (v == VARIANT_HARDENED ? 2 : 1);
    if (k->h != in->height || k->w != in->width || k->zlen != want)
        return mc_fail(MC_E_MISMATCH, "key material is for %ux%u (%zu bytes), image is %ux%u (%zu bytes)",
                       k->w, k->h, k->zlen, in->width, in->height, want);
    mc_err e = img_new(out, in->width, in->height, in->channels, in->depth);
    if (e) return e;
    size_t pb = img_pixel_bytes(in);
    if (v == VARIANT_HARDENED && decrypt)
        e = hardened_decrypt(out->data, in->data, in->height, in->width, pb, k);
    else if (v == VARIANT_HARDENED)
        hardened_encrypt(out->data, in->data, in->height, in->width, pb, k);
    else
        (decrypt ? cipher_decrypt : cipher_encrypt)(out->data, in->data, in->height, in->width, pb,
                                                    k->xindex, k->yindex, k->zkey);
    if (e) img_free(out);
    return e;
}

mc_err pipe_encrypt(const img_image *plain, const chaos_params *params, envelope_header *hdr,
                    const rsa_pub *pub, img_image *cipher, uint8_t **env, size_t *envlen, chaos_params *used)
{
    return pipe_encrypt_attached(plain, params, hdr, NULL, 0, pub, cipher, env, envlen, used);
}

mc_err pipe_encrypt_attached(const img_image *plain, const chaos_params *params, envelope_header *hdr,
                             const uint8_t *att, size_t natt, const rsa_pub *pub, img_image *cipher,
                             uint8_t **env, size_t *envlen, chaos_params *used)
{
    memset(cipher, 0, sizeof *cipher);
    hdr->version = ENVELOPE_VERSION;
    hdr->map = (uint8_t)params->map;
    hdr->width = plain->width;
    hdr->height = plain->height;
    hdr->channels = plain->channels;
    hdr->depth = plain->depth;
    cipher_variant v = (cipher_variant)hdr->variant;
    chaos_params p = *params;
    mc_err e = v == VARIANT_HARDENED ? hardened_params(params, plain, &p) : MC_OK;
    if (e) return e;
    keymat k;
    size_t zlen = img_size_bytes(plain) * (v == VARIANT_HARDENED ? 2 : 1);
    e = keymat_derive_walk(&k, &p, plain->height, plain->width, zlen);
    if (e) return e;
    if (used) *used = p;
    e = pipe_apply(plain, &k, v, 0, cipher);
    if (!e) {
        uint8_t hash[32];
        pipe_image_hash(cipher, hash);
        e = envelope_seal_attached(hdr, &k, att, natt, pub, hash, env, envlen);
    }
    keymat_free(&k);
    if (e) img_free(cipher);
    return e;
}

mc_err pipe_decrypt(const img_image *cipher, const uint8_t *env, size_t envlen,
                    const rsa_priv *priv, envelope_header *hdr, img_image *plain)
{
    return pipe_decrypt_attached(cipher, env, envlen, priv, hdr, plain, NULL, NULL);
}

mc_err pipe_decrypt_attached(const img_image *cipher, const uint8_t *env, size_t envlen, const rsa_priv *priv,
                             envelope_header *hdr, img_image *plain, uint8_t **att, size_t *natt)
{
    memset(plain, 0, sizeof *plain);
    if (att) {
        *att = NULL;
        *natt = 0;
    }
    mc_err e = envelope_read_header(env, envlen, hdr);
    if (e) return e;
    /* Geometry first: a clearer message than an authentication failure. */
    if (hdr->width != cipher->width || hdr->height != cipher->height ||
        hdr->channels != cipher->channels || hdr->depth != cipher->depth)
        return mc_fail(MC_E_MISMATCH, "envelope is for a %ux%u %u-channel %u-bit image, the cipher image is %ux%u %u-channel %u-bit",
                       hdr->width, hdr->height, hdr->channels, hdr->depth,
                       cipher->width, cipher->height, cipher->channels, cipher->depth);
    uint8_t hash[32];
    pipe_image_hash(cipher, hash);
    keymat k;
    e = envelope_open_attached(env, envlen, priv, hash, hdr, &k, att, natt);
    if (e) return e;
    e = pipe_apply(cipher, &k, (cipher_variant)hdr->variant, 1, plain);
    keymat_free(&k);
    if (e && att) {
        free(*att);
        *att = NULL;
        *natt = 0;
    }
    return e;
}
