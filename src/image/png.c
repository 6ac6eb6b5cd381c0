/* PNG reading and writing through libpng, lossless for the eight layouts of
 * img_image. libpng reports errors by longjmp: the handlers below capture the
 * message (nothing is printed) and the caller turns it into an mc_err.
 * Format: ISO/IEC 15948 (PNG), whose IHDR (§11.2.2) we peek at before libpng. */
#include "image/io.h"
#include "image/origin.h"

#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits_png.h"
#include "util/safefile.h"

/* What the error and warning handlers record for the caller. */
typedef struct {
    char msg[200];
    int truncated; /* set by read_mem when the input runs out */
} png_diag;

static void on_error(png_structp png, png_const_charp msg)
{
    png_diag *d = png_get_error_ptr(png);
    if (!d->msg[0]) snprintf(d->msg, sizeof d->msg, "%s", msg);
    png_longjmp(png, 1);
}

/* Reading: a warning about a limit is an error, any other (a bad ancillary
 * CRC) a note for the command (util/limits_png.h). Writing our own images
 * gives none that matters; libpng must not print either way. */
static void on_read_warning(png_structp png, png_const_charp msg) { mc_png_warning(png, msg); }

static void on_write_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- reading ---- */

typedef struct {
    png_diag diag;
    const uint8_t *buf;
    size_t n, pos;
    png_structp png;
    png_infop info;
    png_bytep *rows;
    img_image im;
} png_reader;

static void read_mem(png_structp png, png_bytep out, size_t len)
{
    png_reader *r = png_get_io_ptr(png);
    if (len > r->n - r->pos) {
        r->diag.truncated = 1;
        png_error(png, "file ends early");
    }
    memcpy(out, r->buf + r->pos, len);
    r->pos += len;
}

/* Everything that libpng may abort by longjmp happens here; all state lives in
 * *r (not in locals), so it is valid again after the jump. */
static mc_err png_decode(png_reader *r)
{
    if (setjmp(png_jmpbuf(r->png))) {
        if (r->diag.truncated)
            return mc_fail(MC_E_TRUNCATED, "PNG file ends early (%zu bytes)", r->n);
        if (mc_png_limit_message(r->diag.msg))
            return mc_fail(MC_E_TOO_LARGE, "PNG: %s", r->diag.msg);
        return mc_fail(MC_E_FORMAT, "PNG: %s", r->diag.msg);
    }
    png_set_read_fn(r->png, r, read_mem);
    mc_png_limits(r->png, IMG_MAX_SIDE);
    png_read_info(r->png, r->info);

    png_uint_32 w, h;
    int depth, color, interlace;
    png_get_IHDR(r->png, r->info, &w, &h, &depth, &color, &interlace, NULL, NULL);
    if (color == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(r->png);
        if (png_get_valid(r->png, r->info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(r->png);
    }
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(r->png);
    if (interlace != PNG_INTERLACE_NONE) png_set_interlace_handling(r->png);
    png_read_update_info(r->png, r->info);

    int channels = png_get_channels(r->png, r->info);
    int out_depth = png_get_bit_depth(r->png, r->info);
    mc_err e = img_check_geometry(w, h, (uint8_t)channels, (uint8_t)out_depth);
    if (e) return e;
    img_image g = {.width = w, .height = h, .channels = (uint8_t)channels, .depth = (uint8_t)out_depth};
    if (png_get_rowbytes(r->png, r->info) != img_row_bytes(&g))
        return mc_fail(MC_E_UNSUPPORTED, "PNG: unexpected row layout");
    e = img_new(&r->im, w, h, g.channels, g.depth);
    if (e) return e;
    r->rows = malloc(h * sizeof *r->rows);
    if (!r->rows) return mc_fail(MC_E_NOMEM, "cannot allocate row table");
    size_t stride = img_row_bytes(&r->im);
    for (png_uint_32 y = 0; y < h; y++) r->rows[y] = r->im.data + y * stride;
    png_read_image(r->png, r->rows);
    /* Read on to IEND, so that a file cut after the pixel data is refused too. */
    png_read_end(r->png, NULL);
    return MC_OK;
}

/* Refuse from IHDR alone what libpng would otherwise allocate for or report
 * vaguely: the signature, zero or oversized sides. */
static mc_err png_precheck(const uint8_t *buf, size_t n)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    size_t k = n < 8 ? n : 8;
    if (memcmp(buf, sig, k)) return mc_fail(MC_E_FORMAT, "not a PNG file (bad signature)");
    if (n < 8 + 8 + 13) return mc_fail(MC_E_TRUNCATED, "PNG file ends early (%zu bytes)", n);
    if (memcmp(buf + 12, "IHDR", 4)) return mc_fail(MC_E_FORMAT, "PNG: first chunk is not IHDR");
    uint32_t w = be32(buf + 16), h = be32(buf + 20);
    /* Samples per pixel after expansion (a palette gives at least RGB) and
     * bits per sample after it (1, 2, 4 become 8), so that the limits are
     * checked before libpng reads on; an invalid colour type is libpng's to report. */
    static const uint8_t channels_of[7] = {1, 0, 3, 3, 2, 0, 4};
    uint8_t colour = buf[25], depth = buf[24];
    if (colour >= 7 || !channels_of[colour]) return MC_OK;
    mc_err e = img_check_geometry(w, h, channels_of[colour], depth == 16 ? 16 : 8);
    if (e) {
        char why[sizeof "PNG: " + 400];
        snprintf(why, sizeof why, "%s", mc_errmsg(e));
        return mc_fail(e, "PNG: %s", why);
    }
    return MC_OK;
}

mc_err img_read_png_mem(const uint8_t *buf, size_t n, img_image *im)
{
    memset(im, 0, sizeof *im);
    mc_err e = png_precheck(buf, n);
    if (e) return e;
    png_reader *r = calloc(1, sizeof *r);
    if (!r) return mc_fail(MC_E_NOMEM, "out of memory");
    r->buf = buf;
    r->n = n;
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r->diag, on_error, on_read_warning);
    if (r->png) r->info = png_create_info_struct(r->png);
    if (!r->png || !r->info)
        e = mc_fail(MC_E_NOMEM, "cannot create the PNG decoder");
    else
        e = png_decode(r);
    png_destroy_read_struct(r->png ? &r->png : NULL, r->info ? &r->info : NULL, NULL);
    free(r->rows);
    if (e)
        img_free(&r->im);
    else
        *im = r->im;
    free(r);
    return e;
}

/* ---- writing ---- */

typedef struct {
    png_diag diag;
    png_structp png;
    png_infop info;
    png_bytep *rows;
    uint8_t *packed; /* rows in the origin's layout (indices, 1/2/4-bit values), or NULL */
    FILE *fp;
} png_writer;

static void write_chunks(png_structp png, const img_origin *o, int place)
{
    for (size_t i = 0; o && i < o->nchunks; i++)
        if (o->chunks[i].place == place && memcmp(o->chunks[i].type, "PLTE", 4))
            png_write_chunk(png, o->chunks[i].type, o->chunks[i].data, o->chunks[i].len);
}

static const img_chunk *find_chunk(const img_origin *o, const char *type)
{
    for (size_t i = 0; o && i < o->nchunks; i++)
        if (!memcmp(o->chunks[i].type, type, 4)) return &o->chunks[i];
    return NULL;
}

static mc_err png_encode(png_writer *w, const img_image *im, const img_origin *o)
{
    static const int color_of[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                    PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (setjmp(png_jmpbuf(w->png))) {
        /* libpng says only "Write Error"; the stream knows why (ENOSPC, EFBIG). */
        if (ferror(w->fp)) return mc_fail(MC_E_IO, "cannot write output: %s", strerror(errno));
        return mc_fail(MC_E_IO, "PNG: %s", w->diag.msg);
    }
    png_init_io(w->png, w->fp);
    int depth = o ? o->depth : im->depth, colour = o ? o->colour : color_of[im->channels];
    png_set_IHDR(w->png, w->info, im->width, im->height, depth, colour,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    const img_chunk *plte = find_chunk(o, "PLTE");
    if (plte) png_set_PLTE(w->png, w->info, (png_const_colorp)plte->data, (int)(plte->len / 3));
    /* The origin's chunks go where they were: before PLTE, between PLTE and
     * IDAT, after IDAT. libpng writes IHDR, then PLTE in png_write_info. */
    png_write_info_before_PLTE(w->png, w->info);
    write_chunks(w->png, o, IMG_BEFORE_PLTE);
    png_write_info(w->png, w->info);
    write_chunks(w->png, o, IMG_BEFORE_IDAT);
    /* Without a transform libpng takes the rows as they are (16-bit samples are
     * already big-endian); packed rows hold one sample per byte, which
     * png_set_packing squeezes into 1, 2 or 4 bits. */
    if (depth < 8) png_set_packing(w->png);
    png_write_image(w->png, w->rows);
    write_chunks(w->png, o, IMG_AFTER_IDAT);
    png_write_end(w->png, NULL);
    return MC_OK;
}

/* The origin's samples for im: palette indices or 1/2/4-bit grey values, one
 * per byte, into w->packed; rows point at them. NULL packed when im's own
 * samples are the origin's. */
static mc_err pack_rows(png_writer *w, const img_image *im, const img_origin *o)
{
    static const uint8_t channels_of[7] = {1, 0, 3, 0, 2, 0, 4};
    if (!o) return MC_OK;
    if (o->colour > 6 || (o->colour != 3 && channels_of[o->colour] != im->channels) ||
        (o->colour == 3 && im->channels != 3 && im->channels != 4) ||
        (o->depth < 8 ? im->depth != 8 : o->depth != im->depth))
        return mc_fail(MC_E_MISMATCH, "the image (%u channels, %u-bit) is not the decoding of a PNG of colour type %u, "
                       "%u-bit", im->channels, im->depth, o->colour, o->depth);
    if (o->colour != 3 && o->depth >= 8) return MC_OK;
    size_t n = (size_t)im->width * im->height;
    if (!(w->packed = malloc(n))) return mc_fail(MC_E_NOMEM, "out of memory");
    if (o->colour == 0) {
        /* png_set_expand_gray_1_2_4_to_8 replicated the bits: v = s·255/(2^d − 1). */
        unsigned shift = 8u - o->depth, max = (1u << o->depth) - 1;
        for (size_t i = 0; i < n; i++) {
            unsigned v = im->data[i], s = v >> shift;
            if (s * 255 / max != v)
                return mc_fail(MC_E_MISMATCH, "grey value %u is not a %u-bit value scaled to 8 bits", v, o->depth);
            w->packed[i] = (uint8_t)s;
        }
    } else {
        const img_chunk *plte = find_chunk(o, "PLTE"), *trns = find_chunk(o, "tRNS");
        if (!plte || plte->len % 3 || plte->len > 768) return mc_fail(MC_E_MISMATCH, "palette image without a palette");
        if (!!trns != (im->channels == 4))
            return mc_fail(MC_E_MISMATCH, "palette image decoded %s alpha", trns ? "without" : "with");
        /* Colour → index; entries are distinct (img_read_origin checked). */
        uint32_t key[256];
        int np = (int)(plte->len / 3);
        for (int i = 0; i < np; i++) {
            const uint8_t *c = plte->data + 3 * i;
            uint8_t a = trns && (uint32_t)i < trns->len ? trns->data[i] : 255;
            key[i] = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | a;
        }
        uint32_t last = 0;
        int idx = -1;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *px = im->data + i * im->channels;
            uint32_t k = (uint32_t)px[0] << 24 | (uint32_t)px[1] << 16 | (uint32_t)px[2] << 8 |
                         (im->channels == 4 ? px[3] : 255);
            if (idx < 0 || k != last) {
                for (idx = 0; idx < np && key[idx] != k; idx++) continue;
                if (idx == np) return mc_fail(MC_E_MISMATCH, "colour %08x is not in the palette", k);
                last = k;
            }
            w->packed[i] = (uint8_t)idx;
        }
    }
    for (uint32_t y = 0; y < im->height; y++) w->rows[y] = w->packed + (size_t)y * im->width;
    return MC_OK;
}


mc_err img_write_png_stream_origin(FILE *fp, const img_image *im, const img_origin *o)
{
    mc_err e = img_check_geometry(im->width, im->height, im->channels, im->depth);
    if (e) return e;
    if (!im->data) return mc_fail(MC_E_ARG, "image has no pixel data");
    png_writer *w = calloc(1, sizeof *w);
    if (!w) return mc_fail(MC_E_NOMEM, "out of memory");
    w->rows = malloc(im->height * sizeof *w->rows);
    if (!w->rows) {
        free(w);
        return mc_fail(MC_E_NOMEM, "cannot allocate row table");
    }
    size_t stride = img_row_bytes(im);
    for (uint32_t y = 0; y < im->height; y++) w->rows[y] = im->data + y * stride;
    w->fp = fp;
    e = pack_rows(w, im, o);
    if (!e) {
        w->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &w->diag, on_error, on_write_warning);
        if (w->png) w->info = png_create_info_struct(w->png);
        if (!w->png || !w->info)
            e = mc_fail(MC_E_NOMEM, "cannot create the PNG encoder");
        else
            e = png_encode(w, im, o);
        png_destroy_write_struct(w->png ? &w->png : NULL, w->info ? &w->info : NULL);
    }
    if (!e && ferror(fp)) e = mc_fail(MC_E_IO, "cannot write output: %s", strerror(errno));
    free(w->packed);
    free(w->rows);
    free(w);
    return e;
}

mc_err img_write_png_stream(FILE *fp, const img_image *im) { return img_write_png_stream_origin(fp, im, NULL); }

mc_err img_write_png_origin(const char *path, const img_image *im, const img_origin *o, int force)
{
    /* Images written by path are decrypted plaintexts: the owner's only. */
    mc_out out;
    mc_err e = mc_out_open(&out, path, MC_MODE_SECRET, force);
    if (e) return e;
    e = img_write_png_stream_origin(out.fp, im, o);
    if (e) {
        mc_out_abort(&out);
        return e;
    }
    return mc_out_commit(&out);
}

mc_err img_write_png(const char *path, const img_image *im, int force) { return img_write_png_origin(path, im, NULL, force); }
