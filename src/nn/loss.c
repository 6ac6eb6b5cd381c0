/* Losses: mean squared error and softmax cross-entropy, both averaged as
 * PyTorch's reduction='mean'. Sums in double. */
#include "nn/layers.h"

#include <math.h>

/* L = (1/n) Σ (p − t)²,  ∂L/∂p = 2(p − t)/n   (F.mse_loss) */
float nn_mse_loss(const float *pred, const float *target, int n, float *dpred)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        const double d = (double)pred[i] - target[i];
        s += d * d;
        if (dpred) dpred[i] = (float)(2.0 * d / n);
    }
    return (float)(s / n);
}

/* L = (1/B) Σ_b [log Σ_k e^{z_bk} − z_{b,y_b}],  ∂L/∂z_bk = (softmax(z_b)_k − [k = y_b])/B
 * (F.cross_entropy; the maximum is subtracted before exponentiating). */
float nn_cross_entropy_loss(const float *logits, const int64_t *labels, int B, int K,
                            float *dlogits)
{
    double total = 0;
    for (int b = 0; b < B; b++) {
        const float *z = logits + (size_t)b * K;
        double mx = z[0], se = 0;
        for (int k = 1; k < K; k++) mx = z[k] > mx ? z[k] : mx;
        for (int k = 0; k < K; k++) se += exp(z[k] - mx);
        const double lse = mx + log(se);
        const int64_t y = labels[b] >= 0 && labels[b] < K ? labels[b] : 0;
        total += lse - z[y];
        if (dlogits)
            for (int k = 0; k < K; k++)
                dlogits[(size_t)b * K + k] = (float)((exp(z[k] - lse) - (k == y)) / B);
    }
    return (float)(total / B);
}
