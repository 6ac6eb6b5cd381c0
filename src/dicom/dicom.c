/* The parts of dicom.h that need no DICOM library: telling a DICOM file by its
 * first bytes, and UUID-derived UIDs. The rest is in gdcm.cc (or none.c). */
#include "dicom/dicom.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* ---- dcm_check_lengths: a walk over lengths, PS3.5 §7.1 and §7.5 ---- */

typedef struct {
    const uint8_t *b;
    size_t n;
    int be;        /* big-endian data set (PS3.5 §7.3) */
    int implicit;  /* implicit VR (PS3.5 §7.1.3) */
} walk;

enum { WALK_DEPTH = 16 };
static const uint32_t UNDEFINED = 0xffffffffu;

static uint32_t rd16(const walk *w, size_t p, int be)
{
    return be ? (uint32_t)w->b[p] << 8 | w->b[p + 1] : (uint32_t)w->b[p + 1] << 8 | w->b[p];
}

static uint32_t rd32(const walk *w, size_t p, int be)
{
    return be ? rd16(w, p, 1) << 16 | rd16(w, p + 2, 1) : rd16(w, p + 2, 0) << 16 | rd16(w, p, 0);
}

static int long_vr(const uint8_t *v)
{
    static const char *const l[] = {"OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR", "OD", "OL", "OV", "SV", "UV"};
    for (size_t i = 0; i < sizeof l / sizeof *l; i++)
        if (v[0] == l[i][0] && v[1] == l[i][1]) return 1;
    return 0;
}

static mc_err walk_elements(const walk *w, size_t *p, size_t end, int depth, int meta, uint32_t stop);

/* The items of an undefined-length value, up to its sequence delimiter. */
static mc_err walk_items(const walk *w, size_t *p, int depth, int implicit)
{
    for (;;) {
        if (w->n - *p < 8) return mc_fail(MC_E_TRUNCATED, "the file ends inside a sequence at byte %zu", *p);
        uint32_t tag = rd16(w, *p, w->be) << 16 | rd16(w, *p + 2, w->be), len = rd32(w, *p + 4, w->be);
        *p += 8;
        if (tag == 0xfffee0dd) return MC_OK;
        if (tag != 0xfffee000) return mc_fail(MC_E_FORMAT, "byte %zu: an item tag was expected in a sequence", *p - 8);
        if (len == UNDEFINED) {
            walk in = *w;
            in.implicit = implicit;
            mc_err e = walk_elements(&in, p, w->n, depth + 1, 0, 0xfffee00d);
            if (e) return e;
        } else {
            if (len > w->n - *p) return mc_fail(MC_E_TRUNCATED, "the file ends inside an item at byte %zu", *p);
            *p += len;
        }
    }
}

/* Elements from *p up to end, or up to the delimiter tag stop (0: none). */
static mc_err walk_elements(const walk *w, size_t *p, size_t end, int depth, int meta, uint32_t stop)
{
    if (depth > WALK_DEPTH) return mc_fail(MC_E_FORMAT, "sequences nested deeper than %d", WALK_DEPTH);
    while (*p < end) {
        int be = meta ? 0 : w->be, implicit = meta ? 0 : w->implicit;
        if (meta && (end - *p < 2 || rd16(w, *p, 0) != 0x0002)) return MC_OK;
        if (end - *p < 8) return mc_fail(MC_E_TRUNCATED, "the file ends inside an element header at byte %zu", *p);
        uint32_t tag = rd16(w, *p, be) << 16 | rd16(w, *p + 2, be), len;
        if (stop && tag == stop) {
            *p += 8;
            return MC_OK;
        }
        const uint8_t *vr = w->b + *p + 4;
        int un = 0;
        /* PS3.10 §7.1: the meta group is explicit VR; GDCM asserts on anything else. */
        if (meta && !(vr[0] >= 'A' && vr[0] <= 'Z' && vr[1] >= 'A' && vr[1] <= 'Z'))
            return mc_fail(MC_E_FORMAT, "File Meta Information element at byte %zu has no VR", *p);
        if (implicit || tag >> 16 == 0xfffe) {
            len = rd32(w, *p + 4, be);
            *p += 8;
        } else if (long_vr(vr)) {
            if (end - *p < 12) return mc_fail(MC_E_TRUNCATED, "the file ends inside an element header at byte %zu", *p);
            un = vr[0] == 'U' && vr[1] == 'N';
            len = rd32(w, *p + 8, be);
            *p += 12;
        } else {
            len = rd16(w, *p + 6, be);
            *p += 8;
        }
        if (len == UNDEFINED) {
            /* PS3.5 §6.2.2: the items of an undefined-length UN are implicit VR. */
            mc_err e = walk_items(w, p, depth, implicit || un);
            if (e) return e;
        } else {
            if (len > end - *p)
                return mc_fail(MC_E_TRUNCATED, "element (%04X,%04X) at byte %zu is longer than the file", tag >> 16,
                               tag & 0xffff, *p);
            *p += len;
        }
    }
    if (stop) return mc_fail(MC_E_TRUNCATED, "the file ends inside an item");
    return MC_OK;
}

/* A deflated data set (PS3.5 §A.5: raw deflate, RFC 1951, of an explicit VR
 * little endian data set) is inflated here, at most DEFLATE_MAX bytes, and
 * walked like any other: GDCM would otherwise allocate whatever lengths the
 * inflated bytes declare. */
#define DEFLATE_MAX ((size_t)1 << 30)
static mc_err check_deflated(const uint8_t *in, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK) return mc_fail(MC_E_NOMEM, "zlib cannot start");
    size_t cap = n * 4 + 4096, len = 0;
    uint8_t *out = NULL;
    mc_err e = MC_OK;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)(n < UINT32_MAX ? n : UINT32_MAX);
    for (;;) {
        if (len == cap || !out) {
            if (out) cap *= 2;
            uint8_t *p = cap <= DEFLATE_MAX ? realloc(out, cap) : NULL;
            if (!p) {
                e = mc_fail(MC_E_TOO_LARGE, "the deflated data set inflates beyond %zu bytes", DEFLATE_MAX);
                break;
            }
            out = p;
        }
        z.next_out = out + len;
        z.avail_out = (uInt)(cap - len);
        int r = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (r == Z_STREAM_END) break;
        if (r != Z_OK && !(r == Z_BUF_ERROR && z.avail_out == 0)) {
            e = mc_fail(z.avail_in ? MC_E_FORMAT : MC_E_TRUNCATED, "the deflated data set is %s",
                        z.avail_in ? "corrupt" : "cut short");
            break;
        }
    }
    inflateEnd(&z);
    if (!e) {
        walk w = {.b = out, .n = len};
        size_t p = 0;
        e = walk_elements(&w, &p, len, 0, 0, 0);
    }
    free(out);
    return e;
}

mc_err dcm_check_lengths(const uint8_t *buf, size_t n)
{
    walk w = {.b = buf, .n = n};
    size_t p = 0;
    if (n >= 132 && !memcmp(buf + 128, "DICM", 4)) {
        p = 132;
        size_t meta_start = p;
        mc_err e = walk_elements(&w, &p, n, 0, 1, 0);
        if (e) return e;
        if (p >= n) return mc_fail(MC_E_TRUNCATED, "the file ends after its File Meta Information");
        /* The transfer syntax (0002,0010) decides the data set's encoding. */
        for (size_t q = meta_start; q + 8 <= p;) {
            uint32_t tag = rd16(&w, q, 0) << 16 | rd16(&w, q + 2, 0);
            int lv = long_vr(buf + q + 4);
            uint32_t len = lv ? rd32(&w, q + 8, 0) : rd16(&w, q + 6, 0);
            size_t v = q + (lv ? 12 : 8);
            if (tag == 0x00020010) {
                char ts[72] = "";
                size_t k = len < sizeof ts - 1 ? len : sizeof ts - 1;
                memcpy(ts, buf + v, k);
                while (k && (ts[k - 1] == 0 || ts[k - 1] == ' ')) ts[--k] = 0;
                if (!strcmp(ts, "1.2.840.10008.1.2.1.99")) return check_deflated(buf + p, n - p);
                w.implicit = !strcmp(ts, "1.2.840.10008.1.2");
                w.be = !strcmp(ts, "1.2.840.10008.1.2.2");
            }
            q = v + len;
        }
    } else if (n >= 6) {
        /* No meta: the default transfer syntax, or explicit VR when VR letters follow. */
        w.implicit = !(buf[4] >= 'A' && buf[4] <= 'Z' && buf[5] >= 'A' && buf[5] <= 'Z');
        w.be = buf[0] == 0 && buf[1] != 0;
    }
    return walk_elements(&w, &p, n, 0, 0, 0);
}
