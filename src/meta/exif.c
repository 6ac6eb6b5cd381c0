/* EXIF through libexif: the three date-time sources (DateTimeOriginal,
 * DateTimeDigitized, IFD0 DateTime, each with its SubSecTime and OffsetTime,
 * EXIF 2.32 §4.6.5) read from a JPEG APP1 segment or a PNG eXIf payload, and
 * the small EXIF block `meta set` writes. No EXIF byte is parsed by hand. */
#include "meta/scan.h"

#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <libexif/exif-log.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"

/* libexif reports damage through its log, not through return values: we count
 * the CORRUPT_DATA and NO_MEMORY messages and keep the first one. */
typedef struct {
    int bad;
    char first[160];
} exif_logbook;

static void on_exif_log(ExifLog *log, ExifLogCode code, const char *domain, const char *fmt,
                        va_list ap, void *data)
{
    (void)log;
    exif_logbook *b = data;
    if (code != EXIF_LOG_CODE_CORRUPT_DATA && code != EXIF_LOG_CODE_NO_MEMORY) return;
    if (!b->bad++) {
        int k = snprintf(b->first, sizeof b->first, "%s: ", domain ? domain : "libexif");
        if (k > 0 && (size_t)k < sizeof b->first) vsnprintf(b->first + k, sizeof b->first - (size_t)k, fmt, ap);
    }
}

/* An ASCII entry's text (1 present, 0 absent, -1 present but not ASCII). */
static int entry_text(ExifData *d, ExifIfd ifd, ExifTag tag, char *out, size_t cap)
{
    ExifEntry *e = exif_content_get_entry(d->ifd[ifd], tag);
    out[0] = 0;
    if (!e) return 0;
    if (e->format != EXIF_FORMAT_ASCII || !e->data) return -1;
    size_t n = 0;
    for (; n < e->size && n + 1 < cap && e->data[n]; n++)
        out[n] = (e->data[n] >= 0x20 && e->data[n] < 0x7f) ? (char)e->data[n] : '?';
    out[n] = 0;
    return 1;
}

/* EXIF 2.32 §4.6.5: "When the date and time are unknown, all the character
 * spaces except colons (":") may be filled with blank characters", and many
 * cameras write "0000:00:00 00:00:00". Both mean absent, not an error. */
static int exif_unknown_date(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != ':' && *s != '0') return 0;
    return 1;
}

typedef struct {
    meta_source src;
    ExifIfd ifd;
    ExifTag date, subsec, offset;
    const char *name;
} exif_source;

static const exif_source exif_sources[] = {
    {META_SRC_EXIF_ORIGINAL, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, EXIF_TAG_SUB_SEC_TIME_ORIGINAL,
     EXIF_TAG_OFFSET_TIME_ORIGINAL, "DateTimeOriginal"},
    {META_SRC_EXIF_DIGITIZED, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED, EXIF_TAG_SUB_SEC_TIME_DIGITIZED,
     EXIF_TAG_OFFSET_TIME_DIGITIZED, "DateTimeDigitized"},
    /* DateTime lives in IFD0 (TIFF 6.0), its SubSecTime/OffsetTime in the Exif IFD. */
    {META_SRC_EXIF_DATETIME, EXIF_IFD_0, EXIF_TAG_DATE_TIME, EXIF_TAG_SUB_SEC_TIME, EXIF_TAG_OFFSET_TIME,
     "DateTime"},
};

static int collect(ExifData *d, const char *where, meta_scan *s)
{
    int found = 0;
    for (size_t i = 0; i < sizeof exif_sources / sizeof exif_sources[0]; i++) {
        const exif_source *x = &exif_sources[i];
        char date[64], sub[32], off[32], label[48], raw[128];
        int r = entry_text(d, x->ifd, x->date, date, sizeof date);
        if (r == 0 || (r > 0 && exif_unknown_date(date))) continue;
        int rs = entry_text(d, EXIF_IFD_EXIF, x->subsec, sub, sizeof sub);
        int ro = entry_text(d, EXIF_IFD_EXIF, x->offset, off, sizeof off);
        snprintf(label, sizeof label, "%s %s", where, x->name);
        snprintf(raw, sizeof raw, "%s%s%s%s%s", date, rs > 0 ? " subsec=" : "", rs > 0 ? sub : "",
                 ro > 0 ? " offset=" : "", ro > 0 ? off : "");
        meta_found *f = meta_scan_add(s, x->src, label, raw);
        found++;
        if (!f) continue;
        if (r < 0 || rs < 0 || ro < 0) {
            meta_found_fail(f, mc_fail(MC_E_FORMAT, "%s: a date tag is not of EXIF type ASCII", label));
            continue;
        }
        mc_err e = meta_parse_datetime(date, &f->rec);
        /* EXIF DateTime has no zone of its own (the offset is in OffsetTime*). */
        if (!e && f->rec.offset_known) e = mc_fail(MC_E_FORMAT, "%s '%s' is not 'YYYY:MM:DD HH:MM:SS'", label, date);
        if (!e && f->rec.subsec_digits == 0 && rs > 0) e = meta_set_subsec(&f->rec, sub);
        if (!e && ro > 0 && !exif_unknown_date(off)) e = meta_set_offset(&f->rec, off);
        f->rec.src = x->src;
        if (e) meta_found_fail(f, e);
    }
    return found;
}

/* Load an EXIF block into a fresh ExifData. FOLLOW_SPECIFICATION is switched
 * off before loading: with it libexif "fixes" the data by adding mandatory
 * tags, and it initialises a missing DateTime to the current clock, which would
 * invent metadata. That is why exif_data_new_from_data() is not used. */
static void scan_loaded(const unsigned char *buf, size_t len, const char *where, meta_scan *s)
{
    exif_logbook book = {0, ""};
    ExifData *d = exif_data_new();
    ExifLog *log = exif_log_new();
    if (!d || !log) {
        if (d) exif_data_unref(d);
        if (log) exif_log_unref(log);
        meta_scan_note(s, "%s: out of memory in libexif", where);
        return;
    }
    exif_log_set_func(log, on_exif_log, &book);
    exif_data_log(d, log);
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(d, buf, (unsigned)len);
    int found = collect(d, where, s);
    if (book.bad && !found) {
        meta_found *f = meta_scan_add(s, META_SRC_EXIF_ORIGINAL, where, "(unreadable)");
        if (f) meta_found_fail(f, mc_fail(MC_E_FORMAT, "%s: corrupt EXIF data (%s)", where, book.first));
    } else if (book.bad) {
        meta_scan_note(s, "%s: libexif reported %d problem(s), first: %s", where, book.bad, book.first);
    }
    exif_data_unref(d);
    exif_log_unref(log);
}

/* A PNG eXIf payload starts with the TIFF header ("MM" or "II", PNG 3rd ed.
 * §11.3.6.1), while libexif wants the JPEG APP1 form led by "Exif\0\0". Some
 * writers put that prefix into eXIf as well; both are accepted. */
void meta_exif_scan_block(const unsigned char *buf, size_t len, const char *where, meta_scan *s)
{
    static const unsigned char hdr[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (len > MC_LIMIT_EXIF_BYTES) {
        meta_found *f = meta_scan_add(s, META_SRC_EXIF_ORIGINAL, where, "(too large)");
        if (f) meta_found_fail(f, mc_fail(MC_E_TOO_LARGE, "%s: EXIF block of %zu bytes", where, len));
        return;
    }
    if (len >= 6 && !memcmp(buf, hdr, 6)) {
        scan_loaded(buf, len, where, s);
        return;
    }
    unsigned char *p = malloc(len + 6);
    if (!p) {
        meta_scan_note(s, "%s: out of memory", where);
        return;
    }
    memcpy(p, hdr, 6);
    if (len) memcpy(p + 6, buf, len);
    scan_loaded(p, len + 6, where, s);
    free(p);
}

/* JPEG: libexif's loader walks the markers up to APP1 and hands back its payload. */
mc_err meta_exif_scan_jpeg(const unsigned char *jpeg, size_t len, meta_scan *s)
{
    exif_logbook book = {0, ""};
    ExifLoader *l = exif_loader_new();
    ExifLog *log = exif_log_new();
    if (!l || !log) {
        if (l) exif_loader_unref(l);
        if (log) exif_log_unref(log);
        return mc_fail(MC_E_NOMEM, "out of memory in libexif");
    }
    exif_log_set_func(log, on_exif_log, &book);
    exif_loader_log(l, log);
    /* exif_loader_write() takes at most 4 GiB per call; our files are far smaller. */
    exif_loader_write(l, (unsigned char *)jpeg, (unsigned)len);
    const unsigned char *app1 = NULL;
    unsigned int n = 0;
    exif_loader_get_buf(l, &app1, &n);
    if (app1 && n) scan_loaded(app1, n, "EXIF", s);
    else if (book.bad) meta_scan_note(s, "JPEG: %s", book.first);
    exif_loader_unref(l);
    exif_log_unref(log);
    return MC_OK;
}

/* ---- writing ---- */

static int add_entry(ExifData *d, ExifMem *mem, ExifIfd ifd, ExifTag tag, ExifFormat fmt,
                     const void *bytes, size_t n)
{
    ExifEntry *e = exif_entry_new_mem(mem);
    if (!e) return 0;
    e->data = exif_mem_alloc(mem, (ExifLong)n);
    if (!e->data) {
        exif_entry_unref(e);
        return 0;
    }
    memcpy(e->data, bytes, n);
    e->tag = tag;
    e->format = fmt;
    e->components = n; /* ASCII counts the NUL; UNDEFINED counts bytes */
    e->size = (unsigned)n;
    exif_content_add_entry(d->ifd[ifd], e);
    exif_entry_unref(e);
    return 1;
}

static int add_ascii(ExifData *d, ExifMem *mem, ExifTag tag, const char *s)
{
    return add_entry(d, mem, EXIF_IFD_EXIF, tag, EXIF_FORMAT_ASCII, s, strlen(s) + 1);
}

mc_err meta_exif_build(const meta_record *m, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    mc_err e = meta_validate(m);
    if (e) return e;
    char date[32], sub[16], off[16];
    snprintf(date, sizeof date, "%04d:%02d:%02d %02d:%02d:%02d", m->year, m->month, m->day, m->hour,
             m->minute, m->second);
    int nd = m->subsec_digits > 6 ? 6 : m->subsec_digits;
    snprintf(sub, sizeof sub, "%06d", m->usec);
    sub[nd] = 0;
    int a = m->utc_offset_min < 0 ? -m->utc_offset_min : m->utc_offset_min;
    snprintf(off, sizeof off, "%c%02d:%02d", m->utc_offset_min < 0 ? '-' : '+', a / 60, a % 60);

    ExifMem *mem = exif_mem_new_default();
    ExifData *d = mem ? exif_data_new_mem(mem) : NULL;
    if (!d) {
        if (mem) exif_mem_unref(mem);
        return mc_fail(MC_E_NOMEM, "out of memory in libexif");
    }
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(d, EXIF_BYTE_ORDER_MOTOROLA);
    /* ExifVersion "0232": OffsetTime* first appeared in EXIF 2.31. */
    int ok = add_entry(d, mem, EXIF_IFD_EXIF, EXIF_TAG_EXIF_VERSION, EXIF_FORMAT_UNDEFINED, "0232", 4) &&
             add_ascii(d, mem, EXIF_TAG_DATE_TIME_ORIGINAL, date) &&
             (!nd || add_ascii(d, mem, EXIF_TAG_SUB_SEC_TIME_ORIGINAL, sub)) &&
             (!m->offset_known || add_ascii(d, mem, EXIF_TAG_OFFSET_TIME_ORIGINAL, off));
    unsigned char *out = NULL;
    unsigned int n = 0;
    if (ok) exif_data_save_data(d, &out, &n);
    exif_data_unref(d);
    /* exif_data_save_data() emits the APP1 form: drop its "Exif\0\0". */
    if (!ok || !out || n <= 6 || memcmp(out, "Exif\0\0", 6)) {
        if (out) exif_mem_free(mem, out);
        exif_mem_unref(mem);
        return mc_fail(MC_E_NOMEM, "libexif could not build the EXIF block");
    }
    *buf = malloc(n - 6);
    if (*buf) {
        memcpy(*buf, out + 6, n - 6);
        *len = n - 6;
    }
    exif_mem_free(mem, out);
    exif_mem_unref(mem);
    return *buf ? MC_OK : mc_fail(MC_E_NOMEM, "out of memory");
}
