/* The medchaos command, end to end: round trips, batches, OpenSSL unwrapping
 * our envelope's key, and every failure with its documented exit status
 * (docs/medchaos.1) and no output left behind. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/gcm.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "image/io.h"
#include "keynet/train.h"
#include "pipeline/bytes.h"
#include "pipeline/pipeline.h"
#include "util/file.h"

#include "scratch.h"

static char keys[1024], bin[1024];

static void setup(void)
{
    const char *src = getenv("MC_SRCDIR"), *build = getenv("MC_BUILDDIR");
    cr_assert(src && build, "MC_SRCDIR and MC_BUILDDIR must be set");
    snprintf(keys, sizeof keys, "%s/tests/data/keys", src);
    snprintf(bin, sizeof bin, "%s/medchaos", build);
    scratch_make("cli");
}

static void teardown(void) { scratch_remove(); }

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 120);

#define mc scratch_mc

static int exists(const char *name) { return access(scratch_path(name), F_OK) == 0; }

static void same_pixels(const char *a, const char *b)
{
    img_image x, y;
    cr_assert_eq(img_read(scratch_path(a), &x), MC_OK);
    cr_assert_eq(img_read(scratch_path(b), &y), MC_OK);
    cr_assert(x.width == y.width && x.height == y.height && x.channels == y.channels && x.depth == y.depth);
    cr_assert_eq(memcmp(x.data, y.data, img_size_bytes(&x)), 0, "%s and %s differ", a, b);
    img_free(&x);
    img_free(&y);
}

static void file_hash(const char *name, uint8_t out[32])
{
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path(name), 1 << 28, &buf, &n), MC_OK);
    sha256(buf, n, out);
    free(buf);
}

#define DT "--datetime '2007:02:19 12:51:57'"

Test(cli, help_and_version)
{
    cr_assert_eq(mc("--version"), 0);
    cr_assert_eq(mc("--help"), 0);
    const char *cmds[] = {"encrypt", "decrypt", "inspect", "keygen", "analyze", "meta", "train", "params", "nist", "nn"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) cr_assert_eq(mc("%s --help", cmds[i]), 0, "%s --help", cmds[i]);
    cr_assert_eq(mc("no-such-command"), 2);
}

Test(cli, encrypt_decrypt_round_trip_teacher_and_manual)
{
    scratch_random_png("p.png", 37, 29, 3, 8);
    scratch_random_png("q.png", 20, 11, 1, 16);
    cr_assert_eq(mc("encrypt --teacher --map logistic " DT " --pubkey %s/a2048.pub.pem p.png -o c.png", keys), 0);
    cr_assert(exists("c.png") && exists("c.png.key"));
    struct stat st;
    cr_assert_eq(stat(scratch_path("c.png.key"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "envelope must be private");
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o d.png", keys), 0);
    same_pixels("p.png", "d.png");
    cr_assert_eq(mc("encrypt --params 1,2,25 --map lorenz --compact --aes 256 --pubkey %s/a2048.pub.pem q.png -o c2.png", keys), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c2.png -o d2.png", keys), 0);
    same_pixels("q.png", "d2.png");
    cr_assert_eq(mc("encrypt --hardened --teacher --map lorenz " DT " --pubkey %s/a2048.pub.pem q.png -o c3.png", keys), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c3.png -o d3.png", keys), 0);
    same_pixels("q.png", "d3.png");
    cr_assert_eq(mc("inspect c3.png.key"), 0);
}

Test(cli, batch_directory)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    scratch_random_png("in/a.png", 10, 12, 1, 8);
    scratch_random_png("in/b.png", 7, 3, 4, 16);
    scratch_random_png("in/c.png", 1, 1, 2, 8);
    cr_assert_eq(mkdir(scratch_path("enc"), 0755), 0);
    cr_assert_eq(mkdir(scratch_path("dec"), 0755), 0);
    cr_assert_eq(mc("encrypt --teacher " DT " --allow-key-reuse --pubkey %s/a2048.pub.pem in -O enc -j 2", keys), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem enc -O dec", keys), 0);
    same_pixels("in/a.png", "dec/a.png");
    same_pixels("in/b.png", "dec/b.png");
    same_pixels("in/c.png", "dec/c.png");
}

Test(cli, failures_have_their_exit_codes_and_leave_no_output)
{
    scratch_random_png("p.png", 16, 16, 1, 8);
    uint8_t before[32], after[32];
    file_hash("p.png", before);
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem p.png -o c.png", keys), 0);
    /* missing input: I/O error (4) */
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem nope.png -o x.png", keys), 4);
    cr_assert(!exists("x.png") && !exists("x.png.key"));
    /* not an image: malformed (5) */
    FILE *f = fopen(scratch_path("text.png"), "w");
    fputs("hello, not a png\n", f);
    fclose(f);
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem text.png -o x.png", keys), 5);
    cr_assert(!exists("x.png") && !exists("x.png.key"));
    /* no metadata and no --datetime: 15 */
    cr_assert_eq(mc("encrypt --teacher --pubkey %s/a2048.pub.pem p.png -o x.png", keys), 15);
    /* RSA key under 2048 bits: 10 */
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/small1024.pub.pem p.png -o x.png", keys), 10);
    /* existing output without --force: 12, and the existing file is untouched */
    uint8_t c_before[32], c_after[32];
    file_hash("c.png", c_before);
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem p.png -o c.png", keys), 12);
    file_hash("c.png", c_after);
    cr_assert_eq(memcmp(c_before, c_after, 32), 0);
    /* wrong private key: 10 */
    cr_assert_eq(mc("decrypt --key %s/b2048.pem c.png -o d.png", keys), 10);
    cr_assert(!exists("d.png"));
    /* unwritable output directory: 4 */
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o /nonexistent/d.png", keys), 4);
    /* truncated envelope: 6 */
    unsigned char *env;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path("c.png.key"), 1 << 20, &env, &n), MC_OK);
    cr_assert_eq(mc_write_file(scratch_path("t.png.key"), env, n - 10, 0600, 1), MC_OK);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", scratch_path("c.png"), scratch_path("t.png"));
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem t.png -o d.png", keys), 6);
    cr_assert(!exists("d.png"));
    /* unknown version: 13 */
    env[9] = 9;
    cr_assert_eq(mc_write_file(scratch_path("t.png.key"), env, n, 0600, 1), MC_OK);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem t.png -o d.png", keys), 13);
    env[9] = 1;
    /* tampered cipher image: authentication (9) */
    img_image c;
    cr_assert_eq(img_read(scratch_path("c.png"), &c), MC_OK);
    c.data[7] ^= 0x40;
    cr_assert_eq(img_write_png(scratch_path("t.png"), &c, 1), MC_OK);
    img_free(&c);
    cr_assert_eq(mc_write_file(scratch_path("t.png.key"), env, n, 0600, 1), MC_OK);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem t.png -o d.png", keys), 9);
    cr_assert(!exists("d.png"));
    /* image and envelope of different geometry: 14 */
    scratch_random_png("other.png", 8, 8, 1, 8);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem --envelope c.png.key other.png -o d.png", keys), 14);
    cr_assert(!exists("d.png"));
    free(env);
    /* the input was never modified, and no temporary file was left anywhere */
    file_hash("p.png", after);
    cr_assert_eq(memcmp(before, after, 32), 0);
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '^\\.[^.]'", scratch_dir);
    cr_assert_neq(system(cmd), 0, "a temporary file was left behind");
}

Test(cli, openssl_unwraps_the_envelope_key)
{
    const char *openssl = getenv("OPENSSL");
    if (!openssl || !*openssl) cr_skip_test("openssl command not installed");
    scratch_random_png("p.png", 9, 9, 1, 8);
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem p.png -o c.png", keys), 0);
    unsigned char *env;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path("c.png.key"), 1 << 20, &env, &n), MC_OK);
    /* docs/FORMAT.md §1: header, then the wrapped key, IV, length, ciphertext, tag. */
    size_t off = 12 + be16_get(env + 10), wl = be16_get(env + off);
    cr_assert_eq(wl, 256);
    cr_assert_eq(mc_write_file(scratch_path("wrapped.bin"), env + off + 2, wl, 0600, 1), MC_OK);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s' pkeyutl -decrypt -inkey '%s/a2048.pem' -in '%s' -out '%s' -pkeyopt rsa_padding_mode:oaep "
             "-pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 2>/dev/null",
             openssl, keys, scratch_path("wrapped.bin"), scratch_path("aes.key"));
    cr_assert_eq(system(cmd), 0, "openssl could not unwrap the AES key");
    unsigned char *key;
    size_t klen;
    cr_assert_eq(mc_read_file(scratch_path("aes.key"), 64, &key, &klen), MC_OK);
    cr_assert_eq(klen, 16, "AES-128 by default");
    /* The key OpenSSL recovered must open the GCM part (§4 associated data). */
    const uint8_t *iv = env + off + 2 + wl;
    size_t prefix = off + 2 + wl + 12 + 8, pl = (size_t)be64_get(iv + 12);
    img_image c;
    cr_assert_eq(img_read(scratch_path("c.png"), &c), MC_OK);
    uint8_t *aad = malloc(prefix + 32), *plain = malloc(pl);
    memcpy(aad, env, prefix);
    pipe_image_hash(&c, aad + prefix);
    cr_assert_eq(gcm_decrypt(key, klen, iv, 12, aad, prefix + 32, env + prefix, pl, env + prefix + pl, plain), MC_OK);
    cr_assert_eq(plain[0], 1, "key material starts with the map (logistic = 1)");
    img_free(&c);
    free(aad);
    free(plain);
    free(key);
    free(env);
}

Test(cli, round_trip_with_each_of_the_four_key_networks)
{
    /* Tiny seeded networks stand in for trained ones: the command must read the
     * architecture and map from the weights, record them in the envelope, and
     * decrypt without the network. */
    static const struct { nn_arch arch; chaos_map map; const char *name; } v[4] = {
        {NN_RESNET18, CHAOS_LOGISTIC, "resnet18"}, {NN_MOBILENETV2, CHAOS_LOGISTIC, "mobilenetv2"},
        {NN_RESNET18, CHAOS_LORENZ, "resnet18"},   {NN_MOBILENETV2, CHAOS_LORENZ, "mobilenetv2"}};
    scratch_random_png("p.png", 33, 17, 3, 8);
    for (int k = 0; k < 4; k++) {
        nn_model *m;
        char model[64], out[64], dec[64];
        snprintf(model, sizeof model, "net%d.safetensors", k);
        cr_assert_eq(nn_model_new(&m, v[k].arch, keynet_outputs(v[k].map), 11 + k), MC_OK);
        cr_assert_eq(keynet_save(m, v[k].map, KEYNET_TEACHER_HASH, 32, 0, scratch_path(model), 0), MC_OK);
        nn_model_free(m);
        const char *map = v[k].map == CHAOS_LOGISTIC ? "logistic" : "lorenz";
        snprintf(out, sizeof out, "c%d.png", k);
        snprintf(dec, sizeof dec, "d%d.png", k);
        cr_assert_eq(mc("encrypt --model %s --map %s " DT " --pubkey %s/a2048.pub.pem p.png -o %s %s", model, map, keys,
                        out, k % 2 ? "--compact" : ""), 0, "variant %d", k);
        cr_assert_eq(mc("decrypt --key %s/a2048.pem %s -o %s", keys, out, dec), 0);
        same_pixels("p.png", dec);
        char key[80];
        snprintf(key, sizeof key, "%s.key", out);
        cr_assert_eq(mc("inspect %s", key), 0);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "grep -q 'model:      %s' '%s/out'", v[k].name, scratch_dir);
        cr_assert_eq(system(cmd), 0, "inspect does not name the network %s", v[k].name);
        cr_assert_eq(mc("params --model %s " DT " p.png", model), 0);
        /* The wrong map for the network is refused (exit 14, inputs that do not belong together). */
        cr_assert_eq(mc("encrypt --model %s --map %s " DT " --pubkey %s/a2048.pub.pem p.png -o x.png", model,
                        v[k].map == CHAOS_LOGISTIC ? "lorenz" : "logistic", keys), 14);
        cr_assert(!exists("x.png"));
    }
}

Test(cli, a_full_disk_is_an_io_error_and_leaves_nothing)
{
    /* A file-size limit makes every write past 8 KiB fail (EFBIG, with SIGXFSZ
     * ignored), as a full disk does: exit 4 and no output, cipher or key. */
    scratch_random_png("big.png", 300, 300, 3, 8);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && bash -c \"trap '' XFSZ; ulimit -f 8; exec '%s' encrypt --teacher " DT
             " --pubkey %s/a2048.pub.pem big.png -o c.png\" >out 2>err",
             scratch_dir, bin, keys);
    int st = system(cmd);
    cr_assert(WIFEXITED(st));
    cr_assert_eq(WEXITSTATUS(st), 4, "exit %d", WEXITSTATUS(st));
    cr_assert(!exists("c.png") && !exists("c.png.key"));
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '^\\.[^.]'", scratch_dir);
    cr_assert_neq(system(cmd), 0, "a temporary file was left behind");
    snprintf(cmd, sizeof cmd, "grep -q 'c.png' '%s/err'", scratch_dir);
    cr_assert_eq(system(cmd), 0, "the message must name the file");
}

/* ---- what the envelope keeps and protects (docs/FORMAT.md §2, §3.2) ---- */

/* A PNG's chunks other than IDAT, IHDR without its interlace byte (decryption
 * writes non-interlaced PNGs), in file order, as one comparable byte string. */
static unsigned char *chunk_list(const char *path, size_t *len)
{
    unsigned char *b;
    size_t n;
    cr_assert_eq(mc_read_file(path, 1 << 24, &b, &n), MC_OK, "%s", path);
    unsigned char *out = malloc(n + 1);
    size_t k = 0;
    for (size_t pos = 8; pos + 12 <= n;) {
        size_t len = be32_get(b + pos);
        cr_assert_leq(len, n - pos - 12, "%s: chunk overruns the file", path);
        const unsigned char *t = b + pos + 4;
        if (memcmp(t, "IDAT", 4)) {
            size_t keep = memcmp(t, "IHDR", 4) ? len : 12;
            memcpy(out + k, t, 4 + keep);
            k += 4 + keep;
        }
        pos += 12 + len;
    }
    free(b);
    *len = k;
    return out;
}

static void same_chunks(const char *orig, const char *back)
{
    size_t a, b;
    unsigned char *x = chunk_list(orig, &a), *y = chunk_list(back, &b);
    cr_expect(a == b && memcmp(x, y, a) == 0, "%s and %s do not have the same chunks in the same order", orig, back);
    free(x);
    free(y);
}

/* The source tree's file REL, as an absolute path. */
static const char *src_file(const char *rel)
{
    static char p[2][1024];
    static int k;
    k ^= 1;
    snprintf(p[k], sizeof p[k], "%s/%s", getenv("MC_SRCDIR"), rel);
    return p[k];
}

static void same_pixels_as(const char *orig, const char *back)
{
    img_image x, y;
    cr_assert_eq(img_read(orig, &x), MC_OK);
    cr_assert_eq(img_read(scratch_path(back), &y), MC_OK);
    cr_assert(x.width == y.width && x.height == y.height && x.channels == y.channels && x.depth == y.depth,
              "%s: layout changed", back);
    cr_expect_eq(memcmp(x.data, y.data, img_size_bytes(&x)), 0, "%s: pixels differ from %s", back, orig);
    img_free(&x);
    img_free(&y);
}

static int file_contains(const char *path, size_t from, size_t to, const char *needle)
{
    unsigned char *b;
    size_t n, k = strlen(needle);
    cr_assert_eq(mc_read_file(path, 1 << 24, &b, &n), MC_OK);
    if (to > n) to = n;
    int found = 0;
    for (size_t i = from; i + k <= to && !found; i++) found = !memcmp(b + i, needle, k);
    free(b);
    return found;
}

Test(cli, envelope_header_has_no_identifying_fields)
{
    scratch_random_png("p.png", 12, 10, 1, 8);
    cr_assert_eq(mc("meta set p.png -o m.png --datetime '2004:08:26 10:11:12' --uid 1.2.840.113619.2.55 "
                    "--text DICOM:StudyDate=20040826"), 0);
    cr_assert_eq(mc("encrypt --teacher --pubkey %s/a2048.pub.pem m.png -o c.png", keys), 0);
    unsigned char *env;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path("c.png.key"), 1 << 20, &env, &n), MC_OK);
    cr_expect_eq(be16_get(env + 8), 2, "envelope format version 2");
    size_t clear = 12 + be16_get(env + 10);
    cr_expect_eq(be16_get(env + clear - 2), 0, "the clear header's metadata field is empty");
    free(env);
    /* Neither the date (any spelling), nor the UID, nor the canonical string is in the clear. */
    const char *phi[] = {"2004", "20040826", "1.2.840.113619.2.55", "medchaos-meta", "10:11:12", "10111"};
    for (size_t i = 0; i < sizeof phi / sizeof *phi; i++)
        cr_expect(!file_contains(scratch_path("c.png.key"), 0, clear, phi[i]), "'%s' in the clear header", phi[i]);
    cr_expect(!file_contains(scratch_path("c.png"), 0, 1 << 24, "2004"), "metadata in the cipher image");
    cr_assert_eq(mc("inspect c.png.key"), 0);
    cr_expect(file_contains(scratch_path("out"), 0, 1 << 20, "metadata:   sealed"), "inspect says it is sealed");
    cr_expect(!file_contains(scratch_path("out"), 0, 1 << 20, "2004"), "inspect shows the date");
    /* The sealed metadata still decides the key (same parameters as meta show's). */
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o d.png", keys), 0);
    same_pixels("m.png", "d.png");
    cr_assert_eq(mc("meta show d.png --canonical"), 0);
    cr_expect(file_contains(scratch_path("out"), 0, 1 << 20, "uid=1.2.840.113619.2.55"), "decrypted metadata");
}

Test(cli, old_envelope_version_still_opens)
{
    /* Version 1 envelopes (metadata in the clear), written by the previous
     * release: tests/data/envelope_v1/README.md. Both decrypt to their source
     * images' pixels bit for bit. */
    const char *cases[][2] = {{"paper_full.png", "tests/data/image/gray2.png"},
                              {"hardened_compact.png", "tests/data/image/rgb8_interlaced.png"}};
    for (int i = 0; i < 2; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/data/envelope_v1/%s", cases[i][0]);
        cr_assert_eq(mc("decrypt --key %s/a2048.pem '%s' -o v1_%d.png", keys, src_file(rel), i), 0, "%s", cases[i][0]);
        char out[32];
        snprintf(out, sizeof out, "v1_%d.png", i);
        same_pixels_as(src_file(cases[i][1]), out);
        snprintf(rel, sizeof rel, "tests/data/envelope_v1/%s.key", cases[i][0]);
        cr_assert_eq(mc("inspect '%s'", src_file(rel)), 0);
        cr_expect(file_contains(scratch_path("out"), 0, 1 << 20, "version 1"));
        cr_expect(file_contains(scratch_path("out"), 0, 1 << 20, "(in the clear: version 1)"));
    }
}

Test(cli, round_trip_restores_png_text_chunks)
{
    /* tEXt, zTXt, iTXt before and after IDAT, and an eXIf (fuzz/make_corpus.py). */
    const char *files[] = {"fuzz/corpus/pngtext/text_before_idat.png", "fuzz/corpus/pngtext/text_after_idat.png",
                           "fuzz/corpus/pngtext/exif_and_text.png"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(mc("encrypt --teacher --pubkey %s/a2048.pub.pem '%s' -o c%d.png --force", keys, src_file(files[i]), i), 0);
        cr_assert_eq(mc("decrypt --key %s/a2048.pem c%d.png -o d%d.png", keys, i, i), 0);
        char d[16];
        snprintf(d, sizeof d, "d%d.png", i);
        same_chunks(src_file(files[i]), scratch_path(d));
        same_pixels_as(src_file(files[i]), d);
    }
}

Test(cli, low_bit_depth_palette_and_trns_pngs_round_trip_exactly)
{
    const char *files[] = {"gray1.png", "gray2.png", "gray4.png", "palette.png", "palette_trns.png",
                           "rgba16_interlaced.png", "graya16.png"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char rel[64], d[32];
        snprintf(rel, sizeof rel, "tests/data/image/%s", files[i]);
        snprintf(d, sizeof d, "d_%s", files[i]);
        cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem '%s' -o c.png --force", keys, src_file(rel)), 0);
        cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o %s", keys, d), 0, "%s", files[i]);
        /* Same IHDR (depth, colour type), PLTE, tRNS and every other chunk, and
         * the same samples: with a duplicate-free palette, the same indices. */
        same_chunks(src_file(rel), scratch_path(d));
        same_pixels_as(src_file(rel), d);
    }
}

/* One PNG chunk: length, type, data, CRC-32 over type and data (PNG 3rd ed.
 * §5.5, the reflected polynomial 0xEDB88320, bit by bit). */
static size_t put_chunk(unsigned char *p, const char *type, const char *data, uint32_t len)
{
    be32_put(p, len);
    memcpy(p + 4, type, 4);
    memcpy(p + 8, data, len);
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < 4 + len; i++) {
        crc ^= p[4 + i];
        for (int b = 0; b < 8; b++) crc = crc >> 1 ^ (0xedb88320u & (0u - (crc & 1)));
    }
    be32_put(p + 8 + len, crc ^ 0xffffffffu);
    return 12 + len;
}

Test(cli, palette_with_a_repeated_colour_is_refused)
{
    /* A 2×1 palette PNG whose two entries are both black (PNG 3rd ed. §5.3
     * chunks; the IDAT is a stored zlib block of the one filtered row 00 00 01). */
    unsigned char png[8 + 25 + 18 + 26 + 12];
    size_t n = 0;
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    n = 8;
    n += put_chunk(png + n, "IHDR", "\0\0\0\2\0\0\0\1\x08\x03\0\0\0", 13);
    n += put_chunk(png + n, "PLTE", "\0\0\0\0\0\0", 6);
    n += put_chunk(png + n, "IDAT", "\x78\x01\x01\x03\x00\xfc\xff\x00\x00\x01\x00\x04\x00\x02", 14);
    n += put_chunk(png + n, "IEND", "", 0);
    cr_assert_eq(mc_write_file(scratch_path("dup.png"), png, n, 0644, 1), MC_OK);
    img_image im;
    cr_assert_eq(img_read(scratch_path("dup.png"), &im), MC_OK, "fixture must be a valid PNG: %s", mc_errmsg(MC_E_FORMAT));
    img_free(&im);
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem dup.png -o c.png", keys), MC_E_UNSUPPORTED + 1);
    cr_expect(file_contains(scratch_path("err"), 0, 1 << 20, "same colour"));
    cr_expect(!exists("c.png") && !exists("c.png.key"));
}

Test(cli, jpeg_exif_comes_back_as_a_png_exif_chunk)
{
    const char *jpg = src_file("fuzz/corpus/exif/gray_exif.jpg");
    cr_assert_eq(mc("encrypt --teacher --pubkey %s/a2048.pub.pem '%s' -o c.png", keys, jpg), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o d.png", keys), 0);
    same_pixels_as(jpg, "d.png");
    cr_assert_eq(mc("meta show d.png"), 0);
    cr_expect(file_contains(scratch_path("out"), 0, 1 << 20, "PNG eXIf DateTimeOriginal"), "EXIF restored");
}

Test(cli, wrong_passphrase_refused)
{
    scratch_random_png("p.png", 5, 4, 3, 8);
    char key[1024], pw[1024]; /* src_file's buffers are reused */
    snprintf(pw, sizeof pw, "%s", src_file("tests/vectors/pem/passphrase.txt"));
    snprintf(key, sizeof key, "%s", src_file("tests/vectors/pem/openssl_2048_pbes2_aes256.pem"));
    const char *pub = src_file("tests/vectors/pem/openssl_2048.pub.pem");
    cr_assert_eq(mc("encrypt --teacher " DT " --pubkey '%s' p.png -o c.png", pub), 0);
    cr_assert_eq(mc("decrypt --key '%s' --passphrase-file '%s' c.png -o d.png", key, pw), 0);
    same_pixels("p.png", "d.png");
    cr_assert_eq(mc_write_file(scratch_path("bad.txt"), "not it\n", 7, 0600, 1), MC_OK);
    cr_expect_eq(mc("decrypt --key '%s' --passphrase-file bad.txt c.png -o e.png", key), MC_E_AUTH + 1);
    cr_expect(file_contains(scratch_path("err"), 0, 1 << 20, "wrong passphrase"));
    cr_expect_eq(mc("decrypt --key '%s' c.png -o e.png", key), MC_E_KEY + 1, "no passphrase given");
    cr_expect(!exists("e.png"));
}

Test(cli, passphrase_file_given_twice_is_refused)
{
    /* Like --key (the repeated-option rule of the man page). */
    cr_expect_eq(mc("decrypt --key %s/a2048.pem --passphrase-file x --passphrase-file y c.png -o d.png", keys), 2);
    cr_expect(file_contains(scratch_path("err"), 0, 1 << 20, "--passphrase-file given twice"));
    cr_expect_eq(mc("keygen --passphrase-file x --passphrase-file y -o a"), 2);
    cr_expect(!exists("a.pem") && !exists("a.pub.pem"));
}

Test(cli, an_empty_directory_is_a_usage_error_without_undefined_behaviour)
{
    /* fuzz/fuzz_cli.c found qsort(NULL + 0, 0, ...) for a directory without
     * images (UBSan: applying zero offset to null pointer, src/cli/batch.c). */
    cr_assert_eq(mkdir(scratch_path("empty"), 0755), 0);
    cr_expect_eq(mc("encrypt --teacher " DT " --pubkey %s/a2048.pub.pem empty -O out", keys), 2);
    cr_expect(file_contains(scratch_path("err"), 0, 1 << 20, "no input images"));
    cr_expect(!file_contains(scratch_path("err"), 0, 1 << 20, "runtime error"), "undefined behaviour reported");
    cr_expect_eq(mc("decrypt --key %s/a2048.pem empty -O out", keys), 2);
    cr_expect(!file_contains(scratch_path("err"), 0, 1 << 20, "runtime error"), "undefined behaviour reported");
}
