"""The cipher-image metrics of src/metrics on NumPy arrays: NPCR/UACI with
Wu, Noonan and Agaian's (2011) critical values, entropy, local entropy (Wu et
al. 2013), adjacent-pixel correlation, MSE/PSNR, histogram chi-square and the
paper's key space; analyze() gathers them as `medchaos analyze --json` does.
Every function reads the array in place (see _lib.as_image) and returns plain
Python numbers: NaN where a figure is undefined, inf for identical images."""
import ctypes
import math
import os

import numpy as np

from ._lib import Image, MedchaosError, as_image, call, check_array, fn
from . import image as _image

MAX_CHANNELS = 4
N_ALPHA = 3
ALPHA = (0.05, 0.01, 0.001)  # metric_alpha[], the levels of every test here
DIRECTIONS = ("horizontal", "vertical", "diagonal")
# What `medchaos analyze` uses (src/cli/cmd_analyze.c).
RANDOM_PAIRS = 3000
LOCAL_BLOCKS = 30
LOCAL_SIDE = 44

_d = ctypes.c_double
_dA = _d * N_ALPHA
_iA = ctypes.c_int * N_ALPHA
_P = ctypes.POINTER


class _Value(ctypes.Structure):
    _fields_ = [("ch", _d * MAX_CHANNELS), ("all", _d)]


class _Diff(ctypes.Structure):
    _fields_ = [("npcr", _Value), ("uaci", _Value)]


class _WuCritical(ctypes.Structure):
    _fields_ = [("npcr_mean", _d), ("uaci_mean", _d), ("uaci_sigma", _d),
                ("npcr_min", _dA), ("uaci_lo", _dA), ("uaci_hi", _dA)]


class _WuVerdict(ctypes.Structure):
    _fields_ = [("npcr_pass", _iA), ("uaci_pass", _iA)]


class _Entropy(ctypes.Structure):
    _fields_ = [("bits", _Value), ("bytes", _d), ("levels", ctypes.c_uint)]


class _Chi2(ctypes.Structure):
    _fields_ = [("chi2", _Value), ("p", _Value), ("dof", ctypes.c_uint)]


class _LocalEntropy(ctypes.Structure):
    _fields_ = [("k", ctypes.c_uint), ("side", ctypes.c_uint), ("mean", _Value),
                ("mu", _d), ("sigma", _d), ("lo", _dA), ("hi", _dA),
                ("pass_", _iA * MAX_CHANNELS), ("has_published", ctypes.c_int),
                ("published_lo", _dA), ("published_hi", _dA),
                ("pass_published", _iA * MAX_CHANNELS)]


class _Correlation(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint), ("n_random", ctypes.c_uint),
                ("all", (_d * 3) * MAX_CHANNELS), ("sampled", (_d * 3) * MAX_CHANNELS)]


class _Fidelity(ctypes.Structure):
    _fields_ = [("mse", _Value), ("psnr", _Value), ("peak", _d)]


_I = _P(Image)
_npcr_uaci = fn("metric_npcr_uaci", [_I, _I, _P(_Diff)])
_wu_critical = fn("metric_wu_critical_values", [ctypes.c_uint64, ctypes.c_uint, _P(_WuCritical)])
_wu_verdict = fn("metric_wu_verdict_of", [_P(_WuCritical), _d, _d, _P(_WuVerdict)], None)
_histogram = fn("metric_histogram", [_I, ctypes.c_int, _P(ctypes.c_uint64)])
_entropy = fn("metric_entropy", [_I, _P(_Entropy)])
_chi_square = fn("metric_chi_square", [_I, _P(_Chi2)])
_le_stats = fn("metric_local_entropy_stats", [ctypes.c_uint, ctypes.c_uint, _P(_d), _P(_d)])
_local_entropy = fn("metric_local_entropy", [_I, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint64,
                                             _P(_LocalEntropy)])
_correlation = fn("metric_correlation", [_I, ctypes.c_uint, ctypes.c_uint64, _P(_Correlation)])
_mse_psnr = fn("metric_mse_psnr", [_I, _I, _P(_Fidelity)])
_key_space_bits = fn("metric_key_space_bits", [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint8,
                                               ctypes.c_uint8], ctypes.c_uint64)
_permutation_bits = fn("metric_permutation_bits", [ctypes.c_uint32, ctypes.c_uint32], _d)


def _channels(a):
    return 1 if a.ndim == 2 else a.shape[2]


def _value(v, ch):
    return {"all": v.all, "channels": [v.ch[c] for c in range(ch)]}


def _pair(a, b):
    ia, ka = as_image(a, "a")
    ib, kb = as_image(b, "b")
    return ia, ib, (ka, kb)


def wu_critical(n, depth=8):
    """Wu 2011's critical values for n samples of depth bits at ALPHA (percent):
    npcr_min (NPCR passes when ≥), uaci_lo/uaci_hi (UACI passes inside), and
    the means and UACI deviation they come from."""
    c = _WuCritical()
    call(_wu_critical, int(n), int(depth), ctypes.byref(c))
    return {"alpha": list(ALPHA), "npcr_mean": c.npcr_mean, "uaci_mean": c.uaci_mean,
            "uaci_sigma": c.uaci_sigma, "npcr_min": list(c.npcr_min), "uaci_lo": list(c.uaci_lo),
            "uaci_hi": list(c.uaci_hi)}


def wu_verdict(npcr, uaci, n, depth=8):
    """(npcr_pass, uaci_pass) lists over ALPHA for overall NPCR and UACI (percent)."""
    c = _WuCritical()
    call(_wu_critical, int(n), int(depth), ctypes.byref(c))
    v = _WuVerdict()
    _wu_verdict(ctypes.byref(c), npcr, uaci, ctypes.byref(v))
    return [bool(x) for x in v.npcr_pass], [bool(x) for x in v.uaci_pass]


def npcr_uaci(a, b):
    """NPCR and UACI between a and b (percent, per channel and overall), with
    Wu 2011's critical values for b's sample count and depth and the verdicts
    of the overall figures. Pass two cipher images for the standard
    differential test, plain and cipher for the paper's figure."""
    ia, ib, keep = _pair(a, b)
    d = _Diff()
    call(_npcr_uaci, ctypes.byref(ia), ctypes.byref(ib), ctypes.byref(d))
    ch = ib.channels
    n = ib.width * ib.height * ch
    wu = wu_critical(n, ib.depth)
    wu["npcr_pass"], wu["uaci_pass"] = wu_verdict(d.npcr.all, d.uaci.all, n, ib.depth)
    return {"npcr": _value(d.npcr, ch), "uaci": _value(d.uaci, ch), "wu2011": wu}


def histogram(a, channel=None):
    """Counts of each of the 2^depth levels in one channel, or over all samples."""
    im, keep = as_image(a)
    h = np.zeros(1 << im.depth, dtype=np.uint64)
    if channel is not None and not 0 <= channel < im.channels:
        raise ValueError("channel %r: the image has %d channel(s)" % (channel, im.channels))
    call(_histogram, ctypes.byref(im), -1 if channel is None else int(channel),
         h.ctypes.data_as(_P(ctypes.c_uint64)))
    return h


def entropy(a):
    """Shannon entropy in bits on the 2^depth levels (all, channels) and of
    the stored bytes (bytes; the same as all for 8-bit images)."""
    im, keep = as_image(a)
    r = _Entropy()
    call(_entropy, ctypes.byref(im), ctypes.byref(r))
    out = _value(r.bits, im.channels)
    out.update(bytes=r.bytes, levels=r.levels)
    return out


def chi_square(a):
    """Pearson's χ² of the histogram against uniform, its degrees of freedom and P-value."""
    im, keep = as_image(a)
    r = _Chi2()
    call(_chi_square, ctypes.byref(im), ctypes.byref(r))
    return {"chi2": _value(r.chi2, im.channels), "p": _value(r.p, im.channels), "dof": r.dof}


def local_entropy_stats(block_pixels=LOCAL_SIDE * LOCAL_SIDE, levels=256):
    """Exact (mean, standard deviation) of one block's entropy under i.i.d. uniform samples."""
    mu, sigma = _d(), _d()
    call(_le_stats, int(block_pixels), int(levels), ctypes.byref(mu), ctypes.byref(sigma))
    return mu.value, sigma.value


def local_entropy(a, k=LOCAL_BLOCKS, side=LOCAL_SIDE, seed=1):
    """Wu 2013's local Shannon entropy: mean entropy of k random side×side
    tiles (8-bit images), its exact null interval at ALPHA and, for k = 30 and
    side = 44, Wu's published table too. pass/pass_published are per channel."""
    im, keep = as_image(a)
    r = _LocalEntropy()
    call(_local_entropy, ctypes.byref(im), int(k), int(side), int(seed), ctypes.byref(r))
    ch = im.channels
    out = {"k": r.k, "side": r.side, "mean": _value(r.mean, ch), "mu": r.mu, "sigma": r.sigma,
           "lo": list(r.lo), "hi": list(r.hi),
           "pass": [[bool(x) for x in r.pass_[c]] for c in range(ch)]}
    if r.has_published:
        out.update(published_lo=list(r.published_lo), published_hi=list(r.published_hi),
                   pass_published=[[bool(x) for x in r.pass_published[c]] for c in range(ch)])
    return out


def correlation(a, n_random=RANDOM_PAIRS, seed=1):
    """Pearson's r of adjacent samples, per direction and channel: over all
    pairs ("all") and over n_random seeded random pairs ("sampled")."""
    im, keep = as_image(a)
    r = _Correlation()
    call(_correlation, ctypes.byref(im), int(n_random), int(seed), ctypes.byref(r))
    ch = im.channels
    return {d: {"all": [r.all[c][i] for c in range(ch)], "sampled": [r.sampled[c][i] for c in range(ch)]}
            for i, d in enumerate(DIRECTIONS)}


def mse_psnr(a, b):
    """MSE and PSNR (dB, peak 2^depth − 1; inf for identical images)."""
    ia, ib, keep = _pair(a, b)
    r = _Fidelity()
    call(_mse_psnr, ctypes.byref(ia), ctypes.byref(ib), ctypes.byref(r))
    return {"mse": _value(r.mse, ib.channels), "psnr": _value(r.psnr, ib.channels), "peak": r.peak}


def key_space(shape, depth=8):
    """The paper's key-space count in bits for an image of this shape and
    depth (or of this array: its shape and dtype), one byte per permutation
    element and per keystream byte (two per 16-bit sample), and the
    information two arbitrary permutations hold."""
    if isinstance(shape, np.ndarray):
        check_array(shape)
        shape, depth = shape.shape, shape.dtype.itemsize * 8
    h, w = int(shape[0]), int(shape[1])
    c = int(shape[2]) if len(shape) > 2 else 1
    if h < 1 or w < 1 or not 1 <= c <= MAX_CHANNELS or depth not in (8, 16):
        raise ValueError("key_space: bad shape %r or depth %r" % (tuple(shape), depth))
    return {"bits": _key_space_bits(w, h, c, depth), "permutation_bits": _permutation_bits(w, h)}


# ---- the whole report ----

def _json_number(v):
    """The command's JSON convention: NaN is null, infinities are strings."""
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    return _json_number(x)


def _image_stats(a, seed):
    e = entropy(a)
    chi = chi_square(a)
    try:
        le = local_entropy(a, LOCAL_BLOCKS, LOCAL_SIDE, seed)
        le["pass"] = le["pass"][0]  # the command reports the first channel's verdicts
        if "pass_published" in le:
            le["pass_published"] = le["pass_published"][0]
    except MedchaosError as err:  # not applicable (small or 16-bit image): say why, go on
        le = {"error": err.message}
    cor = {"random_pairs": RANDOM_PAIRS}
    cor.update(correlation(a, RANDOM_PAIRS, seed))
    return {"entropy": {"all": e["all"], "channels": e["channels"]}, "entropy_bytes": e["bytes"],
            "chi_square": chi["chi2"], "chi_square_dof": chi["dof"], "chi_square_p": chi["p"],
            "local_entropy": le, "correlation": cor}


def analyze(plain, cipher, seed=1):
    """Every metric of `medchaos analyze --json` for a plain/cipher pair, as
    the same dict (json.loads of the command's output equals it): NaN as
    None, infinities as "inf". plain and cipher are arrays or image paths;
    for arrays the "plain"/"cipher" fields are None."""
    names = [p if isinstance(p, (str, os.PathLike)) else None for p in (plain, cipher)]
    plain, cipher = [_image.read(p) if n is not None else p for p, n in zip((plain, cipher), names)]
    check_array(plain, "plain")
    check_array(cipher, "cipher")
    h, w = cipher.shape[:2]
    ch = _channels(cipher)
    d = npcr_uaci(plain, cipher)
    f = mse_psnr(plain, cipher)
    wu = {k: d["wu2011"][k] for k in ("alpha", "npcr_min", "uaci_lo", "uaci_hi", "npcr_pass", "uaci_pass")}
    ks = key_space(cipher)
    out = {"plain": names[0] and os.fspath(names[0]), "cipher": names[1] and os.fspath(names[1]),
           "width": w, "height": h, "channels": ch, "depth": cipher.dtype.itemsize * 8, "seed": seed,
           "npcr": d["npcr"], "uaci": d["uaci"], "wu2011": wu, "mse": f["mse"], "psnr": f["psnr"],
           "plain_stats": _image_stats(plain, seed), "cipher_stats": _image_stats(cipher, seed),
           "key_space_bits": ks["bits"], "permutation_bits": ks["permutation_bits"]}
    return _jsonable(out)
