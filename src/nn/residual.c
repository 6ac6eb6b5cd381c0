/* Residual addition of ResNet's BasicBlock and MobileNetV2's inverted residual:
 * out = a + b (out may equal a), alone or with the activation after it
 * (ResNet's relu(out + identity)) applied chunk by chunk while it is in cache. */
#include "nn/layers.h"
#include "nn/simd.h"

#define CHUNK 16384
#define PARALLEL_MIN 65536

NN_CLONES static void add_span(float *out, const float *a, const float *b, size_t n)
{
    NN_SIMD for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/* db += g */
NN_CLONES static void acc_span(float *db, const float *g, size_t n)
{
    NN_SIMD for (size_t i = 0; i < n; i++) db[i] += g[i];
}

/* out = act(a + b); act(x·1 + 0) = act(x) exactly, so the activation is
 * nn_affine_act with scale 1, shift 0. */
void nn_add_act_forward(float *out, const float *a, const float *b, size_t n, nn_act act)
{
#pragma omp parallel for schedule(static) if (n > PARALLEL_MIN)
    for (size_t i = 0; i < n; i += CHUNK) {
        const size_t m = n - i < CHUNK ? n - i : CHUNK;
        add_span(out + i, a + i, b + i, m);
        if (act != NN_ACT_NONE) nn_affine_act(out + i, out + i, m, 1.0f, 0.0f, act);
    }
}

void nn_add_forward(float *out, const float *a, const float *b, size_t n)
{
    nn_add_act_forward(out, a, b, n, NN_ACT_NONE);
}

/* With g = dout·act'(out) (stored back into dout, as the in-place activation's
 * backward would): ∂L/∂a = ∂L/∂b = g, both branches receive the whole gradient
 * (accumulated). da may equal dout (in-place add), in which case it already
 * holds it. */
void nn_add_act_backward(float *da, float *db, float *dout, const float *out, size_t n,
                         nn_act act)
{
#pragma omp parallel for schedule(static) if (n > PARALLEL_MIN)
    for (size_t i = 0; i < n; i += CHUNK) {
        const size_t m = n - i < CHUNK ? n - i : CHUNK;
        if (act != NN_ACT_NONE) nn_act_backward(dout + i, dout + i, out + i, m, act);
        if (db) acc_span(db + i, dout + i, m);
        if (da && da != dout) acc_span(da + i, dout + i, m);
    }
}

void nn_add_backward(float *da, float *db, const float *dout, size_t n)
{
    /* NN_ACT_NONE never writes dout */
    nn_add_act_backward(da, db, (float *)dout, NULL, n, NN_ACT_NONE);
}
