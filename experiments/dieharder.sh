#!/usr/bin/env bash
# A second opinion on the keystreams: the dieharder battery (Debian package
# dieharder) on 100 MB of each map's keystream, written by
# `medchaos nist --keystream ... --write`. Only tests whose appetite stays well
# below 100 MB are run, so the file is never rewound (a rewound file repeats
# data and invalidates the test). Output: OUT/dieharder.md.
# Usage: experiments/dieharder.sh MEDCHAOS OUTDIR
set -euo pipefail
mc=${1:-./medchaos}; out=${2:-results}
command -v dieharder >/dev/null || { echo "dieharder not installed (apt-get install dieharder): skipped"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
{
  echo "### dieharder on the keystreams (100 MB per map, tests that need less than the file)"
  echo
  echo "| map | test | p-value | assessment |"
  echo "|---|---|---|---|"
  for spec in logistic:3.99,0.3141592653589793 lorenz:1,1,20; do
    "$mc" nist --keystream "$spec" --bits 800000000 --streams 1 --write "$tmp/ks.bin"
    # 0 birthdays, 2 32x32 rank, 3 6x8 rank, 8 count-1s stream, 15 runs, 100-102 sts monobit/runs/serial
    for d in 0 2 3 8 15 100 101; do
      dieharder -g 201 -f "$tmp/ks.bin" -d "$d" 2>/dev/null | awk -F'|' -v map="${spec%%:*}" '
        /^ *[a-z_]+ *\|/ && $5 ~ /[0-9]/ { gsub(/ /, "", $1); gsub(/ /, "", $5); gsub(/ /, "", $6);
          printf "| %s | %s | %s | %s |\n", map, $1, $5, $6 }'
    done
  done
  echo
  echo "dieharder's assessment: PASSED, WEAK (p outside [0.005, 0.995]) or FAILED (p outside [1e-6, 1-1e-6])."
  echo "One WEAK in a few dozen p-values is expected by chance."
} > "$out/dieharder.md"
cat "$out/dieharder.md"
