# mpi: medchaos-mpi, the encrypt/decrypt/train/analyze commands over MPI ranks (docs/MPI.md).
# Built only with ./configure --with-mpi; MPI's flags reach these files alone,
# never libmedchaos or medchaos. The commands themselves are src/cli's, but
# analyze (src/mpi/mpi_analyze.c: a data set to one CSV).
EXTRA_DIST += docs/MPI.md scripts/slurm-example.sh bench/mpi.sh
if WITH_MPI
bin_PROGRAMS += medchaos-mpi
medchaos_mpi_SOURCES = src/mpi/mpi_main.c src/mpi/mpi_gate.h src/mpi/mpi_share.h src/mpi/mpi_batch.c \
	src/mpi/mpi_analyze.c src/mpi/mpi_train.c \
	src/cli/cli.c src/cli/batch.c src/cli/guard.c src/cli/cmd_encrypt.c src/cli/cmd_decrypt.c src/cli/cmd_train.c \
	src/cli/dicom_cli.c
medchaos_mpi_CFLAGS = $(AM_CFLAGS) $(MPI_CFLAGS)
medchaos_mpi_LDADD = libmedchaos.la $(MPI_LIBS)
medchaos_mpi_LDFLAGS = $(OPENMP_CFLAGS)
bench_scripts += bench/mpi.sh
endif

# The test runs medchaos-mpi under mpirun when both exist, and skips otherwise.
check_PROGRAMS += tests/test_mpi
TESTS += tests/test_mpi
tests_test_mpi_SOURCES = tests/test_mpi.c tests/scratch.c tests/scratch.h
tests_test_mpi_LDADD = $(TEST_LIBS)
tests_test_mpi_CPPFLAGS = $(AM_CPPFLAGS) -DMC_MPIRUN='"$(MPIRUN)"'
if WITH_MPI
tests_test_mpi_CPPFLAGS += -DMC_WITH_MPI=1
tests_test_mpi_DEPENDENCIES = libmedchaos.la medchaos$(EXEEXT) medchaos-mpi$(EXEEXT)
else
tests_test_mpi_DEPENDENCIES = libmedchaos.la medchaos$(EXEEXT)
endif
