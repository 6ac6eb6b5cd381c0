/* Tables 1-5 of results/: the paper's metrics (NPCR, UACI, entropy, local
 * entropy, correlation, MSE, PSNR, key space) for the four variants and the
 * ablations over several seeds (mean ± sd), the standard differential test
 * with Wu's verdicts, and the summary that sets each claim of the paper
 * beside our figure with a verdict computed from the numbers: each rests on a
 * named test against what an ideal cipher gives on the same images, corrected
 * for multiplicity (Holm, family-wise α = STATS_ALPHA, experiments/stats.h). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "experiments/parts.h"
#include "experiments/stats.h"
#include "experiments/table.h"
#include "metrics/metrics.h"
#include "pipeline/pipeline.h"

double repro_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

mc_err repro_params(repro_variant *v, repro_source s, const meta_record *m, chaos_params *p)
{
    return repro_params_seeded(v, s, m, 0, p);
}

mc_err repro_params_seeded(repro_variant *v, repro_source s, const meta_record *m, int seed_index, chaos_params *p)
{
    if (s == SRC_NETWORK) return keynet_params(&v->net, m, p);
    if (s == SRC_TEACHER) return keynet_teacher_params(KEYNET_TEACHER_HASH, v->map, m, p);
    /* One fixed record for every image (the key-reuse ablation), a second
     * later for each further seed. */
    meta_record fixed;
    mc_err e = meta_parse_datetime("2000:01:01 00:00:00", &fixed);
    fixed.second += seed_index % 60;
    return e ? e : keynet_teacher_params(KEYNET_TEACHER_HASH, v->map, &fixed, p);
}

mc_err repro_encrypt(const img_image *plain, const chaos_params *p, cipher_variant var, img_image *cipher,
                     img_image *decrypted)
{
    chaos_params q = *p;
    mc_err e = var == VARIANT_HARDENED ? hardened_params(p, plain, &q) : MC_OK;
    if (e) return e;
    keymat k;
    if ((e = keymat_derive_walk(&k, &q, plain->height, plain->width, img_size_bytes(plain) * (var ? 2 : 1)))) return e;
    e = pipe_apply(plain, &k, var, 0, cipher);
    if (!e && decrypted && (e = pipe_apply(cipher, &k, var, 1, decrypted))) img_free(cipher);
    keymat_free(&k);
    return e;
}

/* One row of the experiment: which variant, where its parameters come from. */
typedef struct {
    char label[64];
    int variant;          /* index into v[seed][] */
    repro_source src;
    cipher_variant var;
    int seeded;           /* its key changes with the seed (the teacher's does not) */
} config_row;

static int configs(config_row *r)
{
    int n = 0;
    static const char *const maps[] = {"Logistic", "Lorenz"};
    for (int k = 0; k < REPRO_NVARIANTS; k++) r[n++] = (config_row){"", k, SRC_NETWORK, VARIANT_PAPER, 1};
    for (int m = 0; m < 2; m++) {
        r[n] = (config_row){"", 2 * m, SRC_TEACHER, VARIANT_PAPER, 0};
        snprintf(r[n++].label, sizeof r->label, "%s, no network (ablation)", maps[m]);
        r[n] = (config_row){"", 2 * m, SRC_FIXED, VARIANT_PAPER, 1};
        snprintf(r[n++].label, sizeof r->label, "%s, one fixed key (ablation)", maps[m]);
        r[n] = (config_row){"", 2 * m, SRC_NETWORK, VARIANT_HARDENED, 1};
        snprintf(r[n++].label, sizeof r->label, "%s+ResNet-18, hardened", maps[m]);
    }
    return n;
}

/* Everything measured on one (row, image, seed). */
typedef struct {
    double npcr, uaci, ent_p, ent_c, chi_p, le_mean;
    int le_ok, le_pass;
    double corr_p[3], corr_c[3], corr_cs[3];
    double mse, psnr, mse_dec, psnr_dec;
    double d_npcr, d_uaci;
    int d_npcr_pass[3], d_uaci_pass[3];
    double n_wu, uaci_lo, uaci_hi;   /* Wu's critical values at .05 */
} measure;

static void measure_one(const repro_config *c, const img_image *P, const img_image *C, const img_image *D,
                        const img_image *C2, int seed_index, measure *m)
{
    metric_diff pc, dd;
    metric_entropy_result ep, ec;
    metric_local_entropy_result le;
    metric_chi2_result chi;
    metric_correlation_result cp, cc;
    metric_fidelity fe, fd;
    const uint64_t seed = c->seed + (uint64_t)seed_index;
    metric_npcr_uaci(P, C, &pc);
    metric_entropy(P, &ep);
    metric_entropy(C, &ec);
    m->le_ok = P->depth == 8 && metric_local_entropy(C, 30, 44, seed, &le) == MC_OK;
    metric_chi_square(C, &chi);
    metric_correlation(P, 3000, seed, &cp);
    metric_correlation(C, 3000, seed, &cc);
    metric_mse_psnr(P, C, &fe);
    metric_mse_psnr(P, D, &fd);
    metric_npcr_uaci(C, C2, &dd);
    m->npcr = pc.npcr.all, m->uaci = pc.uaci.all, m->ent_p = ep.bits.all, m->ent_c = ec.bits.all;
    m->chi_p = chi.p.all;
    m->le_mean = m->le_ok ? le.mean.all : NAN;
    m->le_pass = m->le_ok && le.pass[0][0];
    for (int d = 0; d < METRIC_N_DIR; d++)
        m->corr_p[d] = cp.all[0][d], m->corr_c[d] = cc.all[0][d], m->corr_cs[d] = cc.sampled[0][d];
    m->mse = fe.mse.all, m->psnr = fe.psnr.all, m->mse_dec = fd.mse.all, m->psnr_dec = fd.psnr.all;
    m->d_npcr = dd.npcr.all, m->d_uaci = dd.uaci.all;
    metric_wu_critical wc;
    metric_wu_verdict wv;
    metric_wu_critical_values((uint64_t)P->width * P->height * P->channels, P->depth, &wc);
    metric_wu_verdict_of(&wc, dd.npcr.all, dd.uaci.all, &wv);
    for (int a = 0; a < 3; a++) m->d_npcr_pass[a] = wv.npcr_pass[a], m->d_uaci_pass[a] = wv.uaci_pass[a];
    m->n_wu = wc.npcr_min[0], m->uaci_lo = wc.uaci_lo[0], m->uaci_hi = wc.uaci_hi[0];
}

/* The plain image with the centre pixel's first sample + 1 (the differential test). */
static void one_pixel_changed(const img_image *P, img_image *P2)
{
    img_new(P2, P->width, P->height, P->channels, P->depth);
    memcpy(P2->data, P->data, img_size_bytes(P));
    size_t at = ((size_t)(P->height / 2) * P->width + P->width / 2) * img_pixel_bytes(P);
    if (P->depth == 16) {
        unsigned s16 = ((unsigned)P2->data[at] << 8 | P2->data[at + 1]) + 1;
        P2->data[at] = (uint8_t)(s16 >> 8);
        P2->data[at + 1] = (uint8_t)s16;
    } else {
        P2->data[at]++;
    }
}

/* "mean ± sd" over the seeds (just the value for one). */
static const char *ms(const measure *m, int n, size_t off, const char *fmt)
{
    double v[REPRO_MAX_SEEDS] = {0}, mean, sd;
    for (int s = 0; s < n; s++) v[s] = *(const double *)((const char *)&m[s] + off);
    stats_mean_sd(v, (size_t)n, &mean, &sd);
    char f2[32];
    if (n == 1) return cell(fmt, mean);
    if (isinf(mean)) return "inf";
    snprintf(f2, sizeof f2, "%s ± %s", fmt, fmt);
    return cell(f2, mean, sd);
}
#define MS(m, n, field, fmt) ms(m, n, offsetof(measure, field), fmt)

/* A growing list of P-values for one family of tests. */
typedef struct {
    double *p;
    size_t n, cap;
} pfamily;
static void pf_add(pfamily *f, double p)
{
    if (f->n == f->cap) f->p = realloc(f->p, (f->cap = f->cap ? 2 * f->cap : 64) * sizeof *f->p);
    f->p[f->n++] = p;
}
/* "reproduced" when Holm rejects none; the detail says which test. */
static const char *pf_verdict(const pfamily *f, const char *ok, const char *bad, char *detail, size_t dn)
{
    double min_adj;
    size_t r = stats_holm_rejections(f->p, f->n, STATS_ALPHA, &min_adj);
    snprintf(detail, dn, "%zu of %zu cases differ from an ideal cipher (smallest Holm-adjusted P = %.3g)", r, f->n,
             min_adj);
    return r ? bad : ok;
}

void repro_metrics(const repro_config *c, repro_variant (*v)[REPRO_NVARIANTS], const repro_image *im, size_t nim,
                   const repro_findings *f)
{
    config_row rows[16];
    const int nrows = configs(rows), S = c->seeds;
    for (int r = 0; r < nrows; r++)
        if (!rows[r].label[0]) snprintf(rows[r].label, sizeof rows[r].label, "%s", v[0][rows[r].variant].label);
    /* m[(r·nim + i)·S + s] */
    measure *all = calloc((size_t)nrows * nim * S, sizeof *all);
    stats_ideal *ideal = calloc(nim, sizeof *ideal);
    for (size_t i = 0; i < nim; i++) stats_ideal_of(&im[i].im, &ideal[i]);
    for (int r = 0; r < nrows; r++)
        for (size_t i = 0; i < nim; i++)
            for (int s = 0; s < (rows[r].seeded ? S : 1); s++) {
                const img_image *P = &im[i].im;
                chaos_params p;
                img_image C, D, P2, C2;
                mc_err e = repro_params_seeded(&v[s][rows[r].variant], rows[r].src, &im[i].meta, s, &p);
                if (!e) e = repro_encrypt(P, &p, rows[r].var, &C, &D);
                if (!e) {
                    one_pixel_changed(P, &P2);
                    e = repro_encrypt(&P2, &p, rows[r].var, &C2, NULL);
                    img_free(&P2);
                }
                if (e) {
                    fprintf(stderr, "reproduce: %s on %s: %s\n", rows[r].label, im[i].name, mc_errmsg(e));
                    exit(1);
                }
                measure_one(c, P, &C, &D, &C2, s, &all[((size_t)r * nim + i) * S + s]);
                img_free(&C);
                img_free(&D);
                img_free(&C2);
            }

    static const char *const c1[] = {"configuration", "image", "size", "NPCR % (paper avg 99.62)",
                                     "NPCR ideal cipher", "UACI % (paper up to 39.4)", "UACI ideal cipher",
                                     "entropy plain", "entropy cipher (paper 7.9995-8)", "local entropy cipher (α=.05)",
                                     "χ² p cipher (lowest)"};
    static const char *const c2[] = {"configuration", "image", "plain H", "plain V", "plain D", "cipher H",
                                     "cipher V", "cipher D", "cipher H (3000)", "cipher V (3000)", "cipher D (3000)"};
    static const char *const c3[] = {"configuration", "image", "MSE enc (paper 7870-14816)", "MSE ideal cipher",
                                     "PSNR enc dB (paper 6.42-9.18)", "PSNR ideal cipher", "MSE dec (paper 0)",
                                     "PSNR dec (paper ∞)"};
    static const char *const c4[] = {"configuration", "image", "NPCR %", "UACI %", "N*(.05)", "UACI interval (.05)",
                                     "cases passing NPCR .05/.01/.001", "cases passing UACI .05/.01/.001"};
    table t1, t2, t3, t4;
    if (table_open(&t1, c->out, "table1_npcr_uaci_entropy", "NPCR and UACI (plain vs cipher, the paper's sense), entropy", c1, 11) ||
        table_open(&t2, c->out, "table2_correlation", "Adjacent-pixel correlation (all pairs, and 3000 random pairs)", c2, 11) ||
        table_open(&t3, c->out, "table3_mse_psnr", "MSE and PSNR: original vs encrypted and original vs decrypted", c3, 8) ||
        table_open(&t4, c->out, "table4_differential", "Standard differential test (Wu et al. 2011): one pixel changed, same key", c4, 8)) {
        fprintf(stderr, "reproduce: cannot write tables in %s\n", c->out);
        exit(1);
    }
    /* Families of tests for the summary (network variants, paper cipher, 8-bit images). */
    pfamily f_npcr = {0}, f_uaci = {0}, f_mse = {0}, f_chi = {0}, f_corr = {0}, f_hard = {0};
    double npcr_sum = 0, uaci_min = 1e9, uaci_max = -1e9, iu_min = 1e9, iu_max = -1e9, ent_min = 1e9, ent_max = -1e9;
    double corr_min = 1e9, corr_max = -1e9, mse_min = 1e30, mse_max = -1e30, im_min = 1e30, im_max = -1e30;
    double psnr_min = 1e30, psnr_max = -1e30, ip_min = 1e30, ip_max = -1e30, mse_dec_max = 0;
    size_t ncases = 0, diff_fail = 0, diff_n = 0, hard_fail = 0, hard_n = 0;
    for (int r = 0; r < nrows; r++)
        for (size_t i = 0; i < nim; i++) {
            const img_image *P = &im[i].im;
            const int n = rows[r].seeded ? S : 1;
            measure *m = &all[((size_t)r * nim + i) * S];
            const stats_ideal *id = &ideal[i];
            int le_pass = 0, le_ok = 0, pn[3] = {0}, pu[3] = {0};
            double chi_lo = 1;
            for (int s = 0; s < n; s++) {
                le_pass += m[s].le_pass, le_ok += m[s].le_ok;
                if (m[s].chi_p < chi_lo) chi_lo = m[s].chi_p;
                for (int a = 0; a < 3; a++) pn[a] += m[s].d_npcr_pass[a], pu[a] += m[s].d_uaci_pass[a];
            }
            const char *size = cell("%ux%u%s", P->width, P->height, P->depth == 16 ? " (16-bit)" : "");
            const char *r1[] = {rows[r].label, im[i].name, size, MS(m, n, npcr, "%.4f"), cell("%.4f", id->npcr_mu),
                                MS(m, n, uaci, "%.4f"), cell("%.4f", id->uaci_mu), cell("%.4f", m[0].ent_p),
                                MS(m, n, ent_c, "%.4f"),
                                le_ok ? cell("%s (%d of %d pass)", MS(m, n, le_mean, "%.4f"), le_pass, le_ok)
                                      : P->depth == 16 ? "n/a (16-bit)" : "n/a (fewer than 30 tiles)",
                                cell("%.3g", chi_lo)};
            table_row(&t1, r1);
            const char *r2[] = {rows[r].label, im[i].name, cell("%.4f", m[0].corr_p[0]), cell("%.4f", m[0].corr_p[1]),
                                cell("%.4f", m[0].corr_p[2]), MS(m, n, corr_c[0], "%.4f"), MS(m, n, corr_c[1], "%.4f"),
                                MS(m, n, corr_c[2], "%.4f"), MS(m, n, corr_cs[0], "%.4f"), MS(m, n, corr_cs[1], "%.4f"),
                                MS(m, n, corr_cs[2], "%.4f")};
            table_row(&t2, r2);
            const char *r3[] = {rows[r].label, im[i].name, MS(m, n, mse, "%.1f"), cell("%.1f", id->mse_mu),
                                MS(m, n, psnr, "%.2f"), cell("%.2f", id->psnr_at_mu), MS(m, n, mse_dec, "%.1f"),
                                isinf(m[0].psnr_dec) ? "inf" : MS(m, n, psnr_dec, "%.2f")};
            table_row(&t3, r3);
            char vn[64], vu[64];
            snprintf(vn, sizeof vn, "%d / %d / %d of %d", pn[0], pn[1], pn[2], n);
            snprintf(vu, sizeof vu, "%d / %d / %d of %d", pu[0], pu[1], pu[2], n);
            const char *r4[] = {rows[r].label, im[i].name, MS(m, n, d_npcr, "%.4f"), MS(m, n, d_uaci, "%.4f"),
                                cell("%.4f", m[0].n_wu), cell("[%.4f, %.4f]", m[0].uaci_lo, m[0].uaci_hi), vn, vu};
            table_row(&t4, r4);

            for (int s = 0; s < n; s++) {
                const int fail = !(m[s].d_npcr_pass[0] && m[s].d_uaci_pass[0]);
                if (rows[r].var == VARIANT_HARDENED) hard_n++, hard_fail += fail;
                else if (rows[r].src == SRC_NETWORK) diff_n++, diff_fail += fail;
                if (rows[r].var == VARIANT_HARDENED) {
                    pf_add(&f_hard, stats_two_sided_p((m[s].npcr - id->npcr_mu) / id->npcr_sd));
                    pf_add(&f_hard, stats_two_sided_p((m[s].uaci - id->uaci_mu) / id->uaci_sd));
                }
                mse_dec_max = fmax(mse_dec_max, m[s].mse_dec);
                if (!(rows[r].src == SRC_NETWORK && rows[r].var == VARIANT_PAPER && P->depth == 8)) continue;
                ncases++;
                npcr_sum += m[s].npcr;
                pf_add(&f_npcr, stats_two_sided_p((m[s].npcr - id->npcr_mu) / id->npcr_sd));
                pf_add(&f_uaci, stats_two_sided_p((m[s].uaci - id->uaci_mu) / id->uaci_sd));
                pf_add(&f_mse, stats_two_sided_p((m[s].mse - id->mse_mu) / id->mse_sd));
                pf_add(&f_chi, m[s].chi_p);
                const double pairs[3] = {(double)(P->width - 1) * P->height, (double)P->width * (P->height - 1),
                                         (double)(P->width - 1) * (P->height - 1)};
                for (int d = 0; d < 3; d++) {
                    pf_add(&f_corr, stats_two_sided_p(m[s].corr_c[d] * sqrt(pairs[d])));
                    corr_min = fmin(corr_min, m[s].corr_c[d]), corr_max = fmax(corr_max, m[s].corr_c[d]);
                }
                uaci_min = fmin(uaci_min, m[s].uaci), uaci_max = fmax(uaci_max, m[s].uaci);
                ent_min = fmin(ent_min, m[s].ent_c), ent_max = fmax(ent_max, m[s].ent_c);
                mse_min = fmin(mse_min, m[s].mse), mse_max = fmax(mse_max, m[s].mse);
                psnr_min = fmin(psnr_min, m[s].psnr), psnr_max = fmax(psnr_max, m[s].psnr);
                iu_min = fmin(iu_min, id->uaci_mu), iu_max = fmax(iu_max, id->uaci_mu);
                im_min = fmin(im_min, id->mse_mu), im_max = fmax(im_max, id->mse_mu);
                ip_min = fmin(ip_min, id->psnr_at_mu), ip_max = fmax(ip_max, id->psnr_at_mu);
            }
        }
    const char *seeds_note = cell("Each seeded row: mean ± sd over %d seeds (key networks trained with seeds %llu to "
                                  "%llu; the fixed-key ablation moves its record by one second per seed); the "
                                  "no-network ablation does not depend on the seed and is measured once. ", S,
                                  (unsigned long long)c->seed, (unsigned long long)(c->seed + (uint64_t)S - 1));
    char note1[2048];
    snprintf(note1, sizeof note1, "%sNPCR and UACI here compare a plain image with its own cipher image, as the paper "
             "does; that measures how unlike the plain image the cipher looks, not resistance to differential attacks "
             "(table 4). 'Ideal cipher': the value expected when every cipher sample is uniform and independent of "
             "the plain image (experiments/stats.h): it depends on the plain image's histogram, which is why the "
             "paper's UACI, MSE and PSNR figures cannot be compared across image sets. Entropy is over the 2^depth "
             "levels of all samples. Local entropy: Wu et al. 2013, k = 30 blocks of 44×44, exact interval at "
             "α = 0.05, passing seeds counted.", seeds_note);
    table_close(&t1, note1);
    table_close(&t2, "Pearson correlation of each sample with its right (H), lower (V) and lower-right (D) "
                     "neighbour, first channel; cipher columns mean ± sd over the seeds. For an ideal cipher r is "
                     "about normal with sd 1/√pairs (0.004 on a 256×256 image). The paper reports cipher values "
                     "between -0.0075 and 0.0091.");
    table_close(&t3, "MSE over samples; PSNR = 10 log10(F²/MSE), F = 2^depth - 1. 'Ideal cipher': the expected MSE "
                     "of a uniform cipher image against this plain image, and the PSNR at that MSE. A bit-exact "
                     "decryption gives MSE 0, PSNR inf.");
    table_close(&t4, "The paper's cipher draws its key from metadata only, never from the pixels, so a one-pixel "
                     "change moves one cipher pixel: it fails this test by construction. The hardened variant "
                     "(docs/SECURITY.md) passes. Critical values for the image's sample count; the verdict columns "
                     "count the seeds that pass at each α (an ideal cipher fails each test at α in a share α of "
                     "cases).");

    /* Key space: the paper's count beside what it really holds. */
    static const char *const c5[] = {"image", "size", "paper's key size (bits)", "log2(H!·W!) (bits)",
                                     "parameters (bits, logistic / Lorenz)"};
    table t5;
    if (!table_open(&t5, c->out, "table5_keyspace", "Key space: the paper's count and what it measures", c5, 5)) {
        const char *r0[] = {"(paper's example)", "128x128", cell("%llu", (unsigned long long)metric_key_space_bits(128, 128, 1, 8)),
                            cell("%.0f", metric_permutation_bits(128, 128)), "2×53 / 3×53"};
        table_row(&t5, r0);
        for (size_t i = 0; i < nim; i++) {
            const img_image *P = &im[i].im;
            const char *r5[] = {im[i].name, cell("%ux%u%s", P->width, P->height, P->depth == 16 ? " (16-bit)" : ""),
                                cell("%llu", (unsigned long long)metric_key_space_bits(P->width, P->height, P->channels, P->depth)),
                                cell("%.0f", metric_permutation_bits(P->width, P->height)), "2×53 / 3×53"};
            table_row(&t5, r5);
        }
        table_close(&t5, "The paper counts one byte per element of xindex, yindex and zkey: 2^133120 for 128×128 "
                         "(a 16-bit image's zkey has two bytes per sample). "
                         "But all three are computed from the chaotic parameters (two doubles for the logistic map, "
                         "three initial conditions for Lorenz), which the network computes from public metadata: "
                         "the key is at most as large as those parameters, and no larger than the metadata an "
                         "attacker must guess (about 25 bits per year at one-second resolution).");
    }

    /* Variants against each other: on each 8-bit image and for NPCR and UACI,
     * the difference of two variants' means over the seeds, divided by the
     * difference's own noise, √((σ_a² + σ_b²)/S) with σ the ideal cipher's
     * sampling deviation on that image; Holm over all comparisons. */
    pfamily f_var = {0};
    int best_wins = 0, best_needed = 0;
    double best_p[64];   /* P-values of Logistic+ResNet-18 ahead of another (z > 0), or 1 */
    for (size_t i = 0; i < nim; i++) {
        if (im[i].im.depth != 8) continue;
        for (int metric = 0; metric < 2; metric++) {
            double mean[REPRO_NVARIANTS];
            for (int k = 0; k < REPRO_NVARIANTS; k++) {
                double sum = 0;
                for (int s = 0; s < S; s++) {
                    const measure *m = &all[((size_t)k * nim + i) * S + s];
                    sum += metric ? m->uaci : m->npcr;
                }
                mean[k] = sum / S;
            }
            const double sd = metric ? ideal[i].uaci_sd : ideal[i].npcr_sd, noise = sqrt(2 * sd * sd / S);
            for (int a = 0; a < REPRO_NVARIANTS; a++)
                for (int b = a + 1; b < REPRO_NVARIANTS; b++) {
                    const double z = (mean[a] - mean[b]) / noise, pv = stats_two_sided_p(z);
                    pf_add(&f_var, pv);
                    /* "Best" = Logistic+ResNet-18 (index 0) significantly above another. */
                    if (a == 0 && best_needed < 64) best_p[best_needed++] = z > 0 ? pv : 1;
                }
        }
    }
    double var_min_adj;
    const size_t var_rej = stats_holm_rejections(f_var.p, f_var.n, STATS_ALPHA, &var_min_adj);
    const double var_cut = stats_holm_cut(f_var.p, f_var.n, STATS_ALPHA);   /* over the whole family */
    for (int k = 0; k < best_needed; k++) best_wins += best_p[k] <= var_cut;

    static const char *const cs[] = {"claim", "paper", "this run", "test", "verdict"};
    table ts;
    if (table_open_spec(&ts, c->out, "summary", "The paper's claims beside this run (four network variants, 8-bit images)",
                        cs, 5,
                        ">{\\raggedright\\arraybackslash}p{2.4cm}>{\\raggedright\\arraybackslash}p{1.6cm}"
                        ">{\\raggedright\\arraybackslash}p{5.2cm}>{\\raggedright\\arraybackslash}p{3.4cm}"
                        ">{\\raggedright\\arraybackslash}p{2.2cm}"))
        return;
    char d_npcr[256], d_uaci[256], d_mse[256], d_chi[256], d_corr[256], d_hard[256];
    const char *v_npcr = pf_verdict(&f_npcr, "reproduced", "not reproduced", d_npcr, sizeof d_npcr);
    const char *v_uaci = pf_verdict(&f_uaci, "reproduced as an ideal cipher's (the figure depends on the image)",
                                    "not reproduced", d_uaci, sizeof d_uaci);
    const char *v_mse = pf_verdict(&f_mse, "reproduced as an ideal cipher's (the figure depends on the image)",
                                   "not reproduced", d_mse, sizeof d_mse);
    const char *v_chi = pf_verdict(&f_chi, "reproduced", "not reproduced", d_chi, sizeof d_chi);
    const char *v_corr = pf_verdict(&f_corr, "reproduced", "not reproduced", d_corr, sizeof d_corr);
    pf_verdict(&f_hard, "", "", d_hard, sizeof d_hard);
    const double q = 1 - 0.95 * 0.95;   /* an ideal cipher fails Wu's NPCR or UACI test at α = .05 */
    const double p_diff = stats_binom_upper(diff_fail, diff_n, q), p_hard = stats_binom_upper(hard_fail, hard_n, q);
    const char *holm = cell("per case z-test against the ideal cipher on the same image, Holm over the cases, "
                            "family-wise α = %g", STATS_ALPHA);
    const double npcr = ncases ? npcr_sum / ncases : NAN;
    const char *rows_s[][5] = {
        {"NPCR, plain vs cipher", "99.62 % average",
         cell("%.4f %% average over %zu cases; an ideal cipher gives %.4f %%; %s", npcr, ncases, 100 * (1 - 1 / 256.0),
              d_npcr), holm, v_npcr},
        {"UACI, plain vs cipher", "up to 39.4 %",
         cell("%.2f to %.2f %%; an ideal cipher gives %.2f to %.2f %% on these images; %s", uaci_min, uaci_max, iu_min,
              iu_max, d_uaci), holm, v_uaci},
        {"entropy of cipher images", "7.9995 to 8.0000 bits",
         cell("%.4f to %.4f bits; %s", ent_min, ent_max, d_chi),
         cell("χ² test of the cipher histogram against uniform, Holm, family-wise α = %g", STATS_ALPHA), v_chi},
        {"adjacent correlation of cipher images", "-0.0075 to 0.0091",
         cell("%.4f to %.4f (H, V, D, all pairs); %s", corr_min, corr_max, d_corr),
         cell("r·√pairs against N(0, 1), Holm, family-wise α = %g", STATS_ALPHA), v_corr},
        {"MSE original vs encrypted", "7870 to 14816",
         cell("%.0f to %.0f; an ideal cipher gives %.0f to %.0f on these images; %s", mse_min, mse_max, im_min, im_max,
              d_mse), holm, v_mse},
        {"PSNR original vs encrypted", "6.42 to 9.18 dB",
         cell("%.2f to %.2f dB; an ideal cipher gives %.2f to %.2f dB on these images (a mid-grey image cannot go "
              "lower)", psnr_min, psnr_max, ip_min, ip_max),
         "PSNR is a function of the MSE: the MSE row's test", v_mse},
        {"MSE / PSNR original vs decrypted", "0 / ∞", cell("%.0f / %s in every case", mse_dec_max, mse_dec_max == 0 ? "∞" : "finite"),
         "exact: every decryption compared bit for bit", mse_dec_max == 0 ? "reproduced" : "not reproduced"},
        {"key space of a 128×128 image", "2^133120",
         cell("2^%llu by the paper's count", (unsigned long long)metric_key_space_bits(128, 128, 1, 8)),
         "arithmetic (table 5)", "reproduced as arithmetic; not a measure of key strength"},
        {"resistance to differential attacks", "NPCR ≈ 99.62 %, strong avalanche",
         cell("standard test failed in %zu of %zu cases (an ideal cipher fails about %.1f %%: binomial P = %.3g)",
              diff_fail, diff_n, 100 * q, p_diff),
         cell("Wu et al. 2011 at α = .05 per case; failures against Binomial(cases, %.4f), α = %g", q, STATS_ALPHA),
         p_diff < STATS_ALPHA ? "not reproduced: the claim rests on plain-vs-cipher figures (table 4)" : "reproduced"},
        {"resistance to differential attacks, hardened variant (beyond the paper)", "-",
         cell("failed %zu of %zu cases (P = %.3g); its plain-vs-cipher NPCR and UACI: %s", hard_fail, hard_n, p_hard,
              d_hard),
         cell("as above, α = %g", STATS_ALPHA), p_hard < STATS_ALPHA ? "fails the standard test" : "passes the standard test"},
        {"resistance to chosen-plaintext attacks", "strong resistance",
         f->attack_fixed_exact ? cell("key recovered from %d chosen images, target decrypted bit for bit; hardened "
                                      "variant %s (attack table)", f->attack_fixed_queries,
                                      f->attack_hardened_exact ? "also broken" : "not broken")
                               : "the attack did not recover the fixed key (attack table)",
         "exact: the recovered image compared bit for bit", f->attack_fixed_exact ? "not reproduced" : "reproduced"},
        {"sensitivity to the key (\"a tiny change gives a different cipher\")", "high",
         cell("%d of %d one-ulp parameter changes left the key material identical (random keys, table 7)",
              f->ulp_identical, f->ulp_tried),
         "exact: key material compared byte for byte",
         f->ulp_identical ? "not reproduced for every parameter (equivalent keys exist)" : "reproduced"},
        {"Logistic+ResNet-18 is the best variant", "best on all metrics",
         cell("%zu of %zu variant comparisons (NPCR, UACI; 8-bit images) differ beyond sampling noise (smallest "
              "Holm-adjusted P = %.3g); Logistic+ResNet-18 significantly ahead in %d of %d", var_rej, f_var.n,
              var_min_adj, best_wins, best_needed),
         cell("difference of seed means over its own noise √((σ_a²+σ_b²)/%d), Holm, family-wise α = %g", S, STATS_ALPHA),
         best_needed && best_wins == best_needed ? "reproduced" : "not reproduced"},
    };
    for (size_t k = 0; k < sizeof rows_s / sizeof *rows_s; k++) table_row(&ts, rows_s[k]);
    table_close(&ts, cell("%s The verdicts are computed from the numbers by the named tests; at family-wise α = %g a "
                          "verdict that rests on a test flips between runs (other seeds, another arithmetic path) "
                          "with probability below %g when the cipher behaves ideally.",
                          c->full ? "Full mode." : "Quick mode: reduced key-network input size and training budget; "
                                                   "the cipher metrics do not depend on them.",
                          STATS_ALPHA, STATS_ALPHA));
    free(f_npcr.p), free(f_uaci.p), free(f_mse.p), free(f_chi.p), free(f_corr.p), free(f_hard.p), free(f_var.p);
    free(all);
    free(ideal);
}
