/* The metadata image: a deterministic 3xSxS picture of a metadata record that
 * the network reads (docs/METADATA.md §Metadata image). Channel 0 shows the
 * date, time, offset and UID as 5x7 glyphs; channel 1 one flat band per field
 * (its level is the field's value); channel 2 one bar per field (its length is
 * the field's value). Only multiplications and additions: bit-exact anywhere. */
#ifndef MC_META_RENDER_H
#define MC_META_RENDER_H
#include "meta/meta.h"

#define META_RENDER_DEFAULT 224
#define META_RENDER_MIN 32
#define META_RENDER_MAX 4096
#define META_RENDER_FIELDS 9 /* bands in channels 1 and 2, top to bottom */

/* The nine field values in [0,1], in band order: year ((y-1900)/200, clamped),
 * month, day, hour, minute, second, microsecond, UTC offset ((min+840)/1680,
 * 0.5 when unknown), and 1/0 for offset known/unknown. */
mc_err meta_render_fields(const meta_record *m, double v[META_RENDER_FIELDS]);

/* out holds 3*size*size floats, CHW (out[c*size*size + y*size + x]), in [0,1]. */
mc_err meta_render(const meta_record *m, int size, float *out);

/* The same picture as an 8-bit RGB PNG (round(v*255)), written atomically. */
mc_err meta_render_png(const meta_record *m, int size, const char *path, int force);

/* The 5x7 font: 7 rows of 5 bits (bit 4 = leftmost) for '0'-'9', '-', ':',
 * '.', '+', '?' and ' '; NULL for any other character. */
const unsigned char *meta_glyph(char c);

/* Internal: the private 8-bit RGB PNG writer (pngwrite.c). */
mc_err meta_write_rgb8_png(const char *path, const unsigned char *rgb, int w, int h, int force);

#endif
