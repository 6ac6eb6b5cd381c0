"""medchaos.image against independent decoders: the netpbm files beside each
fixture (pngtopam, djpeg; tests/data/image/make_fixtures.sh), parsed here in
NumPy; and lossless round trips through PNG in every layout."""
import numpy as np
import pytest

import medchaos

from conftest import LAYOUTS, LAYOUT_IDS, random_image, src


def read_netpbm(path):
    """PAM (P7) or binary PNM (P5 gray, P6 RGB) as H×W×C with its maxval."""
    raw = open(path, "rb").read()
    magic = raw[:2]
    if magic == b"P7":
        head, body = raw.split(b"ENDHDR\n", 1)
        fields = dict(l.split(None, 1) for l in head.decode().splitlines()[1:] if l and not l.startswith("#"))
        w, h, c, maxval = (int(fields[k]) for k in ("WIDTH", "HEIGHT", "DEPTH", "MAXVAL"))
    else:
        tokens, pos = [], 2
        while len(tokens) < 3:  # width, height, maxval, then one whitespace byte
            while raw[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not raw[pos:pos + 1].isspace():
                pos += 1
            tokens.append(int(raw[start:pos]))
        w, h, maxval = tokens
        body, c = raw[pos + 1:], 3 if magic == b"P6" else 1
    dt = ">u2" if maxval > 255 else np.uint8
    return np.frombuffer(body, dt, count=w * h * c).reshape(h, w, c).astype(np.int64), maxval


@pytest.mark.parametrize("name,ext,ref", [("rgb8_interlaced", "png", "pam"), ("gray16_interlaced", "png", "pam"),
                                          ("rgba16_interlaced", "png", "pam"), ("graya16", "png", "pam"),
                                          ("gray1", "png", "pam"), ("gray4", "png", "pam"),
                                          ("palette", "png", "pam"), ("palette_trns", "png", "pam"),
                                          ("rgb", "jpg", "pnm"), ("rgb_progressive", "jpg", "pnm"),
                                          ("gray", "jpg", "pnm")])
def test_read_equals_netpbm_decoders(name, ext, ref):
    a = medchaos.image.read(src("tests", "data", "image", "%s.%s" % (name, ext)))
    want, maxval = read_netpbm(src("tests", "data", "image", "%s.%s" % (name, ref)))
    peak = np.iinfo(a.dtype).max
    got = a.reshape(a.shape[0], a.shape[1], -1).astype(np.int64)
    want = want * (peak // maxval)  # 1-, 2-, 4-bit gray scaled by bit replication
    c = got.shape[2]
    assert got.shape[:2] == want.shape[:2] and c in (want.shape[2], want.shape[2] - 1)
    assert (got == want[:, :, :c]).all()
    assert (want[:, :, c:] == peak).all()  # pngtopam's alpha where the PNG has none: opaque


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_png_round_trip_is_lossless(layout, tmp_path):
    _, shape, dtype = layout
    a = random_image(shape, dtype, 11)
    medchaos.image.write(tmp_path / "a.png", a)
    b = medchaos.image.read(tmp_path / "a.png")
    assert b.dtype == a.dtype and b.shape == a.shape and (a == b).all()
