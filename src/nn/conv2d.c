/* 2-D convolution, NCHW float32, as im2col + one matrix product per group and
 * image (cblas_sgemm). Matches torch.nn.Conv2d with zero padding, dilation 1
 * and any groups. Depthwise convolutions use the direct loops of dwconv.c. */
#include "nn/layers.h"

#include <cblas.h>
#include <string.h>

void nn_conv_geom_init(nn_conv_geom *g, int B, int Cin, int H, int W, int Cout, int K,
                       int stride, int pad, int groups)
{
    g->B = B, g->Cin = Cin, g->H = H, g->W = W;
    g->Cout = Cout, g->K = K, g->stride = stride, g->pad = pad, g->groups = groups;
    g->Ho = (H + 2 * pad - K) / stride + 1;
    g->Wo = (W + 2 * pad - K) / stride + 1;
}

static int is_pointwise(const nn_conv_geom *g)
{
    return g->K == 1 && g->stride == 1 && g->pad == 0;
}

size_t nn_conv_col_floats(const nn_conv_geom *g)
{
    if (is_pointwise(g)) return 0;
    return (size_t)(g->Cin / g->groups) * g->K * g->K * g->Ho * g->Wo;
}

/* col (Cg·K·K, Ho·Wo): row (c,kh,kw), column (oh,ow) holds the input pixel
 * under kernel tap (kh,kw) when the kernel sits at output (oh,ow), or 0 in the
 * padding. Then out_g (Coutg, Ho·Wo) = W_g (Coutg, Cg·K·K) · col. */
static void im2col(float *col, const float *in, int Cg, const nn_conv_geom *g)
{
    const int K = g->K, s = g->stride, p = g->pad, H = g->H, W = g->W;
    const int Ho = g->Ho, Wo = g->Wo;
#pragma omp parallel for schedule(static) if (Cg * K * K * Ho * Wo > 32768)
    for (int r = 0; r < Cg * K * K; r++) {
        const int c = r / (K * K), kh = (r / K) % K, kw = r % K;
        const float *x = in + (size_t)c * H * W;
        float *row = col + (size_t)r * Ho * Wo;
        for (int oh = 0; oh < Ho; oh++) {
            const int ih = oh * s - p + kh;
            float *dst = row + (size_t)oh * Wo;
            if (ih < 0 || ih >= H) {
                memset(dst, 0, sizeof(float) * Wo);
                continue;
            }
            for (int ow = 0; ow < Wo; ow++) {
                const int iw = ow * s - p + kw;
                dst[ow] = (iw >= 0 && iw < W) ? x[(size_t)ih * W + iw] : 0.0f;
            }
        }
    }
}

/* The adjoint of im2col: every column entry is added back to the pixel it was
 * copied from (pixels under several taps collect several contributions). */
static void col2im_add(float *din, const float *col, int Cg, const nn_conv_geom *g)
{
    const int K = g->K, s = g->stride, p = g->pad, H = g->H, W = g->W;
    const int Ho = g->Ho, Wo = g->Wo;
    /* Parallel over channels: taps of one channel write only that channel. */
#pragma omp parallel for schedule(static) if (Cg * K * K * Ho * Wo > 32768)
    for (int c = 0; c < Cg; c++) {
        float *x = din + (size_t)c * H * W;
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
                const float *row = col + ((size_t)(c * K + kh) * K + kw) * Ho * Wo;
                for (int oh = 0; oh < Ho; oh++) {
                    const int ih = oh * s - p + kh;
                    if (ih < 0 || ih >= H) continue;
                    for (int ow = 0; ow < Wo; ow++) {
                        const int iw = ow * s - p + kw;
                        if (iw >= 0 && iw < W) x[(size_t)ih * W + iw] += row[(size_t)oh * Wo + ow];
                    }
                }
            }
    }
}

/* out[b,o,oh,ow] = bias[o] + Σ_{c∈group(o),kh,kw} w[o,c,kh,kw] · in[b,c,oh·s−p+kh,ow·s−p+kw]
 * in (B,Cin,H,W), w (Cout,Cin/groups,K,K), bias (Cout) or NULL, out (B,Cout,Ho,Wo). */
void nn_conv2d_forward(float *out, const float *in, const float *w, const float *bias,
                       const nn_conv_geom *g, float *col)
{
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups;
    const int Kg = Cg * g->K * g->K, N = g->Ho * g->Wo;
    for (int b = 0; b < g->B; b++)
        for (int gi = 0; gi < g->groups; gi++) {
            const float *x = in + ((size_t)b * g->Cin + (size_t)gi * Cg) * g->H * g->W;
            float *y = out + ((size_t)b * g->Cout + (size_t)gi * Og) * N;
            const float *cm = x;
            if (!is_pointwise(g)) {
                im2col(col, x, Cg, g);
                cm = col;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Og, N, Kg, 1.0f,
                        w + (size_t)gi * Og * Kg, Kg, cm, N, 0.0f, y, N);
        }
    if (bias)
        for (int b = 0; b < g->B; b++)
            for (int o = 0; o < g->Cout; o++) {
                float *y = out + ((size_t)b * g->Cout + o) * N;
                for (int i = 0; i < N; i++) y[i] += bias[o];
            }
}

/* With dout = ∂L/∂out (B,Cout,Ho,Wo), per image and group:
 *   dW_g  += dout_g · col^T            (Coutg, Cg·K·K)
 *   dcol   = W_g^T · dout_g, din_g += col2im(dcol)
 *   dbias += Σ_{b,oh,ow} dout
 * The same col buffer holds the im2col matrix, then dcol. */
void nn_conv2d_backward(float *din, float *dw, float *dbias, const float *dout,
                        const float *in, const float *w, const nn_conv_geom *g, float *col)
{
    const int Cg = g->Cin / g->groups, Og = g->Cout / g->groups;
    const int Kg = Cg * g->K * g->K, N = g->Ho * g->Wo;
    const size_t HW = (size_t)g->H * g->W;
    for (int b = 0; b < g->B; b++)
        for (int gi = 0; gi < g->groups; gi++) {
            const float *x = in + ((size_t)b * g->Cin + (size_t)gi * Cg) * HW;
            const float *dy = dout + ((size_t)b * g->Cout + (size_t)gi * Og) * N;
            const float *wg = w + (size_t)gi * Og * Kg;
            float *dx = din ? din + ((size_t)b * g->Cin + (size_t)gi * Cg) * HW : NULL;
            if (is_pointwise(g)) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Og, Kg, N, 1.0f, dy, N,
                            x, N, 1.0f, dw + (size_t)gi * Og * Kg, Kg);
                if (dx)
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Kg, N, Og, 1.0f, wg,
                                Kg, dy, N, 1.0f, dx, N);
                continue;
            }
            im2col(col, x, Cg, g);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Og, Kg, N, 1.0f, dy, N, col, N,
                        1.0f, dw + (size_t)gi * Og * Kg, Kg);
            if (dx) {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Kg, N, Og, 1.0f, wg, Kg, dy,
                            N, 0.0f, col, N);
                col2im_add(dx, col, Cg, g);
            }
        }
    if (dbias)
        for (int b = 0; b < g->B; b++)
            for (int o = 0; o < g->Cout; o++) {
                const float *dy = dout + ((size_t)b * g->Cout + o) * N;
                double s = 0;
                for (int i = 0; i < N; i++) s += dy[i];
                dbias[o] += (float)s;
            }
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
