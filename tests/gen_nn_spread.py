#!/usr/bin/python3
"""Adds measured gradient spreads ("spread:NAME") to a committed network fixture.

tests/test_nn_models.c holds each whole-network gradient to 1e-3 (ResNet-18), or to three
times the spread that torch's own float32 gradients show when the input is nudged, where that
is looser. For ResNet-18 a nudge of 1e-7 (what gen_nn_fixtures.py applies to MobileNetV2) never
lands a max-pool input on the other side of a near-tie; a summation order other than torch's
does (OpenBLAS's products with im2col moved conv1's gradient by 2.7e-3). So this nudges by 1e-6,
16 times, and writes the spreads into the existing file, leaving every other tensor as it is.

Usage: /usr/bin/python3 tests/gen_nn_spread.py resnet18 [REL] [REPS]   (needs python3-torch)
"""
import ast
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
# The generator's definitions (make_net, weight_formula, samples, save, ...), without running it.
src = open(os.path.join(HERE, "gen_nn_fixtures.py")).read()
tree = ast.parse(src)
tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
gen = {}
exec(compile(tree, "gen_nn_fixtures.py", "exec"), gen)


def read(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    meta = h.pop("__metadata__", None)
    out = {}
    for k, v in h.items():
        dt = {"F32": "<f4", "I64": "<i8"}[v["dtype"]]
        a = np.frombuffer(b[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], dtype=dt)
        out[k] = torch.from_numpy(a.reshape(v["shape"]).copy())
    return out, meta


def main():
    arch = sys.argv[1]
    rel = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-6
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    path = os.path.join(HERE, "fixtures", "nn", f"{arch}_case.safetensors")
    t, meta = read(path)
    x, target = t["x"], t["target"]
    g0 = {k[5:]: v for k, v in t.items() if k.startswith("grad:")}
    gen_ = torch.Generator().manual_seed(123)
    spread = {}
    for _ in range(reps):
        m = gen["make_net"](arch)
        m.train()
        xp = x * (1 + rel * torch.randn(x.shape, generator=gen_))
        F.mse_loss(m(xp), target).backward()
        for name, p in m.named_parameters():
            a, b = gen["samples"](p.grad), g0[name]
            spread[name] = max(spread.get(name, 0.0), ((a - b).abs() / b.abs().clamp(min=1)).max().item())
    for name, d in spread.items():
        t["spread:" + name] = torch.tensor([d], dtype=torch.float32)
    gen["OUT"] = os.path.dirname(path)
    gen["save"].__globals__["OUT"] = os.path.dirname(path)
    gen["save"](os.path.basename(path), t, meta)
    worst = sorted(spread.items(), key=lambda kv: -kv[1])[:5]
    print(f"{path}: {len(spread)} spreads (nudge {rel:g}, {reps} times); largest {worst}")


if __name__ == "__main__":
    main()
