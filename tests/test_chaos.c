/* chaos: orbits, keys and keystream bit for bit against the independent Python
 * implementation (tests/gen_chaos_vectors.py), Lyapunov exponents and RK4 order
 * against known mathematical facts, and the validation of parameters. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/chaos.h"
#include "chaos/logistic.h"
#include "chaos/lorenz.h"
#include "chaos_vectors.h"

static const chaos_params logistic_default = {CHAOS_LOGISTIC, {3.99, 0.3141592653}};
static const chaos_params lorenz_classical = {CHAOS_LORENZ, {1.0, 1.0, 1.0, 10.0, 28.0, 8.0 / 3.0}};

/* ---- bit-exact agreement with the Python reference ---- */

static void check_orbit(const char *file, size_t per_sample)
{
    cv_file f;
    cr_assert_eq(cv_load(&f, file), 0, "cannot read %s (MC_SRCDIR set?)", file);
    chaos_params p;
    cr_assert_eq(cv_params(&f, &p), 0);
    size_t n = cv_count(&f, "sample");
    cr_assert_gt(n, 0);
    double *got = malloc(n * per_sample * sizeof *got);
    cr_assert_eq(chaos_orbit(&p, n, got), MC_OK, "%s", mc_errmsg(MC_E_RANGE));
    for (size_t i = 0; i < n; i++) {
        double want[3];
        cr_assert_eq(cv_doubles(cv_get(&f, "sample", i), want, 3), per_sample);
        for (size_t c = 0; c < per_sample; c++)
            cr_assert(memcmp(&got[i * per_sample + c], &want[c], sizeof(double)) == 0,
                      "%s sample %zu[%zu]: C %a, Python %a", file, i, c, got[i * per_sample + c], want[c]);
    }
    free(got);
    cv_free(&f);
}

Test(chaos_vectors, logistic_orbit_matches_python_bit_for_bit) { check_orbit("orbit_logistic.txt", 1); }
Test(chaos_vectors, lorenz_orbit_matches_python_bit_for_bit) { check_orbit("orbit_lorenz.txt", 3); }

static void check_keys(const char *file)
{
    cv_file f;
    cr_assert_eq(cv_load(&f, file), 0, "cannot read %s", file);
    chaos_params p;
    cr_assert_eq(cv_params(&f, &p), 0);
    uint32_t h, w, zl;
    cr_assert_eq(cv_u32s(cv_get(&f, "h", 0), &h, 1), 1);
    cr_assert_eq(cv_u32s(cv_get(&f, "w", 0), &w, 1), 1);
    const char *zs = cv_get(&f, "zlen", 0);
    if (!zs) zs = "0";
    cr_assert_eq(cv_u32s(zs, &zl, 1), 1);
    if (zl == 0) { /* worked example: keystream covers the whole image */
        uint32_t pb;
        cr_assert_eq(cv_u32s(cv_get(&f, "pixel_bytes", 0), &pb, 1), 1);
        zl = h * w * pb;
    }
    uint32_t *xi = malloc(h * sizeof *xi), *yi = malloc(w * sizeof *yi), *wx = malloc(h * sizeof *wx),
             *wy = malloc(w * sizeof *wy);
    uint8_t *z = malloc(zl), *wz = malloc(zl);
    cr_assert_eq(cv_u32s(cv_get(&f, "xindex", 0), wx, h), h);
    cr_assert_eq(cv_u32s(cv_get(&f, "yindex", 0), wy, w), w);
    cr_assert_eq(cv_hex(cv_get(&f, "z", 0), wz, zl), zl);
    cr_assert_eq(chaos_keys(&p, h, w, zl, xi, yi, z), MC_OK);
    for (uint32_t i = 0; i < h; i++) cr_assert_eq(xi[i], wx[i], "%s xindex[%u]", file, i);
    for (uint32_t j = 0; j < w; j++) cr_assert_eq(yi[j], wy[j], "%s yindex[%u]", file, j);
    for (uint32_t k = 0; k < zl; k++) cr_assert_eq(z[k], wz[k], "%s z[%u]: C %02x, Python %02x", file, k, z[k], wz[k]);
    free(xi), free(yi), free(wx), free(wy), free(z), free(wz);
    cv_free(&f);
}

Test(chaos_vectors, logistic_keys_match_python) { check_keys("keys_logistic.txt"); }
Test(chaos_vectors, lorenz_keys_match_python_with_partial_last_step) { check_keys("keys_lorenz.txt"); }
Test(chaos_vectors, lorenz_keys_match_python_past_the_check_steps)
{
    check_keys("keys_lorenz_long.txt");
}
Test(chaos_vectors, worked_example_keys_match_python)
{
    check_keys("example_logistic.txt");
    check_keys("example_lorenz.txt");
}

/* The committed vectors are what the generator writes today (when a Python
 * is available; the suite must pass without one). */
Test(chaos_vectors, committed_files_equal_generator_output)
{
    const char *py = getenv("PYTHON3"), *src = getenv("MC_SRCDIR");
    if (!py || !*py || !src) cr_skip_test("no PYTHON3 or MC_SRCDIR");
    char dir[] = "/tmp/mc_chaos_XXXXXX", cmd[8192];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "'%s' '%s/tests/gen_chaos_vectors.py' '%s' && diff -r '%s' '%s/tests/vectors/chaos'", py,
             src, dir, dir, src);
    int rc = system(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(rc, 0, "tests/vectors/chaos differs from what tests/gen_chaos_vectors.py writes");
}

/* ---- known facts ---- */

/* At r = 4 the map is conjugate to the tent map: lambda = ln 2 exactly. */
Test(lyapunov, logistic_at_r4_is_ln2)
{
    double l = chaos_logistic_lyapunov(4.0, 0.2718281828, 1000, 10000000);
    cr_assert(fabs(l - M_LN2) < 1e-3, "lambda(4) = %.6f, ln 2 = %.6f", l, M_LN2);
}

/* Largest exponent of the classical Lorenz attractor: 0.9056 (Sprott 2003,
 * "Chaos and Time-Series Analysis", Table A.1). */
Test(lyapunov, lorenz_classical_is_0_906)
{
    const double s0[3] = {1.0, 1.0, 1.0};
    double l = chaos_lorenz_lyapunov(s0, &lorenz_classical.v[3], CHAOS_LORENZ_H, 1000, 100000);
    cr_assert(fabs(l - 0.9056) < 0.03, "lambda_max = %.4f", l);
}

/* Below the Hopf bifurcation (rho = 20) the orbit settles on C±: lambda < 0. */
Test(lyapunov, lorenz_below_hopf_is_negative)
{
    const double s0[3] = {1.0, 1.0, 1.0}, prm[3] = {10.0, 20.0, 8.0 / 3.0};
    double l = chaos_lorenz_lyapunov(s0, prm, CHAOS_LORENZ_H, 1000, 20000);
    cr_assert_lt(l, 0.0, "lambda_max = %.4f", l);
}

/* r = 3.83 lies in the period-3 window (1 + sqrt 8 = 3.8284 < r < 3.8415). */
Test(lyapunov, logistic_r383_is_period_3)
{
    double x = 0.3141592653, o[6];
    for (int t = 0; t < 5000; t++) x = chaos_logistic_step(3.83, x);
    for (int t = 0; t < 6; t++) o[t] = x = chaos_logistic_step(3.83, x);
    for (int t = 0; t < 3; t++) {
        cr_assert(fabs(o[t + 3] - o[t]) < 1e-12, "not 3-periodic: %a vs %a", o[t], o[t + 3]);
        cr_assert(fabs(o[t + 1] - o[t]) > 0.1, "collapsed to a fixed point");
    }
    cr_assert_lt(chaos_logistic_lyapunov(3.83, 0.3141592653, 1000, 100000), 0.0);
    chaos_params p = {CHAOS_LOGISTIC, {3.83, 0.3141592653}};
    cr_assert_eq(chaos_validate(&p), MC_E_RANGE);
}

/* The accepted band also holds periodic windows; the Lyapunov check on the
 * orbit must catch them (3.9606 is inside the window 3.96011..3.96119). */
Test(validate, rejects_periodic_window_inside_band)
{
    chaos_params p = {CHAOS_LOGISTIC, {3.9606, 0.3141592653}};
    cr_assert_lt(chaos_logistic_lyapunov(p.v[0], p.v[1], 1000, 100000), 0.0);
    cr_assert_eq(chaos_validate(&p), MC_E_RANGE);
    cr_assert(strstr(mc_errmsg(MC_E_RANGE), "not chaotic"), "%s", mc_errmsg(MC_E_RANGE));
}

/* Global error of RK4 is O(h^4): halving h divides it by 16. Reference: the
 * same interval with h/64. t in [0, 0.5] from (1, 1, 1) is smooth. */
static void lorenz_to(double s[3], double h, int steps)
{
    s[0] = s[1] = s[2] = 1.0;
    for (int k = 0; k < steps; k++) chaos_lorenz_rk4(s, &lorenz_classical.v[3], h);
}
Test(rk4, observed_order_is_4)
{
    double ref[3], s[3], err[3];
    lorenz_to(ref, 0.01 / 64, 50 * 64);
    for (int k = 0; k < 3; k++) {
        lorenz_to(s, 0.01 / (1 << k), 50 << k);
        err[k] = fmax(fabs(s[0] - ref[0]), fmax(fabs(s[1] - ref[1]), fabs(s[2] - ref[2])));
    }
    for (int k = 0; k < 2; k++) {
        double ratio = err[k] / err[k + 1];
        cr_assert(ratio > 14.0 && ratio < 18.0, "error ratio h/(h/2) = %.2f (errors %.3g, %.3g)", ratio, err[k],
                  err[k + 1]);
    }
}

/* ---- validation ---- */

Test(validate, accepts_defaults)
{
    cr_assert_eq(chaos_validate(&logistic_default), MC_OK, "%s", mc_errmsg(MC_E_RANGE));
    cr_assert_eq(chaos_validate(&lorenz_classical), MC_OK, "%s", mc_errmsg(MC_E_RANGE));
}

/* A grid across the logistic band: whenever chaos_keys accepts an orbit of
 * 5 blocks, the independent log() estimate over those same iterations is
 * positive, and most of the band is accepted. */
Test(validate, logistic_band_accepts_only_positive_lyapunov)
{
    int accepted = 0, total = 0;
    const uint64_t n = 5 * CHAOS_LOGISTIC_BLOCK;
    static uint8_t z[5 * CHAOS_LOGISTIC_BLOCK];
    uint32_t xi[1], yi[1];
    for (double r = CHAOS_R_MIN; r < CHAOS_R_MAX; r += 1.3e-4, total++) {
        chaos_params p = {CHAOS_LOGISTIC, {r, 0.3141592653}};
        if (chaos_keys(&p, 1, 1, n - 2, xi, yi, z) != MC_OK) continue;
        accepted++;
        double l = chaos_logistic_lyapunov(r, 0.3141592653, CHAOS_LOGISTIC_TRANSIENT, n);
        cr_assert_gt(l, 0.25, "r = %.6f accepted with lambda = %.4f", r, l);
    }
    cr_assert_gt(accepted, total * 9 / 10, "only %d of %d accepted", accepted, total);
}

/* r = 3.88366: about 5000 chaotic-looking iterations, then a stable cycle
 * (a narrow periodic window). The first block passes validation; the keys
 * must still be refused once the drawn samples reach the periodic part. */
Test(validate, keys_refuse_orbit_that_turns_periodic_late)
{
    chaos_params p = {CHAOS_LOGISTIC, {3.8836599999999932, 0.3141592653}};
    cr_assert_eq(chaos_validate(&p), MC_OK, "%s", mc_errmsg(MC_E_RANGE));
    cr_assert_lt(chaos_logistic_lyapunov(p.v[0], p.v[1], 20000, 20000), 0.0);
    static uint8_t z[40000];
    uint32_t xi[1], yi[1];
    cr_assert_eq(chaos_keys(&p, 1, 1, 1000, xi, yi, z), MC_OK);
    cr_assert_eq(chaos_keys(&p, 1, 1, sizeof z, xi, yi, z), MC_E_RANGE);
    cr_assert(strstr(mc_errmsg(MC_E_RANGE), "periodic"), "%s", mc_errmsg(MC_E_RANGE));
    for (size_t k = 0; k < sizeof z; k++) cr_assert_eq(z[k], 0, "refused keystream not wiped at %zu", k);
}

/* The Lorenz box holds no periodic window: corners, edges and centre of the
 * parameter box, from starting points across the initial-condition box, are
 * all accepted and have lambda_max > 0.5 by the Benettin estimate. */
Test(validate, lorenz_box_is_chaotic_throughout)
{
    const double sg[3] = {9.0, 10.0, 11.0}, rho[4] = {28.0, 32.0, 36.0, 40.0}, beta[3] = {2.0, 2.5, 3.0};
    const double start[3][3] = {{-39.0, 17.0, 5.0}, {-9.0, -3.0, 35.0}, {21.0, -23.0, 79.0}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < 3; k++) {
                const double *s0 = start[(i + j + k) % 3];
                chaos_params p = {CHAOS_LORENZ, {s0[0], s0[1], s0[2], sg[i], rho[j], beta[k]}};
                cr_assert_eq(chaos_validate(&p), MC_OK, "%s", mc_errmsg(MC_E_RANGE));
                double l = chaos_lorenz_lyapunov(s0, &p.v[3], CHAOS_LORENZ_H, CHAOS_LORENZ_TRANSIENT, 20000);
                cr_assert_gt(l, 0.5, "sigma %g rho %g beta %g: lambda_max %.3f", sg[i], rho[j], beta[k], l);
            }
}

static void expect_range(chaos_params p, const char *word)
{
    cr_assert_eq(chaos_validate(&p), MC_E_RANGE, "accepted (%s)", word);
    cr_assert(strstr(mc_errmsg(MC_E_RANGE), word), "detail '%s' lacks '%s'", mc_errmsg(MC_E_RANGE), word);
}

Test(validate, logistic_rejections_name_the_cause)
{
    const double r = 3.99;
    expect_range((chaos_params){CHAOS_LOGISTIC, {3.57, 0.3}}, "band");
    expect_range((chaos_params){CHAOS_LOGISTIC, {4.0, 0.3}}, "band");
    expect_range((chaos_params){CHAOS_LOGISTIC, {NAN, 0.3}}, "band");
    expect_range((chaos_params){CHAOS_LOGISTIC, {r, 0.0}}, "x0");
    expect_range((chaos_params){CHAOS_LOGISTIC, {r, 1.0}}, "x0");
    expect_range((chaos_params){CHAOS_LOGISTIC, {r, -0.5}}, "x0");
    expect_range((chaos_params){CHAOS_LOGISTIC, {r, INFINITY}}, "x0");
    expect_range((chaos_params){CHAOS_LOGISTIC, {r, 1.0 - 1.0 / r}}, "fixed point");
    expect_range((chaos_params){CHAOS_LOGISTIC, {r, 1.0 / r + 1e-7}}, "preimage");
}

Test(validate, lorenz_rejections_name_the_cause)
{
    const char *names[6] = {"x0", "y0", "z0", "sigma", "rho", "beta"};
    const double bad[6] = {41.0, -41.0, -1.0, 8.0, 20.0, 3.5};
    for (int i = 0; i < 6; i++) {
        chaos_params p = lorenz_classical;
        p.v[i] = bad[i];
        expect_range(p, names[i]);
        p.v[i] = NAN;
        expect_range(p, names[i]);
    }
    expect_range((chaos_params){CHAOS_LORENZ, {0.0, 0.0, 5.0, 10.0, 28.0, 8.0 / 3.0}}, "z axis");
    const double q = sqrt(8.0 / 3.0 * 27.0);
    expect_range((chaos_params){CHAOS_LORENZ, {q, q, 27.0, 10.0, 28.0, 8.0 / 3.0}}, "equilibrium");
    expect_range((chaos_params){CHAOS_LORENZ, {-q, -q, 27.0, 10.0, 28.0, 8.0 / 3.0}}, "equilibrium");
}

Test(validate, rejects_unknown_map_and_bad_sizes)
{
    chaos_params p = {(chaos_map)7, {0}};
    cr_assert_eq(chaos_validate(&p), MC_E_ARG);
    uint32_t xi[1], yi[1];
    uint8_t z[1];
    cr_assert_eq(chaos_keys(&logistic_default, 0, 1, 1, xi, yi, z), MC_E_ARG);
    cr_assert_eq(chaos_keys(&logistic_default, 1, 0, 1, xi, yi, z), MC_E_ARG);
    chaos_params bad = {CHAOS_LOGISTIC, {3.83, 0.3}};
    cr_assert_eq(chaos_keys(&bad, 1, 1, 1, xi, yi, z), MC_E_RANGE);
}

Test(map_names, parse_inverts_name)
{
    chaos_map m;
    for (chaos_map k = CHAOS_LOGISTIC; k <= CHAOS_LORENZ; k++) {
        cr_assert_eq(chaos_map_parse(chaos_map_name(k), &m), MC_OK);
        cr_assert_eq(m, k);
    }
    cr_assert_eq(chaos_map_parse("Logistic", &m), MC_E_ARG);
    cr_assert_eq(chaos_map_parse("", &m), MC_E_ARG);
    cr_assert_eq(chaos_map_parse(NULL, &m), MC_E_ARG);
    cr_assert_null(chaos_map_name((chaos_map)0));
}

/* ---- sorting and keystream quality ---- */

Test(argsort, stable_with_ties_by_index)
{
    const uint32_t key[7] = {5, 1, 5, 0, 1, 0xFFFFFFFFu, 5};
    const uint32_t want[7] = {3, 1, 4, 0, 2, 6, 5};
    uint32_t idx[7];
    cr_assert_eq(chaos_argsort_u32(key, 7, idx), MC_OK);
    for (int i = 0; i < 7; i++) cr_assert_eq(idx[i], want[i], "idx[%d]", i);
}

/* Against the definition, on keys with many ties in every byte position. */
Test(argsort, agrees_with_definition_on_random_keys)
{
    enum { N = 3001 };
    static uint32_t key[N], idx[N];
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        key[i] = (s >> 8) & 0x0F0F00FFu;
    }
    cr_assert_eq(chaos_argsort_u32(key, N, idx), MC_OK);
    for (int k = 1; k < N; k++) {
        uint32_t a = idx[k - 1], b = idx[k];
        cr_assert(key[a] < key[b] || (key[a] == key[b] && a < b), "position %d out of order", k);
    }
}

/* Byte frequencies of 2^20 keystream bytes: chi-square with 255 degrees of
 * freedom stays below 330.5 (p = 0.001) for a uniform source; the serial
 * correlation of neighbouring bytes is near 0 (|c| < 4/sqrt(n)). Bytes
 * phase, phase + stride, ... of the keystream are tested. */
static void check_keystream_uniform(const chaos_params *p, size_t stride)
{
    const size_t n = (size_t)1 << 20;
    uint8_t *z = malloc(n * stride);
    uint32_t xi[1], yi[1];
    cr_assert_eq(chaos_keys(p, 1, 1, n * stride, xi, yi, z), MC_OK);
    for (size_t phase = 0; phase < stride; phase++) {
        double count[256] = {0}, sx = 0, sxx = 0, sxy = 0;
        for (size_t k = 0; k < n; k++) {
            double a = z[k * stride + phase], b = z[((k + 1) % n) * stride + phase];
            count[z[k * stride + phase]]++;
            sx += a, sxx += a * a, sxy += a * b;
        }
        double chi = 0, e = (double)n / 256;
        for (int v = 0; v < 256; v++) chi += (count[v] - e) * (count[v] - e) / e;
        double mean = sx / n, corr = (sxy / n - mean * mean) / (sxx / n - mean * mean);
        cr_assert_lt(chi, 330.5, "%s phase %zu: chi-square %.1f", chaos_map_name(p->map), phase, chi);
        cr_assert_lt(fabs(corr), 4.0 / sqrt((double)n), "%s phase %zu: serial correlation %.5f",
                     chaos_map_name(p->map), phase, corr);
    }
    free(z);
}

Test(keystream, logistic_bytes_are_uniform) { check_keystream_uniform(&logistic_default, 1); }

/* Each of the six bytes a Lorenz step yields, on its own. */
Test(keystream, lorenz_bytes_are_uniform_at_every_position) { check_keystream_uniform(&lorenz_classical, 6); }

/* Key sensitivity: x0 one ulp apart gives unrelated keystreams. */
Test(keystream, one_ulp_change_in_x0_changes_the_keystream)
{
    enum { N = 1 << 16 };
    static uint8_t a[N], b[N];
    uint32_t xi[4], yi[4];
    chaos_params p[2] = {logistic_default, lorenz_classical};
    for (int m = 0; m < 2; m++) {
        chaos_params q = p[m];
        cr_assert_eq(chaos_keys(&q, 4, 4, N, xi, yi, a), MC_OK);
        q.v[m == 0 ? 1 : 0] = nextafter(q.v[m == 0 ? 1 : 0], 2.0);
        cr_assert_eq(chaos_keys(&q, 4, 4, N, xi, yi, b), MC_OK);
        size_t same = 0;
        for (size_t k = 0; k < N; k++) same += a[k] == b[k];
        cr_assert_lt(same, N / 256 * 2, "%s: %zu of %d bytes equal", chaos_map_name(p[m].map), same, N);
    }
}
