/* The file layer, command by command (issue 16): safe writes (no output
 * replaces an input, a failed replacement keeps the old files, a group stopped
 * between its renames is completed by the next run, temporaries never stay),
 * the resource limits (tiny files that declare huge sizes, non-regular
 * inputs), weights checked against the model before loading, and batches
 * checked before any work. Each test runs the medchaos program or the
 * util/safefile.h calls it is built on. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto/sha256.h"
#include "image/io.h"
#include "keynet/train.h"
#include "util/file.h"
#include "util/limits.h"
#include "util/safefile.h"

#include "scratch.h"

static char keys[1024];

static void setup(void)
{
    const char *src = getenv("MC_SRCDIR");
    cr_assert(src, "MC_SRCDIR must be set");
    snprintf(keys, sizeof keys, "%s/tests/data/keys", src);
    scratch_make("files");
}

static void teardown(void) { scratch_remove(); }

TestSuite(files, .init = setup, .fini = teardown, .timeout = 120);

#define mc scratch_mc
#define DT "--datetime '2007:02:19 12:51:57'"
/* One --datetime for several images is key reuse: these tests are about files, not keys. */
#define ENC "encrypt --teacher " DT " --allow-key-reuse --pubkey %s/a2048.pub.pem "

static int exists(const char *name) { return access(scratch_path(name), F_OK) == 0; }

static void hash_of(const char *name, uint8_t out[32])
{
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path(name), 1 << 28, &buf, &n), MC_OK, "%s", name);
    sha256(buf, n, out);
    free(buf);
}

static int same_hash(const uint8_t a[32], const char *name)
{
    uint8_t b[32];
    hash_of(name, b);
    return !memcmp(a, b, 32);
}

/* Does stderr of the last command hold this text? */
static int err_says(const char *text)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "grep -qF -- '%s' '%s/err'", text, scratch_dir);
    return system(cmd) == 0;
}

/* No temporary or journal of the safe writes anywhere under the scratch directory. */
static int no_leftovers(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.mctmp.*' -o -name '*.mcgroup.*' | grep -q .", scratch_dir);
    return system(cmd) != 0;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void write_bytes(const char *name, const void *p, size_t n)
{
    FILE *f = fopen(scratch_path(name), "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

/* A PNG chunk with its CRC (ISO/IEC 15948 §5.3), length as declared. */
static size_t put_chunk(uint8_t *p, const char *type, const uint8_t *data, uint32_t len, uint32_t declared)
{
    uint8_t *q = p;
    for (int i = 3; i >= 0; i--) *q++ = (uint8_t)(declared >> (8 * i));
    memcpy(q, type, 4);
    memcpy(q + 4, data, len);
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < 4 + (size_t)len; i++) {
        crc ^= q[i];
        for (int k = 0; k < 8; k++) crc = crc >> 1 ^ (0xEDB88320u & -(crc & 1));
    }
    crc ^= 0xFFFFFFFFu;
    q += 4 + len;
    for (int i = 3; i >= 0; i--) *q++ = (uint8_t)(crc >> (8 * i));
    return (size_t)(q - p);
}

/* The first 8 + 25 bytes of a PNG: signature and IHDR for w×h 8-bit gray. */
static size_t put_header(uint8_t *p, uint32_t w, uint32_t h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    memcpy(p, sig, 8);
    uint8_t ihdr[13] = {(uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w,
                        (uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)h, 8, 0, 0, 0, 0};
    return 8 + put_chunk(p + 8, "IHDR", ihdr, 13, 13);
}

/* ---- no output replaces an input ---- */

Test(files, encrypt_refuses_output_equal_to_input)
{
    scratch_random_png("p.png", 16, 16, 1, 8);
    uint8_t h[32];
    hash_of("p.png", h);
    cr_assert_eq(mc(ENC "p.png -o p.png", keys), 2);
    cr_assert_eq(mc(ENC "p.png -o p.png --force", keys), 2);
    cr_assert(err_says("also an input"));
    /* through a hard link, and through -O onto the input's own directory */
    cr_assert_eq(link(scratch_path("p.png"), scratch_path("l.png")), 0);
    cr_assert_eq(mc(ENC "p.png -o l.png --force", keys), 2);
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    scratch_random_png("in/a.png", 8, 8, 1, 8);
    uint8_t ha[32];
    hash_of("in/a.png", ha);
    cr_assert_eq(mc(ENC "in -O in --force", keys), 2);
    cr_assert_eq(mc(ENC "in -O ./in/../in --force", keys), 2);
    cr_assert(same_hash(h, "p.png") && same_hash(ha, "in/a.png"));
    cr_assert(!exists("p.png.key") && !exists("in/a.png.key"));
    /* nor the public key or the network it reads */
    cr_assert_eq(mc(ENC "p.png -o %s/a2048.pub.pem --force", keys, keys), 2);
    cr_assert(no_leftovers());
}

Test(files, decrypt_refuses_to_write_over_its_envelope)
{
    scratch_random_png("p.png", 12, 9, 3, 8);
    cr_assert_eq(mc(ENC "p.png -o c.png", keys), 0);
    uint8_t h[32];
    hash_of("c.png.key", h);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o c.png.key --force", keys), 2);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o c.png --force", keys), 2);
    cr_assert(same_hash(h, "c.png.key"));
    cr_assert_eq(mc("decrypt --key %s/a2048.pem c.png -o d.png", keys), 0);
}

Test(files, meta_set_refuses_output_equal_to_input_through_a_symlink)
{
    scratch_random_png("p.png", 8, 8, 1, 8);
    cr_assert_eq(symlink("p.png", scratch_path("s.png")), 0);
    uint8_t h[32];
    hash_of("p.png", h);
    cr_assert_eq(mc("meta set p.png -o s.png " DT " --force"), 2);
    cr_assert(same_hash(h, "p.png"));
}

Test(files, meta_set_write_errors_name_the_output)
{
    scratch_random_png("p.png", 8, 8, 1, 8);
    cr_assert_eq(mc("meta set p.png -o nodir/m.png " DT), 4);
    cr_assert(err_says("medchaos: nodir/m.png:"), "the error must name the output, not the input");
    cr_assert_eq(mc("meta set p.png -o m.png " DT), 0);
    cr_assert_eq(mc("meta set p.png -o m.png " DT), 12);
    cr_assert(err_says("medchaos: m.png:"));
}

Test(files, train_refuses_output_among_its_data)
{
    cr_assert_eq(mkdir(scratch_path("data"), 0755), 0);
    scratch_random_png("data/a.png", 8, 8, 1, 8);
    cr_assert_eq(mc("meta set data/a.png -o data/b.png " DT), 0);
    FILE *f = fopen(scratch_path("list"), "w");
    fputs("data/b.png\n", f);
    fclose(f);
    uint8_t h[32];
    hash_of("data/b.png", h);
    double t0 = seconds();
    cr_assert_eq(mc("train --arch resnet18 --size 32 --epochs 1 --samples 8 --batch 2 --data list -o data/b.png --force"), 2);
    cr_assert_eq(mc("train --arch resnet18 --size 32 --epochs 1 --samples 8 --batch 2 --data list -o list --force"), 2);
    cr_assert_lt(seconds() - t0, 20, "refused only after training");
    cr_assert(same_hash(h, "data/b.png"));
}

/* ---- a failed replacement keeps the old files ---- */

Test(files, replaced_key_survives_failed_write)
{
    cr_assert_eq(mc("keygen -o k"), 0);
    uint8_t hp[32], hq[32];
    hash_of("k.pem", hp);
    hash_of("k.pub.pem", hq);
    /* 2 KiB per file: the private key (about 2.4 KB) cannot be written, the
     * public one (about 0.6 KB) could be; neither old file may be lost. */
    int st = scratch_sh("ulimit -f 2; exec '%s/medchaos' keygen -o k --force", getenv("MC_BUILDDIR"));
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 4, "exit status %d", st);
    cr_assert(same_hash(hp, "k.pem") && same_hash(hq, "k.pub.pem"));
    cr_assert(no_leftovers());
}

Test(files, replaced_cipher_pair_survives_failed_write)
{
    /* A random image: its cipher PNG and its envelope are both about 40 KB,
     * in sizes that differ; the limit lets the smaller through only. */
    scratch_random_png("p.png", 200, 200, 1, 8);
    cr_assert_eq(mc(ENC "p.png -o c.png", keys), 0);
    struct stat a, b;
    cr_assert_eq(stat(scratch_path("c.png"), &a), 0);
    cr_assert_eq(stat(scratch_path("c.png.key"), &b), 0);
    long lo = a.st_size < b.st_size ? a.st_size : b.st_size, hi = a.st_size ^ b.st_size ^ lo;
    long blocks = (lo + 1023) / 1024;
    cr_assert_lt(blocks * 1024, hi, "sizes %ld and %ld too close for this test", lo, hi);
    uint8_t hc[32], hk[32];
    hash_of("c.png", hc);
    hash_of("c.png.key", hk);
    int st = scratch_sh("ulimit -f %ld; exec '%s/medchaos' " ENC "p.png -o c.png --force", blocks,
                        getenv("MC_BUILDDIR"), keys);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 4, "exit status %d", st);
    cr_assert(same_hash(hc, "c.png") && same_hash(hk, "c.png.key"), "the old pair was changed");
    cr_assert(no_leftovers());
}

Test(files, file_size_limit_is_an_error_not_a_signal)
{
    /* No `trap '' XFSZ` here: medchaos itself must turn SIGXFSZ into EFBIG. */
    scratch_random_png("p.png", 300, 300, 3, 8);
    int st = scratch_sh("ulimit -f 8; exec '%s/medchaos' " ENC "p.png -o c.png", getenv("MC_BUILDDIR"), keys);
    cr_assert(WIFEXITED(st), "killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    cr_assert_eq(WEXITSTATUS(st), 4);
    cr_assert(err_says("c.png") && err_says("File too large"));
    cr_assert(!exists("c.png") && !exists("c.png.key") && no_leftovers());
}

/* ---- interrupted groups ---- */

/* Turn a committed pair back into the state a run killed after writing its
 * journal and before any rename leaves (util/safefile.h): two complete
 * temporaries and the journal naming them, of a process that is gone. */
static void unrename(const char *out, long pid)
{
    char tmp[2][128], key[64], journal[160];
    snprintf(key, sizeof key, "%s.key", out);
    const char *names[2] = {out, key};
    for (int i = 0; i < 2; i++) {
        snprintf(tmp[i], sizeof tmp[i], ".%s.mctmp.%ld.Ab%dXyz", names[i], pid, i);
        cr_assert_eq(rename(scratch_path(names[i]), scratch_path(tmp[i])), 0);
    }
    snprintf(journal, sizeof journal, ".%s.mcgroup.%ld.Ab0Xyz", out, pid);
    FILE *f = fopen(scratch_path(journal), "w");
    fprintf(f, "medchaos-group 1\n%s\n%s\n%s\n%s\n", tmp[0], out, tmp[1], key);
    fclose(f);
}

/* A process id that is surely gone: a child that has exited and been reaped. */
static long dead_pid(void)
{
    pid_t p = fork();
    if (p == 0) _exit(0);
    cr_assert_gt(p, 0);
    waitpid(p, NULL, 0);
    return (long)p;
}

Test(files, kill_between_writes_leaves_a_repairable_pair)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    scratch_random_png("in/a.png", 10, 7, 1, 8);
    scratch_random_png("in/b.png", 9, 5, 3, 16);
    cr_assert_eq(mc(ENC "in/a.png -o a.png", keys), 0);
    unrename("a.png", dead_pid());
    cr_assert(!exists("a.png") && !exists("a.png.key"));
    /* The rerun completes the interrupted pair first, skips it and does the rest. */
    cr_assert_eq(mc(ENC "in -O . --skip-existing", keys), 0);
    cr_assert(err_says("completed 1 write interrupted"));
    cr_assert(err_says("1 done, 1 skipped"));
    cr_assert(no_leftovers());
    cr_assert_eq(mc("decrypt --key %s/a2048.pem a.png -o a2.png", keys), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem b.png -o b2.png", keys), 0);
}

Test(files, temporaries_of_a_dead_run_are_swept)
{
    scratch_random_png("p.png", 8, 8, 1, 8);
    long pid = dead_pid();
    char name[96];
    /* A temporary without a journal: its group never completed (partial plaintext, say). */
    snprintf(name, sizeof name, ".d.png.mctmp.%ld.Qw3rty", pid);
    write_bytes(name, "partial", 7);
    cr_assert_eq(mc(ENC "p.png -o c.png", keys), 0);
    cr_assert(!exists(name), "the dead run's temporary was kept");
    cr_assert(!exists("d.png"));
    /* A live process's temporary is left alone. */
    snprintf(name, sizeof name, ".e.png.mctmp.%ld.Qw3rty", (long)getpid());
    write_bytes(name, "busy", 4);
    cr_assert_eq(mc(ENC "p.png -o c2.png", keys), 0);
    cr_assert(exists(name));
    unlink(scratch_path(name));
}

Test(files, a_group_commits_all_or_nothing)
{
    /* The library call itself: members complete, renamed together. */
    mc_out w[2];
    cr_assert_eq(mc_out_open(&w[0], scratch_path("x"), MC_MODE_PUBLIC, 0), MC_OK);
    cr_assert_eq(mc_out_open(&w[1], scratch_path("y"), MC_MODE_SECRET, 0), MC_OK);
    fputs("x", w[0].fp);
    fputs("y", w[1].fp);
    cr_assert_eq(mc_out_commit_group(w, 2), MC_OK);
    cr_assert(exists("x") && exists("y") && no_leftovers());
    /* A group that cannot be committed (members in two directories) changes nothing. */
    uint8_t hx[32];
    hash_of("x", hx);
    cr_assert_eq(mkdir(scratch_path("sub"), 0755), 0);
    cr_assert_eq(mc_out_open(&w[0], scratch_path("x"), MC_MODE_PUBLIC, 1), MC_OK);
    cr_assert_eq(mc_out_open(&w[1], scratch_path("sub/y"), MC_MODE_SECRET, 1), MC_OK);
    fputs("new x", w[0].fp);
    cr_assert_eq(mc_out_commit_group(w, 2), MC_E_ARG);
    cr_assert(same_hash(hx, "x") && !exists("sub/y") && no_leftovers());
    /* Without force, a destination that exists refuses the whole group. */
    cr_assert_eq(mc_out_open(&w[0], scratch_path("z"), MC_MODE_PUBLIC, 0), MC_OK);
    cr_assert_eq(mc_out_open(&w[1], scratch_path("y"), MC_MODE_PUBLIC, 1), MC_OK);
    w[1].force = 0;
    cr_assert_eq(mc_out_commit_group(w, 2), MC_E_EXISTS);
    cr_assert(!exists("z") && no_leftovers());
}

Test(files, a_signal_leaves_no_temporary)
{
    /* SIGTERM lands somewhere in a batch: before, between or during writes.
     * Wherever it lands, no temporary stays, and every pair is whole. */
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    for (int i = 0; i < 12; i++) {
        char n[32];
        snprintf(n, sizeof n, "in/i%02d.png", i);
        scratch_random_png(n, 300, 300, 3, 8);
    }
    for (int delay_ms = 150; delay_ms <= 600; delay_ms += 450) {
        int st = scratch_sh("'%s/medchaos' " ENC "in -O res%d -j 1 & p=$!; sleep %d.%03d; kill -TERM $p; wait $p",
                            getenv("MC_BUILDDIR"), keys, delay_ms, delay_ms / 1000, delay_ms % 1000);
        (void)st;
        cr_assert(no_leftovers(), "a temporary stayed after SIGTERM at %d ms", delay_ms);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cd '%s/res%d' 2>/dev/null || exit 0; for c in *.png; do [ -e \"$c\" ] || exit 0; "
                                  "[ -e \"$c.key\" ] || exit 1; done", scratch_dir, delay_ms);
        cr_assert_eq(system(cmd), 0, "a cipher image without its envelope");
    }
}

/* ---- modes ---- */

Test(files, output_modes_honour_umask_and_keys_stay_private)
{
    scratch_random_png("p.png", 8, 8, 1, 8);
    struct stat st;
    cr_assert_eq(scratch_sh("umask 077; '%s/medchaos' meta set p.png -o m.png " DT, getenv("MC_BUILDDIR")), 0);
    cr_assert_eq(stat(scratch_path("m.png"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(scratch_sh("umask 022; '%s/medchaos' meta render p.png -o r.png " DT, getenv("MC_BUILDDIR")), 0);
    cr_assert_eq(stat(scratch_path("r.png"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0644);
    cr_assert_eq(scratch_sh("umask 000; '%s/medchaos' keygen -o k && '%s/medchaos' " ENC "p.png -o c.png",
                            getenv("MC_BUILDDIR"), getenv("MC_BUILDDIR"), keys), 0);
    cr_assert_eq(stat(scratch_path("k.pem"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "private key");
    cr_assert_eq(stat(scratch_path("c.png.key"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "envelope");
    cr_assert_eq(stat(scratch_path("k.pub.pem"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0666, "public key under umask 000");
}

/* ---- resource limits ---- */

Test(files, tiny_png_with_huge_text_chunk_fails_fast)
{
    /* 8 + 25 bytes of header, then a tEXt chunk that declares 2^31 - 16 bytes
     * and holds a few: libpng used to allocate and clear ~2 GB first. */
    uint8_t png[128];
    size_t n = put_header(png, 4, 4);
    static const uint8_t text[] = "Comment\0hello";
    n += put_chunk(png + n, "tEXt", text, sizeof text - 1, 0x7FFFFFF0u);
    write_bytes("t.png", png, n);
    const char *cmds[] = {"encrypt --teacher " DT " --pubkey %s/a2048.pub.pem t.png -o c.png", "meta show t.png",
                          "analyze t.png t.png"};
    for (int i = 0; i < 3; i++) {
        char args[512];
        snprintf(args, sizeof args, cmds[i], keys);
        double t0 = seconds();
        int st = scratch_sh("exec '%s/medchaos' %s", getenv("MC_BUILDDIR"), args);
        double dt = seconds() - t0;
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 8, "%s: status %d", cmds[i], st);
        cr_assert(err_says("too large"), "%s: the cause is not named", cmds[i]);
        cr_assert_lt(dt, 2.0, "%s took %.2f s", cmds[i], dt);
    }
    cr_assert(!exists("c.png"));
}

Test(files, png_declaring_20000x20000_is_refused_unless_the_limit_is_raised)
{
    /* Only IHDR matters: the refusal comes before any pixel is decoded. */
    uint8_t png[128];
    size_t n = put_header(png, 20000, 20000);
    n += put_chunk(png + n, "IDAT", (const uint8_t *)"", 0, 0);
    write_bytes("big.png", png, n);
    double t0 = seconds();
    cr_assert_eq(mc(ENC "big.png -o c.png", keys), 8);
    cr_assert_lt(seconds() - t0, 2.0);
    cr_assert(err_says("MEDCHAOS_MAX_PIXELS"));
    /* Raised, the limit lets it through to the decoder (which finds no pixels). */
    int st = scratch_sh("MEDCHAOS_MAX_PIXELS=400000000 MEDCHAOS_MAX_IMAGE_MB=512 '%s/medchaos' " ENC "big.png -o c.png",
                        getenv("MC_BUILDDIR"), keys);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 8, "status %d", st);
    cr_assert(!err_says("MEDCHAOS_MAX_PIXELS"));
    /* And lowered, it refuses a small image; a bad value is a usage error. */
    scratch_random_png("p.png", 40, 40, 1, 8);
    cr_assert_eq(scratch_sh("MEDCHAOS_MAX_PIXELS=1000 '%s/medchaos' " ENC "p.png -o c.png",
                            getenv("MC_BUILDDIR"), keys) >> 8, 8);
    cr_assert_eq(scratch_sh("MEDCHAOS_MAX_IMAGE_MB=lots '%s/medchaos' " ENC "p.png -o c.png",
                            getenv("MC_BUILDDIR"), keys) >> 8, 2);
    cr_assert(!exists("c.png"));
}

Test(files, image_limits_are_checked_before_allocation)
{
    /* 100 pixels and 700 bytes: 11x10 has too many pixels, 10x10 RGBA at 16
     * bits (800 bytes) too many bytes, 10x10 gray+alpha (200 bytes) fits. */
    mc_limits saved = mc_limits_get(), small = {100, 700};
    mc_limits_set(&small);
    img_image im;
    cr_assert_eq(img_new(&im, 11, 10, 1, 8), MC_E_TOO_LARGE);
    cr_assert_eq(img_new(&im, 10, 10, 4, 16), MC_E_TOO_LARGE);
    cr_assert_eq(img_new(&im, 10, 10, 2, 8), MC_OK);
    img_free(&im);
    mc_limits_set(&saved);
}

Test(files, png_warnings_are_reported_not_swallowed)
{
    /* A valid 1x1 image with a text chunk whose CRC is wrong: libpng drops the
     * chunk with a warning, which the command must print. */
    uint8_t png[256];
    size_t n = put_header(png, 1, 1);
    static const uint8_t text[] = "Comment\0hi";
    n += put_chunk(png + n, "tEXt", text, sizeof text - 1, sizeof text - 1);
    png[n - 1] ^= 1;
    /* zlib stream of one row: filter 0, sample 0x80 (stored block) */
    static const uint8_t idat[] = {0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x80, 0x00, 0x82, 0x00, 0x81};
    n += put_chunk(png + n, "IDAT", idat, sizeof idat, sizeof idat);
    n += put_chunk(png + n, "IEND", (const uint8_t *)"", 0, 0);
    write_bytes("w.png", png, n);
    cr_assert_eq(mc(ENC "w.png -o c.png", keys), 0);
    cr_assert(err_says("warning: PNG:"), "the libpng warning was swallowed");
}

Test(files, jpeg_with_too_many_scans_is_refused)
{
    /* A progressive JPEG of 100 scans (cjpeg's most): the DC, each AC
     * coefficient alone one bit short, then the last bit of the first 36
     * (successive approximation, ITU-T T.81 G.1.1), beside an ordinary
     * progressive file of libjpeg's 6 scans for gray. */
    if (system("command -v cjpeg >/dev/null 2>&1") != 0) cr_skip_test("cjpeg (libjpeg-turbo-progs) not installed");
    uint8_t pgm[15 + 64 * 64];
    int h = snprintf((char *)pgm, sizeof pgm, "P5\n64 64\n255\n");
    for (int i = 0; i < 64 * 64; i++) pgm[h + i] = (uint8_t)(i * 7 + (i >> 6) * 13);
    write_bytes("g.pgm", pgm, (size_t)h + 64 * 64);
    FILE *f = fopen(scratch_path("scans.txt"), "w");
    fputs("0: 0 0 0 0;\n", f);
    for (int k = 1; k < 64; k++) fprintf(f, "0: %d %d 0 1;\n", k, k);
    for (int k = 1; k <= 36; k++) fprintf(f, "0: %d %d 1 0;\n", k, k);
    fclose(f);
    cr_assert_eq(scratch_sh("cjpeg -scans scans.txt -outfile many.jpg g.pgm && cjpeg -progressive -outfile few.jpg g.pgm"),
                 0);
    cr_assert_eq(mc(ENC "few.jpg -o c1.png", keys), 0);
    cr_assert_eq(mc(ENC "many.jpg -o c2.png", keys), 8);
    cr_assert(err_says("more than 64 scans"));
    cr_assert(!exists("c2.png"));
}

Test(files, fifo_inputs_keys_and_models_are_refused)
{
    cr_assert_eq(mkfifo(scratch_path("fifo"), 0600), 0);
    scratch_random_png("p.png", 8, 8, 1, 8);
    const char *cmds[] = {ENC "fifo -o c.png",
                          "encrypt --teacher " DT " --pubkey fifo p.png -o c.png",
                          "encrypt --model fifo " DT " --pubkey %s/a2048.pub.pem p.png -o c.png",
                          "decrypt --key fifo p.png -o d.png",
                          "meta show fifo",
                          "train --arch resnet18 --size 32 --epochs 1 --data fifo -o m.safetensors"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char args[512];
        snprintf(args, sizeof args, cmds[i], keys);
        /* A hang would be killed by timeout (status 124). */
        int st = scratch_sh("timeout 20 '%s/medchaos' %s", getenv("MC_BUILDDIR"), args);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 4, "%s: status %d", cmds[i], WEXITSTATUS(st));
        cr_assert(err_says("FIFO"), "%s: the cause is not named", cmds[i]);
    }
}

/* ---- weights against the model ---- */

Test(files, resume_with_other_map_is_refused)
{
    /* The reproducer: a Lorenz checkpoint (3 outputs) resumed with
     * --map logistic (2) wrote past the output buffer in model.c. */
    nn_model *m;
    cr_assert_eq(nn_model_new(&m, NN_RESNET18, keynet_outputs(CHAOS_LORENZ), 3), MC_OK);
    cr_assert_eq(keynet_save(m, CHAOS_LORENZ, KEYNET_TEACHER_HASH, 32, 1, scratch_path("ck.safetensors"), 0), MC_OK);
    uint8_t h[32];
    hash_of("ck.safetensors", h);
    cr_assert_eq(mc("train --arch resnet18 --map logistic --size 32 --epochs 2 --samples 8 --batch 2 "
                    "--checkpoint ck.safetensors -o out.safetensors"), 14);
    cr_assert(err_says("ck.safetensors") && err_says("lorenz"));
    cr_assert(!exists("out.safetensors") && same_hash(h, "ck.safetensors"));
    /* A checkpoint whose metadata claims the logistic map but whose network has
     * Lorenz's 3 outputs is refused by its tensors, before anything is copied. */
    cr_assert_eq(keynet_save(m, CHAOS_LOGISTIC, KEYNET_TEACHER_HASH, 32, 1, scratch_path("lie.safetensors"), 0), MC_OK);
    nn_model_free(m);
    keynet_train_cfg cfg;
    keynet_train_defaults(&cfg);
    cfg.size = 32;
    cfg.teacher = KEYNET_TEACHER_HASH;   /* the checkpoint's, so that only its tensors differ */
    cfg.ckpt_path = scratch_path("lie.safetensors");
    int first = 0;
    nn_model *net = NULL;
    cr_assert_eq(keynet_resume_check(&cfg, &first, &net), MC_E_MISMATCH);
    cr_assert_null(net);
    cfg.arch = NN_MOBILENETV2;
    cfg.map = CHAOS_LORENZ;
    cfg.ckpt_path = scratch_path("ck.safetensors");
    cr_assert_eq(keynet_resume_check(&cfg, &first, NULL), MC_E_MISMATCH, "another architecture");
    cfg.arch = NN_RESNET18;
    cr_assert_eq(keynet_resume_check(&cfg, &first, NULL), MC_OK);
    cr_assert_eq(first, 2);
}

Test(files, weights_with_other_outputs_or_architecture_are_refused_before_loading)
{
    nn_model *m, *got = (nn_model *)1;
    cr_assert_eq(nn_model_new(&m, NN_MOBILENETV2, 3, 1), MC_OK);
    cr_assert_eq(nn_model_save(m, scratch_path("w.safetensors"), 0), MC_OK);
    nn_model_free(m);
    cr_assert_eq(nn_model_load_as(&got, scratch_path("w.safetensors"), NN_MOBILENETV2, 2), MC_E_MISMATCH);
    cr_assert_null(got);
    cr_assert_eq(nn_model_load_as(&got, scratch_path("w.safetensors"), NN_RESNET18, 0), MC_E_MISMATCH);
    cr_assert_eq(nn_model_load_as(&got, scratch_path("w.safetensors"), NN_MOBILENETV2, 3), MC_OK);
    nn_model_free(got);
}

/* ---- batches ---- */

Test(files, batch_collisions_detected_before_work)
{
    cr_assert_eq(mkdir(scratch_path("d1"), 0755), 0);
    cr_assert_eq(mkdir(scratch_path("d2"), 0755), 0);
    scratch_random_png("d1/x.png", 8, 8, 1, 8);
    scratch_random_png("d2/x.png", 9, 9, 1, 8);
    cr_assert_eq(mc(ENC "d1/x.png d2/x.png -O res --force", keys), 2);
    cr_assert(err_says("d1/x.png and d2/x.png"));
    cr_assert(!exists("res"), "work (or the folder) began before the collision was found");
    /* a.png and a.jpg of one directory would both be out/a.png */
    scratch_random_png("d1/a.png", 8, 8, 1, 8);
    cr_assert_eq(scratch_sh("cp d1/a.png d1/a.jpg"), 0);
    cr_assert_eq(mc(ENC "d1 -O res --force", keys), 2);
    cr_assert(!exists("res"));
}

Test(files, batch_creates_its_output_folder_and_reports_each_item)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    scratch_random_png("in/a.png", 8, 8, 1, 8);
    scratch_random_png("in/b.png", 8, 6, 3, 8);
    cr_assert_eq(mc(ENC "in -O new/deeper -j 2 --json r.json", keys), 0);
    cr_assert(exists("new/deeper/a.png.key") && exists("new/deeper/b.png.key"));
    cr_assert(err_says("2 done, 0 skipped (outputs exist), 0 failed"));
    cr_assert_eq(scratch_sh("grep -q '\"done\": 2, \"skipped\": 0, \"failed\": 0' r.json"), 0);
    /* decrypt DIR: a cipher image without its envelope is reported, the others decrypted */
    cr_assert_eq(unlink(scratch_path("new/deeper/b.png.key")), 0);
    cr_assert_eq(mc("decrypt --key %s/a2048.pem new/deeper -O dec --json d.json", keys), 4);
    cr_assert(exists("dec/a.png") && !exists("dec/b.png"));
    cr_assert(err_says("without its envelope"));
    cr_assert(err_says("1 done, 0 skipped (outputs exist), 1 failed"));
    cr_assert_eq(scratch_sh("grep -q '\"status\": \"failed\", \"exit\": 4, \"error\": \".*without its envelope' d.json"), 0);
}

Test(files, rerun_with_skip_existing_completes_the_rest_and_exits_0)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    for (int i = 0; i < 4; i++) {
        char n[32];
        snprintf(n, sizeof n, "in/i%d.png", i);
        scratch_random_png(n, 8 + i, 8, 1, 8);
    }
    cr_assert_eq(mc(ENC "in/i0.png in/i2.png -O res", keys), 0);
    uint8_t h[32];
    hash_of("res/i0.png", h);
    cr_assert_eq(mc(ENC "in -O res --skip-existing", keys), 0);
    cr_assert(err_says("2 done, 2 skipped"));
    cr_assert(same_hash(h, "res/i0.png"), "a skipped output was rewritten");
    cr_assert(exists("res/i1.png.key") && exists("res/i3.png.key"));
    cr_assert_eq(mc(ENC "in -O res", keys), 12, "without --skip-existing an existing output is an error");
    cr_assert(same_hash(h, "res/i0.png"));
}

Test(files, jobs_outside_1_to_64_are_refused)
{
    scratch_random_png("p.png", 8, 8, 1, 8);
    const char *bad[] = {"abc", "-3", "0", "65", "100000", "2x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(mc(ENC "p.png -o c.png -j %s", keys, bad[i]), 2, "-j %s", bad[i]);
        cr_assert_eq(mc("decrypt --key %s/a2048.pem p.png -o d.png -j %s", keys, bad[i]), 2, "-j %s", bad[i]);
    }
    cr_assert_eq(mc(ENC "p.png -o c.png -j 64", keys), 0);
}

Test(files, conflicting_repeated_options_are_refused)
{
    scratch_random_png("p.png", 8, 8, 1, 8);
    cr_assert_eq(mc(ENC "--pubkey %s/b2048.pub.pem p.png -o c.png", keys, keys), 2);
    cr_assert(err_says("--pubkey given twice"));
    cr_assert_eq(mc("decrypt --key %s/a2048.pem --key %s/b2048.pem p.png -o d.png", keys, keys), 2);
    cr_assert_eq(mc("keygen -o a -o b"), 2);
    cr_assert_eq(mc("train --arch resnet18 -o a.safetensors -o b.safetensors"), 2);
    cr_assert(!exists("c.png") && !exists("a.pem"));
    /* the same value twice is no conflict */
    cr_assert_eq(mc(ENC "--pubkey %s/a2048.pub.pem p.png -o c.png", keys, keys), 0);
}

Test(files, train_checks_its_output_before_training)
{
    double t0 = seconds();
    cr_assert_eq(mc("train --arch resnet18 --size 32 --epochs 50 --samples 64 --batch 2 -o nodir/m.safetensors"), 4);
    cr_assert_lt(seconds() - t0, 10.0);
    cr_assert(!err_says("epoch 1/"), "it trained first");
    cr_assert_eq(mc("train --arch resnet18 --size 32 --epochs 50 --samples 64 --batch 2 --csv nodir/l.csv -o m.safetensors"), 4);
    cr_assert(!exists("m.safetensors"));
}
