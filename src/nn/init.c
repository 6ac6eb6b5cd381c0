/* torchvision's weight initialisation, drawn from our seeded generator (rng.h):
 * the same distributions as torch, not the same numbers (torch uses its own
 * Mersenne Twister and sampling order).
 *   ResNet-18:   conv kaiming_normal_(mode='fan_out', nonlinearity='relu'),
 *                BN weight 1 bias 0, fc as nn.Linear's default reset_parameters.
 *   MobileNetV2: conv kaiming_normal_(mode='fan_out'), BN 1/0,
 *                classifier Linear normal(0, 0.01), bias 0. */
#include "nn/model_impl.h"

#include <math.h>

void nn_model_init_weights(nn_model *m, uint64_t seed)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (int i = 0; i < m->nt; i++) {
        const nn_tensor_info *t = &m->t[i];
        if (t->role == NN_ROLE_COUNT) {
            m->counts[t->off] = 0;
            continue;
        }
        float *d = (t->role == NN_ROLE_PARAM ? m->params : m->running) + t->off;
        double fan_in = t->ndim >= 2 ? (double)t->shape[1] : 1.0;
        if (t->init == NN_INIT_LINEAR_DEFAULT_B && i > 0) fan_in = (double)m->t[i - 1].shape[1];
        for (size_t j = 0; j < t->numel; j++) {
            double v = 0.0;
            switch (t->init) {
            case NN_INIT_ZERO: v = 0.0; break;
            case NN_INIT_ONE: v = 1.0; break;
            case NN_INIT_CONV_KAIMING_OUT:
                /* std = gain/√fan_out, gain = √2 for ReLU; fan_out = Cout·K·K
                 * (torch's _calculate_fan_in_and_fan_out ignores groups). */
                v = nn_rng_normal(&r) *
                    sqrt(2.0 / (double)(t->shape[0] * t->shape[2] * t->shape[3]));
                break;
            case NN_INIT_LINEAR_DEFAULT_W:
                /* kaiming_uniform_(a=√5): bound = √(6/((1+a²)·fan_in)) = 1/√fan_in */
            case NN_INIT_LINEAR_DEFAULT_B:
                /* uniform(−1/√fan_in, 1/√fan_in) */
                v = (2.0 * nn_rng_uniform(&r) - 1.0) / sqrt(fan_in);
                break;
            case NN_INIT_NORMAL_001: v = 0.01 * nn_rng_normal(&r); break;
            }
            d[j] = (float)v;
        }
    }
    nn_rng_seed(&m->rng, seed ^ 0xD1B54A32D192ED03ull);  /* dropout masks */
}
