/* medchaos train: fit the key network to the teacher mapping on the metadata
 * of a data set (plus seeded synthetic records). */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "keynet/train.h"
#include "util/file.h"

static const char usage_text[] =
    "usage: medchaos train --arch resnet18|mobilenetv2 --map logistic|lorenz [--data DIR|LIST] -o MODEL.safetensors\n"
    "\n"
    "Trains the key network: metadata image (S×S) → chaotic parameters, against the teacher mapping.\n"
    "Images in DIR (or listed one per line in LIST) without metadata are skipped with a warning.\n"
    "\n"
    "  --size S         metadata image side (default 224, the paper's input)\n"
    "  --epochs N       (default 10)        --batch B     (default 16)\n"
    "  --shards N       N micro-batches of B per step, gradients accumulated: a global batch of\n"
    "                   N·B, the step N data-parallel processes take (medchaos-mpi; default 1)\n"
    "  --samples N      real plus synthetic records (default 512)\n"
    "  --val F          validation share (default 0.2)\n"
    "  --optim adam|adamw|sgd  (default adam)   --lr X (default 1e-3)   --no-cosine\n"
    "  --teacher fourier|hash|smooth  target mapping (default fourier; docs/KEYGEN.md §2)\n"
    "  --seed N         initialisation, synthetic records, shuffling (default 1)\n"
    "  --csv FILE       loss curve     --checkpoint FILE  save each epoch, resume from it\n"
    "  --force          overwrite MODEL (never one of the --data images or the list)\n"
    "Every output is checked to be writable before training starts.\n";

typedef struct {
    int tty;
} progress_ctx;

static void on_progress(void *vctx, const keynet_progress *p, int end_of_epoch)
{
    progress_ctx *c = vctx;
    if (c->tty && !end_of_epoch) {
        int width = 20, fill = (int)(width * p->step / (p->steps ? p->steps : 1));
        fprintf(stderr, "\repoch %d/%d [%.*s%*s] loss %.5f  %.1f img/s  ETA %.0fs   ", p->epoch, p->epochs, fill,
                "####################", width - fill, "", p->train_loss, p->img_per_s, p->eta_s);
    } else if (end_of_epoch) {
        fprintf(stderr, "%sepoch %d/%d  train loss %.6f  val loss %.6f (%.3f of the mean predictor's)  %.1f img/s  ETA %.0fs\n",
                c->tty ? "\r" : "", p->epoch, p->epochs, p->train_loss, p->val_loss, p->val_loss / p->val_mean_loss,
                p->img_per_s, p->eta_s);
    }
}

/* Collect metadata records from a directory or a list file. */
static mc_err gather(const char *data, meta_record **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!data) return MC_OK;
    char **paths = NULL;
    size_t np = 0;
    struct stat st;
    if (stat(data, &st) != 0) return mc_fail(MC_E_IO, "%s: no such file or directory", data);
    batch_list b;
    if (S_ISDIR(st.st_mode)) {
        char *in[1] = {(char *)data};
        mc_err e = batch_build(&b, in, 1, NULL, "/", 0);
        if (e) return e;
        paths = b.in;
        np = b.n;
    } else {
        /* Read whole (a FIFO or device is refused, never waited on). */
        unsigned char *text;
        size_t len;
        mc_err e = mc_read_file(data, (size_t)64 << 20, &text, &len);
        if (e) return e;
        memset(&b, 0, sizeof b);
        char *save = NULL;
        unsigned char *nul = memchr(text, 0, len);
        if (nul) len = (size_t)(nul - text);
        char *lines = realloc(text, len + 1);
        if (!lines) {
            free(text);
            return mc_fail(MC_E_NOMEM, "out of memory");
        }
        lines[len] = '\0';
        for (char *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            line[strcspn(line, "\r")] = 0;
            if (!line[0] || line[0] == '#') continue;
            char **p = realloc(b.in, (b.n + 1) * sizeof *p);
            if (!p || !(p[b.n] = strdup(line))) {
                if (p) b.in = p;
                free(lines);
                batch_free(&b);
                return mc_fail(MC_E_NOMEM, "out of memory");
            }
            b.in = p;
            b.n++;
        }
        free(lines);
        paths = b.in;
        np = b.n;
    }
    /* No output of this run may replace what it reads. */
    mc_err re = mc_safe_input(data);
    for (size_t i = 0; !re && i < np; i++) re = mc_safe_input(paths[i]);
    if (re) {
        batch_free(&b);
        return re;
    }
    meta_record *r = calloc(np ? np : 1, sizeof *r);
    if (!r) {
        batch_free(&b);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < np; i++) {
        mc_err e = meta_read(paths[i], &r[*n]);
        if (e) {
            fprintf(stderr, "medchaos train: skipping %s: %s\n", paths[i], mc_errmsg(e));
            mc_clear_error();
            continue;
        }
        (*n)++;
    }
    batch_free(&b);
    *out = r;
    return MC_OK;
}

int cmd_train(int argc, char **argv)
{
    enum { O_ARCH = 256, O_MAP, O_DATA, O_SIZE, O_EPOCHS, O_BATCH, O_SAMPLES, O_VAL, O_OPTIM, O_LR,
           O_NOCOS, O_TEACHER, O_SEED, O_CSV, O_CKPT, O_FORCE, O_SHARDS };
    static const struct option opts[] = {
        {"arch", required_argument, 0, O_ARCH},       {"map", required_argument, 0, O_MAP},
        {"data", required_argument, 0, O_DATA},       {"size", required_argument, 0, O_SIZE},
        {"epochs", required_argument, 0, O_EPOCHS},   {"batch", required_argument, 0, O_BATCH},
        {"samples", required_argument, 0, O_SAMPLES}, {"val", required_argument, 0, O_VAL},
        {"optim", required_argument, 0, O_OPTIM},     {"lr", required_argument, 0, O_LR},
        {"no-cosine", no_argument, 0, O_NOCOS},       {"teacher", required_argument, 0, O_TEACHER},
        {"seed", required_argument, 0, O_SEED},       {"csv", required_argument, 0, O_CSV},
        {"checkpoint", required_argument, 0, O_CKPT}, {"force", no_argument, 0, O_FORCE},
        {"shards", required_argument, 0, O_SHARDS},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    keynet_train_cfg cfg;
    keynet_train_defaults(&cfg);
    const char *data = NULL, *out = NULL;
    int force = 0, have_arch = 0, opt, twice = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (opt) {
        case O_ARCH:
            if (!strcmp(optarg, "resnet18")) cfg.arch = NN_RESNET18;
            else if (!strcmp(optarg, "mobilenetv2")) cfg.arch = NN_MOBILENETV2;
            else return cli_usage_error("train", "unknown architecture '%s'", optarg);
            have_arch = 1;
            break;
        case O_MAP:
            if (chaos_map_parse(optarg, &cfg.map)) return cli_usage_error("train", "unknown map '%s'", optarg);
            break;
        case O_DATA: twice = cli_set_once(&data, optarg); break;
        case O_SIZE: cfg.size = atoi(optarg); break;
        case O_EPOCHS: cfg.epochs = atoi(optarg); break;
        case O_BATCH: cfg.batch = atoi(optarg); break;
        case O_SHARDS: cfg.shards = atoi(optarg); break;
        case O_SAMPLES: cfg.samples = atoi(optarg); break;
        case O_VAL: cfg.val_frac = atof(optarg); break;
        case O_OPTIM:
            if (!strcmp(optarg, "adam")) cfg.opt.kind = NN_OPT_ADAM;
            else if (!strcmp(optarg, "adamw")) cfg.opt.kind = NN_OPT_ADAMW, cfg.opt.weight_decay = 1e-2f;
            else if (!strcmp(optarg, "sgd")) cfg.opt.kind = NN_OPT_SGD, cfg.opt.momentum = 0.9f, cfg.opt.lr = 1e-2f;
            else return cli_usage_error("train", "unknown optimiser '%s'", optarg);
            break;
        case O_LR: cfg.opt.lr = (float)atof(optarg); break;
        case O_NOCOS: cfg.cosine = 0; break;
        case O_TEACHER:
            if (keynet_teacher_parse(optarg, &cfg.teacher)) return cli_usage_error("train", "%s", mc_errmsg(MC_E_ARG));
            break;
        case O_SEED: cfg.seed = strtoull(optarg, NULL, 10); break;
        case O_CSV: twice = cli_set_once(&cfg.csv_path, optarg); break;
        case O_CKPT: twice = cli_set_once(&cfg.ckpt_path, optarg); break;
        case O_FORCE: force = 1; break;
        case 'o': twice = cli_set_once(&out, optarg); break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error("train", "bad option");
        }
        if (twice) return cli_usage_error("train", "%s given twice with different values", cli_option_name(opts, opt));
    }
    if (!have_arch || !out || optind != argc) return cli_usage_error("train", "needs --arch and -o MODEL");
    mc_err e = batch_train_setup(&cfg);
    if (e) return cli_fail(NULL, e);
    /* A checkpoint that cannot resume this run is named now, not after the data scan. */
    int first_epoch;
    if (cfg.ckpt_path && access(cfg.ckpt_path, F_OK) == 0 && (e = keynet_resume_check(&cfg, &first_epoch, NULL)))
        return cli_fail(cfg.ckpt_path, e);
    meta_record *recs;
    size_t nrec;
    e = gather(data, &recs, &nrec);
    if (e) return cli_fail(data, e);
    fprintf(stderr, "medchaos train: %s, %s map, %s teacher, %d×%d input, %zu real + %zu synthetic records, %d epochs\n",
            nn_arch_name(cfg.arch), chaos_map_name(cfg.map), keynet_teacher_name(cfg.teacher), cfg.size, cfg.size,
            nrec, (size_t)cfg.samples > nrec ? (size_t)cfg.samples - nrec : 0, cfg.epochs);
    progress_ctx pc = {isatty(STDERR_FILENO)};
    keynet_progress fin;
    e = keynet_train(&cfg, recs, nrec, out, force, on_progress, &pc, &fin);
    free(recs);
    if (e) return cli_fail(out, e);
    printf("%s: train loss %.6f, validation loss %.6f (mean predictor %.6f)\n", out, fin.train_loss, fin.val_loss,
           fin.val_mean_loss);
    return 0;
}
