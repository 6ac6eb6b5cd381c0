/* safetensors writer: validates the caller's tensors, writes the header as compact
 * JSON ("__metadata__" first, then the tensors in the order given, data offsets
 * consecutive), space-pads it so the data starts 8-byte aligned as the reference
 * writer does, and appends the data little-endian. The reader is safetensors.c. */
#include "nn/safetensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/io_bytes.h"
#include "nn/json.h"
#include "util/file.h"

static int valid_text(const char *s)
{
    return s && nn_json_utf8_valid((const unsigned char *)s, strlen(s));
}

/* One tensor as the caller gave it: a UTF-8 name that is not the metadata key,
 * a known dtype, 0..8 non-negative dimensions and nbytes that match them. */
static mc_err check_tensor(const nn_named_tensor *t, size_t k)
{
    const char *name = t->name;
    if (!valid_text(name)) return mc_fail(MC_E_ARG, "tensor %zu: name is missing or not UTF-8", k);
    if (strcmp(name, NN_ST_META_KEY) == 0) return nn_io_tensor_fail(MC_E_ARG, name, "name is reserved for metadata");
    size_t esize = nn_st_dtype_size(t->dtype), want;
    if (!esize) return nn_io_tensor_fail(MC_E_ARG, name, "invalid dtype %d", (int)t->dtype);
    if (t->ndim < 0 || t->ndim > NN_ST_MAX_DIMS)
        return nn_io_tensor_fail(MC_E_ARG, name, "ndim %d outside 0..%d", t->ndim, NN_ST_MAX_DIMS);
    if (!nn_io_nbytes(t->ndim, t->shape, esize, &want))
        return nn_io_tensor_fail(MC_E_ARG, name, "negative dimension or size overflow");
    if (want != t->nbytes)
        return nn_io_tensor_fail(MC_E_ARG, name, "nbytes %zu does not match its shape (%zu bytes)", t->nbytes, want);
    if (want && !t->data) return nn_io_tensor_fail(MC_E_ARG, name, "no data");
    return MC_OK;
}

/* Tensor names and metadata keys must each be unique: a reader keeps only one. */
static mc_err check_unique(const nn_named_tensor *t, size_t n, const char *const *meta_kv, size_t nmeta)
{
    int oom = 0;
    const char *dup = NULL;
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!names) return mc_fail(MC_E_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) names[k] = t[k].name;
    dup = nn_json_first_duplicate(names, n, 1, &oom);
    free(names);
    if (oom) return mc_fail(MC_E_NOMEM, "out of memory");
    if (dup) return nn_io_tensor_fail(MC_E_ARG, dup, "name given twice");
    dup = nn_json_first_duplicate(meta_kv, nmeta, 2, &oom);
    if (oom) return mc_fail(MC_E_NOMEM, "out of memory");
    if (dup) return mc_fail(MC_E_ARG, "metadata key '%.120s' given twice", dup);
    return MC_OK;
}

static mc_err check_save_args(const nn_named_tensor *t, size_t n, const char *const *meta_kv, size_t nmeta)
{
    for (size_t k = 0; k < n; k++) {
        mc_err e = check_tensor(&t[k], k);
        if (e) return e;
    }
    for (size_t k = 0; k < 2 * nmeta; k++)
        if (!valid_text(meta_kv[k])) return mc_fail(MC_E_ARG, "metadata entry %zu is missing or not UTF-8", k);
    return check_unique(t, n, meta_kv, nmeta);
}

static void header_json(nn_json_buf *b, const nn_named_tensor *t, size_t n, const char *const *meta_kv, size_t nmeta)
{
    nn_json_buf_add(b, "{", 1);
    if (nmeta) {
        nn_json_buf_string(b, NN_ST_META_KEY);
        nn_json_buf_add(b, ":{", 2);
        for (size_t k = 0; k < nmeta; k++) {
            if (k) nn_json_buf_add(b, ",", 1);
            nn_json_buf_string(b, meta_kv[2 * k]);
            nn_json_buf_add(b, ":", 1);
            nn_json_buf_string(b, meta_kv[2 * k + 1]);
        }
        nn_json_buf_add(b, "}", 1);
    }
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        if (k || nmeta) nn_json_buf_add(b, ",", 1);
        nn_json_buf_string(b, t[k].name);
        nn_json_buf_printf(b, ":{\"dtype\":\"%s\",\"shape\":[", nn_st_dtype_name(t[k].dtype));
        for (int d = 0; d < t[k].ndim; d++) nn_json_buf_printf(b, d ? ",%lld" : "%lld", (long long)t[k].shape[d]);
        nn_json_buf_printf(b, "],\"data_offsets\":[%zu,%zu]}", at, at + t[k].nbytes);
        at += t[k].nbytes;
    }
    nn_json_buf_add(b, "}", 1);
    /* Pad with spaces (allowed JSON whitespace) so the data starts 8-byte aligned. */
    while ((8 + b->len) % 8) nn_json_buf_add(b, " ", 1);
}

mc_err nn_st_serialize(const nn_named_tensor *t, size_t n, const char *const *meta_kv, size_t nmeta,
                       unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if ((n && !t) || (nmeta && !meta_kv)) return mc_fail(MC_E_ARG, "missing tensors or metadata");
    mc_err e = check_save_args(t, n, meta_kv, nmeta);
    if (e) return e;
    size_t data_len = 0;
    for (size_t k = 0; k < n; k++) {
        if (t[k].nbytes > SIZE_MAX / 2 - data_len) return mc_fail(MC_E_TOO_LARGE, "tensors too large");
        data_len += t[k].nbytes;
    }
    nn_json_buf b = {0};
    header_json(&b, t, n, meta_kv, nmeta);
    if (b.oom || b.len > NN_ST_MAX_HEADER || data_len > SIZE_MAX - 8 - b.len) {
        e = b.oom ? mc_fail(MC_E_NOMEM, "out of memory") : mc_fail(MC_E_TOO_LARGE, "header too large");
        nn_json_buf_free(&b);
        return e;
    }
    size_t total = 8 + b.len + data_len;
    unsigned char *buf = malloc(total);
    if (!buf) {
        nn_json_buf_free(&b);
        return mc_fail(MC_E_NOMEM, "cannot allocate %zu bytes", total);
    }
    nn_io_put_le(buf, b.len, 8);
    memcpy(buf + 8, b.p, b.len);
    unsigned char *w = buf + 8 + b.len;
    for (size_t k = 0; k < n; k++) {
        size_t esize = nn_st_dtype_size(t[k].dtype);
        nn_io_copy_to_le(w, t[k].data, t[k].nbytes / esize, esize);
        w += t[k].nbytes;
    }
    nn_json_buf_free(&b);
    *out = buf;
    *len = total;
    return MC_OK;
}

mc_err nn_st_save(const char *path, const nn_named_tensor *t, size_t n, const char *const *meta_kv, size_t nmeta,
                  int force)
{
    unsigned char *buf;
    size_t len;
    mc_err e = nn_st_serialize(t, n, meta_kv, nmeta, &buf, &len);
    if (e) return e;
    e = mc_write_file(path, buf, len, MC_MODE_PUBLIC, force);
    free(buf);
    return e;
}
