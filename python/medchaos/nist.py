"""NIST SP 800-22 rev. 1a on bits from Python (src/nist): run() gives the
fifteen tests' P-values (188 with the battery's defaults when all apply) and
verdicts for one sequence; analyze() cuts data into M sequences and gives the
multi-sequence report of §4.2 as `medchaos nist --json` prints it.
Bits are ε_1..ε_n; a byte holds ε_1 in its most significant bit, as the
command reads a file."""
import ctypes
import os

import numpy as np

from ._lib import ERROR_NAMES, MedchaosError, call, fn

_P = ctypes.POINTER
NTESTS = 15
MAX_P = 148
MAX_AUX = 20
ALPHA = 0.01  # the command's level (sts's default)
# §4.2.2: uniformity is judged only with enough sequences, at this level
# (the same rule as src/cli/cmd_nist.c, which prints the same report).
UNIFORMITY_MIN_STREAMS = 55
UNIFORMITY_ALPHA = 0.0001


class _Result(ctypes.Structure):
    _fields_ = [("np", ctypes.c_size_t), ("p", ctypes.c_double * MAX_P), ("stat", ctypes.c_double * MAX_P),
                ("aux", ctypes.c_double * MAX_AUX)]


class _Report(ctypes.Structure):
    _fields_ = [("nbits", ctypes.c_size_t), ("status", ctypes.c_int * NTESTS),
                ("reason", (ctypes.c_char * 96) * NTESTS), ("result", _Result * NTESTS)]


class _Summary(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("passed", ctypes.c_size_t), ("bins", ctypes.c_size_t * 10),
                ("proportion", ctypes.c_double), ("lo", ctypes.c_double), ("hi", ctypes.c_double),
                ("uniformity", ctypes.c_double)]


_run_all = fn("nist_run_all", [ctypes.c_char_p, ctypes.c_size_t, _P(_Report)])
_summarize = fn("nist_summarize", [_P(ctypes.c_double), ctypes.c_size_t, ctypes.c_double, _P(_Summary)], None)
_test_name = fn("nist_test_name", [ctypes.c_int], ctypes.c_char_p)
_slot_label = fn("nist_slot_label", [ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t], None)

TEST_NAMES = tuple(_test_name(t).decode() for t in range(NTESTS))


def slot_label(t, slot):
    """The report's name of P-value `slot` of test number t (0..14, in
    TEST_NAMES order), e.g. "RandomExcursions x=-4", "Serial 2"."""
    buf = ctypes.create_string_buffer(64)
    _slot_label(t, slot, buf, 64)
    return buf.value.decode()


def _packed(seq, nbits=None):
    """(packed bytes, number of bits) from bytes-like data (packed, MSB first),
    a uint8 array (packed bytes), a bool array (one bit each) or a '0'/'1' string."""
    if isinstance(seq, str):
        if seq.strip("01"):
            raise ValueError("bit string: only '0' and '1' allowed")
        seq = np.frombuffer(seq.encode(), np.uint8) == ord("1")
    if isinstance(seq, np.ndarray):
        if seq.ndim != 1:
            raise ValueError("bits: expected a 1-D array, got shape %s" % (seq.shape,))
        if seq.dtype == np.bool_:
            n = seq.size
            data = np.packbits(seq).tobytes()
        elif seq.dtype == np.uint8:
            data, n = np.ascontiguousarray(seq).tobytes(), seq.size * 8
        else:
            raise TypeError("bits: dtype must be bool (one bit each) or uint8 (packed bytes), got %s" % seq.dtype)
    elif isinstance(seq, (bytes, bytearray, memoryview)):
        data = bytes(seq)
        n = len(data) * 8
    else:
        raise TypeError("bits: expected bytes, a numpy bool/uint8 array or a '0'/'1' string, got %s"
                        % type(seq).__name__)
    if nbits is not None:
        if not 0 < nbits <= n:
            raise ValueError("nbits=%d: the data hold %d bits" % (nbits, n))
        n = int(nbits)
    if n == 0:
        raise ValueError("bits: empty sequence")
    return data, n


def _battery(data, n):
    r = _Report()
    call(_run_all, data, n, ctypes.byref(r), where="nist")
    return r


def run(seq, nbits=None, alpha=ALPHA):
    """All fifteen tests on one sequence (see _packed for what seq may be;
    nbits takes only the first bits). Returns {"bits", "alpha", "tests"}:
    tests maps each test's name to {"applicable", "reason", "p", "stat",
    "labels", "pass"} with one entry per P-value (pass: P ≥ alpha); a test
    the input is too short for is applicable False with the library's reason."""
    data, n = _packed(seq, nbits)
    r = _battery(data, n)
    tests = {}
    for t in range(NTESTS):
        res = r.result[t]
        ok = r.status[t] == 0
        k = res.np if ok else 0
        p = list(res.p[:k])
        tests[TEST_NAMES[t]] = {"applicable": ok, "reason": "" if ok else r.reason[t].value.decode(),
                                "p": p, "stat": list(res.stat[:k]), "labels": [slot_label(t, i) for i in range(k)],
                                "pass": [v >= alpha for v in p]}
    return {"bits": n, "alpha": alpha, "tests": tests}


def analyze(data, bits=1000000, streams=None, name=None, alpha=ALPHA):
    """The multi-sequence analysis of SP 800-22 §4.2 over `streams` sequences
    of `bits` bits cut from data (bytes, a uint8 array, or a path; default:
    as many as fit): the dict of `medchaos nist --json` (there rounded to six
    decimals, here at full precision). Each row is one P-value slot: the
    sequences where it applied, how many passed at alpha, the acceptable
    proportion range, the uniformity P-value and its ten bins."""
    if isinstance(data, (str, os.PathLike)):
        name = os.fspath(data) if name is None else name
        with open(data, "rb") as f:
            data = f.read()
    raw, have = _packed(data)
    bits = int(bits)
    if bits < 1:
        raise ValueError("bits must be positive")
    if streams is None:
        streams = max(have // bits, 1)
    streams = int(streams)
    if streams < 1 or have < bits * streams:
        raise MedchaosError(ERROR_NAMES.index("MC_E_TRUNCATED"), "%d bits, need %d stream(s) × %d bits" % (have, streams, bits), name)
    allbits = np.unpackbits(np.frombuffer(raw, np.uint8))
    pv = [[None] * NTESTS for _ in range(streams)]
    reasons = [""] * NTESTS
    slots = [0] * NTESTS
    for k in range(streams):
        r = _battery(np.packbits(allbits[k * bits:(k + 1) * bits]).tobytes(), bits)
        for t in range(NTESTS):
            if r.status[t] == 0:
                pv[k][t] = list(r.result[t].p[: r.result[t].np])
                slots[t] = max(slots[t], r.result[t].np)
            elif not reasons[t]:
                reasons[t] = r.reason[t].value.decode()
    rows, failed, na = [], 0, 0
    for t in range(NTESTS):
        for sl in range(slots[t] or 1):
            col = [pv[k][t][sl] for k in range(streams) if pv[k][t] is not None and sl < len(pv[k][t])]
            label = slot_label(t, sl)
            if not col:
                rows.append({"test": label, "applicable": 0, "reason": reasons[t]})
                na += 1
                continue
            s = _Summary()
            arr = (ctypes.c_double * len(col))(*col)
            _summarize(arr, len(col), alpha, ctypes.byref(s))
            bad = s.proportion < s.lo or (len(col) >= UNIFORMITY_MIN_STREAMS and s.uniformity < UNIFORMITY_ALPHA)
            failed += bad
            row = {"test": label, "applicable": len(col), "passed": s.passed, "proportion": s.proportion,
                   "range": [s.lo, s.hi], "uniformity": s.uniformity, "bins": list(s.bins)}
            if len(col) == 1:
                row["p"] = col[0]
            rows.append(row)
    return {"file": name, "bits": bits, "streams": streams, "alpha": alpha, "results": rows,
            "rows": len(rows), "not_applicable_rows": na, "failed_rows": failed}
