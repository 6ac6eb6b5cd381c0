# pipeline: one image through the cipher and the envelope, and where its
# parameters come from (network, teacher mapping, by hand).
libmedchaos_la_SOURCES += src/pipeline/keymat.c src/pipeline/envelope.c src/pipeline/pipeline.c \
	src/pipeline/keysrc.c src/pipeline/hardened.c src/pipeline/bytes.h
medchaos_pipeline_incdir = $(includedir)/medchaos/pipeline
medchaos_pipeline_inc_HEADERS = src/pipeline/keymat.h src/pipeline/envelope.h src/pipeline/pipeline.h \
	src/pipeline/keysrc.h src/pipeline/hardened.h
check_PROGRAMS += tests/test_pipeline
TESTS += tests/test_pipeline
tests_test_pipeline_SOURCES = tests/test_pipeline.c
tests_test_pipeline_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/data/envelope_v1
EXTRA_DIST += tests/data/keys/README.md tests/data/keys/a2048.pem tests/data/keys/a2048.pub.pem \
	tests/data/keys/b2048.pem tests/data/keys/b2048.pub.pem tests/data/keys/small1024.pem \
	tests/data/keys/small1024.pub.pem
