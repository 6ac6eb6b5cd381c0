/* Date-time text in the forms our sources use (EXIF, ISO 8601, RFC 1123,
 * DICOM DA/TM/DT), range checks on the Gregorian calendar, and the canonical
 * string of docs/METADATA.md. Reading files is elsewhere (scan.c, exif.c). */
#include "meta/meta.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const source_names[META_SRC__COUNT] = {
    [META_SRC_DICOM_ACQUISITION] = "dicom-acquisition",
    [META_SRC_DICOM_CONTENT] = "dicom-content",
    [META_SRC_DICOM_SERIES] = "dicom-series",
    [META_SRC_DICOM_STUDY] = "dicom-study",
    [META_SRC_EXIF_ORIGINAL] = "exif-original",
    [META_SRC_EXIF_DIGITIZED] = "exif-digitized",
    [META_SRC_EXIF_DATETIME] = "exif-datetime",
    [META_SRC_PNG_CREATION_TIME] = "png-creation-time",
    [META_SRC_MANUAL] = "manual",
    [META_SRC_FILE_MTIME] = "file-mtime",
};

const char *meta_source_name(meta_source s)
{
    return (unsigned)s < META_SRC__COUNT ? source_names[s] : "invalid";
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

mc_err meta_validate(const meta_record *m)
{
    if (m->year < 1 || m->year > 9999) return mc_fail(MC_E_FORMAT, "year %d outside 0001..9999", m->year);
    if (m->month < 1 || m->month > 12) return mc_fail(MC_E_FORMAT, "month %d outside 1..12", m->month);
    if (m->day < 1 || m->day > days_in_month(m->year, m->month))
        return mc_fail(MC_E_FORMAT, "day %d does not exist in %04d-%02d", m->day, m->year, m->month);
    if (m->hour < 0 || m->hour > 23) return mc_fail(MC_E_FORMAT, "hour %d outside 0..23", m->hour);
    if (m->minute < 0 || m->minute > 59) return mc_fail(MC_E_FORMAT, "minute %d outside 0..59", m->minute);
    /* EXIF 2.32 §4.6.5 and ISO 8601 allow a leap second 60; a key schedule
     * keyed on it would be one nobody can retype, so we refuse it. */
    if (m->second < 0 || m->second > 59) return mc_fail(MC_E_FORMAT, "second %d outside 0..59", m->second);
    if (m->usec < 0 || m->usec > 999999) return mc_fail(MC_E_FORMAT, "microseconds %d outside 0..999999", m->usec);
    if (m->offset_known && (m->utc_offset_min < -14 * 60 || m->utc_offset_min > 14 * 60))
        return mc_fail(MC_E_FORMAT, "UTC offset %d minutes outside -14:00..+14:00", m->utc_offset_min);
    if ((unsigned)m->src >= META_SRC__COUNT) return mc_fail(MC_E_ARG, "invalid metadata source %d", (int)m->src);
    for (const char *p = m->uid; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.') return mc_fail(MC_E_FORMAT, "UID holds a character other than 0-9 and '.'");
    if (strnlen(m->uid, sizeof m->uid) > META_UID_MAX) return mc_fail(MC_E_FORMAT, "UID longer than 64 characters");
    return MC_OK;
}

/* n decimal digits at *p into *v; advances *p. 0 when a non-digit is met. */
static int take_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return 0;
        x = x * 10 + ((*p)[i] - '0');
    }
    *v = x;
    *p += n;
    return 1;
}

/* ".f{1,9}" fraction: microseconds (digits past the 6th are dropped). */
static int take_fraction(const char **p, int maxdig, meta_record *m)
{
    const char *q = *p;
    int n = 0, us = 0;
    while (isdigit((unsigned char)q[n])) {
        if (n < 6) us = us * 10 + (q[n] - '0');
        n++;
    }
    if (n == 0 || n > maxdig) return 0;
    for (int i = n; i < 6; i++) us *= 10;
    m->usec = us;
    m->subsec_digits = n;
    *p = q + n;
    return 1;
}

/* "Z" | "+HH:MM" | "-HH:MM" | "+HHMM" | "-HHMM", the whole rest of the string. */
static int take_offset(const char *p, meta_record *m)
{
    if (p[0] == 'Z' && p[1] == 0) {
        m->offset_known = 1;
        m->utc_offset_min = 0;
        return 1;
    }
    if (p[0] != '+' && p[0] != '-') return 0;
    int sign = p[0] == '-' ? -1 : 1, hh, mm;
    const char *q = p + 1;
    if (!take_digits(&q, 2, &hh)) return 0;
    if (*q == ':') q++;
    if (!take_digits(&q, 2, &mm) || *q) return 0;
    if (mm > 59) return 0;
    m->offset_known = 1;
    m->utc_offset_min = sign * (hh * 60 + mm);
    return 1;
}

static void reset(meta_record *m)
{
    memset(m, 0, sizeof *m);
    m->src = META_SRC_MANUAL;
}

/* Copy s without leading/trailing blanks into buf (EXIF pads with spaces). */
static int trimmed(const char *s, char *buf, size_t cap)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    if (n >= cap) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    return 1;
}

static mc_err parse_rfc1123(const char *s, meta_record *m)
{
    static const char *const wdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const char *p = s;
    int ok = 0;
    for (int i = 0; i < 7; i++)
        if (!strncmp(p, wdays[i], 3)) ok = 1;
    if (!ok || p[3] != ',' || p[4] != ' ') goto bad;
    p += 5;
    int dlen = isdigit((unsigned char)p[1]) ? 2 : 1;
    if (!take_digits(&p, dlen, &m->day) || *p++ != ' ') goto bad;
    m->month = 0;
    for (int i = 0; i < 12; i++)
        if (!strncmp(p, months[i], 3)) m->month = i + 1;
    if (!m->month || p[3] != ' ') goto bad;
    p += 4;
    if (!take_digits(&p, 4, &m->year) || *p++ != ' ') goto bad;
    if (!take_digits(&p, 2, &m->hour) || *p++ != ':' || !take_digits(&p, 2, &m->minute) ||
        *p++ != ':' || !take_digits(&p, 2, &m->second) || *p++ != ' ')
        goto bad;
    if (!strcmp(p, "GMT") || !strcmp(p, "UT") || !strcmp(p, "UTC")) {
        m->offset_known = 1;
        m->utc_offset_min = 0;
    } else if (!take_offset(p, m)) {
        goto bad;
    }
    return meta_validate(m);
bad:
    return mc_fail(MC_E_FORMAT, "'%.40s' is not an RFC 1123 date such as 'Mon, 19 Feb 2007 12:51:57 +0000'", s);
}

mc_err meta_parse_datetime(const char *s, meta_record *m)
{
    reset(m);
    char b[64];
    if (!s || !trimmed(s, b, sizeof b) || !b[0])
        return mc_fail(MC_E_FORMAT, "empty or overlong date-time (expected 'YYYY:MM:DD HH:MM:SS')");
    if (isalpha((unsigned char)b[0])) return parse_rfc1123(b, m);
    const char *p = b;
    char sep;
    if (!take_digits(&p, 4, &m->year) || (*p != ':' && *p != '-')) goto bad;
    sep = *p++;
    if (!take_digits(&p, 2, &m->month) || *p++ != sep || !take_digits(&p, 2, &m->day)) goto bad;
    if (*p != ' ' && *p != 'T') goto bad;
    p++;
    if (!take_digits(&p, 2, &m->hour) || *p++ != ':' || !take_digits(&p, 2, &m->minute) ||
        *p++ != ':' || !take_digits(&p, 2, &m->second))
        goto bad;
    if (*p == '.') {
        p++;
        if (!take_fraction(&p, 9, m)) goto bad;
    }
    if (*p && !take_offset(p, m)) goto bad;
    return meta_validate(m);
bad:
    return mc_fail(MC_E_FORMAT, "'%.40s' is not a date-time of the form 'YYYY:MM:DD HH:MM:SS' "
                                "(or ISO 'YYYY-MM-DDTHH:MM:SS[.f][+HH:MM]')", b);
}

mc_err meta_set_subsec(meta_record *m, const char *digits)
{
    char b[32];
    if (!digits || !trimmed(digits, b, sizeof b)) return mc_fail(MC_E_FORMAT, "sub-second text too long");
    if (!b[0]) return MC_OK;
    const char *p = b;
    meta_record t = *m;
    if (!take_fraction(&p, 9, &t) || *p)
        return mc_fail(MC_E_FORMAT, "sub-second value '%s' is not 1 to 9 decimal digits", b);
    *m = t;
    return MC_OK;
}

mc_err meta_set_offset(meta_record *m, const char *s)
{
    char b[32];
    if (!s || !trimmed(s, b, sizeof b)) return mc_fail(MC_E_FORMAT, "UTC offset text too long");
    if (!b[0]) return MC_OK;
    meta_record t = *m;
    if (!take_offset(b, &t) || b[0] == 'Z') /* EXIF OffsetTime is "+HH:MM" only (EXIF 2.32 §4.6.5) */
        return mc_fail(MC_E_FORMAT, "UTC offset '%s' is not of the form +HH:MM or -HH:MM", b);
    if (t.utc_offset_min < -14 * 60 || t.utc_offset_min > 14 * 60)
        return mc_fail(MC_E_FORMAT, "UTC offset '%s' outside -14:00..+14:00", b);
    *m = t;
    return MC_OK;
}

mc_err meta_set_uid(meta_record *m, const char *uid)
{
    char b[META_UID_MAX + 2];
    if (!uid || !trimmed(uid, b, sizeof b) || strlen(b) > META_UID_MAX)
        return mc_fail(MC_E_FORMAT, "UID longer than %d characters", META_UID_MAX);
    for (const char *p = b; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return mc_fail(MC_E_FORMAT, "UID '%.64s' holds a character other than 0-9 and '.'", b);
    if (!b[0] || b[0] == '.' || b[strlen(b) - 1] == '.' || strstr(b, ".."))
        return mc_fail(MC_E_FORMAT, "UID '%.64s' is not a dotted list of numbers", b);
    memcpy(m->uid, b, strlen(b) + 1);
    return MC_OK;
}

/* DICOM TM: HH[MM[SS[.F{1,6}]]] (PS3.5 §6.2). Pre-3.0 "HH:MM:SS" is also read. */
static int take_dicom_tm(const char *p, meta_record *m)
{
    char b[24];
    size_t n = 0;
    for (; *p && n + 1 < sizeof b; p++)
        if (*p != ':') b[n++] = *p;
    b[n] = 0;
    if (*p) return 0;
    const char *q = b;
    m->hour = m->minute = m->second = 0;
    if (!take_digits(&q, 2, &m->hour)) return 0;
    if (*q && !take_digits(&q, 2, &m->minute)) return 0;
    if (*q && *q != '.' && !take_digits(&q, 2, &m->second)) return 0;
    if (*q == '.') {
        q++;
        if (!take_fraction(&q, 6, m)) return 0;
    }
    return *q == 0;
}

mc_err meta_parse_dicom_da_tm(const char *da, const char *tm, meta_record *m)
{
    char d[16], t[32];
    if (!da || !trimmed(da, d, sizeof d)) return mc_fail(MC_E_FORMAT, "DICOM date too long");
    if (!tm) tm = "";
    if (!trimmed(tm, t, sizeof t)) return mc_fail(MC_E_FORMAT, "DICOM time too long");
    /* PS3.5 §6.2, DA: "yyyy.mm.dd" of ACR-NEMA 2.0, read as yyyymmdd. */
    if (strlen(d) == 10 && d[4] == '.' && d[7] == '.') {
        memmove(d + 4, d + 5, 2);
        memmove(d + 6, d + 8, 3);
    }
    const char *p = d;
    m->usec = m->subsec_digits = 0;
    if (strlen(d) != 8 || !take_digits(&p, 4, &m->year) || !take_digits(&p, 2, &m->month) ||
        !take_digits(&p, 2, &m->day))
        return mc_fail(MC_E_FORMAT, "DICOM date '%s' is not YYYYMMDD", d);
    if (t[0]) {
        if (!take_dicom_tm(t, m)) return mc_fail(MC_E_FORMAT, "DICOM time '%s' is not HHMMSS[.FFFFFF]", t);
    } else {
        m->hour = m->minute = m->second = 0;
    }
    return meta_validate(m);
}

mc_err meta_parse_dicom_offset(const char *s, meta_record *m)
{
    char b[16];
    if (!s || !trimmed(s, b, sizeof b) || strlen(b) != 5 || b[3] == ':' || !take_offset(b, m))
        return mc_fail(MC_E_FORMAT, "DICOM UTC offset '%.16s' is not &ZZXX (+HHMM or -HHMM)", s ? s : "");
    /* PS3.3 C.12.1.1.8: -1200..+1400 in practice; we share the ISO bound of ±14:00. */
    if (m->utc_offset_min < -14 * 60 || m->utc_offset_min > 14 * 60)
        return mc_fail(MC_E_FORMAT, "DICOM UTC offset '%s' outside -1400..+1400", b);
    return MC_OK;
}

mc_err meta_parse_dicom_dt(const char *dt, meta_record *m)
{
    char b[40], da[9];
    if (!dt || !trimmed(dt, b, sizeof b) || strlen(b) < 8)
        return mc_fail(MC_E_FORMAT, "DICOM date-time '%.40s' is not YYYYMMDD[HHMMSS[.F]][&ZZXX]", dt ? dt : "");
    memcpy(da, b, 8);
    da[8] = 0;
    char *off = strpbrk(b + 8, "+-");
    char tz[8] = "";
    if (off) {
        if (strlen(off) != 5) return mc_fail(MC_E_FORMAT, "DICOM date-time '%s' has a bad &ZZXX offset", b);
        memcpy(tz, off, 6);
        *off = 0;
    }
    mc_err e = meta_parse_dicom_da_tm(da, b + 8, m);
    if (e) return e;
    return tz[0] ? meta_parse_dicom_offset(tz, m) : MC_OK;
}

mc_err meta_from_file_time(const char *path, meta_record *m)
{
    struct stat st;
    if (stat(path, &st) != 0) return mc_fail(MC_E_IO, "cannot stat: %s", strerror(errno));
    struct tm tm;
    time_t t = st.st_mtim.tv_sec;
    if (!gmtime_r(&t, &tm)) return mc_fail(MC_E_FORMAT, "modification time out of range");
    reset(m);
    m->year = tm.tm_year + 1900;
    m->month = tm.tm_mon + 1;
    m->day = tm.tm_mday;
    m->hour = tm.tm_hour;
    m->minute = tm.tm_min;
    m->second = tm.tm_sec > 59 ? 59 : tm.tm_sec;
    m->usec = (int)(st.st_mtim.tv_nsec / 1000);
    m->subsec_digits = 6;
    m->offset_known = 1; /* gmtime: the offset is +00:00 by construction */
    m->src = META_SRC_FILE_MTIME;
    return meta_validate(m);
}

size_t meta_canonical(const meta_record *m, char *buf, size_t cap)
{
    char tz[16];
    mc_err e = meta_validate(m);
    if (e) {
        mc_clear_error();
        if (cap) buf[0] = 0;
        return 0;
    }
    if (m->offset_known) {
        int a = m->utc_offset_min < 0 ? -m->utc_offset_min : m->utc_offset_min;
        snprintf(tz, sizeof tz, "%c%02d:%02d", m->utc_offset_min < 0 ? '-' : '+', a / 60, a % 60);
    } else {
        strcpy(tz, "unknown");
    }
    int n = snprintf(buf, cap, "medchaos-meta/1;%04d-%02d-%02dT%02d:%02d:%02d.%06d;tz=%s;uid=%s",
                     m->year, m->month, m->day, m->hour, m->minute, m->second, m->usec, tz, m->uid);
    return n < 0 ? 0 : (size_t)n;
}

size_t meta_describe(const meta_record *m, char *buf, size_t cap)
{
    char c[META_CANON_MAX];
    size_t n = meta_canonical(m, c, sizeof c);
    if (!n) {
        if (cap) snprintf(buf, cap, "(invalid record)");
        return 0;
    }
    int k = snprintf(buf, cap, "%s;src=%s", c, meta_source_name(m->src));
    return k < 0 ? 0 : (size_t)k;
}
