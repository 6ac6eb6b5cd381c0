/* Everything an image says about its acquisition time, source by source,
 * before one record is chosen: what `medchaos meta show` prints and what
 * meta_read() picks from. Also the writer behind `medchaos meta set`. */
#ifndef MC_META_SCAN_H
#define MC_META_SCAN_H
#include <stddef.h>
#include "meta/meta.h"

#define META_MAX_FOUND 16
#define META_MAX_NOTES 8

/* The DICOM elements we read, from a DICOM file's header or from PNG text
 * keys of the same PS3.6 names prefixed "DICOM:" (meta set --text). */
enum {
    META_DK_ACQ_DT, META_DK_ACQ_DATE, META_DK_ACQ_TIME, META_DK_CONTENT_DATE,
    META_DK_CONTENT_TIME, META_DK_SERIES_DATE, META_DK_SERIES_TIME, META_DK_STUDY_DATE,
    META_DK_STUDY_TIME, META_DK_TZ, META_DK_SOP_UID, META_DICOM_NKEYS
};
extern const char *const meta_dicom_keys[META_DICOM_NKEYS];
extern const unsigned short meta_dicom_tags[META_DICOM_NKEYS][2]; /* (group, element) */

typedef struct {
    meta_source src;
    mc_err status;    /* MC_OK: rec is valid; otherwise why this source is unusable */
    char where[48];   /* e.g. "EXIF DateTimeOriginal", "PNG tEXt DICOM:StudyDate" */
    char raw[128];    /* the value(s) as found, non-printable bytes shown as '?' */
    char detail[192]; /* the error when status != MC_OK */
    meta_record rec;
} meta_found;

typedef struct {
    const char *format; /* "JPEG", "PNG" or "DICOM" */
    int n;
    meta_found items[META_MAX_FOUND];
    int nnotes;         /* warnings from libpng/libexif, for `meta show` */
    char notes[META_MAX_NOTES][192];
    /* Values of the DICOM:* text keys (docs/METADATA.md), paired up by
     * meta_text_finish() once every chunk has been seen. */
    char dicom[META_DICOM_NKEYS][72];
    unsigned char dicom_have[META_DICOM_NKEYS];
} meta_scan;

/* Collect every date source of a JPEG, PNG or DICOM file. Fails only when the file
 * cannot be read or is not a well-formed JPEG/PNG container; a bad value in a
 * source is recorded in that item's status instead. */
mc_err meta_scan_file(const char *path, meta_scan *s);

/* Pick the record by priority (enum order): the first source present decides,
 * so a present but impossible date is an error, never silently skipped. *which
 * (may be NULL) receives the item index. */
mc_err meta_choose(const meta_scan *s, meta_record *m, int *which);

/* Key/value text chunk for meta_png_set. */
typedef struct {
    const char *key;
    const char *value;
} meta_text;

/* Copy the PNG in_path to out_path chunk by chunk (so the image data is
 * copied byte for byte), inserting before the first IDAT: an eXIf chunk and a
 * tEXt "Creation Time" when m is not NULL, and one tEXt chunk per texts[i].
 * Older chunks carrying the same information (eXIf, or text chunks with the
 * same keyword) are dropped. Atomic; never overwrites in_path. */
mc_err meta_png_set(const char *in_path, const char *out_path, const meta_record *m,
                    const meta_text *texts, int ntexts, int force);
/* The same copy into a fresh buffer (caller frees), for a caller that writes
 * it itself (the command, so that a write error names the output). */
mc_err meta_png_with(const char *in_path, const meta_record *m, const meta_text *texts, int ntexts,
                     unsigned char **out, size_t *len);

/* ---- internal to src/meta ---- */
void meta_scan_note(meta_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
meta_found *meta_scan_add(meta_scan *s, meta_source src, const char *where, const char *raw);
void meta_found_fail(meta_found *f, mc_err e);
/* The date elements of a DICOM file's header (src/dicom), into s->dicom. */
mc_err meta_dicom_scan(const unsigned char *buf, size_t len, meta_scan *s);
/* EXIF from a JPEG file (APP1) or from the payload of a PNG eXIf chunk. */
mc_err meta_exif_scan_jpeg(const unsigned char *jpeg, size_t len, meta_scan *s);
void meta_exif_scan_block(const unsigned char *buf, size_t len, const char *where, meta_scan *s);
/* The TIFF-structured EXIF (no "Exif\0\0" prefix) for m, built with libexif. */
mc_err meta_exif_build(const meta_record *m, unsigned char **buf, size_t *len);
/* PNG containers: all text chunks and eXIf, through libpng. */
mc_err meta_png_scan(const unsigned char *png, size_t len, meta_scan *s);
/* Text chunks: the key/value pairs of docs/METADATA.md (Creation Time, DICOM:*). */
/* One text chunk; utf8 is set for iTXt, whose text must be UTF-8 (PNG §11.3.3.4). */
void meta_text_take(meta_scan *s, const char *chunk, const char *key, const char *value, size_t len,
                    int utf8);
void meta_text_finish(meta_scan *s);

#endif
