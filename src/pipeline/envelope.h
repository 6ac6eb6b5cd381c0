/* The key envelope (CIPHER.png.key): a readable header, the AES key wrapped with
 * RSA-OAEP-SHA-256 (RFC 8017 §7.1), and the key material sealed with AES-GCM
 * (SP 800-38D) whose associated data binds the header and a SHA-256 of the
 * cipher image. Byte layout: docs/FORMAT.md. */
#ifndef MC_PIPELINE_ENVELOPE_H
#define MC_PIPELINE_ENVELOPE_H
#include <stddef.h>
#include <stdint.h>
#include "crypto/rsa.h"
#include "pipeline/keymat.h"
#include "util/err.h"

#define ENVELOPE_MAGIC "MEDCHAOS"
#define ENVELOPE_VERSION 1
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
    char meta[ENVELOPE_MAX_META + 1];     /* canonical metadata string (not secret) */
} envelope_header;

/* Seal k under a fresh random AES key wrapped for pub. *out is malloc'd. */
mc_err envelope_seal(const envelope_header *h, const keymat *k, const rsa_pub *pub,
                     const uint8_t image_hash[32], uint8_t **out, size_t *outlen);

/* The same with an attachment sealed after the key material (the original
 * header of a DICOM file, FORMAT.md §DICOM); envelope_seal is natt = 0. */
mc_err envelope_seal_attached(const envelope_header *h, const keymat *k, const uint8_t *att, size_t natt,
                              const rsa_pub *pub, const uint8_t image_hash[32], uint8_t **out, size_t *outlen);

/* Parse only the header (no key needed): for `medchaos inspect`. */
mc_err envelope_read_header(const uint8_t *buf, size_t len, envelope_header *h);

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
