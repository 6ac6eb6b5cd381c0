/* MSE and PSNR between two images: the paper's measures of how far the cipher
 * image is from the plain image (large MSE, low PSNR wanted) and of exact
 * decryption (MSE 0, PSNR infinite). */
#include <math.h>

#include "metrics/sample.h"

/* MSE = Σ(a - b)²/n, PSNR = 10 log10(F²/MSE) = 20 log10(F/√MSE), F = 2^depth - 1
 * (the paper's MSE and PSNR equations, with K = F). */
static double psnr_of(double mse, double peak)
{
    return mse == 0 ? INFINITY : 10 * log10(peak * peak / mse);
}

mc_err metric_mse_psnr(const img_image *a, const img_image *b, metric_fidelity *out)
{
    metric_pair_sums s;
    mc_err e = metric_pair_sums_of(a, b, &s);
    if (e) return e;
    out->peak = (double)((1u << a->depth) - 1);
    out->mse = metric_value_nan();
    out->psnr = metric_value_nan();
    uint64_t sq = 0;
    for (unsigned c = 0; c < a->channels; c++) {
        out->mse.ch[c] = (double)s.sq_sum[c] / (double)s.n;
        out->psnr.ch[c] = psnr_of(out->mse.ch[c], out->peak);
        sq += s.sq_sum[c];
    }
    out->mse.all = (double)sq / ((double)s.n * a->channels);
    out->psnr.all = psnr_of(out->mse.all, out->peak);
    return MC_OK;
}
