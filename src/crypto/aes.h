/* AES block cipher (FIPS-197) for 128-, 192- and 256-bit keys, and CTR mode (SP 800-38A
 * §6.5) on top of it. Two implementations behind one interface: a portable bitsliced one
 * (aes_ct.c) and an AES-NI one (aes_ni.c); both are constant time. aes_init picks AES-NI
 * when the processor has it, unless MEDCHAOS_NO_ASM=1 (see crypto/cpu.h). */
#ifndef MC_CRYPTO_AES_H
#define MC_CRYPTO_AES_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef enum {
    AES_IMPL_AUTO = 0,      /* AES-NI if the CPU has it and MEDCHAOS_NO_ASM is not 1 */
    AES_IMPL_BITSLICED = 1, /* portable, constant-time bitsliced C (aes_ct.c) */
    AES_IMPL_AESNI = 2      /* AESENC/AESDEC instructions (aes_ni.c) */
} aes_impl;

/* An expanded key. Treat as opaque: the layout may change. */
typedef struct {
    /* FIPS-197 §5.2 KeyExpansion output w[0 .. 4(Nr+1)-1]; each word holds four key
     * bytes, the first one most significant (as the standard prints them). */
    uint32_t rk[60];
    union {
        uint64_t bs[15][8];    /* bitsliced: round key r as 8 bit planes (aes_ct.c) */
        uint8_t ni[2][15][16]; /* AES-NI: [0] round keys as bytes, [1] §5.3.5 decryption keys */
    } k;
    int nr;   /* Nr: 10, 12 or 14 rounds (FIPS-197 §5, Figure 4) */
    int impl; /* AES_IMPL_BITSLICED or AES_IMPL_AESNI */
} aes_ctx;

/* Expands a 16-, 24- or 32-byte key (MC_E_KEY otherwise) with the automatic choice of
 * implementation. */
mc_err aes_init(aes_ctx *c, const uint8_t *key, size_t keylen);

/* The same with an explicit implementation; MC_E_UNSUPPORTED when AES_IMPL_AESNI is asked
 * for on a processor without AES-NI. An explicit choice ignores MEDCHAOS_NO_ASM. */
mc_err aes_init_impl(aes_ctx *c, const uint8_t *key, size_t keylen, aes_impl impl);

/* The cipher, FIPS-197 §5.1 (Figure 5), and the inverse cipher, §5.3 (Figure 12).
 * out may equal in. */
void aes_encrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16]);
void aes_decrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16]);

/* CTR mode: out = in XOR E(ctr), E(ctr+1), ...; the counter is the 32-bit big-endian
 * number in ctr[12..15], incremented modulo 2^32 (inc32 of SP 800-38D §6.2), and is
 * left advanced by one per block used, a final partial block included. out may equal
 * in. Encryption and decryption are the same operation. */
void aes_ctr_xor(const aes_ctx *c, uint8_t ctr[16], uint8_t *out, const uint8_t *in, size_t len);

/* CBC mode, SP 800-38A §6.2: C_j = E(P_j ⊕ C_{j-1}), C_0 = E(P_1 ⊕ IV), and its
 * inverse P_j = D(C_j) ⊕ C_{j-1}. len is a multiple of 16 (padding is the caller's:
 * PKCS#5 in pbes2.c); out may equal in. */
void aes_cbc_encrypt(const aes_ctx *c, const uint8_t iv[16], uint8_t *out, const uint8_t *in, size_t len);
void aes_cbc_decrypt(const aes_ctx *c, const uint8_t iv[16], uint8_t *out, const uint8_t *in, size_t len);

/* Zeroes every round key. */
void aes_wipe(aes_ctx *c);

/* "aesni" or "bitsliced". */
const char *aes_impl_name(const aes_ctx *c);

#endif
