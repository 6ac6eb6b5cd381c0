/* Dynamic work sharing over MPI ranks, shared by medchaos-mpi's batches
 * (encrypt, decrypt: mpi_batch.c) and analyze (mpi_analyze.c): rank 0 hands out
 * one item index at a time and gathers each item's exit code and, optionally, a
 * fixed-size row of doubles that the item computed. */
#ifndef MC_MPI_SHARE_H
#define MC_MPI_SHARE_H
#include <stddef.h>

/* The most doubles one item may send back to rank 0. */
#define MPI_SHARE_MAX_ROW 64

/* One item: returns an exit code (0 success) after printing its own one-line
 * error, and fills row[0..row_len-1] (row is zeroed before the call). */
typedef int (*mpi_share_fn)(size_t i, void *ctx, double *row);

/* Collective over MPI_COMM_WORLD; passes the start gate (mpi_gate.h) with
 * `ready` first and returns 0 at once when some rank was not ready. Then runs
 * fn for items 0..n-1 spread over the ranks (rank 0 works too). On rank 0,
 * codes[i] receives item i's exit code and, when row_len > 0, rows[i·row_len ..]
 * its row; other ranks pass NULL for both. Progress lines (verb, names[i]) go
 * to stderr when n > 1. Returns 1 when the work ran. */
int mpi_share(size_t n, mpi_share_fn fn, void *ctx, size_t row_len, int ready, int *codes, double *rows,
              char *const *names, const char *verb);

/* Rank 0: lists the items whose code is nonzero ("medchaos-mpi: failed: A B"
 * and "medchaos-mpi: 2 of 5 NOUN failed") and returns the first nonzero code in
 * item order, or 0. */
int mpi_share_report(size_t n, const int *codes, char *const *names, const char *noun);

/* Every rank returns rank 0's rc, so mpirun's status is the job's. */
int mpi_share_verdict(int rc);

#endif
