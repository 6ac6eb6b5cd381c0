/* The paper's permutation–diffusion cipher on raw image bytes (encryption
 * steps 6–7, decryption steps 4–6): rows move by xindex, columns by yindex,
 * whole pixels at a time, then every byte is XORed with the keystream z.
 *   encrypt: C[i][j] = P[xindex[i]][yindex[j]] ^ Z[i][j]
 *   decrypt: P[xindex[i]][yindex[j]] = C[i][j] ^ Z[i][j]
 * P, C, Z are h×w arrays of pixel_bytes-byte pixels, row-major (img_image's
 * stored bytes). Not constant time: memory addresses depend on the key. */
#ifndef MC_CHAOS_CIPHER_H
#define MC_CHAOS_CIPHER_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* dst and src are h·w·pixel_bytes bytes and must not overlap; z is as long. */
void cipher_encrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                    const uint32_t *xindex, const uint32_t *yindex, const uint8_t *z);
void cipher_decrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                    const uint32_t *xindex, const uint32_t *yindex, const uint8_t *z);

/* MC_OK when idx holds every value 0..n-1 exactly once, else MC_E_FORMAT with
 * the first offending position (for permutations read from key files). */
mc_err cipher_check_perm(const uint32_t *idx, uint32_t n);

#endif
