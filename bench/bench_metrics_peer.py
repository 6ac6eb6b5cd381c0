"""Peer for bench_metrics: the usual NumPy way papers compute the same metrics
(NPCR, UACI, MSE, entropy, adjacent-pixel correlation over all pairs) on two
random 8-bit W x H images. Prints the best time of R runs in ms: 'peer_ms X'.
Usage: /usr/bin/python3 bench_metrics_peer.py W H R"""
import sys
import time

import numpy as np

w, h, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
a = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
b = rng.integers(0, 256, size=(h, w), dtype=np.uint8)


def metrics(p, c):
    d = p.astype(np.int32) - c.astype(np.int32)
    npcr = 100.0 * np.count_nonzero(d) / d.size
    uaci = 100.0 * np.abs(d).sum() / (255.0 * d.size)
    mse = float((d * d).mean())
    out = [npcr, uaci, mse]
    for img in (p, c):
        hist = np.bincount(img.ravel(), minlength=256) / img.size
        nz = hist[hist > 0]
        out.append(float(-(nz * np.log2(nz)).sum()))
        f = img.astype(np.float64)
        for x, y in ((f[:, :-1], f[:, 1:]), (f[:-1, :], f[1:, :]), (f[:-1, :-1], f[1:, 1:])):
            out.append(float(np.corrcoef(x.ravel(), y.ravel())[0, 1]))
    return out


best = float("inf")
for _ in range(reps):
    t = time.perf_counter()
    metrics(a, b)
    best = min(best, time.perf_counter() - t)
print("peer_ms %.3f" % (best * 1e3))
