/* nist: SP 800-22 worked examples and regression vectors (a data file read by
 * the runner below), the special functions against closed forms, the FFT
 * against the O(n²) definition, Berlekamp–Massey fast against reference, the
 * probability tables against the standard's and against brute force, the
 * input-size preconditions, and good versus bad generators. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen_e_bits.h"
#include "nist/nist.h"

/* ---- the 10^6 bits of e, computed once per process ---- */
#define E_BITS 1000000
static uint8_t *e_bits(void)
{
    static uint8_t *bits;
    if (!bits) bits = gen_e_bits(E_BITS);
    cr_assert_not_null(bits, "computing e");
    return bits;
}

/* Deterministic good generator for the pass/fail checks: xoshiro256**
 * (Blackman & Vigna), seeded by SplitMix64. Fixed seeds make the checks
 * reproducible instead of flaky. */
typedef struct { uint64_t s[4]; } xoshiro;
static uint64_t rotl(uint64_t x, int k) { return x << k | x >> (64 - k); }
static void xoshiro_seed(xoshiro *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9E3779B97F4A7C15ull);
        z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ z >> 27) * 0x94D049BB133111EBull;
        g->s[i] = z ^ z >> 31;
    }
}
static uint64_t xoshiro_next(xoshiro *g)
{
    uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return r;
}
static void xoshiro_bytes(xoshiro *g, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(xoshiro_next(g) >> 56);
}

/* ---- vector runner ---- */
typedef enum { DONE = 0, MISMATCH = 1 } line_status;

static int parse_list(const char *s, double *v, int max)
{
    int k = 0;
    char *end;
    while (k < max) {
        v[k++] = strtod(s, &end);
        if (*end != ',') break;
        s = end + 1;
    }
    return k;
}

static long param(const char *params, const char *key, long dflt)
{
    size_t kl = strlen(key);
    for (const char *p = params; (p = strstr(p, key)); p += kl)
        if ((p == params || p[-1] == ',') && p[kl] == '=') return strtol(p + kl + 1, NULL, 10);
    return dflt;
}

static mc_err run_named(const char *test, const char *params, const nist_seq *s, nist_result *r)
{
    if (!strcmp(test, "frequency")) return nist_frequency(s, r);
    if (!strcmp(test, "block_frequency")) return nist_block_frequency(s, (size_t)param(params, "M", 128), r);
    if (!strcmp(test, "runs")) return nist_runs(s, r);
    if (!strcmp(test, "longest_run")) return nist_longest_run(s, r);
    if (!strcmp(test, "rank")) return nist_rank(s, (int)param(params, "M", 32), (int)param(params, "Q", 32), r);
    if (!strcmp(test, "dft")) return nist_dft(s, r);
    if (!strcmp(test, "nonoverlapping")) {
        const char *t = strstr(params, "template=");
        cr_assert_not_null(t, "nonoverlapping needs template=");
        uint32_t B = (uint32_t)strtoul(t + 9, NULL, 2);
        return nist_nonoverlapping_template(s, (int)param(params, "m", 9), (size_t)param(params, "N", 8), &B, 1, r);
    }
    if (!strcmp(test, "overlapping"))
        return nist_overlapping_template(s, (int)param(params, "m", 9), (size_t)param(params, "M", 1032), r);
    if (!strcmp(test, "universal"))
        return nist_universal(s, (int)param(params, "L", 0), (size_t)param(params, "Q", 0), r);
    if (!strcmp(test, "linear_complexity")) return nist_linear_complexity(s, (size_t)param(params, "M", 500), r);
    if (!strcmp(test, "serial")) return nist_serial(s, (int)param(params, "m", 16), r);
    if (!strcmp(test, "approximate_entropy")) return nist_approximate_entropy(s, (int)param(params, "m", 10), r);
    if (!strcmp(test, "cusum")) return nist_cusum(s, r);
    if (!strcmp(test, "random_excursions")) return nist_random_excursions(s, r);
    if (!strcmp(test, "random_excursions_variant")) return nist_random_excursions_variant(s, r);
    cr_assert_fail("unknown test name '%s' in examples.txt", test);
    return MC_E_ARG;
}

/* Compare "p=..", "p@K=..", "stat=..", "stat@K=..", "aux=.." against r. */
static int check_expectations(char *tok, const nist_result *r, double tol, const char *where)
{
    int bad = 0;
    for (; tok; tok = strtok(NULL, " \t\n")) {
        const double *have;
        const char *rest;
        if (!strncmp(tok, "p", 1) && (tok[1] == '=' || tok[1] == '@')) { have = r->p; rest = tok + 1; }
        else if (!strncmp(tok, "stat", 4)) { have = r->stat; rest = tok + 4; }
        else if (!strncmp(tok, "aux", 3)) { have = r->aux; rest = tok + 3; }
        else if (!strncmp(tok, "tol=", 4)) continue;
        else cr_assert_fail("%s: bad expectation '%s'", where, tok);
        int from = 0;
        if (*rest == '@') from = (int)strtol(rest + 1, (char **)&rest, 10);
        cr_assert_eq(*rest, '=', "%s: bad expectation '%s'", where, tok);
        double want[NIST_MAX_P];
        int k = parse_list(rest + 1, want, NIST_MAX_P);
        for (int i = 0; i < k; i++) {
            size_t slot = (size_t)(from + i);
            cr_assert_lt(slot, have == r->aux ? (size_t)NIST_MAX_AUX : r->np, "%s: slot %zu out of range", where, slot);
            double got = have[slot], t = tol * fmax(1.0, fabs(want[i]));
            cr_expect_leq(fabs(got - want[i]), t, "%s: %s[%zu] = %.9f, expected %.9f",
                          where, have == r->p ? "p" : have == r->stat ? "stat" : "aux", slot, got, want[i]);
            bad += fabs(got - want[i]) > t;
        }
    }
    return bad;
}

Test(nist_vectors, standard_examples_and_e_regressions)
{
    const char *src = getenv("MC_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/vectors/nist/examples.txt", src ? src : ".");
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    char line[4096];
    int lineno = 0, checked = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || strspn(line, " \t\n") == strlen(line)) continue;
        char where[64];
        snprintf(where, sizeof where, "examples.txt:%d", lineno);
        double tol = 1e-6;
        const char *tp = strstr(line, "tol=");
        if (tp) tol = strtod(tp + 4, NULL);
        char *test = strtok(line, " \t\n"), *params = strtok(NULL, " \t\n"), *input = strtok(NULL, " \t\n");
        cr_assert(test && params && input, "%s: needs test, params, input", where);
        nist_seq s;
        if (!strncmp(input, "e:", 2)) {
            size_t n = strtoul(input + 2, NULL, 10);
            cr_assert(n > 0 && n <= E_BITS, "%s: e:%zu", where, n);
            cr_assert_eq(nist_seq_from_packed(&s, e_bits(), n), MC_OK);
        } else {
            cr_assert_eq(nist_seq_from_string(&s, input), MC_OK, "%s: bad bit string", where);
            s.relaxed = 1;
        }
        nist_result r;
        mc_err err = run_named(test, params, &s, &r);
        cr_expect_eq(err, MC_OK, "%s: %s returned %s (%s)", where, test, mc_strerror(err), mc_errmsg(err));
        if (err == MC_OK) failed += check_expectations(strtok(NULL, " \t\n"), &r, tol, where) != 0;
        else failed++;
        nist_seq_free(&s);
        checked++;
    }
    fclose(f);
    cr_expect_geq(checked, 30, "only %d vectors read", checked);
    cr_log_info("nist vectors: %d lines checked, %d failed", checked, failed);
}

/* ---- special functions against closed forms ---- */
Test(nist_special, igamc_matches_closed_forms)
{
    double xs[] = {0.01, 0.4, 0.8, 1.0, 2.5, 7.0, 30.0};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double x = xs[i];
        cr_expect_float_eq(mc_igamc(1.0, x), exp(-x), 1e-13, "Q(1,%g)", x);
        cr_expect_float_eq(mc_igamc(0.5, x), erfc(sqrt(x)), 1e-13, "Q(1/2,%g)", x);
        for (int a = 2; a <= 6; a++) { /* Q(a,x) = e^{−x} Σ_{k<a} x^k/k! */
            double sum = 0, term = 1;
            for (int k = 0; k < a; k++) { sum += term; term *= x / (k + 1); }
            cr_expect_float_eq(mc_igamc(a, x), exp(-x) * sum, 1e-12, "Q(%d,%g)", a, x);
        }
    }
    cr_expect_float_eq(mc_igamc(1.5, 0.5 * 1.5), erfc(sqrt(0.75)) + 2 * sqrt(0.75 / M_PI) * exp(-0.75), 1e-13);
    cr_expect_eq(mc_igamc(3.0, 0.0), 1.0);
    cr_expect(isnan(mc_igamc(0.0, 1.0)));
}

Test(nist_special, igamc_is_accurate_for_large_a)
{
    /* Q(a, a) = 1/2 − 1/(3√(2πa)) + O(1/a) (Temme; the gamma median lies
     * below its mean); the serial test at m = 16 uses a = 2^14. */
    double a = 16384.0, want = 0.5 - 1.0 / (3.0 * sqrt(2.0 * M_PI * a));
    cr_expect_float_eq(mc_igamc(a, a), want, 1e-6);
    /* Wilson–Hilferty as a sanity check one σ above the mean. */
    double x = a + sqrt(a);
    cr_expect_float_eq(mc_igamc(a, x), 0.5 * erfc(1.0 / sqrt(2.0)), 3e-3);
}

/* ---- FFT against the definition ---- */
Test(nist_fft, matches_naive_dft_for_every_small_length)
{
    xoshiro g;
    xoshiro_seed(&g, 7);
    double x[300], re[300], im[300], nr[300], ni[300];
    size_t lens[] = {1, 2, 3, 4, 5, 7, 8, 10, 16, 17, 31, 64, 100, 127, 128, 243, 300};
    for (size_t t = 0; t < sizeof lens / sizeof *lens; t++) {
        size_t n = lens[t];
        for (size_t i = 0; i < n; i++) x[i] = (xoshiro_next(&g) >> 63) ? 1.0 : -1.0;
        cr_assert_eq(nist_dft_real(x, n, re, im), MC_OK);
        nist_dft_naive(x, n, nr, ni);
        for (size_t k = 0; k < n; k++) {
            cr_expect_float_eq(re[k], nr[k], 1e-9, "n=%zu re[%zu]", n, k);
            cr_expect_float_eq(im[k], ni[k], 1e-9, "n=%zu im[%zu]", n, k);
        }
    }
}

/* A pure tone x_j = cos(2π·f·j/n) has X_f = X_{n−f} = n/2 and 0 elsewhere. */
static double tone_error(size_t n, size_t f)
{
    double *x = malloc(n * sizeof *x), *re = malloc(n * sizeof *re), *im = malloc(n * sizeof *im);
    cr_assert(x && re && im);
    for (size_t j = 0; j < n; j++) x[j] = cos(2.0 * M_PI * (double)((uint64_t)f * j % n) / (double)n);
    cr_assert_eq(nist_dft_real(x, n, re, im), MC_OK);
    double worst = 0.0;
    for (size_t k = 0; k < n; k++) {
        double want = (k == f || k == n - f) ? n / 2.0 : 0.0;
        worst = fmax(worst, hypot(re[k] - want, im[k]));
    }
    free(x); free(re); free(im);
    return worst;
}

Test(nist_fft, keeps_precision_at_large_lengths)
{
    /* 10^6 = 2^6·5^6 takes the mixed-radix path; 2·65537 (a prime above the
     * largest direct radix) takes Bluestein's. |S_k| is compared with
     * T ≈ 1731 at n = 10^6, so 1e-6 absolute is ample. */
    double e1 = tone_error(1000000, 123457), e2 = tone_error(131074, 4099);
    cr_expect_lt(e1, 1e-6, "mixed radix, n=10^6: max |error| %g", e1);
    cr_expect_lt(e2, 1e-6, "Bluestein, n=131074: max |error| %g", e2);
}

/* ---- Berlekamp–Massey ---- */
Test(nist_linear_complexity, packed_bm_matches_reference)
{
    xoshiro g;
    xoshiro_seed(&g, 11);
    uint8_t bits[1500];
    size_t lens[] = {1, 2, 63, 64, 65, 127, 128, 129, 500, 1000, 1500};
    for (size_t t = 0; t < sizeof lens / sizeof *lens; t++)
        for (int rep = 0; rep < 20; rep++) {
            size_t M = lens[t];
            for (size_t i = 0; i < M; i++) bits[i] = (uint8_t)(xoshiro_next(&g) >> 63);
            if (rep == 1) { memset(bits, 0, M); bits[M - 1] = 1; } /* L = M */
            if (rep == 2) memset(bits, 0, M);                      /* L = 0 */
            cr_expect_eq(nist_bm_packed(bits, M), nist_bm_reference(bits, M), "M=%zu rep %d", M, rep);
        }
}

Test(nist_linear_complexity, lfsr_output_has_its_register_length)
{
    /* s_{t} = s_{t−1} ⊕ s_{t−4} (x^4 + x^3 + 1, primitive): complexity 4;
     * the all-ones sequence: 1; a single 1 at the end of M bits: M. */
    uint8_t b[600] = {1, 0, 0, 0};
    for (int t = 4; t < 600; t++) b[t] = b[t - 1] ^ b[t - 4];
    cr_expect_eq(nist_bm_packed(b, 600), 4);
    memset(b, 1, sizeof b);
    cr_expect_eq(nist_bm_packed(b, 600), 1);
    memset(b, 0, sizeof b);
    b[599] = 1;
    cr_expect_eq(nist_bm_packed(b, 600), 600);
}

Test(nist_linear_complexity, e_counts_reproduce_the_standards_chi2)
{
    /* Example 2.10.8: with the standard's printed π (π_0 = 0.01047, the rest
     * exact) our ν counts give its χ² = 2.700348 to the printed digits. */
    nist_seq s;
    cr_assert_eq(nist_seq_from_packed(&s, e_bits(), E_BITS), MC_OK);
    nist_result r;
    cr_assert_eq(nist_linear_complexity(&s, 1000, &r), MC_OK);
    const double pi[7] = {0.01047, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833};
    double chi2 = 0;
    for (int i = 0; i < 7; i++) chi2 += pow(r.aux[i] - 1000 * pi[i], 2) / (1000 * pi[i]);
    cr_expect_float_eq(chi2, 2.700348, 1e-5, "χ² with the standard's π: %.6f", chi2);
    cr_expect_float_eq(mc_igamc(3.0, chi2 / 2), 0.845406, 1e-5);
    nist_seq_free(&s);
}

/* ---- templates ---- */
Test(nist_templates, aperiodic_counts_are_the_bifix_free_numbers)
{
    /* Bifix-free (self-uncorrelated) binary words, OEIS A003000. */
    const size_t want[] = {0, 2, 2, 4, 6, 12, 20, 40, 74, 148, 284, 568};
    uint32_t t[600];
    for (int m = 1; m <= 11; m++)
        cr_expect_eq(nist_aperiodic_templates(m, t, 600), want[m], "m=%d", m);
    size_t n9 = nist_aperiodic_templates(9, t, 600);
    cr_assert_eq(n9, 148);
    /* sts's template9 file runs from 000000001 to 111111110 in increasing order. */
    cr_expect_eq(t[0], 0x001u);
    cr_expect_eq(t[147], 0x1FEu);
    for (size_t i = 1; i < n9; i++) cr_expect_lt(t[i - 1], t[i]);
}

Test(nist_templates, histogram_count_matches_greedy_scan)
{
    /* Adding one periodic template (000000000) forces the readable greedy scan
     * for the whole set; the 147 aperiodic ones must give identical P-values. */
    uint32_t t[148];
    nist_aperiodic_templates(9, t, 148);
    nist_seq s;
    cr_assert_eq(nist_seq_from_packed(&s, e_bits(), 200000), MC_OK);
    static nist_result fast, slow;
    cr_assert_eq(nist_nonoverlapping_template(&s, 9, 8, t, 147, &fast), MC_OK);
    t[147] = 0;
    cr_assert_eq(nist_nonoverlapping_template(&s, 9, 8, t, 148, &slow), MC_OK);
    for (int i = 0; i < 147; i++) cr_expect_eq(fast.p[i], slow.p[i], "template %d", i);
    nist_seq_free(&s);
}

Test(nist_templates, overlapping_pi_matches_the_standard_and_brute_force)
{
    /* §3.8 (rev. 1a, after Hamano & Kaneko) for m = 9, M = 1032, K = 5. */
    const double table[6] = {0.364091, 0.185659, 0.139381, 0.100571, 0.070432, 0.139865};
    double pi[6];
    cr_assert_eq(nist_overlapping_pi(9, 1032, 5, pi), MC_OK);
    for (int i = 0; i < 6; i++) cr_expect_float_eq(pi[i], table[i], 1e-6, "π_%d = %.7f", i, pi[i]);
    /* Every one of the 2^10 blocks for m = 2, M = 10. */
    double count[6] = {0};
    for (unsigned v = 0; v < 1024; v++) {
        int hits = 0;
        for (int j = 0; j + 1 < 10; j++) hits += (v >> j & 3) == 3;
        count[hits < 5 ? hits : 5] += 1;
    }
    cr_assert_eq(nist_overlapping_pi(2, 10, 5, pi), MC_OK);
    for (int i = 0; i < 6; i++) cr_expect_float_eq(pi[i], count[i] / 1024, 1e-15, "π_%d", i);
}

Test(nist_longest_run, class_probabilities_round_to_the_standards_table)
{
    /* §3.4 tables (4 digits) against our exact values: M = 8 and 128 agree to
     * rounding (6.3e-5 at worst), M = 10^4 is the standard's own approximation
     * and is off by up to 1.6e-3 (see runs.c). */
    const double m8[] = {0.2148, 0.3672, 0.2305, 0.1875};
    const double m128[] = {0.1174, 0.2430, 0.2493, 0.1752, 0.1027, 0.1124};
    const double m10k[] = {0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727};
    struct { size_t M; const double *want; int k; double tol; } rows[] = {
        {8, m8, 4, 5e-5}, {128, m128, 6, 7e-5}, {10000, m10k, 7, 1.7e-3}};
    for (int i = 0; i < 3; i++) {
        double pi[8];
        cr_assert_eq(nist_longest_run_pi(rows[i].M, pi), MC_OK);
        for (int c = 0; c < rows[i].k; c++)
            cr_expect_float_eq(pi[c], rows[i].want[c], rows[i].tol, "M=%zu π_%d = %.6f", rows[i].M, c, pi[c]);
    }
    /* M = 8 by enumerating all 256 blocks. */
    double count[4] = {0}, pi[4];
    for (unsigned v = 0; v < 256; v++) {
        int run = 0, best = 0;
        for (int j = 0; j < 8; j++) { run = (v >> j & 1) ? run + 1 : 0; if (run > best) best = run; }
        count[best <= 1 ? 0 : best >= 4 ? 3 : best - 1] += 1;
    }
    cr_assert_eq(nist_longest_run_pi(8, pi), MC_OK);
    for (int c = 0; c < 4; c++) cr_expect_float_eq(pi[c], count[c] / 256, 1e-15);
}

/* ---- preconditions ---- */
Test(nist_preconditions, short_inputs_are_not_applicable)
{
    nist_seq s;
    cr_assert_eq(nist_seq_from_string(&s, "0110110101"), MC_OK);
    nist_result r;
    cr_expect_eq(nist_frequency(&s, &r), MC_E_ARG);
    cr_expect_eq(nist_runs(&s, &r), MC_E_ARG);
    cr_expect_eq(nist_longest_run(&s, &r), MC_E_ARG);
    cr_expect_eq(nist_dft(&s, &r), MC_E_ARG);
    cr_expect_eq(nist_universal(&s, 0, 0, &r), MC_E_ARG);
    cr_expect_eq(nist_random_excursions(&s, &r), MC_E_ARG);
    cr_expect_eq(nist_serial(&s, 16, &r), MC_E_ARG);
    cr_expect_eq(nist_approximate_entropy(&s, 10, &r), MC_E_ARG);
    cr_expect_eq(nist_linear_complexity(&s, 500, &r), MC_E_ARG);
    s.relaxed = 1; /* the worked example of §2.14.4 */
    cr_expect_eq(nist_random_excursions(&s, &r), MC_OK);
    nist_seq_free(&s);
    cr_expect_eq(nist_seq_from_string(&s, "01a1"), MC_E_FORMAT);
}

Test(nist_preconditions, few_cycles_make_excursions_not_applicable)
{
    /* 10^6 bits that walk away and never return: J = 1 < 500. */
    size_t n = 1000000;
    uint8_t *b = malloc(n / 8);
    memset(b, 0xEE, n / 8); /* 1110 1110 …: drifts upwards */
    nist_report *rep = malloc(sizeof *rep);
    cr_assert_eq(nist_run_all(b, n, rep), MC_OK);
    cr_expect_eq(rep->status[NIST_RANDOM_EXCURSIONS], MC_E_ARG);
    cr_expect_eq(rep->status[NIST_RANDOM_EXCURSIONS_VARIANT], MC_E_ARG);
    cr_expect_neq(strstr(rep->reason[NIST_RANDOM_EXCURSIONS], "J=1 "), NULL, "%s", rep->reason[NIST_RANDOM_EXCURSIONS]);
    cr_expect_eq(rep->status[NIST_FREQUENCY], MC_OK);
    cr_expect_lt(rep->result[NIST_FREQUENCY].p[0], 1e-10);
    free(b);
    free(rep);
}

/* ---- good versus bad generators ---- */
static size_t count_below(const nist_report *rep, double alpha, size_t *total)
{
    size_t low = 0;
    *total = 0;
    for (int t = 0; t < NIST_NTESTS; t++)
        for (size_t i = 0; i < rep->result[t].np; i++) {
            (*total)++;
            low += rep->result[t].p[i] < alpha;
        }
    return low;
}

Test(nist_battery, good_generator_passes_bad_ones_fail)
{
    size_t n = 1000000;
    uint8_t *b = malloc(n / 8);
    nist_report *rep = malloc(sizeof *rep);
    xoshiro g;
    xoshiro_seed(&g, 2024);
    xoshiro_bytes(&g, b, n / 8);
    cr_assert_eq(nist_run_all(b, n, rep), MC_OK);
    size_t total, low = count_below(rep, 0.01, &total);
    for (int t = 0; t < NIST_NTESTS; t++)
        if (t != NIST_RANDOM_EXCURSIONS && t != NIST_RANDOM_EXCURSIONS_VARIANT)
            cr_expect_eq(rep->status[t], MC_OK, "%s: %s", nist_test_name(t), rep->reason[t]);
    cr_expect_geq(total, 162, "P-values produced: %zu", total);
    /* At α = 0.01 about 1 % fail by chance; 188 values allow a handful. */
    cr_expect_leq(low, 6, "good generator: %zu of %zu P-values below 0.01", low, total);

    /* Period 2: 0101…: fails almost everything that applies. */
    memset(b, 0x55, n / 8);
    cr_assert_eq(nist_run_all(b, n, rep), MC_OK);
    cr_expect_lt(rep->result[NIST_RUNS].p[0], 1e-10);
    cr_expect_lt(rep->result[NIST_DFT].p[0], 1e-10);
    cr_expect_lt(rep->result[NIST_SERIAL].p[0], 1e-10);
    cr_expect_lt(rep->result[NIST_LINEAR_COMPLEXITY].p[0], 1e-10);

    /* Biased: P(1) = 0.51 from the good generator. */
    memset(b, 0, n / 8);
    for (size_t i = 0; i < n; i++)
        if ((double)(xoshiro_next(&g) >> 11) * 0x1p-53 < 0.51) b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    cr_assert_eq(nist_run_all(b, n, rep), MC_OK);
    cr_expect_lt(rep->result[NIST_FREQUENCY].p[0], 1e-6);
    cr_expect_lt(rep->result[NIST_CUSUM].p[0], 1e-6);
    free(b);
    free(rep);
}

Test(nist_battery, summary_follows_section_4_2)
{
    /* 100 P-values 0.005, 0.015, …, 0.995: one below α = 0.01, ten per bin. */
    double p[100];
    for (int i = 0; i < 100; i++) p[i] = 0.005 + 0.01 * i;
    nist_summary s;
    nist_summarize(p, 100, 0.01, &s);
    cr_expect_eq(s.passed, 99);
    cr_expect_float_eq(s.lo, 0.99 - 3 * sqrt(0.99 * 0.01 / 100), 1e-12);
    cr_expect_float_eq(s.hi, 1.0, 0.0); /* 0.99 + 0.0298 clipped */
    for (int b = 0; b < 10; b++) cr_expect_eq(s.bins[b], 10);
    cr_expect_float_eq(s.uniformity, 1.0, 1e-12); /* χ² = 0 */
    for (int i = 0; i < 100; i++) p[i] = 0.55;    /* all in one bin: χ² = 900 */
    nist_summarize(p, 100, 0.01, &s);
    cr_expect_lt(s.uniformity, 1e-100);
}

/* ---- the command line ---- */
static int run_cli(const char *args, char *out, size_t outlen)
{
    const char *b = getenv("MC_BUILDDIR");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/medchaos nist %s 2>&1", b ? b : ".", args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(nist_cli, reports_every_test_and_rejects_bad_input)
{
    char dir[] = "/tmp/mc_nist_XXXXXX", path[256], args[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/bits.bin", dir);
    size_t nbytes = 2 * 100000 / 8;
    uint8_t *b = malloc(nbytes);
    xoshiro g;
    xoshiro_seed(&g, 5);
    xoshiro_bytes(&g, b, nbytes);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(b, 1, nbytes, f);
    fclose(f);
    static char out[1 << 16];
    snprintf(args, sizeof args, "%s --bits 100000", path);
    cr_expect_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_expect_neq(strstr(out, "2 stream(s) of 100000 bits"), NULL, "%s", out);
    for (int t = 0; t < NIST_NTESTS; t++)
        if (t != NIST_UNIVERSAL && t != NIST_SERIAL && t != NIST_RANDOM_EXCURSIONS && t != NIST_RANDOM_EXCURSIONS_VARIANT)
            cr_expect_neq(strstr(out, nist_test_name(t)), NULL, "row for %s missing", nist_test_name(t));
    cr_expect_neq(strstr(out, "not applicable: universal"), NULL);
    cr_expect_neq(strstr(out, "warning"), NULL);
    snprintf(args, sizeof args, "%s --bits 100000 --streams 3", path);
    cr_expect_eq(run_cli(args, out, sizeof out), 1 + MC_E_TRUNCATED, "%s", out);
    cr_expect_neq(strstr(out, "bits.bin"), NULL, "%s", out);
    snprintf(args, sizeof args, "%s --bits -5", path);
    cr_expect_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_expect_eq(run_cli("/nonexistent/file", out, sizeof out), 1 + MC_E_IO, "%s", out);
    cr_expect_eq(run_cli("--help", out, sizeof out), 0);
    unlink(path);
    rmdir(dir);
    free(b);
}
