#!/usr/bin/env python3
"""Make the bundled example pair for score_my_cipher.py: a plain chest X-ray
crop and its cipher under a small third-party cipher written here in NumPy
(not medchaos's): Arnold's cat map scrambles the pixels, then a logistic-map
keystream is XORed in with forward chaining c_i = p_i ⊕ k_i ⊕ c_{i−1}, the
kind of scheme published every month. A second cipher image, of the plain
image with one pixel changed, allows the differential test.

    PYTHONPATH=python python3 examples/make_thirdparty_pair.py data/prepared/native/xray_nih_00000001_000.png examples/data
"""
import os
import sys

import numpy as np

import medchaos

SIDE = 264  # 6 × 44: the 30 random 44×44 blocks of Wu 2013's local entropy fit


def cat_map(a, rounds):
    """(x, y) → (x + y, x + 2y) mod N, the classic area-preserving scramble."""
    n = a.shape[0]
    y, x = np.mgrid[0:n, 0:n]
    for _ in range(rounds):
        out = np.empty_like(a)
        out[(x + 2 * y) % n, (x + y) % n] = a[y, x]
        a = out
    return a


def logistic_bytes(n, r=3.99999, x=0.3713):
    k = np.empty(n, np.uint8)
    for _ in range(500):
        x = r * x * (1 - x)
    for i in range(n):
        x = r * x * (1 - x)
        k[i] = int(x * 1e6) & 0xFF
    return k


def third_party_encrypt(plain):
    s = cat_map(plain, 5).ravel()
    k = logistic_bytes(s.size)
    c = np.empty_like(s)
    prev = 0
    for i in range(s.size):
        prev = c[i] = s[i] ^ k[i] ^ prev
    return c.reshape(plain.shape)


def main(src, outdir):
    big = medchaos.image.read(src)
    small = big[::2, ::2]  # 1024 → 512
    y0, x0 = (small.shape[0] - SIDE) // 2, (small.shape[1] - SIDE) // 2
    plain = np.ascontiguousarray(small[y0:y0 + SIDE, x0:x0 + SIDE])
    other = plain.copy()
    other[SIDE // 2, SIDE // 2] ^= 1
    medchaos.image.write(os.path.join(outdir, "xray_plain.png"), plain, force=True)
    medchaos.image.write(os.path.join(outdir, "xray_thirdparty_cipher.png"), third_party_encrypt(plain), force=True)
    medchaos.image.write(os.path.join(outdir, "xray_thirdparty_cipher_onepixel.png"), third_party_encrypt(other),
                         force=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
