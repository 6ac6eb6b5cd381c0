/* SGD with momentum, Adam, AdamW and the cosine / step schedules, matching
 * torch.optim (1.13, single-tensor code path) operation for operation. */
#include "nn/optim.h"

#include <math.h>

void nn_sgd_update(float *w, const float *g, float *buf, size_t n, const nn_optim_cfg *c)
{
    const float wd = c->weight_decay, mu = c->momentum, lr = c->lr;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * w[i];
        if (mu != 0.0f && buf) {
            buf[i] = mu * buf[i] + d;
            d = c->nesterov ? d + mu * buf[i] : buf[i];
        }
        w[i] -= lr * d;
    }
}

void nn_adam_update(float *w, const float *g, float *m, float *v, size_t n,
                    const nn_optim_cfg *c, long t, int decoupled)
{
    /* Scalars in double, as torch computes them in Python before the tensor ops. */
    const double bc1 = 1.0 - pow(c->beta1, (double)t), bc2 = 1.0 - pow(c->beta2, (double)t);
    const float step = (float)(c->lr / bc1), bc2s = (float)sqrt(bc2);
    const float b1 = c->beta1, b2 = c->beta2, eps = c->eps, wd = c->weight_decay;
    const float shrink = (float)(1.0 - (double)c->lr * c->weight_decay);
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        if (decoupled)
            w[i] *= shrink;
        else if (wd != 0.0f)
            gi += wd * w[i];
        m[i] = m[i] * b1 + gi * (1.0f - b1);
        v[i] = v[i] * b2 + gi * gi * (1.0f - b2);
        const float denom = sqrtf(v[i]) / bc2s + eps;
        w[i] -= step * (m[i] / denom);
    }
}

float nn_lr_cosine(float lr0, float lr_min, long t, long T)
{
    if (T <= 0) return lr0;
    if (t > T) t = T;
    return (float)(lr_min + (lr0 - lr_min) * (1.0 + cos(M_PI * (double)t / (double)T)) / 2.0);
}

float nn_lr_step(float lr0, float gamma, long step, long t)
{
    if (step <= 0) return lr0;
    return (float)(lr0 * pow(gamma, (double)(t / step)));
}
