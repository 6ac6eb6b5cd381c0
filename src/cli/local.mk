# cli: the medchaos command. Only this layer prints to the user or exits.
medchaos_SOURCES += src/cli/main.c src/cli/commands.h src/cli/cli.c src/cli/cli.h
medchaos_SOURCES += src/cli/batch.c src/cli/batch_local.c src/cli/batch.h src/cli/cmd_encrypt.c src/cli/cmd_decrypt.c src/cli/cmd_inspect.c \
	src/cli/guard.c src/cli/guard.h src/cli/dicom_cli.c src/cli/dicom_cli.h
man_MANS = docs/medchaos.1
EXTRA_DIST += docs/medchaos.1 docs/FORMAT.md
medchaos_SOURCES += src/cli/cmd_train.c src/cli/cmd_params.c
check_PROGRAMS += tests/test_cli
TESTS += tests/test_cli
tests_test_cli_SOURCES = tests/test_cli.c tests/scratch.c tests/scratch.h
tests_test_cli_LDADD = $(TEST_LIBS)
# The CLI tests run the program itself (built by `all`, which `check` builds first).
tests_test_cli_DEPENDENCIES = libmedchaos.la medchaos$(EXEEXT)
# The file layer (util/safefile.h, util/limits.h, batches), through the program.
check_PROGRAMS += tests/test_files
TESTS += tests/test_files
tests_test_files_SOURCES = tests/test_files.c tests/scratch.c tests/scratch.h
tests_test_files_LDADD = $(TEST_LIBS)
tests_test_files_DEPENDENCIES = libmedchaos.la medchaos$(EXEEXT)
check_PROGRAMS += tests/test_keyguard
TESTS += tests/test_keyguard
tests_test_keyguard_SOURCES = tests/test_keyguard.c tests/scratch.c tests/scratch.h
tests_test_keyguard_LDADD = $(TEST_LIBS)
tests_test_keyguard_DEPENDENCIES = libmedchaos.la medchaos$(EXEEXT)
