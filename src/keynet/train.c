/* See train.h. One epoch: shuffle (seeded by seed and epoch, so a resumed run
 * sees the same order), render each batch's metadata images, forward in
 * training mode, MSE against the teacher's targets, backward, optimiser step.
 * A batch may be split into shards whose gradients are accumulated; with
 * cfg->par the shards are spread over processes (src/mpi, docs/MPI.md). */
#include "keynet/train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "meta/render.h"
#include "nn/json.h"
#include "nn/safetensors.h"
#include "util/file.h"
#include "util/xoshiro.h"

void keynet_train_defaults(keynet_train_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->arch = NN_RESNET18;
    c->map = CHAOS_LOGISTIC;
    c->teacher = KEYNET_TEACHER_FOURIER;
    c->size = 224;
    c->epochs = 10;
    c->batch = 16;
    c->shards = 1;
    c->samples = 512;
    c->val_frac = 0.2;
    c->opt = (nn_optim_cfg){.kind = NN_OPT_ADAM, .lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f};
    c->cosine = 1;
    c->seed = 1;
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void keynet_synthetic_record(uint64_t seed, uint64_t i, meta_record *m)
{
    memset(m, 0, sizeof *m);
    uint64_t s = seed ^ (0xD1B54A32D192ED03ull * (i + 1));
    /* 1990-01-01 is day 7305 after the epoch; 2030-12-31 is day 22279. */
    const uint64_t first = 7305ull * 86400, span = (22279ull - 7305 + 1) * 86400;
    uint64_t t = first + mc_splitmix64(&s) % span;
    civil_from_days((int64_t)(t / 86400), &m->year, &m->month, &m->day);
    m->hour = (int)(t % 86400 / 3600);
    m->minute = (int)(t % 3600 / 60);
    m->second = (int)(t % 60);
    m->src = META_SRC_MANUAL;
}

mc_err keynet_save(const nn_model *net, chaos_map map, keynet_teacher t, int size, int epoch,
                   const char *path, int force)
{
    char s_size[16], s_epoch[16];
    snprintf(s_size, sizeof s_size, "%d", size);
    snprintf(s_epoch, sizeof s_epoch, "%d", epoch);
    const char *kv[] = {"medchaos.map", chaos_map_name(map), "medchaos.input_size", s_size,
                        "medchaos.teacher", keynet_teacher_name(t), "medchaos.epoch", s_epoch,
                        "medchaos.arch", nn_arch_name(nn_model_arch(net)), "medchaos.bind", "record"};
    return nn_model_save_meta(net, path, kv, sizeof kv / sizeof kv[0] / 2, force);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

mc_err keynet_dataset_build(const keynet_train_cfg *cfg, const meta_record *real, size_t nreal, keynet_dataset *d)
{
    const int K = keynet_outputs(cfg->map);
    const size_t n = nreal > (size_t)cfg->samples ? nreal : (size_t)cfg->samples;
    *d = (keynet_dataset){calloc(n, sizeof *d->rec), malloc(sizeof(float) * n * K), malloc(n * sizeof(size_t)), n,
                          0, K};
    if (!d->rec || !d->target || !d->order) {
        keynet_dataset_free(d);
        return mc_fail(MC_E_NOMEM, "cannot allocate the training set");
    }
    for (size_t i = 0; i < n; i++) {
        if (i < nreal) d->rec[i] = real[i];
        else keynet_synthetic_record(cfg->seed, i - nreal, &d->rec[i]);
        double u[3];
        keynet_teacher_unit(cfg->teacher, cfg->map, &d->rec[i], u);
        for (int k = 0; k < K; k++) d->target[i * K + k] = (float)u[k];
    }
    /* One fixed split: a seeded shuffle, the last val_frac held out. */
    uint64_t s = cfg->seed ^ 0x5EED5EEDull;
    for (size_t i = 0; i < n; i++) d->order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = mc_splitmix64(&s) % (i + 1), t = d->order[i];
        d->order[i] = d->order[j];
        d->order[j] = t;
    }
    d->ntrain = n - (size_t)(cfg->val_frac * n);
    return MC_OK;
}

void keynet_dataset_free(keynet_dataset *d)
{
    free(d->rec);
    free(d->target);
    free(d->order);
    *d = (keynet_dataset){0};
}

/* Validation loss of the constant predictor: the mean of the training targets. */
static double mean_predictor_loss(const keynet_dataset *d)
{
    double mean[3] = {0, 0, 0}, sum = 0;
    for (size_t i = 0; i < d->ntrain; i++)
        for (int k = 0; k < d->K; k++) mean[k] += d->target[d->order[i] * d->K + k];
    for (int k = 0; k < d->K; k++) mean[k] /= (double)d->ntrain;
    for (size_t i = d->ntrain; i < d->n; i++)
        for (int k = 0; k < d->K; k++) {
            double r = d->target[d->order[i] * d->K + k] - mean[k];
            sum += r * r;
        }
    return d->n > d->ntrain ? sum / ((double)(d->n - d->ntrain) * d->K) : NAN;
}

typedef keynet_dataset dataset;

/* Render records idx[0..b) into x (b,3,S,S) and gather their targets into y. */
static mc_err load_batch(const dataset *d, const size_t *idx, int b, int S, int K, float *x, float *y)
{
    size_t img = 3 * (size_t)S * S;
    for (int i = 0; i < b; i++) {
        mc_err e = meta_render(&d->rec[idx[i]], S, x + i * img);
        if (e) return e;
        memcpy(y + (size_t)i * K, d->target + idx[i] * K, sizeof(float) * K);
    }
    return MC_OK;
}

/* The shards of one step computed as data-parallel ranks compute them, so
 * that `--shards N` in one process and N ranks give the same bits: every
 * shard's gradient starts from zero and its batch-norm forward starts from
 * the step's running statistics; the gradients are then summed in shard order
 * (a + b, as reduce() sums two ranks) and the running statistics averaged.
 * Tensors are visited in the model's fixed order: parameters' gradients,
 * then the values of buffers (running statistics), as src/mpi/mpi_train.c. */
typedef struct {
    float *grad, *stat0, *stat;   /* summed gradients; statistics at the step's start; their sum */
    size_t ngrad, nstat;
} shard_sum;

typedef enum {
    SHARD_COPY,     /* the first shard's gradients and statistics into the sums */
    SHARD_ADD,      /* a later shard's added to them, in shard order */
    SHARD_RESTORE,  /* the step's starting statistics back into the network */
    SHARD_WRITE,    /* the sums into the network (statistics divided by the shards) */
    SHARD_SAVE,     /* the step's starting statistics kept */
    SHARD_COUNT     /* nothing: only ngrad and nstat */
} shard_op;

static void shard_walk(nn_model *net, shard_sum *s, shard_op what, int shards)
{
    size_t g = 0, b = 0;
    for (int i = 0; nn_model_tensor_name(net, i); i++) {
        float *data, *grad;
        size_t n;
        if (nn_model_tensor(net, nn_model_tensor_name(net, i), &data, &grad, &n)) continue;
        if (s->grad) {
            float *acc = grad ? s->grad + g : s->stat + b, *src = grad ? grad : data;
            if (what == SHARD_COPY) memcpy(acc, src, n * sizeof *src);
            else if (what == SHARD_ADD) for (size_t k = 0; k < n; k++) acc[k] = acc[k] + src[k];
            else if (what == SHARD_RESTORE && !grad) memcpy(data, s->stat0 + b, n * sizeof *data);
            else if (what == SHARD_WRITE && grad) memcpy(grad, acc, n * sizeof *grad);
            else if (what == SHARD_WRITE) for (size_t k = 0; k < n; k++) data[k] = acc[k] / (float)shards;
            else if (what == SHARD_SAVE && !grad) memcpy(s->stat0 + b, data, n * sizeof *data);
        }
        if (grad) g += n;
        else b += n;
    }
    s->ngrad = g;
    s->nstat = b;
}

static mc_err shard_sum_init(nn_model *net, shard_sum *s)
{
    *s = (shard_sum){0};
    shard_walk(net, s, SHARD_COUNT, 1);   /* s->grad is NULL: counts only */
    s->grad = malloc(s->ngrad * sizeof(float));
    s->stat0 = malloc((s->nstat + 1) * sizeof(float));
    s->stat = malloc((s->nstat + 1) * sizeof(float));
    if (!s->grad || !s->stat0 || !s->stat) return mc_fail(MC_E_NOMEM, "cannot allocate the shard sums");
    return MC_OK;
}

static void shard_sum_free(shard_sum *s)
{
    free(s->grad);
    free(s->stat0);
    free(s->stat);
}

/* Anti-collapse term (docs/KEYGEN.md §3), added to the MSE of one batch:
 *   L_s = λ/K Σ_k (s_k − σ_k)²,  s_k, σ_k = standard deviations over the batch of
 *   output k and of its target;
 *   ∂L_s/∂o_bk = 2λ/K (s_k − σ_k) (o_bk − ō_k) / (B s_k).
 * It pulls the spread of the outputs towards the targets' spread, which the
 * MSE alone gives up on a target the network cannot fit (the hash teacher). */
static double spread_loss(const float *out, const float *y, int B, int K, double lambda, float *dout)
{
    double total = 0;
    for (int k = 0; k < K; k++) {
        double mo = 0, my = 0, vo = 0, vy = 0;
        for (int b = 0; b < B; b++) mo += out[b * K + k], my += y[b * K + k];
        mo /= B, my /= B;
        for (int b = 0; b < B; b++) {
            vo += (out[b * K + k] - mo) * (out[b * K + k] - mo);
            vy += (y[b * K + k] - my) * (y[b * K + k] - my);
        }
        double s = sqrt(vo / B + 1e-12), sy = sqrt(vy / B);
        total += lambda / K * (s - sy) * (s - sy);
        for (int b = 0; b < B; b++) dout[b * K + k] += (float)(2 * lambda / K * (s - sy) * (out[b * K + k] - mo) / (B * s));
    }
    return total;
}

static mc_err evaluate(nn_model *net, const dataset *d, const size_t *idx, size_t n, int B, int S, int K,
                       float *x, float *y, float *out, double *loss)
{
    double sum = 0;
    for (size_t at = 0; at < n; at += B) {
        int b = (int)(n - at < (size_t)B ? n - at : (size_t)B);
        mc_err e = load_batch(d, idx + at, b, S, K, x, y);
        if (!e) e = nn_model_forward(net, x, b, S, S, out, 0);
        if (e) return e;
        sum += nn_mse_loss(out, y, b * K, NULL) * b;
    }
    *loss = n ? sum / n : NAN;
    return MC_OK;
}

/* See train.h. */
mc_err keynet_resume_check(const keynet_train_cfg *cfg, int *first_epoch, nn_model **net)
{
    if (net) *net = NULL;
    nn_tensor_file f;
    mc_err e = nn_st_load(cfg->ckpt_path, &f);
    if (e) return e;
    const char *map = nn_st_meta(&f, "medchaos.map"), *teacher = nn_st_meta(&f, "medchaos.teacher");
    const char *size = nn_st_meta(&f, "medchaos.input_size"), *ep = nn_st_meta(&f, "medchaos.epoch");
    char want_size[16];
    snprintf(want_size, sizeof want_size, "%d", cfg->size);
    char *end = NULL;
    long epoch = ep ? strtol(ep, &end, 10) : -1;
    if (!map || !teacher || !size || !ep)
        e = mc_fail(MC_E_FORMAT, "not a medchaos checkpoint (no medchaos.map/teacher/input_size/epoch metadata)");
    else if (strcmp(map, chaos_map_name(cfg->map)))
        e = mc_fail(MC_E_MISMATCH, "the checkpoint was trained for the %s map, this run trains %s "
                                   "(remove it or give another --checkpoint)", map, chaos_map_name(cfg->map));
    else if (strcmp(teacher, keynet_teacher_name(cfg->teacher)))
        e = mc_fail(MC_E_MISMATCH, "the checkpoint was trained against the %s teacher, this run uses %s",
                    teacher, keynet_teacher_name(cfg->teacher));
    else if (strcmp(size, want_size))
        e = mc_fail(MC_E_MISMATCH, "the checkpoint's input size is %s, this run's %d", size, cfg->size);
    else if (*end || epoch < 0 || epoch > cfg->epochs)
        e = mc_fail(MC_E_FORMAT, "the checkpoint's epoch '%s' is not in 0..%d", ep, cfg->epochs);
    else
        *first_epoch = (int)epoch + 1;
    nn_st_free(&f);
    /* The training buffers hold K outputs: a checkpoint with others is refused
     * here, before a byte of it is copied. */
    nn_model *m = NULL;
    if (!e) e = nn_model_load_as(&m, cfg->ckpt_path, (int)cfg->arch, keynet_outputs(cfg->map));
    if (!e && net) *net = m;
    else if (m) nn_model_free(m);
    return e;
}

mc_err keynet_train(const keynet_train_cfg *cfg, const meta_record *real, size_t nreal,
                    const char *out_path, int force, keynet_progress_fn cb, void *ctx,
                    keynet_progress *final)
{
    if (cfg->size < 32 || cfg->epochs < 1 || cfg->batch < 2 || cfg->val_frac < 0 || cfg->val_frac >= 1)
        return mc_fail(MC_E_ARG, "training needs size >= 32, epochs >= 1, batch >= 2, val_frac in [0,1)");
    const keynet_parallel *par = cfg->par;
    if (cfg->shards < 1 || (par && cfg->shards < par->size))
        return mc_fail(MC_E_ARG, "training needs at least one shard per process");
    const int writer = !par || par->rank == 0;   /* the one process that reports and writes */
    /* Find out now, not after the whole budget, that an output cannot be written. */
    mc_err pe = MC_OK;
    if (writer && !(pe = mc_safe_probe(out_path, force)) && cfg->csv_path) pe = mc_safe_probe(cfg->csv_path, 1);
    if (writer && !pe && cfg->ckpt_path) pe = mc_safe_probe(cfg->ckpt_path, 1);
    if (pe) return pe;
    const int K = keynet_outputs(cfg->map), S = cfg->size, B = cfg->batch;
    const size_t G = (size_t)B * cfg->shards;   /* the global batch */
    size_t img = 3 * (size_t)S * S;
    float *x = malloc(sizeof(float) * img * B), *y = malloc(sizeof(float) * B * K);
    float *out = malloc(sizeof(float) * B * K), *dout = malloc(sizeof(float) * B * K);
    nn_model *net = NULL;
    shard_sum ss = {0};
    nn_json_buf csv = {NULL, 0, 0, 0};   /* the loss curve, rewritten whole each epoch */
    dataset d;
    mc_err e = keynet_dataset_build(cfg, real, nreal, &d);
    if (e) goto done;
    if (!x || !y || !out || !dout) {
        e = mc_fail(MC_E_NOMEM, "cannot allocate the training batch");
        goto done;
    }
    size_t *order = d.order, ntrain = d.ntrain, nval = d.n - d.ntrain;
    if (ntrain < G) {
        e = mc_fail(MC_E_ARG, "%zu training samples is fewer than one batch of %zu", ntrain, G);
        goto done;
    }
    size_t *val = order + ntrain;

    int first_epoch = 1;
    if (cfg->ckpt_path && access(cfg->ckpt_path, F_OK) == 0) {
        if ((e = keynet_resume_check(cfg, &first_epoch, &net))) goto done;
    } else if ((e = nn_model_new(&net, cfg->arch, K, cfg->seed))) {
        goto done;
    }
    if (cfg->csv_path && writer) {
        if (first_epoch > 1 && access(cfg->csv_path, F_OK) == 0) {
            unsigned char *old;
            size_t len;
            if ((e = mc_read_file(cfg->csv_path, (size_t)64 << 20, &old, &len))) goto done;
            nn_json_buf_add(&csv, (const char *)old, len);
            free(old);
        } else {
            nn_json_buf_add(&csv, "epoch,train_loss,val_loss,lr,seconds,val_mean_predictor\n", 56);
        }
    }
    /* Shards this process runs per step; with more than one they are summed
     * as ranks would sum them (shard_sum). */
    const int local = par ? (cfg->shards + par->size - 1 - par->rank) / par->size : cfg->shards;
    if (local > 1 && (e = shard_sum_init(net, &ss))) goto done;
    size_t steps = ntrain / G;   /* drop the last partial batch: BN needs B >= 2 */
    double t0 = now();
    keynet_progress pr = {0};
    pr.val_mean_loss = mean_predictor_loss(&d);
    for (int ep = first_epoch; ep <= cfg->epochs; ep++) {
        uint64_t es = cfg->seed * 0x9E3779B97F4A7C15ull + (uint64_t)ep;
        for (size_t i = ntrain - 1; i > 0; i--) {
            size_t j = mc_splitmix64(&es) % (i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double sum = 0, te = now();
        nn_optim_cfg oc = cfg->opt;
        for (size_t st = 0; st < steps; st++) {
            long gstep = (long)(ep - 1) * (long)steps + (long)st;
            if (cfg->cosine) oc.lr = nn_lr_cosine(cfg->opt.lr, 0.0f, gstep, (long)cfg->epochs * (long)steps);
            /* The mean over the global batch is the mean of the shards' means, so
             * each shard's ∂L/∂out is scaled by 1/shards and the gradients add up. */
            double loss = 0;
            int mine = 0;   /* shards this process has run in this step */
            if (local > 1) shard_walk(net, &ss, SHARD_SAVE, local);
            for (int sh = par ? par->rank : 0; sh < cfg->shards; sh += par ? par->size : 1, mine++) {
                if (mine && local > 1) {
                    shard_walk(net, &ss, SHARD_RESTORE, local);
                    nn_model_uncount_batch(net);
                }
                nn_model_zero_grad(net);
                if ((e = load_batch(&d, order + st * G + (size_t)sh * B, B, S, K, x, y))) goto done;
                if ((e = nn_model_forward(net, x, B, S, S, out, 1))) goto done;
                loss += nn_mse_loss(out, y, B * K, dout);
                if (cfg->spread > 0) loss += spread_loss(out, y, B, K, cfg->spread, dout);
                for (int k = 0; k < B * K; k++) dout[k] /= (float)cfg->shards;
                if ((e = nn_model_backward(net, dout))) goto done;
                if (local > 1) shard_walk(net, &ss, mine ? SHARD_ADD : SHARD_COPY, local);
            }
            if (local > 1) shard_walk(net, &ss, SHARD_WRITE, local);
            if (par && (e = par->reduce(par->ctx, net, &loss))) goto done;
            if ((e = nn_model_step(net, &oc))) goto done;
            sum += loss / cfg->shards;
            double el = now() - te;
            pr = (keynet_progress){ep, cfg->epochs, st + 1, steps, sum / (st + 1), pr.val_loss,
                                   (st + 1) * G / el,
                                   el / (st + 1) * ((double)(cfg->epochs - ep) * steps + (steps - st - 1)),
                                   pr.val_mean_loss};
            if (cb && writer) cb(ctx, &pr, 0);
        }
        if (par && (e = par->agree(par->ctx, net))) goto done;
        if ((e = evaluate(net, &d, val, nval, B, S, K, x, y, out, &pr.val_loss))) goto done;
        if (cfg->csv_path && writer) {
            /* The whole curve, rewritten by one safe write per epoch. */
            nn_json_buf_printf(&csv, "%d,%.9g,%.9g,%.6g,%.3f,%.9g\n", ep, pr.train_loss, pr.val_loss, oc.lr, now() - t0,
                               pr.val_mean_loss);
            if (csv.oom) {
                e = mc_fail(MC_E_NOMEM, "out of memory for the loss curve");
                goto done;
            }
            if ((e = mc_write_file(cfg->csv_path, csv.p, csv.len, MC_MODE_PUBLIC, 1))) goto done;
        }
        if (cb && writer) cb(ctx, &pr, 1);
        if (cfg->ckpt_path && writer && (e = keynet_save(net, cfg->map, cfg->teacher, S, ep, cfg->ckpt_path, 1))) goto done;
    }
    if (writer) e = keynet_save(net, cfg->map, cfg->teacher, S, cfg->epochs, out_path, force);
    if (final) *final = pr;
done:
    nn_json_buf_free(&csv);
    shard_sum_free(&ss);
    if (net) nn_model_free(net);
    keynet_dataset_free(&d);
    free(x);
    free(y);
    free(out);
    free(dout);
    return e;
}
