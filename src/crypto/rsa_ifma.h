/* Private to src/crypto: the two CRT exponentiations of an RSA private operation
 * done at once with AVX-512 IFMA (radix-2^52 Montgomery arithmetic, rsa_ifma.c).
 * Compiled only on x86-64 with GCC/Clang (RSA_IFMA_COMPILED); elsewhere rsa_core.c
 * keeps to GMP's mpn_sec_powm. Not installed. */
#ifndef MC_CRYPTO_RSA_IFMA_H
#define MC_CRYPTO_RSA_IFMA_H
#include <gmp.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(MC_NO_X86_ASM)
#define RSA_IFMA_COMPILED 1
#else
#define RSA_IFMA_COMPILED 0
#endif

/* Largest modulus the IFMA code takes: 40 digits of 52 bits hold 2^2080 > 4·2^2048. */
#define RSA_IFMA_MAX_BITS 2048

#if RSA_IFMA_COMPILED
/* 1 when CPUID reports AVX512F, AVX512_IFMA and AVX512VL, the OS saves the ZMM
 * and mask registers (XCR0), and MEDCHAOS_NO_ASM is not "1". */
int rsa_ifma_available(void);

/* Scratch limbs rsa_ifma_powm2 needs for n-limb moduli. */
mp_size_t rsa_ifma_itch(mp_size_t n);

/* r1 = b1^e1 mod m1 and r2 = b2^e2 mod m2, computed side by side in constant time.
 * All are n-limb little-endian numbers; m1, m2 are odd, above 1 and below 2^bits
 * with bits <= RSA_IFMA_MAX_BITS, and their top limbs m[n-1] are nonzero (GMP's
 * division wants that); b1 < m1, b2 < m2; e1, e2 < 2^bits. bits and n are public;
 * every other value is treated as secret. tp: rsa_ifma_itch(n) limbs. Only to be
 * called when rsa_ifma_available() says so. */
void rsa_ifma_powm2(mp_limb_t *r1, const mp_limb_t *b1, const mp_limb_t *e1, const mp_limb_t *m1,
                    mp_limb_t *r2, const mp_limb_t *b2, const mp_limb_t *e2, const mp_limb_t *m2,
                    mp_size_t n, unsigned bits, mp_limb_t *tp);
#endif

#endif
