# cli: the medchaos command. Only this layer prints to the user or exits.
medchaos_SOURCES += src/cli/main.c src/cli/commands.h src/cli/cli.c src/cli/cli.h
