/* The resource limits of medchaos, as one policy (docs/medchaos.1, LIMITS):
 * what one image may cost, checked from its header before anything is
 * allocated, and the caps handed to libpng, libjpeg and libexif so that a tiny
 * file cannot make them allocate or loop without bound. The two per-image
 * limits can be raised (or lowered) with MEDCHAOS_MAX_PIXELS and
 * MEDCHAOS_MAX_IMAGE_MB, read once by the command (mc_limits_from_env). */
#ifndef MC_UTIL_LIMITS_H
#define MC_UTIL_LIMITS_H
#include <stdint.h>
#include "util/err.h"

/* Defaults: 2^26 pixels (8192 x 8192) and 512 MiB of samples, which 2^26
 * pixels of 16-bit RGBA need. The largest medical images we read (CT, X-ray,
 * MRI, fundus) are far below. */
#define MC_LIMIT_PIXELS_DEFAULT ((uint64_t)1 << 26)
#define MC_LIMIT_IMAGE_BYTES_DEFAULT ((uint64_t)512 << 20)

/* Fixed caps for the decoders. An ancillary PNG chunk (text, eXIf, iCCP) of
 * at most 8 MiB (libpng's own suggested PNG_USER_CHUNK_MALLOC_MAX) and at
 * most 1000 of them (its PNG_USER_CHUNK_CACHE_MAX); a JPEG of at most 64
 * scans (libjpeg's progressive script has 10, 6 for gray; each scan is a pass
 * over the whole coefficient buffer, the quadratic decode libjpeg-turbo's
 * djpeg -maxscans guards against); an EXIF block of at most 1 MiB (a JPEG
 * APP1 segment holds 64 KiB). */
#define MC_LIMIT_PNG_CHUNK_BYTES ((uint32_t)8 << 20)
#define MC_LIMIT_PNG_CHUNKS 1000u
#define MC_LIMIT_JPEG_SCANS 64
#define MC_LIMIT_EXIF_BYTES ((uint32_t)1 << 20)

typedef struct {
    uint64_t pixels;       /* width x height of one image */
    uint64_t image_bytes;  /* its samples in memory */
} mc_limits;

/* The limits in force (the defaults until mc_limits_set). */
mc_limits mc_limits_get(void);
/* Replace them; zero fields keep their value. Call before any thread starts. */
void mc_limits_set(const mc_limits *l);
/* Read MEDCHAOS_MAX_PIXELS (a count) and MEDCHAOS_MAX_IMAGE_MB (MiB) when
 * set; a value that is not a positive integer is MC_E_ARG naming it. */
mc_err mc_limits_from_env(void);

#endif
