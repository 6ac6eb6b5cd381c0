"""medchaos.nn against PyTorch's outputs stored in the fixtures (tests/gen_nn_fixtures.py:
torchvision's MobileNetV2 in eval mode), against `medchaos nn forward` on the
same .npy, and load_safetensors against a reader of the format written here."""
import json
import struct

import numpy as np
import pytest

import medchaos
from medchaos import nn

from conftest import CT, src

WEIGHTS = src("tests", "fixtures", "nn", "mobilenetv2_weights.safetensors")
CASE = src("tests", "fixtures", "nn", "mobilenetv2_case.safetensors")


def read_safetensors(path):
    """The format (huggingface/safetensors): u64 LE header length, JSON header, data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    dt = {"F32": "<f4", "I64": "<i8"}
    return {k: np.frombuffer(raw[base + v["data_offsets"][0]:base + v["data_offsets"][1]], dt[v["dtype"]])
            .reshape(v["shape"]) for k, v in header.items()}, meta


def test_load_safetensors_equals_an_independent_reader():
    ours, meta = nn.load_safetensors(CASE)
    ref, ref_meta = read_safetensors(CASE)
    assert meta == ref_meta and list(ours) == list(ref)
    for k in ref:
        assert ours[k].dtype == ref[k].dtype and ours[k].shape == ref[k].shape and (ours[k] == ref[k]).all(), k


def test_forward_matches_pytorch_and_the_command(cli, tmp_path):
    case, _ = nn.load_safetensors(CASE)
    m = nn.Model(WEIGHTS)
    assert (m.arch, m.outputs) == ("mobilenetv2", 3)
    assert m.tensor_names()[0] == "features.0.0.weight" and len(m.tensor_names()) > 100
    y = m.forward(case["x"])
    assert y.shape == (2, 3) and np.abs(y - case["y_eval"]).max() < 1e-4  # torch's eval-mode output
    np.save(tmp_path / "x.npy", case["x"])
    cli("nn", "forward", "--arch", "mobilenetv2", "--weights", WEIGHTS, "--input", tmp_path / "x.npy",
        "--output", tmp_path / "y.npy")
    assert np.abs(np.load(tmp_path / "y.npy") - y).max() < 1e-6


def test_forward_refuses_bad_batches_before_c_sees_them():
    m = nn.Model(WEIGHTS)
    x = np.zeros((1, 3, 32, 32), np.float32)
    with pytest.raises(TypeError):
        m.forward(x.astype(np.float64))
    with pytest.raises(ValueError):
        m.forward(np.zeros((1, 4, 32, 32), np.float32))
    with pytest.raises(ValueError):
        m.forward(np.zeros((3, 32, 32), np.float32))
    with pytest.raises(ValueError):
        m.forward(np.zeros((1, 3, 32, 64), np.float32)[:, :, :, ::2])
    with pytest.raises(TypeError):
        m.forward([[0.0]])


def test_loading_something_that_is_not_weights_raises_with_the_tensor_or_cause(tmp_path):
    with pytest.raises(medchaos.MedchaosError) as e:
        nn.Model(src("tests", "fixtures", "nn", "layer_linear.safetensors"))
    assert e.value.code != 0 and e.value.message
    (tmp_path / "junk.safetensors").write_bytes(b"\x10" + bytes(20))
    with pytest.raises(medchaos.MedchaosError) as e:
        nn.load_safetensors(tmp_path / "junk.safetensors")
    assert e.value.name in ("MC_E_FORMAT", "MC_E_TRUNCATED") and "junk.safetensors" in str(e.value)


@pytest.fixture(scope="session")
def key_network(cli, tmp_path_factory):
    """A tiny key network trained by the command (32×32 input, one epoch: seconds)."""
    path = tmp_path_factory.mktemp("keynet") / "key.safetensors"
    cli("train", "--arch", "mobilenetv2", "--map", "logistic", "--size", 32, "--epochs", 1, "--batch", 4,
        "--samples", 8, "-o", path)
    return path


def test_key_network_path_from_python_pieces_equals_medchaos_params(key_network, cli):
    """Metadata → rendered image → network → unit outputs → parameters, each
    step through this package, gives what `medchaos params --model` prints."""
    p, canonical, source = medchaos.chaos.params_for(CT, model=key_network, map="logistic")
    assert source == "mobilenetv2" and canonical == medchaos.meta.read(CT)["canonical"]
    _, meta = nn.load_safetensors(key_network)
    size = int(meta["medchaos.input_size"])
    u = nn.Model(key_network).forward(medchaos.meta.render(CT, size)[None])[0]
    assert meta["medchaos.bind"] == "record"   # networks trained now bind the record (docs/KEYGEN.md §2.1)
    assert medchaos.chaos.unit_params("logistic", u) != p
    assert medchaos.chaos.unit_params("logistic", medchaos.chaos.bind_unit("logistic", u, path=CT)) == p
    out = cli("params", "--model", key_network, CT)
    values = [float(l.split()[1]) for l in out.splitlines() if l.split() and l.split()[0] in ("r", "x0")]
    assert list(p.values) == values
    with pytest.raises(medchaos.MedchaosError) as e:
        medchaos.chaos.params_for(CT, model=key_network, map="lorenz")
    assert e.value.name == "MC_E_MISMATCH"
    with pytest.raises(ValueError):
        medchaos.chaos.unit_params("lorenz", u)
