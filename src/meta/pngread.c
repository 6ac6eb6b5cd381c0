/* PNG metadata through libpng: every tEXt/zTXt/iTXt chunk and the eXIf chunk,
 * before and after the image data. The whole file is decoded (one row at a
 * time) so that libpng checks every CRC and reaches the chunks after IDAT. */
#include "meta/scan.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits_png.h"

typedef struct {
    const unsigned char *p;
    size_t len, pos;
    meta_scan *s;
    char err[160];
} png_source;

static void on_read(png_structp png, png_bytep out, size_t n)
{
    png_source *src = png_get_io_ptr(png);
    if (n > src->len - src->pos) png_error(png, "file ends early");
    memcpy(out, src->p + src->pos, n);
    src->pos += n;
}

static void on_error(png_structp png, png_const_charp msg)
{
    png_source *src = png_get_error_ptr(png);
    snprintf(src->err, sizeof src->err, "%s", msg);
    png_longjmp(png, 1);
}

/* The warning policy of util/limits_png.h, except that a note goes where
 * `meta show` reports its findings. */
static void on_warning(png_structp png, png_const_charp msg)
{
    png_source *src = png_get_error_ptr(png);
    if (mc_png_limit_message(msg)) png_error(png, msg);
    meta_scan_note(src->s, "libpng: %s", msg);
}

static void take_text(png_structp png, png_infop info, meta_scan *s)
{
    png_textp t = NULL;
    int n = png_get_text(png, info, &t, NULL);
    for (int i = 0; i < n; i++) {
        int itxt = t[i].compression == PNG_ITXT_COMPRESSION_NONE || t[i].compression == PNG_ITXT_COMPRESSION_zTXt;
        const char *chunk = itxt ? "iTXt" : t[i].compression == PNG_TEXT_COMPRESSION_zTXt ? "zTXt" : "tEXt";
        size_t len = itxt ? t[i].itxt_length : t[i].text_length;
        meta_text_take(s, chunk, t[i].key, t[i].text ? t[i].text : "", t[i].text ? len : 0, itxt);
    }
}

/* eXIf arrives as an "unknown" chunk (see meta_png_scan for why). */
static void take_exif(png_structp png, png_infop info, meta_scan *s, int *seen)
{
    png_unknown_chunkp u = NULL;
    int n = png_get_unknown_chunks(png, info, &u);
    for (int i = 0; i < n; i++) {
        if (memcmp(u[i].name, "eXIf", 4)) continue;
        if ((*seen)++) { /* PNG 3rd ed. §11.3.6.1: at most one eXIf */
            meta_scan_note(s, "PNG: a second eXIf chunk is ignored");
            continue;
        }
        meta_exif_scan_block(u[i].data, u[i].size, "PNG eXIf", s);
    }
}

mc_err meta_png_scan(const unsigned char *buf, size_t len, meta_scan *s)
{
    png_source src = {buf, len, 0, s, ""};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_infop end = png ? png_create_info_struct(png) : NULL;
    unsigned char *volatile row = NULL;
    if (!png || !info || !end) {
        png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, end ? &end : NULL);
        return mc_fail(MC_E_NOMEM, "out of memory in libpng");
    }
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        png_destroy_read_struct(&png, &info, &end);
        return mc_fail(mc_png_limit_message(src.err) ? MC_E_TOO_LARGE : MC_E_FORMAT, "not a valid PNG: %s", src.err);
    }
    png_set_read_fn(png, &src, on_read);
    mc_png_limits(png, 1u << 16);
    /* libpng 1.6 drops an eXIf whose payload does not start with "MM"/"II",
     * so one written with the "Exif\0\0" prefix would be lost silently. Asking
     * for eXIf as an unknown chunk hands us its bytes (CRC still checked) and
     * lets meta_exif_scan_block accept both forms and report corruption. */
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, (png_const_bytep) "eXIf", 1);
    png_read_info(png, info);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rb = png_get_rowbytes(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    row = malloc(rb ? rb : 1);
    if (!row) png_error(png, "out of memory for one row");
    for (int p = 0; p < passes; p++)
        for (png_uint_32 y = 0; y < h; y++) png_read_row(png, row, NULL);
    png_read_end(png, end);
    int seen = 0;
    take_text(png, info, s);
    take_text(png, end, s);
    take_exif(png, info, s, &seen);
    take_exif(png, end, s, &seen);
    free(row);
    png_destroy_read_struct(&png, &info, &end);
    return MC_OK;
}
