/* The PNG part of the limits policy (limits.h), for the two libpng readers
 * (src/image/png.c, src/meta/pngread.c), and how they treat libpng's warnings:
 * a warning about a limit or memory is an error (libpng would otherwise go on
 * after refusing a chunk, or report it only as a warning); any other warning
 * becomes a note for the command to print (mc_note), never silence. */
#ifndef MC_UTIL_LIMITS_PNG_H
#define MC_UTIL_LIMITS_PNG_H
#include <png.h>
#include <string.h>
#include "util/limits.h"

static inline void mc_png_limits(png_structp png, png_uint_32 max_side)
{
    png_set_user_limits(png, max_side, max_side);
    png_set_chunk_malloc_max(png, MC_LIMIT_PNG_CHUNK_BYTES);
    png_set_chunk_cache_max(png, MC_LIMIT_PNG_CHUNKS);
}

/* 1 when a libpng message says a limit or memory stopped it. */
static inline int mc_png_limit_message(const char *msg)
{
    return strstr(msg, "too large") || strstr(msg, "exceeds") || strstr(msg, "limit") ||
           strstr(msg, "chunk cache") || strstr(msg, "memory");
}

/* The warning policy above, for a libpng warning callback. */
static inline void mc_png_warning(png_structp png, png_const_charp msg)
{
    if (mc_png_limit_message(msg)) png_error(png, msg);
    mc_note("PNG: %s", msg);
}

#endif
