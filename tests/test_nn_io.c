/* nn tensor files: safetensors and .npy readers and writers against fixtures made
 * by numpy, PyTorch and a Python safetensors writer (tests/gen_io_fixtures.py);
 * malformed files are listed with the error they must raise in bad_cases.tsv. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn/json.h"
#include "nn/npy.h"
#include "nn/safetensors.h"
#include "util/err.h"
#include "util/file.h"

static const char *fixture(const char *name)
{
    static char buf[4][1024];
    static int slot;
    const char *src = getenv("MC_SRCDIR");
    char *p = buf[slot++ % 4];
    snprintf(p, sizeof buf[0], "%s/tests/fixtures/io/%s", src ? src : ".", name);
    return p;
}

static unsigned char *slurp(const char *name, size_t *len)
{
    unsigned char *b;
    cr_assert_eq(mc_read_file(fixture(name), (size_t)1 << 24, &b, len), MC_OK, "%s", name);
    return b;
}

/* The generator's ramp: value i is i*scale + offset, exact in float32. */
static float ramp(size_t i, double scale, double offset) { return (float)((double)i * scale + offset); }

static void assert_shape(int ndim, const int64_t *shape, int want_ndim, const int64_t *want, const char *what)
{
    cr_assert_eq(ndim, want_ndim, "%s: ndim %d, want %d", what, ndim, want_ndim);
    for (int k = 0; k < want_ndim; k++)
        cr_assert_eq(shape[k], want[k], "%s: dim %d is %lld, want %lld", what, k, (long long)shape[k],
                     (long long)want[k]);
}

/* A fresh directory dir and the path of a file named name inside it. */
static void tmp_file(char dir[32], char path[64], const char *name)
{
    strcpy(dir, "/tmp/mc_nnio_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, 64, "%s/%s", dir, name);
}

/* ---------------------------------------------------------------- JSON (RFC 8259) */

typedef struct {
    const char *text;
    int dialect;
    mc_err want;
} json_case;

Test(json, accepts_and_rejects_per_rfc8259_and_python_literals)
{
    static const json_case cases[] = {
        {"{\"a\": [1, -2, {\"b\": null}], \"c\": true}", NN_JSON_STRICT, MC_OK},
        {"  [ ]  ", NN_JSON_STRICT, MC_OK},
        {"[9223372036854775807, -9223372036854775808]", NN_JSON_STRICT, MC_OK},
        {"[9223372036854775808]", NN_JSON_STRICT, MC_E_FORMAT},
        {"[-9223372036854775809]", NN_JSON_STRICT, MC_E_FORMAT},
        {"[01]", NN_JSON_STRICT, MC_E_FORMAT},
        {"[1.5]", NN_JSON_STRICT, MC_E_UNSUPPORTED},
        {"[1e3]", NN_JSON_STRICT, MC_E_UNSUPPORTED},
        {"[1,]", NN_JSON_STRICT, MC_E_FORMAT},
        {"{\"a\":1,}", NN_JSON_STRICT, MC_E_FORMAT},
        {"{\"a\":1 \"b\":2}", NN_JSON_STRICT, MC_E_FORMAT},
        {"{'a': 1}", NN_JSON_STRICT, MC_E_FORMAT},
        {"[True]", NN_JSON_STRICT, MC_E_FORMAT},
        {"[1] x", NN_JSON_STRICT, MC_E_FORMAT},
        {"", NN_JSON_STRICT, MC_E_FORMAT},
        {"\"\\x41\"", NN_JSON_STRICT, MC_E_FORMAT},
        {"\"\\u00\"", NN_JSON_STRICT, MC_E_FORMAT},
        {"\"\\ud800\"", NN_JSON_STRICT, MC_E_FORMAT},
        {"\"\\u0000\"", NN_JSON_STRICT, MC_E_FORMAT},
        {"\"\xc0\xaf\"", NN_JSON_STRICT, MC_E_FORMAT},     /* overlong '/' */
        {"\"\xed\xa0\x80\"", NN_JSON_STRICT, MC_E_FORMAT}, /* encoded surrogate */
        {"\"abc", NN_JSON_STRICT, MC_E_FORMAT},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", NN_JSON_PYTHON, MC_OK},
        {"{'shape': (2L, 3L), 'x': None, 'y': True}", NN_JSON_PYTHON, MC_OK},
        {"(,)", NN_JSON_PYTHON, MC_E_FORMAT},
        {"(1,,)", NN_JSON_PYTHON, MC_E_FORMAT},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        nn_json *v = NULL;
        mc_clear_error();
        mc_err e = nn_json_parse(cases[k].text, strlen(cases[k].text), cases[k].dialect, &v);
        cr_expect_eq(e, cases[k].want, "case %zu <%s>: got %d (%s), want %d", k, cases[k].text, e, mc_errmsg(e),
                     cases[k].want);
        cr_expect_eq(v == NULL, e != MC_OK, "case %zu: tree returned iff success", k);
        nn_json_free(v);
    }
}

Test(json, decodes_escapes_and_surrogate_pairs_to_utf8)
{
    const char *text = "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\\ud83d\\ude00\", \"caf\xc3\xa9\"]";
    nn_json *v;
    cr_assert_eq(nn_json_parse(text, strlen(text), NN_JSON_STRICT, &v), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(v->n, 3);
    cr_expect_str_eq(v->items[0].s, "a\"b\\c/d\b\f\n\r\t");
    cr_expect_str_eq(v->items[1].s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"); /* é € U+1F600 */
    cr_expect_str_eq(v->items[2].s, "caf\xc3\xa9");
    nn_json_free(v);
}

Test(json, limits_nesting_depth)
{
    char text[2 * NN_JSON_MAX_DEPTH + 3];
    for (int depth = NN_JSON_MAX_DEPTH; depth <= NN_JSON_MAX_DEPTH + 1; depth++) {
        memset(text, '[', (size_t)depth);
        memset(text + depth, ']', (size_t)depth);
        nn_json *v = NULL;
        mc_err e = nn_json_parse(text, 2 * (size_t)depth, NN_JSON_STRICT, &v);
        cr_expect_eq(e, depth <= NN_JSON_MAX_DEPTH ? MC_OK : MC_E_FORMAT, "depth %d", depth);
        nn_json_free(v);
    }
}

Test(json, rejects_duplicate_keys_naming_them)
{
    const char *text = "{\"b\": 1, \"a\": 2, \"b\": 3}";
    nn_json *v;
    mc_err e = nn_json_parse(text, strlen(text), NN_JSON_STRICT, &v);
    cr_assert_eq(e, MC_E_FORMAT);
    cr_expect(strstr(mc_errmsg(e), "duplicate key 'b'"), "%s", mc_errmsg(e));
}

Test(json, writer_escapes_what_the_reader_decodes)
{
    const char *s = "q\"b\\s\x01\n\x1f caf\xc3\xa9";
    nn_json_buf b = {0};
    nn_json_buf_add(&b, "[", 1);
    nn_json_buf_string(&b, s);
    nn_json_buf_add(&b, "]", 1);
    cr_assert(!b.oom);
    nn_json *v;
    cr_assert_eq(nn_json_parse(b.p, b.len, NN_JSON_STRICT, &v), MC_OK, "%s", b.p);
    cr_expect_str_eq(v->items[0].s, s);
    nn_json_free(v);
    nn_json_buf_free(&b);
}

/* ---------------------------------------------------------------- safetensors */

static const nn_named_tensor *must_find(const nn_tensor_file *f, const char *name, nn_dtype dt)
{
    const nn_named_tensor *t = nn_st_find(f, name);
    cr_assert_not_null(t, "tensor %s missing", name);
    cr_assert_eq(t->dtype, dt, "tensor %s dtype", name);
    cr_assert_not_null(t->data, "tensor %s data", name);
    cr_assert_eq((uintptr_t)t->data % 64, 0, "tensor %s data not 64-byte aligned", name);
    return t;
}

static void load_fixture(const char *name, nn_tensor_file *f, size_t want_tensors)
{
    mc_err e = nn_st_load(fixture(name), f);
    cr_assert_eq(e, MC_OK, "%s: %s", name, mc_errmsg(e));
    cr_assert_eq(f->n, want_tensors, "%s: %zu tensors", name, f->n);
}

Test(safetensors, reads_f32_i64_scalar_empty_tensors_and_metadata)
{
    nn_tensor_file f;
    load_fixture("st_basic.safetensors", &f, 5);
    const nn_named_tensor *w = must_find(&f, "weight", NN_DT_F32);
    assert_shape(w->ndim, w->shape, 2, (int64_t[]){2, 3}, "weight");
    cr_assert_eq(w->nbytes, 24);
    for (size_t i = 0; i < 6; i++) cr_expect_eq(((float *)w->data)[i], ramp(i, 0.25, -3), "weight[%zu]", i);
    const nn_named_tensor *b = must_find(&f, "bias", NN_DT_F32);
    for (size_t i = 0; i < 3; i++) cr_expect_eq(((float *)b->data)[i], ramp(i, 1.5, 0.5), "bias[%zu]", i);
    const nn_named_tensor *c = must_find(&f, "count", NN_DT_I64);
    cr_expect_eq(c->ndim, 0);
    cr_expect_eq(c->nbytes, 8);
    cr_expect_eq(*(int64_t *)c->data, 7);
    const nn_named_tensor *idx = must_find(&f, "idx", NN_DT_I64);
    const int64_t want[4] = {-1, (int64_t)1 << 40, INT64_MAX, INT64_MIN};
    for (int i = 0; i < 4; i++) cr_expect_eq(((int64_t *)idx->data)[i], want[i], "idx[%d]", i);
    const nn_named_tensor *em = must_find(&f, "empty", NN_DT_F32);
    assert_shape(em->ndim, em->shape, 2, (int64_t[]){0, 3}, "empty");
    cr_expect_eq(em->nbytes, 0);
    cr_expect_null(nn_st_find(&f, "missing"));
    cr_expect_str_eq(nn_st_meta(&f, "format"), "pt");
    cr_expect_str_eq(nn_st_meta(&f, "note"), "caf\xc3\xa9 \"quoted\"\n");
    cr_expect_null(nn_st_meta(&f, "absent"));
    cr_assert_not_null(f.meta_json);
    cr_expect_str_eq(f.meta_json, "{\"format\":\"pt\",\"note\":\"caf\xc3\xa9 \\\"quoted\\\"\\u000a\"}");
    nn_st_free(&f);
    cr_expect_eq(f.n, 0);
    cr_expect_null(f.t);
}

Test(safetensors, copies_unaligned_tensors_into_aligned_memory)
{
    nn_tensor_file f;
    load_fixture("st_unaligned.safetensors", &f, 2);
    const nn_named_tensor *a = must_find(&f, "a", NN_DT_F32), *b = must_find(&f, "b", NN_DT_I64);
    for (size_t i = 0; i < 3; i++) cr_expect_eq(((float *)a->data)[i], ramp(i, 0.25, -3));
    cr_expect_eq(((int64_t *)b->data)[0], 5);
    cr_expect_eq(((int64_t *)b->data)[1], -6);
    cr_expect_null(f.meta_json);
    nn_st_free(&f);
}

Test(safetensors, reads_an_empty_file_of_no_tensors)
{
    nn_tensor_file f;
    load_fixture("st_empty.safetensors", &f, 0);
    nn_st_free(&f);
}

/* A PyTorch BatchNorm2d state_dict after one training step; each float tensor was
 * also saved by numpy as an .npy, so two readers meet two independent writers. */
Test(safetensors, reads_pytorch_state_dict_with_num_batches_tracked)
{
    nn_tensor_file f;
    load_fixture("st_torch_bn.safetensors", &f, 6);
    const nn_named_tensor *nbt = must_find(&f, "bn1.num_batches_tracked", NN_DT_I64);
    cr_expect_eq(nbt->ndim, 0);
    cr_expect_eq(*(int64_t *)nbt->data, 1);
    const char *floats[] = {"conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"};
    for (size_t k = 0; k < 5; k++) {
        const nn_named_tensor *t = must_find(&f, floats[k], NN_DT_F32);
        char name[128];
        snprintf(name, sizeof name, "st_torch_bn.%s.npy", floats[k]);
        float *ref;
        int nd;
        int64_t shape[8];
        mc_err e = nn_npy_load(fixture(name), &ref, &nd, shape);
        cr_assert_eq(e, MC_OK, "%s: %s", name, mc_errmsg(e));
        assert_shape(t->ndim, t->shape, nd, shape, floats[k]);
        cr_assert_eq(t->nbytes % 4, 0);
        cr_expect_eq(memcmp(t->data, ref, t->nbytes), 0, "%s differs from numpy's copy", floats[k]);
        free(ref);
    }
    assert_shape(nn_st_find(&f, "conv1.weight")->ndim, nn_st_find(&f, "conv1.weight")->shape, 4,
                 (int64_t[]){4, 3, 3, 3}, "conv1.weight");
    /* running_var after one step from 1: 0.9 + 0.1 * (unbiased batch variance) > 0.9 */
    const float *rv = nn_st_find(&f, "bn1.running_var")->data;
    for (int c = 0; c < 4; c++) cr_expect_gt(rv[c], 0.9f);
    nn_st_free(&f);
}

Test(safetensors, get_checks_dtype_and_shape_naming_both)
{
    nn_tensor_file f;
    load_fixture("st_basic.safetensors", &f, 5);
    const nn_named_tensor *t;
    cr_expect_eq(nn_st_get(&f, "weight", NN_DT_F32, 2, (int64_t[]){2, 3}, &t), MC_OK);
    cr_expect_eq(t, nn_st_find(&f, "weight"));
    cr_expect_eq(nn_st_get(&f, "count", NN_DT_I64, 0, NULL, &t), MC_OK);
    mc_err e = nn_st_get(&f, "weight", NN_DT_F32, 2, (int64_t[]){3, 2}, &t);
    cr_expect_eq(e, MC_E_MISMATCH);
    cr_expect_null(t);
    cr_expect_str_eq(mc_errmsg(e), "tensor 'weight': shape [2, 3] of F32 in the file, expected [3, 2] of F32");
    e = nn_st_get(&f, "count", NN_DT_F32, 0, NULL, &t);
    cr_expect_str_eq(mc_errmsg(e), "tensor 'count': shape [] of I64 in the file, expected [] of F32");
    e = nn_st_get(&f, "fc.weight", NN_DT_F32, 0, NULL, &t);
    cr_expect_eq(e, MC_E_MISMATCH);
    cr_expect_str_eq(mc_errmsg(e), "tensor 'fc.weight': not in the file");
    nn_st_free(&f);
}

static mc_err err_by_name(const char *s)
{
    static const struct { const char *name; mc_err e; } tab[] = {
        {"MC_E_FORMAT", MC_E_FORMAT},           {"MC_E_TRUNCATED", MC_E_TRUNCATED},
        {"MC_E_UNSUPPORTED", MC_E_UNSUPPORTED}, {"MC_E_TOO_LARGE", MC_E_TOO_LARGE},
        {"MC_E_VERSION", MC_E_VERSION},         {"MC_E_RANGE", MC_E_RANGE},
    };
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
        if (strcmp(s, tab[k].name) == 0) return tab[k].e;
    cr_assert_fail("unknown error name %s in bad_cases.tsv", s);
    return MC_OK;
}

/* Parse buf as a safetensors (kind "st_") or .npy file, checking that a failure
 * leaves nothing behind; frees whatever a success returned. */
static mc_err parse_kind(const char *kind, const unsigned char *buf, size_t len)
{
    if (strcmp(kind, "st_") == 0) {
        nn_tensor_file f;
        mc_err e = nn_st_parse(buf, len, &f);
        cr_expect(e == MC_OK || (f.n == 0 && !f.t && !f.blob && !f.meta_json), "failed parse left data behind");
        nn_st_free(&f);
        return e;
    }
    float *d;
    int nd;
    int64_t shape[8];
    mc_err e = nn_npy_parse(buf, len, &d, &nd, shape);
    cr_expect(e == MC_OK || d == NULL, "failed parse returned data");
    free(d);
    return e;
}

/* Every proper prefix of a valid file is truncated: each must fail cleanly
 * (AddressSanitizer builds check that no byte past the prefix is read). */
static void expect_every_prefix_rejected(const char *kind, const char *name)
{
    size_t len;
    unsigned char *full = slurp(name, &len);
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *b = malloc(cut ? cut : 1);
        memcpy(b, full, cut);
        cr_expect_neq(parse_kind(kind, b, cut), MC_OK, "%s: prefix of %zu bytes accepted", name, cut);
        free(b);
    }
    free(full);
}

/* Run every case of bad_cases.tsv whose file name starts with prefix; returns the count. */
static int run_bad_cases(const char *prefix)
{
    FILE *fp = fopen(fixture("bad_cases.tsv"), "r");
    cr_assert_not_null(fp);
    char line[1024];
    int count = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || strncmp(line, prefix, strlen(prefix)) != 0) continue;
        line[strcspn(line, "\n")] = '\0';
        char *file = strtok(line, "\t"), *errname = strtok(NULL, "\t"), *sub = strtok(NULL, "");
        cr_assert(file && errname && sub, "bad line in bad_cases.tsv");
        mc_err want = err_by_name(errname);
        size_t len;
        unsigned char *buf = slurp(file, &len);
        mc_clear_error();
        mc_err got = parse_kind(prefix, buf, len);
        free(buf);
        const char *msg = mc_errmsg(got);
        cr_expect_eq(got, want, "%s: got %s (%s), want %s", file, mc_strerror(got), msg, errname);
        cr_expect(strstr(msg, sub) != NULL, "%s: detail \"%s\" lacks \"%s\"", file, msg, sub);
        cr_expect(strchr(msg, '\n') == NULL, "%s: detail is not one line", file);
        count++;
    }
    fclose(fp);
    return count;
}

Test(safetensors, rejects_each_malformed_file_naming_the_cause)
{
    cr_expect_geq(run_bad_cases("st_"), 25);
}

Test(safetensors, rejects_every_truncation_without_reading_past_it)
{
    expect_every_prefix_rejected("st_", "st_basic.safetensors");
}

/* Flip every bit of the header: the parser either refuses or returns tensors
 * whose data lies inside what it allocated (no crash, no leak under ASan). */
Test(safetensors, survives_every_single_bit_flip_in_the_header)
{
    size_t len;
    unsigned char *b = slurp("st_basic.safetensors", &len);
    size_t hend = 8 + (size_t)b[0] + ((size_t)b[1] << 8);
    volatile unsigned char sink = 0;    /* touching the last byte lets ASan check the bounds */
    for (size_t i = 0; i < hend; i++)
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (unsigned char)(1 << bit);
            nn_tensor_file f;
            if (nn_st_parse(b, len, &f) == MC_OK) {
                for (size_t k = 0; k < f.n; k++) {
                    cr_expect_eq((uintptr_t)f.t[k].data % 64, 0);
                    if (f.t[k].nbytes) sink ^= ((volatile unsigned char *)f.t[k].data)[f.t[k].nbytes - 1];
                }
                nn_st_free(&f);
            }
            b[i] ^= (unsigned char)(1 << bit);
        }
    (void)sink;
    free(b);
}

/* Our writer lays a file out exactly as the reference writer did for the same
 * tensors in the same order: compact JSON, metadata first, space padding to 8. */
Test(safetensors, writes_byte_identical_to_the_reference_layout)
{
    size_t len;
    unsigned char *ref = slurp("st_torch_bn.safetensors", &len);
    nn_tensor_file f;
    cr_assert_eq(nn_st_parse(ref, len, &f), MC_OK);
    const char *meta[] = {"format", "pt"};
    unsigned char *out;
    size_t olen;
    mc_err e = nn_st_serialize(f.t, f.n, meta, 1, &out, &olen);
    cr_assert_eq(e, MC_OK, "%s", mc_errmsg(e));
    cr_expect_eq(olen, len);
    cr_expect_eq(memcmp(out, ref, olen < len ? olen : len), 0, "bytes differ from the reference file");
    free(out);
    free(ref);
    nn_st_free(&f);
}

Test(safetensors, save_then_load_round_trips_and_respects_force)
{
    char dir[32], path[64];
    tmp_file(dir, path, "m.safetensors");
    float w[12];
    for (size_t i = 0; i < 12; i++) w[i] = ramp(i, -0.5, 1);
    int64_t step = 42, ids[3] = {INT64_MIN, 0, INT64_MAX};
    nn_named_tensor t[] = {
        {.name = "layer1.0.conv1.weight", .dtype = NN_DT_F32, .ndim = 4, .shape = {1, 3, 2, 2}, .data = w, .nbytes = 48},
        {.name = "bn.num_batches_tracked", .dtype = NN_DT_I64, .ndim = 0, .data = &step, .nbytes = 8},
        {.name = "ids \"quoted\" caf\xc3\xa9", .dtype = NN_DT_I64, .ndim = 1, .shape = {3}, .data = ids, .nbytes = 24},
    };
    const char *meta[] = {"format", "pt", "epochs", "30"};
    cr_assert_eq(nn_st_save(path, t, 3, meta, 2, 0), MC_OK, "%s", mc_errmsg(MC_E_IO));
    cr_expect_eq(nn_st_save(path, t, 3, meta, 2, 0), MC_E_EXISTS);
    cr_assert_eq(nn_st_save(path, t, 3, meta, 2, 1), MC_OK);
    nn_tensor_file f;
    cr_assert_eq(nn_st_load(path, &f), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(f.n, 3);
    for (size_t k = 0; k < 3; k++) {
        cr_expect_str_eq(f.t[k].name, t[k].name);
        cr_expect_eq(f.t[k].dtype, t[k].dtype);
        assert_shape(f.t[k].ndim, f.t[k].shape, t[k].ndim, t[k].shape, t[k].name);
        cr_expect_eq(f.t[k].nbytes, t[k].nbytes);
        cr_expect_eq(memcmp(f.t[k].data, t[k].data, t[k].nbytes), 0);
    }
    cr_expect_str_eq(nn_st_meta(&f, "epochs"), "30");
    nn_st_free(&f);
    unlink(path);
    rmdir(dir);
}

Test(safetensors, save_refuses_bad_tensors_and_leaves_no_file)
{
    char dir[32], path[64];
    tmp_file(dir, path, "bad.safetensors");
    float x[2] = {1, 2};
    nn_named_tensor dup[] = {
        {.name = "a", .dtype = NN_DT_F32, .ndim = 1, .shape = {2}, .data = x, .nbytes = 8},
        {.name = "a", .dtype = NN_DT_F32, .ndim = 1, .shape = {2}, .data = x, .nbytes = 8},
    };
    struct { nn_named_tensor t; const char *why; } one[] = {
        {{.name = "w", .dtype = NN_DT_F32, .ndim = 1, .shape = {3}, .data = x, .nbytes = 8}, "does not match"},
        {{.name = "w", .dtype = (nn_dtype)7, .ndim = 1, .shape = {2}, .data = x, .nbytes = 8}, "invalid dtype"},
        {{.name = "w", .dtype = NN_DT_F32, .ndim = 9, .shape = {2}, .data = x, .nbytes = 8}, "ndim 9"},
        {{.name = "w", .dtype = NN_DT_F32, .ndim = 1, .shape = {-2}, .data = x, .nbytes = 8}, "negative"},
        {{.name = "__metadata__", .dtype = NN_DT_F32, .ndim = 1, .shape = {2}, .data = x, .nbytes = 8}, "reserved"},
        {{.name = "bad\xff", .dtype = NN_DT_F32, .ndim = 1, .shape = {2}, .data = x, .nbytes = 8}, "UTF-8"},
        {{.name = "w", .dtype = NN_DT_F32, .ndim = 1, .shape = {2}, .data = NULL, .nbytes = 8}, "no data"},
    };
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) {
        mc_err e = nn_st_save(path, &one[k].t, 1, NULL, 0, 0);
        cr_expect_eq(e, MC_E_ARG, "case %zu", k);
        cr_expect(strstr(mc_errmsg(e), one[k].why), "case %zu: %s", k, mc_errmsg(e));
    }
    mc_err e = nn_st_save(path, dup, 2, NULL, 0, 0);
    cr_expect_eq(e, MC_E_ARG);
    cr_expect(strstr(mc_errmsg(e), "tensor 'a': name given twice"), "%s", mc_errmsg(e));
    const char *meta[] = {"k", "1", "k", "2"};
    cr_expect_eq(nn_st_save(path, dup, 1, meta, 2, 0), MC_E_ARG);
    cr_expect_neq(access(path, F_OK), 0, "a file was left behind");
    rmdir(dir);
}

/* ---------------------------------------------------------------- .npy */

static void expect_ramp_npy(const char *name, int want_ndim, const int64_t *want_shape, size_t n, double scale,
                            double offset)
{
    float *d;
    int nd;
    int64_t shape[8];
    mc_err e = nn_npy_load(fixture(name), &d, &nd, shape);
    cr_assert_eq(e, MC_OK, "%s: %s", name, mc_errmsg(e));
    cr_assert_not_null(d);
    assert_shape(nd, shape, want_ndim, want_shape, name);
    for (size_t i = 0; i < n; i++) cr_expect_eq(d[i], ramp(i, scale, offset), "%s[%zu] = %g", name, i, d[i]);
    free(d);
}

Test(npy, reads_format_versions_1_2_and_3)
{
    const int64_t s[] = {2, 3, 4};
    expect_ramp_npy("npy_v1_f32.npy", 3, s, 24, 0.25, -3);
    expect_ramp_npy("npy_v2_f32.npy", 3, s, 24, 0.25, -3);
    expect_ramp_npy("npy_v3_f32.npy", 3, s, 24, 0.25, -3);
}

Test(npy, converts_big_endian_float32)
{
    expect_ramp_npy("npy_be_f32.npy", 3, (int64_t[]){2, 3, 4}, 24, 0.25, -3);
}

Test(npy, rounds_float64_to_nearest_float32)
{
    /* numpy's values are the doubles i*0.1; C's (float) conversion rounds to nearest. */
    expect_ramp_npy("npy_f64.npy", 1, (int64_t[]){10}, 10, 0.1, 0);
}

Test(npy, reads_scalar_1d_empty_and_python2_headers)
{
    expect_ramp_npy("npy_scalar.npy", 0, NULL, 1, 0, 2.5);
    expect_ramp_npy("npy_1d.npy", 1, (int64_t[]){5}, 5, 0.25, -3);
    expect_ramp_npy("npy_empty.npy", 2, (int64_t[]){0, 4}, 0, 0, 0);
    expect_ramp_npy("npy_py2_long.npy", 2, (int64_t[]){2, 2}, 4, 0.25, -3);
}

Test(npy, rejects_each_malformed_file_naming_the_cause)
{
    cr_expect_geq(run_bad_cases("npy_"), 14);
}

Test(npy, rejects_every_truncation_without_reading_past_it)
{
    expect_every_prefix_rejected("npy_", "npy_v2_f32.npy");
}

/* numpy.save is the reference: our bytes must equal its file for the same array. */
Test(npy, save_writes_exactly_what_numpy_save_writes)
{
    float v[24], s = 2.5f;
    for (size_t i = 0; i < 24; i++) v[i] = ramp(i, 0.25, -3);
    struct { const char *ref; const float *data; int ndim; int64_t shape[3]; } cases[] = {
        {"npy_v1_f32.npy", v, 3, {2, 3, 4}},
        {"npy_1d.npy", v, 1, {5}},
        {"npy_empty.npy", v, 2, {0, 4}},
        {"npy_scalar.npy", &s, 0, {0}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t rlen, olen;
        unsigned char *ref = slurp(cases[k].ref, &rlen), *out;
        cr_assert_eq(nn_npy_serialize(cases[k].data, cases[k].ndim, cases[k].shape, &out, &olen), MC_OK);
        cr_expect_eq(olen, rlen, "%s: length", cases[k].ref);
        cr_expect_eq(memcmp(out, ref, olen < rlen ? olen : rlen), 0, "%s: bytes differ", cases[k].ref);
        free(out);
        free(ref);
    }
}

Test(npy, save_is_atomic_and_respects_force)
{
    char dir[32], path[64];
    tmp_file(dir, path, "a.npy");
    float v[3] = {1, -2, 3.5f};
    int64_t shape[1] = {3};
    cr_assert_eq(nn_npy_save(path, v, 1, shape, 0), MC_OK);
    cr_expect_eq(nn_npy_save(path, v, 1, shape, 0), MC_E_EXISTS);
    cr_expect_eq(nn_npy_save(path, v, 1, shape, 1), MC_OK);
    float *d;
    int nd;
    int64_t s2[8];
    cr_assert_eq(nn_npy_load(path, &d, &nd, s2), MC_OK);
    cr_expect(nd == 1 && s2[0] == 3 && d[0] == 1 && d[1] == -2 && d[2] == 3.5f);
    free(d);
    unlink(path);
    int64_t neg[1] = {-1};
    cr_expect_eq(nn_npy_save(path, v, 1, neg, 0), MC_E_ARG);
    cr_expect_eq(nn_npy_save(path, v, 9, shape, 0), MC_E_ARG);
    cr_expect_neq(access(path, F_OK), 0, "a file was left behind");
    rmdir(dir);
}

/* ---------------------------------------------------------------- interop (bonus) */

/* Python with numpy reads back what we wrote (gen_io_fixtures.py --verify). */
Test(interop, python_reads_our_safetensors_and_npy)
{
    const char *py = "/usr/bin/python3";
    if (access(py, X_OK) != 0 || system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
        cr_skip("no /usr/bin/python3 with numpy");
    char dir[32], st[64], npy[64], cmd[512];
    tmp_file(dir, st, "w.safetensors");
    snprintf(npy, sizeof npy, "%s/w.npy", dir);
    float w[24];
    for (size_t i = 0; i < 24; i++) w[i] = ramp(i, 0.25, -3);
    int64_t seven = 7;
    nn_named_tensor t[] = {
        {.name = "weight", .dtype = NN_DT_F32, .ndim = 3, .shape = {2, 3, 4}, .data = w, .nbytes = 96},
        {.name = "count", .dtype = NN_DT_I64, .ndim = 0, .data = &seven, .nbytes = 8},
    };
    cr_assert_eq(nn_st_save(st, t, 2, NULL, 0, 0), MC_OK);
    cr_assert_eq(nn_npy_save(npy, w, 3, (int64_t[]){2, 3, 4}, 0), MC_OK);
    snprintf(cmd, sizeof cmd, "%s '%s/tests/gen_io_fixtures.py' --verify '%s' '%s'", py,
             getenv("MC_SRCDIR") ? getenv("MC_SRCDIR") : ".", st, npy);
    int rc = system(cmd);
    unlink(st);
    unlink(npy);
    rmdir(dir);
    cr_expect_eq(rc, 0, "python rejected our files: %s", cmd);
}

Test(io, missing_file_is_an_io_error_with_nothing_returned)
{
    nn_tensor_file f;
    cr_expect_eq(nn_st_load(fixture("does_not_exist.safetensors"), &f), MC_E_IO);
    cr_expect(f.n == 0 && f.t == NULL);
    float *d;
    int nd;
    int64_t shape[8];
    cr_expect_eq(nn_npy_load(fixture("does_not_exist.npy"), &d, &nd, shape), MC_E_IO);
    cr_expect_null(d);
}
