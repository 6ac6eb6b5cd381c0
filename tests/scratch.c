/* Scratch directory helpers for the command-line tests (scratch.h). */
#include "scratch.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "crypto/random.h"
#include "image/io.h"

char scratch_dir[64];

void scratch_make(const char *tag)
{
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/mc_%s_XXXXXX", tag);
    cr_assert_not_null(mkdtemp(scratch_dir), "mkdtemp %s", scratch_dir);
}

void scratch_remove(void)
{
    if (!scratch_dir[0]) return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    cr_assert_eq(system(cmd), 0);
    scratch_dir[0] = 0;
}

char *scratch_path(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", scratch_dir, name);
    return p[k];
}

void scratch_random_png(const char *name, uint32_t w, uint32_t h, uint8_t c, uint8_t d)
{
    img_image im;
    cr_assert_eq(img_new(&im, w, h, c, d), MC_OK);
    cr_assert_eq(rand_bytes(im.data, img_size_bytes(&im)), MC_OK);
    cr_assert_eq(img_write_png(scratch_path(name), &im, 1), MC_OK);
    img_free(&im);
}

static int vsh(const char *prefix, const char *fmt, va_list ap)
{
    char args[3072], cmd[8192];
    vsnprintf(args, sizeof args, fmt, ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && { %s%s ; } >out 2>err", scratch_dir, prefix, args);
    return system(cmd);
}

int scratch_sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = vsh("", fmt, ap);
    va_end(ap);
    return st;
}

int scratch_mc(const char *fmt, ...)
{
    const char *build = getenv("MC_BUILDDIR");
    cr_assert(build, "MC_BUILDDIR must be set");
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "'%s/medchaos' ", build);
    va_list ap;
    va_start(ap, fmt);
    int st = vsh(prefix, fmt, ap);
    va_end(ap);
    cr_assert(WIFEXITED(st), "medchaos %s did not exit normally", fmt);
    return WEXITSTATUS(st);
}
