/* medchaos encrypt: image(s) → cipher PNG + key envelope. The parameters come
 * from the trained network (--model), the teacher mapping without a network
 * (--teacher, the ablation), or by hand (--params). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/guard.h"
#include "cli/dicom_cli.h"
#include "crypto/random.h"
#include "pipeline/keysrc.h"
#include "crypto/pem.h"
#include "image/io.h"
#include "image/origin.h"
#include "pipeline/pipeline.h"
#include "util/safefile.h"

static const char usage_text[] =
    "usage: medchaos encrypt (--model M.safetensors | --teacher | --params V,V,...)\n"
    "                        --map logistic|lorenz --pubkey K.pub.pem IN... (-o OUT.png | -O DIR)\n"
    "\n"
    "Encrypts each image (PNG or JPEG) with the paper's chaotic permutation + XOR cipher and\n"
    "writes OUT.png (same geometry and bit depth) and OUT.png.key, the envelope (docs/FORMAT.md).\n"
    "A DICOM input gives a DICOM cipher OUT.dcm (unless OUT ends in .png): the pixel data\n"
    "encrypted, a new SOPInstanceUID, the header de-identified (PS3.15 Annex E Basic Profile)\n"
    "and the envelope, which seals the original header, inside the file (docs/DICOM.md).\n"
    "\n"
    "  --model M         trained key network (architecture read from the weights)\n"
    "  --teacher         no network: parameters straight from the SHA-256 teacher mapping\n"
    "  --params V,...    parameters by hand: logistic r,x0; Lorenz x0,y0,z0[,sigma,rho,beta]\n"
    "  --map MAP         logistic (default) or lorenz\n"
    "  --pubkey FILE     RSA public key (PEM, 2048 bits or more) that wraps the AES key\n"
    "  --compact         store only the chaotic parameters, not xindex/yindex/zkey\n"
    "  --hardened        the hardened variant (plaintext-dependent key, chained diffusion;\n"
    "                    docs/SECURITY.md); the default is the paper's cipher\n"
    "  --aes 128|256     AES key size for the envelope (default 128, as in the paper)\n"
    "  --datetime 'YYYY:MM:DD HH:MM:SS'  metadata by hand, for images without any\n"
    "  --allow-file-time use the file's modification time when the image has no metadata\n"
    "  -o OUT.png        output for a single input;  -O DIR  output directory for several\n"
    "                    (created if missing; two inputs may not share an output name)\n"
    "  -j N              parallel jobs, 1 to 64 (default: all cores, at most 64)\n"
    "  --force           overwrite existing outputs (never an input of this command)\n"
    "  --skip-existing   leave images whose cipher and envelope exist: a rerun completes the rest\n"
    "  --json FILE       write a report of every image (done, skipped, failed and why)\n"
    "  --key-registry F  also refuse parameters an earlier run used (F: salted hashes, mode 0600,\n"
    "                    created when missing; docs/SECURITY.md, Key reuse)\n"
    "  --allow-key-reuse encrypt even when two images get the same parameters (warns);\n"
    "                    without it such a run is refused before anything is written (exit 17)\n"
    "  --keep-header     DICOM: leave the clear header as it is (only the SOPInstanceUID changes)\n"
    "  --envelope-beside DICOM: write the envelope to OUT.dcm.key instead of inside the file\n";

typedef struct {
    batch_list b;
    keysrc ks;
    rsa_pub *pub;
    keymat_mode mode;
    int aes_bytes, force;
    cipher_variant variant;
    const char *pubpath;
    pipe_dicom_opts dicom;
    uint8_t uid_salt[32];
} enc_ctx;

/* The cipher image and its envelope are written as one group (util/safefile.h):
 * both complete or neither, and a run stopped between the two renames is
 * completed by the next one. */
static mc_err write_pair(const char *out, const char *keypath, const img_image *cipher, const uint8_t *env,
                         size_t envlen, int force, const char **where)
{
    mc_out w[2];
    *where = out;
    mc_err e = mc_out_open(&w[0], out, MC_MODE_PUBLIC, force);
    if (e) return e;
    *where = keypath;
    if ((e = mc_out_open(&w[1], keypath, MC_MODE_SECRET, force))) {
        mc_out_abort(&w[0]);
        return e;
    }
    *where = out;
    e = img_write_png_stream(w[0].fp, cipher);
    if (!e && fwrite(env, 1, envlen, w[1].fp) != envlen) {
        *where = keypath;
        e = mc_fail(MC_E_IO, "cannot write output: %s", strerror(errno));
    }
    if (e) {
        mc_out_abort(&w[0]);
        mc_out_abort(&w[1]);
        return e;
    }
    *where = out;
    return mc_out_commit_group(w, 2);
}

/* The parameters and the envelope header of one input, PNG, JPEG or DICOM alike. */
static int prepare(enc_ctx *c, const char *in, chaos_params *params, envelope_header *hdr)
{
    memset(hdr, 0, sizeof *hdr);
    mc_err e = keysrc_params(&c->ks, in, params, hdr);
    if (e) return cli_fail(in, e);
    hdr->mode = (uint8_t)c->mode;
    hdr->aes_bytes = (uint8_t)c->aes_bytes;
    hdr->variant = (uint8_t)c->variant;
    return 0;
}

static int encrypt_one(size_t i, void *vctx)
{
    enc_ctx *c = vctx;
    const char *in = c->b.in[i], *out = c->b.out[i];
    chaos_params params;
    envelope_header hdr;
    int rc;
    if (cli_dicom_job(in, out))
        return (rc = prepare(c, in, &params, &hdr)) ? rc
                                                     : cli_encrypt_dicom(in, out, &params, &hdr, c->pub, &c->dicom, c->force);
    char keypath[4096];
    snprintf(keypath, sizeof keypath, "%s.key", out);
    /* Refuse before the work what the write would refuse after it. */
    mc_err e = mc_safe_check_output(out, c->force);
    if (e) return cli_fail(out, e);
    if ((e = mc_safe_check_output(keypath, c->force))) return cli_fail(keypath, e);

    img_image plain, cipher;
    img_origin origin;
    e = img_read_origin(in, &plain, &origin);
    cli_notes(in);
    if (e) return cli_fail(in, e);
    if ((rc = prepare(c, in, &params, &hdr))) {
        img_free(&plain);
        img_origin_free(&origin);
        return rc;
    }
    hdr.origin = origin.rec;   /* sealed with the key, restored by decrypt */
    hdr.origin_len = origin.reclen;
    uint8_t *env = NULL;
    size_t envlen = 0;
    chaos_params used;
    e = pipe_encrypt(&plain, &params, &hdr, c->pub, &cipher, &env, &envlen, &used);
    img_free(&plain);
    img_origin_free(&origin);
    if (e) return cli_fail(in, e);
    if (c->variant == VARIANT_PAPER) guard_report_walk(in, &params, &used);
    const char *where;
    e = write_pair(out, keypath, &cipher, env, envlen, c->force, &where);
    img_free(&cipher);
    free(env);
    return e ? cli_fail(where, e) : 0;
}

int cmd_encrypt(int argc, char **argv)
{
    enum { O_MODEL = 256, O_TEACHER, O_PARAMS, O_MAP, O_PUBKEY, O_COMPACT, O_AES, O_DATETIME, O_FILETIME, O_HARDENED,
           O_REGISTRY, O_REUSE, O_KEEP_HEADER, O_ENV_BESIDE };
    static const struct option opts[] = {
        {"model", required_argument, 0, O_MODEL},     {"teacher", no_argument, 0, O_TEACHER},
        {"params", required_argument, 0, O_PARAMS},   {"map", required_argument, 0, O_MAP},
        {"pubkey", required_argument, 0, O_PUBKEY},   {"compact", no_argument, 0, O_COMPACT},
        {"aes", required_argument, 0, O_AES},         {"datetime", required_argument, 0, O_DATETIME},
        {"allow-file-time", no_argument, 0, O_FILETIME}, {"hardened", no_argument, 0, O_HARDENED},
        {"key-registry", required_argument, 0, O_REGISTRY}, {"allow-key-reuse", no_argument, 0, O_REUSE},
        {"keep-header", no_argument, 0, O_KEEP_HEADER}, {"envelope-beside", no_argument, 0, O_ENV_BESIDE},
        {"help", no_argument, 0, 'h'},                BATCH_LONG_OPTIONS,
        {0, 0, 0, 0}};
    enc_ctx c;
    memset(&c, 0, sizeof c);
    c.aes_bytes = 16;
    keysrc_opts ko;
    memset(&ko, 0, sizeof ko);
    ko.map = CHAOS_LOGISTIC;
    const char *map = NULL, *aes = NULL, *registry = NULL;
    int allow_reuse = 0;
    batch_args ba = {.o = {.pair = 1}};
    int opt, twice = 0, rc;
    optind = 1;
    while ((opt = getopt_long(argc, argv, BATCH_SHORT_OPTIONS "h", opts, NULL)) != -1) {
        if ((rc = batch_option(opt, optarg, &ba, "encrypt")) >= 0) {
            if (rc) return rc;
            continue;
        }
        switch (opt) {
        case O_MODEL: twice = cli_set_once(&ko.model_path, optarg); break;
        case O_TEACHER: ko.teacher = 1; break;
        case O_PARAMS: twice = cli_set_once(&ko.params, optarg); break;
        case O_MAP:
            if (chaos_map_parse(optarg, &ko.map)) return cli_usage_error("encrypt", "unknown map '%s'", optarg);
            twice = cli_set_once(&map, optarg);
            break;
        case O_PUBKEY: twice = cli_set_once(&c.pubpath, optarg); break;
        case O_COMPACT: c.mode = KEYMAT_COMPACT; break;
        case O_AES:
            if (strcmp(optarg, "128") && strcmp(optarg, "256")) return cli_usage_error("encrypt", "--aes takes 128 or 256");
            c.aes_bytes = atoi(optarg) / 8;
            twice = cli_set_once(&aes, optarg);
            break;
        case O_DATETIME: twice = cli_set_once(&ko.datetime, optarg); break;
        case O_FILETIME: ko.allow_file_time = 1; break;
        case O_HARDENED: c.variant = VARIANT_HARDENED; break;
        case O_REGISTRY: twice = cli_set_once(&registry, optarg); break;
        case O_REUSE: allow_reuse = 1; break;
        case O_KEEP_HEADER: c.dicom.keep_header = 1; break;
        case O_ENV_BESIDE: c.dicom.envelope_beside = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error("encrypt", "bad option");
        }
        if (twice) return cli_usage_error("encrypt", "%s given twice with different values", cli_option_name(opts, opt));
    }
    if (ba.out_file && ba.out_dir) return cli_usage_error("encrypt", "give -o OUT or -O DIR, not both");
    c.force = ba.o.force;
    if (!!ko.model_path + ko.teacher + !!ko.params != 1)
        return cli_usage_error("encrypt", "give exactly one of --model, --teacher, --params");
    if (!c.pubpath) return cli_usage_error("encrypt", "--pubkey is required");
    if (optind >= argc) return cli_usage_error("encrypt", "no input image");
    /* What this command reads, no output may replace. */
    /* One salt per command: replaced UIDs agree within it (pipeline/dicom.h). */
    mc_err e = rand_bytes(c.uid_salt, sizeof c.uid_salt);
    if (e) return cli_fail(NULL, e);
    c.dicom.uid_salt = c.uid_salt;
    e = mc_safe_input(c.pubpath);
    if (!e && ko.model_path) e = mc_safe_input(ko.model_path);
    if (e) return cli_fail(NULL, e);
    if ((e = pem_read_public(c.pubpath, &c.pub))) return cli_fail(c.pubpath, e);
    if ((e = keysrc_open(&c.ks, &ko))) {
        rsa_pub_free(c.pub);
        return cli_fail(ko.model_path ? ko.model_path : NULL, e);
    }
    if ((e = batch_build(&c.b, argv + optind, argc - optind, ba.out_file, ba.out_dir, 0)) ||
        (e = batch_prepare(&c.b, &ba.o, ba.out_dir))) {
        batch_free(&c.b);
        keysrc_close(&c.ks);
        rsa_pub_free(c.pub);
        return e == MC_E_ARG ? cli_usage_error("encrypt", "%s", mc_errmsg(e)) : cli_fail(NULL, e);
    }
    keyguard *guard;
    rc = guard_before(&c.b, &c.ks, registry, allow_reuse, c.variant == VARIANT_HARDENED, &guard);
    if (!rc) rc = guard_after(guard, batch_run(&c.b, &ba.o, encrypt_one, &c, "encrypt"));
    batch_free(&c.b);
    keysrc_close(&c.ks);
    rsa_pub_free(c.pub);
    return rc;
}
