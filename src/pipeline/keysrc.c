/* See keysrc.h. */
#include "pipeline/keysrc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keynet/keynet.h"
#include "meta/meta.h"

struct keysrc_model {
    keynet net;
};

mc_err keysrc_parse_params(const char *s, chaos_map map, chaos_params *p)
{
    memset(p, 0, sizeof *p);
    p->map = map;
    int want = map == CHAOS_LOGISTIC ? 2 : 3, got = 0;
    const char *q = s;
    while (*q && got < 6) {
        char *end;
        p->v[got++] = strtod(q, &end);
        if (end == q || (*end && *end != ',')) return mc_fail(MC_E_ARG, "--params: cannot read a number at '%s'", q);
        q = *end ? end + 1 : end;
    }
    if (*q || (got != want && !(map == CHAOS_LORENZ && got == 6)))
        return mc_fail(MC_E_ARG, "--params: the %s map takes %s", chaos_map_name(map),
                       map == CHAOS_LOGISTIC ? "r,x0" : "x0,y0,z0 or x0,y0,z0,sigma,rho,beta");
    if (map == CHAOS_LORENZ && got == 3) {
        p->v[3] = CHAOS_LORENZ_SIGMA;
        p->v[4] = CHAOS_LORENZ_RHO;
        p->v[5] = CHAOS_LORENZ_BETA;
    }
    return chaos_validate(p);
}

mc_err keysrc_open(keysrc *k, const keysrc_opts *o)
{
    memset(k, 0, sizeof *k);
    k->o = *o;
    if (o->params) return keysrc_parse_params(o->params, o->map, &k->manual);
    if (!o->model_path) return MC_OK;
    k->model = calloc(1, sizeof *k->model);
    if (!k->model) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = keynet_load(&k->model->net, o->model_path);
    if (!e && k->model->net.map != o->map)
        e = mc_fail(MC_E_MISMATCH, "the network was trained for the %s map, not %s",
                    chaos_map_name(k->model->net.map), chaos_map_name(o->map));
    if (e) keysrc_close(k);
    return e;
}

void keysrc_close(keysrc *k)
{
    if (k->model) keynet_free(&k->model->net);
    free(k->model);
    k->model = NULL;
}

static mc_err image_meta(const keysrc_opts *o, const char *path, meta_record *m)
{
    meta_options mo = {.datetime = o->datetime, .allow_file_time = o->allow_file_time};
    return meta_resolve(path, &mo, m);
}

mc_err keysrc_params(keysrc *k, const char *path, chaos_params *p, envelope_header *hdr)
{
    if (k->o.params) {
        *p = k->manual;
        snprintf(hdr->model, sizeof hdr->model, "manual");
        return MC_OK;
    }
    meta_record m;
    mc_err e = image_meta(&k->o, path, &m);
    if (e) return e;
    meta_canonical(&m, hdr->meta, sizeof hdr->meta);
    if (!k->model) {
        snprintf(hdr->model, sizeof hdr->model, "teacher");
        return keynet_teacher_params(KEYNET_TEACHER_HASH, k->o.map, &m, p);
    }
    keynet *net = &k->model->net;
    memcpy(hdr->model_sha256, net->sha256, 32);
    snprintf(hdr->model, sizeof hdr->model, "%s", nn_arch_name(nn_model_arch(net->net)));
    /* One network, shared work memory: batches run the inference one at a time. */
#ifdef _OPENMP
#pragma omp critical(keysrc_network)
#endif
    e = keynet_params(net, &m, p);
    return e;
}
