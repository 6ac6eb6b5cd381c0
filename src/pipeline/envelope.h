/* The key envelope (CIPHER.png.key): a readable header, the AES key wrapped with
 * RSA-OAEP-SHA-256 (RFC 8017 §7.1), and the key material sealed with AES-GCM
 * (SP 800-38D) whose associated data binds the header and a SHA-256 of the
 * cipher image. Since version 2 the sealed part also holds what identifies the
 * patient's image (the canonical metadata: date, time, DICOM UID) and the
 * original file's layout and chunks (image/origin.h); the clear header holds
 * nothing but the cipher's parameters. Version 1 envelopes, with the metadata
 * in the clear, are still read. Byte layout: docs/FORMAT.md. */
#ifndef MC_PIPELINE_ENVELOPE_H
#define MC_PIPELINE_ENVELOPE_H
#include <stddef.h>
#include <stdint.h>
#include "crypto/rsa.h"
#include "pipeline/keymat.h"
#include "util/err.h"

#define ENVELOPE_MAGIC "MEDCHAOS"
#define ENVELOPE_VERSION 2     /* written; metadata and origin sealed */
#define ENVELOPE_VERSION_V1 1  /* read only: metadata in the clear header */
#define ENVELOPE_MAX_MODEL 64
#define ENVELOPE_MAX_META 1024

typedef enum { VARIANT_PAPER = 0, VARIANT_HARDENED = 1 } cipher_variant;

typedef struct {
    uint16_t version;
    uint8_t map;        /* chaos_map */
    uint8_t mode;       /* keymat_mode */
    uint8_t variant;    /* cipher_variant */
    uint8_t aes_bytes;  /* 16 (AES-128, the paper's choice) or 32 */
    uint32_t width, height;
    uint8_t channels, depth;
    char model[ENVELOPE_MAX_MODEL + 1];   /* "resnet18", "mobilenetv2", "teacher", "manual" */
    uint8_t model_sha256[32];             /* of the weights file; zero when no network */
    char meta[ENVELOPE_MAX_META + 1];     /* canonical metadata string: sealed since version 2 */
    /* The serialised image/origin.h record, sealed (version 2): given by the
     * caller to envelope_seal (may be NULL), and malloc'd by envelope_open when
     * the envelope has one (release with envelope_header_clear). */
    uint8_t *origin;
    size_t origin_len;
} envelope_header;

/* Free what envelope_open allocated in h (the origin record). */
void envelope_header_clear(envelope_header *h);

/* Seal k under a fresh random AES key wrapped for pub. *out is malloc'd. */
mc_err envelope_seal(const envelope_header *h, const keymat *k, const rsa_pub *pub,
                     const uint8_t image_hash[32], uint8_t **out, size_t *outlen);

/* The same with an attachment sealed last, after the key material and the
 * sealed tail (the original header of a DICOM file, FORMAT.md §2 and the
 * DICOM section); envelope_seal is natt = 0. */
mc_err envelope_seal_attached(const envelope_header *h, const keymat *k, const uint8_t *att, size_t natt,
                              const rsa_pub *pub, const uint8_t image_hash[32], uint8_t **out, size_t *outlen);

/* Parse only the clear header (no key needed): for `medchaos inspect`. For a
 * version 2 envelope h->meta stays empty: the metadata is sealed. */
mc_err envelope_read_header(const uint8_t *buf, size_t len, envelope_header *h);

/* The GCM plaintext of an envelope whose clear header is h, once authenticated:
 * key material, then (version 2) the sealed metadata and origin record, into
 * h->meta, h->origin and k. Exposed for fuzzing; envelope_open calls it. */
mc_err envelope_read_sealed(const uint8_t *plain, size_t pl, envelope_header *h, keymat *k);
/* The same, handing out the attachment (*att malloc'd, NULL when none);
 * envelope_read_sealed refuses a sealed part that has one. */
mc_err envelope_read_sealed_attached(const uint8_t *plain, size_t pl, envelope_header *h, keymat *k, uint8_t **att,
                                     size_t *natt);

/* Unwrap and authenticate; fills h and k. MC_E_KEY: not our private key;
 * MC_E_AUTH: tampered, or envelope and image do not belong together. */
mc_err envelope_open(const uint8_t *buf, size_t len, const rsa_priv *priv,
                     const uint8_t image_hash[32], envelope_header *h, keymat *k);

/* envelope_open for envelopes that may carry an attachment: *att (malloc'd,
 * NULL when none) receives it. With att NULL (envelope_open) an envelope with
 * one is refused (MC_E_UNSUPPORTED). */
mc_err envelope_open_attached(const uint8_t *buf, size_t len, const rsa_priv *priv, const uint8_t image_hash[32],
                              envelope_header *h, keymat *k, uint8_t **att, size_t *natt);

#endif
