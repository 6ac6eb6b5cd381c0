/* The img_image type: sizes in bytes and allocation with the limits of
 * image.h checked before anything is allocated. File formats live in png.c
 * and jpeg.c. */
#include "image/image.h"

#include <stdlib.h>
#include <string.h>

#include "util/limits.h"

size_t img_pixel_bytes(const img_image *im) { return (size_t)im->channels * (im->depth / 8u); }

size_t img_row_bytes(const img_image *im) { return (size_t)im->width * img_pixel_bytes(im); }

size_t img_size_bytes(const img_image *im) { return (size_t)im->height * img_row_bytes(im); }

mc_err img_check_geometry(uint32_t width, uint32_t height, uint8_t channels, uint8_t depth)
{
    if (channels < 1 || channels > 4)
        return mc_fail(MC_E_UNSUPPORTED, "%u channels (1 to 4 supported)", (unsigned)channels);
    if (depth != 8 && depth != 16)
        return mc_fail(MC_E_UNSUPPORTED, "%u-bit samples (8 or 16 supported)", (unsigned)depth);
    if (width == 0 || height == 0)
        return mc_fail(MC_E_FORMAT, "image of %" PRIu32 "x%" PRIu32 " pixels is empty", width, height);
    if (width > IMG_MAX_SIDE || height > IMG_MAX_SIDE)
        return mc_fail(MC_E_TOO_LARGE, "image of %" PRIu32 "x%" PRIu32 " pixels exceeds %u per side",
                       width, height, IMG_MAX_SIDE);
    /* Both sides are below 2^16 and a pixel is at most 8 bytes, so the
     * product fits in 64 bits; compare before any size_t arithmetic. */
    uint64_t pixels = (uint64_t)width * height, bytes = pixels * channels * (depth / 8u);
    mc_limits lim = mc_limits_get();
    if (pixels > lim.pixels)
        return mc_fail(MC_E_TOO_LARGE, "image of %" PRIu32 "x%" PRIu32 " = %" PRIu64 " pixels exceeds the limit "
                       "of %" PRIu64 " (raise it with MEDCHAOS_MAX_PIXELS)", width, height, pixels, lim.pixels);
    if (bytes > lim.image_bytes)
        return mc_fail(MC_E_TOO_LARGE, "image of %" PRIu32 "x%" PRIu32 "x%u at %u bits needs %" PRIu64
                       " bytes, over the limit of %" PRIu64 " MiB (raise it with MEDCHAOS_MAX_IMAGE_MB)",
                       width, height, (unsigned)channels, (unsigned)depth, bytes, lim.image_bytes >> 20);
    if (bytes > IMG_MAX_BYTES)
        return mc_fail(MC_E_TOO_LARGE, "image of %" PRIu32 "x%" PRIu32 "x%u at %u bits needs %" PRIu64
                       " bytes, over the limit of %zu", width, height, (unsigned)channels,
                       (unsigned)depth, bytes, IMG_MAX_BYTES);
    return MC_OK;
}

mc_err img_new(img_image *im, uint32_t width, uint32_t height, uint8_t channels, uint8_t depth)
{
    memset(im, 0, sizeof *im);
    mc_err e = img_check_geometry(width, height, channels, depth);
    if (e) return e;
    img_image g = {.width = width, .height = height, .channels = channels, .depth = depth};
    size_t n = img_size_bytes(&g);
    g.data = calloc(n, 1);
    if (!g.data) return mc_fail(MC_E_NOMEM, "cannot allocate %zu bytes for the image", n);
    *im = g;
    return MC_OK;
}

void img_free(img_image *im)
{
    if (!im) return;
    free(im->data);
    memset(im, 0, sizeof *im);
}
