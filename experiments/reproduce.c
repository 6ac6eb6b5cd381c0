/* The reproduction driver behind `make reproduce` (quick) and `make
 * reproduce-full`: trains the paper's four variants, encrypts and decrypts
 * every bundled image, and writes every table of the paper (and the ones it
 * should have had) to results/, with the paper's figures beside ours.
 * Resumable: trained networks and checkpoints in results/models are reused. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "experiments/nn_version.h"
#include "experiments/parts.h"
#include "image/io.h"
#include "keynet/train.h"
#include "nn/gemm.h"

static void die(const char *what, mc_err e)
{
    fprintf(stderr, "reproduce: %s: %s\n", what, mc_errmsg(e));
    exit(1);
}

static void ensure_dir(const char *p)
{
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "reproduce: cannot create %s: %s\n", p, strerror(errno));
        exit(1);
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const repro_image *)a)->name, ((const repro_image *)b)->name);
}

/* Every PNG under DATA/paper, with its metadata; the modality is the part of
 * the file name before the first '_' (data/README.md names them so). */
static repro_image *load_images(const char *data, size_t *n)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/paper", data);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "reproduce: %s: %s (run scripts/prepare-data.sh)\n", dir, strerror(errno));
        exit(1);
    }
    repro_image *v = NULL;
    *n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".png")) continue;
        v = realloc(v, (*n + 1) * sizeof *v);
        repro_image *r = &v[*n];
        memset(r, 0, sizeof *r);
        if (strlen(dir) + len + 2 > sizeof r->path) continue;
        memcpy(r->path, dir, strlen(dir));
        r->path[strlen(dir)] = '/';
        memcpy(r->path + strlen(dir) + 1, de->d_name, len + 1);
        snprintf(r->name, sizeof r->name, "%.*s", (int)(len - 4), de->d_name);
        snprintf(r->modality, sizeof r->modality, "%.*s", (int)strcspn(r->name, "_"), r->name);
        (*n)++;
    }
    closedir(d);
    if (!*n) {
        fprintf(stderr, "reproduce: no images in %s\n", dir);
        exit(1);
    }
    qsort(v, *n, sizeof *v, cmp_name);
    size_t n16 = 0;
    for (size_t i = 0; i < *n; i++) {
        mc_err e = img_read(v[i].path, &v[i].im);
        if (e) die(v[i].path, e);
        if ((e = meta_read(v[i].path, &v[i].meta))) die(v[i].path, e);
        n16 += v[i].im.depth == 16;
    }
    /* The paper's figures are for 8-bit images (entropy "ideal 8 bits"). Each
     * 16-bit image (CT, X-ray from DICOM) is measured as it is and also as an
     * 8-bit image of its most significant bytes, named NAME_msb8. */
    v = realloc(v, (*n + n16) * sizeof *v);
    size_t k = *n;
    for (size_t i = 0; i < *n; i++) {
        if (v[i].im.depth != 16) continue;
        repro_image *r = &v[k++];
        *r = v[i];
        snprintf(r->name, sizeof r->name, "%.100s_msb8", v[i].name);
        mc_err e = img_new(&r->im, v[i].im.width, v[i].im.height, v[i].im.channels, 8);
        if (e) die(r->name, e);
        for (size_t s = 0; s < img_size_bytes(&r->im); s++) r->im.data[s] = v[i].im.data[2 * s];
    }
    *n = k;
    qsort(v, *n, sizeof *v, cmp_name);
    return v;
}

/* The commit and whether the tree differs from it. The outputs of the
 * reproduction itself (results/, results-full/, the report) do not count: a
 * rerun in a clean checkout rewrites them before this is asked again. */
static void git_state(char *commit, size_t n)
{
    snprintf(commit, n, "unknown (not a git checkout)");
    FILE *g = popen("git rev-parse --short=12 HEAD 2>/dev/null", "r");
    if (!g) return;
    char line[512];
    if (fgets(line, sizeof line, g)) {
        line[strcspn(line, "\n")] = 0;
        snprintf(commit, n, "%.64s", line);
    }
    pclose(g);
    if (!strncmp(commit, "unknown", 7)) return;
    g = popen("git status --porcelain --untracked-files=no -- . ':!results' ':!results-full' ':!paper/report.pdf' "
              "2>/dev/null | head -1", "r");
    if (!g) return;
    int dirty = fgets(line, sizeof line, g) != NULL;
    pclose(g);
    size_t len = strlen(commit);
    snprintf(commit + len, n - len, dirty ? " (with uncommitted changes)" : " (clean)");
}

static void provenance(const repro_config *c)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/PROVENANCE.md", c->out);
    FILE *f = fopen(p, "w");
    if (!f) return;
    char commit[128], cpu[256] = "unknown", line[512];
    git_state(commit, sizeof commit);
    FILE *ci = fopen("/proc/cpuinfo", "r");
    if (ci) {
        while (fgets(line, sizeof line, ci))
            if (!strncmp(line, "model name", 10)) {
                snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
                cpu[strcspn(cpu, "\n")] = 0;
                break;
            }
        fclose(ci);
    }
    struct utsname u;
    uname(&u);
    time_t t = time(NULL);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    const char *conv = getenv("MC_NN_CONV"), *noasm = getenv("MEDCHAOS_NO_ASM");
    fprintf(f, "# Provenance of these results\n\n| what | value |\n|---|---|\n");
    fprintf(f, "| mode | %s |\n| date | %s |\n| commit | %s |\n| compiler | %s |\n", c->full ? "full" : "quick",
            when, commit, __VERSION__);
    fprintf(f, "| CPU | %s |\n| kernel | %s %s |\n| threads (OpenMP) | %d |\n", cpu, u.sysname, u.release, threads);
    fprintf(f, "| arithmetic path | network products: %s; convolutions: %s; crypto: %s |\n",
            nn_gemm_available() ? "medchaos AVX-512 kernel" : "OpenBLAS",
            conv && !strcmp(conv, "im2col") ? "im2col only" : "cost rule (Winograd, taps, im2col)",
            noasm && !strcmp(noasm, "1") ? "portable (MEDCHAOS_NO_ASM=1)" : "fastest available");
    fprintf(f, "| seeds | %d (%llu to %llu) |\n", c->seeds, (unsigned long long)c->seed,
            (unsigned long long)(c->seed + (uint64_t)c->seeds - 1));
    fprintf(f, "| key network | input %d×%d, %d epochs, %d records, batch %d, teacher %s |\n", c->size, c->size,
            c->epochs, c->samples, c->batch, keynet_teacher_name(c->teacher));
    fprintf(f, "| network library version | %s (hash of src/nn, src/keynet, src/meta/render.c) |\n", REPRO_NN_VERSION);
    fclose(f);
}

/* Training progress: one line per epoch, and in full mode every 20 steps,
 * with the network library's own estimate of the time left for this network. */
typedef struct {
    const char *label;
    int seed_index, full;
} progress_ctx;

static void on_progress(void *vctx, const keynet_progress *p, int end_of_epoch)
{
    const progress_ctx *c = vctx;
    if (!end_of_epoch && !(c->full && p->step % 20 == 0)) return;
    char val[96] = "";
    if (end_of_epoch)
        snprintf(val, sizeof val, ", validation loss %.4f (%.3f of the mean predictor's)", p->val_loss,
                 p->val_loss / p->val_mean_loss);
    printf("    %s seed %d: epoch %d/%d, step %zu/%zu, train loss %.4f%s, %.1f img/s, about %.0f s left\n", c->label,
           c->seed_index, p->epoch, p->epochs, p->step, p->steps, p->train_loss, val, p->img_per_s, p->eta_s);
}

/* A trained network is reused only when every setting it depends on is the
 * same: its file name carries them all, and the network library's version. */
static void model_path(const repro_config *c, const repro_variant *v, int seed_index, char *out, size_t n,
                       const char *suffix)
{
    snprintf(out, n, "%s/models/%s-%s-s%d-e%d-n%d-b%d-%s-seed%llu-v%s%s", c->out, chaos_map_name(v->map),
             nn_arch_name(v->arch), c->size, c->epochs, c->samples, c->batch, keynet_teacher_name(c->teacher),
             (unsigned long long)(c->seed + (uint64_t)seed_index), REPRO_NN_VERSION, suffix);
}

static void train_variants(const repro_config *c, repro_variant *v, int seed_index, const repro_image *im, size_t nim)
{
    meta_record *recs = malloc(nim * sizeof *recs);
    for (size_t i = 0; i < nim; i++) recs[i] = im[i].meta;
    for (int k = 0; k < REPRO_NVARIANTS; k++) {
        const char *arch = nn_arch_name(v[k].arch), *map = chaos_map_name(v[k].map);
        model_path(c, &v[k], seed_index, v[k].model_path, sizeof v[k].model_path, ".safetensors");
        FILE *exists = fopen(v[k].model_path, "rb");
        if (exists) {
            fclose(exists);
            printf("  %-22s seed %d: trained network found, reused (%s)\n", v[k].label, seed_index,
                   v[k].model_path);
        } else {
            keynet_train_cfg cfg;
            keynet_train_defaults(&cfg);
            cfg.arch = v[k].arch;
            cfg.map = v[k].map;
            cfg.teacher = c->teacher;
            cfg.size = c->size;
            cfg.epochs = c->epochs;
            cfg.samples = c->samples;
            cfg.batch = c->batch;
            cfg.seed = c->seed + (uint64_t)seed_index;
            char csv[1024], ckpt[1024];
            /* The first seed's loss curve is the one the figures plot. */
            if (seed_index == 0) snprintf(csv, sizeof csv, "%s/training-%s-%s.csv", c->out, map, arch);
            else snprintf(csv, sizeof csv, "%s/models/training-%s-%s-seed%d.csv", c->out, map, arch, seed_index);
            model_path(c, &v[k], seed_index, ckpt, sizeof ckpt, ".ckpt.safetensors");
            cfg.csv_path = csv;
            cfg.ckpt_path = ckpt;
            keynet_progress fin;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            progress_ctx pc = {v[k].label, seed_index, c->full};
            mc_err e = keynet_train(&cfg, recs, nim, v[k].model_path, 0, on_progress, &pc, &fin);
            if (e) die(v[k].model_path, e);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            printf("  %-22s seed %d: trained in %.1f s: train loss %.4f, validation loss %.4f (%.3f of the mean "
                   "predictor's)\n",
                   v[k].label, seed_index, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) * 1e-9,
                   fin.train_loss, fin.val_loss, fin.val_loss / fin.val_mean_loss);
            remove(ckpt);
        }
        mc_err e = keynet_load(&v[k].net, v[k].model_path);
        if (e) die(v[k].model_path, e);
    }
    free(recs);
}

int main(int argc, char **argv)
{
    repro_config c = {.out = "results", .data = "data/prepared", .seed = 20240501, .seeds = 0};
    keynet_train_cfg defaults;
    keynet_train_defaults(&defaults);
    c.teacher = defaults.teacher;
    setvbuf(stdout, NULL, _IOLBF, 0);   /* progress lines appear as they happen, also through make */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full")) c.full = 1;
        else if (!strcmp(argv[i], "--quick")) c.full = 0;
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) c.out = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc) c.data = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) c.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc) c.seeds = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: reproduce [--quick|--full] [--out DIR] [--data DIR] [--seed N] [--seeds K]\n");
            return 2;
        }
    }
    if (c.full) {
        c.size = 224, c.epochs = 20, c.samples = 2048, c.batch = 16, c.timing_runs = 20, c.nist_streams = 20;
    } else {
        c.size = 32, c.epochs = 3, c.samples = 256, c.batch = 16, c.timing_runs = 5, c.nist_streams = 8;
    }
    if (!c.seeds) c.seeds = 5;
    if (c.seeds < 2 || c.seeds > REPRO_MAX_SEEDS) {
        fprintf(stderr, "reproduce: --seeds must be 2 to %d (the spread needs two)\n", REPRO_MAX_SEEDS);
        return 2;
    }
    printf("medchaos reproduction, %s mode: key networks at %d×%d input, %d epochs on %d metadata records, "
           "%d seeds%s\n", c.full ? "FULL" : "QUICK", c.size, c.size, c.epochs, c.samples, c.seeds,
           c.full ? " (the paper's input size; expect several hours on 2 cores)"
                  : " (reduced from the paper's 224×224 so that it runs in minutes; `make reproduce-full` for the real budget)");
    ensure_dir(c.out);
    char p[1024];
    snprintf(p, sizeof p, "%s/models", c.out);
    ensure_dir(p);
    snprintf(p, sizeof p, "%s/figures", c.out);
    ensure_dir(p);
    provenance(&c);

    size_t nim;
    repro_image *im = load_images(c.data, &nim);
    printf("[1/7] %zu images from %s/paper\n", nim, c.data);
    static repro_variant v[REPRO_MAX_SEEDS][REPRO_NVARIANTS];
    for (int s = 0; s < c.seeds; s++) {
        const repro_variant base[REPRO_NVARIANTS] = {
            {"Logistic+ResNet-18", CHAOS_LOGISTIC, NN_RESNET18, "", {0}},
            {"Logistic+MobileNetV2", CHAOS_LOGISTIC, NN_MOBILENETV2, "", {0}},
            {"Lorenz+ResNet-18", CHAOS_LORENZ, NN_RESNET18, "", {0}},
            {"Lorenz+MobileNetV2", CHAOS_LORENZ, NN_MOBILENETV2, "", {0}},
        };
        memcpy(v[s], base, sizeof base);
    }
    printf("[2/7] key networks (%d seeds)\n", c.seeds);
    for (int s = 0; s < c.seeds; s++) train_variants(&c, v[s], s, im, nim);
    repro_findings found = {0};
    printf("[3/7] key sensitivity and the chosen-plaintext attack\n");
    repro_security(&c, v[0], im, nim, &found);
    printf("[4/7] cipher metrics over %d seeds, differential test, ablations, summary\n", c.seeds);
    repro_metrics(&c, v, im, nim, &found);
    printf("[5/7] timing\n");
    repro_timing(&c, v[0], im, nim);
    printf("[6/7] NIST SP 800-22 on the keystreams\n");
    repro_nist(&c, v[0]);
    printf("[7/7] figures\n");
    repro_figures(&c, v[0], im, nim);
    for (int s = 0; s < c.seeds; s++)
        for (int k = 0; k < REPRO_NVARIANTS; k++) keynet_free(&v[s][k].net);
    for (size_t i = 0; i < nim; i++) img_free(&im[i].im);
    free(im);
    printf("done: tables in %s/*.md (and .csv), figures in %s/figures, provenance in %s/PROVENANCE.md\n", c.out,
           c.out, c.out);
    return 0;
}
