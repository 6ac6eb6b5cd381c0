/* See origin.h. The record, all integers big-endian (docs/FORMAT.md §3.2):
 *   depth (u8) ‖ colour type (u8) ‖ k (u32) ‖ k × { place (u8) ‖ type (4) ‖ len (u32) ‖ data }
 * The PNG's chunks are walked here by their length fields only: libpng has
 * already checked every CRC while decoding the same bytes (img_read_png_mem). */
#include "image/origin.h"
#include "image/io.h"

#include <stdlib.h>
#include <string.h>

#include "util/file.h"

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

void img_origin_free(img_origin *o)
{
    free(o->chunks);
    free(o->rec);
    memset(o, 0, sizeof *o);
}

mc_err img_origin_parse(const uint8_t *rec, size_t n, img_origin *o)
{
    memset(o, 0, sizeof *o);
    if (n < 6 || n > IMG_ORIGIN_MAX) return mc_fail(MC_E_FORMAT, "origin record of %zu bytes", n);
    o->depth = rec[0];
    o->colour = rec[1];
    uint32_t k = rd32(rec + 2);
    if (k > (n - 6) / 9) return mc_fail(MC_E_FORMAT, "origin record: %u chunks cannot fit", k);
    o->rec = malloc(n);
    o->chunks = malloc((k ? k : 1) * sizeof *o->chunks);
    if (!o->rec || !o->chunks) {
        img_origin_free(o);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    memcpy(o->rec, rec, n);
    o->reclen = n;
    const uint8_t *p = o->rec + 6, *end = o->rec + n;
    for (uint32_t i = 0; i < k; i++) {
        if (end - p < 9) break;
        img_chunk *c = &o->chunks[i];
        c->place = p[0];
        memcpy(c->type, p + 1, 4);
        c->len = rd32(p + 5);
        p += 9;
        if (c->place > IMG_AFTER_IDAT || (size_t)(end - p) < c->len) break;
        c->data = p;
        p += c->len;
        o->nchunks = i + 1;
    }
    if (o->nchunks != k || p != end) {
        img_origin_free(o);
        return mc_fail(MC_E_FORMAT, "origin record: malformed chunk list");
    }
    return MC_OK;
}

/* Growable record; on overflow err is set. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    uint32_t count;
    int err;
} rec_buf;

static void rec_put(rec_buf *b, const void *d, size_t n)
{
    if (b->err) return;
    if (n > IMG_ORIGIN_MAX - b->n) {
        b->err = 1;
        return;
    }
    if (b->n + n > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->n + n) c *= 2;
        uint8_t *q = realloc(b->p, c);
        if (!q) {
            b->err = 1;
            return;
        }
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void rec_chunk(rec_buf *b, uint8_t place, const uint8_t type[4], const uint8_t *data, uint32_t len)
{
    uint8_t h[9];
    h[0] = place;
    memcpy(h + 1, type, 4);
    wr32(h + 5, len);
    rec_put(b, h, 9);
    rec_put(b, data, len);
    b->count++;
}

/* A palette whose entries (with their tRNS alpha, when the image has one) are
 * all distinct: otherwise the decoded colours do not name one index each. */
static mc_err palette_distinct(const uint8_t *plte, uint32_t plen, const uint8_t *trns, uint32_t tlen)
{
    uint32_t n = plen / 3;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            uint8_t ai = !trns ? 255 : i < tlen ? trns[i] : 255, aj = !trns ? 255 : j < tlen ? trns[j] : 255;
            if (!memcmp(plte + 3 * i, plte + 3 * j, 3) && ai == aj)
                return mc_fail(MC_E_UNSUPPORTED, "palette PNG whose entries %u and %u are the same colour: decryption "
                               "could not give back the same indices; convert it to RGB first "
                               "(e.g. pngcrush -c 2, or convert IN -type TrueColor OUT)", i, j);
        }
    return MC_OK;
}

static mc_err origin_from_png(const uint8_t *buf, size_t n, img_origin *o)
{
    rec_buf b = {0};
    uint8_t head[6] = {buf[24], buf[25], 0, 0, 0, 0};
    rec_put(&b, head, 6);
    uint8_t place = IMG_BEFORE_PLTE;
    const uint8_t *plte = NULL, *trns = NULL;
    uint32_t plen = 0, tlen = 0;
    for (size_t pos = 8; pos + 12 <= n;) {
        uint32_t len = rd32(buf + pos);
        const uint8_t *type = buf + pos + 4, *data = buf + pos + 8;
        if (len > n - pos - 12) break;
        if (!memcmp(type, "IEND", 4)) break;
        if (!memcmp(type, "IDAT", 4)) {
            place = IMG_AFTER_IDAT;
        } else if (memcmp(type, "IHDR", 4)) {
            if (!memcmp(type, "PLTE", 4)) plte = data, plen = len;
            if (!memcmp(type, "tRNS", 4)) trns = data, tlen = len;
            rec_chunk(&b, place, type, data, len);
            if (!memcmp(type, "PLTE", 4)) place = IMG_BEFORE_IDAT;
        }
        pos += 12 + (size_t)len;
    }
    mc_err e = MC_OK;
    if (b.err) e = mc_fail(MC_E_TOO_LARGE, "the PNG's chunks exceed %zu bytes", IMG_ORIGIN_MAX);
    else if (buf[25] == 3 && plte) e = palette_distinct(plte, plen, trns, tlen);
    if (!e) {
        wr32(b.p + 2, b.count);
        e = img_origin_parse(b.p, b.n, o);
    }
    free(b.p);
    return e;
}

/* JPEG (ITU T.81 §B.1.1.4 markers): the APP1 segment that starts "Exif\0\0"
 * carries a TIFF structure, which a PNG eXIf chunk holds without the prefix
 * (PNG 3rd ed. §11.3.6.1). Markers are walked up to the start of scan. */
static mc_err origin_from_jpeg(const uint8_t *buf, size_t n, const img_image *im, img_origin *o)
{
    rec_buf b = {0};
    uint8_t head[6] = {8, im->channels == 1 ? 0 : 2, 0, 0, 0, 0};
    rec_put(&b, head, 6);
    for (size_t pos = 2; pos + 4 <= n && buf[pos] == 0xFF;) {
        uint8_t m = buf[pos + 1];
        if (m == 0xDA || m == 0xD9) break;
        size_t len = (size_t)buf[pos + 2] << 8 | buf[pos + 3];
        if (len < 2 || len > n - pos - 2) break;
        if (m == 0xE1 && len >= 8 && !memcmp(buf + pos + 4, "Exif\0\0", 6))
            rec_chunk(&b, IMG_BEFORE_PLTE, (const uint8_t *)"eXIf", buf + pos + 10, (uint32_t)(len - 8));
        pos += 2 + len;
    }
    mc_err e = b.err ? mc_fail(MC_E_TOO_LARGE, "the JPEG's EXIF exceeds %zu bytes", IMG_ORIGIN_MAX) : MC_OK;
    if (!e) {
        wr32(b.p + 2, b.count);
        e = img_origin_parse(b.p, b.n, o);
    }
    free(b.p);
    return e;
}

mc_err img_origin_from_bytes(const uint8_t *buf, size_t n, const img_image *im, img_origin *o)
{
    memset(o, 0, sizeof *o);
    if (n >= 26 && !memcmp(buf, "\x89PNG\r\n\x1a\n", 8)) return origin_from_png(buf, n, o);
    if (n >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF) return origin_from_jpeg(buf, n, im, o);
    return mc_fail(MC_E_FORMAT, "not a PNG or JPEG image");
}

mc_err img_read_origin(const char *path, img_image *im, img_origin *o)
{
    memset(o, 0, sizeof *o);
    unsigned char *buf;
    size_t n;
    mc_err e = mc_read_file(path, IMG_MAX_FILE, &buf, &n);
    if (e) return e;
    e = img_decode(buf, n, im);
    if (!e && (e = img_origin_from_bytes(buf, n, im, o))) img_free(im);
    free(buf);
    return e;
}
