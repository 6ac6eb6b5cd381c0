/* ReLU and ReLU6, element-wise and in place (out may equal in). Backward reads
 * the OUTPUT, which is what PyTorch's in-place ReLU (torchvision uses
 * inplace=True) keeps: y > 0 ⇔ x > 0, and 0 < y < 6 ⇔ 0 < x < 6. */
#include "nn/layers.h"

/* y = max(x, 0) */
void nn_relu_forward(float *out, const float *in, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

/* dx = dy · [y > 0]   (torch's threshold_backward: the gradient at 0 is 0) */
void nn_relu_backward(float *din, const float *dout, const float *out, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

/* y = min(max(x, 0), 6)   (torch.nn.ReLU6 = hardtanh(x, 0, 6)) */
void nn_relu6_forward(float *out, const float *in, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        const float x = in[i];
        out[i] = x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
    }
}

/* dx = dy · [0 < x < 6]   (hardtanh_backward: 0 at both corners) */
void nn_relu6_backward(float *din, const float *dout, const float *out, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) din[i] = (out[i] > 0.0f && out[i] < 6.0f) ? dout[i] : 0.0f;
}
