/* The two PNGs src/meta writes, both through libpng into memory and then
 * atomically to disk: a copy of an input PNG with new metadata chunks
 * (`meta set`), and the 8-bit RGB metadata image (`meta render`).
 * (A private writer: src/image's img_write_png can replace the second later.) */
#include "meta/scan.h"
#include "meta/render.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/file.h"

typedef struct {
    unsigned char *p;
    size_t len, cap;
    char err[160];
} membuf;

static int mem_append(membuf *b, const void *d, size_t n)
{
    if (n > b->cap - b->len) {
        size_t c = b->cap ? b->cap : 4096;
        while (c - b->len < n) {
            if (c > ((size_t)1 << 40)) return 0;
            c *= 2;
        }
        unsigned char *q = realloc(b->p, c);
        if (!q) return 0;
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return 1;
}

static void on_write(png_structp png, png_bytep d, size_t n)
{
    if (!mem_append(png_get_io_ptr(png), d, n)) png_error(png, "out of memory");
}

static void on_flush(png_structp png) { (void)png; }

static void on_error(png_structp png, png_const_charp msg)
{
    membuf *b = png_get_error_ptr(png);
    snprintf(b->err, sizeof b->err, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) { (void)png, (void)msg; }

/* ---- meta set ---- */

/* PNG 3rd ed. §11.3.3.2: a keyword is 1-79 Latin-1 printable characters with
 * no leading, trailing or consecutive spaces. We also keep values to printable
 * ASCII: every key we write holds dates, numbers or UIDs. */
static mc_err check_text(const meta_text *t)
{
    size_t n = strlen(t->key);
    if (n < 1 || n > 79) return mc_fail(MC_E_ARG, "text keyword '%.80s' must be 1 to 79 characters", t->key);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t->key[i];
        if (c < 0x20 || c > 0x7e || (c == ' ' && (i == 0 || i == n - 1 || t->key[i + 1] == ' ')))
            return mc_fail(MC_E_ARG, "text keyword '%s' has a character PNG does not allow there", t->key);
    }
    size_t v = strlen(t->value);
    if (v > 1024) return mc_fail(MC_E_ARG, "text value for '%s' longer than 1024 characters", t->key);
    for (size_t i = 0; i < v; i++)
        if ((unsigned char)t->value[i] < 0x20 || (unsigned char)t->value[i] > 0x7e)
            return mc_fail(MC_E_ARG, "text value for '%s' is not printable ASCII", t->key);
    /* A DICOM:* value written here must read back: check it as meta_read will. */
    meta_record r;
    memset(&r, 0, sizeof r);
    if (!strcmp(t->key, meta_dicom_keys[META_DK_TZ])) return meta_parse_dicom_offset(t->value, &r);
    if (!strcmp(t->key, meta_dicom_keys[META_DK_SOP_UID])) return meta_set_uid(&r, t->value);
    meta_scan *s = calloc(1, sizeof *s);
    if (!s) return mc_fail(MC_E_NOMEM, "out of memory");
    meta_text_take(s, "tEXt", t->key, t->value, v, 0);
    meta_text_finish(s);
    mc_err e = MC_OK;
    for (int i = 0; i < s->n && !e; i++)
        if (s->items[i].status) e = mc_fail(s->items[i].status, "%s", s->items[i].detail);
    free(s);
    return e;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Does this chunk carry what we are about to write (so it must go)? */
static int superseded(const unsigned char *type, const unsigned char *data, uint32_t len, int have_m,
                      const meta_text *texts, int ntexts)
{
    if (have_m && !memcmp(type, "eXIf", 4)) return 1;
    if (memcmp(type, "tEXt", 4) && memcmp(type, "zTXt", 4) && memcmp(type, "iTXt", 4)) return 0;
    size_t k = 0;
    while (k < len && k < 80 && data[k]) k++;
    if (have_m && k == 13 && !memcmp(data, "Creation Time", 13)) return 1;
    for (int i = 0; i < ntexts; i++)
        if (strlen(texts[i].key) == k && !memcmp(data, texts[i].key, k)) return 1;
    return 0;
}

static void write_text_chunk(png_structp png, const char *key, const char *value)
{
    size_t k = strlen(key), v = strlen(value);
    unsigned char *d = png_malloc(png, k + 1 + v);
    memcpy(d, key, k + 1);
    memcpy(d + k + 1, value, v);
    png_write_chunk(png, (png_const_bytep) "tEXt", d, k + 1 + v);
    png_free(png, d);
}

/* ISO 8601 form of m for the Creation Time text (PNG 3rd ed. §11.3.3.2
 * recommends ISO 8601 for it). */
static void iso_text(const meta_record *m, char *b, size_t cap)
{
    int k = snprintf(b, cap, "%04d-%02d-%02dT%02d:%02d:%02d", m->year, m->month, m->day, m->hour, m->minute,
                     m->second);
    int nd = m->subsec_digits > 6 ? 6 : m->subsec_digits;
    if (nd > 0) {
        char f[8];
        snprintf(f, sizeof f, "%06d", m->usec);
        f[nd] = 0;
        k += snprintf(b + k, cap - (size_t)k, ".%s", f);
    }
    if (m->offset_known) {
        int a = m->utc_offset_min < 0 ? -m->utc_offset_min : m->utc_offset_min;
        snprintf(b + k, cap - (size_t)k, "%c%02d:%02d", m->utc_offset_min < 0 ? '-' : '+', a / 60, a % 60);
    }
}

static mc_err copy_with_chunks(const unsigned char *in, size_t len, const meta_record *m,
                               const unsigned char *exif, size_t exif_len, const meta_text *texts,
                               int ntexts, membuf *out)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, out, on_error, on_warning);
    if (!png) return mc_fail(MC_E_NOMEM, "out of memory in libpng");
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, NULL);
        return mc_fail(MC_E_NOMEM, "cannot write PNG: %s", out->err);
    }
    png_set_write_fn(png, out, on_write, on_flush);
    png_write_sig(png);
    int inserted = 0;
    for (size_t pos = 8; pos + 12 <= len;) {
        uint32_t n = be32(in + pos);
        const unsigned char *type = in + pos + 4;
        if (n > 0x7fffffffu || (size_t)n > len - pos - 12) png_error(png, "chunk length beyond the file");
        if (!inserted && !memcmp(type, "IDAT", 4)) {
            /* New chunks go before the first IDAT: PNG 3rd ed. §5.6 requires it for eXIf
             * and it keeps the date where a streaming reader finds it first. */
            if (m) {
                char iso[48];
                iso_text(m, iso, sizeof iso);
                png_write_chunk(png, (png_const_bytep) "eXIf", exif, exif_len);
                write_text_chunk(png, "Creation Time", iso);
            }
            for (int i = 0; i < ntexts; i++) write_text_chunk(png, texts[i].key, texts[i].value);
            inserted = 1;
        }
        /* Every kept chunk is copied verbatim, its CRC included. */
        if (!superseded(type, in + pos + 8, n, m != NULL, texts, ntexts) && !mem_append(out, in + pos, 12 + (size_t)n))
            png_error(png, "out of memory");
        pos += 12 + (size_t)n;
        if (!memcmp(type, "IEND", 4)) break;
    }
    png_destroy_write_struct(&png, NULL);
    if (!inserted) return mc_fail(MC_E_FORMAT, "no IDAT chunk");
    return MC_OK;
}

mc_err meta_png_with(const char *in_path, const meta_record *m, const meta_text *texts, int ntexts,
                     unsigned char **out_buf, size_t *out_len)
{
    *out_buf = NULL;
    *out_len = 0;
    mc_err e;
    if (!m && ntexts == 0) return mc_fail(MC_E_ARG, "nothing to write: give a date or a text chunk");
    if (m && (e = meta_validate(m))) return e;
    for (int i = 0; i < ntexts; i++) {
        if ((e = check_text(&texts[i]))) {
            char d[256];
            snprintf(d, sizeof d, "%s", mc_errmsg(e));
            return mc_fail(e, "text %.80s: %s", texts[i].key, d);
        }
        if (m && !strcmp(texts[i].key, "Creation Time"))
            return mc_fail(MC_E_ARG, "'Creation Time' is written from --datetime; do not give it as text too");
    }
    unsigned char *in = NULL, *exif = NULL;
    size_t len = 0, exif_len = 0;
    membuf out = {NULL, 0, 0, ""};
    meta_scan *s = malloc(sizeof *s);
    if (!s) return mc_fail(MC_E_NOMEM, "out of memory");
    memset(s, 0, sizeof *s);
    e = mc_read_file(in_path, (size_t)256 << 20, &in, &len);
    /* Let libpng check the whole input (signature, CRCs, zlib) before copying it. */
    if (!e && (len < 8 || memcmp(in, "\x89PNG\r\n\x1a\n", 8)))
        e = mc_fail(MC_E_UNSUPPORTED, "not a PNG file (meta set writes PNG only; convert JPEG first)");
    if (!e) e = meta_png_scan(in, len, s);
    if (!e && m) e = meta_exif_build(m, &exif, &exif_len);
    if (!e) e = copy_with_chunks(in, len, m, exif, exif_len, texts, ntexts, &out);
    free(s);
    free(in);
    free(exif);
    if (e) {
        free(out.p);
        return e;
    }
    *out_buf = out.p;
    *out_len = out.len;
    return MC_OK;
}

mc_err meta_png_set(const char *in_path, const char *out_path, const meta_record *m,
                    const meta_text *texts, int ntexts, int force)
{
    if (mc_same_file(in_path, out_path))
        return mc_fail(MC_E_ARG, "the output would overwrite the input; choose another name");
    unsigned char *out;
    size_t len;
    mc_err e = meta_png_with(in_path, m, texts, ntexts, &out, &len);
    if (!e) e = mc_write_file(out_path, out, len, MC_MODE_PUBLIC, force);
    free(out);
    return e;
}

/* ---- meta render ---- */

mc_err meta_write_rgb8_png(const char *path, const unsigned char *rgb, int w, int h, int force)
{
    membuf out = {NULL, 0, 0, ""};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &out, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(png ? &png : NULL, NULL);
        return mc_fail(MC_E_NOMEM, "out of memory in libpng");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(out.p);
        return mc_fail(MC_E_NOMEM, "cannot write PNG: %s", out.err);
    }
    png_set_write_fn(png, &out, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) png_write_row(png, rgb + (size_t)y * (size_t)w * 3);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    mc_err e = mc_write_file(path, out.p, out.len, MC_MODE_PUBLIC, force);
    free(out.p);
    return e;
}
