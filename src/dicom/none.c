/* dicom.h without a DICOM library (configure found no libgdcm-dev): every
 * entry point that would need GDCM says so. */
#include "dicom/dicom.h"

#include <stdlib.h>

static mc_err absent(void)
{
    return mc_fail(MC_E_UNSUPPORTED, "this medchaos was built without DICOM support "
                                     "(apt-get install libgdcm-dev, then ./configure again)");
}

mc_err dcm_open_mem(const uint8_t *buf, size_t n, int pixels, dcm_file **f)
{
    *f = NULL;
    return absent();
}
void dcm_close(dcm_file *f) {}
const dcm_info *dcm_get_info(const dcm_file *f) { return NULL; }
const uint8_t *dcm_pixels(const dcm_file *f, size_t *n)
{
    *n = 0;
    return NULL;
}
int dcm_get_string(const dcm_file *f, uint16_t group, uint16_t element, char *buf, size_t cap) { return 0; }
mc_err dcm_get_envelope(const dcm_file *f, uint8_t **buf, size_t *n) { return absent(); }
mc_err dcm_header_bytes(const dcm_file *f, uint8_t **buf, size_t *n) { return absent(); }
mc_err dcm_header_info(const uint8_t *header, size_t header_len, dcm_info *info) { return absent(); }
mc_err dcm_compose(const uint8_t *header, size_t header_len, const uint8_t *pixels, size_t npixels,
                   const dcm_cipher_edits *edits, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    return absent();
}
