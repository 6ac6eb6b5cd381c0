/* medchaos-mpi: the encrypt, decrypt and train commands of medchaos spread over
 * MPI ranks (docs/MPI.md), and analyze over a data set (mpi_analyze.c). The
 * other commands are src/cli's own; this program links
 * mpi_batch.c and mpi_train.c where medchaos links src/cli/batch_local.c, so
 * options, outputs and error messages are those of medchaos. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "mpi/mpi_gate.h"

static int passed;

int mpi_gate(int ready)
{
    int all = 0;
    MPI_Allreduce(&ready, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    passed = 1;
    return all;
}

int mpi_gate_passed(void) { return passed; }

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"analyze", cmd_analyze, "metrics of plain/cipher pairs to one CSV; pairs handed out one at a time"},
    {"decrypt", cmd_decrypt, "restore images; rank 0 hands them out one at a time"},
    {"encrypt", cmd_encrypt, "encrypt images; rank 0 hands them out one at a time"},
    {"train", cmd_train, "train the key network, data-parallel (one shard of each batch per rank)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: mpirun -np N medchaos-mpi COMMAND [ARGS...]\n\ncommands (options as in medchaos; analyze: see analyze --help):\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* Help texts and results once, from rank 0; every rank keeps stderr for its own
     * per-image errors. */
    if (rank != 0 && !freopen("/dev/null", "w", stdout)) MPI_Abort(MPI_COMM_WORLD, 1);
    /* A bad MEDCHAOS_* value stops every rank alike: they share the environment. */
    int rc = cli_init();
    if (rc) {
        /* nothing runs */
    } else if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
    } else if (argc < 2) {
        rc = 2;
        if (rank == 0) usage(stderr);
    } else {
        rc = 2;
        size_t i = 0;
        while (i < sizeof commands / sizeof *commands && strcmp(argv[1], commands[i].name)) i++;
        if (i < sizeof commands / sizeof *commands)
            rc = commands[i].run(argc - 1, argv + 1);
        else if (rank == 0)
            fprintf(stderr, "medchaos-mpi: unknown command '%s' (see 'medchaos-mpi --help')\n", argv[1]);
    }
    if (!mpi_gate_passed()) {
        mpi_gate(0);   /* release the ranks that did reach the gate */
    } else if (rc != 0 && size > 1 && !strcmp(argv[1], "train")) {
        /* A rank that fails after the start would leave the others waiting in the
         * next Allreduce: stop the whole job. */
        fprintf(stderr, "medchaos-mpi: rank %d failed; stopping all ranks\n", rank);
        MPI_Abort(MPI_COMM_WORLD, rc);
    }
    mpi_train_release();
    MPI_Finalize();
    return rc;
}
