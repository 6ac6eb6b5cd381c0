# util: error values, secure wiping, whole-file reads, safe writes (safefile.h: temporaries, groups, the sweep, signals, inputs never overwritten), resource limits (limits.h).
libmedchaos_la_SOURCES += src/util/err.c src/util/file.c src/util/safefile.c src/util/limits.c src/util/limits_png.h src/util/secure.c src/util/xoshiro.c src/util/special.c
medchaos_util_incdir = $(includedir)/medchaos/util
medchaos_util_inc_HEADERS = src/util/err.h src/util/file.h src/util/safefile.h src/util/limits.h src/util/secure.h src/util/xoshiro.h src/util/special.h
check_PROGRAMS += tests/test_util
TESTS += tests/test_util
tests_test_util_SOURCES = tests/test_util.c
tests_test_util_LDADD = $(TEST_LIBS)
