/* Inside of nn_model, shared by model.c (planning, forward, backward, step),
 * the two network builders and model_io.c. Not installed: callers use model.h.
 * A network is a flat list of ops over numbered activation slots, and a table
 * of named tensors whose data live in a few contiguous buffers. */
#ifndef MC_NN_MODEL_IMPL_H
#define MC_NN_MODEL_IMPL_H
#include "nn/model.h"
#include "nn/rng.h"

/* Where a tensor lives: trainable parameters (params/grads), running statistics
 * (running), or int64 batch counters (counts). */
typedef enum { NN_ROLE_PARAM, NN_ROLE_RUNNING, NN_ROLE_COUNT } nn_role;

/* How torchvision initialises it (init.c). */
typedef enum {
    NN_INIT_ZERO, NN_INIT_ONE, NN_INIT_CONV_KAIMING_OUT, NN_INIT_LINEAR_DEFAULT_W,
    NN_INIT_LINEAR_DEFAULT_B, NN_INIT_NORMAL_001
} nn_init_kind;

typedef struct {
    char name[64];
    int ndim;
    int64_t shape[4];
    size_t numel, off;        /* offset in the buffer of its role */
    nn_role role;
    nn_init_kind init;
} nn_tensor_info;

typedef enum {
    NN_OP_CONV, NN_OP_DWCONV, NN_OP_BN, NN_OP_RELU, NN_OP_RELU6, NN_OP_MAXPOOL, NN_OP_GAP,
    NN_OP_LINEAR, NN_OP_ADD, NN_OP_DROPOUT
} nn_op_kind;

typedef struct {
    nn_op_kind kind;
    int x, x2, y;             /* activation slots read (x, and x2 for add) and written */
    int w, b;                 /* tensor indices of weight and bias, −1 when none */
    int rm, rv, nbt;          /* batch norm: running mean, running var, counter */
    int cout, k, stride, pad, groups;
    /* planned for one input shape */
    nn_conv_geom cg;
    nn_pool_geom pg;
    nn_bn_geom bg;
    size_t aux;               /* arena offset of BN's saved μ,1/σ or dropout mask; argmax offset */
    size_t uoff;              /* conv: offset of its Winograd-transformed kernels in kern */
} nn_op;

typedef struct {
    int C, H, W;              /* per image; H, W planned per input shape */
    size_t off;               /* arena offset of (B,C,H,W) values (and of their gradient) */
} nn_slot;

struct nn_model {
    nn_arch arch;
    int outputs;
    float dropout_p;
    nn_tensor_info *t;
    int nt;
    nn_op *ops;
    int nops;
    nn_slot *slots;
    int nslots;
    int build_failed;
    /* the parameters as one buffer, with gradients and optimiser state alike */
    float *params, *grads, *opt_m, *opt_v;
    size_t nparams;
    float *running;
    size_t nrunning;
    int64_t *counts;
    size_t ncounts;
    long step;
    nn_rng rng;
    /* work memory, planned for (B,H,W,train) */
    int pB, pH, pW, ptrain;
    int pthreads;             /* OpenMP threads the scratch was sized for (per-thread buffers) */
    float *arena;             /* activations, saved statistics, masks, im2col scratch */
    float *garena;            /* gradients of activations (training plans only) */
    unsigned char *gready;    /* per slot: its gradient has been cleared or written in
                               * the current backward pass */
    int32_t *iarena;          /* max-pool argmax */
    float *col;
    float *kern;              /* Winograd-transformed conv kernels (in arena) */
    int kernels_fresh;        /* kern matches params (cleared by anything that may write them) */
    size_t arena_floats;
    int have_train_forward;
};

/* Builders used by resnet18.c and mobilenetv2.c; each returns the output slot. */
int nn_build_input(nn_model *m, int C);
int nn_build_conv(nn_model *m, const char *name, int x, int cout, int k, int stride, int pad,
                  int groups);
int nn_build_bn(nn_model *m, const char *name, int x);
int nn_build_relu(nn_model *m, int x, int six);
int nn_build_maxpool(nn_model *m, int x, int k, int stride, int pad);
int nn_build_gap(nn_model *m, int x);
int nn_build_linear(nn_model *m, const char *name, int x, int nout, nn_init_kind wi,
                    nn_init_kind bi);
int nn_build_add(nn_model *m, int x, int x2);
int nn_build_dropout(nn_model *m, int x);

void nn_resnet18_build(nn_model *m, int num_outputs);
void nn_mobilenetv2_build(nn_model *m, int num_outputs);

/* Allocate an empty model of arch (structure built, buffers zeroed). */
mc_err nn_model_alloc(nn_model **m, nn_arch arch, int num_outputs);
/* torchvision's initialisation of every tensor (init.c). */
void nn_model_init_weights(nn_model *m, uint64_t seed);
int nn_model_find(const nn_model *m, const char *name);

#endif
