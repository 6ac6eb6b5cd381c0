/* The date, time, offset and UID elements of a DICOM file's header, read
 * through src/dicom (GDCM) and handed to the same pairing as the DICOM:* PNG
 * text keys (scan.c, meta_text_finish): one set of parsers for both. */
#include "meta/scan.h"

#include <string.h>

#include "dicom/dicom.h"

mc_err meta_dicom_scan(const unsigned char *buf, size_t len, meta_scan *s)
{
    dcm_file *f;
    mc_err e = dcm_open_mem(buf, len, 0, &f);
    if (e) return e;
    for (int k = 0; k < META_DICOM_NKEYS; k++) {
        char v[sizeof s->dicom[0]];
        int got = dcm_get_string(f, meta_dicom_tags[k][0], meta_dicom_tags[k][1], v, sizeof v);
        if (got < 0)
            meta_scan_note(s, "DICOM (%04X,%04X) %s is not a short string; ignored", meta_dicom_tags[k][0],
                           meta_dicom_tags[k][1], meta_dicom_keys[k] + 6);
        if (got <= 0) continue;
        s->dicom_have[k] = 1;
        memcpy(s->dicom[k], v, sizeof v);
    }
    dcm_close(f);
    return MC_OK;
}
