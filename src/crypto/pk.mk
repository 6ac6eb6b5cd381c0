# crypto, public-key half: SHA-256, HMAC, randomness, RSA-OAEP on GMP, DER/PEM keys.
# The SHA-NI compression (sha256_ni.c) and the AVX-512 IFMA exponentiation (rsa_ifma.c)
# enable their instructions with per-function target attributes, so they need no
# special flags and are only run when CPUID reports the instructions.
libmedchaos_la_SOURCES += src/crypto/sha256.c src/crypto/sha256_ni.c src/crypto/sha256_impl.h \
	src/crypto/hmac.c src/crypto/random.c \
	src/crypto/rsa_key.c src/crypto/rsa_keygen.c src/crypto/rsa_core.c src/crypto/rsa_impl.h src/crypto/ct.h \
	src/crypto/rsa_ifma.c src/crypto/rsa_ifma.h src/crypto/oaep.c src/crypto/der.c src/crypto/base64.c src/crypto/rsa_der.c src/crypto/pem.c \
	src/crypto/pbkdf2.c src/crypto/pbes2.c
medchaos_crypto_inc_HEADERS += src/crypto/sha256.h src/crypto/hmac.h src/crypto/random.h \
	src/crypto/rsa.h src/crypto/pem.h src/crypto/der.h src/crypto/base64.h src/crypto/rsa_der.h \
	src/crypto/pbkdf2.h src/crypto/pbes2.h

medchaos_SOURCES += src/cli/cmd_keygen.c

check_PROGRAMS += tests/test_sha256 tests/test_rsa tests/test_pem
TESTS += tests/test_sha256 tests/test_rsa tests/test_pem
tests_test_sha256_SOURCES = tests/test_sha256.c tests/pk_vectors.c tests/pk_vectors.h
tests_test_sha256_LDADD = $(TEST_LIBS)
tests_test_rsa_SOURCES = tests/test_rsa.c tests/pk_vectors.c tests/pk_vectors.h
tests_test_rsa_LDADD = $(TEST_LIBS) $(GMP_LIBS)
tests_test_pem_SOURCES = tests/test_pem.c tests/pk_vectors.c tests/pk_vectors.h
tests_test_pem_LDADD = $(TEST_LIBS) $(GMP_LIBS)

EXTRA_DIST += tests/vectors/sha256/fips180-4_examples.txt tests/vectors/hmac/rfc4231.txt \
	tests/vectors/pbkdf2/rfc7914_and_published.txt \
	tests/vectors/oaep/wycheproof_2048_sha256.txt tests/vectors/oaep/wycheproof_2048_sha256.pem \
	tests/vectors/pem/openssl_2048.pem tests/vectors/pem/openssl_2048.pub.pem \
	tests/vectors/pem/openssl_1024.pem tests/vectors/pem/openssl_1024.pub.pem \
	tests/vectors/pem/rfc4648_base64.txt tests/vectors/pem/README.md tests/vectors/pem/passphrase.txt \
	tests/vectors/pem/openssl_2048_pbes2_aes256.pem tests/vectors/pem/openssl_2048_pbes2_aes128.pem \
	tests/vectors/pem/openssl_2048_traditional_aes256.pem tests/vectors/pem/openssl_2048_pkcs12_3des.pem \
	tests/vectors/pem/openssl_2048_3prime.pem tests/vectors/pem/openssl_p256_ec.pem

bench_programs += bench/bench_crypto_pk
bench_bench_crypto_pk_SOURCES = bench/bench_crypto_pk.c
bench_bench_crypto_pk_LDADD = libmedchaos.la $(GMP_LIBS)

# ct-check-rsa: RSA-OAEP encryption and decryption under valgrind memcheck with the
# private values, the plaintext and all random bytes marked undefined; memcheck reports
# every branch or memory address computed from them. The crypto sources are compiled
# into the checker with -DMC_CT_CHECK (ct.h) so that public verdicts are declassified.
# Pass 1 marks d, dP, dQ, qInv, the message and the randomness: it must be clean (fails
# the target otherwise). Pass 2 also marks p and q, which are moduli inside GMP; its
# findings are printed as a summary and documented in rsa_core.c, not treated as failure.
EXTRA_PROGRAMS += tests/test_ct_rsa
tests_test_ct_rsa_SOURCES = tests/test_ct_rsa.c src/crypto/sha256.c src/crypto/sha256_ni.c src/crypto/random.c \
	src/crypto/rsa_key.c src/crypto/rsa_core.c src/crypto/rsa_ifma.c src/crypto/cpu.c src/crypto/oaep.c \
	src/crypto/der.c src/crypto/base64.c src/crypto/rsa_der.c src/crypto/pem.c src/crypto/pbkdf2.c src/crypto/pbes2.c \
	src/crypto/aes.c src/crypto/aes_ct.c src/util/err.c src/util/file.c src/util/secure.c
tests_test_ct_rsa_CPPFLAGS = $(AM_CPPFLAGS) -DMC_CT_CHECK
tests_test_ct_rsa_LDADD = $(GMP_LIBS)
if MC_X86
tests_test_ct_rsa_LDADD += libaesni.la
endif
CLEANFILES += tests/test_ct_rsa
CT_RSA_VG = $(VALGRIND) --tool=memcheck --error-limit=no --num-callers=8
ct-check-rsa: tests/test_ct_rsa$(EXEEXT)
	@if test -z "$(VALGRIND)"; then echo "ct-check-rsa: valgrind not found (apt-get install valgrind)"; exit 1; fi
	@echo "ct-check-rsa pass 1: secret exponents, CRT coefficient, message, randomness"
	$(CT_RSA_VG) --error-exitcode=3 ./tests/test_ct_rsa$(EXEEXT) $(abs_top_srcdir)/tests/vectors/pem/openssl_2048.pem
	@echo "ct-check-rsa pass 2: also the primes p, q (moduli inside GMP); findings by GMP function:"
	@$(CT_RSA_VG) ./tests/test_ct_rsa$(EXEEXT) $(abs_top_srcdir)/tests/vectors/pem/openssl_2048.pem primes 2>&1 | \
	  awk '/== (Conditional|Use of)/ { kind = $$0; sub(/^==[0-9]+== /, "", kind); getline; \
	       sub(/^==[0-9]+== +at 0x[0-9A-F]+: /, ""); print "  " kind " in " $$0 } \
	       /ERROR SUMMARY/ { sub(/^==[0-9]+== /, ""); print "  " $$0 }' | sort | uniq -c
.PHONY: ct-check-rsa

# ct-time-ifma: the AVX-512 IFMA exponentiation is out of valgrind's reach (no AVX-512
# there), so this times it dudect-style on two exponent classes (Welch's t-test) beside
# mpz_powm, which must be caught (tests/ct_time_ifma.c). A timing check: run by hand,
# not by make check or ct-check, as shared machines can make it noisy.
EXTRA_PROGRAMS += tests/ct_time_ifma
tests_ct_time_ifma_SOURCES = tests/ct_time_ifma.c
tests_ct_time_ifma_LDADD = libmedchaos.la $(GMP_LIBS) -lm
CLEANFILES += tests/ct_time_ifma
ct-time-ifma: tests/ct_time_ifma$(EXEEXT)
	$(LIBTOOL) --mode=execute ./tests/ct_time_ifma$(EXEEXT)
.PHONY: ct-time-ifma
