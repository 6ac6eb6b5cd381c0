/* The n-point discrete Fourier transform the spectral test (§2.6) needs, for
 * any n: a mixed-radix Cooley–Tukey FFT when n has only prime factors ≤ 64
 * (10^6 = 2^6·5^6), and otherwise Bluestein's chirp-z algorithm, which turns
 * the n-point DFT into a convolution of power-of-two length. Double precision;
 * twiddles are computed directly (no recurrences) to keep errors ~1e-12·n. */
#include "nist/nist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

/* Radices handled directly; a larger prime factor sends n to Bluestein. */
#define FFT_MAX_RADIX 64
#define FFT_MAX_LEVELS 64

/* Smallest radix of n: 4 when possible (fewer passes), else its smallest
 * prime factor; returns n itself when n is prime. */
static size_t fft_radix(size_t n)
{
    if (n % 4 == 0) return 4;
    if (n % 2 == 0) return 2;
    for (size_t p = 3; p * p <= n; p += 2)
        if (n % p == 0) return p;
    return n;
}

/* 1 when every prime factor of n is at most FFT_MAX_RADIX. */
static int fft_is_smooth(size_t n)
{
    for (size_t p = 2; p <= FFT_MAX_RADIX && n > 1; p++)
        while (n % p == 0) n /= p;
    return n == 1;
}

/* One twiddle table per recursion level, each contiguous so that the level's
 * butterflies read it in order: level d has length n_d and holds
 * W_{n_d}^j = e^{sign·2πij/n_d}, from cos/sin of each angle (no recurrences). */
typedef struct {
    int levels;
    size_t n[FFT_MAX_LEVELS], p[FFT_MAX_LEVELS];
    double *c[FFT_MAX_LEVELS], *s[FFT_MAX_LEVELS];
} fft_plan;

static void plan_free(fft_plan *pl)
{
    for (int d = 0; d < pl->levels; d++) {
        free(pl->c[d]);
        free(pl->s[d]);
    }
}

static mc_err plan_init(fft_plan *pl, size_t n, int sign)
{
    memset(pl, 0, sizeof *pl);
    for (int d = 0; n > 1; d++) {
        pl->levels = d + 1;
        pl->n[d] = n;
        pl->p[d] = fft_radix(n);
        pl->c[d] = malloc(n * sizeof(double));
        pl->s[d] = malloc(n * sizeof(double));
        if (!pl->c[d] || !pl->s[d]) {
            plan_free(pl);
            return mc_fail(MC_E_NOMEM, "FFT twiddles for n=%zu", n);
        }
        for (size_t j = 0; j < n; j++) {
            double ang = 2.0 * PI * (double)j / (double)n;
            pl->c[d][j] = cos(ang);
            pl->s[d][j] = sign * sin(ang);
        }
        n /= pl->p[d];
    }
    return MC_OK;
}

/* Mixed-radix Cooley–Tukey, decimation in time, out of place and recursive
 * (so the deep levels run in cache): with n = p·m, the p sub-transforms of
 * the inputs q, q+p, q+2p, ... give Y_q, and
 *   X_{k+sm} = Σ_q (W_n^{qk} Y_q[k]) · W_p^{qs},   W_n = e^{sign·2πi/n}.
 * Reads input at the given stride, writes n contiguous outputs. */
static void fft_rec(const double *ir, const double *ii, size_t stride, double *or_, double *oi,
                    const fft_plan *pl, int d)
{
    size_t n = pl->n[d], p = pl->p[d], m = n / p, pstep = n / p;
    const double *wc = pl->c[d], *ws = pl->s[d];
    if (m > 1)
        for (size_t q = 0; q < p; q++)
            fft_rec(ir + q * stride, ii + q * stride, stride * p, or_ + q * m, oi + q * m, pl, d + 1);
    double tr[FFT_MAX_RADIX], ti[FFT_MAX_RADIX];
    for (size_t k = 0; k < m; k++) {
        if (m == 1) { /* leaves: the inputs themselves */
            for (size_t q = 0; q < p; q++) {
                tr[q] = ir[q * stride];
                ti[q] = ii[q * stride];
            }
        } else {
            for (size_t q = 0; q < p; q++) { /* t_q = W_n^{qk} · Y_q[k] */
                size_t j = q * k;
                double c = wc[j], s = ws[j], yr = or_[q * m + k], yi = oi[q * m + k];
                tr[q] = yr * c - yi * s;
                ti[q] = yr * s + yi * c;
            }
        }
        if (p == 2) {
            or_[k] = tr[0] + tr[1];
            oi[k] = ti[0] + ti[1];
            or_[k + m] = tr[0] - tr[1];
            oi[k + m] = ti[0] - ti[1];
        } else if (p == 4) { /* W_4 = ±i: no multiplications */
            double s = ws[pstep]; /* ±1: the sign of the transform */
            double ar = tr[0] + tr[2], ai = ti[0] + ti[2], br = tr[0] - tr[2], bi = ti[0] - ti[2];
            double cr = tr[1] + tr[3], ci = ti[1] + ti[3], dr = tr[1] - tr[3], di = ti[1] - ti[3];
            or_[k] = ar + cr;              oi[k] = ai + ci;
            or_[k + 2 * m] = ar - cr;      oi[k + 2 * m] = ai - ci;
            or_[k + m] = br - s * di;      oi[k + m] = bi + s * dr;
            or_[k + 3 * m] = br + s * di;  oi[k + 3 * m] = bi - s * dr;
        } else {
            for (size_t sidx = 0; sidx < p; sidx++) { /* small DFT of size p */
                double xr = 0.0, xi = 0.0;
                for (size_t q = 0; q < p; q++) {
                    size_t j = (q * sidx % p) * pstep;
                    xr += tr[q] * wc[j] - ti[q] * ws[j];
                    xi += tr[q] * ws[j] + ti[q] * wc[j];
                }
                or_[k + sidx * m] = xr;
                oi[k + sidx * m] = xi;
            }
        }
    }
}

/* Out-of-place DFT of a smooth length n: X_k = Σ_j x_j e^{sign·2πijk/n}. */
static mc_err fft_smooth(const double *ir, const double *ii, double *or_, double *oi, size_t n, int sign)
{
    if (n == 1) {
        or_[0] = ir[0];
        oi[0] = ii[0];
        return MC_OK;
    }
    fft_plan pl;
    mc_err err = plan_init(&pl, n, sign);
    if (err) return err;
    fft_rec(ir, ii, 1, or_, oi, &pl, 0);
    plan_free(&pl);
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
    double *fr = malloc(N * sizeof *fr), *fi = malloc(N * sizeof *fi);
    double *cr = malloc(n * sizeof *cr), *ci = malloc(n * sizeof *ci);
    mc_err err = MC_OK;
    if (!ar || !ai || !br || !bi || !fr || !fi || !cr || !ci) {
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
    /* A = FFT(a) into f, B = FFT(b) into a, A·B into b, inverse into f. */
    if ((err = fft_smooth(ar, ai, fr, fi, N, -1)) || (err = fft_smooth(br, bi, ar, ai, N, -1))) goto done;
    for (size_t k = 0; k < N; k++) {
        br[k] = fr[k] * ar[k] - fi[k] * ai[k];
        bi[k] = fr[k] * ai[k] + fi[k] * ar[k];
    }
    if ((err = fft_smooth(br, bi, fr, fi, N, +1))) goto done;
    for (size_t k = 0; k < n; k++) { /* X_k = conj(w_k) · conv_k / N */
        double r = fr[k] / (double)N, i = fi[k] / (double)N;
        out_re[k] = r * cr[k] + i * ci[k];
        out_im[k] = i * cr[k] - r * ci[k];
    }
done:
    free(ar); free(ai); free(br); free(bi); free(fr); free(fi); free(cr); free(ci);
    return err;
}

mc_err nist_dft_real(const double *x, size_t n, double *re, double *im)
{
    if (n == 0) return mc_fail(MC_E_ARG, "DFT of length 0");
    if (!fft_is_smooth(n)) return dft_bluestein(x, n, re, im);
    double *zero = calloc(n, sizeof *zero);
    if (!zero) return mc_fail(MC_E_NOMEM, "DFT of length %zu", n);
    mc_err err = fft_smooth(x, zero, re, im, n, -1);
    free(zero);
    return err;
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
