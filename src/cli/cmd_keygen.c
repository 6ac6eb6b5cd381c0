/* medchaos keygen: make an RSA key pair for wrapping image keys (RSA-OAEP).
 * Writes NAME.pem (PKCS#8, mode 0600) and NAME.pub.pem (SubjectPublicKeyInfo),
 * both readable by OpenSSL. The work is in src/crypto (rsa_generate, pem_write_*). */
#include "cli/cli.h"
#include "crypto/pbes2.h"
#include "crypto/pem.h"
#include "crypto/rsa.h"
#include "util/safefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: medchaos keygen [--bits N] [--passphrase-file F] -o NAME [--force]\n"
            "\n"
            "Generate an RSA key pair (e = 65537) for RSA-OAEP-SHA-256 key wrapping.\n"
            "  -o, --out NAME   write NAME.pem (private, PKCS#8, mode 0600) and NAME.pub.pem\n"
            "  --bits N         modulus size: a multiple of 256 from 2048 to 8192 (default %d,\n"
            "                   NIST SP 800-57's size for 128-bit security, matching AES-128)\n"
            "  --passphrase-file F  protect the private key with the first line of F: PKCS#8\n"
            "                   PBES2, PBKDF2-HMAC-SHA-256 (%u iterations), AES-256-CBC\n"
            "  -f, --force      overwrite existing files\n"
            "  -h, --help       this text\n",
            RSA_DEFAULT_BITS, PBES2_ITERATIONS);
}

/* The two keys as one group (util/safefile.h): an old pair replaced with
 * --force survives any failure, and no half pair is ever left. */
static mc_err write_pair(const char *priv_path, const char *pub_path, const rsa_priv *k, const pem_pass *pass,
                         int force, const char **where)
{
    char *priv = NULL, *pub = NULL;
    size_t npriv = 0, npub = 0;
    mc_out w[2];
    *where = NULL;
    mc_err e = pem_format_private_pass(k, pass, &priv, &npriv);
    if (!e) e = pem_format_public(rsa_priv_public(k), &pub, &npub);
    if (e) goto done;
    *where = priv_path;
    if ((e = mc_out_open(&w[0], priv_path, MC_MODE_SECRET, force))) goto done;
    *where = pub_path;
    if ((e = mc_out_open(&w[1], pub_path, MC_MODE_PUBLIC, force))) {
        mc_out_abort(&w[0]);
        goto done;
    }
    *where = priv_path;
    if (fwrite(priv, 1, npriv, w[0].fp) != npriv || fwrite(pub, 1, npub, w[1].fp) != npub) {
        e = mc_fail(MC_E_IO, "cannot write output: %s", strerror(errno));
        mc_out_abort(&w[0]);
        mc_out_abort(&w[1]);
    } else {
        e = mc_out_commit_group(w, 2);
    }
done:
    if (priv) pem_free_text(priv, npriv);
    if (pub) pem_free_text(pub, npub);
    return e;
}

int cmd_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *name = NULL, *pass_file = NULL;
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
            if (cli_set_once(&name, a + 6)) return cli_usage_error("keygen", "-o given twice with different values");
            continue;
        } else if (!strncmp(a, "--passphrase-file=", 18)) {
            if (cli_set_once(&pass_file, a + 18))
                return cli_usage_error("keygen", "--passphrase-file given twice with different values");
            continue;
        } else if (!strcmp(a, "--bits") || !strcmp(a, "-o") || !strcmp(a, "--out") || !strcmp(a, "--passphrase-file")) {
            if (i + 1 >= argc) return cli_usage_error("keygen", "%s needs a value", a);
            if (a[1] == 'o' || !strcmp(a, "--out")) {
                if (cli_set_once(&name, argv[++i])) return cli_usage_error("keygen", "-o given twice with different values");
                continue;
            }
            if (!strcmp(a, "--passphrase-file")) {
                if (cli_set_once(&pass_file, argv[++i]))
                    return cli_usage_error("keygen", "--passphrase-file given twice with different values");
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

    pem_pass pass = {0};
    mc_err e;
    if (pass_file && (e = pem_pass_read(pass_file, &pass))) return cli_fail(pass_file, e);
    size_t n = strlen(name) + 16;
    char *priv_path = malloc(n), *pub_path = malloc(n);
    if (!priv_path || !pub_path) {
        free(priv_path);
        free(pub_path);
        pem_pass_free(&pass);
        return cli_fail(NULL, mc_fail(MC_E_NOMEM, "out of memory"));
    }
    snprintf(priv_path, n, "%s.pem", name);
    snprintf(pub_path, n, "%s.pub.pem", name);
    int rc = 0;
    rsa_priv *k = NULL;
    /* Refuse before spending seconds on a key that could not be written. */
    const char *where = priv_path;
    e = mc_safe_check_output(priv_path, force);
    if (!e) {
        where = pub_path;
        e = mc_safe_check_output(pub_path, force);
    }
    if (e) {
        rc = cli_fail(where, e);
    } else if ((e = rsa_generate(&k, (unsigned)bits))) {
        rc = cli_fail(NULL, e);
    } else if ((e = write_pair(priv_path, pub_path, k, &pass, force, &where))) {
        rc = cli_fail(where, e);
    } else {
        printf("wrote %s (private, %lu bits%s) and %s\n", priv_path, bits, pass.p ? ", passphrase-protected" : "",
               pub_path);
    }
    rsa_priv_free(k);
    pem_pass_free(&pass);
    free(priv_path);
    free(pub_path);
    return rc;
}
