# crypto, symmetric half: AES (bitsliced and AES-NI), AES-CTR, AES-GCM (portable and PCLMULQDQ).
libmedchaos_la_SOURCES += src/crypto/cpu.c src/crypto/aes.c src/crypto/aes_ct.c \
	src/crypto/gcm.c src/crypto/gcm_ghash.c
medchaos_crypto_incdir = $(includedir)/medchaos/crypto
medchaos_crypto_inc_HEADERS = src/crypto/aes.h src/crypto/gcm.h src/crypto/cpu.h
noinst_HEADERS += src/crypto/aes_impl.h src/crypto/aes_ni.h src/crypto/gcm_ghash.h

# The AES-NI and PCLMULQDQ code needs -maes -msse4.1 -mpclmul, but only in these two
# files: everything else must run on any x86-64. A convenience library is automake's way
# to give files their own flags. cpu.c decides at run time whether they are called.
# Off x86 (or with --disable-x86-asm) they are not built and MC_NO_X86_ASM tells the C
# code (cpu.h: CPU_X86_PATHS) to compile only the portable paths.
if MC_X86
noinst_LTLIBRARIES += libaesni.la
libaesni_la_SOURCES = src/crypto/aes_ni.c src/crypto/gcm_clmul.c
libaesni_la_CFLAGS = $(AM_CFLAGS) -maes -msse4.1 -mpclmul
libmedchaos_la_LIBADD += libaesni.la
else
AM_CPPFLAGS += -DMC_NO_X86_ASM
endif

check_PROGRAMS += tests/test_aes tests/test_gcm
TESTS += tests/test_aes tests/test_gcm
tests_test_aes_SOURCES = tests/test_aes.c tests/crypto_vectors.c tests/crypto_vectors.h
tests_test_aes_LDADD = $(TEST_LIBS)
tests_test_gcm_SOURCES = tests/test_gcm.c tests/crypto_vectors.c tests/crypto_vectors.h
tests_test_gcm_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/vectors/aes/fips197_appendix_a.txt tests/vectors/aes/fips197_appendix_c.txt \
	tests/vectors/aes/sp800_38a_f2_cbc.txt \
	tests/vectors/aes/crosscheck_openssl.sh \
	tests/vectors/gcm/mcgrew_viega_tc1-18.txt tests/vectors/gcm/nist_cavp_aad_only.txt \
	tests/vectors/gcm/crosscheck_openssl.py

bench_programs += bench/bench_crypto_sym
bench_bench_crypto_sym_SOURCES = bench/bench_crypto_sym.c
bench_bench_crypto_sym_LDADD = libmedchaos.la

# Constant-time check (make ct-check-sym): run the ciphers under valgrind with the key
# and plaintext marked undefined, so any branch or address computed from them is an
# error. ct_check_sym_selftest is the same program plus a deliberately table-based
# S-box, which must be caught: it proves the check can fail.
EXTRA_PROGRAMS += tests/ct_check_sym tests/ct_check_sym_selftest
CLEANFILES += tests/ct_check_sym tests/ct_check_sym_selftest
tests_ct_check_sym_SOURCES = tests/ct_check_sym.c
tests_ct_check_sym_LDADD = libmedchaos.la
tests_ct_check_sym_selftest_SOURCES = tests/ct_check_sym.c
tests_ct_check_sym_selftest_CPPFLAGS = $(AM_CPPFLAGS) -DCT_CHECK_SELFTEST
tests_ct_check_sym_selftest_LDADD = libmedchaos.la

VALGRIND_CT = $(VALGRIND) -q --error-exitcode=1 --track-origins=yes
ct-check-sym: tests/ct_check_sym$(EXEEXT) tests/ct_check_sym_selftest$(EXEEXT)
	@test -n "$(VALGRIND)" || { echo "ct-check-sym: valgrind not found (apt-get install valgrind)"; exit 1; }
	@echo "== ct-check-sym: secrets must not steer branches or addresses"
	$(LIBTOOL) --mode=execute $(VALGRIND_CT) tests/ct_check_sym$(EXEEXT)
	@echo "== ct-check-sym self-test: a table-based S-box must be reported"
	@if $(LIBTOOL) --mode=execute $(VALGRIND_CT) tests/ct_check_sym_selftest$(EXEEXT) >/dev/null 2>&1; then \
	  echo "ct-check-sym: FAILED, valgrind missed the secret-indexed table"; exit 1; \
	else echo "ct-check-sym: self-test caught the table look-up, as it should"; fi
.PHONY: ct-check-sym
