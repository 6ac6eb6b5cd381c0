/* cipher: the worked examples of docs/CIPHER.md against the independent Python
 * implementation, the fast path against the definition, exact round trips for
 * every pixel layout and shape, and permutation checks. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/chaos.h"
#include "chaos/cipher.h"
#include "chaos_vectors.h"

static void check_example(const char *file)
{
    cv_file f;
    cr_assert_eq(cv_load(&f, file), 0, "cannot read %s (MC_SRCDIR set?)", file);
    uint32_t h, w, pb;
    cr_assert_eq(cv_u32s(cv_get(&f, "h", 0), &h, 1), 1);
    cr_assert_eq(cv_u32s(cv_get(&f, "w", 0), &w, 1), 1);
    cr_assert_eq(cv_u32s(cv_get(&f, "pixel_bytes", 0), &pb, 1), 1);
    size_t n = (size_t)h * w * pb;
    uint32_t xi[16], yi[16];
    uint8_t z[256], plain[256], want[256], got[256], back[256];
    cr_assert(h <= 16 && w <= 16 && n <= 256);
    cr_assert_eq(cv_u32s(cv_get(&f, "xindex", 0), xi, h), h);
    cr_assert_eq(cv_u32s(cv_get(&f, "yindex", 0), yi, w), w);
    cr_assert_eq(cv_hex(cv_get(&f, "z", 0), z, n), n);
    cr_assert_eq(cv_hex(cv_get(&f, "plain", 0), plain, n), n);
    cr_assert_eq(cv_hex(cv_get(&f, "cipher", 0), want, n), n);
    cipher_encrypt(got, plain, h, w, pb, xi, yi, z);
    for (size_t k = 0; k < n; k++) cr_assert_eq(got[k], want[k], "%s cipher byte %zu", file, k);
    cipher_decrypt(back, want, h, w, pb, xi, yi, z);
    cr_assert_eq(memcmp(back, plain, n), 0, "%s: decryption does not give the plain image", file);
    cv_free(&f);
}

Test(cipher_vectors, worked_example_logistic_gray8) { check_example("example_logistic.txt"); }
Test(cipher_vectors, worked_example_lorenz_gray16) { check_example("example_lorenz.txt"); }

/* The definition, one byte at a time: C[i][j] = P[xi[i]][yi[j]] ^ Z[i][j]. */
static void encrypt_by_definition(uint8_t *c, const uint8_t *p, uint32_t h, uint32_t w, size_t pb,
                                  const uint32_t *xi, const uint32_t *yi, const uint8_t *z)
{
    for (uint32_t i = 0; i < h; i++)
        for (uint32_t j = 0; j < w; j++)
            for (size_t b = 0; b < pb; b++) {
                size_t k = ((size_t)i * w + j) * pb + b;
                c[k] = p[((size_t)xi[i] * w + yi[j]) * pb + b] ^ z[k];
            }
}

static void fill(uint8_t *buf, size_t n, uint32_t seed)
{
    for (size_t k = 0; k < n; k++) {
        seed = seed * 1664525u + 1013904223u;
        buf[k] = (uint8_t)(seed >> 24);
    }
}

/* Keys from the chaos module, encrypt = definition, decrypt inverts. */
static void round_trip(uint32_t h, uint32_t w, size_t pb, chaos_map map)
{
    const size_t n = (size_t)h * w * pb;
    uint8_t *p = malloc(n), *c = malloc(n), *d = malloc(n), *ref = malloc(n), *z = malloc(n);
    uint32_t *xi = malloc(h * sizeof *xi), *yi = malloc(w * sizeof *yi);
    cr_assert(p && c && d && ref && z && xi && yi);
    chaos_params prm = map == CHAOS_LOGISTIC ? (chaos_params){CHAOS_LOGISTIC, {3.99, 0.3141592653}}
                                             : (chaos_params){CHAOS_LORENZ, {1.0, 1.0, 1.0, 10.0, 28.0, 8.0 / 3.0}};
    cr_assert_eq(chaos_keys(&prm, h, w, n, xi, yi, z), MC_OK);
    cr_assert_eq(cipher_check_perm(xi, h), MC_OK);
    cr_assert_eq(cipher_check_perm(yi, w), MC_OK);
    fill(p, n, h * 131 + w * 7 + (uint32_t)pb);
    cipher_encrypt(c, p, h, w, pb, xi, yi, z);
    encrypt_by_definition(ref, p, h, w, pb, xi, yi, z);
    cr_assert_eq(memcmp(c, ref, n), 0, "%ux%u pb %zu: fast path differs from the definition", w, h, pb);
    cipher_decrypt(d, c, h, w, pb, xi, yi, z);
    cr_assert_eq(memcmp(d, p, n), 0, "%ux%u pb %zu: round trip fails", w, h, pb);
    free(p), free(c), free(d), free(ref), free(z), free(xi), free(yi);
}

/* 1–4 channels × 8 or 16 bits: pixel sizes 1, 2, 3, 4 and 2, 4, 6, 8 bytes. */
Test(cipher, round_trip_every_layout_and_shape)
{
    static const uint32_t shape[][2] = {{1, 1}, {1, 97}, {97, 1}, {7, 3}, {3, 7}, {31, 37}, {37, 31}};
    for (int ch = 1; ch <= 4; ch++)
        for (int bytes = 1; bytes <= 2; bytes++)
            for (size_t s = 0; s < sizeof shape / sizeof shape[0]; s++)
                round_trip(shape[s][0], shape[s][1], (size_t)ch * bytes,
                           s % 2 ? CHAOS_LORENZ : CHAOS_LOGISTIC);
}

Test(cipher, round_trip_larger_images)
{
    round_trip(509, 512, 1, CHAOS_LOGISTIC);
    round_trip(256, 263, 6, CHAOS_LORENZ);
    round_trip(130, 1030, 8, CHAOS_LOGISTIC); /* rows longer than decrypt's 4 KiB chunk */
}

/* Pixel sizes the images never use go through the generic loops. */
Test(cipher, round_trip_unusual_pixel_sizes)
{
    round_trip(5, 9, 5, CHAOS_LOGISTIC);
    round_trip(3, 4, 4097, CHAOS_LOGISTIC); /* wider than the decrypt buffer */
}

/* Pixels move as units: with a zero keystream every cipher pixel is a whole
 * plain pixel, and every plain pixel appears once. */
Test(cipher, permutation_moves_whole_pixels)
{
    enum { H = 6, W = 5, PB = 3 };
    uint8_t p[H * W * PB], c[H * W * PB], z[H * W * PB] = {0};
    uint32_t xi[H], yi[W];
    for (int k = 0; k < H * W; k++) p[k * PB] = (uint8_t)k, p[k * PB + 1] = (uint8_t)(100 + k), p[k * PB + 2] = (uint8_t)(200 - k);
    chaos_params prm = {CHAOS_LOGISTIC, {3.97, 0.61}};
    cr_assert_eq(chaos_keys(&prm, H, W, 0, xi, yi, NULL), MC_OK);
    cipher_encrypt(c, p, H, W, PB, xi, yi, z);
    int seen[H * W] = {0};
    for (int k = 0; k < H * W; k++) {
        int id = c[k * PB];
        cr_assert(c[k * PB + 1] == 100 + id && c[k * PB + 2] == (uint8_t)(200 - id), "pixel %d split", k);
        seen[id]++;
    }
    for (int k = 0; k < H * W; k++) cr_assert_eq(seen[k], 1);
}

Test(cipher, check_perm_accepts_permutations_only)
{
    const uint32_t good[5] = {4, 0, 3, 1, 2}, dup[5] = {4, 0, 3, 0, 2}, big[5] = {4, 0, 5, 1, 2};
    cr_assert_eq(cipher_check_perm(good, 5), MC_OK);
    cr_assert_eq(cipher_check_perm(good, 0), MC_OK);
    cr_assert_eq(cipher_check_perm(dup, 5), MC_E_FORMAT);
    cr_assert(strstr(mc_errmsg(MC_E_FORMAT), "repeats"), "%s", mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(cipher_check_perm(big, 5), MC_E_FORMAT);
    cr_assert(strstr(mc_errmsg(MC_E_FORMAT), "not below"), "%s", mc_errmsg(MC_E_FORMAT));
}
