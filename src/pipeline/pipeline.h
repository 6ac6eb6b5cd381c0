/* One image through the whole cipher: chaotic parameters → key material →
 * permutation and diffusion (src/chaos) → sealed envelope (src/pipeline/envelope),
 * and back. This is the layer `medchaos encrypt` and `decrypt` call; where the
 * parameters come from (network, teacher mapping, by hand) is keygen.h's job. */
#ifndef MC_PIPELINE_PIPELINE_H
#define MC_PIPELINE_PIPELINE_H
#include <stddef.h>
#include <stdint.h>
#include "chaos/chaos.h"
#include "crypto/rsa.h"
#include "image/image.h"
#include "pipeline/envelope.h"

/* SHA-256 over width, height (u32 BE), channels, depth (u8) and the stored
 * bytes: what the envelope's associated data binds (docs/FORMAT.md §4). */
void pipe_image_hash(const img_image *im, uint8_t out[32]);

/* Encrypt plain with params; hdr supplies mode, aes_bytes, model and meta (the
 * geometry and map fields are filled here). cipher is allocated here. used, when
 * not NULL, receives the parameters the key material came from: params unless
 * the late-periodic walk moved them (keymat_derive_walk) or the hardened
 * variant mixed in the plaintext. */
mc_err pipe_encrypt(const img_image *plain, const chaos_params *params, envelope_header *hdr,
                    const rsa_pub *pub, img_image *cipher, uint8_t **env, size_t *envlen, chaos_params *used);

/* Check the envelope against the cipher image, then invert. plain is allocated here. */
mc_err pipe_decrypt(const img_image *cipher, const uint8_t *env, size_t envlen,
                    const rsa_priv *priv, envelope_header *hdr, img_image *plain);

/* The same with an attachment sealed beside the key material (a DICOM file's
 * original header, dicom.h): pipe_encrypt is natt = 0; pipe_decrypt_attached
 * hands it out (*att malloc'd, NULL when none), and with att NULL
 * (pipe_decrypt) refuses an envelope that has one. */
mc_err pipe_encrypt_attached(const img_image *plain, const chaos_params *params, envelope_header *hdr,
                             const uint8_t *att, size_t natt, const rsa_pub *pub, img_image *cipher,
                             uint8_t **env, size_t *envlen, chaos_params *used);
mc_err pipe_decrypt_attached(const img_image *cipher, const uint8_t *env, size_t envlen, const rsa_priv *priv,
                             envelope_header *hdr, img_image *plain, uint8_t **att, size_t *natt);

/* The cipher layer alone, with key material already derived (experiments and
 * attacks use it to avoid RSA per image). The hardened variant needs key
 * material of twice the image's bytes (hardened.h). out is allocated here. */
mc_err pipe_apply(const img_image *in, const keymat *k, cipher_variant v, int decrypt, img_image *out);

#endif
