/* The DICOM branch of `medchaos encrypt` and `decrypt` (pipeline/dicom.h):
 * a DICOM input gives a DICOM output unless the output is named *.png. */
#ifndef MC_CLI_DICOM_CLI_H
#define MC_CLI_DICOM_CLI_H
#include "pipeline/dicom.h"

/* 1 when in is a DICOM file (by its first bytes) and out is not a .png. */
int cli_dicom_job(const char *in, const char *out);

/* Encrypt in to out (and out.key with o->envelope_beside); returns an exit code
 * after printing its one-line error. The outputs appear together or not at all. */
int cli_encrypt_dicom(const char *in, const char *out, const chaos_params *p, envelope_header *hdr,
                      const rsa_pub *pub, const pipe_dicom_opts *o, int force);

/* Decrypt in to out with the envelope from envpath, else IN.key when it exists,
 * else the one inside the file. */
int cli_decrypt_dicom(const char *in, const char *out, const char *envpath, const rsa_priv *priv, int force);

#endif
