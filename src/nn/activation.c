/* ReLU and ReLU6, element-wise and in place (out may equal in), alone or after
 * a per-channel affine map (batch norm fused with the activation that follows
 * it). Backward reads the OUTPUT, which is what PyTorch's in-place ReLU
 * (torchvision uses inplace=True) keeps: y > 0 ⇔ x > 0, and 0 < y < 6 ⇔ 0 < x < 6.
 * The comparisons are written as selects (c ? a : b) with no branch, which the
 * compiler turns into vector compare-and-blend; a NaN input gives 0, as before. */
#include "nn/layers.h"
#include "nn/simd.h"

/* Element-wise loops are split into chunks for the threads; below 64 Ki values
 * a parallel region costs more than it saves. */
#define CHUNK 16384
#define PARALLEL_MIN 65536

static inline size_t span(size_t i, size_t n) { return n - i < CHUNK ? n - i : CHUNK; }

/* relu(x) = max(x, 0);  relu6(x) = min(max(x, 0), 6)   (torch.nn.ReLU6 = hardtanh(x, 0, 6)) */
static inline float relu(float x) { return x > 0.0f ? x : 0.0f; }
static inline float relu6(float x)
{
    const float r = relu(x);
    return r < 6.0f ? r : 6.0f;
}

/* y = act(x·s + t). One loop per activation, so each is a plain vector loop. */
NN_CLONES void nn_affine_act(float *out, const float *in, size_t n, float s, float t, nn_act act)
{
    switch (act) {
    case NN_ACT_NONE:
        NN_SIMD for (size_t i = 0; i < n; i++) out[i] = in[i] * s + t;
        break;
    case NN_ACT_RELU:
        NN_SIMD for (size_t i = 0; i < n; i++) out[i] = relu(in[i] * s + t);
        break;
    case NN_ACT_RELU6:
        NN_SIMD for (size_t i = 0; i < n; i++) out[i] = relu6(in[i] * s + t);
        break;
    }
}

/* y[i] = act(x[i]·s[i] + t[i]): the same with a constant per value, for planes
 * too small for a vector loop of their own (batchnorm.c spreads the per-channel
 * constants over a whole image). */
NN_CLONES void nn_affine_act_each(float *out, const float *in, size_t n, const float *s,
                                  const float *t, nn_act act)
{
    switch (act) {
    case NN_ACT_NONE:
        NN_SIMD for (size_t i = 0; i < n; i++) out[i] = in[i] * s[i] + t[i];
        break;
    case NN_ACT_RELU:
        NN_SIMD for (size_t i = 0; i < n; i++) out[i] = relu(in[i] * s[i] + t[i]);
        break;
    case NN_ACT_RELU6:
        NN_SIMD for (size_t i = 0; i < n; i++) out[i] = relu6(in[i] * s[i] + t[i]);
        break;
    }
}

/* dx = dy · [y > 0]       (torch's threshold_backward: the gradient at 0 is 0)
 * dx = dy · [0 < y < 6]   (hardtanh_backward: 0 at both corners) */
NN_CLONES void nn_act_backward(float *din, const float *dout, const float *out, size_t n,
                               nn_act act)
{
    switch (act) {
    case NN_ACT_NONE:
        if (din != dout) NN_SIMD for (size_t i = 0; i < n; i++) din[i] = dout[i];
        break;
    case NN_ACT_RELU:
        NN_SIMD for (size_t i = 0; i < n; i++) din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
        break;
    case NN_ACT_RELU6:
        NN_SIMD for (size_t i = 0; i < n; i++)
            din[i] = (out[i] > 0.0f) & (out[i] < 6.0f) ? dout[i] : 0.0f;
        break;
    }
}

/* The whole-tensor layers: the serial kernels above, chunk by chunk in parallel.
 * (x·1 + 0 = x exactly, so ReLU is the affine map with s = 1, t = 0.) */
static void act_forward(float *out, const float *in, size_t n, nn_act act)
{
#pragma omp parallel for schedule(static) if (n > PARALLEL_MIN)
    for (size_t i = 0; i < n; i += CHUNK) nn_affine_act(out + i, in + i, span(i, n), 1.0f, 0.0f, act);
}

static void act_backward(float *din, const float *dout, const float *out, size_t n, nn_act act)
{
#pragma omp parallel for schedule(static) if (n > PARALLEL_MIN)
    for (size_t i = 0; i < n; i += CHUNK) nn_act_backward(din + i, dout + i, out + i, span(i, n), act);
}

void nn_relu_forward(float *out, const float *in, size_t n) { act_forward(out, in, n, NN_ACT_RELU); }
void nn_relu_backward(float *din, const float *dout, const float *out, size_t n)
{
    act_backward(din, dout, out, n, NN_ACT_RELU);
}
void nn_relu6_forward(float *out, const float *in, size_t n) { act_forward(out, in, n, NN_ACT_RELU6); }
void nn_relu6_backward(float *din, const float *dout, const float *out, size_t n)
{
    act_backward(din, dout, out, n, NN_ACT_RELU6);
}
