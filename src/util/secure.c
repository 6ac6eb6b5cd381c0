/* See secure.h. The volatile function pointer keeps memset from being elided
 * as a dead store (the same trick as OpenSSL's OPENSSL_cleanse). */
#include "util/secure.h"

#include <stdint.h>
#include <string.h>

static void *(*const volatile memset_v)(void *, int, size_t) = memset;

void mc_wipe(void *p, size_t n)
{
    if (p && n) memset_v(p, 0, n);
}

int mc_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) d |= x[i] ^ y[i];
    /* (d - 1) >> 8 is 1 exactly when d == 0, without a branch on d. */
    return (int)(((uint32_t)d - 1) >> 8) & 1;
}
