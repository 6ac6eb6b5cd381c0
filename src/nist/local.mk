# nist module: NIST SP 800-22 rev. 1a statistical tests (included by the top Makefile.am).
libmedchaos_la_SOURCES += src/nist/seq.c src/nist/fft.c \
	src/nist/frequency.c src/nist/runs.c src/nist/rank.c src/nist/spectral.c \
	src/nist/template_nonoverlap.c src/nist/template_overlap.c src/nist/universal.c \
	src/nist/linear_complexity.c src/nist/serial.c src/nist/walk.c src/nist/report.c \
	src/nist/nist_internal.h
medchaos_nist_incdir = $(includedir)/medchaos/nist
medchaos_nist_inc_HEADERS = src/nist/nist.h
check_PROGRAMS += tests/test_nist
TESTS += tests/test_nist
tests_test_nist_SOURCES = tests/test_nist.c tests/gen_e_bits.c tests/gen_e_bits.h
tests_test_nist_LDADD = $(TEST_LIBS) $(GMP_LIBS)
EXTRA_DIST += tests/vectors/nist/examples.txt
bench_programs += bench/bench_nist
bench_bench_nist_SOURCES = bench/bench_nist.c tests/gen_e_bits.c tests/gen_e_bits.h
bench_bench_nist_LDADD = libmedchaos.la $(GMP_LIBS) -lm
medchaos_SOURCES += src/cli/cmd_nist.c
