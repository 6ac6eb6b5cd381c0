/* medchaos: entry point. Finds the subcommand and hands it argv; every command
 * prints its own --help. See docs/TOUR.md for where each one leads. */
#include "config.h"
#include "cli/cli.h"
#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    /* Keep sorted; one entry per src/cli/cmd_NAME.c. */
    {"nn", cmd_nn, "run ResNet-18 / MobileNetV2 on a batch (nn forward)"},
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
    for (const cli_command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name)) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "medchaos: unknown command '%s' (see 'medchaos --help')\n", argv[1]);
    return 2;
}
