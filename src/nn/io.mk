# nn tensor files: safetensors and NumPy .npy readers/writers over a small strict JSON parser
# (included by the top Makefile.am after src/nn/local.mk).
libmedchaos_la_SOURCES += src/nn/json.c src/nn/json_write.c src/nn/safetensors.c src/nn/safetensors_write.c src/nn/npy.c
medchaos_nn_inc_HEADERS += src/nn/json.h src/nn/safetensors.h src/nn/npy.h
libmedchaos_la_SOURCES += src/nn/io_bytes.c
noinst_HEADERS += src/nn/io_bytes.h
check_PROGRAMS += tests/test_nn_io
TESTS += tests/test_nn_io
tests_test_nn_io_SOURCES = tests/test_nn_io.c
tests_test_nn_io_LDADD = $(TEST_LIBS)
# The fixtures directory is copied whole into the tarball; gen_io_fixtures.py remakes it.
EXTRA_DIST += tests/fixtures/io tests/gen_io_fixtures.py

# make fuzz-io: build the two libFuzzer harnesses with clang (ASan + UBSan) into
# build-fuzz/ and run each for FUZZ_SECONDS, seeded with the fixtures. Not part of
# make check; needs clang and libFuzzer's runtime (scripts/deps.sh --fuzz).
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_OUT = build-fuzz
fuzz_io_sources = src/nn/json.c src/nn/json_write.c src/nn/safetensors.c src/nn/safetensors_write.c src/nn/npy.c src/nn/io_bytes.c src/util/err.c src/util/file.c
EXTRA_DIST += fuzz/fuzz_safetensors.c fuzz/fuzz_npy.c fuzz/safetensors.dict fuzz/npy.dict
fuzz-io:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "fuzz-io: $(FUZZ_CC) not found (scripts/deps.sh --fuzz)"; exit 1; }
	@set -e; for t in safetensors npy; do \
	  case $$t in safetensors) seeds='st_*.safetensors';; npy) seeds='npy_*.npy';; esac; \
	  srcs=; for s in $(fuzz_io_sources); do srcs="$$srcs $(top_srcdir)/$$s"; done; \
	  mkdir -p $(FUZZ_OUT)/corpus_$$t; \
	  for s in $(top_srcdir)/tests/fixtures/io/$$seeds; do cp -f "$$s" $(FUZZ_OUT)/corpus_$$t/; done; \
	  echo "== fuzz_$$t: building"; \
	  $(FUZZ_CC) -g -O1 -std=c11 -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -I$(top_srcdir)/src $(top_srcdir)/fuzz/fuzz_$$t.c $$srcs \
	    -o $(FUZZ_OUT)/fuzz_$$t -lm; \
	  echo "== fuzz_$$t: running $(FUZZ_SECONDS) s"; \
	  $(FUZZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -dict=$(top_srcdir)/fuzz/$$t.dict -artifact_prefix=$(FUZZ_OUT)/ $(FUZZ_OUT)/corpus_$$t; \
	done
.PHONY: fuzz-io
