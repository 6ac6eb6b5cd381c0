/* Every subcommand of medchaos: int cmd_NAME(int argc, char **argv), where
 * argv[0] is the subcommand's name. Each lives in src/cli/cmd_NAME.c. */
#ifndef MC_CLI_COMMANDS_H
#define MC_CLI_COMMANDS_H

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* One line per command; keep sorted by name. */
int cmd_nn(int, char **);
#endif
