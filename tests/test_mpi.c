/* medchaos-mpi under `mpirun -np 2` against the single-process medchaos: a batch
 * encrypted over two ranks gives the same cipher PNG bytes and decrypts to the
 * originals; two ranks of batch B train the same weights as one process with a
 * global batch of 2·B (two accumulated shards of B); analyze writes the same CSV
 * bytes with one rank and two, with the NPCR src/metrics computes. Skipped when the build has
 * no MPI (./configure --with-mpi) or mpirun is missing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/random.h"
#include "image/io.h"
#include "metrics/metrics.h"
#include "nn/model.h"
#include "util/file.h"

#include "scratch.h"

static char keys[1024], bin[1024], mpibin[1024], mpibin1[1024];

/* Why the tests cannot run here, or NULL. */
static const char *mpi_missing(void)
{
#ifndef MC_WITH_MPI
    return "built without MPI: ./configure --with-mpi (apt-get install libopenmpi-dev openmpi-bin)";
#endif
    if (!MC_MPIRUN[0] || access(MC_MPIRUN, X_OK) != 0) return "mpirun not found";
    return NULL;
}

/* Criterion's own main, after a check that turns a build without MPI into
 * automake's SKIP (exit status 77) with the reason in tests/test_mpi.log. */
int main(int argc, char *argv[])
{
    const char *why = mpi_missing();
    if (why) {
        printf("SKIP: %s\n", why);
        return 77;
    }
    struct criterion_test_set *tests = criterion_initialize();
    int ok = 1;
    if (criterion_handle_args(argc, argv, true)) ok = criterion_run_all_tests(tests);
    criterion_finalize(tests);
    return !ok;
}

static void setup(void)
{
    const char *src = getenv("MC_SRCDIR"), *build = getenv("MC_BUILDDIR");
    cr_assert(src && build, "MC_SRCDIR and MC_BUILDDIR must be set");
    snprintf(keys, sizeof keys, "%s/tests/data/keys", src);
    snprintf(bin, sizeof bin, "%s/medchaos", build);
    /* Under --enable-sanitizers LeakSanitizer would report Open MPI's own
     * allocations (in plugins unloaded at exit, so no suppression can name them);
     * memory errors are still caught, and our code's leaks by the medchaos runs. */
    snprintf(mpibin, sizeof mpibin, "ASAN_OPTIONS=detect_leaks=0 %s --oversubscribe --allow-run-as-root -np 2 %s/medchaos-mpi",
             MC_MPIRUN, build);
    snprintf(mpibin1, sizeof mpibin1, "ASAN_OPTIONS=detect_leaks=0 %s --oversubscribe --allow-run-as-root -np 1 %s/medchaos-mpi",
             MC_MPIRUN, build);
    scratch_make("mpi");
}

static void teardown(void) { scratch_remove(); }

TestSuite(mpi, .init = setup, .fini = teardown, .timeout = 180);

/* Run a command line (program and printf-style arguments) in scratch_dir; exit status.
 * stderr goes to dir/err. */
static int run(const char *prog, const char *fmt, ...)
{
    char args[3072], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    /* One thread per process everywhere: mpirun binds each rank to one core, and
     * the network's sums depend on how many threads share them. */
    snprintf(cmd, sizeof cmd, "cd '%s' && OMP_NUM_THREADS=1 %s %s >out 2>err", scratch_dir, prog, args);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s %s did not exit normally", prog, args);
    return WEXITSTATUS(st);
}

static void same_bytes(const char *a, const char *b)
{
    unsigned char *x, *y;
    size_t nx, ny;
    cr_assert_eq(mc_read_file(scratch_path(a), 1 << 28, &x, &nx), MC_OK, "%s", a);
    cr_assert_eq(mc_read_file(scratch_path(b), 1 << 28, &y, &ny), MC_OK, "%s", b);
    cr_assert(nx == ny && memcmp(x, y, nx) == 0, "%s and %s differ", a, b);
    free(x);
    free(y);
}

static void same_pixels(const char *a, const char *b)
{
    img_image x, y;
    cr_assert_eq(img_read(scratch_path(a), &x), MC_OK, "%s", a);
    cr_assert_eq(img_read(scratch_path(b), &y), MC_OK, "%s", b);
    cr_assert(x.width == y.width && x.height == y.height && x.channels == y.channels && x.depth == y.depth);
    cr_assert_eq(memcmp(x.data, y.data, img_size_bytes(&x)), 0, "%s and %s differ", a, b);
    img_free(&x);
    img_free(&y);
}

static int err_says(const char *what)
{
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path("err"), 1 << 20, &buf, &n), MC_OK);
    buf[n - (n > 0)] = 0;
    int found = strstr((char *)buf, what) != NULL;
    free(buf);
    return found;
}

#define DT "--datetime '2007:02:19 12:51:57'"

/* The key-reuse guard (src/cli/guard.c) runs on every rank and agrees: two
 * images with one time stamp are refused by the whole job, once, with nothing
 * written; with a registry only rank 0 appends (one line per image). */
Test(mpi, key_reuse_is_refused_by_every_rank_and_registered_once)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0700), 0);
    cr_assert_eq(mkdir(scratch_path("enc"), 0700), 0);
    scratch_random_png("in/a.png", 9, 7, 1, 8);
    scratch_random_png("in/b.png", 9, 7, 1, 8);
    cr_assert_eq(run(mpibin, "encrypt --teacher " DT " --pubkey %s/a2048.pub.pem in -O enc", keys), 17);
    cr_assert(err_says("in/b.png: same chaotic parameters as in/a.png"));
    cr_assert(access(scratch_path("enc/a.png"), F_OK) != 0 && access(scratch_path("enc/b.png"), F_OK) != 0);
    cr_assert_eq(run(mpibin, "encrypt --teacher " DT " --allow-key-reuse --key-registry reg --pubkey %s/a2048.pub.pem in -O enc",
                     keys), 0);
    unsigned char *reg;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path("reg"), 1 << 20, &reg, &n), MC_OK);
    int lines = 0;
    for (size_t i = 0; i < n; i++) lines += reg[i] == '\n';
    free(reg);
    cr_assert_eq(lines, 2 + 2, "magic, salt and one entry per image");
}

Test(mpi, batch_encrypt_matches_single_process_and_reports_failures)
{
    static const char *names[] = {"a", "b", "c", "d", "e"};
    static const char *dirs[] = {"in", "one", "two", "d1", "d2"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) cr_assert_eq(mkdir(scratch_path(dirs[i]), 0700), 0);
    scratch_random_png("in/a.png", 300, 200, 3, 8);   /* large and small, to exercise the hand-out */
    scratch_random_png("in/b.png", 7, 3, 4, 16);
    scratch_random_png("in/c.png", 1, 1, 2, 8);
    scratch_random_png("in/d.png", 64, 64, 1, 8);
    scratch_random_png("in/e.png", 33, 17, 3, 16);
    FILE *f = fopen(scratch_path("in/bad.png"), "w");   /* not a PNG: one failure, reported, not fatal */
    cr_assert_not_null(f);
    fputs("not an image\n", f);
    fclose(f);

    cr_assert_neq(run(bin, "encrypt --teacher " DT " --allow-key-reuse --pubkey %s/a2048.pub.pem in -O one", keys), 0);
    cr_assert_neq(run(mpibin, "encrypt --teacher " DT " --allow-key-reuse --pubkey %s/a2048.pub.pem in -O two", keys), 0);
    cr_assert(err_says("5 done, 0 skipped (outputs exist), 1 failed"), "rank 0 reports the failed image");
    cr_assert(access(scratch_path("two/bad.png"), F_OK) != 0, "no output for the failed image");
    char a[64], b[64];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(a, sizeof a, "one/%s.png", names[i]);
        snprintf(b, sizeof b, "two/%s.png", names[i]);
        same_bytes(a, b);   /* the envelopes differ (fresh AES key and IV), the cipher images do not */
    }
    /* Each side's envelopes decrypt with the other program. */
    cr_assert_eq(run(mpibin, "decrypt --key %s/a2048.pem one -O d1", keys), 0);
    cr_assert_eq(run(bin, "decrypt --key %s/a2048.pem two -O d2", keys), 0);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(a, sizeof a, "in/%s.png", names[i]);
        snprintf(b, sizeof b, "d1/%s.png", names[i]);
        same_pixels(a, b);
        snprintf(b, sizeof b, "d2/%s.png", names[i]);
        same_pixels(a, b);
    }
}

/* Largest |a − b| over every float tensor (parameters and running statistics)
 * of two weight files, or over the parameters of one file and a fresh network
 * when b is NULL; *bits counts the elements whose bit patterns differ. */
static double max_param_diff(const char *fa, const char *fb, size_t *bits)
{
    nn_model *a, *b;
    cr_assert_eq(nn_model_load(&a, scratch_path(fa)), MC_OK, "%s", fa);
    if (fb) cr_assert_eq(nn_model_load(&b, scratch_path(fb)), MC_OK, "%s", fb);
    else cr_assert_eq(nn_model_new(&b, NN_RESNET18, 2, 1), MC_OK);
    double worst = 0;
    size_t differ = 0;
    for (int i = 0; nn_model_tensor_name(a, i); i++) {
        const char *name = nn_model_tensor_name(a, i);
        float *da, *ga, *db, *gb;
        size_t na, nb;
        if (nn_model_tensor(a, name, &da, &ga, &na) || (!fb && !ga)) continue;   /* counts; buffers vs fresh */
        cr_assert_eq(nn_model_tensor(b, name, &db, &gb, &nb), MC_OK);
        cr_assert_eq(na, nb);
        for (size_t k = 0; k < na; k++) {
            worst = fmax(worst, fabs((double)da[k] - db[k]));
            differ += memcmp(&da[k], &db[k], sizeof *da) != 0;
        }
    }
    nn_model_free(a);
    nn_model_free(b);
    if (bits) *bits = differ;
    return worst;
}

/* Both network files hold the same bytes (tensors, num_batches_tracked, metadata). */
static int same_file(const char *fa, const char *fb)
{
    unsigned char *a, *b;
    size_t na, nb;
    cr_assert_eq(mc_read_file(scratch_path(fa), 1 << 28, &a, &na), MC_OK);
    cr_assert_eq(mc_read_file(scratch_path(fb), 1 << 28, &b, &nb), MC_OK);
    int same = na == nb && memcmp(a, b, na) == 0;
    free(a);
    free(b);
    return same;
}

Test(mpi, two_ranks_train_the_weights_of_one_process_with_twice_the_batch)
{
    /* 10 records, 2 held out: 8 for training = 2 steps of a global batch of 4.
     * One process with --shards 2 computes each shard as a rank does (gradient
     * from zero, forward from the step's running statistics) and sums them in
     * shard order, as the ranks' ordered sum does: the bits must agree, on
     * whichever arithmetic path the network library takes here. */
#define TRAIN "train --arch resnet18 --size 64 --samples 10 --val 0.2 --epochs 1 --optim sgd --lr 0.01 --batch 2"
    cr_assert_eq(run(mpibin, TRAIN " -o two.safetensors"), 0, "ranks disagree or training failed");
    cr_assert_eq(run(bin, TRAIN " --shards 2 -o one.safetensors"), 0);
    cr_assert_eq(run(bin, TRAIN " -o half.safetensors"), 0);
    size_t bits;
    double moved = max_param_diff("one.safetensors", NULL, NULL);
    double d = max_param_diff("one.safetensors", "two.safetensors", &bits);
    double other = max_param_diff("half.safetensors", "two.safetensors", NULL);
    cr_assert(moved > 1e-3, "training moved the weights (max %g)", moved);
    cr_assert(bits == 0, "2 ranks × batch 2 vs 1 process × 2 shards of 2: %zu elements differ (max |Δ| = %g)",
              bits, d);
    cr_assert(same_file("one.safetensors", "two.safetensors"), "the two network files differ (counts or metadata)");
    cr_assert(other > 1e-3, "a different global batch gives different weights (max %g)", other);
}

/* The CSV field `col` (0 = name) of the row whose name is `name`, as a double. */
static double csv_field(const char *file, const char *name, int col)
{
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path(file), 1 << 20, &buf, &n), MC_OK, "%s", file);
    char *text = realloc(buf, n + 1);
    cr_assert_not_null(text);
    text[n] = 0;
    size_t len = strlen(name);
    char *line = text;
    while (line && !(strncmp(line, name, len) == 0 && line[len] == ',')) {
        line = strchr(line, '\n');
        if (line) line++;
    }
    cr_assert_not_null(line, "%s has no row %s", file, name);
    for (int k = 0; k < col; k++) {
        line = strchr(line, ',');
        cr_assert_not_null(line);
        line++;
    }
    double v = strtod(line, NULL);
    free(text);
    return v;
}

static size_t count_lines(const char *file)
{
    unsigned char *buf;
    size_t n, lines = 0;
    cr_assert_eq(mc_read_file(scratch_path(file), 1 << 20, &buf, &n), MC_OK, "%s", file);
    for (size_t i = 0; i < n; i++) lines += buf[i] == '\n';
    free(buf);
    return lines;
}

Test(mpi, analyze_gives_the_same_csv_on_one_and_two_ranks_with_metrics_npcr)
{
    cr_assert_eq(mkdir(scratch_path("plain"), 0700), 0);
    cr_assert_eq(mkdir(scratch_path("cipher"), 0700), 0);
    /* Random "cipher" images stand in for encrypted ones: the metrics do not care. */
    scratch_random_png("plain/a.png", 64, 48, 1, 8);
    scratch_random_png("cipher/a.png", 64, 48, 1, 8);
    scratch_random_png("plain/b.png", 120, 90, 3, 8);
    scratch_random_png("cipher/b.png", 120, 90, 3, 8);
    scratch_random_png("plain/c.png", 17, 9, 1, 16);
    scratch_random_png("cipher/c.png", 17, 9, 1, 16);
    scratch_random_png("plain/d.png", 32, 32, 1, 8);   /* geometry differs: reported, left out */
    scratch_random_png("cipher/d.png", 32, 31, 1, 8);
    scratch_random_png("plain/e.png", 8, 8, 1, 8);     /* no cipher image: reported, left out */

    cr_assert_neq(run(mpibin1, "analyze plain cipher -o one.csv"), 0, "failed pairs make the status nonzero");
    cr_assert(err_says("2 of 5 pairs failed"), "rank 0 reports the failed pairs");
    cr_assert(err_says("failed: plain/d.png plain/e.png"), "and names them");
    cr_assert_neq(run(mpibin, "analyze plain cipher -o two.csv --seed 1"), 0);
    cr_assert(err_says("2 of 5 pairs failed"));
    same_bytes("one.csv", "two.csv");
    cr_assert_eq(count_lines("two.csv"), 4, "header and the three good pairs");
    cr_assert_neq(run(mpibin, "analyze plain cipher -o two.csv"), 0, "an existing output needs --force");
    cr_assert(err_says("two.csv"));

    /* Column 5 is NPCR over all samples; %.17g gives the double back exactly. */
    static const char *const names[] = {"a", "b", "c"};
    for (int k = 0; k < 3; k++) {
        char p[32], c[32], row[16];
        snprintf(p, sizeof p, "plain/%s.png", names[k]);
        snprintf(c, sizeof c, "cipher/%s.png", names[k]);
        snprintf(row, sizeof row, "%s.png", names[k]);
        img_image x, y;
        metric_diff d;
        cr_assert_eq(img_read(scratch_path(p), &x), MC_OK);
        cr_assert_eq(img_read(scratch_path(c), &y), MC_OK);
        cr_assert_eq(metric_npcr_uaci(&x, &y, &d), MC_OK);
        cr_assert(d.npcr.all > 90, "random pairs differ almost everywhere (%g)", d.npcr.all);
        cr_assert_eq(csv_field("two.csv", row, 5), d.npcr.all, "%s: NPCR %.17g", row, d.npcr.all);
        cr_assert_eq(csv_field("two.csv", row, 6), d.uaci.all, "%s: UACI %.17g", row, d.uaci.all);
        img_free(&x);
        img_free(&y);
    }
}
