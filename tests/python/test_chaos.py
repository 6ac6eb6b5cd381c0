"""medchaos.chaos against the command (`medchaos encrypt --params`, `params
--teacher`, `nist --keystream --write`) and against the definitions written
here in NumPy: the logistic recurrence, C[i][j] = P[xindex[i]][yindex[j]] ⊕ Z[i][j]
(docs/CIPHER.md), and the decryption round trip of both variants."""
import os

import numpy as np
import pytest

import medchaos
from medchaos import chaos

from conftest import CT, KEYS, random_image, smooth_image

PUB = os.path.join(KEYS, "a2048.pub.pem")
PARAMS = [("logistic", (3.99, 0.3)), ("lorenz", (1.0, 1.0, 20.0))]


def stored_bytes(a):
    """H×W×(bytes per pixel) uint8: the image as the library stores it (16-bit big-endian)."""
    h, w = a.shape[:2]
    return np.frombuffer(a.astype(a.dtype.newbyteorder(">")).tobytes(), np.uint8).reshape(h, w, -1)


def test_params_read_values_bit_for_bit_and_validate():
    p = chaos.Params("logistic", 3.99, 0.1 + 0.2)
    assert p.values == (3.99, 0.1 + 0.2) and p.map == "logistic"
    assert chaos.Params.parse("logistic:3.99,0.30000000000000004") == p
    q = chaos.Params("lorenz", 1, 1, 20)
    assert q.values == (1.0, 1.0, 20.0, 10.0, 28.0, 8.0 / 3.0)  # σ, ρ, β default to Lorenz's
    with pytest.raises(medchaos.MedchaosError) as e:
        chaos.Params("logistic", 3.5, 0.3)  # periodic, below the chaotic band
    assert e.value.name == "MC_E_RANGE" and e.value.code == 15 and "r" in e.value.message
    with pytest.raises(medchaos.MedchaosError) as e:
        chaos.Params("logistic", 3.99)
    assert e.value.name == "MC_E_ARG"
    with pytest.raises(ValueError):
        chaos.Params("henon", 1.4, 0.3)
    with pytest.raises(TypeError):
        chaos.Params("logistic", "x", 0.3)


def test_logistic_orbit_is_the_recurrence_after_the_transient():
    r, x = 3.99, 0.3
    for _ in range(1000):  # CHAOS_LOGISTIC_TRANSIENT
        x = r * x * (1.0 - x)
    ref = []
    for _ in range(50):
        x = r * x * (1.0 - x)
        ref.append(x)
    assert list(chaos.orbit(chaos.Params("logistic", r, 0.3), 50)) == ref


def test_lorenz_orbit_stays_on_the_attractor():
    o = chaos.orbit(chaos.Params("lorenz", 1, 1, 20), 2000)
    assert o.shape == (2000, 3) and np.abs(o[:, 0]).max() < 30 and o[:, 2].min() > 0


@pytest.mark.parametrize("map,values", PARAMS)
def test_keys_are_permutations_and_keystream_matches_the_command(map, values, cli, tmp_path):
    p = chaos.Params(map, *values)
    x, y, z = chaos.keys(p, 37, 53, 37 * 53 * 3)
    assert sorted(x) == list(range(37)) and sorted(y) == list(range(53)) and z.size == 37 * 53 * 3
    f = tmp_path / "ks"
    spec = "%s:%s" % (map, ",".join(repr(v) for v in values))
    cli("nist", "--keystream", spec, "--bits", 8000, "--write", f)
    assert f.read_bytes() == chaos.keystream(p, 1000).tobytes()


@pytest.mark.parametrize("shape,dtype", [((40, 56), np.uint8), ((33, 29, 3), np.uint8), ((24, 31), np.uint16),
                                         ((12, 14, 1), np.uint8),
                                         ((20, 18, 4), np.uint16), ((16, 16, 2), np.uint8)])
def test_paper_cipher_is_the_permutation_then_xor(shape, dtype):
    plain = random_image(shape, dtype, 4)
    cipher, used = chaos.encrypt(plain, chaos.Params("logistic", 3.99, 0.3))
    P = stored_bytes(plain)
    x, y, z = chaos.keys(used, shape[0], shape[1], P.size)
    ref = P[x][:, y] ^ z.reshape(P.shape)
    assert (stored_bytes(cipher) == ref).all()
    assert cipher.dtype == plain.dtype and cipher.shape == plain.shape


@pytest.mark.parametrize("hardened", [False, True], ids=["paper", "hardened"])
@pytest.mark.parametrize("map,values", PARAMS)
def test_encrypt_equals_the_command_and_decrypt_inverts_it(hardened, map, values, cli, tmp_path):
    plain = medchaos.image.read(CT)[:120, :150].copy()  # 16-bit CT
    medchaos.image.write(tmp_path / "p.png", plain)
    args = ["encrypt", "--params", ",".join(repr(v) for v in values), "--map", map, "--pubkey", PUB,
            tmp_path / "p.png", "-o", tmp_path / "c.png"] + (["--hardened"] if hardened else [])
    cli(*args)
    cipher, used = chaos.encrypt(plain, chaos.Params(map, *values), hardened=hardened)
    assert (cipher == medchaos.image.read(tmp_path / "c.png")).all()
    assert (chaos.decrypt(cipher, used, hardened=hardened) == plain).all()
    if hardened:  # the key depends on the image: one changed pixel, another key
        other = plain.copy()
        other[0, 0] ^= 1
        assert chaos.encrypt(other, chaos.Params(map, *values), hardened=True)[1] != used


def test_hardened_diffusion_spreads_one_pixel_everywhere():
    a = smooth_image((64, 64), np.uint8)
    b = a.copy()
    b[10, 10] ^= 1
    p = chaos.Params("logistic", 3.99, 0.3)
    r = medchaos.npcr_uaci(chaos.encrypt(a, p, True)[0], chaos.encrypt(b, p, True)[0])
    assert r["wu2011"]["npcr_pass"][0]
    r = medchaos.npcr_uaci(chaos.encrypt(a, p)[0], chaos.encrypt(b, p)[0])
    assert r["npcr"]["all"] < 1  # the paper's cipher: one pixel changes one pixel


def test_big_endian_input_gives_big_endian_output_with_the_same_values():
    plain = random_image((20, 24), np.uint16, 9)
    p = chaos.Params("logistic", 3.99, 0.3)
    a, _ = chaos.encrypt(plain, p)
    b, _ = chaos.encrypt(plain.astype(">u2"), p)
    assert b.dtype == np.dtype(">u2") and (a == b).all()


@pytest.mark.parametrize("map", ["logistic", "lorenz"])
def test_params_for_equals_medchaos_params_teacher(map, cli):
    out = cli("params", "--teacher", "--map", map, CT)
    ref = dict(line.split(":", 1) for line in out.splitlines() if ":" in line and not line.startswith((" ",)))
    p, meta, source = chaos.params_for(CT, map=map)
    assert meta == ref["metadata"].strip() and source == "teacher"
    values = [float(line.split()[1]) for line in out.splitlines()
              if line.split() and line.split()[0] in ("r", "x0", "y0", "z0", "sigma", "rho", "beta")]
    assert list(p.values) == values


def test_params_for_an_image_without_metadata_says_so(tmp_path):
    medchaos.image.write(tmp_path / "bare.png", random_image((8, 8), np.uint8))
    with pytest.raises(medchaos.MedchaosError) as e:
        chaos.params_for(tmp_path / "bare.png")
    assert e.value.name == "MC_E_NOMETA" and "bare.png" in str(e.value)
    p, meta, _ = chaos.params_for(tmp_path / "bare.png", datetime="2020:01:02 03:04:05")
    assert "2020-01-02T03:04:05" in meta
