/* Max pooling (torch.nn.MaxPool2d(K, stride, padding), as ResNet's 3×3 s2 p1)
 * and global average pooling (torch.nn.AdaptiveAvgPool2d(1) + flatten). */
#include "nn/layers.h"

#include <math.h>

void nn_pool_geom_init(nn_pool_geom *g, int B, int C, int H, int W, int K, int stride, int pad)
{
    g->B = B, g->C = C, g->H = H, g->W = W, g->K = K, g->stride = stride, g->pad = pad;
    g->Ho = (H + 2 * pad - K) / stride + 1;
    g->Wo = (W + 2 * pad - K) / stride + 1;
}

/* out[b,c,oh,ow] = max over the window's in-image pixels (padding counts as −∞).
 * argmax keeps the position (ih·W + iw) of the FIRST maximum in row-major scan
 * order, as PyTorch's CPU kernel does (it replaces only on a strictly larger
 * value), so ties (common after ReLU: several zeros) send the gradient to the
 * same pixel as PyTorch. in (B,C,H,W), out and argmax (B,C,Ho,Wo). */
void nn_maxpool_forward(float *out, int32_t *argmax, const float *in, const nn_pool_geom *g)
{
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < g->B * g->C; bc++) {
        const float *x = in + (size_t)bc * g->H * g->W;
        float *y = out + (size_t)bc * g->Ho * g->Wo;
        int32_t *am = argmax + (size_t)bc * g->Ho * g->Wo;
        for (int oh = 0; oh < g->Ho; oh++)
            for (int ow = 0; ow < g->Wo; ow++) {
                float best = -INFINITY;
                int32_t arg = -1;
                for (int kh = 0; kh < g->K; kh++) {
                    const int ih = oh * g->stride - g->pad + kh;
                    if (ih < 0 || ih >= g->H) continue;
                    for (int kw = 0; kw < g->K; kw++) {
                        const int iw = ow * g->stride - g->pad + kw;
                        if (iw < 0 || iw >= g->W) continue;
                        const float v = x[(size_t)ih * g->W + iw];
                        if (arg < 0 || v > best || isnan(v)) {
                            best = v;
                            arg = ih * g->W + iw;
                        }
                    }
                }
                y[oh * g->Wo + ow] = best;
                am[oh * g->Wo + ow] = arg;
            }
    }
}

/* din[argmax] += dout: each output's gradient goes to the pixel it copied. */
void nn_maxpool_backward(float *din, const float *dout, const int32_t *argmax,
                         const nn_pool_geom *g)
{
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < g->B * g->C; bc++) {
        float *dx = din + (size_t)bc * g->H * g->W;
        const float *dy = dout + (size_t)bc * g->Ho * g->Wo;
        const int32_t *am = argmax + (size_t)bc * g->Ho * g->Wo;
        for (int i = 0; i < g->Ho * g->Wo; i++) dx[am[i]] += dy[i];
    }
}

/* out[b,c] = (1/HW) Σ_i in[b,c,i]; in (B,C,HW), out (B,C). */
void nn_avgpool_global_forward(float *out, const float *in, int B, int C, int HW)
{
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < B * C; bc++) {
        const float *x = in + (size_t)bc * HW;
        double s = 0;
        for (int i = 0; i < HW; i++) s += x[i];
        out[bc] = (float)(s / HW);
    }
}

/* din[b,c,i] += dout[b,c]/HW */
void nn_avgpool_global_backward(float *din, const float *dout, int B, int C, int HW)
{
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < B * C; bc++) {
        float *dx = din + (size_t)bc * HW;
        const float d = dout[bc] / (float)HW;
        for (int i = 0; i < HW; i++) dx[i] += d;
    }
}
