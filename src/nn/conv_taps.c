/* 3×3 stride-1 padding-1 convolutions on maps of 2×2 or less (ResNet-18's
 * last stage at 64×64 inputs), as one matrix product per pair of pixels.
 *
 * On such a map every output pixel p sees every input pixel q, through the
 * kernel tap t(p,q) = (q_h − p_h + 1, q_w − p_w + 1); the other taps of its
 * 3×3 window fall on the padding. With W_t the Cout×Cin matrix of tap t and
 * X_q the Cin×B matrix of input pixel q over the batch,
 *
 *     Y_p = Σ_q W_t(p,q) · X_q                          (Cout × B)
 *
 * the same multiplications as Winograd's F(2×2,3×3) on one tile (16 products
 * of Cout×Cin by Cin×B), without its transforms: the kernels are the weights
 * as they are, and the image and output only change layout. im2col would also
 * multiply the 5 taps of 9 that meet the padding. The backward:
 *
 *     dX_q = Σ_p W_t(p,q)ᵀ · dY_p        dW_t += Σ_{t(p,q) = t} dY_p · X_qᵀ
 *
 * The products are gemm.c's; the weights are packed once per change as one
 * Cout × 9·Cin matrix, tap by tap (W_t is columns t·Cin .. t·Cin+Cin), and read
 * transposed for dX. Only with gemm.c (nn_conv_geom_init picks this then). */
#include "nn/gemm.h"
#include "nn/layers.h"

#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static int tap(int p, int q, const nn_conv_geom *g)
{
    const int ph = p / g->W, pw = p % g->W, qh = q / g->W, qw = q % g->W;
    return (qh - ph + 1) * 3 + (qw - pw + 1);
}

size_t nn_taps_kernel_floats(const nn_conv_geom *g)
{
    return nn_gemm_packed_floats(g->Cout, 9 * g->Cin);
}

/* Forward: X (HW·Cin·B) and Y (HW·Cout·B). Backward: X, dY, dX, each dY_p
 * packed, and the tap-major kernel gradient (Cout × 9·Cin). */
size_t nn_taps_floats(const nn_conv_geom *g)
{
    const size_t HW = (size_t)g->H * g->W, B = g->B, Cin = g->Cin, Cout = g->Cout;
    const size_t fwd = HW * (Cin + Cout) * B;
    const size_t bwd = HW * (2 * Cin + Cout) * B + HW * nn_gemm_packed_floats(g->Cout, g->B) +
                       Cout * 9 * Cin;
    return fwd > bwd ? fwd : bwd;
}

void nn_taps_pack_kernels(float *Wp, const float *w, const nn_conv_geom *g)
{
    const size_t kp = (size_t)9 * g->Cin;
    /* W_t[o][c] = w[o][c][t]: rows 9·Cin apart, columns 9 apart */
    for (int t = 0; t < 9; t++) nn_gemm_pack_sub(Wp, kp, t * g->Cin, w + t, kp, 9, g->Cout, g->Cin);
    const size_t slack = nn_gemm_packed_floats(g->Cout, 0);
    memset(Wp + nn_gemm_packed_floats(g->Cout, (int)kp) - slack, 0, sizeof(float) * slack);
}

/* X[q][c][b] = in[b][c][q], in parallel over channels (inside a parallel region). */
static void gather(float *X, const float *in, int B, int C, int HW)
{
#pragma omp for schedule(static)
    for (int c = 0; c < C; c++)
        for (int q = 0; q < HW; q++)
            for (int b = 0; b < B; b++)
                X[((size_t)q * C + c) * B + b] = in[((size_t)b * C + c) * HW + q];
}

static void thread_share(int *id, int *nth)
{
    *id = 0, *nth = 1;
#ifdef _OPENMP
    *id = omp_get_thread_num(), *nth = omp_get_num_threads();
#endif
}

/* Every product below has the same shape within one sum, so each thread's
 * share of C (gemm.c's split depends only on the shape) is the same for all
 * the terms it adds up: no waiting between terms. */
void nn_taps_forward(float *out, const float *in, const float *Wp, const nn_conv_geom *g,
                     float *scratch)
{
    const int B = g->B, Cin = g->Cin, Cout = g->Cout, HW = g->H * g->W;
    float *X = scratch, *Y = X + (size_t)HW * Cin * B;
#pragma omp parallel
    {
        int id, nth;
        thread_share(&id, &nth);
        gather(X, in, B, Cin, HW);
        for (int p = 0; p < HW; p++)
            for (int q = 0; q < HW; q++) {
                const nn_gemm_job j = {.M = Cout, .N = B, .K = Cin, .Ap = Wp,
                                       .kp = (size_t)9 * Cin, .k0 = tap(p, q, g) * Cin,
                                       .B = X + (size_t)q * Cin * B, .ldb = (size_t)B,
                                       .C = Y + (size_t)p * Cout * B, .ldc = (size_t)B, .acc = q > 0};
                nn_gemm_part(&j, id, nth);
            }
#pragma omp barrier
#pragma omp for schedule(static)
        for (int o = 0; o < Cout; o++)
            for (int b = 0; b < B; b++)
                for (int p = 0; p < HW; p++)
                    out[((size_t)b * Cout + o) * HW + p] = Y[((size_t)p * Cout + o) * B + b];
    }
}

void nn_taps_backward(float *din, float *dw, const float *dout, const float *in, const float *Wp,
                      const nn_conv_geom *g, float *scratch)
{
    const int B = g->B, Cin = g->Cin, Cout = g->Cout, HW = g->H * g->W;
    const size_t kp = (size_t)9 * Cin, per = nn_gemm_packed_floats(Cout, B);
    float *X = scratch, *dY = X + (size_t)HW * Cin * B, *dX = dY + (size_t)HW * Cout * B;
    float *dYp = dX + (size_t)HW * Cin * B, *dA = dYp + HW * per;
    int seen[9] = {0};  /* taps whose gradient dA has been written */
#pragma omp parallel firstprivate(seen)
    {
        int id, nth;
        thread_share(&id, &nth);
        gather(X, in, B, Cin, HW);
        gather(dY, dout, B, Cout, HW);
#pragma omp for schedule(static)
        for (int p = 0; p < HW; p++)
            nn_gemm_pack(dYp + p * per, dY + (size_t)p * Cout * B, (size_t)B, Cout, B);
        for (int q = 0; q < HW && din; q++)
            for (int p = 0; p < HW; p++) {
                const nn_gemm_job j = {.M = Cin, .N = B, .K = Cout, .Ap = Wp, .kp = kp, .at = 1,
                                       .m0 = tap(p, q, g) * Cin, .B = dY + (size_t)p * Cout * B,
                                       .ldb = (size_t)B, .C = dX + (size_t)q * Cin * B,
                                       .ldc = (size_t)B, .acc = p > 0};
                nn_gemm_part(&j, id, nth);
            }
        for (int p = 0; p < HW; p++)
            for (int q = 0; q < HW; q++) {
                const int t = tap(p, q, g);
                const nn_gemm_job j = {.M = Cout, .N = Cin, .K = B, .Ap = dYp + p * per,
                                       .kp = (size_t)B, .B = X + (size_t)q * Cin * B,
                                       .ldb = (size_t)B, .bt = 1, .C = dA + (size_t)t * Cin,
                                       .ldc = kp, .acc = seen[t]};
                nn_gemm_part(&j, id, nth);
                seen[t] = 1;
            }
#pragma omp barrier
        /* dw[o][c][t] += dA[o][t·Cin + c] for the taps met; din[b][c][q] += dX[q][c][b] */
#pragma omp for schedule(static) nowait
        for (int o = 0; o < Cout; o++)
            for (int t = 0; t < 9; t++)
                if (seen[t])
                    for (int c = 0; c < Cin; c++)
                        dw[((size_t)o * Cin + c) * 9 + t] += dA[(size_t)o * kp + (size_t)t * Cin + c];
        if (din) {
#pragma omp for schedule(static)
            for (int c = 0; c < Cin; c++)
                for (int b = 0; b < B; b++)
                    for (int q = 0; q < HW; q++)
                        din[((size_t)b * Cin + c) * HW + q] += dX[((size_t)q * Cin + c) * B + b];
        }
    }
}
