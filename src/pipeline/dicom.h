/* One DICOM file through the cipher and back (docs/FORMAT.md §7): the
 * pixel data is encrypted at its own geometry and bit depth, the original
 * header (every attribute but the pixel data) is sealed in the envelope, and
 * the cipher is itself a valid DICOM file carrying the envelope in a private
 * block, or beside it. Decryption rebuilds the original from the sealed header
 * and the decrypted pixels alone: nothing of the clear cipher header is used. */
#ifndef MC_PIPELINE_DICOM_H
#define MC_PIPELINE_DICOM_H
#include <stddef.h>
#include <stdint.h>
#include "pipeline/pipeline.h"

typedef struct {
    int keep_header;      /* 0: de-identify the clear header (PS3.15 Annex E Basic Profile) */
    int envelope_beside;  /* 1: the envelope is returned, not put inside the file */
    /* 32 random bytes, the same for every file of one command: a UID the profile
     * replaces maps to 2.25.<SHA-256(salt || UID)>, so the files of a series
     * still share their series and study UIDs, and no run links to another. */
    const uint8_t *uid_salt;
} pipe_dicom_opts;

/* Encrypt the DICOM file file[0..n). *out is the cipher DICOM; with
 * envelope_beside *env is the envelope to store beside it (else NULL, and the
 * envelope is inside *out). hdr as for pipe_encrypt. Both malloc'd. */
mc_err pipe_encrypt_dicom(const uint8_t *file, size_t n, const chaos_params *params, envelope_header *hdr,
                          const rsa_pub *pub, const pipe_dicom_opts *o, uint8_t **out, size_t *outlen,
                          uint8_t **env, size_t *envlen);

/* Decrypt a cipher DICOM file; env NULL reads the envelope from inside it.
 * *out is the restored original (malloc'd). */
mc_err pipe_decrypt_dicom(const uint8_t *file, size_t n, const uint8_t *env, size_t envlen, const rsa_priv *priv,
                          envelope_header *hdr, uint8_t **out, size_t *outlen);

#endif
