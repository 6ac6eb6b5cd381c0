/* Throughput of AES-128-GCM (gcm_encrypt) and AES-128-CTR (aes_ctr_xor) on 16 KiB
 * buffers, for our AES-NI and our bitsliced code, each beside `openssl speed` measured
 * in the same run: OpenSSL's AES-NI code, and for the bitsliced rows OpenSSL with AES-NI
 * and PCLMULQDQ masked off (OPENSSL_ia32cap), i.e. its SSSE3 vector-permute AES.
 * Times are CPU time of this process, as `openssl speed` reports, so that a busy shared
 * machine slows both sides alike. Set OPENSSL to choose the binary; "peer: n/a" when
 * it cannot be run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/aes.h"
#include "crypto/cpu.h"
#include "crypto/gcm.h"

#define BUF (16 * 1024)

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, iv[16];
static uint8_t in[BUF], out[BUF];

/* Bytes per CPU second of one primitive, run for at least `secs`. */
static double ours(int gcm, aes_impl impl, double secs)
{
    aes_ctx c;
    uint8_t tag[16], ctr[16] = {0};
    if (aes_init_impl(&c, key, 16, impl) != MC_OK) return -1;
    double t0 = cpu_seconds(), t;
    size_t n = 0;
    do {
        for (int i = 0; i < 16; i++, n++) {
            if (gcm) {
                iv[0] = (uint8_t)n; /* a fresh IV per message, as real use needs */
                if (gcm_encrypt_impl(impl, key, 16, iv, 12, NULL, 0, in, BUF, out, tag) != MC_OK) return -1;
            } else {
                aes_ctr_xor(&c, ctr, out, in, BUF);
            }
        }
        t = cpu_seconds() - t0;
    } while (t < secs);
    aes_wipe(&c);
    return (double)n * BUF / t;
}

/* Parses the "+F:n:NAME:bytes_per_second" line of `openssl speed -mr`. */
static double peer(const char *cipher, int no_aesni)
{
    const char *openssl = getenv("OPENSSL");
    if (!openssl || !*openssl) openssl = "openssl";
    char cmd[512], line[512];
    snprintf(cmd, sizeof cmd, "%s'%s' speed -mr -seconds 1 -bytes %d -evp %s 2>/dev/null",
             no_aesni ? "OPENSSL_ia32cap='~0x200000200000000' " : "", openssl, BUF, cipher);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    double v = -1;
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, "+F:", 3) != 0) continue;
        char *last = strrchr(line, ':');
        if (last) v = strtod(last + 1, NULL);
    }
    if (pclose(p) != 0) return -1;
    return v;
}

static void row(const char *what, const char *impl, double us, const char *peer_name, double them)
{
    printf("%-12s %-10s %10.1f MB/s   ", what, impl, us / 1e6);
    if (them > 0)
        printf("%-26s %10.1f MB/s   ratio %.2fx\n", peer_name, them / 1e6, us / them);
    else
        printf("peer: n/a\n");
}

int main(void)
{
    for (size_t i = 0; i < BUF; i++) in[i] = (uint8_t)(i * 31 + 7);
    cpu_features f = cpu_get();
    int fast = f.aesni && f.sse41 && f.pclmul;
    printf("16 KiB buffers, CPU time; AES-NI %s, PCLMULQDQ %s\n", f.aesni ? "yes" : "no", f.pclmul ? "yes" : "no");
    printf("%-12s %-10s %15s   %-26s %15s\n", "primitive", "ours", "throughput", "peer", "throughput");
    if (fast) {
        row("AES-128-GCM", "aesni", ours(1, AES_IMPL_AESNI, 1.0), "openssl aes-128-gcm", peer("aes-128-gcm", 0));
        row("AES-128-CTR", "aesni", ours(0, AES_IMPL_AESNI, 1.0), "openssl aes-128-ctr", peer("aes-128-ctr", 0));
    }
    row("AES-128-GCM", "bitsliced", ours(1, AES_IMPL_BITSLICED, 0.5), "openssl gcm, no AES-NI", peer("aes-128-gcm", 1));
    row("AES-128-CTR", "bitsliced", ours(0, AES_IMPL_BITSLICED, 0.5), "openssl ctr, no AES-NI", peer("aes-128-ctr", 1));
    return 0;
}
