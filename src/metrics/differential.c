/* NPCR and UACI (Wu, Noonan, Agaian, "NPCR and UACI Randomness Tests for
 * Image Encryption", Cyber Journals JSAT, April 2011), with the paper's
 * critical values for deciding whether a cipher image pair looks random,
 * and the one-pass pair sums shared with MSE/PSNR. */
#include <math.h>
#include <string.h>

#include "metrics/sample.h"

const double metric_alpha[METRIC_N_ALPHA] = {0.05, 0.01, 0.001};

mc_err metric_check_image(const img_image *im)
{
    if (!im || !im->data) return mc_fail(MC_E_ARG, "image has no pixel data");
    return img_check_geometry(im->width, im->height, im->channels, im->depth);
}

mc_err metric_check_pair(const img_image *a, const img_image *b)
{
    mc_err e = metric_check_image(a);
    if (!e) e = metric_check_image(b);
    if (e) return e;
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->depth != b->depth)
        return mc_fail(MC_E_MISMATCH,
                       "images differ in geometry: %" PRIu32 "x%" PRIu32 "x%u %u-bit vs %" PRIu32
                       "x%" PRIu32 "x%u %u-bit",
                       a->width, a->height, a->channels, a->depth, b->width, b->height, b->channels,
                       b->depth);
    return MC_OK;
}

mc_err metric_pair_sums_of(const img_image *a, const img_image *b, metric_pair_sums *s)
{
    mc_err e = metric_check_pair(a, b);
    if (e) return e;
    memset(s, 0, sizeof *s);
    size_t npx = metric_n_pixels(a);
    unsigned ch = a->channels, depth = a->depth;
    s->n = npx;
    for (size_t p = 0; p < npx; p++) {
        for (unsigned c = 0; c < ch; c++) {
            size_t i = p * ch + c;
            unsigned x = metric_sample(a->data, i, depth), y = metric_sample(b->data, i, depth);
            uint64_t d = x > y ? x - y : y - x;
            s->changed[c] += d != 0;
            s->abs_sum[c] += d;
            s->sq_sum[c] += d * d;
        }
    }
    return MC_OK;
}

/* NPCR = #{a_i != b_i}/n and UACI = Σ|a_i - b_i| / (F n), in percent
 * (Wu et al. 2011, eqs. 1-3: D(i,j) = 1 when the samples differ). */
mc_err metric_npcr_uaci(const img_image *a, const img_image *b, metric_diff *out)
{
    metric_pair_sums s;
    mc_err e = metric_pair_sums_of(a, b, &s);
    if (e) return e;
    double F = (double)((1u << a->depth) - 1);
    out->npcr = metric_value_nan();
    out->uaci = metric_value_nan();
    uint64_t changed = 0, abs_sum = 0;
    for (unsigned c = 0; c < a->channels; c++) {
        out->npcr.ch[c] = 100.0 * (double)s.changed[c] / (double)s.n;
        out->uaci.ch[c] = 100.0 * (double)s.abs_sum[c] / (F * (double)s.n);
        changed += s.changed[c];
        abs_sum += s.abs_sum[c];
    }
    double n_all = (double)s.n * a->channels;
    out->npcr.all = 100.0 * (double)changed / n_all;
    out->uaci.all = 100.0 * (double)abs_sum / (F * n_all);
    return MC_OK;
}

/* Wu et al. 2011 §III: for two independent uniformly random images with
 * samples in 0..F, the NPCR of n samples has mean μ_N = F/(F+1) and variance
 * F/((F+1)² n); the one-sided test rejects when NPCR < N*_α, eq. 8. UACI has
 * mean μ_U = (F+2)/(3F+3) and variance σ_U² of eq. 13; the two-sided test
 * accepts inside μ_U ± z_{1-α/2} σ_U, eq. 15. */
mc_err metric_wu_critical_values(uint64_t n, unsigned depth, metric_wu_critical *out)
{
    if (n == 0) return mc_fail(MC_E_ARG, "Wu critical values need at least one sample");
    if (depth < 1 || depth > 16) return mc_fail(MC_E_ARG, "depth %u outside 1..16", depth);
    double F = (double)((1u << depth) - 1), N = (double)n;
    double var_u = (F + 2) * (F * F + 2 * F + 3) / (18 * (F + 1) * (F + 1) * N * F);
    out->npcr_mean = 100 * F / (F + 1);
    out->uaci_mean = 100 * (F + 2) / (3 * F + 3);
    out->uaci_sigma = 100 * sqrt(var_u);
    for (int k = 0; k < METRIC_N_ALPHA; k++) {
        double z1 = mc_normal_quantile(1 - metric_alpha[k]);
        double z2 = mc_normal_quantile(1 - metric_alpha[k] / 2);
        out->npcr_min[k] = 100 * (F - z1 * sqrt(F / N)) / (F + 1);
        out->uaci_lo[k] = out->uaci_mean - z2 * out->uaci_sigma;
        out->uaci_hi[k] = out->uaci_mean + z2 * out->uaci_sigma;
    }
    return MC_OK;
}

void metric_wu_verdict_of(const metric_wu_critical *c, double npcr, double uaci, metric_wu_verdict *v)
{
    for (int k = 0; k < METRIC_N_ALPHA; k++) {
        v->npcr_pass[k] = npcr >= c->npcr_min[k];
        v->uaci_pass[k] = uaci >= c->uaci_lo[k] && uaci <= c->uaci_hi[k];
    }
}
