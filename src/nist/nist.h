/* NIST SP 800-22 rev. 1a: the fifteen statistical tests for random and
 * pseudorandom bit sequences, written from the standard (section numbers
 * below are SP 800-22's), plus the multi-sequence analysis of its §4.2.
 * Bits are ε_1..ε_n; a packed byte holds ε_1 in its most significant bit. */
#ifndef MC_NIST_NIST_H
#define MC_NIST_NIST_H
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/special.h"

/* ---- the sequence under test ---- */
typedef struct {
    size_t n;       /* number of bits */
    uint8_t *e;     /* e[i] = ε_{i+1} ∈ {0,1}, one byte per bit */
    uint64_t *w;    /* the same bits packed, ε_{i+1} = w[i/64] >> (63 - i%64) & 1 */
    int relaxed;    /* 1: skip the input-size recommendations of §2.x.7 (for the
                     * standard's own worked examples, which use n = 10..100);
                     * mathematical preconditions are still checked */
} nist_seq;

/* From packed bytes (MSB first) or from a string of '0'/'1' (other characters
 * are an error). nist_seq_free releases what either made. */
mc_err nist_seq_from_packed(nist_seq *s, const uint8_t *bytes, size_t nbits);
mc_err nist_seq_from_string(nist_seq *s, const char *bits);
void nist_seq_free(nist_seq *s);

/* ---- results ---- */
#define NIST_MAX_P 148  /* the non-overlapping template test gives one per template */
#define NIST_MAX_AUX 20

typedef struct {
    size_t np;                   /* number of P-values */
    double p[NIST_MAX_P];        /* P-values */
    double stat[NIST_MAX_P];     /* the statistic each P-value comes from (χ², z, ...) */
    double aux[NIST_MAX_AUX];    /* test-specific counts: see each test */
} nist_result;

/* Every test returns MC_OK with r filled, or MC_E_ARG when the test is not
 * applicable to this input (too short for the standard's recommendation, or a
 * parameter outside its range; random excursions with J < 500 cycles), with a
 * one-line reason in mc_errmsg(). */

/* §2.1 Frequency (monobit). stat = s_obs. */
mc_err nist_frequency(const nist_seq *s, nist_result *r);
/* §2.2 Frequency within a block of M bits. stat = χ². */
mc_err nist_block_frequency(const nist_seq *s, size_t M, nist_result *r);
/* §2.3 Runs. stat = V_n(obs); P = 0 when the frequency prerequisite fails. */
mc_err nist_runs(const nist_seq *s, nist_result *r);
/* §2.4 Longest run of ones in a block; M (8, 128 or 10^4) chosen from n as in
 * §2.4.2. stat = χ²; aux = ν_0..ν_K, aux[19] = M. */
mc_err nist_longest_run(const nist_seq *s, nist_result *r);
/* Exact class probabilities π_0..π_K for M = 8 (K = 3), 128 (5), 10^4 (6). */
mc_err nist_longest_run_pi(size_t M, double *pi);
/* §2.5 Binary matrix rank with M×Q matrices (M, Q ≤ 64). stat = χ²;
 * aux = F_M, F_{M-1}, N − F_M − F_{M-1}. */
mc_err nist_rank(const nist_seq *s, int M, int Q, nist_result *r);
/* §2.6 Discrete Fourier transform (spectral). stat = d; aux = N_1, N_0, T. */
mc_err nist_dft(const nist_seq *s, nist_result *r);
/* §2.7 Non-overlapping template matching: N blocks, one P-value per template
 * of length m given as m-bit integers (ε first in the high bit).
 * nist_aperiodic_templates lists the m-bit templates with no self-overlap
 * (148 for m = 9) in increasing order; returns the count, at most max. */
mc_err nist_nonoverlapping_template(const nist_seq *s, int m, size_t N,
                                    const uint32_t *templates, size_t ntemplates,
                                    nist_result *r);
size_t nist_aperiodic_templates(int m, uint32_t *out, size_t max);
/* §2.8 Overlapping template matching of B = 1^m in blocks of M bits, K = 5.
 * Class probabilities π_i are computed exactly (see template_overlap.c).
 * stat = χ²; aux = ν_0..ν_5, then π_0..π_5 at aux[6..11]. */
mc_err nist_overlapping_template(const nist_seq *s, int m, size_t M, nist_result *r);
/* Exact π_0..π_K for the overlapping test (K+1 values, last one "≥ K"). */
mc_err nist_overlapping_pi(int m, size_t M, int K, double *pi);
/* §2.9 Maurer's universal statistical test. L = 0 picks L and Q = 10·2^L from n
 * as in §2.9.7. stat = f_n; aux = L, Q, K. */
mc_err nist_universal(const nist_seq *s, int L, size_t Q, nist_result *r);
/* §2.10 Linear complexity with blocks of M bits. stat = χ²; aux = ν_0..ν_6. */
mc_err nist_linear_complexity(const nist_seq *s, size_t M, nist_result *r);
/* Linear complexity of M bits (one byte per bit) by Berlekamp–Massey: the
 * readable reference and the bit-packed fast version the test uses. */
int nist_bm_reference(const uint8_t *bits, size_t M);
int nist_bm_packed(const uint8_t *bits, size_t M);
/* §2.11 Serial, pattern length m. p[0], p[1] from ∇ψ²_m and ∇²ψ²_m (stat). */
mc_err nist_serial(const nist_seq *s, int m, nist_result *r);
/* §2.12 Approximate entropy, block length m. stat = χ²; aux[0] = ApEn(m). */
mc_err nist_approximate_entropy(const nist_seq *s, int m, nist_result *r);
/* §2.13 Cumulative sums: p[0] forward (mode 0), p[1] backward (mode 1); stat = z. */
mc_err nist_cusum(const nist_seq *s, nist_result *r);
/* §2.14 Random excursions: states x = −4..−1, +1..+4 in that order.
 * stat = χ²(x); aux[0] = J. */
mc_err nist_random_excursions(const nist_seq *s, nist_result *r);
/* §2.15 Random excursions variant: x = −9..−1, +1..+9. stat = ξ(x); aux[0] = J. */
mc_err nist_random_excursions_variant(const nist_seq *s, nist_result *r);


/* ---- discrete Fourier transform (fft.c) ---- */
/* Exact n-point DFT X_k = Σ_j x_j e^{−2πijk/n} of real x, any n ≥ 1, in
 * O(n log n): mixed-radix Cooley–Tukey when every prime factor of n is ≤ 64
 * (10^6 = 2^6·5^6), Bluestein's chirp-z over a power-of-two FFT otherwise.
 * re/im receive n values each. */
mc_err nist_dft_real(const double *x, size_t n, double *re, double *im);
/* O(n²) definition, for tests. */
void nist_dft_naive(const double *x, size_t n, double *re, double *im);

/* ---- the whole battery and the multi-sequence report (report.c) ---- */
typedef enum {
    NIST_FREQUENCY, NIST_BLOCK_FREQUENCY, NIST_CUSUM, NIST_RUNS, NIST_LONGEST_RUN,
    NIST_RANK, NIST_DFT, NIST_NONOVERLAPPING, NIST_OVERLAPPING, NIST_UNIVERSAL,
    NIST_APEN, NIST_RANDOM_EXCURSIONS, NIST_RANDOM_EXCURSIONS_VARIANT, NIST_SERIAL,
    NIST_LINEAR_COMPLEXITY, NIST_NTESTS
} nist_test;

/* sts's short test name, e.g. "BlockFrequency". */
const char *nist_test_name(nist_test t);
/* The name of one P-value of a test with the battery's default parameters, as
 * sts's finalAnalysisReport rows: the state for the excursion tests
 * ("RandomExcursions x=-4"), the 9-bit template for the non-overlapping test,
 * forward/backward for cumulative sums, 1/2 for serial; else the test's name. */
void nist_slot_label(nist_test t, size_t slot, char *buf, size_t len);

/* Parameters of the battery; nist_params_default gives sts's defaults. */
typedef struct {
    size_t block_frequency_M;   /* 128 */
    int nonoverlapping_m;       /* 9 (all 148 aperiodic templates) */
    size_t nonoverlapping_N;    /* 8 blocks */
    int overlapping_m;          /* 9 */
    size_t overlapping_M;       /* 1032 */
    size_t linear_complexity_M; /* 500 */
    int serial_m;               /* 16 */
    int apen_m;                 /* 10 */
    int rank_M, rank_Q;         /* 32 × 32 */
} nist_params;
void nist_params_default(nist_params *p);

/* Run one test with the battery's parameters. */
mc_err nist_run_test(nist_test t, const nist_seq *s, const nist_params *p, nist_result *r);

/* All fifteen tests on one sequence: 188 P-values when all apply. */
typedef struct {
    size_t nbits;
    mc_err status[NIST_NTESTS];         /* MC_OK, or why the test did not apply */
    char reason[NIST_NTESTS][96];       /* one-line reason when status != MC_OK */
    nist_result result[NIST_NTESTS];
} nist_report;

/* Run the battery with default parameters on nbits packed bits (MSB first).
 * Tests that do not apply are marked in out->status, not failed; the call
 * itself fails only on bad arguments or allocation failure. */
mc_err nist_run_all(const uint8_t *bits_packed, size_t nbits, nist_report *out);
mc_err nist_run_all_params(const uint8_t *bits_packed, size_t nbits,
                           const nist_params *p, nist_report *out);

/* §4.2: across M sequences, for one P-value slot: proportion of sequences with
 * P ≥ α, its acceptable range p̂ ± 3√(p̂(1−p̂)/M) with p̂ = 1 − α, and the
 * uniformity P-value igamc(9/2, χ²/2) over ten equal bins. */
typedef struct {
    size_t count;      /* sequences where the test applied */
    size_t passed;     /* of those, P ≥ α */
    size_t bins[10];   /* histogram of P-values over [0,0.1), ..., [0.9,1] */
    double proportion; /* passed / count */
    double lo, hi;     /* acceptable proportion range */
    double uniformity; /* P-value of uniformity (P_T) */
} nist_summary;
void nist_summarize(const double *pvalues, size_t count, double alpha, nist_summary *out);

#endif
