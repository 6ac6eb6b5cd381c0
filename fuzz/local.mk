# make fuzz: the libFuzzer harnesses of the envelope, PEM, image and DICOM readers, built
# with clang (ASan + UBSan) from the library's sources into build-fuzz/, each run
# for FUZZ_SECONDS, then the tensor-file harnesses (make fuzz-io, src/nn/io.mk).
# Needs clang and libFuzzer's runtime: scripts/deps.sh --fuzz. A crash leaves its
# input in build-fuzz/crash-*; such inputs become regression tests.
EXTRA_DIST += fuzz/fuzz_envelope.c fuzz/fuzz_pem.c fuzz/fuzz_image.c fuzz/fuzz_dicom.c fuzz/local.mk
# The one C++ file (src/dicom/gdcm.cc) is compiled by FUZZ_CXX and linked with
# GDCM itself (not instrumented) and the C++ runtime. The DICOM harness runs
# without leak detection: GDCM's JPEG 2000 path leaks on corrupt codestreams,
# and an assertion caught by src/dicom's abort guard leaks by design.
FUZZ_CXX = clang++
FUZZ_TARGETS = envelope pem image dicom

fuzz: fuzz-lib fuzz-io

fuzz-lib:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "fuzz: $(FUZZ_CC) not found (scripts/deps.sh --fuzz)"; exit 1; }
	@set -e; srcs=; for s in $(filter %.c,$(libmedchaos_la_SOURCES) $(libaesni_la_SOURCES)); do srcs="$$srcs $(top_srcdir)/$$s"; done; \
	mkdir -p $(FUZZ_OUT); \
	cxxobjs=; for s in $(filter %.cc,$(libmedchaos_la_SOURCES)); do \
	  o=$(FUZZ_OUT)/$$(basename $$s .cc).o; cxxobjs="$$cxxobjs $$o"; \
	  $(FUZZ_CXX) -g -O1 -std=c++17 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr,function \
	    -fno-sanitize-recover=undefined -I$(top_srcdir)/src -I$(top_builddir) $(GDCM_CFLAGS) -c $(top_srcdir)/$$s -o $$o; \
	done; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_OUT)/corpus_$$t; \
	  case $$t in \
	    pem) cp -f $(top_srcdir)/tests/data/keys/*.pem $(FUZZ_OUT)/corpus_$$t/ ;; \
	    image) cp -f $(top_srcdir)/tests/data/image/*.png $(top_srcdir)/tests/data/image/*.jpg $(FUZZ_OUT)/corpus_$$t/ ;; \
	    dicom) cp -f $(top_srcdir)/tests/data/dicom/*.dcm $(FUZZ_OUT)/corpus_$$t/ ;; \
	  esac; \
	  echo "== fuzz_$$t: building"; \
	  $(FUZZ_CC) -g -O1 -std=c11 -D_DEFAULT_SOURCE -Wno-unknown-pragmas -maes -msse4.1 -mpclmul -msha -mssse3 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$(top_srcdir)/src -I$(top_builddir) \
	    $(OPENBLAS_CFLAGS) $(PNG_CFLAGS) $(GMP_CFLAGS) $(JPEG_CFLAGS) $(EXIF_CFLAGS) \
	    $(top_srcdir)/fuzz/fuzz_$$t.c $$srcs $$cxxobjs -o $(FUZZ_OUT)/fuzz_$$t \
	    $(OPENBLAS_LIBS) $(PNG_LIBS) $(GMP_LIBS) $(JPEG_LIBS) $(EXIF_LIBS) $(GDCM_LIBS) $(ZLIB_LIBS) -lstdc++ -lm; \
	  echo "== fuzz_$$t: running $(FUZZ_SECONDS) s"; \
	  leaks=; [ $$t != dicom ] || leaks=ASAN_OPTIONS=detect_leaks=0; \
	  env $$leaks $(FUZZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_OUT)/ $(FUZZ_OUT)/corpus_$$t; \
	done

.PHONY: fuzz fuzz-lib
