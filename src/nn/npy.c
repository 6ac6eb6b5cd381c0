/* .npy reader and writer after numpy/lib/format.py ("A simple format for saving
 * numpy arrays to disk", NEP 1). Layout: "\x93NUMPY", major, minor, header length
 * (2 bytes LE in 1.0, 4 bytes LE in 2.0/3.0), the header — a Python dict literal
 * padded with spaces and ended by '\n' so the data starts 64-byte aligned — then
 * the array bytes. The header is parsed by nn/json.c's Python dialect, not eval. */
#include "nn/npy.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/io_bytes.h"
#include "nn/json.h"
#include "util/file.h"

static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
#define NPY_ALIGN 64

/* The array's element type as 'descr' names it: '<f4' and friends. */
typedef struct {
    size_t esize;       /* 4 or 8 */
    int big_endian;
} npy_type;

static mc_err parse_descr(const nn_json *v, npy_type *ty)
{
    if (v->type != NN_JSON_STRING)
        return mc_fail(MC_E_UNSUPPORTED, "npy: 'descr' is a %s (structured dtype); only float32/float64 supported",
                       nn_json_type_name(v->type));
    const char *d = v->s;
    if ((d[0] == '<' || d[0] == '>') && d[1] == 'f' && (d[2] == '4' || d[2] == '8') && d[3] == '\0') {
        ty->big_endian = d[0] == '>';
        ty->esize = d[2] == '4' ? 4 : 8;
        return MC_OK;
    }
    return mc_fail(MC_E_UNSUPPORTED, "npy: dtype '%.40s' not supported (only '<f4', '>f4', '<f8', '>f8')", d);
}

static mc_err parse_shape(const nn_json *v, int *ndim, int64_t shape[8])
{
    if (v->type != NN_JSON_ARRAY || !v->is_tuple)
        return mc_fail(MC_E_FORMAT, "npy: 'shape' is not a tuple");
    if (v->n > NN_NPY_MAX_DIMS)
        return mc_fail(MC_E_UNSUPPORTED, "npy: %zu dimensions, at most %d supported", v->n, NN_NPY_MAX_DIMS);
    for (size_t k = 0; k < v->n; k++) {
        if (v->items[k].type != NN_JSON_INT) return mc_fail(MC_E_FORMAT, "npy: shape entry %zu is not an integer", k);
        if (v->items[k].i < 0)
            return mc_fail(MC_E_FORMAT, "npy: negative dimension %lld in shape", (long long)v->items[k].i);
        shape[k] = v->items[k].i;
    }
    *ndim = (int)v->n;
    return MC_OK;
}

/* numpy requires exactly the keys 'descr', 'fortran_order' and 'shape'. */
static mc_err parse_dict(const nn_json *d, npy_type *ty, int *ndim, int64_t shape[8])
{
    if (d->type != NN_JSON_OBJECT) return mc_fail(MC_E_FORMAT, "npy: header is not a dict");
    const nn_json *descr = nn_json_get(d, "descr"), *fo = nn_json_get(d, "fortran_order"),
                  *shp = nn_json_get(d, "shape");
    if (!descr || !fo || !shp || d->n != 3)
        return mc_fail(MC_E_FORMAT, "npy: header keys must be exactly 'descr', 'fortran_order', 'shape'");
    mc_err e = parse_descr(descr, ty);
    if (e) return e;
    if (fo->type != NN_JSON_BOOL) return mc_fail(MC_E_FORMAT, "npy: 'fortran_order' is not True or False");
    if (fo->b) return mc_fail(MC_E_UNSUPPORTED, "npy: fortran_order True (column-major) arrays are not supported");
    return parse_shape(shp, ndim, shape);
}

/* float64 → float32 with round-to-nearest (C11 F.3, IEC 60559 conversion). A
 * finite value beyond float32's range would be undefined in C, so it is refused. */
static mc_err narrow_f64(float *out, const unsigned char *src, size_t n, int big_endian)
{
    for (size_t i = 0; i < n; i++) {
        double d;
        nn_io_copy_to_host(&d, src + 8 * i, 1, 8, big_endian);
        if (isfinite(d) && fabs(d) > FLT_MAX)
            return mc_fail(MC_E_RANGE, "npy: element %zu (%g) is beyond the float32 range", i, d);
        out[i] = (float)d;
    }
    return MC_OK;
}

mc_err nn_npy_parse(const unsigned char *buf, size_t len, float **data, int *ndim, int64_t shape[8])
{
    *data = NULL;
    *ndim = 0;
    if (len < 10) return mc_fail(MC_E_TRUNCATED, "npy: %zu bytes, shorter than the preamble", len);
    if (memcmp(buf, magic, sizeof magic) != 0) return mc_fail(MC_E_FORMAT, "npy: no \\x93NUMPY magic string");
    unsigned major = buf[6], minor = buf[7];
    if (major < 1 || major > 3 || minor != 0)
        return mc_fail(MC_E_VERSION, "npy: format version %u.%u (only 1.0, 2.0, 3.0)", major, minor);
    size_t pre = major == 1 ? 10 : 12;
    if (len < pre) return mc_fail(MC_E_TRUNCATED, "npy: file ends inside the preamble");
    size_t hlen = (size_t)nn_io_get_le(buf + 8, major == 1 ? 2 : 4);
    if (hlen > len - pre)
        return mc_fail(MC_E_TRUNCATED, "npy: header length %zu exceeds the %zu bytes that follow", hlen, len - pre);
    nn_json *dict;
    mc_err e = nn_json_parse((const char *)buf + pre, hlen, NN_JSON_PYTHON, &dict);
    if (e) return e;
    npy_type ty = {0, 0};
    int nd = 0;
    int64_t shp[8] = {0};
    e = parse_dict(dict, &ty, &nd, shp);
    nn_json_free(dict);
    if (e) return e;
    size_t count, want, avail = len - pre - hlen;
    if (!nn_io_nbytes(nd, shp, 1, &count) || !nn_io_nbytes(nd, shp, ty.esize, &want) ||
        count > SIZE_MAX / sizeof(float))
        return mc_fail(MC_E_TOO_LARGE, "npy: array size overflows");
    if (avail < want) return mc_fail(MC_E_TRUNCATED, "npy: %zu data bytes, the shape needs %zu", avail, want);
    if (avail > want) return mc_fail(MC_E_FORMAT, "npy: %zu bytes after the array's %zu", avail - want, want);
    float *out = malloc(count ? count * sizeof(float) : 1);
    if (!out) return mc_fail(MC_E_NOMEM, "cannot allocate %zu floats", count);
    const unsigned char *src = buf + pre + hlen;
    if (ty.esize == 4) {
        nn_io_copy_to_host(out, src, count, 4, ty.big_endian);
    } else if ((e = narrow_f64(out, src, count, ty.big_endian))) {
        free(out);
        return e;
    }
    *data = out;
    *ndim = nd;
    memcpy(shape, shp, sizeof shp);
    return MC_OK;
}

mc_err nn_npy_load(const char *path, float **data, int *ndim, int64_t shape[8])
{
    *data = NULL;
    *ndim = 0;
    unsigned char *buf;
    size_t len;
    mc_err e = mc_read_file(path, NN_NPY_MAX_FILE, &buf, &len);
    if (e) return e;
    e = nn_npy_parse(buf, len, data, ndim, shape);
    free(buf);
    return e;
}

mc_err nn_npy_serialize(const float *data, int ndim, const int64_t *shape, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (ndim < 0 || ndim > NN_NPY_MAX_DIMS || (ndim && !shape))
        return mc_fail(MC_E_ARG, "npy: ndim %d outside 0..%d", ndim, NN_NPY_MAX_DIMS);
    size_t count, nbytes;
    if (!nn_io_nbytes(ndim, shape, 1, &count) || !nn_io_nbytes(ndim, shape, 4, &nbytes))
        return mc_fail(MC_E_ARG, "npy: negative dimension or size overflow");
    if (count && !data) return mc_fail(MC_E_ARG, "npy: no data");
    /* The dict as numpy.save writes it: sorted keys, repr() values, a trailing ", ".
     * A 1-tuple needs its comma: (5,). */
    char dict[320];
    char shp[200];
    nn_io_shape_str(shp, sizeof shp, ndim, shape, '(', ndim == 1 ? ',' : ')');
    if (ndim == 1) strcat(shp, ")");
    int hl = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shp);
    /* Pad with spaces and a final '\n' so preamble + header is a multiple of 64. */
    size_t pre = 10, hlen = (size_t)hl + 1;
    hlen += (NPY_ALIGN - (pre + hlen) % NPY_ALIGN) % NPY_ALIGN;
    if (nbytes > SIZE_MAX - pre - hlen) return mc_fail(MC_E_TOO_LARGE, "npy: array too large");
    size_t total = pre + hlen + nbytes;
    unsigned char *buf = malloc(total);
    if (!buf) return mc_fail(MC_E_NOMEM, "cannot allocate %zu bytes", total);
    memcpy(buf, magic, sizeof magic);
    buf[6] = 1;        /* version 1.0 suffices: at most 8 dims keep the header far below 65535 bytes */
    buf[7] = 0;
    nn_io_put_le(buf + 8, hlen, 2);
    memset(buf + pre, ' ', hlen);
    memcpy(buf + pre, dict, (size_t)hl);
    buf[pre + hlen - 1] = '\n';
    nn_io_copy_to_le(buf + pre + hlen, data, count, 4);
    *out = buf;
    *len = total;
    return MC_OK;
}

mc_err nn_npy_save(const char *path, const float *data, int ndim, const int64_t *shape, int force)
{
    unsigned char *buf;
    size_t len;
    mc_err e = nn_npy_serialize(data, ndim, shape, &buf, &len);
    if (e) return e;
    e = mc_write_file(path, buf, len, MC_MODE_PUBLIC, force);
    free(buf);
    return e;
}
