#!/usr/bin/python3
"""Writes the tensor-file fixtures of tests/test_nn_io.c into tests/fixtures/io/.

The files come from references independent of our C code: numpy's own .npy writer
(np.save, np.lib.format.write_array) and PyTorch tensors; the safetensors files are
laid out here with struct + json the way the format's reference writer does
(safetensors/src/tensor.rs: tensors sorted by dtype then name, "__metadata__" first,
header space-padded to a multiple of 8), because the Python `safetensors` package
is not packaged for Debian. Malformed files and the error each must raise are
listed in bad_cases.tsv, read by the C test.

Usage: /usr/bin/python3 tests/gen_io_fixtures.py   (deterministic: reruns give the same bytes)
       /usr/bin/python3 tests/gen_io_fixtures.py --verify FILE.safetensors FILE.npy
         (used by the C test: checks files our C writer made hold weight = ramp(24) in
          shape (2, 3, 4) and the I64 scalar count = 7; exit status 1 when not)
"""
import sys
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "io")
DTYPE_RANK = {"F32": 15, "I64": 18, "F16": 11}   # position in the reference's Dtype enum
NP_OF = {"F32": "<f4", "I64": "<i8", "F16": "<f2"}
bad_cases = []


def path(name):
    return os.path.join(OUT, name)


def st_bytes(tensors, metadata=None):
    """safetensors bytes for {name: (dtype, numpy array)} in the reference writer's layout."""
    order = sorted(tensors, key=lambda n: (-DTYPE_RANK[tensors[n][0]], n))
    header, blobs, at = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for n in order:
        dt, arr = tensors[n]
        raw = np.ascontiguousarray(arr, dtype=NP_OF[dt]).tobytes()
        header[n] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def st_raw(header_text, data=b"", hlen=None):
    """A file from literal header text (for malformed headers)."""
    h = header_text.encode() if isinstance(header_text, str) else header_text
    return struct.pack("<Q", len(h) if hlen is None else hlen) + h + data


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def bad(name, data, err, substring):
    write(name, data)
    bad_cases.append((name, err, substring))


def ramp(n, scale=0.25, offset=-3.0):
    """Values i*scale + offset, exact in float32; the C test recomputes them."""
    return (np.arange(n, dtype=np.float64) * scale + offset).astype(np.float32)


def valid_safetensors():
    idx = np.array([-1, 1 << 40, 2**63 - 1, -(2**63)], dtype=np.int64)
    write("st_basic.safetensors", st_bytes({
        "weight": ("F32", ramp(6).reshape(2, 3)),
        "bias": ("F32", ramp(3, 1.5, 0.5)),
        "count": ("I64", np.array(7, dtype=np.int64)),
        "idx": ("I64", idx),
        "empty": ("F32", np.zeros((0, 3), np.float32)),
    }, {"format": "pt", "note": "caf\u00e9 \"quoted\"\n"}))
    # No padding after the header: every tensor starts at an odd file offset.
    h = json.dumps({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
                    "b": {"dtype": "I64", "shape": [2], "data_offsets": [12, 28]}},
                   separators=(",", ":"))
    if len(h) % 2 == 0:
        h += " "
    write("st_unaligned.safetensors",
          st_raw(h, ramp(3).tobytes() + np.array([5, -6], "<i8").tobytes()))
    write("st_empty.safetensors", st_raw("{}"))


def torch_fixture():
    """A BatchNorm after one training step: running statistics and the I64 scalar
    num_batches_tracked, as PyTorch's state_dict holds them; each float tensor also
    goes to an .npy written by numpy for the C test to compare against."""
    try:
        import torch
    except ImportError:  # the fixture is committed; regenerating it needs python3-torch
        print("torch not available: keeping the committed st_torch_bn fixtures")
        return
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(3, 4, 3, bias=False)
    bn = torch.nn.BatchNorm2d(4)
    bn.train()
    with torch.no_grad():
        bn(conv(torch.randn(2, 3, 5, 5)))
    sd = {"conv1." + k: v for k, v in conv.state_dict().items()}
    sd.update({"bn1." + k: v for k, v in bn.state_dict().items()})
    tensors = {}
    for k, v in sd.items():
        a = v.detach().cpu().numpy()
        tensors[k] = ("I64" if a.dtype == np.int64 else "F32", a)
        if a.dtype == np.float32:
            np.save(path("st_torch_bn.%s.npy" % k), a)
    write("st_torch_bn.safetensors", st_bytes(tensors, {"format": "pt"}))


def bad_safetensors():
    f4 = lambda n: np.zeros(n, "<f4").tobytes()
    t = lambda dt, shape, b, e: {"dtype": dt, "shape": shape, "data_offsets": [b, e]}
    j = lambda d: json.dumps(d)
    bad("st_bad_short.safetensors", b"\x10\x00\x00", "MC_E_TRUNCATED", "shorter than the 8-byte")
    bad("st_bad_hlen_huge.safetensors", st_raw("{}", hlen=2**64 - 1), "MC_E_TRUNCATED", "header length")
    bad("st_bad_hlen_past_end.safetensors", st_raw('{"a":1}', hlen=100), "MC_E_TRUNCATED", "header length 100")
    bad("st_bad_json.safetensors", st_raw('{"w": {"dtype": "F32",'), "MC_E_FORMAT", "header:")
    bad("st_bad_not_object.safetensors", st_raw("[1, 2]"), "MC_E_FORMAT", "start with '{'")
    bad("st_bad_overlap.safetensors",
        st_raw(j({"a": t("F32", [4], 0, 16), "b": t("F32", [4], 8, 24)}), f4(6)),
        "MC_E_FORMAT", "tensor 'b': data_offsets [8, 24] overlap tensor 'a'")
    bad("st_bad_hole.safetensors",
        st_raw(j({"a": t("F32", [4], 0, 16), "b": t("F32", [4], 20, 36)}), f4(9)),
        "MC_E_FORMAT", "tensor 'b': data_offsets [20, 36] leave a 4-byte hole after tensor 'a'")
    bad("st_bad_not_at_zero.safetensors", st_raw(j({"a": t("F32", [1], 4, 8)}), f4(2)),
        "MC_E_FORMAT", "tensor 'a': data_offsets [4, 8] leave bytes [0, 4) unused")
    bad("st_bad_span.safetensors",
        st_raw(j({"layer1.0.conv1.weight": t("F32", [64, 3, 7, 7], 0, 12)}), f4(3)),
        "MC_E_FORMAT", "tensor 'layer1.0.conv1.weight': data_offsets [0, 12] do not match shape [64, 3, 7, 7] of F32")
    bad("st_bad_dtype_unknown.safetensors", st_raw(j({"w": t("F33", [1], 0, 4)}), f4(1)),
        "MC_E_FORMAT", "tensor 'w': unknown dtype \"F33\"")
    bad("st_bad_dtype_f16.safetensors", st_bytes({"half": ("F16", np.zeros(2, np.float16))}),
        "MC_E_UNSUPPORTED", "tensor 'half': dtype F16 is not supported")
    bad("st_bad_negative_dim.safetensors", st_raw(j({"w": t("F32", [-1, 2], 0, 0)})),
        "MC_E_FORMAT", "tensor 'w': negative dimension -1")
    bad("st_bad_ndim9.safetensors", st_raw(j({"w": t("F32", [1] * 9, 0, 4)}), f4(1)),
        "MC_E_UNSUPPORTED", "tensor 'w': 9 dimensions")
    bad("st_bad_data_truncated.safetensors", st_raw(j({"w": t("F32", [4], 0, 16)}), f4(3)),
        "MC_E_TRUNCATED", "tensor 'w': data_offsets [0, 16] run past the 12-byte data buffer")
    bad("st_bad_trailing.safetensors", st_raw(j({"w": t("F32", [1], 0, 4)}), f4(2)),
        "MC_E_FORMAT", "trailing bytes")
    bad("st_bad_duplicate.safetensors",
        st_raw('{"w": %s, "w": %s}' % (j(t("F32", [1], 0, 4)), j(t("F32", [1], 4, 8))), f4(2)),
        "MC_E_FORMAT", "duplicate key 'w'")
    bad("st_bad_size_overflow.safetensors", st_raw(j({"w": t("F32", [2**62, 2**62], 0, 4)}), f4(1)),
        "MC_E_TOO_LARGE", "tensor 'w': byte size of shape [4611686018427387904, 4611686018427387904] of F32 overflows")
    bad("st_bad_offsets_reversed.safetensors", st_raw(j({"w": t("F32", [1], 4, 0)}), f4(1)),
        "MC_E_FORMAT", "tensor 'w': data_offsets [4, 0] are not 0 <= begin <= end")
    bad("st_bad_offset_int_range.safetensors",
        st_raw('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 99999999999999999999]}}', f4(1)),
        "MC_E_FORMAT", "64-bit range")
    bad("st_bad_offset_float.safetensors",
        st_raw('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4.0]}}', f4(1)),
        "MC_E_UNSUPPORTED", "non-integer number")
    bad("st_bad_meta_value.safetensors", st_raw(j({"__metadata__": {"epochs": 3}})),
        "MC_E_FORMAT", "__metadata__ value of \"epochs\" is a integer")
    bad("st_bad_missing_shape.safetensors", st_raw(j({"w": {"dtype": "F32", "data_offsets": [0, 4]}}), f4(1)),
        "MC_E_FORMAT", "tensor 'w': missing \"shape\"")
    bad("st_bad_extra_field.safetensors",
        st_raw(j({"w": dict(t("F32", [1], 0, 4), stride=[1])}), f4(1)),
        "MC_E_FORMAT", "tensor 'w': unexpected field \"stride\"")
    bad("st_bad_deep.safetensors", st_raw('{"__metadata__": ' + "[" * 100 + "]" * 100 + "}"),
        "MC_E_FORMAT", "nesting deeper")
    bad("st_bad_utf8_name.safetensors", st_raw(b'{"w\xff": {}}'), "MC_E_FORMAT", "invalid UTF-8")
    bad("st_bad_lone_surrogate.safetensors", st_raw('{"\\udc00": {}}'), "MC_E_FORMAT", "invalid escape")
    bad("st_bad_control_char.safetensors", st_raw('{"a\tb": {}}'), "MC_E_FORMAT", "control character")


def npy_header(d, version=(1, 0), pad=True):
    """An .npy preamble + header for a literal dict text (for malformed headers)."""
    h = d.encode()
    if pad:
        pre = 10 if version[0] == 1 else 12
        h += b" " * ((64 - (pre + len(h) + 1) % 64) % 64) + b"\n"
    size = struct.pack("<H" if version[0] == 1 else "<I", len(h))
    return b"\x93NUMPY" + bytes(version) + size + h


def valid_npy():
    a = ramp(24).reshape(2, 3, 4)
    np.save(path("npy_v1_f32.npy"), a)
    for ver in ((2, 0), (3, 0)):
        with open(path("npy_v%d_f32.npy" % ver[0]), "wb") as f:
            np.lib.format.write_array(f, a, version=ver)
    np.save(path("npy_be_f32.npy"), a.astype(">f4"))
    np.save(path("npy_f64.npy"), np.arange(10, dtype=np.float64) * 0.1)  # rounded to float32 on load
    np.save(path("npy_scalar.npy"), np.array(2.5, dtype=np.float32))
    np.save(path("npy_1d.npy"), ramp(5))
    np.save(path("npy_empty.npy"), np.zeros((0, 4), np.float32))
    # numpy < 1.x on Python 2 wrote longs: (2L, 2L); numpy's reader still accepts them.
    write("npy_py2_long.npy",
          npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }") + ramp(4).tobytes())


def bad_npy():
    body = ramp(6).tobytes()
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    bad("npy_bad_magic.npy", b"\x93NUMPX\x01\x00" + npy_header(hdr)[8:] + body, "MC_E_FORMAT", "magic")
    bad("npy_bad_version.npy", npy_header(hdr, (4, 0)) + body, "MC_E_VERSION", "version 4.0")
    buf = open(path("npy_v1_f32.npy"), "rb").read()
    bad("npy_bad_truncated.npy", buf[:-5], "MC_E_TRUNCATED", "data bytes")
    bad("npy_bad_trailing.npy", buf + b"\0\0\0\0", "MC_E_FORMAT", "4 bytes after")
    bad("npy_bad_header_len.npy", buf[:8] + struct.pack("<H", 60000) + buf[10:200], "MC_E_TRUNCATED", "header length")
    np.save(path("npy_bad_fortran.npy"), np.asfortranarray(ramp(6).reshape(2, 3)))
    bad_cases.append(("npy_bad_fortran.npy", "MC_E_UNSUPPORTED", "fortran_order"))
    np.save(path("npy_bad_int32.npy"), np.arange(6, dtype=np.int32))
    bad_cases.append(("npy_bad_int32.npy", "MC_E_UNSUPPORTED", "'<i4'"))
    np.save(path("npy_bad_structured.npy"), np.zeros(2, dtype=[("x", "<f4"), ("y", "<f4")]))
    bad_cases.append(("npy_bad_structured.npy", "MC_E_UNSUPPORTED", "structured"))
    np.save(path("npy_bad_f64_range.npy"), np.array([1.0, 1e300]))
    bad_cases.append(("npy_bad_f64_range.npy", "MC_E_RANGE", "element 1"))
    bad("npy_bad_keys.npy", npy_header("{'descr': '<f4', 'fortran_order': False, }") + body,
        "MC_E_FORMAT", "keys")
    bad("npy_bad_shape_list.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }") + body,
        "MC_E_FORMAT", "not a tuple")
    bad("npy_bad_negative.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }"),
        "MC_E_FORMAT", "negative dimension")
    bad("npy_bad_syntax.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) ") + body,
        "MC_E_FORMAT", "header:")
    bad("npy_bad_ndim9.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }")
        + ramp(1).tobytes(), "MC_E_UNSUPPORTED", "9 dimensions")


def read_safetensors(name):
    """A reader independent of ours: struct + json + numpy (or the real package)."""
    try:
        from safetensors.numpy import load_file
        return load_file(name)
    except ImportError:
        pass
    buf = open(name, "rb").read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data, out = buf[8 + n:], {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(data[b:e], dtype=NP_OF[v["dtype"]]).reshape(v["shape"])
    return out


def verify(st_name, npy_name):
    want = ramp(24).reshape(2, 3, 4)
    t = read_safetensors(st_name)
    ok = (sorted(t) == ["count", "weight"] and t["weight"].dtype == np.float32
          and np.array_equal(t["weight"], want) and t["count"].shape == () and int(t["count"]) == 7)
    a = np.load(npy_name)
    ok = ok and a.dtype == np.float32 and np.array_equal(a, want)
    print("python check of %s and %s: %s" % (st_name, npy_name, "ok" if ok else "MISMATCH"))
    return 0 if ok else 1


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--verify":
        sys.exit(verify(sys.argv[2], sys.argv[3]))
    os.makedirs(OUT, exist_ok=True)
    valid_safetensors()
    torch_fixture()
    bad_safetensors()
    valid_npy()
    bad_npy()
    with open(path("bad_cases.tsv"), "w") as f:
        f.write("# file\texpected error\tsubstring of the error detail (written by gen_io_fixtures.py)\n")
        for c in bad_cases:
            f.write("\t".join(c) + "\n")


if __name__ == "__main__":
    main()
