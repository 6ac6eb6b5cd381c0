/* The start gate of medchaos-mpi: every rank parses the same options and opens
 * the same keys and models; before any work is exchanged they agree that all of
 * them got that far, so a rank that failed early never leaves the others
 * waiting for its messages. */
#ifndef MC_MPI_GATE_H
#define MC_MPI_GATE_H

/* Collective over MPI_COMM_WORLD: returns 1 when every rank passed ready = 1.
 * Called once per run, by the work (mpi_batch.c, mpi_train.c) with ready = 1,
 * or by main with ready = 0 when the command returned before reaching it. */
int mpi_gate(int ready);
/* Whether this rank has passed the gate already. */
int mpi_gate_passed(void);

/* Frees what data-parallel training kept between steps (mpi_train.c). */
void mpi_train_release(void);

#endif
