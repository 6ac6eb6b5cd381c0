/* Batches for encrypt/decrypt: expand inputs (files or directories), run one
 * callback per item on all cores, show progress (a bar with count, images/s and
 * ETA on a terminal, plain lines otherwise) and collect per-item failures. */
#ifndef MC_CLI_BATCH_H
#define MC_CLI_BATCH_H
#include <stddef.h>
#include "keynet/train.h"
#include "util/err.h"

typedef struct {
    char **in;      /* input paths */
    char **out;     /* output paths (same count) */
    size_t n;
} batch_list;

/* Build the list from argv-style inputs. With out_dir NULL there must be exactly
 * one input and out_file names its output; with out_dir each output is
 * out_dir/<input base name, extension replaced by .png>. Directories are expanded
 * to their *.png, *.jpg, *.jpeg files (sorted), or with want_cipher to *.png
 * files that have a .key beside them. */
mc_err batch_build(batch_list *b, char **inputs, int ninputs, const char *out_file,
                   const char *out_dir, int want_cipher);
void batch_free(batch_list *b);

/* Runs fn(i, ctx) for every item with `jobs` threads (0: all cores). fn returns
 * an exit code (0 success) and prints its own one-line error. Returns the first
 * nonzero exit code in item order, or 0. medchaos has it from batch_local.c;
 * medchaos-mpi from src/mpi/mpi_batch.c, which hands the items out over MPI
 * ranks (jobs is then ignored: one item per rank at a time). */
int batch_run(const batch_list *b, int jobs, int (*fn)(size_t i, void *ctx), void *ctx, const char *verb);

/* How training spreads: nothing to do in medchaos (batch_local.c); in
 * medchaos-mpi (src/mpi/mpi_train.c) it sets cfg->par to the MPI ranks' data
 * parallelism and cfg->shards to the number of ranks unless given. */
mc_err batch_train_setup(keynet_train_cfg *cfg);

/* One progress report: a bar on a terminal (tty), a plain line otherwise. */
double batch_now(void);
void batch_progress(size_t done, size_t n, double t0, int tty, const char *verb, const char *item);

#endif
