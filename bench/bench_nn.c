/* Throughput of ResNet-18 and MobileNetV2 on the CPU: images per second for
 * inference (eval mode) and for one training step (train-mode forward, MSE
 * backward, SGD momentum update), at 224×224 batch 8 and 64×64 batch 32, and the
 * peak resident memory; beside PyTorch measured in the same run by
 * bench/torch_peer.py (when /usr/bin/python3 has torch), as ratios.
 * Usage: bench_nn [THREADS] [quick]   (quick: one shape, one repetition)
 * The peer and ours take turns, twice; each side's better figure counts.
 * Both sides run with the OpenMP defaults (wait policy included) and THREADS
 * threads: the program re-executes itself once with OMP_NUM_THREADS and
 * OPENBLAS_NUM_THREADS set, since both libraries read them when they load.
 * (With the pthread build of OpenBLAS, a passive wait policy helped us; with
 * the OpenMP build that configure now prefers, the default is faster, and
 * forcing a policy on the peer slows PyTorch down by up to 3x.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "nn/model.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

typedef struct { double inf, train; } rate;

static int bench(nn_arch arch, int S, int B, int reps, rate *r)
{
    nn_model *m;
    if (nn_model_new(&m, arch, 3, 1)) return 1;
    const size_t n = (size_t)B * 3 * S * S;
    float *x = malloc(n * sizeof *x), y[3 * 64], t[3 * 64], dy[3 * 64];
    for (size_t i = 0; i < n; i++) x[i] = (float)sin((double)i * 0.001);
    for (int i = 0; i < 3 * B; i++) t[i] = (float)cos(i);
    const nn_optim_cfg sgd = {.kind = NN_OPT_SGD, .lr = 0.01f, .momentum = 0.9f};
    double best = 1e30;
    nn_model_forward(m, x, B, S, S, y, 0);  /* warm-up and planning */
    for (int k = 0; k < reps; k++) {
        const double t0 = now();
        nn_model_forward(m, x, B, S, S, y, 0);
        best = fmin(best, now() - t0);
    }
    r->inf = B / best;
    best = 1e30;
    for (int k = 0; k <= reps; k++) {
        const double t0 = now();
        nn_model_zero_grad(m);
        nn_model_forward(m, x, B, S, S, y, 1);
        nn_mse_loss(y, t, 3 * B, dy);
        nn_model_backward(m, dy);
        nn_model_step(m, &sgd);
        if (k) best = fmin(best, now() - t0);  /* k = 0 plans the training arena */
    }
    r->train = B / best;
    nn_model_free(m);
    free(x);
    return 0;
}

/* PyTorch's figures for the same configurations, from bench/torch_peer.py. */
static int peer(const char *srcdir, const char *threads, int quick, double fig[2][2][2], long *rss)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/bench/torch_peer.py %s %s 2>/dev/null", srcdir,
             threads, quick ? "quick" : "");
    FILE *p = popen(cmd, "r");
    if (!p) return 0;
    char line[512];
    int got = 0;
    while (fgets(line, sizeof line, p)) {
        char name[32];
        int S, B;
        double inf, train;
        if (sscanf(line, "%31s %d %d %lf %lf", name, &S, &B, &inf, &train) == 5) {
            const int a = strcmp(name, "resnet18") != 0, s = S != 224;
            fig[a][s][0] = inf, fig[a][s][1] = train, got = 1;
        } else if (sscanf(line, "peak_rss_mb %ld", rss) == 1) {
        }
    }
    return pclose(p) == 0 && got;
}

int main(int argc, char **argv)
{
    const char *threads = argc > 1 ? argv[1] : "2";
    if (!getenv("MC_BENCH_NN_CHILD")) {
        /* Thread counts are read when the libraries load. */
        setenv("MC_BENCH_NN_CHILD", "1", 1);
        setenv("OMP_NUM_THREADS", threads, 1);
        setenv("OPENBLAS_NUM_THREADS", threads, 1);
        execv("/proc/self/exe", argv);  /* on failure, carry on as we are */
    }
    const int quick = argc > 2 && !strcmp(argv[2], "quick");
    const char *src = getenv("MC_SRCDIR");
    static const int shapes[2][2] = {{224, 8}, {64, 32}};
    rate r[2][2] = {{{0}}};
    /* The machine's speed drifts (it is shared, and its speed changes by a
     * quarter from one minute to the next): the peer and we take turns, twice,
     * and each side keeps its better figure of its two rounds. */
    double fig[2][2][2] = {{{0}}};
    long torch_rss = 0, ours_rss = 0;
    int have = 0;
    for (int round = 0; round < (quick ? 1 : 2); round++) {
        double f[2][2][2] = {{{0}}};
        long rss = 0;
        if (peer(src ? src : ".", threads, quick, f, &rss)) {
            for (int i = 0; i < 8; i++)
                if ((&f[0][0][0])[i] > (&fig[0][0][0])[i]) (&fig[0][0][0])[i] = (&f[0][0][0])[i];
            if (rss > torch_rss) torch_rss = rss;
            have = 1;
        }
        for (int a = 0; a < 2; a++)
            for (int s = 0; s < (quick ? 1 : 2); s++) {
                rate q;
                if (bench(a ? NN_MOBILENETV2 : NN_RESNET18, shapes[s][0], shapes[s][1], quick ? 1 : 5,
                          &q)) {
                    fprintf(stderr, "bench_nn: out of memory\n");
                    return 1;
                }
                if (q.inf > r[a][s].inf) r[a][s].inf = q.inf;
                if (q.train > r[a][s].train) r[a][s].train = q.train;
            }
        ours_rss = peak_rss_mb();
    }
    printf("%-12s %-12s %12s %12s %8s %12s %12s %8s\n", "network", "input", "infer img/s",
           "torch", "ratio", "train img/s", "torch", "ratio");
    for (int a = 0; a < 2; a++)
        for (int s = 0; s < (quick ? 1 : 2); s++) {
            char in[32];
            snprintf(in, sizeof in, "%dx%d b%d", shapes[s][0], shapes[s][0], shapes[s][1]);
            const char *name = a ? "mobilenetv2" : "resnet18";
            if (have && fig[a][s][0] > 0)
                printf("%-12s %-12s %12.1f %12.1f %7.2fx %12.1f %12.1f %7.2fx\n", name, in,
                       r[a][s].inf, fig[a][s][0], r[a][s].inf / fig[a][s][0], r[a][s].train,
                       fig[a][s][1], r[a][s].train / fig[a][s][1]);
            else
                printf("%-12s %-12s %12.1f %12s %8s %12.1f %12s %8s\n", name, in, r[a][s].inf,
                       "peer: n/a", "", r[a][s].train, "peer: n/a", "");
        }
    if (have && torch_rss > 0)
        printf("peak RSS: ours %ld MB, torch %ld MB (ratio %.2f)\n", ours_rss, torch_rss,
               (double)ours_rss / torch_rss);
    else
        printf("peak RSS: ours %ld MB, torch peer: n/a\n", ours_rss);
    return 0;
}
