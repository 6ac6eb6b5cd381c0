/* 3×3 stride-1 convolution by Winograd's minimal filtering, F(2×2,3×3) and
 * F(4×4,3×3), forward and both gradients (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", CVPR 2016, §4-5). Used by conv2d.c for the
 * layers nn_conv_geom_init picks; same results as im2col up to rounding.
 *
 * One output tile Y (m×m) of one channel pair comes from the (m+2)×(m+2) input
 * tile d under it and the 3×3 kernel g as (Lavin & Gray eq. 10)
 *     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
 * an elementwise product of n² = (m+2)² numbers instead of 9m² multiplications.
 * Summed over input channels c, the product becomes one matrix product per
 * "transform point" ξ (one of the n² positions of the product), eq. 12:
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
 * were derived that way with exact fractions (and the test checks the 1-D
 * identity); they are the matrices of Lavin & Gray up to the sign of a row.
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
    int Ob;                   /* output channels per block (bounds U's memory) */
} wino_plan;

static void plan_init(wino_plan *p, const nn_conv_geom *g)
{
    const int four = g->algo == NN_CONV_WINOGRAD_4;
    p->m = four ? 4 : 2, p->n = p->m + 2, p->P = p->n * p->n;
    p->AT = four ? AT4 : AT2, p->G = four ? G4 : G2, p->BT = four ? BT4 : BT2;
    p->th = (g->Ho + p->m - 1) / p->m, p->tw = (g->Wo + p->m - 1) / p->m;
    p->T = g->B * p->th * p->tw;
    /* U and dU of one block stay within 2^20 floats each. */
    int ob = (1 << 20) / (p->P * g->Cin);
    p->Ob = ob < 1 ? 1 : ob > g->Cout ? g->Cout : ob;
}

/* Floats of scratch for backward (forward needs less): V, dV, U, dU, dM. */
size_t nn_winograd_floats(const nn_conv_geom *g)
{
    wino_plan p;
    plan_init(&p, g);
    const size_t P = p.P, T = p.T;
    return 2 * P * g->Cin * T + 2 * P * p.Ob * g->Cin + P * p.Ob * T;
}

/* ---- the one arithmetic kernel: a 2-D transform of TC tiles at once ---- */

/* y = c·x over nt lanes (first term) or y += c·x; ±1 need no multiply. */
static inline void axpy(float *restrict y, float c, const float *restrict x, int nt, int first)
{
    if (first && c == 1.0f) {
        memcpy(y, x, sizeof(float) * nt);
    } else if (first) {
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] = c * x[i];
    } else if (c == 1.0f) {
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] += x[i];
    } else if (c == -1.0f) {
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] -= x[i];
    } else {
#pragma omp simd
        for (int i = 0; i < nt; i++) y[i] += c * x[i];
    }
}

/* out (R×R) = L · X · Lᵀ for nt tiles at once, with X (K×K) the planes
 * in[(k·K + l)·istr], out[(r·R + s)·ostr], and L (R×K) read as
 * L[r·lr + k·lc] so that a transposed table is the same table with its
 * strides swapped. Zero coefficients are skipped (the tables are sparse). */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
/* The loops run over 64 floats: AVX-512 or AVX2 where the CPU has them. */
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
static void transform2d(float *restrict out, size_t ostr, const float *restrict in, size_t istr,
                        const float *L, int lr, int lc, int R, int K, int nt)
{
    float tmp[6 * 6 * TC];  /* L · X, R×K planes */
    for (int r = 0; r < R; r++)
        for (int l = 0; l < K; l++) {
            float *t = tmp + (size_t)(r * K + l) * TC;
            int first = 1;
            for (int k = 0; k < K; k++) {
                const float c = L[r * lr + k * lc];
                if (c != 0.0f) axpy(t, c, in + (size_t)(k * K + l) * istr, nt, first), first = 0;
            }
            if (first) memset(t, 0, sizeof(float) * nt);
        }
    for (int r = 0; r < R; r++)
        for (int s = 0; s < R; s++) {
            float *o = out + (size_t)(r * R + s) * ostr;
            int first = 1;
            for (int k = 0; k < K; k++) {
                const float c = L[s * lr + k * lc];
                if (c != 0.0f) axpy(o, c, tmp + (size_t)(r * K + k) * TC, nt, first), first = 0;
            }
            if (first) memset(o, 0, sizeof(float) * nt);
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

/* D[(k·n + l)·TC + i] = in[b, c, y − pad + k, x − pad + l] for tiles t0..t0+nt,
 * 0 outside the image. */
static void gather_input(float *D, const float *in, int c, int t0, int nt, const wino_plan *p,
                         const nn_conv_geom *g)
{
    const int n = p->n, H = g->H, W = g->W;
    for (int i = 0; i < nt; i++) {
        const tile_pos tp = tile_at(t0 + i, p);
        const float *x = in + ((size_t)tp.b * g->Cin + c) * H * W;
        const int y0 = tp.y - g->pad, x0 = tp.x - g->pad;
        const int inside = y0 >= 0 && x0 >= 0 && y0 + n <= H && x0 + n <= W;
        for (int k = 0; k < n; k++)
            for (int l = 0; l < n; l++) {
                const int yy = y0 + k, xx = x0 + l;
                D[(k * n + l) * TC + i] = inside || (yy >= 0 && yy < H && xx >= 0 && xx < W)
                                              ? x[(size_t)yy * W + xx] : 0.0f;
            }
    }
}

/* The adjoint: din[b, c, ·, ·] += the n×n planes dD, pixels outside dropped. */
static void scatter_add_input(float *din, const float *dD, int c, int t0, int nt,
                              const wino_plan *p, const nn_conv_geom *g)
{
    const int n = p->n, H = g->H, W = g->W;
    for (int i = 0; i < nt; i++) {
        const tile_pos tp = tile_at(t0 + i, p);
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
static void scatter_output(float *out, const float *Y, int o, float bias, int t0, int nt,
                           const wino_plan *p, const nn_conv_geom *g)
{
    const int m = p->m, Ho = g->Ho, Wo = g->Wo;
    for (int i = 0; i < nt; i++) {
        const tile_pos tp = tile_at(t0 + i, p);
        float *y = out + ((size_t)tp.b * g->Cout + o) * Ho * Wo;
        for (int r = 0; r < m && tp.y + r < Ho; r++)
            for (int q = 0; q < m && tp.x + q < Wo; q++)
                y[(size_t)(tp.y + r) * Wo + tp.x + q] = Y[(r * m + q) * TC + i] + bias;
    }
}

/* The adjoint: dY[(r·m + q)·TC + i] = dout[b, o, y + r, x + q], 0 where cropped. */
static void gather_output(float *dY, const float *dout, int o, int t0, int nt, const wino_plan *p,
                          const nn_conv_geom *g)
{
    const int m = p->m, Ho = g->Ho, Wo = g->Wo;
    for (int i = 0; i < nt; i++) {
        const tile_pos tp = tile_at(t0 + i, p);
        const float *y = dout + ((size_t)tp.b * g->Cout + o) * Ho * Wo;
        for (int r = 0; r < m; r++)
            for (int q = 0; q < m; q++)
                dY[(r * m + q) * TC + i] = tp.y + r < Ho && tp.x + q < Wo
                                               ? y[(size_t)(tp.y + r) * Wo + tp.x + q] : 0.0f;
    }
}

/* ---- the three transforms and their adjoints, one channel at a time ---- */

/* V[ξ, c, t] = (Bᵀ d B)[ξ] for every tile t of input channel c. */
static void input_transform(float *V, const float *in, int c, const wino_plan *p,
                            const nn_conv_geom *g)
{
    float D[6 * 6 * TC];
    const size_t T = p->T;
    for (int t0 = 0; t0 < p->T; t0 += TC) {
        const int nt = p->T - t0 < TC ? p->T - t0 : TC;
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

/* U[ξ, o − o0, c] = (G g Gᵀ)[ξ] for the kernels g = w[o, c] of every c
 * (the lanes are input channels here); U holds ob output channels. */
static void weight_transform(float *U, const float *w, int o, int o0, int ob, const wino_plan *p,
                             const nn_conv_geom *g)
{
    float D[3 * 3 * TC];
    const size_t Cin = g->Cin;
    for (int c0 = 0; c0 < g->Cin; c0 += TC) {
        const int nc = g->Cin - c0 < TC ? g->Cin - c0 : TC;
        for (int i = 0; i < nc; i++)
            for (int k = 0; k < 9; k++) D[k * TC + i] = w[((size_t)o * Cin + c0 + i) * 9 + k];
        transform2d(U + (size_t)(o - o0) * Cin + c0, (size_t)ob * Cin, D, TC, p->G, 3, 1, p->n, 3,
                    nc);
    }
}

/* dw[o, c] += Gᵀ dU G, the adjoint of weight_transform. */
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

/* out[·, o] = Aᵀ M A (+ bias) for every tile of output channel o. */
static void output_transform(float *out, const float *M, int o, int o0, int ob, float bias,
                             const wino_plan *p, const nn_conv_geom *g)
{
    float Y[4 * 4 * TC];
    const size_t T = p->T;
    for (int t0 = 0; t0 < p->T; t0 += TC) {
        const int nt = p->T - t0 < TC ? p->T - t0 : TC;
        transform2d(Y, TC, M + (size_t)(o - o0) * T + t0, (size_t)ob * T, p->AT, p->n, 1, p->m,
                    p->n, nt);
        scatter_output(out, Y, o, bias, t0, nt, p, g);
    }
}

/* dM[ξ, o − o0, t] = (A dY Aᵀ)[ξ], the adjoint of output_transform. */
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

/* Forward. One parallel region; inside it OpenBLAS runs single-threaded, so
 * the P products are shared out between the threads whole. */
void nn_winograd_forward(float *out, const float *in, const float *w, const float *bias,
                         const nn_conv_geom *g, float *scratch)
{
    wino_plan p;
    plan_init(&p, g);
    const int P = p.P, T = p.T, Cin = g->Cin, Cout = g->Cout;
    float *V = scratch, *U = V + (size_t)P * Cin * T, *M = U + (size_t)P * p.Ob * Cin;
#pragma omp parallel
    {
#pragma omp for schedule(static)
        for (int c = 0; c < Cin; c++) input_transform(V, in, c, &p, g);
        for (int o0 = 0; o0 < Cout; o0 += p.Ob) {
            const int ob = Cout - o0 < p.Ob ? Cout - o0 : p.Ob;
#pragma omp for schedule(static)
            for (int o = o0; o < o0 + ob; o++) weight_transform(U, w, o, o0, ob, &p, g);
#pragma omp for schedule(dynamic)
            for (int xi = 0; xi < P; xi++)  /* M[ξ] = U[ξ] · V[ξ] */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ob, T, Cin, 1.0f,
                            U + (size_t)xi * ob * Cin, Cin, V + (size_t)xi * Cin * T, T, 0.0f,
                            M + (size_t)xi * ob * T, T);
#pragma omp for schedule(static)
            for (int o = o0; o < o0 + ob; o++)
                output_transform(out, M, o, o0, ob, bias ? bias[o] : 0.0f, &p, g);
        }
    }
}

/* Backward: dM from dout, then per point dU[ξ] += dM[ξ]·V[ξ]ᵀ and
 * dV[ξ] += U[ξ]ᵀ·dM[ξ], then dw += Gᵀ dU G and din += B dV Bᵀ. V is the
 * forward's input transform, recomputed; dbias = Σ dout. */
void nn_winograd_backward(float *din, float *dw, float *dbias, const float *dout,
                          const float *in, const float *w, const nn_conv_geom *g, float *scratch)
{
    wino_plan p;
    plan_init(&p, g);
    const int P = p.P, T = p.T, Cin = g->Cin, Cout = g->Cout, N = g->Ho * g->Wo;
    float *V = scratch, *dV = V + (size_t)P * Cin * T, *U = dV + (size_t)P * Cin * T;
    float *dU = U + (size_t)P * p.Ob * Cin, *dM = dU + (size_t)P * p.Ob * Cin;
#pragma omp parallel
    {
#pragma omp for schedule(static)
        for (int c = 0; c < Cin; c++) input_transform(V, in, c, &p, g);
        for (int o0 = 0; o0 < Cout; o0 += p.Ob) {
            const int ob = Cout - o0 < p.Ob ? Cout - o0 : p.Ob;
#pragma omp for schedule(static)
            for (int o = o0; o < o0 + ob; o++) {
                if (din) weight_transform(U, w, o, o0, ob, &p, g);
                output_transform_adjoint(dM, dout, o, o0, ob, &p, g);
                if (dbias) {
                    double s = 0;
                    for (int b = 0; b < g->B; b++)
                        for (int i = 0; i < N; i++) s += dout[((size_t)b * Cout + o) * N + i];
                    dbias[o] += (float)s;
                }
            }
#pragma omp for schedule(dynamic)
            for (int xi = 0; xi < P; xi++) {
                const float *dMx = dM + (size_t)xi * ob * T;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, ob, Cin, T, 1.0f, dMx, T,
                            V + (size_t)xi * Cin * T, T, 0.0f, dU + (size_t)xi * ob * Cin, Cin);
                if (din)
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Cin, T, ob, 1.0f,
                                U + (size_t)xi * ob * Cin, Cin, dMx, T, o0 ? 1.0f : 0.0f,
                                dV + (size_t)xi * Cin * T, T);
            }
#pragma omp for schedule(static)
            for (int o = o0; o < o0 + ob; o++) weight_transform_adjoint(dw, dU, o, o0, ob, &p, g);
        }
        if (din) {
#pragma omp for schedule(static)
            for (int c = 0; c < Cin; c++) input_transform_adjoint(din, dV, c, &p, g);
        }
    }
}
