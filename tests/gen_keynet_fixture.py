#!/usr/bin/env python3
"""Learnability reference for tests/test_keynet.c, measured on PyTorch.

The C test trains ResNet-18 on the smooth teacher and asks that its held-out
loss fall below a stated fraction of the constant (mean) predictor's. That
fraction must be one a correct float32 implementation reaches for any seed, so
it is measured here: torchvision's ResNet-18 is trained on the very images and
targets medchaos builds (dumped by tests/keynet_dump), with the same optimiser,
schedule, batch and budget, for SEEDS initialisations and shuffles. The ratios,
their mean and spread, and the bound the test applies are written to
tests/fixtures/keynet/learnability.json.

Usage: python3 tests/gen_keynet_fixture.py BUILDDIR   (needs python3-torch,
python3-torchvision; BUILDDIR holds tests/keynet_dump: `make tests/keynet_dump`).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchvision

# The configuration of the C test (tests/test_keynet.c, learnable()).
CFG = dict(map="logistic", teacher="smooth", size=32, samples=256, val=0.25, batch=16, epochs=6,
           lr=1e-3, data_seed=7)
SEEDS = 12


def train_once(x, y, order, ntrain, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = torchvision.models.resnet18(num_classes=y.shape[1])
    opt = torch.optim.Adam(net.parameters(), lr=CFG["lr"], betas=(0.9, 0.999), eps=1e-8)
    train, val = order[:ntrain].copy(), order[ntrain:]
    B, E = CFG["batch"], CFG["epochs"]
    steps = ntrain // B   # the last partial batch is dropped, as in medchaos
    total = steps * E
    t = 0
    for _ in range(E):
        net.train()
        rng.shuffle(train)
        for s in range(steps):
            # Cosine schedule per step from lr to 0 over the whole run (nn_lr_cosine).
            for g in opt.param_groups:
                g["lr"] = CFG["lr"] * (1 + math.cos(math.pi * t / total)) / 2
            idx = train[s * B:(s + 1) * B]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(torch.from_numpy(x[idx])), torch.from_numpy(y[idx]))
            loss.backward()
            opt.step()
            t += 1
    net.eval()
    with torch.no_grad():
        out = net(torch.from_numpy(x[val])).numpy().astype(np.float64)
    val_loss = float(np.mean((out - y[val]) ** 2))
    mean = y[train].astype(np.float64).mean(axis=0)
    base = float(np.mean((y[val] - mean) ** 2))
    return val_loss / base


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "."
    torch.set_num_threads(int(os.environ.get("THREADS", "1")))
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([os.path.join(build, "tests", "keynet_dump"), d, CFG["map"], CFG["teacher"],
                        str(CFG["size"]), str(CFG["samples"]), str(CFG["val"]), str(CFG["data_seed"])], check=True)
        x = np.load(os.path.join(d, "x.npy"))
        y = np.load(os.path.join(d, "y.npy"))
        order = np.load(os.path.join(d, "order.npy")).astype(np.int64)
        ntrain = int(np.load(os.path.join(d, "ntrain.npy"))[0])
    ratios = []
    for s in range(SEEDS):
        ratios.append(train_once(x, y, order, ntrain, s))
        print(f"seed {s}: ratio {ratios[-1]:.4f}", flush=True)
    mean, sd = float(np.mean(ratios)), float(np.std(ratios, ddof=1))
    # The bound: well above every PyTorch run (its worst plus four standard
    # deviations), and never above one half, so that a network that learnt
    # nothing (ratio about 1) always fails.
    bound = min(0.5, max(ratios) + 4 * sd)
    out = dict(config=CFG, seeds=SEEDS, torch=torch.__version__, ratios=ratios, mean=mean, sd=sd,
               worst=max(ratios), bound=bound,
               note="validation MSE / MSE of the training targets' mean, ResNet-18, torchvision, float32")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keynet", "learnability.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{SEEDS} seeds: ratio {mean:.4f} ± {sd:.4f}, worst {max(ratios):.4f}, bound {bound:.4f} -> {path}")


if __name__ == "__main__":
    main()
