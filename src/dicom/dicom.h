/* DICOM Part 10 files through GDCM (libgdcm-dev), behind a C interface: the
 * only C++ in medchaos is src/dicom/gdcm.cc. This layer parses, decodes every
 * transfer syntax GDCM decodes, hands out the pixel data as stored values, reads
 * header strings, and builds the two files medchaos writes: the cipher DICOM
 * and the restored original. It knows nothing of the cipher or of img_image
 * (src/image/dicom.c maps pixels to images); docs/FORMAT.md §7 is the
 * specification. Built without GDCM, every entry point fails with
 * MC_E_UNSUPPORTED (src/dicom/none.c). */
#ifndef MC_DICOM_DICOM_H
#define MC_DICOM_DICOM_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* What the Image Pixel module (PS3.3 C.7.6.3) says about the pixel data. */
typedef struct {
    uint32_t rows, cols, frames;   /* frames = NumberOfFrames, 1 when absent */
    uint8_t samples;               /* SamplesPerPixel: 1 or 3 */
    uint8_t bits_allocated;        /* 8 or 16 */
    uint8_t bits_stored, high_bit;
    uint8_t pixel_rep;             /* 0 unsigned, 1 two's complement */
    uint8_t planar;                /* PlanarConfiguration: 0 interleaved, 1 colour by plane */
    char photometric[24];          /* "MONOCHROME2", "RGB", "PALETTE COLOR", ... */
    char ts_uid[68];               /* the file's transfer syntax UID */
    int compressed;                /* encapsulated: decoded by GDCM, written back uncompressed */
} dcm_info;

typedef struct dcm_file dcm_file;

/* 1 when buf holds a Part 10 file ("DICM" at offset 128) or a raw data set
 * that starts with a plausible group 0002 or 0008 element (ACR-NEMA and
 * preamble-less files, PS3.10 §7.1 and pre-3.0 practice). */
int dcm_sniff(const uint8_t *buf, size_t n);

/* Walk the element lengths of buf (PS3.5 §7: every length within the file,
 * every undefined length closed by its delimiter) without reading any value,
 * so that GDCM never sees a file that ends early: Debian's GDCM keeps its
 * assert()s, and some trip on truncated files. A deflated data set is left to
 * zlib. MC_E_TRUNCATED or MC_E_FORMAT with the offset. dcm_open_mem calls it. */
mc_err dcm_check_lengths(const uint8_t *buf, size_t n);

/* Parse a DICOM file held in memory. With pixels set the image is decoded too
 * (dcm_pixels), and a file without an image (an RT plan, a structured report),
 * a layout we do not handle or pixel data shorter than the header announces is
 * refused; without, only the header is read (for metadata). Errors:
 * MC_E_FORMAT (not parseable: truncated, a length past the end),
 * MC_E_TRUNCATED, MC_E_UNSUPPORTED (transfer syntax GDCM cannot decode, not an
 * image, BitsAllocated other than 8/16, SamplesPerPixel other than 1/3),
 * MC_E_TOO_LARGE (more than 2^31 bytes of pixels). */
mc_err dcm_open_mem(const uint8_t *buf, size_t n, int pixels, dcm_file **f);
void dcm_close(dcm_file *f);

const dcm_info *dcm_get_info(const dcm_file *f);
/* The decoded pixel data: frames one after the other, each row-major, samples
 * interleaved or by plane as info->planar says, every sample in bits_allocated
 * bits, little-endian, bit for bit as stored (unused high bits included). */
const uint8_t *dcm_pixels(const dcm_file *f, size_t *n);

/* A top-level string element (group, element) with its padding (trailing
 * spaces and NULs, leading spaces) removed: 1 found (copied into buf), 0
 * absent or empty, -1 longer than cap - 1 or not a string. */
int dcm_get_string(const dcm_file *f, uint16_t group, uint16_t element, char *buf, size_t cap);

/* The medchaos envelope carried in the private block "MEDCHAOS 1" of group
 * 0009 (FORMAT.md §7). MC_E_NOMETA when the file has none. *buf is
 * malloc'd. */
mc_err dcm_get_envelope(const dcm_file *f, uint8_t **buf, size_t *n);

/* The file as read (decompressed when it was compressed) without its pixel
 * data, as a Part 10 byte stream: what the envelope seals so that decryption
 * restores every attribute. *buf is malloc'd. */
mc_err dcm_header_bytes(const dcm_file *f, uint8_t **buf, size_t *n);

/* How the cipher file differs from the sealed header (FORMAT.md §7). */
typedef struct {
    const char *sop_uid;          /* the new SOPInstanceUID */
    int deidentify;               /* PS3.15 Annex E Basic Profile on the clear header */
    /* Replacement for a UID the profile removes; the same old UID must give
     * the same new one within a run, so a series stays a series. */
    void (*new_uid)(void *ctx, const char *old_uid, char out[65]);
    void *uid_ctx;
    const uint8_t *envelope;      /* NULL: the envelope goes beside the file */
    size_t envelope_len;
} dcm_cipher_edits;

/* Build a DICOM file from a sealed header (dcm_header_bytes) and pixel data
 * laid out as dcm_pixels describes. With edits NULL this is the restored
 * original, attribute for attribute; with edits it is the cipher file:
 * BitsStored = BitsAllocated, PixelRepresentation 0, MONOCHROME2 or RGB
 * interleaved, palette removed, the edits applied. *out is malloc'd. */
mc_err dcm_compose(const uint8_t *header, size_t header_len, const uint8_t *pixels, size_t npixels,
                   const dcm_cipher_edits *edits, uint8_t **out, size_t *outlen);

/* The geometry a sealed header announces, without building anything. */
mc_err dcm_header_info(const uint8_t *header, size_t header_len, dcm_info *info);

/* A UID from 16 random bytes: "2.25." and the bytes as one decimal number,
 * the UUID-derived form of PS3.5 §B.2 (at most 44 characters). */
void dcm_uid_from_uuid(const uint8_t uuid[16], char out[65]);

#endif
