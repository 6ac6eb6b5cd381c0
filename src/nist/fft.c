/* The n-point discrete Fourier transform the spectral test (§2.6) needs, for
 * any n: an iterative radix-2 FFT, and Bluestein's chirp-z algorithm that turns
 * an n-point DFT into a convolution of power-of-two length. Double precision;
 * twiddles are computed directly (no recurrences) to keep errors ~1e-12·n. */
#include "nist/nist.h"

#include <math.h>
#include <stdlib.h>

static const double PI = 3.14159265358979323846;

/* In-place radix-2 FFT of length N (a power of two): X_k = Σ x_j e^{∓2πijk/N},
 * sign −1 forward, +1 inverse (unscaled). Decimation in time after a
 * bit-reversal permutation. */
static mc_err fft_pow2(double *re, double *im, size_t N, int sign)
{
    for (size_t i = 1, j = 0; i < N; i++) {
        size_t bit = N >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j |= bit;
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    double *wr = malloc((N / 2 + 1) * sizeof *wr), *wi = malloc((N / 2 + 1) * sizeof *wi);
    if (!wr || !wi) {
        free(wr);
        free(wi);
        return mc_fail(MC_E_NOMEM, "FFT twiddles for N=%zu", N);
    }
    for (size_t k = 0; k < N / 2; k++) {
        wr[k] = cos(2.0 * PI * (double)k / (double)N);
        wi[k] = sign * sin(2.0 * PI * (double)k / (double)N);
    }
    for (size_t len = 2; len <= N; len <<= 1) {
        size_t half = len / 2, step = N / len;
        for (size_t i = 0; i < N; i += len)
            for (size_t k = 0; k < half; k++) {
                double c = wr[k * step], s = wi[k * step];
                size_t a = i + k, b = a + half;
                double tr = re[b] * c - im[b] * s, ti = re[b] * s + im[b] * c;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
    }
    free(wr);
    free(wi);
    return MC_OK;
}

/* Bluestein: with jk = (j² + k² − (k−j)²)/2,
 *   X_k = w_k* · Σ_j (x_j w_j*) · w_{k−j},   w_t = e^{iπt²/n},
 * a linear convolution of a_j = x_j w_j* with the chirp w, done by FFTs of
 * length N ≥ 2n − 1. t² is reduced mod 2n in integers, so the chirp angle is
 * exact even for n = 10^6 (t² ~ 10^12 would lose digits in a double). */
static mc_err dft_bluestein(const double *x, size_t n, double *out_re, double *out_im)
{
    size_t N = 1;
    while (N < 2 * n - 1) N <<= 1;
    double *ar = calloc(N, sizeof *ar), *ai = calloc(N, sizeof *ai);
    double *br = calloc(N, sizeof *br), *bi = calloc(N, sizeof *bi);
    double *cr = malloc(n * sizeof *cr), *ci = malloc(n * sizeof *ci);
    mc_err err = MC_OK;
    if (!ar || !ai || !br || !bi || !cr || !ci) {
        err = mc_fail(MC_E_NOMEM, "Bluestein buffers for n=%zu", n);
        goto done;
    }
    for (size_t t = 0; t < n; t++) {
        uint64_t t2 = (uint64_t)t * t % (2 * (uint64_t)n);
        double ang = PI * (double)t2 / (double)n;
        cr[t] = cos(ang);
        ci[t] = sin(ang);
    }
    for (size_t j = 0; j < n; j++) { /* a_j = x_j · conj(w_j) */
        ar[j] = x[j] * cr[j];
        ai[j] = -x[j] * ci[j];
    }
    br[0] = cr[0];
    bi[0] = ci[0];
    for (size_t t = 1; t < n; t++) { /* w_t for t = −(n−1)..(n−1), wrapped */
        br[t] = br[N - t] = cr[t];
        bi[t] = bi[N - t] = ci[t];
    }
    if ((err = fft_pow2(ar, ai, N, -1)) || (err = fft_pow2(br, bi, N, -1))) goto done;
    for (size_t k = 0; k < N; k++) {
        double r = ar[k] * br[k] - ai[k] * bi[k], i = ar[k] * bi[k] + ai[k] * br[k];
        ar[k] = r;
        ai[k] = i;
    }
    if ((err = fft_pow2(ar, ai, N, +1))) goto done;
    for (size_t k = 0; k < n; k++) { /* X_k = conj(w_k) · conv_k / N */
        double r = ar[k] / (double)N, i = ai[k] / (double)N;
        out_re[k] = r * cr[k] + i * ci[k];
        out_im[k] = i * cr[k] - r * ci[k];
    }
done:
    free(ar); free(ai); free(br); free(bi); free(cr); free(ci);
    return err;
}

mc_err nist_dft_real(const double *x, size_t n, double *re, double *im)
{
    if (n == 0) return mc_fail(MC_E_ARG, "DFT of length 0");
    if ((n & (n - 1)) == 0) {
        for (size_t i = 0; i < n; i++) {
            re[i] = x[i];
            im[i] = 0.0;
        }
        return fft_pow2(re, im, n, -1);
    }
    return dft_bluestein(x, n, re, im);
}

void nist_dft_naive(const double *x, size_t n, double *re, double *im)
{
    for (size_t k = 0; k < n; k++) {
        double sr = 0.0, si = 0.0;
        for (size_t j = 0; j < n; j++) {
            double ang = -2.0 * PI * (double)((uint64_t)j * k % n) / (double)n;
            sr += x[j] * cos(ang);
            si += x[j] * sin(ang);
        }
        re[k] = sr;
        im[k] = si;
    }
}
