/* C = A·B with A packed once (gemm.h says why).
 *
 * The method is the one every fast GEMM uses (Goto and van de Geijn, "Anatomy
 * of high-performance matrix multiplication", ACM TOMS 34(3), 2008): C is cut
 * into blocks of MR rows by NR columns, and a micro-kernel keeps one block in
 * registers while it runs along K, adding an outer product per step:
 *
 *     C[i..i+MR, j..j+NR] += A[i..i+MR, k] · B[k, j..j+NR]      k = 0 .. K−1
 *
 * With AVX-512 the block is 8 rows by 32 columns: 16 vector accumulators
 * (enough to cover the latency of the fused multiply-add), two vector loads
 * of B's row k and eight broadcasts of A's column k per step, which the 16
 * multiply-adds outlast. 8 divides every channel count of both networks. For
 * the broadcasts to be one sequential stream, A is packed in panels of 8 rows
 * stored column by column: panel p, step k holds A[8p .. 8p+7, k] (zero rows
 * past M). B is copied block by block into a buffer (blocks() says why).
 *
 * Each entry of C is one sum over k in order, with fused multiply-adds: the
 * same as a textbook loop with fma(), so the result does not depend on how
 * the work is split among threads. */
#include "nn/gemm.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MR 8
#define NR 32
#define KC 128

#if defined(__x86_64__) && defined(__GNUC__)
#define NN_GEMM_X86 1
#include <immintrin.h>
#endif

static int disabled;

void nn_gemm_disable(int off) { disabled = off; }

int nn_gemm_available(void)
{
#ifdef NN_GEMM_X86
    static int avail = -1;
    if (avail < 0) {
        const char *e = getenv("MC_NN_GEMM");
        __builtin_cpu_init();
        avail = __builtin_cpu_supports("avx512f") && !(e && !strcmp(e, "blas"));
    }
    return avail && !disabled;
#else
    return 0;
#endif
}

size_t nn_gemm_packed_floats(int M, int K)
{
    return (size_t)((M + MR - 1) / MR) * MR * (size_t)K;
}

void nn_gemm_pack(float *Ap, const float *A, size_t lda, int M, int K)
{
    const int panels = (M + MR - 1) / MR;
#pragma omp parallel for schedule(static) if ((long)M * K > 65536)
    for (int p = 0; p < panels; p++) {
        float *d = Ap + (size_t)p * MR * K;
        for (int r = 0; r < MR; r++) {
            const int i = p * MR + r;
            if (i >= M) {
                for (int k = 0; k < K; k++) d[(size_t)k * MR + r] = 0.0f;
                continue;
            }
            const float *a = A + (size_t)i * lda;
            for (int k = 0; k < K; k++) d[(size_t)k * MR + r] = a[k];
        }
    }
}

#ifdef NN_GEMM_X86
/* One MR×(16·nv) block over KC steps of k at most: C[0..mr, 0..cols) = (C +)
 * Σ_k Ap[k] ⊗ Bp[k], with Bp the block of B packed NR wide (zero past the
 * last column) and the columns of C past cols masked off. nv is 1 or 2 and
 * acc 0 or 1, constants at each call, so the loops unroll into straight code. */
__attribute__((target("avx512f"), always_inline)) static inline void
block(int nv, int acc, int K, const float *restrict Ap, const float *restrict Bp,
      float *restrict C, size_t ldc, int mr, __mmask16 m0, __mmask16 m1)
{
    __m512 c[MR][2];
    /* unrolled in full, so that the accumulators live in registers */
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
        c[r][0] = acc && r < mr ? _mm512_maskz_loadu_ps(m0, C + (size_t)r * ldc) : _mm512_setzero_ps();
        c[r][1] = acc && r < mr && nv > 1 ? _mm512_maskz_loadu_ps(m1, C + (size_t)r * ldc + 16)
                                          : _mm512_setzero_ps();
    }
    for (int k = 0; k < K; k++, Ap += MR, Bp += NR) {
        const __m512 b0 = _mm512_loadu_ps(Bp);
        const __m512 b1 = nv > 1 ? _mm512_loadu_ps(Bp + 16) : b0;
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
            const __m512 a = _mm512_set1_ps(Ap[r]);
            c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
            if (nv > 1) c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
        if (r >= mr) break;
        _mm512_mask_storeu_ps(C + (size_t)r * ldc, m0, c[r][0]);
        if (nv > 1) _mm512_mask_storeu_ps(C + (size_t)r * ldc + 16, m1, c[r][1]);
    }
}

/* Units u0..u1 of the work, unit u being panel u % panels of column block
 * u / panels: for each column block, each run of KC steps of k, B's block is
 * copied into a small buffer that stays in the L1 cache (rows of B may be
 * any distance apart, and distances of a few KiB would make them collide
 * in the cache), then every panel of the unit range runs over it. */
__attribute__((target("avx512f"))) static void blocks(int M, int N, int K, const float *Ap,
                                                      const float *B, size_t ldb, float *C,
                                                      size_t ldc, long u0, long u1)
{
    const int panels = (M + MR - 1) / MR;
    float Bp[KC * NR] __attribute__((aligned(64)));
    for (long u = u0; u < u1;) {
        const int jb = (int)(u / panels), p0 = (int)(u % panels);
        const int p1 = u1 - (long)jb * panels < panels ? (int)(u1 - (long)jb * panels) : panels;
        const int j = jb * NR, cols = N - j < NR ? N - j : NR;
        const __mmask16 m0 = cols >= 16 ? 0xffff : (__mmask16)((1u << cols) - 1);
        const __mmask16 m1 = cols >= 32 ? 0xffff : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1) : 0;
        for (int k0 = 0; k0 < K || k0 == 0; k0 += KC) {
            const int kc = K - k0 < KC ? K - k0 : KC;
            for (int k = 0; k < kc; k++) {
                const float *b = B + (size_t)(k0 + k) * ldb + j;
                _mm512_store_ps(Bp + k * NR, _mm512_maskz_loadu_ps(m0, b));
                _mm512_store_ps(Bp + k * NR + 16, _mm512_maskz_loadu_ps(m1, b + 16));
            }
            for (int p = p0; p < p1; p++) {
                const int mr = M - p * MR < MR ? M - p * MR : MR;
                const float *a = Ap + ((size_t)p * K + k0) * MR;
                float *c = C + (size_t)p * MR * ldc + j;
                if (cols > 16)
                    k0 ? block(2, 1, kc, a, Bp, c, ldc, mr, m0, m1)
                       : block(2, 0, kc, a, Bp, c, ldc, mr, m0, m1);
                else
                    k0 ? block(1, 1, kc, a, Bp, c, ldc, mr, m0, m1)
                       : block(1, 0, kc, a, Bp, c, ldc, mr, m0, m1);
            }
            if (K == 0) break;
        }
        u = (long)jb * panels + p1;
    }
}
#endif

void nn_gemm_packed_part(int M, int N, int K, const float *Ap, const float *B, size_t ldb,
                         float *C, size_t ldc, int id, int nth)
{
#ifdef NN_GEMM_X86
    if (M < 1 || N < 1) return;
    const int panels = (M + MR - 1) / MR, nblocks = (N + NR - 1) / NR;
    if (M > N && panels >= nth) {
        /* A is the larger: each thread takes a share of its panels and all
         * columns, so that A is read from memory once in all */
        const int p0 = (int)((long)panels * id / nth), p1 = (int)((long)panels * (id + 1) / nth);
        for (int jb = 0; jb < nblocks && p1 > p0; jb++)
            blocks(M, N, K, Ap, B, ldb, C, ldc, (long)jb * panels + p0, (long)jb * panels + p1);
        return;
    }
    /* B is the larger: a share of the (column block, panel) units, column
     * block by column block, so that each thread reads its own columns of B */
    const long units = (long)panels * nblocks;
    blocks(M, N, K, Ap, B, ldb, C, ldc, units * id / nth, units * (id + 1) / nth);
#else
    (void)M, (void)N, (void)K, (void)Ap, (void)B, (void)ldb, (void)C, (void)ldc, (void)id, (void)nth;
    abort();  /* callers check nn_gemm_available() */
#endif
}

void nn_gemm_packed(int M, int N, int K, const float *Ap, const float *B, size_t ldb, float *C,
                    size_t ldc)
{
#pragma omp parallel if ((double)M * N * K > 1e5)
    {
        int id = 0, nth = 1;
#ifdef _OPENMP
        id = omp_get_thread_num(), nth = omp_get_num_threads();
#endif
        nn_gemm_packed_part(M, N, K, Ap, B, ldb, C, ldc, id, nth);
    }
}
