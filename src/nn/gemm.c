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
 * multiply-adds outlast. 8 divides the output channels of every convolution
 * in both networks. For the broadcasts to be one sequential stream, A is
 * packed in panels of 8 rows stored column by column: panel p, step k holds
 * A[8p .. 8p+7, k] (zero rows past M). B is copied block by block into a
 * buffer (copy_b() says why).
 *
 * Each entry of C is a sum over k in order, with fused multiply-adds, in
 * runs of KC terms (block() says why): the result does not depend on how the
 * work is split among threads. */
#include "nn/gemm.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MR 8
#define NR 32
#define KC 128

/* --disable-x86-asm (MC_NO_X86_ASM) leaves OpenBLAS's products only. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(MC_NO_X86_ASM)
#define NN_GEMM_X86 1
#include <immintrin.h>
#endif

int nn_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static int disabled;

void nn_gemm_disable(int off) { disabled = off; }

int nn_gemm_available(void)
{
#ifdef NN_GEMM_X86
    static int avail = -1;
    if (avail < 0) {
        /* MC_NN_GEMM=blas turns this kernel off; so does MEDCHAOS_NO_ASM=1,
         * which forces every portable path of medchaos (crypto/cpu.h). */
        const char *e = getenv("MC_NN_GEMM"), *no_asm = getenv("MEDCHAOS_NO_ASM");
        __builtin_cpu_init();
        avail = __builtin_cpu_supports("avx512f") && !(e && !strcmp(e, "blas")) &&
                !(no_asm && !strcmp(no_asm, "1"));
    }
    return avail && !disabled;
#else
    return 0;
#endif
}

/* MR·MR floats more than the panels: a transposed read (block() with at) of
 * the last panel's rows past M reaches that far, and finds zeros. */
size_t nn_gemm_packed_floats(int M, int K)
{
    return (size_t)((M + MR - 1) / MR) * MR * (size_t)K + MR * MR;
}

void nn_gemm_pack_sub(float *Ap, size_t kp, int k0, const float *A, size_t rs, size_t cs, int M,
                      int K)
{
    const int panels = (M + MR - 1) / MR;
#pragma omp parallel for schedule(static) if ((long)M * K > 65536)
    for (int p = 0; p < panels; p++) {
        float *d = Ap + ((size_t)p * kp + k0) * MR;
        const int rows = M - p * MR < MR ? M - p * MR : MR;
        for (int k = 0; k < K; k++, d += MR) {
            const float *a = A + (size_t)p * MR * rs + (size_t)k * cs;
            for (int r = 0; r < MR; r++) d[r] = r < rows ? a[r * rs] : 0.0f;
        }
    }
}

void nn_gemm_pack(float *Ap, const float *A, size_t lda, int M, int K)
{
    nn_gemm_pack_sub(Ap, (size_t)K, 0, A, lda, 1, M, K);
    memset(Ap + (size_t)(M + MR - 1) / MR * MR * K, 0, sizeof(float) * MR * MR);
}

#ifdef NN_GEMM_X86
/* One MR×(16·nv) block over kc steps of k: C[0..mr, 0..cols) = (C +)
 * Σ_k Ap[k] ⊗ Bp[k], with Bp a block of B copied NR wide (zero past the last
 * column) and the columns of C past cols masked off. nv is 1 or 2 and acc 0
 * or 1, constants at each call, so the loops unroll into straight-line code. */
__attribute__((target("avx512f"), always_inline)) static inline void
block(int nv, int acc, int at, int kc, const float *restrict Ap, size_t tstride, int kk,
      const float *restrict Bp, float *restrict C, size_t ldc, int mr, __mmask16 m0, __mmask16 m1)
{
    __m512 c[MR][2];
    /* unrolled in full, so that the accumulators live in registers */
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) c[r][0] = c[r][1] = _mm512_setzero_ps();
    for (int k = 0; k < kc; k++, Bp += NR) {
        const __m512 b0 = _mm512_loadu_ps(Bp);
        const __m512 b1 = nv > 1 ? _mm512_loadu_ps(Bp + 16) : b0;
        /* A's column k: MR consecutive floats, or (at: transposed) MR floats
         * MR apart in the panel of the matrix it transposes */
        const size_t as = at ? MR : 1;
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
            const __m512 a = _mm512_set1_ps(Ap[r * as]);
            c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
            if (nv > 1) c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
        }
        if (!at)
            Ap += MR;
        else if (++kk % MR)
            Ap += 1;
        else
            Ap += tstride - (MR - 1);  /* into the next panel of the transposed matrix */
    }
    /* The block's sum starts from 0 and is added to C at the end: a long
     * sum over k is then one of partial sums of KC terms, whose rounding
     * error grows with KC + K/KC rather than with K. */
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
        if (r >= mr) break;
        if (acc) {
            c[r][0] = _mm512_add_ps(c[r][0], _mm512_maskz_loadu_ps(m0, C + (size_t)r * ldc));
            if (nv > 1)
                c[r][1] = _mm512_add_ps(c[r][1], _mm512_maskz_loadu_ps(m1, C + (size_t)r * ldc + 16));
        }
        _mm512_mask_storeu_ps(C + (size_t)r * ldc, m0, c[r][0]);
        if (nv > 1) _mm512_mask_storeu_ps(C + (size_t)r * ldc + 16, m1, c[r][1]);
    }
}

static __mmask16 lane_mask(int n) { return n >= 16 ? 0xffff : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }

/* r[c] ← column c of the 16×16 block whose rows are r[0..16): pairs of rows
 * interleaved (unpack), then pairs of pairs (shuffle), then the 128-bit
 * quarters gathered across four vectors (two rounds of shuffle_f32x4). */
__attribute__((target("avx512f"), always_inline)) static inline void transpose16(__m512 r[16])
{
    __m512 t[16];
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    /* r[4g+m], quarter L: column 4L+m of rows 4g .. 4g+3 */
#pragma GCC unroll 4
    for (int g = 0; g < 4; g++) {
        r[4 * g] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
        r[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
        r[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
        r[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
    }
#pragma GCC unroll 4
    for (int m = 0; m < 4; m++) {
        const __m512 x0 = _mm512_shuffle_f32x4(r[m], r[4 + m], 0x44);
        const __m512 x1 = _mm512_shuffle_f32x4(r[m], r[4 + m], 0xEE);
        const __m512 y0 = _mm512_shuffle_f32x4(r[8 + m], r[12 + m], 0x44);
        const __m512 y1 = _mm512_shuffle_f32x4(r[8 + m], r[12 + m], 0xEE);
        t[m] = _mm512_shuffle_f32x4(x0, y0, 0x88);
        t[4 + m] = _mm512_shuffle_f32x4(x0, y0, 0xDD);
        t[8 + m] = _mm512_shuffle_f32x4(x1, y1, 0x88);
        t[12 + m] = _mm512_shuffle_f32x4(x1, y1, 0xDD);
    }
#pragma GCC unroll 16
    for (int c = 0; c < 16; c++) r[c] = t[c];
}

/* Copy B's rows k0..k0+kc, columns j..j+NR (zero past N) into Bp, NR wide. B
 * may be any distance apart row to row, and distances of a few KiB would
 * make its rows collide in the cache: the copy stays in the L1 cache while
 * every panel of A runs over it. */
__attribute__((target("avx512f"))) static void copy_b(float *restrict Bp, const nn_gemm_job *jb,
                                                      int k0, int kc, int j)
{
    const int cols = jb->N - j < NR ? jb->N - j : NR;
    if (!jb->bt) {
        const __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
        for (int k = 0; k < kc; k++) {
            const float *b = jb->B + (size_t)(k0 + k) * jb->ldb + j;
            _mm512_store_ps(Bp + k * NR, _mm512_maskz_loadu_ps(m0, b));
            _mm512_store_ps(Bp + k * NR + 16, _mm512_maskz_loadu_ps(m1, b + 16));
        }
        return;
    }
    /* Bᵀ stored: column j+i of B is row j+i of the array. 16 rows by 16
     * steps at a time, transposed in registers. */
    for (int i0 = 0; i0 < NR; i0 += 16) {
        const int rows = cols - i0;
        for (int kk = 0; kk < kc; kk += 16) {
            const int n = kc - kk < 16 ? kc - kk : 16;
            const __mmask16 km = lane_mask(n);
            __m512 r[16];
#pragma GCC unroll 16
            for (int i = 0; i < 16; i++)
                r[i] = i < rows ? _mm512_maskz_loadu_ps(km, jb->B + (size_t)(j + i0 + i) * jb->ldb + k0 + kk)
                                : _mm512_setzero_ps();
            transpose16(r);
            for (int c = 0; c < n; c++) _mm512_store_ps(Bp + (size_t)(kk + c) * NR + i0, r[c]);
        }
    }
}

/* Panels p0..p1 of A against column blocks jb0..jb1 of B: for each run of KC
 * steps of k, the column blocks are copied (at most JG at a time), then each
 * panel runs over all of them while its own KC steps stay in the L1 cache:
 * A is read once whatever the number of column blocks. */
#define JG 8
__attribute__((target("avx512f"))) static void run(const nn_gemm_job *jb, int p0, int p1, int c0,
                                                   int c1)
{
    static _Thread_local float Bp[JG * KC * NR] __attribute__((aligned(64)));
    const int K = jb->K;
    for (int g0 = c0; g0 < c1; g0 += JG) {
        const int g1 = c1 - g0 < JG ? c1 : g0 + JG;
        for (int k0 = 0; k0 < K || k0 == 0; k0 += KC) {
            const int kc = K - k0 < KC ? K - k0 : KC, acc = jb->acc || k0 > 0;
            for (int cb = g0; cb < g1; cb++) copy_b(Bp + (cb - g0) * KC * NR, jb, k0, kc, cb * NR);
            const int kk = jb->k0 + k0;  /* A's first column in this run */
            for (int p = p0; p < p1; p++) {
                const int mr = jb->M - p * MR < MR ? jb->M - p * MR : MR;
                /* A, or (at) the transpose of the packed P: A[i][k] = P[k][m0 + i],
                 * in P's panel k/MR at step m0 + i, row k % MR */
                const size_t ts = jb->at ? jb->kp * MR : 0;
                const float *a =
                    jb->at ? jb->Ap + ((size_t)(kk / MR) * jb->kp + jb->m0 + (size_t)p * MR) * MR + kk % MR
                           : jb->Ap + ((size_t)p * jb->kp + kk) * MR;
                for (int cb = g0; cb < g1; cb++) {
                    const int j = cb * NR, cols = jb->N - j < NR ? jb->N - j : NR;
                    const __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
                    const float *b = Bp + (cb - g0) * KC * NR;
                    float *c = jb->C + (size_t)p * MR * jb->ldc + j;
                    /* the flags as constants, each case its own straight-line code */
#define BLOCK(nv, ac, t) block(nv, ac, t, kc, a, ts, kk, b, c, jb->ldc, mr, m0, m1)
                    if (jb->at)
                        cols > 16 ? (acc ? BLOCK(2, 1, 1) : BLOCK(2, 0, 1))
                                  : (acc ? BLOCK(1, 1, 1) : BLOCK(1, 0, 1));
                    else
                        cols > 16 ? (acc ? BLOCK(2, 1, 0) : BLOCK(2, 0, 0))
                                  : (acc ? BLOCK(1, 1, 0) : BLOCK(1, 0, 0));
#undef BLOCK
                }
            }
            if (K == 0) break;
        }
    }
}
#endif

void nn_gemm_part(const nn_gemm_job *jb, int id, int nth)
{
#ifdef NN_GEMM_X86
    if (jb->M < 1 || jb->N < 1) return;
    const int panels = (jb->M + MR - 1) / MR, nblocks = (jb->N + NR - 1) / NR;
    if (jb->M > jb->N && panels >= nth) {
        /* A is the larger: a share of its panels against all of B, so that
         * A is read from memory once in all */
        const int p0 = (int)((long)panels * id / nth), p1 = (int)((long)panels * (id + 1) / nth);
        if (p1 > p0) run(jb, p0, p1, 0, nblocks);
        return;
    }
    /* B is the larger: a share of its column blocks against all of A, or
     * (fewer blocks than threads) of the (column block, panel) pairs */
    if (nblocks >= nth) {
        const int c0 = (int)((long)nblocks * id / nth), c1 = (int)((long)nblocks * (id + 1) / nth);
        if (c1 > c0) run(jb, 0, panels, c0, c1);
        return;
    }
    const long units = (long)panels * nblocks, u0 = units * id / nth, u1 = units * (id + 1) / nth;
    for (long u = u0; u < u1;) {
        const int cb = (int)(u / panels), p0 = (int)(u % panels);
        const int p1 = u1 - (long)cb * panels < panels ? (int)(u1 - (long)cb * panels) : panels;
        run(jb, p0, p1, cb, cb + 1);
        u = (long)cb * panels + p1;
    }
#else
    (void)jb, (void)id, (void)nth;
    abort();  /* callers check nn_gemm_available() */
#endif
}

void nn_gemm_run(const nn_gemm_job *jb)
{
#pragma omp parallel if ((double)jb->M * jb->N * jb->K > 1e5)
    {
        int id = 0, nth = 1;
#ifdef _OPENMP
        id = omp_get_thread_num(), nth = omp_get_num_threads();
#endif
        nn_gemm_part(jb, id, nth);
    }
}

void nn_gemm_packed(int M, int N, int K, const float *Ap, const float *B, size_t ldb, float *C,
                    size_t ldc)
{
    const nn_gemm_job jb = {.M = M, .N = N, .K = K, .Ap = Ap, .kp = (size_t)K, .B = B, .ldb = ldb,
                            .C = C, .ldc = ldc};
    nn_gemm_run(&jb);
}
