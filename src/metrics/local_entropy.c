/* Local Shannon entropy (Y. Wu, Y. Zhou, G. Saveriades, S. Agaian,
 * J. P. Noonan, P. Natarajan, "Local Shannon entropy measure with statistical
 * tests for image randomness", Information Sciences 222:323-342, 2013): the
 * mean entropy of k random non-overlapping blocks, and its acceptance
 * interval under the hypothesis that the blocks are uniform i.i.d. noise. */
#include <math.h>
#include <stdlib.h>

#include "metrics/sample.h"

/* Wu et al. 2013's printed acceptance intervals for k = 30, T_B = 1936 =
 * 44 × 44, 8-bit, in the order of metric_alpha (0.05, 0.01, 0.001). */
static const double published_lo[METRIC_N_ALPHA] = {7.901901305, 7.901722822, 7.901515698};
static const double published_hi[METRIC_N_ALPHA] = {7.903037329, 7.903215812, 7.903422936};

/* A block of T i.i.d. samples uniform over L levels has bin counts
 * (n_1..n_L) ~ Multinomial(T; 1/L, ..., 1/L) and entropy H = Σ_i f(n_i),
 * f(n) = -(n/T) log2(n/T). By symmetry
 *   E[H]   = L E[f(n_1)],                 n_1 ~ Binomial(T, 1/L),
 *   Var[H] = L Var[f(n_1)] + L(L-1) Cov[f(n_1), f(n_2)],
 * with (n_1, n_2) trinomial. The sums run over every count whose probability
 * is not below double's range; the rest cannot change a digit. */
mc_err metric_local_entropy_stats(unsigned block_pixels, unsigned levels, double *mu, double *sigma)
{
    if (block_pixels < 1 || levels < 2)
        return mc_fail(MC_E_ARG, "local entropy needs at least 1 pixel and 2 levels");
    const unsigned T = block_pixels;
    const double p = 1.0 / levels, lgT = lgamma(T + 1.0);
    double *f = malloc((T + 1) * sizeof *f), *lf = malloc((T + 1) * sizeof *lf);
    double *pm = malloc((T + 1) * sizeof *pm);
    if (!f || !lf || !pm) {
        free(f), free(lf), free(pm);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    unsigned kmax = 0; /* counts above kmax have probability < 1e-320 */
    double ef = 0, ef2 = 0;
    for (unsigned k = 0; k <= T; k++) {
        lf[k] = lgamma(k + 1.0);
        double q = (double)k / T;
        f[k] = k ? -q * log2(q) : 0;
        double lp = lgT - lf[k] - lgamma(T - k + 1.0) + k * log(p) + (T - k) * log1p(-p);
        pm[k] = exp(lp);
        if (pm[k] > 0) kmax = k;
        ef += pm[k] * f[k];
        ef2 += pm[k] * f[k] * f[k];
    }
    double eff = 0; /* E[f(n_1) f(n_2)] */
    if (levels == 2) {
        for (unsigned a = 0; a <= T; a++) eff += pm[a] * f[a] * f[T - a];
    } else {
        double lp = log(p), lr = log1p(-2 * p);
        for (unsigned a = 0; a <= kmax; a++) {
            if (!(pm[a] > 0) || !f[a]) continue;
            for (unsigned b = 0; b <= kmax && a + b <= T; b++) {
                if (!(pm[b] > 0) || !f[b]) continue;
                unsigned r = T - a - b;
                double l = lgT - lf[a] - lf[b] - lf[r] + (a + b) * lp + r * lr;
                eff += exp(l) * f[a] * f[b];
            }
        }
    }
    double var = levels * (ef2 - ef * ef) + (double)levels * (levels - 1) * (eff - ef * ef);
    *mu = levels * ef;
    *sigma = sqrt(var > 0 ? var : 0);
    free(f), free(lf), free(pm);
    return MC_OK;
}

mc_err metric_local_entropy(const img_image *im, unsigned k, unsigned side, uint64_t seed,
                            metric_local_entropy_result *out)
{
    mc_err e = metric_check_image(im);
    if (e) return e;
    if (im->depth != 8)
        return mc_fail(MC_E_UNSUPPORTED, "local entropy is defined here for 8-bit images only");
    if (k < 1 || side < 1) return mc_fail(MC_E_ARG, "local entropy needs k >= 1 blocks of side >= 1");
    uint32_t tx = im->width / side, ty = im->height / side;
    uint64_t ntiles = (uint64_t)tx * ty;
    if (ntiles < k)
        return mc_fail(MC_E_ARG, "a %" PRIu32 "x%" PRIu32 " image holds %" PRIu64
                       " blocks of %ux%u, fewer than the %u of the local entropy test",
                       im->width, im->height, ntiles, side, side, k);
    uint32_t *tile = malloc(ntiles * sizeof *tile);
    if (!tile) return mc_fail(MC_E_NOMEM, "out of memory");
    e = metric_local_entropy_stats(side * side, 256, &out->mu, &out->sigma);
    if (e) {
        free(tile);
        return e;
    }
    /* k distinct tiles: the first k steps of a Fisher-Yates shuffle. */
    for (uint64_t i = 0; i < ntiles; i++) tile[i] = (uint32_t)i;
    metric_rng rng;
    metric_rng_seed(&rng, seed);
    for (unsigned i = 0; i < k; i++) {
        uint64_t j = i + metric_rng_below(&rng, ntiles - i);
        uint32_t t = tile[i];
        tile[i] = tile[j];
        tile[j] = t;
    }
    const unsigned ch = im->channels;
    double sum[METRIC_MAX_CHANNELS] = {0};
    for (unsigned i = 0; i < k; i++) {
        uint64_t hist[METRIC_MAX_CHANNELS][256] = {{0}};
        size_t x0 = (size_t)(tile[i] % tx) * side, y0 = (size_t)(tile[i] / tx) * side;
        for (size_t y = y0; y < y0 + side; y++) {
            const uint8_t *row = im->data + (y * im->width + x0) * ch;
            for (size_t j = 0; j < (size_t)side * ch; j++) hist[j % ch][row[j]]++;
        }
        for (unsigned c = 0; c < ch; c++)
            sum[c] += metric_entropy_of_histogram(hist[c], 256, (uint64_t)side * side);
    }
    free(tile);

    out->k = k;
    out->side = side;
    out->mean = metric_value_nan();
    double total = 0;
    for (unsigned c = 0; c < ch; c++) {
        out->mean.ch[c] = sum[c] / k;
        total += sum[c];
    }
    out->mean.all = total / ((double)k * ch);
    out->has_published = k == 30 && side == 44;
    for (int a = 0; a < METRIC_N_ALPHA; a++) {
        double half = mc_normal_quantile(1 - metric_alpha[a] / 2) * out->sigma / sqrt((double)k);
        out->lo[a] = out->mu - half;
        out->hi[a] = out->mu + half;
        out->published_lo[a] = out->has_published ? published_lo[a] : NAN;
        out->published_hi[a] = out->has_published ? published_hi[a] : NAN;
        for (unsigned c = 0; c < METRIC_MAX_CHANNELS; c++) {
            double m = out->mean.ch[c];
            out->pass[c][a] = c < ch && m >= out->lo[a] && m <= out->hi[a];
            out->pass_published[c][a] = c < ch && out->has_published && m >= published_lo[a] &&
                                        m <= published_hi[a];
        }
    }
    return MC_OK;
}
