/* Dropout with inverted scaling, torch.nn.Dropout(p) in training mode: each
 * element is kept with probability 1 − p and scaled by 1/(1 − p), so the
 * expectation is unchanged and evaluation mode is the identity. The mask comes
 * from our seeded generator (rng.h), not torch's, so masks differ from PyTorch's. */
#include "nn/layers.h"
#include "nn/rng.h"

/* mask[i] = [u_i ≥ p]/(1 − p),  y = x·mask  (out may equal in) */
void nn_dropout_forward(float *out, float *mask, const float *in, size_t n, float p,
                        struct nn_rng *rng)
{
    const float keep = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    for (size_t i = 0; i < n; i++) {
        mask[i] = nn_rng_uniform(rng) >= (double)p ? keep : 0.0f;
        out[i] = in[i] * mask[i];
    }
}

/* dx = dy·mask  (din may equal dout) */
void nn_dropout_backward(float *din, const float *dout, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++) din[i] = dout[i] * mask[i];
}
