/* Batch normalisation over (B,HW) per channel, torch.nn.BatchNorm2d(C) with
 * eps 1e-5 and momentum 0.1: training mode (batch statistics, running-average
 * update) and evaluation mode (running statistics). Sums are taken in double. */
#include "nn/layers.h"

#include <math.h>

/* Training mode, per channel c over the n = B·HW values x:
 *   μ = mean(x),  σ²_b = mean((x − μ)²)          (biased: used to normalise)
 *   x̂ = (x − μ)/√(σ²_b + ε),  y = γ·x̂ + β
 *   running_mean ← (1 − m)·running_mean + m·μ
 *   running_var  ← (1 − m)·running_var  + m·σ²_b·n/(n − 1)   (unbiased, as PyTorch)
 *   num_batches_tracked += 1
 * in/out (B,C,HW); gamma, beta, run_* (C); save_mean, save_invstd (C) for backward. */
void nn_bn_forward_train(float *out, float *save_mean, float *save_invstd, float *run_mean,
                         float *run_var, int64_t *num_batches, const float *in,
                         const float *gamma, const float *beta, const nn_bn_geom *g)
{
    const int B = g->B, C = g->C, HW = g->HW;
    const double n = (double)B * HW;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        double s = 0, ss = 0;
        for (int b = 0; b < B; b++) {
            const float *x = in + ((size_t)b * C + c) * HW;
            for (int i = 0; i < HW; i++) s += x[i];
        }
        const double mu = s / n;
        for (int b = 0; b < B; b++) {
            const float *x = in + ((size_t)b * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                const double d = x[i] - mu;
                ss += d * d;
            }
        }
        const double var = ss / n;
        const float invstd = (float)(1.0 / sqrt(var + g->eps));
        save_mean[c] = (float)mu;
        save_invstd[c] = invstd;
        const float scale = gamma[c] * invstd, shift = beta[c] - (float)mu * scale;
        for (int b = 0; b < B; b++) {
            const float *x = in + ((size_t)b * C + c) * HW;
            float *y = out + ((size_t)b * C + c) * HW;
            for (int i = 0; i < HW; i++) y[i] = x[i] * scale + shift;
        }
        const double unbiased = n > 1 ? ss / (n - 1) : var;
        run_mean[c] = (float)((1.0 - g->momentum) * run_mean[c] + g->momentum * mu);
        run_var[c] = (float)((1.0 - g->momentum) * run_var[c] + g->momentum * unbiased);
    }
    if (num_batches) ++*num_batches;
}

/* Evaluation mode: y = γ·(x − running_mean)/√(running_var + ε) + β. */
void nn_bn_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                        const float *run_mean, const float *run_var, const nn_bn_geom *g)
{
    const int B = g->B, C = g->C, HW = g->HW;
#pragma omp parallel for schedule(static) collapse(2)
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            const float invstd = (float)(1.0 / sqrt((double)run_var[c] + g->eps));
            const float scale = gamma[c] * invstd, shift = beta[c] - run_mean[c] * scale;
            const float *x = in + ((size_t)b * C + c) * HW;
            float *y = out + ((size_t)b * C + c) * HW;
            for (int i = 0; i < HW; i++) y[i] = x[i] * scale + shift;
        }
}

/* Backward of the training-mode forward, where μ and σ² depend on x:
 *   ∂L/∂β = Σ dy,  ∂L/∂γ = Σ dy·x̂
 *   ∂L/∂x = γ/√(σ²_b + ε) · (dy − ∂L/∂β/n − x̂·∂L/∂γ/n)
 * (the last two terms are the paths through μ and through σ²). */
void nn_bn_backward(float *din, float *dgamma, float *dbeta, const float *dout,
                    const float *in, const float *gamma, const float *save_mean,
                    const float *save_invstd, const nn_bn_geom *g)
{
    const int B = g->B, C = g->C, HW = g->HW;
    const double n = (double)B * HW;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        const double mu = save_mean[c], is = save_invstd[c];
        double sdy = 0, sdyx = 0;
        for (int b = 0; b < B; b++) {
            const float *x = in + ((size_t)b * C + c) * HW;
            const float *dy = dout + ((size_t)b * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                sdy += dy[i];
                sdyx += dy[i] * ((x[i] - mu) * is);
            }
        }
        dbeta[c] += (float)sdy;
        dgamma[c] += (float)sdyx;
        if (!din) continue;
        const float k = (float)(gamma[c] * is), mdy = (float)(sdy / n), mdyx = (float)(sdyx / n);
        for (int b = 0; b < B; b++) {
            const float *x = in + ((size_t)b * C + c) * HW;
            const float *dy = dout + ((size_t)b * C + c) * HW;
            float *dx = din + ((size_t)b * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                const float xh = (x[i] - (float)mu) * (float)is;
                dx[i] += k * (dy[i] - mdy - xh * mdyx);
            }
        }
    }
}
