/* Key material: what decryption needs to undo the chaotic layer, in the paper's
 * layout (xindex, yindex, zkey) or, in compact mode, the chaotic parameters
 * alone, from which src/chaos regenerates the three sequences bit for bit.
 * Serialisation is specified byte by byte in docs/FORMAT.md §3. */
#ifndef MC_PIPELINE_KEYMAT_H
#define MC_PIPELINE_KEYMAT_H
#include <stddef.h>
#include <stdint.h>
#include "chaos/chaos.h"
#include "util/err.h"

typedef enum { KEYMAT_FULL = 0, KEYMAT_COMPACT = 1 } keymat_mode;

typedef struct {
    chaos_params params;
    uint32_t h, w;
    size_t zlen;          /* stored bytes of the image: h*w*channels*(depth/8) */
    uint32_t *xindex;     /* h entries: row i of the cipher comes from row xindex[i] */
    uint32_t *yindex;     /* w entries: column j comes from column yindex[j] */
    uint8_t *zkey;        /* zlen keystream bytes */
} keymat;

/* Validate params and generate the sequences for an h×w image of zlen bytes. */
mc_err keymat_derive(keymat *k, const chaos_params *p, uint32_t h, uint32_t w, size_t zlen);
/* The same, but when a logistic orbit passes validation and only falls into a
 * periodic window later (docs/CIPHER.md: about 1 in 1000 values of r at
 * 512×512), step r by (R_MAX − R_MIN)/4099 along the walk of docs/KEYGEN.md §1,
 * up to 63 times, until the whole orbit is chaotic. *p receives the parameters
 * used, which the envelope carries. */
mc_err keymat_derive_walk(keymat *k, chaos_params *p, uint32_t h, uint32_t w, size_t zlen);
/* Wipe and free the sequences (the struct itself is the caller's). */
void keymat_free(keymat *k);

/* Serialised size and serialisation (big-endian, docs/FORMAT.md §3). */
size_t keymat_size(const keymat *k, keymat_mode mode);
/* The same from the geometry alone (what a reader knows before parsing). */
size_t keymat_serial_size(keymat_mode mode, uint32_t h, uint32_t w, size_t zlen);
void keymat_write(const keymat *k, keymat_mode mode, uint8_t *out);
/* Parse and check: permutations must be permutations, sizes must match the
 * geometry the header announced; compact parameters are validated and expanded. */
mc_err keymat_read(keymat *k, keymat_mode mode, const uint8_t *buf, size_t len,
                   uint32_t h, uint32_t w, size_t zlen);

#endif
