/* From a file to one metadata record: tell JPEG, PNG and DICOM apart by magic,
 * gather every source (EXIF, PNG text chunks, a DICOM header or the DICOM:*
 * keys), then choose by the
 * priority of docs/METADATA.md. The parsers are in datetime.c and exif.c. */
#include "meta/scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "dicom/dicom.h"
#include "util/file.h"

/* Images up to 2124x2056x16 bits are a few MB; 256 MiB leaves ample room. */
#define META_MAX_FILE ((size_t)256 << 20)

const char *const meta_dicom_keys[META_DICOM_NKEYS] = {
    [META_DK_ACQ_DT] = "DICOM:AcquisitionDateTime",   /* (0008,002A) DT */
    [META_DK_ACQ_DATE] = "DICOM:AcquisitionDate",     /* (0008,0022) DA */
    [META_DK_ACQ_TIME] = "DICOM:AcquisitionTime",     /* (0008,0032) TM */
    [META_DK_CONTENT_DATE] = "DICOM:ContentDate",     /* (0008,0023) DA */
    [META_DK_CONTENT_TIME] = "DICOM:ContentTime",     /* (0008,0033) TM */
    [META_DK_SERIES_DATE] = "DICOM:SeriesDate",       /* (0008,0021) DA */
    [META_DK_SERIES_TIME] = "DICOM:SeriesTime",       /* (0008,0031) TM */
    [META_DK_STUDY_DATE] = "DICOM:StudyDate",         /* (0008,0020) DA */
    [META_DK_STUDY_TIME] = "DICOM:StudyTime",         /* (0008,0030) TM */
    [META_DK_TZ] = "DICOM:TimezoneOffsetFromUTC",     /* (0008,0201) SH */
    [META_DK_SOP_UID] = "DICOM:SOPInstanceUID",       /* (0008,0018) UI */
};

const unsigned short meta_dicom_tags[META_DICOM_NKEYS][2] = {
    [META_DK_ACQ_DT] = {0x0008, 0x002A},      [META_DK_ACQ_DATE] = {0x0008, 0x0022},
    [META_DK_ACQ_TIME] = {0x0008, 0x0032},    [META_DK_CONTENT_DATE] = {0x0008, 0x0023},
    [META_DK_CONTENT_TIME] = {0x0008, 0x0033}, [META_DK_SERIES_DATE] = {0x0008, 0x0021},
    [META_DK_SERIES_TIME] = {0x0008, 0x0031}, [META_DK_STUDY_DATE] = {0x0008, 0x0020},
    [META_DK_STUDY_TIME] = {0x0008, 0x0030},  [META_DK_TZ] = {0x0008, 0x0201},
    [META_DK_SOP_UID] = {0x0008, 0x0018},
};

/* Which record a DICOM key feeds (the offset and UID feed all of them). */
static const int dicom_key_src[META_DICOM_NKEYS] = {
    META_SRC_DICOM_ACQUISITION, META_SRC_DICOM_ACQUISITION, META_SRC_DICOM_ACQUISITION,
    META_SRC_DICOM_CONTENT, META_SRC_DICOM_CONTENT, META_SRC_DICOM_SERIES, META_SRC_DICOM_SERIES,
    META_SRC_DICOM_STUDY, META_SRC_DICOM_STUDY, -1, -1,
};

void meta_scan_note(meta_scan *s, const char *fmt, ...)
{
    if (s->nnotes >= META_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->notes[s->nnotes++], sizeof s->notes[0], fmt, ap);
    va_end(ap);
}

static void printable(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[k] = 0;
}

meta_found *meta_scan_add(meta_scan *s, meta_source src, const char *where, const char *raw)
{
    if (s->n >= META_MAX_FOUND) {
        meta_scan_note(s, "more than %d date sources; '%s' ignored", META_MAX_FOUND, where);
        return NULL;
    }
    meta_found *f = &s->items[s->n++];
    memset(f, 0, sizeof *f);
    f->src = src;
    f->rec.src = src;
    snprintf(f->where, sizeof f->where, "%s", where);
    printable(f->raw, sizeof f->raw, raw, strlen(raw));
    return f;
}

void meta_found_fail(meta_found *f, mc_err e)
{
    f->status = e;
    snprintf(f->detail, sizeof f->detail, "%s", mc_errmsg(e));
    mc_clear_error();
}

/* RFC 3629 §4: well-formed UTF-8, no overlongs, no surrogates, <= U+10FFFF. */
static int valid_utf8(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
        else return 0;
        if (i + k >= n) return 0; /* sequence cut short */
        if (p[i + 1] < lo || p[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if (p[i + j] < 0x80 || p[i + j] > 0xBF) return 0;
        i += k + 1;
    }
    return 1;
}

void meta_text_take(meta_scan *s, const char *chunk, const char *key, const char *value, size_t len,
                    int utf8)
{
    int dk = -1;
    for (int i = 0; i < META_DICOM_NKEYS; i++)
        if (!strcmp(key, meta_dicom_keys[i])) dk = i;
    int creation = !strcmp(key, "Creation Time");
    if (dk < 0 && !creation) return; /* not a key we read */

    char where[48], raw[128];
    snprintf(where, sizeof where, "PNG %s %s", chunk, key);
    int ascii = 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)value[i] < 0x20 || (unsigned char)value[i] >= 0x7f) ascii = 0;
    if ((utf8 && !valid_utf8((const unsigned char *)value, len)) || !ascii || len >= sizeof s->dicom[0]) {
        printable(raw, sizeof raw, value, len);
        int src = creation ? META_SRC_PNG_CREATION_TIME : dicom_key_src[dk];
        if (src < 0) src = META_SRC_DICOM_ACQUISITION; /* the offset/UID spoil every DICOM record */
        meta_found *f = meta_scan_add(s, (meta_source)src, where, raw);
        if (!f) return;
        if (utf8 && !valid_utf8((const unsigned char *)value, len))
            meta_found_fail(f, mc_fail(MC_E_FORMAT, "%s: iTXt text is not valid UTF-8", where));
        else
            meta_found_fail(f, mc_fail(MC_E_FORMAT, "%s: value is not short printable ASCII", where));
        return;
    }
    if (creation) {
        meta_found *f = meta_scan_add(s, META_SRC_PNG_CREATION_TIME, where, value);
        if (!f) return;
        mc_err e = meta_parse_datetime(value, &f->rec);
        f->rec.src = META_SRC_PNG_CREATION_TIME;
        if (e) meta_found_fail(f, e);
        return;
    }
    if (s->dicom_have[dk]) meta_scan_note(s, "%s given twice; the last one is used", key);
    s->dicom_have[dk] = 1;
    memcpy(s->dicom[dk], value, len);
    s->dicom[dk][len] = 0;
}

static int has_item(const meta_scan *s, meta_source src)
{
    for (int i = 0; i < s->n; i++)
        if (s->items[i].src == src) return 1;
    return 0;
}

/* Where a DICOM key was found: "DICOM (0008,0020) StudyDate" or "PNG text DICOM:StudyDate". */
static void dicom_where(const meta_scan *s, int key, char *where, size_t cap)
{
    if (s->format && !strcmp(s->format, "DICOM"))
        snprintf(where, cap, "DICOM (%04X,%04X) %s", meta_dicom_tags[key][0], meta_dicom_tags[key][1],
                 meta_dicom_keys[key] + 6);
    else
        snprintf(where, cap, "PNG text %s", meta_dicom_keys[key]);
}

/* One DICOM record from a DT key or a DA (+TM) pair; *_key < 0 when unused. */
static void dicom_record(meta_scan *s, meta_source src, int dt_key, int da_key, int tm_key)
{
    char raw[256], where[48];
    const char *tz = s->dicom_have[META_DK_TZ] ? s->dicom[META_DK_TZ] : NULL;
    meta_found *f;
    mc_err e;
    if (has_item(s, src)) return; /* a bad value was already recorded */
    if (dt_key >= 0 && s->dicom_have[dt_key]) {
        dicom_where(s, dt_key, where, sizeof where);
        snprintf(raw, sizeof raw, "%s%s%s", s->dicom[dt_key], tz ? " tz=" : "", tz ? tz : "");
        if (!(f = meta_scan_add(s, src, where, raw))) return;
        e = meta_parse_dicom_dt(s->dicom[dt_key], &f->rec);
    } else if (s->dicom_have[da_key]) {
        const char *tm = s->dicom_have[tm_key] ? s->dicom[tm_key] : "";
        dicom_where(s, da_key, where, sizeof where);
        snprintf(raw, sizeof raw, "%s %s%s%s", s->dicom[da_key], tm, tz ? " tz=" : "", tz ? tz : "");
        if (!(f = meta_scan_add(s, src, where, raw))) return;
        e = meta_parse_dicom_da_tm(s->dicom[da_key], tm, &f->rec);
    } else {
        if (s->dicom_have[tm_key]) meta_scan_note(s, "%s without its date is ignored", meta_dicom_keys[tm_key]);
        return;
    }
    if (!e && tz && !f->rec.offset_known) e = meta_parse_dicom_offset(tz, &f->rec);
    f->rec.src = src;
    if (e) meta_found_fail(f, e);
}

void meta_text_finish(meta_scan *s)
{
    dicom_record(s, META_SRC_DICOM_ACQUISITION, META_DK_ACQ_DT, META_DK_ACQ_DATE, META_DK_ACQ_TIME);
    dicom_record(s, META_SRC_DICOM_CONTENT, -1, META_DK_CONTENT_DATE, META_DK_CONTENT_TIME);
    dicom_record(s, META_SRC_DICOM_SERIES, -1, META_DK_SERIES_DATE, META_DK_SERIES_TIME);
    dicom_record(s, META_SRC_DICOM_STUDY, -1, META_DK_STUDY_DATE, META_DK_STUDY_TIME);
    if (!s->dicom_have[META_DK_SOP_UID]) return;
    /* The UID belongs to the image, not to one date: it joins every record. */
    meta_record t;
    memset(&t, 0, sizeof t);
    mc_err e = meta_set_uid(&t, s->dicom[META_DK_SOP_UID]);
    for (int i = 0; i < s->n; i++) {
        meta_found *f = &s->items[i];
        if (f->status) continue;
        if (e) {
            f->status = e;
            snprintf(f->detail, sizeof f->detail, "%s: %s", meta_dicom_keys[META_DK_SOP_UID], mc_errmsg(e));
        } else {
            memcpy(f->rec.uid, t.uid, sizeof t.uid);
        }
    }
    mc_clear_error();
}

mc_err meta_scan_file(const char *path, meta_scan *s)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    memset(s, 0, sizeof *s);
    unsigned char *buf;
    size_t len;
    mc_err e = mc_read_file(path, META_MAX_FILE, &buf, &len);
    if (e) return e;
    if (len >= 8 && !memcmp(buf, png_sig, 8)) {
        s->format = "PNG";
        e = meta_png_scan(buf, len, s);
    } else if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff) {
        s->format = "JPEG";
        e = meta_exif_scan_jpeg(buf, len, s);
    } else if (dcm_sniff(buf, len)) {
        s->format = "DICOM";
        e = meta_dicom_scan(buf, len, s);
    } else {
        e = mc_fail(MC_E_UNSUPPORTED, "not a PNG, JPEG or DICOM file (magic bytes)");
    }
    free(buf);
    if (!e) meta_text_finish(s);
    return e;
}

mc_err meta_choose(const meta_scan *s, meta_record *m, int *which)
{
    for (int src = 0; src < META_SRC_MANUAL; src++)
        for (int i = 0; i < s->n; i++) {
            if ((int)s->items[i].src != src) continue;
            if (which) *which = i;
            if (s->items[i].status)
                return mc_fail(s->items[i].status, "%s", s->items[i].detail);
            *m = s->items[i].rec;
            return MC_OK;
        }
    return mc_fail(MC_E_NOMETA, "no acquisition date in the image (no EXIF date, PNG Creation Time, "
                                "DICOM date or DICOM:* text); give it by hand with --datetime 'YYYY:MM:DD HH:MM:SS', "
                                "or use the file time with --allow-file-time");
}

mc_err meta_read(const char *path, meta_record *m)
{
    meta_scan *s = malloc(sizeof *s);
    if (!s) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_err e = meta_scan_file(path, s);
    if (!e) e = meta_choose(s, m, NULL);
    free(s);
    return e;
}

mc_err meta_resolve(const char *path, const meta_options *o, meta_record *m)
{
    mc_err e;
    if (o && o->datetime) {
        if ((e = meta_parse_datetime(o->datetime, m))) return e;
        if (o->subsec && (e = meta_set_subsec(m, o->subsec))) return e;
        if (o->offset && (e = meta_set_offset(m, o->offset))) return e;
        if (o->uid && (e = meta_set_uid(m, o->uid))) return e;
        return MC_OK;
    }
    if (o && (o->subsec || o->offset || o->uid))
        return mc_fail(MC_E_ARG, "--subsec, --offset and --uid complete --datetime; give --datetime too");
    if (!path) return mc_fail(MC_E_ARG, "no image and no --datetime");
    e = meta_read(path, m);
    if (e == MC_E_NOMETA && o && o->allow_file_time) {
        mc_clear_error();
        return meta_from_file_time(path, m);
    }
    return e;
}
