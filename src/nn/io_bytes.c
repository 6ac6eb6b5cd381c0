/* See io_bytes.h. The host's byte order is tested at run time with a union so the
 * code has no configure-time assumption; on little-endian hosts the copies are memcpy. */
#include "nn/io_bytes.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

uint64_t nn_io_get_le(const unsigned char *p, int nbytes)
{
    uint64_t v = 0;
    for (int k = nbytes - 1; k >= 0; k--) v = (v << 8) | p[k];
    return v;
}

void nn_io_put_le(unsigned char *p, uint64_t v, int nbytes)
{
    for (int k = 0; k < nbytes; k++, v >>= 8) p[k] = (unsigned char)(v & 0xFF);
}

static int host_is_le(void)
{
    const union { uint16_t u; unsigned char b[2]; } probe = {0x0102};
    return probe.b[0] == 0x02;
}

static void copy_swapped(unsigned char *d, const unsigned char *s, size_t n, size_t esize)
{
    for (size_t i = 0; i < n; i++, d += esize, s += esize)
        for (size_t k = 0; k < esize; k++) d[k] = s[esize - 1 - k];
}

void nn_io_copy_to_host(void *dst, const void *src, size_t n, size_t esize, int big_endian)
{
    if (n == 0) return;
    if (esize == 1 || (big_endian != 0) != host_is_le())
        memcpy(dst, src, n * esize);
    else
        copy_swapped(dst, src, n, esize);
}

void nn_io_copy_to_le(void *dst, const void *src, size_t n, size_t esize)
{
    nn_io_copy_to_host(dst, src, n, esize, 0);  /* swapping is its own inverse */
}

int nn_io_nbytes(int ndim, const int64_t *shape, size_t esize, size_t *nbytes)
{
    uint64_t total = esize;
    const uint64_t lim = (uint64_t)INT64_MAX < (uint64_t)SIZE_MAX ? (uint64_t)INT64_MAX : (uint64_t)SIZE_MAX;
    for (int k = 0; k < ndim; k++) {
        if (shape[k] < 0) return 0;
        uint64_t d = (uint64_t)shape[k];
        if (d != 0 && total > lim / d) return 0;
        total *= d;
    }
    *nbytes = (size_t)total;
    return 1;
}

void nn_io_shape_str(char *out, size_t cap, int ndim, const int64_t *shape, char open, char close)
{
    size_t len = 0;
    if (cap == 0) return;
    out[0] = '\0';
    len += (size_t)snprintf(out + len, cap - len, "%c", open);
    for (int k = 0; k < ndim && len < cap; k++)
        len += (size_t)snprintf(out + len, cap - len, k ? ", %lld" : "%lld", (long long)shape[k]);
    if (len < cap) snprintf(out + len, cap - len, "%c", close);
}

/* "tensor 'NAME': ..." — names are cut at 120 bytes so the cause always fits. */
mc_err nn_io_tensor_fail(mc_err e, const char *name, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mc_fail(e, "tensor '%.120s%s': %s", name, strlen(name) > 120 ? "..." : "", msg);
}
