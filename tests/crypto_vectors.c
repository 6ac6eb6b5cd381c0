/* See crypto_vectors.h. Deliberately strict: an odd number of hex digits, a stray
 * character or an unknown line shape fails the load, so a damaged vector file cannot
 * silently test less. */
#include "crypto_vectors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = tolower(ch);
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

/* Decodes hex digits, skipping spaces; -1 on a bad character or odd count. */
static int decode_hex(const char *s, uint8_t **out, size_t *len)
{
    size_t cap = strlen(s) / 2 + 1, n = 0;
    uint8_t *b = malloc(cap);
    int hi = -1;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) continue;
        int v = hexval((unsigned char)*s);
        if (v < 0) {
            free(b);
            return -1;
        }
        if (hi < 0) {
            hi = v;
        } else {
            b[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        free(b);
        return -1;
    }
    if (n == 0) {
        free(b);
        b = NULL;
    }
    *out = b;
    *len = n;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

int cv_load(const char *rel, cv_record **out)
{
    const char *src = getenv("MC_SRCDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/vectors/%s", src ? src : ".", rel);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "cv_load: cannot open %s\n", path);
        return -1;
    }
    cv_record *recs = NULL;
    int n = 0, open_rec = 0, lineno = 0, bad = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        char *t = trim(line);
        if (*t == '#') continue;
        if (*t == 0) {
            open_rec = 0;
            continue;
        }
        if (!open_rec) {
            recs = realloc(recs, (size_t)(n + 1) * sizeof *recs);
            memset(&recs[n], 0, sizeof recs[n]);
            snprintf(recs[n].name, sizeof recs[n].name, "record %d", n + 1);
            n++;
            open_rec = 1;
        }
        cv_record *r = &recs[n - 1];
        char *eq = strchr(t, '=');
        if (!eq || r->nf == CV_MAX_FIELDS) {
            bad = 1;
            break;
        }
        *eq = 0;
        char *key = trim(t), *val = trim(eq + 1);
        if (strcmp(key, "NAME") == 0) {
            snprintf(r->name, sizeof r->name, "%s", val);
            continue;
        }
        cv_field *f = &r->f[r->nf];
        snprintf(f->key, sizeof f->key, "%s", key);
        if (decode_hex(val, &f->bytes, &f->len) != 0) {
            bad = 1;
            break;
        }
        r->nf++;
    }
    free(line);
    fclose(fp);
    if (bad) {
        fprintf(stderr, "cv_load: %s:%d: malformed line\n", path, lineno);
        cv_free(recs, n);
        return -1;
    }
    *out = recs;
    return n;
}

const cv_field *cv_get(const cv_record *r, const char *key)
{
    for (int i = 0; i < r->nf; i++)
        if (strcmp(r->f[i].key, key) == 0) return &r->f[i];
    return NULL;
}

void cv_free(cv_record *r, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < r[i].nf; j++) free(r[i].f[j].bytes);
    free(r);
}
