/* Time each SP 800-22 test on the first 10^6 bits of e (one core), as CPU
 * time of this process (the shared build machine makes wall time noisy; both
 * are printed). There is no peer in this run (NIST's sts is not packaged);
 * the figure to compare against is the budget: all fifteen tests in < 2 s. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../tests/gen_e_bits.h"
#include "nist/nist.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
    size_t n = 1000000;
    uint8_t *bits = gen_e_bits(n);
    if (!bits) return 1;
    nist_seq s;
    if (nist_seq_from_packed(&s, bits, n)) return 1;
    nist_params p;
    nist_params_default(&p);
    static nist_result r;
    double total = 0.0, total_wall = 0.0;
    printf("%-26s %10s %10s\n", "test (best of 3)", "CPU ms", "wall ms");
    for (int t = 0; t < NIST_NTESTS; t++) {
        double best = 1e9, best_wall = 1e9;
        for (int rep = 0; rep < 3; rep++) {
            double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
            mc_err err = nist_run_test((nist_test)t, &s, &p, &r);
            double dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0, dw = clock_s(CLOCK_MONOTONIC) - w0;
            if (err) { fprintf(stderr, "%s: %s\n", nist_test_name(t), mc_errmsg(err)); return 1; }
            if (dc < best) best = dc;
            if (dw < best_wall) best_wall = dw;
        }
        total += best;
        total_wall += best_wall;
        printf("%-26s %10.1f %10.1f\n", nist_test_name(t), best * 1e3, best_wall * 1e3);
    }
    printf("%-26s %10.1f %10.1f  (CPU / budget 2000 ms = %.2f)\n", "all fifteen", total * 1e3, total_wall * 1e3,
           total / 2.0);
    nist_seq_free(&s);
    free(bits);
    return 0;
}
