/* Which x86 instruction-set extensions this processor offers, read once with CPUID,
 * and whether the user allows us to use them (MEDCHAOS_NO_ASM=1 forbids it, so the
 * portable code paths can be exercised and compared on any machine). */
#ifndef MC_CRYPTO_CPU_H
#define MC_CRYPTO_CPU_H

/* 1 when the x86 fast paths (aes_ni.c, gcm_clmul.c, sha256_ni.c, rsa_ifma.c) are
 * compiled in: an x86 target, unless configure's --disable-x86-asm (or a non-x86 host)
 * made sym.mk define MC_NO_X86_ASM. Otherwise cpu_get() reports no feature at all and
 * the portable code is the only code. */
#if (defined(__x86_64__) || defined(__i386__)) && !defined(MC_NO_X86_ASM)
#define CPU_X86_PATHS 1
#else
#define CPU_X86_PATHS 0
#endif

typedef struct {
    int aesni;   /* AESENC/AESDEC/AESKEYGENASSIST (CPUID.1:ECX bit 25) */
    int pclmul;  /* PCLMULQDQ carry-less multiply (CPUID.1:ECX bit 1) */
    int sse41;   /* SSE4.1 (CPUID.1:ECX bit 19): the AES-NI files are built with -msse4.1 */
    int avx2;    /* AVX2 (CPUID.7.0:EBX bit 5) and the OS saves YMM state (XGETBV) */
    int sha_ni;  /* SHA-1/SHA-256 extensions (CPUID.7.0:EBX bit 29) */
    int avx512ifma; /* AVX512F, AVX512_IFMA and AVX512VL (CPUID.7.0:EBX bits 16, 21, 31)
                     * and the OS saves ZMM and mask registers (XCR0 bits 1, 2, 5-7) */
} cpu_features;

/* The processor's features as CPUID reports them, probed once. This is a
 * read-only fact about the machine: MEDCHAOS_NO_ASM does not change it. */
cpu_features cpu_get(void);

/* 0 when the environment variable MEDCHAOS_NO_ASM is set to "1", else 1. */
int cpu_asm_allowed(void);

/* The features that code may actually use: cpu_get() masked by cpu_asm_allowed(). */
cpu_features cpu_usable(void);

#endif
