/* `make ct-time-ifma`: a timing check of the AVX-512 IFMA exponentiation (rsa_ifma.c),
 * which valgrind cannot run. The method is dudect's (Reparaz, Balasch, Verbauwhede,
 * "Dude, is my code constant time?", DATE 2017): time many calls on two classes of
 * secret input, drawn in random order so that machine noise falls on both alike, drop
 * the slowest 10% (interrupts), and compare the classes with Welch's t-test; |t| > 10
 * says the time depends on the class. Class 0 is the exponent 2^(k-1) (every window 0
 * but the top one), class 1 fresh random exponents of the same length; moduli and bases
 * are fixed. GMP's mpz_powm (sliding windows, not constant time) is timed the same way
 * and must be caught, which shows that the check can fail. Only gross leaks (work that
 * follows the exponent) are in reach: cache-line effects are far below this noise. */
#include <gmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/rsa_ifma.h"

#if !RSA_IFMA_COMPILED
int main(void)
{
    printf("ct-time-ifma: rsa_ifma.c is not built here: nothing to check\n");
    return 0;
}
#else
#define BITS 1024
#define LIMBS (BITS / 64)
#define SAMPLES 2000
#define T_LEAK 10.0

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e9 * (double)t.tv_sec + (double)t.tv_nsec;
}

typedef struct {
    mpz_t m[2], b[2], e[2][2]; /* e[class][half] */
    gmp_randstate_t rs;
} inputs;

/* A fresh class-1 exponent (random, top bit set) for both halves. */
static void draw_exponents(inputs *in)
{
    for (int h = 0; h < 2; h++) {
        mpz_urandomb(in->e[1][h], in->rs, BITS);
        mpz_setbit(in->e[1][h], BITS - 1);
    }
}

typedef void (*powm_fn)(inputs *in, int cls);

static void run_ifma(inputs *in, int cls)
{
    static mp_limb_t l[8 * LIMBS], tp[4096];
    mp_limb_t *m0 = l, *m1 = l + LIMBS, *b0 = l + 2 * LIMBS, *b1 = l + 3 * LIMBS, *e0 = l + 4 * LIMBS,
              *e1 = l + 5 * LIMBS, *r0 = l + 6 * LIMBS, *r1 = l + 7 * LIMBS;
    memset(l, 0, sizeof l);
    mpz_export(m0, NULL, -1, sizeof *l, 0, 0, in->m[0]);
    mpz_export(m1, NULL, -1, sizeof *l, 0, 0, in->m[1]);
    mpz_export(b0, NULL, -1, sizeof *l, 0, 0, in->b[0]);
    mpz_export(b1, NULL, -1, sizeof *l, 0, 0, in->b[1]);
    mpz_export(e0, NULL, -1, sizeof *l, 0, 0, in->e[cls][0]);
    mpz_export(e1, NULL, -1, sizeof *l, 0, 0, in->e[cls][1]);
    rsa_ifma_powm2(r0, b0, e0, m0, r1, b1, e1, m1, LIMBS, BITS, tp);
}

static void run_mpz_powm(inputs *in, int cls)
{
    mpz_t r;
    mpz_init(r);
    for (int h = 0; h < 2; h++) mpz_powm(r, in->b[h], in->e[cls][h], in->m[h]);
    mpz_clear(r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Welch's t between the classes of the samples below the 90th percentile. The
 * conversions to limbs are inside the timed call for both classes alike. */
static double welch_t(powm_fn f, inputs *in)
{
    static double t[SAMPLES], sorted[SAMPLES];
    static int cls[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
        cls[i] = (int)gmp_urandomb_ui(in->rs, 1);
        draw_exponents(in);
        double t0 = now_ns();
        f(in, cls[i]);
        t[i] = now_ns() - t0;
    }
    memcpy(sorted, t, sizeof t);
    qsort(sorted, SAMPLES, sizeof *sorted, cmp_double);
    double cut = sorted[SAMPLES * 9 / 10];
    double n[2] = {0}, mean[2] = {0}, m2[2] = {0};
    for (int i = 0; i < SAMPLES; i++) {
        if (t[i] > cut) continue;
        int c = cls[i];
        n[c] += 1; /* Welford's running mean and sum of squares */
        double d = t[i] - mean[c];
        mean[c] += d / n[c];
        m2[c] += d * (t[i] - mean[c]);
    }
    if (n[0] < 2 || n[1] < 2) return 0;
    double v0 = m2[0] / (n[0] - 1), v1 = m2[1] / (n[1] - 1);
    printf("    class 0: %.1f us, class 1: %.1f us (means over %.0f and %.0f calls)\n", mean[0] / 1e3,
           mean[1] / 1e3, n[0], n[1]);
    return (mean[0] - mean[1]) / sqrt(v0 / n[0] + v1 / n[1]);
}

int main(void)
{
    if (!rsa_ifma_available()) {
        printf("ct-time-ifma: no AVX-512 IFMA here (or MEDCHAOS_NO_ASM=1): nothing to check\n");
        return 0;
    }
    inputs in;
    gmp_randinit_default(in.rs);
    gmp_randseed_ui(in.rs, (unsigned long)time(NULL));
    for (int h = 0; h < 2; h++) {
        mpz_inits(in.m[h], in.b[h], in.e[0][h], in.e[1][h], NULL);
        mpz_urandomb(in.m[h], in.rs, BITS);
        mpz_setbit(in.m[h], BITS - 1);
        mpz_setbit(in.m[h], 0);
        mpz_urandomm(in.b[h], in.rs, in.m[h]);
        mpz_set_ui(in.e[0][h], 0);
        mpz_setbit(in.e[0][h], BITS - 1);
    }
    printf("ct-time-ifma: %d calls per implementation, %d-bit moduli, class 0 exponent 2^%d, class 1 random\n",
           SAMPLES, BITS, BITS - 1);
    printf("  rsa_ifma_powm2 (must show no difference):\n");
    double t_ifma = welch_t(run_ifma, &in);
    printf("    Welch t = %.2f\n", t_ifma);
    printf("  self-test, mpz_powm (sliding windows, must be caught):\n");
    double t_gmp = welch_t(run_mpz_powm, &in);
    printf("    Welch t = %.2f\n", t_gmp);
    for (int h = 0; h < 2; h++) mpz_clears(in.m[h], in.b[h], in.e[0][h], in.e[1][h], NULL);
    gmp_randclear(in.rs);
    int ok = fabs(t_ifma) < T_LEAK && fabs(t_gmp) >= T_LEAK;
    if (fabs(t_ifma) >= T_LEAK) printf("ct-time-ifma: FAILED, the IFMA exponentiation's time depends on the exponent\n");
    if (fabs(t_gmp) < T_LEAK) printf("ct-time-ifma: FAILED, the self-test did not see mpz_powm's leak (too noisy?)\n");
    if (ok) printf("ct-time-ifma: ok (|t| < %.0f for IFMA, mpz_powm caught)\n", T_LEAK);
    return ok ? 0 : 1;
}
#endif
