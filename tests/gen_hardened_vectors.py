#!/usr/bin/python3
"""Independent reference for the hardened variant, written from docs/FORMAT.md §6
(and, for the chaotic sequences, docs/CIPHER.md through tests/gen_chaos_vectors.py,
itself written from that text): the plaintext-dependent parameters, the
compact keystream of 2N bytes and the two chained passes. Writes
tests/vectors/hardened/example_*.txt (committed; tests/test_pipeline.c compares
the C code with them). With --check it recomputes them and fails when the
committed files differ, which `make check` runs when python3 is present.
Run: python3 tests/gen_hardened_vectors.py [--check] [OUTDIR]"""
import hashlib
import math
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_chaos_vectors as chaos  # noqa: E402

R_MIN, R_MAX = 3.86, 4.0                 # CIPHER.md §5.1
X0_LO, X0_HI = 0.05, 0.95                # KEYGEN.md §1
LABEL = b"medchaos-hardened/1\x00"       # FORMAT.md §6.1: the label with its NUL


def bits(d):
    return struct.unpack(">Q", struct.pack(">d", d))[0]


def image_hash(w, h, c, depth, data):
    """FORMAT.md §4: SHA-256(width ‖ height ‖ channels ‖ depth ‖ stored bytes)."""
    return hashlib.sha256(struct.pack(">IIBB", w, h, c, depth) + data).digest()


def logistic_chaotic(r, x0):
    """CIPHER.md §5.1: the band, the margins and the first block's Lyapunov check."""
    if not (R_MIN <= r < R_MAX) or not (1e-6 <= x0 <= 1 - 1e-6):
        return False
    if abs(x0 - (1.0 - 1.0 / r)) < 1e-6 or abs(x0 - 1.0 / r) < 1e-6:
        return False
    x = x0
    for _ in range(chaos.LOGISTIC_TRANSIENT):
        x = chaos.logistic_step(r, x)
    p, e = 0.5, 1
    for n in range(1, 4097):
        x = chaos.logistic_step(r, x)
        p *= abs(r * (1.0 - 2.0 * x))
        if n % 8 == 0:
            if p == 0.0 or p < 2.0 ** -1022:      # zero or subnormal: fails
                return False
            p, k = math.frexp(p)                  # p in [0.5, 1), exact
            e += k
    return float(e - 1) >= 4096.0 * 0.3 * (1.0 / math.log(2.0))


def unit_params(u0, u1):
    """KEYGEN.md §1: u → (r, x0) along the fixed walk, first accepted point."""
    for t in range(4096):
        a = math.fmod(u0 + t / 4099.0, 1.0)
        r = R_MIN + (R_MAX - R_MIN) * a * (1.0 - 2.0 ** -40)
        x0 = X0_LO + (X0_HI - X0_LO) * u1
        if logistic_chaotic(r, x0):
            return r, x0
    raise ValueError("no chaotic parameters")


def derive(r, x0, ihash):
    """FORMAT.md §6.1: D = SHA-256(label ‖ map ‖ six parameters ‖ image hash)."""
    six = (r, x0, 0.0, 0.0, 0.0, 0.0)
    d = hashlib.sha256(LABEL + b"\x01" + b"".join(struct.pack(">d", v) for v in six) + ihash).digest()
    u = [((int.from_bytes(d[8 * i:8 * i + 8], "big") >> 11) + 0.5) / 2.0 ** 53 for i in range(3)]
    return d, u, unit_params(u[0], u[1])


def rotl(x, k):
    return ((x << k) | (x >> (8 - k))) & 0xFF


def chained(a, s):
    """FORMAT.md §6.3: forward t[k] = rotl3(a[k] + t[k-1]) ^ s[k], t[-1] = s[n-1];
    backward c[k] = rotl5(t[k] + c[k+1]) ^ s[n-1-k], c[n] = s[0]."""
    n = len(a)
    t, prev = bytearray(n), s[n - 1]
    for k in range(n):
        prev = t[k] = rotl((a[k] + prev) & 0xFF, 3) ^ s[k]
    c, nxt = bytearray(n), s[0]
    for k in range(n - 1, -1, -1):
        nxt = c[k] = rotl((t[k] + nxt) & 0xFF, 5) ^ s[n - 1 - k]
    return bytes(t), bytes(c)


def example(name, w, h, c, depth, plain, r, x0):
    pb = c * depth // 8
    n = w * h * pb
    ih = image_hash(w, h, c, depth, plain)
    d, u, (r2, x2) = derive(r, x0, ih)
    xi, yi, z = chaos.keys(("logistic", (r2, x2)), h, w, 2 * n)   # §6.2: 2N keystream bytes
    a = chaos.encrypt(plain, h, w, pb, xi, yi, z[:n])
    t, cipher = chained(a, z[n:])
    lines = [
        "# %s: hardened variant, docs/FORMAT.md §6 (written by tests/gen_hardened_vectors.py)" % name,
        "# geometry: width height channels depth",
        "geometry = %d %d %d %d" % (w, h, c, depth),
        "plain = %s" % plain.hex(),
        "base_r = %016x" % bits(r), "base_x0 = %016x" % bits(x0),
        "image_hash = %s" % ih.hex(), "digest = %s" % d.hex(),
        "u = %s" % " ".join("%016x" % bits(v) for v in u),
        "r = %016x" % bits(r2), "x0 = %016x" % bits(x2),
        "# r = %r, x0 = %r" % (r2, x2),
        "xindex = %s" % " ".join(map(str, xi)), "yindex = %s" % " ".join(map(str, yi)),
        "zkey = %s" % z.hex(), "after_paper = %s" % a.hex(), "after_forward = %s" % t.hex(),
        "cipher = %s" % cipher.hex(),
    ]
    return name, "\n".join(lines) + "\n"


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    outdir = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", "hardened")
    gray8 = bytes([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])   # CIPHER.md §7's image
    rgb16 = bytes(range(0, 240, 10))                                      # 2x2 RGB 16-bit
    files = [example("example_gray8.txt", 4, 3, 1, 8, gray8, 3.99, 0.3141592653),
             example("example_rgb16.txt", 2, 2, 3, 16, rgb16, 3.9, 0.5)]
    bad = 0
    for name, text in files:
        path = os.path.join(outdir, name)
        if check:
            with open(path) as f:
                if f.read() != text:
                    print("%s differs from what docs/FORMAT.md §6 gives" % path)
                    bad = 1
        else:
            os.makedirs(outdir, exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
    sys.exit(bad)


if __name__ == "__main__":
    main()
