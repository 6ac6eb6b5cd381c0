#!/usr/bin/env bash
# The README's first command: install what is missing, bootstrap, configure,
# build, then run the main job (the quick reproduction on the bundled data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh "$@"
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
make reproduce
