/* Max pooling (torch.nn.MaxPool2d(K, stride, padding), as ResNet's 3×3 s2 p1)
 * and global average pooling (torch.nn.AdaptiveAvgPool2d(1) + flatten). */
#include "nn/layers.h"
#include "nn/simd.h"

#include <math.h>

void nn_pool_geom_init(nn_pool_geom *g, int B, int C, int H, int W, int K, int stride, int pad)
{
    g->B = B, g->C = C, g->H = H, g->W = W, g->K = K, g->stride = stride, g->pad = pad;
    g->Ho = (H + 2 * pad - K) / stride + 1;
    g->Wo = (W + 2 * pad - K) / stride + 1;
}

/* One output pixel, any window: the in-image taps in row-major order.
 * Replaces on a strictly larger value or a NaN, as PyTorch (NaN propagates). */
static void pool_pixel(float *y, int32_t *am, const float *x, const nn_pool_geom *g, int oh,
                       int ow)
{
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
    *y = best, *am = arg;
}

/* Output columns [lo, hi) of row oh of a 3×3 pool whose windows lie inside the
 * image: the same scan with no bounds tests, as selects, so the compiler runs
 * it across ow in vector lanes. */
NN_CLONES static void pool_row3(float *y, int32_t *am, const float *x, const nn_pool_geom *g,
                                int oh, int lo, int hi)
{
    const int s = g->stride, W = g->W, ih0 = oh * s - g->pad;
    NN_SIMD for (int ow = lo; ow < hi; ow++) {
        const int i0 = ih0 * W + ow * s - g->pad;
        float best = x[i0];
        int32_t arg = i0;
        for (int kh = 0; kh < 3; kh++)
            for (int kw = 0; kw < 3; kw++) {
                const int i = i0 + kh * W + kw;
                const float v = x[i];
                const int take = (v > best) | (v != v);
                best = take ? v : best;
                arg = take ? i : arg;
            }
        y[ow] = best, am[ow] = arg;
    }
}

/* ResNet's stem pool, 3×3 stride 2 padding 1, as two 3-tap passes: each input
 * row's maximum over the three columns of each window, then each window's over
 * its three rows. The first maximum in row-major order over the window is the
 * first row's (in order) best of the rows' firsts, so argmax, ties and NaNs
 * come out as from pool_pixel's scan. rm, ra: H·Wo scratch. */
NN_CLONES static void pool3s2p1_plane(float *y, int32_t *am, const float *x, int H, int W, int Ho,
                                      int Wo, float *rm, int32_t *ra)
{
    for (int ih = 0; ih < H; ih++) {
        const float *xr = x + (size_t)ih * W;
        float *m = rm + (size_t)ih * Wo;
        int32_t *a = ra + (size_t)ih * Wo;
        NN_SIMD for (int ow = 0; ow < Wo; ow++) {
            /* taps 2ow−1 (outside for ow = 0), 2ow, 2ow+1 (outside past W) */
            const int c0 = 2 * ow - 1, c1 = 2 * ow, c2 = 2 * ow + 1;
            float best = xr[c1];
            int32_t arg = c1;
            if (c0 >= 0) {
                const float v = xr[c0];
                best = v, arg = c0;
                const float u = xr[c1];
                const int take = (u > best) | (u != u);
                best = take ? u : best, arg = take ? c1 : arg;
            }
            if (c2 < W) {
                const float v = xr[c2];
                const int take = (v > best) | (v != v);
                best = take ? v : best, arg = take ? c2 : arg;
            }
            m[ow] = best, a[ow] = ih * W + arg;
        }
    }
    for (int oh = 0; oh < Ho; oh++) {
        const int r0 = 2 * oh - 1, r1 = 2 * oh, r2 = 2 * oh + 1;
        float *yr = y + (size_t)oh * Wo;
        int32_t *ar = am + (size_t)oh * Wo;
        const float *m1 = rm + (size_t)r1 * Wo;
        const int32_t *a1 = ra + (size_t)r1 * Wo;
        for (int ow = 0; ow < Wo; ow++) yr[ow] = m1[ow], ar[ow] = a1[ow];
        if (r0 >= 0) {
            const float *m0 = rm + (size_t)r0 * Wo;
            const int32_t *a0 = ra + (size_t)r0 * Wo;
            NN_SIMD for (int ow = 0; ow < Wo; ow++) {
                const float u = yr[ow];
                const int take = (u > m0[ow]) | (u != u);
                yr[ow] = take ? u : m0[ow], ar[ow] = take ? ar[ow] : a0[ow];
            }
        }
        if (r2 < H) {
            const float *m2 = rm + (size_t)r2 * Wo;
            const int32_t *a2 = ra + (size_t)r2 * Wo;
            NN_SIMD for (int ow = 0; ow < Wo; ow++) {
                const float v = m2[ow];
                const int take = (v > yr[ow]) | (v != v);
                yr[ow] = take ? v : yr[ow], ar[ow] = take ? a2[ow] : ar[ow];
            }
        }
    }
}

/* out[b,c,oh,ow] = max over the window's in-image pixels (padding counts as −∞).
 * argmax keeps the position (ih·W + iw) of the FIRST maximum in row-major scan
 * order, as PyTorch's CPU kernel does (it replaces only on a strictly larger
 * value), so ties (common after ReLU: several zeros) send the gradient to the
 * same pixel as PyTorch. in (B,C,H,W), out and argmax (B,C,Ho,Wo).
 * Rows and columns whose window is inside the image take pool_row3 when K = 3. */
void nn_maxpool_forward(float *out, int32_t *argmax, const float *in, const nn_pool_geom *g)
{
    const int s = g->stride, p = g->pad;
    /* interior: o·s − p ≥ 0 and o·s − p + K ≤ n */
    const int lo = (p + s - 1) / s, hiw = g->W - g->K + p >= 0 ? (g->W - g->K + p) / s + 1 : 0;
    const int hih = g->H - g->K + p >= 0 ? (g->H - g->K + p) / s + 1 : 0;
    if (g->K == 3 && s == 2 && p == 1 && (size_t)g->H * g->Wo <= 16384) {
#pragma omp parallel
        {
            float rm[16384];
            int32_t ra[16384];
#pragma omp for schedule(static)
            for (int bc = 0; bc < g->B * g->C; bc++)
                pool3s2p1_plane(out + (size_t)bc * g->Ho * g->Wo, argmax + (size_t)bc * g->Ho * g->Wo,
                                in + (size_t)bc * g->H * g->W, g->H, g->W, g->Ho, g->Wo, rm, ra);
        }
        return;
    }
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < g->B * g->C; bc++) {
        const float *x = in + (size_t)bc * g->H * g->W;
        float *y = out + (size_t)bc * g->Ho * g->Wo;
        int32_t *am = argmax + (size_t)bc * g->Ho * g->Wo;
        for (int oh = 0; oh < g->Ho; oh++) {
            float *yr = y + (size_t)oh * g->Wo;
            int32_t *ar = am + (size_t)oh * g->Wo;
            int a = g->Wo, b = g->Wo;  /* the fast columns [a, b) */
            if (g->K == 3 && oh >= lo && oh < hih && lo < hiw) {
                a = lo, b = hiw < g->Wo ? hiw : g->Wo;
                pool_row3(yr, ar, x, g, oh, a, b);
            }
            for (int ow = 0; ow < g->Wo; ow = ow + 1 == a ? b : ow + 1)
                if (ow < a || ow >= b) pool_pixel(yr + ow, ar + ow, x, g, oh, ow);
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
