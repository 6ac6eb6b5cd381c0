/* Fully connected layer, torch.nn.Linear(M, N): weight (N,M), bias (N). */
#include "nn/layers.h"

#include <cblas.h>

/* out (B,N) = in (B,M) · Wᵀ + b */
void nn_linear_forward(float *out, const float *in, const float *w, const float *bias,
                       int B, int M, int N)
{
    for (int b = 0; b < B; b++)
        for (int n = 0; n < N; n++) out[(size_t)b * N + n] = bias ? bias[n] : 0.0f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, N, M, 1.0f, in, M, w, M, 1.0f, out,
                N);
}

/* din (B,M) += dout · W,   dW (N,M) += doutᵀ · in,   db (N) += Σ_b dout */
void nn_linear_backward(float *din, float *dw, float *dbias, const float *dout,
                        const float *in, const float *w, int B, int M, int N)
{
    if (din)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, M, N, 1.0f, dout, N, w, M,
                    1.0f, din, M);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, M, B, 1.0f, dout, N, in, M, 1.0f, dw,
                M);
    if (dbias)
        for (int n = 0; n < N; n++) {
            double s = 0;
            for (int b = 0; b < B; b++) s += dout[(size_t)b * N + n];
            dbias[n] += (float)s;
        }
}
