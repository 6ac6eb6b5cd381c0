/* libFuzzer harness: the PNG metadata reader of src/meta/pngread.c (tEXt,
 * zTXt, iTXt and eXIf chunks, before and after IDAT, through libpng), then the
 * pairing of the DICOM:* keys. Every accepted record must validate. */
#include <stdint.h>
#include <stdlib.h>

#include "meta/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    meta_scan *s = calloc(1, sizeof *s);
    if (!s) return 0;
    if (meta_png_scan(data, size, s) == MC_OK) {
        meta_text_finish(s);
        meta_record m;
        if (meta_choose(s, &m, NULL) == MC_OK && meta_validate(&m) != MC_OK) abort();
    }
    mc_clear_error();
    free(s);
    return 0;
}
