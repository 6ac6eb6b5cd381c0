/* See cli.h. */
#include "cli/cli.h"
#include "util/limits.h"
#include "util/safefile.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_exit_code(mc_err e) { return e == MC_OK ? 0 : (int)e + 1; }

static _Thread_local char last_failure[768];

int cli_fail(const char *what, mc_err e)
{
    if (what)
        snprintf(last_failure, sizeof last_failure, "%s: %s", what, mc_errmsg(e));
    else
        snprintf(last_failure, sizeof last_failure, "%s", mc_errmsg(e));
    fprintf(stderr, "medchaos: %s\n", last_failure);
    mc_clear_error();
    return cli_exit_code(e);
}

const char *cli_last_failure(void) { return last_failure; }

void cli_notes(const char *what)
{
    const char *n = mc_notes_take();
    if (n) fprintf(stderr, "medchaos: %s: warning: %s\n", what, n);
}

int cli_set_once(const char **slot, const char *value)
{
    if (*slot && strcmp(*slot, value)) return 1;
    *slot = value;
    return 0;
}

const char *cli_option_name(const struct option *opts, int val)
{
    static _Thread_local char name[64];
    snprintf(name, sizeof name, "-%c", val > 0 && val < 128 ? val : '?');
    for (; opts->name; opts++)
        if (opts->val == val && !opts->flag) snprintf(name, sizeof name, "--%s", opts->name);
    return name;
}

int cli_init(void)
{
    mc_safe_init();
    mc_err e = mc_limits_from_env();
    if (e) return cli_fail(NULL, e);
    return 0;
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
