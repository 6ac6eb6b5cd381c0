/* safetensors files (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON describing each tensor's dtype,
 * shape and byte range, then the tensor bytes. Only F32 and I64 tensors are
 * loaded; every malformed header is refused with a message naming the tensor. */
#ifndef MC_NN_SAFETENSORS_H
#define MC_NN_SAFETENSORS_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

typedef enum { NN_DT_F32 = 1, NN_DT_I64 = 2 } nn_dtype;

#define NN_ST_MAX_DIMS 8
#define NN_ST_META_KEY "__metadata__"   /* the header entry that is not a tensor */

typedef struct {
    char *name;
    nn_dtype dtype;
    int ndim;                    /* 0 for a scalar (shape []) */
    int64_t shape[NN_ST_MAX_DIMS];
    void *data;                  /* host byte order, 64-byte aligned, never NULL after a load */
    size_t nbytes;
} nn_named_tensor;

typedef struct {
    nn_named_tensor *t;          /* in header order */
    size_t n;
    unsigned char *blob;         /* one aligned arena holding every tensor's data */
    char *meta_json;             /* the "__metadata__" object as compact JSON, or NULL */
    char **meta_kv;              /* the same as key, value, key, value, ... (2 * nmeta entries) */
    size_t nmeta;
} nn_tensor_file;

/* Largest file nn_st_load reads, and largest header accepted (the format's own
 * reference limits headers to 100 MB; ours are a few kilobytes). */
#define NN_ST_MAX_FILE ((size_t)2 << 30)
#define NN_ST_MAX_HEADER ((size_t)16 << 20)

/* Read and parse a whole file. On failure f is left empty (nothing to free). */
mc_err nn_st_load(const char *path, nn_tensor_file *f);
/* Parse an in-memory file; copies everything it keeps, buf may be freed after. */
mc_err nn_st_parse(const unsigned char *buf, size_t len, nn_tensor_file *f);
/* Tensor by name, or NULL. */
const nn_named_tensor *nn_st_find(const nn_tensor_file *f, const char *name);
/* The tensor called name, checked to have dtype dt and exactly the given shape
 * (ndim 0: a scalar). A missing tensor or another dtype or shape gives
 * MC_E_MISMATCH with a detail naming the tensor and both shapes, e.g.
 * "tensor 'fc.weight': shape [10, 512] of F32 in the file, expected [2, 512] of F32". */
mc_err nn_st_get(const nn_tensor_file *f, const char *name, nn_dtype dt, int ndim, const int64_t *shape,
                 const nn_named_tensor **out);
/* Value of a "__metadata__" key, or NULL. */
const char *nn_st_meta(const nn_tensor_file *f, const char *key);
/* Write tensors in the order given, with nmeta metadata pairs taken from
 * meta_kv as key, value, key, value, ... (2 * nmeta strings; NULL when nmeta = 0).
 * The header is space-padded so the data starts 8-byte aligned. Atomic (no
 * partial file on failure); an existing path gives MC_E_EXISTS unless force. */
mc_err nn_st_save(const char *path, const nn_named_tensor *t, size_t n,
                  const char *const *meta_kv, size_t nmeta, int force);
/* Build the same bytes in memory (caller frees *out). */
mc_err nn_st_serialize(const nn_named_tensor *t, size_t n, const char *const *meta_kv, size_t nmeta,
                       unsigned char **out, size_t *len);
void nn_st_free(nn_tensor_file *f);

/* Bytes per element (4 or 8), 0 for an invalid dtype; name as in the header ("F32", "?"). */
size_t nn_st_dtype_size(nn_dtype dt);
const char *nn_st_dtype_name(nn_dtype dt);

#endif
