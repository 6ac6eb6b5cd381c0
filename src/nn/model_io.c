/* Weights files: a network's parameters and buffers as a safetensors file under
 * torchvision's state_dict names (what torch.save(model.state_dict()) holds,
 * written with safetensors.torch.save_file). Loading is strict, as PyTorch's
 * load_state_dict(strict=True): every tensor present, none extra, exact shapes. */
#include "nn/model_impl.h"
#include "nn/safetensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void shape_str(char *out, size_t cap, int ndim, const int64_t *shape)
{
    size_t k = (size_t)snprintf(out, cap, "(");
    for (int i = 0; i < ndim && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (k < cap) snprintf(out + k, cap - k, ")");
}

/* Does the file's tensor match the model's (dtype, shape, byte count)? */
static mc_err check_tensor(const nn_model *m, const nn_tensor_info *t, const nn_named_tensor *ft)
{
    const nn_dtype want = t->role == NN_ROLE_COUNT ? NN_DT_I64 : NN_DT_F32;
    if (ft->dtype != want)
        return mc_fail(MC_E_FORMAT, "tensor %s: dtype %s, expected %s", t->name,
                       ft->dtype == NN_DT_I64 ? "I64" : "F32", want == NN_DT_I64 ? "I64" : "F32");
    int same = ft->ndim == t->ndim;
    for (int i = 0; same && i < t->ndim; i++) same = ft->shape[i] == t->shape[i];
    if (!same) {
        char got[96], exp[96];
        shape_str(got, sizeof got, ft->ndim, ft->shape);
        shape_str(exp, sizeof exp, t->ndim, t->shape);
        return mc_fail(MC_E_FORMAT, "tensor %s: shape %s, expected %s for %s", t->name, got, exp,
                       nn_arch_name(m->arch));
    }
    const size_t esize = want == NN_DT_I64 ? 8 : 4;
    if (ft->nbytes != t->numel * esize)
        return mc_fail(MC_E_FORMAT, "tensor %s: %zu bytes for %zu elements", t->name, ft->nbytes,
                       t->numel);
    return MC_OK;
}

static void copy_tensor(nn_model *m, const nn_tensor_info *t, const nn_named_tensor *ft)
{
    void *dst = t->role == NN_ROLE_PARAM     ? (void *)(m->params + t->off)
                : t->role == NN_ROLE_RUNNING ? (void *)(m->running + t->off)
                                             : (void *)(m->counts + t->off);
    memcpy(dst, ft->data, ft->nbytes);
}

/* The architecture and outputs a file declares, checked against what the
 * caller expects before any model is allocated. */
static mc_err declared(const nn_tensor_file *f, int want_arch, int want_outputs, nn_arch *arch, int *outputs)
{
    const nn_named_tensor *fc = nn_st_find(f, "fc.weight");
    *arch = NN_RESNET18;
    if (!fc) fc = nn_st_find(f, "classifier.1.weight"), *arch = NN_MOBILENETV2;
    if (!fc)
        return mc_fail(MC_E_FORMAT, "no tensor fc.weight (ResNet-18) or classifier.1.weight "
                                    "(MobileNetV2): not a network we know");
    if (fc->ndim != 2 || fc->shape[0] < 1 || fc->shape[0] > (1 << 20))
        return mc_fail(MC_E_FORMAT, "tensor %s: expected (outputs, features)", fc->name);
    *outputs = (int)fc->shape[0];
    if (want_arch && (int)*arch != want_arch)
        return mc_fail(MC_E_MISMATCH, "the weights are %s, expected %s", nn_arch_name(*arch),
                       nn_arch_name((nn_arch)want_arch));
    if (want_outputs && *outputs != want_outputs)
        return mc_fail(MC_E_MISMATCH, "the network has %d outputs (tensor %s), expected %d", *outputs,
                       fc->name, want_outputs);
    return MC_OK;
}

mc_err nn_model_load(nn_model **out, const char *path) { return nn_model_load_as(out, path, 0, 0); }

mc_err nn_model_load_as(nn_model **out, const char *path, int want_arch, int want_outputs)
{
    *out = NULL;
    nn_tensor_file f;
    mc_err e = nn_st_load(path, &f);
    if (e) return e;
    nn_arch arch = NN_RESNET18;
    int outputs = 0;
    nn_model *m = NULL;
    e = declared(&f, want_arch, want_outputs, &arch, &outputs);
    if (!e) e = nn_model_alloc(&m, arch, outputs);
    /* Every tensor is checked, and none extra allowed, before a byte is copied. */
    for (int i = 0; !e && i < m->nt; i++) {
        const nn_named_tensor *ft = nn_st_find(&f, m->t[i].name);
        e = ft ? check_tensor(m, &m->t[i], ft)
               : mc_fail(MC_E_FORMAT, "tensor %s: missing (needed by %s)", m->t[i].name,
                         nn_arch_name(arch));
    }
    for (size_t i = 0; !e && i < f.n; i++)
        if (nn_model_find(m, f.t[i].name) < 0)
            e = mc_fail(MC_E_FORMAT, "tensor %s: not part of %s", f.t[i].name, nn_arch_name(arch));
    for (int i = 0; !e && i < m->nt; i++) copy_tensor(m, &m->t[i], nn_st_find(&f, m->t[i].name));
    nn_st_free(&f);
    if (e) {
        if (m) nn_model_free(m);
        return e;
    }
    nn_rng_seed(&m->rng, 0x6E6E5F6C6F6164ull);
    *out = m;
    return MC_OK;
}

mc_err nn_model_save(const nn_model *m, const char *path, int force)
{
    return nn_model_save_meta(m, path, NULL, 0, force);
}

mc_err nn_model_save_meta(const nn_model *m, const char *path, const char *const *meta_kv, size_t nmeta, int force)
{
    nn_named_tensor *t = calloc((size_t)m->nt, sizeof *t);
    if (!t) return mc_fail(MC_E_NOMEM, "saving %s: out of memory", path);
    for (int i = 0; i < m->nt; i++) {
        const nn_tensor_info *ti = &m->t[i];
        t[i].name = (char *)ti->name;
        t[i].ndim = ti->ndim;
        for (int d = 0; d < ti->ndim; d++) t[i].shape[d] = ti->shape[d];
        if (ti->role == NN_ROLE_COUNT) {
            t[i].dtype = NN_DT_I64;
            t[i].data = m->counts + ti->off;
            t[i].nbytes = 8 * ti->numel;
        } else {
            t[i].dtype = NN_DT_F32;
            t[i].data = (ti->role == NN_ROLE_PARAM ? m->params : m->running) + ti->off;
            t[i].nbytes = 4 * ti->numel;
        }
    }
    /* "arch" first, then the caller's pairs (src/keynet adds what it needs). */
    const char **meta = malloc((2 + 2 * nmeta) * sizeof *meta);
    if (!meta) {
        free(t);
        return mc_fail(MC_E_NOMEM, "saving %s: out of memory", path);
    }
    meta[0] = "arch";
    meta[1] = nn_arch_name(m->arch);
    for (size_t i = 0; i < 2 * nmeta; i++) meta[2 + i] = meta_kv[i];
    mc_err e = nn_st_save(path, t, (size_t)m->nt, meta, 1 + nmeta, force);
    free(meta);
    free(t);
    return e;
}
