# chaos module: sources, tests and benchmarks (included by the top Makefile.am).
libmedchaos_la_SOURCES += src/chaos/logistic.c src/chaos/lorenz.c src/chaos/argsort.c \
	src/chaos/keys.c src/chaos/validate.c src/chaos/cipher.c src/chaos/check.h
medchaos_chaos_incdir = $(includedir)/medchaos/chaos
medchaos_chaos_inc_HEADERS = src/chaos/chaos.h src/chaos/logistic.h src/chaos/lorenz.h \
	src/chaos/cipher.h

check_PROGRAMS += tests/test_chaos tests/test_cipher
TESTS += tests/test_chaos tests/test_cipher
tests_test_chaos_SOURCES = tests/test_chaos.c tests/chaos_vectors.c tests/chaos_vectors.h
tests_test_chaos_LDADD = $(TEST_LIBS)
tests_test_cipher_SOURCES = tests/test_cipher.c tests/chaos_vectors.c tests/chaos_vectors.h
tests_test_cipher_LDADD = $(TEST_LIBS)

bench_programs += bench/bench_cipher
bench_bench_cipher_SOURCES = bench/bench_cipher.c
bench_bench_cipher_LDADD = libmedchaos.la -lm

EXTRA_DIST += docs/CIPHER.md tests/gen_chaos_vectors.py bench/py_chaos_peer.py \
	tests/vectors/chaos/orbit_logistic.txt tests/vectors/chaos/orbit_lorenz.txt \
	tests/vectors/chaos/keys_logistic.txt tests/vectors/chaos/keys_lorenz.txt \
	tests/vectors/chaos/keys_lorenz_long.txt \
	tests/vectors/chaos/example_logistic.txt tests/vectors/chaos/example_lorenz.txt
