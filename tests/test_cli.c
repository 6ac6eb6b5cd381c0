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
