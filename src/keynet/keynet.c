/* Loading a trained key network and asking it for an image's parameters. */
#include "keynet/keynet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "meta/render.h"
#include "nn/safetensors.h"
#include "util/file.h"
#include "util/secure.h"

mc_err keynet_load(keynet *k, const char *path)
{
    memset(k, 0, sizeof *k);
    /* The medchaos.* metadata says which map and input size the network was
     * trained for; the architecture and the outputs come from the tensors. */
    nn_tensor_file f;
    mc_err e = nn_st_load(path, &f);
    if (e) return e;
    const char *map = nn_st_meta(&f, "medchaos.map"), *size = nn_st_meta(&f, "medchaos.input_size");
    const char *teacher = nn_st_meta(&f, "medchaos.teacher"), *bind = nn_st_meta(&f, "medchaos.bind");
    /* Networks written before binding existed carry no medchaos.bind: their keys stay as they were. */
    k->bind = bind && !strcmp(bind, "record");
    if (!map || !size || !teacher)
        e = mc_fail(MC_E_FORMAT, "not a medchaos key network (no medchaos.map/input_size/teacher metadata)");
    if (!e) e = chaos_map_parse(map, &k->map);
    if (!e) e = keynet_teacher_parse(teacher, &k->teacher);
    if (!e) {
        char *end;
        long s = strtol(size, &end, 10);
        if (*end || s < 32 || s > 1024) e = mc_fail(MC_E_FORMAT, "medchaos.input_size '%s' is not in [32, 1024]", size);
        k->size = (int)s;
    }
    nn_st_free(&f);
    if (e) return e;
    /* The weights' hash goes into every envelope so that a reader knows which
     * network produced the key (docs/FORMAT.md §2). */
    unsigned char *buf;
    size_t len;
    if ((e = mc_read_file(path, (size_t)1 << 31, &buf, &len))) return e;
    sha256(buf, len, k->sha256);
    free(buf);
    /* keynet_params reads keynet_outputs(map) values: refuse others before loading. */
    if ((e = nn_model_load_as(&k->net, path, 0, keynet_outputs(k->map)))) {
        if (e == MC_E_MISMATCH) {
            char why[400];
            snprintf(why, sizeof why, "%s", mc_errmsg(e));
            e = mc_fail(e, "%s; the %s map needs %d", why, chaos_map_name(k->map), keynet_outputs(k->map));
        }
        return e;
    }
    k->work = malloc(sizeof(float) * 3 * (size_t)k->size * k->size);
    if (!k->work) {
        keynet_free(k);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    return MC_OK;
}

mc_err keynet_output_params(const keynet *k, const meta_record *m, const float *out, chaos_params *p)
{
    double u[3];
    for (int i = 0; i < keynet_outputs(k->map); i++) u[i] = out[i];
    if (k->bind) keynet_bind_unit(k->map, m, u);
    mc_err e = keynet_unit_params(k->map, u, p);
    mc_wipe(u, sizeof u);
    return e;
}

mc_err keynet_params(keynet *k, const meta_record *m, chaos_params *p)
{
    mc_err e = meta_render(m, k->size, k->work);
    if (e) return e;
    float out[3];
    if ((e = nn_model_forward(k->net, k->work, 1, k->size, k->size, out, 0))) return e;
    e = keynet_output_params(k, m, out, p);
    mc_wipe(out, sizeof out);
    return e;
}

mc_err keynet_outputs_batch(keynet *k, const meta_record *m, size_t n, float *out)
{
    enum { BATCH = 64 };
    size_t img = 3 * (size_t)k->size * k->size;
    float *x = malloc(sizeof(float) * img * BATCH);
    if (!x) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = MC_OK;
    for (size_t at = 0; at < n && !e; at += BATCH) {
        int b = (int)(n - at < BATCH ? n - at : BATCH);
        for (int i = 0; i < b && !e; i++) e = meta_render(&m[at + i], k->size, x + i * img);
        if (!e) e = nn_model_forward(k->net, x, b, k->size, k->size, out + at * keynet_outputs(k->map), 0);
    }
    free(x);
    return e;
}

void keynet_free(keynet *k)
{
    if (k->net) nn_model_free(k->net);
    free(k->work);
    memset(k, 0, sizeof *k);
}
