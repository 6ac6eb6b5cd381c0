/* Dynamic work sharing over MPI ranks (mpi_share.h) and batch_run of
 * src/cli/batch.h on top of it: rank 0 hands out one item index at a time, so a
 * rank that drew a large image simply asks later and large and small images
 * balance out. Rank 0 works too, answering every waiting request before each of
 * its own items. Results (exit code, optional row of doubles) travel back with
 * the next request and rank 0 reports failures at the end; one failed item never
 * stops the others. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "mpi/mpi_gate.h"
#include "mpi/mpi_share.h"

enum { TAG_REQUEST = 1, TAG_ITEM = 2, TAG_ROW = 3 };

typedef struct {
    size_t n, row_len;
    int *codes;          /* exit code per item */
    double *rows;        /* row_len doubles per item */
    char *const *names;
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
    if (m->n > 1) batch_progress(m->done, m->n, m->t0, m->tty, m->verb, m->names[i]);
}

/* Answer one request: {index of the item just finished or -1, its exit code},
 * followed for a finished item by its row (TAG_ROW, same sender: MPI keeps the
 * order of two messages between one pair of ranks); the reply is the next
 * index, or -1 when none is left. */
static void serve(master *m)
{
    int64_t req[2], item = -1;
    MPI_Status st;
    MPI_Recv(req, 2, MPI_INT64_T, MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &st);
    if (req[0] >= 0 && (size_t)req[0] < m->n) {
        if (m->row_len)
            MPI_Recv(m->rows + (size_t)req[0] * m->row_len, (int)m->row_len, MPI_DOUBLE, st.MPI_SOURCE, TAG_ROW,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        record(m, (size_t)req[0], (int)req[1]);
    }
    if (m->next < m->n) item = (int64_t)m->next++;
    else m->finished++;
    MPI_Send(&item, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_ITEM, MPI_COMM_WORLD);
}

static void run_master(master *m, int workers, mpi_share_fn fn, void *ctx)
{
    double scratch[1];
    while (m->next < m->n) {
        int waiting = 1;
        while (waiting) {
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &waiting, MPI_STATUS_IGNORE);
            if (waiting) serve(m);
        }
        if (m->next < m->n) {
            size_t i = m->next++;
            double *row = m->row_len ? m->rows + i * m->row_len : scratch;
            memset(row, 0, (m->row_len ? m->row_len : 1) * sizeof *row);
            record(m, i, fn(i, ctx, row));
        }
    }
    while (m->finished < workers) serve(m);
}

static void run_worker(mpi_share_fn fn, void *ctx, size_t row_len)
{
    int64_t req[2] = {-1, 0}, item;
    double row[MPI_SHARE_MAX_ROW];
    for (;;) {
        MPI_Send(req, 2, MPI_INT64_T, 0, TAG_REQUEST, MPI_COMM_WORLD);
        if (req[0] >= 0 && row_len) MPI_Send(row, (int)row_len, MPI_DOUBLE, 0, TAG_ROW, MPI_COMM_WORLD);
        MPI_Recv(&item, 1, MPI_INT64_T, 0, TAG_ITEM, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (item < 0) return;
        memset(row, 0, sizeof row);
        req[0] = item;
        req[1] = fn((size_t)item, ctx, row);
    }
}

int mpi_share(size_t n, mpi_share_fn fn, void *ctx, size_t row_len, int ready, int *codes, double *rows,
              char *const *names, const char *verb)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (row_len > MPI_SHARE_MAX_ROW || (rank == 0 && (!codes || (row_len && !rows)))) ready = 0;
    if (!mpi_gate(ready)) return 0;
    if (rank != 0) {
        run_worker(fn, ctx, row_len);
    } else {
        master m = {n, row_len, codes, rows, names, 0, 0, 0, batch_now(), isatty(STDERR_FILENO) && n > 1, verb};
        run_master(&m, size - 1, fn, ctx);
    }
    return 1;
}

int mpi_share_report(size_t n, const int *codes, char *const *names, const char *noun)
{
    size_t failed = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (codes[i]) {
            if (!failed++) fprintf(stderr, "medchaos-mpi: failed:");
            fprintf(stderr, " %s", names[i]);
            if (!rc) rc = codes[i];
        }
    if (failed) fprintf(stderr, "\nmedchaos-mpi: %zu of %zu %s failed\n", failed, n, noun);
    return rc;
}

int mpi_share_verdict(int rc)
{
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}

int batch_leader(void)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank == 0;
}

/* batch_run's items take no row: adapt the callback; skipped items never run. */
typedef struct {
    const batch_list *b;
    int (*fn)(size_t, void *);
    void *ctx;
} batch_item;

static int batch_item_run(size_t i, void *vctx, double *row)
{
    (void)row;
    const batch_item *it = vctx;
    return it->b->skip[i] ? BATCH_SKIPPED : it->fn(i, it->ctx);
}

int batch_run(const batch_list *b, const batch_opts *o, int (*fn)(size_t i, void *ctx), void *ctx,
              const char *verb)
{
    int rank, rc = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *codes = rank == 0 ? calloc(b->n, sizeof *codes) : NULL;
    batch_item item = {b, fn, ctx};
    if (!mpi_share(b->n, batch_item_run, &item, 0, rank != 0 || codes != NULL, codes, NULL, b->in, verb)) {
        free(codes);
        return rank == 0 && !codes ? (int)MC_E_NOMEM + 1 : 2;
    }
    /* The reasons were printed by the ranks that met them; the report names the codes. */
    if (rank == 0) rc = batch_report(b, o, codes, NULL, verb);
    free(codes);
    return mpi_share_verdict(rc);
}
