# dicom: DICOM Part 10 files through GDCM (libgdcm-dev) behind a C interface
# (dicom.h); the only C++ file is gdcm.cc. Without GDCM, none.c refuses DICOM.
libmedchaos_la_SOURCES += src/dicom/dicom.c
if MC_GDCM
libmedchaos_la_SOURCES += src/dicom/gdcm.cc
else
libmedchaos_la_SOURCES += src/dicom/none.c
endif
EXTRA_DIST += src/dicom/gdcm.cc src/dicom/none.c docs/DICOM.md
medchaos_dicom_incdir = $(includedir)/medchaos/dicom
medchaos_dicom_inc_HEADERS = src/dicom/dicom.h
check_PROGRAMS += tests/test_dicom
TESTS += tests/test_dicom
tests_test_dicom_SOURCES = tests/test_dicom.c
tests_test_dicom_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/data/dicom tests/gen_dicom_fixtures.sh
