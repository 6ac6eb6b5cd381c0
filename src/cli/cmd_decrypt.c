/* medchaos decrypt: cipher PNG + envelope → the original image, bit for bit.
 * Needs only the RSA private key: the key material travels in the envelope. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/dicom_cli.h"
#include "crypto/pem.h"
#include "image/io.h"
#include "image/origin.h"
#include "pipeline/pipeline.h"
#include "util/file.h"

static const char usage_text[] =
    "usage: medchaos decrypt --key K.pem CIPHER.png... (-o PLAIN.png | -O DIR)\n"
    "\n"
    "Restores each image from CIPHER.png and its envelope CIPHER.png.key (or --envelope FILE for a\n"
    "single input). The envelope is authenticated against the cipher image before any pixel is\n"
    "written; a wrong key, a modified file or a mismatched pair is an error and leaves no output.\n"
    "The image comes back in the original PNG's layout (bit depth, palette) with its metadata\n"
    "chunks, sealed in the envelope; a JPEG's EXIF comes back as a PNG eXIf chunk.\n"
    "A cipher DICOM (CIPHER.dcm) is restored to the original DICOM file from the header its\n"
    "envelope seals; the envelope is read from CIPHER.dcm.key when present, else from the file.\n"
    "\n"
    "  --key FILE       RSA private key (PEM: PKCS#8, encrypted PKCS#8 or PKCS#1)\n"
    "  --passphrase-file F  the key's passphrase: the first line of F\n"
    "  --envelope FILE  envelope for a single input (default: CIPHER.png.key)\n"
    "  -o OUT.png       output for a single input;  -O DIR  output directory for several\n"
    "                   (created if missing; two inputs may not share an output name)\n"
    "  -j N             parallel jobs, 1 to 64 (default: all cores, at most 64)\n"
    "  --force          overwrite existing outputs (never an input of this command)\n"
    "  --skip-existing  leave images whose output exists: a rerun completes the rest\n"
    "  --json FILE      write a report of every image (done, skipped, failed and why)\n"
    "A directory gives its *.png and *.dcm files; a PNG without its .key envelope is reported as failed.\n";

typedef struct {
    batch_list b;
    rsa_priv *priv;
    const char *envelope;
    int force;
} dec_ctx;

static void envelope_of(const dec_ctx *c, size_t i, char *keypath, size_t cap)
{
    snprintf(keypath, cap, "%s%s", c->envelope ? c->envelope : c->b.in[i], c->envelope ? "" : ".key");
}

static int decrypt_one(size_t i, void *vctx)
{
    dec_ctx *c = vctx;
    const char *in = c->b.in[i], *out = c->b.out[i];
    char keypath[4096];
    if (cli_dicom_job(in, out)) return cli_decrypt_dicom(in, out, c->envelope, c->priv, c->force);
    envelope_of(c, i, keypath, sizeof keypath);
    mc_err e = mc_safe_check_output(out, c->force);
    if (e) return cli_fail(out, e);
    if (access(keypath, F_OK) != 0 && errno == ENOENT)
        return cli_fail(in, mc_fail(MC_E_IO, "a cipher image without its envelope (no %s)", keypath));
    unsigned char *env;
    size_t envlen;
    e = mc_read_file(keypath, (size_t)1 << 34, &env, &envlen);
    if (e) return cli_fail(keypath, e);
    img_image cipher, plain;
    e = img_read(in, &cipher);
    cli_notes(in);
    if (e) {
        free(env);
        return cli_fail(in, e);
    }
    envelope_header hdr;
    e = pipe_decrypt(&cipher, env, envlen, c->priv, &hdr, &plain);
    img_free(&cipher);
    free(env);
    if (e) return cli_fail(e == MC_E_AUTH || e == MC_E_MISMATCH ? in : keypath, e);
    /* Back in the original's layout with its chunks (version 2 envelopes). */
    img_origin origin = {0};
    if (!e && hdr.origin_len) e = img_origin_parse(hdr.origin, hdr.origin_len, &origin);
    envelope_header_clear(&hdr);
    if (e) {
        img_free(&plain);
        return cli_fail(keypath, e);
    }
    e = img_write_png_origin(out, &plain, origin.rec ? &origin : NULL, c->force);
    img_free(&plain);
    img_origin_free(&origin);
    return e ? cli_fail(out, e) : 0;
}

int cmd_decrypt(int argc, char **argv)
{
    enum { O_KEY = 256, O_ENV, O_PASS };
    static const struct option opts[] = {{"key", required_argument, 0, O_KEY},
                                         {"passphrase-file", required_argument, 0, O_PASS},
                                         {"envelope", required_argument, 0, O_ENV},
                                         {"help", no_argument, 0, 'h'},
                                         BATCH_LONG_OPTIONS,
                                         {0, 0, 0, 0}};
    dec_ctx c;
    memset(&c, 0, sizeof c);
    const char *keyfile = NULL, *pass_file = NULL;
    batch_args ba = {0};
    int opt, twice = 0, rc;
    optind = 1;
    while ((opt = getopt_long(argc, argv, BATCH_SHORT_OPTIONS "h", opts, NULL)) != -1) {
        if ((rc = batch_option(opt, optarg, &ba, "decrypt")) >= 0) {
            if (rc) return rc;
            continue;
        }
        switch (opt) {
        case O_KEY: twice = cli_set_once(&keyfile, optarg); break;
        case O_PASS: twice = cli_set_once(&pass_file, optarg); break;
        case O_ENV: twice = cli_set_once(&c.envelope, optarg); break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error("decrypt", "bad option");
        }
        if (twice) return cli_usage_error("decrypt", "%s given twice with different values", cli_option_name(opts, opt));
    }
    if (!keyfile) return cli_usage_error("decrypt", "--key is required");
    if (optind >= argc) return cli_usage_error("decrypt", "no cipher image");
    if (ba.out_file && ba.out_dir) return cli_usage_error("decrypt", "give -o OUT or -O DIR, not both");
    c.force = ba.o.force;
    if (c.envelope && argc - optind != 1) return cli_usage_error("decrypt", "--envelope takes a single input");
    mc_err e = mc_safe_input(keyfile);
    if (e) return cli_fail(NULL, e);
    pem_pass pass = {0};
    if (pass_file && (e = pem_pass_read(pass_file, &pass))) return cli_fail(pass_file, e);
    e = pem_read_private_pass(keyfile, &pass, &c.priv);
    pem_pass_free(&pass);
    if (e) return cli_fail(keyfile, e);
    if (!(e = batch_build(&c.b, argv + optind, argc - optind, ba.out_file, ba.out_dir, 1))) {
        /* The envelopes are inputs too: decrypt c.png -o c.png.key must not replace one. */
        for (size_t i = 0; !e && i < c.b.n; i++) {
            char keypath[4096];
            envelope_of(&c, i, keypath, sizeof keypath);
            e = mc_safe_input(keypath);
        }
    }
    if (e || (e = batch_prepare(&c.b, &ba.o, ba.out_dir))) {
        batch_free(&c.b);
        rsa_priv_free(c.priv);
        return e == MC_E_ARG ? cli_usage_error("decrypt", "%s", mc_errmsg(e)) : cli_fail(NULL, e);
    }
    rc = batch_run(&c.b, &ba.o, decrypt_one, &c, "decrypt");
    batch_free(&c.b);
    rsa_priv_free(c.priv);
    return rc;
}
