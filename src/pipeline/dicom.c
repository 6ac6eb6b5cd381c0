/* See dicom.h. The steps: decode (src/dicom), map to an image
 * (src/image/dicom_pixels), encrypt with the original header as the
 * envelope's attachment (pipeline.c), map the cipher back to DICOM pixels and
 * compose the cipher file; decryption runs them backwards. */
#include "pipeline/dicom.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "dicom/dicom.h"
#include "image/dicom_pixels.h"

/* RFC 4122 §4.4: version 4, variant 10, so that 2.25.N is a UUID-derived UID. */
static void uid_from_bytes(uint8_t b[16], char out[65])
{
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    dcm_uid_from_uuid(b, out);
}

static void salted_uid(void *ctx, const char *old, char out[65])
{
    uint8_t d[32];
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, ctx, 32);
    sha256_update(&c, old, strlen(old));
    sha256_final(&c, d);
    uid_from_bytes(d, out);
}

/* The image of a decoded file and the pixel buffer of a layout. */
static mc_err pixels_buffer(const dcm_info *in, uint8_t **buf, size_t *n)
{
    *n = (size_t)in->rows * in->cols * in->frames * in->samples * (in->bits_allocated / 8);
    *buf = malloc(*n ? *n : 1);
    return *buf ? MC_OK : mc_fail(MC_E_NOMEM, "out of memory for %zu bytes of pixels", *n);
}

mc_err pipe_encrypt_dicom(const uint8_t *file, size_t n, const chaos_params *params, envelope_header *hdr,
                          const rsa_pub *pub, const pipe_dicom_opts *o, uint8_t **out, size_t *outlen,
                          uint8_t **env, size_t *envlen)
{
    *out = *env = NULL;
    *outlen = *envlen = 0;
    dcm_file *f;
    mc_err e = dcm_open_mem(file, n, 1, &f);
    if (e) return e;
    img_image plain, cipher;
    memset(&cipher, 0, sizeof cipher);
    uint8_t *sealed = NULL, *cpix = NULL;
    size_t nsealed, np, ncpix;
    const uint8_t *px = dcm_pixels(f, &np);
    dcm_info in = *dcm_get_info(f), cl = img_dicom_cipher_layout(&in);
    if ((e = img_from_dicom(&in, px, np, &plain))) goto done;
    e = dcm_header_bytes(f, &sealed, &nsealed);
    dcm_close(f);
    f = NULL;
    if (!e) e = pipe_encrypt_attached(&plain, params, hdr, sealed, nsealed, pub, &cipher, env, envlen, NULL);
    img_free(&plain);
    if (!e) e = pixels_buffer(&cl, &cpix, &ncpix);
    if (!e) e = img_to_dicom(&cl, &cipher, cpix, ncpix);
    if (e) goto done;
    uint8_t r[16];
    char sop[65];
    if ((e = rand_bytes(r, sizeof r))) goto done;
    uid_from_bytes(r, sop);
    dcm_cipher_edits ed = {.sop_uid = sop, .deidentify = !o->keep_header, .new_uid = salted_uid,
                           .uid_ctx = (void *)o->uid_salt};
    if (!o->envelope_beside) {
        ed.envelope = *env;
        ed.envelope_len = *envlen;
    }
    e = dcm_compose(sealed, nsealed, cpix, ncpix, &ed, out, outlen);
    if (!e && !o->envelope_beside) {
        free(*env);
        *env = NULL;
        *envlen = 0;
    }
done:
    if (f) dcm_close(f);
    img_free(&cipher);
    free(cpix);
    free(sealed);
    if (e) {
        free(*env);
        *env = NULL;
        *envlen = 0;
    }
    return e;
}

mc_err pipe_decrypt_dicom(const uint8_t *file, size_t n, const uint8_t *env, size_t envlen, const rsa_priv *priv,
                          envelope_header *hdr, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    dcm_file *f;
    mc_err e = dcm_open_mem(file, n, 1, &f);
    if (e) return e;
    img_image cipher, plain;
    memset(&plain, 0, sizeof plain);
    uint8_t *inner = NULL, *sealed = NULL, *px = NULL;
    size_t ninner, nsealed = 0, np, ncp;
    const uint8_t *cp = dcm_pixels(f, &ncp);
    e = img_from_dicom(dcm_get_info(f), cp, ncp, &cipher);
    if (!e && !env) {
        e = dcm_get_envelope(f, &inner, &ninner);
        env = inner;
        envlen = ninner;
    }
    dcm_close(f);
    if (e) goto done;
    e = pipe_decrypt_attached(&cipher, env, envlen, priv, hdr, &plain, &sealed, &nsealed);
    img_free(&cipher);
    if (!e && !sealed) e = mc_fail(MC_E_MISMATCH, "the envelope seals no DICOM header (it belongs to a PNG cipher)");
    dcm_info in;
    if (!e) e = dcm_header_info(sealed, nsealed, &in);
    if (!e) e = pixels_buffer(&in, &px, &np);
    if (!e) e = img_to_dicom(&in, &plain, px, np);
    if (!e) e = dcm_compose(sealed, nsealed, px, np, NULL, out, outlen);
done:
    img_free(&plain);
    free(inner);
    if (sealed) {
        memset(sealed, 0, nsealed);
        free(sealed);
    }
    free(px);
    return e;
}
