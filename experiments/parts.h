/* The parts of the reproduction driver, one file each. */
#ifndef MC_EXPERIMENTS_PARTS_H
#define MC_EXPERIMENTS_PARTS_H
#include <stddef.h>
#include "experiments/reproduce.h"
#include "pipeline/hardened.h"
#include "pipeline/keymat.h"

/* What the security part measured, for the summary table. */
typedef struct {
    int attack_fixed_exact;     /* the attack decrypted a fixed-key target bit for bit */
    int attack_fixed_queries;   /* chosen images it needed */
    int attack_hardened_exact;  /* ... and against the hardened variant */
    /* Key sensitivity over random keys (table 7): 1-ulp changes tried, and
     * how many left the key material identical. */
    int ulp_tried, ulp_identical;
} repro_findings;

/* v[s][k]: variant k trained with seed c->seed + s, s < c->seeds. */
void repro_metrics(const repro_config *c, repro_variant (*v)[REPRO_NVARIANTS], const repro_image *im, size_t nim,
                   const repro_findings *f);
void repro_timing(const repro_config *c, repro_variant *v, const repro_image *im, size_t nim);
void repro_security(const repro_config *c, repro_variant *v, const repro_image *im, size_t nim, repro_findings *f);
void repro_nist(const repro_config *c, repro_variant *v);
void repro_figures(const repro_config *c, repro_variant *v, const repro_image *im, size_t nim);

/* Parameters of a row: from the variant's network, the teacher, or the
 * fixed key (the teacher's parameters of one fixed record, for every image). */
mc_err repro_params(repro_variant *v, repro_source s, const meta_record *m, chaos_params *p);
/* The same for seed number seed_index (the fixed key moves by one second per seed). */
mc_err repro_params_seeded(repro_variant *v, repro_source s, const meta_record *m, int seed_index, chaos_params *p);
/* Encrypt (and decrypt) one image under params; the caller frees the images. */
mc_err repro_encrypt(const img_image *plain, const chaos_params *p, cipher_variant var, img_image *cipher,
                     img_image *decrypted);
double repro_seconds(void);

#endif
