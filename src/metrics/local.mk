# metrics module: sources, tests and benchmarks (included by the top Makefile.am).
# NPCR/UACI with Wu 2011 critical values, entropy (global, local), correlation,
# MSE/PSNR, chi-square, key space, the sampling PRNG (special functions: src/util/special.c).
libmedchaos_la_SOURCES += src/metrics/rng.c src/metrics/differential.c \
	src/metrics/fidelity.c src/metrics/entropy.c src/metrics/local_entropy.c \
	src/metrics/correlation.c src/metrics/keyspace.c src/metrics/sample.h
medchaos_metrics_incdir = $(includedir)/medchaos/metrics
medchaos_metrics_inc_HEADERS = src/metrics/metrics.h
check_PROGRAMS += tests/test_metrics
TESTS += tests/test_metrics
tests_test_metrics_SOURCES = tests/test_metrics.c
tests_test_metrics_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/vectors/metrics
medchaos_SOURCES += src/cli/cmd_analyze.c
bench_programs += bench/bench_metrics
bench_bench_metrics_SOURCES = bench/bench_metrics.c
bench_bench_metrics_LDADD = libmedchaos.la -lm
EXTRA_DIST += bench/bench_metrics_peer.py
