/* medchaos decrypt: cipher PNG + envelope → the original image, bit for bit.
 * Needs only the RSA private key: the key material travels in the envelope. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "crypto/pem.h"
#include "image/io.h"
#include "pipeline/pipeline.h"
#include "util/file.h"

static const char usage_text[] =
    "usage: medchaos decrypt --key K.pem CIPHER.png... (-o PLAIN.png | -O DIR)\n"
    "\n"
    "Restores each image from CIPHER.png and its envelope CIPHER.png.key (or --envelope FILE for a\n"
    "single input). The envelope is authenticated against the cipher image before any pixel is\n"
    "written; a wrong key, a modified file or a mismatched pair is an error and leaves no output.\n"
    "\n"
    "  --key FILE       RSA private key (PEM, PKCS#8 or PKCS#1)\n"
    "  --envelope FILE  envelope for a single input (default: CIPHER.png.key)\n"
    "  -o OUT.png       output for a single input;  -O DIR  output directory for several\n"
    "  -j N             parallel jobs (default: all cores)\n"
    "  --force          overwrite existing outputs\n";

typedef struct {
    batch_list b;
    rsa_priv *priv;
    const char *envelope;
    int force;
} dec_ctx;

static int decrypt_one(size_t i, void *vctx)
{
    dec_ctx *c = vctx;
    const char *in = c->b.in[i], *out = c->b.out[i];
    char keypath[4096];
    if (c->envelope)
        snprintf(keypath, sizeof keypath, "%s", c->envelope);
    else
        snprintf(keypath, sizeof keypath, "%s.key", in);
    if (!c->force && access(out, F_OK) == 0) return cli_fail(out, MC_E_EXISTS);
    unsigned char *env;
    size_t envlen;
    mc_err e = mc_read_file(keypath, (size_t)1 << 34, &env, &envlen);
    if (e) return cli_fail(keypath, e);
    img_image cipher, plain;
    e = img_read(in, &cipher);
    if (e) {
        free(env);
        return cli_fail(in, e);
    }
    envelope_header hdr;
    e = pipe_decrypt(&cipher, env, envlen, c->priv, &hdr, &plain);
    img_free(&cipher);
    free(env);
    if (e) return cli_fail(e == MC_E_AUTH || e == MC_E_MISMATCH ? in : keypath, e);
    e = img_write_png(out, &plain, c->force);
    img_free(&plain);
    return e ? cli_fail(out, e) : 0;
}

int cmd_decrypt(int argc, char **argv)
{
    enum { O_KEY = 256, O_ENV, O_FORCE };
    static const struct option opts[] = {{"key", required_argument, 0, O_KEY},
                                         {"envelope", required_argument, 0, O_ENV},
                                         {"force", no_argument, 0, O_FORCE},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    dec_ctx c;
    memset(&c, 0, sizeof c);
    const char *keyfile = NULL, *out_file = NULL, *out_dir = NULL;
    int jobs = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:O:j:h", opts, NULL)) != -1) {
        switch (opt) {
        case O_KEY: keyfile = optarg; break;
        case O_ENV: c.envelope = optarg; break;
        case O_FORCE: c.force = 1; break;
        case 'o': out_file = optarg; break;
        case 'O': out_dir = optarg; break;
        case 'j': jobs = atoi(optarg); break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error("decrypt", "bad option");
        }
    }
    if (!keyfile) return cli_usage_error("decrypt", "--key is required");
    if (optind >= argc) return cli_usage_error("decrypt", "no cipher image");
    if (c.envelope && argc - optind != 1) return cli_usage_error("decrypt", "--envelope takes a single input");
    mc_err e = pem_read_private(keyfile, &c.priv);
    if (e) return cli_fail(keyfile, e);
    if ((e = batch_build(&c.b, argv + optind, argc - optind, out_file, out_dir, 1))) {
        rsa_priv_free(c.priv);
        return e == MC_E_ARG ? cli_usage_error("decrypt", "%s", mc_errmsg(e)) : cli_fail(NULL, e);
    }
    int rc = batch_run(&c.b, jobs, decrypt_one, &c, "decrypt");
    batch_free(&c.b);
    rsa_priv_free(c.priv);
    return rc;
}
