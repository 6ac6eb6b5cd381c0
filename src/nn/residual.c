/* Residual addition of ResNet's BasicBlock and MobileNetV2's inverted residual:
 * out = a + b (out may equal a). */
#include "nn/layers.h"

void nn_add_forward(float *out, const float *a, const float *b, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/* ∂L/∂a = ∂L/∂b = dout: both branches receive the whole gradient (accumulated).
 * da may equal dout (in-place add), in which case it already holds it. */
void nn_add_backward(float *da, float *db, const float *dout, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        const float d = dout[i];
        if (db) db[i] += d;
        if (da && da != dout) da[i] += d;
    }
}
