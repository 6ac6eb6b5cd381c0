/* The parts of dicom.h that need no DICOM library: telling a DICOM file by its
 * first bytes, and UUID-derived UIDs. The rest is in gdcm.cc (or none.c). */
#include "dicom/dicom.h"

#include <string.h>

int dcm_sniff(const uint8_t *buf, size_t n)
{
    /* PS3.10 §7.1: a 128-byte preamble, then "DICM". */
    if (n >= 132 && !memcmp(buf + 128, "DICM", 4)) return 1;
    /* No preamble: the data set starts with an element of group 0002 or 0008,
     * little-endian (the default transfer syntax) or big-endian. A PNG or JPEG
     * signature never looks like this. */
    if (n < 8) return 0;
    unsigned g_le = buf[0] | buf[1] << 8, g_be = buf[0] << 8 | buf[1];
    unsigned e_le = buf[2] | buf[3] << 8, e_be = buf[2] << 8 | buf[3];
    return ((g_le == 0x0002 || g_le == 0x0008) && e_le < 0x0100) ||
           ((g_be == 0x0002 || g_be == 0x0008) && e_be < 0x0100);
}

void dcm_uid_from_uuid(const uint8_t uuid[16], char out[65])
{
    /* PS3.5 §B.2: the 128-bit UUID as an unsigned decimal integer after "2.25.".
     * Long division by 10 on the big-endian bytes, digits collected backwards. */
    uint8_t v[16];
    memcpy(v, uuid, 16);
    char digits[40];
    int nd = 0, zero;
    do {
        unsigned rem = 0;
        zero = 1;
        for (int i = 0; i < 16; i++) {
            unsigned cur = rem << 8 | v[i];
            v[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            if (v[i]) zero = 0;
        }
        digits[nd++] = (char)('0' + rem);
    } while (!zero);
    memcpy(out, "2.25.", 5);
    for (int i = 0; i < nd; i++) out[5 + i] = digits[nd - 1 - i];
    out[5 + nd] = 0;
}
