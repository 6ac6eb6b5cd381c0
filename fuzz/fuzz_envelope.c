/* libFuzzer harness: the key-envelope header and key-material parsers
 * (docs/FORMAT.md) on arbitrary bytes. Accepted input must round-trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/envelope.h"
#include "pipeline/keymat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    envelope_header h;
    (void)envelope_read_header(data, size, &h);
    /* Key material for a small geometry chosen by the first bytes. */
    if (size < 3) return 0;
    uint32_t hh = 1 + data[0] % 16, ww = 1 + data[1] % 16;
    size_t zlen = (size_t)hh * ww * (1 + data[2] % 8);
    for (int mode = KEYMAT_FULL; mode <= KEYMAT_COMPACT; mode++) {
        keymat k;
        if (keymat_read(&k, (keymat_mode)mode, data + 3, size - 3, hh, ww, zlen) == MC_OK) {
            size_t n = keymat_size(&k, (keymat_mode)mode);
            uint8_t *out = malloc(n);
            keymat_write(&k, (keymat_mode)mode, out);
            if (mode == KEYMAT_FULL && (n != size - 3 || memcmp(out, data + 3, n))) abort();
            free(out);
            keymat_free(&k);
        }
    }
    return 0;
}
