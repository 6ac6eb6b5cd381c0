/* libFuzzer harness: the command line of every subcommand (src/cli), i.e.
 * medchaos's main() on an argv made of the input's '\n'-separated fields.
 * It runs in a private empty directory, emptied after each run, and refuses
 * arguments that could reach outside it ('/' or a leading ".."), so whatever
 * a command writes stays there. The few steps that do seconds of work once
 * the options are accepted (RSA key generation, training, the chaotic
 * keystream, the NIST battery, rendering a metadata image of up to 4096²
 * pixels) are replaced by stubs that fail: the harness
 * is about parsing, not about those computations, which have their own tests.
 * Run with -close_fd_mask=3 so the commands' messages are not printed. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chaos/chaos.h"
#include "crypto/rsa.h"
#include "keynet/train.h"
#include "meta/render.h"
#include "nist/nist.h"

int medchaos_main(int argc, char **argv);

/* Stubs (linked with --allow-multiple-definition, so they win over the library). */
mc_err rsa_generate(rsa_priv **out, unsigned bits)
{
    (void)bits;
    *out = NULL;
    return mc_fail(MC_E_RANDOM, "fuzz stub: no key generation");
}
mc_err keynet_train(const keynet_train_cfg *cfg, const meta_record *real, size_t nreal, const char *out_path,
                    int force, keynet_progress_fn cb, void *ctx, keynet_progress *final)
{
    (void)cfg, (void)real, (void)nreal, (void)out_path, (void)force, (void)cb, (void)ctx, (void)final;
    return mc_fail(MC_E_ARG, "fuzz stub: no training");
}
mc_err nist_run_all(const uint8_t *bits, size_t nbits, nist_report *out)
{
    (void)bits, (void)nbits, (void)out;
    return mc_fail(MC_E_ARG, "fuzz stub: no NIST battery");
}
mc_err chaos_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen, uint32_t *xindex,
                  uint32_t *yindex, uint8_t *z)
{
    (void)p, (void)h, (void)w, (void)zlen, (void)xindex, (void)yindex, (void)z;
    return mc_fail(MC_E_RANGE, "fuzz stub: no keystream");
}

mc_err meta_render_png(const meta_record *m, int size, const char *path, int force)
{
    (void)m, (void)size, (void)path, (void)force;
    return mc_fail(MC_E_ARG, "fuzz stub: no rendering");
}

static char workdir[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(workdir, sizeof workdir, "/tmp/medchaos-fuzz-cli-XXXXXX");
    if (!mkdtemp(workdir) || chdir(workdir)) abort();
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag;
    if (ftw->level > 0) remove(path);
    return 0;
}

enum { MAX_ARGS = 32 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "medchaos";
    for (char *p = text; p && argc <= MAX_ARGS;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        if (strchr(p, '/') || !strncmp(p, "..", 2)) goto out;
        argv[argc++] = p;
        p = nl ? nl + 1 : NULL;
    }
    argv[argc] = NULL;
    /* A fresh getopt state: optind = 0 makes glibc forget a half-read cluster
     * ("-hx") of the previous run, which the commands' optind = 1 does not. */
    optind = 0;
    {
        char *dummy[] = {"x", NULL};
        getopt(1, dummy, "");
    }
    medchaos_main(argc, argv);
    mc_clear_error();
    nftw(".", remove_entry, 8, FTW_DEPTH | FTW_PHYS);
out:
    free(text);
    return 0;
}
