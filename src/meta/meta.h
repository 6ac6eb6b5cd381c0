/* The acquisition metadata of an image, reduced to one canonical record: a
 * date and time, an optional UTC offset and an optional DICOM UID. Read from
 * a DICOM file's header, EXIF (JPEG APP1, PNG eXIf), PNG text chunks
 * (Creation Time, DICOM:*), given
 * by hand, or taken from the file's mtime when asked. docs/METADATA.md is the
 * specification; the canonical string feeds SHA-256 and the metadata image. */
#ifndef MC_META_META_H
#define MC_META_META_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* Where a record came from, in priority order (lower value wins in
 * meta_choose; manual and file-mtime are only used when the caller asks). */
typedef enum {
    META_SRC_DICOM_ACQUISITION = 0, /* DICOM:AcquisitionDateTime or AcquisitionDate+Time */
    META_SRC_DICOM_CONTENT,         /* DICOM:ContentDate + ContentTime */
    META_SRC_DICOM_SERIES,          /* DICOM:SeriesDate + SeriesTime */
    META_SRC_DICOM_STUDY,           /* DICOM:StudyDate + StudyTime */
    META_SRC_EXIF_ORIGINAL,         /* EXIF DateTimeOriginal (+SubSecTimeOriginal, OffsetTimeOriginal) */
    META_SRC_EXIF_DIGITIZED,        /* EXIF DateTimeDigitized (+SubSec, Offset) */
    META_SRC_EXIF_DATETIME,         /* EXIF IFD0 DateTime (+SubSecTime, OffsetTime) */
    META_SRC_PNG_CREATION_TIME,     /* PNG tEXt/zTXt/iTXt "Creation Time" */
    META_SRC_MANUAL,                /* given on the command line */
    META_SRC_FILE_MTIME,            /* the file's modification time (--allow-file-time) */
    META_SRC__COUNT
} meta_source;

#define META_UID_MAX 64       /* DICOM UI: at most 64 characters of [0-9.] */
#define META_CANON_MAX 128    /* the canonical string always fits in this */

typedef struct {
    int year, month, day;     /* 1..9999, 1..12, 1..days in month (Gregorian) */
    int hour, minute, second; /* 0..23, 0..59, 0..59 (leap seconds refused) */
    int usec;                 /* 0..999999; fractions beyond 6 digits are truncated */
    int subsec_digits;        /* how many fraction digits the source gave (0 = none) */
    int offset_known;         /* 1 when utc_offset_min is meaningful */
    int utc_offset_min;       /* local time minus UTC, -14:00..+14:00 in minutes */
    meta_source src;
    char uid[META_UID_MAX + 1]; /* DICOM SOPInstanceUID, "" when none */
} meta_record;

/* Stable lower-case name of a source: "exif-original", "dicom-study", ... */
const char *meta_source_name(meta_source s);

/* Read an image's metadata (JPEG, PNG or DICOM, told apart by magic bytes) and choose
 * one record by the priority above. MC_E_NOMETA when nothing usable is there
 * (the detail says how to give the date by hand); MC_E_FORMAT when the source
 * that would be chosen is present but corrupt or impossible. */
mc_err meta_read(const char *path, meta_record *m);

/* How a command obtains the record of an image (the paper's fallback):
 * fields given by hand win; otherwise the file's own metadata; otherwise, only
 * when allow_file_time is set, the file's mtime. NULL fields are "not given". */
typedef struct {
    const char *datetime; /* --datetime 'YYYY:MM:DD HH:MM:SS' */
    const char *subsec;   /* --subsec DIGITS */
    const char *offset;   /* --offset +HH:MM */
    const char *uid;      /* --uid DICOM-UID */
    int allow_file_time;  /* --allow-file-time */
} meta_options;
mc_err meta_resolve(const char *path, const meta_options *o, meta_record *m);

/* Parse a date-time given by a person or a text chunk. Accepted forms:
 *   "YYYY:MM:DD HH:MM:SS"  (EXIF)      "YYYY-MM-DD[T ]HH:MM:SS" (ISO 8601)
 * each optionally followed by ".f{1,9}" and by "Z", "+HH:MM", "-HH:MM" or
 * "+HHMM"; and RFC 1123 "Mon, 19 Feb 2007 12:51:57 +0000" (PNG 1.2 §11.3.4.2).
 * Ranges are checked (month 13, Feb 30, 25:61:61 give MC_E_FORMAT). The record
 * is reset first and its source set to META_SRC_MANUAL. */
mc_err meta_parse_datetime(const char *s, meta_record *m);

/* EXIF sub-second text ("00", "123") and offset ("+09:00"). An empty or
 * all-blank string means "not given" and is accepted without change. */
mc_err meta_set_subsec(meta_record *m, const char *digits);
mc_err meta_set_offset(meta_record *m, const char *s);
/* A DICOM UID (UI: digits and dots, 1..64 characters). */
mc_err meta_set_uid(meta_record *m, const char *uid);

/* DICOM DA ("YYYYMMDD") and optional TM ("HH[MM[SS[.F{1,6}]]]", NULL or ""
 * meaning 00:00:00) into m, keeping m->src and m->uid. PS3.5 §6.2; also the
 * forms of the standard before 3.0 that §6.2 asks readers to accept:
 * DA "YYYY.MM.DD" and TM "HH:MM:SS.F". */
mc_err meta_parse_dicom_da_tm(const char *da, const char *tm, meta_record *m);
/* DICOM DT "YYYYMMDD[HH[MM[SS[.F{1,6}]]]][&ZZXX]" (PS3.5 §6.2, DT). */
mc_err meta_parse_dicom_dt(const char *dt, meta_record *m);
/* DICOM TimezoneOffsetFromUTC "&ZZXX" (0008,0201). */
mc_err meta_parse_dicom_offset(const char *s, meta_record *m);

/* The file's modification time as UTC (offset +00:00), source file-mtime. */
mc_err meta_from_file_time(const char *path, meta_record *m);

/* Check every field of m against its range (used before rendering or hashing
 * a record that did not come from the parsers). */
mc_err meta_validate(const meta_record *m);

/* The canonical string (docs/METADATA.md §Canonical string), e.g.
 *   "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid="
 * NUL-terminated when cap > length; returns the length (< META_CANON_MAX). The
 * source is deliberately absent: the same instant typed by hand must give the
 * same key as the one read from EXIF. */
size_t meta_canonical(const meta_record *m, char *buf, size_t cap);

/* One line for people: the canonical string followed by ";src=NAME". */
size_t meta_describe(const meta_record *m, char *buf, size_t cap);

#endif
