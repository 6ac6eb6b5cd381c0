/* The hardened variant (never the default; the paper's cipher stays the default):
 * (1) plaintext-dependent key material: the chaotic parameters are re-derived
 *     from SHA-256(label ‖ parameters ‖ SHA-256 of the plain image), and the
 *     result travels inside the sealed envelope, so two images never share a
 *     keystream and chosen plaintexts teach nothing about another image's key;
 * (2) diffusion chained in both directions over the permuted bytes, so one
 *     changed byte changes every byte of the cipher image even under one key.
 * Threat model and measurements: docs/SECURITY.md. */
#ifndef MC_PIPELINE_HARDENED_H
#define MC_PIPELINE_HARDENED_H
#include <stddef.h>
#include <stdint.h>
#include "chaos/chaos.h"
#include "image/image.h"
#include "pipeline/keymat.h"

/* Image-specific parameters from the base parameters and the plain image. */
mc_err hardened_params(const chaos_params *base, const img_image *plain, chaos_params *out);

/* The hardened layer with key material of 2·zlen keystream bytes: the first
 * zlen for the paper's permutation + XOR, the second for the chained passes. */
void hardened_encrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                      const keymat *k);
mc_err hardened_decrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                      const keymat *k);

#endif
