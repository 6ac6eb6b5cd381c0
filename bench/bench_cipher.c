/* Benchmark of the chaos core (keys: sequence generation + argsort; cipher:
 * permutation + diffusion) beside the NumPy peer bench/py_chaos_peer.py run in
 * the same process tree, with ratios, and a check that time grows linearly
 * with the pixel count. Encrypt and decrypt both include key generation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chaos/chaos.h"
#include "chaos/cipher.h"

/* CPU time of this thread: on a shared machine wall time mostly measures the
 * other users (a 30 ms run is preempted far more often than a 1 ms one). */
static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

/* The same test image and checksum as the peer, so that equal checksums
 * show the two computed the same cipher. */
static void test_image(uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++) p[k] = (uint8_t)((k * UINT64_C(2654435761)) >> 13);
}
static uint64_t checksum(const uint8_t *c, size_t n)
{
    uint64_t s = 0;
    for (size_t k = 0; k < n; k++) s += c[k] * (k % 65521 + 1);
    return s;
}

typedef struct {
    double keys, enc, dec;
    uint64_t sum;
} timing;

/* Best of `reps` for keys alone, keys + encrypt, keys + decrypt. */
static int run_c(const chaos_params *prm, uint32_t h, uint32_t w, size_t pb, int reps, timing *t)
{
    const size_t n = (size_t)h * w * pb;
    uint8_t *p = malloc(n), *c = malloc(n), *d = malloc(n), *z = malloc(n);
    uint32_t *xi = malloc(h * sizeof *xi), *yi = malloc(w * sizeof *yi);
    int bad = !p || !c || !d || !z || !xi || !yi;
    if (!bad) test_image(p, n);
    t->keys = t->enc = t->dec = 1e30;
    for (int r = 0; r < reps && !bad; r++) {
        double t0 = now_ms();
        bad |= chaos_keys(prm, h, w, n, xi, yi, z) != MC_OK;
        double t1 = now_ms();
        cipher_encrypt(c, p, h, w, pb, xi, yi, z);
        double t2 = now_ms();
        cipher_decrypt(d, c, h, w, pb, xi, yi, z);
        double t3 = now_ms();
        if (t1 - t0 < t->keys) t->keys = t1 - t0;
        if (t2 - t0 < t->enc) t->enc = t2 - t0;
        if ((t1 - t0) + (t3 - t2) < t->dec) t->dec = (t1 - t0) + (t3 - t2);
    }
    if (!bad) {
        bad = memcmp(p, d, n) != 0;
        t->sum = checksum(c, n);
    }
    free(p), free(c), free(d), free(z), free(xi), free(yi);
    return bad ? -1 : 0;
}

/* Runs the peer; 0 and its figures, or -1 when python3/numpy is missing. */
static int run_peer(uint32_t h, uint32_t w, size_t pb, int reps, timing *t)
{
    const char *src = getenv("MC_SRCDIR");
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/bench/py_chaos_peer.py' %u %u %zu %d 2>/dev/null",
             src ? src : ".", h, w, pb, reps);
    FILE *f = popen(cmd, "r");
    if (!f) return -1;
    unsigned long long sum;
    int got = fscanf(f, "%lf %lf %lf %llu", &t->keys, &t->enc, &t->dec, &sum);
    int rc = pclose(f);
    t->sum = sum;
    return got == 4 && rc == 0 ? 0 : -1;
}

int main(void)
{
    static const struct {
        uint32_t h, w;
        size_t pb;
        const char *what;
        int reps, peer_reps;
    } cases[] = {
        {256, 256, 1, "256x256 gray8", 15, 3},
        {512, 512, 1, "512x512 gray8", 11, 3},
        {2056, 2124, 1, "2124x2056 gray8", 3, 1},
        {512, 512, 2, "512x512 gray16", 11, 3},
    };
    const chaos_params logistic = {CHAOS_LOGISTIC, {3.99, 0.3141592653}};
    const chaos_params lorenz = {CHAOS_LORENZ, {1.0, 1.0, 1.0, 10.0, 28.0, 8.0 / 3.0}};
    double ns_px[3];
    printf("chaos core, best of N runs, CPU ms, one thread (encrypt/decrypt include key generation)\n");
    printf("%-16s %-8s %8s %8s %8s | %-34s | %s\n", "image", "map", "keys", "encrypt", "decrypt",
           "numpy peer (logistic): keys enc dec", "ratio enc, dec");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        timing c, l, py;
        if (run_c(&logistic, cases[i].h, cases[i].w, cases[i].pb, cases[i].reps, &c) ||
            run_c(&lorenz, cases[i].h, cases[i].w, cases[i].pb, cases[i].reps, &l)) {
            fprintf(stderr, "bench_cipher: %s: keys failed or round trip wrong\n", cases[i].what);
            return 1;
        }
        if (i < 3) ns_px[i] = c.enc * 1e6 / ((double)cases[i].h * cases[i].w);
        char peer[96] = "peer: n/a (no /usr/bin/python3 with numpy)", ratio[64] = "";
        if (run_peer(cases[i].h, cases[i].w, cases[i].pb, cases[i].peer_reps, &py) == 0) {
            snprintf(peer, sizeof peer, "%8.2f %8.2f %8.2f%s", py.keys, py.enc, py.dec,
                     py.sum == c.sum ? " same" : " DIFF");
            snprintf(ratio, sizeof ratio, "x%.0f, x%.0f", py.enc / c.enc, py.dec / c.dec);
        }
        printf("%-16s %-8s %8.3f %8.3f %8.3f | %-34s | %s\n", cases[i].what, "logistic", c.keys, c.enc, c.dec,
               peer, ratio);
        printf("%-16s %-8s %8.3f %8.3f %8.3f |\n", "", "lorenz", l.keys, l.enc, l.dec);
    }
    printf("(\"same\": the peer's cipher has the same checksum as ours, so both computed the same thing)\n");
    double lo = ns_px[0], hi = ns_px[0];
    for (int i = 1; i < 3; i++) lo = ns_px[i] < lo ? ns_px[i] : lo, hi = ns_px[i] > hi ? ns_px[i] : hi;
    printf("linearity (logistic encrypt, gray8): %.2f / %.2f / %.2f ns per pixel at 256^2 / 512^2 / 2124x2056; "
           "max/min %.2f (%s)\n",
           ns_px[0], ns_px[1], ns_px[2], hi / lo, hi / lo < 1.5 ? "~linear" : "NOT linear");
    return 0;
}
