/* See uniq_count.h. Counting sorts the records' parameter bit patterns and
 * key-material hashes and walks the groups of equal ones. */
#include "experiments/uniq_count.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "keynet/train.h"
#include "pipeline/keymat.h"

const char *uniq_class_name(uniq_class c)
{
    static const char *const names[UNIQ_NCLASS] = {"training", "held-out", "consecutive seconds", "slices",
                                                   "sub-second", "three days"};
    return names[c];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the inverse of
 * civil_from_days in src/keynet/train.c; H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static double seconds_of(const meta_record *m)
{
    return (double)days_from_civil(m->year, m->month, m->day) * 86400.0 + m->hour * 3600.0 + m->minute * 60.0 +
           m->second + m->usec * 1e-6;
}

/* Record `sec` seconds after midnight of y-mo-d (sec may pass midnight: within the month). */
static meta_record at(int y, int mo, int d, long sec)
{
    meta_record m;
    memset(&m, 0, sizeof m);
    m.year = y, m.month = mo, m.day = d + (int)(sec / 86400);
    m.hour = (int)(sec % 86400 / 3600), m.minute = (int)(sec % 3600 / 60), m.second = (int)(sec % 60);
    m.src = META_SRC_MANUAL;
    return m;
}

typedef struct {
    char canon[META_CANON_MAX];
    size_t i;
} canon_ix;

static int cmp_canon(const void *a, const void *b)
{
    const canon_ix *x = a, *y = b;
    int c = strcmp(x->canon, y->canon);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Keep the first record of each canonical string, in the original order. */
static size_t dedupe(uniq_record *r, size_t n)
{
    canon_ix *c = malloc(n * sizeof *c);
    char *keep = calloc(n, 1);
    if (!c || !keep) {
        free(c);
        free(keep);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        meta_canonical(&r[i].m, c[i].canon, sizeof c[i].canon);
        c[i].i = i;
    }
    qsort(c, n, sizeof *c, cmp_canon);
    for (size_t i = 0; i < n; i++) keep[c[i].i] = i == 0 || strcmp(c[i].canon, c[i - 1].canon) != 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i]) r[k++] = r[i];
    free(c);
    free(keep);
    return k;
}

mc_err uniq_records(uint64_t seed, int samples, size_t total, uniq_record **out, size_t *n)
{
    enum { SECONDS = 3600, SLICES = 500, SUBSEC = 200, DAYS = 3 * 720 };
    size_t fixed = (size_t)samples + SECONDS + SLICES + SUBSEC + DAYS;
    size_t held = total > fixed ? total - fixed : 0, cap = fixed + held + total / 50 + 64;
    uniq_record *r = calloc(cap, sizeof *r);
    if (!r) return mc_fail(MC_E_NOMEM, "out of memory");
    size_t k = 0;
    for (int i = 0; i < samples; i++, k++) {
        keynet_synthetic_record(seed, (uint64_t)i, &r[k].m);
        r[k].cls = UNIQ_TRAIN;
    }
    /* From 23:30:00 on 2019-03-14 to 00:29:59 the next day. */
    for (long s = 0; s < SECONDS; s++, k++) r[k] = (uniq_record){at(2019, 3, 14, 23 * 3600 + 1800 + s), UNIQ_SECONDS, 0};
    for (int i = 0; i < SLICES; i++, k++) {
        r[k] = (uniq_record){at(2015, 11, 24, 16 * 3600 + 54 * 60 + 47), UNIQ_SLICES, 0};
        char uid[META_UID_MAX + 1];
        snprintf(uid, sizeof uid, "1.2.826.0.1.3680043.8.498.%d", 1001 + i);
        mc_err e = meta_set_uid(&r[k].m, uid);
        if (e) {
            free(r);
            return e;
        }
    }
    for (int i = 0; i < SUBSEC; i++, k++) {
        r[k] = (uniq_record){at(2007, 2, 19, 12 * 3600 + 51 * 60 + 57), UNIQ_SUBSEC, 0};
        r[k].m.usec = 1000 * i + 1;
        r[k].m.subsec_digits = 6;
    }
    for (long s = 0; s < DAYS; s++, k++) r[k] = (uniq_record){at(2021, 6, 1, 120 * s), UNIQ_DAYS, 0};
    /* Held-out records until `total` distinct ones (rarely a draw repeats one). */
    uint64_t hseed = seed ^ 0x484F4C444F555421ull;
    uint64_t next = 0;
    size_t have = dedupe(r, k);
    while (have < total && have < cap) {
        k = have;
        while (k < cap && k < total + 16) {
            keynet_synthetic_record(hseed, next++, &r[k].m);
            r[k++].cls = UNIQ_HELDOUT;
        }
        have = dedupe(r, k);
        if (!have) {
            free(r);
            return mc_fail(MC_E_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < have; i++) r[i].t = seconds_of(&r[i].m);
    *out = r;
    *n = have;
    return MC_OK;
}

mc_err uniq_network_outputs(keynet *k, const uniq_record *r, size_t n, float *out)
{
    meta_record *m = malloc((n ? n : 1) * sizeof *m);
    if (!m) return mc_fail(MC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) m[i] = r[i].m;
    mc_err e = keynet_outputs_batch(k, m, n, out);
    free(m);
    return e;
}

mc_err uniq_params(keynet *k, int bind, const uniq_record *r, size_t n, const float *out, chaos_params *p)
{
    int K = keynet_outputs(k->map), was = k->bind;
    k->bind = bind;
    mc_err e = MC_OK;
    for (size_t i = 0; i < n && !e; i++) e = keynet_output_params(k, &r[i].m, out + i * K, &p[i]);
    k->bind = was;
    return e;
}

mc_err uniq_key_hash(const chaos_params *p, uint8_t out[32])
{
    keymat km;
    chaos_params q = *p;
    mc_err e = keymat_derive_walk(&km, &q, UNIQ_SIDE, UNIQ_SIDE, UNIQ_SIDE * UNIQ_SIDE);
    if (e) return e;
    size_t len = keymat_size(&km, KEYMAT_FULL);
    uint8_t *buf = malloc(len);
    if (!buf) {
        keymat_free(&km);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    keymat_write(&km, KEYMAT_FULL, buf);
    sha256(buf, len, out);
    free(buf);
    keymat_free(&km);
    return MC_OK;
}

/* Sorting context: qsort has none, so the arrays travel in a file-scope pointer
 * (the experiment is single-threaded here). */
static const chaos_params *sort_p;
static const uint8_t (*sort_key)[32];

static int cmp_params(const void *a, const void *b)
{
    return memcmp(sort_p[*(const size_t *)a].v, sort_p[*(const size_t *)b].v, sizeof sort_p->v);
}

static int cmp_keys(const void *a, const void *b)
{
    return memcmp(sort_key[*(const size_t *)a], sort_key[*(const size_t *)b], 32);
}

static double rel_dist(const chaos_params *a, const chaos_params *b)
{
    double d = 0;
    for (int i = 0; i < 6; i++) {
        double s = fmax(fabs(a->v[i]), fabs(b->v[i]));
        if (s > 0) d = fmax(d, fabs(a->v[i] - b->v[i]) / s);
    }
    return d;
}

mc_err uniq_count(const uniq_record *r, const chaos_params *p, const uint8_t (*key)[32], size_t n, uniq_stats *s)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->max_sep_s = -1;
    s->min_rel = INFINITY;
    size_t *ix = malloc((n ? n : 1) * sizeof *ix), *rep = malloc((n ? n : 1) * sizeof *rep);
    if (!ix || !rep) {
        free(ix);
        free(rep);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    /* Parameter sets: one representative of each for the distances. */
    for (size_t i = 0; i < n; i++) ix[i] = i;
    sort_p = p;
    qsort(ix, n, sizeof *ix, cmp_params);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cmp_params(&ix[i - 1], &ix[i])) rep[s->distinct_params++] = ix[i];
    for (size_t a = 0; a < s->distinct_params; a++)
        for (size_t b = a + 1; b < s->distinct_params; b++) s->min_rel = fmin(s->min_rel, rel_dist(&p[rep[a]], &p[rep[b]]));
    /* Keys: groups of equal hashes, their sizes, classes and time spans. */
    for (size_t i = 0; i < n; i++) ix[i] = i;
    sort_key = key;
    qsort(ix, n, sizeof *ix, cmp_keys);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        double lo = r[ix[i]].t, hi = lo;
        while (j < n && !cmp_keys(&ix[i], &ix[j])) {
            lo = fmin(lo, r[ix[j]].t);
            hi = fmax(hi, r[ix[j]].t);
            j++;
        }
        s->distinct_keys++;
        if (j - i > s->largest) s->largest = j - i;
        if (j - i > 1) {
            s->shared += j - i;
            for (size_t t = i; t < j; t++) s->shared_by_class[r[ix[t]].cls]++;
            s->max_sep_s = fmax(s->max_sep_s, hi - lo);
        }
        i = j;
    }
    free(ix);
    free(rep);
    return MC_OK;
}
