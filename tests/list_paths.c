/* Prints which arithmetic paths this processor offers and the environment
 * allows, one "name=0|1" per line, for tests/path_run.sh: the network's own
 * AVX-512 product (gemm.c, with conv_taps.c), AES-NI, PCLMULQDQ (GHASH),
 * SHA-NI and AVX-512 IFMA (RSA). */
#include <stdio.h>

#include "crypto/cpu.h"
#include "nn/gemm.h"

int main(void)
{
    const cpu_features f = cpu_usable();
    printf("nn_avx512=%d\naesni=%d\npclmul=%d\nsha_ni=%d\nifma=%d\n", nn_gemm_available(), f.aesni && f.sse41,
           f.pclmul, f.sha_ni, f.avx512ifma);
    return 0;
}
