/* The writing side of nn/json.h: a growable byte string with a sticky
 * out-of-memory flag (so a header is built without checking every append) and
 * JSON string quoting per RFC 8259 §7. */
#include "nn/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_json_buf_add(nn_json_buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (n > SIZE_MAX - b->len - 1) {
        b->oom = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n + 1) nc = nc > SIZE_MAX / 2 ? b->len + n + 1 : 2 * nc;
        char *p = realloc(b->p, nc);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void nn_json_buf_printf(nn_json_buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->oom = 1;             /* only used for short numeric fragments */
        return;
    }
    nn_json_buf_add(b, tmp, (size_t)n);
}

void nn_json_buf_string(nn_json_buf *b, const char *s)
{
    nn_json_buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            nn_json_buf_add(b, esc, 2);
        } else if (c < 0x20) {
            nn_json_buf_printf(b, "\\u%04x", c);
        } else
            nn_json_buf_add(b, (const char *)&c, 1);
    }
    nn_json_buf_add(b, "\"", 1);
}

void nn_json_buf_free(nn_json_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}
