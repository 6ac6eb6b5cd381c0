# make fuzz: the libFuzzer harnesses of every reader, built with clang (ASan +
# UBSan) into build-fuzz/, each run for FUZZ_SECONDS, then the tensor-file
# harnesses (make fuzz-io, src/nn/io.mk). The library is compiled once into
# build-fuzz/lib.a (objects rebuilt when their source or any header is newer);
# each harness links it. Seeds: the committed fuzz/corpus/NAME
# (written by fuzz/make_corpus.py) and the test fixtures. Needs clang and
# libFuzzer's runtime: scripts/deps.sh --fuzz. A crash leaves its input in
# build-fuzz/crash-*; such inputs become regression tests.
#   envelope  the key envelope (src/pipeline/envelope.c)
#   pem       PEM / DER / Base64 keys, encrypted PKCS#8 included (src/crypto)
#   image     the PNG and JPEG readers (src/image)
#   exif      EXIF through libexif, from a PNG eXIf payload or a JPEG (src/meta/exif.c)
#   pngtext   PNG tEXt/zTXt/iTXt/eXIf chunks (src/meta/pngread.c)
#   datetime  EXIF/ISO/RFC 1123/DICOM date strings (src/meta/datetime.c, scan.c)
#   cli       the command line of every subcommand (src/cli)
#   dicom     DICOM Part 10 files through src/dicom (GDCM, not instrumented, linked with the C++
#             runtime; run without leak detection: GDCM's JPEG 2000 path leaks on corrupt
#             codestreams, and an assertion caught by src/dicom's abort guard leaks by design)
FUZZ_LIB_TARGETS = envelope pem image exif pngtext datetime cli dicom
FUZZ_CXX = clang++
fuzz_corpus = fuzz/corpus/pem/encrypted_pkcs8.pem fuzz/corpus/pem/leading_text.pem \
	fuzz/corpus/pem/traditional_encrypted.pem \
	fuzz/corpus/exif/exif_tiff.bin fuzz/corpus/exif/exif_prefixed.bin fuzz/corpus/exif/gray_exif.jpg \
	fuzz/corpus/pngtext/text_before_idat.png fuzz/corpus/pngtext/text_after_idat.png \
	fuzz/corpus/pngtext/exif_and_text.png fuzz/corpus/envelope/sealed_v2.bin fuzz/corpus/envelope/origin_record.bin \
	fuzz/corpus/envelope/compact_v2.key fuzz/corpus/datetime/seed0.txt fuzz/corpus/datetime/seed1.txt \
	fuzz/corpus/datetime/seed2.txt fuzz/corpus/datetime/seed3.txt fuzz/corpus/datetime/seed4.txt \
	fuzz/corpus/datetime/seed5.txt fuzz/corpus/cli/encrypt.txt fuzz/corpus/cli/decrypt.txt \
	fuzz/corpus/cli/meta.txt fuzz/corpus/cli/keygen.txt fuzz/corpus/cli/analyze.txt \
	fuzz/corpus/cli/nist.txt fuzz/corpus/cli/train.txt fuzz/corpus/cli/inspect.txt
EXTRA_DIST += fuzz/fuzz_envelope.c fuzz/fuzz_pem.c fuzz/fuzz_image.c fuzz/fuzz_exif.c fuzz/fuzz_pngtext.c \
	fuzz/fuzz_datetime.c fuzz/fuzz_cli.c fuzz/fuzz_dicom.c fuzz/make_corpus.py fuzz/local.mk $(fuzz_corpus)
FUZZ_CFLAGS = -g -O1 -std=c11 -D_DEFAULT_SOURCE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -Wno-unknown-pragmas -maes -msse4.1 -mpclmul -msha -mssse3 \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -I$(top_srcdir)/src -I$(top_builddir) \
	$(OPENBLAS_CFLAGS) $(PNG_CFLAGS) $(GMP_CFLAGS) $(JPEG_CFLAGS) $(EXIF_CFLAGS)
FUZZ_LDLIBS = $(OPENBLAS_LIBS) $(PNG_LIBS) $(GMP_LIBS) $(JPEG_LIBS) $(EXIF_LIBS) $(GDCM_LIBS) $(ZLIB_LIBS) -lstdc++ -lm

fuzz: fuzz-lib fuzz-io

# The command-line harness also needs the commands (medchaos_SOURCES); its
# main() is renamed so the harness can call it (fuzz/fuzz_cli.c).
fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "fuzz: $(FUZZ_CC) not found (scripts/deps.sh --fuzz)"; exit 1; }
	@set -e; mkdir -p $(FUZZ_OUT)/obj; rm -f $(FUZZ_OUT)/lib.a $(FUZZ_OUT)/cli.a; \
	echo "== fuzz: compiling the library with ASan + UBSan"; \
	stale() { test ! -f "$$2" || test "$$1" -nt "$$2" || test -n "`find $(top_srcdir)/src -name '*.h' -newer "$$2" | head -1`"; }; \
	for s in $(filter %.c,$(libmedchaos_la_SOURCES) $(libaesni_la_SOURCES)); do \
	  o=$(FUZZ_OUT)/obj/`echo $$s | tr / _`.o; \
	  if stale $(top_srcdir)/$$s $$o; then $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $(top_srcdir)/$$s -o $$o; fi; \
	  ar rc $(FUZZ_OUT)/lib.a $$o; \
	done; \
	for s in $(filter %.cc,$(libmedchaos_la_SOURCES)); do \
	  o=$(FUZZ_OUT)/obj/`echo $$s | tr / _`.o; \
	  if stale $(top_srcdir)/$$s $$o; then $(FUZZ_CXX) -g -O1 -std=c++17 -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize=vptr,function -fno-sanitize-recover=undefined -I$(top_srcdir)/src -I$(top_builddir) $(GDCM_CFLAGS) \
	    -c $(top_srcdir)/$$s -o $$o; fi; \
	  ar rc $(FUZZ_OUT)/lib.a $$o; \
	done; \
	for s in $(filter %.c,$(medchaos_SOURCES)); do \
	  o=$(FUZZ_OUT)/obj/`echo $$s | tr / _`.o; \
	  if stale $(top_srcdir)/$$s $$o; then $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Dmain=medchaos_main -c $(top_srcdir)/$$s -o $$o; fi; \
	  ar rc $(FUZZ_OUT)/cli.a $$o; \
	done; \
	for t in $(FUZZ_LIB_TARGETS); do \
	  extra=; test $$t = cli && extra="$(FUZZ_OUT)/cli.a -Wl,--allow-multiple-definition"; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(top_srcdir)/fuzz/fuzz_$$t.c $$extra $(FUZZ_OUT)/lib.a \
	    -o $(FUZZ_OUT)/fuzz_$$t $(FUZZ_LDLIBS); \
	done

fuzz-lib: fuzz-build
	@set -e; for t in $(FUZZ_LIB_TARGETS); do \
	  mkdir -p $(FUZZ_OUT)/corpus_$$t; \
	  if test -d $(top_srcdir)/fuzz/corpus/$$t; then cp -f $(top_srcdir)/fuzz/corpus/$$t/* $(FUZZ_OUT)/corpus_$$t/; fi; \
	  case $$t in \
	    pem) cp -f $(top_srcdir)/tests/data/keys/*.pem $(top_srcdir)/tests/vectors/pem/*.pem $(FUZZ_OUT)/corpus_$$t/ ;; \
	    envelope) cp -f $(top_srcdir)/tests/data/envelope_v1/*.key $(FUZZ_OUT)/corpus_$$t/ ;; \
	    image|pngtext) cp -f $(top_srcdir)/tests/data/image/*.png $(top_srcdir)/tests/data/image/*.jpg $(FUZZ_OUT)/corpus_$$t/ ;; \
	    dicom) cp -f $(top_srcdir)/tests/data/dicom/*.dcm $(FUZZ_OUT)/corpus_$$t/ ;; \
	  esac; \
	  leaks=; test $$t != dicom || leaks=ASAN_OPTIONS=detect_leaks=0; \
	  quiet=; test $$t = cli && quiet=-close_fd_mask=3; \
	  echo "== fuzz_$$t: running $(FUZZ_SECONDS) s"; \
	  env $$leaks $(FUZZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    $$quiet -artifact_prefix=`cd $(FUZZ_OUT) && pwd`/ `cd $(FUZZ_OUT)/corpus_$$t && pwd`; \
	done

.PHONY: fuzz fuzz-lib fuzz-build
