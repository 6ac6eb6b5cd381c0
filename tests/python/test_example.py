"""examples/score_my_cipher.py scores the bundled third-party pair, and that
pair is what examples/make_thirdparty_pair.py makes from the bundled X-ray."""
import os
import subprocess
import sys

import pytest

from conftest import src

DATA = src("examples", "data")
FILES = [os.path.join(DATA, f) for f in ("xray_plain.png", "xray_thirdparty_cipher.png",
                                          "xray_thirdparty_cipher_onepixel.png")]


def test_score_my_cipher_prints_the_table_with_verdicts():
    p = subprocess.run([sys.executable, src("examples", "score_my_cipher.py")] + FILES,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    for row in ("NPCR C1 vs C2", "UACI C1 vs C2", "local entropy, Wu 2013 table", "cipher diagonal r (all pairs)",
                "NonOverlappingTemplate", "key space (bits)"):
        assert row in out, row
    lines = {l.split("  ")[0].strip(): l for l in out.splitlines()}
    assert lines["UACI C1 vs C2 (%)"].rstrip().endswith("FAIL")  # one bit per pixel: this cipher's weakness
    assert lines["NPCR C1 vs C2 (%)"].rstrip().endswith("pass")
    assert "summary: differential FAIL, histogram pass" in out


def test_score_my_cipher_reports_bad_files_in_one_line(tmp_path):
    p = subprocess.run([sys.executable, src("examples", "score_my_cipher.py"), FILES[0], str(tmp_path / "none.png")],
                       capture_output=True, text=True)
    assert p.returncode == 1 and p.stderr.startswith("score_my_cipher: ") and "none.png" in p.stderr


def test_bundled_pair_is_what_the_script_makes(tmp_path):
    source = src("data", "prepared", "native", "xray_nih_00000001_000.png")
    if not os.path.exists(source):
        pytest.skip("data/prepared not present")
    subprocess.run([sys.executable, src("examples", "make_thirdparty_pair.py"), source, str(tmp_path)], check=True)
    import medchaos
    for f in FILES:
        assert (medchaos.image.read(f) == medchaos.image.read(tmp_path / os.path.basename(f))).all(), f
