/* SHA-256 (FIPS 180-4 §6.2): streaming context and one-shot helper.
 * The compression function has a portable version (sha256.c) and a SHA-NI one
 * (sha256_ni.c), chosen once at run time by CPUID; both give identical digests. */
#ifndef MC_CRYPTO_SHA256_H
#define MC_CRYPTO_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_BLOCK_LEN 64

typedef struct {
    uint32_t h[8];    /* chaining value H(i) */
    uint64_t len;     /* message bytes absorbed so far */
    uint8_t buf[64];  /* partial block */
    size_t n;         /* bytes held in buf */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *p, size_t n);
/* Pads (§5.1.1), writes the digest and wipes the context. */
void sha256_final(sha256_ctx *c, uint8_t out[32]);
void sha256(const void *p, size_t n, uint8_t out[32]);

/* Which compression function sha256_update uses: "sha-ni" or "portable".
 * sha256_force_portable(1) pins the portable one (tests and benchmarks compare both). */
const char *sha256_impl_name(void);
void sha256_force_portable(int on);

#endif
