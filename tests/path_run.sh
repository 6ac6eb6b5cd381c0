# Runs test programs once more on one arithmetic path, so that every path the
# processor offers is checked against the same independent references as the
# default one (PyTorch fixtures, standards' vectors, OpenSSL). Sourced by the
# tests/path-*.sh wrappers, which set:
#   PATH_NAME   the path's name, PATH_ENV the variables that select it,
#   PATH_NEEDS  a shell condition on the features tests/list_paths prints
#               (nn_avx512, aesni, pclmul, sha_ni, ifma) under which the path
#               differs from the default run, PATH_WHY why it is skipped else,
#   PATH_PROGS  the test programs to rerun.
# Prints "path NAME: ..." (scripts/test.sh lists these lines), each program's
# Criterion report, and one combined Synthesis line; exit 77 (skip) when this
# processor has no such path.
set -u
b=${MC_BUILDDIR:-.}
eval "$("$b/tests/list_paths")"
if ! eval "$PATH_NEEDS"; then
  echo "path $PATH_NAME: not run here ($PATH_WHY)"
  exit 77
fi
echo "path $PATH_NAME: $PATH_ENV on $(echo $PATH_PROGS)"
tested=0; passing=0; failing=0; crashing=0; status=0
for p in $PATH_PROGS; do
  out=$(env $PATH_ENV "$b/tests/$p" 2>&1); st=$?
  printf '%s\n' "$out" | sed "s|^|$p: |"
  line=$(printf '%s\n' "$out" | grep -a "Synthesis:" | tail -n 1)
  if [ -z "$line" ]; then
    echo "$p: died before its summary (exit $st)"; crashing=$((crashing + 1)); status=1; continue
  fi
  n() { sed -n "s/.*$1: \([0-9]*\).*/\1/p" <<<"$line"; }
  tested=$((tested + $(n Tested))); passing=$((passing + $(n Passing)))
  failing=$((failing + $(n Failing))); crashing=$((crashing + $(n Crashing)))
  [ $st -eq 0 ] || status=1
done
echo "[====] Synthesis: Tested: $tested | Passing: $passing | Failing: $failing | Crashing: $crashing "
exit $status
