# image module: sources, tests and benchmarks (included by the top Makefile.am).
# img_image, PNG (libpng) read/write, JPEG (libjpeg) read.
libmedchaos_la_SOURCES += src/image/image.c src/image/io.c src/image/png.c src/image/jpeg.c \
	src/image/dicom_pixels.c src/image/origin.c
medchaos_image_incdir = $(includedir)/medchaos/image
medchaos_image_inc_HEADERS = src/image/image.h src/image/io.h src/image/dicom_pixels.h src/image/origin.h
check_PROGRAMS += tests/test_image
TESTS += tests/test_image
tests_test_image_SOURCES = tests/test_image.c
tests_test_image_LDADD = $(TEST_LIBS) $(JPEG_LIBS)
EXTRA_DIST += tests/data/image
