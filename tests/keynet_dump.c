/* Writes the training set that `medchaos train` builds for a configuration,
 * as .npy files, so that tests/gen_keynet_fixture.py can train PyTorch on the
 * very same images and targets:
 *   x.npy (n,3,S,S) rendered metadata images, y.npy (n,K) teacher targets,
 *   order.npy (n) record indices, the first ntrain the training part,
 *   ntrain.npy (1).
 * Usage: keynet_dump OUTDIR MAP TEACHER SIZE SAMPLES VAL SEED */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keynet/train.h"
#include "meta/render.h"
#include "nn/npy.h"

static int save(const char *dir, const char *name, const float *v, int ndim, const int64_t *shape)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    mc_err e = nn_npy_save(p, v, ndim, shape, 1);
    if (e) fprintf(stderr, "keynet_dump: %s: %s\n", p, mc_errmsg(e));
    return e != MC_OK;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: keynet_dump OUTDIR logistic|lorenz hash|smooth SIZE SAMPLES VAL SEED\n");
        return 2;
    }
    keynet_train_cfg c;
    keynet_train_defaults(&c);
    c.map = strcmp(argv[2], "lorenz") ? CHAOS_LOGISTIC : CHAOS_LORENZ;
    c.teacher = strcmp(argv[3], "smooth") ? KEYNET_TEACHER_HASH : KEYNET_TEACHER_SMOOTH;
    c.size = atoi(argv[4]);
    c.samples = atoi(argv[5]);
    c.val_frac = atof(argv[6]);
    c.seed = strtoull(argv[7], NULL, 10);
    keynet_dataset d;
    mc_err e = keynet_dataset_build(&c, NULL, 0, &d);
    if (e) {
        fprintf(stderr, "keynet_dump: %s\n", mc_errmsg(e));
        return 1;
    }
    const size_t S = (size_t)c.size, img = 3 * S * S;
    float *x = malloc(sizeof(float) * img * d.n), *order = malloc(sizeof(float) * d.n);
    if (!x || !order) return 1;
    for (size_t i = 0; i < d.n; i++) {
        if ((e = meta_render(&d.rec[i], c.size, x + i * img))) {
            fprintf(stderr, "keynet_dump: record %zu: %s\n", i, mc_errmsg(e));
            return 1;
        }
        order[i] = (float)d.order[i];
    }
    const int64_t sx[4] = {(int64_t)d.n, 3, (int64_t)S, (int64_t)S}, sy[2] = {(int64_t)d.n, d.K}, so[1] = {(int64_t)d.n},
                  s1[1] = {1};
    const float nt = (float)d.ntrain;
    int bad = save(argv[1], "x.npy", x, 4, sx) || save(argv[1], "y.npy", d.target, 2, sy) ||
              save(argv[1], "order.npy", order, 1, so) || save(argv[1], "ntrain.npy", &nt, 1, s1);
    free(x);
    free(order);
    keynet_dataset_free(&d);
    return bad;
}
