/* The uniqueness experiment's own code (experiments/uniq_count.c): the record
 * set is what it says, and the counting finds key reuse where there is some:
 * a deliberately collapsed network (constant output) gives one key for every
 * record, and binding the record (keynet_bind_unit) separates them again. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiments/uniq_count.h"
#include "keynet/train.h"

static uniq_record rec(const char *dt, uniq_class cls, double t)
{
    uniq_record r = {.cls = cls, .t = t};
    cr_assert_eq(meta_parse_datetime(dt, &r.m), MC_OK);
    return r;
}

Test(uniq_count, counts_groups_of_equal_parameters_and_their_time_span)
{
    /* Four records, the first and third with one parameter set, 7200 s apart. */
    uniq_record r[4] = {rec("2001:01:01 00:00:00", UNIQ_SECONDS, 0), rec("2001:01:01 01:00:00", UNIQ_SECONDS, 3600),
                        rec("2001:01:01 02:00:00", UNIQ_SLICES, 7200), rec("2001:01:01 03:00:00", UNIQ_HELDOUT, 10800)};
    chaos_params p[4] = {{CHAOS_LOGISTIC, {3.9, 0.3}}, {CHAOS_LOGISTIC, {3.9, 0.4}},
                         {CHAOS_LOGISTIC, {3.9, 0.3}}, {CHAOS_LOGISTIC, {3.95, 0.3}}};
    uint8_t key[4][32];
    for (int i = 0; i < 4; i++) cr_assert_eq(uniq_key_hash(&p[i], key[i]), MC_OK);
    cr_assert_eq(memcmp(key[0], key[2], 32), 0, "one parameter set, one key material");
    uniq_stats s;
    cr_assert_eq(uniq_count(r, p, (const uint8_t(*)[32])key, 4, &s), MC_OK);
    cr_assert_eq(s.n, 4);
    cr_assert_eq(s.distinct_params, 3);
    cr_assert_eq(s.distinct_keys, 3);
    cr_assert_eq(s.shared, 2);
    cr_assert_eq(s.largest, 2);
    cr_assert_eq(s.shared_by_class[UNIQ_SECONDS], 1);
    cr_assert_eq(s.shared_by_class[UNIQ_SLICES], 1);
    cr_assert_eq(s.max_sep_s, 7200.0);
    /* Nearest distinct sets: x0 0.3 vs 0.4 is 0.25 relative; r 3.9 vs 3.95 is 0.05/3.95. */
    cr_assert_float_eq(s.min_rel, 0.05 / 3.95, 1e-15);
}

Test(uniq_count, records_are_distinct_and_cover_every_class)
{
    uniq_record *r;
    size_t n;
    cr_assert_eq(uniq_records(7, 64, 10000, &r, &n), MC_OK);
    cr_assert_geq(n, 10000);
    size_t per[UNIQ_NCLASS] = {0};
    for (size_t i = 0; i < n; i++) {
        per[r[i].cls]++;
        cr_assert_eq(meta_validate(&r[i].m), MC_OK);
    }
    for (int c = 0; c < UNIQ_NCLASS; c++) cr_assert_gt(per[c], 0, "class %s is empty", uniq_class_name(c));
    cr_assert_eq(per[UNIQ_SECONDS], 3600);
    cr_assert_eq(per[UNIQ_SLICES], 500);
    /* Distinct canonical strings (sorted, no two equal). */
    char (*c)[META_CANON_MAX] = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++) meta_canonical(&r[i].m, c[i], META_CANON_MAX);
    qsort(c, n, sizeof *c, (int (*)(const void *, const void *))strcmp);
    for (size_t i = 1; i < n; i++) cr_assert_neq(strcmp(c[i - 1], c[i]), 0, "%s twice", c[i]);
    /* The consecutive seconds are one second apart and cross midnight. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (r[i].cls == UNIQ_SECONDS) lo = fmin(lo, r[i].t), hi = fmax(hi, r[i].t);
    cr_assert_eq(hi - lo, 3599.0);
    free(c);
    free(r);
}

/* A network whose last layer has zero weights and a fixed bias outputs the bias
 * for every input: the worst collapse. */
static void collapsed_network(const char *path, keynet *k)
{
    nn_model *m;
    cr_assert_eq(nn_model_new(&m, NN_MOBILENETV2, 2, 3), MC_OK);
    float *w, *b, *g;
    size_t nw, nb;
    cr_assert_eq(nn_model_tensor(m, "classifier.1.weight", &w, &g, &nw), MC_OK);
    cr_assert_eq(nn_model_tensor(m, "classifier.1.bias", &b, &g, &nb), MC_OK);
    memset(w, 0, nw * sizeof *w);
    b[0] = 0.3f;
    b[1] = 0.6f;
    cr_assert_eq(keynet_save(m, CHAOS_LOGISTIC, KEYNET_TEACHER_HASH, 32, 0, path, 1), MC_OK);
    nn_model_free(m);
    cr_assert_eq(keynet_load(k, path), MC_OK);
}

Test(uniq_count, a_collapsed_network_is_counted_as_one_key_and_binding_separates_it)
{
    char path[] = "/tmp/mc_uniq_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    keynet k;
    collapsed_network(path, &k);
    unlink(path);
    uniq_record *r;
    size_t n;
    cr_assert_eq(uniq_records(7, 16, 0, &r, &n), MC_OK);   /* the fixed classes only */
    n = 400;   /* training, then the first seconds: enough to see it, quick to run */
    float *out = malloc(n * 2 * sizeof *out);
    chaos_params *p = malloc(n * sizeof *p);
    uint8_t(*key)[32] = malloc(n * sizeof *key);
    cr_assert_eq(uniq_network_outputs(&k, r, n, out), MC_OK);
    for (size_t i = 0; i < n; i++) cr_assert(out[2 * i] == 0.3f && out[2 * i + 1] == 0.6f, "not collapsed at %zu", i);
    uniq_stats s;
    for (int bind = 0; bind < 2; bind++) {
        cr_assert_eq(uniq_params(&k, bind, r, n, out, p), MC_OK);
        for (size_t i = 0; i < n; i++) cr_assert_eq(uniq_key_hash(&p[i], key[i]), MC_OK);
        cr_assert_eq(uniq_count(r, p, (const uint8_t(*)[32])key, n, &s), MC_OK);
        if (!bind) {
            cr_assert_eq(s.distinct_params, 1);
            cr_assert_eq(s.distinct_keys, 1);
            cr_assert_eq(s.shared, n);
            cr_assert_eq(s.largest, n);
            cr_assert_gt(s.max_sep_s, 86400.0, "training records years apart share the key");
        } else {
            cr_assert_eq(s.distinct_keys, n, "bound: %zu keys for %zu records", s.distinct_keys, n);
            cr_assert_eq(s.max_sep_s, -1.0);
        }
    }
    free(out);
    free(p);
    free(key);
    free(r);
    keynet_free(&k);
}
