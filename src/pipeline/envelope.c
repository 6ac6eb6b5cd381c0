/* See envelope.h and docs/FORMAT.md. Parsing is strict: every length is checked
 * against what remains, and the file must end exactly after the tag. The clear
 * header has the same layout in both versions; version 2 leaves its metadata
 * field empty and seals key material ‖ metadata ‖ origin record instead. */
#include "pipeline/envelope.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/gcm.h"
#include "crypto/random.h"
#include "pipeline/bytes.h"
#include "util/secure.h"

enum { IV_BYTES = 12, TAG_BYTES = 16 };

/* The fixed part of the header after its 2-byte length: map, mode, variant,
 * aes_bytes, width, height, channels, depth. */
enum { HDR_FIXED = 1 + 1 + 1 + 1 + 4 + 4 + 1 + 1 };

/* Version 2 writes no metadata in the clear. */
static size_t header_len(const envelope_header *h)
{
    return HDR_FIXED + 1 + strlen(h->model) + 32 + 2;
}

void envelope_header_clear(envelope_header *h)
{
    free(h->origin);
    h->origin = NULL;
    h->origin_len = 0;
}

static void header_write(const envelope_header *h, uint8_t *p)
{
    memcpy(p, ENVELOPE_MAGIC, 8);
    be16_put(p + 8, ENVELOPE_VERSION);
    be16_put(p + 10, (uint16_t)header_len(h));
    p += 12;
    *p++ = h->map;
    *p++ = h->mode;
    *p++ = h->variant;
    *p++ = h->aes_bytes;
    be32_put(p, h->width);
    be32_put(p + 4, h->height);
    p += 8;
    *p++ = h->channels;
    *p++ = h->depth;
    size_t n = strlen(h->model);
    *p++ = (uint8_t)n;
    memcpy(p, h->model, n);
    p += n;
    memcpy(p, h->model_sha256, 32);
    be16_put(p + 32, 0); /* clear metadata: none since version 2 */
}

/* The sealed tail after the key material (version 2):
 * m (u16) ‖ canonical metadata (m bytes) ‖ r (u32) ‖ origin record (r bytes). */
static size_t tail_len(const envelope_header *h) { return 2 + strlen(h->meta) + 4 + h->origin_len; }

static void tail_write(const envelope_header *h, uint8_t *p)
{
    size_t n = strlen(h->meta);
    be16_put(p, (uint16_t)n);
    memcpy(p + 2, h->meta, n);
    be32_put(p + 2 + n, (uint32_t)h->origin_len);
    if (h->origin_len) memcpy(p + 6 + n, h->origin, h->origin_len);
}

/* *used receives the tail's length; what follows it is the attachment. */
static mc_err tail_parse(const uint8_t *p, size_t len, envelope_header *h, size_t *used)
{
    if (len < 2) return mc_fail(MC_E_FORMAT, "sealed metadata missing");
    size_t m = be16_get(p);
    if (m > ENVELOPE_MAX_META || len - 2 < m + 4) return mc_fail(MC_E_FORMAT, "sealed metadata: bad length");
    memcpy(h->meta, p + 2, m);
    h->meta[m] = 0;
    if (strlen(h->meta) != m) return mc_fail(MC_E_FORMAT, "sealed metadata: NUL byte inside");
    size_t r = be32_get(p + 2 + m);
    if (len - 6 - m < r) return mc_fail(MC_E_FORMAT, "sealed origin record: bad length");
    *used = 6 + m + r;
    if (r) {
        if (!(h->origin = malloc(r))) return mc_fail(MC_E_NOMEM, "out of memory");
        memcpy(h->origin, p + 6 + m, r);
        h->origin_len = r;
    }
    return MC_OK;
}

/* Reads the header; *end receives the offset just past it. */
static mc_err header_parse(const uint8_t *buf, size_t len, envelope_header *h, size_t *end)
{
    memset(h, 0, sizeof *h);
    if (len < 12) return mc_fail(MC_E_TRUNCATED, "envelope truncated (%zu bytes)", len);
    if (memcmp(buf, ENVELOPE_MAGIC, 8) != 0) return mc_fail(MC_E_FORMAT, "not a medchaos key envelope (bad magic)");
    h->version = be16_get(buf + 8);
    if (h->version != ENVELOPE_VERSION && h->version != ENVELOPE_VERSION_V1)
        return mc_fail(MC_E_VERSION, "envelope version %u is not supported (this build reads versions %d and %d)",
                       h->version, ENVELOPE_VERSION_V1, ENVELOPE_VERSION);
    size_t hl = be16_get(buf + 10);
    if (len < 12 + hl) return mc_fail(MC_E_TRUNCATED, "envelope truncated inside its header");
    if (hl < HDR_FIXED + 1 + 32 + 2) return mc_fail(MC_E_FORMAT, "envelope header too short");
    const uint8_t *p = buf + 12, *lim = p + hl;
    h->map = *p++;
    h->mode = *p++;
    h->variant = *p++;
    h->aes_bytes = *p++;
    h->width = be32_get(p);
    h->height = be32_get(p + 4);
    p += 8;
    h->channels = *p++;
    h->depth = *p++;
    size_t n = *p++, nmodel = n;
    if (n > ENVELOPE_MAX_MODEL || (size_t)(lim - p) < n + 32 + 2) return mc_fail(MC_E_FORMAT, "envelope header: bad model name length");
    memcpy(h->model, p, n);
    p += n;
    memcpy(h->model_sha256, p, 32);
    p += 32;
    n = be16_get(p);
    p += 2;
    if (n > ENVELOPE_MAX_META || (size_t)(lim - p) != n) return mc_fail(MC_E_FORMAT, "envelope header: bad metadata length");
    if (n && h->version != ENVELOPE_VERSION_V1)
        return mc_fail(MC_E_FORMAT, "envelope header: metadata in the clear in a version %u envelope", h->version);
    memcpy(h->meta, p, n);
    if (strlen(h->model) != nmodel || strlen(h->meta) != n)
        return mc_fail(MC_E_FORMAT, "envelope header: NUL byte inside a string");
    if (h->map != 1 && h->map != 2) return mc_fail(MC_E_FORMAT, "envelope header: unknown chaotic map %u", h->map);
    if (h->mode > KEYMAT_COMPACT) return mc_fail(MC_E_FORMAT, "envelope header: unknown key mode %u", h->mode);
    if (h->variant > VARIANT_HARDENED) return mc_fail(MC_E_FORMAT, "envelope header: unknown variant %u", h->variant);
    if (h->aes_bytes != 16 && h->aes_bytes != 32) return mc_fail(MC_E_FORMAT, "envelope header: AES key of %u bytes", h->aes_bytes);
    if (h->channels < 1 || h->channels > 4 || (h->depth != 8 && h->depth != 16) || !h->width || !h->height)
        return mc_fail(MC_E_FORMAT, "envelope header: impossible image geometry");
    if (h->width > 65535 || h->height > 65535)
        return mc_fail(MC_E_TOO_LARGE, "envelope header: image of %ux%u exceeds 65535 per side", h->width, h->height);
    *end = 12 + hl;
    return MC_OK;
}

mc_err envelope_read_header(const uint8_t *buf, size_t len, envelope_header *h)
{
    size_t end;
    return header_parse(buf, len, h, &end);
}

/* AAD = every envelope byte before the GCM ciphertext || SHA-256(cipher image). */
static uint8_t *make_aad(const uint8_t *prefix, size_t n, const uint8_t image_hash[32])
{
    uint8_t *aad = malloc(n + 32);
    if (!aad) return NULL;
    memcpy(aad, prefix, n);
    memcpy(aad + n, image_hash, 32);
    return aad;
}

mc_err envelope_seal(const envelope_header *h, const keymat *k, const rsa_pub *pub,
                     const uint8_t image_hash[32], uint8_t **out, size_t *outlen)
{
    return envelope_seal_attached(h, k, NULL, 0, pub, image_hash, out, outlen);
}

mc_err envelope_seal_attached(const envelope_header *h, const keymat *k, const uint8_t *att, size_t natt,
                              const rsa_pub *pub, const uint8_t image_hash[32], uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (strlen(h->model) > ENVELOPE_MAX_MODEL || strlen(h->meta) > ENVELOPE_MAX_META)
        return mc_fail(MC_E_ARG, "model name or metadata string too long for the envelope");
    if (h->aes_bytes != 16 && h->aes_bytes != 32) return mc_fail(MC_E_ARG, "AES key must be 128 or 256 bits");
    if (h->origin_len > UINT32_MAX) return mc_fail(MC_E_ARG, "origin record too large for the envelope");
    size_t hl = 12 + header_len(h), wl = rsa_pub_bytes(pub);
    size_t kl = keymat_size(k, (keymat_mode)h->mode), tl = tail_len(h), pl = kl + tl + natt;
    size_t prefix = hl + 2 + wl + IV_BYTES + 8;
    size_t total = prefix + pl + TAG_BYTES;
    uint8_t *buf = malloc(total), *plain = malloc(pl);
    uint8_t key[32], *aad = NULL;
    mc_err e = MC_OK;
    if (!buf || !plain) {
        e = mc_fail(MC_E_NOMEM, "cannot allocate the envelope (%zu bytes)", total);
        goto done;
    }
    header_write(h, buf);
    uint8_t *p = buf + hl;
    if ((e = rand_bytes(key, h->aes_bytes))) goto done;
    be16_put(p, (uint16_t)wl);
    if ((e = rsa_oaep_encrypt(pub, NULL, 0, key, h->aes_bytes, p + 2))) goto done;
    p += 2 + wl;
    if ((e = rand_bytes(p, IV_BYTES))) goto done;   /* fresh key, so a random IV is ample */
    const uint8_t *iv = p;
    p += IV_BYTES;
    be64_put(p, pl);
    p += 8;
    if (!(aad = make_aad(buf, prefix, image_hash))) {
        e = mc_fail(MC_E_NOMEM, "out of memory");
        goto done;
    }
    keymat_write(k, (keymat_mode)h->mode, plain);
    tail_write(h, plain + kl);
    if (natt) memcpy(plain + kl + tl, att, natt);   /* the attachment last (FORMAT.md §2) */
    e = gcm_encrypt(key, h->aes_bytes, iv, IV_BYTES, aad, prefix + 32, plain, pl, p, p + pl);
done:
    mc_wipe(key, sizeof key);
    if (plain) mc_wipe(plain, pl);
    free(plain);
    free(aad);
    if (e) {
        free(buf);
        return e;
    }
    *out = buf;
    *outlen = total;
    return MC_OK;
}

mc_err envelope_read_sealed(const uint8_t *plain, size_t pl, envelope_header *h, keymat *k)
{
    return envelope_read_sealed_attached(plain, pl, h, k, NULL, NULL);
}

mc_err envelope_read_sealed_attached(const uint8_t *plain, size_t pl, envelope_header *h, keymat *k, uint8_t **att,
                                     size_t *natt)
{
    memset(k, 0, sizeof *k);
    if (att) {
        *att = NULL;
        *natt = 0;
    }
    size_t zlen = (size_t)h->width * h->height * h->channels * (h->depth / 8);
    if (h->variant == VARIANT_HARDENED) zlen *= 2;   /* two keystreams (hardened.h) */
    size_t kl = keymat_serial_size((keymat_mode)h->mode, h->height, h->width, zlen);
    if (h->version == ENVELOPE_VERSION_V1) kl = pl;  /* key material alone */
    if (kl > pl) return mc_fail(MC_E_FORMAT, "sealed part of %zu bytes is shorter than its key material", pl);
    size_t tl = 0;
    mc_err e = h->version == ENVELOPE_VERSION_V1 ? MC_OK : tail_parse(plain + kl, pl - kl, h, &tl);
    /* Whatever follows the tail is the attachment (a DICOM file's header, FORMAT.md §2). */
    const size_t rest = e ? 0 : pl - kl - tl;
    if (!e && rest && !att)
        e = mc_fail(MC_E_UNSUPPORTED, "the envelope seals a DICOM header: decrypt the DICOM file it came with");
    if (!e && rest && !(*att = malloc(rest))) e = mc_fail(MC_E_NOMEM, "out of memory");
    if (!e && rest) {
        memcpy(*att, plain + kl + tl, rest);
        *natt = rest;
    }
    if (!e) e = keymat_read(k, (keymat_mode)h->mode, plain, kl, h->height, h->width, zlen);
    if (!e && k->params.map != h->map) {
        keymat_free(k);
        e = mc_fail(MC_E_FORMAT, "key material map differs from the header's");
    }
    if (e) {
        envelope_header_clear(h);
        if (att) {
            free(*att);
            *att = NULL;
            *natt = 0;
        }
    }
    return e;
}

mc_err envelope_open(const uint8_t *buf, size_t len, const rsa_priv *priv,
                     const uint8_t image_hash[32], envelope_header *h, keymat *k)
{
    return envelope_open_attached(buf, len, priv, image_hash, h, k, NULL, NULL);
}

mc_err envelope_open_attached(const uint8_t *buf, size_t len, const rsa_priv *priv, const uint8_t image_hash[32],
                              envelope_header *h, keymat *k, uint8_t **att, size_t *natt)
{
    memset(k, 0, sizeof *k);
    if (att) {
        *att = NULL;
        *natt = 0;
    }
    size_t off;
    mc_err e = header_parse(buf, len, h, &off);
    if (e) return e;
    if (len - off < 2) return mc_fail(MC_E_TRUNCATED, "envelope truncated before the wrapped key");
    size_t wl = be16_get(buf + off);
    if (wl != rsa_pub_bytes(rsa_priv_public(priv)))
        return mc_fail(MC_E_KEY, "the AES key was wrapped for a %zu-bit RSA key, not this %u-bit one",
                       wl * 8, rsa_pub_bits(rsa_priv_public(priv)));
    if (len - off - 2 < wl + IV_BYTES + 8) return mc_fail(MC_E_TRUNCATED, "envelope truncated inside the wrapped key");
    const uint8_t *wrapped = buf + off + 2, *iv = wrapped + wl, *plp = iv + IV_BYTES;
    size_t prefix = off + 2 + wl + IV_BYTES + 8;
    uint64_t pl = be64_get(plp);
    if (pl > len - prefix || len - prefix - pl < TAG_BYTES) return mc_fail(MC_E_TRUNCATED, "envelope truncated inside the sealed key material");
    if (len - prefix - pl != TAG_BYTES) return mc_fail(MC_E_FORMAT, "envelope has %zu trailing bytes", (size_t)(len - prefix - pl - TAG_BYTES));

    uint8_t key[32];
    size_t klen = sizeof key;
    if (rsa_oaep_decrypt(priv, NULL, 0, wrapped, wl, key, &klen) != MC_OK || klen != h->aes_bytes) {
        mc_wipe(key, sizeof key);
        return mc_fail(MC_E_KEY, "cannot unwrap the AES key: wrong private key, or the envelope was modified");
    }
    uint8_t *aad = make_aad(buf, prefix, image_hash), *plain = malloc(pl ? pl : 1);
    if (!aad || !plain) {
        e = mc_fail(MC_E_NOMEM, "out of memory");
        goto done;
    }
    e = gcm_decrypt(key, klen, iv, IV_BYTES, aad, prefix + 32, buf + prefix, pl, buf + prefix + pl, plain);
    if (e) {
        e = mc_fail(MC_E_AUTH, "authentication failed: the envelope and the cipher image do not belong together, or one was modified");
        goto done;
    }
    e = envelope_read_sealed_attached(plain, pl, h, k, att, natt);
done:
    mc_wipe(key, sizeof key);
    if (plain) mc_wipe(plain, pl);
    free(plain);
    free(aad);
    return e;
}
