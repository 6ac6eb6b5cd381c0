/* libFuzzer harness: the PNG and JPEG readers (src/image) on arbitrary bytes,
 * and for a decoded image its origin record (image/origin.h: the PNG's chunk
 * list and layout, a JPEG's EXIF), which must parse back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/io.h"
#include "image/origin.h"

static void origin_of(const uint8_t *data, size_t size, const img_image *im)
{
    img_origin o, back;
    if (img_origin_from_bytes(data, size, im, &o) != MC_OK) return;
    if (img_origin_parse(o.rec, o.reclen, &back) != MC_OK || back.nchunks != o.nchunks) abort();
    img_origin_free(&back);
    img_origin_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    img_image im;
    if (img_read_png_mem(data, size, &im) == MC_OK) {
        origin_of(data, size, &im);
        img_free(&im);
    }
    if (img_read_jpeg_mem(data, size, &im) == MC_OK) {
        origin_of(data, size, &im);
        img_free(&im);
    }
    mc_clear_error();
    return 0;
}
