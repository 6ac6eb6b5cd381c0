#!/usr/bin/env bash
# The README's test command (and .ci/run): install what is missing, build with
# warnings as errors, run the whole Criterion suite, print the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --mpi || exit 1
if [ ! -x configure ]; then autoreconf -fi || exit 1; fi
# MPI is part of the tested build (src/mpi, tests/test_mpi under mpirun -np 2).
# The suite tests exactly CI's configuration: a build configured otherwise (as
# scripts/setup.sh's plain ./configure) is configured again with these options.
ci_options=(--enable-werror --with-mpi)
configured_as_ci() {
  [ -f Makefile ] && [ -x config.status ] || return 1
  local have
  have=$(./config.status --config | tr -d "'") || return 1
  [ "$have" = "${ci_options[*]}" ]
}
if ! configured_as_ci; then
  [ -f Makefile ] && echo "test.sh: configuring again as CI does (${ci_options[*]}; was: $(./config.status --config 2>/dev/null))"
  ./configure "${ci_options[@]}" || exit 1
fi
make -j"$(nproc)" || exit 1
make -j"$(nproc)" check
status=$?
# Criterion ends each test log with "Synthesis: Tested: N | Passing: P | Failing: F | Crashing: C".
passed=0; failed=0
for log in tests/*.log; do
  [ -f "$log" ] || continue
  line=$(grep -a "Synthesis:" "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
    f=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$line")
    c=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f + c))
  elif ! grep -q "^:global-test-result: \(SKIP\|PASS\)" "${log%.log}.trs" 2>/dev/null; then
    failed=$((failed + 1))   # a test program that died before Criterion's summary
  fi
done
# Which arithmetic paths ran (tests/path_run.sh): the default run takes the
# fastest the processor offers; each path-*.sh log says what it ran or why not.
if [ -x tests/list_paths ]; then
  echo "arithmetic paths: default run with $(tests/list_paths | tr '\n' ' ')"
  for log in tests/path-*.log; do
    [ -f "$log" ] && grep -a -m1 "^path " "$log" | sed 's/^/  /'
  done
fi
[ $status -eq 0 ] || [ $failed -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
exit $status
