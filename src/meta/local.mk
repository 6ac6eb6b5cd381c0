# meta: acquisition metadata (EXIF via libexif, PNG text/eXIf via libpng, DICOM
# keys, manual), the canonical record and the metadata image. See docs/METADATA.md.
libmedchaos_la_SOURCES += src/meta/datetime.c src/meta/exif.c src/meta/pngread.c src/meta/scan.c \
	src/meta/pngwrite.c src/meta/render.c src/meta/font5x7.c src/meta/dicom.c
medchaos_meta_incdir = $(includedir)/medchaos/meta
medchaos_meta_inc_HEADERS = src/meta/meta.h src/meta/render.h src/meta/scan.h
medchaos_SOURCES += src/cli/cmd_meta.c
check_PROGRAMS += tests/test_meta
TESTS += tests/test_meta
tests_test_meta_SOURCES = tests/test_meta.c
tests_test_meta_LDADD = $(TEST_LIBS) $(PNG_LIBS) $(EXIF_LIBS) $(JPEG_LIBS)
EXTRA_DIST += docs/METADATA.md docs/img/meta_example.png docs/img/meta_channels.png scripts/prepare-data.sh data
