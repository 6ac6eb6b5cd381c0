/* metrics: every figure against an independent reference: Wu 2011 critical
 * values as printed, published normal quantiles and chi-square/NIST p-values
 * (vector files under tests/vectors/metrics), closed forms (igamc(1,x) = e^-x,
 * igamc(1/2,x) = erfc(√x)), brute-force enumeration for the local-entropy
 * null law, and small images whose NPCR/UACI/entropy/r were worked by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "metrics/metrics.h"
#include "util/xoshiro.h"

/* ---- helpers ---- */

static FILE *open_vector(const char *name)
{
    const char *src = getenv("MC_SRCDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/vectors/metrics/%s", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    return f;
}

/* Next non-comment line of a vector file, or NULL at the end. */
static char *next_line(FILE *f, char *buf, size_t cap)
{
    while (fgets(buf, (int)cap, f))
        if (buf[0] != '#' && buf[0] != '\n') return buf;
    return NULL;
}

/* An image from a list of sample values (8- or 16-bit). */
static img_image make(uint32_t w, uint32_t h, uint8_t ch, uint8_t depth, const unsigned *v)
{
    img_image im;
    cr_assert_eq(img_new(&im, w, h, ch, depth), MC_OK);
    for (size_t i = 0; i < (size_t)w * h * ch; i++) {
        if (depth == 16) {
            im.data[2 * i] = (uint8_t)(v[i] >> 8);
            im.data[2 * i + 1] = (uint8_t)v[i];
        } else {
            im.data[i] = (uint8_t)v[i];
        }
    }
    return im;
}

static void set8(img_image *im, size_t i, unsigned v) { im->data[i] = (uint8_t)v; }

#define NEAR(got, want, tol, ...) \
    cr_assert(fabs((got) - (want)) <= (tol), __VA_ARGS__)

/* ---- special functions ---- */

Test(special, normal_quantile_matches_published_values)
{
    FILE *f = open_vector("normal_quantiles.txt");
    char line[256];
    int n = 0;
    while (next_line(f, line, sizeof line)) {
        double p, z;
        cr_assert_eq(sscanf(line, "%lf %lf", &p, &z), 2);
        double got = mc_normal_quantile(p);
        NEAR(got, z, 4e-15 * fabs(z) + 1e-16, "Φ^-1(%g) = %.17g, want %.17g", p, got, z);
        n++;
    }
    fclose(f);
    cr_assert_geq(n, 9);
}

Test(special, normal_quantile_inverts_erfc_everywhere)
{
    for (double lp = -300; lp < -0.0001; lp += 0.37) {
        double p = pow(10, lp / 20);
        double z = mc_normal_quantile(p);
        NEAR(mc_normal_cdf(z) / p, 1.0, 1e-13, "p = %g", p);
        /* Upper half: Φ(-z) = 1 - q with q = 1 - p exact in 1 - q. */
        double q = 1 - p, zq = mc_normal_quantile(q);
        NEAR(mc_normal_cdf(-zq) / (1 - q), 1.0, 1e-13, "upper tail at q = 1 - %g", p);
    }
    cr_assert_eq(mc_normal_quantile(0.5), 0.0);
    cr_assert(isinf(mc_normal_quantile(0)) && mc_normal_quantile(0) < 0);
    cr_assert(isnan(mc_normal_quantile(1.5)));
}

Test(special, igamc_matches_published_p_values)
{
    FILE *f = open_vector("igamc.txt");
    char line[512];
    int n = 0;
    while (next_line(f, line, sizeof line)) {
        double a, x, q, tol;
        cr_assert_eq(sscanf(line, "%lf %lf %lf %lf", &a, &x, &q, &tol), 4);
        double got = mc_igamc(a, x);
        NEAR(got, q, tol, "Q(%g, %g) = %.9f, want %.9f (%s)", a, x, got, q, line);
        n++;
    }
    fclose(f);
    cr_assert_geq(n, 6);
}

Test(special, igamc_matches_closed_forms)
{
    const double xs[] = {1e-6, 0.01, 0.3, 1, 2.5, 7, 20, 60, 300};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        NEAR(mc_igamc(1, x) / exp(-x), 1.0, 1e-13, "Q(1,%g)", x);
        NEAR(mc_igamc(0.5, x) / erfc(sqrt(x)), 1.0, 1e-12, "Q(1/2,%g)", x);
        /* Integer a: Q(a, x) = e^-x Σ_{k<a} x^k / k! (Poisson tail). */
        for (int a = 2; a <= 40; a += 3) {
            double term = 1, sum = 0;
            for (int k = 0; k < a; k++) {
                sum += term;
                term *= x / (k + 1);
            }
            double want = exp(-x) * sum;
            if (want < 1e-280) continue;
            NEAR(mc_igamc(a, x) / want, 1.0, 1e-12, "Q(%d,%g) = %.17g, want %.17g", a, x,
                 mc_igamc(a, x), want);
            NEAR(mc_igam(a, x) + mc_igamc(a, x), 1.0, 1e-14, "P + Q at (%d,%g)", a, x);
        }
    }
    cr_assert_eq(mc_igamc(3, 0), 1.0);
    cr_assert(isnan(mc_igamc(-1, 2)) && isnan(mc_igamc(1, -2)));
}

/* The chi-square median for k = 65535 degrees of freedom (a 16-bit histogram)
 * by Wilson-Hilferty, k (1 - 2/(9k))^3, whose error at this k is far below
 * the tolerance: the large-a branch must land on 1/2. */
Test(special, igamc_large_dof_median)
{
    double k = 65535, med = k * pow(1 - 2 / (9 * k), 3);
    NEAR(mc_igamc(k / 2, med / 2), 0.5, 1e-5, "Q = %.9f", mc_igamc(k / 2, med / 2));
}

/* ---- generator ---- */

Test(rng, splitmix_seeding_matches_reference_outputs)
{
    /* splitmix64 from state 0 (Steele, Lea, Flood; Vigna's splitmix64.c)
     * outputs e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f, ... */
    metric_rng r;
    metric_rng_seed(&r, 0);
    cr_assert_eq(r.s[0], 0xE220A8397B1DCDAFu);
    cr_assert_eq(r.s[1], 0x6E789E6AA1B965F4u);
    cr_assert_eq(r.s[2], 0x06C45D188009454Fu);
}

Test(rng, below_is_in_range_and_uniform)
{
    metric_rng r;
    metric_rng_seed(&r, 42);
    uint64_t count[10] = {0};
    const int n = 100000;
    for (int i = 0; i < n; i++) {
        uint64_t v = metric_rng_below(&r, 10);
        cr_assert_lt(v, 10);
        count[v]++;
    }
    double x2 = 0;
    for (int i = 0; i < 10; i++) x2 += (count[i] - n / 10.0) * (count[i] - n / 10.0) / (n / 10.0);
    cr_assert_gt(mc_igamc(4.5, x2 / 2), 1e-4, "chi2 = %g", x2);
}

/* ---- NPCR / UACI ---- */

Test(npcr_uaci, wu_critical_values_reproduce_published_table)
{
    FILE *f = open_vector("wu2011_critical.txt");
    char line[512];
    int rows = 0;
    while (next_line(f, line, sizeof line)) {
        unsigned w, h;
        double t[9];
        cr_assert_eq(sscanf(line, "%u %u %lf %lf %lf %lf %lf %lf %lf %lf %lf", &w, &h, &t[0], &t[1], &t[2],
                            &t[3], &t[4], &t[5], &t[6], &t[7], &t[8]), 11);
        metric_wu_critical c;
        cr_assert_eq(metric_wu_critical_values((uint64_t)w * h, 8, &c), MC_OK);
        const double tol = 0.00005 + 1e-9; /* printed to 4 decimals */
        for (int a = 0; a < 3; a++) {
            NEAR(c.npcr_min[a], t[a], tol, "%ux%u N* alpha %d: %.6f vs %.4f", w, h, a, c.npcr_min[a], t[a]);
            NEAR(c.uaci_lo[a], t[3 + 2 * a], tol, "%ux%u U-: %.6f vs %.4f", w, h, c.uaci_lo[a], t[3 + 2 * a]);
            NEAR(c.uaci_hi[a], t[4 + 2 * a], tol, "%ux%u U+: %.6f vs %.4f", w, h, c.uaci_hi[a], t[4 + 2 * a]);
        }
        /* Wu 2011 expected values for 8-bit: 99.6094 % and 33.4635 %. */
        NEAR(c.npcr_mean, 99.6094, 0.00005, "mu_N");
        NEAR(c.uaci_mean, 33.4635, 0.00005, "mu_U");
        rows++;
    }
    fclose(f);
    cr_assert_eq(rows, 4);
}

Test(npcr_uaci, verdict_follows_the_critical_values)
{
    metric_wu_critical c;
    cr_assert_eq(metric_wu_critical_values(256 * 256, 8, &c), MC_OK);
    metric_wu_verdict v;
    metric_wu_verdict_of(&c, 99.55, 33.4635, &v); /* between N*.01 and N*.001 */
    cr_assert(!v.npcr_pass[0] && !v.npcr_pass[1] && v.npcr_pass[2]);
    cr_assert(v.uaci_pass[0] && v.uaci_pass[1] && v.uaci_pass[2]);
    metric_wu_verdict_of(&c, 99.9, 39.4, &v); /* the paper's UACI */
    cr_assert(v.npcr_pass[0] && !v.uaci_pass[0] && !v.uaci_pass[1] && !v.uaci_pass[2]);
}

Test(npcr_uaci, hand_computed_2x2)
{
    /* Two of four samples differ; |d| = 10 and 255: UACI = 265/(255·4). */
    img_image a = make(2, 2, 1, 8, (unsigned[]){0, 10, 20, 255});
    img_image b = make(2, 2, 1, 8, (unsigned[]){0, 20, 20, 0});
    metric_diff d;
    cr_assert_eq(metric_npcr_uaci(&a, &b, &d), MC_OK);
    NEAR(d.npcr.ch[0], 50.0, 1e-12, "npcr");
    NEAR(d.uaci.ch[0], 100.0 * 265 / 1020, 1e-12, "uaci");
    NEAR(d.npcr.all, 50.0, 1e-12, "npcr all");
    cr_assert(isnan(d.npcr.ch[1]));
    img_free(&a), img_free(&b);
}

Test(npcr_uaci, rgb_per_channel_and_16_bit_scale)
{
    /* 1×2 RGB: R differs in both pixels by 255, G in one by 51, B never. */
    img_image a = make(2, 1, 3, 8, (unsigned[]){0, 7, 9, 255, 100, 9});
    img_image b = make(2, 1, 3, 8, (unsigned[]){255, 7, 9, 0, 49, 9});
    metric_diff d;
    cr_assert_eq(metric_npcr_uaci(&a, &b, &d), MC_OK);
    NEAR(d.npcr.ch[0], 100.0, 1e-12, "R");
    NEAR(d.npcr.ch[1], 50.0, 1e-12, "G");
    NEAR(d.npcr.ch[2], 0.0, 1e-12, "B");
    NEAR(d.npcr.all, 50.0, 1e-12, "all: 3 of 6 samples");
    NEAR(d.uaci.ch[1], 10.0, 1e-12, "G: 51/(255·2)");
    NEAR(d.uaci.all, 100.0 * 561 / (255 * 6), 1e-12, "all");
    img_free(&a), img_free(&b);
    /* 16-bit: UACI normalised by 65535. */
    a = make(2, 1, 1, 16, (unsigned[]){0, 65535});
    b = make(2, 1, 1, 16, (unsigned[]){65535, 65535});
    cr_assert_eq(metric_npcr_uaci(&a, &b, &d), MC_OK);
    NEAR(d.npcr.all, 50.0, 1e-12, "npcr16");
    NEAR(d.uaci.all, 50.0, 1e-12, "uaci16");
    img_free(&a), img_free(&b);
}

Test(npcr_uaci, mismatched_geometry_is_refused)
{
    img_image a, b;
    cr_assert_eq(img_new(&a, 4, 4, 1, 8), MC_OK);
    cr_assert_eq(img_new(&b, 4, 5, 1, 8), MC_OK);
    metric_diff d;
    metric_fidelity f;
    cr_assert_eq(metric_npcr_uaci(&a, &b, &d), MC_E_MISMATCH);
    cr_assert_eq(metric_mse_psnr(&a, &b, &f), MC_E_MISMATCH);
    img_free(&b);
    cr_assert_eq(img_new(&b, 4, 4, 1, 16), MC_OK);
    cr_assert_eq(metric_npcr_uaci(&a, &b, &d), MC_E_MISMATCH);
    img_free(&a), img_free(&b);
}

/* ---- MSE / PSNR ---- */

Test(fidelity, identical_images_give_zero_and_infinity)
{
    img_image a = make(2, 2, 1, 8, (unsigned[]){1, 2, 3, 4});
    metric_fidelity f;
    cr_assert_eq(metric_mse_psnr(&a, &a, &f), MC_OK);
    cr_assert_eq(f.mse.all, 0.0);
    cr_assert(isinf(f.psnr.all) && f.psnr.all > 0);
    img_free(&a);
}

Test(fidelity, hand_computed_values)
{
    /* Black vs white: MSE = 255², PSNR = 0 dB. */
    img_image a = make(2, 2, 1, 8, (unsigned[]){0, 0, 0, 0});
    img_image b = make(2, 2, 1, 8, (unsigned[]){255, 255, 255, 255});
    metric_fidelity f;
    cr_assert_eq(metric_mse_psnr(&a, &b, &f), MC_OK);
    NEAR(f.mse.all, 65025.0, 0, "mse");
    NEAR(f.psnr.all, 0.0, 1e-12, "psnr");
    /* One sample off by 20 of four: MSE 100, PSNR = 20 log10(255/10) = 28.1308... */
    set8(&b, 0, 20), set8(&b, 1, 0), set8(&b, 2, 0), set8(&b, 3, 0);
    cr_assert_eq(metric_mse_psnr(&a, &b, &f), MC_OK);
    NEAR(f.mse.all, 100.0, 0, "mse");
    NEAR(f.psnr.all, 28.130803608679103, 1e-12, "psnr %.15f", f.psnr.all);
    img_free(&a), img_free(&b);
}

/* ---- entropy and chi-square ---- */

Test(entropy, hand_computed_values)
{
    metric_entropy_result r;
    img_image a = make(2, 2, 1, 8, (unsigned[]){0, 1, 2, 3}); /* 4 equiprobable: 2 bits */
    cr_assert_eq(metric_entropy(&a, &r), MC_OK);
    NEAR(r.bits.ch[0], 2.0, 1e-15, "2 bits");
    img_free(&a);
    a = make(2, 2, 1, 8, (unsigned[]){7, 7, 9, 9});
    cr_assert_eq(metric_entropy(&a, &r), MC_OK);
    NEAR(r.bits.all, 1.0, 1e-15, "1 bit");
    img_free(&a);
    a = make(2, 2, 1, 8, (unsigned[]){5, 5, 5, 5});
    cr_assert_eq(metric_entropy(&a, &r), MC_OK);
    cr_assert_eq(r.bits.all, 0.0);
    img_free(&a);
    /* (1/2, 1/4, 1/4): 1.5 bits. */
    a = make(4, 1, 1, 8, (unsigned[]){1, 1, 2, 3});
    cr_assert_eq(metric_entropy(&a, &r), MC_OK);
    NEAR(r.bits.all, 1.5, 1e-15, "1.5 bits");
    img_free(&a);
}

Test(entropy, every_level_once_gives_the_maximum)
{
    img_image a;
    cr_assert_eq(img_new(&a, 256, 1, 1, 8), MC_OK);
    for (int i = 0; i < 256; i++) set8(&a, (size_t)i, (unsigned)i);
    metric_entropy_result r;
    cr_assert_eq(metric_entropy(&a, &r), MC_OK);
    NEAR(r.bits.all, 8.0, 1e-13, "8 bits");
    metric_chi2_result c;
    cr_assert_eq(metric_chi_square(&a, &c), MC_OK);
    cr_assert_eq(c.dof, 255);
    NEAR(c.chi2.all, 0.0, 1e-12, "flat histogram");
    NEAR(c.p.all, 1.0, 1e-12, "p");
    img_free(&a);
    /* 16-bit: 65536 distinct samples; the bytes are flat too. */
    cr_assert_eq(img_new(&a, 256, 256, 1, 16), MC_OK);
    for (size_t i = 0; i < 65536; i++) a.data[2 * i] = (uint8_t)(i >> 8), a.data[2 * i + 1] = (uint8_t)i;
    cr_assert_eq(metric_entropy(&a, &r), MC_OK);
    cr_assert_eq(r.levels, 65536);
    NEAR(r.bits.all, 16.0, 1e-12, "16 bits");
    NEAR(r.bytes, 8.0, 1e-13, "8 bits per byte");
    img_free(&a);
}

Test(entropy, chi_square_of_a_constant_image)
{
    /* n = 256 samples all 0: (256-1)²/1 + 255·(0-1)²/1 = 65280, p ~ 0. */
    img_image a;
    cr_assert_eq(img_new(&a, 16, 16, 1, 8), MC_OK);
    metric_chi2_result c;
    cr_assert_eq(metric_chi_square(&a, &c), MC_OK);
    NEAR(c.chi2.ch[0], 65280.0, 1e-9, "chi2");
    cr_assert_lt(c.p.ch[0], 1e-300);
    uint64_t hist[256];
    cr_assert_eq(metric_histogram(&a, 0, hist), MC_OK);
    cr_assert_eq(hist[0], 256);
    cr_assert_eq(metric_histogram(&a, 1, hist), MC_E_ARG);
    img_free(&a);
}

/* ---- local entropy ---- */

/* Mean and deviation of the entropy of T uniform samples over L levels by
 * enumerating all L^T sequences: independent of the multinomial formula. */
static void brute_force_stats(unsigned T, unsigned L, double *mu, double *sigma)
{
    unsigned long total = 1;
    for (unsigned i = 0; i < T; i++) total *= L;
    double s = 0, s2 = 0;
    for (unsigned long code = 0; code < total; code++) {
        unsigned count[16] = {0};
        unsigned long c = code;
        for (unsigned i = 0; i < T; i++, c /= L) count[c % L]++;
        double h = 0;
        for (unsigned l = 0; l < L; l++)
            if (count[l]) h -= (double)count[l] / T * log2((double)count[l] / T);
        s += h;
        s2 += h * h;
    }
    *mu = s / total;
    *sigma = sqrt(s2 / total - *mu * *mu);
}

Test(local_entropy, null_law_matches_enumeration)
{
    const unsigned cases[][2] = {{4, 3}, {5, 2}, {3, 5}, {6, 4}, {8, 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double mu, sigma, bmu, bsigma;
        cr_assert_eq(metric_local_entropy_stats(cases[i][0], cases[i][1], &mu, &sigma), MC_OK);
        brute_force_stats(cases[i][0], cases[i][1], &bmu, &bsigma);
        NEAR(mu, bmu, 1e-13, "T=%u L=%u mu %.15f vs %.15f", cases[i][0], cases[i][1], mu, bmu);
        NEAR(sigma, bsigma, 1e-12, "T=%u L=%u sigma %.15f vs %.15f", cases[i][0], cases[i][1], sigma, bsigma);
    }
}

Test(local_entropy, mean_reproduces_wu_2013_centre)
{
    /* Wu et al. 2013 print, for k = 30, T_B = 1936, intervals whose common
     * centre is 7.902469317 at every α: the exact null mean. */
    double mu, sigma;
    cr_assert_eq(metric_local_entropy_stats(1936, 256, &mu, &sigma), MC_OK);
    NEAR(mu, 7.902469317, 5e-10, "mu = %.10f", mu);
    const double lo[3] = {7.901901305, 7.901722822, 7.901515698};   /* α = 0.05, 0.01, 0.001 */
    const double hi[3] = {7.903037329, 7.903215812, 7.903422936};
    for (int a = 0; a < 3; a++) NEAR((lo[a] + hi[a]) / 2, mu, 1e-9, "centre at alpha %d", a);
    /* Deviation of one block; a Monte Carlo of 20000 blocks gives 0.00871. */
    NEAR(sigma, 0.008694, 2e-5, "sigma = %.8f", sigma);
}

/* What `medchaos analyze` prints as "Wu 2013 table" is the paper's table
 * (Wu et al. 2013, k = 30, T_B = 1936), α by α, and its intervals cover the
 * mean of 30 uniform blocks with probability 2Φ(h) − 1 ≈ 28, 36, 45 %, where
 * h is the half-width in units of σ/√30: far from 95, 99, 99.9 %. */
Test(local_entropy, wu_2013_table_is_the_published_one_and_covers_less_than_stated)
{
    const double lo[3] = {7.901901305, 7.901722822, 7.901515698};
    const double hi[3] = {7.903037329, 7.903215812, 7.903422936};
    const double coverage[3] = {0.28, 0.36, 0.45};
    img_image im;
    cr_assert_eq(img_new(&im, 512, 512, 1, 8), MC_OK);
    uint64_t s = 99;
    for (size_t i = 0; i < img_size_bytes(&im); i++) im.data[i] = (uint8_t)(mc_splitmix64(&s) >> 56);
    metric_local_entropy_result r;
    cr_assert_eq(metric_local_entropy(&im, 30, 44, 1, &r), MC_OK);
    cr_assert(r.has_published);
    for (int a = 0; a < METRIC_N_ALPHA; a++) {
        NEAR(r.published_lo[a], lo[a], 1e-12, "alpha %g: lo %.9f", metric_alpha[a], r.published_lo[a]);
        NEAR(r.published_hi[a], hi[a], 1e-12, "alpha %g: hi %.9f", metric_alpha[a], r.published_hi[a]);
        double h = (hi[a] - lo[a]) / 2 / (r.sigma / sqrt(30.0));
        NEAR(erf(h / sqrt(2.0)), coverage[a], 0.01, "alpha %g: coverage %.3f", metric_alpha[a], erf(h / sqrt(2.0)));
        /* The exact interval is wider: it has the stated significance. */
        cr_assert(r.lo[a] < lo[a] && r.hi[a] > hi[a]);
    }
    img_free(&im);
}

Test(local_entropy, blocks_of_known_content)
{
    /* 264×220 holds exactly 6×5 = 30 tiles of 44×44, so every seed picks them
     * all. Each tile counts 0..255 cyclically: 1936 = 7·256 + 144, so 144
     * levels appear 8 times and 112 levels 7 times. */
    img_image a;
    cr_assert_eq(img_new(&a, 264, 220, 1, 8), MC_OK);
    for (size_t y = 0; y < 220; y++)
        for (size_t x = 0; x < 264; x++) set8(&a, y * 264 + x, (unsigned)(((y % 44) * 44 + x % 44) % 256));
    double want = -144 * (8.0 / 1936) * log2(8.0 / 1936) - 112 * (7.0 / 1936) * log2(7.0 / 1936);
    metric_local_entropy_result r;
    for (uint64_t seed = 1; seed < 4; seed++) {
        cr_assert_eq(metric_local_entropy(&a, 30, 44, seed, &r), MC_OK);
        NEAR(r.mean.ch[0], want, 1e-12, "mean %.12f want %.12f", r.mean.ch[0], want);
    }
    cr_assert(r.has_published);
    /* 7.9993 lies above every interval: too regular to be random. */
    cr_assert(!r.pass[0][0] && !r.pass[0][2] && !r.pass_published[0][2]);
    NEAR(r.published_lo[0], 7.901901305, 0, "published table, alpha = 0.05");
    cr_assert(r.lo[0] < r.mu && r.mu < r.hi[0]);
    img_free(&a);
}

Test(local_entropy, refuses_small_and_16_bit_images)
{
    img_image a;
    metric_local_entropy_result r;
    cr_assert_eq(img_new(&a, 256, 256, 1, 8), MC_OK); /* 5×5 = 25 tiles < 30 */
    cr_assert_eq(metric_local_entropy(&a, 30, 44, 1, &r), MC_E_ARG);
    img_free(&a);
    cr_assert_eq(img_new(&a, 300, 300, 1, 16), MC_OK);
    cr_assert_eq(metric_local_entropy(&a, 30, 44, 1, &r), MC_E_UNSUPPORTED);
    img_free(&a);
}

/* ---- correlation ---- */

Test(correlation, hand_computed_pairs)
{
    /* [1 3 2 4]: horizontal pairs (1,3) (3,2) (2,4): cov -1/3, var 2/3 each: r = -1/2. */
    img_image a = make(4, 1, 1, 8, (unsigned[]){1, 3, 2, 4});
    metric_correlation_result r;
    cr_assert_eq(metric_correlation(&a, 100, 1, &r), MC_OK);
    NEAR(r.all[0][METRIC_HORIZONTAL], -0.5, 1e-14, "r = %.17g", r.all[0][METRIC_HORIZONTAL]);
    cr_assert(isnan(r.all[0][METRIC_VERTICAL]), "no vertical pairs in one row");
    img_free(&a);
    /* Checkerboard 0/255: horizontal and vertical r = -1; diagonal pairs are
     * (0,0) and (255,255) alternately: r = +1. */
    a = make(3, 3, 1, 8, (unsigned[]){0, 255, 0, 255, 0, 255, 0, 255, 0});
    cr_assert_eq(metric_correlation(&a, 100, 1, &r), MC_OK);
    NEAR(r.all[0][METRIC_HORIZONTAL], -1.0, 1e-14, "h");
    NEAR(r.all[0][METRIC_VERTICAL], -1.0, 1e-14, "v");
    NEAR(r.all[0][METRIC_DIAGONAL], 1.0, 1e-14, "d");
    img_free(&a);
}

Test(correlation, linear_ramp_is_perfectly_correlated_in_samples_too)
{
    /* v = 2x + 3y (8-bit, 40×30): every neighbour is v plus a constant. */
    img_image a;
    cr_assert_eq(img_new(&a, 40, 30, 2, 8), MC_OK);
    for (size_t y = 0; y < 30; y++)
        for (size_t x = 0; x < 40; x++) {
            set8(&a, (y * 40 + x) * 2, (unsigned)(2 * x + 3 * y));
            set8(&a, (y * 40 + x) * 2 + 1, (unsigned)(250 - x - y)); /* falls: still r = 1 */
        }
    metric_correlation_result r;
    cr_assert_eq(metric_correlation(&a, 3000, 7, &r), MC_OK);
    for (int c = 0; c < 2; c++)
        for (int d = 0; d < METRIC_N_DIR; d++) {
            NEAR(r.all[c][d], 1.0, 1e-12, "all c%d d%d: %.17g", c, d, r.all[c][d]);
            NEAR(r.sampled[c][d], 1.0, 1e-12, "sampled c%d d%d", c, d);
        }
    cr_assert(isnan(r.all[2][0]));
    img_free(&a);
}

Test(correlation, sampling_is_reproducible_from_the_seed)
{
    img_image a;
    cr_assert_eq(img_new(&a, 64, 64, 1, 8), MC_OK);
    metric_rng g;
    metric_rng_seed(&g, 99);
    for (size_t i = 0; i < 64 * 64; i++) set8(&a, i, (unsigned)(metric_rng_next(&g) >> 56));
    metric_correlation_result r1, r2, r3;
    cr_assert_eq(metric_correlation(&a, 3000, 5, &r1), MC_OK);
    cr_assert_eq(metric_correlation(&a, 3000, 5, &r2), MC_OK);
    cr_assert_eq(metric_correlation(&a, 3000, 6, &r3), MC_OK);
    cr_assert_eq(memcmp(r1.sampled, r2.sampled, sizeof r1.sampled), 0);
    cr_assert_neq(r1.sampled[0][0], r3.sampled[0][0]);
    /* Noise: |r| within a few 1/√n of 0 (n = 4032 pairs: 5σ = 0.08). */
    cr_assert_lt(fabs(r1.all[0][0]), 0.08);
    img_free(&a);
}

/* ---- key space ---- */

Test(keyspace, paper_count_for_128_square)
{
    /* Paper: 128×128 gives 2^133120 = 2^((128 + 128 + 128·128)·8). */
    cr_assert_eq(metric_key_space_bits(128, 128, 1, 8), 133120u);
    cr_assert_eq(metric_key_space_bits(3, 2, 3, 8), (2u + 3u + 18u) * 8u);
    NEAR(metric_permutation_bits(3, 2), log2(12.0), 1e-12, "log2(3!·2!)");
}

Test(keyspace, sixteen_bit_stream_counts_two_bytes_per_sample)
{
    /* The paper's count is one byte per key element; a 16-bit image's XOR
     * stream has two bytes per sample (docs/CIPHER.md): (H + W + 2·H·W·C)·8. */
    cr_assert_eq(metric_key_space_bits(128, 128, 1, 16), (128u + 128u + 2u * 128u * 128u) * 8u);
    cr_assert_eq(metric_key_space_bits(3, 2, 3, 16), (2u + 3u + 36u) * 8u);
    /* 16 bits per sample: the stream part is exactly twice the 8-bit one. */
    cr_assert_eq(metric_key_space_bits(640, 480, 1, 16) - metric_key_space_bits(640, 480, 1, 8), 640u * 480u * 8u);
}

/* ---- medchaos analyze ---- */

#include <sys/wait.h>
#include <unistd.h>

#include "image/io.h"

static char cli_dir[64];

/* Two 300×300 8-bit images (plain: a ramp; cipher: seeded noise) and a
 * 300×299 one, written with our PNG writer into a fresh directory. */
static void cli_images(void)
{
    snprintf(cli_dir, sizeof cli_dir, "/tmp/mc_analyze_XXXXXX");
    cr_assert_not_null(mkdtemp(cli_dir));
    img_image p, c, s;
    cr_assert_eq(img_new(&p, 300, 300, 1, 8), MC_OK);
    cr_assert_eq(img_new(&c, 300, 300, 1, 8), MC_OK);
    cr_assert_eq(img_new(&s, 300, 299, 1, 8), MC_OK);
    metric_rng g;
    metric_rng_seed(&g, 5);
    for (size_t i = 0; i < 300 * 300; i++) {
        set8(&p, i, (unsigned)((i % 300 + i / 300) / 3));
        set8(&c, i, (unsigned)(metric_rng_next(&g) >> 56));
    }
    const char *names[3] = {"plain.png", "cipher.png", "small.png"};
    img_image *ims[3] = {&p, &c, &s};
    for (int i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", cli_dir, names[i]);
        cr_assert_eq(img_write_png(path, ims[i], 0), MC_OK);
        img_free(ims[i]);
    }
}

/* Run medchaos analyze with args (shell words); stdout to out.txt, stderr
 * to err.txt in cli_dir. Returns the exit status. */
static int run_analyze(const char *args)
{
    const char *build = getenv("MC_BUILDDIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/medchaos' analyze %s > out.txt 2> err.txt", cli_dir,
             build ? build : ".", args);
    int st = system(cmd);
    cr_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static char *cli_output(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", cli_dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void cli_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cli_dir);
    cr_assert_eq(system(cmd), 0);
}

/* Braces and brackets balance outside strings; no bare nan/inf token. */
static int json_looks_valid(const char *s)
{
    int depth = 0, in_str = 0;
    while (*s == ' ' || *s == '\n') s++;
    if (*s != '{') return 0;
    for (const char *p = s; *p; p++) {
        if (in_str) {
            if (*p == '\\') p++;
            else if (*p == '"') in_str = 0;
            continue;
        }
        if (*p == '"') in_str = 1;
        else if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') {
            if (--depth < 0) return 0;
        } else if (!strncmp(p, "nan", 3) || !strncmp(p, "inf", 3)) return 0;
    }
    return depth == 0 && !in_str;
}

Test(analyze_cli, table_and_json_for_a_pair)
{
    cli_images();
    cr_assert_eq(run_analyze("plain.png cipher.png"), 0, "%s", cli_output("err.txt"));
    char *out = cli_output("out.txt");
    cr_assert_not_null(strstr(out, "NPCR"));
    cr_assert_not_null(strstr(out, "local entropy"));
    cr_assert_eq(run_analyze("--json --seed 7 plain.png cipher.png"), 0);
    out = cli_output("out.txt");
    cr_assert(json_looks_valid(out), "not JSON:\n%s", out);
    cr_assert_not_null(strstr(out, "\"seed\": 7"));
    if (access("/usr/bin/python3", X_OK) == 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -m json.tool '%s/out.txt' > /dev/null", cli_dir);
        cr_assert_eq(system(cmd), 0, "python's json.tool rejects the output");
    } else {
        cr_log_warn("/usr/bin/python3 absent: JSON checked structurally only");
    }
    cli_cleanup();
}

Test(analyze_cli, identical_images_print_infinite_psnr)
{
    cli_images();
    cr_assert_eq(run_analyze("plain.png plain.png"), 0);
    char *out = cli_output("out.txt");
    cr_assert_not_null(strstr(out, "PSNR plain vs cipher (dB)    inf"), "%s", out);
    cr_assert_eq(run_analyze("--json plain.png plain.png"), 0);
    out = cli_output("out.txt");
    cr_assert_not_null(strstr(out, "\"psnr\": {\"all\": \"inf\""), "%s", out);
    cr_assert(json_looks_valid(out));
    cli_cleanup();
}

Test(analyze_cli, errors_are_one_line_with_exit_codes)
{
    cli_images();
    /* cli_exit_code: error value + 1. */
    cr_assert_eq(run_analyze("plain.png missing.png"), MC_E_IO + 1);
    char *err = cli_output("err.txt");
    cr_assert_not_null(strstr(err, "missing.png"));
    cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: %s", err);
    cr_assert_eq(run_analyze("plain.png small.png"), MC_E_MISMATCH + 1);
    cr_assert_eq(run_analyze("plain.png"), 2);
    cr_assert_eq(run_analyze("--seed x plain.png cipher.png"), 2);
    cr_assert_eq(run_analyze("--bogus plain.png cipher.png"), 2);
    cr_assert_eq(run_analyze("--help"), 0);
    cli_cleanup();
}
