/* libFuzzer entry point for the .npy parser (run by `make fuzz-io`). Whatever the
 * parser accepts must survive a write and re-read with the same shape and the
 * same float bits (float64 input is already rounded to float32 by then). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float *a, *b;
    int nda, ndb;
    int64_t sa[8], sb[8];
    if (nn_npy_parse(data, size, &a, &nda, sa) != MC_OK) return 0;
    unsigned char *out;
    size_t len;
    if (nn_npy_serialize(a, nda, sa, &out, &len) != MC_OK) abort();
    if (nn_npy_parse(out, len, &b, &ndb, sb) != MC_OK || nda != ndb) abort();
    size_t n = 1;
    for (int k = 0; k < nda; k++) {
        if (sa[k] != sb[k]) abort();
        n *= (size_t)sa[k];
    }
    if (n && memcmp(a, b, n * sizeof(float)) != 0) abort();
    free(a);
    free(b);
    free(out);
    return 0;
}
