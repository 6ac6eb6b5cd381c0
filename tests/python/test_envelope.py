"""medchaos.envelope against the command: what Python seals the command opens
and the reverse, headers as `medchaos inspect` prints them, keys as OpenSSL
wrote them (tests/data/keys), and every refusal with the library's code."""
import os

import numpy as np
import pytest

import medchaos
from medchaos import envelope

from conftest import KEYS, random_image, smooth_image

PUB, PRIV = os.path.join(KEYS, "a2048.pub.pem"), os.path.join(KEYS, "a2048.pem")
OTHER = os.path.join(KEYS, "b2048.pem")
P = medchaos.Params("logistic", 3.99, 0.3)


def inspect_fields(text):
    return {k.strip(): v.strip() for k, v in (l.split(":", 1) for l in text.splitlines())}


@pytest.mark.parametrize("hardened,compact,aes", [(False, False, 128), (True, False, 256), (False, True, 128),
                                                  (True, True, 256)])
def test_sealed_in_python_opens_with_the_command(hardened, compact, aes, cli, tmp_path):
    plain = smooth_image((30, 40, 3), np.uint8)
    cipher, env = envelope.seal(plain, P, PUB, hardened=hardened, compact=compact, aes_bits=aes)
    medchaos.image.write(tmp_path / "c.png", cipher)
    (tmp_path / "c.png.key").write_bytes(env)
    cli("decrypt", "--key", PRIV, tmp_path / "c.png", "-o", tmp_path / "p.png")
    assert (medchaos.image.read(tmp_path / "p.png") == plain).all()
    h = envelope.read_header(env)
    assert (h["variant"], h["mode"], h["aes_bits"]) == (("hardened" if hardened else "paper"),
                                                        ("compact" if compact else "full"), aes)
    same, used = medchaos.encrypt(plain, P, hardened=hardened)
    assert (same == cipher).all()  # the envelope adds nothing to the pixels


def test_sealed_by_the_command_opens_in_python_and_header_matches_inspect(cli, tmp_path):
    plain = random_image((25, 35), np.uint16, 3)
    medchaos.image.write(tmp_path / "p.png", plain)
    cli("encrypt", "--params", "3.99,0.3", "--pubkey", PUB, "--hardened", tmp_path / "p.png", "-o", tmp_path / "c.png")
    cipher = medchaos.image.read(tmp_path / "c.png")
    out, h = medchaos.open_envelope(cipher, tmp_path / "c.png.key", PRIV)
    assert (out == plain).all()
    ref = inspect_fields(cli("inspect", tmp_path / "c.png.key"))
    h2 = medchaos.read_header(tmp_path / "c.png.key")
    assert h2["meta"] == ""  # sealed since format version 2: only open_envelope gives it
    assert {k: v for k, v in h.items() if k != "meta"} == {k: v for k, v in h2.items() if k != "meta"}
    assert ref["map"] == h["map"] and ref["variant"] == h["variant"] and ref["model"] == h["model"]
    assert ref["model hash"] == h["model_sha256"] and ref["image"].startswith("%dx%d" % (h["width"], h["height"]))
    assert ref["AES"].startswith("%d-bit" % h["aes_bits"]) and ref["key mode"].startswith(h["mode"])
    assert ref["envelope"].endswith("version %d, %d bytes" % (h["version"], len((tmp_path / "c.png.key").read_bytes())))


def test_metadata_is_sealed_not_in_the_readable_header():
    plain = smooth_image((8, 8), np.uint8)
    meta = "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid=1.2.3"
    cipher, env = envelope.seal(plain, P, PUB, meta=meta)
    assert envelope.read_header(env)["meta"] == "" and meta.encode() not in env
    assert envelope.open_envelope(cipher, env, PRIV)[1]["meta"] == meta


def test_wrong_key_tampering_and_mismatch_are_refused_with_their_codes():
    plain = smooth_image((20, 20), np.uint8)
    cipher, env = envelope.seal(plain, P, PUB)
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.open_envelope(cipher, env, OTHER)
    assert e.value.name == "MC_E_KEY" and e.value.code == 9
    bad = bytearray(env)
    bad[-5] ^= 1
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.open_envelope(cipher, bytes(bad), PRIV)
    assert e.value.name == "MC_E_AUTH"
    other = cipher.copy()
    other[0, 0] ^= 1
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.open_envelope(other, env, PRIV)
    assert e.value.name == "MC_E_AUTH"
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.open_envelope(cipher[:10].copy(), env, PRIV)
    assert e.value.name == "MC_E_MISMATCH" and "20x20" in e.value.message
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.read_header(b"MEDCHAOS" + bytes(10))
    assert e.value.code in (4, 5, 12)  # malformed, truncated or unknown version


def test_keys_read_as_openssl_wrote_them_and_small_keys_are_refused():
    priv = envelope.PrivateKey(PRIV)
    pub = envelope.PublicKey(PUB)
    assert priv.public.bits == pub.bits == 2048
    with open(PUB) as f:
        assert pub.pem() == f.read()  # SubjectPublicKeyInfo is DER: one encoding, byte for byte
    assert priv.public.pem() == pub.pem()
    again = envelope.PrivateKey(priv.pem())
    plain = smooth_image((12, 12), np.uint8)
    cipher, env = envelope.seal(plain, P, pub)
    assert (envelope.open_envelope(cipher, env, again)[0] == plain).all()
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.PublicKey(os.path.join(KEYS, "small1024.pub.pem"))
    assert e.value.name == "MC_E_KEY" and "small1024" in str(e.value)
    with pytest.raises(medchaos.MedchaosError):
        envelope.PublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(TypeError):
        envelope.PublicKey(12)


def test_seal_rejects_bad_options():
    plain = smooth_image((12, 12), np.uint8)
    with pytest.raises(ValueError):
        envelope.seal(plain, P, PUB, aes_bits=192)
    with pytest.raises(ValueError):
        envelope.seal(plain, P, PUB, meta="x" * 2000)
    with pytest.raises(TypeError):
        envelope.open_envelope(plain, 42, PRIV)


def test_generated_key_opens_with_the_command(cli, tmp_path):
    k = envelope.PrivateKey.generate(2048)
    assert k.public.bits == 2048
    (tmp_path / "k.pem").write_text(k.pem())
    os.chmod(tmp_path / "k.pem", 0o600)
    plain = smooth_image((16, 24), np.uint8)
    cipher, env = envelope.seal(plain, P, k.public)
    medchaos.image.write(tmp_path / "c.png", cipher)
    (tmp_path / "c.png.key").write_bytes(env)
    cli("decrypt", "--key", tmp_path / "k.pem", tmp_path / "c.png", "-o", tmp_path / "p.png")
    assert (medchaos.image.read(tmp_path / "p.png") == plain).all()
    with pytest.raises(medchaos.MedchaosError) as e:
        envelope.PrivateKey.generate(1000)
    assert e.value.name == "MC_E_KEY"
