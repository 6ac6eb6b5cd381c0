/* See dicom_cli.h. */
#include "cli/dicom_cli.h"

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
    if (!force && access(out, F_OK) == 0) return cli_fail(out, MC_E_EXISTS);
    if (!force && o->envelope_beside && access(keypath, F_OK) == 0) return cli_fail(keypath, MC_E_EXISTS);
    unsigned char *file;
    size_t n;
    mc_err e = mc_read_file(in, CLI_MAX_DICOM, &file, &n);
    if (e) return cli_fail(in, e);
    uint8_t *cipher, *env;
    size_t ncipher, nenv;
    e = pipe_encrypt_dicom(file, n, p, hdr, pub, o, &cipher, &ncipher, &env, &nenv);
    free(file);
    if (e) return cli_fail(in, e);
    e = mc_write_file(out, cipher, ncipher, 0644, force);
    free(cipher);
    if (e) {
        free(env);
        return cli_fail(out, e);
    }
    if (env) {
        e = mc_write_file(keypath, env, nenv, 0600, force);
        free(env);
        if (e) {
            unlink(out);   /* never leave a cipher image without its key */
            return cli_fail(keypath, e);
        }
    }
    return 0;
}

int cli_decrypt_dicom(const char *in, const char *out, const char *envpath, const rsa_priv *priv, int force)
{
    char keypath[4096];
    snprintf(keypath, sizeof keypath, "%s.key", in);
    if (!envpath && access(keypath, F_OK) == 0) envpath = keypath;
    if (!force && access(out, F_OK) == 0) return cli_fail(out, MC_E_EXISTS);
    unsigned char *env = NULL, *file;
    size_t nenv = 0, n;
    mc_err e;
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
    e = mc_write_file(out, plain, nplain, 0600, force);
    free(plain);
    return e ? cli_fail(out, e) : 0;
}
