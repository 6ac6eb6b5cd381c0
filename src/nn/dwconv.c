/* Depthwise convolution (groups = Cin = Cout, one K×K filter per channel), as in
 * MobileNetV2's 3×3 layers: torch.nn.Conv2d(C, C, K, stride, pad, groups=C).
 * Direct loops: im2col would copy K·K times the input to do a tiny matrix product. */
#include "nn/layers.h"

#include <string.h>

/* out[b,c,oh,ow] = Σ_{kh,kw} w[c,0,kh,kw] · in[b,c,oh·s−p+kh, ow·s−p+kw]
 * in (B,C,H,W), w (C,1,K,K), out (B,C,Ho,Wo). The innermost loop runs along a row
 * with one weight, so for stride 1 it is a vectorisable axpy. */
void nn_dwconv_forward(float *out, const float *in, const float *w, const nn_conv_geom *g)
{
    const int C = g->Cin, K = g->K, s = g->stride, p = g->pad;
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < g->B * C; bc++) {
        const float *x = in + (size_t)bc * g->H * g->W;
        const float *wc = w + (size_t)(bc % C) * K * K;
        float *y = out + (size_t)bc * g->Ho * g->Wo;
        memset(y, 0, sizeof(float) * g->Ho * g->Wo);
        for (int oh = 0; oh < g->Ho; oh++)
            for (int kh = 0; kh < K; kh++) {
                const int ih = oh * s - p + kh;
                if (ih < 0 || ih >= g->H) continue;
                const float *xr = x + (size_t)ih * g->W;
                float *yr = y + (size_t)oh * g->Wo;
                for (int kw = 0; kw < K; kw++) {
                    int lo, hi;
                    nn_conv_tap_range(kw, g, &lo, &hi);
                    const float wv = wc[kh * K + kw];
                    for (int ow = lo; ow < hi; ow++) yr[ow] += wv * xr[ow * s + kw - p];
                }
            }
    }
}

/* dw[c,kh,kw] += Σ_{b,oh,ow} dout[b,c,oh,ow] · in[b,c,oh·s−p+kh, ow·s−p+kw]
 * din[b,c,ih,iw] += Σ over the taps that read (ih,iw) of w · dout.
 * Parallel over channels, batch inside, so no two threads touch one dw[c]. */
void nn_dwconv_backward(float *din, float *dw, const float *dout, const float *in,
                        const float *w, const nn_conv_geom *g)
{
    const int C = g->Cin, K = g->K, s = g->stride, p = g->pad;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        const float *wc = w + (size_t)c * K * K;
        for (int b = 0; b < g->B; b++) {
            const size_t bc = (size_t)b * C + c;
            const float *x = in + bc * g->H * g->W;
            const float *dy = dout + bc * g->Ho * g->Wo;
            float *dx = din ? din + bc * g->H * g->W : NULL;
            for (int kh = 0; kh < K; kh++)
                for (int kw = 0; kw < K; kw++) {
                    int lo, hi;
                    nn_conv_tap_range(kw, g, &lo, &hi);
                    const float wv = wc[kh * K + kw];
                    float acc = 0.0f;
                    for (int oh = 0; oh < g->Ho; oh++) {
                        const int ih = oh * s - p + kh;
                        if (ih < 0 || ih >= g->H) continue;
                        const float *xr = x + (size_t)ih * g->W;
                        const int off = kw - p;
                        const float *dyr = dy + (size_t)oh * g->Wo;
                        for (int ow = lo; ow < hi; ow++) acc += dyr[ow] * xr[ow * s + off];
                        if (dx) {
                            float *dxr = dx + (size_t)ih * g->W;
                            for (int ow = lo; ow < hi; ow++) dxr[ow * s + off] += wv * dyr[ow];
                        }
                    }
                    dw[(size_t)c * K * K + kh * K + kw] += acc;
                }
        }
    }
}
