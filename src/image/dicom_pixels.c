/* See dicom_pixels.h. One loop serves both directions: sample s of the image
 * (row-major, channels interleaved, big-endian 16-bit) and its place in the
 * DICOM buffer (frame, plane, little-endian) are computed once per sample. */
#include "image/dicom_pixels.h"

#include <string.h>

#include "image/io.h"

static mc_err geometry(const dcm_info *in, size_t n, uint32_t *h)
{
    if ((uint64_t)in->rows * in->frames > IMG_MAX_SIDE)
        return mc_fail(MC_E_TOO_LARGE, "%u frames of %u rows stack to more than %u rows", in->frames, in->rows,
                       IMG_MAX_SIDE);
    *h = in->rows * in->frames;
    mc_err e = img_check_geometry(in->cols, *h, in->samples, in->bits_allocated);
    if (e) return e;
    size_t want = (size_t)in->cols * *h * in->samples * (in->bits_allocated / 8);
    if (n != want) return mc_fail(MC_E_MISMATCH, "%zu bytes of DICOM pixels, the geometry needs %zu", n, want);
    return MC_OK;
}

static void map(const dcm_info *in, uint8_t *img, uint8_t *dcm, int to_dicom)
{
    size_t frame_px = (size_t)in->rows * in->cols, npx = frame_px * in->frames;
    unsigned bps = in->bits_allocated / 8, ns = in->samples;
    uint16_t flip = in->pixel_rep ? (uint16_t)(1u << (in->bits_allocated - 1)) : 0;
    for (size_t p = 0; p < npx; p++)
        for (unsigned c = 0; c < ns; c++) {
            size_t f = p / frame_px, q = p % frame_px;
            size_t d = in->planar && ns > 1 ? (f * ns + c) * frame_px + q : p * ns + c;
            uint8_t *a = img + (p * ns + c) * bps, *b = dcm + d * bps;
            if (bps == 1) {
                if (to_dicom) b[0] = (uint8_t)(a[0] ^ flip);
                else a[0] = (uint8_t)(b[0] ^ flip);
            } else if (to_dicom) {
                uint16_t v = (uint16_t)((a[0] << 8 | a[1]) ^ flip);
                b[0] = (uint8_t)v;
                b[1] = (uint8_t)(v >> 8);
            } else {
                uint16_t v = (uint16_t)((b[1] << 8 | b[0]) ^ flip);
                a[0] = (uint8_t)(v >> 8);
                a[1] = (uint8_t)v;
            }
        }
}

mc_err img_from_dicom(const dcm_info *in, const uint8_t *pixels, size_t n, img_image *im)
{
    memset(im, 0, sizeof *im);
    uint32_t h;
    mc_err e = geometry(in, n, &h);
    if (!e) e = img_new(im, in->cols, h, in->samples, in->bits_allocated);
    if (!e) map(in, im->data, (uint8_t *)pixels, 0);
    return e;
}

mc_err img_to_dicom(const dcm_info *in, const img_image *im, uint8_t *pixels, size_t n)
{
    uint32_t h;
    mc_err e = geometry(in, n, &h);
    if (e) return e;
    if (im->width != in->cols || im->height != h || im->channels != in->samples || im->depth != in->bits_allocated)
        return mc_fail(MC_E_MISMATCH, "a %ux%u %u-channel %u-bit image does not fit DICOM pixels of %ux%u x %u frames",
                       im->width, im->height, im->channels, im->depth, in->cols, in->rows, in->frames);
    map(in, im->data, pixels, 1);
    return MC_OK;
}

dcm_info img_dicom_cipher_layout(const dcm_info *in)
{
    dcm_info c = *in;
    c.pixel_rep = 0;
    c.planar = 0;
    c.bits_stored = in->bits_allocated;
    c.high_bit = (uint8_t)(in->bits_allocated - 1);
    return c;
}

mc_err img_read_dicom_mem(const uint8_t *buf, size_t n, img_image *im)
{
    memset(im, 0, sizeof *im);
    dcm_file *f;
    mc_err e = dcm_open_mem(buf, n, 1, &f);
    if (e) return e;
    size_t np;
    const uint8_t *px = dcm_pixels(f, &np);
    e = img_from_dicom(dcm_get_info(f), px, np, im);
    dcm_close(f);
    return e;
}
