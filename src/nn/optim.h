/* Optimisers and learning-rate schedules over flat float arrays, written as
 * PyTorch 1.13's torch.optim implements them (not as the papers print them:
 * the placement of weight decay, dampening and ε differs between the two). */
#ifndef MC_NN_OPTIM_H
#define MC_NN_OPTIM_H
#include <stddef.h>

enum { NN_OPT_SGD = 1, NN_OPT_ADAM = 2, NN_OPT_ADAMW = 3 };

typedef struct {
    int kind;                 /* NN_OPT_SGD / NN_OPT_ADAM / NN_OPT_ADAMW */
    float lr, momentum, weight_decay, beta1, beta2, eps;
    int nesterov;
} nn_optim_cfg;

/* SGD (torch.optim.SGD, dampening 0):
 *   g ← g + wd·w;  buf ← μ·buf + g  (buf starts at 0, so the first step sets buf = g)
 *   d = nesterov ? g + μ·buf : buf;  w ← w − lr·d
 * buf may be NULL when μ = 0. */
void nn_sgd_update(float *w, const float *g, float *buf, size_t n, const nn_optim_cfg *c);

/* Adam (decoupled = 0, torch.optim.Adam) and AdamW (decoupled = 1, torch.optim.AdamW);
 * t is the step number starting at 1:
 *   Adam:  g ← g + wd·w          AdamW: w ← w·(1 − lr·wd)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
 *   w ← w − (lr/(1 − β1ᵗ)) · m / (√v/√(1 − β2ᵗ) + ε)      (ε added after the correction) */
void nn_adam_update(float *w, const float *g, float *m, float *v, size_t n,
                    const nn_optim_cfg *c, long t, int decoupled);

/* Cosine annealing (torch.optim.lr_scheduler.CosineAnnealingLR, closed form):
 * lr_t = lr_min + (lr0 − lr_min)·(1 + cos(π·t/T))/2, for t in [0, T]. */
float nn_lr_cosine(float lr0, float lr_min, long t, long T);
/* Step decay (StepLR): lr_t = lr0 · γ^⌊t/step⌋. */
float nn_lr_step(float lr0, float gamma, long step, long t);

#endif
