/* See batch.h: building the list of inputs and outputs, and progress lines.
 * Running the items is batch_local.c (threads) or src/mpi/mpi_batch.c (ranks). */
#include "cli/batch.h"
#include "cli/cli.h"
#include "nn/json.h"
#include "util/safefile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && !strcasecmp(name + n - e, ext);
}

/* Hidden files are skipped (our temporaries among them). A cipher image
 * without its envelope is listed all the same: decrypt reports it. */
static int wanted(const char *name, int want_cipher)
{
    if (name[0] == '.') return 0;
    if (!want_cipher)
        return has_ext(name, ".png") || has_ext(name, ".jpg") || has_ext(name, ".jpeg") || has_ext(name, ".dcm");
    return has_ext(name, ".png") || has_ext(name, ".dcm"); /* a cipher DICOM carries its envelope */
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static mc_err push(batch_list *b, size_t *cap, char *in)
{
    if (b->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        char **p = realloc(b->in, nc * sizeof *p);
        if (!p) return mc_fail(MC_E_NOMEM, "out of memory");
        b->in = p;
        *cap = nc;
    }
    b->in[b->n++] = in;
    return MC_OK;
}

static char *out_name(const char *dir, const char *in)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    const char *ext = has_ext(base, ".dcm") ? "dcm" : "png"; /* DICOM stays DICOM */
    size_t n = strlen(dir) + stem + 6;
    char *o = malloc(n);
    if (o) snprintf(o, n, "%s/%.*s.%s", dir, (int)stem, base, ext);
    return o;
}

mc_err batch_build(batch_list *b, char **inputs, int ninputs, const char *out_file,
                   const char *out_dir, int want_cipher)
{
    memset(b, 0, sizeof *b);
    size_t cap = 0;
    mc_err e = MC_OK;
    for (int i = 0; i < ninputs && !e; i++) {
        struct stat st;
        if (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(inputs[i]);
            if (!d) {
                e = mc_fail(MC_E_IO, "%s: cannot read directory: %s", inputs[i], strerror(errno));
                break;
            }
            size_t first = b->n;
            struct dirent *de;
            while (!e && (de = readdir(d))) {
                if (!wanted(de->d_name, want_cipher)) continue;
                size_t n = strlen(inputs[i]) + strlen(de->d_name) + 2;
                char *p = malloc(n);
                if (!p) {
                    e = mc_fail(MC_E_NOMEM, "out of memory");
                    break;
                }
                snprintf(p, n, "%s/%s", inputs[i], de->d_name);
                e = push(b, &cap, p);
                if (e) free(p);
            }
            closedir(d);
            /* b->in is still NULL when no directory so far held an image (UBSan: NULL + 0). */
            if (b->n > first) qsort(b->in + first, b->n - first, sizeof *b->in, cmp_str);
        } else {
            char *p = strdup(inputs[i]);
            e = p ? push(b, &cap, p) : mc_fail(MC_E_NOMEM, "out of memory");
            if (e) free(p);
        }
    }
    for (size_t i = 0; !e && i < b->n; i++) e = mc_safe_input(b->in[i]);
    if (!e && b->n == 0) e = mc_fail(MC_E_ARG, "no input images");
    if (!e && !out_dir && (b->n != 1 || !out_file))
        e = mc_fail(MC_E_ARG, "several inputs need an output directory (-O DIR)");
    if (!e) {
        b->out = calloc(b->n, sizeof *b->out);
        b->skip = calloc(b->n, 1);
        if (!b->out || !b->skip) e = mc_fail(MC_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; !e && i < b->n; i++) {
        b->out[i] = out_dir ? out_name(out_dir, b->in[i]) : strdup(out_file);
        if (!b->out[i]) e = mc_fail(MC_E_NOMEM, "out of memory");
    }
    if (e) batch_free(b);
    return e;
}

void batch_free(batch_list *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->in[i]);
        if (b->out) free(b->out[i]);
    }
    free(b->in);
    free(b->out);
    free(b->skip);
    memset(b, 0, sizeof *b);
}

/* ---- before any work ---- */

/* mkdir -p: each missing component, with the umask's mode. */
static mc_err make_dirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = MC_OK;
    for (char *q = p + 1;; q++) {
        if (*q && *q != '/') continue;
        char c = *q;
        *q = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            e = mc_fail(MC_E_IO, "%s: cannot create the output directory: %s", p, strerror(errno));
        else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            e = mc_fail(MC_E_IO, "%s: exists and is not a directory", p);
        *q = c;
        if (e || !c) break;
    }
    free(p);
    return e;
}

/* The directory of path, in buf. */
static void dir_of(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(buf, cap, ".");
    else if (slash == path) snprintf(buf, cap, "/");
    else snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

/* May out be written (an input is never replaced)? Names the file. */
static mc_err check_not_input(const char *out)
{
    mc_err e = mc_safe_check_output(out, 1);
    if (e != MC_E_ARG) return MC_OK;   /* other conditions are the item's to report */
    char why[600];
    snprintf(why, sizeof why, "%s", mc_errmsg(e));
    return mc_fail(e, "%s: %s", out, why);
}

mc_err batch_prepare(batch_list *b, const batch_opts *o, const char *out_dir)
{
    mc_err e = MC_OK;
    int oom = 0;
    const char *dup = nn_json_first_duplicate((const char *const *)b->out, b->n, 1, &oom);
    if (oom) return mc_fail(MC_E_NOMEM, "out of memory");
    if (dup) {
        size_t first = b->n, second = b->n;
        for (size_t i = 0; i < b->n; i++)
            if (!strcmp(b->out[i], dup)) {
                if (first == b->n) first = i;
                else if (second == b->n) second = i;
            }
        return mc_fail(MC_E_ARG, "%s and %s would both be written to %s: rename one, or use separate runs",
                       b->in[first], b->in[second], dup);
    }
    if (out_dir && (e = make_dirs(out_dir))) return e;
    /* An interrupted run's groups are completed first, so they count as done. */
    for (size_t i = 0; i < b->n; i++) {
        char dir[4096];
        int repaired = 0;
        dir_of(b->out[i], dir, sizeof dir);
        mc_safe_sweep(dir, &repaired);
        if (repaired)
            fprintf(stderr, "medchaos: %s: completed %d write%s interrupted in an earlier run\n", dir, repaired,
                    repaired > 1 ? "s" : "");
    }
    for (size_t i = 0; !e && i < b->n; i++) {
        char key[4096];
        snprintf(key, sizeof key, "%s.key", b->out[i]);
        e = check_not_input(b->out[i]);
        if (!e && o->pair) e = check_not_input(key);
        if (!e && o->skip_existing && !o->force)
            b->skip[i] = access(b->out[i], F_OK) == 0 && (!o->pair || access(key, F_OK) == 0);
    }
    return e;
}

int batch_option(int opt, const char *arg, batch_args *a, const char *cmd)
{
    const char **slot = NULL, *name = NULL;
    switch (opt) {
    case BATCH_OPT_FORCE: a->o.force = 1; return 0;
    case BATCH_OPT_SKIP: a->o.skip_existing = 1; return 0;
    case BATCH_OPT_JSON: slot = &a->o.json, name = "--json"; break;
    case 'o': slot = &a->out_file, name = "-o"; break;
    case 'O': slot = &a->out_dir, name = "-O"; break;
    case 'j': {
        char *end;
        errno = 0;
        long n = strtol(arg, &end, 10);
        if (errno || end == arg || *end || n < 1 || n > BATCH_MAX_JOBS)
            return cli_usage_error(cmd, "-j takes a number of jobs from 1 to %d, not '%s'", BATCH_MAX_JOBS, arg);
        a->o.jobs = (int)n;
        return 0;
    }
    default: return -1;
    }
    if (cli_set_once(slot, arg)) return cli_usage_error(cmd, "%s given twice with different values", name);
    return 0;
}

/* ---- after the work ---- */

static void add(nn_json_buf *j, const char *s) { nn_json_buf_add(j, s, strlen(s)); }

int batch_report(const batch_list *b, const batch_opts *o, const int *codes, char *const *reasons,
                 const char *verb)
{
    size_t done = 0, skipped = 0, failed = 0;
    int rc = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (codes[i] == BATCH_SKIPPED) skipped++;
        else if (codes[i]) failed++, rc = rc ? rc : codes[i];
        else done++;
    }
    if (b->n > 1) {
        fprintf(stderr, "medchaos %s: %zu done, %zu skipped (outputs exist), %zu failed\n", verb, done, skipped,
                failed);
        for (size_t i = 0; i < b->n; i++)
            if (codes[i] > 0)
                fprintf(stderr, "  failed: %s: %s\n", b->in[i],
                        reasons && reasons[i] ? reasons[i] : mc_strerror((mc_err)(codes[i] - 1)));
    }
    if (!o->json) return rc;
    nn_json_buf j = {NULL, 0, 0, 0};
    add(&j, "{\"command\": ");
    nn_json_buf_string(&j, verb);
    nn_json_buf_printf(&j, ", \"done\": %zu, \"skipped\": %zu, \"failed\": %zu, \"items\": [", done, skipped,
                       failed);
    for (size_t i = 0; i < b->n; i++) {
        add(&j, i ? ",\n  {\"input\": " : "\n  {\"input\": ");
        nn_json_buf_string(&j, b->in[i]);
        add(&j, ", \"output\": ");
        nn_json_buf_string(&j, b->out[i]);
        const char *status = codes[i] == BATCH_SKIPPED ? "skipped" : codes[i] ? "failed" : "done";
        add(&j, ", \"status\": ");
        nn_json_buf_string(&j, status);
        if (codes[i] > 0) {
            nn_json_buf_printf(&j, ", \"exit\": %d, \"error\": ", codes[i]);
            nn_json_buf_string(&j, reasons && reasons[i] ? reasons[i] : mc_strerror((mc_err)(codes[i] - 1)));
        }
        add(&j, "}");
    }
    add(&j, "\n]}\n");
    mc_err e = j.oom ? mc_fail(MC_E_NOMEM, "out of memory for the report")
                     : mc_write_file(o->json, j.p, j.len, MC_MODE_PUBLIC, 1);
    nn_json_buf_free(&j);
    if (e) {
        int jrc = cli_fail(o->json, e);
        if (!rc) rc = jrc;
    }
    return rc;
}

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void batch_progress(size_t done, size_t n, double t0, int tty, const char *verb, const char *item)
{
    double el = batch_now() - t0, rate = el > 0 ? done / el : 0, eta = rate > 0 ? (n - done) / rate : 0;
    if (tty) {
        int width = 30, fill = (int)(width * done / (n ? n : 1));
        fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu  %.1f img/s  ETA %.0fs ", verb, fill,
                "##############################", width - fill, "", done, n, rate, eta);
        if (done == n) fputc('\n', stderr);
    } else {
        fprintf(stderr, "%s %zu/%zu %s (%.1f img/s, ETA %.0fs)\n", verb, done, n, item, rate, eta);
    }
}
