/* medchaos keygen: make an RSA key pair for wrapping image keys (RSA-OAEP).
 * Writes NAME.pem (PKCS#8, mode 0600) and NAME.pub.pem (SubjectPublicKeyInfo),
 * both readable by OpenSSL. The work is in src/crypto (rsa_generate, pem_write_*). */
#include "cli/cli.h"
#include "crypto/pem.h"
#include "crypto/rsa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: medchaos keygen [--bits N] -o NAME [--force]\n"
            "\n"
            "Generate an RSA key pair (e = 65537) for RSA-OAEP-SHA-256 key wrapping.\n"
            "  -o, --out NAME   write NAME.pem (private, PKCS#8, mode 0600) and NAME.pub.pem\n"
            "  --bits N         modulus size: a multiple of 256 from 2048 to 8192 (default %d,\n"
            "                   NIST SP 800-57's size for 128-bit security, matching AES-128)\n"
            "  -f, --force      overwrite existing files\n"
            "  -h, --help       this text\n",
            RSA_DEFAULT_BITS);
}

int cmd_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *name = NULL;
    unsigned long bits = RSA_DEFAULT_BITS;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        if (!strcmp(a, "-f") || !strcmp(a, "--force")) {
            force = 1;
            continue;
        }
        if (!strncmp(a, "--bits=", 7)) {
            val = a + 7;
        } else if (!strncmp(a, "--out=", 6)) {
            name = a + 6;
            continue;
        } else if (!strcmp(a, "--bits") || !strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (i + 1 >= argc) return cli_usage_error("keygen", "%s needs a value", a);
            if (a[1] == 'o' || !strcmp(a, "--out")) {
                name = argv[++i];
                continue;
            }
            val = argv[++i];
        } else {
            return cli_usage_error("keygen", "unknown option '%s'", a);
        }
        char *end;
        errno = 0;
        bits = strtoul(val, &end, 10);
        if (errno || end == val || *end) return cli_usage_error("keygen", "--bits: '%s' is not a number", val);
    }
    if (!name || !*name) return cli_usage_error("keygen", "missing -o NAME");
    if (bits < RSA_MIN_BITS)
        return cli_usage_error("keygen", "--bits %lu: RSA keys of %d bits or more are required", bits,
                               RSA_MIN_BITS);
    if (bits > RSA_MAX_BITS || bits % 256)
        return cli_usage_error("keygen", "--bits %lu: use a multiple of 256 up to %d", bits, RSA_MAX_BITS);

    size_t n = strlen(name) + 16;
    char *priv_path = malloc(n), *pub_path = malloc(n);
    if (!priv_path || !pub_path) {
        free(priv_path);
        free(pub_path);
        return cli_fail(NULL, mc_fail(MC_E_NOMEM, "out of memory"));
    }
    snprintf(priv_path, n, "%s.pem", name);
    snprintf(pub_path, n, "%s.pub.pem", name);
    int rc = 0;
    rsa_priv *k = NULL;
    /* Refuse before spending seconds on a key that could not be written. */
    const char *exists = !force && access(priv_path, F_OK) == 0  ? priv_path
                         : !force && access(pub_path, F_OK) == 0 ? pub_path
                                                                 : NULL;
    mc_err e;
    if (exists) {
        rc = cli_fail(exists, mc_fail(MC_E_EXISTS, "output exists (use --force to overwrite)"));
    } else if ((e = rsa_generate(&k, (unsigned)bits))) {
        rc = cli_fail(NULL, e);
    } else if ((e = pem_write_private(priv_path, k, force))) {
        rc = cli_fail(priv_path, e);
    } else if ((e = pem_write_public(pub_path, rsa_priv_public(k), force))) {
        unlink(priv_path); /* no half key pair left behind */
        rc = cli_fail(pub_path, e);
    } else {
        printf("wrote %s (private, %lu bits) and %s\n", priv_path, bits, pub_path);
    }
    rsa_priv_free(k);
    free(priv_path);
    free(pub_path);
    return rc;
}
