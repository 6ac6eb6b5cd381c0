/* Beyond the paper: key sensitivity (each parameter moved by one ulp and by
 * 1e-15, the metadata moved by one second) and the chosen-plaintext attack of
 * experiments/attacks/cpa.c against a fixed key, per-image metadata keys, two
 * images sharing a timestamp, and the hardened variant. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attacks/cpa.h"
#include "experiments/parts.h"
#include "experiments/table.h"
#include "metrics/metrics.h"
#include "pipeline/pipeline.h"
#include "util/xoshiro.h"

/* The first 8-bit image, or the first image. */
static const repro_image *target_image(const repro_image *im, size_t nim)
{
    for (size_t i = 0; i < nim; i++)
        if (im[i].im.depth == 8) return &im[i];
    return &im[0];
}

static meta_record shifted(const meta_record *m, int seconds)
{
    meta_record r = *m;
    int s = r.second + seconds;
    r.second = ((s % 60) + 60) % 60;
    r.minute = (r.minute + (s - r.second) / 60 + 60) % 60;   /* enough for a few seconds either way */
    return r;
}

/* Whether two keys give the same key material (permutations and keystream). */
static int same_material(const keymat *a, const keymat *b)
{
    return !memcmp(a->xindex, b->xindex, a->h * sizeof *a->xindex) &&
           !memcmp(a->yindex, b->yindex, a->w * sizeof *a->yindex) && !memcmp(a->zkey, b->zkey, a->zlen);
}

/* Key sensitivity over many random keys, not one network's: for each map,
 * KEYS parameter sets drawn uniformly from the unit cube and mapped into the
 * chaotic ranges (keynet_unit_params, as a network's outputs are), each
 * parameter moved by one ulp, the key material of a 64×64 8-bit image
 * compared byte for byte. The keys come from the seed alone, and the chaotic
 * layer is bit-reproducible, so these counts are the same on every machine
 * and arithmetic path. */
static void random_key_sensitivity(const repro_config *c, table *t, repro_findings *f)
{
    enum { KEYS = 500, SIDE = 64 };
    static const char *const names[2][3] = {{"r", "x0", ""}, {"x0", "y0", "z0"}};
    uint64_t s = c->seed ^ 0x6B65797365ull;
    for (int m = 0; m < 2; m++) {
        const chaos_map map = m ? CHAOS_LORENZ : CHAOS_LOGISTIC;
        const int np = m ? 3 : 2;
        int identical[3] = {0}, tried[3] = {0}, rejected[3] = {0};
        for (int k = 0; k < KEYS; k++) {
            double u[3];
            for (int i = 0; i < 3; i++) u[i] = (double)(mc_splitmix64(&s) >> 11) * 0x1p-53;
            chaos_params p;
            keymat a;
            if (keynet_unit_params(map, u, &p) || keymat_derive_walk(&a, &p, SIDE, SIDE, SIDE * SIDE)) continue;
            for (int i = 0; i < np; i++) {
                chaos_params q = p;
                q.v[i] = nextafter(p.v[i], INFINITY);
                keymat b;
                if (keymat_derive(&b, &q, SIDE, SIDE, SIDE * SIDE)) {
                    rejected[i]++;
                    mc_clear_error();
                    continue;
                }
                tried[i]++;
                identical[i] += same_material(&a, &b);
                keymat_free(&b);
            }
            keymat_free(&a);
        }
        for (int i = 0; i < np; i++) {
            f->ulp_tried += tried[i];
            f->ulp_identical += identical[i];
            const char *row[] = {m ? "Lorenz" : "Logistic", cell("%s + 1 ulp, %d random keys", names[m][i], KEYS),
                                 identical[i] ? "same key material for some keys" : "changed for every key",
                                 cell("identical in %d of %d", identical[i], tried[i]),
                                 rejected[i] ? cell("%d moved keys rejected (left the chaotic band)", rejected[i]) : "",
                                 "", ""};
            table_row(t, row);
        }
    }
}

static void sensitivity_row(table *t, const char *map, const char *change, const img_image *P, const img_image *C,
                            const chaos_params *p2)
{
    img_image C2, Dwrong;
    chaos_params q = *p2;
    keymat k;
    if (repro_encrypt(P, &q, VARIANT_PAPER, &C2, NULL) || keymat_derive(&k, &q, P->height, P->width, img_size_bytes(P))) {
        const char *row[] = {map, change, "parameters rejected", "", "", "", ""};
        table_row(t, row);
        return;
    }
    pipe_apply(C, &k, VARIANT_PAPER, 1, &Dwrong);   /* decrypt the original cipher with the moved key */
    metric_diff a, b;
    metric_npcr_uaci(C, &C2, &a);
    metric_npcr_uaci(P, &Dwrong, &b);
    const char *row[] = {map, change, a.npcr.all == 0 ? "same cipher (this key)" : "changed (this key)", cell("%.4f", a.npcr.all),
                         cell("%.4f", a.uaci.all), cell("%.4f", b.npcr.all), cell("%.4f", b.uaci.all)};
    table_row(t, row);
    keymat_free(&k);
    img_free(&C2);
    img_free(&Dwrong);
}

static void key_sensitivity(const repro_config *c, repro_variant *v, const repro_image *tg, repro_findings *f)
{
    static const char *const cols[] = {"map", "change", "effect", "NPCR C vs C' %", "UACI C vs C' %",
                                       "NPCR D' vs P %", "UACI D' vs P %"};
    table t;
    if (table_open(&t, c->out, "table7_key_sensitivity", "Key sensitivity (image: first 8-bit image)", cols, 7)) exit(1);
    static const char *const names[2][3] = {{"r", "x0", ""}, {"x0", "y0", "z0"}};
    for (int m = 0; m < 2; m++) {
        repro_variant *var = &v[2 * m];   /* the ResNet-18 variant of each map */
        const char *map = m ? "Lorenz" : "Logistic";
        chaos_params p;
        img_image C;
        if (keynet_params(&var->net, &tg->meta, &p) || repro_encrypt(&tg->im, &p, VARIANT_PAPER, &C, NULL)) exit(1);
        for (int i = 0; i < (m ? 3 : 2); i++) {
            chaos_params q = p;
            q.v[i] = nextafter(p.v[i], INFINITY);
            sensitivity_row(&t, map, cell("%s + 1 ulp", names[m][i]), &tg->im, &C, &q);
            q.v[i] = p.v[i] + 1e-15;
            sensitivity_row(&t, map, cell("%s + 1e-15", names[m][i]), &tg->im, &C, &q);
        }
        meta_record later = shifted(&tg->meta, 1);
        chaos_params q;
        if (!keynet_params(&var->net, &later, &q)) sensitivity_row(&t, map, "metadata + 1 s (network)", &tg->im, &C, &q);
        chaos_params t0, t1;
        if (!keynet_teacher_params(KEYNET_TEACHER_HASH, var->map, &tg->meta, &t0) &&
            !keynet_teacher_params(KEYNET_TEACHER_HASH, var->map, &later, &t1)) {
            img_image Ct;
            if (!repro_encrypt(&tg->im, &t0, VARIANT_PAPER, &Ct, NULL)) {
                sensitivity_row(&t, map, "metadata + 1 s (teacher, no network)", &tg->im, &Ct, &t1);
                img_free(&Ct);
            }
        }
        img_free(&C);
    }
    random_key_sensitivity(c, &t, f);
    table_close(&t, "The rows marked 'this key' move the parameters the ResNet-18 network gives the first 8-bit "
                    "image: whether one ulp changes that one key depends on the key, so they differ between runs "
                    "whose networks differ (another seed or arithmetic path). The last rows move each parameter of "
                    "500 random keys by one ulp and count the keys whose key material stays the same: these "
                    "counts depend on the seed alone, and they carry the summary's verdict. "
                    "C is the cipher image under the network's parameters, C' the cipher under the changed key, "
                    "D' the original cipher decrypted with the changed key. An ideal cipher gives NPCR ≈ 99.61 % "
                    "and UACI ≈ 33.46 % in every row. 'same cipher' means the change did not change the key "
                    "material at all: either 1e-15 is below half an ulp of the parameter (it is lost when added), "
                    "or the first floating-point step rounds both values to the same state (where the map "
                    "contracts, e.g. the logistic map near x = 1/2, neighbouring doubles merge). Such pairs are "
                    "equivalent keys: sensitivity to arbitrarily small changes, as chaos-based papers claim, does "
                    "not survive floating-point arithmetic for every parameter.");
}

/* The encryption oracle the attacker may query. */
typedef struct {
    repro_variant *v;
    meta_record base;
    int step_seconds;      /* 0: every query under the base metadata (same key) */
    int queries;
    cipher_variant var;
} oracle_ctx;

static mc_err oracle(void *vctx, const img_image *plain, img_image *cipher)
{
    oracle_ctx *o = vctx;
    o->queries++;
    meta_record m = o->base;
    if (o->step_seconds) {
        /* A new acquisition for every query: later by step·queries seconds. */
        long t = (long)o->step_seconds * o->queries;
        m = shifted(&o->base, (int)(t % 60));
        m.hour = (m.hour + (int)(t / 3600)) % 24;
        m.day = 1 + (m.day - 1 + (int)(t / 86400)) % 28;
    }
    chaos_params p;
    mc_err e = keynet_params(&o->v->net, &m, &p);
    return e ? e : repro_encrypt(plain, &p, o->var, cipher, NULL);
}

/* Runs one scenario; returns 1 when the target was recovered bit for bit. */
static int attack_row(table *t, const char *scenario, oracle_ctx *o, const repro_image *tg, const chaos_params *target_p,
                      cipher_variant var, int *queries)
{
    img_image C, R;
    if (repro_encrypt(&tg->im, target_p, var, &C, NULL)) exit(1);
    cpa_key key;
    double t0 = repro_seconds();
    mc_err e = cpa_recover(oracle, o, tg->im.width, tg->im.height, tg->im.channels, tg->im.depth, &key);
    if (e) exit(1);
    cpa_decrypt(&key, &C, &R);
    double t1 = repro_seconds();
    size_t n = img_size_bytes(&C), ok = 0;
    for (size_t i = 0; i < n; i++) ok += R.data[i] == tg->im.data[i];
    const char *row[] = {scenario, cell("%d", key.queries), cell("%.2f %%", 100.0 * ok / n),
                         ok == n ? "yes" : "no", cell("%.2f", t1 - t0)};
    table_row(t, row);
    if (queries) *queries = key.queries;
    cpa_key_free(&key);
    img_free(&C);
    img_free(&R);
    return ok == n;
}

static void attack(const repro_config *c, repro_variant *v, const repro_image *tg, repro_findings *f)
{
    static const char *const cols[] = {"scenario", "chosen images", "target bytes recovered", "bit-exact",
                                       "attack time s"};
    table t;
    if (table_open(&t, c->out, "attack", "Chosen-plaintext attack (experiments/attacks/cpa.c) against Logistic+ResNet-18",
                   cols, 5))
        exit(1);
    chaos_params p;
    if (keynet_params(&v[0].net, &tg->meta, &p)) exit(1);
    oracle_ctx o = {&v[0], tg->meta, 0, 0, VARIANT_PAPER};
    f->attack_fixed_exact =
        attack_row(&t, "fixed key (the oracle encrypts under the target's key)", &o, tg, &p, VARIANT_PAPER,
                   &f->attack_fixed_queries);
    o = (oracle_ctx){&v[0], tg->meta, 0, 0, VARIANT_PAPER};
    attack_row(&t, "two images sharing a timestamp (e.g. slices of one series)", &o, tg, &p, VARIANT_PAPER, NULL);
    o = (oracle_ctx){&v[0], tg->meta, 3600 * 25 + 7, 0, VARIANT_PAPER};
    attack_row(&t, "per-image metadata keys, queries a day or more apart", &o, tg, &p, VARIANT_PAPER, NULL);
    o = (oracle_ctx){&v[0], tg->meta, 1, 0, VARIANT_PAPER};
    attack_row(&t, "per-image metadata keys, queries one second apart", &o, tg, &p, VARIANT_PAPER, NULL);
    o = (oracle_ctx){&v[0], tg->meta, 0, 0, VARIANT_HARDENED};
    f->attack_hardened_exact =
        attack_row(&t, "hardened variant, same metadata for every query", &o, tg, &p, VARIANT_HARDENED, NULL);
    table_close(&t, "The attacker asks for the encryption of an all-zero image (its cipher is the keystream) and of "
                    "images whose samples spell their own row or column index, one base-2^depth digit per image, "
                    "then decrypts the target without the key. 'Recovered' counts target bytes equal to the "
                    "original; chance is about 0.4 % for 8-bit data. Jolfaei et al. (IEEE TIFS 2016) bound the "
                    "permutation-only case by ⌈log_L(MN)⌉ images.");
}

void repro_security(const repro_config *c, repro_variant *v, const repro_image *im, size_t nim, repro_findings *f)
{
    const repro_image *tg = target_image(im, nim);
    key_sensitivity(c, v, tg, f);
    attack(c, v, tg, f);
}
