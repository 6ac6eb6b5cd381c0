"""Bad input from Python is a clear exception, never a crash: wrong dtypes,
non-contiguous arrays and wrong shapes are refused in Python (TypeError,
ValueError) before C sees a pointer; library failures are MedchaosError with
the library's code, symbol and message; and the library is found as documented."""
import os
import subprocess
import sys

import numpy as np
import pytest

import medchaos
from medchaos import chaos, metrics

from conftest import SRCDIR, random_image

P = chaos.Params("logistic", 3.99, 0.3)
GOOD = random_image((20, 24), np.uint8)

ONE_IMAGE = [metrics.entropy, metrics.chi_square, metrics.correlation, metrics.histogram,
             lambda a: metrics.local_entropy(a, 1, 4), lambda a: chaos.encrypt(a, P),
             lambda a: chaos.decrypt(a, P), lambda a: medchaos.image.write("/nonexistent/x.png", a)]
TWO_IMAGES = [metrics.npcr_uaci, metrics.mse_psnr, medchaos.analyze]

BAD = [
    ("float32", GOOD.astype(np.float32), TypeError, "dtype"),
    ("int16", GOOD.astype(np.int16), TypeError, "dtype"),
    ("bool", GOOD > 100, TypeError, "dtype"),
    ("uint32", GOOD.astype(np.uint32), TypeError, "dtype"),
    ("list", GOOD.tolist(), TypeError, "ndarray"),
    ("1-D", GOOD.ravel(), ValueError, "shape"),
    ("4-D", GOOD[None, :, :, None], ValueError, "shape"),
    ("5 channels", np.zeros((4, 4, 5), np.uint8), ValueError, "shape"),
    ("column slice", GOOD[:, ::2], ValueError, "contiguous"),
    ("transpose", np.zeros((6, 8, 3), np.uint8).transpose(1, 0, 2), ValueError, "contiguous"),
    ("fortran", np.asfortranarray(GOOD), ValueError, "contiguous"),
]


@pytest.mark.parametrize("f", ONE_IMAGE + TWO_IMAGES, ids=lambda f: getattr(f, "__name__", "lambda"))
@pytest.mark.parametrize("name,bad,exc,word", BAD, ids=[b[0] for b in BAD])
def test_bad_arrays_raise_before_reaching_c(f, name, bad, exc, word):
    with pytest.raises(exc, match=word):
        f(bad, GOOD) if f in TWO_IMAGES else f(bad)
    if f in TWO_IMAGES:
        with pytest.raises(exc, match=word):
            f(GOOD, bad)


def test_empty_image_is_a_library_format_error():
    with pytest.raises(medchaos.MedchaosError) as e:
        metrics.entropy(np.zeros((0, 4), np.uint8))
    assert e.value.name == "MC_E_FORMAT"


def test_pairs_of_different_geometry_are_a_mismatch():
    for other in (GOOD[:10].copy(), GOOD.astype(np.uint16), np.stack([GOOD] * 3, axis=2)):
        with pytest.raises(medchaos.MedchaosError) as e:
            metrics.npcr_uaci(GOOD, other)
        assert e.value.name == "MC_E_MISMATCH" and e.value.code == 13


def test_errors_carry_code_name_message_and_where(tmp_path):
    with pytest.raises(medchaos.MedchaosError) as e:
        medchaos.image.read(tmp_path / "absent.png")
    err = e.value
    assert (err.code, err.name) == (3, "MC_E_IO") and err.where.endswith("absent.png")
    assert err.message and err.message in str(err) and "absent.png" in str(err)
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(medchaos.MedchaosError) as e:
        medchaos.image.read(tmp_path / "text.png")
    assert e.value.name == "MC_E_FORMAT"
    medchaos.image.write(tmp_path / "a.png", GOOD)
    with pytest.raises(medchaos.MedchaosError) as e:
        medchaos.image.write(tmp_path / "a.png", GOOD)
    assert e.value.name == "MC_E_EXISTS"
    medchaos.image.write(tmp_path / "a.png", GOOD, force=True)


def test_a_failure_never_shows_an_older_message():
    with pytest.raises(medchaos.MedchaosError):
        chaos.Params("logistic", 3.5, 0.3)
    with pytest.raises(medchaos.MedchaosError) as e:
        metrics.local_entropy(random_image((20, 20), np.uint16))
    assert "3.5" not in e.value.message and "8-bit" in e.value.message and e.value.name == "MC_E_UNSUPPORTED"


def test_local_entropy_needs_enough_tiles():
    with pytest.raises(medchaos.MedchaosError) as e:
        metrics.local_entropy(GOOD)
    assert e.value.name == "MC_E_ARG"
    r = medchaos.analyze(GOOD, GOOD)  # the report says why and goes on, as the command does
    assert "error" in r["cipher_stats"]["local_entropy"]


def test_bad_sizes_and_params_raise():
    with pytest.raises(ValueError):
        chaos.keys(P, 0, 4)
    with pytest.raises(ValueError):
        chaos.orbit(P, 0)
    with pytest.raises(TypeError):
        chaos.encrypt(GOOD, (3.99, 0.3))
    with pytest.raises(ValueError):
        metrics.histogram(GOOD, channel=1)
    with pytest.raises(ValueError):
        metrics.key_space((0, 3))
    with pytest.raises(ValueError):
        metrics.key_space((4, 3), depth=12)


def run_import(env):
    code = "import medchaos; print(medchaos.LIBRARY_PATH)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, **env))


def test_medchaos_lib_is_used_when_set_and_a_wrong_one_is_a_clear_import_error():
    p = run_import({"MEDCHAOS_LIB": os.environ.get("MEDCHAOS_LIB", medchaos.LIBRARY_PATH)})
    assert p.returncode == 0, p.stderr
    p = run_import({"MEDCHAOS_LIB": "/nonexistent/libmedchaos.so"})
    assert p.returncode != 0 and "MEDCHAOS_LIB" in p.stderr and "/nonexistent/libmedchaos.so" in p.stderr


def test_build_tree_library_is_found_without_medchaos_lib():
    here = os.path.join(SRCDIR, ".libs", "libmedchaos.so")
    if not os.path.exists(here):
        pytest.skip("not an in-tree build (VPATH): the library is not under the sources")
    env = {k: v for k, v in os.environ.items() if k != "MEDCHAOS_LIB"}
    env["PYTHONPATH"] = os.path.join(SRCDIR, "python")
    p = subprocess.run([sys.executable, "-c", "import medchaos; print(medchaos.LIBRARY_PATH)"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0 and os.path.samefile(p.stdout.strip(), here), p.stderr


def test_garbage_files_and_envelopes_raise_never_crash(tmp_path):
    """Random and truncated inputs through every reader reachable from Python:
    each is a MedchaosError (in this process: a crash would end the test run)."""
    rng = np.random.default_rng(21)
    medchaos.image.write(tmp_path / "ok.png", GOOD)
    cipher, env = medchaos.seal(GOOD, P, os.path.join(SRCDIR, "tests", "data", "keys", "a2048.pub.pem"))
    good_png = (tmp_path / "ok.png").read_bytes()
    blobs = [rng.bytes(int(n)) for n in rng.integers(0, 400, 40)]
    blobs += [good_png[:n] for n in (8, 33, 60, len(good_png) - 1)] + [env[:n] for n in (8, 20, 100, len(env) - 1)]
    blobs += [b"MEDCHAOS" + rng.bytes(200), b"\x89PNG\r\n\x1a\n" + rng.bytes(100), b"\xff\xd8\xff" + rng.bytes(100)]
    for i, b in enumerate(blobs):
        f = tmp_path / ("blob%d" % i)
        f.write_bytes(b)
        for reader in (medchaos.image.read, medchaos.read_header, medchaos.nn.load_safetensors, medchaos.meta.show):
            try:
                reader(f)
            except medchaos.MedchaosError as e:
                assert e.code > 0 and e.message
        try:
            medchaos.open_envelope(cipher, b, os.path.join(SRCDIR, "tests", "data", "keys", "a2048.pem"))
        except medchaos.MedchaosError as e:
            assert e.name in ("MC_E_FORMAT", "MC_E_TRUNCATED", "MC_E_VERSION", "MC_E_AUTH", "MC_E_KEY",
                              "MC_E_MISMATCH", "MC_E_UNSUPPORTED", "MC_E_TOO_LARGE"), e
