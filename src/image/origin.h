/* What decoding to img_image leaves out of a file, kept so that decryption can
 * give the file back as it was: the PNG's own layout (IHDR bit depth and colour
 * type, so 1/2/4-bit grey and palette images are written back packed and
 * indexed) and every chunk other than IHDR, IDAT and IEND (PLTE, tRNS, text,
 * eXIf, gAMA, iCCP, ...), each with its place relative to PLTE and IDAT. From
 * a JPEG only the EXIF (APP1) is kept, restored as a PNG eXIf chunk. The
 * serialised record travels sealed in the key envelope (docs/FORMAT.md §3.2). */
#ifndef MC_IMAGE_ORIGIN_H
#define MC_IMAGE_ORIGIN_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "image/image.h"

/* Where a chunk goes back: PNG 3rd ed. §5.6 orders some chunks before PLTE
 * (gAMA, iCCP, sBIT, ...), some between PLTE and IDAT (tRNS, bKGD, hIST), the
 * rest anywhere; keeping each chunk's place and order keeps every rule. */
enum { IMG_BEFORE_PLTE = 0, IMG_BEFORE_IDAT = 1, IMG_AFTER_IDAT = 2 };

/* The most a record may hold (a large ICC profile is about 1 MB). */
#define IMG_ORIGIN_MAX ((size_t)16 << 20)

typedef struct {
    uint8_t place;       /* IMG_BEFORE_PLTE, IMG_BEFORE_IDAT, IMG_AFTER_IDAT */
    uint8_t type[4];     /* chunk type, e.g. "tEXt" */
    uint32_t len;
    const uint8_t *data; /* points into the record */
} img_chunk;

typedef struct {
    uint8_t depth, colour; /* IHDR bit depth and colour type of the original */
    size_t nchunks;
    img_chunk *chunks;
    uint8_t *rec;          /* the serialised record (docs/FORMAT.md §3.2) */
    size_t reclen;
} img_origin;

/* Read an image file like img_read and describe its origin. A palette PNG
 * whose palette holds one colour twice cannot be written back with the same
 * indices and is refused (MC_E_UNSUPPORTED, saying how to convert it). */
mc_err img_read_origin(const char *path, img_image *im, img_origin *o);
/* The same on a file's bytes (tests, fuzzing). */
mc_err img_origin_from_bytes(const uint8_t *buf, size_t n, const img_image *im, img_origin *o);
/* Parse a serialised record (copied). */
mc_err img_origin_parse(const uint8_t *rec, size_t n, img_origin *o);
void img_origin_free(img_origin *o);

/* Write im as a PNG in the origin's layout with its chunks in their places:
 * MC_E_MISMATCH when im cannot be the decoding of such a file (wrong channels,
 * a grey value that is not a bit-replicated 1/2/4-bit one, a colour missing
 * from the palette). Pixels and chunks come back byte for byte; the PNG is
 * written non-interlaced and its IDAT compressed anew. */
mc_err img_write_png_origin(const char *path, const img_image *im, const img_origin *o, int force);
/* The same PNG bytes to an open stream (a member of a safe-write group). */
mc_err img_write_png_stream_origin(FILE *fp, const img_image *im, const img_origin *o);

#endif
