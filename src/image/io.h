/* Reading images from PNG or JPEG files and writing them as PNG. The format
 * of an input is chosen by its first bytes, never by its name. Writing is
 * a safe write (util/safefile.h): an error never leaves a partial file. */
#ifndef MC_IMAGE_IO_H
#define MC_IMAGE_IO_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "image/image.h"

/* Read a PNG, JPEG or DICOM file into *im (caller frees with img_free). What comes
 * out:
 *  - PNG 8- or 16-bit gray, gray+alpha, RGB, RGBA: the samples bit for bit
 *    (16-bit samples most significant byte first, as in the file).
 *  - PNG palette: expanded to RGB, or RGBA when the palette has a tRNS chunk.
 *  - PNG 1-, 2-, 4-bit gray: scaled to 8 bits by bit replication
 *    (libpng's png_set_expand_gray_1_2_4_to_8: 1 -> 255, 2-bit 1 -> 85).
 *  - Interlaced PNG: de-interlaced. Ancillary chunks (gAMA, sBIT, tRNS on
 *    non-palette images, text) are ignored: no colour transform is applied.
 *    A libpng warning that did not stop the read is left as a note (mc_note).
 *    (image/origin.h keeps the layout and the chunks, to write them back.)
 *  - JPEG: baseline or progressive, 8-bit gray or YCbCr/RGB, decoded by
 *    libjpeg with its default (ISLOW DCT, fancy upsampling, as `djpeg`);
 *    the decoded pixels are the plaintext. CMYK/YCCK: MC_E_UNSUPPORTED.
 * Errors: MC_E_IO (cannot read, or not a regular file), MC_E_FORMAT (neither
 * format, or corrupt), MC_E_TRUNCATED (ends early), MC_E_TOO_LARGE (over
 * IMG_MAX_* or the limits of util/limits.h, checked before allocating),
 * MC_E_UNSUPPORTED; the detail names the cause. */
mc_err img_read(const char *path, img_image *im);

/* A compressed file larger than the largest image we accept is not one. */
#define IMG_MAX_FILE IMG_MAX_BYTES

/* The same from a file's bytes, and one per format (the fuzzing entry points). */
mc_err img_decode(const uint8_t *buf, size_t n, img_image *im);
mc_err img_read_png_mem(const uint8_t *buf, size_t n, img_image *im);
mc_err img_read_jpeg_mem(const uint8_t *buf, size_t n, img_image *im);
/* DICOM (dicom/dicom.h through image/dicom_pixels.h): the stored samples,
 * frames stacked, signed samples as offset binary. */
mc_err img_read_dicom_mem(const uint8_t *buf, size_t n, img_image *im);

/* Write im as a non-interlaced PNG of the same channels and depth, losslessly,
 * as one safe write of mode 0600 (util/safefile.h). An existing path is
 * refused with MC_E_EXISTS unless force is set. */
mc_err img_write_png(const char *path, const img_image *im, int force);
/* The same PNG bytes to an open stream (a member of a safe-write group). */
mc_err img_write_png_stream(FILE *fp, const img_image *im);

#endif
