/* Recursive-descent parser for the JSON of safetensors headers (RFC 8259) and the
 * Python literal dialect of .npy headers (the writer side is json_write.c). Strictness over leniency: every byte is accounted for, errors give the
 * byte offset, nesting is bounded, integers are range-checked. */
#include "nn/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *start, *p, *end;
    int dialect;
} parser;

static mc_err parse_value(parser *ps, nn_json *v, int depth);

static size_t offset(const parser *ps) { return (size_t)(ps->p - ps->start); }

static mc_err syntax(const parser *ps, const char *what)
{
    if (ps->p >= ps->end)
        return mc_fail(MC_E_FORMAT, "header: %s, but the text ends at byte %zu", what, offset(ps));
    return mc_fail(MC_E_FORMAT, "header: %s at byte %zu", what, offset(ps));
}

/* RFC 8259 §2: insignificant whitespace is space, tab, LF and CR only. */
static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Length of the UTF-8 sequence at s (RFC 3629 §4 table), 0 when ill-formed. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;       /* overlong */
        if (c == 0xED) hi = 0x9F;       /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;       /* overlong */
        if (c == 0xF4) hi = 0x8F;       /* beyond U+10FFFF */
    } else
        return 0;
    if (avail < n) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < n; k++)
        if (s[k] < 0x80 || s[k] > 0xBF) return 0;
    return n;
}

int nn_json_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_seq(s + i, n - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

static size_t utf8_put(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex4(const char *s, unsigned long *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
        else return 0;
        *v = *v * 16 + d;
    }
    return 1;
}

/* RFC 8259 §7. The decoded text is never longer than the quoted source, so one
 * allocation of the source length suffices. \u0000 is refused: names are C strings. */
static mc_err parse_string(parser *ps, char **out)
{
    char quote = *ps->p;
    const char *open = ps->p++;
    const char *q = ps->p;
    while (q < ps->end && *q != quote) q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
    if (q >= ps->end) {
        ps->p = open;
        return syntax(ps, "unterminated string");
    }
    char *s = malloc((size_t)(q - ps->p) + 1), *w = s;
    if (!s) return mc_fail(MC_E_NOMEM, "out of memory");
    while (*ps->p != quote) {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            free(s);
            return syntax(ps, "control character in string");
        }
        if (c >= 0x80) {
            size_t k = utf8_seq((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));
            if (!k) {
                free(s);
                return syntax(ps, "invalid UTF-8 in string");
            }
            memcpy(w, ps->p, k);
            w += k;
            ps->p += k;
            continue;
        }
        if (c != '\\') {
            *w++ = (char)c;
            ps->p++;
            continue;
        }
        char e = ps->p[1];
        ps->p += 2;
        switch (e) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case '\'':
            if (ps->dialect != NN_JSON_PYTHON) goto bad_escape;
            *w++ = '\'';
            break;
        case 'u': {
            unsigned long cp, lo;
            if (ps->end - ps->p < 4 || !hex4(ps->p, &cp)) goto bad_escape;
            ps->p += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF) goto bad_escape;      /* lone low surrogate */
            if (cp >= 0xD800 && cp <= 0xDBFF) {                     /* needs its low half */
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
                    !hex4(ps->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad_escape;
                ps->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp == 0) {
                free(s);
                return syntax(ps, "\\u0000 in string is not supported");
            }
            w += utf8_put(w, cp);
            break;
        }
        default:
            goto bad_escape;
        }
    }
    ps->p++;
    *w = '\0';
    *out = s;
    return MC_OK;
bad_escape:
    free(s);
    return syntax(ps, "invalid escape in string");
}

/* RFC 8259 §6, restricted to integers in int64 range. */
static mc_err parse_int(parser *ps, int64_t *out)
{
    const char *p = ps->p;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p >= ps->end || *p < '0' || *p > '9') return syntax(ps, "invalid number");
    if (*p == '0' && p + 1 < ps->end && p[1] >= '0' && p[1] <= '9' && ps->dialect == NN_JSON_STRICT)
        return syntax(ps, "number with a leading zero");
    /* Accumulate the magnitude; the limit is 2^63 for negatives, 2^63-1 otherwise. */
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, m = 0;
    while (p < ps->end && *p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        if (m > (lim - d) / 10) return syntax(ps, "integer out of the 64-bit range");
        m = m * 10 + d;
        p++;
    }
    if (p < ps->end && (*p == '.' || *p == 'e' || *p == 'E')) {
        ps->p = p;
        return mc_fail(MC_E_UNSUPPORTED, "header: non-integer number at byte %zu", offset(ps));
    }
    if (ps->dialect == NN_JSON_PYTHON && p < ps->end && *p == 'L') p++;   /* Python 2 long */
    ps->p = p;
    *out = neg ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m) : (int64_t)m;
    return MC_OK;
}

static int word(parser *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *nn_json_first_duplicate(const char *const *strs, size_t n, size_t stride, int *oom)
{
    *oom = 0;
    if (n < 2) return NULL;
    const char **v = malloc(n * sizeof *v);
    if (!v) {
        *oom = 1;
        return NULL;
    }
    for (size_t k = 0; k < n; k++) v[k] = strs[k * stride];
    qsort(v, n, sizeof *v, cmp_str);
    const char *dup = NULL;
    for (size_t k = 1; k < n && !dup; k++)
        if (strcmp(v[k - 1], v[k]) == 0) dup = v[k];
    free(v);
    return dup;
}

/* Duplicate keys make "which value wins" ambiguous; refuse them (O(n log n)). */
static mc_err check_unique_keys(const nn_json *v)
{
    int oom;
    const char *dup = nn_json_first_duplicate((const char *const *)v->keys, v->n, 1, &oom);
    if (oom) return mc_fail(MC_E_NOMEM, "out of memory");
    if (dup) return mc_fail(MC_E_FORMAT, "header: duplicate key '%.200s'", dup);
    return MC_OK;
}

/* Arrays, tuples and objects share one loop; `close` is the closing bracket. */
static mc_err parse_container(parser *ps, nn_json *v, int depth)
{
    char open = *ps->p++;
    char close = open == '{' ? '}' : open == '[' ? ']' : ')';
    int is_obj = open == '{';
    v->type = is_obj ? NN_JSON_OBJECT : NN_JSON_ARRAY;
    v->is_tuple = open == '(';
    size_t cap = 0;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return MC_OK;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->dialect == NN_JSON_PYTHON && v->n > 0 && ps->p < ps->end && *ps->p == close) {
            ps->p++;                    /* trailing comma */
            break;
        }
        if (v->n == cap) {
            size_t nc = cap ? 2 * cap : 4;
            nn_json *it = realloc(v->items, nc * sizeof *it);
            if (!it) return mc_fail(MC_E_NOMEM, "out of memory");
            v->items = it;
            if (is_obj) {
                char **k = realloc(v->keys, nc * sizeof *k);
                if (!k) return mc_fail(MC_E_NOMEM, "out of memory");
                v->keys = k;
            }
            cap = nc;
        }
        nn_json *item = &v->items[v->n];
        memset(item, 0, sizeof *item);
        if (is_obj) {
            char *key = NULL;
            if (ps->p >= ps->end || !(*ps->p == '"' || (ps->dialect == NN_JSON_PYTHON && *ps->p == '\'')))
                return syntax(ps, "expected a string key");
            mc_err e = parse_string(ps, &key);
            if (e) return e;
            v->keys[v->n] = key;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                v->n++;                 /* so that the key is freed */
                return syntax(ps, "expected ':'");
            }
            ps->p++;
        }
        v->n++;
        mc_err e = parse_value(ps, item, depth + 1);
        if (e) return e;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        return syntax(ps, is_obj ? "expected ',' or '}'" : "expected ',' or closing bracket");
    }
    return is_obj ? check_unique_keys(v) : MC_OK;
}

static mc_err parse_value(parser *ps, nn_json *v, int depth)
{
    if (depth > NN_JSON_MAX_DEPTH) return syntax(ps, "nesting deeper than " "32" " levels");
    skip_ws(ps);
    if (ps->p >= ps->end) return syntax(ps, "expected a value");
    int py = ps->dialect == NN_JSON_PYTHON;
    char c = *ps->p;
    if (c == '{' || c == '[' || (py && c == '(')) return parse_container(ps, v, depth);
    if (c == '"' || (py && c == '\'')) {
        v->type = NN_JSON_STRING;
        return parse_string(ps, &v->s);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        v->type = NN_JSON_INT;
        return parse_int(ps, &v->i);
    }
    if (word(ps, py ? "True" : "true")) {
        v->type = NN_JSON_BOOL;
        v->b = 1;
    } else if (word(ps, py ? "False" : "false")) {
        v->type = NN_JSON_BOOL;
    } else if (word(ps, py ? "None" : "null")) {
        v->type = NN_JSON_NULL;
    } else
        return syntax(ps, "unexpected character");
    return MC_OK;
}

mc_err nn_json_parse(const char *text, size_t len, int dialect, nn_json **out)
{
    *out = NULL;
    parser ps = {text, text, text + len, dialect};
    nn_json *v = calloc(1, sizeof *v);
    if (!v) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = parse_value(&ps, v, 1);
    if (!e) {
        skip_ws(&ps);
        if (ps.p != ps.end) e = syntax(&ps, "trailing characters after the value");
    }
    if (e) {
        nn_json_free(v);
        return e;
    }
    *out = v;
    return MC_OK;
}

static void free_inner(nn_json *v)
{
    free(v->s);
    for (size_t k = 0; k < v->n; k++) {
        free_inner(&v->items[k]);
        if (v->keys) free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
}

void nn_json_free(nn_json *v)
{
    if (!v) return;
    free_inner(v);
    free(v);
}

const nn_json *nn_json_get(const nn_json *obj, const char *key)
{
    if (!obj || obj->type != NN_JSON_OBJECT) return NULL;
    for (size_t k = 0; k < obj->n; k++)
        if (strcmp(obj->keys[k], key) == 0) return &obj->items[k];
    return NULL;
}

const char *nn_json_type_name(nn_json_type t)
{
    switch (t) {
    case NN_JSON_NULL: return "null";
    case NN_JSON_BOOL: return "boolean";
    case NN_JSON_INT: return "integer";
    case NN_JSON_STRING: return "string";
    case NN_JSON_ARRAY: return "array";
    case NN_JSON_OBJECT: return "object";
    }
    return "?";
}
