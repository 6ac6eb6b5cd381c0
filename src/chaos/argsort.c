/* Stable argsort of 32-bit keys by LSD radix sort: the order that defines
 * xindex and yindex (CIPHER.md §4.3). Linear time, ties by increasing index. */
#include "chaos/chaos.h"

#include <stdlib.h>
#include <string.h>

#include "util/secure.h"

/* Each element is packed as key·2^32 + index, so moving one 64-bit word moves
 * both; four stable passes over the key's bytes, least significant first,
 * leave equal keys in their original (index) order. A pass whose byte is the
 * same for every key is skipped, it would not move anything. */
mc_err chaos_argsort_u32(const uint32_t *key, uint32_t n, uint32_t *idx)
{
    if (n == 0) return MC_OK;
    uint64_t *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return mc_fail(MC_E_NOMEM, "argsort of %u keys", n);
    }
    for (uint32_t i = 0; i < n; i++) a[i] = (uint64_t)key[i] << 32 | i;
    for (int shift = 32; shift < 64; shift += 8) {
        size_t count[256] = {0};
        for (uint32_t i = 0; i < n; i++) count[(a[i] >> shift) & 0xFF]++;
        if (count[(a[0] >> shift) & 0xFF] == n) continue;
        size_t pos = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = pos;
            pos += c;
        }
        for (uint32_t i = 0; i < n; i++) b[count[(a[i] >> shift) & 0xFF]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (uint32_t i = 0; i < n; i++) idx[i] = (uint32_t)a[i];
    /* The keys are key material: wipe both buffers before giving them back. */
    mc_wipe(a, (size_t)n * sizeof *a);
    mc_wipe(b, (size_t)n * sizeof *b);
    free(a);
    free(b);
    return MC_OK;
}
