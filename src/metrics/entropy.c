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

/* stat (entropy or chi-square) of each channel's histogram and of the
 * histogram of all samples, into *out; *levels is 2^depth. */
typedef double histogram_stat(const uint64_t *hist, unsigned levels, uint64_t total);

static mc_err per_histogram(const img_image *im, histogram_stat *stat, metric_value *out, unsigned *levels)
{
    mc_err e = metric_check_image(im);
    if (e) return e;
    const unsigned L = 1u << im->depth, ch = im->channels;
    uint64_t *hist = calloc((size_t)(ch + 1) * L, sizeof *hist);
    if (!hist) return mc_fail(MC_E_NOMEM, "cannot allocate histograms");
    uint64_t *all = hist + (size_t)ch * L, n = metric_n_pixels(im);
    *out = metric_value_nan();
    for (unsigned c = 0; c < ch; c++) {
        uint64_t *h = hist + (size_t)c * L;
        metric_histogram(im, (int)c, h);
        out->ch[c] = stat(h, L, n);
        for (unsigned i = 0; i < L; i++) all[i] += h[i];
    }
    out->all = stat(all, L, n * ch);
    free(hist);
    *levels = L;
    return MC_OK;
}

mc_err metric_entropy(const img_image *im, metric_entropy_result *out)
{
    mc_err e = per_histogram(im, metric_entropy_of_histogram, &out->bits, &out->levels);
    if (e) return e;
    /* The stored bytes: for 16-bit images, high and low bytes alike. */
    uint64_t bytes[256] = {0};
    size_t nb = img_size_bytes(im);
    for (size_t i = 0; i < nb; i++) bytes[im->data[i]]++;
    out->bytes = metric_entropy_of_histogram(bytes, 256, nb);
    return MC_OK;
}

mc_err metric_chi_square(const img_image *im, metric_chi2_result *out)
{
    unsigned levels;
    mc_err e = per_histogram(im, chi2_of_histogram, &out->chi2, &levels);
    if (e) return e;
    out->dof = levels - 1;
    out->p = metric_value_nan();
    for (unsigned c = 0; c < im->channels; c++) out->p.ch[c] = mc_igamc(out->dof / 2.0, out->chi2.ch[c] / 2);
    out->p.all = mc_igamc(out->dof / 2.0, out->chi2.all / 2);
    return MC_OK;
}
