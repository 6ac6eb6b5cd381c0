/* Histograms and what the paper reads from them: Shannon entropy (ideal 8
 * bits for an 8-bit cipher image) and, to make "close to 8" a test, Pearson's
 * chi-square against the uniform histogram with its p-value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/sample.h"

mc_err metric_histogram(const img_image *im, int channel, uint64_t *hist)
{
    mc_err e = metric_check_image(im);
    if (e) return e;
    if (channel < -1 || channel >= im->channels)
        return mc_fail(MC_E_ARG, "channel %d of a %u-channel image", channel, im->channels);
    memset(hist, 0, ((size_t)1 << im->depth) * sizeof *hist);
    size_t npx = metric_n_pixels(im), ch = im->channels;
    if (channel < 0) {
        for (size_t i = 0; i < npx * ch; i++) hist[metric_sample(im->data, i, im->depth)]++;
    } else {
        for (size_t p = 0; p < npx; p++) hist[metric_sample(im->data, p * ch + (size_t)channel, im->depth)]++;
    }
    return MC_OK;
}

/* Shannon (1948): H = -Σ p_i log2 p_i, empty bins contributing 0. */
double metric_entropy_of_histogram(const uint64_t *hist, unsigned levels, uint64_t total)
{
    if (total == 0) return NAN;
    double h = 0, n = (double)total;
    for (unsigned i = 0; i < levels; i++) {
        if (!hist[i]) continue;
        double p = (double)hist[i] / n;
        h -= p * log2(p);
    }
    return h;
}

/* Pearson's χ² = Σ (h_i - E)² / E against E = total/levels. */
static double chi2_of_histogram(const uint64_t *hist, unsigned levels, uint64_t total)
{
    double expect = (double)total / levels, x = 0;
    for (unsigned i = 0; i < levels; i++) {
        double d = (double)hist[i] - expect;
        x += d * d / expect;
    }
    return x;
}

/* One histogram per channel and the histogram of all samples, in one call;
 * hist holds (channels + 1) × levels counters, the last block for "all". */
static mc_err histograms(const img_image *im, uint64_t **hist, unsigned *levels)
{
    mc_err e = metric_check_image(im);
    if (e) return e;
    *levels = 1u << im->depth;
    *hist = calloc((size_t)(im->channels + 1) * *levels, sizeof **hist);
    if (!*hist) return mc_fail(MC_E_NOMEM, "cannot allocate histograms");
    for (int c = 0; c < im->channels; c++) metric_histogram(im, c, *hist + (size_t)c * *levels);
    uint64_t *all = *hist + (size_t)im->channels * *levels;
    for (size_t c = 0; c < im->channels; c++)
        for (unsigned i = 0; i < *levels; i++) all[i] += (*hist)[c * *levels + i];
    return MC_OK;
}

mc_err metric_entropy(const img_image *im, metric_entropy_result *out)
{
    uint64_t *hist;
    unsigned levels;
    mc_err e = histograms(im, &hist, &levels);
    if (e) return e;
    uint64_t n = metric_n_pixels(im);
    out->levels = levels;
    out->bits = metric_value_nan();
    for (int c = 0; c < im->channels; c++)
        out->bits.ch[c] = metric_entropy_of_histogram(hist + (size_t)c * levels, levels, n);
    out->bits.all = metric_entropy_of_histogram(hist + (size_t)im->channels * levels, levels, n * im->channels);
    free(hist);
    /* The stored bytes: for 16-bit images, high and low bytes alike. */
    uint64_t bytes[256] = {0};
    size_t nb = img_size_bytes(im);
    for (size_t i = 0; i < nb; i++) bytes[im->data[i]]++;
    out->bytes = metric_entropy_of_histogram(bytes, 256, nb);
    return MC_OK;
}

mc_err metric_chi_square(const img_image *im, metric_chi2_result *out)
{
    uint64_t *hist;
    unsigned levels;
    mc_err e = histograms(im, &hist, &levels);
    if (e) return e;
    uint64_t n = metric_n_pixels(im);
    out->dof = levels - 1;
    out->chi2 = metric_value_nan();
    out->p = metric_value_nan();
    double half_dof = out->dof / 2.0;
    for (int c = 0; c <= im->channels; c++) {
        int is_all = c == im->channels;
        double x = chi2_of_histogram(hist + (size_t)c * levels, levels, is_all ? n * im->channels : n);
        double p = metric_igamc(half_dof, x / 2);
        if (is_all) {
            out->chi2.all = x;
            out->p.all = p;
        } else {
            out->chi2.ch[c] = x;
            out->p.ch[c] = p;
        }
    }
    free(hist);
    return MC_OK;
}
