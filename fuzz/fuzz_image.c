/* libFuzzer harness: the PNG and JPEG readers (src/image) on arbitrary bytes. */
#include <stdint.h>

#include "image/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    img_image im;
    if (img_read_png_mem(data, size, &im) == MC_OK) img_free(&im);
    if (img_read_jpeg_mem(data, size, &im) == MC_OK) img_free(&im);
    return 0;
}
