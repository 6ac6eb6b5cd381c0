"""The chaotic layer of src/chaos and src/pipeline on NumPy arrays: the
parameters, the orbit, the row and column permutations and the keystream they
give, and the paper's permutation–diffusion cipher (and the hardened variant)
applied to an array without an envelope. Bit-exact with `medchaos encrypt
--params` (same parameters, same pixels), because these are the same calls."""
import ctypes
import os

import numpy as np

from ._lib import Image, as_image, call, fn, take_image
from .meta import _Record, _record

_P = ctypes.POINTER
LOGISTIC, LORENZ = 1, 2
_MAPS = {"logistic": LOGISTIC, "lorenz": LORENZ}


class _CParams(ctypes.Structure):
    _fields_ = [("map", ctypes.c_int), ("v", ctypes.c_double * 6)]


class _Keymat(ctypes.Structure):
    _fields_ = [("params", _CParams), ("h", ctypes.c_uint32), ("w", ctypes.c_uint32),
                ("zlen", ctypes.c_size_t), ("xindex", _P(ctypes.c_uint32)),
                ("yindex", _P(ctypes.c_uint32)), ("zkey", _P(ctypes.c_uint8))]


_parse = fn("keysrc_parse_params", [ctypes.c_char_p, ctypes.c_int, _P(_CParams)])
_map_name = fn("chaos_map_name", [ctypes.c_int], ctypes.c_char_p)
_keys = fn("chaos_keys", [_P(_CParams), ctypes.c_uint32, ctypes.c_uint32, ctypes.c_size_t,
                          _P(ctypes.c_uint32), _P(ctypes.c_uint32), _P(ctypes.c_uint8)])
_orbit = fn("chaos_orbit", [_P(_CParams), ctypes.c_size_t, _P(ctypes.c_double)])
_derive_walk = fn("keymat_derive_walk", [_P(_Keymat), _P(_CParams), ctypes.c_uint32, ctypes.c_uint32,
                                         ctypes.c_size_t])
_keymat_free = fn("keymat_free", [_P(_Keymat)], None)
_hardened_params = fn("hardened_params", [_P(_CParams), _P(Image), _P(_CParams)])
_apply = fn("pipe_apply", [_P(Image), _P(_Keymat), ctypes.c_int, ctypes.c_int, _P(Image)])

PAPER, HARDENED = 0, 1  # cipher_variant (src/pipeline/envelope.h)


class Params:
    """One validated parameter set: Params("logistic", r, x0) or
    Params("lorenz", x0, y0, z0[, sigma, rho, beta]), as `--params` takes
    them; Params.parse("logistic:3.99,0.3") as `nist --keystream` does. The
    values are read by the library's own parser (decimal strings that round
    trip, so each float arrives bit for bit) and checked against the chaotic
    ranges (MedchaosError MC_E_RANGE outside)."""

    def __init__(self, map, *values):
        if map not in _MAPS:
            raise ValueError("map must be 'logistic' or 'lorenz', got %r" % (map,))
        try:
            text = ",".join(repr(float(v)) for v in values)
        except (TypeError, ValueError):
            raise TypeError("Params: values must be numbers, got %r" % (values,)) from None
        self._c = _CParams()
        call(_parse, text.encode(), _MAPS[map], ctypes.byref(self._c), where="params")

    @classmethod
    def parse(cls, text):
        map, sep, values = text.partition(":")
        if not sep:
            raise ValueError("expected MAP:V,V,... (e.g. logistic:3.99,0.3), got %r" % (text,))
        return cls(map, *[float(v) for v in values.split(",")])

    @classmethod
    def _from_c(cls, c):
        p = cls.__new__(cls)
        p._c = _CParams(c.map, c.v)
        return p

    @staticmethod
    def _map_name(code):
        name = _map_name(code)
        return name.decode() if name else "unknown(%d)" % code

    @property
    def map(self):
        return self._map_name(self._c.map)

    @property
    def values(self):
        """r, x0 (logistic) or x0, y0, z0, sigma, rho, beta (Lorenz)."""
        return tuple(self._c.v[: 2 if self._c.map == LOGISTIC else 6])

    def __eq__(self, other):
        return isinstance(other, Params) and (self.map, self.values) == (other.map, other.values)

    def __repr__(self):
        return "Params(%r, %s)" % (self.map, ", ".join(repr(v) for v in self.values))


def _params(p):
    if isinstance(p, str):
        p = Params.parse(p)
    if not isinstance(p, Params):
        raise TypeError("expected medchaos.chaos.Params or 'map:v,v,...', got %s" % type(p).__name__)
    return p


def _size(n, what):
    n = int(n)
    if n < 1:
        raise ValueError("%s must be at least 1, got %d" % (what, n))
    return n


def keys(params, height, width, zlen=None):
    """(xindex, yindex, zkey) for an height×width image of zlen stored bytes
    (default height·width): the row and column permutations (uint32) and the
    keystream (uint8), all from one orbit (docs/CIPHER.md §4)."""
    p = _params(params)
    h, w = _size(height, "height"), _size(width, "width")
    z = np.empty(_size(h * w if zlen is None else zlen, "zlen"), np.uint8)
    x, y = np.empty(h, np.uint32), np.empty(w, np.uint32)
    call(_keys, ctypes.byref(p._c), h, w, z.size, x.ctypes.data_as(_P(ctypes.c_uint32)),
         y.ctypes.data_as(_P(ctypes.c_uint32)), z.ctypes.data_as(_P(ctypes.c_uint8)))
    return x, y, z


def keystream(params, nbytes):
    """nbytes of keystream: what `medchaos nist --keystream MAP:PARAMS --write`
    writes (a 1×1 image's permutations, then the stream)."""
    return keys(params, 1, 1, nbytes)[2]


def orbit(params, n):
    """n samples of the orbit after the transient: shape (n,) for the
    logistic map, (n, 3) for Lorenz (x, y, z per RK4 step)."""
    p = _params(params)
    n = _size(n, "n")
    out = np.empty((n,) if p._c.map == LOGISTIC else (n, 3), np.float64)
    call(_orbit, ctypes.byref(p._c), n, out.ctypes.data_as(_P(ctypes.c_double)))
    return out


def _variant(hardened):
    return HARDENED if hardened else PAPER


def _keymat(p, im, hardened):
    """Key material for im as pipe_encrypt derives it (the walk of
    docs/KEYGEN.md §1 included): twice the image's bytes when hardened."""
    k = _Keymat()
    c = _CParams(p._c.map, p._c.v)
    zlen = im.width * im.height * im.channels * (im.depth // 8) * (2 if hardened else 1)
    call(_derive_walk, ctypes.byref(k), ctypes.byref(c), im.height, im.width, zlen)
    return k, Params._from_c(c)


def _run(array, params, hardened, decrypt, name):
    im, keep = as_image(array, name)
    k, used = _keymat(params, im, hardened)
    out = Image()
    try:
        call(_apply, ctypes.byref(im), ctypes.byref(k), _variant(hardened), int(decrypt), ctypes.byref(out))
    finally:
        _keymat_free(ctypes.byref(k))
    return take_image(out, like=array), used


def encrypt(plain, params, hardened=False):
    """Encrypt an array with the chaotic layer alone: returns (cipher, used),
    where used are the parameters the keys came from, which decrypt() needs:
    the given ones (or, rarely, a step of the periodic-window walk from them),
    or with hardened=True the image-specific ones of the hardened variant
    (SHA-256 of the plain image mixed in, src/pipeline/hardened.h)."""
    p = _params(params)
    if hardened:
        im, keep = as_image(plain, "plain")
        c = _CParams()
        call(_hardened_params, ctypes.byref(p._c), ctypes.byref(im), ctypes.byref(c))
        p = Params._from_c(c)
    return _run(plain, p, hardened, 0, "plain")


def decrypt(cipher, used, hardened=False):
    """Invert encrypt(): used are the parameters it returned."""
    return _run(cipher, _params(used), hardened, 1, "cipher")[0]


# ---- where the parameters come from (src/pipeline/keysrc.h) ----

class _KeysrcOpts(ctypes.Structure):
    _fields_ = [("model_path", ctypes.c_char_p), ("teacher", ctypes.c_int), ("params", ctypes.c_char_p),
                ("map", ctypes.c_int), ("datetime", ctypes.c_char_p), ("allow_file_time", ctypes.c_int)]


class _Keysrc(ctypes.Structure):
    _fields_ = [("o", _KeysrcOpts), ("model", ctypes.c_void_p), ("manual", _CParams)]


_unit_params = fn("keynet_unit_params", [ctypes.c_int, _P(ctypes.c_double), _P(_CParams)])
_bind_unit = fn("keynet_bind_unit", [ctypes.c_int, _P(_Record), _P(ctypes.c_double)], None)
_keysrc_open = fn("keysrc_open", [_P(_Keysrc), _P(_KeysrcOpts)])
_keysrc_params = fn("keysrc_params", [_P(_Keysrc), ctypes.c_char_p, _P(_CParams), ctypes.c_void_p])
_keysrc_close = fn("keysrc_close", [_P(_Keysrc)], None)


def _outputs(map, u):
    """u as a flat float64 array of the K outputs the map takes (ValueError otherwise)."""
    if map not in _MAPS:
        raise ValueError("map must be 'logistic' or 'lorenz', got %r" % (map,))
    k = 2 if map == "logistic" else 3
    u = np.ascontiguousarray(u, dtype=np.float64).ravel()
    if u.size != k:
        raise ValueError("the %s map takes %d network outputs, got %d" % (map, k, u.size))
    return u


def unit_params(map, u):
    """The key network's outputs u in [0, 1]^K (K = 2 logistic, 3 Lorenz)
    mapped into the chaotic ranges, as the encryptor maps them
    (keynet_unit_params, docs/KEYGEN.md): the last step of params_for()."""
    u = _outputs(map, u)
    c = _CParams()
    call(_unit_params, _MAPS[map], u.ctypes.data_as(_P(ctypes.c_double)), ctypes.byref(c), where="unit_params")
    return Params._from_c(c)


def bind_unit(map, u, path=None, datetime=None):
    """The record of the image at path (or datetime) bound into the network
    outputs u (keynet_bind_unit, docs/KEYGEN.md §2.1): what a key network whose
    file says medchaos.bind = record does before unit_params()."""
    u = _outputs(map, u).copy()
    m = _record(path, datetime, None, None, None, False)   # the record as encrypt resolves it
    _bind_unit(_MAPS[map], ctypes.byref(m), u.ctypes.data_as(_P(ctypes.c_double)))
    return u


def params_for(path, model=None, map="logistic", datetime=None, allow_file_time=False):
    """The parameters `medchaos encrypt` (and `medchaos params`) would give
    the image at path: from its metadata through the trained key network in
    model (a safetensors file), or with model=None through the teacher
    mapping alone (--teacher). Returns (Params, canonical metadata, source),
    source being the network's architecture or "teacher"."""
    from .envelope import _Header  # the header keysrc fills (model name, metadata)
    if map not in _MAPS:
        raise ValueError("map must be 'logistic' or 'lorenz', got %r" % (map,))
    o = _KeysrcOpts(None if model is None else os.fsencode(model), int(model is None), None, _MAPS[map],
                    None if datetime is None else datetime.encode(), int(bool(allow_file_time)))
    k = _Keysrc()
    call(_keysrc_open, ctypes.byref(k), ctypes.byref(o), where=os.fspath(model) if model else "keysrc")
    try:
        c, h = _CParams(), _Header()
        call(_keysrc_params, ctypes.byref(k), os.fsencode(path), ctypes.byref(c), ctypes.cast(ctypes.pointer(h),
             ctypes.c_void_p), where=os.fspath(path))
    finally:
        _keysrc_close(ctypes.byref(k))
    return Params._from_c(c), h.meta.decode(), h.model.decode()
