/* Cryptographic randomness: the kernel's CSPRNG through getrandom(2), nothing else. */
#ifndef MC_CRYPTO_RANDOM_H
#define MC_CRYPTO_RANDOM_H
#include <stddef.h>
#include "util/err.h"

/* Fill buf with n random bytes; MC_E_RANDOM (with errno text) if the kernel refuses. */
mc_err rand_bytes(void *buf, size_t n);

#endif
