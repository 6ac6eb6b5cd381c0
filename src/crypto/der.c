/* See der.h. Lengths follow X.690 §10.1 (definite form, fewest octets); INTEGER
 * encodings follow §8.3.2 (no leading 0x00 before a clear top bit, no leading
 * 0xff before a set one). Errors say which rule broke and where. */
#include "crypto/der.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

mc_err der_read(der_reader *r, unsigned tag, der_reader *content)
{
    if (r->n < 2) return mc_fail(MC_E_FORMAT, "DER: truncated element (expected tag 0x%02x)", tag);
    if (r->p[0] != tag)
        return mc_fail(MC_E_FORMAT, "DER: tag 0x%02x where 0x%02x was expected", r->p[0], tag);
    size_t len = r->p[1], hdr = 2;
    if (len & 0x80) {
        size_t nb = len & 0x7f;
        if (nb == 0) return mc_fail(MC_E_FORMAT, "DER: indefinite length is not DER");
        if (nb > 4) return mc_fail(MC_E_FORMAT, "DER: length of %zu octets is too large", nb);
        if (r->n < 2 + nb) return mc_fail(MC_E_FORMAT, "DER: truncated length");
        len = 0;
        for (size_t i = 0; i < nb; i++) len = len << 8 | r->p[2 + i];
        if (r->p[2] == 0 || len < 128)
            return mc_fail(MC_E_FORMAT, "DER: length %zu not in its shortest form", len);
        hdr += nb;
    }
    if (len > r->n - hdr)
        return mc_fail(MC_E_FORMAT, "DER: element of %zu bytes overruns its container (%zu left)", len,
                       r->n - hdr);
    content->p = r->p + hdr;
    content->n = len;
    r->p += hdr + len;
    r->n -= hdr + len;
    return MC_OK;
}

mc_err der_read_uint(der_reader *r, mpz_t x)
{
    der_reader v;
    mc_err e = der_read(r, DER_INTEGER, &v);
    if (e) return e;
    if (v.n == 0) return mc_fail(MC_E_FORMAT, "DER: empty INTEGER");
    if (v.p[0] & 0x80) return mc_fail(MC_E_FORMAT, "DER: negative INTEGER in a key");
    if (v.n > 1 && v.p[0] == 0 && !(v.p[1] & 0x80))
        return mc_fail(MC_E_FORMAT, "DER: INTEGER with a superfluous leading zero");
    mpz_import(x, v.n, 1, 1, 1, 0, v.p);
    return MC_OK;
}

mc_err der_read_expect_int(der_reader *r, unsigned v, const char *what)
{
    mpz_t x;
    mpz_init(x);
    mc_err e = der_read_uint(r, x);
    if (!e && mpz_cmp_ui(x, v) != 0)
        e = mc_fail(MC_E_UNSUPPORTED, "%s version is not %u", what, v);
    mpz_clear(x);
    return e;
}

mc_err der_read_u32(der_reader *r, uint32_t *v, const char *what)
{
    mpz_t x;
    mpz_init(x);
    mc_err e = der_read_uint(r, x);
    if (!e && mpz_sizeinbase(x, 2) > 32) e = mc_fail(MC_E_TOO_LARGE, "DER: %s does not fit in 32 bits", what);
    if (!e) *v = (uint32_t)mpz_get_ui(x);
    mpz_clear(x);
    return e;
}

int der_peek(const der_reader *r) { return r->n ? r->p[0] : -1; }

mc_err der_end(const der_reader *r, const char *what)
{
    if (r->n) return mc_fail(MC_E_FORMAT, "DER: %zu trailing bytes after %s", r->n, what);
    return MC_OK;
}

static void reserve(der_buf *b, size_t more)
{
    if (b->err) return;
    if (b->n + more <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more) cap *= 2;
    /* No realloc: the old block is wiped before it goes back to the allocator. */
    uint8_t *p = malloc(cap);
    if (!p) {
        b->err = 1;
        return;
    }
    if (b->n) memcpy(p, b->p, b->n);
    if (b->p) mc_wipe(b->p, b->cap);
    free(b->p);
    b->p = p;
    b->cap = cap;
}

void der_put_raw(der_buf *b, const void *p, size_t n)
{
    reserve(b, n);
    if (b->err) return;
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void der_put_header(der_buf *b, unsigned tag, size_t len)
{
    uint8_t h[6];
    size_t hn = 0;
    h[hn++] = (uint8_t)tag;
    if (len < 128) {
        h[hn++] = (uint8_t)len;
    } else {
        size_t nb = 0;
        for (size_t t = len; t; t >>= 8) nb++;
        h[hn++] = (uint8_t)(0x80 | nb);
        for (size_t i = nb; i-- > 0;) h[hn++] = (uint8_t)(len >> (8 * i));
    }
    der_put_raw(b, h, hn);
}

void der_put_uint(der_buf *b, mpz_srcptr x)
{
    size_t nb = mpz_sgn(x) ? (mpz_sizeinbase(x, 2) + 7) / 8 : 0;
    /* A set top bit needs a 0x00 in front to stay non-negative; zero is one 0x00. */
    int lead = nb == 0 || mpz_tstbit(x, 8 * nb - 1);
    der_put_header(b, DER_INTEGER, nb + (size_t)lead);
    reserve(b, nb + 1);
    if (b->err) return;
    if (lead) b->p[b->n++] = 0;
    size_t cnt = 0;
    if (nb) mpz_export(b->p + b->n, &cnt, 1, 1, 1, 0, x);
    b->n += cnt;
}

void der_put_u32(der_buf *b, uint32_t v)
{
    mpz_t x;
    mpz_init_set_ui(x, v);
    der_put_uint(b, x);
    mpz_clear(x);
}

void der_put_tlv(der_buf *b, unsigned tag, const void *p, size_t n)
{
    der_put_header(b, tag, n);
    if (n) der_put_raw(b, p, n);
}

void der_put_wrap(der_buf *b, unsigned tag, der_buf *inner)
{
    if (inner->err) b->err = 1;
    int bits = tag == DER_BIT_STRING;
    der_put_header(b, tag, inner->n + (size_t)bits);
    if (bits) der_put_raw(b, "", 1);
    if (inner->n) der_put_raw(b, inner->p, inner->n);
    der_buf_free(inner);
}

void der_buf_free(der_buf *b)
{
    if (b->p) mc_wipe(b->p, b->cap);
    free(b->p);
    memset(b, 0, sizeof *b);
}
