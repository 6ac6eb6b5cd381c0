/* medchaos encrypt's guard against key reuse (src/pipeline/keyguard.h): before
 * any output is written, every image's parameters are computed as encryption
 * will compute them, and a reuse within the run or against --key-registry is
 * refused (exit status 17) or, with --allow-key-reuse, warned about. Runs the
 * same way on every MPI rank (the parameters are deterministic); only the
 * leader prints and appends to the registry. */
#ifndef MC_CLI_GUARD_H
#define MC_CLI_GUARD_H
#include "cli/batch.h"
#include "pipeline/keyguard.h"
#include "pipeline/keysrc.h"

/* 0 to go on (*g set, or NULL when the guard does not apply: the hardened
 * variant derives a new key per image), else the exit status. */
int guard_before(const batch_list *b, keysrc *ks, const char *registry, int allow, int hardened, keyguard **g);
/* After the batch: the run's keys into the registry (leader only), then free.
 * Returns rc, or the registry's exit status when appending failed. */
int guard_after(keyguard *g, int rc);
/* A --params value the late-periodic walk moved (docs/KEYGEN.md §4) is reported. */
void guard_report_walk(const char *in, const chaos_params *given, const chaos_params *used);

#endif
