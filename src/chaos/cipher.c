/* Permutation–diffusion cipher: row gather/scatter with the column
 * permutation and the XOR fused into one pass per row. Encryption gathers
 * (reads permuted, writes in order), decryption scatters (reads in order,
 * writes permuted), so both stream the keystream and the in-order side. */
#include "chaos/cipher.h"

#include <stdlib.h>
#include <string.h>

/* XOR n bytes of z into d, 8 at a time (memcpy keeps it alignment-safe and
 * compiles to plain 64-bit loads; the compiler vectorises the loop). */
static void xor_bytes(uint8_t *d, const uint8_t *z, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t a, b;
        memcpy(&a, d + i, 8);
        memcpy(&b, z + i, 8);
        a ^= b;
        memcpy(d + i, &a, 8);
    }
    for (; i < n; i++) d[i] ^= z[i];
}

/* Copy pixels: out[j] = in[yindex[j]] for one row. The switch gives the
 * compiler a constant pixel size for every layout the images use
 * (1–4 channels × 1–2 bytes), so each copy is a single load and store. */
#define GATHER_CASE(PB)                                                      \
    case PB:                                                                 \
        for (uint32_t j = 0; j < w; j++) memcpy(out + (size_t)j * PB, in + (size_t)yindex[j] * PB, PB); \
        break
static void row_gather(uint8_t *out, const uint8_t *in, uint32_t w, size_t pb, const uint32_t *yindex)
{
    switch (pb) {
    case 1:
        for (uint32_t j = 0; j < w; j++) out[j] = in[yindex[j]];
        break;
        GATHER_CASE(2);
        GATHER_CASE(3);
        GATHER_CASE(4);
        GATHER_CASE(6);
        GATHER_CASE(8);
    default:
        for (uint32_t j = 0; j < w; j++) memcpy(out + (size_t)j * pb, in + (size_t)yindex[j] * pb, pb);
    }
}

/* The inverse copy: out[yindex[j]] = in[j]. */
#define SCATTER_CASE(PB)                                                     \
    case PB:                                                                 \
        for (uint32_t j = 0; j < w; j++) memcpy(out + (size_t)yindex[j] * PB, in + (size_t)j * PB, PB); \
        break
static void row_scatter(uint8_t *out, const uint8_t *in, uint32_t w, size_t pb, const uint32_t *yindex)
{
    switch (pb) {
    case 1:
        for (uint32_t j = 0; j < w; j++) out[yindex[j]] = in[j];
        break;
        SCATTER_CASE(2);
        SCATTER_CASE(3);
        SCATTER_CASE(4);
        SCATTER_CASE(6);
        SCATTER_CASE(8);
    default:
        for (uint32_t j = 0; j < w; j++) memcpy(out + (size_t)yindex[j] * pb, in + (size_t)j * pb, pb);
    }
}

/* Row i of C is row xindex[i] of P with its columns taken in yindex order,
 * then XORed with row i of Z: the NumPy reference's P[xi][:, yi] ^ Z. */
void cipher_encrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                    const uint32_t *xindex, const uint32_t *yindex, const uint8_t *z)
{
    const size_t row = (size_t)w * pixel_bytes;
    for (uint32_t i = 0; i < h; i++) {
        uint8_t *out = dst + (size_t)i * row;
        row_gather(out, src + (size_t)xindex[i] * row, w, pixel_bytes, yindex);
        xor_bytes(out, z + (size_t)i * row, row);
    }
}

/* Undo both steps on each row: XOR first (the diffusion was applied last),
 * then put pixel j of cipher row i back at column yindex[j] of plain row
 * xindex[i]. The XOR goes through a small stack buffer, a chunk of columns at
 * a time, so that decryption needs no allocation and cannot fail. */
#define DECRYPT_CHUNK 4096
void cipher_decrypt(uint8_t *dst, const uint8_t *src, uint32_t h, uint32_t w, size_t pixel_bytes,
                    const uint32_t *xindex, const uint32_t *yindex, const uint8_t *z)
{
    const size_t row = (size_t)w * pixel_bytes;
    uint8_t tmp[DECRYPT_CHUNK];
    const uint32_t step = pixel_bytes <= DECRYPT_CHUNK ? (uint32_t)(DECRYPT_CHUNK / pixel_bytes) : 0;
    for (uint32_t i = 0; i < h; i++) {
        uint8_t *out = dst + (size_t)xindex[i] * row;
        const uint8_t *in = src + (size_t)i * row, *zr = z + (size_t)i * row;
        if (step == 0) { /* pixels wider than the buffer: not an image layout */
            for (uint32_t j = 0; j < w; j++)
                for (size_t b = 0; b < pixel_bytes; b++)
                    out[(size_t)yindex[j] * pixel_bytes + b] =
                        in[(size_t)j * pixel_bytes + b] ^ zr[(size_t)j * pixel_bytes + b];
            continue;
        }
        for (uint32_t j0 = 0; j0 < w; j0 += step) {
            const uint32_t n = w - j0 < step ? w - j0 : step;
            const size_t off = (size_t)j0 * pixel_bytes, len = (size_t)n * pixel_bytes;
            memcpy(tmp, in + off, len);
            xor_bytes(tmp, zr + off, len);
            row_scatter(out, tmp, n, pixel_bytes, yindex + j0);
        }
    }
}

mc_err cipher_check_perm(const uint32_t *idx, uint32_t n)
{
    if (n == 0) return MC_OK;
    uint8_t *seen = calloc(n, 1);
    if (!seen) return mc_fail(MC_E_NOMEM, "permutation check of %u entries", n);
    mc_err e = MC_OK;
    for (uint32_t i = 0; i < n; i++) {
        if (idx[i] >= n) {
            e = mc_fail(MC_E_FORMAT, "permutation entry %u is %u, not below %u", i, idx[i], n);
            break;
        }
        if (seen[idx[i]]++) {
            e = mc_fail(MC_E_FORMAT, "permutation entry %u repeats the value %u", i, idx[i]);
            break;
        }
    }
    free(seen);
    return e;
}
