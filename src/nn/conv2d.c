/* 2-D convolution, NCHW float32, as im2col + one matrix product per group and
 * chunk of images. Matches torch.nn.Conv2d with zero padding, dilation 1 and
 * any groups. Depthwise convolutions use the direct loops of dwconv.c. Large
 * images get one product each; small ones (the late stages, or 64×64 inputs)
 * are batched side by side so the product stays wide enough to be efficient,
 * at the price of gathering and scattering the outputs. The products are
 * gemm.c's, with the weights packed once, where the CPU runs it, else
 * OpenBLAS's cblas_sgemm. 3×3 stride-1 convolutions go to Winograd's
 * algorithm (winograd.c) instead, or on maps of 2×2 or less to conv_taps.c. */
#include "nn/layers.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "nn/gemm.h"
#include "nn/simd.h"

void nn_conv_geom_init(nn_conv_geom *g, int B, int Cin, int H, int W, int Cout, int K,
                       int stride, int pad, int groups)
{
    g->B = B, g->Cin = Cin, g->H = H, g->W = W;
    g->Cout = Cout, g->K = K, g->stride = stride, g->pad = pad, g->groups = groups;
    g->Ho = (H + 2 * pad - K) / stride + 1;
    g->Wo = (W + 2 * pad - K) / stride + 1;
    g->batch_cols = 8192;
    g->algo = NN_CONV_IM2COL;
    /* MC_NN_CONV=im2col turns Winograd off, to compare the two on a network. */
    const char *force = getenv("MC_NN_CONV");
    if (force && !strcmp(force, "im2col")) return;
    if (K == 3 && stride == 1 && pad == 1 && groups == 1 && H <= 2 && W <= 2 && nn_gemm_available()) {
        g->algo = NN_CONV_TAPS;  /* conv_taps.c: Winograd's products without its transforms */
        return;
    }
    if (K != 3 || stride != 1 || groups != 1 || Cin < 16 || Cout < 16 || g->Ho < 1 || g->Wo < 1)
        return;
    /* Cost per (input, output) channel pair: the matrix products' columns
     * (tiles or pixels, over the batch) times their number (36, 16 or the 9
     * taps), each product charged 64 columns more for OpenBLAS's packing of
     * its left matrix, which makes a product over a few columns slow (measured
     * on Zen 4: F(2×2) wins at 4×4 maps and batch 32, F(4×4) at 8×8). */
    const long b = B, ho = g->Ho, wo = g->Wo;
    const long f4 = 36 * (b * ((ho + 3) / 4) * ((wo + 3) / 4) + 64);
    const long f2 = 16 * (b * ((ho + 1) / 2) * ((wo + 1) / 2) + 64);
    const long gemm = 9 * (b * ho * wo + 64);
    if (f4 <= f2 && f4 < gemm)
        g->algo = NN_CONV_WINOGRAD_4;
    else if (f2 < gemm)
        g->algo = NN_CONV_WINOGRAD_2;
}

/* Winograd applies to 3×3 stride-1 ungrouped convolutions only. */
static int use_winograd(const nn_conv_geom *g)
{
    return (g->algo == NN_CONV_WINOGRAD_2 || g->algo == NN_CONV_WINOGRAD_4) && g->K == 3 &&
           g->stride == 1 && g->groups == 1;
}

/* The per-pixel-pair products: 3×3, stride 1, padding 1, groups 1, maps of
 * 2×2 or less, with gemm.c (else such a layer goes to im2col). */
static int use_taps(const nn_conv_geom *g)
{
    return g->algo == NN_CONV_TAPS && g->K == 3 && g->stride == 1 && g->pad == 1 &&
           g->groups == 1 && g->H <= 2 && g->W <= 2 && nn_gemm_available();
}

static int is_pointwise(const nn_conv_geom *g)
{
    return g->K == 1 && g->stride == 1 && g->pad == 0;
}

void nn_conv_tap_range(int kw, const nn_conv_geom *g, int *lo, int *hi)
{
    const int s = g->stride, a = g->pad - kw, b = g->W + g->pad - kw;
    *lo = a <= 0 ? 0 : (a + s - 1) / s;
    *hi = b <= 0 ? 0 : (b + s - 1) / s;
    if (*hi > g->Wo) *hi = g->Wo;
    if (*lo > *hi) *lo = *hi;
}

/* Images per GEMM: enough for batch_cols columns, at most the batch. */
static int chunk_images(const nn_conv_geom *g)
{
    const int N = g->Ho * g->Wo;
    int nb = N > 0 ? (g->batch_cols + N - 1) / N : 1;
    return nb < 1 ? 1 : nb > g->B ? g->B : nb;
}

/* Images per product of the packed-weight forward: one when an image has
 * columns enough, else enough side by side for 256 columns (the weights are
 * read once per product, and a layer's weights can be megabytes). */
static int packed_chunk(const nn_conv_geom *g)
{
    const int N = g->Ho * g->Wo;
    const int nb = N >= 256 ? 1 : (255 + N) / N;
    return nb > g->B ? g->B : nb;
}

/* The im2col path with the weights packed for gemm.c (when the CPU has it). */
static int packed_im2col(const nn_conv_geom *g)
{
    return !use_winograd(g) && !use_taps(g) && nn_gemm_available();
}

/* Floats of one thread's buffer in the packed forward: a chunk's im2col
 * matrix and, when the chunk has several images, their gathered outputs. */
static size_t packed_chunk_floats(const nn_conv_geom *g)
{
    const size_t n = (size_t)packed_chunk(g), N = (size_t)g->Ho * g->Wo;
    const size_t Kg = (size_t)(g->Cin / g->groups) * g->K * g->K;
    return (Kg + (n > 1 ? (size_t)(g->Cout / g->groups) : 0)) * n * N;
}

size_t nn_conv_kernel_floats(const nn_conv_geom *g)
{
    if (use_winograd(g)) return nn_winograd_kernel_floats(g);
    if (use_taps(g)) return nn_taps_kernel_floats(g);
    if (!packed_im2col(g)) return 0;
    /* per group W_g packed: W_g·col in the forward, read transposed W_gᵀ·dout in the backward */
    const int Og = g->Cout / g->groups, Kg = g->Cin / g->groups * g->K * g->K;
    return (size_t)g->groups * nn_gemm_packed_floats(Og, Kg);
}

void nn_conv_transform_kernels(float *U, const float *w, const nn_conv_geom *g)
{
    if (use_winograd(g)) {
        nn_winograd_transform_kernels(U, w, g);
        return;
    }
    if (use_taps(g)) {
        nn_taps_pack_kernels(U, w, g);
        return;
    }
    if (!packed_im2col(g)) return;
    const int Og = g->Cout / g->groups, Kg = g->Cin / g->groups * g->K * g->K;
    const size_t per = nn_gemm_packed_floats(Og, Kg);
    for (int gi = 0; gi < g->groups; gi++)
        nn_gemm_pack(U + gi * per, w + (size_t)gi * Og * Kg, Kg, Og, Kg);
}

/* The transformed (or packed) kernels to use: U, or w transformed into col
 * past the algorithm's scratch. */
static const float *kernels(const float *U, const float *w, const nn_conv_geom *g, float *col)
{
    if (U) return U;
    float *u = col + nn_conv_col_floats(g);
    nn_conv_transform_kernels(u, w, g);
    return u;
}

size_t nn_conv_col_floats(const nn_conv_geom *g)
{
    if (use_winograd(g)) return nn_winograd_floats(g);
    if (use_taps(g)) return nn_taps_floats(g);
    const int nb = chunk_images(g);
    const size_t N = (size_t)g->Ho * g->Wo, Kg = (size_t)(g->Cin / g->groups) * g->K * g->K;
    size_t f = nb == 1 ? (is_pointwise(g) ? 0 : Kg * N) : (Kg + (size_t)(g->Cout / g->groups)) * nb * N;
    if (packed_im2col(g)) {
        /* the packed forward's buffer per thread */
        const size_t fwd = (size_t)nn_threads() * packed_chunk_floats(g);
        if (fwd > f) f = fwd;
        /* the backward's: im2col matrix, gathered dout, and dout packed */
        const size_t L = (size_t)nb * N, Og = (size_t)(g->Cout / g->groups);
        const size_t b = (Kg + Og) * L + nn_gemm_packed_floats((int)Og, (int)L);
        if (b > f) f = b;
    }
    return f;
}

/* dst[i] = src[2i]: the stride-2 rows of ResNet's downsampling convolutions,
 * which the vector clones do as loads and a lane shuffle. */
NN_CLONES static void copy_stride2(float *restrict dst, const float *restrict src, int n)
{
    NN_SIMD for (int i = 0; i < n; i++) dst[i] = src[2 * i];
}

/* col (Cg·K·K, Ho·Wo), rows ld floats apart: row (c,kh,kw), column (oh,ow)
 * holds the input pixel under kernel tap (kh,kw) when the kernel sits at output
 * (oh,ow), or 0 in the padding. Then out_g (Coutg, Ho·Wo) = W_g (Coutg, Cg·K·K) · col.
 * A 1×1 stride-1 convolution's col is its input; gathering it is a copy.
 * For n images side by side (image j at in + j·istride, its columns from
 * j·Ho·Wo), in one parallel region: each region ends in a barrier. */
static void im2col(float *col, size_t ld, const float *in, size_t istride, int n, int Cg,
                   const nn_conv_geom *g)
{
    const int K = g->K, s = g->stride, p = g->pad, H = g->H, W = g->W;
    const int Ho = g->Ho, Wo = g->Wo, R = Cg * K * K;
#pragma omp parallel for schedule(static) if ((long)n * R * Ho * Wo > 32768)
    for (int jr = 0; jr < n * R; jr++) {
        const int j = jr / R, r = jr % R;
        const int c = r / (K * K), kh = (r / K) % K, kw = r % K;
        const float *x = in + j * istride + (size_t)c * H * W;
        float *row = col + (size_t)r * ld + (size_t)j * Ho * Wo;
        int lo, hi;
        nn_conv_tap_range(kw, g, &lo, &hi);  /* columns inside the row: no test per pixel */
        for (int oh = 0; oh < Ho; oh++) {
            const int ih = oh * s - p + kh;
            float *dst = row + (size_t)oh * Wo;
            if (ih < 0 || ih >= H) {
                memset(dst, 0, sizeof(float) * Wo);
                continue;
            }
            const float *xr = x + (size_t)ih * W;
            for (int ow = 0; ow < lo; ow++) dst[ow] = 0.0f;
            if (s == 1 && hi > lo)
                memcpy(dst + lo, xr + lo - p + kw, sizeof(float) * (size_t)(hi - lo));
            else if (s == 2)
                copy_stride2(dst + lo, xr + 2 * lo - p + kw, hi - lo);
            else if (s != 1)
                for (int ow = lo; ow < hi; ow++) dst[ow] = xr[ow * s - p + kw];
            for (int ow = hi; ow < Wo; ow++) dst[ow] = 0.0f;
        }
    }
}

/* The adjoint of im2col: every column entry is added back to the pixel it was
 * copied from (pixels under several taps collect several contributions). */
static void col2im_add(float *din, size_t istride, int n, const float *col, size_t ld, int Cg,
                       const nn_conv_geom *g)
{
    const int K = g->K, s = g->stride, p = g->pad, H = g->H, W = g->W;
    const int Ho = g->Ho, Wo = g->Wo;
    /* Parallel over (image, channel): taps of one channel write only that channel. */
#pragma omp parallel for schedule(static) if ((long)n * Cg * K * K * Ho * Wo > 32768)
    for (int jc = 0; jc < n * Cg; jc++) {
        const int j = jc / Cg, c = jc % Cg;
        float *x = din + j * istride + (size_t)c * H * W;
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
                const float *row = col + ((size_t)(c * K + kh) * K + kw) * ld + (size_t)j * Ho * Wo;
                int lo, hi;
                nn_conv_tap_range(kw, g, &lo, &hi);
                for (int oh = 0; oh < Ho; oh++) {
                    const int ih = oh * s - p + kh;
                    if (ih < 0 || ih >= H) continue;
                    float *xr = x + (size_t)ih * W;
                    const float *src = row + (size_t)oh * Wo;
                    for (int ow = lo; ow < hi; ow++) xr[ow * s - p + kw] += src[ow];
                }
            }
    }
}

/* The packed-weight forward of chunk ch of images (packed_chunk), group by
 * group: im2col into buffer c (a single image of a 1×1 stride-1 convolution
 * is read where it is), out_g = W_g · col, written straight into the output
 * for a single image, else gathered after the im2col matrix and scattered. */
static void forward_chunk(float *out, const float *in, const float *Wp, const nn_conv_geom *g,
                          int ch, float *c)
{
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups, nb = packed_chunk(g);
    const int Kg = Cg * g->K * g->K, N = g->Ho * g->Wo;
    const int b0 = ch * nb, n = g->B - b0 < nb ? g->B - b0 : nb;
    const size_t HW = (size_t)g->H * g->W, per = nn_gemm_packed_floats(Og, Kg), L = (size_t)n * N;
    float *tmp = c + (size_t)Kg * L;
    for (int gi = 0; gi < g->groups; gi++) {
        const float *x = in + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW, *cm = x;
        float *y = out + ((size_t)b0 * g->Cout + (size_t)gi * Og) * N;
        if (n > 1 || !is_pointwise(g)) im2col(c, L, x, g->Cin * HW, n, Cg, g), cm = c;
        nn_gemm_packed(Og, (int)L, Kg, Wp + gi * per, cm, L, n > 1 ? tmp : y, L);
        if (n == 1) continue;
#pragma omp parallel for schedule(static) if ((long)n * Og * N > 32768)
        for (int jo = 0; jo < n * Og; jo++) {
            const int j = jo / Og, o = jo % Og;
            memcpy(y + ((size_t)j * g->Cout + o) * N, tmp + o * L + (size_t)j * N,
                   sizeof(float) * N);
        }
    }
}

/* The chunks are shared among the threads when there are enough of them,
 * each thread with its own part of col; otherwise each step of a chunk is.
 * (Two separate loops: a parallel region that is off still hides its nested
 * ones from the thread pool, which then spins beside new threads.) */
static void forward_packed(float *out, const float *in, const float *Wp, const nn_conv_geom *g,
                           float *col)
{
    const int nb = packed_chunk(g), chunks = (g->B + nb - 1) / nb;
    const size_t mine = packed_chunk_floats(g);
    if (chunks < 2 * nn_threads()) {
        for (int ch = 0; ch < chunks; ch++) forward_chunk(out, in, Wp, g, ch, col);
        return;
    }
#pragma omp parallel for schedule(static)
    for (int ch = 0; ch < chunks; ch++) {
        int id = 0;
#ifdef _OPENMP
        id = omp_get_thread_num();
#endif
        forward_chunk(out, in, Wp, g, ch, col + id * mine);
    }
}

static void add_bias(float *out, const float *bias, const nn_conv_geom *g)
{
    if (!bias) return;
    const int N = g->Ho * g->Wo;
    for (int b = 0; b < g->B; b++)
        for (int o = 0; o < g->Cout; o++) {
            float *y = out + ((size_t)b * g->Cout + o) * N;
            for (int i = 0; i < N; i++) y[i] += bias[o];
        }
}

/* out[b,o,oh,ow] = bias[o] + Σ_{c∈group(o),kh,kw} w[o,c,kh,kw] · in[b,c,oh·s−p+kh,ow·s−p+kw]
 * in (B,Cin,H,W), w (Cout,Cin/groups,K,K), bias (Cout) or NULL, out (B,Cout,Ho,Wo). */
void nn_conv2d_forward(float *out, const float *in, const float *w, const float *U,
                       const float *bias, const nn_conv_geom *g, float *col)
{
    if (use_winograd(g)) {
        nn_winograd_forward(out, in, kernels(U, w, g, col), bias, g, col);
        return;
    }
    if (use_taps(g)) {
        nn_taps_forward(out, in, kernels(U, w, g, col), g, col);
        add_bias(out, bias, g);
        return;
    }
    if (packed_im2col(g)) {
        forward_packed(out, in, kernels(U, w, g, col), g, col);
        add_bias(out, bias, g);
        return;
    }
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups, nb = chunk_images(g);
    const int Kg = Cg * g->K * g->K, N = g->Ho * g->Wo;
    const size_t HW = (size_t)g->H * g->W;
    for (int b0 = 0; b0 < g->B; b0 += nb) {
        const int n = g->B - b0 < nb ? g->B - b0 : nb;
        const size_t L = (size_t)n * N;  /* GEMM columns: n images side by side */
        float *tmp = col + (size_t)Kg * L;
        for (int gi = 0; gi < g->groups; gi++) {
            const float *wg = w + (size_t)gi * Og * Kg;
            if (nb == 1) {
                const float *x = in + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW;
                float *y = out + ((size_t)b0 * g->Cout + (size_t)gi * Og) * N;
                const float *cm = x;
                if (!is_pointwise(g)) im2col(col, N, x, 0, 1, Cg, g), cm = col;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Og, N, Kg, 1.0f, wg, Kg,
                            cm, N, 0.0f, y, N);
                continue;
            }
            const float *x0 = in + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW;
            if (is_pointwise(g))
                for (int j = 0; j < n; j++)
                    for (int c = 0; c < Cg; c++)
                        memcpy(col + c * L + (size_t)j * N, x0 + (j * g->Cin + c) * HW,
                               sizeof(float) * N);
            else
                im2col(col, L, x0, g->Cin * HW, n, Cg, g);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Og, (int)L, Kg, 1.0f, wg, Kg,
                        col, L, 0.0f, tmp, L);
            for (int j = 0; j < n; j++)
                for (int o = 0; o < Og; o++)
                    memcpy(out + ((size_t)(b0 + j) * g->Cout + (size_t)gi * Og + o) * N,
                           tmp + o * L + (size_t)j * N, sizeof(float) * N);
        }
    }
    add_bias(out, bias, g);
}

static void add_dbias(float *dbias, const float *dout, const nn_conv_geom *g)
{
    if (!dbias) return;
    const int N = g->Ho * g->Wo;
    for (int b = 0; b < g->B; b++)
        for (int o = 0; o < g->Cout; o++) {
            const float *dy = dout + ((size_t)b * g->Cout + o) * N;
            double s = 0;
            for (int i = 0; i < N; i++) s += dy[i];
            dbias[o] += (float)s;
        }
}

/* With dout = ∂L/∂out (B,Cout,Ho,Wo), per group and chunk of images (their
 * dout_g and col side by side):
 *   dW_g  += dout_g · col^T            (Coutg, Cg·K·K)
 *   dcol   = W_g^T · dout_g, din_g += col2im(dcol)
 *   dbias += Σ_{b,oh,ow} dout
 * The same col buffer holds the im2col matrix, then dcol. */
/* The same with gemm.c, chunk by chunk of images side by side (their im2col
 * matrix col, their dout gathered in dyc) and group by group:
 *   dW_g += dyc · colᵀ   with dyc packed for it, col read as the transpose;
 *   dcol  = W_gᵀ · dyc   the forward's packed W_g read transposed, then col2im. */
static void backward_packed(float *din, float *dw, const float *dout, const float *in,
                            const float *Wp, const nn_conv_geom *g, float *col)
{
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups, nb = chunk_images(g);
    const int Kg = Cg * g->K * g->K, N = g->Ho * g->Wo;
    const size_t HW = (size_t)g->H * g->W;
    const size_t per = nn_gemm_packed_floats(Og, Kg);
    for (int b0 = 0; b0 < g->B; b0 += nb) {
        const int n = g->B - b0 < nb ? g->B - b0 : nb;
        const size_t L = (size_t)n * N;
        float *dyc = col + (size_t)Kg * L, *dyp = dyc + (size_t)Og * L;
        for (int gi = 0; gi < g->groups; gi++) {
            const float *x0 = in + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW;
            im2col(col, L, x0, g->Cin * HW, n, Cg, g);
#pragma omp parallel for schedule(static) if ((long)n * Og * N > 32768)
            for (int jo = 0; jo < n * Og; jo++) {
                const int j = jo / Og, o = jo % Og;
                memcpy(dyc + o * L + (size_t)j * N,
                       dout + ((size_t)(b0 + j) * g->Cout + (size_t)gi * Og + o) * N,
                       sizeof(float) * N);
            }
            nn_gemm_pack(dyp, dyc, L, Og, (int)L);
            const nn_gemm_job dW = {.M = Og, .N = Kg, .K = (int)L, .Ap = dyp, .kp = L, .B = col,
                                    .ldb = L, .bt = 1, .C = dw + (size_t)gi * Og * Kg,
                                    .ldc = (size_t)Kg, .acc = 1};
            nn_gemm_run(&dW);
            if (!din) continue;
            const nn_gemm_job dC = {.M = Kg, .N = (int)L, .K = Og, .Ap = Wp + gi * per,
                                    .kp = (size_t)Kg, .at = 1, .B = dyc, .ldb = L, .C = col, .ldc = L};
            nn_gemm_run(&dC);
            col2im_add(din + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW, g->Cin * HW, n, col, L,
                       Cg, g);
        }
    }
}

void nn_conv2d_backward(float *din, float *dw, float *dbias, const float *dout,
                        const float *in, const float *w, const float *U, const nn_conv_geom *g,
                        float *col)
{
    if (use_winograd(g)) {
        nn_winograd_backward(din, dw, dbias, dout, in, kernels(U, w, g, col), g, col);
        return;
    }
    if (use_taps(g)) {
        nn_taps_backward(din, dw, dout, in, kernels(U, w, g, col), g, col);
        add_dbias(dbias, dout, g);
        return;
    }
    if (packed_im2col(g)) {
        backward_packed(din, dw, dout, in, kernels(U, w, g, col), g, col);
        add_dbias(dbias, dout, g);
        return;
    }
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups, nb = chunk_images(g);
    const int Kg = Cg * g->K * g->K, N = g->Ho * g->Wo;
    const size_t HW = (size_t)g->H * g->W;
    for (int b0 = 0; b0 < g->B; b0 += nb) {
        const int n = g->B - b0 < nb ? g->B - b0 : nb;
        const size_t L = (size_t)n * N;
        float *dyc = col + (size_t)Kg * L;  /* the chunk's dout, gathered (Og, L) */
        for (int gi = 0; gi < g->groups; gi++) {
            const float *wg = w + (size_t)gi * Og * Kg;
            float *dwg = dw + (size_t)gi * Og * Kg;
            if (nb == 1) {
                const float *x = in + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW;
                const float *dy = dout + ((size_t)b0 * g->Cout + (size_t)gi * Og) * N;
                float *dx = din ? din + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW : NULL;
                if (is_pointwise(g)) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Og, Kg, N, 1.0f, dy, N,
                                x, N, 1.0f, dwg, Kg);
                    if (dx)
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Kg, N, Og, 1.0f, wg,
                                    Kg, dy, N, 1.0f, dx, N);
                    continue;
                }
                im2col(col, N, x, 0, 1, Cg, g);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Og, Kg, N, 1.0f, dy, N, col,
                            N, 1.0f, dwg, Kg);
                if (dx) {
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Kg, N, Og, 1.0f, wg, Kg,
                                dy, N, 0.0f, col, N);
                    col2im_add(dx, 0, 1, col, N, Cg, g);
                }
                continue;
            }
            const float *x0 = in + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW;
            if (!is_pointwise(g)) im2col(col, L, x0, g->Cin * HW, n, Cg, g);
            for (int j = 0; j < n; j++) {
                if (is_pointwise(g))
                    for (int c = 0; c < Cg; c++)
                        memcpy(col + c * L + (size_t)j * N, x0 + (j * g->Cin + c) * HW,
                               sizeof(float) * N);
                for (int o = 0; o < Og; o++)
                    memcpy(dyc + o * L + (size_t)j * N,
                           dout + ((size_t)(b0 + j) * g->Cout + (size_t)gi * Og + o) * N,
                           sizeof(float) * N);
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Og, Kg, (int)L, 1.0f, dyc, L, col,
                        L, 1.0f, dwg, Kg);
            if (!din) continue;
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Kg, (int)L, Og, 1.0f, wg, Kg, dyc,
                        L, 0.0f, col, L);
            float *dx0 = din + ((size_t)b0 * g->Cin + (size_t)gi * Cg) * HW;
            if (!is_pointwise(g)) {
                col2im_add(dx0, g->Cin * HW, n, col, L, Cg, g);
                continue;
            }
            for (int j = 0; j < n; j++) {
                float *dx = dx0 + j * g->Cin * HW;
                const float *dcol = col + (size_t)j * N;
                for (int c = 0; c < Cg; c++)
                    for (int i = 0; i < N; i++) dx[c * HW + i] += dcol[c * L + i];
            }
        }
    }
    add_dbias(dbias, dout, g);
}

void nn_conv2d_forward_naive(float *out, const float *in, const float *w, const float *bias,
                             const nn_conv_geom *g)
{
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups, K = g->K;
    for (int b = 0; b < g->B; b++)
        for (int o = 0; o < g->Cout; o++)
            for (int oh = 0; oh < g->Ho; oh++)
                for (int ow = 0; ow < g->Wo; ow++) {
                    double s = bias ? bias[o] : 0.0;
                    for (int c = 0; c < Cg; c++)
                        for (int kh = 0; kh < K; kh++)
                            for (int kw = 0; kw < K; kw++) {
                                const int ih = oh * g->stride - g->pad + kh;
                                const int iw = ow * g->stride - g->pad + kw;
                                if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W) continue;
                                const int ci = (o / Og) * Cg + c;
                                s += (double)w[(((size_t)o * Cg + c) * K + kh) * K + kw] *
                                     in[(((size_t)b * g->Cin + ci) * g->H + ih) * g->W + iw];
                            }
                    out[(((size_t)b * g->Cout + o) * g->Ho + oh) * g->Wo + ow] = (float)s;
                }
}
