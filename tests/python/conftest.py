"""Shared fixtures of the Python package's tests: where the command, the
sources and the test data are, a runner for the command, and small images
in every layout the library takes."""
import importlib.util
import json
import os
import subprocess

import numpy as np
import pytest

# SciPy serves the references that need more than math and NumPy.
HAVE_SCIPY = importlib.util.find_spec("scipy") is not None
needs_scipy = pytest.mark.skipif(not HAVE_SCIPY, reason="SciPy absent (apt-get install python3-scipy)")

import medchaos

SRCDIR = os.path.abspath(os.environ.get("MC_SRCDIR", os.path.join(os.path.dirname(__file__), "..", "..")))
CLI = os.environ.get("MEDCHAOS_CLI", os.path.join(SRCDIR, "medchaos"))
KEYS = os.path.join(SRCDIR, "tests", "data", "keys")
CT = os.path.join(SRCDIR, "data", "prepared", "paper", "ct_ct1_581x476.png")


def src(*parts):
    return os.path.join(SRCDIR, *parts)


@pytest.fixture(scope="session")
def cli():
    """Run the medchaos command; returns stdout (text), or the CompletedProcess with check=False."""
    if not os.access(CLI, os.X_OK):
        pytest.skip("the medchaos command is not built (%s)" % CLI)

    def run(*args, check=True, text=True):
        p = subprocess.run([CLI] + [a if isinstance(a, str) else str(a) if isinstance(a, (int, float)) else os.fspath(a) for a in args], capture_output=True, text=text)
        if not check:
            return p
        assert p.returncode == 0, "medchaos %s: exit %d: %s" % (" ".join(map(str, args)), p.returncode, p.stderr)
        return p.stdout

    run.json = lambda *args: json.loads(run(*args))
    return run


def random_image(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, np.iinfo(dtype).max + 1, size=shape, dtype=dtype)


def smooth_image(shape, dtype, seed=0):
    """A plain-looking image: a gradient with a little noise, so correlations are high."""
    rng = np.random.default_rng(seed)
    h, w = shape[:2]
    top = np.iinfo(dtype).max
    g = (np.add.outer(np.arange(h), np.arange(w)) / (h + w - 2) * top * 0.8).astype(np.float64)
    if len(shape) == 3:
        g = np.repeat(g[:, :, None], shape[2], axis=2) * np.linspace(0.6, 1.0, shape[2])
    g += rng.normal(0, top * 0.02, size=shape)
    return np.clip(g, 0, top).astype(dtype)


# Layouts: (name, shape, dtype). 264 = 6 tiles of 44: local entropy applies to 8-bit ones.
LAYOUTS = [("gray8", (264, 270), np.uint8), ("rgb8", (264, 264, 3), np.uint8),
           ("graya8", (48, 40, 2), np.uint8), ("gray16", (64, 72), np.uint16),
           ("rgba16", (40, 36, 4), np.uint16)]
LAYOUT_IDS = [l[0] for l in LAYOUTS]


@pytest.fixture(params=LAYOUTS, ids=LAYOUT_IDS)
def layout(request):
    return request.param


@pytest.fixture
def pair(layout, tmp_path):
    """(plain, cipher, plain.png, cipher.png) of one layout: a smooth plain
    image and a uniformly random 'cipher' image, both also written as PNG."""
    name, shape, dtype = layout
    plain, cipher = smooth_image(shape, dtype, 1), random_image(shape, dtype, 2)
    pp, cp = tmp_path / ("%s_plain.png" % name), tmp_path / ("%s_cipher.png" % name)
    medchaos.image.write(pp, plain)
    medchaos.image.write(cp, cipher)
    return plain, cipher, pp, cp
