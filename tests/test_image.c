/* image: PNG/JPEG reading against independent decoders (netpbm's pngtopam,
 * libjpeg-turbo's djpeg, references committed under tests/data/image, made by
 * make_fixtures.sh), lossless PNG round trips of all eight layouts, and clean
 * errors on truncated, corrupt, oversized and non-image input. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "image/io.h"
#include "util/file.h"

/* ---- helpers ---- */

static char *data_path(const char *name)
{
    const char *src = getenv("MC_SRCDIR");
    static char buf[4][1024];
    static int k;
    char *p = buf[k++ & 3];
    snprintf(p, 1024, "%s/tests/data/image/%s", src ? src : ".", name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    unsigned char *b;
    cr_assert_eq(mc_read_file(path, 1u << 26, &b, n), MC_OK, "%s: %s", path, mc_errmsg(MC_E_IO));
    return b;
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mc_image_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

/* A netpbm file (P5, P6 or P7/PAM) as decoded by the reference tool. */
typedef struct {
    unsigned width, height, depth, maxval;
    const unsigned char *px; /* samples, 1 or 2 bytes each, big-endian */
} pnm;

static int pnm_token(const unsigned char **p, const unsigned char *end, char *tok, size_t cap)
{
    while (*p < end && (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t')) (*p)++;
    size_t n = 0;
    while (*p < end && **p != ' ' && **p != '\n' && n + 1 < cap) tok[n++] = (char)*(*p)++;
    tok[n] = 0;
    return n > 0;
}

static pnm parse_pnm(const unsigned char *b, size_t n)
{
    pnm r = {0};
    const unsigned char *p = b + 2, *end = b + n;
    char tok[64];
    cr_assert(n > 2 && b[0] == 'P');
    if (b[1] == '7') {
        while (pnm_token(&p, end, tok, sizeof tok) && strcmp(tok, "ENDHDR")) {
            char val[64];
            if (!strcmp(tok, "TUPLTYPE")) {
                pnm_token(&p, end, val, sizeof val);
                continue;
            }
            cr_assert(pnm_token(&p, end, val, sizeof val));
            unsigned v = (unsigned)strtoul(val, NULL, 10);
            if (!strcmp(tok, "WIDTH")) r.width = v;
            if (!strcmp(tok, "HEIGHT")) r.height = v;
            if (!strcmp(tok, "DEPTH")) r.depth = v;
            if (!strcmp(tok, "MAXVAL")) r.maxval = v;
        }
    } else {
        cr_assert(b[1] == '5' || b[1] == '6');
        r.depth = b[1] == '5' ? 1 : 3;
        pnm_token(&p, end, tok, sizeof tok), r.width = (unsigned)atoi(tok);
        pnm_token(&p, end, tok, sizeof tok), r.height = (unsigned)atoi(tok);
        pnm_token(&p, end, tok, sizeof tok), r.maxval = (unsigned)atoi(tok);
    }
    r.px = p + 1; /* one whitespace byte ends the header */
    size_t need = (size_t)r.width * r.height * r.depth * (r.maxval > 255 ? 2 : 1);
    cr_assert_eq((size_t)(end - r.px), need, "reference body has the wrong size");
    return r;
}

static unsigned pnm_sample(const pnm *r, size_t i)
{
    return r->maxval > 255 ? (unsigned)r->px[2 * i] << 8 | r->px[2 * i + 1] : r->px[i];
}

static unsigned img_sample(const img_image *im, size_t i)
{
    return im->depth == 16 ? (unsigned)im->data[2 * i] << 8 | im->data[2 * i + 1] : im->data[i];
}

/* Compare im with the reference: colour samples rescaled from the reference's
 * maxval to im's depth (bit replication, exact for 1/2/4-bit gray); when the
 * reference has an alpha channel that im lacks, it must be fully opaque. */
static void expect_matches(const img_image *im, const pnm *ref, const char *name)
{
    cr_assert_eq(im->width, ref->width, "%s width", name);
    cr_assert_eq(im->height, ref->height, "%s height", name);
    unsigned colour = ref->depth >= 3 ? 3 : 1;
    cr_assert(im->channels == ref->depth || im->channels == colour, "%s: %u channels vs reference %u",
              name, im->channels, ref->depth);
    unsigned peak = im->depth == 16 ? 65535u : 255u;
    for (size_t px = 0; px < (size_t)im->width * im->height; px++) {
        for (unsigned c = 0; c < ref->depth; c++) {
            unsigned want = pnm_sample(ref, px * ref->depth + c) * (peak / ref->maxval);
            if (c >= im->channels) {
                cr_assert_eq(want, peak, "%s: pixel %zu reference alpha %u, we dropped it", name, px, want);
                continue;
            }
            unsigned got = img_sample(im, px * im->channels + c);
            cr_assert_eq(got, want, "%s: pixel %zu channel %u: %u, reference %u", name, px, c, got, want);
        }
    }
}

/* ---- reading against independent decoders ---- */

/* Read tests/data/image/NAME.EXT and compare with the reference decode
 * NAME.REF; channels and depth are what io.h promises for that layout. */
static void check_fixture(const char *name, const char *ext, const char *ref_ext, uint8_t channels,
                          uint8_t depth)
{
    char in[128], ref_name[128];
    snprintf(in, sizeof in, "%s.%s", name, ext);
    snprintf(ref_name, sizeof ref_name, "%s.%s", name, ref_ext);
    img_image im;
    cr_assert_eq(img_read(data_path(in), &im), MC_OK, "%s: %s", in, mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(im.channels, channels, "%s channels", in);
    cr_assert_eq(im.depth, depth, "%s depth", in);
    size_t n;
    unsigned char *b = slurp(data_path(ref_name), &n);
    pnm ref = parse_pnm(b, n);
    expect_matches(&im, &ref, in);
    free(b);
    img_free(&im);
}

Test(image_read, png_fixtures_match_pngtopam)
{
    check_fixture("rgb8_interlaced", "png", "pam", 3, 8);
    check_fixture("gray16_interlaced", "png", "pam", 1, 16);
    check_fixture("rgba16_interlaced", "png", "pam", 4, 16);
    check_fixture("graya16", "png", "pam", 2, 16);
    check_fixture("gray1", "png", "pam", 1, 8); /* 1-, 2-, 4-bit gray: scaled to 8 bits */
    check_fixture("gray2", "png", "pam", 1, 8);
    check_fixture("gray4", "png", "pam", 1, 8);
    check_fixture("palette", "png", "pam", 3, 8);      /* palette: expanded to RGB */
    check_fixture("palette_trns", "png", "pam", 4, 8); /* palette + tRNS: RGBA */
}

Test(image_read, palette_trns_gives_transparent_pixels)
{
    img_image im;
    cr_assert_eq(img_read(data_path("palette_trns.png"), &im), MC_OK);
    size_t transparent = 0;
    for (size_t i = 0; i < (size_t)im.width * im.height; i++) transparent += im.data[4 * i + 3] == 0;
    cr_assert_gt(transparent, 0, "the tRNS entry must show up as alpha 0");
    img_free(&im);
}

Test(image_read, jpeg_fixtures_match_djpeg)
{
    check_fixture("rgb", "jpg", "pnm", 3, 8);
    check_fixture("rgb_progressive", "jpg", "pnm", 3, 8);
    check_fixture("gray", "jpg", "pnm", 1, 8);
}

Test(image_read, format_is_chosen_by_content_not_name)
{
    make_tmpdir();
    size_t n;
    unsigned char *b = slurp(data_path("gray.jpg"), &n);
    char path[128];
    snprintf(path, sizeof path, "%s/looks_like.png", tmpdir);
    cr_assert_eq(mc_write_file(path, b, n, 0600, 0), MC_OK);
    img_image im;
    cr_assert_eq(img_read(path, &im), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(im.channels, 1);
    img_free(&im);
    free(b);
    remove_tmpdir();
}

/* ---- writing: lossless round trips ---- */

static void fill_random(img_image *im, uint64_t seed)
{
    for (size_t i = 0; i < img_size_bytes(im); i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        im->data[i] = (uint8_t)(seed >> 56);
    }
}

static int have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

Test(image_write, all_eight_layouts_round_trip_bit_for_bit)
{
    make_tmpdir();
    int pngtopam = have_tool("pngtopam");
    if (!pngtopam) cr_log_warn("pngtopam (netpbm) not found: skipping the independent decode of our PNGs");
    for (uint8_t depth = 8; depth <= 16; depth += 8) {
        for (uint8_t ch = 1; ch <= 4; ch++) {
            img_image im, back;
            cr_assert_eq(img_new(&im, 29 + ch, 17 + depth, ch, depth), MC_OK);
            fill_random(&im, ch * 100u + depth);
            char path[128];
            snprintf(path, sizeof path, "%s/c%u_d%u.png", tmpdir, ch, depth);
            cr_assert_eq(img_write_png(path, &im, 0), MC_OK, "%s", mc_errmsg(MC_E_IO));
            cr_assert_eq(img_read(path, &back), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
            cr_assert_eq(back.width, im.width);
            cr_assert_eq(back.height, im.height);
            cr_assert_eq(back.channels, ch);
            cr_assert_eq(back.depth, depth);
            cr_assert_eq(memcmp(back.data, im.data, img_size_bytes(&im)), 0, "%u ch %u bit", ch, depth);
            /* IHDR as written: bit depth and PNG colour type (0, 4, 2, 6). */
            size_t n;
            unsigned char *b = slurp(path, &n);
            static const uint8_t colour_type[5] = {0, 0, 4, 2, 6};
            cr_assert_eq(b[24], depth);
            cr_assert_eq(b[25], colour_type[ch]);
            free(b);
            if (pngtopam) {
                char cmd[512], pam[160];
                snprintf(pam, sizeof pam, "%s.pam", path);
                snprintf(cmd, sizeof cmd, "pngtopam -alphapam '%s' > '%s' 2>/dev/null", path, pam);
                cr_assert_eq(system(cmd), 0);
                b = slurp(pam, &n);
                pnm ref = parse_pnm(b, n);
                expect_matches(&im, &ref, path);
                free(b);
            }
            img_free(&back);
            img_free(&im);
        }
    }
    remove_tmpdir();
}

Test(image_write, refuses_to_overwrite_without_force)
{
    make_tmpdir();
    img_image im;
    cr_assert_eq(img_new(&im, 4, 4, 1, 8), MC_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/x.png", tmpdir);
    cr_assert_eq(mc_write_file(path, "keep", 4, 0600, 0), MC_OK);
    cr_assert_eq(img_write_png(path, &im, 0), MC_E_EXISTS);
    size_t n;
    unsigned char *b = slurp(path, &n);
    cr_assert_eq(n, 4);
    free(b);
    cr_assert_eq(img_write_png(path, &im, 1), MC_OK);
    img_free(&im);
    remove_tmpdir();
}

Test(image_write, unwritable_directory_is_an_io_error)
{
    img_image im;
    cr_assert_eq(img_new(&im, 4, 4, 1, 8), MC_OK);
    cr_assert_eq(img_write_png("/nonexistent_dir_mc/x.png", &im, 0), MC_E_IO);
    img_free(&im);
}

/* ---- geometry and limits ---- */

Test(image_geometry, byte_counts)
{
    img_image im = {.width = 7, .height = 5, .channels = 3, .depth = 16};
    cr_assert_eq(img_pixel_bytes(&im), 6);
    cr_assert_eq(img_row_bytes(&im), 42);
    cr_assert_eq(img_size_bytes(&im), 210);
}

Test(image_geometry, img_new_refuses_bad_sizes_before_allocating)
{
    img_image im;
    cr_assert_eq(img_new(&im, 0, 5, 1, 8), MC_E_FORMAT);
    cr_assert_eq(img_new(&im, 5, 0, 1, 8), MC_E_FORMAT);
    cr_assert_eq(img_new(&im, 65536, 1, 1, 8), MC_E_TOO_LARGE);
    cr_assert_eq(img_new(&im, 65535, 65535, 4, 16), MC_E_TOO_LARGE); /* 34 GB */
    cr_assert_eq(img_new(&im, 4, 4, 5, 8), MC_E_UNSUPPORTED);
    cr_assert_eq(img_new(&im, 4, 4, 1, 12), MC_E_UNSUPPORTED);
    cr_assert_null(im.data);
}

/* ---- bad input ---- */

static unsigned char *small_png(size_t *n)
{
    make_tmpdir();
    img_image im;
    cr_assert_eq(img_new(&im, 13, 11, 3, 8), MC_OK);
    fill_random(&im, 7);
    char path[128];
    snprintf(path, sizeof path, "%s/s.png", tmpdir);
    cr_assert_eq(img_write_png(path, &im, 0), MC_OK);
    img_free(&im);
    unsigned char *b = slurp(path, n);
    remove_tmpdir();
    return b;
}

Test(image_bad_input, truncated_png_at_every_offset_is_refused)
{
    size_t n;
    unsigned char *b = small_png(&n);
    for (size_t cut = 0; cut < n; cut++) {
        img_image im;
        mc_err e = img_read_png_mem(b, cut, &im);
        if (cut < 8)
            cr_assert(e == MC_E_FORMAT || e == MC_E_TRUNCATED, "cut %zu: %d", cut, e);
        else
            cr_assert_eq(e, MC_E_TRUNCATED, "cut at %zu of %zu: %s", cut, n, mc_errmsg(e));
        cr_assert_null(im.data);
    }
    free(b);
}

Test(image_bad_input, flipped_bytes_never_crash_and_are_caught_by_crc)
{
    size_t n;
    unsigned char *b = small_png(&n);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            b[i] ^= (unsigned char)(1u << bit);
            img_image im;
            mc_err e = img_read_png_mem(b, n, &im);
            /* Every chunk of our file is critical, so CRC-32 catches each flip. */
            cr_assert_neq(e, MC_OK, "flip of bit %d in byte %zu went unnoticed", bit, i);
            cr_assert_null(im.data);
            b[i] ^= (unsigned char)(1u << bit);
        }
    }
    free(b);
}

/* CRC-32 of PNG (ISO/IEC 15948 Annex D), for forging headers. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* A PNG holding only a signature and an IHDR claiming w x h. */
static size_t forged_png(unsigned char out[33], uint32_t w, uint32_t h, uint8_t depth, uint8_t colour)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    memcpy(out, sig, 8);
    put32(out + 8, 13);
    memcpy(out + 12, "IHDR", 4);
    put32(out + 16, w);
    put32(out + 20, h);
    out[24] = depth, out[25] = colour, out[26] = out[27] = out[28] = 0;
    put32(out + 29, crc32_png(out + 12, 17));
    return 33;
}

Test(image_bad_input, absurd_dimensions_are_refused_before_allocation)
{
    unsigned char b[33];
    img_image im;
    cr_assert_eq(img_read_png_mem(b, forged_png(b, 100000, 100000, 8, 0), &im), MC_E_TOO_LARGE);
    cr_assert_eq(img_read_png_mem(b, forged_png(b, 65535, 2, 8, 0), &im), MC_E_TRUNCATED);
    /* 60000 x 60000 RGBA 16-bit: each side is allowed, the 28.8 GB total is not. */
    cr_assert_eq(img_read_png_mem(b, forged_png(b, 60000, 60000, 16, 6), &im), MC_E_TOO_LARGE,
                 "%s", mc_errmsg(MC_E_TOO_LARGE));
    cr_assert_eq(img_read_png_mem(b, forged_png(b, 0, 7, 8, 0), &im), MC_E_FORMAT);
    cr_assert_eq(img_read_png_mem(b, forged_png(b, 7, 7, 3, 0), &im), MC_E_FORMAT); /* bad depth */
}

Test(image_bad_input, text_and_empty_files_are_not_images)
{
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/notes.png", tmpdir);
    const char *text = "this is a text file, not an image\n";
    cr_assert_eq(mc_write_file(path, text, strlen(text), 0600, 0), MC_OK);
    img_image im;
    cr_assert_eq(img_read(path, &im), MC_E_FORMAT);
    cr_assert_eq(mc_write_file(path, "", 0, 0600, 1), MC_OK);
    cr_assert_eq(img_read(path, &im), MC_E_FORMAT);
    snprintf(path, sizeof path, "%s/missing.png", tmpdir);
    cr_assert_eq(img_read(path, &im), MC_E_IO);
    remove_tmpdir();
}

Test(image_bad_input, truncated_jpeg_is_refused)
{
    size_t n;
    unsigned char *b = slurp(data_path("rgb.jpg"), &n);
    img_image im;
    for (size_t cut = 0; cut < n - 2; cut += 7) {
        mc_err e = img_read_jpeg_mem(b, cut, &im);
        cr_assert_neq(e, MC_OK, "cut at %zu of %zu decoded", cut, n);
        cr_assert_null(im.data);
    }
    /* Cut inside the entropy-coded data: libjpeg's "premature end". */
    cr_assert_eq(img_read_jpeg_mem(b, n - 200, &im), MC_E_TRUNCATED, "%s", mc_errmsg(MC_E_TRUNCATED));
    free(b);
}

Test(image_bad_input, corrupted_jpeg_never_crashes)
{
    size_t n;
    unsigned char *b = slurp(data_path("rgb_progressive.jpg"), &n);
    for (size_t i = 0; i < n; i += 3) {
        b[i] ^= 0x5A;
        img_image im;
        mc_err e = img_read_jpeg_mem(b, n, &im);
        if (e == MC_OK) img_free(&im); /* flips in quantised coefficients may decode */
        else cr_assert_null(im.data);
        b[i] ^= 0x5A;
    }
    free(b);
}

/* A 16x8 CMYK JPEG made with libjpeg's encoder (cjpeg cannot write CMYK). */
#include <jpeglib.h>

Test(image_bad_input, cmyk_jpeg_is_unsupported)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *buf = NULL;
    unsigned long n = 0;
    jpeg_mem_dest(&c, &buf, &n);
    c.image_width = 16, c.image_height = 8, c.input_components = 4, c.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_start_compress(&c, TRUE);
    unsigned char line[16 * 4];
    for (int i = 0; i < 64; i++) line[i] = (unsigned char)(i * 4);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = line;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    img_image im;
    cr_assert_eq(img_read_jpeg_mem(buf, n, &im), MC_E_UNSUPPORTED, "%s", mc_errmsg(MC_E_UNSUPPORTED));
    cr_assert_null(im.data);
    free(buf);
}
