/* Matrix products whose left matrix is a layer's weights, packed once.
 *
 * A convolution's forward product C (M×N) = A (M×K) · B (K×N) has the weights
 * as A (out channels × in channels·taps, or a Winograd-transformed kernel
 * matrix) and the image as B, whose N columns (pixels or tiles) are often few
 * on small maps. A general BLAS repacks A on every call, and for N of a few
 * dozen columns that copy costs as much as the arithmetic. Here A is packed
 * when the weights change (once for inference, once per optimiser step for
 * training) and B is read where it lies. Internal to src/nn. */
#ifndef MC_NN_GEMM_H
#define MC_NN_GEMM_H
#include <stddef.h>

/* The threads a parallel region started now would have (omp_get_max_threads;
 * 1 without OpenMP): per-thread scratch is sized by it. */
int nn_threads(void);
/* 1 when the packed products run on this CPU (x86-64 with AVX-512F, and the
 * environment does not say MC_NN_GEMM=blas); callers use cblas_sgemm otherwise. */
int nn_gemm_available(void);
/* Tests and comparisons: nonzero turns the packed products off (as
 * MC_NN_GEMM=blas does). Kernel buffers are sized for one setting, so change
 * it only before a network plans its memory or layers compute their kernels. */
void nn_gemm_disable(int off);
/* Floats of a packed M×K matrix. */
size_t nn_gemm_packed_floats(int M, int K);
/* Pack A (M×K, rows lda floats apart) into Ap. */
void nn_gemm_pack(float *Ap, const float *A, size_t lda, int M, int K);
/* Pack the M×K matrix with entry (i, k) at A[i·rs + k·cs] as columns
 * k0 .. k0+K of a packing of kp columns (the caller zeroes the
 * nn_gemm_packed_floats(M, 0) floats past the panels, as nn_gemm_pack does). */
void nn_gemm_pack_sub(float *Ap, size_t kp, int k0, const float *A, size_t rs, size_t cs, int M,
                      int K);

/* The general product C (+)= A · B, C being M×N and the sum running over K.
 * A comes from a matrix P packed by nn_gemm_pack, with kp columns:
 *   at = 0: A = P[0..M, k0..k0+K)            (P's columns k0.. are A's);
 *   at = 1: A = P[k0..k0+K, m0..m0+M)ᵀ       (P read transposed, so that one
 *           packing of a layer's weights W serves both W·x and Wᵀ·dy).
 * B is K×N with rows ldb apart, or (bt = 1) stored transposed, N×K with rows
 * ldb apart. acc = 1 adds to C, 0 overwrites it. */
typedef struct {
    int M, N, K;
    const float *Ap;
    size_t kp;
    int k0, at, m0;
    const float *B;
    size_t ldb;
    int bt;
    float *C;
    size_t ldc;
    int acc;
} nn_gemm_job;
/* All threads (alone inside a parallel region), or thread id's share of nth
 * (for a caller already inside one): rows of C when A is the larger matrix,
 * else columns, a split that depends only on M, N and nth. */
void nn_gemm_run(const nn_gemm_job *j);
void nn_gemm_part(const nn_gemm_job *j, int id, int nth);
/* C = A·B with A packed by nn_gemm_pack: B is K×N with rows ldb floats apart,
 * C is M×N with rows ldc apart. Shares the work among the OpenMP threads
 * (runs on the calling thread alone inside a parallel region). Only when
 * nn_gemm_available(). */
void nn_gemm_packed(int M, int N, int K, const float *Ap, const float *B, size_t ldb, float *C,
                    size_t ldc);

#endif
