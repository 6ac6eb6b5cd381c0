/* libFuzzer entry point for the safetensors parser (run by `make fuzz-io`).
 * Besides "no crash, no leak, no undefined behaviour" it checks one property:
 * whatever the parser accepts, our writer can write and the parser reads back
 * unchanged (names, dtypes, shapes, bytes, metadata). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/safetensors.h"

static int same_tensor(const nn_named_tensor *a, const nn_named_tensor *b)
{
    if (strcmp(a->name, b->name) || a->dtype != b->dtype || a->ndim != b->ndim || a->nbytes != b->nbytes)
        return 0;
    for (int k = 0; k < a->ndim; k++)
        if (a->shape[k] != b->shape[k]) return 0;
    return a->nbytes == 0 || memcmp(a->data, b->data, a->nbytes) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_tensor_file f;
    if (nn_st_parse(data, size, &f) != MC_OK) return 0;
    unsigned char *out;
    size_t len;
    if (nn_st_serialize(f.t, f.n, (const char *const *)f.meta_kv, f.nmeta, &out, &len) != MC_OK) abort();
    nn_tensor_file g;
    if (nn_st_parse(out, len, &g) != MC_OK || g.n != f.n || g.nmeta != f.nmeta) abort();
    for (size_t k = 0; k < f.n; k++)
        if (!same_tensor(&f.t[k], &g.t[k])) abort();
    for (size_t k = 0; k < 2 * f.nmeta; k++)
        if (strcmp(f.meta_kv[k], g.meta_kv[k])) abort();
    nn_st_free(&g);
    free(out);
    nn_st_free(&f);
    return 0;
}
