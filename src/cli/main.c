/* medchaos: entry point. Finds the subcommand and hands it argv; every command
 * prints its own --help. See docs/TOUR.md for where each one leads. */
#include "config.h"
#include "cli/cli.h"
#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    /* Keep sorted; one entry per src/cli/cmd_NAME.c. */
    {"analyze", cmd_analyze, "compare a plain and a cipher image: NPCR, UACI, entropy, correlation, MSE, PSNR"},
    {"decrypt", cmd_decrypt, "restore images from cipher images and their envelopes"},
    {"encrypt", cmd_encrypt, "encrypt images; write cipher PNGs and key envelopes"},
    {"inspect", cmd_inspect, "print a key envelope's header"},
    {"keygen", cmd_keygen, "write an RSA key pair (PKCS#8 / SubjectPublicKeyInfo PEM)"},
    {"meta", cmd_meta, "show, set or render an image's metadata"},
    {"nist", cmd_nist, "run the NIST SP 800-22 tests on a binary file"},
    {"nn", cmd_nn, "run a network on a batch (PyTorch-compatible weights and tensors)"},
    {"params", cmd_params, "print the chaotic parameters an image would get"},
    {"train", cmd_train, "train the key network (metadata image to chaotic parameters)"},
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: medchaos COMMAND [ARGS...]\n"
                 "       medchaos --help | --version\n\ncommands:\n");
    for (const cli_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\n'medchaos COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("medchaos %s\n", PACKAGE_VERSION);
        return 0;
    }
    int rc = cli_init();
    if (rc) return rc;
    for (const cli_command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name)) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "medchaos: unknown command '%s' (see 'medchaos --help')\n", argv[1]);
    return 2;
}
