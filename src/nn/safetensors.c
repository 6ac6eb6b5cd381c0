/* safetensors reader (the writer is safetensors_write.c). The validation follows
 * the format's reference implementation (safetensors/src/tensor.rs,
 * Metadata::validate): sorted by offset, the tensors must tile the data buffer exactly — first at 0, each
 * starting where the previous ends, the last ending at the buffer's end — and
 * each span must equal shape product x dtype size. Data is copied into one
 * 64-byte-aligned arena because file offsets carry no alignment guarantee. */
#include "nn/safetensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/io_bytes.h"
#include "nn/json.h"
#include "util/file.h"

#define ARENA_ALIGN 64

size_t nn_st_dtype_size(nn_dtype dt)
{
    return dt == NN_DT_F32 ? 4 : dt == NN_DT_I64 ? 8 : 0;
}

const char *nn_st_dtype_name(nn_dtype dt)
{
    return dt == NN_DT_F32 ? "F32" : dt == NN_DT_I64 ? "I64" : "?";
}

/* Every dtype the format defines; those we do not load are "unsupported", any
 * other string is malformed. */
static const char *const other_dtypes[] = {
    "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
    "I16", "U16", "F16", "BF16", "I32", "U32", "F64", "U64", "C64",
};

/* Header facts about one tensor before its data is copied. */
typedef struct {
    uint64_t begin, end;
    size_t index;               /* position in f->t */
} span;

static mc_err parse_dtype(const char *name, const nn_json *v, nn_dtype *dt)
{
    if (!v) return nn_io_tensor_fail(MC_E_FORMAT, name, "missing \"dtype\"");
    if (v->type != NN_JSON_STRING)
        return nn_io_tensor_fail(MC_E_FORMAT, name, "\"dtype\" is a %s, expected a string", nn_json_type_name(v->type));
    if (strcmp(v->s, "F32") == 0) *dt = NN_DT_F32;
    else if (strcmp(v->s, "I64") == 0) *dt = NN_DT_I64;
    else {
        for (size_t k = 0; k < sizeof other_dtypes / sizeof other_dtypes[0]; k++)
            if (strcmp(v->s, other_dtypes[k]) == 0)
                return nn_io_tensor_fail(MC_E_UNSUPPORTED, name, "dtype %s is not supported (only F32 and I64)", v->s);
        return nn_io_tensor_fail(MC_E_FORMAT, name, "unknown dtype \"%.40s\"", v->s);
    }
    return MC_OK;
}

static mc_err parse_shape(const char *name, const nn_json *v, nn_named_tensor *t)
{
    if (!v) return nn_io_tensor_fail(MC_E_FORMAT, name, "missing \"shape\"");
    if (v->type != NN_JSON_ARRAY)
        return nn_io_tensor_fail(MC_E_FORMAT, name, "\"shape\" is a %s, expected an array", nn_json_type_name(v->type));
    if (v->n > NN_ST_MAX_DIMS)
        return nn_io_tensor_fail(MC_E_UNSUPPORTED, name, "%zu dimensions, at most %d supported", v->n, NN_ST_MAX_DIMS);
    for (size_t k = 0; k < v->n; k++) {
        if (v->items[k].type != NN_JSON_INT)
            return nn_io_tensor_fail(MC_E_FORMAT, name, "shape entry %zu is a %s, expected an integer", k,
                               nn_json_type_name(v->items[k].type));
        if (v->items[k].i < 0)
            return nn_io_tensor_fail(MC_E_FORMAT, name, "negative dimension %lld in shape", (long long)v->items[k].i);
        t->shape[k] = v->items[k].i;
    }
    t->ndim = (int)v->n;
    return MC_OK;
}

static mc_err parse_offsets(const char *name, const nn_json *v, span *s)
{
    if (!v) return nn_io_tensor_fail(MC_E_FORMAT, name, "missing \"data_offsets\"");
    if (v->type != NN_JSON_ARRAY || v->n != 2 || v->items[0].type != NN_JSON_INT || v->items[1].type != NN_JSON_INT)
        return nn_io_tensor_fail(MC_E_FORMAT, name, "\"data_offsets\" must be an array of two integers");
    if (v->items[0].i < 0 || v->items[1].i < v->items[0].i)
        return nn_io_tensor_fail(MC_E_FORMAT, name, "data_offsets [%lld, %lld] are not 0 <= begin <= end",
                           (long long)v->items[0].i, (long long)v->items[1].i);
    s->begin = (uint64_t)v->items[0].i;
    s->end = (uint64_t)v->items[1].i;
    return MC_OK;
}

/* One header entry: {"dtype": ..., "shape": [...], "data_offsets": [b, e]}. */
static mc_err parse_entry(const char *name, const nn_json *v, size_t buflen, nn_named_tensor *t, span *s)
{
    if (v->type != NN_JSON_OBJECT)
        return nn_io_tensor_fail(MC_E_FORMAT, name, "entry is a %s, expected an object", nn_json_type_name(v->type));
    for (size_t k = 0; k < v->n; k++)
        if (strcmp(v->keys[k], "dtype") && strcmp(v->keys[k], "shape") && strcmp(v->keys[k], "data_offsets"))
            return nn_io_tensor_fail(MC_E_FORMAT, name, "unexpected field \"%.40s\"", v->keys[k]);
    mc_err e;
    if ((e = parse_dtype(name, nn_json_get(v, "dtype"), &t->dtype))) return e;
    if ((e = parse_shape(name, nn_json_get(v, "shape"), t))) return e;
    if ((e = parse_offsets(name, nn_json_get(v, "data_offsets"), s))) return e;
    char shp[160];
    nn_io_shape_str(shp, sizeof shp, t->ndim, t->shape, '[', ']');
    size_t want;
    if (!nn_io_nbytes(t->ndim, t->shape, nn_st_dtype_size(t->dtype), &want))
        return nn_io_tensor_fail(MC_E_TOO_LARGE, name, "byte size of shape %s of %s overflows", shp,
                           nn_st_dtype_name(t->dtype));
    if (s->end - s->begin != (uint64_t)want)
        return nn_io_tensor_fail(MC_E_FORMAT, name, "data_offsets [%llu, %llu] do not match shape %s of %s (%zu bytes)",
                           (unsigned long long)s->begin, (unsigned long long)s->end, shp,
                           nn_st_dtype_name(t->dtype), want);
    if (s->end > buflen)
        return nn_io_tensor_fail(MC_E_TRUNCATED, name, "data_offsets [%llu, %llu] run past the %zu-byte data buffer",
                           (unsigned long long)s->begin, (unsigned long long)s->end, buflen);
    t->nbytes = want;
    return MC_OK;
}

/* "__metadata__": a flat string-to-string map (or null). Kept as pairs and as JSON. */
static mc_err parse_meta(const nn_json *v, nn_tensor_file *f)
{
    if (v->type == NN_JSON_NULL) return MC_OK;
    if (v->type != NN_JSON_OBJECT)
        return mc_fail(MC_E_FORMAT, "__metadata__ is a %s, expected an object", nn_json_type_name(v->type));
    f->meta_kv = calloc(2 * v->n + 1, sizeof *f->meta_kv);
    if (!f->meta_kv) return mc_fail(MC_E_NOMEM, "out of memory");
    nn_json_buf b = {0};
    nn_json_buf_add(&b, "{", 1);
    for (size_t k = 0; k < v->n; k++) {
        if (v->items[k].type != NN_JSON_STRING) {
            nn_json_buf_free(&b);
            return mc_fail(MC_E_FORMAT, "__metadata__ value of \"%.80s\" is a %s, expected a string", v->keys[k],
                           nn_json_type_name(v->items[k].type));
        }
        if (!(f->meta_kv[2 * k] = strdup(v->keys[k])) || !(f->meta_kv[2 * k + 1] = strdup(v->items[k].s))) {
            nn_json_buf_free(&b);
            return mc_fail(MC_E_NOMEM, "out of memory");
        }
        f->nmeta = k + 1;
        if (k) nn_json_buf_add(&b, ",", 1);
        nn_json_buf_string(&b, v->keys[k]);
        nn_json_buf_add(&b, ":", 1);
        nn_json_buf_string(&b, v->items[k].s);
    }
    nn_json_buf_add(&b, "}", 1);
    if (b.oom) {
        nn_json_buf_free(&b);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    f->meta_json = b.p;
    return MC_OK;
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return 0;
}

/* The tensors, sorted by offset, must tile [0, buflen) with no gap or overlap. */
static mc_err check_tiling(const nn_tensor_file *f, span *s, size_t n, size_t buflen)
{
    qsort(s, n, sizeof *s, cmp_span);
    uint64_t at = 0;
    for (size_t k = 0; k < n; k++) {
        const char *name = f->t[s[k].index].name;
        if (s[k].begin < at)
            return nn_io_tensor_fail(MC_E_FORMAT, name, "data_offsets [%llu, %llu] overlap tensor '%.120s'",
                               (unsigned long long)s[k].begin, (unsigned long long)s[k].end,
                               f->t[s[k - 1].index].name);
        if (s[k].begin > at) {
            if (k == 0)
                return nn_io_tensor_fail(MC_E_FORMAT, name, "data_offsets [%llu, %llu] leave bytes [0, %llu) unused",
                                   (unsigned long long)s[k].begin, (unsigned long long)s[k].end,
                                   (unsigned long long)s[k].begin);
            return nn_io_tensor_fail(MC_E_FORMAT, name,
                               "data_offsets [%llu, %llu] leave a %llu-byte hole after tensor '%.120s'",
                               (unsigned long long)s[k].begin, (unsigned long long)s[k].end,
                               (unsigned long long)(s[k].begin - at), f->t[s[k - 1].index].name);
        }
        at = s[k].end;
    }
    if (at != buflen)
        return mc_fail(MC_E_FORMAT, "data buffer has %zu bytes but the tensors cover %llu (trailing bytes)",
                       buflen, (unsigned long long)at);
    return MC_OK;
}

/* Copy every tensor into one arena, each at a 64-byte boundary, in host order. */
static mc_err copy_data(nn_tensor_file *f, const span *s, const unsigned char *data)
{
    size_t total = 0;
    for (size_t k = 0; k < f->n; k++) {
        size_t need = (f->t[k].nbytes + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
        if (need < f->t[k].nbytes || total > SIZE_MAX - need) return mc_fail(MC_E_TOO_LARGE, "tensors too large");
        total += need;
    }
    f->blob = aligned_alloc(ARENA_ALIGN, total ? total : ARENA_ALIGN);
    if (!f->blob) return mc_fail(MC_E_NOMEM, "cannot allocate %zu bytes for tensor data", total);
    size_t at = 0;
    for (size_t k = 0; k < f->n; k++) {
        nn_named_tensor *t = &f->t[s[k].index];
        size_t esize = nn_st_dtype_size(t->dtype);
        t->data = f->blob + at;
        nn_io_copy_to_host(t->data, data + s[k].begin, t->nbytes / esize, esize, 0);
        at += (t->nbytes + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    }
    return MC_OK;
}

static mc_err parse_header(const nn_json *root, const unsigned char *data, size_t buflen, nn_tensor_file *f)
{
    if (root->type != NN_JSON_OBJECT)
        return mc_fail(MC_E_FORMAT, "header is a JSON %s, expected an object", nn_json_type_name(root->type));
    const nn_json *meta = nn_json_get(root, NN_ST_META_KEY);
    size_t n = root->n - (meta != NULL);
    f->t = calloc(n ? n : 1, sizeof *f->t);
    span *s = calloc(n ? n : 1, sizeof *s);
    if (!f->t || !s) {
        free(s);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    mc_err e = meta ? parse_meta(meta, f) : MC_OK;
    for (size_t k = 0; k < root->n && !e; k++) {
        if (&root->items[k] == meta) continue;
        nn_named_tensor *t = &f->t[f->n];
        if (!(t->name = strdup(root->keys[k]))) {
            e = mc_fail(MC_E_NOMEM, "out of memory");
            break;
        }
        s[f->n].index = f->n;
        f->n++;
        e = parse_entry(t->name, &root->items[k], buflen, t, &s[f->n - 1]);
    }
    if (!e) e = check_tiling(f, s, f->n, buflen);
    if (!e) e = copy_data(f, s, data);
    free(s);
    return e;
}

mc_err nn_st_parse(const unsigned char *buf, size_t len, nn_tensor_file *f)
{
    memset(f, 0, sizeof *f);
    if (len < 8)
        return mc_fail(MC_E_TRUNCATED, "%zu bytes: shorter than the 8-byte header length", len);
    uint64_t hlen = nn_io_get_le(buf, 8);
    if (hlen > len - 8)
        return mc_fail(MC_E_TRUNCATED, "header length %llu exceeds the %zu bytes that follow it",
                       (unsigned long long)hlen, len - 8);
    if (hlen > NN_ST_MAX_HEADER)
        return mc_fail(MC_E_TOO_LARGE, "header length %llu exceeds the limit of %zu", (unsigned long long)hlen,
                       NN_ST_MAX_HEADER);
    if (hlen == 0 || buf[8] != '{') return mc_fail(MC_E_FORMAT, "header does not start with '{'");
    nn_json *root;
    mc_err e = nn_json_parse((const char *)buf + 8, (size_t)hlen, NN_JSON_STRICT, &root);
    if (e) return e;
    e = parse_header(root, buf + 8 + hlen, len - 8 - (size_t)hlen, f);
    nn_json_free(root);
    if (e) nn_st_free(f);
    return e;
}

mc_err nn_st_load(const char *path, nn_tensor_file *f)
{
    memset(f, 0, sizeof *f);
    unsigned char *buf;
    size_t len;
    mc_err e = mc_read_file(path, NN_ST_MAX_FILE, &buf, &len);
    if (e) return e;
    e = nn_st_parse(buf, len, f);
    free(buf);
    return e;
}

const nn_named_tensor *nn_st_find(const nn_tensor_file *f, const char *name)
{
    for (size_t k = 0; k < f->n; k++)
        if (strcmp(f->t[k].name, name) == 0) return &f->t[k];
    return NULL;
}

mc_err nn_st_get(const nn_tensor_file *f, const char *name, nn_dtype dt, int ndim, const int64_t *shape,
                 const nn_named_tensor **out)
{
    *out = NULL;
    const nn_named_tensor *t = nn_st_find(f, name);
    if (!t) return nn_io_tensor_fail(MC_E_MISMATCH, name, "not in the file");
    int same = t->dtype == dt && t->ndim == ndim;
    for (int k = 0; same && k < ndim; k++) same = t->shape[k] == shape[k];
    if (!same) {
        char have[160], want[160];
        nn_io_shape_str(have, sizeof have, t->ndim, t->shape, '[', ']');
        nn_io_shape_str(want, sizeof want, ndim < 0 || ndim > NN_ST_MAX_DIMS ? 0 : ndim, shape, '[', ']');
        return nn_io_tensor_fail(MC_E_MISMATCH, name, "shape %s of %s in the file, expected %s of %s", have,
                                 nn_st_dtype_name(t->dtype), want, nn_st_dtype_name(dt));
    }
    *out = t;
    return MC_OK;
}

const char *nn_st_meta(const nn_tensor_file *f, const char *key)
{
    for (size_t k = 0; k < f->nmeta; k++)
        if (strcmp(f->meta_kv[2 * k], key) == 0) return f->meta_kv[2 * k + 1];
    return NULL;
}

void nn_st_free(nn_tensor_file *f)
{
    for (size_t k = 0; k < f->n; k++) free(f->t[k].name);
    free(f->t);
    free(f->blob);
    free(f->meta_json);
    if (f->meta_kv)
        for (size_t k = 0; k < 2 * f->nmeta; k++) free(f->meta_kv[k]);
    free(f->meta_kv);
    memset(f, 0, sizeof *f);
}

