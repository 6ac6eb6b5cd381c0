/* See keyguard.h. The registry is read whole at open and appended to under
 * flock(2) at commit; two runs committing at the same moment against one
 * registry may each miss the other's keys (the check reads before the run). */
#include "pipeline/keyguard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/hmac.h"
#include "crypto/random.h"
#include "pipeline/keymat.h"
#include "util/file.h"
#include "util/secure.h"

enum { FP_BYTES = 1 + 6 * 8, TAG = 32, ENTRY = 2 * TAG };
static const char magic[] = "medchaos-key-registry/1";

typedef struct {
    size_t item;
    uint8_t fp[FP_BYTES];     /* compact serialisation of the parameters */
    uint8_t file[32];         /* SHA-256 of the input file */
    uint8_t entry[ENTRY];     /* key tag ‖ image tag */
} guard_item;

struct keyguard {
    char *path;               /* registry, or NULL */
    uint8_t salt[32];
    uint8_t (*reg)[ENTRY];    /* the registry's entries, sorted */
    size_t nreg;
    guard_item *it;
    size_t n, cap;
};

static int unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < 2 * n; i++) {
        int c = s[i], v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) return -1;
        out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] << 4 | v : v);
    }
    return 0;
}

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", b[i]);
}

static int cmp_entry(const void *a, const void *b) { return memcmp(a, b, ENTRY); }

/* Create the registry: header and a fresh salt, mode 0600. Written whole to a
 * temporary file and then link(2)ed into place, so that a reader never sees a
 * half-written registry, and of two processes creating it at once (MPI ranks)
 * one wins and the other reads the winner's. *raced is set when another won. */
static mc_err registry_create(keyguard *g, int *raced)
{
    mc_err e = rand_bytes(g->salt, sizeof g->salt);
    if (e) return e;
    size_t n = strlen(g->path) + 8;
    char *tmp = malloc(n);
    if (!tmp) return mc_fail(MC_E_NOMEM, "out of memory");
    snprintf(tmp, n, "%s.XXXXXX", g->path);
    int fd = mkstemp(tmp);   /* mode 0600 */
    if (fd < 0) {
        e = mc_fail(MC_E_IO, "%s: cannot create the key registry: %s", g->path, strerror(errno));
        free(tmp);
        return e;
    }
    FILE *f = fdopen(fd, "w");
    int bad = !f;
    if (f) {
        fprintf(f, "%s\nsalt ", magic);
        put_hex(f, g->salt, sizeof g->salt);
        fputc('\n', f);
        bad = fflush(f) != 0 || fsync(fd) != 0;
        bad |= fclose(f) != 0;
    } else {
        close(fd);
    }
    if (!bad && link(tmp, g->path) != 0) {
        if (errno == EEXIST) *raced = 1;
        else bad = 1;
    }
    if (bad) e = mc_fail(MC_E_IO, "%s: cannot write the key registry: %s", g->path, strerror(errno));
    unlink(tmp);
    free(tmp);
    return e;
}

static mc_err registry_read(keyguard *g)
{
    struct stat st;
    if (stat(g->path, &st) != 0) {
        if (errno != ENOENT) return mc_fail(MC_E_IO, "%s: %s", g->path, strerror(errno));
        int raced = 0;
        mc_err e = registry_create(g, &raced);
        if (e || !raced) return e;
        if (stat(g->path, &st) != 0) return mc_fail(MC_E_IO, "%s: %s", g->path, strerror(errno));
    }
    /* Its tags let anyone holding it test guesses of metadata: keep it private, as a key file. */
    if (st.st_mode & 077)
        return mc_fail(MC_E_KEY, "%s: the key registry is accessible to others (mode %03o; chmod 600 it)", g->path,
                       (unsigned)(st.st_mode & 0777));
    unsigned char *buf;
    size_t len;
    mc_err e = mc_read_file(g->path, (size_t)1 << 30, &buf, &len);
    if (e) return e;
    size_t head = sizeof magic - 1, salt_line = 5 + 64 + 1, line = 2 * 64 + 2;
    if (len < head + 1 + salt_line || memcmp(buf, magic, head) || buf[head] != '\n' ||
        memcmp(buf + head + 1, "salt ", 5) || unhex((char *)buf + head + 6, g->salt, 32) ||
        buf[head + salt_line] != '\n' || (len - head - 1 - salt_line) % line) {
        free(buf);
        return mc_fail(MC_E_FORMAT, "%s: not a medchaos key registry", g->path);
    }
    size_t n = (len - head - 1 - salt_line) / line;
    g->reg = malloc((n ? n : 1) * sizeof *g->reg);
    if (!g->reg) {
        free(buf);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    const char *p = (const char *)buf + head + 1 + salt_line;
    for (size_t i = 0; i < n; i++, p += line)
        if (unhex(p, g->reg[i], TAG) || p[64] != ' ' || unhex(p + 65, g->reg[i] + TAG, TAG) || p[129] != '\n') {
            free(buf);
            return mc_fail(MC_E_FORMAT, "%s: line %zu of the key registry is malformed", g->path, i + 3);
        }
    g->nreg = n;
    qsort(g->reg, n, sizeof *g->reg, cmp_entry);
    free(buf);
    return MC_OK;
}

mc_err keyguard_open(keyguard **out, const char *registry)
{
    keyguard *g = calloc(1, sizeof *g);
    if (!g) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = MC_OK;
    if (registry && !(g->path = strdup(registry))) e = mc_fail(MC_E_NOMEM, "out of memory");
    if (!e && registry) e = registry_read(g);
    if (e) {
        keyguard_close(g);
        return e;
    }
    *out = g;
    return MC_OK;
}

/* HMAC-SHA-256(salt, label ‖ 0 ‖ fp [‖ file]). */
static void tag(const keyguard *g, const char *label, const guard_item *it, int with_file, uint8_t out[TAG])
{
    uint8_t msg[8 + FP_BYTES + 32];
    size_t n = strlen(label) + 1;
    memcpy(msg, label, n);
    memcpy(msg + n, it->fp, FP_BYTES);
    n += FP_BYTES;
    if (with_file) {
        memcpy(msg + n, it->file, 32);
        n += 32;
    }
    hmac_sha256(g->salt, sizeof g->salt, msg, n, out);
    mc_wipe(msg, sizeof msg);
}

mc_err keyguard_add(keyguard *g, size_t item, const chaos_params *p, const uint8_t file_sha256[32])
{
    if (g->n == g->cap) {
        size_t nc = g->cap ? 2 * g->cap : 16;
        guard_item *q = realloc(g->it, nc * sizeof *q);
        if (!q) return mc_fail(MC_E_NOMEM, "out of memory");
        g->it = q;
        g->cap = nc;
    }
    guard_item *it = &g->it[g->n++];
    memset(it, 0, sizeof *it);
    it->item = item;
    keymat k;
    memset(&k, 0, sizeof k);
    k.params = *p;
    keymat_write(&k, KEYMAT_COMPACT, it->fp);
    mc_wipe(&k, sizeof k);
    memcpy(it->file, file_sha256, 32);
    tag(g, "key", it, 0, it->entry);
    tag(g, "image", it, 1, it->entry + TAG);
    return MC_OK;
}

/* Does the registry hold this key tag for another file (and not for this one)? */
static int registry_hit(const keyguard *g, const uint8_t entry[ENTRY])
{
    if (bsearch(entry, g->reg, g->nreg, sizeof *g->reg, cmp_entry)) return 0;   /* this very file again */
    size_t lo = 0, hi = g->nreg;   /* first entry whose key tag is >= ours */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(g->reg[mid], entry, TAG) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->nreg && !memcmp(g->reg[lo], entry, TAG);
}

size_t keyguard_check(keyguard *g, keyguard_reuse *out, size_t cap)
{
    size_t found = 0;
    for (size_t a = 0; a < g->n; a++) {
        size_t b = KEYGUARD_REGISTRY;
        int hit = registry_hit(g, g->it[a].entry);
        /* Quadratic in the run's size, a few hundred million byte compares for
         * 10^4 images: small beside encrypting them. */
        for (size_t j = 0; j < a && !hit; j++)
            if (!memcmp(g->it[j].fp, g->it[a].fp, FP_BYTES) && memcmp(g->it[j].file, g->it[a].file, 32)) {
                b = g->it[j].item;
                hit = 1;
            }
        if (!hit) continue;
        if (found < cap) out[found] = (keyguard_reuse){g->it[a].item, b};
        found++;
    }
    return found;
}

mc_err keyguard_commit(keyguard *g)
{
    if (!g->path || !g->n) return MC_OK;
    int fd = open(g->path, O_WRONLY | O_APPEND);
    if (fd < 0) return mc_fail(MC_E_IO, "%s: cannot open the key registry: %s", g->path, strerror(errno));
    if (flock(fd, LOCK_EX) != 0) {
        close(fd);
        return mc_fail(MC_E_IO, "%s: cannot lock the key registry: %s", g->path, strerror(errno));
    }
    FILE *f = fdopen(fd, "a");
    if (!f) {
        close(fd);
        return mc_fail(MC_E_IO, "%s: %s", g->path, strerror(errno));
    }
    for (size_t i = 0; i < g->n; i++) {
        int seen = bsearch(g->it[i].entry, g->reg, g->nreg, sizeof *g->reg, cmp_entry) != NULL;
        for (size_t j = 0; j < i && !seen; j++) seen = !memcmp(g->it[j].entry, g->it[i].entry, ENTRY);
        if (seen) continue;
        put_hex(f, g->it[i].entry, TAG);
        fputc(' ', f);
        put_hex(f, g->it[i].entry + TAG, TAG);
        fputc('\n', f);
    }
    int bad = fflush(f) != 0 || fsync(fd) != 0;
    bad |= fclose(f) != 0;   /* also releases the lock */
    return bad ? mc_fail(MC_E_IO, "%s: cannot append to the key registry", g->path) : MC_OK;
}

void keyguard_close(keyguard *g)
{
    if (!g) return;
    if (g->it) mc_wipe(g->it, g->cap * sizeof *g->it);
    free(g->it);
    free(g->reg);
    free(g->path);
    mc_wipe(g->salt, sizeof g->salt);
    free(g);
}
