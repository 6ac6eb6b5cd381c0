/* See pk_vectors.h. */
#include "pk_vectors.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const char *vec_path(const char *rel)
{
    static char path[4096];
    const char *src = getenv("MC_SRCDIR");
    snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
    return path;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

vec_case *vec_load(const char *relpath, size_t *ncases)
{
    FILE *f = fopen(vec_path(relpath), "r");
    cr_assert_not_null(f, "cannot open %s (is MC_SRCDIR set?)", vec_path(relpath));
    size_t cap = 8, n = 0;
    vec_case *cs = calloc(cap, sizeof *cs);
    char *line = NULL;
    size_t lcap = 0;
    int open = 0;
    while (getline(&line, &lcap, f) != -1) {
        char *t = trim(line);
        if (*t == '#') continue;
        if (!*t) {
            if (open) n++;
            open = 0;
            continue;
        }
        char *eq = strchr(t, '=');
        cr_assert_not_null(eq, "%s: line without '=': %s", relpath, t);
        *eq = 0;
        if (!open) {
            if (n == cap) {
                cs = realloc(cs, 2 * cap * sizeof *cs);
                memset(cs + cap, 0, cap * sizeof *cs);
                cap *= 2;
            }
            open = 1;
        }
        vec_case *c = &cs[n];
        cr_assert_lt(c->n, 16);
        c->name[c->n] = strdup(trim(t));
        c->value[c->n] = strdup(trim(eq + 1));
        c->n++;
    }
    if (open) n++;
    free(line);
    fclose(f);
    *ncases = n;
    return cs;
}

void vec_free(vec_case *c, size_t ncases)
{
    for (size_t i = 0; i < ncases; i++)
        for (int j = 0; j < c[i].n; j++) {
            free(c[i].name[j]);
            free(c[i].value[j]);
        }
    free(c);
}

const char *vec_get(const vec_case *c, const char *name)
{
    for (int j = 0; j < c->n; j++)
        if (!strcmp(c->name[j], name)) return c->value[j];
    return NULL;
}

uint8_t *vec_hex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    cr_assert_eq(n % 2, 0, "odd-length hex string");
    uint8_t *b = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1, "bad hex");
        b[i] = (uint8_t)v;
    }
    *len = n / 2;
    return b;
}

static char tmpdir[64];

const char *vec_mktemp(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mc_pk_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    return tmpdir;
}

void vec_rmtemp(void) { cr_assert_eq(vec_sh("rm -rf '%s'", tmpdir), 0); }

int vec_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
