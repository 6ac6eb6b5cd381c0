/* A network as a flat list of ops over activation slots: building it (the
 * tensor table and the op list), planning work memory for one input shape,
 * and running forward, backward and the optimiser step. The layers themselves
 * are in conv2d.c, batchnorm.c, ...; the two architectures in resnet18.c and
 * mobilenetv2.c; weights files in model_io.c. */
#include "nn/model_impl.h"
#include "nn/gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- large buffers ---- */

/* Work memory and parameters run to hundreds of megabytes, read and written
 * in strided patterns (packed kernels, im2col rows, Winograd tiles) that touch
 * a new 4 KiB page at almost every step and miss the TLB. Aligned to 2 MiB
 * and marked for transparent huge pages (Linux; elsewhere, or where the
 * kernel declines, they stay ordinary memory), each 2 MiB is one TLB entry.
 * Freed with free(). zero: cleared as calloc would. */
static void *big_alloc(size_t bytes, int zero)
{
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < huge) return zero ? calloc(1, bytes) : malloc(bytes);
    bytes = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, bytes)) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    if (zero) memset(p, 0, bytes);
    return p;
}

/* ---- building: grow the tables (only while a model is being made) ---- */

static void *grow(nn_model *m, void *p, int n, size_t each)
{
    if (m->build_failed) return NULL;
    void *q = realloc(p, (size_t)(n + 1) * each);
    if (!q) m->build_failed = 1;
    return q;
}

static int add_tensor(nn_model *m, const char *name, nn_role role, nn_init_kind init, int ndim,
                      const int64_t *shape)
{
    nn_tensor_info *t = grow(m, m->t, m->nt, sizeof *t);
    if (!t) return -1;
    m->t = t;
    nn_tensor_info *ti = &t[m->nt];
    memset(ti, 0, sizeof *ti);
    snprintf(ti->name, sizeof ti->name, "%s", name);
    ti->ndim = ndim;
    ti->numel = 1;
    for (int i = 0; i < ndim; i++) ti->shape[i] = shape[i], ti->numel *= (size_t)shape[i];
    ti->role = role;
    ti->init = init;
    size_t *count = role == NN_ROLE_PARAM ? &m->nparams
                    : role == NN_ROLE_RUNNING ? &m->nrunning : &m->ncounts;
    ti->off = *count;
    *count += ti->numel;
    return m->nt++;
}

static int add_slot(nn_model *m, int C)
{
    nn_slot *s = grow(m, m->slots, m->nslots, sizeof *s);
    if (!s) return 0;
    m->slots = s;
    memset(&s[m->nslots], 0, sizeof *s);
    s[m->nslots].C = C;
    return m->nslots++;
}

static nn_op *add_op(nn_model *m, nn_op_kind kind, int x, int y)
{
    nn_op *o = grow(m, m->ops, m->nops, sizeof *o);
    if (!o) return NULL;
    m->ops = o;
    nn_op *op = &o[m->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind, op->x = x, op->x2 = -1, op->y = y;
    op->w = op->b = op->rm = op->rv = op->nbt = -1;
    return op;
}

static char *join(char *buf, size_t n, const char *a, const char *b)
{
    snprintf(buf, n, "%s.%s", a, b);
    return buf;
}

int nn_build_input(nn_model *m, int C) { return add_slot(m, C); }

/* Conv2d(cin, cout, k, stride, pad, groups, bias=False) named NAME.weight. */
int nn_build_conv(nn_model *m, const char *name, int x, int cout, int k, int stride, int pad,
                  int groups)
{
    if (m->build_failed) return 0;
    const int cin = m->slots[x].C;
    char nb[64];
    const int64_t shape[4] = {cout, cin / groups, k, k};
    const int w = add_tensor(m, join(nb, sizeof nb, name, "weight"), NN_ROLE_PARAM,
                             NN_INIT_CONV_KAIMING_OUT, 4, shape);
    const int y = add_slot(m, cout);
    const int depthwise = groups > 1 && groups == cin && cout == cin;
    nn_op *op = add_op(m, depthwise ? NN_OP_DWCONV : NN_OP_CONV, x, y);
    if (!op) return 0;
    op->w = w, op->cout = cout, op->k = k, op->stride = stride, op->pad = pad, op->groups = groups;
    return y;
}

/* BatchNorm2d(C): weight, bias, running_mean, running_var, num_batches_tracked,
 * in the order of torch's state_dict. */
int nn_build_bn(nn_model *m, const char *name, int x)
{
    if (m->build_failed) return 0;
    const int64_t C[1] = {m->slots[x].C};
    char nb[64];
    const int w = add_tensor(m, join(nb, sizeof nb, name, "weight"), NN_ROLE_PARAM, NN_INIT_ONE, 1, C);
    const int b = add_tensor(m, join(nb, sizeof nb, name, "bias"), NN_ROLE_PARAM, NN_INIT_ZERO, 1, C);
    const int rm = add_tensor(m, join(nb, sizeof nb, name, "running_mean"), NN_ROLE_RUNNING,
                              NN_INIT_ZERO, 1, C);
    const int rv = add_tensor(m, join(nb, sizeof nb, name, "running_var"), NN_ROLE_RUNNING,
                              NN_INIT_ONE, 1, C);
    const int nbt = add_tensor(m, join(nb, sizeof nb, name, "num_batches_tracked"), NN_ROLE_COUNT,
                               NN_INIT_ZERO, 0, NULL);
    const int y = add_slot(m, (int)C[0]);
    nn_op *op = add_op(m, NN_OP_BN, x, y);
    if (!op) return 0;
    op->w = w, op->b = b, op->rm = rm, op->rv = rv, op->nbt = nbt;
    return y;
}

/* In place, as torchvision's ReLU(inplace=True): the output slot is the input's. */
int nn_build_relu(nn_model *m, int x, int six)
{
    add_op(m, six ? NN_OP_RELU6 : NN_OP_RELU, x, x);
    return x;
}

int nn_build_maxpool(nn_model *m, int x, int k, int stride, int pad)
{
    if (m->build_failed) return 0;
    const int y = add_slot(m, m->slots[x].C);
    nn_op *op = add_op(m, NN_OP_MAXPOOL, x, y);
    if (!op) return 0;
    op->k = k, op->stride = stride, op->pad = pad;
    return y;
}

int nn_build_gap(nn_model *m, int x)
{
    if (m->build_failed) return 0;
    const int y = add_slot(m, m->slots[x].C);
    add_op(m, NN_OP_GAP, x, y);
    return y;
}

int nn_build_linear(nn_model *m, const char *name, int x, int nout, nn_init_kind wi,
                    nn_init_kind bi)
{
    if (m->build_failed) return 0;
    char nb[64];
    const int64_t ws[2] = {nout, m->slots[x].C}, bs[1] = {nout};
    const int w = add_tensor(m, join(nb, sizeof nb, name, "weight"), NN_ROLE_PARAM, wi, 2, ws);
    const int b = add_tensor(m, join(nb, sizeof nb, name, "bias"), NN_ROLE_PARAM, bi, 1, bs);
    const int y = add_slot(m, nout);
    nn_op *op = add_op(m, NN_OP_LINEAR, x, y);
    if (!op) return 0;
    op->w = w, op->b = b, op->cout = nout;
    return y;
}

/* x ← x + x2, in place as torchvision's `out += identity`. */
int nn_build_add(nn_model *m, int x, int x2)
{
    nn_op *op = add_op(m, NN_OP_ADD, x, x);
    if (op) op->x2 = x2;
    return x;
}

int nn_build_dropout(nn_model *m, int x)
{
    add_op(m, NN_OP_DROPOUT, x, x);
    return x;
}

/* ---- the model's life ---- */

mc_err nn_model_alloc(nn_model **out, nn_arch arch, int num_outputs)
{
    *out = NULL;
    if (num_outputs < 1 || num_outputs > (1 << 20))
        return mc_fail(MC_E_ARG, "number of outputs %d outside 1..%d", num_outputs, 1 << 20);
    if (arch != NN_RESNET18 && arch != NN_MOBILENETV2)
        return mc_fail(MC_E_ARG, "unknown network architecture %d", (int)arch);
    nn_model *m = calloc(1, sizeof *m);
    if (!m) return mc_fail(MC_E_NOMEM, "network: out of memory");
    m->arch = arch;
    m->outputs = num_outputs;
    m->dropout_p = 0.2f;
    if (arch == NN_RESNET18)
        nn_resnet18_build(m, num_outputs);
    else
        nn_mobilenetv2_build(m, num_outputs);
    if (!m->build_failed) {
        m->params = big_alloc(m->nparams * sizeof(float), 1);
        m->grads = big_alloc(m->nparams * sizeof(float), 1);
        m->running = calloc(m->nrunning, sizeof(float));
        m->counts = calloc(m->ncounts ? m->ncounts : 1, sizeof(int64_t));
    }
    if (m->build_failed || !m->params || !m->grads || !m->running || !m->counts) {
        nn_model_free(m);
        return mc_fail(MC_E_NOMEM, "network: out of memory");
    }
    nn_rng_seed(&m->rng, 0);
    *out = m;
    return MC_OK;
}

mc_err nn_model_new(nn_model **m, nn_arch arch, int num_outputs, uint64_t seed)
{
    mc_err e = nn_model_alloc(m, arch, num_outputs);
    if (e) return e;
    nn_model_init_weights(*m, seed);
    return MC_OK;
}

void nn_model_free(nn_model *m)
{
    if (!m) return;
    free(m->t), free(m->ops), free(m->slots);
    free(m->params), free(m->grads), free(m->opt_m), free(m->opt_v);
    free(m->running), free(m->counts);
    free(m->arena), free(m->garena), free(m->iarena), free(m->gready);
    free(m);
}

nn_arch nn_model_arch(const nn_model *m) { return m->arch; }
int nn_model_outputs(const nn_model *m) { return m->outputs; }
size_t nn_model_num_params(const nn_model *m) { return m->nparams; }
void nn_model_set_dropout(nn_model *m, float p) { m->dropout_p = p; }

const char *nn_arch_name(nn_arch a)
{
    return a == NN_RESNET18 ? "resnet18" : a == NN_MOBILENETV2 ? "mobilenetv2" : "unknown";
}

int nn_model_find(const nn_model *m, const char *name)
{
    for (int i = 0; i < m->nt; i++)
        if (!strcmp(m->t[i].name, name)) return i;
    return -1;
}

const char *nn_model_tensor_name(const nn_model *m, int i)
{
    return i >= 0 && i < m->nt ? m->t[i].name : NULL;
}

int nn_model_tensor_shape(const nn_model *m, int i, int64_t shape[4])
{
    if (i < 0 || i >= m->nt) return -1;
    for (int d = 0; d < 4; d++) shape[d] = d < m->t[i].ndim ? m->t[i].shape[d] : 1;
    return m->t[i].ndim;
}

mc_err nn_model_tensor(nn_model *m, const char *name, float **data, float **grad, size_t *n)
{
    const int i = nn_model_find(m, name);
    if (i < 0 || m->t[i].role == NN_ROLE_COUNT)
        return mc_fail(MC_E_ARG, "tensor %s: not a float tensor of %s", name, nn_arch_name(m->arch));
    const nn_tensor_info *t = &m->t[i];
    const int p = t->role == NN_ROLE_PARAM;
    if (data) *data = (p ? m->params : m->running) + t->off;
    if (data && p) m->kernels_fresh = 0;  /* the caller may write the weights */
    if (grad) *grad = p ? m->grads + t->off : NULL;
    if (n) *n = t->numel;
    return MC_OK;
}

void nn_model_uncount_batch(nn_model *m)
{
    for (int i = 0; i < m->nt; i++)
        if (m->t[i].role == NN_ROLE_COUNT) m->counts[m->t[i].off]--;
}

static float *P(nn_model *m, int t) { return t < 0 ? NULL : m->params + m->t[t].off; }
static float *G(nn_model *m, int t) { return t < 0 ? NULL : m->grads + m->t[t].off; }
static float *R(nn_model *m, int t) { return m->running + m->t[t].off; }

/* ---- planning: shapes and offsets of every slot for one input shape ---- */

/* In evaluation an activation is needed only until its last reader has run, so
 * slots whose lifetimes do not overlap can share memory; consecutive layers then
 * work in the same few buffers, which stay in cache. Slots (other than the image)
 * are placed first-fit from base in the order they are produced, and a slot is
 * released two ops after its last use, because a fused op (dwconv → BN → act)
 * reads its input while writing the output of the op two places later.
 * Returns the end of the shared region, or 0 when out of memory. */
static size_t share_slots(nn_model *m, int B, size_t base)
{
    int *dies = malloc(sizeof(int) * (size_t)m->nslots);
    int *live = malloc(sizeof(int) * (size_t)m->nslots);
    if (!dies || !live) {
        free(dies), free(live);
        return 0;
    }
    for (int s = 0; s < m->nslots; s++) dies[s] = -1;
    for (int i = 0; i < m->nops; i++) {
        const nn_op *op = &m->ops[i];
        dies[op->x] = dies[op->y] = i + 2;
        if (op->x2 >= 0) dies[op->x2] = i + 2;
    }
    dies[m->ops[m->nops - 1].y] = m->nops + 2;  /* the output is copied out at the end */
    size_t end = base;
    int nlive = 0;
    for (int i = 0; i < m->nops; i++) {
        const nn_op *op = &m->ops[i];
        int k = 0;  /* drop the slots that died before op i */
        for (int j = 0; j < nlive; j++)
            if (dies[live[j]] >= i) live[k++] = live[j];
        nlive = k;
        if (op->y == op->x) continue;
        nn_slot *y = &m->slots[op->y];
        if (op->kind == NN_OP_BN && dies[op->x] == i + 2) {
            /* the norm is its input's last reader: element-wise, it can work in
             * place, reading and writing the same cache lines */
            y->off = m->slots[op->x].off;
            for (int j = 0; j < nlive; j++)
                if (live[j] == op->x) live[j] = op->y;
            continue;
        }
        const size_t need = (size_t)B * y->C * y->H * y->W;
        /* the lowest offset that overlaps no live slot */
        size_t at = base;
        for (int again = 1; again;) {
            again = 0;
            for (int j = 0; j < nlive; j++) {
                const nn_slot *l = &m->slots[live[j]];
                const size_t lend = l->off + (size_t)B * l->C * l->H * l->W;
                if (at < lend && l->off < at + need) at = lend, again = 1;
            }
        }
        y->off = at;
        live[nlive++] = op->y;
        if (at + need > end) end = at + need;
    }
    free(dies), free(live);
    return end;
}

/* The plan holds per-thread scratch (conv2d.c, winograd.c), so a change in
 * the number of OpenMP threads (omp_set_num_threads) makes a new plan too. */
static mc_err plan(nn_model *m, int B, int H, int W, int train)
{
    if (m->arena && m->pB == B && m->pH == H && m->pW == W && m->ptrain >= train &&
        m->pthreads == nn_threads())
        return MC_OK;
    free(m->arena), free(m->garena), free(m->iarena), free(m->gready);
    m->arena = m->garena = NULL, m->iarena = NULL, m->gready = NULL;
    m->have_train_forward = 0;
    m->slots[0].H = H, m->slots[0].W = W;
    size_t off = 0, ioff = 0, col = 0, kern = 0;
    /* Slot 0 (the image) and every slot are laid out in order; the gradient of
     * slot s sits at the same offset in garena. */
    m->slots[0].off = off;
    off += (size_t)B * m->slots[0].C * H * W;
    for (int i = 0; i < m->nops; i++) {
        nn_op *op = &m->ops[i];
        nn_slot *x = &m->slots[op->x], *y = &m->slots[op->y];
        int Ho = x->H, Wo = x->W;
        switch (op->kind) {
        case NN_OP_CONV:
        case NN_OP_DWCONV:
            nn_conv_geom_init(&op->cg, B, x->C, x->H, x->W, op->cout, op->k, op->stride, op->pad,
                              op->groups);
            Ho = op->cg.Ho, Wo = op->cg.Wo;
            if (op->kind == NN_OP_CONV && nn_conv_col_floats(&op->cg) > col)
                col = nn_conv_col_floats(&op->cg);
            op->uoff = kern;
            if (op->kind == NN_OP_CONV) kern += nn_conv_kernel_floats(&op->cg);
            break;
        case NN_OP_BN:
            op->bg = (nn_bn_geom){B, x->C, x->H * x->W, 1e-5f, 0.1f};
            op->aux = off, off += 2 * (size_t)x->C;
            break;
        case NN_OP_MAXPOOL:
            nn_pool_geom_init(&op->pg, B, x->C, x->H, x->W, op->k, op->stride, op->pad);
            Ho = op->pg.Ho, Wo = op->pg.Wo;
            op->aux = ioff, ioff += (size_t)B * x->C * Ho * Wo;
            break;
        case NN_OP_GAP:
        case NN_OP_LINEAR:
            Ho = Wo = 1;
            break;
        case NN_OP_DROPOUT:
            op->aux = off, off += (size_t)B * x->C * x->H * x->W;
            break;
        default:
            break;
        }
        if (Ho < 1 || Wo < 1)
            return mc_fail(MC_E_ARG, "input %dx%d too small for %s", H, W,
                           nn_arch_name(m->arch));
        if (op->y != op->x) {
            y->H = Ho, y->W = Wo, y->off = off;
            if (train) off += (size_t)B * y->C * Ho * Wo;
        }
    }
    if (!train && !(off = share_slots(m, B, off)))
        return mc_fail(MC_E_NOMEM, "network work memory for batch %d at %dx%d", B, H, W);
    const size_t acts = off;
    m->arena = big_alloc((off + kern + col + 1) * sizeof(float), 0);
    m->iarena = malloc((ioff + 1) * sizeof(int32_t));
    if (train) {
        m->garena = big_alloc((acts + 1) * sizeof(float), 0);
        m->gready = malloc((size_t)m->nslots);
    }
    if (!m->arena || !m->iarena || (train && (!m->garena || !m->gready))) {
        free(m->arena), free(m->garena), free(m->iarena), free(m->gready);
        m->arena = m->garena = NULL, m->iarena = NULL, m->gready = NULL;
        return mc_fail(MC_E_NOMEM, "network work memory for batch %d at %dx%d", B, H, W);
    }
    m->kern = m->arena + acts;
    m->col = m->kern + kern;
    m->kernels_fresh = 0;
    m->arena_floats = acts;
    m->pB = B, m->pH = H, m->pW = W, m->ptrain = train, m->pthreads = nn_threads();
    return MC_OK;
}

static float *A(nn_model *m, int s) { return m->arena + m->slots[s].off; }
static float *GA(nn_model *m, int s) { return s == 0 ? NULL : m->garena + m->slots[s].off; }
static size_t numel(const nn_model *m, int s)
{
    const nn_slot *x = &m->slots[s];
    return (size_t)m->pB * x->C * x->H * x->W;
}

/* ---- fusion: a layer and the element-wise ones after it in one pass ---- */

/* The activation op i+1 applies in place to op i's output, if any: a batch
 * norm or an addition then computes it as it writes (nn_bn_forward_*_act,
 * nn_add_act_forward), and its backward masks the gradient, so op i+1 is
 * skipped both ways. */
static nn_act act_after(const nn_model *m, int i)
{
    if (i + 1 >= m->nops) return NN_ACT_NONE;
    const nn_op *a = &m->ops[i + 1];
    if (a->x != m->ops[i].y || a->y != a->x) return NN_ACT_NONE;
    return a->kind == NN_OP_RELU ? NN_ACT_RELU : a->kind == NN_OP_RELU6 ? NN_ACT_RELU6 : NN_ACT_NONE;
}

/* In evaluation mode a depthwise conv whose only reader is a batch norm is
 * computed with that norm's per-channel map (and its activation) applied as
 * each plane is written, straight into the norm's output: nn_dwconv_forward_fused.
 * Returns the batch norm's op index, or −1 when op i cannot be fused so. */
static int eval_bn_after_dwconv(const nn_model *m, int i)
{
    const nn_op *op = &m->ops[i];
    if (op->kind != NN_OP_DWCONV || i + 1 >= m->nops) return -1;
    if (m->ops[i + 1].kind != NN_OP_BN || m->ops[i + 1].x != op->y) return -1;
    for (int j = i + 2; j < m->nops; j++)
        if (m->ops[j].x == op->y || m->ops[j].x2 == op->y) return -1;
    return i + 1;
}

/* ---- forward ---- */

mc_err nn_model_forward(nn_model *m, const float *in, int B, int H, int W, float *out, int train)
{
    if (!m || !in || !out || B < 1 || H < 1 || W < 1)
        return mc_fail(MC_E_ARG, "network forward: bad arguments (batch %d, %dx%d)", B, H, W);
    if ((size_t)B * H * W > ((size_t)1 << 31))
        return mc_fail(MC_E_TOO_LARGE, "input batch %d of %dx%d is too large", B, H, W);
    mc_err e = plan(m, B, H, W, train ? 1 : 0);
    if (e) return e;
    memcpy(A(m, 0), in, sizeof(float) * B * 3 * H * W);
    for (int i = 0; i < m->nops; i++) {
        nn_op *op = &m->ops[i];
        float *x = A(m, op->x), *y = A(m, op->y);
        switch (op->kind) {
        case NN_OP_CONV:
            if (!m->kernels_fresh) nn_conv_transform_kernels(m->kern + op->uoff, P(m, op->w), &op->cg);
            nn_conv2d_forward(y, x, P(m, op->w), m->kern + op->uoff, NULL, &op->cg, m->col);
            break;
        case NN_OP_DWCONV: {
            const int j = train ? -1 : eval_bn_after_dwconv(m, i);
            if (j < 0) {
                nn_dwconv_forward(y, x, P(m, op->w), &op->cg);
                break;
            }
            /* conv → BN → act in one pass; the BN's aux holds its scale and shift */
            const nn_op *bn = &m->ops[j];
            float *scale = m->arena + bn->aux, *shift = scale + bn->bg.C;
            const nn_act act = act_after(m, j);
            nn_bn_eval_affine(scale, shift, P(m, bn->w), P(m, bn->b), R(m, bn->rm), R(m, bn->rv),
                              &bn->bg);
            nn_dwconv_forward_fused(A(m, bn->y), x, P(m, op->w), &op->cg, scale, shift, act);
            i = j + (act != NN_ACT_NONE);
            break;
        }
        case NN_OP_BN: {
            const nn_act act = act_after(m, i);
            if (train)
                nn_bn_forward_train_act(y, m->arena + op->aux, m->arena + op->aux + op->bg.C,
                                        R(m, op->rm), R(m, op->rv), m->counts + m->t[op->nbt].off,
                                        x, P(m, op->w), P(m, op->b), &op->bg, act);
            else
                nn_bn_forward_eval_act(y, x, P(m, op->w), P(m, op->b), R(m, op->rm),
                                       R(m, op->rv), &op->bg, act);
            i += act != NN_ACT_NONE;  /* the activation op is done */
            break;
        }
        case NN_OP_RELU: nn_relu_forward(y, x, numel(m, op->x)); break;
        case NN_OP_RELU6: nn_relu6_forward(y, x, numel(m, op->x)); break;
        case NN_OP_MAXPOOL: nn_maxpool_forward(y, m->iarena + op->aux, x, &op->pg); break;
        case NN_OP_GAP:
            nn_avgpool_global_forward(y, x, B, m->slots[op->x].C,
                                      m->slots[op->x].H * m->slots[op->x].W);
            break;
        case NN_OP_LINEAR:
            nn_linear_forward(y, x, P(m, op->w), P(m, op->b), B, m->slots[op->x].C, op->cout);
            break;
        case NN_OP_ADD: {
            const nn_act act = act_after(m, i);
            nn_add_act_forward(y, x, A(m, op->x2), numel(m, op->x), act);
            i += act != NN_ACT_NONE;
            break;
        }
        case NN_OP_DROPOUT:
            if (train && m->dropout_p > 0.0f)
                nn_dropout_forward(y, m->arena + op->aux, x, numel(m, op->x), m->dropout_p, &m->rng);
            break;
        }
    }
    m->kernels_fresh = 1;
    memcpy(out, A(m, m->ops[m->nops - 1].y), sizeof(float) * B * m->outputs);
    m->have_train_forward = train ? 1 : 0;
    return MC_OK;
}

/* ---- backward: the ops in reverse, each adding into its input's gradient ---- */

/* Gradients accumulate (+=), so a slot's gradient must start at zero. Rather
 * than clearing all of garena up front (a pass over memory as large as all the
 * activations), a slot is cleared just before the first op of the backward
 * sweep that touches it, which then finds it in cache; a batch norm that is
 * the first writer sets the gradient instead, and needs no clearing at all. */
static void grad_ready(nn_model *m, int s)
{
    if (s == 0 || m->gready[s]) return;
    float *g = GA(m, s);
    const size_t n = numel(m, s), chunk = 16384;
#pragma omp parallel for schedule(static) if (n > 4 * chunk)
    for (size_t i = 0; i < n; i += chunk)
        memset(g + i, 0, sizeof(float) * (n - i < chunk ? n - i : chunk));
    m->gready[s] = 1;
}

mc_err nn_model_backward(nn_model *m, const float *dout)
{
    if (!m || !dout) return mc_fail(MC_E_ARG, "network backward: bad arguments");
    if (!m->have_train_forward || !m->garena)
        return mc_fail(MC_E_ARG, "network backward needs a training-mode forward first");
    if (nn_threads() > m->pthreads)  /* its per-thread scratch would be too small */
        return mc_fail(MC_E_ARG, "network backward with %d threads after a forward with %d",
                       nn_threads(), m->pthreads);
    memset(m->gready, 0, (size_t)m->nslots);
    const int last = m->ops[m->nops - 1].y;
    memcpy(GA(m, last), dout, sizeof(float) * m->pB * m->outputs);
    m->gready[last] = 1;
    for (int i = m->nops - 1; i >= 0; i--) {
        nn_op *op = &m->ops[i];
        /* a batch norm that is first to write its input's gradient sets it */
        const int bn_sets = op->kind == NN_OP_BN && op->x > 0 && !m->gready[op->x];
        if (bn_sets) m->gready[op->x] = 1;
        grad_ready(m, op->y), grad_ready(m, op->x);
        if (op->x2 >= 0) grad_ready(m, op->x2);
        float *x = A(m, op->x), *y = A(m, op->y), *dx = GA(m, op->x), *dy = GA(m, op->y);
        switch (op->kind) {
        case NN_OP_CONV:
            nn_conv2d_backward(dx, G(m, op->w), NULL, dy, x, P(m, op->w), m->kern + op->uoff,
                               &op->cg, m->col);
            break;
        case NN_OP_DWCONV: nn_dwconv_backward(dx, G(m, op->w), dy, x, P(m, op->w), &op->cg); break;
        case NN_OP_BN:
            nn_bn_backward_act(dx, G(m, op->w), G(m, op->b), dy, y, x, P(m, op->w),
                               m->arena + op->aux, m->arena + op->aux + op->bg.C, &op->bg,
                               act_after(m, i), bn_sets);
            break;
        case NN_OP_RELU:
        case NN_OP_RELU6:
            if (i > 0 && (m->ops[i - 1].kind == NN_OP_BN || m->ops[i - 1].kind == NN_OP_ADD) &&
                act_after(m, i - 1) != NN_ACT_NONE)
                break;  /* done by the batch norm's or the addition's fused backward */
            (op->kind == NN_OP_RELU ? nn_relu_backward : nn_relu6_backward)(dy, dy, y,
                                                                            numel(m, op->y));
            break;
        case NN_OP_MAXPOOL: nn_maxpool_backward(dx, dy, m->iarena + op->aux, &op->pg); break;
        case NN_OP_GAP:
            nn_avgpool_global_backward(dx, dy, m->pB, m->slots[op->x].C,
                                       m->slots[op->x].H * m->slots[op->x].W);
            break;
        case NN_OP_LINEAR:
            nn_linear_backward(dx, G(m, op->w), G(m, op->b), dy, x, P(m, op->w), m->pB,
                               m->slots[op->x].C, op->cout);
            break;
        case NN_OP_ADD:
            nn_add_act_backward(dx, GA(m, op->x2), dy, y, numel(m, op->y), act_after(m, i));
            break;
        case NN_OP_DROPOUT:
            if (m->dropout_p > 0.0f)
                nn_dropout_backward(dy, dy, m->arena + op->aux, numel(m, op->y));
            break;
        }
    }
    return MC_OK;
}

void nn_model_zero_grad(nn_model *m) { memset(m->grads, 0, sizeof(float) * m->nparams); }

mc_err nn_model_step(nn_model *m, const nn_optim_cfg *c)
{
    if (!m || !c) return mc_fail(MC_E_ARG, "optimiser step: bad arguments");
    const int adam = c->kind == NN_OPT_ADAM || c->kind == NN_OPT_ADAMW;
    if (c->kind != NN_OPT_SGD && !adam)
        return mc_fail(MC_E_ARG, "unknown optimiser kind %d", c->kind);
    /* Optimiser state is allocated on the first step, then reused. */
    if (!m->opt_m && (c->kind != NN_OPT_SGD || c->momentum != 0.0f)) {
        m->opt_m = big_alloc(m->nparams * sizeof(float), 1);
        if (!m->opt_m) return mc_fail(MC_E_NOMEM, "optimiser state");
    }
    if (adam && !m->opt_v) {
        m->opt_v = big_alloc(m->nparams * sizeof(float), 1);
        if (!m->opt_v) return mc_fail(MC_E_NOMEM, "optimiser state");
    }
    m->step++;
    m->kernels_fresh = 0;
    if (adam)
        nn_adam_update(m->params, m->grads, m->opt_m, m->opt_v, m->nparams, c, m->step,
                       c->kind == NN_OPT_ADAMW);
    else
        nn_sgd_update(m->params, m->grads, m->opt_m, m->nparams, c);
    return MC_OK;
}
