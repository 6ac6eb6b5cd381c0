/* Metric validation (issue "reproduce the paper", make check part): the four
 * variants, with tiny (untrained, seeded) key networks, on two modalities at
 * 256×256 and at an odd size, must meet the paper's figures. Each threshold
 * says where it comes from. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/io.h"
#include "keynet/train.h"
#include "metrics/metrics.h"
#include "pipeline/hardened.h"
#include "pipeline/pipeline.h"

static char dir[64];
static keynet nets[4];
static const struct { chaos_map map; nn_arch arch; } variants[4] = {
    {CHAOS_LOGISTIC, NN_RESNET18}, {CHAOS_LOGISTIC, NN_MOBILENETV2},
    {CHAOS_LORENZ, NN_RESNET18},   {CHAOS_LORENZ, NN_MOBILENETV2}};

static void setup(void)
{
    strcpy(dir, "/tmp/mc_valid_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    for (int v = 0; v < 4; v++) {
        nn_model *m;
        char p[128];
        cr_assert_eq(nn_model_new(&m, variants[v].arch, keynet_outputs(variants[v].map), 100 + v), MC_OK);
        snprintf(p, sizeof p, "%s/v%d.safetensors", dir, v);
        cr_assert_eq(keynet_save(m, variants[v].map, KEYNET_TEACHER_HASH, 32, 0, p, 0), MC_OK);
        nn_model_free(m);
        cr_assert_eq(keynet_load(&nets[v], p), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    }
}

static void teardown(void)
{
    for (int v = 0; v < 4; v++) keynet_free(&nets[v]);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(validation, .init = setup, .fini = teardown, .timeout = 300);

static void load(const char *rel, img_image *im, meta_record *m)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/data/prepared/%s", getenv("MC_SRCDIR"), rel);
    cr_assert_eq(img_read(p, im), MC_OK, "%s", p);
    cr_assert_eq(meta_read(p, m), MC_OK, "%s", p);
}

static void encrypt(const img_image *P, int v, const meta_record *m, cipher_variant var, img_image *C, img_image *D)
{
    chaos_params p;
    cr_assert_eq(keynet_params(&nets[v], m, &p), MC_OK);
    if (var == VARIANT_HARDENED) cr_assert_eq(hardened_params(&p, P, &p), MC_OK);
    keymat k;
    cr_assert_eq(keymat_derive_walk(&k, &p, P->height, P->width, img_size_bytes(P) * (var ? 2 : 1)), MC_OK);
    cr_assert_eq(pipe_apply(P, &k, var, 0, C), MC_OK);
    if (D) cr_assert_eq(pipe_apply(C, &k, var, 1, D), MC_OK);
    keymat_free(&k);
}

static const char *const images[] = {"timing/mri_colin27_256.png", "timing/fundus_12h_256.png",
                                     "paper/mri_colin27_339x509.png", "paper/fundus_12h_702x701.png"};

Test(validation, paper_figures_for_all_four_variants)
{
    for (size_t i = 0; i < sizeof images / sizeof *images; i++) {
        img_image P;
        meta_record m;
        load(images[i], &P, &m);
        for (int v = 0; v < 4; v++) {
            img_image C, D;
            encrypt(&P, v, &m, VARIANT_PAPER, &C, &D);
            metric_fidelity fd;
            metric_entropy_result ec;
            metric_diff pc;
            metric_correlation_result cc;
            cr_assert_eq(metric_mse_psnr(&P, &D, &fd), MC_OK);
            cr_assert_eq(metric_entropy(&C, &ec), MC_OK);
            cr_assert_eq(metric_npcr_uaci(&P, &C, &pc), MC_OK);
            cr_assert_eq(metric_correlation(&C, 3000, 1, &cc), MC_OK);
            /* Paper, "MSE between original and decrypted: 0 (perfect reconstruction)". */
            cr_assert_eq(fd.mse.all, 0.0, "%s variant %d: decryption not exact", images[i], v);
            cr_assert(isinf(fd.psnr.all));
            /* Paper, entropy "7.9995 to 8.0000 bits"; 7.99 leaves room for small images. */
            cr_assert_geq(ec.bits.all, 7.99, "%s variant %d: entropy %.4f", images[i], v, ec.bits.all);
            /* Paper, NPCR "99.62 % on average"; Wu et al. 2011: ideal 99.61 %. */
            cr_assert_geq(pc.npcr.all, 99.5, "%s variant %d: NPCR %.4f", images[i], v, pc.npcr.all);
            /* Paper, correlation "between -0.0075 and 0.0091": |r| ≤ 0.01, all pairs, three
             * directions. For an ideal cipher r over n pairs is about normal with standard
             * deviation 1/√n, 0.0039 on a 256×256 channel: there 0.01 is 2.6σ, which one
             * check in a hundred exceeds by chance (and which of them does moves with any
             * change to the key network's arithmetic). So the bound is 0.01 or 4.5/√n
             * (an ideal cipher exceeds it once in 10^5 checks), whichever is larger: 0.01 on
             * the large images, 0.018 on the 256×256 ones. A correlated cipher fails both. */
            for (int ch = 0; ch < C.channels; ch++)
                for (int d = 0; d < METRIC_N_DIR; d++) {
                    const double w = C.width - (d != METRIC_VERTICAL), h = C.height - (d != METRIC_HORIZONTAL);
                    const double bound = fmax(0.01, 4.5 / sqrt(w * h));
                    cr_assert_leq(fabs(cc.all[ch][d]), bound,
                                  "%s variant %d channel %d direction %d: r = %.4f (bound %.4f)", images[i], v,
                                  ch, d, cc.all[ch][d], bound);
                }
            img_free(&C);
            img_free(&D);
        }
        img_free(&P);
    }
}

/* The standard differential test: plain images differing in one sample. */
static void differential(const img_image *P, int v, const meta_record *m, cipher_variant var, metric_diff *dd,
                         metric_wu_critical *wc)
{
    img_image P2, C1, C2;
    cr_assert_eq(img_new(&P2, P->width, P->height, P->channels, P->depth), MC_OK);
    memcpy(P2.data, P->data, img_size_bytes(P));
    P2.data[img_size_bytes(P) / 2] ^= 1;
    encrypt(P, v, m, var, &C1, NULL);
    encrypt(&P2, v, m, var, &C2, NULL);
    cr_assert_eq(metric_npcr_uaci(&C1, &C2, dd), MC_OK);
    cr_assert_eq(metric_wu_critical_values((uint64_t)P->width * P->height * P->channels, P->depth, wc), MC_OK);
    img_free(&P2);
    img_free(&C1);
    img_free(&C2);
}

Test(validation, critical_value_verdicts)
{
    img_image P;
    meta_record m;
    load(images[0], &P, &m);
    metric_diff dd;
    metric_wu_critical wc;
    metric_wu_verdict wv;
    /* Wu, Noonan, Agaian 2011, 256×256 8-bit: N*_0.05 = 99.5693 %, U*_0.05 = [33.2824, 33.6447] %. */
    differential(&P, 0, &m, VARIANT_PAPER, &dd, &wc);
    cr_assert_float_eq(wc.npcr_min[0], 99.5693, 5e-5);
    cr_assert_float_eq(wc.uaci_lo[0], 33.2824, 5e-5);
    cr_assert_float_eq(wc.uaci_hi[0], 33.6447, 5e-5);
    /* The paper's cipher: one changed sample changes one cipher sample, so
     * NPCR = 100/65536 % and every verdict is "fail". */
    cr_assert_float_eq(dd.npcr.all, 100.0 / 65536, 1e-9);
    metric_wu_verdict_of(&wc, dd.npcr.all, dd.uaci.all, &wv);
    for (int a = 0; a < METRIC_N_ALPHA; a++) cr_assert(!wv.npcr_pass[a] && !wv.uaci_pass[a]);
    /* The hardened variant behaves as an ideal cipher for all four variants:
     * NPCR and UACI within 6 σ of an ideal cipher's mean, σ read off Wu's own
     * critical values (N*_.05 = μ − 1.645 σ; the .05 UACI interval is μ ± 1.96 σ).
     * A per-variant verdict at α = .001 fails an ideal cipher in about 1 % of
     * runs over four variants whose keys change with the arithmetic path (it
     * did on the portable path: UACI 33.1144); 6 σ fails it with probability
     * 1e-8, while a cipher without diffusion misses by thousands of σ. */
    const double mu_n = 100.0 * 255 / 256, sd_n = (mu_n - wc.npcr_min[0]) / 1.6448536269514722;
    const double mu_u = (wc.uaci_lo[0] + wc.uaci_hi[0]) / 2, sd_u = (wc.uaci_hi[0] - wc.uaci_lo[0]) / 2 / 1.959963984540054;
    for (int v = 0; v < 4; v++) {
        differential(&P, v, &m, VARIANT_HARDENED, &dd, &wc);
        cr_assert(fabs(dd.npcr.all - mu_n) < 6 * sd_n && fabs(dd.uaci.all - mu_u) < 6 * sd_u,
                  "hardened variant %d: NPCR %.4f (ideal %.4f ± %.4f) UACI %.4f (ideal %.4f ± %.4f)", v, dd.npcr.all,
                  mu_n, sd_n, dd.uaci.all, mu_u, sd_u);
    }
    img_free(&P);
}
