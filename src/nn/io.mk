# nn tensor files: safetensors and NumPy .npy readers/writers over a small strict JSON parser
# (included by the top Makefile.am after src/nn/local.mk).
libmedchaos_la_SOURCES += src/nn/json.c src/nn/safetensors.c src/nn/npy.c
nobase_medchaosinc_HEADERS += src/nn/json.h src/nn/safetensors.h src/nn/npy.h
libmedchaos_la_SOURCES += src/nn/io_bytes.c
noinst_HEADERS += src/nn/io_bytes.h
check_PROGRAMS += tests/test_nn_io
TESTS += tests/test_nn_io
tests_test_nn_io_SOURCES = tests/test_nn_io.c
tests_test_nn_io_LDADD = $(TEST_LIBS)
# The fixtures directory is copied whole into the tarball; gen_io_fixtures.py remakes it.
EXTRA_DIST += tests/fixtures/io tests/gen_io_fixtures.py
