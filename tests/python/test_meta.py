"""medchaos.meta against the command: `meta show --json` and `--canonical` on
the same files, and `meta render`'s PNG against render_rgb8, bit for bit."""
import json

import numpy as np
import pytest

import medchaos
from medchaos import meta

from conftest import CT, random_image, src


@pytest.fixture
def dated(cli, tmp_path):
    """A PNG given EXIF and text dates by `medchaos meta set`, and one with none."""
    medchaos.image.write(tmp_path / "bare.png", random_image((16, 16), np.uint8))
    cli("meta", "set", tmp_path / "bare.png", "-o", tmp_path / "dated.png", "--datetime", "2007:02:19 12:51:57",
        "--subsec", "25", "--offset", "+09:00", "--text", "DICOM:StudyDate=20040826")
    return tmp_path / "dated.png", tmp_path / "bare.png"


def test_show_equals_command_json(dated, cli):
    for f in (CT, dated[0], src("tests", "data", "image", "rgb.jpg")):
        p = cli("meta", "show", "--json", f, check=False)
        assert meta.show(f) == json.loads(p.stdout)
        if p.returncode == 0:
            assert meta.read(f)["canonical"] == cli("meta", "show", "--canonical", f).strip()


def test_file_without_dates_shows_nothing_and_read_raises_nometa(dated, cli):
    bare = dated[1]
    r = meta.show(bare)
    assert r["sources"] == [] and r["canonical"] == "" and cli("meta", "show", bare, check=False).returncode == 15
    with pytest.raises(medchaos.MedchaosError) as e:
        meta.read(bare)
    assert e.value.name == "MC_E_NOMETA" and e.value.code == 14
    assert meta.read(bare, allow_file_time=True)["source"] == "file-mtime"
    assert meta.show(bare, allow_file_time=True)["source"] == "file-mtime"


def test_read_resolves_fields_given_by_hand():
    r = meta.read(datetime="2007:02:19 12:51:57", subsec="25", offset="+09:00", uid="1.2.3")
    assert (r["year"], r["month"], r["day"], r["hour"], r["usec"], r["utc_offset_min"]) == (2007, 2, 19, 12, 250000, 540)
    assert r["canonical"] == "medchaos-meta/1;2007-02-19T12:51:57.250000;tz=+09:00;uid=1.2.3"
    assert r["source"] == "manual"
    with pytest.raises(medchaos.MedchaosError) as e:
        meta.read(datetime="2007:02:30 12:51:57")
    assert e.value.name == "MC_E_FORMAT"
    with pytest.raises(ValueError):
        meta.read()


@pytest.mark.parametrize("size", [32, 224])
def test_rendered_image_equals_meta_render_png(size, cli, tmp_path):
    cli("meta", "render", "--datetime", "2007:02:19 12:51:57", "--offset", "+09:00", "--size", size,
        "-o", tmp_path / "r.png")
    ours = meta.render_rgb8(datetime="2007:02:19 12:51:57", offset="+09:00", size=size)
    assert ours.shape == (size, size, 3) and (ours == medchaos.image.read(tmp_path / "r.png")).all()
    cli("meta", "render", CT, "--size", size, "-o", tmp_path / "ct.png")
    assert (meta.render_rgb8(CT, size) == medchaos.image.read(tmp_path / "ct.png")).all()


def test_render_gives_the_networks_float_input():
    f = meta.render(datetime="2007:02:19 12:51:57", size=64)
    assert f.shape == (3, 64, 64) and f.dtype == np.float32 and 0 <= f.min() and f.max() <= 1
    g = meta.render(datetime="2007:02:19 12:51:58", size=64)
    assert (f != g).any()  # one second shows
    with pytest.raises(medchaos.MedchaosError) as e:
        meta.render(datetime="2007:02:19 12:51:57", size=8)
    assert e.value.name == "MC_E_ARG"
    with pytest.raises(TypeError):
        meta.render(datetime="2007:02:19 12:51:57", colour=1)
