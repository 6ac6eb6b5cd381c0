/* Shared helpers of the command-line layer: the one place that prints errors
 * and turns mc_err values into exit codes. */
#ifndef MC_CLI_H
#define MC_CLI_H
#include "util/err.h"

/* Exit status for an error: 0 for MC_OK, otherwise e + 1 (so a usage error,
 * MC_E_ARG, exits with 2). The table is in docs/medchaos.1 under EXIT STATUS. */
int cli_exit_code(mc_err e);

/* Print "medchaos: WHAT: DETAIL" on one line to stderr and return the exit code.
 * WHAT is usually the file concerned; NULL omits it. */
int cli_fail(const char *what, mc_err e);

/* Print "medchaos CMD: MSG" for a usage error and return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

#endif
