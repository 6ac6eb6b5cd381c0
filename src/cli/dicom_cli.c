/* See dicom_cli.h. */
#include "cli/dicom_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dicom/dicom.h"
#include "util/file.h"
#include "util/safefile.h"

/* DICOM files we accept are far below this; PS3.10 allows larger. */
#define CLI_MAX_DICOM ((size_t)1 << 31)

int cli_dicom_job(const char *in, const char *out)
{
    size_t n = strlen(out);
    if (n >= 4 && !strcasecmp(out + n - 4, ".png")) return 0;
    FILE *fp = fopen(in, "rb");
    if (!fp) return 0;
    uint8_t head[132];
    size_t got = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return dcm_sniff(head, got);
}

int cli_encrypt_dicom(const char *in, const char *out, const chaos_params *p, envelope_header *hdr,
                      const rsa_pub *pub, const pipe_dicom_opts *o, int force)
{
    char keypath[4096];
    snprintf(keypath, sizeof keypath, "%s.key", out);
    /* Refuse before the work what the write would refuse after it. */
    mc_err e = mc_safe_check_output(out, force);
    if (e) return cli_fail(out, e);
    if (o->envelope_beside && (e = mc_safe_check_output(keypath, force))) return cli_fail(keypath, e);
    unsigned char *file;
    size_t n;
    if ((e = mc_read_file(in, CLI_MAX_DICOM, &file, &n))) return cli_fail(in, e);
    uint8_t *cipher, *env;
    size_t ncipher, nenv;
    e = pipe_encrypt_dicom(file, n, p, hdr, pub, o, &cipher, &ncipher, &env, &nenv);
    free(file);
    if (e) return cli_fail(in, e);
    /* The cipher and an envelope beside it are one group (util/safefile.h). */
    mc_out w[2];
    size_t nw = env ? 2 : 1;
    const char *where = out;
    e = mc_out_open(&w[0], out, MC_MODE_PUBLIC, force);
    if (!e && env && (e = mc_out_open(&w[1], keypath, MC_MODE_SECRET, force))) {
        where = keypath;
        mc_out_abort(&w[0]);
    }
    if (!e) {
        if (fwrite(cipher, 1, ncipher, w[0].fp) != ncipher || (env && fwrite(env, 1, nenv, w[1].fp) != nenv))
            e = mc_fail(MC_E_IO, "cannot write output: %s", strerror(errno));
        if (e) {
            for (size_t k = 0; k < nw; k++) mc_out_abort(&w[k]);
        } else {
            e = mc_out_commit_group(w, nw);
        }
    }
    free(cipher);
    free(env);
    return e ? cli_fail(where, e) : 0;
}

int cli_decrypt_dicom(const char *in, const char *out, const char *envpath, const rsa_priv *priv, int force)
{
    char keypath[4096];
    snprintf(keypath, sizeof keypath, "%s.key", in);
    if (!envpath && access(keypath, F_OK) == 0) envpath = keypath;
    mc_err e = mc_safe_check_output(out, force);
    if (e) return cli_fail(out, e);
    unsigned char *env = NULL, *file;
    size_t nenv = 0, n;
    if (envpath && (e = mc_read_file(envpath, (size_t)1 << 34, &env, &nenv))) return cli_fail(envpath, e);
    if ((e = mc_read_file(in, CLI_MAX_DICOM, &file, &n))) {
        free(env);
        return cli_fail(in, e);
    }
    envelope_header hdr;
    uint8_t *plain;
    size_t nplain;
    e = pipe_decrypt_dicom(file, n, env, nenv, priv, &hdr, &plain, &nplain);
    free(file);
    free(env);
    if (e) return cli_fail(envpath && e != MC_E_AUTH && e != MC_E_MISMATCH ? envpath : in, e);
    e = mc_write_file(out, plain, nplain, MC_MODE_SECRET, force);   /* a decrypted plaintext */
    free(plain);
    return e ? cli_fail(out, e) : 0;
}
