/* The one image type of medchaos: width, height, channels, bit depth and the
 * samples exactly as a PNG stores them. Read from PNG or JPEG, written as PNG.
 * Not here: colour management, palettes (expanded on read), metadata (src/meta). */
#ifndef MC_IMAGE_IMAGE_H
#define MC_IMAGE_IMAGE_H
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include "util/err.h"

typedef struct {
    uint32_t width, height;
    uint8_t channels;  /* 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA */
    uint8_t depth;     /* bits per sample: 8 or 16 */
    /* Row-major, channels interleaved; a 16-bit sample is two bytes, most
     * significant first (PNG's order), so "the image's stored bytes" mean the
     * same thing in memory, in the file and in the cipher specification. */
    uint8_t *data;
} img_image;

/* Limits on what we allocate, checked before any allocation: a side may not
 * exceed 65535 pixels (PNG allows 2^31 - 1; no medical image we read comes
 * close), the sample buffer never 2^31 bytes, and within those the policy of
 * util/limits.h (pixels and bytes per image, MEDCHAOS_MAX_PIXELS and
 * MEDCHAOS_MAX_IMAGE_MB). IMG_MAX_BYTES also caps a compressed input file. */
#define IMG_MAX_SIDE 65535u
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzzing explores the decoders' logic: a 41-byte JPEG declaring 2 GB of
 * pixels is legal here but costs seconds per run under AddressSanitizer. */
#define IMG_MAX_BYTES ((size_t)1 << 26)
#else
#define IMG_MAX_BYTES ((size_t)1 << 31)
#endif

/* Bytes per pixel (channels * depth/8), per row, and in the whole image. */
size_t img_pixel_bytes(const img_image *im);
size_t img_row_bytes(const img_image *im);
size_t img_size_bytes(const img_image *im);

/* Allocate a zeroed image; refuses zero or absurd sizes (see IMG_MAX_*). */
mc_err img_new(img_image *im, uint32_t width, uint32_t height, uint8_t channels, uint8_t depth);
void img_free(img_image *im);

/* The checks of img_new without the allocation, so readers can refuse a file
 * from its header alone: MC_E_FORMAT for a zero side, MC_E_TOO_LARGE beyond
 * the limits (the message names the limit and how to raise it),
 * MC_E_UNSUPPORTED for other channel counts or depths. */
mc_err img_check_geometry(uint32_t width, uint32_t height, uint8_t channels, uint8_t depth);

#endif
