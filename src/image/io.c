/* img_read: load a whole file and hand it to the PNG, JPEG or DICOM reader
 * chosen by the file's signature (PNG: 89 50 4E 47 0D 0A 1A 0A; JPEG: FF D8 FF;
 * DICOM: dcm_sniff). */
#include "image/io.h"

#include <stdlib.h>
#include <string.h>

#include "dicom/dicom.h"
#include "util/file.h"

mc_err img_decode(const uint8_t *buf, size_t n, img_image *im)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    static const uint8_t jpeg_sig[3] = {0xFF, 0xD8, 0xFF};
    memset(im, 0, sizeof *im);
    if (n >= sizeof png_sig && !memcmp(buf, png_sig, sizeof png_sig)) return img_read_png_mem(buf, n, im);
    if (n >= sizeof jpeg_sig && !memcmp(buf, jpeg_sig, sizeof jpeg_sig)) return img_read_jpeg_mem(buf, n, im);
    if (dcm_sniff(buf, n)) return img_read_dicom_mem(buf, n, im);
    if (n == 0) return mc_fail(MC_E_FORMAT, "empty file, not a PNG, JPEG or DICOM image");
    return mc_fail(MC_E_FORMAT, "not a PNG, JPEG or DICOM image (unknown signature)");
}

mc_err img_read(const char *path, img_image *im)
{
    memset(im, 0, sizeof *im);
    unsigned char *buf;
    size_t n;
    mc_err e = mc_read_file(path, IMG_MAX_FILE, &buf, &n);
    if (e) return e;
    e = img_decode(buf, n, im);
    free(buf);
    return e;
}
