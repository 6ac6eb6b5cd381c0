/* libFuzzer harness: the key-envelope parsers (docs/FORMAT.md) on arbitrary
 * bytes: the clear header; the sealed part (key material, sealed metadata,
 * origin record) as envelope_open reads it after authentication, for a header
 * taken from the input or a small geometry chosen by the first bytes; and the
 * origin record alone. Accepted key material must serialise back identically. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/origin.h"
#include "pipeline/envelope.h"
#include "pipeline/keymat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    envelope_header h;
    keymat k;
    if (envelope_read_header(data, size, &h) == MC_OK && (size_t)h.width * h.height <= 4096) {
        size_t off = 12 + ((size_t)data[10] << 8 | data[11]);
        if (envelope_read_sealed(data + off, size - off, &h, &k) == MC_OK) {
            keymat_free(&k);
            envelope_header_clear(&h);
        }
    }
    img_origin o;
    if (img_origin_parse(data, size, &o) == MC_OK) {
        if (o.reclen != size || memcmp(o.rec, data, size)) abort();
        img_origin_free(&o);
    }
    /* Key material for a small geometry chosen by the first bytes. */
    if (size < 4) return 0;
    uint32_t hh = 1 + data[0] % 16, ww = 1 + data[1] % 16;
    size_t zlen = (size_t)hh * ww * (1 + data[2] % 8);
    for (int mode = KEYMAT_FULL; mode <= KEYMAT_COMPACT; mode++) {
        if (keymat_read(&k, (keymat_mode)mode, data + 3, size - 3, hh, ww, zlen) == MC_OK) {
            size_t n = keymat_size(&k, (keymat_mode)mode);
            uint8_t *out = malloc(n);
            keymat_write(&k, (keymat_mode)mode, out);
            if (mode == KEYMAT_FULL && (n != size - 3 || memcmp(out, data + 3, n))) abort();
            free(out);
            keymat_free(&k);
        }
    }
    /* The same bytes as a version 2 sealed part for a 2×2 grey image. */
    memset(&h, 0, sizeof h);
    h.version = ENVELOPE_VERSION;
    h.map = 1 + data[3] % 2;
    h.mode = KEYMAT_COMPACT;
    h.width = h.height = 2;
    h.channels = 1;
    h.depth = 8;
    if (envelope_read_sealed(data + 4, size - 4, &h, &k) == MC_OK) {
        keymat_free(&k);
        envelope_header_clear(&h);
    }
    mc_clear_error();
    return 0;
}
