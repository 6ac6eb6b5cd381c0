# keynet: metadata image → network → chaotic parameters, the teacher mappings, training.
libmedchaos_la_SOURCES += src/keynet/teacher.c src/keynet/keynet.c src/keynet/train.c
medchaos_keynet_incdir = $(includedir)/medchaos/keynet
medchaos_keynet_inc_HEADERS = src/keynet/keynet.h src/keynet/train.h
check_PROGRAMS += tests/test_keynet
TESTS += tests/test_keynet
tests_test_keynet_SOURCES = tests/test_keynet.c
tests_test_keynet_LDADD = $(TEST_LIBS) $(OPENBLAS_LIBS)
# The training set as .npy for the PyTorch fixture generator (make tests/keynet_dump).
EXTRA_PROGRAMS += tests/keynet_dump
CLEANFILES += tests/keynet_dump
tests_keynet_dump_SOURCES = tests/keynet_dump.c
tests_keynet_dump_LDADD = libmedchaos.la $(OPENBLAS_LIBS) -lm
EXTRA_DIST += tests/gen_keynet_fixture.py tests/fixtures/keynet/learnability.json
