/* How the medchaos command spreads its work inside one process: batch items over
 * OpenMP threads, training in this process alone. medchaos-mpi links
 * src/mpi/mpi_batch.c and src/mpi/mpi_train.c in place of this file, which
 * spread the same work over MPI ranks. */
#include "cli/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int batch_run(const batch_list *b, int jobs, int (*fn)(size_t i, void *ctx), void *ctx, const char *verb)
{
    int *codes = calloc(b->n, sizeof *codes);
    if (!codes) {
        fprintf(stderr, "medchaos: out of memory\n");
        return (int)MC_E_NOMEM + 1;
    }
    int tty = isatty(STDERR_FILENO) && b->n > 1, quiet = b->n == 1;
    size_t done = 0;
    double t0 = batch_now();
#ifdef _OPENMP
    if (jobs <= 0) jobs = omp_get_num_procs();
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
#endif
    for (size_t i = 0; i < b->n; i++) {
        codes[i] = fn(i, ctx);
#ifdef _OPENMP
#pragma omp critical(batch_progress)
#endif
        {
            done++;
            if (!quiet) batch_progress(done, b->n, t0, tty, verb, b->in[i]);
        }
    }
    (void)jobs;
    int rc = 0;
    size_t failed = 0;
    for (size_t i = 0; i < b->n; i++)
        if (codes[i]) {
            failed++;
            if (!rc) rc = codes[i];
        }
    if (!quiet && failed) fprintf(stderr, "medchaos: %zu of %zu images failed\n", failed, b->n);
    free(codes);
    return rc;
}

mc_err batch_train_setup(keynet_train_cfg *cfg)
{
    (void)cfg;
    return MC_OK;
}
