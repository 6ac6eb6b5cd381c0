/* The uniqueness experiment's records and counting (experiments/uniqueness.c,
 * tests/test_uniqueness.c): a set of distinct metadata records with the
 * adversarial neighbours the paper's "no key reuse" must survive, their
 * parameters through a key network, and how many distinct keys they get. */
#ifndef MC_EXPERIMENTS_UNIQ_COUNT_H
#define MC_EXPERIMENTS_UNIQ_COUNT_H
#include <stddef.h>
#include <stdint.h>
#include "keynet/keynet.h"

typedef enum {
    UNIQ_TRAIN,     /* the network's training (and validation) records */
    UNIQ_HELDOUT,   /* drawn like them with another seed: never seen */
    UNIQ_SECONDS,   /* one hour of consecutive seconds, across midnight */
    UNIQ_SLICES,    /* slices of one series: one time, 500 SOPInstanceUIDs */
    UNIQ_SUBSEC,    /* one second, 200 sub-second fractions (EXIF SubSecTime) */
    UNIQ_DAYS,      /* three days every two minutes (the figure) */
    UNIQ_NCLASS
} uniq_class;

typedef struct {
    meta_record m;
    uniq_class cls;
    double t;       /* seconds since 1970-01-01 of the local wall-clock time */
} uniq_record;

const char *uniq_class_name(uniq_class c);

/* At least `total` distinct records (distinct canonical strings): the first
 * `samples` synthetic records of `seed` (what keynet_train trains on with no
 * real images), the fixed neighbour classes, and held-out records to fill up.
 * *r is malloc'ed. */
mc_err uniq_records(uint64_t seed, int samples, size_t total, uniq_record **r, size_t *n);

/* Raw network outputs (n × K) of every record (keynet_outputs_batch). */
mc_err uniq_network_outputs(keynet *k, const uniq_record *r, size_t n, float *out);
/* Their parameters, through the product's keynet_output_params, bound to the
 * record (keynet_bind_unit) when bind is set, whatever the network file says. */
mc_err uniq_params(keynet *k, int bind, const uniq_record *r, size_t n, const float *out, chaos_params *p);

/* SHA-256 of the full key material (xindex, yindex, zkey; docs/FORMAT.md §3)
 * the product derives for a UNIQ_SIDE × UNIQ_SIDE 8-bit grey image, late
 * periodic walk included. */
enum { UNIQ_SIDE = 16 };
mc_err uniq_key_hash(const chaos_params *p, uint8_t out[32]);

typedef struct {
    size_t n;                 /* records */
    size_t distinct_params;   /* distinct parameter sets, compared as bit patterns */
    size_t distinct_keys;     /* distinct key-material hashes */
    size_t shared;            /* records whose key material another record also has */
    size_t shared_by_class[UNIQ_NCLASS];
    size_t largest;           /* most records with one key */
    double min_rel;           /* smallest distance between two distinct parameter sets:
                               * max over parameters of |Δv| / max(|v|, |v'|) */
    double max_sep_s;         /* largest |Δt| between two records with one key; -1 when none share */
} uniq_stats;

/* Count over n records: p[i] their parameters, key[i] their key-material hashes. */
mc_err uniq_count(const uniq_record *r, const chaos_params *p, const uint8_t (*key)[32], size_t n, uniq_stats *s);

#endif
