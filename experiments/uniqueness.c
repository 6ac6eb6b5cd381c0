/* The uniqueness experiment behind `make uniqueness` (issue 15): does every
 * image get its own key, as the paper claims ("no key reuse")? For the four
 * variants, several teachers and budgets and several seeds, it trains the key
 * network, runs at least 10^4 distinct metadata records through it (training
 * records, held-out ones, and the adversarial neighbours of uniq_count.h) and
 * counts distinct parameter sets and distinct key material, without and with
 * the record bound into the parameters (keynet_bind_unit). Writes
 * OUT/uniqueness.{md,csv,tex}, OUT/uniqueness_seeds.csv and the figure
 * OUT/figures/uniqueness_days.png (network output against the time of day).
 * Trained networks go to OUT/models/uniqueness and are reused on a rerun. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "experiments/table.h"
#include "experiments/uniq_count.h"
#include "keynet/train.h"

typedef struct {
    keynet_teacher teacher;
    int epochs, samples;
    double spread;   /* anti-collapse weight (keynet_train_cfg.spread) */
    int seeds;       /* at most this many seeds (0: all) */
} option;

typedef struct {
    const char *label;
    chaos_map map;
    nn_arch arch;   /* 0: the teacher alone, no network */
} variant;

static const variant variants[] = {
    {"Logistic+ResNet-18", CHAOS_LOGISTIC, NN_RESNET18},
    {"Logistic+MobileNetV2", CHAOS_LOGISTIC, NN_MOBILENETV2},
    {"Lorenz+ResNet-18", CHAOS_LORENZ, NN_RESNET18},
    {"Lorenz+MobileNetV2", CHAOS_LORENZ, NN_MOBILENETV2},
    {"Logistic, teacher alone", CHAOS_LOGISTIC, 0},
    {"Lorenz, teacher alone", CHAOS_LORENZ, 0},
};
enum { NVAR = sizeof variants / sizeof *variants, NNET = 4, MAXSEEDS = 16, MAXOPT = 8 };

typedef struct {
    const char *out;
    int full, size, batch, nseeds, nopt;
    int train_only;   /* --train-only: fill the model cache (e.g. from a second process), count nothing */
    size_t records;
    option opt[MAXOPT];
} config;

static void die(const char *what, mc_err e)
{
    fprintf(stderr, "uniqueness: %s: %s\n", what, mc_errmsg(e));
    exit(1);
}

static void ensure_dir(const char *p)
{
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "uniqueness: cannot create %s: %s\n", p, strerror(errno));
        exit(1);
    }
}

static uint64_t seed_of(int s) { return 20240501u + (uint64_t)s; }

static const char *option_label(const option *o)
{
    return o->spread > 0 ? cell("%s+spread %g (%d×%d)", keynet_teacher_name(o->teacher), o->spread, o->epochs, o->samples)
                         : cell("%s (%d×%d)", keynet_teacher_name(o->teacher), o->epochs, o->samples);
}

/* Train one network unless it is there already; load it into k. */
static void network(const config *c, const variant *v, const option *o, uint64_t seed, keynet *k)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/models/uniqueness/%s-%s-%s%s-e%d-n%d-S%d-s%llu.safetensors", c->out,
             chaos_map_name(v->map), nn_arch_name(v->arch), keynet_teacher_name(o->teacher),
             o->spread > 0 ? cell("-spread%g", o->spread) : "", o->epochs, o->samples, c->size, (unsigned long long)seed);
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
    } else {
        keynet_train_cfg cfg;
        keynet_train_defaults(&cfg);
        cfg.arch = v->arch;
        cfg.map = v->map;
        cfg.teacher = o->teacher;
        cfg.size = c->size;
        cfg.epochs = o->epochs;
        cfg.samples = o->samples;
        cfg.batch = c->batch;
        cfg.seed = seed;
        cfg.spread = o->spread;
        keynet_progress fin;
        mc_err e = keynet_train(&cfg, NULL, 0, path, 0, NULL, NULL, &fin);
        if (e) die(path, e);
        printf("    trained %s: train loss %.4f, validation loss %.4f\n", path, fin.train_loss, fin.val_loss);
    }
    mc_err e = keynet_load(k, path);
    if (e) die(path, e);
}

typedef struct {
    uniq_stats s[MAXSEEDS];
    size_t clamped[MAXSEEDS];   /* outputs outside [0,1], clamped to an edge */
} result;

/* Count one set of parameters. */
static void count(const uniq_record *r, size_t n, const chaos_params *p, uint8_t (*key)[32], uniq_stats *s)
{
    for (size_t i = 0; i < n; i++) {
        mc_err e = uniq_key_hash(&p[i], key[i]);
        if (e) die("key material", e);
    }
    mc_err e = uniq_count(r, p, (const uint8_t(*)[32])key, n, s);
    if (e) die("count", e);
}

static const char *range_zu(const uniq_stats *s, int ns, size_t off)
{
    size_t lo = SIZE_MAX, hi = 0;
    for (int i = 0; i < ns; i++) {
        size_t v = *(const size_t *)((const char *)&s[i] + off);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    return lo == hi ? cell("%zu", lo) : cell("%zu–%zu", lo, hi);
}

/* One row of the table: a variant, an option, bound or not, over the seeds. */
static int row(table *t, FILE *seeds_csv, const char *vlabel, const char *olabel, int bind, const result *res, int ns)
{
    const uniq_stats *s = res->s;
    size_t shared = 0, by[UNIQ_NCLASS] = {0}, n = s[0].n, clamped = 0;
    double min_rel = INFINITY, sep = -1;
    int holds = 0;
    for (int i = 0; i < ns; i++) {
        shared = s[i].shared > shared ? s[i].shared : shared;
        for (int c = 0; c < UNIQ_NCLASS; c++) by[c] = s[i].shared_by_class[c] > by[c] ? s[i].shared_by_class[c] : by[c];
        min_rel = fmin(min_rel, s[i].min_rel);
        sep = fmax(sep, s[i].max_sep_s);
        holds += s[i].distinct_keys == s[i].n;
        clamped = res->clamped[i] > clamped ? res->clamped[i] : clamped;
        fprintf(seeds_csv, "%s,%s,%s,%d,%zu,%zu,%zu,%zu,%zu,%.3g,%.0f,%zu\n", vlabel, olabel, bind ? "yes" : "no", i,
                s[i].n, s[i].distinct_params, s[i].distinct_keys, s[i].shared, s[i].largest, s[i].min_rel,
                s[i].max_sep_s, res->clamped[i]);
    }
    const char *sepcell = sep < 0 ? "none share" : sep < 1 ? "0 (same second)" : cell("%.0f", sep);
    const char *verdict = holds == ns ? cell("holds (%d/%d seeds)", holds, ns)
                                      : cell("fails: up to %zu of %zu records share a key", shared, n);
    const char *cells[] = {
        vlabel, olabel, bind ? "yes" : "no", cell("%d", ns), cell("%zu", n),
        range_zu(s, ns, offsetof(uniq_stats, distinct_params)), range_zu(s, ns, offsetof(uniq_stats, distinct_keys)),
        cell("%zu", shared),
        cell("%zu / %zu / %zu / %zu", by[UNIQ_SECONDS] + by[UNIQ_DAYS], by[UNIQ_SLICES], by[UNIQ_SUBSEC],
             by[UNIQ_TRAIN] + by[UNIQ_HELDOUT]),
        min_rel == INFINITY ? "—" : cell("%.2g", min_rel), sepcell, cell("%zu", clamped), "no key reuse", verdict};
    table_row(t, cells);
    return holds == ns;
}

/* The figure's data: hours since 2021-06-01 00:00 and the first output of every
 * variant's seed-0 network for each option, then the teachers' own targets. */
static void figure(const config *c, const uniq_record *r, size_t n, float *days[NNET][MAXOPT])
{
    char p[1024];
    snprintf(p, sizeof p, "%s/figures/uniqueness_days.txt", c->out);
    FILE *f = fopen(p, "w");
    if (!f) return;
    size_t k = 0;
    double t0 = -1;
    for (size_t i = 0; i < n; i++) {
        if (r[i].cls != UNIQ_DAYS) continue;
        if (t0 < 0) t0 = r[i].t;   /* 2021-06-01 00:00, the class's first record */
        fprintf(f, "%.5f", (r[i].t - t0) / 3600.0);
        for (int v = 0; v < NNET; v++)
            for (int o = 0; o < c->nopt; o++) fprintf(f, " %.9g", days[v][o][k]);
        for (int o = 0; o < c->nopt; o++) {
            double u[3];
            keynet_teacher_unit(c->opt[o].teacher, CHAOS_LOGISTIC, &r[i].m, u);
            fprintf(f, " %.9g", u[0]);
        }
        fprintf(f, "\n");
        k++;
    }
    fclose(f);
    snprintf(p, sizeof p, "%s/figures/uniqueness.gp", c->out);
    FILE *gp = fopen(p, "w");
    if (!gp) return;
    fprintf(gp, "# gnuplot script written by experiments/uniqueness; run from %s/figures\n"
                "set terminal pngcairo size 1100,750 font 'sans,9'\nset output 'uniqueness_days.png'\n"
                "set multiplot layout 2,2 title 'Key network: first output u0 against time, 2021-06-01..03 "
                "(every 2 min, seed 0; the dashed line is the teacher target)'\n"
                "set xlabel 'hours since 2021-06-01 00:00'\nset ylabel 'u0 (network output)'\nset xtics 12\n"
                "set key bottom right font ',8'\n", c->out);
    for (int v = 0; v < NNET; v++) {
        fprintf(gp, "set title '%s'\nplot ", variants[v].label);
        for (int o = 0; o < c->nopt && o < 4; o++)   /* the quick-budget options */
            fprintf(gp, "%s'uniqueness_days.txt' using 1:%d with lines lw 1 title '%s'", o ? ", " : "",
                    2 + v * c->nopt + o, option_label(&c->opt[o]));
        if (variants[v].map == CHAOS_LOGISTIC)
            fprintf(gp, ", 'uniqueness_days.txt' using 1:%d with lines dt 2 lc rgb 'gray' title 'fourier target'",
                    2 + NNET * c->nopt);
        fprintf(gp, "\n");
    }
    fprintf(gp, "unset multiplot\n");
    fclose(gp);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "command -v gnuplot >/dev/null 2>&1 && cd '%s/figures' && gnuplot uniqueness.gp", c->out);
    if (system(cmd) != 0) printf("  gnuplot not available or failed: no figure drawn\n");
}

int main(int argc, char **argv)
{
    config c = {.out = "results", .size = 32, .batch = 16, .nseeds = 3, .records = 10000};
    setvbuf(stdout, NULL, _IOLBF, 0);
    int budget = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full")) c.full = 1;
        else if (!strcmp(argv[i], "--quick")) c.full = 0;
        else if (!strcmp(argv[i], "--no-budget")) budget = 0;
        else if (!strcmp(argv[i], "--train-only")) c.train_only = 1;
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) c.out = argv[++i];
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc) c.nseeds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--records") && i + 1 < argc) c.records = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: uniqueness [--quick|--full] [--no-budget] [--train-only] [--seeds N] [--records N] "
                            "[--out DIR]\n");
            return 2;
        }
    }
    if (c.nseeds < 1 || c.nseeds > MAXSEEDS) c.nseeds = 3;
    /* quick: reproduce --quick's budget (32×32, 3 epochs, 256 records) for the three
     * teachers, and a longer budget (10 epochs, 512 records) for two of them;
     * full: reproduce --full's (224×224, 20 epochs, 2048 records). */
    int ep = c.full ? 20 : 3, ns = c.full ? 2048 : 256;
    if (c.full) c.size = 224;
    c.opt[c.nopt++] = (option){KEYNET_TEACHER_FOURIER, ep, ns, 0, 0};
    c.opt[c.nopt++] = (option){KEYNET_TEACHER_HASH, ep, ns, 0, 0};
    c.opt[c.nopt++] = (option){KEYNET_TEACHER_SMOOTH, ep, ns, 0, 0};
    c.opt[c.nopt++] = (option){KEYNET_TEACHER_HASH, ep, ns, 1.0, 0};
    if (!c.full && budget) {
        /* One seed: seven times the training, on a shared 2-core machine. */
        c.opt[c.nopt++] = (option){KEYNET_TEACHER_FOURIER, 10, 512, 0, 1};
        c.opt[c.nopt++] = (option){KEYNET_TEACHER_HASH, 10, 512, 0, 1};
    }
    char p[1024];
    ensure_dir(c.out);
    snprintf(p, sizeof p, "%s/models", c.out);
    ensure_dir(p);
    snprintf(p, sizeof p, "%s/models/uniqueness", c.out);
    ensure_dir(p);
    snprintf(p, sizeof p, "%s/figures", c.out);
    ensure_dir(p);
    printf("uniqueness (%s): %d×%d input, %d seeds, %zu records per seed\n", c.full ? "full" : "quick", c.size, c.size,
           c.nseeds, c.records);

    static result res[NVAR][MAXOPT][2];
    float *days[NNET][MAXOPT] = {{0}};
    uniq_record *fig_r = NULL;
    size_t fig_n = 0;
    for (int s = 0; s < c.nseeds; s++) {
        for (int o = 0; o < c.nopt; o++) {
            if (c.opt[o].seeds && s >= c.opt[o].seeds) continue;
            if (c.train_only) {
                for (int v = 0; v < NNET; v++) {
                    keynet k;
                    network(&c, &variants[v], &c.opt[o], seed_of(s), &k);
                    keynet_free(&k);
                }
                continue;
            }
            uniq_record *r;
            size_t n;
            mc_err e = uniq_records(seed_of(s), c.opt[o].samples, c.records, &r, &n);
            if (e) die("records", e);
            chaos_params *prm = malloc(n * sizeof *prm);
            uint8_t(*key)[32] = malloc(n * sizeof *key);
            float *out = malloc(n * 3 * sizeof *out);
            if (!prm || !key || !out) die("records", MC_E_NOMEM);
            for (int v = 0; v < NVAR; v++) {
                double t0 = (double)clock() / CLOCKS_PER_SEC;
                if (!variants[v].arch) {
                    /* The teacher alone is not trained: one row per option's teacher, first budget only. */
                    if (o >= 3) continue;
                    for (size_t i = 0; i < n; i++)
                        if ((e = keynet_teacher_params(c.opt[o].teacher, variants[v].map, &r[i].m, &prm[i]))) die("teacher", e);
                    count(r, n, prm, key, &res[v][o][0].s[s]);
                    continue;
                }
                keynet k;
                network(&c, &variants[v], &c.opt[o], seed_of(s), &k);
                if ((e = uniq_network_outputs(&k, r, n, out))) die("network", e);
                int K = keynet_outputs(k.map);
                for (size_t i = 0; i < n * K; i++) res[v][o][0].clamped[s] += !(out[i] >= 0 && out[i] <= 1);
                res[v][o][1].clamped[s] = res[v][o][0].clamped[s];
                for (int b = 0; b < 2; b++) {
                    if ((e = uniq_params(&k, b, r, n, out, prm))) die("parameters", e);
                    count(r, n, prm, key, &res[v][o][b].s[s]);
                }
                if (s == 0) {
                    days[v][o] = malloc(n * sizeof(float));
                    size_t m = 0;
                    for (size_t i = 0; i < n; i++)
                        if (r[i].cls == UNIQ_DAYS) days[v][o][m++] = out[i * K];
                }
                printf("  seed %d %-22s %-22s distinct keys %zu / %zu unbound, %zu bound (%.0f s)\n", s,
                       variants[v].label, option_label(&c.opt[o]), res[v][o][0].s[s].distinct_keys, n,
                       res[v][o][1].s[s].distinct_keys, (double)clock() / CLOCKS_PER_SEC - t0);
                keynet_free(&k);
            }
            free(prm);
            free(key);
            free(out);
            if (s == 0 && o == 0) {
                fig_r = r;
                fig_n = n;
            } else {
                free(r);
            }
        }
    }

    if (c.train_only) return 0;
    static const char *const cols[] = {"variant", "teacher (epochs×records)", "record bound", "seeds", "records",
                                       "distinct parameter sets", "distinct keys", "records sharing a key (max)",
                                       "sharing: seconds / slices / sub-second / random", "min distance (relative)",
                                       "max Δt sharing a key (s)", "outputs clamped", "paper", "verdict"};
    table t;
    snprintf(p, sizeof p, "%s/uniqueness_seeds.csv", c.out);
    FILE *seeds_csv = fopen(p, "w");
    if (!seeds_csv || table_open(&t, c.out, "uniqueness", "One key per image? Distinct keys over distinct metadata records",
                                 cols, (int)(sizeof cols / sizeof *cols))) {
        fprintf(stderr, "uniqueness: cannot write the tables in %s\n", c.out);
        return 1;
    }
    fprintf(seeds_csv, "variant,teacher,bound,seed,records,distinct_params,distinct_keys,shared,largest,min_rel,"
                       "max_sep_s,clamped\n");
    int default_holds = 1, unbound_holds = 1;
    for (int v = 0; v < NVAR; v++)
        for (int o = 0; o < c.nopt; o++)
            for (int b = 0; b < 2; b++) {
                if (!variants[v].arch && (b || o >= 3)) continue;
                int ns = c.opt[o].seeds && c.opt[o].seeds < c.nseeds ? c.opt[o].seeds : c.nseeds;
                int h = row(&t, seeds_csv, variants[v].label,
                            variants[v].arch ? option_label(&c.opt[o]) : keynet_teacher_name(c.opt[o].teacher), b,
                            &res[v][o][b], ns);
                if (variants[v].arch && o == 0) {
                    if (b) default_holds &= h;
                    else unbound_holds &= h;
                }
            }
    fclose(seeds_csv);
    char notes[2048];
    snprintf(notes, sizeof notes,
             "Generated by experiments/uniqueness (%s budget, %d×%d input). Each seed: its training records, "
             "held-out records, one hour of consecutive seconds across midnight, 500 slices of one series "
             "(one time, distinct SOPInstanceUIDs), 200 sub-second times and three days every 2 minutes; "
             "all canonical strings distinct. Parameter sets are compared as bit patterns; keys are SHA-256 of "
             "the full key material for a %d×%d image. Ranges are min–max over seeds; 'records sharing a key' and "
             "its split are the worst seed. Min distance: smallest max-over-parameters |Δv|/|v| between two "
             "distinct parameter sets (1e-16 is one ulp). 'record bound': keynet_bind_unit mixes SHA-256 of the "
             "record into the bits below 2^-20 (beyond the paper). Verdict for the default (fourier teacher, "
             "bound): %s; the same networks unbound: %s.",
             c.full ? "full" : "quick", c.size, c.size, UNIQ_SIDE, UNIQ_SIDE,
             default_holds ? "no key reuse in any seed of any variant" : "KEY REUSE FOUND",
             unbound_holds ? "no key reuse either" : "key reuse in some seed or variant");
    table_close(&t, notes);
    figure(&c, fig_r, fig_n, days);
    for (int v = 0; v < NNET; v++)
        for (int o = 0; o < c.nopt; o++) free(days[v][o]);
    free(fig_r);
    printf("done: %s/uniqueness.md (and .csv, .tex), %s/uniqueness_seeds.csv, %s/figures/uniqueness_days.png\n", c.out,
           c.out, c.out);
    return 0;
}
