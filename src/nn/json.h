/* A small strict JSON parser (RFC 8259) for tensor-file headers, plus the Python
 * literal dialect NumPy writes into .npy headers ('strings', True/False/None,
 * (tuples), trailing commas). Numbers are integers only (int64, overflow-checked):
 * neither header format needs fractions. Not a general-purpose JSON library. */
#ifndef MC_NN_JSON_H
#define MC_NN_JSON_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

typedef enum {
    NN_JSON_NULL, NN_JSON_BOOL, NN_JSON_INT, NN_JSON_STRING, NN_JSON_ARRAY, NN_JSON_OBJECT
} nn_json_type;

typedef struct nn_json nn_json;
struct nn_json {
    nn_json_type type;
    int is_tuple;     /* Python dialect: the array was written as (a, b) */
    int b;            /* NN_JSON_BOOL */
    int64_t i;        /* NN_JSON_INT */
    char *s;          /* NN_JSON_STRING: decoded UTF-8, NUL-terminated, no embedded NUL */
    size_t n;         /* ARRAY / OBJECT: number of items (object members keep file order) */
    nn_json *items;   /* ARRAY / OBJECT values */
    char **keys;      /* OBJECT keys (decoded, unique) */
};

enum {
    NN_JSON_STRICT = 0,    /* RFC 8259 */
    NN_JSON_PYTHON = 1,    /* Python literal dialect of .npy headers */
};

/* Nesting limit: deeper input is refused instead of recursing without bound. */
#define NN_JSON_MAX_DEPTH 32

/* Parse the whole of text[0..len) (surrounding whitespace allowed) into a tree
 * the caller frees with nn_json_free. Duplicate object keys are an error. */
mc_err nn_json_parse(const char *text, size_t len, int dialect, nn_json **out);
void nn_json_free(nn_json *v);

/* Member of an object by key, or NULL. */
const nn_json *nn_json_get(const nn_json *obj, const char *key);
/* "string", "integer", ... for error messages. */
const char *nn_json_type_name(nn_json_type t);

/* A growable byte string for writing headers. */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;          /* sticky: set when an append failed */
} nn_json_buf;

void nn_json_buf_add(nn_json_buf *b, const char *s, size_t n);
void nn_json_buf_printf(nn_json_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal (quotes, escapes for '"', '\\' and controls). */
void nn_json_buf_string(nn_json_buf *b, const char *s);
void nn_json_buf_free(nn_json_buf *b);

/* The first string that occurs twice among strs[0], strs[stride], ...,
 * strs[(n-1)*stride], or NULL (O(n log n)); *oom set when memory ran out. */
const char *nn_json_first_duplicate(const char *const *strs, size_t n, size_t stride, int *oom);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int nn_json_utf8_valid(const unsigned char *s, size_t n);

#endif
