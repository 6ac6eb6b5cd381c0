/* Batches for encrypt/decrypt: expand inputs (files or directories), check the
 * whole batch before any work (collisions, inputs among the outputs, what a
 * rerun may skip), run one callback per item on all cores, show progress (a
 * bar with count, images/s and ETA on a terminal, plain lines otherwise) and
 * end with a summary and an optional JSON report. */
#ifndef MC_CLI_BATCH_H
#define MC_CLI_BATCH_H
#include <stddef.h>
#include "keynet/train.h"
#include "util/err.h"

/* Most parallel jobs (-j): each job holds up to three temporaries at once (a
 * cipher image, its envelope, the group journal; util/safefile.h). */
#define BATCH_MAX_JOBS 64
/* An item's code when --skip-existing found its outputs complete. */
#define BATCH_SKIPPED (-1)

typedef struct {
    char **in;      /* input paths */
    char **out;     /* output paths (same count) */
    size_t n;
    unsigned char *skip;  /* per item, set by batch_prepare: outputs already complete */
} batch_list;

typedef struct {
    int jobs;           /* parallel jobs, 1..BATCH_MAX_JOBS; 0: one per processor (capped) */
    int force;          /* replace existing outputs */
    int skip_existing;  /* leave items whose outputs all exist (a rerun completes the rest) */
    int pair;           /* every output OUT has its envelope OUT.key (encrypt) */
    const char *json;   /* write a report here, or NULL */
} batch_opts;

/* Build the list from argv-style inputs. With out_dir NULL there must be exactly
 * one input and out_file names its output; with out_dir each output is
 * out_dir/<input base name, extension replaced by .png; .dcm stays .dcm>.
 * Directories are expanded to their *.png, *.jpg, *.jpeg, *.dcm files (sorted),
 * or with want_cipher to their *.png and *.dcm files (decrypt then reports a
 * PNG without a .key beside it; a cipher DICOM carries its envelope). Every
 * input is registered with util/safefile.h, so no output can replace one. */
mc_err batch_build(batch_list *b, char **inputs, int ninputs, const char *out_file,
                   const char *out_dir, int want_cipher);
void batch_free(batch_list *b);

/* Everything that can be known before any work: out_dir created (with its
 * parents) and swept of what an interrupted run left (util/safefile.h); two
 * items with one output (d1/x.png and d2/x.png, a.png and a.jpg) are MC_E_ARG
 * naming both; an output (or its envelope) that is an input is MC_E_ARG; with
 * skip_existing, items whose outputs all exist are marked in b->skip. */
mc_err batch_prepare(batch_list *b, const batch_opts *o, const char *out_dir);

/* The options encrypt and decrypt share: -o OUT, -O DIR, -j N, --force,
 * --skip-existing and --json FILE. Their getopt_long tables end with
 * BATCH_LONG_OPTIONS and pass every option to batch_option first. */
enum { BATCH_OPT_FORCE = 0x200, BATCH_OPT_SKIP, BATCH_OPT_JSON };
#define BATCH_SHORT_OPTIONS "o:O:j:"
#define BATCH_LONG_OPTIONS                                                                          \
    {"force", no_argument, 0, BATCH_OPT_FORCE}, {"skip-existing", no_argument, 0, BATCH_OPT_SKIP}, \
        {"json", required_argument, 0, BATCH_OPT_JSON}

typedef struct {
    batch_opts o;
    const char *out_file, *out_dir;
} batch_args;

/* Take opt (with its argument) into a: 0 when taken, -1 when it is not one of
 * the options above, or else the exit status of the usage error printed (-j
 * outside 1..BATCH_MAX_JOBS, -o/-O/--json given twice with different values). */
int batch_option(int opt, const char *arg, batch_args *a, const char *cmd);

/* Runs fn(i, ctx) for every item not skipped with o->jobs threads. fn returns
 * an exit code (0 success) and prints its own one-line error with cli_fail.
 * Ends with batch_report. medchaos has it from batch_local.c; medchaos-mpi from
 * src/mpi/mpi_batch.c, which hands the items out over MPI ranks (jobs is then
 * ignored: one item per rank at a time). */
int batch_run(const batch_list *b, const batch_opts *o, int (*fn)(size_t i, void *ctx), void *ctx,
              const char *verb);

/* The end of a run: for several items a summary on stderr (done, skipped,
 * failed, and each failure with its reason), and with o->json the report
 * {"command", "done", "skipped", "failed", "items": [{"input", "output",
 * "status", "exit", "error"}]} written safely. codes[i] is an item's exit code
 * or BATCH_SKIPPED; reasons[i] its error line (NULL: the code's description).
 * Returns the first failure's exit code in item order, or 0. */
int batch_report(const batch_list *b, const batch_opts *o, const int *codes, char *const *reasons,
                 const char *verb);

/* 1 in the one process that reports once and writes shared files (medchaos;
 * rank 0 of medchaos-mpi). */
int batch_leader(void);

/* How training spreads: nothing to do in medchaos (batch_local.c); in
 * medchaos-mpi (src/mpi/mpi_train.c) it sets cfg->par to the MPI ranks' data
 * parallelism and cfg->shards to the number of ranks unless given. */
mc_err batch_train_setup(keynet_train_cfg *cfg);

/* One progress report: a bar on a terminal (tty), a plain line otherwise. */
double batch_now(void);
void batch_progress(size_t done, size_t n, double t0, int tty, const char *verb, const char *item);

#endif
