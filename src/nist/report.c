/* The battery as sts runs it: all fifteen tests with sts's default parameters
 * on one sequence (nist_run_all), and the §4.2 analysis of one P-value slot
 * across many sequences (proportion passing and uniformity of P-values). */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdio.h>

static const char *const test_names[NIST_NTESTS] = {
    [NIST_FREQUENCY] = "Frequency",
    [NIST_BLOCK_FREQUENCY] = "BlockFrequency",
    [NIST_CUSUM] = "CumulativeSums",
    [NIST_RUNS] = "Runs",
    [NIST_LONGEST_RUN] = "LongestRun",
    [NIST_RANK] = "Rank",
    [NIST_DFT] = "FFT",
    [NIST_NONOVERLAPPING] = "NonOverlappingTemplate",
    [NIST_OVERLAPPING] = "OverlappingTemplate",
    [NIST_UNIVERSAL] = "Universal",
    [NIST_APEN] = "ApproximateEntropy",
    [NIST_RANDOM_EXCURSIONS] = "RandomExcursions",
    [NIST_RANDOM_EXCURSIONS_VARIANT] = "RandomExcursionsVariant",
    [NIST_SERIAL] = "Serial",
    [NIST_LINEAR_COMPLEXITY] = "LinearComplexity",
};

const char *nist_test_name(nist_test t)
{
    return (unsigned)t < NIST_NTESTS ? test_names[t] : "?";
}

void nist_params_default(nist_params *p)
{
    p->block_frequency_M = 128;
    p->nonoverlapping_m = 9;
    p->nonoverlapping_N = 8;
    p->overlapping_m = 9;
    p->overlapping_M = 1032;
    p->linear_complexity_M = 500;
    p->serial_m = 16;
    p->apen_m = 10;
    p->rank_M = 32;
    p->rank_Q = 32;
}

mc_err nist_run_test(nist_test t, const nist_seq *s, const nist_params *p, nist_result *r)
{
    switch (t) {
    case NIST_FREQUENCY: return nist_frequency(s, r);
    case NIST_BLOCK_FREQUENCY: return nist_block_frequency(s, p->block_frequency_M, r);
    case NIST_CUSUM: return nist_cusum(s, r);
    case NIST_RUNS: return nist_runs(s, r);
    case NIST_LONGEST_RUN: return nist_longest_run(s, r);
    case NIST_RANK: return nist_rank(s, p->rank_M, p->rank_Q, r);
    case NIST_DFT: return nist_dft(s, r);
    case NIST_NONOVERLAPPING: {
        uint32_t tpl[NIST_MAX_P];
        size_t nt = nist_aperiodic_templates(p->nonoverlapping_m, tpl, NIST_MAX_P);
        if (nt > NIST_MAX_P)
            return mc_fail(MC_E_ARG, "non-overlapping template: m=%d has %zu templates (at most %d)",
                           p->nonoverlapping_m, nt, NIST_MAX_P);
        return nist_nonoverlapping_template(s, p->nonoverlapping_m, p->nonoverlapping_N, tpl, nt, r);
    }
    case NIST_OVERLAPPING: return nist_overlapping_template(s, p->overlapping_m, p->overlapping_M, r);
    case NIST_UNIVERSAL: return nist_universal(s, 0, 0, r);
    case NIST_APEN: return nist_approximate_entropy(s, p->apen_m, r);
    case NIST_RANDOM_EXCURSIONS: return nist_random_excursions(s, r);
    case NIST_RANDOM_EXCURSIONS_VARIANT: return nist_random_excursions_variant(s, r);
    case NIST_SERIAL: return nist_serial(s, p->serial_m, r);
    case NIST_LINEAR_COMPLEXITY: return nist_linear_complexity(s, p->linear_complexity_M, r);
    default: return mc_fail(MC_E_ARG, "unknown NIST test %d", (int)t);
    }
}

mc_err nist_run_all_params(const uint8_t *bits_packed, size_t nbits, const nist_params *p, nist_report *out)
{
    if (!bits_packed || !out || !p) return mc_fail(MC_E_ARG, "nist_run_all: NULL argument");
    nist_seq s;
    mc_err err = nist_seq_from_packed(&s, bits_packed, nbits);
    if (err) return err;
    memset(out, 0, sizeof *out);
    out->nbits = nbits;
    for (int t = 0; t < NIST_NTESTS; t++) {
        mc_clear_error();
        out->status[t] = nist_run_test((nist_test)t, &s, p, &out->result[t]);
        if (out->status[t] == MC_E_NOMEM) {
            err = out->status[t];
            break;
        }
        if (out->status[t] != MC_OK) {
            snprintf(out->reason[t], sizeof out->reason[t], "%s", mc_errmsg(out->status[t]));
            out->result[t].np = 0;
        }
    }
    mc_clear_error();
    nist_seq_free(&s);
    return err ? mc_fail(err, "NIST battery: out of memory") : MC_OK;
}

mc_err nist_run_all(const uint8_t *bits_packed, size_t nbits, nist_report *out)
{
    nist_params p;
    nist_params_default(&p);
    return nist_run_all_params(bits_packed, nbits, &p, out);
}

/* §4.2.1: proportion passing, acceptable within p̂ ± 3√(p̂(1−p̂)/m);
 * (the upper end clipped at 1);
 * §4.2.2: P-values in ten bins, χ² = Σ (F_i − m/10)²/(m/10),
 * P_T = igamc(9/2, χ²/2). */
void nist_summarize(const double *pvalues, size_t count, double alpha, nist_summary *out)
{
    memset(out, 0, sizeof *out);
    out->count = count;
    for (size_t i = 0; i < count; i++) {
        double pv = pvalues[i];
        if (pv >= alpha) out->passed++;
        int bin = (int)(pv * 10.0);
        out->bins[bin < 0 ? 0 : bin > 9 ? 9 : bin]++;
    }
    double phat = 1.0 - alpha;
    double half = count ? 3.0 * sqrt(phat * (1.0 - phat) / (double)count) : 0.0;
    out->proportion = count ? (double)out->passed / (double)count : 0.0;
    out->lo = phat - half;
    out->hi = fmin(1.0, phat + half); /* a proportion cannot exceed 1 */
    if (count == 0) return;
    double expect = (double)count / 10.0, chi2 = 0.0;
    for (int b = 0; b < 10; b++) chi2 += ((double)out->bins[b] - expect) * ((double)out->bins[b] - expect) / expect;
    out->uniformity = mc_igamc(4.5, chi2 / 2.0);
}

/* See nist.h. */
void nist_slot_label(nist_test t, size_t slot, char *buf, size_t len)
{
    /* A slot the test never produces gets "?", not a read past a table. */
    if ((t == NIST_RANDOM_EXCURSIONS && slot >= 8) || (t == NIST_RANDOM_EXCURSIONS_VARIANT && slot >= 18) ||
        (t == NIST_NONOVERLAPPING && slot >= NIST_MAX_P))
        slot = 0, t = NIST_NTESTS; /* prints "?" */
    if (t == NIST_RANDOM_EXCURSIONS) {
        static const int x[8] = {-4, -3, -2, -1, 1, 2, 3, 4};
        snprintf(buf, len, "%s x=%+d", nist_test_name(t), x[slot]);
    } else if (t == NIST_RANDOM_EXCURSIONS_VARIANT) {
        int x = (int)slot - 9 + (slot >= 9);
        snprintf(buf, len, "%s x=%+d", nist_test_name(t), x);
    } else if (t == NIST_CUSUM) {
        snprintf(buf, len, "%s %s", nist_test_name(t), slot ? "backward" : "forward");
    } else if (t == NIST_NONOVERLAPPING) {
        uint32_t tpl[NIST_MAX_P];
        nist_aperiodic_templates(9, tpl, NIST_MAX_P);
        char b[10];
        for (int i = 0; i < 9; i++) b[i] = (char)('0' + (tpl[slot] >> (8 - i) & 1));
        b[9] = '\0';
        snprintf(buf, len, "%s %s", nist_test_name(t), b);
    } else if (t == NIST_SERIAL) {
        snprintf(buf, len, "%s %d", nist_test_name(t), (int)slot + 1);
    } else {
        snprintf(buf, len, "%s", nist_test_name(t));
    }
}
