/* rand_bytes: getrandom(2) in a loop. Large requests may return short counts and
 * a signal may interrupt a blocking call (EINTR); both are retried. Flags 0 means
 * the call blocks until the kernel pool is initialised, never returns weak bytes. */
#include "crypto/random.h"
#include "crypto/ct.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

mc_err rand_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    size_t total = n;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return mc_fail(MC_E_RANDOM, "getrandom: %s", strerror(errno));
        }
        p += got;
        n -= (size_t)got;
    }
    MC_SECRET(buf, total); /* random bytes are secrets until a caller says otherwise */
    return MC_OK;
}
