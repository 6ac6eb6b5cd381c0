/* NIST SP 800-22 on the keystreams (zkey) of each map: one 10^6-bit stream per
 * metadata record, parameters from the ResNet-18 key network, the battery of
 * src/nist, and the §4.2 summary (proportion passing at α = 0.01 with its
 * acceptable range, and the uniformity of the P-values). Also the byte entropy
 * of the streams, which is what the paper reports as its "NIST" figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/parts.h"
#include "experiments/stats.h"
#include "experiments/table.h"
#include "keynet/train.h"
#include "nist/nist.h"
#include "util/special.h"

#define STREAM_BYTES 125000   /* 10^6 bits */

/* P(fewer than lo·n of n streams pass at α = 0.01), the chance that one slot
 * falls below the §4.2 range when the generator is ideal. */
static double slot_failure_probability(size_t n, double lo)
{
    double q = 0;
    for (size_t pass = 0; pass <= n; pass++) {
        if ((double)pass / n >= lo) continue;
        double logc = lgamma(n + 1.0) - lgamma(pass + 1.0) - lgamma(n - pass + 1.0);
        q += exp(logc + pass * log(0.99) + (n - pass) * log(0.01));
    }
    return q;
}

void repro_nist(const repro_config *c, repro_variant *v)
{
    static const char *const cols[] = {"map", "test", "P-values per stream", "streams",
                                       "lowest proportion passing", "acceptable range", "slots below range",
                                       "lowest uniformity P", "verdict"};
    table t;
    if (table_open(&t, c->out, "table8_nist", "NIST SP 800-22 rev. 1a on the keystreams", cols, 9)) exit(1);
    int M = c->nist_streams;
    nist_report *rep = malloc((size_t)M * sizeof *rep);
    uint8_t *z = malloc(STREAM_BYTES);
    uint32_t xi, yi;
    double *pv = malloc((size_t)M * sizeof *pv);
    char entropy_note[256] = "";
    for (int m = 0; m < 2; m++) {
        repro_variant *var = &v[2 * m];
        double ent_sum = 0;
        for (int s = 0; s < M; s++) {
            meta_record rec;
            keynet_synthetic_record(c->seed + 77, (uint64_t)s, &rec);
            chaos_params p;
            if (keynet_params(&var->net, &rec, &p) || chaos_keys(&p, 1, 1, STREAM_BYTES, &xi, &yi, z)) exit(1);
            uint64_t h[256] = {0};
            for (size_t i = 0; i < STREAM_BYTES; i++) h[z[i]]++;
            double e = 0;
            for (int b = 0; b < 256; b++)
                if (h[b]) e -= (double)h[b] / STREAM_BYTES * log2((double)h[b] / STREAM_BYTES);
            ent_sum += e;
            if (nist_run_all(z, 8 * (size_t)STREAM_BYTES, &rep[s])) exit(1);
        }
        size_t all_slots = 0, all_failing = 0;
        double all_expected = 0, all_var = 0;
        size_t len = strlen(entropy_note);
        snprintf(entropy_note + len, sizeof entropy_note - len, "%s%s keystream byte entropy %.4f bits",
                 len ? "; " : "", m ? "Lorenz" : "logistic", ent_sum / M);
        /* One P-value slot fails when its proportion of passing streams is
         * below the §4.2 range; under H0 that happens with probability q
         * (exact binomial). A test's evidence is the chance of at least its
         * number of failing slots, P(X ≥ failing), X ~ Binomial(slots, q);
         * the tests of a map are one family, corrected by Holm at STATS_ALPHA
         * (tests with many slots, 148 templates, always have a few failing). */
        struct {
            size_t slots, count, failing;
            double worst, lo, hi, unif, q, p;
        } r[NIST_NTESTS];
        double pvals[NIST_NTESTS];
        size_t np = 0;
        for (int test = 0; test < NIST_NTESTS; test++) {
            size_t slots = 0;
            for (int s = 0; s < M; s++)
                if (rep[s].status[test] == MC_OK && rep[s].result[test].np > slots) slots = rep[s].result[test].np;
            double worst = 1, lo = 0, hi = 1, unif = 1, q = 0;
            size_t count = 0, failing = 0;
            for (size_t k = 0; k < slots; k++) {
                size_t n = 0;
                for (int s = 0; s < M; s++)
                    if (rep[s].status[test] == MC_OK && k < rep[s].result[test].np) pv[n++] = rep[s].result[test].p[k];
                nist_summary sm;
                nist_summarize(pv, n, 0.01, &sm);
                count = n;
                failing += sm.proportion < sm.lo;
                if (k == 0 || sm.proportion < worst) worst = sm.proportion, lo = sm.lo, hi = sm.hi;
                if (sm.uniformity < unif) unif = sm.uniformity;
                q = slot_failure_probability(n, sm.lo);
            }
            r[test].slots = slots, r[test].count = count, r[test].failing = failing;
            r[test].worst = worst, r[test].lo = lo, r[test].hi = hi, r[test].unif = unif, r[test].q = q;
            r[test].p = count ? stats_binom_upper(failing, slots, q) : 1;
            if (count) pvals[np++] = r[test].p;
            all_slots += slots;
            all_failing += failing;
            all_expected += slots * q;
            all_var += slots * q * (1 - q);
        }
        const double cut = stats_holm_cut(pvals, np, STATS_ALPHA);   /* Holm over the map's tests */
        for (int test = 0; test < NIST_NTESTS; test++) {
            const size_t count = r[test].count, slots = r[test].slots;
            const char *verdict = !count ? "not applicable" : r[test].p <= cut ? "flagged" : "pass";
            const char *row[] = {m ? "Lorenz" : "Logistic", nist_test_name((nist_test)test), cell("%zu", slots),
                                 cell("%zu", count), count ? cell("%.4f", r[test].worst) : "-",
                                 count ? cell("[%.4f, %.4f]", r[test].lo, r[test].hi) : "-",
                                 count ? cell("%zu (%.1f expected; P = %.3g)", r[test].failing, slots * r[test].q,
                                              r[test].p)
                                       : "-",
                                 count ? cell("%.4f", r[test].unif) : "-", verdict};
            table_row(&t, row);
        }
        /* The whole battery at once: the total count of failing slots against
         * its expectation (normal approximation of the sum of binomials). */
        const double z_all = all_var > 0 ? (all_failing - all_expected) / sqrt(all_var) : 0;
        const double p_all = 1 - mc_normal_cdf(z_all);
        const char *row[] = {m ? "Lorenz" : "Logistic", "all tests together", cell("%zu", all_slots), cell("%d", M), "-", "-",
                             cell("%zu (%.1f expected; P = %.3g)", all_failing, all_expected, p_all), "-",
                             p_all <= STATS_ALPHA ? "FAIL" : "pass"};
        table_row(&t, row);
    }
    char note[1024];
    snprintf(note, sizeof note,
             "%d streams of 10^6 bits per map (one per synthetic metadata record), parameters from the ResNet-18 "
             "key network. A P-value slot fails when its proportion of passing streams is below the §4.2 range. "
             "P: the chance of at least that many failing slots for an ideal generator (binomial); a test is "
             "flagged when Holm's correction over the map's tests rejects it at family-wise α = 0.001, and the "
             "row 'all tests together' when its one-sided P (normal approximation) is below 0.001. The "
             "uniformity P-value needs at least 55 streams to mean much (quick mode uses fewer). "
             "The paper's \"NIST\" figure, an entropy of 7.9864 bits, is a byte entropy, not an SP 800-22 result: "
             "%s.", M, entropy_note);
    table_close(&t, note);
    free(rep);
    free(z);
    free(pv);
}
