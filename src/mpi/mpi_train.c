/* Data-parallel training over MPI ranks (batch_train_setup of src/cli/batch.h):
 * each rank computes the gradients of its shard of every global batch
 * (src/keynet/train.c); here they are summed with one MPI_Allreduce, so every
 * rank takes the same optimiser step and keeps identical weights.
 * Batch normalisation uses each rank's own batch statistics in the forward pass
 * (as PyTorch's DistributedDataParallel without SyncBatchNorm); the running
 * statistics are then averaged over the ranks after every step, so the model
 * every rank holds, and rank 0 saves, is one model. With one shard per rank
 * the result is bit for bit that of `medchaos train --shards N` in one process. */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "crypto/sha256.h"
#include "mpi/mpi_gate.h"

typedef struct {
    int size;
    float *pack;   /* every gradient, then every running statistic */
    float *in;     /* the partial sum received from the previous rank */
    size_t n;
} mpi_train_ctx;

/* Visit every tensor of net: gradients of parameters (grad != NULL), then the
 * values of buffers (running statistics), in the model's fixed order. Copies
 * them into pack (dir 0) or back out of it (dir 1, buffers divided by size). */
static size_t walk(nn_model *net, float *pack, int dir, int size)
{
    size_t at = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; nn_model_tensor_name(net, i); i++) {
            float *data, *grad;
            size_t n;
            if (nn_model_tensor(net, nn_model_tensor_name(net, i), &data, &grad, &n)) continue;
            float *t = pass == 0 ? grad : (grad ? NULL : data);
            if (!t) continue;
            if (pack && dir == 0) memcpy(pack + at, t, n * sizeof *t);
            if (pack && dir == 1 && pass == 0) memcpy(t, pack + at, n * sizeof *t);
            if (pack && dir == 1 && pass == 1)
                for (size_t k = 0; k < n; k++) t[k] = pack[at + k] / (float)size;
            at += n;
        }
    return at;
}

/* The sum over ranks in rank order, ((g0 + g1) + g2) + ..., as one process
 * running the same shards sums them (src/keynet/train.c): rank r receives the
 * sum of ranks 0..r-1, adds its own and passes it on; the last rank's total is
 * broadcast. MPI_Allreduce would pick its own order for three or more ranks,
 * and floating-point addition is not associative. */
static void ordered_sum(float *pack, float *in, size_t n, double *loss, int rank, int size)
{
    double lin;
    if (rank > 0) {
        MPI_Recv(in, (int)n, MPI_FLOAT, rank - 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(&lin, 1, MPI_DOUBLE, rank - 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (size_t k = 0; k < n; k++) pack[k] = in[k] + pack[k];
        *loss = lin + *loss;
    }
    if (rank < size - 1) {
        MPI_Send(pack, (int)n, MPI_FLOAT, rank + 1, 1, MPI_COMM_WORLD);
        MPI_Send(loss, 1, MPI_DOUBLE, rank + 1, 2, MPI_COMM_WORLD);
    }
    MPI_Bcast(pack, (int)n, MPI_FLOAT, size - 1, MPI_COMM_WORLD);
    MPI_Bcast(loss, 1, MPI_DOUBLE, size - 1, MPI_COMM_WORLD);
}

static mc_err reduce(void *vctx, nn_model *net, double *loss)
{
    mpi_train_ctx *c = vctx;
    if (!c->pack) {
        c->n = walk(net, NULL, 0, c->size);
        c->pack = malloc(c->n * sizeof *c->pack);
        c->in = malloc(c->n * sizeof *c->in);
        if (!c->pack || !c->in) return mc_fail(MC_E_NOMEM, "cannot allocate the gradient buffer");
    }
    walk(net, c->pack, 0, c->size);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    ordered_sum(c->pack, c->in, c->n, loss, rank, c->size);
    walk(net, c->pack, 1, c->size);
    return MC_OK;
}

/* SHA-256 of every parameter and running statistic, compared with rank 0's. */
static mc_err agree(void *vctx, nn_model *net)
{
    (void)vctx;
    sha256_ctx h;
    sha256_init(&h);
    for (int i = 0; nn_model_tensor_name(net, i); i++) {
        float *data, *grad;
        size_t n;
        if (!nn_model_tensor(net, nn_model_tensor_name(net, i), &data, &grad, &n))
            sha256_update(&h, data, n * sizeof *data);
    }
    uint8_t mine[32], first[32];
    sha256_final(&h, mine);
    memcpy(first, mine, 32);
    MPI_Bcast(first, 32, MPI_BYTE, 0, MPI_COMM_WORLD);
    int same = memcmp(first, mine, 32) == 0, all = 0;
    MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all ? MC_OK : mc_fail(MC_E_MISMATCH, "the ranks' weights differ after an epoch");
}

static mpi_train_ctx train_ctx;
static keynet_parallel par;

mc_err batch_train_setup(keynet_train_cfg *cfg)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (cfg->shards == 1) cfg->shards = size;
    if (cfg->shards % size)
        return mc_fail(MC_E_ARG, "--shards %d is not a multiple of the %d ranks", cfg->shards, size);
    if (!mpi_gate(1)) return mc_fail(MC_E_ARG, "another rank failed to start");
    train_ctx = (mpi_train_ctx){size, NULL, NULL, 0};
    par = (keynet_parallel){rank, size, reduce, agree, &train_ctx};
    cfg->par = &par;
    return MC_OK;
}

void mpi_train_release(void)
{
    free(train_ctx.pack);
    free(train_ctx.in);
    train_ctx.pack = train_ctx.in = NULL;
}
