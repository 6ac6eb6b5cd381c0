/* libFuzzer harness: the date-time parsers of src/meta/datetime.c (EXIF and
 * ISO 8601 text, RFC 1123, DICOM DA/TM/DT and the UTC offset, EXIF sub-second
 * and offset fields, DICOM UIDs) and the DICOM:* text-key pairing of scan.c.
 * The input is split at '\n' into up to four fields. Whatever a parser
 * accepts must validate and have a canonical string that fits its bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meta/scan.h"

static void accepted(const meta_record *m)
{
    if (meta_validate(m) != MC_OK) abort();
    char buf[META_CANON_MAX + 8];
    if (meta_canonical(m, buf, sizeof buf) >= META_CANON_MAX) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    const char *f[4] = {"", "", "", ""};
    char *p = text;
    for (int i = 0; i < 4 && p; i++) {
        f[i] = p;
        p = strchr(p, '\n');
        if (p) *p++ = 0;
    }
    meta_record m;
    memset(&m, 0, sizeof m);
    if (meta_parse_datetime(f[0], &m) == MC_OK) {
        accepted(&m);
        if (meta_set_subsec(&m, f[1]) == MC_OK) accepted(&m);
        if (meta_set_offset(&m, f[2]) == MC_OK) accepted(&m);
        if (meta_set_uid(&m, f[3]) == MC_OK) accepted(&m);
    }
    memset(&m, 0, sizeof m);
    if (meta_parse_dicom_dt(f[0], &m) == MC_OK) {
        accepted(&m);
        if (meta_parse_dicom_offset(f[2], &m) == MC_OK) accepted(&m);
    }
    memset(&m, 0, sizeof m);
    if (meta_parse_dicom_da_tm(f[0], f[1], &m) == MC_OK) accepted(&m);

    /* The same fields as DICOM text chunks, paired as scan.c pairs them. */
    meta_scan *s = calloc(1, sizeof *s);
    if (s) {
        int k = (unsigned char)f[3][0] % 3;
        meta_text_take(s, "tEXt", meta_dicom_keys[k == 0 ? META_DK_ACQ_DT : k == 1 ? META_DK_ACQ_DATE : META_DK_STUDY_DATE],
                       f[0], strlen(f[0]), 0);
        meta_text_take(s, "iTXt", meta_dicom_keys[k == 2 ? META_DK_STUDY_TIME : META_DK_ACQ_TIME], f[1], strlen(f[1]), 1);
        meta_text_take(s, "zTXt", meta_dicom_keys[META_DK_TZ], f[2], strlen(f[2]), 0);
        meta_text_take(s, "tEXt", "Creation Time", f[0], strlen(f[0]), 0);
        meta_text_finish(s);
        for (int i = 0; i < s->n; i++)
            if (s->items[i].status == MC_OK) accepted(&s->items[i].rec);
        free(s);
    }
    mc_clear_error();
    free(text);
    return 0;
}
