# util: error values, secure wiping, whole-file reads and atomic (temp + fsync + rename) writes.
libmedchaos_la_SOURCES += src/util/err.c src/util/file.c src/util/secure.c src/util/xoshiro.c src/util/special.c
medchaos_util_incdir = $(includedir)/medchaos/util
medchaos_util_inc_HEADERS = src/util/err.h src/util/file.h src/util/secure.h src/util/xoshiro.h src/util/special.h
check_PROGRAMS += tests/test_util
TESTS += tests/test_util
tests_test_util_SOURCES = tests/test_util.c
tests_test_util_LDADD = $(TEST_LIBS)
