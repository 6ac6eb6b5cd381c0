/* medchaos nist: run the SP 800-22 battery on the bits of a file, cut into M
 * sequences of N bits, and print sts's finalAnalysisReport-style summary:
 * proportion passing at α = 0.01 with its acceptable range, and the
 * uniformity P-value of each P-value slot (§4.2). */
#include "chaos/chaos.h"
#include "cli/cli.h"
#include "pipeline/keysrc.h"
#include "nist/nist.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIST_ALPHA 0.01
#define NIST_FILE_MAX ((size_t)1 << 31)

static void usage(void)
{
    printf("usage: medchaos nist (FILE | --keystream MAP:PARAMS) [--bits N] [--streams M] [--json]\n\n"
           "Run the fifteen NIST SP 800-22 rev. 1a tests (188 P-values with sts's default\n"
           "parameters) on M sequences of N bits read from FILE. Bytes become bits most\n"
           "significant bit first. Default N = 1000000; default M = as many N-bit\n"
           "sequences as FILE holds (at least 1). N below 10^6 is allowed with a warning:\n"
           "some tests then do not apply and are reported as such.\n\n"
           "For each P-value the report gives the histogram of P-values over ten bins,\n"
           "the uniformity P-value (χ² over the bins, §4.2.2; needs M ≥ 55 to mean much),\n"
           "and the proportion passing at α = 0.01 with its acceptable range\n"
           "p̂ ± 3√(p̂(1−p̂)/M), p̂ = 0.99 (§4.2.1). A '*' marks a failure of either.\n\n"
           "  --bits N      bits per sequence (default 1000000)\n"
           "  --streams M   number of sequences (default: all that fit)\n"
           "  --json        machine-readable output on stdout\n"
           "  --keystream MAP:PARAMS  test the cipher's keystream for these parameters instead of\n"
           "                a file, e.g. logistic:3.99,0.3 or lorenz:1,1,20 (M streams of N bits, one orbit)\n"
           "  --write FILE  with --keystream: write the M×N keystream bits to FILE instead of testing\n");
}

/* Print s as a JSON string literal. */
static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || v == 0 || s[0] == '-') return -1;
    *out = (size_t)v;
    return 0;
}

/* One row of the report: one P-value slot of one test over all streams. */
typedef struct {
    nist_test test;
    size_t slot;
    double *p;     /* P-values of the streams where the test applied */
    size_t count;
} slot_values;

int cmd_nist(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    const char *path = NULL, *keystream = NULL, *write_to = NULL;
    size_t nbits = 1000000, streams = 0;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bits") && i + 1 < argc) {
            if (parse_size(argv[++i], &nbits)) return cli_usage_error("nist", "--bits needs a positive integer, got '%s'", argv[i]);
        } else if (!strcmp(argv[i], "--streams") && i + 1 < argc) {
            if (parse_size(argv[++i], &streams)) return cli_usage_error("nist", "--streams needs a positive integer, got '%s'", argv[i]);
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--keystream") && i + 1 < argc) {
            keystream = argv[++i];
        } else if (!strcmp(argv[i], "--write") && i + 1 < argc) {
            write_to = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("nist", "unknown or incomplete option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage_error("nist", "more than one FILE");
        }
    }
    if (!path == !keystream) return cli_usage_error("nist", "give a FILE or --keystream MAP:PARAMS");

    unsigned char *data = NULL;
    size_t len = 0;
    mc_err err;
    if (keystream) {
        /* The cipher's own keystream (zkey) for the given parameters: the
         * sequences the paper's cipher XORs into the image (docs/CIPHER.md). */
        path = keystream;
        char mapname[16];
        size_t n = strcspn(keystream, ":");
        chaos_params p;
        chaos_map map;
        snprintf(mapname, sizeof mapname, "%.*s", (int)(n < 15 ? n : 15), keystream);
        if (!keystream[n] || chaos_map_parse(mapname, &map))
            return cli_usage_error("nist", "--keystream takes MAP:PARAMS, e.g. logistic:3.99,0.3 or lorenz:1,1,20");
        if ((err = keysrc_parse_params(keystream + n + 1, map, &p))) return cli_fail(keystream, err);
        if (!streams) streams = 1;
        len = (nbits * streams + 7) / 8;
        uint32_t xi, yi;
        data = malloc(len ? len : 1);
        if (!data) return cli_fail(keystream, mc_fail(MC_E_NOMEM, "out of memory"));
        if ((err = chaos_keys(&p, 1, 1, len, &xi, &yi, data))) {
            free(data);
            return cli_fail(keystream, err);
        }
        if (write_to) {
            /* Raw keystream bytes for other batteries (dieharder -g 201 -f FILE). */
            err = mc_write_file(write_to, data, len, MC_MODE_PUBLIC, 1);
            free(data);
            return err ? cli_fail(write_to, err) : 0;
        }
    } else if ((err = mc_read_file(path, NIST_FILE_MAX, &data, &len))) {
        return cli_fail(path, err);
    }
    size_t have = len * 8;
    if (streams == 0) streams = have / nbits ? have / nbits : 1;
    if (have < nbits * streams || nbits * streams / streams != nbits) {
        free(data);
        return cli_fail(path, mc_fail(MC_E_TRUNCATED, "%zu bits, need %zu stream(s) × %zu bits (--bits sets a shorter length)",
                                      have, streams, nbits));
    }
    if (nbits < 1000000)
        fprintf(stderr, "medchaos nist: warning: %zu bits per sequence is below the 10^6 that several tests "
                        "recommend; those are reported as not applicable\n", nbits);
    if (nbits % 8)
        fprintf(stderr, "medchaos nist: note: sequences start mid-byte (N not a multiple of 8)\n");

    /* Run the battery on each stream (copied to a byte-aligned buffer). */
    nist_report *rep = malloc(sizeof *rep);
    double *pv = malloc(streams * NIST_NTESTS * NIST_MAX_P * sizeof *pv);
    unsigned char *status = malloc(streams * NIST_NTESTS);
    uint8_t *buf = malloc((nbits + 7) / 8);
    char first_reason[NIST_NTESTS][96] = {{0}};
    size_t slots[NIST_NTESTS] = {0};
    if (!rep || !pv || !status || !buf) {
        err = mc_fail(MC_E_NOMEM, "%zu streams", streams);
        goto out;
    }
    for (size_t k = 0; k < streams; k++) {
        size_t start = k * nbits;
        memset(buf, 0, (nbits + 7) / 8);
        for (size_t i = 0; i < nbits; i++) {
            size_t b = start + i;
            if (data[b / 8] >> (7 - b % 8) & 1) buf[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        }
        if ((err = nist_run_all(buf, nbits, rep))) goto out;
        for (int t = 0; t < NIST_NTESTS; t++) {
            status[k * NIST_NTESTS + t] = rep->status[t] == MC_OK;
            if (rep->status[t] != MC_OK && !first_reason[t][0])
                memcpy(first_reason[t], rep->reason[t], sizeof first_reason[t]);
            for (size_t i = 0; i < rep->result[t].np; i++)
                pv[(k * NIST_NTESTS + t) * NIST_MAX_P + i] = rep->result[t].p[i];
            if (rep->result[t].np > slots[t]) slots[t] = rep->result[t].np;
        }
    }

    /* P-values per test: as many as any stream produced (0 when the test never
     * applied, which then prints as one "not applicable" row). */
    double *col = malloc(streams * sizeof *col);
    if (!col) {
        err = mc_fail(MC_E_NOMEM, "report");
        goto out;
    }
    size_t rows = 0, failed_rows = 0, na_rows = 0;
    if (json) {
        printf("{\"file\": ");
        json_string(path);
        printf(", \"bits\": %zu, \"streams\": %zu, \"alpha\": %.2f, \"results\": [", nbits, streams, NIST_ALPHA);
    }
    else
        printf("NIST SP 800-22 rev. 1a: %s, %zu stream(s) of %zu bits, alpha = %.2f\n\n"
               " C1  C2  C3  C4  C5  C6  C7  C8  C9 C10  P-VALUE  PROPORTION  RANGE            TEST\n",
               path, streams, nbits, NIST_ALPHA);
    for (int t = 0; t < NIST_NTESTS; t++) {
        for (size_t sl = 0; sl < (slots[t] ? slots[t] : 1); sl++) {
            size_t c = 0;
            for (size_t k = 0; k < streams; k++)
                if (status[k * NIST_NTESTS + t]) col[c++] = pv[(k * NIST_NTESTS + t) * NIST_MAX_P + sl];
            char label[64];
            nist_slot_label((nist_test)t, sl, label, sizeof label);
            if (c == 0) {
                if (json) {
                    printf("%s\n  {\"test\": \"%s\", \"applicable\": 0, \"reason\": ", rows ? "," : "", label);
                    json_string(first_reason[t]);
                    printf("}");
                }
                else if (sl == 0)
                    printf("  ---- not applicable: %s\n", first_reason[t]);
                rows++;
                na_rows++;
                continue;
            }
            nist_summary s;
            nist_summarize(col, c, NIST_ALPHA, &s);
            int bad_prop = s.proportion < s.lo, bad_unif = c >= 55 && s.uniformity < 0.0001;
            failed_rows += bad_prop || bad_unif;
            if (json) {
                printf("%s\n  {\"test\": \"%s\", \"applicable\": %zu, \"passed\": %zu, \"proportion\": %.6f, "
                       "\"range\": [%.6f, %.6f], \"uniformity\": %.6f, \"bins\": [",
                       rows ? "," : "", label, c, s.passed, s.proportion, s.lo, s.hi, s.uniformity);
                for (int b = 0; b < 10; b++) printf("%s%zu", b ? ", " : "", s.bins[b]);
                printf("]");
                if (c == 1) printf(", \"p\": %.6f", col[0]); /* one stream: its P-value */
                printf("}");
            } else {
                for (int b = 0; b < 10; b++) printf("%3zu ", s.bins[b]);
                printf(" %.6f%c %5zu/%-5zu  [%.4f, %.4f]%c %s\n", s.uniformity, bad_unif ? '*' : ' ', s.passed, c,
                       s.lo, s.hi, bad_prop ? '*' : ' ', label);
            }
            rows++;
        }
    }
    if (json)
        printf("\n], \"rows\": %zu, \"not_applicable_rows\": %zu, \"failed_rows\": %zu}\n", rows, na_rows,
               failed_rows);
    else
        printf("\n%zu of %zu applicable P-value rows outside the acceptable proportion or uniformity (*).\n"
               "Uniformity is judged only with at least 55 streams (§4.2.2); with one stream the\n"
               "proportion is 0 or 1 and --json gives the P-value itself.\n",
               failed_rows, rows - na_rows);
    free(col);
out:
    free(data);
    free(rep);
    free(pv);
    free(status);
    free(buf);
    return err ? cli_fail(path, err) : 0;
}
