"""An image's acquisition metadata (src/meta, docs/METADATA.md): every date
source found in a file as `medchaos meta show --json` lists them, the one
canonical record chosen from them (or given by hand), and the metadata image
the key network reads, as floats and as the 8-bit RGB picture `meta render`
writes."""
import ctypes
import os

import numpy as np

from ._lib import call, fn

_P = ctypes.POINTER
_ci = ctypes.c_int
UID_MAX = 64
CANON_MAX = 128
MAX_FOUND = 16
MAX_NOTES = 8
DICOM_NKEYS = 11
RENDER_DEFAULT = 224


class _Record(ctypes.Structure):
    _fields_ = [("year", _ci), ("month", _ci), ("day", _ci), ("hour", _ci), ("minute", _ci),
                ("second", _ci), ("usec", _ci), ("subsec_digits", _ci), ("offset_known", _ci),
                ("utc_offset_min", _ci), ("src", _ci), ("uid", ctypes.c_char * (UID_MAX + 1))]


class _Found(ctypes.Structure):
    _fields_ = [("src", _ci), ("status", _ci), ("where", ctypes.c_char * 48), ("raw", ctypes.c_char * 128),
                ("detail", ctypes.c_char * 192), ("rec", _Record)]


class _Scan(ctypes.Structure):
    _fields_ = [("format", ctypes.c_char_p), ("n", _ci), ("items", _Found * MAX_FOUND), ("nnotes", _ci),
                ("notes", (ctypes.c_char * 192) * MAX_NOTES), ("dicom", (ctypes.c_char * 72) * DICOM_NKEYS),
                ("dicom_have", ctypes.c_ubyte * DICOM_NKEYS)]


class _Options(ctypes.Structure):
    _fields_ = [("datetime", ctypes.c_char_p), ("subsec", ctypes.c_char_p), ("offset", ctypes.c_char_p),
                ("uid", ctypes.c_char_p), ("allow_file_time", _ci)]


_scan_file = fn("meta_scan_file", [ctypes.c_char_p, _P(_Scan)])
_choose = fn("meta_choose", [_P(_Scan), _P(_Record), _P(_ci)])
_from_file_time = fn("meta_from_file_time", [ctypes.c_char_p, _P(_Record)])
_resolve = fn("meta_resolve", [ctypes.c_char_p, _P(_Options), _P(_Record)])
_canonical = fn("meta_canonical", [_P(_Record), ctypes.c_char_p, ctypes.c_size_t], ctypes.c_size_t)
_source_name = fn("meta_source_name", [_ci], ctypes.c_char_p)
_render = fn("meta_render", [_P(_Record), _ci, _P(ctypes.c_float)])


def _s(b):
    return b.decode("utf-8", "replace")


def _canon(m):
    buf = ctypes.create_string_buffer(CANON_MAX)
    _canonical(ctypes.byref(m), buf, CANON_MAX)
    return _s(buf.value)


def show(path, allow_file_time=False):
    """Every date source of the JPEG or PNG at path and the one used: the
    dict of `medchaos meta show --json`. canonical and source are "" when no
    source is usable (the command then exits with status 15; read() raises)."""
    s = _Scan()
    where = os.fspath(path)
    call(_scan_file, os.fsencode(path), ctypes.byref(s), where=where)
    m, which = _Record(), _ci(-1)
    ce = _choose(ctypes.byref(s), ctypes.byref(m), ctypes.byref(which))
    if ce and allow_file_time:
        ce = _from_file_time(os.fsencode(path), ctypes.byref(m))
        which.value = -1
    sources = [{"source": _s(_source_name(f.src)), "where": _s(f.where), "raw": _s(f.raw),
                "ok": f.status == 0, "error": _s(f.detail) if f.status else "",
                "chosen": i == which.value and not ce}
               for i, f in enumerate(s.items[: s.n])]
    return {"file": where, "format": _s(s.format), "sources": sources,
            "notes": [_s(s.notes[i].value) for i in range(s.nnotes)],
            "canonical": "" if ce else _canon(m), "source": "" if ce else _s(_source_name(m.src))}


def _record(path, datetime, subsec, offset, uid, allow_file_time):
    if path is None and datetime is None:
        raise ValueError("give an image path or datetime='YYYY:MM:DD HH:MM:SS'")
    enc = lambda v: None if v is None else str(v).encode()
    o = _Options(enc(datetime), enc(subsec), enc(offset), enc(uid), int(bool(allow_file_time)))
    m = _Record()
    call(_resolve, None if path is None else os.fsencode(path), ctypes.byref(o), ctypes.byref(m),
         where=os.fspath(path) if path is not None else "datetime")
    return m


def read(path=None, datetime=None, subsec=None, offset=None, uid=None, allow_file_time=False):
    """The canonical record the key generation uses, as `encrypt` and `meta
    render` resolve it: fields given by hand win, then the file's metadata,
    then (allow_file_time) its mtime. MedchaosError MC_E_NOMETA when none."""
    m = _record(path, datetime, subsec, offset, uid, allow_file_time)
    out = {k: getattr(m, k) for k, _ in _Record._fields_ if k not in ("src", "uid")}
    out.update(uid=_s(m.uid), source=_s(_source_name(m.src)), canonical=_canon(m))
    return out


def render(path=None, size=RENDER_DEFAULT, **fields):
    """The metadata image the key network reads: float32, shape (3, size,
    size), values in [0, 1] (docs/METADATA.md §Metadata image). The record
    comes from path and/or fields as in read()."""
    m = _record(path, fields.pop("datetime", None), fields.pop("subsec", None), fields.pop("offset", None),
                fields.pop("uid", None), fields.pop("allow_file_time", False))
    if fields:
        raise TypeError("render: unknown argument(s) %s" % ", ".join(sorted(fields)))
    size = int(size)
    out = np.empty((3, size, size), np.float32)
    call(_render, ctypes.byref(m), size, out.ctypes.data_as(_P(ctypes.c_float)), where="size %d" % size)
    return out


def render_rgb8(path=None, size=RENDER_DEFAULT, **fields):
    """The same picture as `medchaos meta render` writes it: size×size×3
    uint8, each sample (unsigned char)(v·255 + 0.5) in float32 as
    meta_render_png computes it."""
    f = render(path, size, **fields)
    return (f.transpose(1, 2, 0) * np.float32(255) + np.float32(0.5)).astype(np.uint8)
