/* Reader for the chaos test vectors: the whole file is read into memory and
 * split into lines in place; values are parsed on demand. */
#include "chaos_vectors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

int cv_load(cv_file *f, const char *file)
{
    memset(f, 0, sizeof *f);
    const char *dir = getenv("MC_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/vectors/chaos/%s", dir ? dir : ".", file);
    uint8_t *buf;
    size_t len;
    if (mc_read_file(path, 1 << 20, &buf, &len) != MC_OK) return -1;
    f->text = realloc(buf, len + 1);
    if (!f->text) {
        free(buf);
        return -1;
    }
    f->text[len] = '\0';
    for (char *line = strtok(f->text, "\n"); line && f->n < CV_MAX_LINES; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0') continue;
        char *sp = strchr(line, ' ');
        f->name[f->n] = line;
        f->rest[f->n] = sp ? sp + 1 : "";
        if (sp) *sp = '\0';
        f->n++;
    }
    return 0;
}

void cv_free(cv_file *f)
{
    free(f->text);
    memset(f, 0, sizeof *f);
}

const char *cv_get(const cv_file *f, const char *name, size_t nth)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->name[i], name) == 0 && nth-- == 0) return f->rest[i];
    return NULL;
}

size_t cv_count(const cv_file *f, const char *name)
{
    size_t c = 0;
    for (size_t i = 0; i < f->n; i++) c += strcmp(f->name[i], name) == 0;
    return c;
}

size_t cv_doubles(const char *s, double *out, size_t max)
{
    size_t k = 0;
    char *end;
    while (s && k < max) {
        double v = strtod(s, &end);
        if (end == s) break;
        out[k++] = v;
        s = end;
    }
    return k;
}

size_t cv_u32s(const char *s, uint32_t *out, size_t max)
{
    size_t k = 0;
    char *end;
    while (s && k < max) {
        unsigned long v = strtoul(s, &end, 10);
        if (end == s) break;
        out[k++] = (uint32_t)v;
        s = end;
    }
    return k;
}

size_t cv_hex(const char *s, uint8_t *out, size_t max)
{
    size_t k = 0;
    while (s && k < max && isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
        char pair[3] = {s[0], s[1], 0};
        out[k++] = (uint8_t)strtoul(pair, NULL, 16);
        s += 2;
    }
    return k;
}

int cv_params(const cv_file *f, chaos_params *p)
{
    memset(p, 0, sizeof *p);
    const char *m = cv_get(f, "map", 0), *v = cv_get(f, "v", 0);
    if (!m || !v || chaos_map_parse(m, &p->map) != MC_OK) return -1;
    size_t want = p->map == CHAOS_LOGISTIC ? 2 : 6;
    return cv_doubles(v, p->v, 6) == want ? 0 : -1;
}
