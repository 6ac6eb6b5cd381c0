/* 3×3 stride-1 convolution by Winograd's minimal filtering, F(2×2,3×3) and
 * F(4×4,3×3), forward and both gradients (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", CVPR 2016, §4). Used by conv2d.c for the
 * layers nn_conv_geom_init picks; same results as im2col up to rounding.
 *
 * One output tile Y (m×m) of one channel pair comes from the (m+2)×(m+2) input
 * tile d under it and the 3×3 kernel g as (Lavin & Gray §4, nested form)
 *     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
 * an elementwise product of n² = (m+2)² numbers instead of 9m² multiplications.
 * Summed over input channels c, the product becomes one matrix product per
 * "transform point" ξ (one of the n² positions of the product):
 *     U[ξ] (Cout × Cin)   = (G g Gᵀ)[ξ]       the transformed kernels
 *     V[ξ] (Cin × tiles)  = (Bᵀ d B)[ξ]       the transformed input tiles
 *     M[ξ] (Cout × tiles) = U[ξ] · V[ξ]       n² cblas_sgemm calls
 *     Y = Aᵀ M A                              per output channel and tile
 * which is where the saving is: the products cost 36/16 (F4) or 16/4 (F2) of
 * a multiply per kernel tap and output pixel instead of 9.
 *
 * The matrices come from the Toom-Cook construction (Lavin & Gray §4, Winograd
 * 1980): the m outputs of a 1-D correlation y_i = Σ_k d_{i+k} g_k are the
 * transpose of a linear convolution done by evaluating both polynomials at
 * n points, multiplying, and interpolating. With the points 0, ±1 (F2) or
 * 0, ±1, ±2 (F4), plus "∞" (the leading coefficient):
 *     G  (n×3) = the evaluation (Vandermonde) matrix of the kernel polynomial,
 *     Aᵀ (m×n) = the transpose of the evaluation matrix of the output polynomial,
 *     Bᵀ (n×n) = the transpose of the interpolation matrix (the inverse of the
 *                n×n evaluation matrix),
 * then each row i of Bᵀ is multiplied by the integer that clears its
 * denominators and row i of G divided by the same, so the input transform adds
 * small integers and only the kernel transform has fractions. The tables below
 * were derived that way with exact fractions and checked on every unit input
 * and kernel; they are the matrices of Lavin & Gray up to the sign of a row.
 *
 * Rounding: F(4×4)'s transforms scale by up to 8 and 1/24, so float32 loses
 * more than im2col does. Measured against double precision (error relative to
 * max(1,|value|)) on 56×56 maps with 64 channels, batch 2: outputs 2e-5, input
 * gradients 1e-5, kernel gradients 3e-4 (F(2×2): 1e-6, 1e-6, 3e-5; im2col:
 * 1e-6, 5e-7, 2e-5); the tests allow 1e-4 and 1e-3.
 *
 * Backward is the transpose of each stage, in reverse (with dY = ∂L/∂Y):
 *     dM = A dY Aᵀ,   dU[ξ] = dM[ξ] · V[ξ]ᵀ,   dV[ξ] = U[ξ]ᵀ · dM[ξ],
 *     dg = Gᵀ dU G,   dd = B dV Bᵀ (overlapping tiles add into din).
 * Tiles that stick out of the output are cropped in forward, so their dY is 0
 * there; input outside the image (padding) is 0 in forward and its gradient
 * is dropped. */
#include "nn/layers.h"

#include <cblas.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "nn/gemm.h"

/* F(2×2,3×3), points 0, 1, −1, ∞. */
static const float AT2[2 * 4] = {1, 1, 1,  0,
                                 0, 1, -1, 1};
static const float G2[4 * 3] = {1,    0,     0,
                                0.5f, 0.5f,  0.5f,
                                0.5f, -0.5f, 0.5f,
                                0,    0,     1};
static const float BT2[4 * 4] = {1, 0,  -1, 0,
                                 0, 1,  1,  0,
                                 0, -1, 1,  0,
                                 0, -1, 0,  1};

/* F(4×4,3×3), points 0, 1, −1, 2, −2, ∞. */
static const float AT4[4 * 6] = {1, 1, 1,  1, 1,  0,
                                 0, 1, -1, 2, -2, 0,
                                 0, 1, 1,  4, 4,  0,
                                 0, 1, -1, 8, -8, 1};
static const float G4[6 * 3] = {1.0f / 4,  0,          0,
                                1.0f / 6,  1.0f / 6,   1.0f / 6,
                                1.0f / 6,  -1.0f / 6,  1.0f / 6,
                                1.0f / 24, 1.0f / 12,  1.0f / 6,
                                1.0f / 24, -1.0f / 12, 1.0f / 6,
                                0,         0,          1};
static const float BT4[6 * 6] = {4, 0,  -5, 0,  1,  0,
                                 0, 4,  4,  -1, -1, 0,
                                 0, -4, 4,  1,  -1, 0,
                                 0, -2, -1, 2,  1,  0,
                                 0, 2,  -1, -2, 1,  0,
                                 0, 4,  0,  -5, 0,  1};

/* Transforms work on TC tiles (or channels) at a time, each entry of a tile
 * being a "plane" of TC floats, so every arithmetic loop runs over TC lanes. */
#define TC 64

typedef struct {
    int m, n, P;              /* output tile m×m, input tile n×n, P = n² points */
    const float *AT, *G, *BT;
    int th, tw, T;            /* tiles per column and row of an image; T = B·th·tw */
    int Ob;                   /* output channels per block of dU, dM in backward */
} wino_plan;

static void plan_init(wino_plan *p, const nn_conv_geom *g)
{
    const int four = g->algo == NN_CONV_WINOGRAD_4;
    p->m = four ? 4 : 2, p->n = p->m + 2, p->P = p->n * p->n;
    p->AT = four ? AT4 : AT2, p->G = four ? G4 : G2, p->BT = four ? BT4 : BT2;
    p->th = (g->Ho + p->m - 1) / p->m, p->tw = (g->Wo + p->m - 1) / p->m;
    p->T = g->B * p->th * p->tw;
    /* Backward's dU of one block stays within 2^20 floats. */
    int ob = (1 << 20) / (p->P * g->Cin);
    p->Ob = ob < 1 ? 1 : ob > g->Cout ? g->Cout : ob;
}

/* The kernels as the products want them. With gemm.c: each U[ξ] packed,
 * which serves the forward's U[ξ]·V[ξ] and, read transposed, the backward's
 * U[ξ]ᵀ·dM[ξ]. Otherwise U itself (P, Cout, Cin) for OpenBLAS. */
size_t nn_winograd_kernel_floats(const nn_conv_geom *g)
{
    wino_plan p;
    plan_init(&p, g);
    if (!nn_gemm_available()) return (size_t)p.P * g->Cout * g->Cin;
    return (size_t)p.P * nn_gemm_packed_floats(g->Cout, g->Cin);
}

/* Forward: V (P·Cin·T) and M (P·Cout·T). Backward: V, dV, dU and dM of a
 * block of Ob output channels, and with gemm.c each thread's packed copy of
 * one dM[ξ]. */
size_t nn_winograd_floats(const nn_conv_geom *g)
{
    wino_plan p;
    plan_init(&p, g);
    const size_t P = p.P, T = p.T, Cin = g->Cin;
    const size_t fwd = P * Cin * T + P * g->Cout * T;
    size_t bwd = 2 * P * Cin * T + P * p.Ob * Cin + P * p.Ob * T;
    if (nn_gemm_available()) bwd += (size_t)nn_threads() * nn_gemm_packed_floats(p.Ob, (int)T);
    return fwd > bwd ? fwd : bwd;
}

/* ---- the one arithmetic kernel: a 2-D transform of TC tiles at once ---- */

/* The lanes are 64 floats: compiled for AVX-512 and AVX2 too, the CPU picks. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef VECTOR_CLONES
#define VECTOR_CLONES
#endif

/* y[i] = Σ_k c[k]·x[k][i] for i < nt, with 1 ≤ nz ≤ 6 terms (the nonzeros of
 * a row of a table), written out for each count so that the sum stays in a
 * register; the missing terms read x[0] and are not added. */
VECTOR_CLONES
static void combine(float *restrict y, const float *const *x, const float *c, int nz, int nt)
{
    const float *x0 = x[0], *x1 = x[nz > 1 ? 1 : 0], *x2 = x[nz > 2 ? 2 : 0];
    const float *x3 = x[nz > 3 ? 3 : 0], *x4 = x[nz > 4 ? 4 : 0], *x5 = x[nz > 5 ? 5 : 0];
    const float c0 = c[0], c1 = c[nz > 1 ? 1 : 0], c2 = c[nz > 2 ? 2 : 0];
    const float c3 = c[nz > 3 ? 3 : 0], c4 = c[nz > 4 ? 4 : 0], c5 = c[nz > 5 ? 5 : 0];
    switch (nz) {
    case 1:
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] = c0 * x0[i];
        break;
    case 2:
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] = c0 * x0[i] + c1 * x1[i];
        break;
    case 3:
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] = c0 * x0[i] + c1 * x1[i] + c2 * x2[i];
        break;
    case 4:
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] = c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * x3[i];
        break;
    case 5:
#pragma omp simd
        for (int i = 0; i < nt; i++)
            y[i] = c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * x3[i] + c4 * x4[i];
        break;
    default:
#pragma omp simd
        for (int i = 0; i < nt; i++)
            y[i] = c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * x3[i] + c4 * x4[i] + c5 * x5[i];
    }
}

/* out (R×R) = L · X · Lᵀ for nt tiles at once, with X (K×K) the planes
 * in[(k·K + l)·istr], out[(r·R + s)·ostr], and L (R×K) read as
 * L[r·lr + k·lc] so that a transposed table is the same table with its
 * strides swapped. Zero coefficients are skipped (the tables are sparse). */
static void transform2d(float *restrict out, size_t ostr, const float *restrict in, size_t istr,
                        const float *L, int lr, int lc, int R, int K, int nt)
{
    float tmp[6 * 6 * TC];  /* L · X, R×K planes */
    const float *x[6];
    float c[6];
    for (int pass = 0; pass < 2; pass++)
        for (int r = 0; r < R; r++)
            for (int s = 0; s < (pass ? R : K); s++) {
                /* pass 0: tmp[r][s] = Σ_k L[r][k]·X[k][s];
                 * pass 1: out[r][s] = Σ_k tmp[r][k]·L[s][k] */
                int nz = 0;
                for (int k = 0; k < K; k++) {
                    const float a = pass ? L[s * lr + k * lc] : L[r * lr + k * lc];
                    if (a == 0.0f) continue;
                    x[nz] = pass ? tmp + (size_t)(r * K + k) * TC : in + (size_t)(k * K + s) * istr;
                    c[nz++] = a;
                }
                float *y = pass ? out + (size_t)(r * R + s) * ostr : tmp + (size_t)(r * K + s) * TC;
                if (nz)
                    combine(y, x, c, nz, nt);
                else
                    memset(y, 0, sizeof(float) * nt);
            }
}

/* ---- tiles: which pixels a tile covers ---- */

/* Tile t = (b·th + ti)·tw + tj; its output rows start at m·ti, its input
 * rows at m·ti − pad (likewise for columns). */
typedef struct { int b, y, x; } tile_pos;

static tile_pos tile_at(int t, const wino_plan *p)
{
    const int per = p->th * p->tw, r = t % per;
    return (tile_pos){t / per, (r / p->tw) * p->m, (r % p->tw) * p->m};
}

/* The tile after tp (t + 1), without tile_at's divisions. */
static inline void next_tile(tile_pos *tp, const wino_plan *p)
{
    if ((tp->x += p->m) < p->tw * p->m) return;
    tp->x = 0;
    if ((tp->y += p->m) < p->th * p->m) return;
    tp->y = 0, tp->b++;
}

/* D[(k·n + l)·TC + i] = in[b, c, y − pad + k, x − pad + l] for tiles t0..t0+nt,
 * 0 outside the image. n is a constant where it is inlined. */
static inline void gather_input_n(float *D, const float *in, int c, int t0, int nt,
                                  const wino_plan *p, const nn_conv_geom *g, const int n)
{
    const int H = g->H, W = g->W;
    tile_pos tp = tile_at(t0, p);
    for (int i = 0; i < nt; i++, next_tile(&tp, p)) {
        const float *x = in + ((size_t)tp.b * g->Cin + c) * H * W;
        const int y0 = tp.y - g->pad, x0 = tp.x - g->pad;
        if (y0 >= 0 && x0 >= 0 && y0 + n <= H && x0 + n <= W) {
            const float *row = x + (size_t)y0 * W + x0;
            for (int k = 0; k < n; k++, row += W)
                for (int l = 0; l < n; l++) D[(k * n + l) * TC + i] = row[l];
            continue;
        }
        for (int k = 0; k < n; k++)
            for (int l = 0; l < n; l++) {
                const int yy = y0 + k, xx = x0 + l;
                D[(k * n + l) * TC + i] = yy >= 0 && yy < H && xx >= 0 && xx < W
                                              ? x[(size_t)yy * W + xx] : 0.0f;
            }
    }
}

static void gather_input(float *D, const float *in, int c, int t0, int nt, const wino_plan *p,
                         const nn_conv_geom *g)
{
    if (p->n == 6)
        gather_input_n(D, in, c, t0, nt, p, g, 6);
    else
        gather_input_n(D, in, c, t0, nt, p, g, 4);
}

/* The adjoint: din[b, c, ·, ·] += the n×n planes dD, pixels outside dropped. */
static void scatter_add_input(float *din, const float *dD, int c, int t0, int nt,
                              const wino_plan *p, const nn_conv_geom *g)
{
    const int n = p->n, H = g->H, W = g->W;
    tile_pos tp = tile_at(t0, p);
    for (int i = 0; i < nt; i++, next_tile(&tp, p)) {
        float *x = din + ((size_t)tp.b * g->Cin + c) * H * W;
        const int y0 = tp.y - g->pad, x0 = tp.x - g->pad;
        for (int k = 0; k < n; k++) {
            const int yy = y0 + k;
            if (yy < 0 || yy >= H) continue;
            for (int l = 0; l < n; l++) {
                const int xx = x0 + l;
                if (xx >= 0 && xx < W) x[(size_t)yy * W + xx] += dD[(k * n + l) * TC + i];
            }
        }
    }
}

/* out[b, o, y + r, x + q] = Y[(r·m + q)·TC + i] + bias, cropped to Ho×Wo. */
static inline void scatter_output_m(float *out, const float *Y, int o, float bias, int t0, int nt,
                                    const wino_plan *p, const nn_conv_geom *g, const int m)
{
    const int Ho = g->Ho, Wo = g->Wo;
    tile_pos tp = tile_at(t0, p);
    for (int i = 0; i < nt; i++, next_tile(&tp, p)) {
        float *y = out + ((size_t)tp.b * g->Cout + o) * Ho * Wo + (size_t)tp.y * Wo + tp.x;
        const int rows = Ho - tp.y < m ? Ho - tp.y : m, cols = Wo - tp.x < m ? Wo - tp.x : m;
        if (rows == m && cols == m) {
            for (int r = 0; r < m; r++, y += Wo)
                for (int q = 0; q < m; q++) y[q] = Y[(r * m + q) * TC + i] + bias;
            continue;
        }
        for (int r = 0; r < rows; r++, y += Wo)
            for (int q = 0; q < cols; q++) y[q] = Y[(r * m + q) * TC + i] + bias;
    }
}

static void scatter_output(float *out, const float *Y, int o, float bias, int t0, int nt,
                           const wino_plan *p, const nn_conv_geom *g)
{
    if (p->m == 4)
        scatter_output_m(out, Y, o, bias, t0, nt, p, g, 4);
    else
        scatter_output_m(out, Y, o, bias, t0, nt, p, g, 2);
}

/* The adjoint: dY[(r·m + q)·TC + i] = dout[b, o, y + r, x + q], 0 where cropped. */
static void gather_output(float *dY, const float *dout, int o, int t0, int nt, const wino_plan *p,
                          const nn_conv_geom *g)
{
    const int m = p->m, Ho = g->Ho, Wo = g->Wo;
    tile_pos tp = tile_at(t0, p);
    for (int i = 0; i < nt; i++, next_tile(&tp, p)) {
        const float *y = dout + ((size_t)tp.b * g->Cout + o) * Ho * Wo;
        for (int r = 0; r < m; r++)
            for (int q = 0; q < m; q++)
                dY[(r * m + q) * TC + i] = tp.y + r < Ho && tp.x + q < Wo
                                               ? y[(size_t)(tp.y + r) * Wo + tp.x + q] : 0.0f;
    }
}

/* ---- the three transforms and their adjoints, one channel at a time ---- */

/* V[ξ, c, t] = (Bᵀ d B)[ξ] for the tiles lo ≤ t < hi of input channel c. */
static void input_transform(float *V, const float *in, int c, int lo, int hi, const wino_plan *p,
                            const nn_conv_geom *g)
{
    float D[6 * 6 * TC];
    const size_t T = p->T;
    for (int t0 = lo; t0 < hi; t0 += TC) {
        const int nt = hi - t0 < TC ? hi - t0 : TC;
        gather_input(D, in, c, t0, nt, p, g);
        transform2d(V + c * T + t0, (size_t)g->Cin * T, D, TC, p->BT, p->n, 1, p->n, p->n, nt);
    }
}

/* din[·, c] += B dV Bᵀ, the adjoint of input_transform. */
static void input_transform_adjoint(float *din, const float *dV, int c, const wino_plan *p,
                                    const nn_conv_geom *g)
{
    float dD[6 * 6 * TC];
    const size_t T = p->T;
    for (int t0 = 0; t0 < p->T; t0 += TC) {
        const int nt = p->T - t0 < TC ? p->T - t0 : TC;
        /* B = (Bᵀ)ᵀ: the same table read with its strides swapped. */
        transform2d(dD, TC, dV + c * T + t0, (size_t)g->Cin * T, p->BT, 1, p->n, p->n, p->n, nt);
        scatter_add_input(din, dD, c, t0, nt, p, g);
    }
}

/* U[ξ, o, c] = (G g Gᵀ)[ξ] for the kernels g = w[o, c] of every c (the lanes
 * are input channels here). */
static void weight_transform(float *U, const float *w, int o, const wino_plan *p,
                             const nn_conv_geom *g)
{
    float D[3 * 3 * TC];
    const size_t Cin = g->Cin;
    for (int c0 = 0; c0 < g->Cin; c0 += TC) {
        const int nc = g->Cin - c0 < TC ? g->Cin - c0 : TC;
        for (int i = 0; i < nc; i++)
            for (int k = 0; k < 9; k++) D[k * TC + i] = w[((size_t)o * Cin + c0 + i) * 9 + k];
        transform2d(U + (size_t)o * Cin + c0, (size_t)g->Cout * Cin, D, TC, p->G, 3, 1, p->n, 3,
                    nc);
    }
}

/* dw[o, c] += Gᵀ dU G, the adjoint of weight_transform, for a dU holding the
 * ob output channels from o0. */
static void weight_transform_adjoint(float *dw, const float *dU, int o, int o0, int ob,
                                     const wino_plan *p, const nn_conv_geom *g)
{
    float dg[3 * 3 * TC];
    const size_t Cin = g->Cin;
    for (int c0 = 0; c0 < g->Cin; c0 += TC) {
        const int nc = g->Cin - c0 < TC ? g->Cin - c0 : TC;
        transform2d(dg, TC, dU + (size_t)(o - o0) * Cin + c0, (size_t)ob * Cin, p->G, 1, 3, 3,
                    p->n, nc);
        for (int i = 0; i < nc; i++)
            for (int k = 0; k < 9; k++) dw[((size_t)o * Cin + c0 + i) * 9 + k] += dg[k * TC + i];
    }
}

/* out[·, o] = Aᵀ M A (+ bias) for the tiles lo ≤ t < hi of output channel o. */
static void output_transform(float *out, const float *M, int o, float bias, int lo, int hi,
                             const wino_plan *p, const nn_conv_geom *g)
{
    float Y[4 * 4 * TC];
    const size_t T = p->T;
    for (int t0 = lo; t0 < hi; t0 += TC) {
        const int nt = hi - t0 < TC ? hi - t0 : TC;
        transform2d(Y, TC, M + (size_t)o * T + t0, (size_t)g->Cout * T, p->AT, p->n, 1, p->m, p->n,
                    nt);
        scatter_output(out, Y, o, bias, t0, nt, p, g);
    }
}

/* dM[ξ, o − o0, t] = (A dY Aᵀ)[ξ], the adjoint of output_transform, into a
 * dM holding the ob output channels from o0. */
static void output_transform_adjoint(float *dM, const float *dout, int o, int o0, int ob,
                                     const wino_plan *p, const nn_conv_geom *g)
{
    float dY[4 * 4 * TC];
    const size_t T = p->T;
    for (int t0 = 0; t0 < p->T; t0 += TC) {
        const int nt = p->T - t0 < TC ? p->T - t0 : TC;
        gather_output(dY, dout, o, t0, nt, p, g);
        transform2d(dM + (size_t)(o - o0) * T + t0, (size_t)ob * T, dY, TC, p->AT, 1, p->n, p->n,
                    p->m, nt);
    }
}

/* ---- the convolution: transforms and n² matrix products ---- */

/* With gemm.c, U[ξ] is written straight into its packed form (gemm.c:
 * panels of 8 rows, column by column), 8 output channels by 8 input channels
 * at a time: transformed with lane i·8 + r holding channel pair (o = 8q + r,
 * c = 8h + i), the 64 lanes of each point ξ are, in order, panel q's steps
 * 8h .. 8h+7, and go out as one run of 64 floats. Rows past Cout are 0. */
static void weight_transform_packed(float *Uf, const float *w, int q, const wino_plan *p,
                                    const nn_conv_geom *g)
{
    float D[9 * 64], L[36 * 64];
    const int Cin = g->Cin, Cout = g->Cout;
    const size_t per = nn_gemm_packed_floats(Cout, Cin);
    for (int c0 = 0; c0 < Cin; c0 += 8) {
        const int nc = Cin - c0 < 8 ? Cin - c0 : 8;
        for (int i = 0; i < nc; i++)
            for (int r = 0; r < 8; r++) {
                const int o = q * 8 + r;
                for (int k = 0; k < 9; k++)
                    D[k * 64 + i * 8 + r] = o < Cout ? w[((size_t)o * Cin + c0 + i) * 9 + k] : 0.0f;
            }
        transform2d(L, 64, D, 64, p->G, 3, 1, p->n, 3, nc * 8);
        for (int xi = 0; xi < p->P; xi++)
            memcpy(Uf + xi * per + ((size_t)q * Cin + c0) * 8, L + xi * 64, sizeof(float) * nc * 8);
    }
}

void nn_winograd_transform_kernels(float *U, const float *w, const nn_conv_geom *g)
{
    wino_plan p;
    plan_init(&p, g);
    if (nn_gemm_available()) {
        const int panels = (g->Cout + 7) / 8;
        const size_t per = nn_gemm_packed_floats(g->Cout, g->Cin), used = (size_t)panels * 8 * g->Cin;
#pragma omp parallel for schedule(static)
        for (int q = 0; q < panels; q++) weight_transform_packed(U, w, q, &p, g);
        for (int xi = 0; xi < p.P; xi++)  /* gemm.c's zeros past the panels */
            memset(U + xi * per + used, 0, sizeof(float) * (per - used));
        return;
    }
#pragma omp parallel for schedule(static)
    for (int o = 0; o < g->Cout; o++) weight_transform(U, w, o, &p, g);
}

/* Forward, with U from nn_winograd_transform_kernels. When tiles are many,
 * each thread convolves its own share of them from start to end (transform,
 * products, inverse transform): the columns of V and M it touches are its
 * own, so the threads never wait for each other until the end; inside the
 * parallel region OpenBLAS runs single-threaded. On small maps the tiles are
 * few and the kernels large (ResNet-18's last stage at 64×64: 32 tiles,
 * 16 kernel matrices of 512×512), and a thread that multiplied its own tiles
 * by every kernel matrix would read them all from memory for a handful of
 * columns; there the threads transform their tiles, then share out the rows
 * of each product (gemm.c), then inverse-transform their tiles again. */
void nn_winograd_forward(float *out, const float *in, const float *U, const float *bias,
                         const nn_conv_geom *g, float *scratch)
{
    wino_plan p;
    plan_init(&p, g);
    const int P = p.P, T = p.T, Cin = g->Cin, Cout = g->Cout;
    float *V = scratch, *M = V + (size_t)P * Cin * T;
    const float *packed = nn_gemm_available() ? U : NULL;
    const size_t per = nn_gemm_packed_floats(Cout, Cin);
#pragma omp parallel
    {
        int id = 0, nth = 1;
#ifdef _OPENMP
        id = omp_get_thread_num(), nth = omp_get_num_threads();
#endif
        const int lo = (int)((long)T * id / nth), hi = (int)((long)T * (id + 1) / nth);
        const int share_rows = packed && nth > 1 && (long)Cout * nth > T;
        if (hi > lo)
            for (int c = 0; c < Cin; c++) input_transform(V, in, c, lo, hi, &p, g);
        if (share_rows) {
#pragma omp barrier
            for (int xi = 0; xi < P; xi++) {
                const nn_gemm_job j = {.M = Cout, .N = T, .K = Cin, .Ap = packed + xi * per,
                                       .kp = (size_t)Cin, .B = V + (size_t)xi * Cin * T,
                                       .ldb = (size_t)T, .C = M + (size_t)xi * Cout * T, .ldc = (size_t)T};
                nn_gemm_part(&j, id, nth);
            }
#pragma omp barrier
        } else if (hi > lo) {
            for (int xi = 0; xi < P; xi++)  /* M[ξ] = U[ξ] · V[ξ], columns lo..hi */
                if (packed)
                    nn_gemm_packed(Cout, hi - lo, Cin, packed + xi * per,
                                   V + (size_t)xi * Cin * T + lo, T, M + (size_t)xi * Cout * T + lo, T);
                else
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Cout, hi - lo, Cin,
                                1.0f, U + (size_t)xi * Cout * Cin, Cin,
                                V + (size_t)xi * Cin * T + lo, T, 0.0f,
                                M + (size_t)xi * Cout * T + lo, T);
        }
        if (hi > lo)
            for (int o = 0; o < Cout; o++)
                output_transform(out, M, o, bias ? bias[o] : 0.0f, lo, hi, &p, g);
    }
}

/* dM for output channel o of the block from o0 (ob channels), and its bias
 * gradient Σ dout. */
static void dout_transform(float *dM, float *dbias, const float *dout, int o, int o0, int ob,
                           const wino_plan *p, const nn_conv_geom *g)
{
    output_transform_adjoint(dM, dout, o, o0, ob, p, g);
    if (!dbias) return;
    const size_t N = (size_t)g->Ho * g->Wo;
    double s = 0;
    for (int b = 0; b < g->B; b++)
        for (size_t i = 0; i < N; i++) s += dout[((size_t)b * g->Cout + o) * N + i];
    dbias[o] += (float)s;
}

/* Backward: dM from dout, then per point dU[ξ] = dM[ξ]·V[ξ]ᵀ and
 * dV[ξ] += U[ξ]ᵀ·dM[ξ], then dw += Gᵀ dU G and din += B dV Bᵀ; output
 * channels go in blocks of Ob to bound dU and dM. V is the forward's input
 * transform, recomputed; dbias += Σ dout. Independent transforms share one
 * loop (V with the first block's dM; the last block's dw with din) so that
 * a block costs the threads two waits for each other, not four. */
void nn_winograd_backward(float *din, float *dw, float *dbias, const float *dout,
                          const float *in, const float *U, const nn_conv_geom *g, float *scratch)
{
    wino_plan p;
    plan_init(&p, g);
    const int P = p.P, T = p.T, Cin = g->Cin, Cout = g->Cout;
    float *V = scratch, *dV = V + (size_t)P * Cin * T, *dU = dV + (size_t)P * Cin * T;
    float *dM = dU + (size_t)P * p.Ob * Cin, *dMp = dM + (size_t)P * p.Ob * T;
    const int packed = nn_gemm_available();
    const size_t per = nn_gemm_packed_floats(Cout, Cin), perm = nn_gemm_packed_floats(p.Ob, T);
#pragma omp parallel
    {
        int id = 0;
#ifdef _OPENMP
        id = omp_get_thread_num();
#endif
        for (int o0 = 0; o0 < Cout; o0 += p.Ob) {
            const int ob = Cout - o0 < p.Ob ? Cout - o0 : p.Ob, last = o0 + ob == Cout;
            /* items: the block's output channels, then (first block) the input channels */
            const int nin = o0 == 0 ? Cin : 0;
#pragma omp for schedule(static)
            for (int k = 0; k < ob + nin; k++) {
                if (k < ob)
                    dout_transform(dM, dbias, dout, o0 + k, o0, ob, &p, g);
                else
                    input_transform(V, in, k - ob, 0, T, &p, g);
            }
#pragma omp for schedule(dynamic)
            for (int xi = 0; xi < P; xi++) {
                const float *dMx = dM + (size_t)xi * ob * T;
                if (packed) {  /* the same two products with gemm.c, on this thread */
                    float *a = dMp + id * perm;
                    nn_gemm_pack(a, dMx, T, ob, T);
                    const nn_gemm_job du = {.M = ob, .N = Cin, .K = T, .Ap = a, .kp = (size_t)T,
                                            .B = V + (size_t)xi * Cin * T, .ldb = (size_t)T, .bt = 1,
                                            .C = dU + (size_t)xi * ob * Cin, .ldc = (size_t)Cin};
                    nn_gemm_part(&du, 0, 1);
                    /* U[ξ]ᵀ, rows o0.. of U[ξ]: the forward's packing read transposed */
                    const nn_gemm_job dv = {.M = Cin, .N = T, .K = ob, .Ap = U + xi * per,
                                            .kp = (size_t)Cin, .k0 = o0, .at = 1, .B = dMx,
                                            .ldb = (size_t)T, .C = dV + (size_t)xi * Cin * T,
                                            .ldc = (size_t)T, .acc = o0 > 0};
                    if (din) nn_gemm_part(&dv, 0, 1);
                    continue;
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, ob, Cin, T, 1.0f, dMx, T,
                            V + (size_t)xi * Cin * T, T, 0.0f, dU + (size_t)xi * ob * Cin, Cin);
                if (din)  /* U[ξ] rows o0..o0+ob */
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Cin, T, ob, 1.0f,
                                U + ((size_t)xi * Cout + o0) * Cin, Cin, dMx, T,
                                o0 ? 1.0f : 0.0f, dV + (size_t)xi * Cin * T, T);
            }
            /* items: the block's kernel gradients, then (last block) the input channels */
            const int nout = last && din ? Cin : 0;
#pragma omp for schedule(static)
            for (int k = 0; k < ob + nout; k++) {
                if (k < ob)
                    weight_transform_adjoint(dw, dU, o0 + k, o0, ob, &p, g);
                else
                    input_transform_adjoint(din, dV, k - ob, &p, g);
            }
        }
    }
}
