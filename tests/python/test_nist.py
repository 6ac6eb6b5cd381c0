"""medchaos.nist against the command (`medchaos nist --json` on the same bits)
and against SP 800-22's formulas written here (math, SciPy) (§2.1 frequency,
§2.2 block frequency, §2.3 runs, §2.13 cumulative sums' statistic)."""
import math

import numpy as np
import pytest

import medchaos
from medchaos import nist

from conftest import needs_scipy

KEYSTREAM = "logistic:3.99,0.3"
N = 100000


@pytest.fixture(scope="module")
def stream():
    return medchaos.chaos.keystream(KEYSTREAM, 3 * N // 8).tobytes()


def test_keystream_is_the_bytes_the_command_writes(cli, tmp_path):
    f = tmp_path / "ks.bin"
    cli("nist", "--keystream", KEYSTREAM, "--bits", N, "--streams", 3, "--write", f)
    assert f.read_bytes() == medchaos.chaos.keystream(KEYSTREAM, 3 * N // 8).tobytes()


def test_analyze_equals_command_json(stream, cli, tmp_path):
    f = tmp_path / "ks.bin"
    f.write_bytes(stream)
    ref = cli.json("nist", f, "--bits", N, "--streams", 3, "--json")
    ours = nist.analyze(f, bits=N, streams=3)
    assert {k: v for k, v in ours.items() if k != "results"} == {k: v for k, v in ref.items() if k != "results"}
    assert len(ours["results"]) == len(ref["results"])
    for a, b in zip(ours["results"], ref["results"]):
        assert a.keys() == b.keys() and a["test"] == b["test"]
        for k in a:
            if isinstance(a[k], float) or (isinstance(a[k], list) and a[k] and isinstance(a[k][0], float)):
                assert a[k] == pytest.approx(b[k], abs=5.1e-7), (a["test"], k)  # the command prints %.6f
            else:
                assert a[k] == b[k], (a["test"], k)


def test_run_gives_each_p_value_of_the_command_for_one_stream(stream, cli, tmp_path):
    f = tmp_path / "one.bin"
    f.write_bytes(stream[: N // 8])
    rows = {r["test"]: r for r in cli.json("nist", f, "--bits", N, "--json")["results"]}
    r = nist.run(stream[: N // 8])
    assert r["bits"] == N
    for i, (name, t) in enumerate(r["tests"].items()):
        assert name == nist.TEST_NAMES[i]
        if not t["applicable"]:
            row = rows[nist.slot_label(i, 0)]
            assert row["applicable"] == 0 and row["reason"] == t["reason"]
            continue
        assert len(t["p"]) == len(t["labels"]) == len(t["pass"])
        for label, p, ok in zip(t["labels"], t["p"], t["pass"]):
            assert rows[label]["p"] == pytest.approx(p, abs=5.1e-7)
            assert ok == (p >= 0.01) == (rows[label]["passed"] == 1)


def bits_of(data, n):
    return np.unpackbits(np.frombuffer(data, np.uint8))[:n].astype(np.int64)


@needs_scipy
def test_block_frequency_equals_sp800_22_formula(stream):
    from scipy import special
    e = bits_of(stream, N)
    M = 128  # the battery's default block length, §2.2.4
    blocks = e[: N // M * M].reshape(-1, M).mean(axis=1)
    chi2 = 4 * M * ((blocks - 0.5) ** 2).sum()
    p = nist.run(stream[: N // 8])["tests"]["BlockFrequency"]["p"][0]
    assert p == pytest.approx(special.gammaincc(len(blocks) / 2, chi2 / 2), rel=1e-9)


def test_frequency_runs_cusum_equal_sp800_22_formulas(stream):
    n = N
    e = bits_of(stream, n)
    t = nist.run(stream[: n // 8])["tests"]
    s = (2 * e - 1).sum()
    assert t["Frequency"]["p"][0] == pytest.approx(math.erfc(abs(s) / math.sqrt(2 * n)), rel=1e-10)  # §2.1.4
    pi = e.mean()  # §2.3.4
    v = 1 + (e[1:] != e[:-1]).sum()
    p_runs = math.erfc(abs(v - 2 * n * pi * (1 - pi)) / (2 * math.sqrt(2 * n) * pi * (1 - pi)))
    assert t["Runs"]["p"][0] == pytest.approx(p_runs, rel=1e-9)
    walk = np.cumsum(2 * e - 1)  # §2.13.4: z = max |S_k| forward and backward
    z_fwd, z_bwd = np.abs(walk).max(), np.abs(walk[-1] - np.concatenate(([0], walk[:-1]))).max()
    assert t["CumulativeSums"]["stat"] == [float(z_fwd), float(z_bwd)]


def test_bits_bytes_and_strings_give_the_same_results(stream):
    data = stream[:2000]
    bits = np.unpackbits(np.frombuffer(data, np.uint8)).astype(bool)
    a = nist.run(data)
    assert nist.run(bits) == a
    assert nist.run(np.frombuffer(data, np.uint8)) == a
    assert nist.run("".join("1" if b else "0" for b in bits)) == a
    assert nist.run(data, nbits=15000)["bits"] == 15000


def test_short_input_marks_tests_not_applicable_with_reasons():
    r = nist.run(bytes(range(256)) * 4)
    assert not r["tests"]["Universal"]["applicable"] and r["tests"]["Universal"]["reason"]
    assert r["tests"]["Universal"]["p"] == []


def test_zeros_fail_frequency():
    assert nist.run(bytes(2000))["tests"]["Frequency"]["pass"] == [False]


@pytest.mark.parametrize("bad,exc", [(np.zeros(10, np.int32), TypeError), (np.zeros((2, 8), bool), ValueError),
                                     (b"", ValueError), ("01a", ValueError), (3.5, TypeError)])
def test_bad_sequences_raise_clear_errors(bad, exc):
    with pytest.raises(exc):
        nist.run(bad)


def test_analyze_refuses_data_shorter_than_requested():
    with pytest.raises(medchaos.MedchaosError) as e:
        nist.analyze(bytes(100), bits=1000, streams=2)
    assert e.value.name == "MC_E_TRUNCATED" and "800 bits" in e.value.message
