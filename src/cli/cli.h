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

/* The last line cli_fail printed on this thread, without "medchaos: " (for
 * the batch summary and --json report), or "" when none. */
const char *cli_last_failure(void);

/* Print the decoders' pending warnings (mc_note) as "medchaos: WHAT: warning: ...". */
void cli_notes(const char *what);

/* Set *slot to value for an option that takes one value: 0, or 1 when *slot
 * already holds a different value (two --pubkey: an error, not "the last wins"). */
int cli_set_once(const char **slot, const char *value);
/* "--NAME" of a getopt_long option by its value, or "-c" for a short one. */
struct option;
const char *cli_option_name(const struct option *opts, int val);

/* Process-wide setup done by main() before any command: the safe-write signal
 * handler (util/safefile.h) and the resource limits from the environment
 * (util/limits.h). Returns an exit status (0, or 2 for a bad environment value). */
int cli_init(void);

#endif
