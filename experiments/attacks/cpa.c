/* See cpa.h. The digits are base L = 2^depth: one sample of the chosen image
 * carries one digit of its row (or column) index, so ⌈log_L H⌉ + ⌈log_L W⌉ images
 * recover both permutations, plus one all-zero image for the keystream. For a
 * 512×512 8-bit image that is 1 + 2 + 2 = 5 images; for 16-bit images, 3. */
#include "attacks/cpa.h"

#include <stdlib.h>
#include <string.h>

static uint32_t sample_at(const uint8_t *p, int depth)
{
    return depth == 16 ? (uint32_t)p[0] << 8 | p[1] : p[0];
}

static void sample_put(img_image *im, size_t byte_off, uint32_t v)
{
    if (im->depth == 16) {
        im->data[byte_off] = (uint8_t)(v >> 8);
        im->data[byte_off + 1] = (uint8_t)v;
    } else {
        im->data[byte_off] = (uint8_t)v;
    }
}

static int digits_needed(uint32_t n, unsigned bits)
{
    int d = 1;
    for (uint64_t cap = (uint64_t)1 << bits; cap < n; cap <<= bits) d++;
    return d;
}

/* Ask for the image whose every sample holds digit `digit` of its row index
 * (by_row) or column index, and fold the answer into idx. */
static mc_err query_digit(cpa_oracle oracle, void *ctx, const img_image *tmpl, const uint8_t *z,
                          int by_row, int digit, uint32_t *idx)
{
    img_image p = *tmpl, c;
    unsigned bits = tmpl->depth;
    size_t pb = img_pixel_bytes(tmpl), sb = tmpl->depth / 8;
    p.data = malloc(img_size_bytes(tmpl));
    if (!p.data) return mc_fail(MC_E_NOMEM, "out of memory");
    uint32_t mask = (uint32_t)(((uint64_t)1 << bits) - 1);
    for (uint32_t r = 0; r < p.height; r++)
        for (uint32_t col = 0; col < p.width; col++) {
            uint32_t v = ((by_row ? r : col) >> (bits * digit)) & mask;
            for (size_t s = 0; s < pb; s += sb) sample_put(&p, ((size_t)r * p.width + col) * pb + s, v);
        }
    mc_err e = oracle(ctx, &p, &c);
    free(p.data);
    if (e) return e;
    /* Row i of the cipher came from plain row xindex[i]: read the digit in
     * column 0 of row i (or row 0 of column j), after removing the keystream. */
    uint32_t n = by_row ? p.height : p.width;
    for (uint32_t i = 0; i < n; i++) {
        size_t off = by_row ? (size_t)i * p.width * pb : (size_t)i * pb;
        uint32_t v = sample_at(c.data + off, tmpl->depth) ^ sample_at(z + off, tmpl->depth);
        idx[i] |= v << (bits * digit);
    }
    img_free(&c);
    return MC_OK;
}

mc_err cpa_recover(cpa_oracle oracle, void *ctx, uint32_t w, uint32_t h, uint8_t channels,
                   uint8_t depth, cpa_key *key)
{
    memset(key, 0, sizeof *key);
    img_image zero;
    mc_err e = img_new(&zero, w, h, channels, depth);
    if (e) return e;
    img_image c0;
    e = oracle(ctx, &zero, &c0);   /* C0 = perm(0) ⊕ Z = Z */
    if (e) {
        img_free(&zero);
        return e;
    }
    key->h = h;
    key->w = w;
    key->zlen = img_size_bytes(&zero);
    key->z = c0.data;              /* take ownership of the keystream */
    key->queries = 1;
    key->xindex = calloc(h, sizeof *key->xindex);
    key->yindex = calloc(w, sizeof *key->yindex);
    if (!key->xindex || !key->yindex) e = mc_fail(MC_E_NOMEM, "out of memory");
    for (int d = 0; !e && d < digits_needed(h, depth); d++, key->queries++)
        e = query_digit(oracle, ctx, &zero, key->z, 1, d, key->xindex);
    for (int d = 0; !e && d < digits_needed(w, depth); d++, key->queries++)
        e = query_digit(oracle, ctx, &zero, key->z, 0, d, key->yindex);
    img_free(&zero);
    if (e) cpa_key_free(key);
    return e;
}

mc_err cpa_decrypt(const cpa_key *key, const img_image *cipher, img_image *plain)
{
    if (cipher->width != key->w || cipher->height != key->h || img_size_bytes(cipher) != key->zlen)
        return mc_fail(MC_E_MISMATCH, "recovered key is for another geometry");
    mc_err e = img_new(plain, cipher->width, cipher->height, cipher->channels, cipher->depth);
    if (e) return e;
    size_t pb = img_pixel_bytes(cipher), rb = img_row_bytes(cipher);
    for (uint32_t i = 0; i < key->h; i++) {
        uint32_t r = key->xindex[i];
        if (r >= key->h) continue;   /* a wrong recovery stays visible as black rows */
        for (uint32_t j = 0; j < key->w; j++) {
            uint32_t col = key->yindex[j];
            if (col >= key->w) continue;
            const uint8_t *src = cipher->data + i * rb + j * pb;
            const uint8_t *zz = key->z + i * rb + j * pb;
            uint8_t *dst = plain->data + (size_t)r * rb + (size_t)col * pb;
            for (size_t b = 0; b < pb; b++) dst[b] = src[b] ^ zz[b];
        }
    }
    return MC_OK;
}

void cpa_key_free(cpa_key *key)
{
    free(key->xindex);
    free(key->yindex);
    free(key->z);
    memset(key, 0, sizeof *key);
}
