/* util: constant-time compare, wiping, atomic writes leave no partial output. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/file.h"
#include "util/secure.h"

Test(secure, ct_equal_matches_memcmp)
{
    unsigned char a[33], b[33];
    for (int i = 0; i < 33; i++) a[i] = b[i] = (unsigned char)(i * 7);
    cr_assert_eq(mc_ct_equal(a, b, 33), 1);
    for (int i = 0; i < 33; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (unsigned char)(1 << bit);
            cr_assert_eq(mc_ct_equal(a, b, 33), 0, "byte %d bit %d", i, bit);
            b[i] ^= (unsigned char)(1 << bit);
        }
    }
    cr_assert_eq(mc_ct_equal(a, b, 0), 1);
}

Test(secure, wipe_zeroes)
{
    unsigned char k[64];
    memset(k, 0xAB, sizeof k);
    mc_wipe(k, sizeof k);
    for (size_t i = 0; i < sizeof k; i++) cr_assert_eq(k[i], 0);
}

Test(file, atomic_write_refuses_existing_without_force)
{
    char dir[] = "/tmp/mc_test_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    cr_assert_eq(mc_write_file(path, "abc", 3, 0600, 0), MC_OK);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(mc_write_file(path, "xyz", 3, 0600, 0), MC_E_EXISTS);
    unsigned char *buf;
    size_t n;
    cr_assert_eq(mc_read_file(path, 100, &buf, &n), MC_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(buf, "abc", 3), 0);
    free(buf);
    cr_assert_eq(mc_write_file(path, "xyz", 3, 0644, 1), MC_OK);
    cr_assert_eq(mc_read_file(path, 2, &buf, &n), MC_E_TOO_LARGE);
    unlink(path);
    rmdir(dir);
}

Test(file, aborted_write_leaves_nothing)
{
    char dir[] = "/tmp/mc_test_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    mc_out w;
    cr_assert_eq(mc_out_open(&w, path, 0644, 0), MC_OK);
    fputs("partial", w.fp);
    mc_out_abort(&w);
    cr_assert_eq(access(path, F_OK), -1);
    cr_assert_eq(rmdir(dir), 0, "directory not empty: a temporary file was left");
}

Test(file, unwritable_directory_is_an_io_error)
{
    mc_out w;
    cr_assert_eq(mc_out_open(&w, "/nonexistent-dir/x.png", 0644, 0), MC_E_IO);
}
