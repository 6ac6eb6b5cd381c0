/* §2.6 Discrete Fourier transform (spectral) test: are there too many strong
 * periodic components? Uses the exact n-point DFT of the ±1 sequence (fft.c),
 * never a zero-padded one, since padding changes the peak heights. */
#include "nist/nist_internal.h"

#include <math.h>
#include <stdlib.h>

/* §2.6.4 (rev. 1a): X = 2ε − 1; S = DFT(X); T = √(ln(1/0.05)·n) so that 95 %
 * of |S_k| lie below it; N_0 = 0.95·n/2; N_1 = #{k < n/2 : |S_k| < T};
 * d = (N_1 − N_0)/√(n·0.95·0.05/4); P = erfc(|d|/√2). */
mc_err nist_dft(const nist_seq *s, nist_result *r)
{
    NIST_REQUIRE(s, s->n >= 1000, "DFT: n=%zu < 1000 (§2.6.7)", s->n);
    size_t n = s->n;
    double *x = malloc(n * sizeof *x), *re = malloc(n * sizeof *re), *im = malloc(n * sizeof *im);
    mc_err err = (x && re && im) ? MC_OK : mc_fail(MC_E_NOMEM, "DFT of %zu bits", n);
    if (!err) {
        for (size_t i = 0; i < n; i++) x[i] = 2.0 * s->e[i] - 1.0;
        err = nist_dft_real(x, n, re, im);
    }
    if (!err) {
        double T = sqrt(log(1.0 / 0.05) * (double)n), n1 = 0.0;
        for (size_t k = 0; k < n / 2; k++)
            if (hypot(re[k], im[k]) < T) n1 += 1.0;
        double n0 = 0.95 * (double)n / 2.0;
        nist_result_init(r, 1);
        r->stat[0] = (n1 - n0) / sqrt((double)n * 0.95 * 0.05 / 4.0);
        r->p[0] = erfc(fabs(r->stat[0]) / sqrt(2.0));
        r->aux[0] = n1;
        r->aux[1] = n0;
        r->aux[2] = T;
    }
    free(x);
    free(re);
    free(im);
    return err;
}
