#!/bin/sh
# docs/FORMAT.md §6, re-implemented in Python (tests/gen_hardened_vectors.py), must
# give the committed vectors that tests/test_pipeline.c checks the C code against.
# Exit 77 (automake: skipped) without python3.
py=${PYTHON3:-$(command -v python3)}
test -n "$py" || { echo "python3 not found: skipped"; exit 77; }
exec "$py" "${MC_SRCDIR:-.}/tests/gen_hardened_vectors.py" --check
