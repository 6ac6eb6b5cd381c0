/* libFuzzer harness: the EXIF readers of src/meta/exif.c through libexif, on
 * the payload of a PNG eXIf chunk (with or without the "Exif\0\0" prefix) and
 * on a whole JPEG (APP1). Every found record must be valid or carry an error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meta/scan.h"

static void check(const meta_scan *s)
{
    if (s->n > META_MAX_FOUND || s->nnotes > META_MAX_NOTES) abort();
    for (int i = 0; i < s->n; i++)
        if (s->items[i].status == MC_OK && meta_validate(&s->items[i].rec) != MC_OK) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    meta_scan *s = calloc(1, sizeof *s);
    if (!s) return 0;
    meta_exif_scan_block(data, size, "PNG eXIf", s);
    meta_text_finish(s);
    check(s);
    memset(s, 0, sizeof *s);
    if (meta_exif_scan_jpeg(data, size, s) == MC_OK) {
        meta_text_finish(s);
        check(s);
    }
    mc_clear_error();
    free(s);
    return 0;
}
