"""medchaos from Python: the verified instruments and the cipher of libmedchaos
on NumPy arrays (ctypes; no compiler needed once the library is built).

    import medchaos
    plain = medchaos.image.read("scan.png")
    report = medchaos.analyze(plain, cipher)      # the dict of `medchaos analyze --json`

Modules: metrics (NPCR/UACI, entropy, ...), nist (SP 800-22), chaos (keys and
the cipher layer), envelope (seal/open with RSA keys), meta (metadata and its
image), nn (safetensors and the two networks), image (PNG/JPEG I/O).
Failures of the library raise MedchaosError (code, name, message); bad Python
arguments raise TypeError or ValueError before anything reaches C."""
from ._lib import LIBRARY_PATH, MedchaosError
from . import image, metrics, nist, chaos, envelope, meta, nn
from .metrics import analyze, npcr_uaci, entropy, local_entropy, correlation, mse_psnr, chi_square, key_space
from .chaos import Params, encrypt, decrypt
from .envelope import seal, open_envelope, read_header

__version__ = "0.1.0"
__all__ = ["LIBRARY_PATH", "MedchaosError", "image", "metrics", "nist", "chaos", "envelope", "meta", "nn",
           "analyze", "npcr_uaci", "entropy", "local_entropy", "correlation", "mse_psnr", "chi_square",
           "key_space", "Params", "encrypt", "decrypt", "seal", "open_envelope", "read_header"]
