# pipeline: one image through the cipher and the envelope, and where its
# parameters come from (network, teacher mapping, by hand).
libmedchaos_la_SOURCES += src/pipeline/keymat.c src/pipeline/envelope.c src/pipeline/pipeline.c \
	src/pipeline/keysrc.c src/pipeline/hardened.c src/pipeline/keyguard.c src/pipeline/dicom.c src/pipeline/bytes.h
medchaos_pipeline_incdir = $(includedir)/medchaos/pipeline
medchaos_pipeline_inc_HEADERS = src/pipeline/keymat.h src/pipeline/envelope.h src/pipeline/pipeline.h \
	src/pipeline/keysrc.h src/pipeline/hardened.h src/pipeline/keyguard.h src/pipeline/dicom.h
check_PROGRAMS += tests/test_pipeline
TESTS += tests/test_pipeline
tests_test_pipeline_SOURCES = tests/test_pipeline.c tests/pk_vectors.c tests/pk_vectors.h
tests_test_pipeline_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/data/envelope_v1 tests/gen_hardened_vectors.py tests/check_hardened_spec.sh \
	tests/vectors/hardened/example_gray8.txt tests/vectors/hardened/example_rgb16.txt
# The hardened variant's specification (docs/FORMAT.md §6) checked by an independent
# Python implementation against the committed vectors (skipped without python3).
TESTS += tests/check_hardened_spec.sh
EXTRA_DIST += tests/data/keys/README.md tests/data/keys/a2048.pem tests/data/keys/a2048.pub.pem \
	tests/data/keys/b2048.pem tests/data/keys/b2048.pub.pem tests/data/keys/small1024.pem \
	tests/data/keys/small1024.pub.pem
