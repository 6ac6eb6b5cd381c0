"""The key envelope on NumPy arrays (src/pipeline/envelope.h, docs/FORMAT.md):
seal an image's key material for an RSA public key and get the cipher image
and the envelope's bytes, open them again with the private key, read the
readable header. Keys are PEM texts or files, as `medchaos keygen` writes them
(PKCS#8 / SubjectPublicKeyInfo; PKCS#1 is read too)."""
import ctypes
import os

from ._lib import Image, as_image, c_free, call, fn, take_image
from .chaos import HARDENED, PAPER, Params, _CParams, _params

_P = ctypes.POINTER
_u8 = ctypes.c_uint8
MAX_MODEL = 64
MAX_META = 1024


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint16), ("map", _u8), ("mode", _u8), ("variant", _u8),
                ("aes_bytes", _u8), ("width", ctypes.c_uint32), ("height", ctypes.c_uint32),
                ("channels", _u8), ("depth", _u8), ("model", ctypes.c_char * (MAX_MODEL + 1)),
                ("model_sha256", _u8 * 32), ("meta", ctypes.c_char * (MAX_META + 1)),
                ("origin", ctypes.c_void_p), ("origin_len", ctypes.c_size_t)]


_vp = ctypes.c_void_p
_pem_parse_private = fn("pem_parse_private", [ctypes.c_char_p, ctypes.c_size_t, _P(_vp)])
_pem_parse_public = fn("pem_parse_public", [ctypes.c_char_p, ctypes.c_size_t, _P(_vp)])
_pem_format_private = fn("pem_format_private", [_vp, _P(_vp), _P(ctypes.c_size_t)])
_pem_format_public = fn("pem_format_public", [_vp, _P(_vp), _P(ctypes.c_size_t)])
_pem_free_text = fn("pem_free_text", [_vp, ctypes.c_size_t], None)
_rsa_generate = fn("rsa_generate", [_P(_vp), ctypes.c_uint])
_rsa_priv_public = fn("rsa_priv_public", [_vp], _vp)
_rsa_pub_dup = fn("rsa_pub_dup", [_vp, _P(_vp)])
_rsa_pub_bits = fn("rsa_pub_bits", [_vp], ctypes.c_uint)
_rsa_priv_free = fn("rsa_priv_free", [_vp], None)
_rsa_pub_free = fn("rsa_pub_free", [_vp], None)
_read_header = fn("envelope_read_header", [ctypes.c_char_p, ctypes.c_size_t, _P(_Header)])
_pipe_encrypt = fn("pipe_encrypt", [_P(Image), _P(_CParams), _P(_Header), _vp, _P(Image), _P(_vp),
                                    _P(ctypes.c_size_t), _vp])
_pipe_decrypt = fn("pipe_decrypt", [_P(Image), ctypes.c_char_p, ctypes.c_size_t, _vp, _P(_Header),
                                    _P(Image)])
_header_clear = fn("envelope_header_clear", [_P(_Header)], None)


def _text(pem, what):
    """PEM text from str, bytes or a path (os.PathLike, or a str naming an existing file)."""
    if isinstance(pem, os.PathLike) or (isinstance(pem, str) and "-----BEGIN" not in pem):
        with open(pem, "rb") as f:
            return f.read(), os.fspath(pem)
    if isinstance(pem, str):
        return pem.encode(), what
    if isinstance(pem, (bytes, bytearray)):
        return bytes(pem), what
    raise TypeError("%s: expected PEM text (str or bytes) or a path, got %s" % (what, type(pem).__name__))


def _formatted(f, handle):
    text, n = _vp(), ctypes.c_size_t()
    call(f, handle, ctypes.byref(text), ctypes.byref(n))
    try:
        return ctypes.string_at(text, n.value).decode("ascii")
    finally:
        _pem_free_text(text, n.value)


class PublicKey:
    """An RSA public key (2048 bits or more), from PEM text or a file."""

    def __init__(self, pem):
        buf, where = _text(pem, "public key")
        self._h = _vp()
        call(_pem_parse_public, buf, len(buf), ctypes.byref(self._h), where=where)

    @classmethod
    def _own(cls, handle):
        k = cls.__new__(cls)
        k._h = handle
        return k

    @property
    def bits(self):
        return _rsa_pub_bits(self._h)

    def pem(self):
        return _formatted(_pem_format_public, self._h)

    def __del__(self):
        if getattr(self, "_h", None):
            _rsa_pub_free(self._h)
            self._h = None


class PrivateKey:
    """An RSA private key, from PEM text or a file; generate() makes a new
    one (FIPS 186-5, getrandom(2)), as `medchaos keygen` does. Freed and
    wiped by the library when the object goes."""

    def __init__(self, pem):
        buf, where = _text(pem, "private key")
        self._h = _vp()
        call(_pem_parse_private, buf, len(buf), ctypes.byref(self._h), where=where)

    @classmethod
    def generate(cls, bits=3072):
        k = cls.__new__(cls)
        k._h = _vp()
        call(_rsa_generate, ctypes.byref(k._h), int(bits), where="keygen")
        return k

    @property
    def public(self):
        h = _vp()
        call(_rsa_pub_dup, _rsa_priv_public(self._h), ctypes.byref(h))
        return PublicKey._own(h)

    def pem(self):
        """The PKCS#8 PEM text (secret: write it with mode 0600)."""
        return _formatted(_pem_format_private, self._h)

    def __del__(self):
        if getattr(self, "_h", None):
            _rsa_priv_free(self._h)
            self._h = None


def _key(k, cls):
    return k if isinstance(k, cls) else cls(k)


def _bytes(envelope):
    if isinstance(envelope, (str, os.PathLike)):
        with open(envelope, "rb") as f:
            return f.read(), os.fspath(envelope)
    if isinstance(envelope, (bytes, bytearray, memoryview)):
        return bytes(envelope), "envelope"
    raise TypeError("envelope: expected bytes or a path, got %s" % type(envelope).__name__)


def _header_dict(h):
    return {"version": h.version, "map": Params._map_name(h.map), "mode": ("full", "compact")[h.mode],
            "variant": ("paper", "hardened")[h.variant], "aes_bits": h.aes_bytes * 8,
            "width": h.width, "height": h.height, "channels": h.channels, "depth": h.depth,
            "model": h.model.decode(), "model_sha256": bytes(h.model_sha256).hex(),
            "meta": h.meta.decode()}


def read_header(envelope):
    """The envelope's readable header (what `medchaos inspect` prints) from
    its bytes or its path; no key needed, nothing secret in it. Since format
    version 2 its "meta" is "": the metadata is sealed (open_envelope gives it)."""
    buf, where = _bytes(envelope)
    h = _Header()
    call(_read_header, buf, len(buf), ctypes.byref(h), where=where)
    return _header_dict(h)


def seal(plain, params, public_key, hardened=False, compact=False, aes_bits=128, meta=""):
    """Encrypt plain with params and seal the key material for public_key, as
    `medchaos encrypt --params` does: returns (cipher array, envelope bytes).
    The cipher pixels equal the command's; the envelope differs run to run
    (fresh AES key, nonce and OAEP seed). meta is the canonical metadata
    string, sealed with the key material (format version 2; "" for none)."""
    p = _params(params)
    pub = _key(public_key, PublicKey)
    if aes_bits not in (128, 256):
        raise ValueError("aes_bits must be 128 or 256, got %r" % (aes_bits,))
    meta = meta.encode()
    if len(meta) > MAX_META:
        raise ValueError("meta: at most %d bytes" % MAX_META)
    im, keep = as_image(plain, "plain")
    h = _Header(mode=int(bool(compact)), variant=HARDENED if hardened else PAPER,
                aes_bytes=aes_bits // 8, model=b"manual", meta=meta)
    c = _CParams(p._c.map, p._c.v)
    out, env, n = Image(), _vp(), ctypes.c_size_t()
    call(_pipe_encrypt, ctypes.byref(im), ctypes.byref(c), ctypes.byref(h), pub._h, ctypes.byref(out),
         ctypes.byref(env), ctypes.byref(n), None, where="plain")
    try:
        data = ctypes.string_at(env, n.value)
    finally:
        c_free(env)
    return take_image(out, like=plain), data


def open_envelope(cipher, envelope, private_key):
    """Authenticate the envelope against the cipher image and decrypt:
    returns (plain array, header dict). MC_E_KEY for another key's envelope,
    MC_E_AUTH when either file was modified or they do not belong together."""
    buf, where = _bytes(envelope)
    priv = _key(private_key, PrivateKey)
    im, keep = as_image(cipher, "cipher")
    h, out = _Header(), Image()
    call(_pipe_decrypt, ctypes.byref(im), buf, len(buf), priv._h, ctypes.byref(h), ctypes.byref(out),
         where=where)
    _header_clear(ctypes.byref(h))  # the origin record (docs/FORMAT.md §3.2) is the command's business
    return take_image(out, like=cipher), _header_dict(h)
