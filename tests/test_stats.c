/* experiments/stats.c: the ideal-cipher expectations against closed forms
 * and a simulation, Holm's procedure on a worked example, the binomial tail
 * against its exact value. These carry every verdict of results/summary.md. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "experiments/stats.h"
#include "util/xoshiro.h"

#define NEAR(a, b, tol, ...) cr_assert(fabs((a) - (b)) <= (tol), __VA_ARGS__)

Test(ideal, constant_and_uniform_images_give_the_known_figures)
{
    img_image z;
    cr_assert_eq(img_new(&z, 64, 64, 1, 8), MC_OK);
    memset(z.data, 0, img_size_bytes(&z));
    stats_ideal id;
    stats_ideal_of(&z, &id);
    /* Against a black image: UACI = E[u]/255 = 50 %, MSE = E[u²] = 255·511/6. */
    NEAR(id.npcr_mu, 100 * 255.0 / 256, 1e-12, "npcr %.12f", id.npcr_mu);
    NEAR(id.uaci_mu, 50.0, 1e-12, "uaci %.12f", id.uaci_mu);
    NEAR(id.mse_mu, 255.0 * 511 / 6, 1e-9, "mse %.9f", id.mse_mu);
    /* sd of the mean of n = 4096 independent u²: √(Var[u²]/n), Var from E[u⁴] = Σu⁴/256. */
    double e4 = 0, e2 = 0;
    for (int u = 0; u < 256; u++) e4 += pow(u, 4) / 256, e2 += (double)u * u / 256;
    NEAR(id.mse_sd, sqrt((e4 - e2 * e2) / 4096), 1e-9, "mse sd %.9f", id.mse_sd);
    /* A plain image with every level equally often: Wu et al. 2011's UACI
     * expectation (L + 2)/(3L)·... = 33.4635 % for 8 bits. */
    for (size_t i = 0; i < img_size_bytes(&z); i++) z.data[i] = (uint8_t)i;
    stats_ideal_of(&z, &id);
    NEAR(id.uaci_mu, 100 * (256.0 * 256 - 1) / (3 * 256.0 * 255), 1e-10, "uaci %.10f", id.uaci_mu);
    NEAR(id.uaci_mu, 33.4635, 5e-5, "uaci %.6f vs Wu's 33.4635", id.uaci_mu);
    img_free(&z);
}

Test(ideal, expectation_matches_a_simulated_uniform_cipher)
{
    /* A 16-bit plain image with a few levels; cipher samples uniform. */
    img_image P;
    cr_assert_eq(img_new(&P, 128, 128, 1, 16), MC_OK);
    uint64_t s = 5;
    for (size_t i = 0; i < 128 * 128; i++) {
        unsigned v = (unsigned)(mc_splitmix64(&s) % 4) * 20000;
        P.data[2 * i] = (uint8_t)(v >> 8), P.data[2 * i + 1] = (uint8_t)v;
    }
    stats_ideal id;
    stats_ideal_of(&P, &id);
    double uaci = 0, mse = 0;
    const int R = 40;
    for (int r = 0; r < R; r++) {
        double su = 0, sm = 0;
        for (size_t i = 0; i < 128 * 128; i++) {
            double p = P.data[2 * i] << 8 | P.data[2 * i + 1], c = (double)(mc_splitmix64(&s) >> 48);
            su += fabs(p - c), sm += (p - c) * (p - c);
        }
        uaci += 100 * su / (128 * 128 * 65535.0) / R, mse += sm / (128 * 128) / R;
    }
    /* The mean of R draws is within 5 of its sd/√R of the expectation. */
    NEAR(uaci, id.uaci_mu, 5 * id.uaci_sd / sqrt(R), "uaci %.6f vs %.6f", uaci, id.uaci_mu);
    NEAR(mse, id.mse_mu, 5 * id.mse_sd / sqrt(R), "mse %.1f vs %.1f", mse, id.mse_mu);
    img_free(&P);
}

Test(holm, worked_example)
{
    /* Sorted .005 .01 .03 .04 against .05/4, .05/3, .05/2, .05/1: the first
     * two are rejected, the third is not, and the procedure stops there. */
    const double p[] = {0.01, 0.04, 0.03, 0.005};
    double min_adj;
    cr_assert_eq(stats_holm_rejections(p, 4, 0.05, &min_adj), 2);
    NEAR(min_adj, 0.02, 1e-15, "min adjusted %g", min_adj);
    NEAR(stats_holm_cut(p, 4, 0.05), 0.01, 0, "largest rejected P-value");
    cr_assert_eq(stats_holm_rejections(p, 4, 0.001, &min_adj), 0);
    cr_assert(stats_holm_cut(p, 4, 0.001) < 0, "nothing rejected");
    cr_assert_eq(stats_holm_rejections(NULL, 0, 0.05, &min_adj), 0);
}

Test(binomial, upper_tail_is_exact)
{
    NEAR(stats_binom_upper(1, 10, 0.1), 1 - pow(0.9, 10), 1e-13, "P(X >= 1)");
    NEAR(stats_binom_upper(10, 10, 0.1), 1e-10, 1e-22, "P(X = 10)");
    NEAR(stats_binom_upper(0, 10, 0.1), 1, 0, "P(X >= 0)");
    /* P(X >= 3 | 12, 0.0975) = 1 − Σ_{j<3} C(12,j) q^j (1−q)^(12−j). */
    double q = 0.0975, below = 0;
    for (int j = 0; j < 3; j++) below += (j == 0 ? 1 : j == 1 ? 12 : 66) * pow(q, j) * pow(1 - q, 12 - j);
    NEAR(stats_binom_upper(3, 12, q), 1 - below, 1e-13, "P(X >= 3)");
    NEAR(stats_two_sided_p(1.959963984540054), 0.05, 1e-12, "two-sided 5 %% point");
}
