/* Security metrics of image ciphers as the paper (Husamuldeen, Salman, Miry)
 * reports them, with the statistical tests that make them interpretable:
 * NPCR/UACI with Wu-Noonan-Agaian (2011) critical values, global and local
 * (Wu et al. 2013) Shannon entropy, adjacent-pixel correlation, MSE/PSNR,
 * histogram chi-square, and the paper's key-space count. Nothing here prints.
 *
 * Conventions for every metric over a pair or one image:
 *  - Pairs must have the same width, height, channels and depth, else
 *    MC_E_MISMATCH.
 *  - Results are per channel (ch[0..channels-1]; alpha is a channel like any
 *    other) and over all samples (all). Channels beyond the image's are NaN.
 *  - A 16-bit image is measured on its 16-bit samples (levels 0..65535, peak
 *    F = 65535) unless a field says it works on stored bytes.
 *  - Random sampling (local entropy blocks, random pixel pairs) uses
 *    xoshiro256** seeded through splitmix64 from a caller's seed, so a run is
 *    reproducible from (image, seed). */
#ifndef MC_METRICS_METRICS_H
#define MC_METRICS_METRICS_H
#include <stdint.h>
#include "image/image.h"
#include "util/err.h"
#include "util/special.h"

#define METRIC_MAX_CHANNELS 4
#define METRIC_N_ALPHA 3
/* The significance levels of every test here: 0.05, 0.01, 0.001. */
extern const double metric_alpha[METRIC_N_ALPHA];

/* One figure per channel and over all samples. */
typedef struct {
    double ch[METRIC_MAX_CHANNELS];
    double all;
} metric_value;


/* ---- NPCR and UACI (differential.c) ---- */

/* NPCR = 100 % · #{i : a_i != b_i} / n and UACI = 100 % · Σ|a_i - b_i| / (F n),
 * F = 2^depth - 1, over samples (Wu, Noonan, Agaian 2011, eqs. 1-2). The
 * paper compares a plain image with its cipher image; the standard
 * differential test compares two cipher images whose plain images differ in
 * one pixel. The formula is the same; pass the two images you mean. */
typedef struct {
    metric_value npcr, uaci; /* percent */
} metric_diff;
mc_err metric_npcr_uaci(const img_image *a, const img_image *b, metric_diff *out);

/* Critical values of Wu et al. 2011 for n samples of depth bits, at
 * α = 0.05, 0.01, 0.001 (percent):
 *   NPCR passes if NPCR >= N*_α = (F - z_{1-α} √(F/n)) / (F + 1)
 *   UACI passes if U*-_α <= UACI <= U*+_α, U*± = μ_U ± z_{1-α/2} σ_U,
 *   μ_U = (F + 2)/(3F + 3), σ_U² = (F + 2)(F² + 2F + 3) / (18 (F + 1)² n F). */
typedef struct {
    double npcr_mean, uaci_mean, uaci_sigma; /* percent: μ_N = F/(F+1), μ_U, σ_U */
    double npcr_min[METRIC_N_ALPHA];
    double uaci_lo[METRIC_N_ALPHA], uaci_hi[METRIC_N_ALPHA];
} metric_wu_critical;
mc_err metric_wu_critical_values(uint64_t n, unsigned depth, metric_wu_critical *out);

typedef struct {
    int npcr_pass[METRIC_N_ALPHA], uaci_pass[METRIC_N_ALPHA];
} metric_wu_verdict;
void metric_wu_verdict_of(const metric_wu_critical *c, double npcr, double uaci, metric_wu_verdict *v);

/* ---- histogram, Shannon entropy, chi-square (entropy.c, histogram.c) ---- */

/* Histogram of one channel (0..channels-1) or of all samples (channel -1):
 * hist must hold 2^depth counters. */
mc_err metric_histogram(const img_image *im, int channel, uint64_t *hist);

/* H = -Σ p_i log2 p_i over the histogram's nonzero bins, p_i = h_i / total
 * (Shannon 1948; the paper's entropy formula). */
double metric_entropy_of_histogram(const uint64_t *hist, unsigned levels, uint64_t total);

/* Entropy per channel and over all samples on the 2^depth levels (ideal: 8
 * bits for 8-bit, 16 for 16-bit images), and over the stored bytes (ideal 8;
 * for 8-bit images bytes == all). */
typedef struct {
    metric_value bits;
    double bytes;
    unsigned levels;
} metric_entropy_result;
mc_err metric_entropy(const img_image *im, metric_entropy_result *out);

/* Pearson's chi-square of the histogram against the uniform distribution:
 * χ² = Σ (h_i - E)² / E, E = n / 2^depth, with 2^depth - 1 degrees of freedom
 * and p = Q((2^depth - 1)/2, χ²/2). */
typedef struct {
    metric_value chi2, p;
    unsigned dof;
} metric_chi2_result;
mc_err metric_chi_square(const img_image *im, metric_chi2_result *out);

/* ---- local Shannon entropy (local_entropy.c) ---- */

/* Exact mean and standard deviation of the Shannon entropy of a block of
 * block_pixels i.i.d. uniform samples over `levels` values (the null
 * hypothesis of Wu et al. 2013), from the binomial and trinomial laws of
 * the bin counts. For 256 levels and 1936 pixels μ = 7.902469317. */
mc_err metric_local_entropy_stats(unsigned block_pixels, unsigned levels, double *mu, double *sigma);

/* Local Shannon entropy (Wu, Zhou, Saveriades, Agaian, Noonan, Natarajan,
 * Information Sciences 222, 2013, §3): the mean entropy of k non-overlapping
 * side×side blocks, chosen at random (seeded) among the image's aligned grid
 * tiles, per channel. The paper's choice is k = 30, side = 44 (T_B = 1936).
 * 8-bit images only (MC_E_UNSUPPORTED otherwise); fewer than k tiles is
 * MC_E_ARG. Acceptance interval at α: μ ± z_{1-α/2} σ / √k with the exact
 * μ, σ above. Wu et al. print for k = 30, T_B = 1936 the narrower intervals
 * in published_lo/hi (α = 0.05: [7.901901305, 7.903037329], 0.01:
 * [7.901722822, 7.903215812], 0.001: [7.901515698, 7.903422936]): the same
 * centre, but half-widths of 0.358, 0.470 and 0.601 σ/√k instead of 1.960,
 * 2.576 and 3.291, so the mean of 30 blocks of truly uniform noise falls
 * inside them only about 28 %, 36 % and 45 % of the time (normal law; a
 * simulation agrees), not 95/99/99.9 %. We report
 * both verdicts; the pass[] one has the stated significance. */
typedef struct {
    unsigned k, side;
    metric_value mean;   /* all: mean over the k·channels blocks */
    double mu, sigma;    /* null mean and deviation of one block */
    double lo[METRIC_N_ALPHA], hi[METRIC_N_ALPHA];
    int pass[METRIC_MAX_CHANNELS][METRIC_N_ALPHA];
    int has_published;   /* k = 30 and side = 44 */
    double published_lo[METRIC_N_ALPHA], published_hi[METRIC_N_ALPHA];
    int pass_published[METRIC_MAX_CHANNELS][METRIC_N_ALPHA];
} metric_local_entropy_result;
mc_err metric_local_entropy(const img_image *im, unsigned k, unsigned side, uint64_t seed,
                            metric_local_entropy_result *out);

/* ---- adjacent-pixel correlation (correlation.c) ---- */

enum { METRIC_HORIZONTAL, METRIC_VERTICAL, METRIC_DIAGONAL, METRIC_N_DIR };

/* Pearson's r = cov(x, y) / (σ_x σ_y) between each sample and its right,
 * lower, and lower-right neighbour in the same channel (the paper's
 * "correlation coefficient"), over every pair and over n_random pairs drawn
 * with replacement from the seeded generator, the common practice being
 * N = 3000. NaN when one side of the pairs is constant (r undefined). */
typedef struct {
    unsigned channels, n_random;
    double all[METRIC_MAX_CHANNELS][METRIC_N_DIR];
    double sampled[METRIC_MAX_CHANNELS][METRIC_N_DIR];
} metric_correlation_result;
mc_err metric_correlation(const img_image *im, unsigned n_random, uint64_t seed,
                          metric_correlation_result *out);

/* ---- MSE and PSNR (fidelity.c) ---- */

/* MSE = Σ (a_i - b_i)² / n and PSNR = 10 log10(F² / MSE) dB = 20 log10(F/√MSE)
 * with F = 2^depth - 1 (the paper's eqs. for MSE and PSNR). Identical images
 * give MSE 0 and PSNR +inf. */
typedef struct {
    metric_value mse, psnr;
    double peak;
} metric_fidelity;
mc_err metric_mse_psnr(const img_image *a, const img_image *b, metric_fidelity *out);

/* ---- key space (keyspace.c) ---- */

/* The paper's key size: (L_xindex + L_yindex + L_zkey) × 8 bits, counting
 * one byte per element of the row permutation (height), the column
 * permutation (width) and the XOR stream: 128×128 gray gives 133120 bits. The
 * XOR stream holds depth/8 bytes per sample (width·height·channels samples),
 * so a 16-bit image counts two bytes per sample. What it does not measure:
 * the permutations hold only log2(h!) + log2(w!) bits, and all three arrays
 * are derived from a few chaotic parameters that a network computes from
 * metadata, so the effective key is those parameters (or the metadata), not
 * this count. depth is 8 or 16 (anything else counts as 8). */
uint64_t metric_key_space_bits(uint32_t width, uint32_t height, uint8_t channels, uint8_t depth);
/* log2(h!) + log2(w!): the information in two arbitrary permutations. */
double metric_permutation_bits(uint32_t width, uint32_t height);

/* ---- the seeded generator used for sampling (rng.c) ---- */

/* xoshiro256** (Blackman & Vigna 2018), state filled by splitmix64(seed).
 * Statistics only: never a source of key material. */
typedef struct {
    uint64_t s[4];
} metric_rng;
void metric_rng_seed(metric_rng *r, uint64_t seed);
uint64_t metric_rng_next(metric_rng *r);
/* Uniform in [0, n) by rejection (no modulo bias); n > 0. */
uint64_t metric_rng_below(metric_rng *r, uint64_t n);

#endif
