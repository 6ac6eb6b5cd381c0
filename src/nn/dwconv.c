/* Depthwise convolution (groups = Cin = Cout, one K×K filter per channel), as in
 * MobileNetV2's 3×3 layers: torch.nn.Conv2d(C, C, K, stride, pad, groups=C).
 * Direct loops: im2col would copy K·K times the input to do a tiny matrix product.
 * Two paths compute the same sums:
 *  - padded (planes up to PAD_MAX floats): each input plane is copied into a
 *    zero-bordered buffer xp with rows Wp = W + 2·pad long. Every window then
 *    lies inside it, and if the output is laid out with rows Wp long too, output
 *    q = oh·Wp + ow reads xp[s·q + off_t] (off_t = kh·Wp + kw) for its tap t, so
 *    the whole plane is one 1-D correlation, yq[q] = Σ_t w_t·xp[s·q + off_t]:
 *    long vector loops with no tests, even on 4×4 planes. Only the first Wo
 *    columns of each output row are kept (the others straddle two input rows);
 *  - by rows (any size): one filter row against one input row at a time, the
 *    interior columns as a vector loop and the few edge columns checked.
 * K = 3 has its own loops (stride 1 and 2) with the taps unrolled. */
#include "nn/layers.h"
#include "nn/simd.h"

#include <string.h>

/* Output columns [lo, hi) whose window o·s − p + [0, K) lies inside [0, n_in);
 * lo ≤ hi ≤ n_out, and the columns outside [lo, hi) are the edges. */
static void interior(int n_in, int n_out, int K, int s, int p, int *lo, int *hi)
{
    int l = (p + s - 1) / s, h = n_in - K + p >= 0 ? (n_in - K + p) / s + 1 : 0;
    l = l < n_out ? l : n_out;
    h = h > n_out ? n_out : h < l ? l : h;
    *lo = l, *hi = h;
}

/* One filter row against one input row r (length W):
 *   y[j] (+)= Σ_kw w[kw]·r[j·s − p + kw]   for j in [0, n)
 * overwriting y when first (the first valid filter row of an output row),
 * adding to it otherwise. Taps outside r are padding (zero) and skipped. */
NN_CLONES static void row_forward(float *restrict y, const float *restrict r,
                                  const float *restrict w, const nn_conv_geom *g, int n, int lo,
                                  int hi, int first)
{
    const int K = g->K, s = g->stride, p = g->pad, W = g->W;
    /* the edges: j runs over [0, lo) then jumps to [hi, n) */
    for (int j = lo > 0 ? 0 : hi; j < n; j = j + 1 == lo ? hi : j + 1) {
        float a = first ? 0.0f : y[j];
        for (int kw = 0; kw < K; kw++) {
            const int i = j * s - p + kw;
            if (i >= 0 && i < W) a += w[kw] * r[i];
        }
        y[j] = a;
    }
    const float *x = r + lo * s - p;  /* window of the first interior column */
    float *o = y + lo;
    const int m = hi - lo;
    if (K == 3 && s == 1) {
        const float w0 = w[0], w1 = w[1], w2 = w[2];
        if (first)
            NN_SIMD for (int j = 0; j < m; j++) o[j] = w0 * x[j] + w1 * x[j + 1] + w2 * x[j + 2];
        else
            NN_SIMD for (int j = 0; j < m; j++) o[j] += w0 * x[j] + w1 * x[j + 1] + w2 * x[j + 2];
    } else if (K == 3 && s == 2) {
        const float w0 = w[0], w1 = w[1], w2 = w[2];
        if (first)
            NN_SIMD for (int j = 0; j < m; j++)
                o[j] = w0 * x[2 * j] + w1 * x[2 * j + 1] + w2 * x[2 * j + 2];
        else
            NN_SIMD for (int j = 0; j < m; j++)
                o[j] += w0 * x[2 * j] + w1 * x[2 * j + 1] + w2 * x[2 * j + 2];
    } else {
        NN_SIMD for (int j = 0; j < m; j++) {
            float a = first ? 0.0f : o[j];
            for (int kw = 0; kw < K; kw++) a += w[kw] * x[j * s + kw];
            o[j] = a;
        }
    }
}

/* out[b,c,oh,ow] = Σ_{kh,kw} w[c,0,kh,kw] · in[b,c,oh·s−p+kh, ow·s−p+kw]
 * in (B,C,H,W), w (C,1,K,K), out (B,C,Ho,Wo); then, when scale is given,
 * out ← act(out·scale[c] + shift[c]) on the plane while it is still in cache. */
static void forward_rows(float *out, const float *in, const float *w, const nn_conv_geom *g,
                         const float *scale, const float *shift, nn_act act)
{
    const int C = g->Cin, K = g->K, s = g->stride, p = g->pad;
    int lo, hi;
    interior(g->W, g->Wo, K, s, p, &lo, &hi);
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < g->B * C; bc++) {
        const float *x = in + (size_t)bc * g->H * g->W;
        const float *wc = w + (size_t)(bc % C) * K * K;
        float *y = out + (size_t)bc * g->Ho * g->Wo;
        for (int oh = 0; oh < g->Ho; oh++) {
            float *yr = y + (size_t)oh * g->Wo;
            int first = 1;
            for (int kh = 0; kh < K; kh++) {
                const int ih = oh * s - p + kh;
                if (ih < 0 || ih >= g->H) continue;
                row_forward(yr, x + (size_t)ih * g->W, wc + kh * K, g, g->Wo, lo, hi, first);
                first = 0;
            }
            if (first)  /* the whole window in the padding (pad ≥ K) */
                for (int j = 0; j < g->Wo; j++) yr[j] = 0.0f;
        }
        if (scale)
            nn_affine_act(y, y, (size_t)g->Ho * g->Wo, scale[bc % C], shift[bc % C], act);
    }
}

void nn_dwconv_forward_rows(float *out, const float *in, const float *w, const nn_conv_geom *g)
{
    forward_rows(out, in, w, g, NULL, NULL, NN_ACT_NONE);
}

/* Backward of row_forward for one (output row, filter row kh) pair:
 *   dw[kw] += Σ_j dy[j]·r[j·s − p + kw]
 *   dr[j·s − p + kw] += w[kw]·dy[j]          (dr may be NULL)
 * one loop per tap kw, so each is a vector dot product or axpy (the taps of
 * neighbouring j overlap in dr). The dot products sum in vector lanes. */
NN_CLONES static void row_backward(float *restrict dr, float *restrict dw,
                                   const float *restrict dy, const float *restrict r,
                                   const float *restrict w, const nn_conv_geom *g, int lo, int hi)
{
    const int K = g->K, s = g->stride, p = g->pad, W = g->W, n = g->Wo;
    /* the edges: j runs over [0, lo) then jumps to [hi, n) */
    for (int j = lo > 0 ? 0 : hi; j < n; j = j + 1 == lo ? hi : j + 1) {
        for (int kw = 0; kw < K; kw++) {
            const int i = j * s - p + kw;
            if (i < 0 || i >= W) continue;
            dw[kw] += dy[j] * r[i];
            if (dr) dr[i] += w[kw] * dy[j];
        }
    }
    const int m = hi - lo, o = lo * s - p;
    const float *d = dy + lo;
    for (int kw = 0; kw < K; kw++) {
        const float *x = r + o + kw;
        float a = 0.0f;
        if (s == 1) {
            _Pragma("omp simd reduction(+:a)") for (int j = 0; j < m; j++) a += d[j] * x[j];
        } else {
            _Pragma("omp simd reduction(+:a)") for (int j = 0; j < m; j++) a += d[j] * x[j * s];
        }
        dw[kw] += a;
        if (!dr) continue;
        float *dx = dr + o + kw;
        const float wv = w[kw];
        if (s == 1)
            NN_SIMD for (int j = 0; j < m; j++) dx[j] += wv * d[j];
        else
            for (int j = 0; j < m; j++) dx[j * s] += wv * d[j];
    }
}

/* dw[c,kh,kw] += Σ_{b,oh,ow} dout[b,c,oh,ow] · in[b,c,oh·s−p+kh, ow·s−p+kw]
 * din[b,c,ih,iw] += Σ over the taps that read (ih,iw) of w · dout.
 * Parallel over channels, batch inside, so no two threads touch one dw[c]. */
void nn_dwconv_backward_rows(float *din, float *dw, const float *dout, const float *in,
                             const float *w, const nn_conv_geom *g)
{
    const int C = g->Cin, K = g->K, s = g->stride, p = g->pad;
    int lo, hi;
    interior(g->W, g->Wo, K, s, p, &lo, &hi);
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        const float *wc = w + (size_t)c * K * K;
        float *dwc = dw + (size_t)c * K * K;
        for (int b = 0; b < g->B; b++) {
            const size_t bc = (size_t)b * C + c;
            const float *x = in + bc * g->H * g->W;
            const float *dy = dout + bc * g->Ho * g->Wo;
            float *dx = din ? din + bc * g->H * g->W : NULL;
            for (int oh = 0; oh < g->Ho; oh++)
                for (int kh = 0; kh < K; kh++) {
                    const int ih = oh * s - p + kh;
                    if (ih < 0 || ih >= g->H) continue;
                    const size_t ro = (size_t)ih * g->W;
                    row_backward(dx ? dx + ro : NULL, dwc + kh * K, dy + (size_t)oh * g->Wo,
                                 x + ro, wc + kh * K, g, lo, hi);
                }
        }
    }
}

/* ---- the padded path ---- */

#define PAD_MAX 16384  /* floats per scratch plane, on the stack (64 KiB) */

typedef struct {
    int Wp, Hp;  /* padded input plane: row length W + 2·pad, rows */
} flat_geom;

/* 1 when the padded plane and the padded output fit PAD_MAX. The rows cover
 * the last tap read, s·(Ho·Wp − 1) + (K−1)·Wp + K − 1. */
static int flat_init(flat_geom *f, const nn_conv_geom *g)
{
    const int s = g->stride, K = g->K;
    f->Wp = g->W + 2 * g->pad;
    const long last = (long)s * ((long)g->Ho * f->Wp - 1) + (long)(K - 1) * f->Wp + K - 1;
    const long rows = last / f->Wp + 1;
    f->Hp = (int)(rows > g->H + 2 * g->pad ? rows : g->H + 2 * g->pad);
    return (long)f->Hp * f->Wp <= PAD_MAX;
}

/* xp ← the plane x with pad zeros above and to the left, zeros elsewhere. */
static void pad_plane(float *xp, const float *x, const nn_conv_geom *g, const flat_geom *f)
{
    memset(xp, 0, sizeof(float) * f->Hp * f->Wp);
    for (int ih = 0; ih < g->H; ih++)
        memcpy(xp + (size_t)(ih + g->pad) * f->Wp + g->pad, x + (size_t)ih * g->W,
               sizeof(float) * g->W);
}

/* yq[q] = Σ_{kh,kw} w[kh,kw]·xp[s·q + kh·Wp + kw],  q in [0, n)
 * (summed kh-major, as the row path does). */
NN_CLONES static void flat_forward(float *restrict yq, const float *restrict xp,
                                   const float *restrict w, int n, int K, int s, int Wp)
{
    const float *a = xp, *b = xp + Wp, *c = xp + 2 * Wp;
    if (K == 3 && s == 1) {
        NN_SIMD for (int q = 0; q < n; q++)
            yq[q] = w[0] * a[q] + w[1] * a[q + 1] + w[2] * a[q + 2] + w[3] * b[q] +
                    w[4] * b[q + 1] + w[5] * b[q + 2] + w[6] * c[q] + w[7] * c[q + 1] +
                    w[8] * c[q + 2];
    } else if (K == 3 && s == 2) {
        NN_SIMD for (int q = 0; q < n; q++)
            yq[q] = w[0] * a[2 * q] + w[1] * a[2 * q + 1] + w[2] * a[2 * q + 2] +
                    w[3] * b[2 * q] + w[4] * b[2 * q + 1] + w[5] * b[2 * q + 2] +
                    w[6] * c[2 * q] + w[7] * c[2 * q + 1] + w[8] * c[2 * q + 2];
    } else {
        for (int q = 0; q < n; q++) yq[q] = 0.0f;
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
                const float wv = w[kh * K + kw], *x = xp + kh * Wp + kw;
                NN_SIMD for (int q = 0; q < n; q++) yq[q] += wv * x[s * q];
            }
    }
}

/* The padded forward of one plane: pad, correlate, keep the Wo valid columns
 * of each row (applying the fused map when scale is given). */
static void plane_forward(float *y, const float *x, const float *wc, const nn_conv_geom *g,
                          const flat_geom *f, float scale, float shift, int affine, nn_act act)
{
    float xp[PAD_MAX], yq[PAD_MAX];
    pad_plane(xp, x, g, f);
    flat_forward(yq, xp, wc, g->Ho * f->Wp, g->K, g->stride, f->Wp);
    for (int oh = 0; oh < g->Ho; oh++) {
        float *yr = y + (size_t)oh * g->Wo;
        const float *src = yq + (size_t)oh * f->Wp;
        if (affine)
            nn_affine_act(yr, src, (size_t)g->Wo, scale, shift, act);
        else
            memcpy(yr, src, sizeof(float) * g->Wo);
    }
}

void nn_dwconv_forward_fused(float *out, const float *in, const float *w, const nn_conv_geom *g,
                             const float *scale, const float *shift, nn_act act)
{
    flat_geom f;
    if (!flat_init(&f, g)) {
        forward_rows(out, in, w, g, scale, shift, act);
        return;
    }
    const int C = g->Cin, K = g->K;
#pragma omp parallel for schedule(static)
    for (int bc = 0; bc < g->B * C; bc++) {
        const int c = bc % C;
        plane_forward(out + (size_t)bc * g->Ho * g->Wo, in + (size_t)bc * g->H * g->W,
                      w + (size_t)c * K * K, g, &f, scale ? scale[c] : 1.0f,
                      scale ? shift[c] : 0.0f, scale != NULL, act);
    }
}

void nn_dwconv_forward(float *out, const float *in, const float *w, const nn_conv_geom *g)
{
    nn_dwconv_forward_fused(out, in, w, g, NULL, NULL, NN_ACT_NONE);
}

/* Backward of flat_forward, tap by tap t = (kh,kw), off_t = kh·Wp + kw:
 *   dw[t] += Σ_q dyq[q]·xp[s·q + off_t]      (a dot product, summed in lanes)
 *   dxp[s·q + off_t] += w[t]·dyq[q]           (an axpy; dxp may be NULL)
 * dyq is zero in the padding columns, so they add nothing. */
NN_CLONES static void flat_backward(float *restrict dxp, float *restrict dw,
                                    const float *restrict dyq, const float *restrict xp,
                                    const float *restrict w, int n, int K, int s, int Wp)
{
    for (int kh = 0; kh < K; kh++)
        for (int kw = 0; kw < K; kw++) {
            const int t = kh * K + kw;
            const float *x = xp + kh * Wp + kw;
            float a = 0.0f;
            if (s == 1) {
                _Pragma("omp simd reduction(+:a)") for (int q = 0; q < n; q++) a += dyq[q] * x[q];
            } else {
                _Pragma("omp simd reduction(+:a)") for (int q = 0; q < n; q++)
                    a += dyq[q] * x[s * q];
            }
            dw[t] += a;
            if (!dxp) continue;
            float *dx = dxp + kh * Wp + kw;
            const float wv = w[t];
            if (s == 1)
                NN_SIMD for (int q = 0; q < n; q++) dx[q] += wv * dyq[q];
            else
                for (int q = 0; q < n; q++) dx[s * q] += wv * dyq[q];
        }
}

/* The padded backward of one plane: pad x and dy, correlate back, add the
 * unpadded part of dxp into din. */
static void plane_backward(float *dx, float *dwc, const float *dy, const float *x,
                           const float *wc, const nn_conv_geom *g, const flat_geom *f)
{
    float xp[PAD_MAX], dyq[PAD_MAX], dxp[PAD_MAX];
    pad_plane(xp, x, g, f);
    const int n = g->Ho * f->Wp;
    memset(dyq, 0, sizeof(float) * n);
    for (int oh = 0; oh < g->Ho; oh++)
        memcpy(dyq + (size_t)oh * f->Wp, dy + (size_t)oh * g->Wo, sizeof(float) * g->Wo);
    if (dx) memset(dxp, 0, sizeof(float) * f->Hp * f->Wp);
    flat_backward(dx ? dxp : NULL, dwc, dyq, xp, wc, n, g->K, g->stride, f->Wp);
    if (!dx) return;
    for (int ih = 0; ih < g->H; ih++) {
        float *d = dx + (size_t)ih * g->W;
        const float *src = dxp + (size_t)(ih + g->pad) * f->Wp + g->pad;
        for (int iw = 0; iw < g->W; iw++) d[iw] += src[iw];
    }
}

void nn_dwconv_backward(float *din, float *dw, const float *dout, const float *in,
                        const float *w, const nn_conv_geom *g)
{
    flat_geom f;
    if (!flat_init(&f, g)) {
        nn_dwconv_backward_rows(din, dw, dout, in, w, g);
        return;
    }
    const int C = g->Cin, K = g->K;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++)
        for (int b = 0; b < g->B; b++) {
            const size_t bc = (size_t)b * C + c;
            plane_backward(din ? din + bc * g->H * g->W : NULL, dw + (size_t)c * K * K,
                           dout + bc * g->Ho * g->Wo, in + bc * g->H * g->W,
                           w + (size_t)c * K * K, g, &f);
        }
}
