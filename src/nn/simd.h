/* How src/nn asks for vector code without -march: the hot element-wise and
 * depthwise loops are compiled several times (AVX-512, AVX2, baseline x86-64)
 * and the loader picks the best one for the CPU (GCC's target_clones, an ifunc),
 * so one portable binary still runs 16-wide on a Zen 4 or Sapphire Rapids. */
#ifndef MC_NN_SIMD_H
#define MC_NN_SIMD_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define NN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NN_CLONES
#endif

/* `#pragma omp simd` tells the compiler a loop's iterations are independent
 * (it would otherwise give up on pointers that might overlap, as in-place
 * layers' do, element by element). With a reduction clause it also lets the
 * compiler split a sum into vector lanes: that reorders the additions, which
 * we accept where a comment says so (results still match PyTorch, which sums
 * in its own order). Ignored when OpenMP is off. */
#define NN_SIMD _Pragma("omp simd")

#endif
