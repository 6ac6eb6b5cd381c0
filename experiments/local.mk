# experiments: the reproduction driver (make reproduce / reproduce-full) and the attacks.
noinst_PROGRAMS = experiments/reproduce experiments/uniqueness
experiments_reproduce_SOURCES = experiments/reproduce.c experiments/reproduce.h experiments/parts.h \
	experiments/repro_metrics.c experiments/repro_timing.c experiments/repro_security.c \
	experiments/repro_nist.c experiments/repro_figures.c experiments/table.c experiments/table.h \
	experiments/attacks/cpa.c experiments/attacks/cpa.h experiments/stats.c experiments/stats.h
experiments_reproduce_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/experiments -I$(top_srcdir)
experiments_reproduce_LDADD = libmedchaos.la -lm
# The network library's version for the trained-network cache (reproduce.c):
# a hash of the sources whose arithmetic a trained network depends on. Written
# again after every library build, replaced only when the hash changed.
BUILT_SOURCES = experiments/nn_version.h
experiments/reproduce-reproduce.$(OBJEXT): experiments/nn_version.h
CLEANFILES += experiments/nn_version.h
experiments/nn_version.h: libmedchaos.la
	@$(MKDIR_P) experiments
	@h=$$(cat $(top_srcdir)/src/nn/*.[ch] $(top_srcdir)/src/keynet/*.[ch] $(top_srcdir)/src/meta/render.c | \
	  sha256sum | cut -c1-12); \
	echo "#define REPRO_NN_VERSION \"$$h\"" > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

reproduce: experiments/reproduce$(EXEEXT) medchaos$(EXEEXT)
	./experiments/reproduce --quick --data $(top_srcdir)/data/prepared --out results
	$(SHELL) $(top_srcdir)/experiments/dieharder.sh ./medchaos results

reproduce-full: experiments/reproduce$(EXEEXT) medchaos$(EXEEXT)
	./experiments/reproduce --full --data $(top_srcdir)/data/prepared --out results-full
	$(SHELL) $(top_srcdir)/experiments/dieharder.sh ./medchaos results-full

# One key per image? (issue 15; docs/KEYGEN.md §5). Trains up to 60 small networks,
# one at a time, niced, on one thread; about 25 minutes (quick), many hours (full).
experiments_uniqueness_SOURCES = experiments/uniqueness.c experiments/uniq_count.c experiments/uniq_count.h \
	experiments/table.c experiments/table.h
experiments_uniqueness_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/experiments -I$(top_srcdir)
experiments_uniqueness_LDADD = libmedchaos.la -lm

uniqueness: experiments/uniqueness$(EXEEXT)
	OMP_NUM_THREADS=1 nice ./experiments/uniqueness --quick --out results

uniqueness-full: experiments/uniqueness$(EXEEXT)
	OMP_NUM_THREADS=1 nice ./experiments/uniqueness --full --out results-full

.PHONY: reproduce reproduce-full uniqueness uniqueness-full

# Tests of the experiment code itself: metric validation and the attack.
check_PROGRAMS += tests/test_validation tests/test_attack
TESTS += tests/test_validation tests/test_attack
tests_test_validation_SOURCES = tests/test_validation.c
tests_test_validation_LDADD = $(TEST_LIBS)
tests_test_attack_SOURCES = tests/test_attack.c experiments/attacks/cpa.c
tests_test_attack_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/experiments
tests_test_attack_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/test_uniqueness
TESTS += tests/test_uniqueness
tests_test_uniqueness_SOURCES = tests/test_uniqueness.c experiments/uniq_count.c experiments/uniq_count.h
tests_test_uniqueness_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
tests_test_uniqueness_LDADD = $(TEST_LIBS)
EXTRA_DIST += experiments/dieharder.sh
check_PROGRAMS += tests/test_stats
TESTS += tests/test_stats
tests_test_stats_SOURCES = tests/test_stats.c experiments/stats.c
tests_test_stats_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
tests_test_stats_LDADD = $(TEST_LIBS)
