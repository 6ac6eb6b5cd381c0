"""Loading libmedchaos and the few things every module of the package shares:
the error convention (mc_err codes and mc_errmsg details become MedchaosError),
the img_image view of a NumPy array, and the C allocator's free().

Where the library is looked for, first match wins:
  1. $MEDCHAOS_LIB, the path of libmedchaos.so itself;
  2. the build tree, when the package is imported from its source tree
     (PYTHONPATH=python in a build directory: ../../.libs/libmedchaos.so);
  3. the libdir that `make install` recorded in _libdir.py (under DESTDIR too:
     the package then lies under the same staging root as the library);
  4. ctypes.util.find_library("medchaos"), i.e. the dynamic linker's path.
"""
import ctypes
import ctypes.util
import os

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_SONAME = "libmedchaos.so.0"


def _candidates():
    env = os.environ.get("MEDCHAOS_LIB")
    if env:
        yield env
        return  # an explicit choice is never second-guessed
    build = os.path.normpath(os.path.join(_HERE, "..", "..", ".libs"))
    yield os.path.join(build, "libmedchaos.so")
    try:
        from . import _libdir
    except ImportError:
        _libdir = None
    if _libdir is not None:
        # Installed at ROOT + PKGPYTHONDIR (ROOT empty, or a DESTDIR staging
        # root): the library is at ROOT + LIBDIR, before any other install.
        pkg = os.path.normpath(_libdir.PKGPYTHONDIR)
        if _HERE.endswith(pkg):
            yield os.path.join(_HERE[: -len(pkg)] + _libdir.LIBDIR, _SONAME)
        yield os.path.join(_libdir.LIBDIR, _SONAME)
    found = ctypes.util.find_library("medchaos")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path + " (absent)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("medchaos: libmedchaos not found; tried: %s. Build it (make), install it "
                      "(make install), or set MEDCHAOS_LIB to the path of libmedchaos.so"
                      % ("; ".join(tried) or "nothing"))


lib, LIBRARY_PATH = _load()
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None


def c_free(ptr):
    """free() of a buffer the library malloc'd for us (envelopes, PEM texts)."""
    _libc.free(ptr)


# ---- errors (src/util/err.h) ----

ERROR_NAMES = ["MC_OK", "MC_E_ARG", "MC_E_NOMEM", "MC_E_IO", "MC_E_FORMAT", "MC_E_TRUNCATED",
               "MC_E_UNSUPPORTED", "MC_E_TOO_LARGE", "MC_E_AUTH", "MC_E_KEY", "MC_E_RANDOM",
               "MC_E_EXISTS", "MC_E_VERSION", "MC_E_MISMATCH", "MC_E_NOMETA", "MC_E_RANGE",
               "MC_E_KEYREUSE"]

lib.mc_strerror.argtypes = [ctypes.c_int]
lib.mc_strerror.restype = ctypes.c_char_p
lib.mc_errmsg.argtypes = [ctypes.c_int]
lib.mc_errmsg.restype = ctypes.c_char_p
lib.mc_clear_error.argtypes = []
lib.mc_clear_error.restype = None


class MedchaosError(Exception):
    """A library call failed. code is the mc_err value (also the command's exit
    status minus one, docs/medchaos.1), name its symbol (MC_E_FORMAT, ...),
    message the library's one-line detail (mc_errmsg)."""

    def __init__(self, code, message, where=None):
        self.code = code
        self.name = ERROR_NAMES[code] if 0 <= code < len(ERROR_NAMES) else "MC_E_%d" % code
        self.message = message
        self.where = where
        super().__init__("%s%s (%s)" % (where + ": " if where else "", message, self.name))


def error_of(code, where=None):
    return MedchaosError(code, lib.mc_errmsg(code).decode("utf-8", "replace"), where)


def fn(name, argtypes, restype=ctypes.c_int):
    """Declare a library function. Those returning mc_err raise on failure."""
    f = getattr(lib, name)
    f.argtypes = argtypes
    f.restype = restype
    return f


def call(f, *args, where=None):
    """Call an mc_err-returning function; a nonzero code raises MedchaosError.
    The thread's detail is cleared first so that a stale message never
    describes a new failure."""
    lib.mc_clear_error()
    e = f(*args)
    if e:
        raise error_of(e, where)


# ---- images (src/image/image.h) ----

class Image(ctypes.Structure):
    _fields_ = [("width", ctypes.c_uint32), ("height", ctypes.c_uint32),
                ("channels", ctypes.c_uint8), ("depth", ctypes.c_uint8),
                ("data", ctypes.POINTER(ctypes.c_uint8))]


img_free = fn("img_free", [ctypes.POINTER(Image)], None)
img_size_bytes = fn("img_size_bytes", [ctypes.POINTER(Image)], ctypes.c_size_t)
_img_check_geometry = fn("img_check_geometry", [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint8,
                                                 ctypes.c_uint8])

_BE16 = np.dtype(">u2")


def check_array(a, name="image"):
    """The checks every image argument goes through: an ndarray of uint8 or
    uint16, H×W or H×W×C with 1 ≤ C ≤ 4, C-contiguous. Raises TypeError or
    ValueError naming the argument; never lets a bad buffer reach C."""
    if not isinstance(a, np.ndarray):
        raise TypeError("%s: expected a numpy.ndarray, got %s" % (name, type(a).__name__))
    if a.dtype.kind != "u" or a.dtype.itemsize not in (1, 2):
        raise TypeError("%s: dtype must be uint8 or uint16, got %s" % (name, a.dtype))
    if a.ndim not in (2, 3) or (a.ndim == 3 and not 1 <= a.shape[2] <= 4):
        raise ValueError("%s: shape must be HxW or HxWxC with C in 1..4, got %s" % (name, a.shape))
    if not a.flags.c_contiguous:
        raise ValueError("%s: array is not C-contiguous (a slice or a transpose); "
                         "pass numpy.ascontiguousarray(%s)" % (name, name))


def as_image(a, name="image"):
    """An img_image over the array's own memory when the layout allows: uint8
    arrays and big-endian ('>u2') uint16 arrays are used in place; native
    uint16 is byte-swapped into a copy, because the library stores 16-bit
    samples most significant byte first (PNG's order, image.h). Returns
    (Image, keepalive): keep the second alive while C uses the first."""
    check_array(a, name)
    if a.dtype.itemsize == 2 and a.dtype != _BE16:
        a = a.astype(_BE16)
    h, w = a.shape[:2]
    c = a.shape[2] if a.ndim == 3 else 1
    call(_img_check_geometry, w, h, c, a.dtype.itemsize * 8, where=name)
    im = Image(w, h, c, a.dtype.itemsize * 8, a.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)))
    return im, a


def take_image(im, like=None):
    """Copy an img_image the library allocated into a new array and free it.
    2-D for one channel, or like's shape (an input array of the same size);
    uint16 comes back in native order unless like was big-endian."""
    shape = (im.height, im.width) if im.channels == 1 else (im.height, im.width, im.channels)
    depth = im.depth
    try:
        n = img_size_bytes(ctypes.byref(im))
        raw = np.ctypeslib.as_array(im.data, shape=(n,)).copy()
    finally:
        img_free(ctypes.byref(im))
    if like is not None and like.shape[:2] == shape[:2]:
        shape = like.shape  # H×W×1 in, H×W×1 out
    if depth == 8:
        return raw.reshape(shape)
    out = raw.view(_BE16).reshape(shape)
    if like is not None and like.dtype == _BE16:
        return out
    return out.astype(np.uint16)
