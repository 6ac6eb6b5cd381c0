/* medchaos analyze PLAIN CIPHER: every security metric the paper reports for
 * a plain/cipher pair, with the tests that say whether a figure passes
 * (Wu 2011 NPCR/UACI, Wu 2013 local entropy, chi-square). Table or JSON. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "image/io.h"
#include "metrics/metrics.h"

static const char *const dir_name[METRIC_N_DIR] = {"horizontal", "vertical", "diagonal"};
#define N_RANDOM_PAIRS 3000
#define LE_BLOCKS 30
#define LE_SIDE 44

static void usage(FILE *out)
{
    fprintf(out,
            "usage: medchaos analyze PLAIN CIPHER [--json] [--seed N]\n"
            "Security metrics of CIPHER against PLAIN (PNG or JPEG, same geometry):\n"
            "  NPCR/UACI between the two (the paper's plain-vs-cipher sense; pass two\n"
            "  cipher images for the differential test) with Wu-Noonan-Agaian 2011\n"
            "  critical values at alpha 0.05/0.01/0.001; entropy and chi-square of\n"
            "  both histograms; local Shannon entropy (Wu 2013: %d random %dx%d blocks,\n"
            "  8-bit images of at least %d such tiles); adjacent-pixel correlation\n"
            "  over all pairs and %d random pairs; MSE, PSNR; the paper's key space.\n"
            "  --json    one JSON object; NaN (undefined) is null, infinity is \"inf\"\n"
            "  --seed N  seed of the block and pair sampling (default 1)\n",
            LE_BLOCKS, LE_SIDE, LE_SIDE, LE_BLOCKS, N_RANDOM_PAIRS);
}

/* Everything measured, so that the table and the JSON print the same run. */
typedef struct {
    const char *path[2]; /* plain, cipher */
    img_image im[2];
    uint64_t seed;
    metric_diff diff;
    metric_wu_critical wu;
    metric_wu_verdict verdict;
    metric_fidelity fid;
    metric_entropy_result ent[2];
    metric_chi2_result chi[2];
    metric_local_entropy_result le[2];
    mc_err le_err[2];
    char le_why[2][256];
    metric_correlation_result cor[2];
    uint64_t key_bits;
    double perm_bits;
} analysis;

static mc_err measure(analysis *a)
{
    mc_err e;
    if ((e = metric_npcr_uaci(&a->im[0], &a->im[1], &a->diff))) return e;
    if ((e = metric_mse_psnr(&a->im[0], &a->im[1], &a->fid))) return e;
    const img_image *c = &a->im[1];
    uint64_t n = (uint64_t)c->width * c->height * c->channels;
    if ((e = metric_wu_critical_values(n, c->depth, &a->wu))) return e;
    metric_wu_verdict_of(&a->wu, a->diff.npcr.all, a->diff.uaci.all, &a->verdict);
    for (int i = 0; i < 2; i++) {
        if ((e = metric_entropy(&a->im[i], &a->ent[i]))) return e;
        if ((e = metric_chi_square(&a->im[i], &a->chi[i]))) return e;
        if ((e = metric_correlation(&a->im[i], N_RANDOM_PAIRS, a->seed, &a->cor[i]))) return e;
        /* Local entropy may not apply (small or 16-bit image): say why, go on. */
        a->le_err[i] = metric_local_entropy(&a->im[i], LE_BLOCKS, LE_SIDE, a->seed, &a->le[i]);
        if (a->le_err[i]) snprintf(a->le_why[i], sizeof a->le_why[i], "%s", mc_errmsg(a->le_err[i]));
        mc_clear_error();
    }
    a->key_bits = metric_key_space_bits(c->width, c->height, c->channels, c->depth);
    a->perm_bits = metric_permutation_bits(c->width, c->height);
    return MC_OK;
}

/* ---- table ---- */

/* A number, or n/a (undefined) / inf, into buf. */
static const char *fmt_num(char *buf, size_t cap, double v, int prec)
{
    if (isnan(v))
        snprintf(buf, cap, "n/a");
    else if (isinf(v))
        snprintf(buf, cap, v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, cap, "%.*f", prec, v);
    return buf;
}

/* "all" then, for colour images, each channel in brackets. */
static const char *fmt_value(char *buf, size_t cap, const metric_value *v, unsigned channels, int prec)
{
    char num[64];
    size_t n = (size_t)snprintf(buf, cap, "%s", fmt_num(num, sizeof num, v->all, prec));
    for (unsigned c = 0; channels > 1 && c < channels && n < cap; c++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s%s", c ? " " : " (", fmt_num(num, sizeof num, v->ch[c], prec),
                              c + 1 == channels ? ")" : "");
    return buf;
}

static void row(const char *label, const char *plain, const char *cipher)
{
    printf("%-28s %-34s %s\n", label, plain, cipher);
}

static const char *pf(int pass) { return pass ? "pass" : "FAIL"; }

static void print_table(const analysis *a)
{
    const img_image *im = &a->im[1];
    unsigned ch = im->channels;
    char p[160], c[160];
    printf("plain   %s\ncipher  %s\n", a->path[0], a->path[1]);
    printf("image   %" PRIu32 "x%" PRIu32 ", %u channel%s, %u-bit; sampling seed %" PRIu64 "\n", im->width,
           im->height, ch, ch > 1 ? "s" : "", im->depth, a->seed);
    if (ch > 1) printf("(colour images: overall value, then each channel in brackets)\n");

    printf("\nNPCR plain vs cipher (%%)     %s\n", fmt_value(p, sizeof p, &a->diff.npcr, ch, 4));
    for (int k = 0; k < METRIC_N_ALPHA; k++)
        printf("  Wu 2011 alpha=%-5g  N* = %.4f            %s\n", metric_alpha[k], a->wu.npcr_min[k],
               pf(a->verdict.npcr_pass[k]));
    printf("UACI plain vs cipher (%%)     %s\n", fmt_value(p, sizeof p, &a->diff.uaci, ch, 4));
    for (int k = 0; k < METRIC_N_ALPHA; k++)
        printf("  Wu 2011 alpha=%-5g  U* = [%.4f, %.4f]  %s\n", metric_alpha[k], a->wu.uaci_lo[k],
               a->wu.uaci_hi[k], pf(a->verdict.uaci_pass[k]));
    printf("  (Wu's tests are meant for two cipher images; the paper compares plain and cipher)\n");
    printf("MSE plain vs cipher          %s\n", fmt_value(p, sizeof p, &a->fid.mse, ch, 2));
    printf("PSNR plain vs cipher (dB)    %s\n\n", fmt_value(p, sizeof p, &a->fid.psnr, ch, 2));

    row("", "plain", "cipher");
    row("entropy (bits)", fmt_value(p, sizeof p, &a->ent[0].bits, ch, 4), fmt_value(c, sizeof c, &a->ent[1].bits, ch, 4));
    if (im->depth == 16)
        row("entropy of stored bytes", fmt_num(p, sizeof p, a->ent[0].bytes, 4), fmt_num(c, sizeof c, a->ent[1].bytes, 4));
    char label[64];
    snprintf(label, sizeof label, "chi-square (dof %u), p", a->chi[0].dof);
    snprintf(p, sizeof p, "%.1f, p=%.3g", a->chi[0].chi2.all, a->chi[0].p.all);
    snprintf(c, sizeof c, "%.1f, p=%.3g", a->chi[1].chi2.all, a->chi[1].p.all);
    row(label, p, c);
    snprintf(label, sizeof label, "local entropy (%d x %dx%d)", LE_BLOCKS, LE_SIDE, LE_SIDE);
    row(label, a->le_err[0] ? "n/a" : fmt_value(p, sizeof p, &a->le[0].mean, ch, 4),
        a->le_err[1] ? "n/a" : fmt_value(c, sizeof c, &a->le[1].mean, ch, 4));
    for (int d = 0; d < METRIC_N_DIR; d++) {
        char n1[32], n2[32];
        snprintf(label, sizeof label, "correlation %s", dir_name[d]);
        snprintf(p, sizeof p, "%s / %s", fmt_num(n1, sizeof n1, a->cor[0].all[0][d], 4),
                 fmt_num(n2, sizeof n2, a->cor[0].sampled[0][d], 4));
        snprintf(c, sizeof c, "%s / %s", fmt_num(n1, sizeof n1, a->cor[1].all[0][d], 4),
                 fmt_num(n2, sizeof n2, a->cor[1].sampled[0][d], 4));
        row(label, p, c);
    }
    printf("  (correlation: all adjacent pairs / %d random pairs%s)\n", N_RANDOM_PAIRS,
           ch > 1 ? ", first channel" : "");

    if (a->le_err[1]) {
        printf("\nlocal entropy of the cipher: n/a (%s)\n", a->le_why[1]);
    } else {
        const metric_local_entropy_result *l = &a->le[1];
        printf("\nlocal entropy test of the cipher%s: exact null mean %.9f, sigma %.9f\n",
               ch > 1 ? " (first channel)" : "", l->mu, l->sigma);
        for (int k = 0; k < METRIC_N_ALPHA; k++) {
            printf("  alpha=%-5g  [%.9f, %.9f] %s", metric_alpha[k], l->lo[k], l->hi[k], pf(l->pass[0][k]));
            if (l->has_published)
                printf("   Wu 2013 table [%.9f, %.9f] %s", l->published_lo[k], l->published_hi[k],
                       pf(l->pass_published[0][k]));
            printf("\n");
        }
    }
    printf("\nkey space (paper's count)    %" PRIu64 " bits; the two permutations alone hold %.0f bits\n",
           a->key_bits, a->perm_bits);
}

/* ---- JSON ---- */

static void jnum(double v)
{
    if (isnan(v))
        printf("null");
    else if (isinf(v))
        printf(v > 0 ? "\"inf\"" : "\"-inf\"");
    else
        printf("%.17g", v);
}

static void jstr(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void jarr(const double *v, int n)
{
    printf("[");
    for (int i = 0; i < n; i++) {
        if (i) printf(", ");
        jnum(v[i]);
    }
    printf("]");
}

static void jbools(const int *v, int n)
{
    printf("[");
    for (int i = 0; i < n; i++) printf("%s%s", i ? ", " : "", v[i] ? "true" : "false");
    printf("]");
}

static void jvalue(const metric_value *v, unsigned ch)
{
    printf("{\"all\": ");
    jnum(v->all);
    printf(", \"channels\": ");
    jarr(v->ch, (int)ch);
    printf("}");
}

static void print_json(const analysis *a)
{
    const img_image *im = &a->im[1];
    unsigned ch = im->channels;
    printf("{\n  \"plain\": ");
    jstr(a->path[0]);
    printf(",\n  \"cipher\": ");
    jstr(a->path[1]);
    printf(",\n  \"width\": %" PRIu32 ", \"height\": %" PRIu32 ", \"channels\": %u, \"depth\": %u, \"seed\": %" PRIu64,
           im->width, im->height, ch, im->depth, a->seed);
    printf(",\n  \"npcr\": ");
    jvalue(&a->diff.npcr, ch);
    printf(",\n  \"uaci\": ");
    jvalue(&a->diff.uaci, ch);
    printf(",\n  \"wu2011\": {\"alpha\": ");
    jarr(metric_alpha, METRIC_N_ALPHA);
    printf(", \"npcr_min\": ");
    jarr(a->wu.npcr_min, METRIC_N_ALPHA);
    printf(", \"uaci_lo\": ");
    jarr(a->wu.uaci_lo, METRIC_N_ALPHA);
    printf(", \"uaci_hi\": ");
    jarr(a->wu.uaci_hi, METRIC_N_ALPHA);
    printf(", \"npcr_pass\": ");
    jbools(a->verdict.npcr_pass, METRIC_N_ALPHA);
    printf(", \"uaci_pass\": ");
    jbools(a->verdict.uaci_pass, METRIC_N_ALPHA);
    printf("},\n  \"mse\": ");
    jvalue(&a->fid.mse, ch);
    printf(",\n  \"psnr\": ");
    jvalue(&a->fid.psnr, ch);
    static const char *const side[2] = {"plain", "cipher"};
    for (int i = 0; i < 2; i++) {
        printf(",\n  \"%s_stats\": {\"entropy\": ", side[i]);
        jvalue(&a->ent[i].bits, ch);
        printf(", \"entropy_bytes\": ");
        jnum(a->ent[i].bytes);
        printf(", \"chi_square\": ");
        jvalue(&a->chi[i].chi2, ch);
        printf(", \"chi_square_dof\": %u, \"chi_square_p\": ", a->chi[i].dof);
        jvalue(&a->chi[i].p, ch);
        printf(",\n    \"local_entropy\": ");
        const metric_local_entropy_result *l = &a->le[i];
        if (a->le_err[i]) {
            printf("{\"error\": ");
            jstr(a->le_why[i]);
            printf("}");
        } else {
            printf("{\"k\": %u, \"side\": %u, \"mean\": ", l->k, l->side);
            jvalue(&l->mean, ch);
            printf(", \"mu\": ");
            jnum(l->mu);
            printf(", \"sigma\": ");
            jnum(l->sigma);
            printf(", \"lo\": ");
            jarr(l->lo, METRIC_N_ALPHA);
            printf(", \"hi\": ");
            jarr(l->hi, METRIC_N_ALPHA);
            printf(", \"pass\": ");
            jbools(l->pass[0], METRIC_N_ALPHA);
            if (l->has_published) {
                printf(", \"published_lo\": ");
                jarr(l->published_lo, METRIC_N_ALPHA);
                printf(", \"published_hi\": ");
                jarr(l->published_hi, METRIC_N_ALPHA);
                printf(", \"pass_published\": ");
                jbools(l->pass_published[0], METRIC_N_ALPHA);
            }
            printf("}");
        }
        printf(",\n    \"correlation\": {\"random_pairs\": %d", N_RANDOM_PAIRS);
        for (int d = 0; d < METRIC_N_DIR; d++) {
            double all[METRIC_MAX_CHANNELS], smp[METRIC_MAX_CHANNELS];
            for (unsigned c = 0; c < ch; c++) all[c] = a->cor[i].all[c][d], smp[c] = a->cor[i].sampled[c][d];
            printf(", \"%s\": {\"all\": ", dir_name[d]);
            jarr(all, (int)ch);
            printf(", \"sampled\": ");
            jarr(smp, (int)ch);
            printf("}");
        }
        printf("}}");
    }
    printf(",\n  \"key_space_bits\": %" PRIu64 ", \"permutation_bits\": ", a->key_bits);
    jnum(a->perm_bits);
    printf("\n}\n");
}

int cmd_analyze(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    analysis *a = calloc(1, sizeof *a);
    if (!a) return cli_fail(NULL, mc_fail(MC_E_NOMEM, "out of memory"));
    a->seed = 1;
    int json = 0, npos = 0, rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--seed")) {
            char *end;
            errno = 0;
            if (i + 1 >= argc || argv[i + 1][0] == '-' ||
                (a->seed = strtoull(argv[i + 1], &end, 0), errno || *end || end == argv[i + 1]))
                rc = cli_usage_error("analyze", "--seed needs a non-negative integer");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("analyze", "unknown option '%s'", argv[i]);
        } else if (npos < 2) {
            a->path[npos++] = argv[i];
        } else {
            rc = cli_usage_error("analyze", "too many arguments");
        }
    }
    if (!rc && npos != 2) rc = cli_usage_error("analyze", "needs PLAIN and CIPHER images");
    for (int i = 0; i < 2 && !rc; i++) {
        mc_err e = img_read(a->path[i], &a->im[i]);
        if (e) rc = cli_fail(a->path[i], e);
    }
    if (!rc) {
        mc_err e = measure(a);
        if (e) rc = cli_fail(a->path[1], e);
    }
    if (!rc) {
        if (json)
            print_json(a);
        else
            print_table(a);
        if (fflush(stdout) != 0) rc = cli_fail("stdout", mc_fail(MC_E_IO, "write error"));
    }
    img_free(&a->im[0]);
    img_free(&a->im[1]);
    free(a);
    return rc;
}
