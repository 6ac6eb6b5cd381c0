/* The two networks of the paper, ResNet-18 and MobileNetV2, exactly as
 * torchvision 0.14 defines them (same layers, same state_dict names), with
 * training (forward, backward, optimiser step) and inference on CPU.
 * Weights travel as safetensors files under torchvision's names. */
#ifndef MC_NN_MODEL_H
#define MC_NN_MODEL_H
#include <stddef.h>
#include <stdint.h>

#include "nn/layers.h"
#include "nn/optim.h"
#include "util/err.h"

typedef enum { NN_RESNET18 = 1, NN_MOBILENETV2 = 2 } nn_arch;
typedef struct nn_model nn_model;

/* A fresh network with torchvision's initialisation (see init.c) drawn from our
 * seeded generator: same distributions as torch, not the same numbers. */
mc_err nn_model_new(nn_model **m, nn_arch arch, int num_outputs, uint64_t seed);
/* Load a state_dict; the architecture is detected from the tensor names and the
 * number of outputs from fc.weight / classifier.1.weight. Strict: a missing,
 * extra, mistyped or misshapen tensor is MC_E_FORMAT naming the tensor. */
mc_err nn_model_load(nn_model **m, const char *safetensors_path);
/* The same, refusing with MC_E_MISMATCH a file whose architecture is not arch
 * or whose outputs are not outputs (0: any), before any model is allocated:
 * the caller's buffers are sized for what it expects (train's resume, keynet). */
mc_err nn_model_load_as(nn_model **m, const char *safetensors_path, int arch, int outputs);
/* Write every parameter and buffer (running statistics, num_batches_tracked as
 * int64) under torchvision's names. Without force an existing file is MC_E_EXISTS. */
mc_err nn_model_save(const nn_model *m, const char *path, int force);
/* The same with nmeta extra "__metadata__" pairs (key, value, key, value, ...). */
mc_err nn_model_save_meta(const nn_model *m, const char *path, const char *const *meta_kv, size_t nmeta, int force);
void nn_model_free(nn_model *m);

nn_arch nn_model_arch(const nn_model *m);
int nn_model_outputs(const nn_model *m);
const char *nn_arch_name(nn_arch a);   /* "resnet18", "mobilenetv2" */
size_t nn_model_num_params(const nn_model *m);

/* in: (B,3,H,W) float32, any H, W ≥ 1 (as torchvision; the paper uses 224,
 * and ≥ 32 keeps every stage above 1×1); out: (B,K). train = 1 uses batch
 * statistics, updates the running statistics and draws dropout masks (as
 * model.train() in PyTorch); train = 0 is model.eval(). Work memory is planned
 * once per (B,H,W,train) and reused: a step allocates nothing. */
mc_err nn_model_forward(nn_model *m, const float *in, int B, int H, int W, float *out, int train);
/* After a train-mode forward: dout = ∂L/∂out (B,K); ACCUMULATES ∂L/∂θ into the
 * parameter gradients (zero them first with nn_model_zero_grad). Work memory
 * is sized for the OpenMP thread count of the forward: MC_E_ARG if more
 * threads are allowed now (a forward with a new count plans anew). */
mc_err nn_model_backward(nn_model *m, const float *dout);
void nn_model_zero_grad(nn_model *m);
/* Take one back from every num_batches_tracked: a data-parallel step that
 * forwards several shards in one process counts one batch, as each rank of a
 * data-parallel run does (src/keynet/train.c). */
void nn_model_uncount_batch(nn_model *m);
/* One optimiser step over all parameters (not the running statistics). */
mc_err nn_model_step(nn_model *m, const nn_optim_cfg *cfg);
/* Dropout probability of MobileNetV2's classifier (default 0.2; 0 disables it,
 * as tests that compare a train-mode pass with PyTorch need). No-op on ResNet. */
void nn_model_set_dropout(nn_model *m, float p);

/* Named access to one tensor (parameter or running statistic) for tests and
 * tools: its float data, gradient (NULL for buffers) and element count.
 * Returns MC_E_ARG when the name is unknown or names num_batches_tracked.
 * Asking for the data tells the network its weights may change, so the next
 * forward re-derives the convolutions' transformed kernels from them: write
 * through a pointer fetched after the last forward, not one kept from before. */
mc_err nn_model_tensor(nn_model *m, const char *name, float **data, float **grad, size_t *n);
/* The i-th tensor's state_dict name in torchvision's order, NULL past the end;
 * nn_model_tensor_shape gives its rank (0 for num_batches_tracked) and shape. */
const char *nn_model_tensor_name(const nn_model *m, int i);
int nn_model_tensor_shape(const nn_model *m, int i, int64_t shape[4]);

#endif
