/* How the medchaos command spreads its work inside one process: batch items over
 * OpenMP threads, training in this process alone. medchaos-mpi links
 * src/mpi/mpi_batch.c and src/mpi/mpi_train.c in place of this file, which
 * spread the same work over MPI ranks. */
#include "cli/batch.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int batch_run(const batch_list *b, const batch_opts *o, int (*fn)(size_t i, void *ctx), void *ctx,
              const char *verb)
{
    int *codes = calloc(b->n, sizeof *codes);
    char **reasons = calloc(b->n, sizeof *reasons);
    if (!codes || !reasons) {
        free(codes);
        free(reasons);
        return cli_fail(NULL, mc_fail(MC_E_NOMEM, "out of memory"));
    }
    int tty = isatty(STDERR_FILENO) && b->n > 1, quiet = b->n == 1;
    size_t done = 0;
    double t0 = batch_now();
    int jobs = o->jobs;
#ifdef _OPENMP
    if (jobs <= 0) jobs = omp_get_num_procs() < BATCH_MAX_JOBS ? omp_get_num_procs() : BATCH_MAX_JOBS;
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
#endif
    for (size_t i = 0; i < b->n; i++) {
        codes[i] = b->skip[i] ? BATCH_SKIPPED : fn(i, ctx);
        /* cli_fail's line is per thread: take it before this thread's next item. */
        if (codes[i] > 0) reasons[i] = strdup(cli_last_failure());
#ifdef _OPENMP
#pragma omp critical(batch_progress)
#endif
        {
            done++;
            if (!quiet) batch_progress(done, b->n, t0, tty, verb, b->in[i]);
        }
    }
    (void)jobs;
    int rc = batch_report(b, o, codes, reasons, verb);
    for (size_t i = 0; i < b->n; i++) free(reasons[i]);
    free(reasons);
    free(codes);
    return rc;
}

int batch_leader(void) { return 1; }

mc_err batch_train_setup(keynet_train_cfg *cfg)
{
    (void)cfg;
    return MC_OK;
}
