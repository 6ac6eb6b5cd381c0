/* Chosen-plaintext attack on the paper's cipher C = P[xindex][yindex] ⊕ Z when the
 * key (xindex, yindex, Z) does not depend on the plaintext. The attacker asks an
 * encryption oracle for cipher images of images of its choice and recovers an
 * equivalent key: Z from an all-zero image (a permutation of zeros is zero),
 * then the row and column permutations digit by digit from images whose pixel
 * values spell out their own row or column index (Jolfaei, Wu, Muthukkumarasamy,
 * IEEE TIFS 2016: ⌈log_L(MN)⌉ images for permutation-only ciphers). */
#ifndef MC_ATTACK_CPA_H
#define MC_ATTACK_CPA_H
#include <stddef.h>
#include <stdint.h>
#include "image/image.h"
#include "util/err.h"

/* The oracle: encrypt `plain` into `cipher` (allocated by the oracle). */
typedef mc_err (*cpa_oracle)(void *ctx, const img_image *plain, img_image *cipher);

typedef struct {
    uint32_t *xindex, *yindex;   /* recovered permutations */
    uint8_t *z;                  /* recovered keystream */
    uint32_t h, w;
    size_t zlen;
    int queries;                 /* chosen images used */
} cpa_key;

/* Recover an equivalent key for images of the given geometry. */
mc_err cpa_recover(cpa_oracle oracle, void *ctx, uint32_t w, uint32_t h, uint8_t channels,
                   uint8_t depth, cpa_key *key);
/* Decrypt a cipher image with a recovered key. */
mc_err cpa_decrypt(const cpa_key *key, const img_image *cipher, img_image *plain);
void cpa_key_free(cpa_key *key);

#endif
