# keynet: metadata image → network → chaotic parameters, the teacher mappings, training.
libmedchaos_la_SOURCES += src/keynet/teacher.c src/keynet/keynet.c src/keynet/train.c
medchaos_keynet_incdir = $(includedir)/medchaos/keynet
medchaos_keynet_inc_HEADERS = src/keynet/keynet.h src/keynet/train.h
check_PROGRAMS += tests/test_keynet
TESTS += tests/test_keynet
tests_test_keynet_SOURCES = tests/test_keynet.c
tests_test_keynet_LDADD = $(TEST_LIBS) $(OPENBLAS_LIBS)
