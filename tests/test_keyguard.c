/* The guard against key reuse (src/pipeline/keyguard.h, src/cli/guard.c):
 * two images with one time stamp are refused before anything is written, a
 * registry catches reuse across runs but not the same file again, the
 * registry holds no metadata or parameters in the clear and is private, and a
 * --params value the late-periodic walk moves is reported. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sha256.h"
#include "keynet/keynet.h"
#include "pipeline/keyguard.h"
#include "util/file.h"
#include "scratch.h"

static char keys[1024];

static void setup(void)
{
    const char *src = getenv("MC_SRCDIR");
    cr_assert(src, "MC_SRCDIR must be set");
    snprintf(keys, sizeof keys, "%s/tests/data/keys", src);
    scratch_make("guard");
}

static void teardown(void) { scratch_remove(); }

TestSuite(keyguard, .init = setup, .fini = teardown, .timeout = 120);

#define DT "'2007:02:19 12:51:57'"
#define ENC "encrypt --teacher --pubkey %s/a2048.pub.pem "

static int exists(const char *name) { return access(scratch_path(name), F_OK) == 0; }

/* The whole of scratch_dir/NAME as a NUL-terminated string (caller frees). */
static char *slurp(const char *name)
{
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(scratch_path(name), 1 << 24, &buf, &n), MC_OK, "%s", name);
    char *s = malloc(n + 1);
    memcpy(s, buf, n);
    s[n] = 0;
    free(buf);
    return s;
}

static int err_has(const char *text)
{
    char *e = slurp("err");
    int has = strstr(e, text) != NULL;
    free(e);
    return has;
}

Test(keyguard, two_images_with_one_time_stamp_are_refused_before_any_output)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    cr_assert_eq(mkdir(scratch_path("enc"), 0755), 0);
    scratch_random_png("in/a.png", 9, 7, 1, 8);
    scratch_random_png("in/b.png", 9, 7, 1, 8);
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " in -O enc", keys), 17);
    cr_assert(err_has("in/b.png: same chaotic parameters as in/a.png"));
    cr_assert(!exists("enc/a.png") && !exists("enc/a.png.key") && !exists("enc/b.png"), "nothing may be written");
    /* The override encrypts both and says so. */
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --allow-key-reuse in -O enc", keys), 0);
    cr_assert(err_has("warning: in/b.png: same chaotic parameters as in/a.png"));
    cr_assert(exists("enc/a.png.key") && exists("enc/b.png.key"));
}

Test(keyguard, the_same_file_twice_in_one_run_is_not_reuse)
{
    cr_assert_eq(mkdir(scratch_path("in"), 0755), 0);
    cr_assert_eq(mkdir(scratch_path("enc"), 0755), 0);
    scratch_random_png("in/a.png", 9, 7, 1, 8);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp '%s/in/a.png' '%s/in/copy.png'", scratch_dir, scratch_dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " in -O enc", keys), 0);
}

Test(keyguard, registry_catches_reuse_across_runs_but_not_the_same_file_again)
{
    scratch_random_png("a.png", 9, 7, 1, 8);
    scratch_random_png("b.png", 9, 7, 1, 8);
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --key-registry reg a.png -o ca.png", keys), 0);
    struct stat st;
    cr_assert_eq(stat(scratch_path("reg"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "registry mode %o", (unsigned)(st.st_mode & 0777));
    /* The same file again (a re-encryption) passes; another image at that time does not. */
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --key-registry reg a.png -o ca.png --force", keys), 0);
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --key-registry reg b.png -o cb.png", keys), 17);
    cr_assert(err_has("b.png: same chaotic parameters as an image of an earlier run in reg"));
    cr_assert(!exists("cb.png") && !exists("cb.png.key"));
    /* One second later is another key. */
    cr_assert_eq(scratch_mc(ENC "--datetime '2007:02:19 12:51:58' --key-registry reg b.png -o cb.png", keys), 0);
}

/* The first entry of a registry: the line after the magic and the salt. */
static const char *entry_line(const char *reg)
{
    const char *l = strchr(reg, '\n');
    cr_assert(l && (l = strchr(l + 1, '\n')) && l[1], "no entry in:\n%s", reg);
    return l + 1;
}

Test(keyguard, registry_holds_no_metadata_or_parameters_in_the_clear)
{
    scratch_random_png("a.png", 9, 7, 1, 8);
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --key-registry reg a.png -o ca.png", keys), 0);
    char *reg = slurp("reg");
    static const char *const clear[] = {"2007", "02:19", "12:51:57", "2007-02-19", "12:51", "medchaos-meta", "a.png"};
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        cr_assert_null(strstr(reg, clear[i]), "registry holds '%s' in the clear:\n%s", clear[i], reg);
    /* Nor the parameters, in decimal or as the big-endian bytes of r in hex. */
    meta_record m;
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:57", &m), MC_OK);
    chaos_params p;
    cr_assert_eq(keynet_teacher_params(KEYNET_TEACHER_HASH, CHAOS_LOGISTIC, &m, &p), MC_OK);
    char dec[64], hex[17];
    snprintf(dec, sizeof dec, "%.10f", p.v[0]);
    uint64_t bits;
    memcpy(&bits, &p.v[0], 8);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)bits);
    cr_assert_null(strstr(reg, dec + 2));
    cr_assert_null(strstr(reg, hex));
    /* Salted: a second registry tags the same image differently. */
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --key-registry reg2 a.png -o ca.png --force", keys), 0);
    char *reg2 = slurp("reg2");
    cr_assert_neq(strncmp(entry_line(reg), entry_line(reg2), 64), 0);
    free(reg);
    free(reg2);
}

Test(keyguard, registry_open_to_others_is_refused)
{
    scratch_random_png("a.png", 9, 7, 1, 8);
    cr_assert_eq(scratch_mc(ENC "--datetime " DT " --key-registry reg a.png -o ca.png", keys), 0);
    cr_assert_eq(chmod(scratch_path("reg"), 0644), 0);
    cr_assert_neq(scratch_mc(ENC "--datetime " DT " --key-registry reg a.png -o ca.png --force", keys), 0);
    cr_assert(err_has("accessible to others"));
}

Test(keyguard, library_guard_finds_reuse_within_a_run_and_in_the_registry)
{
    chaos_params p = {CHAOS_LOGISTIC, {3.99, 0.3}}, q = {CHAOS_LOGISTIC, {3.99, 0.3000000000000001}};
    uint8_t f1[32], f2[32], f3[32];
    sha256("one", 3, f1);
    sha256("two", 3, f2);
    sha256("three", 5, f3);
    keyguard *g;
    cr_assert_eq(keyguard_open(&g, scratch_path("lib.reg")), MC_OK);
    cr_assert_eq(keyguard_add(g, 0, &p, f1), MC_OK);
    cr_assert_eq(keyguard_add(g, 1, &q, f2), MC_OK);   /* one ulp away: another key */
    cr_assert_eq(keyguard_add(g, 2, &p, f1), MC_OK);   /* the same file again */
    cr_assert_eq(keyguard_add(g, 3, &p, f3), MC_OK);   /* reuse of item 0's key */
    keyguard_reuse r[4];
    cr_assert_eq(keyguard_check(g, r, 4), 1);
    cr_assert(r[0].a == 3 && r[0].b == 0);
    cr_assert_eq(keyguard_commit(g), MC_OK);
    keyguard_close(g);
    cr_assert_eq(keyguard_open(&g, scratch_path("lib.reg")), MC_OK);
    cr_assert_eq(keyguard_add(g, 0, &q, f3), MC_OK);   /* q was used for another file */
    cr_assert_eq(keyguard_add(g, 1, &p, f1), MC_OK);   /* p for this very file: fine */
    cr_assert_eq(keyguard_check(g, r, 4), 1);
    cr_assert(r[0].a == 0 && r[0].b == KEYGUARD_REGISTRY);
    keyguard_close(g);
    /* Three runs' worth of entries, none repeated: 2 header lines + 3 distinct (key, file) pairs. */
    char *reg = slurp("lib.reg");
    int lines = 0;
    for (char *c = reg; *c; c++) lines += *c == '\n';
    cr_assert_eq(lines, 5, "%s", reg);
    free(reg);
}

Test(keyguard, walked_params_are_reported_with_the_old_and_new_value)
{
    /* r = 3.88366 turns periodic after about 5000 iterations (tests/test_chaos.c):
     * a 200×200 image needs 40000 keystream bytes, so the walk moves r. */
    scratch_random_png("big.png", 200, 200, 1, 8);
    cr_assert_eq(scratch_mc("encrypt --params 3.8836599999999932,0.3141592653 --pubkey %s/a2048.pub.pem big.png -o c.png", keys), 0);
    cr_assert(err_has("r = 3.8836599999999932 falls into a periodic window"), "no walk reported");
    cr_assert(err_has("encrypted with r = 3.88"));
}
