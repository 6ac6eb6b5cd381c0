/* Time each SP 800-22 test on the first 10^6 bits of e (one core).
 * There is no peer in this run (NIST's sts is not packaged); the figure to
 * compare against is the task's budget: all fifteen tests in < 2 s. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../tests/gen_e_bits.h"
#include "nist/nist.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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
    double total = 0.0;
    for (int t = 0; t < NIST_NTESTS; t++) {
        double best = 1e9;
        for (int rep = 0; rep < 3; rep++) {
            double t0 = now();
            mc_err err = nist_run_test((nist_test)t, &s, &p, &r);
            double dt = now() - t0;
            if (err) { fprintf(stderr, "%s: %s\n", nist_test_name(t), mc_errmsg(err)); return 1; }
            if (dt < best) best = dt;
        }
        total += best;
        printf("%-26s %8.1f ms\n", nist_test_name(t), best * 1e3);
    }
    printf("%-26s %8.1f ms  (budget 2000 ms: ratio %.2f)\n", "all fifteen", total * 1e3, total / 2.0);
    nist_seq_free(&s);
    free(bits);
    return 0;
}
