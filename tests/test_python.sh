#!/bin/sh
# The medchaos Python package's tests (tests/python, pytest) against the library
# and the command of this build tree. Exit 77 (skipped, with the reason in the
# log) when configure found no Python or it lacks NumPy or pytest. The log ends
# with a Criterion-style "Synthesis:" line, which scripts/test.sh adds up.
srcdir=${MC_SRCDIR:-.}
builddir=${MC_BUILDDIR:-.}
py=${PYTHON:-python3}
if [ "$py" = ":" ] || ! command -v "$py" >/dev/null 2>&1; then
  echo "SKIP: no Python 3 (configure found none; apt-get install python3 python3-numpy python3-pytest)"
  exit 77
fi
for mod in numpy pytest; do
  if ! "$py" -c "import $mod" >/dev/null 2>&1; then
    echo "SKIP: $py cannot import $mod (apt-get install python3-$mod)"
    exit 77
  fi
done
PYTHONPATH="$srcdir/python${PYTHONPATH:+:$PYTHONPATH}"
MEDCHAOS_LIB="$builddir/.libs/libmedchaos.so"
MEDCHAOS_CLI="$builddir/medchaos"
MEDCHAOS_LAYOUT="$builddir/tests/py_layout"
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH MEDCHAOS_LIB MEDCHAOS_CLI MEDCHAOS_LAYOUT PYTHONDONTWRITEBYTECODE
xml="$builddir/tests/test_python.xml"
"$py" -m pytest -p no:cacheprovider -rs -v --junitxml="$xml" "$srcdir/tests/python"
rc=$?
"$py" - "$xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print("Synthesis: no pytest report (%s)" % e)
    sys.exit(0)
s = root if root.tag == "testsuite" else root.find("testsuite")
n, f, e, k = (int(s.get(a, 0)) for a in ("tests", "failures", "errors", "skipped"))
print("Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d" % (n - k, n - k - f - e, f, e))
PY
exit $rc
