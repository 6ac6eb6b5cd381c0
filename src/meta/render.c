/* The metadata image of render.h. Channel 0 resamples a small text raster
 * (11 lines of 10 glyphs) to SxS with an exact box filter in integers, so the
 * glyphs stay legible at 224 and turn into smooth grey at 32 instead of losing
 * whole rows. Channels 1 and 2 carry each field as a level and as a bar. */
#include "meta/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_COLS 10
#define TEXT_LINES 11 /* date, time, fraction, offset, then 7 lines of UID */
#define LINE_CAP 32    /* room for any int the compiler cannot bound */
#define CELL_W 6      /* 5 columns of glyph + 1 of space */
#define CELL_H 8      /* 7 rows of glyph + 1 of space */
#define RASTER_W (TEXT_COLS * CELL_W)
#define RASTER_H (TEXT_LINES * CELL_H)

mc_err meta_render_fields(const meta_record *m, double v[META_RENDER_FIELDS])
{
    mc_err e = meta_validate(m);
    if (e) return e;
    double y = (m->year - 1900) / 200.0;
    v[0] = y < 0 ? 0 : y > 1 ? 1 : y;
    v[1] = (m->month - 1) / 11.0;
    v[2] = (m->day - 1) / 30.0;
    v[3] = m->hour / 23.0;
    v[4] = m->minute / 59.0;
    v[5] = m->second / 59.0;
    v[6] = m->usec / 1e6;
    v[7] = m->offset_known ? (m->utc_offset_min + 840) / 1680.0 : 0.5;
    v[8] = m->offset_known ? 1.0 : 0.0;
    return MC_OK;
}

/* The lines of text, each at most TEXT_COLS characters of the font. */
static void text_lines(const meta_record *m, char lines[TEXT_LINES][LINE_CAP])
{
    memset(lines, 0, TEXT_LINES * LINE_CAP);
    snprintf(lines[0], LINE_CAP, "%04d-%02d-%02d", m->year, m->month, m->day);
    snprintf(lines[1], LINE_CAP, "%02d:%02d:%02d", m->hour, m->minute, m->second);
    snprintf(lines[2], LINE_CAP, ".%06d", m->usec);
    if (m->offset_known) {
        int a = m->utc_offset_min < 0 ? -m->utc_offset_min : m->utc_offset_min;
        snprintf(lines[3], LINE_CAP, "%c%02d:%02d", m->utc_offset_min < 0 ? '-' : '+', a / 60, a % 60);
    } else {
        snprintf(lines[3], LINE_CAP, "?");
    }
    size_t n = strlen(m->uid);
    for (int l = 4; l < TEXT_LINES; l++) {
        size_t off = (size_t)(l - 4) * TEXT_COLS;
        if (off < n) snprintf(lines[l], LINE_CAP, "%.*s", TEXT_COLS, m->uid + off);
    }
}

static void draw_raster(const meta_record *m, unsigned char r[RASTER_H][RASTER_W])
{
    char lines[TEXT_LINES][LINE_CAP];
    text_lines(m, lines);
    memset(r, 0, RASTER_H * RASTER_W);
    for (int l = 0; l < TEXT_LINES; l++)
        for (int c = 0; c < TEXT_COLS && lines[l][c]; c++) {
            const unsigned char *g = meta_glyph(lines[l][c]);
            if (!g) continue;
            for (int gy = 0; gy < 7; gy++)
                for (int gx = 0; gx < 5; gx++)
                    r[l * CELL_H + gy][c * CELL_W + gx] = (g[gy] >> (4 - gx)) & 1;
        }
}

/* Overlap, in units of 1/size raster pixels, of output pixel o (covering
 * [o*n, (o+1)*n)) with raster pixel i (covering [i*size, (i+1)*size)). */
static long overlap(int o, int i, int n, int size)
{
    long lo = (long)o * n > (long)i * size ? (long)o * n : (long)i * size;
    long hi = (long)(o + 1) * n < (long)(i + 1) * size ? (long)(o + 1) * n : (long)(i + 1) * size;
    return hi > lo ? hi - lo : 0;
}

mc_err meta_render(const meta_record *m, int size, float *out)
{
    if (size < META_RENDER_MIN || size > META_RENDER_MAX)
        return mc_fail(MC_E_ARG, "metadata image size %d outside %d..%d", size, META_RENDER_MIN, META_RENDER_MAX);
    double v[META_RENDER_FIELDS];
    mc_err e = meta_render_fields(m, v);
    if (e) return e;
    unsigned char r[RASTER_H][RASTER_W];
    draw_raster(m, r);
    size_t plane = (size_t)size * (size_t)size;
    float *text = out, *level = out + plane, *bar = out + 2 * plane;

    /* Channel 0: box-filtered glyphs. The area of one output pixel is
     * RASTER_W*RASTER_H in these units, so the mean is an exact ratio. */
    for (int y = 0; y < size; y++) {
        int i0 = (int)((long)y * RASTER_H / size), i1 = (int)(((long)y + 1) * RASTER_H / size);
        for (int x = 0; x < size; x++) {
            int j0 = (int)((long)x * RASTER_W / size), j1 = (int)(((long)x + 1) * RASTER_W / size);
            long acc = 0;
            for (int i = i0; i <= i1 && i < RASTER_H; i++) {
                long wy = overlap(y, i, RASTER_H, size);
                for (int j = j0; j <= j1 && j < RASTER_W; j++)
                    if (r[i][j]) acc += wy * overlap(x, j, RASTER_W, size);
            }
            text[(size_t)y * size + x] = (float)((double)acc / ((double)RASTER_W * RASTER_H));
        }
    }
    /* Channels 1 and 2: band b = y*9/size holds field b as a flat level and
     * as a bar from the left whose edge pixel is partly lit (so the picture
     * changes continuously with the value). */
    for (int y = 0; y < size; y++) {
        double f = v[(long)y * META_RENDER_FIELDS / size];
        for (int x = 0; x < size; x++) {
            double c = f * size - x;
            level[(size_t)y * size + x] = (float)f;
            bar[(size_t)y * size + x] = (float)(c < 0 ? 0 : c > 1 ? 1 : c);
        }
    }
    return MC_OK;
}

mc_err meta_render_png(const meta_record *m, int size, const char *path, int force)
{
    if (size < META_RENDER_MIN || size > META_RENDER_MAX)
        return mc_fail(MC_E_ARG, "metadata image size %d outside %d..%d", size, META_RENDER_MIN, META_RENDER_MAX);
    size_t plane = (size_t)size * (size_t)size;
    float *f = malloc(3 * plane * sizeof *f);
    unsigned char *rgb = malloc(3 * plane);
    mc_err e = (!f || !rgb) ? mc_fail(MC_E_NOMEM, "out of memory") : meta_render(m, size, f);
    if (!e) {
        for (size_t p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) rgb[3 * p + c] = (unsigned char)(f[c * plane + p] * 255.0f + 0.5f);
        e = meta_write_rgb8_png(path, rgb, size, size, force);
    }
    free(f);
    free(rgb);
    return e;
}
