/* keynet: the teacher mappings, the map into the chaotic ranges, and training
 * the key network: loss goes down, reruns are bit-identical, the same
 * metadata always gives the same parameters, one second changes them. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "keynet/train.h"
#include "nn/safetensors.h"
#include "util/file.h"

static meta_record at(const char *dt)
{
    meta_record m;
    cr_assert_eq(meta_parse_datetime(dt, &m), MC_OK);
    return m;
}

Test(teacher, hash_is_deterministic_in_range_and_sensitive_to_one_second)
{
    meta_record a = at("2007:02:19 12:51:57"), b = at("2007:02:19 12:51:58");
    for (int map = CHAOS_LOGISTIC; map <= CHAOS_LORENZ; map++) {
        double u1[3], u2[3], v[3];
        keynet_teacher_unit(KEYNET_TEACHER_HASH, (chaos_map)map, &a, u1);
        keynet_teacher_unit(KEYNET_TEACHER_HASH, (chaos_map)map, &a, u2);
        keynet_teacher_unit(KEYNET_TEACHER_HASH, (chaos_map)map, &b, v);
        for (int i = 0; i < keynet_outputs((chaos_map)map); i++) {
            cr_assert(u1[i] > 0 && u1[i] < 1);
            cr_assert_eq(memcmp(&u1[i], &u2[i], sizeof(double)), 0);
            cr_assert_neq(u1[i], v[i], "one second must change output %d", i);
        }
    }
    /* Domain separation: the two maps see different targets for one record. */
    double l[3], z[3];
    keynet_teacher_unit(KEYNET_TEACHER_HASH, CHAOS_LOGISTIC, &a, l);
    keynet_teacher_unit(KEYNET_TEACHER_HASH, CHAOS_LORENZ, &a, z);
    cr_assert_neq(l[0], z[0]);
}

Test(teacher, smooth_is_the_documented_calendar_fractions)
{
    /* docs/KEYGEN.md §2: 0.02 + 0.96·f with f = seconds/86400, (doy−1)/366. */
    meta_record m = at("2000:03:01 06:00:00");   /* leap year: day 61 */
    double u[3];
    keynet_teacher_unit(KEYNET_TEACHER_SMOOTH, CHAOS_LORENZ, &m, u);
    cr_assert_float_eq(u[0], 0.02 + 0.96 * 0.25, 1e-15);
    cr_assert_float_eq(u[1], 0.02 + 0.96 * 60.0 / 366.0, 1e-15);
    cr_assert_float_eq(u[2], 0.02 + 0.96 * 100.0 / 200.0, 1e-15);
}

Test(teacher, fourier_is_the_documented_sum_of_sines)
{
    /* docs/KEYGEN.md §2, evaluated by hand for 2000-03-01 06:00:00: levels
     * v = (0.5, 2/11, 0, 6/23, 0, 0, 0), c_kj = 1 + (j + k) mod 3, φ_kj = frac((7k + j + 1)·φ). */
    meta_record m = at("2000:03:01 06:00:00");
    double u[3], v[7] = {0.5, 2.0 / 11, 0, 6.0 / 23, 0, 0, 0};
    keynet_teacher_unit(KEYNET_TEACHER_FOURIER, CHAOS_LORENZ, &m, u);
    for (int k = 0; k < 3; k++) {
        double sum = 0;
        for (int j = 0; j < 7; j++) {
            double phi = (7 * k + j + 1) * 0.6180339887498949;
            sum += sin(2 * M_PI * ((1 + (j + k) % 3) * v[j] + phi - floor(phi)));
        }
        cr_assert_float_eq(u[k], 0.5 + 0.45 * sum / 7, 1e-12, "output %d", k);
        cr_assert(u[k] > 0.05 && u[k] < 0.95);
    }
    /* One second moves every output by more than float32 can resolve (2^-24 near 1/2). */
    meta_record b = at("2000:03:01 06:00:01");
    double w[3];
    keynet_teacher_unit(KEYNET_TEACHER_FOURIER, CHAOS_LORENZ, &b, w);
    for (int k = 0; k < 3; k++) cr_assert_gt(fabs(w[k] - u[k]), 1e-4, "output %d: %g", k, fabs(w[k] - u[k]));
}

Test(teacher, binding_separates_equal_outputs_of_distinct_records_by_less_than_2_to_the_minus_20)
{
    meta_record a = at("2007:02:19 12:51:57"), b = a;
    b.usec = 1;
    b.subsec_digits = 6;
    for (int map = CHAOS_LOGISTIC; map <= CHAOS_LORENZ; map++) {
        double ua[3] = {0.25, 0.5, 1.5}, ub[3] = {0.25, 0.5, 1.5}, again[3] = {0.25, 0.5, 1.5};
        keynet_bind_unit((chaos_map)map, &a, ua);
        keynet_bind_unit((chaos_map)map, &b, ub);
        keynet_bind_unit((chaos_map)map, &a, again);
        for (int i = 0; i < keynet_outputs((chaos_map)map); i++) {
            double base = i == 2 ? 1.0 : (i ? 0.5 : 0.25);   /* 1.5 is clamped to 1 first */
            cr_assert(ua[i] >= 0 && ua[i] <= 1);
            cr_assert_leq(fabs(ua[i] - base), 0x1p-20, "output %d moved by %g", i, fabs(ua[i] - base));
            cr_assert_neq(ua[i], ub[i], "one microsecond must change output %d", i);
            cr_assert_eq(memcmp(&ua[i], &again[i], sizeof(double)), 0);
        }
    }
}

Test(teacher, every_network_output_maps_to_valid_parameters)
{
    static const double probe[] = {-1e30, -1, 0, 1e-300, 0.25, 0.5, 0.77, 1 - 1e-16, 1, 2, 1e30, NAN, INFINITY};
    size_t n = sizeof probe / sizeof *probe;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double u[3] = {probe[i], probe[j], probe[(i + j) % n]};
            for (int map = CHAOS_LOGISTIC; map <= CHAOS_LORENZ; map++) {
                chaos_params p;
                cr_assert_eq(keynet_unit_params((chaos_map)map, u, &p), MC_OK, "u = %g, %g", u[0], u[1]);
                cr_assert_eq(chaos_validate(&p), MC_OK);
            }
        }
    /* r = 3.83 lies in the period-3 window, outside the band: the walk
     * starts inside the band, so a raw r is never used. */
    double u[2] = {0.5, 0.5};
    chaos_params p;
    cr_assert_eq(keynet_unit_params(CHAOS_LOGISTIC, u, &p), MC_OK);
    cr_assert(p.v[0] >= CHAOS_R_MIN && p.v[0] < CHAOS_R_MAX);
}

Test(train, synthetic_records_are_valid_and_reproducible)
{
    for (uint64_t i = 0; i < 2000; i++) {
        meta_record a, b;
        keynet_synthetic_record(42, i, &a);
        keynet_synthetic_record(42, i, &b);
        cr_assert_eq(meta_validate(&a), MC_OK, "record %llu", (unsigned long long)i);
        cr_assert(a.year >= 1990 && a.year <= 2030);
        cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
    }
}

static keynet_train_cfg tiny(nn_arch arch, chaos_map map, keynet_teacher t)
{
    keynet_train_cfg c;
    keynet_train_defaults(&c);
    c.arch = arch;
    c.map = map;
    c.teacher = t;
    c.size = 32;
    c.epochs = 4;
    c.batch = 8;
    c.samples = 40;
    c.val_frac = 0.2;
    c.seed = 7;
    return c;
}

static char dir[64];
static void mkdir_tmp(void)
{
    /* One thread: the loss comparisons below then see the same rounding on every machine. */
    openblas_set_num_threads(1);
    strcpy(dir, "/tmp/mc_keynet_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}
static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Loss of epoch e from the CSV (columns epoch,train_loss,val_loss,...). */
static void losses(const char *csv, double *train, double *val, int n)
{
    FILE *f = fopen(csv, "r");
    cr_assert_not_null(f);
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    for (int i = 0; i < n; i++) {
        cr_assert_not_null(fgets(line, sizeof line, f), "loss curve has fewer than %d epochs", n);
        int ep;
        cr_assert_eq(sscanf(line, "%d,%lf,%lf", &ep, &train[i], &val[i]), 3);
        cr_assert_eq(ep, i + 1);
    }
    fclose(f);
}

/* A number from tests/fixtures/keynet/learnability.json ("key": value). */
static double fixture_number(const char *key)
{
    char path[1024], pat[64];
    snprintf(path, sizeof path, "%s/tests/fixtures/keynet/learnability.json", getenv("MC_SRCDIR") ? getenv("MC_SRCDIR") : ".");
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(path, 1 << 20, &buf, &n), MC_OK, "%s", path);
    char *text = realloc(buf, n + 1);
    cr_assert_not_null(text);
    text[n] = 0;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    char *at = strstr(text, pat);
    cr_assert_not_null(at, "%s has no %s", path, key);
    double v = strtod(at + strlen(pat), NULL);
    free(text);
    return v;
}

/* The smooth teacher is learnable: with a real budget (256 records, 6 epochs,
 * the configuration of tests/gen_keynet_fixture.py) the held-out loss falls
 * far below that of predicting the training targets' mean. The bound is not
 * ours: PyTorch trained on the same images and targets for 12 seeds reached
 * the ratios in the fixture, and the bound sits above its worst by four of
 * its standard deviations (at most 1/2, so a network that learnt nothing
 * always fails). */
Test(train, smooth_teacher_is_learnt_as_well_as_torch_learns_it, .init = mkdir_tmp, .fini = rm_tmp, .timeout = 900)
{
    keynet_train_cfg c = tiny(NN_RESNET18, CHAOS_LOGISTIC, KEYNET_TEACHER_SMOOTH);
    c.samples = 256;
    c.val_frac = 0.25;
    c.batch = 16;
    c.epochs = 6;
    c.seed = 7;
    char m[128];
    snprintf(m, sizeof m, "%s/learn.safetensors", dir);
    keynet_progress fin;
    cr_assert_eq(keynet_train(&c, NULL, 0, m, 0, NULL, NULL, &fin), MC_OK);
    const double bound = fixture_number("bound"), torch_mean = fixture_number("mean"), torch_sd = fixture_number("sd");
    const double ratio = fin.val_loss / fin.val_mean_loss;
    cr_log_info("held-out loss %.5f = %.4f of the mean predictor's (PyTorch over 12 seeds: %.4f ± %.4f; bound %.4f)",
                fin.val_loss, ratio, torch_mean, torch_sd, bound);
    cr_assert(bound > 0 && bound <= 0.5, "fixture bound %g out of (0, 0.5]", bound);
    cr_assert_lt(ratio, bound, "held-out loss %.5f is %.4f of the mean predictor's %.5f; PyTorch reaches %.4f ± %.4f",
                 fin.val_loss, ratio, fin.val_mean_loss, torch_mean, torch_sd);
    /* A network that follows the time of day gives other parameters two
     * hours later: the smooth target moves by 0.96·2/24 = 0.08 there, far
     * beyond the network's held-out error (√(ratio·base) ≈ 0.03 at the bound). */
    keynet k;
    cr_assert_eq(keynet_load(&k, m), MC_OK);
    meta_record r = at("2007:02:19 12:51:57"), later = at("2007:02:19 14:51:57");
    chaos_params p1, p2;
    cr_assert_eq(keynet_params(&k, &r, &p1), MC_OK);
    cr_assert_eq(keynet_params(&k, &later, &p2), MC_OK);
    cr_assert_neq(memcmp(&p1, &p2, sizeof p1), 0, "two hours apart gave the same parameters");
    keynet_free(&k);
}

Test(train, loss_goes_down_rerun_is_bit_identical_and_inference_is_stable, .init = mkdir_tmp, .fini = rm_tmp,
     .timeout = 600)
{
    keynet_train_cfg c = tiny(NN_RESNET18, CHAOS_LOGISTIC, KEYNET_TEACHER_SMOOTH);
    c.epochs = 8;   /* enough steps for the batch-norm running statistics to settle */
    char m1[128], m2[128], csv[128];
    snprintf(m1, sizeof m1, "%s/a.safetensors", dir);
    snprintf(m2, sizeof m2, "%s/b.safetensors", dir);
    snprintf(csv, sizeof csv, "%s/loss.csv", dir);
    c.csv_path = csv;
    keynet_progress fin;
    cr_assert_eq(keynet_train(&c, NULL, 0, m1, 0, NULL, NULL, &fin), MC_OK, "%s", mc_errmsg(MC_E_ARG));
    double tr[8], va[8];
    losses(csv, tr, va, 8);
    (void)va;
    /* 32 steps fit the training records; whether 8 held-out records improve
     * by then is a coin toss under rounding (PyTorch fails it for 4 seeds of
     * 20), so learnability is the next test's, with a real budget. */
    cr_assert_lt(tr[7], tr[0], "training loss did not decrease: %g → %g", tr[0], tr[7]);
    /* A rerun with the same seed (and thread count) writes the same bytes. */
    c.csv_path = NULL;
    cr_assert_eq(keynet_train(&c, NULL, 0, m2, 0, NULL, NULL, &fin), MC_OK);
    unsigned char *a, *b;
    size_t na, nb;
    cr_assert_eq(mc_read_file(m1, 1 << 28, &a, &na), MC_OK);
    cr_assert_eq(mc_read_file(m2, 1 << 28, &b, &nb), MC_OK);
    cr_assert(na == nb && memcmp(a, b, na) == 0, "two runs with one seed gave different weights");
    free(a);
    free(b);
    /* The file says what it is, and gives the same parameters every time. */
    keynet k1, k2;
    cr_assert_eq(keynet_load(&k1, m1), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(keynet_load(&k2, m1), MC_OK);
    cr_assert_eq(k1.map, CHAOS_LOGISTIC);
    cr_assert_eq(k1.size, 32);
    cr_assert_eq(k1.teacher, KEYNET_TEACHER_SMOOTH);
    meta_record r = at("2007:02:19 12:51:57"), later = at("2007:02:19 14:51:57");
    chaos_params p1, p2, p3, p4;
    cr_assert_eq(keynet_params(&k1, &r, &p1), MC_OK);
    cr_assert_eq(keynet_params(&k1, &r, &p2), MC_OK);
    cr_assert_eq(keynet_params(&k2, &r, &p3), MC_OK);
    cr_assert_eq(memcmp(&p1, &p2, sizeof p1), 0);
    cr_assert_eq(memcmp(&p1, &p3, sizeof p1), 0);
    cr_assert_eq(chaos_validate(&p1), MC_OK);
    (void)later, (void)p4;   /* that a later time gives other parameters needs a trained network: below */
    keynet_free(&k1);
    keynet_free(&k2);
}

Test(train, hash_teacher_does_not_generalise, .init = mkdir_tmp, .fini = rm_tmp, .timeout = 600)
{
    /* docs/KEYGEN.md §2: on held-out dates a network can approach a smooth
     * target but not a hash, whose best constant guess has MSE 1/12 per output
     * (the variance of a uniform variable). */
    char m[128], csv[128];
    snprintf(m, sizeof m, "%s/s.safetensors", dir);
    snprintf(csv, sizeof csv, "%s/s.csv", dir);
    keynet_train_cfg c = tiny(NN_MOBILENETV2, CHAOS_LOGISTIC, KEYNET_TEACHER_HASH);
    c.samples = 64;
    c.csv_path = csv;
    cr_assert_eq(keynet_train(&c, NULL, 0, m, 0, NULL, NULL, NULL), MC_OK);
    double tr[4], va[4];
    losses(csv, tr, va, 4);
    cr_assert_gt(va[3], 1.0 / 12 * 0.5, "a network cannot predict SHA-256 on unseen dates (val %g)", va[3]);
}

Test(keynet, a_plain_network_file_is_not_a_key_network, .init = mkdir_tmp, .fini = rm_tmp)
{
    nn_model *net;
    cr_assert_eq(nn_model_new(&net, NN_MOBILENETV2, 2, 1), MC_OK);
    char p[128];
    snprintf(p, sizeof p, "%s/plain.safetensors", dir);
    cr_assert_eq(nn_model_save(net, p, 0), MC_OK);
    nn_model_free(net);
    keynet k;
    cr_assert_eq(keynet_load(&k, p), MC_E_FORMAT);
    cr_assert_eq(keynet_load(&k, "/nonexistent.safetensors"), MC_E_IO);
}
