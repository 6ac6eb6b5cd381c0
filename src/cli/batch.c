/* See batch.h: building the list of inputs and outputs, and progress lines.
 * Running the items is batch_local.c (threads) or src/mpi/mpi_batch.c (ranks). */
#include "cli/batch.h"

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

static int wanted(const char *dir, const char *name, int want_cipher)
{
    if (name[0] == '.') return 0;
    if (!want_cipher) return has_ext(name, ".png") || has_ext(name, ".jpg") || has_ext(name, ".jpeg");
    if (!has_ext(name, ".png")) return 0;
    char key[4096];
    snprintf(key, sizeof key, "%s/%s.key", dir, name);
    return access(key, F_OK) == 0;
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
    size_t n = strlen(dir) + stem + 6;
    char *o = malloc(n);
    if (o) snprintf(o, n, "%s/%.*s.png", dir, (int)stem, base);
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
                if (!wanted(inputs[i], de->d_name, want_cipher)) continue;
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
            qsort(b->in + first, b->n - first, sizeof *b->in, cmp_str);
        } else {
            char *p = strdup(inputs[i]);
            e = p ? push(b, &cap, p) : mc_fail(MC_E_NOMEM, "out of memory");
            if (e) free(p);
        }
    }
    if (!e && b->n == 0) e = mc_fail(MC_E_ARG, "no input images");
    if (!e && !out_dir && (b->n != 1 || !out_file))
        e = mc_fail(MC_E_ARG, "several inputs need an output directory (-O DIR)");
    if (!e) {
        b->out = calloc(b->n, sizeof *b->out);
        if (!b->out) e = mc_fail(MC_E_NOMEM, "out of memory");
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
    memset(b, 0, sizeof *b);
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
