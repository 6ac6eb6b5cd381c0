/* Depthwise convolution (groups = Cin = Cout, one K×K filter per channel), as in
 * MobileNetV2's 3×3 layers: torch.nn.Conv2d(C, C, K, stride, pad, groups=C).
 * Direct loops: im2col would copy K·K times the input to do a tiny matrix product.
 * Two paths compute the same sums:
 *  - padded (when a padded plane fits PAD_MAX floats): planes of one channel
 *    are copied, stacked one above the other, into a zeroed buffer xp with rows
 *    Wp = W + 2·pad long and pad zero rows above each plane. Every window then
 *    lies inside xp, and if the output is laid out with rows Wp long too, output
 *    q = oh·Wp + ow reads xp[s·q + off_t] for tap t (off_t = kh·Wp + kw), so the
 *    whole stack is one 1-D correlation, yq[q] = Σ_t w_t·xp[s·q + off_t]: long
 *    vector loops with no tests, even for 2×2 planes. Only the Ho×Wo outputs of
 *    each plane are kept (the other columns and rows straddle a border);
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
void nn_dwconv_forward_rows(float *out, const float *in, const float *w, const nn_conv_geom *g,
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

/* Floats per scratch buffer, on the stack: 64 KiB each, 192 KiB in the backward
 * (OpenMP threads get megabytes of stack by default). */
#define PAD_MAX 16384

typedef struct {
    int Wp;  /* row length, W + 2·pad */
    int R;   /* rows per stacked plane: pad zero rows, then H rows, then zeros up
              * to a multiple of s (so every plane starts on an output row) */
    int nb;  /* planes per stack */
} flat_geom;

/* Rows of a stack of n planes: the last tap of the last output row,
 * s·(n·R/s·Wp − 1) + (K−1)·Wp + K − 1, lies below row n·R + K. */
static int stack_rows(const flat_geom *f, int n, int K) { return n * f->R + K; }

/* 1 when at least one padded plane fits PAD_MAX; then nb = as many as fit (≤ B).
 * A plane's windows end by row H + 2·pad ≤ R + pad, inside the next plane's
 * (zero) top padding, so stacked planes never mix. */
static int flat_init(flat_geom *f, const nn_conv_geom *g)
{
    const int s = g->stride, K = g->K;
    f->Wp = g->W + 2 * g->pad;
    f->R = (g->H + g->pad + s - 1) / s * s;
    const long nb = ((long)PAD_MAX / f->Wp - K) / f->R;
    f->nb = (int)(nb < g->B ? nb : g->B);
    return f->nb >= 1;
}

/* xp ← planes x_0..x_{n−1} (stride between planes: `step` floats) stacked.
 * Only the image rows are written: each thread clears its buffer once per call,
 * and the padding, never written, stays zero from stack to stack. (A last,
 * shorter stack leaves older rows below it: only outputs that are not kept
 * read them, and in the backward their dy is zero.) */
static void pad_stack(float *xp, const float *x, size_t step, int n, const nn_conv_geom *g,
                      const flat_geom *f)
{
    for (int i = 0; i < n; i++)
        for (int ih = 0; ih < g->H; ih++)
            memcpy(xp + ((size_t)i * f->R + g->pad + ih) * f->Wp + g->pad,
                   x + i * step + (size_t)ih * g->W, sizeof(float) * g->W);
}

/* Where output row oh of stacked plane i sits in yq (rows Wp long). */
static size_t out_row(const flat_geom *f, const nn_conv_geom *g, int i, int oh)
{
    return ((size_t)i * (f->R / g->stride) + oh) * f->Wp;
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

/* Planes b0..b0+n−1 of channel c: stack, correlate, apply the fused map to the
 * whole stack at once, keep each plane's Ho×Wo outputs. */
static void stack_forward(float *xp, float *yq, float *out, const float *in, const float *w,
                          const nn_conv_geom *g, const flat_geom *f, int c, int b0, int n,
                          const float *scale, const float *shift, nn_act act)
{
    const size_t cstep = (size_t)g->Cin;  /* planes of one channel are C planes apart */
    pad_stack(xp, in + ((size_t)b0 * cstep + c) * g->H * g->W, cstep * g->H * g->W, n, g, f);
    const int nq = n * (f->R / g->stride) * f->Wp;
    flat_forward(yq, xp, w + (size_t)c * g->K * g->K, nq, g->K, g->stride, f->Wp);
    /* rows of 8 or more: the map on the way out; shorter ones: on the whole
     * stack first (one long loop), then copied */
    const int rowwise = scale && g->Wo >= 8;
    if (scale && !rowwise) nn_affine_act(yq, yq, (size_t)nq, scale[c], shift[c], act);
    for (int i = 0; i < n; i++) {
        float *y = out + ((size_t)(b0 + i) * cstep + c) * g->Ho * g->Wo;
        for (int oh = 0; oh < g->Ho; oh++) {
            float *dst = y + (size_t)oh * g->Wo;
            const float *src = yq + out_row(f, g, i, oh);
            if (rowwise)
                nn_affine_act(dst, src, (size_t)g->Wo, scale[c], shift[c], act);
            else
                memcpy(dst, src, sizeof(float) * g->Wo);
        }
    }
}

/* Maps of a few pixels (MobileNetV2's last stages at 64×64 inputs: 4×4 and
 * 2×2 planes of up to 960 channels) leave a plane's loops only a handful of
 * outputs. There the channels are the vector lanes instead, image by image:
 * with X[q][c] the input pixel q of channel c and Wt[t][c] the filter tap t,
 *   Y[p][c] = Σ_{taps t of output p inside the image} Wt[t][c]·X[q(p,t)][c]
 * (kh-major, as the other paths sum), then the fused map, then back to NCHW.
 * SMALL_MAX bounds C·H·W, C·Ho·Wo and C·K·K. */
#define SMALL_MAX 16384

static int small_maps(const nn_conv_geom *g)
{
    const long C = g->Cin;
    return g->Ho * g->Wo <= 16 && C >= 16 && C * g->H * g->W <= SMALL_MAX &&
           C * g->Ho * g->Wo <= SMALL_MAX && C * g->K * g->K <= SMALL_MAX;
}

/* y (+)= w·x over C lanes. */
NN_CLONES static void lanes_mul_add(float *restrict y, const float *restrict w,
                                    const float *restrict x, int C, int first)
{
    if (first)
        NN_SIMD for (int c = 0; c < C; c++) y[c] = w[c] * x[c];
    else
        NN_SIMD for (int c = 0; c < C; c++) y[c] += w[c] * x[c];
}

static void small_forward(float *out, const float *in, const float *w, const nn_conv_geom *g,
                          const float *scale, const float *shift, nn_act act)
{
    const int C = g->Cin, K = g->K, s = g->stride, p = g->pad;
    const int HWi = g->H * g->W, HWo = g->Ho * g->Wo;
    float Wt[SMALL_MAX];
    for (int c = 0; c < C; c++)
        for (int t = 0; t < K * K; t++) Wt[t * C + c] = w[(size_t)c * K * K + t];
#pragma omp parallel
    {
        float X[SMALL_MAX], Y[SMALL_MAX];
#pragma omp for schedule(static)
        for (int b = 0; b < g->B; b++) {
            const float *x = in + (size_t)b * C * HWi;
            for (int c = 0; c < C; c++)
                for (int q = 0; q < HWi; q++) X[q * C + c] = x[(size_t)c * HWi + q];
            for (int oh = 0; oh < g->Ho; oh++)
                for (int ow = 0; ow < g->Wo; ow++) {
                    float *y = Y + (oh * g->Wo + ow) * C;
                    int first = 1;
                    for (int kh = 0; kh < K; kh++)
                        for (int kw = 0; kw < K; kw++) {
                            const int ih = oh * s - p + kh, iw = ow * s - p + kw;
                            if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W) continue;
                            lanes_mul_add(y, Wt + (kh * K + kw) * C, X + (ih * g->W + iw) * C, C,
                                          first);
                            first = 0;
                        }
                    if (first) memset(y, 0, sizeof(float) * C);
                    if (scale) nn_affine_act_each(y, y, (size_t)C, scale, shift, act);
                }
            float *o = out + (size_t)b * C * HWo;
            for (int c = 0; c < C; c++)
                for (int q = 0; q < HWo; q++) o[(size_t)c * HWo + q] = Y[q * C + c];
        }
    }
}

void nn_dwconv_forward_fused(float *out, const float *in, const float *w, const nn_conv_geom *g,
                             const float *scale, const float *shift, nn_act act)
{
    flat_geom f;
    if (small_maps(g)) {
        small_forward(out, in, w, g, scale, shift, act);
        return;
    }
    if (!flat_init(&f, g)) {
        nn_dwconv_forward_rows(out, in, w, g, scale, shift, act);
        return;
    }
    const int stacks = (g->B + f.nb - 1) / f.nb;
    const size_t used = (size_t)stack_rows(&f, f.nb, g->K) * f.Wp;
#pragma omp parallel
    {
        float xp[PAD_MAX], yq[PAD_MAX];
        memset(xp, 0, sizeof(float) * used);
#pragma omp for schedule(static)
        for (int t = 0; t < g->Cin * stacks; t++) {
            const int c = t / stacks, b0 = t % stacks * f.nb;
            const int n = g->B - b0 < f.nb ? g->B - b0 : f.nb;
            stack_forward(xp, yq, out, in, w, g, &f, c, b0, n, scale, shift, act);
        }
    }
}

void nn_dwconv_forward(float *out, const float *in, const float *w, const nn_conv_geom *g)
{
    nn_dwconv_forward_fused(out, in, w, g, NULL, NULL, NN_ACT_NONE);
}

/* Backward of flat_forward, tap by tap t = (kh,kw), off_t = kh·Wp + kw:
 *   dw[t] += Σ_q dyq[q]·xp[s·q + off_t]      (a dot product, summed in lanes)
 *   dxp[s·q + off_t] += w[t]·dyq[q]           (an axpy; dxp may be NULL)
 * dyq is zero at the outputs that were not kept, so they add nothing. */
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

/* Planes b0..b0+n−1 of channel c: stack x and dy, correlate back, add each
 * plane's part of dxp into din. */
static void stack_backward(float *xp, float *dyq, float *dxp, float *din, float *dw,
                           const float *dout, const float *in, const float *w,
                           const nn_conv_geom *g, const flat_geom *f, int c, int b0, int n)
{
    const size_t cstep = (size_t)g->Cin, HW = (size_t)g->H * g->W, HWo = (size_t)g->Ho * g->Wo;
    pad_stack(xp, in + ((size_t)b0 * cstep + c) * HW, cstep * HW, n, g, f);
    const int nq = n * (f->R / g->stride) * f->Wp;
    for (int i = 0; i < n; i++) {
        const float *dy = dout + ((size_t)(b0 + i) * cstep + c) * HWo;
        for (int oh = 0; oh < g->Ho; oh++)
            memcpy(dyq + out_row(f, g, i, oh), dy + (size_t)oh * g->Wo, sizeof(float) * g->Wo);
    }
    if (din) memset(dxp, 0, sizeof(float) * stack_rows(f, n, g->K) * f->Wp);
    const size_t KK = (size_t)g->K * g->K;
    flat_backward(din ? dxp : NULL, dw + c * KK, dyq, xp, w + c * KK, nq, g->K, g->stride, f->Wp);
    if (!din) return;
    for (int i = 0; i < n; i++)
        for (int ih = 0; ih < g->H; ih++) {
            float *d = din + ((size_t)(b0 + i) * cstep + c) * HW + (size_t)ih * g->W;
            const float *src = dxp + ((size_t)i * f->R + g->pad + ih) * f->Wp + g->pad;
            NN_SIMD for (int iw = 0; iw < g->W; iw++) d[iw] += src[iw];
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
    const size_t used = (size_t)stack_rows(&f, f.nb, g->K) * f.Wp;
#pragma omp parallel
    {
        /* xp and dyq as in the forward: the entries never written stay zero */
        float xp[PAD_MAX], dyq[PAD_MAX], dxp[PAD_MAX];
        memset(xp, 0, sizeof(float) * used), memset(dyq, 0, sizeof(float) * used);
#pragma omp for schedule(static)
        for (int c = 0; c < g->Cin; c++)
            for (int b0 = 0; b0 < g->B; b0 += f.nb)
                stack_backward(xp, dyq, dxp, din, dw, dout, in, w, g, &f, c, b0,
                               g->B - b0 < f.nb ? g->B - b0 : f.nb);
    }
}
