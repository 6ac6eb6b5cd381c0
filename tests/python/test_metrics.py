"""medchaos.metrics against the command (`medchaos analyze --json` on the same
files) and against NumPy/SciPy computations written here from the papers'
formulas (Wu, Noonan, Agaian 2011; Wu et al. 2013; Shannon; Pearson)."""
import ctypes
import math
from statistics import NormalDist

import numpy as np
import pytest

import medchaos
from medchaos import metrics
from medchaos._lib import as_image

from conftest import needs_scipy, random_image, smooth_image

Z = NormalDist().inv_cdf


def samples(a):
    """H×W×C float64 view of any layout."""
    a = a.astype(np.float64)
    return a[:, :, None] if a.ndim == 2 else a


def peak(a):
    return float(np.iinfo(a.dtype).max)


# ---- the whole report, against the command ----

def test_analyze_of_paths_equals_command_json(pair, cli):
    plain, cipher, pp, cp = pair
    assert metrics.analyze(pp, cp) == cli.json("analyze", "--json", pp, cp)


def test_analyze_of_arrays_equals_command_json_but_the_names(pair, cli):
    plain, cipher, pp, cp = pair
    ref = cli.json("analyze", "--json", "--seed", "7", pp, cp)
    ref["plain"] = ref["cipher"] = None
    assert medchaos.analyze(plain, cipher, seed=7) == ref


def test_analyze_of_identical_images_reports_infinite_psnr_as_the_command(cli, tmp_path):
    a = smooth_image((50, 60), np.uint8)
    medchaos.image.write(tmp_path / "a.png", a)
    r = medchaos.analyze(tmp_path / "a.png", tmp_path / "a.png")
    assert r == cli.json("analyze", "--json", tmp_path / "a.png", tmp_path / "a.png")
    assert r["psnr"]["all"] == "inf" and r["mse"]["all"] == 0


# ---- each metric, against NumPy ----

def test_npcr_uaci_equal_numpy_per_channel_and_overall(pair):
    plain, cipher, _, _ = pair
    a, b = samples(plain), samples(cipher)
    r = metrics.npcr_uaci(plain, cipher)
    npcr = 100 * (a != b).mean(axis=(0, 1))
    uaci = 100 * np.abs(a - b).mean(axis=(0, 1)) / peak(plain)
    assert r["npcr"]["channels"] == pytest.approx(list(npcr), rel=1e-12)
    assert r["uaci"]["channels"] == pytest.approx(list(uaci), rel=1e-12)
    assert r["npcr"]["all"] == pytest.approx(100 * (a != b).mean(), rel=1e-12)
    assert r["uaci"]["all"] == pytest.approx(100 * np.abs(a - b).mean() / peak(plain), rel=1e-12)


@pytest.mark.parametrize("n,depth", [(256 * 256, 8), (512 * 512 * 3, 8), (64 * 64, 16)])
def test_wu_critical_values_equal_the_2011_formulas(n, depth):
    F = 2.0 ** depth - 1
    r = metrics.wu_critical(n, depth)
    for k, alpha in enumerate(metrics.ALPHA):
        z1, z2 = Z(1 - alpha), Z(1 - alpha / 2)
        assert r["npcr_min"][k] == pytest.approx(100 * (F - z1 * math.sqrt(F / n)) / (F + 1), rel=1e-10)
        mu = 100 * (F + 2) / (3 * F + 3)
        sigma = 100 * math.sqrt((F + 2) * (F * F + 2 * F + 3) / (18 * (F + 1) ** 2 * n * F))
        assert r["uaci_lo"][k] == pytest.approx(mu - z2 * sigma, rel=1e-10)
        assert r["uaci_hi"][k] == pytest.approx(mu + z2 * sigma, rel=1e-10)


def test_wu_2011_table_for_256x256_at_005():
    # Wu, Noonan, Agaian 2011, Table: N*_0.05 = 99.5693 %, U*_0.05 = [33.2824, 33.6447] % for 256×256 8-bit.
    r = metrics.wu_critical(256 * 256, 8)
    assert r["npcr_min"][0] == pytest.approx(99.5693, abs=5e-5)
    assert r["uaci_lo"][0] == pytest.approx(33.2824, abs=5e-5)
    assert r["uaci_hi"][0] == pytest.approx(33.6447, abs=5e-5)


def test_verdicts_of_random_and_of_plain_images():
    a, b = random_image((256, 256), np.uint8, 3), random_image((256, 256), np.uint8, 4)
    r = metrics.npcr_uaci(a, b)["wu2011"]
    assert r["npcr_pass"][2] and r["uaci_pass"][2]  # two random images pass at 0.001 (almost surely)
    r = metrics.npcr_uaci(a, a)["wu2011"]
    assert not any(r["npcr_pass"]) and not any(r["uaci_pass"])


def test_histogram_equals_bincount(pair):
    plain = pair[0]
    levels = 1 << (8 * plain.dtype.itemsize)
    ref = np.bincount(plain.ravel(), minlength=levels)
    assert (metrics.histogram(plain) == ref).all()
    if plain.ndim == 3:
        assert (metrics.histogram(plain, 1) == np.bincount(plain[:, :, 1].ravel(), minlength=levels)).all()


def shannon(x, levels):
    p = np.bincount(x.ravel(), minlength=levels) / x.size
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def test_entropy_equals_numpy_shannon(pair):
    for img in pair[:2]:
        levels = 1 << (8 * img.dtype.itemsize)
        r = metrics.entropy(img)
        assert r["all"] == pytest.approx(shannon(img, levels), rel=1e-12)
        s = img[:, :, None] if img.ndim == 2 else img
        assert r["channels"] == pytest.approx([shannon(s[:, :, c], levels) for c in range(s.shape[2])], rel=1e-12)
        stored = np.frombuffer(img.astype(img.dtype.newbyteorder(">")).tobytes(), np.uint8)
        assert r["bytes"] == pytest.approx(shannon(stored, 256), rel=1e-12)


@needs_scipy
def test_chi_square_equals_pearson_with_scipy_p(pair):
    from scipy import special
    for img in pair[:2]:
        levels = 1 << (8 * img.dtype.itemsize)
        h = np.bincount(img.ravel(), minlength=levels).astype(np.float64)
        e = img.size / levels
        chi2 = ((h - e) ** 2 / e).sum()
        r = metrics.chi_square(img)
        assert r["dof"] == levels - 1
        assert r["chi2"]["all"] == pytest.approx(chi2, rel=1e-11)
        assert r["p"]["all"] == pytest.approx(special.gammaincc((levels - 1) / 2, chi2 / 2), rel=1e-8, abs=1e-300)


def block_entropy_moments(T, L):
    """Exact mean and deviation of the entropy of T i.i.d. uniform samples over
    L levels: H = Σ_i f(c_i), f(c) = -(c/T) log2(c/T), counts binomial (one bin)
    and trinomial (two bins), with SciPy's binomial law."""
    from scipy import stats
    c = np.arange(T + 1, dtype=np.float64)
    f = np.zeros(T + 1)
    f[1:] = -(c[1:] / T) * np.log2(c[1:] / T)
    p = 1.0 / L
    binom = stats.binom.pmf(c, T, p)
    mean = L * (binom * f).sum()
    # Var H = L·Var f(c_1) + L(L−1)·Cov(f(c_1), f(c_2)), each summed over
    # centred values g = f − E f so that nothing large cancels; the trinomial
    # law of (c_1, c_2) as Binom(c_1; T, p) · Binom(c_2; T − c_1, p/(1 − p)).
    g = f - mean / L
    var1 = (binom * g * g).sum()
    inner = np.array([(stats.binom.pmf(c[: T - k + 1], T - k, p / (1 - p)) * g[: T - k + 1]).sum()
                      for k in range(T + 1)])
    cov = (binom * g * inner).sum()
    return mean, math.sqrt(L * var1 + L * (L - 1) * cov)


@needs_scipy
def test_local_entropy_null_moments_equal_exact_binomial_computation():
    mu, sigma = metrics.local_entropy_stats(1936, 256)
    assert mu == pytest.approx(7.902469317, abs=1e-9)  # Wu et al. 2013's value
    ref_mu, ref_sigma = block_entropy_moments(1936, 256)
    assert mu == pytest.approx(ref_mu, rel=1e-12)
    # 4e-7: the library sums E[f(n_1)f(n_2)] − E[f]² uncentred through lgamma,
    # and L(L−1) = 65280 magnifies its rounding (measured 3.4e-7 off this
    # centred reference, which two formulations here reproduce to 1e-10): the
    # 10th digit of the intervals the command prints.
    assert sigma == pytest.approx(ref_sigma, rel=4e-7)


def test_local_entropy_with_every_tile_equals_mean_of_tile_entropies():
    img = random_image((176, 132, 3), np.uint8, 5)  # 4 × 3 tiles of 44×44
    r = metrics.local_entropy(img, k=12, side=44, seed=9)
    tiles = [[shannon(img[y:y + 44, x:x + 44, c], 256) for y in range(0, 176, 44) for x in range(0, 132, 44)]
             for c in range(3)]
    assert r["mean"]["channels"] == pytest.approx([np.mean(t) for t in tiles], rel=1e-12)
    assert r["mean"]["all"] == pytest.approx(np.mean(tiles), rel=1e-12)
    mu, sigma = metrics.local_entropy_stats(44 * 44, 256)
    for k, alpha in enumerate(metrics.ALPHA):
        half = Z(1 - alpha / 2) * sigma / math.sqrt(12)
        assert r["lo"][k] == pytest.approx(mu - half, rel=1e-10)
        assert r["hi"][k] == pytest.approx(mu + half, rel=1e-10)
    assert "published_lo" not in r  # Wu's table is for k = 30 only


def test_local_entropy_gives_wu_2013_table_for_30_blocks_of_44():
    # Wu et al. 2013's printed intervals (k = 30, T_B = 1936), α = 0.05, 0.01, 0.001.
    r = metrics.local_entropy(random_image((264, 264), np.uint8, 6))
    assert r["published_lo"] == [7.901901305, 7.901722822, 7.901515698]
    assert r["published_hi"] == [7.903037329, 7.903215812, 7.903422936]
    assert all(lo > e for lo, e in zip(r["published_lo"], r["lo"]))  # narrower than the exact intervals
    assert r["pass"][0][2]  # uniform noise passes the exact interval at 0.001 (almost surely)


def test_correlation_of_all_pairs_equals_numpy_corrcoef(pair):
    for img in pair[:2]:
        s = samples(img)
        r = metrics.correlation(img)
        for c in range(s.shape[2]):
            x = s[:, :, c]
            ref = {"horizontal": (x[:, :-1], x[:, 1:]), "vertical": (x[:-1, :], x[1:, :]),
                   "diagonal": (x[:-1, :-1], x[1:, 1:])}
            for d, (u, v) in ref.items():
                assert r[d]["all"][c] == pytest.approx(np.corrcoef(u.ravel(), v.ravel())[0, 1], rel=1e-9, abs=1e-12)


M64 = (1 << 64) - 1


class Xoshiro:
    """The sampling generator metrics.h documents, written from its papers:
    xoshiro256** (Blackman, Vigna, ACM TOMS 2021) with the state filled by
    four splitmix64 outputs (Steele, Lea, Flood 2014); below(n) rejects the
    lowest 2^64 mod n values so that x mod n is uniform."""

    def __init__(self, seed):
        self.s, x = [], seed
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        rotl = lambda v, k: ((v << k) | (v >> (64 - k))) & M64
        out, t = (rotl((s[1] * 5) & M64, 7) * 9) & M64, (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return out

    def below(self, n):
        while True:
            x = self.next()
            if x >= (1 << 64) % n:
                return x % n


def test_reference_generator_gives_splitmix64s_published_first_value():
    assert Xoshiro(0).s[0] == 0xE220A8397B1DCDAF  # splitmix64 from 0 (Vigna's reference output)


def test_sampled_correlation_equals_numpy_on_the_same_draws():
    img = smooth_image((37, 45, 3), np.uint8, 3)
    n, seed = 500, 12
    r = metrics.correlation(img, n, seed)
    g = Xoshiro(seed)
    for d, (dx, dy) in zip(metrics.DIRECTIONS, ((1, 0), (0, 1), (1, 1))):
        xs, ys = [], []
        for _ in range(n):
            xs.append(g.below(45 - dx))
            ys.append(g.below(37 - dy))
        xs, ys = np.array(xs), np.array(ys)
        for c in range(3):
            u, v = img[ys, xs, c].astype(float), img[ys + dy, xs + dx, c].astype(float)
            assert r[d]["sampled"][c] == pytest.approx(np.corrcoef(u, v)[0, 1], rel=1e-9), (d, c)


def test_local_entropy_equals_numpy_on_the_same_tiles():
    img = random_image((220, 308), np.uint8, 13)  # 5 × 7 = 35 tiles of 44×44, 30 drawn
    r = metrics.local_entropy(img, 30, 44, seed=4)
    tiles, g = list(range(35)), Xoshiro(4)
    for i in range(30):  # the first k steps of a Fisher-Yates shuffle
        j = i + g.below(35 - i)
        tiles[i], tiles[j] = tiles[j], tiles[i]
    ref = [shannon(img[t // 7 * 44:t // 7 * 44 + 44, t % 7 * 44:t % 7 * 44 + 44], 256) for t in tiles[:30]]
    assert r["mean"]["all"] == pytest.approx(np.mean(ref), rel=1e-12)


def test_sampled_correlation_depends_on_the_seed_only():
    img = smooth_image((100, 100), np.uint8)
    a, b = metrics.correlation(img, 3000, 1), metrics.correlation(img, 3000, 1)
    c = metrics.correlation(img, 3000, 2)
    assert a == b and a != c
    assert abs(a["horizontal"]["sampled"][0] - a["horizontal"]["all"][0]) < 0.05


def test_correlation_of_constant_image_is_nan():
    r = metrics.correlation(np.full((20, 20), 7, np.uint8))
    assert math.isnan(r["horizontal"]["all"][0])


def test_mse_psnr_equal_numpy(pair):
    plain, cipher, _, _ = pair
    a, b = samples(plain), samples(cipher)
    mse = ((a - b) ** 2).mean()
    r = metrics.mse_psnr(plain, cipher)
    assert r["mse"]["all"] == pytest.approx(mse, rel=1e-12)
    assert r["mse"]["channels"] == pytest.approx(list(((a - b) ** 2).mean(axis=(0, 1))), rel=1e-12)
    assert r["psnr"]["all"] == pytest.approx(10 * math.log10(peak(plain) ** 2 / mse), rel=1e-12)
    assert r["peak"] == peak(plain)
    assert metrics.mse_psnr(plain, plain)["psnr"]["all"] == math.inf


def test_key_space_is_the_papers_count():
    assert metrics.key_space((128, 128))["bits"] == 133120  # the paper's 2^133120
    r = metrics.key_space(np.zeros((30, 40, 3), np.uint8))
    assert r["bits"] == (30 + 40 + 30 * 40 * 3) * 8
    assert metrics.key_space(np.zeros((30, 40, 3), np.uint16))["bits"] == (30 + 40 + 30 * 40 * 3 * 2) * 8
    assert metrics.key_space((30, 40, 3), 16) == metrics.key_space(np.zeros((30, 40, 3), ">u2"))
    assert r["permutation_bits"] == pytest.approx((math.lgamma(31) + math.lgamma(41)) / math.log(2), rel=1e-12)


# ---- no copies where the layout allows ----

def address(im):
    return ctypes.cast(im.data, ctypes.c_void_p).value


def test_uint8_and_big_endian_uint16_arrays_are_read_in_place():
    a = random_image((10, 12, 3), np.uint8)
    im, keep = as_image(a)
    assert address(im) == a.ctypes.data and keep is a
    b = random_image((10, 12), np.uint16).astype(">u2")
    im, keep = as_image(b)
    assert address(im) == b.ctypes.data


def test_native_uint16_is_measured_on_its_values():
    a = random_image((30, 30), np.uint16, 8)
    assert metrics.entropy(a) == metrics.entropy(a.astype(">u2"))
    assert metrics.npcr_uaci(a, a[::-1].copy()) == metrics.npcr_uaci(a.astype(">u2"), a[::-1].astype(">u2"))
