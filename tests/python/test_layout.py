"""Every ctypes structure of the package has the size and field offsets of its
C struct (tests/py_layout prints them from the headers): a field added on one
side fails here instead of shifting every value after it."""
import ctypes
import json
import os
import subprocess

import pytest

from medchaos import chaos, envelope, meta, metrics, nist, nn
from medchaos._lib import Image

TWINS = {"img_image": Image, "metric_value": metrics._Value, "metric_diff": metrics._Diff,
         "metric_wu_critical": metrics._WuCritical, "metric_wu_verdict": metrics._WuVerdict,
         "metric_entropy_result": metrics._Entropy, "metric_chi2_result": metrics._Chi2,
         "metric_local_entropy_result": metrics._LocalEntropy, "metric_correlation_result": metrics._Correlation,
         "metric_fidelity": metrics._Fidelity, "chaos_params": chaos._CParams, "keymat": chaos._Keymat,
         "keysrc_opts": chaos._KeysrcOpts, "keysrc": chaos._Keysrc, "envelope_header": envelope._Header,
         "meta_record": meta._Record, "meta_found": meta._Found, "meta_scan": meta._Scan,
         "meta_options": meta._Options, "nist_result": nist._Result, "nist_report": nist._Report,
         "nist_summary": nist._Summary, "nn_named_tensor": nn._Named, "nn_tensor_file": nn._File}
RENAMED = {"pass": "pass_"}  # Python keywords


@pytest.fixture(scope="module")
def layout():
    exe = os.environ.get("MEDCHAOS_LAYOUT", "")
    if not os.access(exe, os.X_OK):
        pytest.skip("tests/py_layout not built (make check builds it)")
    return json.loads(subprocess.check_output([exe]))


def test_every_mirrored_struct_is_listed(layout):
    assert set(layout) == set(TWINS)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_ctypes_twin_has_the_c_layout(name, layout):
    twin, c = TWINS[name], layout[name]
    assert ctypes.sizeof(twin) == c["size"], name
    for field, off in c["fields"].items():
        assert getattr(twin, RENAMED.get(field, field)).offset == off, (name, field)
