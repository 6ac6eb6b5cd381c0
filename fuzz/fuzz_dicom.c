/* libFuzzer harness: the DICOM path (src/dicom through GDCM, src/image's
 * pixel mapping, src/meta's header scan) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/dicom.h"
#include "image/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    img_image im;
    if (img_read_dicom_mem(data, size, &im) == MC_OK) img_free(&im);
    dcm_file *f;
    if (dcm_open_mem(data, size, 0, &f) == MC_OK) {
        char v[72];
        dcm_get_string(f, 0x0008, 0x0020, v, sizeof v);
        uint8_t *env, *hdr;
        size_t n;
        if (dcm_get_envelope(f, &env, &n) == MC_OK) free(env);
        if (dcm_header_bytes(f, &hdr, &n) == MC_OK) {
            dcm_info in;
            if (dcm_header_info(hdr, n, &in) == MC_OK) {
                size_t np = (size_t)in.rows * in.cols * in.frames * in.samples * (in.bits_allocated / 8);
                uint8_t *px = np <= ((size_t)1 << 24) ? calloc(np ? np : 1, 1) : NULL, *out;
                size_t nout;
                if (px && dcm_compose(hdr, n, px, np, NULL, &out, &nout) == MC_OK) free(out);
                free(px);
            }
            free(hdr);
        }
        dcm_close(f);
    }
    mc_clear_error();
    return 0;
}
