#!/usr/bin/env python3
"""Score a cipher image pair from any cipher with medchaos's verified
instruments and print one table with verdicts.

    PYTHONPATH=python python3 examples/score_my_cipher.py PLAIN CIPHER [CIPHER_ONE_PIXEL] [--seed N]

PLAIN and CIPHER are PNG or JPEG files of the same geometry (8- or 16-bit,
1 to 4 channels). CIPHER_ONE_PIXEL, when given, is the cipher of PLAIN with
one pixel changed under the same key: the standard differential test (Wu,
Noonan, Agaian 2011) compares it with CIPHER. Tests and their criteria:
  - NPCR/UACI: Wu 2011's critical values at α = 0.05 (also 0.01, 0.001);
  - histogram: Pearson's χ² against uniform, P ≥ 0.01; entropy shown beside it;
  - local entropy (8-bit): Wu 2013, 30 blocks of 44×44, exact interval at 0.05
    and Wu's published table;
  - adjacent correlation: |r| ≤ z_0.995/√n, the 1 % test of r = 0 for n pairs;
  - NIST SP 800-22 on the cipher's stored bytes (one sequence): each test's
    P-values ≥ 0.01 in at least the §4.2.1 proportion for that many P-values;
  - MSE, PSNR and the paper's key-space count are shown without a verdict.
Try it on the bundled third-party pair (examples/data/README.md):
    PYTHONPATH=python python3 examples/score_my_cipher.py examples/data/xray_plain.png \\
        examples/data/xray_thirdparty_cipher.png examples/data/xray_thirdparty_cipher_onepixel.png
"""
import argparse
import math
import statistics
import sys

import medchaos
from medchaos import metrics, nist

ALPHA = 0.01
Z = statistics.NormalDist().inv_cdf(1 - ALPHA / 2)


def verdict(ok):
    return "pass" if ok else "FAIL"


def fmt(v, prec=4):
    if isinstance(v, str) or v is None:
        return "n/a" if v is None else v
    return "%.*f" % (prec, v)


class Table:
    def __init__(self):
        self.rows = []

    def add(self, test, value, criterion, ok=None):
        self.rows.append((test, value, criterion, "" if ok is None else verdict(ok)))

    def section(self, title):
        self.rows.append((title, None, None, None))

    def print(self, out=sys.stdout):
        w = [max(len(r[i]) for r in self.rows if r[1] is not None) for i in range(4)]
        line = "%-*s  %*s  %-*s  %s" % (w[0], "test", w[1], "value", w[2], "criterion", "verdict")
        print(line, file=out)
        print("-" * len(line), file=out)
        for r in self.rows:
            if r[1] is None:
                print("\n" + r[0], file=out)
            else:
                print("%-*s  %*s  %-*s  %s" % (w[0], r[0], w[1], r[1], w[2], r[2], r[3]), file=out)


def differential(t, a, b, what):
    d = metrics.npcr_uaci(a, b)
    wu = d["wu2011"]
    t.add("NPCR %s (%%)" % what, fmt(d["npcr"]["all"]), ">= %.4f (Wu 2011, a=0.05)" % wu["npcr_min"][0],
          wu["npcr_pass"][0])
    t.add("UACI %s (%%)" % what, fmt(d["uaci"]["all"]),
          "in [%.4f, %.4f] (Wu 2011, a=0.05)" % (wu["uaci_lo"][0], wu["uaci_hi"][0]), wu["uaci_pass"][0])
    return wu["npcr_pass"][0] and wu["uaci_pass"][0]


def correlation_rows(t, r, shape, label, judge):
    h, w = shape[:2]
    pairs = {"horizontal": h * (w - 1), "vertical": (h - 1) * w, "diagonal": (h - 1) * (w - 1)}
    oks = []
    for d in metrics.DIRECTIONS:
        for kind, n in (("all", pairs[d]), ("sampled", r["random_pairs"])):
            v = r[d][kind][0]
            ok = v is not None and abs(v) <= Z / math.sqrt(n)
            oks.append(ok)
            t.add("%s %s r (%s)" % (label, d, "all pairs" if kind == "all" else "%d pairs" % n), fmt(v),
                  "|r| <= %.4f" % (Z / math.sqrt(n)), ok if judge else None)
    return all(oks)


def nist_rows(t, cipher):
    stored = cipher.astype(cipher.dtype.newbyteorder(">")).tobytes()
    r = nist.run(stored)
    t.section("NIST SP 800-22 on the cipher's %d stored bits (one sequence, alpha = %.2f)" % (r["bits"], ALPHA))
    oks = []
    for name, x in r["tests"].items():
        if not x["applicable"]:
            t.add(name, "n/a", x["reason"][:60])
            continue
        m = len(x["p"])
        lo = 1 - ALPHA - 3 * math.sqrt(ALPHA * (1 - ALPHA) / m) if m > 1 else 1.0
        k = sum(x["pass"])
        ok = k / m >= lo
        oks.append(ok)
        crit = "P >= %.2f" % ALPHA if m == 1 else "%d of %d P >= %.2f (>= %.3f)" % (k, m, ALPHA, lo)
        t.add(name, fmt(min(x["p"])) if m == 1 else "min %s" % fmt(min(x["p"])), crit, ok)
    return all(oks)


def score(plain_path, cipher_path, onepixel_path=None, seed=1):
    plain, cipher = medchaos.image.read(plain_path), medchaos.image.read(cipher_path)
    rep = medchaos.analyze(plain, cipher, seed=seed)
    t = Table()
    summary = {}
    if onepixel_path:
        t.section("Differential test: the two cipher images of plains one pixel apart")
        summary["differential"] = differential(t, cipher, medchaos.image.read(onepixel_path), "C1 vs C2")
    t.section("Plain against cipher (the sense most papers report)")
    differential(t, plain, cipher, "P vs C")
    t.add("MSE", fmt(rep["mse"]["all"], 2), "(shown)")
    t.add("PSNR (dB)", fmt(rep["psnr"]["all"], 2), "(shown; low is expected)")

    t.section("Cipher image statistics")
    cs = rep["cipher_stats"]
    t.add("entropy (bits)", fmt(cs["entropy"]["all"]), "ideal %d" % (8 * cipher.dtype.itemsize))
    p = cs["chi_square_p"]["all"]
    summary["histogram"] = p is not None and p >= ALPHA
    t.add("histogram chi-square p (dof %d)" % cs["chi_square_dof"], fmt(p), "p >= %.2f" % ALPHA,
          summary["histogram"])
    le = cs["local_entropy"]
    if "error" in le:
        t.add("local entropy", "n/a", le["error"][:60])
    else:
        summary["local_entropy"] = le["pass"][0]
        t.add("local entropy (30 x 44x44)", fmt(le["mean"]["all"], 6),
              "in [%.6f, %.6f] (exact, a=0.05)" % (le["lo"][0], le["hi"][0]), le["pass"][0])
        if "published_lo" in le:
            t.add("local entropy, Wu 2013 table", fmt(le["mean"]["all"], 6),
                  "in [%.6f, %.6f] (published)" % (le["published_lo"][0], le["published_hi"][0]),
                  le["pass_published"][0])
    summary["correlation"] = correlation_rows(t, cs["correlation"], cipher.shape, "cipher", True)
    t.section("Plain image, for comparison")
    correlation_rows(t, rep["plain_stats"]["correlation"], plain.shape, "plain", False)
    summary["nist"] = nist_rows(t, cipher)
    t.section("Key space (the paper's count; says nothing about the effective key)")
    t.add("key space (bits)", str(rep["key_space_bits"]), "(shown)")
    t.add("two permutations alone (bits)", fmt(rep["permutation_bits"], 0), "(shown)")
    return t, summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plain")
    ap.add_argument("cipher")
    ap.add_argument("cipher_one_pixel", nargs="?")
    ap.add_argument("--seed", type=int, default=1, help="seed of the block and pair sampling (default 1)")
    a = ap.parse_args(argv)
    try:
        t, summary = score(a.plain, a.cipher, a.cipher_one_pixel, a.seed)
    except medchaos.MedchaosError as e:
        sys.exit("score_my_cipher: %s" % e)
    print("plain  %s\ncipher %s%s\n" % (a.plain, a.cipher, "\nC2     %s" % a.cipher_one_pixel if a.cipher_one_pixel else ""))
    t.print()
    print("\nsummary: " + ", ".join("%s %s" % (k, verdict(v)) for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
