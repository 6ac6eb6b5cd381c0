/* Batch normalisation over (B,HW) per channel, torch.nn.BatchNorm2d(C) with
 * eps 1e-5 and momentum 0.1: training mode (batch statistics, running-average
 * update) and evaluation mode (running statistics), each optionally fused with
 * the ReLU/ReLU6 that follows it. Sums are taken in double. */
#include "nn/layers.h"
#include "nn/simd.h"

#include <math.h>

/* Σ(x − k) and Σ(x − k)² over one plane, in double. The shift k (the channel's
 * first value) keeps Σ(x−k)² − n·mean(x−k)² from cancelling when |μ| ≫ σ. The
 * vector lanes sum separately (reordered additions, see simd.h). */
NN_CLONES static void shifted_sums(const float *x, int n, double k, double *s, double *ss)
{
    double a = 0, aa = 0;
    _Pragma("omp simd reduction(+:a, aa)") for (int i = 0; i < n; i++) {
        const double d = (double)x[i] - k;
        a += d;
        aa += d * d;
    }
    *s += a, *ss += aa;
}

/* Training mode, per channel c over the n = B·HW values x:
 *   μ = mean(x),  σ²_b = mean((x − μ)²)          (biased: used to normalise)
 *   x̂ = (x − μ)/√(σ²_b + ε),  y = act(γ·x̂ + β)
 *   running_mean ← (1 − m)·running_mean + m·μ
 *   running_var  ← (1 − m)·running_var  + m·σ²_b·n/(n − 1)   (unbiased, as PyTorch)
 *   num_batches_tracked += 1
 * Two passes over x: the statistics, both sums at once (σ²_b = mean((x − k)²)
 * − mean(x − k)²: with k a value of the channel, the difference loses only a
 * few of double's 53 bits to cancellation), then
 * y = act(x·scale + shift) with scale = γ/σ, shift = β − μ·scale: γ·x̂ + β and
 * the activation on it, written once instead of twice.
 * in/out (B,C,HW); gamma, beta, run_* (C); save_mean, save_invstd (C) for backward. */
void nn_bn_forward_train_act(float *out, float *save_mean, float *save_invstd, float *run_mean,
                             float *run_var, int64_t *num_batches, const float *in,
                             const float *gamma, const float *beta, const nn_bn_geom *g,
                             nn_act act)
{
    const int B = g->B, C = g->C, HW = g->HW;
    const double n = (double)B * HW;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        const double k = in[(size_t)c * HW];
        double s = 0, ss = 0;
        for (int b = 0; b < B; b++) shifted_sums(in + ((size_t)b * C + c) * HW, HW, k, &s, &ss);
        const double dmu = s / n;                         /* mean(x − k) */
        const double mu = k + dmu, var = fmax(ss / n - dmu * dmu, 0.0);
        const float invstd = (float)(1.0 / sqrt(var + g->eps));
        save_mean[c] = (float)mu;
        save_invstd[c] = invstd;
        const float scale = gamma[c] * invstd, shift = beta[c] - (float)mu * scale;
        for (int b = 0; b < B; b++) {
            const size_t o = ((size_t)b * C + c) * HW;
            nn_affine_act(out + o, in + o, (size_t)HW, scale, shift, act);
        }
        const double unbiased = n > 1 ? var * n / (n - 1) : var;
        run_mean[c] = (float)((1.0 - g->momentum) * run_mean[c] + g->momentum * mu);
        run_var[c] = (float)((1.0 - g->momentum) * run_var[c] + g->momentum * unbiased);
    }
    if (num_batches) ++*num_batches;
}

void nn_bn_forward_train(float *out, float *save_mean, float *save_invstd, float *run_mean,
                         float *run_var, int64_t *num_batches, const float *in,
                         const float *gamma, const float *beta, const nn_bn_geom *g)
{
    nn_bn_forward_train_act(out, save_mean, save_invstd, run_mean, run_var, num_batches, in, gamma,
                            beta, g, NN_ACT_NONE);
}

/* Evaluation mode: y = γ·(x − running_mean)/√(running_var + ε) + β, i.e. one
 * affine map per channel, y = x·scale + shift. */
static void eval_affine(float *scale, float *shift, float gamma, float beta, float run_mean,
                        float run_var, float eps)
{
    const float invstd = (float)(1.0 / sqrt((double)run_var + eps));
    *scale = gamma * invstd;
    *shift = beta - run_mean * *scale;
}

void nn_bn_eval_affine(float *scale, float *shift, const float *gamma, const float *beta,
                       const float *run_mean, const float *run_var, const nn_bn_geom *g)
{
    for (int c = 0; c < g->C; c++)
        eval_affine(scale + c, shift + c, gamma[c], beta[c], run_mean[c], run_var[c], g->eps);
}

/* y = act(x·scale + shift): the norm and the activation in one pass.
 * Planes of fewer than 16 values (the 2×2 and 4×4 maps late in the networks)
 * would each be a vector loop's scalar remainder; for them the per-channel
 * constants are first spread over one image (C·HW values, SPREAD_MAX at most),
 * after which every image is one long loop. */
#define SPREAD_MAX 8192

void nn_bn_forward_eval_act(float *out, const float *in, const float *gamma, const float *beta,
                            const float *run_mean, const float *run_var, const nn_bn_geom *g,
                            nn_act act)
{
    const int B = g->B, C = g->C, HW = g->HW;
    const size_t CHW = (size_t)C * HW;
    if (HW < 16 && CHW <= SPREAD_MAX) {
        float scale[SPREAD_MAX], shift[SPREAD_MAX];
        for (int c = 0; c < C; c++) {
            eval_affine(scale + (size_t)c * HW, shift + (size_t)c * HW, gamma[c], beta[c],
                        run_mean[c], run_var[c], g->eps);
            for (int i = 1; i < HW; i++)
                scale[(size_t)c * HW + i] = scale[(size_t)c * HW],
                shift[(size_t)c * HW + i] = shift[(size_t)c * HW];
        }
#pragma omp parallel for schedule(static)
        for (int b = 0; b < B; b++)
            nn_affine_act_each(out + b * CHW, in + b * CHW, CHW, scale, shift, act);
        return;
    }
#pragma omp parallel for schedule(static) collapse(2)
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            float scale, shift;
            eval_affine(&scale, &shift, gamma[c], beta[c], run_mean[c], run_var[c], g->eps);
            const size_t o = ((size_t)b * C + c) * HW;
            nn_affine_act(out + o, in + o, (size_t)HW, scale, shift, act);
        }
}

void nn_bn_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                        const float *run_mean, const float *run_var, const nn_bn_geom *g)
{
    nn_bn_forward_eval_act(out, in, gamma, beta, run_mean, run_var, g, NN_ACT_NONE);
}

/* Pass 1 of the backward over one plane: g = dy·act'(y) (stored back into dy,
 * as the in-place ReLU's backward would), Σg and Σg·(x − μ). Reordered sums. */
NN_CLONES static void grad_sums(float *dy, const float *y, const float *x, int n, nn_act act,
                                double mu, double *sg, double *sgx)
{
    nn_act_backward(dy, dy, y, (size_t)n, act);
    double a = 0, ax = 0;
    _Pragma("omp simd reduction(+:a, ax)") for (int i = 0; i < n; i++) {
        a += dy[i];
        ax += dy[i] * ((double)x[i] - mu);
    }
    *sg += a, *sgx += ax;
}

/* Pass 2: dx (+)= k·(g − mean(g) − x̂·mean(g·x̂)), x̂ = (x − μ)·invstd. */
NN_CLONES static void grad_input(float *dx, const float *dy, const float *x, int n, float k,
                                 float mg, float mgx, float mu, float is, int overwrite)
{
    if (overwrite)
        NN_SIMD for (int i = 0; i < n; i++) dx[i] = k * (dy[i] - mg - (x[i] - mu) * is * mgx);
    else
        NN_SIMD for (int i = 0; i < n; i++) dx[i] += k * (dy[i] - mg - (x[i] - mu) * is * mgx);
}

/* Backward of the training-mode forward, where μ and σ² depend on x; with g
 * the gradient at the norm's output (dy, times act'(y) when fused):
 *   ∂L/∂β = Σ g,  ∂L/∂γ = Σ g·x̂
 *   ∂L/∂x = γ/√(σ²_b + ε) · (g − ∂L/∂β/n − x̂·∂L/∂γ/n)
 * (the last two terms are the paths through μ and through σ²). Fusing the
 * activation's backward into pass 1 saves its separate pass over dy. */
void nn_bn_backward_act(float *din, float *dgamma, float *dbeta, float *dout, const float *out,
                        const float *in, const float *gamma, const float *save_mean,
                        const float *save_invstd, const nn_bn_geom *g, nn_act act, int overwrite)
{
    const int B = g->B, C = g->C, HW = g->HW;
    const double n = (double)B * HW;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        const double mu = save_mean[c], is = save_invstd[c];
        double sg = 0, sgx = 0;
        for (int b = 0; b < B; b++) {
            const size_t o = ((size_t)b * C + c) * HW;
            grad_sums(dout + o, out ? out + o : NULL, in + o, HW, act, mu, &sg, &sgx);
        }
        sgx *= is;                                       /* Σ g·x̂ */
        dbeta[c] += (float)sg;
        dgamma[c] += (float)sgx;
        if (!din) continue;
        const float k = (float)(gamma[c] * is), mg = (float)(sg / n), mgx = (float)(sgx / n);
        for (int b = 0; b < B; b++) {
            const size_t o = ((size_t)b * C + c) * HW;
            grad_input(din + o, dout + o, in + o, HW, k, mg, mgx, (float)mu, (float)is,
                       overwrite);
        }
    }
}

void nn_bn_backward(float *din, float *dgamma, float *dbeta, const float *dout,
                    const float *in, const float *gamma, const float *save_mean,
                    const float *save_invstd, const nn_bn_geom *g)
{
    /* NN_ACT_NONE leaves dout as it is (nn_act_backward copies dy onto itself: no-op). */
    nn_bn_backward_act(din, dgamma, dbeta, (float *)dout, NULL, in, gamma, save_mean, save_invstd,
                       g, NN_ACT_NONE, 0);
}
