/* Training the key network on metadata records against a teacher mapping
 * (the paper's step 3, "train DL model to correlate metadata with chaotic
 * parameters"), with synthetic records to reach a useful sample count, a
 * validation split, a loss-curve CSV, checkpoints and resume. */
#ifndef MC_KEYNET_TRAIN_H
#define MC_KEYNET_TRAIN_H
#include <stddef.h>
#include <stdint.h>
#include "keynet/keynet.h"
#include "nn/optim.h"

/* Data parallelism across processes (src/mpi fills it in): process `rank` of
 * `size` computes every size-th shard of each global batch; reduce() then sums
 * the gradients (and the loss) over all processes and averages the batch-norm
 * running statistics, so every process takes the same optimiser step. agree()
 * checks at the end of each epoch that every process holds the same weights.
 * Only rank 0 reports progress and writes files. */
typedef struct {
    int rank, size;
    mc_err (*reduce)(void *ctx, nn_model *net, double *loss);
    mc_err (*agree)(void *ctx, nn_model *net);
    void *ctx;
} keynet_parallel;

typedef struct {
    nn_arch arch;
    chaos_map map;
    keynet_teacher teacher;
    int size;             /* metadata image side S (paper: 224) */
    int epochs, batch;
    int shards;           /* micro-batches of `batch` per step (default 1): a global batch of
                           * shards·batch whose gradients are accumulated, which is exactly
                           * what `shards` data-parallel processes compute together */
    const keynet_parallel *par;  /* NULL: this process computes every shard */
    int samples;          /* real records plus synthetic ones up to this count */
    double val_frac;      /* share held out for validation */
    nn_optim_cfg opt;
    int cosine;           /* cosine learning-rate schedule over all steps */
    double spread;        /* weight λ of the anti-collapse term (0: none; docs/KEYGEN.md §3) */
    uint64_t seed;        /* initialisation, synthetic records, shuffling */
    const char *csv_path; /* loss curve, or NULL */
    const char *ckpt_path;/* checkpoint after each epoch (and resume from it), or NULL */
} keynet_train_cfg;

void keynet_train_defaults(keynet_train_cfg *c);

typedef struct {
    int epoch, epochs;
    size_t step, steps;   /* within the epoch */
    double train_loss, val_loss, img_per_s, eta_s;
    double val_mean_loss; /* validation loss of the constant predictor (the training targets' mean):
                           * val_loss / val_mean_loss below 1 means the network learnt something */
} keynet_progress;

typedef void (*keynet_progress_fn)(void *ctx, const keynet_progress *p, int end_of_epoch);

/* Train and write the network to out_path (safetensors + medchaos.* metadata).
 * final receives the last epoch's figures. */
mc_err keynet_train(const keynet_train_cfg *cfg, const meta_record *real, size_t nreal,
                    const char *out_path, int force, keynet_progress_fn cb, void *ctx,
                    keynet_progress *final);

/* The training set keynet_train builds from cfg (real records, then synthetic
 * ones up to cfg->samples; targets from the teacher; one seeded split): n
 * records and their n×K targets; order[0..ntrain) is the training part,
 * order[ntrain..n) the held-out part. Free with keynet_dataset_free. For the
 * fixture generator (tests/gen_keynet_fixture.py) and tools. */
typedef struct {
    meta_record *rec;
    float *target;
    size_t *order;
    size_t n, ntrain;
    int K;
} keynet_dataset;
mc_err keynet_dataset_build(const keynet_train_cfg *cfg, const meta_record *real, size_t nreal, keynet_dataset *d);
void keynet_dataset_free(keynet_dataset *d);

/* May cfg->ckpt_path resume this run? Its medchaos.* metadata must name this
 * map, teacher and input size and an epoch within the budget (MC_E_MISMATCH
 * or MC_E_FORMAT otherwise), and its tensors this architecture with
 * keynet_outputs(map) outputs, all checked before a byte is copied. On success
 * *first_epoch is the epoch to run next and *net (unless net is NULL) the
 * loaded network. */
mc_err keynet_resume_check(const keynet_train_cfg *cfg, int *first_epoch, nn_model **net);

/* Write a network with the metadata keynet_load expects. */
mc_err keynet_save(const nn_model *net, chaos_map map, keynet_teacher t, int size, int epoch,
                   const char *path, int force);

/* Deterministic synthetic record number i for a seed: a uniformly drawn second
 * between 1990-01-01 and 2030-12-31 (docs/KEYGEN.md). */
void keynet_synthetic_record(uint64_t seed, uint64_t i, meta_record *m);

#endif
