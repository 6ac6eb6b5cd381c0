/* CPUID probe for the crypto fast paths (see cpu.h). The only process-wide state in
 * src/crypto: a cache of facts that cannot change while the program runs, so
 * concurrent first calls may both probe and store the same value harmlessly. */
#include "crypto/cpu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if CPU_X86_PATHS
#include <cpuid.h>

/* XGETBV with ECX=0 reads XCR0: bits 1 (SSE) and 2 (AVX) say the OS saves the XMM
 * and YMM registers on a context switch; AVX2 is unusable without both. */
static unsigned long long read_xcr0(void)
{
    unsigned int lo, hi;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static cpu_features probe(void)
{
    cpu_features f;
    memset(&f, 0, sizeof f);
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    f.aesni = (c >> 25) & 1;
    f.pclmul = (c >> 1) & 1;
    f.sse41 = (c >> 19) & 1;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        int ymm_saved = osxsave && avx && (read_xcr0() & 6) == 6;
        f.avx2 = ymm_saved && ((b >> 5) & 1);
        f.sha_ni = (b >> 29) & 1;
        /* AVX-512 also needs the OS to save the mask registers and all 32 ZMM
         * registers: XCR0 bits 5-7 (opmask, ZMM_Hi256, Hi16_ZMM) besides 1-2. */
        int zmm_saved = osxsave && (read_xcr0() & 0xE6) == 0xE6;
        f.avx512ifma = zmm_saved && ((b >> 16) & 1) && ((b >> 21) & 1) && ((b >> 31) & 1);
    }
    return f;
}
#else
static cpu_features probe(void)
{
    cpu_features f;
    memset(&f, 0, sizeof f);
    return f;
}
#endif

/* Bit 31 marks "probed"; the low bits hold the six flags. */
static atomic_uint cached;

cpu_features cpu_get(void)
{
    cpu_features out;
    unsigned int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!(v & 0x80000000u)) {
        cpu_features f = probe();
        v = 0x80000000u | (unsigned)f.aesni | (unsigned)f.pclmul << 1 | (unsigned)f.sse41 << 2 |
            (unsigned)f.avx2 << 3 | (unsigned)f.sha_ni << 4 | (unsigned)f.avx512ifma << 5;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    out.aesni = v & 1;
    out.pclmul = (v >> 1) & 1;
    out.sse41 = (v >> 2) & 1;
    out.avx2 = (v >> 3) & 1;
    out.sha_ni = (v >> 4) & 1;
    out.avx512ifma = (v >> 5) & 1;
    return out;
}

int cpu_asm_allowed(void)
{
    const char *s = getenv("MEDCHAOS_NO_ASM");
    return !(s && strcmp(s, "1") == 0);
}

cpu_features cpu_usable(void)
{
    cpu_features f = cpu_get();
    if (!cpu_asm_allowed()) memset(&f, 0, sizeof f);
    return f;
}
