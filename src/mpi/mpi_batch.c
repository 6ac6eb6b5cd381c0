/* batch_run (src/cli/batch.h) over MPI ranks: rank 0 hands out one item index at
 * a time, so a rank that drew a large image simply asks later and large and
 * small images balance out. Rank 0 works too, answering every waiting request
 * before each of its own items. Failures travel back with the next request and
 * rank 0 reports them at the end; one failed image never stops the others. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/batch.h"
#include "mpi/mpi_gate.h"

enum { TAG_REQUEST = 1, TAG_ITEM = 2 };

typedef struct {
    const batch_list *b;
    int *codes;          /* exit code per item */
    size_t next, done;   /* next item to hand out; items finished */
    int finished;        /* workers told to stop */
    double t0;
    int tty;
    const char *verb;
} master;

static void record(master *m, size_t i, int code)
{
    m->codes[i] = code;
    m->done++;
    if (m->b->n > 1) batch_progress(m->done, m->b->n, m->t0, m->tty, m->verb, m->b->in[i]);
}

/* Answer one request: {index of the item just finished or -1, its exit code};
 * the reply is the next index, or -1 when none is left. */
static void serve(master *m)
{
    int64_t req[2], item = -1;
    MPI_Status st;
    MPI_Recv(req, 2, MPI_INT64_T, MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &st);
    if (req[0] >= 0 && (size_t)req[0] < m->b->n) record(m, (size_t)req[0], (int)req[1]);
    if (m->next < m->b->n) item = (int64_t)m->next++;
    else m->finished++;
    MPI_Send(&item, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_ITEM, MPI_COMM_WORLD);
}

static void run_master(master *m, int workers, int (*fn)(size_t, void *), void *ctx)
{
    while (m->next < m->b->n) {
        int waiting = 1;
        while (waiting) {
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &waiting, MPI_STATUS_IGNORE);
            if (waiting) serve(m);
        }
        if (m->next < m->b->n) {
            size_t i = m->next++;
            record(m, i, fn(i, ctx));
        }
    }
    while (m->finished < workers) serve(m);
}

static void run_worker(int (*fn)(size_t, void *), void *ctx)
{
    int64_t req[2] = {-1, 0}, item;
    for (;;) {
        MPI_Send(req, 2, MPI_INT64_T, 0, TAG_REQUEST, MPI_COMM_WORLD);
        MPI_Recv(&item, 1, MPI_INT64_T, 0, TAG_ITEM, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (item < 0) return;
        req[0] = item;
        req[1] = fn((size_t)item, ctx);
    }
}

int batch_run(const batch_list *b, int jobs, int (*fn)(size_t i, void *ctx), void *ctx, const char *verb)
{
    (void)jobs;
    int rank, size, rc = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int *codes = rank == 0 ? calloc(b->n, sizeof *codes) : NULL;
    if (!mpi_gate(rank != 0 || codes != NULL)) {
        free(codes);
        return rank == 0 && !codes ? (int)MC_E_NOMEM + 1 : 2;
    }
    if (rank != 0) {
        run_worker(fn, ctx);
    } else {
        master m = {b, codes, 0, 0, 0, batch_now(), isatty(STDERR_FILENO) && b->n > 1, verb};
        run_master(&m, size - 1, fn, ctx);
        size_t failed = 0;
        for (size_t i = 0; i < b->n; i++)
            if (codes[i]) {
                if (!failed++) fprintf(stderr, "medchaos-mpi: failed:");
                fprintf(stderr, " %s", b->in[i]);
                if (!rc) rc = codes[i];
            }
        if (failed) fprintf(stderr, "\nmedchaos-mpi: %zu of %zu images failed\n", failed, b->n);
        free(codes);
    }
    /* Every rank exits with rank 0's verdict, so mpirun's status is the job's. */
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}
