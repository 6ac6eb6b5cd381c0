/* medchaos-mpi analyze PLAIN_DIR CIPHER_DIR: the paper's metrics for every
 * plain/cipher pair of a data set, the pairs shared over the ranks like
 * encrypt's images (mpi_share.h); rank 0 gathers one row of doubles per pair
 * and writes a single CSV in name order, the same bytes for any number of ranks. */
#include <errno.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "image/io.h"
#include "metrics/metrics.h"
#include "mpi/mpi_share.h"
#include "util/file.h"

#define N_RANDOM_PAIRS 3000

/* What one pair sends back to rank 0: doubles only, so the struct is an array
 * of doubles on the wire (no padding, no byte order question within one job). */
typedef struct {
    double width, height, channels, depth;
    double npcr, uaci;                       /* percent, over all samples */
    double entropy_plain, entropy_cipher;    /* bits, over all samples */
    double corr_all[METRIC_N_DIR];           /* cipher, first channel, every adjacent pair */
    double corr_sampled[METRIC_N_DIR];       /* the same over N_RANDOM_PAIRS seeded pairs */
    double mse, psnr;                        /* over all samples */
    double chi2_p;                           /* cipher histogram vs uniform, all samples */
} analyze_row;
#define ROW_LEN (sizeof(analyze_row) / sizeof(double))
_Static_assert(sizeof(analyze_row) == ROW_LEN * sizeof(double), "analyze_row must be doubles only");
_Static_assert(ROW_LEN <= MPI_SHARE_MAX_ROW, "analyze_row is larger than one shared row");

static const char *const columns[ROW_LEN] = {
    "width", "height", "channels", "depth", "npcr", "uaci", "entropy_plain", "entropy_cipher",
    "corr_h", "corr_v", "corr_d", "corr_h_sampled", "corr_v_sampled", "corr_d_sampled",
    "mse", "psnr", "chi2_p_cipher"};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: mpirun -np N medchaos-mpi analyze PLAIN_DIR CIPHER_DIR [-o OUT.csv] [--force] [--seed N]\n"
            "The paper's metrics for every PLAIN_DIR/NAME.png|jpg|jpeg that has a\n"
            "CIPHER_DIR/NAME.png, one CSV row per pair in name order (the same bytes for\n"
            "any number of ranks); rank 0 hands the pairs out one at a time.\n"
            "Columns: name, width, height, channels, depth; NPCR and UACI plain vs\n"
            "cipher (%%, all samples); entropy of plain and cipher (bits, all samples);\n"
            "correlation of the cipher's first channel, horizontal/vertical/diagonal,\n"
            "over every adjacent pair and over %d seeded random pairs; MSE and PSNR (dB)\n"
            "plain vs cipher; chi-square p of the cipher's histogram against uniform.\n"
            "Numbers are printed with 17 significant digits; nan is undefined.\n"
            "A pair that fails (missing or unreadable cipher, different geometry) is\n"
            "reported and left out; the others go on, and the exit status is nonzero.\n"
            "  -o FILE   write the CSV to FILE atomically (default: standard output)\n"
            "  --force   overwrite FILE\n"
            "  --seed N  seed of the random-pair sampling (default 1)\n",
            N_RANDOM_PAIRS);
}

typedef struct {
    const batch_list *b;   /* in: plain images; out: their cipher images */
    uint64_t seed;
} analyze_ctx;

static mc_err measure(const img_image *p, const img_image *c, uint64_t seed, analyze_row *r)
{
    metric_diff d;
    metric_fidelity f;
    metric_entropy_result ep, ec;
    metric_chi2_result chi;
    metric_correlation_result cor;
    mc_err e;
    if ((e = metric_npcr_uaci(p, c, &d)) || (e = metric_mse_psnr(p, c, &f)) || (e = metric_entropy(p, &ep)) ||
        (e = metric_entropy(c, &ec)) || (e = metric_chi_square(c, &chi)) ||
        (e = metric_correlation(c, N_RANDOM_PAIRS, seed, &cor)))
        return e;
    *r = (analyze_row){.width = c->width, .height = c->height, .channels = c->channels, .depth = c->depth,
                       .npcr = d.npcr.all, .uaci = d.uaci.all, .entropy_plain = ep.bits.all,
                       .entropy_cipher = ec.bits.all, .mse = f.mse.all, .psnr = f.psnr.all, .chi2_p = chi.p.all};
    for (int k = 0; k < METRIC_N_DIR; k++) {
        r->corr_all[k] = cor.all[0][k];
        r->corr_sampled[k] = cor.sampled[0][k];
    }
    return MC_OK;
}

static int analyze_pair(size_t i, void *vctx, double *row)
{
    const analyze_ctx *a = vctx;
    img_image im[2] = {0};
    const char *path[2] = {a->b->in[i], a->b->out[i]};
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        mc_err e = img_read(path[k], &im[k]);
        if (e) rc = cli_fail(path[k], e);
    }
    if (!rc) {
        analyze_row r;
        mc_err e = measure(&im[0], &im[1], a->seed, &r);
        if (e) rc = cli_fail(path[1], e);
        else memcpy(row, &r, sizeof r);
    }
    img_free(&im[0]);
    img_free(&im[1]);
    return rc;
}

/* A number, or nan/inf/-inf spelled the same on every libc. */
static void csv_num(FILE *f, double v)
{
    if (isnan(v)) fputs("nan", f);
    else if (isinf(v)) fputs(v > 0 ? "inf" : "-inf", f);
    else fprintf(f, "%.17g", v);
}

/* The base name, quoted as RFC 4180 asks when it holds a comma, quote or newline. */
static void csv_name(FILE *f, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strpbrk(base, ",\"\r\n")) {
        fputs(base, f);
        return;
    }
    fputc('"', f);
    for (; *base; base++) {
        if (*base == '"') fputc('"', f);
        fputc(*base, f);
    }
    fputc('"', f);
}

static void write_csv(FILE *f, const batch_list *b, const int *codes, const double *rows)
{
    fputs("name", f);
    for (size_t k = 0; k < ROW_LEN; k++) fprintf(f, ",%s", columns[k]);
    fputc('\n', f);
    for (size_t i = 0; i < b->n; i++) {
        if (codes[i]) continue;
        csv_name(f, b->in[i]);
        for (size_t k = 0; k < ROW_LEN; k++) {
            fputc(',', f);
            csv_num(f, rows[i * ROW_LEN + k]);
        }
        fputc('\n', f);
    }
}

int cmd_analyze(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    char *dirs[2] = {NULL, NULL};
    const char *out = NULL;
    uint64_t seed = 1;
    int force = 0, npos = 0, rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        if (!strcmp(argv[i], "-o")) {
            if (i + 1 >= argc) rc = cli_usage_error("analyze", "-o needs a file name");
            else out = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!strcmp(argv[i], "--seed")) {
            char *end;
            errno = 0;
            if (i + 1 >= argc || argv[i + 1][0] == '-' ||
                (seed = strtoull(argv[i + 1], &end, 0), errno || *end || end == argv[i + 1]))
                rc = cli_usage_error("analyze", "--seed needs a non-negative integer");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("analyze", "unknown option '%s'", argv[i]);
        } else if (npos < 2) {
            dirs[npos++] = argv[i];
        } else {
            rc = cli_usage_error("analyze", "too many arguments");
        }
    }
    if (!rc && npos != 2) rc = cli_usage_error("analyze", "needs PLAIN_DIR and CIPHER_DIR");
    if (rc) return rc;   /* main releases the other ranks from the gate */

    /* Every rank lists the pairs (sorted by name): the plain images, and as
     * their "outputs" CIPHER_DIR/NAME.png. */
    batch_list b;
    mc_err e = batch_build(&b, dirs, 1, NULL, dirs[1], 0);
    if (e) return cli_fail(dirs[0], e);
    int *codes = NULL;
    double *rows = NULL;
    mc_out w = {0};
    int ready = 1;
    if (rank == 0) {
        codes = calloc(b.n, sizeof *codes);
        rows = calloc(b.n * ROW_LEN, sizeof *rows);
        if (!codes || !rows) rc = cli_fail(NULL, mc_fail(MC_E_NOMEM, "out of memory"));
        /* Open the output before any work, so an existing file stops the job at once. */
        if (!rc && out && (e = mc_out_open(&w, out, MC_MODE_PUBLIC, force))) rc = cli_fail(out, e);
        ready = !rc;
    }
    analyze_ctx ctx = {&b, seed};
    if (!mpi_share(b.n, analyze_pair, &ctx, ROW_LEN, ready, codes, rows, b.in, "analyze")) {
        if (!rc) rc = 2;
    } else {
        if (rank == 0) {
            int failed = mpi_share_report(b.n, codes, b.in, "pairs");
            FILE *f = out ? w.fp : stdout;
            write_csv(f, &b, codes, rows);
            if (out) {
                e = ferror(f) ? mc_fail(MC_E_IO, "write error") : mc_out_commit(&w);
                if (e) rc = cli_fail(out, e);
            } else if (fflush(stdout) != 0) {
                rc = cli_fail("stdout", mc_fail(MC_E_IO, "write error"));
            }
            if (!rc) rc = failed;
        }
        rc = mpi_share_verdict(rc);
    }
    if (rank == 0 && out && w.fp) mc_out_abort(&w);
    free(codes);
    free(rows);
    batch_free(&b);
    return rc;
}
