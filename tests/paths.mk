# Every arithmetic path the processor offers, tested (tests/path_run.sh): the
# network's own AVX-512 product, OpenBLAS's, im2col without Winograd, and the
# portable crypto (bitsliced AES, table-free GHASH, portable SHA-256, GMP RSA).
check_PROGRAMS += tests/list_paths
tests_list_paths_SOURCES = tests/list_paths.c
tests_list_paths_LDADD = libmedchaos.la $(OPENBLAS_LIBS) -lm
TEST_EXTENSIONS = .sh
# Every .sh test runs under bash; the Python tests (python/local.mk) get the configured PYTHON.
SH_LOG_COMPILER = env PYTHON='$(PYTHON)' bash
path_tests = tests/path-nn-openblas.sh tests/path-nn-im2col.sh tests/path-nn-reference.sh tests/path-portable.sh
TESTS += $(path_tests)
EXTRA_DIST += tests/path_run.sh $(path_tests)
