/* See cli.h. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_exit_code(mc_err e) { return e == MC_OK ? 0 : (int)e + 1; }

int cli_fail(const char *what, mc_err e)
{
    if (what)
        fprintf(stderr, "medchaos: %s: %s\n", what, mc_errmsg(e));
    else
        fprintf(stderr, "medchaos: %s\n", mc_errmsg(e));
    mc_clear_error();
    return cli_exit_code(e);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "medchaos %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'medchaos %s --help')\n", cmd);
    return cli_exit_code(MC_E_ARG);
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}
